"""测试用的 Python 对端：按 4 字节长度前缀（struct.unpack('!I', ...)）一条条收消息的服务端。

接一个连接，每收到一条消息就打印它的长度和内容，客户端关闭发送方向后，
回复一条同样带长度前缀的汇总。地址来自第一个参数（默认 127.0.0.1:0），
第一行打印真正绑定的地址，测试等这一行，而不是靠 sleep。
"""
import socket
import struct
import sys


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def recv_exact(sock, n):
    # recv 可能一次给不够，循环到凑齐 n 个字节为止；一开始就读到 b'' 返回 None（对方发完了）
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            if not data:
                return None
            raise ConnectionError("对方在一条消息的中途关闭了连接")
        data += chunk
    return data


host, port = split_address(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:0")
family = socket.AF_INET6 if ":" in host else socket.AF_INET
with socket.socket(family, socket.SOCK_STREAM) as sk:
    sk.bind((host, port))
    sk.listen()
    bound = sk.getsockname()
    shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
    print("python framed server listening on", shown, flush=True)
    conn, addr = sk.accept()
    with conn:
        count = 0
        while True:
            header = recv_exact(conn, 4)
            if header is None:
                break
            (length,) = struct.unpack("!I", header)
            body = recv_exact(conn, length)
            count += 1
            print("message", count, length, body[:20].decode("utf-8", "replace"), flush=True)
        reply = f"python 服务端收到 {count} 条消息".encode("utf-8")
        conn.sendall(struct.pack("!I", len(reply)) + reply)
