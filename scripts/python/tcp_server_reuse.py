"""课程第 6 部分的 TCP 服务端，Python 版：和 tcp_server.py 一样，只是 bind 之前设了 SO_REUSEADDR，
上一次的连接还在 TIME_WAIT 里时也能马上重新启动。

用法：python3 tcp_server_reuse.py [地址]     默认 127.0.0.1:8898
"""
import socket
import sys

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8898"
host, _, port = text.rpartition(":")
family, _, _, _, address = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)[0]

sk = socket.socket(family, socket.SOCK_STREAM)
sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sk.bind(address)
sk.listen()
bound = sk.getsockname()
shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
print("python tcp_server_reuse 正在监听", shown, flush=True)
conn, addr = sk.accept()
ret = conn.recv(1024)
print(ret, flush=True)
conn.send(b"hi")
conn.close()
sk.close()
