"""测试用的 Python 对端：照课程里 TCP 服务端的行为，接一个连接，收最多 1024 字节并打印，回 b'hi'。

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
with socket.socket(family, socket.SOCK_STREAM) as sk:
    sk.bind((host, port))
    sk.listen()
    bound = sk.getsockname()
    shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
    print("python tcp server listening on", shown, flush=True)
    conn, addr = sk.accept()
    with conn:
        print(conn.recv(1024), flush=True)
        conn.send(b"hi")
