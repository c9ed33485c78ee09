"""课程第 5 部分的 TCP 客户端，Python 版，行为和课程一样：连上服务端，发 b'hello!'，打印收到的回复（最多 1024 字节）。

用法：python3 tcp_client.py [地址]     默认 127.0.0.1:8898
"""
import socket
import sys

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8898"
host, _, port = text.rpartition(":")
family, _, _, _, address = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)[0]

sk = socket.socket(family, socket.SOCK_STREAM)
sk.connect(address)
sk.send(b"hello!")
ret = sk.recv(1024)
print(ret, flush=True)
sk.close()
