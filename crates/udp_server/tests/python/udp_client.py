"""测试用的 Python 对端：照课程里 UDP 客户端的行为，给服务端发 b'hello'，收回复，
像课程那样打印 `back_msg.decode('utf-8'), addr`。

用法：python3 udp_client.py 127.0.0.1:9000   （也接受 [::1]:9000）
和课程不同的只有一点：收到回复后，在 stderr 上报出自己被分到的地址，测试用它核对服务端打印的来处。
"""
import socket
import sys


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


ip_port = split_address(sys.argv[1])
family = socket.AF_INET6 if ":" in ip_port[0] else socket.AF_INET
with socket.socket(family, socket.SOCK_DGRAM) as udp_sk:
    udp_sk.sendto(b"hello", ip_port)
    back_msg, addr = udp_sk.recvfrom(1024)
    print(back_msg.decode("utf-8"), addr)
    own = udp_sk.getsockname()
    print("python udp client was", f"[{own[0]}]:{own[1]}" if family == socket.AF_INET6 else f"{own[0]}:{own[1]}",
          file=sys.stderr)
