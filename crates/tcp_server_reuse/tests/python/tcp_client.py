"""测试用的 Python 对端：照课程里 TCP 客户端的做法，连上服务端，发 b'hello!'，打印收到的回复。

用法：python3 tcp_client.py 127.0.0.1:8898   （IPv6 写成 [::1]:8898）
"""
import socket
import sys


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


host, port = split_address(sys.argv[1])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
with socket.socket(family, socket.SOCK_STREAM) as sk:
    sk.connect((host, port))
    sk.send(b"hello!")
    print(sk.recv(1024))
