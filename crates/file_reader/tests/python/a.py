"""测试用的 Python 对端：照课程开头 a.py 的做法，把一条消息直接写进文件。

用法：python3 a.py /tmp/socket-lesson-message.txt
"""
import sys

with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("hello! 你好！")
print("a.py 写好了")
