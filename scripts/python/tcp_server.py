"""课程第 5 部分的 TCP 服务端，Python 版，行为和课程一样：等一个客户端，收一条消息（最多 1024 字节）并打印，回 b'hi'。

用法：python3 tcp_server.py [地址]     默认 127.0.0.1:8898；也可以写 localhost:8898、[::1]:8898、127.0.0.1:0
比课程多两点：地址可以从第一个参数换掉；第一行打印真正绑定的地址（端口写 0 时才知道系统挑了哪个）。
"""
import socket
import sys

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8898"
host, _, port = text.rpartition(":")
family, _, _, _, address = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)[0]

sk = socket.socket(family, socket.SOCK_STREAM)
sk.bind(address)
sk.listen()
bound = sk.getsockname()
shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
print("python tcp_server 正在监听", shown, flush=True)
conn, addr = sk.accept()
ret = conn.recv(1024)
print(ret, flush=True)
conn.send(b"hi")
conn.close()
sk.close()
