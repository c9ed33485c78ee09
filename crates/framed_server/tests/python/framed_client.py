"""测试用的 Python 对端：用 struct 给每条消息加 4 字节长度前缀（struct.pack('!I', n)），
连着发给服务端，发完关闭发送方向，再按同样的格式收一条回复并打印。

要发的消息来自第二个及以后的参数（UTF-8 文本）；不给就发 hello、你好、一条空消息和 3000 个 x。
用法：python3 framed_client.py 127.0.0.1:8900 [消息 ...]   （也接受 [::1]:8900）
"""
import socket
import struct
import sys


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def send_message(sock, body):
    # 先 4 字节长度（大端），再正文；sendall 保证全部发出去
    sock.sendall(struct.pack("!I", len(body)) + body)


def recv_exact(sock, n):
    # recv 可能一次给不够，循环到凑齐 n 个字节为止
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("对方在一条消息的中途关闭了连接")
        data += chunk
    return data


def recv_message(sock):
    (length,) = struct.unpack("!I", recv_exact(sock, 4))
    return recv_exact(sock, length)


host, port = split_address(sys.argv[1])
if len(sys.argv) > 2:
    messages = [text.encode("utf-8") for text in sys.argv[2:]]
else:
    messages = [b"hello", "你好".encode("utf-8"), b"", b"x" * 3000]
family = socket.AF_INET6 if ":" in host else socket.AF_INET
with socket.socket(family, socket.SOCK_STREAM) as sk:
    sk.connect((host, port))
    for body in messages:
        send_message(sk, body)
    sk.shutdown(socket.SHUT_WR)
    print(recv_message(sk).decode("utf-8"), flush=True)
