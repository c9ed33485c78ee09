"""课程第 7 部分的 UDP 服务端，Python 版，行为和课程一样：收一个数据报（最多 1024 字节）并打印，给发来的地址回 b'hi'。

用法：python3 udp_server.py [地址]     默认 127.0.0.1:9000
比课程多一点：第一行打印真正绑定的地址。
"""
import socket
import sys

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9000"
host, _, port = text.rpartition(":")
family, _, _, _, address = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_DGRAM)[0]

udp_sk = socket.socket(family, socket.SOCK_DGRAM)
udp_sk.bind(address)
bound = udp_sk.getsockname()
shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
print("python udp_server 正在等待数据报", shown, flush=True)
msg, addr = udp_sk.recvfrom(1024)
print(msg, flush=True)
udp_sk.sendto(b"hi", addr)
udp_sk.close()
