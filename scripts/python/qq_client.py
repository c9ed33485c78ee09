"""课程第 8 部分的 QQ 聊天客户端，Python 版，行为和课程一样：先选聊天对象，再一条一条地发消息，
每发一条等对方回一条；输入 q 结束和他的聊天，回去重新选人。四个联系人都在同一个地址上。

用法：python3 qq_client.py [地址]     默认 127.0.0.1:8081（四个联系人都改用这个地址）
比课程多一点：输入结束（Ctrl-D，Windows 上 Ctrl-Z 回车）时安静地退出。
"""
import socket
import sys

BUFSIZE = 1024
text = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8081"
host, _, port = text.rpartition(":")
family, _, _, _, ip_port = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_DGRAM)[0]

udp_client_socket = socket.socket(family, socket.SOCK_DGRAM)
qq_name_dic = {"金老板": ip_port, "哪吒": ip_port, "egg": ip_port, "yuan": ip_port}
try:
    while True:
        qq_name = input("请选择聊天对象: ").strip()
        while True:
            msg = input("请输入消息,回车发送,输入q结束和他的聊天: ").strip()
            if msg == "q":
                break
            # 和课程一样：名字不在联系人表里，消息就悄悄不发。
            if not msg or not qq_name or qq_name not in qq_name_dic:
                continue
            udp_client_socket.sendto(msg.encode("utf-8"), qq_name_dic[qq_name])
            back_msg, addr = udp_client_socket.recvfrom(BUFSIZE)
            print("来自[%s:%s]的一条消息:\033[1;44m%s\033[0m" % (addr[0], addr[1], back_msg.decode("utf-8")),
                  flush=True)
except EOFError:
    pass
udp_client_socket.close()
