"""测试用的 Python 对端：照课程里 QQ 客户端的行为，给服务端发消息，每发一条收一条回复，
像课程那样打印 '来自[ip:port]的一条消息:' 加上蓝底粗体的回复。

用法：python3 qq_client.py 127.0.0.1:8081 你好 [第二条消息 ...]   （地址也接受 [::1]:8081）
和课程不同的只有两点：地址和消息来自参数，不用选联系人、不读键盘；
每发出一条消息，先打印自己被分到的端口，测试用它核对服务端打印的来处。
"""
import socket
import sys

BUFSIZE = 1024


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


ip_port = split_address(sys.argv[1])
family = socket.AF_INET6 if ":" in ip_port[0] else socket.AF_INET
with socket.socket(family, socket.SOCK_DGRAM) as udp_client_socket:
    for msg in sys.argv[2:]:
        udp_client_socket.sendto(msg.encode("utf-8"), ip_port)
        print("python qq client sent from port", udp_client_socket.getsockname()[1], flush=True)
        back_msg, addr = udp_client_socket.recvfrom(BUFSIZE)
        print("来自[%s:%s]的一条消息:\033[1;44m%s\033[0m" % (addr[0], addr[1], back_msg.decode("utf-8")),
              flush=True)
