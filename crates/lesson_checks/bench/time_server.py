"""基准测试用的 Python 时间服务器：和课程里的时间服务器做一样的事，写法也和课程一样。

一直循环：收一个数据报（最多 1024 字节），print('===>', msg)，空数据报用 '%Y-%m-%d %X'，
否则把它当 strftime 的格式，按格式回答当前时间。这是学生不用 Rust 时会运行的程序，
scripts/bench.sh 拿它和 Rust 的 time_server 比。

用法：python3 time_server.py 127.0.0.1:0
和课程不同的只有：地址来自第一个参数，第一行打印真正绑定的地址（flush，让测量工具知道它准备好了）；
课程的 SO_REUSEADDR 对 UDP 没有用处，照样保留，为的是和课程一模一样。
"""
import socket
import sys
from time import strftime

host, _, port = sys.argv[1].rpartition(":")
ip_port = (host.strip("[]"), int(port))
family = socket.AF_INET6 if ":" in ip_port[0] else socket.AF_INET
time_server = socket.socket(family, socket.SOCK_DGRAM)
time_server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
time_server.bind(ip_port)
bound = time_server.getsockname()
print("python time server waiting on", f"{bound[0]}:{bound[1]}", flush=True)
while True:
    msg, addr = time_server.recvfrom(1024)
    print("===>", msg)
    if not msg:
        time_fmt = "%Y-%m-%d %X"
    else:
        time_fmt = msg.decode("utf-8")
    back_msg = strftime(time_fmt)
    time_server.sendto(back_msg.encode("utf-8"), addr)
