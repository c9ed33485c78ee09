"""测试用的 Python 对端：照课程的写法（socket、connect、send）连着发 5 条短消息和一条 3000 字节的长消息，
告诉服务端发完了（shutdown 发送方向），再把服务端的回复打印出来。

用法：python3 sticky_client.py 127.0.0.1:8899   （也接受 [::1]:8899）
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
    for message in ["hello", "你好", "world", "黏包", "字节流"]:
        sk.sendall(message.encode("utf-8"))
    sk.sendall(b"0123456789" * 300)
    sk.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        chunk = sk.recv(1024)
        if not chunk:
            break
        reply += chunk
    print(reply.decode("utf-8"), flush=True)
