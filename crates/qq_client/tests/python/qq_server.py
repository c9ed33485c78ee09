"""测试用的 Python 对端：照课程里 QQ 服务端的行为，一直循环：收一条消息，
像课程那样打印 '来自[ip:port]的一条消息:' 加上蓝底粗体的消息，用 input('回复消息: ') 读一句回复发回去。

用法：python3 qq_server.py 127.0.0.1:0   （也接受 [::1]:0；默认 127.0.0.1:0）
和课程不同的只有两点：地址来自第一个参数，第一行打印真正绑定的地址（测试等这一行，而不是靠 sleep）；
标准输入结束时安静地退出，而不是抛出 EOFError。
"""
import socket
import sys


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


ip_port = split_address(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:0")
family = socket.AF_INET6 if ":" in ip_port[0] else socket.AF_INET
udp_server_sock = socket.socket(family, socket.SOCK_DGRAM)
udp_server_sock.bind(ip_port)
bound = udp_server_sock.getsockname()
shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
print("python qq server waiting on", shown, flush=True)
while True:
    qq_msg, addr = udp_server_sock.recvfrom(1024)
    print("来自[%s:%s]的一条消息:\033[1;44m%s\033[0m" % (addr[0], addr[1], qq_msg.decode("utf-8")), flush=True)
    try:
        back_msg = input("回复消息: ").strip()
    except EOFError:
        break
    udp_server_sock.sendto(back_msg.encode("utf-8"), addr)
udp_server_sock.close()
