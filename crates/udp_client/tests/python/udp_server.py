"""测试用的 Python 对端：照课程里 UDP 服务端的行为，收一个数据报（最多 1024 字节）并打印，给发送方回 b'hi'。

和课程不同的只有一点：地址来自第一个参数（默认 127.0.0.1:0），
并且第一行打印真正绑定的地址，测试等这一行，而不是靠 sleep。
"""
import socket
import sys


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


host, port = split_address(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:0")
family = socket.AF_INET6 if ":" in host else socket.AF_INET
with socket.socket(family, socket.SOCK_DGRAM) as udp_sk:
    udp_sk.bind((host, port))
    bound = udp_sk.getsockname()
    shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
    print("python udp server waiting on", shown, flush=True)
    msg, addr = udp_sk.recvfrom(1024)
    print(msg, flush=True)
    udp_sk.sendto(b"hi", addr)
