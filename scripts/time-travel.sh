#!/usr/bin/env bash
# 时间旅行：把和时间有关的测试放到 11 个特意挑的时刻去跑，证明测试集不依赖今天是星期几、哪一年、哪个时区。
#
# 时刻：一周里的每一天；上海时间的年末前一秒；闰日 2028-02-29（跨进 3 月 1 日）；
# 纽约（2026-11-01）和柏林（2027-03-28）夏令时切换前几秒。
# 每个时刻用 libfaketime（Debian 的 faketime 包）让时钟从那一刻开始往前走：
# - FAKETIME_DONT_RESET=1：测试启动的服务端、客户端、Python 对端和测试自己看到同一个钟，
#   而不是每个进程各从那一刻重新开始；
# - FAKETIME_DONT_FAKE_MONOTONIC=1：单调时钟保持真实，超时和等待照常；
# - 时刻写成 UNIX 秒（FAKETIME_FMT=%s），夏令时回拨时重复的那一小时也不会有歧义。
# cargo 自己在假时钟下会出毛病（它比较文件时间来决定要不要重新编译），所以先编译好，
# 再直接运行 cargo 报告的测试程序。
#
# 用法：scripts/time-travel.sh          （Linux；缺 faketime 或时区数据时自己装）
set -euo pipefail
cd "$(dirname "$0")/.."

# 要在假时钟下跑的测试程序，和每个程序里要跑的测试（空 = 全部）。
# drills 和 pairs 里只有名字带 time 的那些和时间有关。
SUITES=(
  "time_server:"
  "time_client:"
  "pairs:time"
  "drills:time"
)

# 时刻（UTC）、时区、预期当地的星期几（用来确认假时钟真的生效了）。
INSTANTS=(
  "2026-11-30 04:00:00|Asia/Shanghai|Monday"
  "2026-12-01 04:00:00|Asia/Shanghai|Tuesday"
  "2026-12-02 04:00:00|Asia/Shanghai|Wednesday"
  "2026-12-03 04:00:00|Asia/Shanghai|Thursday"
  "2026-12-04 04:00:00|Asia/Shanghai|Friday"
  "2026-12-05 04:00:00|Asia/Shanghai|Saturday"
  "2026-12-06 04:00:00|Asia/Shanghai|Sunday"
  "2026-12-31 15:59:59|Asia/Shanghai|Thursday"
  "2028-02-29 23:59:58|UTC|Tuesday"
  "2026-11-01 05:59:57|America/New_York|Sunday"
  "2027-03-28 00:59:57|Europe/Berlin|Sunday"
)

install_missing() {
  local missing=()
  command -v faketime >/dev/null 2>&1 || missing+=(faketime)
  [ -e /usr/share/zoneinfo/America/New_York ] || missing+=(tzdata)
  [ "${#missing[@]}" -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_missing
library=$(find /usr/lib /usr/local/lib -name 'libfaketimeMT.so.1' -print -quit 2>/dev/null)
if [ -z "$library" ]; then
  echo "找不到 libfaketimeMT.so.1：faketime 装好了吗？" >&2
  exit 1
fi

# 测试程序是多线程的，所以用 libfaketime 的多线程版本（faketime -m 用的也是它）。
fake_clock() {
  local epoch=$1 zone=$2
  shift 2
  env LD_PRELOAD="$library" FAKETIME_FMT=%s FAKETIME="@$epoch" \
    FAKETIME_DONT_RESET=1 FAKETIME_DONT_FAKE_MONOTONIC=1 TZ="$zone" "$@"
}

echo "==> 编译测试程序"
listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
cargo test --workspace --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and message["target"]["kind"] == ["test"]:
        directory = message["manifest_path"].rsplit("/", 1)[0]
        print(message["target"]["name"], message["executable"], directory, sep="\t")
' >"$listing"

failed=0
table=()
for instant in "${INSTANTS[@]}"; do
  IFS='|' read -r utc zone weekday <<<"$instant"
  epoch=$(date -u -d "$utc UTC" +%s)
  seen=$(LC_ALL=C fake_clock "$epoch" "$zone" date '+%A %Y-%m-%d %H:%M:%S %Z')
  echo
  echo "==> $utc UTC，$zone：假时钟下是 $seen"
  if [ "${seen%% *}" != "$weekday" ]; then
    echo "假时钟没有生效：应该是 $weekday" >&2
    exit 1
  fi
  result="ok"
  for suite in "${SUITES[@]}"; do
    name=${suite%%:*}
    filter=${suite#*:}
    line=$(grep -P "^$name\t" "$listing" | head -n 1) || true
    if [ -z "$line" ]; then
      echo "cargo 没有报告测试程序 $name" >&2
      exit 1
    fi
    IFS=$'\t' read -r _ executable directory <<<"$line"
    # cargo test 在包的目录里运行测试程序，这里也一样。
    if ! (cd "$directory" && fake_clock "$epoch" "$zone" "$executable" ${filter:+"$filter"} --quiet); then
      result="失败（$name）"
      failed=1
    fi
  done
  table+=("$(printf '%-20s %-17s %-40s %s' "$utc" "$zone" "$seen" "$result")")
done

echo
echo "==> 时间旅行结果"
printf '%s\n' "${table[@]}"
if [ "$failed" -ne 0 ]; then
  echo "有时刻下的测试失败了：测试对日期、星期或时区做了假设。" >&2
  exit 1
fi
echo "11 个时刻下，和时间有关的测试全部通过。"
