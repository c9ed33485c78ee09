"""课程第 9 部分的时间客户端，Python 版：输入时间格式，发给时间服务器，打印它的回答。

用法：python3 time_client.py [地址]     默认 127.0.0.1:9000
比课程多两点：打印收到的回答（课程的代码收到了却忘了打印）；输入结束（Ctrl-D，Windows 上 Ctrl-Z 回车）时安静地退出。
"""
import socket
import sys

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9000"
host, _, port = text.rpartition(":")
family, _, _, _, ip_port = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_DGRAM)[0]

bufsize = 1024
time_client = socket.socket(family, socket.SOCK_DGRAM)
try:
    while True:
        msg = input("请输入时间格式(例%Y %m %d)>>: ").strip()
        time_client.sendto(msg.encode("utf-8"), ip_port)
        data = time_client.recv(bufsize)
        print(data.decode("utf-8"), flush=True)
except EOFError:
    pass
time_client.close()
