#!/usr/bin/env python3
"""在真浏览器里检查 docs/ 这本 mdBook：学生在笔记本（1280 px）和手机（390 px）上看到的样子。

构建 docs/，用 Python 自带的 http.server 在 127.0.0.1 上提供网页，然后通过 DevTools 协议
（--remote-debugging-pipe，不需要任何第三方库）驱动 Debian 的 chromium 无头运行。每一页、每种宽度下，
下面任何一条不满足就失败：
  - 正文里没有元素比正文栏宽（表格不许横向滚动，1280 px 下画着框线的 ```text 图也不许），
    表格的格子没有被挤成一条；
  - ```text 图里对齐的字符（框线、箭头、两个以上空格后的一列）和按等宽网格算出的位置相差不到一列；
  - 本页的链接都指向存在的页面、文件和锚点；
  - 页面上每个字符都有已安装的字体能显示（用 fontconfig 的 fc-list 查）；
  - 代码块上没有 ▶ 运行按钮，侧栏不给章节再编一次号。
另外，SEARCHES 里每个词在搜索结果前三条里找到它所在的页面。
每页两种宽度的截图存到 target/book-shots/，给人看一眼。

用法：python3 scripts/book-check.py   （需要 mdbook；chromium 和 fonts-noto-cjk 没装时用 apt 装上）
"""

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# book.toml 有两个输出：html/ 是网页，crates/ 是页面链接到的源码（../crates/…）。
BOOK = ROOT / "target" / "book"
SHOTS = ROOT / "target" / "book-shots"
WIDTHS = (1280, 390)

# 搜索词 → 应该在前三条结果里的页面（任一即可）。每页一个它自己的中文主题词；再加 issue 里学生会搜的
# 几个词，和几个英文词（英文查询走 mdBook 自己的搜索，不能被弄坏）。
SEARCHES = [
    ("目录", ["index.html"]),
    ("用文件传数据", ["00-files.html"]),
    ("架构", ["01-architecture.html"]),
    ("回环地址", ["02-what-is-a-socket.html"]),
    ("地址族", ["03-history-and-families.html"]),
    ("寄明信片", ["04-tcp-vs-udp.html"]),
    ("基于 TCP", ["05-tcp.html"]),
    ("重启服务端", ["06-reuse-address.html"]),
    ("数据报", ["07-udp.html"]),
    ("聊天", ["08-qq-chat.html"]),
    ("时间服务器", ["09-time-server.html"]),
    ("参数", ["10-socket-parameters.html"]),
    ("黏包", ["11-sticky-packets.html"]),
    ("程序有多快", ["benchmarks.html"]),
    ("有什么不同", ["platforms.html"]),
    ("检查你自己的程序", ["check-your-program.html"]),
    ("批改", ["grade-a-class.html"]),
    ("端口", ["02-what-is-a-socket.html", "06-reuse-address.html"]),
    ("超时", ["05-tcp.html", "11-sticky-packets.html"]),
    ("地址已被占用", ["06-reuse-address.html"]),
    ("套接字", ["02-what-is-a-socket.html", "03-history-and-families.html"]),
    ("三次握手", ["04-tcp-vs-udp.html", "05-tcp.html"]),
    ("SO_REUSEADDR", ["06-reuse-address.html", "platforms.html"]),
    ("TIME_WAIT", ["06-reuse-address.html", "platforms.html"]),
    ("recvfrom", ["07-udp.html", "08-qq-chat.html", "09-time-server.html"]),
]


def say(text):
    print(text, flush=True)


def apt_install(*packages):
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", *packages], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def ensure_tools():
    missing = []
    if not shutil.which("chromium"):
        missing.append("chromium")
    fonts = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if "Noto Sans CJK" not in fonts:
        missing.append("fonts-noto-cjk")
    if missing:
        say(f"用 apt 安装 {' '.join(missing)}")
        apt_install(*missing)
    if not shutil.which("mdbook"):
        sys.exit("找不到 mdbook：请先按 README 安装（cargo install mdbook --locked --version ...）")


def build():
    shutil.rmtree(BOOK, ignore_errors=True)
    subprocess.run(["mdbook", "build", str(ROOT / "docs")], check=True, stdout=subprocess.DEVNULL)


def covered_chars():
    """所有已安装字体能显示的字符（fontconfig 的 charset 是十六进制的区间列表）。"""
    out = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True).stdout
    covered = set()
    for line in out.split("\n"):
        for part in line.split():
            lo, _, hi = part.partition("-")
            covered.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return covered


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Browser:
    """Debian 的 chromium，无头，DevTools 协议走 fd 3/4 上的管道（消息以 NUL 结尾的 JSON）。"""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="book-check-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # 先挪到大号 fd 上，子进程里再 dup2 到 3 和 4，免得互相覆盖。
        high_r = fcntl_dup(to_chrome_r, 20)
        high_w = fcntl_dup(from_chrome_w, 21)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def child():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--force-device-scale-factor=1", "--remote-debugging-pipe",
             f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4, high_r, high_w), preexec_fn=child,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(high_r)
        os.close(high_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def _read_message(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium 意外退出了")
            self.buffer += chunk
        raw, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(raw)

    def call(self, method, session=False, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_event(self, name, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == name:
                    del self.events[i]
                    return event
            self.events.append(self._read_message())
        raise RuntimeError(f"等不到 {name}")

    def goto(self, url):
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression):
        result = self.call("Runtime.evaluate", session=True, expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"页面脚本出错：{result['exceptionDetails']}")
        return result["result"].get("value")

    def width(self, width):
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=900,
                  deviceScaleFactor=1, mobile=width < 600)

    def screenshot(self, path, max_height=12000):
        height = min(self.js("document.documentElement.scrollHeight"), max_height)
        width = self.js("document.documentElement.clientWidth")
        data = self.call("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})["data"]
        import base64
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def fcntl_dup(fd, at_least):
    import fcntl
    return fcntl.fcntl(fd, fcntl.F_DUPFD, at_least)


# 在页面里运行：量正文栏、表格、```text 图，收集链接和可见文字。
PAGE_PROBE = r"""
(() => {
  const main = document.querySelector('#content main') || document.querySelector('main');
  const col = main.getBoundingClientRect();
  const wide = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '')
      + ' 「' + el.textContent.trim().slice(0, 30).replace(/\s+/g, ' ') + '」';
  // 被一个能横向滚动的祖先裁掉的元素不算；表格例外：表格本身不许比正文栏宽。
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return p;
    }
    return null;
  };
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (el.tagName === 'TABLE') {
      if (r.width > col.width + 1) wide.push(describe(el) + ` 比正文栏宽：${Math.round(r.width)} px`);
      continue;
    }
    // 表格读得下去：格子不许被挤成一条。一行不到六个字还折了三行以上，或者不到正文栏一半宽却折了
    // 八行以上，都算挤（手机上表格变成卡片，格子占满一行，长段落折很多行是正常的）。
    if (el.tagName === 'TD') {
      const range = document.createRange();
      range.selectNodeContents(el);
      const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 24;
      const lines = Math.round(range.getBoundingClientRect().height / lineHeight);
      const em = parseFloat(getComputedStyle(el).fontSize);
      if ((r.width < 6 * em && lines > 3) || (r.width < col.width / 2 && lines > 8)) {
        wide.push(describe(el) + ` 太窄：${(r.width / em).toFixed(1)} 个字宽，折成 ${lines} 行`);
      }
    }
    // 1280 px 下，画着框线或箭头的 ```text 图要一眼看全，不许横向滚动（程序输出的长句子可以滚）。
    if (el.tagName === 'CODE' && TEXT_MUST_FIT && el.classList.contains('language-text')
        && /[│─┌┐└┘├┤┬┴┼═║▶◀▲▼]/.test(el.textContent) && el.scrollWidth > el.clientWidth + 1) {
      wide.push(describe(el) + ` 图要横向滚动才看得全（内容 ${el.scrollWidth} px，框 ${el.clientWidth} px）`);
    }
    if (clipped(el)) continue;
    if (r.right > col.right + 1 || r.left < col.left - 1) wide.push(describe(el) + ` 比正文栏宽：${Math.round(r.width)} px`);
  }

  // ```text 图：每个字符应在的列按东亚宽度算（中文两列，其余一列），和实际画出来的位置比。
  const isWide = (c) => /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c);
  const structural = /[│─┌┐└┘├┤┬┴┼═║╔╗╚╝▶◀▲▼►◄→←↑↓|+]/;
  const drifts = [];
  for (const code of main.querySelectorAll('pre > code.language-text')) {
    const probe = document.createElement('span');
    probe.textContent = '0000000000';
    code.appendChild(probe);
    const cw = probe.getBoundingClientRect().width / 10;
    probe.remove();
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let line = 0, col = 0, x0 = null, spaces = 0, worst = 0, where = '';
    const lines = code.textContent.split('\n');
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\n') { line++; col = 0; x0 = null; spaces = 0; continue; }
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        const x = rects.length ? rects[0].left : null;
        if (x0 === null && x !== null) x0 = x - col * cw;
        if (c !== ' ' && x !== null && (spaces >= 2 || structural.test(c)) && !isWide(c)) {
          const drift = Math.abs((x - x0) / cw - col);
          if (drift > worst) { worst = drift; where = `第 ${line + 1} 行「${lines[line].trim().slice(0, 40)}」第 ${col + 1} 列`; }
        }
        spaces = c === ' ' ? spaces + 1 : 0;
        col += isWide(c) ? 2 : 1;
      }
    }
    if (worst >= 1) drifts.push(`偏了 ${worst.toFixed(1)} 列：${where}`);
  }

  // 课程的程序要开端口、要联网，在线 playground 跑不了：代码块上不许有 ▶ 运行按钮。
  if (main.querySelector('.play-button')) wide.push('代码块上有 ▶ 运行按钮（book.toml 里 playground.runnable 应为 false）');
  // 页名自己带着编号（"05 …"），侧栏不再加 mdBook 的 "6."。
  const label = document.querySelector('.sidebar .chapter li a strong');
  if (label) wide.push(`侧栏给章节又编了一次号（${label.textContent}），book.toml 里 no-section-label 应为 true`);
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  return {wide, drifts, links, ids, text: document.body.innerText};
})()
"""

SEARCH_PROBE = r"""
(async () => {
  for (let i = 0; i < 100; i++) {
    const items = document.querySelectorAll('#searchresults li a, #mdbook-searchresults li a');
    const header = document.querySelector('#searchresults-header, #mdbook-searchresults-header');
    if (items.length || (header && header.textContent.trim())) {
      return [...items].map(a => a.getAttribute('href').split('#')[0].split('?')[0]);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return [];
})()
"""


def main():
    started = time.monotonic()
    ensure_tools()
    build()
    pages = re.findall(r"\]\(([^)]+)\.md\)", (ROOT / "docs" / "SUMMARY.md").read_text(encoding="utf-8"))
    pages = ["html/" + ("index" if p == "README" else p) for p in pages]
    covered = covered_chars()
    problems = []
    # 每一页都要有一个中文主题词在 SEARCHES 里：新加的页面不会悄悄地搜不到。
    for page in pages:
        name = page[len("html/"):] + ".html"
        if not any(re.search(r"[\u4e00-\u9fff]", term) and name in wanted for term, wanted in SEARCHES):
            problems.append(f"{name}：SEARCHES 里没有能找到这一页的中文词，请加一个")
    SHOTS.mkdir(parents=True, exist_ok=True)
    server = serve(BOOK)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    browser = Browser()
    try:
        links = {}
        ids = {}
        for width in WIDTHS:
            browser.width(width)
            for page in pages:
                url = base + page + ".html"
                browser.goto(url)
                probe = PAGE_PROBE.replace("TEXT_MUST_FIT", "true" if width >= 1000 else "false")
                result = browser.js(probe)
                for item in result["wide"]:
                    problems.append(f"{page} @{width}px：{item}")
                for item in result["drifts"]:
                    problems.append(f"{page} @{width}px：```text 图没对齐，{item}")
                for ch in sorted(set(result["text"])) if width == WIDTHS[0] else ():
                    if ord(ch) >= 0x20 and ord(ch) not in covered:
                        problems.append(f"{page}：没有字体能显示 {ch!r}（U+{ord(ch):04X}）")
                for link in result["links"]:
                    links.setdefault(link, page)
                ids[url] = set(result["ids"])
                browser.screenshot(SHOTS / f"{page[5:]}-{width}.png")
        for link, page in sorted(links.items()):
            if not link.startswith(base):
                continue
            target, _, fragment = link.partition("#")
            target = target.split("?")[0]
            try:
                with urllib.request.urlopen(target) as reply:
                    body = reply.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                problems.append(f"{page}：链接 {link[len(base):]} 打不开（HTTP {error.code}）")
                continue
            if fragment:
                known = ids.get(target) or set(re.findall(r'id="([^"]+)"', body))
                if urllib.parse.unquote(fragment) not in known:
                    problems.append(f"{page}：链接 {link[len(base):]} 的锚点在目标页上不存在")
        browser.width(1280)
        say("\n搜索词 → 目标页在结果里的名次：")
        for term, wanted in SEARCHES:
            browser.goto(base + "html/index.html?search=" + urllib.parse.quote(term))
            hits = browser.js(SEARCH_PROBE)
            rank = next((i + 1 for i, hit in enumerate(hits) if hit in wanted), None)
            expected = "、".join(wanted)
            say(f"  {term} → {expected}：{rank if rank else '没找到'}（共 {len(hits)} 条）")
            if rank is None or rank > 3:
                problems.append(f"搜索「{term}」：{expected} 不在前三条结果里（前三：{hits[:3]}）")
    finally:
        browser.close()
        server.shutdown()
    took = time.monotonic() - started
    say(f"\n截图：{SHOTS.relative_to(ROOT)}/（{len(pages)} 页 × {len(WIDTHS)} 种宽度），用时 {took:.0f} 秒")
    if problems:
        say(f"\n书的浏览器检查发现 {len(problems)} 个问题：")
        for problem in problems:
            say("  " + problem)
        sys.exit(1)
    say("书的浏览器检查通过。")


if __name__ == "__main__":
    main()
