"""课程第 8 部分的 QQ 聊天服务端，Python 版，行为和课程一样：一直循环，收一条消息，
打印"来自[ip:port]的一条消息:"和蓝底粗体的消息，然后由你在这里输入回复，发回给对方。

用法：python3 qq_server.py [地址]     默认 127.0.0.1:8081
比课程多两点：第一行打印真正绑定的地址；输入结束（Ctrl-D，Windows 上 Ctrl-Z 回车）时安静地退出。
"""
import socket
import sys

text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8081"
host, _, port = text.rpartition(":")
family, _, _, _, ip_port = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_DGRAM)[0]

udp_server_sock = socket.socket(family, socket.SOCK_DGRAM)
udp_server_sock.bind(ip_port)
bound = udp_server_sock.getsockname()
shown = f"[{bound[0]}]:{bound[1]}" if family == socket.AF_INET6 else f"{bound[0]}:{bound[1]}"
print("python qq_server 正在等待消息", shown, flush=True)
while True:
    qq_msg, addr = udp_server_sock.recvfrom(1024)
    print("来自[%s:%s]的一条消息:\033[1;44m%s\033[0m" % (addr[0], addr[1], qq_msg.decode("utf-8")), flush=True)
    try:
        back_msg = input("回复消息: ").strip()
    except EOFError:
        break
    udp_server_sock.sendto(back_msg.encode("utf-8"), addr)
udp_server_sock.close()
