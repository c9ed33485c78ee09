#!/usr/bin/env bash
# 在 Linux 上用 Wine 运行整个工作区的 Windows 版测试：大多数同学用 Windows，这一步让 Windows 上的行为
# （WSAEMSGSIZE、SO_EXCLUSIVEADDRUSE、TIME_WAIT 里的重新绑定……）真的跑一遍，而不只是编译通过。
#
# 它自己准备需要的一切（只在 Linux 上）：
# - Debian 的 wine64 和 gcc-mingw-w64-x86-64，rustup 的 x86_64-pc-windows-gnu 目标；
# - 一个替身 bcryptprimitives.dll：Rust 的标准库在启动时要用它导出的 ProcessPrng 取随机数，
#   Wine 8.13 以前没有这个函数，每个 .exe 都会在启动时失败。替身只有一个函数，转给 Wine 有的 BCryptGenRandom；
# - 一个私有的 Wine 前缀（target/wine/prefix），不碰你自己的 ~/.wine。
# 然后编译 Windows 版的测试程序，在 Wine 里逐个运行，最后打印一张"通过 / 跳过 / 失败"的表。
#
# 跳过的测试，每个都按名字列出原因：
# - 需要 Python 对端的：Wine 里的程序启动不了 Linux 的 python3，这里也装不了 Windows 的 Python。
#   测试支持库看到 LESSON_TESTS_NO_PYTHON 就以"[跳过]"结束这些测试，本脚本把它们算作跳过。
#   它们在代码托管网站的 Windows 机器上照常运行（.github/workflows/ci.yml）。
# - Wine 和真正的 Windows 不一样的地方（下面 WINE_GAPS 里逐个写明）：这些测试断言的是真 Windows 的行为。
#
# 用法：scripts/wine-test.sh            任何一个测试失败，退出码就是 1
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=x86_64-pc-windows-gnu
WINE_DIR="$ROOT/target/wine"

# 名字（测试程序:测试名）和原因：Wine 8.0 做不到、真 Windows 会做的事。测试断言的是真 Windows 的行为，
# 在代码托管网站的 Windows 机器上照常运行。测试程序和它的包同名时只写一个名字，否则写成 包/测试程序。
WINE_GAPS=(
  "udp_client:no_server_says_start_one_first_at_once|Wine 在 UDP 收到「端口不可达」后不报 WSAECONNRESET，客户端只能等满 5 秒"
  "time_client:no_server_says_start_one_first_at_once|同上：没有 WSAECONNRESET"
  "qq_client:no_server_says_start_qq_server_first_quickly|同上：没有 WSAECONNRESET，聊天客户端要等 60 秒"
  "qq_client:no_message_names_this_workspace|同上：测试里没有服务端的那一步要等到 WSAECONNRESET"
  "lesson_checks/drills:tcp_client_prints_any_garbage_reply_escaped_and_explains_a_reset|Wine 有时把对方的 RST（连接被重置）读成正常关闭（两次运行里失败一次）"
  "file_writer:a_reader_never_sees_half_a_message|Wine 不许把文件改名盖住一个别的进程正打开着的文件，Windows 10 以后的 NTFS 允许"
  "file_writer/examples:a_reader_never_sees_half_a_message_from_the_exercise|同上：改名盖住打开着的文件"
  "qq_server:a_reply_to_a_client_that_has_left_does_not_stop_the_server|Wine 没有 WSAECONNRESET：服务端的下一次 recv_from 不报错"
  "tcp_server_reuse:on_windows_reuse_binds_even_a_port_someone_is_listening_on|Wine 的 SO_REUSEADDR 不能绑定别人正在监听的端口，真 Windows 能"
)

say() { printf '%s\n' "$*"; }

install_missing() {
  local missing=()
  [ -x /usr/lib/wine/wine64 ] || command -v wine64 >/dev/null 2>&1 || missing+=(wine64)
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
  if [ "${#missing[@]}" -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  rustup target list --installed | grep -x "$TARGET" >/dev/null || rustup target add "$TARGET"
}

# Debian 把 wine64 这个加载程序放在 PATH 以外。
wine_loader() {
  if [ -x /usr/lib/wine/wine64 ]; then
    echo /usr/lib/wine/wine64
  else
    command -v wine64
  fi
}

prepare_prefix() {
  mkdir -p "$WINE_DIR"
  cat >"$WINE_DIR/bcryptprimitives.c" <<'C'
/* Rust 标准库要的 ProcessPrng，转给 Wine 已有的 BCryptGenRandom。 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    NTSTATUS status = BCryptGenRandom(NULL, data, (ULONG)length, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    return BCRYPT_SUCCESS(status);
}
C
  x86_64-w64-mingw32-gcc -shared -O2 -o "$WINE_DIR/bcryptprimitives.dll" \
    "$WINE_DIR/bcryptprimitives.c" -lbcrypt
  if [ ! -d "$WINEPREFIX/drive_c/windows/system32" ]; then
    say "准备 Wine 前缀 $WINEPREFIX（第一次要十几秒）"
    "$LOADER" wineboot -i >/dev/null 2>&1
  fi
  cp "$WINE_DIR/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
}

install_missing
LOADER=$(wine_loader)
export WINEPREFIX="$WINE_DIR/prefix" WINEDEBUG=-all LESSON_TESTS_NO_PYTHON=1
prepare_prefix

say "==> 编译 Windows 版的测试程序"
listing="$WINE_DIR/tests.list"
cargo test --workspace --target "$TARGET" --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and message["profile"]["test"]:
        directory = message["manifest_path"].rsplit("/", 1)[0]
        package, target = directory.rsplit("/", 1)[1], message["target"]["name"]
        name = target if target == package else package + "/" + target
        print(name, message["executable"], directory, sep="\t")
' >"$listing"

say "==> 在 Wine 里运行（$(wc -l <"$listing") 个测试程序）"
results="$WINE_DIR/results.txt"
# 运行一个测试程序，把每个测试的结果（程序、测试、ok/skipped/FAILED、原因）写进它自己的结果文件。
run_one() {
  local name=$1 executable=$2 directory=$3 skips=() gap key
  for gap in "${WINE_GAPS[@]}"; do
    key=${gap%%|*}
    if [ "${key%%:*}" = "$name" ]; then
      skips+=(--skip "${key#*:}")
    fi
  done
  local stem
  stem="$WINE_DIR/${name//\//-}-$(basename "$executable" .exe)"
  # 测试程序在包的目录里运行，和 cargo test 一样。--exact 让 --skip 只跳过名字完全相同的测试。
  (cd "$directory" && "$LOADER" "$executable" --exact "${skips[@]}" >"$stem.log" 2>&1) || true
  python3 - "$name" "$stem.log" >"$stem.tsv" <<'PY'
import re, sys
name, log = sys.argv[1], sys.argv[2]
text = open(log, encoding="utf-8", errors="replace").read()
outcome = dict(re.findall(r"^test (\S+) \.\.\. (ok|FAILED|ignored)", text, re.M))
sections = dict(re.findall(r"^---- (\S+) stdout ----\n(.*?)(?=^---- |^failures:$)", text, re.M | re.S))
if not outcome and "test result:" not in text:
    print(name, "(整个程序)", "FAILED", "没有运行起来：" + text.strip()[-300:].replace("\n", " "), sep="\t")
for test, result in outcome.items():
    reason = ""
    if result == "FAILED":
        body = sections.get(test, "")
        if "[跳过]" in body:
            result, reason = "skipped", "需要 Python 对端"
        else:
            reason = " ".join(body.split())[:300]
    print(name, test, result, reason, sep="\t")
PY
}

# 测试程序大多在等超时（5 秒、30 秒），很少占 CPU：同时跑几个，整步快好几倍。
PARALLEL=4
rm -f "$WINE_DIR"/*.tsv
while IFS=$'\t' read -r name executable directory; do
  while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do
    wait -n || true
  done
  run_one "$name" "$executable" "$directory" &
done <"$listing"
wait
cat "$WINE_DIR"/*.tsv >"$results"

python3 - "$results" "${WINE_GAPS[@]}" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")]
gaps = [gap.split("|", 1) for gap in sys.argv[2:]]
programs = {}
for name, test, result, *rest in rows:
    counts = programs.setdefault(name, {"ok": 0, "skipped": 0, "FAILED": 0})
    counts[result] = counts.get(result, 0) + 1
print()
print(f"{'测试程序':<20}{'通过':>6}{'跳过':>6}{'失败':>6}")
total = {"ok": 0, "skipped": 0, "FAILED": 0}
for name in sorted(programs):
    counts = programs[name]
    for key in total:
        total[key] += counts.get(key, 0)
    if any(counts.values()):
        print(f"{name:<22}{counts['ok']:>6}{counts['skipped']:>6}{counts['FAILED']:>6}")
print(f"{'合计':<22}{total['ok']:>6}{total['skipped'] + len(gaps):>6}{total['FAILED']:>6}")
print()
print("跳过（需要 Python 对端，在代码托管网站的 Windows 机器上照常运行）：")
for name, test, result, *rest in rows:
    if result == "skipped":
        print(f"  {name}::{test}")
print("跳过（Wine 和真正的 Windows 不一样）：")
for key, reason in gaps:
    print(f"  {key.replace(':', '::')}：{reason}")
failed = [row for row in rows if row[2] == "FAILED"]
if failed:
    print()
    print("失败：")
    for name, test, result, *rest in failed:
        print(f"  {name}::{test}：{rest[0] if rest else ''}")
    sys.exit(1)
print()
print(f"{total['ok']} passed, 0 failed, {total['skipped'] + len(gaps)} skipped")
PY
