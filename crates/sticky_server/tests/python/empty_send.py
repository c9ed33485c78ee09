"""测试用的 Python 对端：演示 TCP 上"发 0 个字节等于什么也没发"。

连上服务端后，每从标准输入读到一行就做一步：第一行 → sk.send(b'') 并打印它的返回值；
第二行 → sk.send(b'hi')；第三行 → 关闭发送方向，打印服务端的回复。

用法：python3 empty_send.py 127.0.0.1:8899
"""
import socket
import sys


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


host, port = split_address(sys.argv[1])
with socket.create_connection((host, port)) as sk:
    print("connected", flush=True)
    sys.stdin.readline()
    print("send(b'') returned", sk.send(b""), flush=True)
    sys.stdin.readline()
    print("send(b'hi') returned", sk.send(b"hi"), flush=True)
    sys.stdin.readline()
    sk.shutdown(socket.SHUT_WR)
    print(sk.recv(1024).decode("utf-8"), flush=True)
