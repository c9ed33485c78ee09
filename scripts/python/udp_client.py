"""课程第 7 部分的 UDP 客户端，Python 版，行为和课程一样：给服务端发 b'hello'，打印回复和回复来自哪里。

用法：python3 udp_client.py [地址]     默认 127.0.0.1:9000
比课程多一点：5 秒没有回复就报告并退出（UDP 不保证送达，课程的版本会一直等下去）。
"""
import socket
import sys

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9000"
host, _, port = text.rpartition(":")
family, _, _, _, ip_port = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_DGRAM)[0]

udp_sk = socket.socket(family, socket.SOCK_DGRAM)
udp_sk.settimeout(5)
udp_sk.sendto(b"hello", ip_port)
try:
    back_msg, addr = udp_sk.recvfrom(1024)
except (socket.timeout, ConnectionResetError) as error:
    sys.exit(f"没有收到回复（{error}）：服务端启动了吗？")
print(back_msg.decode("utf-8"), addr, flush=True)
udp_sk.close()
