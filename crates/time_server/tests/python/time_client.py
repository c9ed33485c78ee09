"""测试用的 Python 对端：照课程里时间客户端的行为，把时间格式一个个发给时间服务器，收回答（最多 1024 字节）。

用法：python3 time_client.py 127.0.0.1:9000 '%Y' '%H:%M' ''   （也接受 [::1]:9000；空字符串 = 直接回车）

和课程不同的地方：格式来自命令行参数，而不是 input()；收回答有 10 秒期限，测试不会卡住；
每个格式打印一行 `回答<TAB>之前<TAB>之后`：发出之前和收到之后，Python 自己用 time.strftime 算的结果
（空格式按课程服务端的默认 '%Y-%m-%d %X' 算）。服务器的时间一定落在这两个时刻之间，
只要两个时刻之间最多跨过一个整秒，服务器的回答就一定等于其中之一；跨过更多（机器极慢）就重问一次。
"""
import socket
import sys
import time


def split_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


ip_port = split_address(sys.argv[1])
family = socket.AF_INET6 if ":" in ip_port[0] else socket.AF_INET
with socket.socket(family, socket.SOCK_DGRAM) as time_client:
    time_client.settimeout(10)
    for msg in sys.argv[2:]:
        expected_fmt = msg or "%Y-%m-%d %X"
        for _ in range(10):
            sent_at = time.time()
            time_client.sendto(msg.encode("utf-8"), ip_port)
            data = time_client.recv(1024)
            received_at = time.time()
            if int(received_at) - int(sent_at) <= 1:
                break
        before = time.strftime(expected_fmt, time.localtime(sent_at))
        after = time.strftime(expected_fmt, time.localtime(received_at))
        print(data.decode("utf-8"), before, after, sep="\t", flush=True)
