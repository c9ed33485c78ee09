"""课程第 9 部分的时间服务器，Python 版，行为和课程一样：一直循环，收一个数据报（最多 1024 字节），
打印 '===>' 和它，把它当 strftime 的格式（空的用 '%Y-%m-%d %X'），按格式回答当前时间。

用法：python3 time_server.py [地址]     默认 127.0.0.1:9000
比课程多一点：第一行打印真正绑定的地址。和课程一样，看不懂的字节会让它崩溃（Rust 版不会）。
"""
import socket
import sys
from time import strftime

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9000"
host, _, port = text.rpartition(":")
family, _, _, _, ip_port = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_DGRAM)[0]

bufsize = 1024
time_server = socket.socket(family, socket.SOCK_DGRAM)
time_server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
time_server.bind(ip_port)
bound = time_server.getsockname()
shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
print("python time_server 正在等待时间格式", shown, flush=True)
while True:
    msg, addr = time_server.recvfrom(bufsize)
    print("===>", msg, flush=True)
    if not msg:
        time_fmt = "%Y-%m-%d %X"
    else:
        time_fmt = msg.decode("utf-8")
    back_msg = strftime(time_fmt)
    time_server.sendto(back_msg.encode("utf-8"), addr)
