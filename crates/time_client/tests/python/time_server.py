"""测试用的 Python 对端：照课程里时间服务器的行为，一直循环：收一个数据报（最多 1024 字节），
打印 '===>' 和它，空数据报用 '%Y-%m-%d %X'，否则把它当 strftime 的格式，按格式回答当前时间。

用法：python3 time_server.py 127.0.0.1:0   （也接受 [::1]:0；默认 127.0.0.1:0）
和课程不同的地方：地址来自第一个参数，第一行打印真正绑定的地址（测试等这一行，而不是靠 sleep）；
每次回答后再打印一行 '<===' 和发回去的内容，测试拿它核对客户端打印的回答。
这个服务端永远循环，由测试结束它。
"""
import socket
import sys
from time import strftime


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


ip_port = split_address(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:0")
family = socket.AF_INET6 if ":" in ip_port[0] else socket.AF_INET
time_server = socket.socket(family, socket.SOCK_DGRAM)
time_server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
time_server.bind(ip_port)
bound = time_server.getsockname()
shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
print("python time server waiting on", shown, flush=True)
while True:
    msg, addr = time_server.recvfrom(1024)
    print("===>", msg, flush=True)
    if not msg:
        time_fmt = "%Y-%m-%d %X"
    else:
        time_fmt = msg.decode("utf-8")
    back_msg = strftime(time_fmt)
    time_server.sendto(back_msg.encode("utf-8"), addr)
    print("<===", back_msg, flush=True)
