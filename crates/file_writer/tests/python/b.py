"""测试用的 Python 对端：照课程开头 b.py 的做法，打开文件，读出全部内容并打印。

用法：python3 b.py /tmp/socket-lesson-message.txt
"""
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    print(f.read())
