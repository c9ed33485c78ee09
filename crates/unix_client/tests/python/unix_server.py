"""测试用的 Python 对端：课程 TCP 服务端的做法，只把地址族换成 AF_UNIX。

在第一个参数给出的路径上监听，接一个连接，收最多 1024 字节并打印，回 b'hi'。
第一行打印它监听的路径，测试等这一行，而不是靠 sleep；退出前删掉自己的套接字文件。
"""
import os
import socket
import sys

path = sys.argv[1]
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sk:
    sk.bind(path)
    try:
        sk.listen()
        print("python unix server listening on", path, flush=True)
        conn, addr = sk.accept()
        with conn:
            print(conn.recv(1024), flush=True)
            conn.send(b"hi")
    finally:
        os.remove(path)
