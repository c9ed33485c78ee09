"""测试用的 Python 对端：和 sticky_server 一样的服务端，用课程的写法（bind、listen、accept、recv(1024)）。

接一个连接，先"忙" 0.5 秒，再一遍遍 recv(1024) 直到读到 b''，每次打印读到几个字节，
最后把"recv 了几次、几个字节"回复给客户端。地址来自第一个参数（默认 127.0.0.1:0），
第一行打印真正绑定的地址，测试等这一行，而不是靠 sleep。
"""
import socket
import sys
import time


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
    print("python sticky server listening on", shown, flush=True)
    conn, addr = sk.accept()
    with conn:
        time.sleep(0.5)  # 服务端忙了一会儿才去读：这正是要演示的事
        reads = 0
        total = 0
        while True:
            data = conn.recv(1024)
            if not data:
                break
            reads += 1
            total += len(data)
            print("recv", len(data), data[:40], flush=True)
        print("reads", reads, "bytes", total, flush=True)
        conn.sendall(f"python 服务端 recv 了 {reads} 次，收到 {total} 字节".encode("utf-8"))
