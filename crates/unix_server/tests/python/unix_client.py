"""测试用的 Python 对端：课程 TCP 客户端的做法，只把地址族换成 AF_UNIX。

连上第一个参数给出的套接字文件，发 b'hello!'，打印回复。
用法：python3 unix_client.py /tmp/socket-lesson.sock
"""
import socket
import sys

with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sk:
    sk.connect(sys.argv[1])
    sk.send(b"hello!")
    print(sk.recv(1024))
