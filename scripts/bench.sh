#!/usr/bin/env bash
# scripts/bench.sh：量一量课程的程序有多快，和学生本来会运行的课程 Python 版并排比一比。
#
# 一条命令量四样东西，打印一张表，并把它写进 docs/benchmarks.md（表是什么意思，那一页有说明）：
#   1. 从克隆到第一次运行：空项目（cargo new 的 hello world）第一次编译，整个工作区第一次编译，
#      改了一个 main.rs 之后再编译——都用一个全新的临时 target 目录，不影响你已有的编译结果。
#   2. UDP 请求速度：同一个负载客户端（几个请求同时在路上）轮流对着三个服务端——
#      Rust 的 time_server、照课程写的 Python 时间服务器、只收发不做别的 Rust 回声服务端（地板）——
#      量每秒请求数，再从 /proc/<进程号>/stat 读服务端用掉的 CPU 时间，算出每个请求花了多少。
#      三个服务端轮流跑几轮：每一轮里拿 Rust 和 Python 跟同一轮的地板比出倍数，再取各轮倍数的中位数——
#      机器忽忙忽闲时，同一轮里的三者受的影响差不多，倍数比单独的速度稳得多。
#      Rust 对 Python 也这样按轮相比，并和 time_server 要守住的下限对照：速度至少是 Python 的 1.5 倍，
#      每个请求的 CPU 时间至多是 Python 的 0.75 倍。
#      有 taskset 又至少两个核时，服务端固定在 1 号核、负载客户端固定在 0 号核：不然调度器有时把两者
#      放在同一个核上、有时分开，同一个程序两次量出来能差两成。
#   3. 启动到就绪：从启动服务端到它打印出第一行（就绪行）要多久，Rust 对 Python。
#   4. 浸泡：LESSON_SOAK=10000 跑一遍 crates/lesson_checks/tests/drills.rs，每个 UDP 服务端挨上万个数据报。
#
# 需要 Linux（读 /proc）、bash、cargo、python3。两核的机器上整个脚本大约一两分钟。
# 用法：scripts/bench.sh [--rounds N] [--seconds S] [--no-docs]
#   --rounds N   UDP 速度量几轮（默认 5）
#   --seconds S  每轮每个服务端量几秒（默认 2）
#   --no-docs    只打印表，不改 docs/benchmarks.md
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=5
SECONDS_PER_RUN=2
WRITE_DOCS=1
# 负载客户端同时让几个请求在路上。
WINDOW=8
# 启动到就绪量几次取中位数。
READY_RUNS=15
# 浸泡时每个循环服务端挨多少个数据报。
SOAK=10000
# time_server 对课程写法的 Python 时间服务器要守住的下限：速度至少这么多倍，每个请求的 CPU 时间至多这么多倍。
FLOOR_RATE_VS_PYTHON=1.5
FLOOR_CPU_VS_PYTHON=0.75
PAGE=docs/benchmarks.md
BEGIN_MARK='<!-- 以下由 scripts/bench.sh 生成，重新运行它会整段替换 -->'
END_MARK='<!-- 生成结束 -->'

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --no-docs) WRITE_DOCS=0; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench.sh：不认识的参数 $1（用法见 scripts/bench.sh --help）" >&2; exit 2 ;;
  esac
done

if [ ! -r /proc/self/stat ]; then
  echo "bench.sh 需要 Linux 的 /proc 来读进程用掉的 CPU 时间。" >&2
  exit 1
fi
for tool in cargo python3 getconf; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench.sh 需要 $tool。" >&2; exit 1; }
done

export CARGO_TERM_COLOR=never
# 直接用解释器本身，而不是 pyenv 之类的包装脚本：包装脚本会给 Python 的启动时间平白加上几十毫秒。
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
CLK_TCK=$(getconf CLK_TCK)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/socket-bench.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*" >&2; }
now_ns() { date +%s%N; }
# 两个纳秒时间戳之差，写成秒（一位小数）。
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
# 运行一条命令（输出丢掉），打印它用了几秒。
timed() {
  local began
  began=$(now_ns)
  "$@" >/dev/null 2>&1
  seconds_between "$began" "$(now_ns)"
}
# 从 "键=值 键=值" 的一行里取出一个值。
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
# 一列数的中位数。
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# 把同一轮的两个数相除，不格式化（留给中位数之后再取两位小数）。
divide() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
times() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
# 12345 写成 12,345。
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
SCRIPT_BEGAN=$(now_ns)

# ---------------------------------------------------------------- 1. 从克隆到第一次运行

step "下载依赖（不计时：第一次需要网络，之后用本机的缓存）"
cargo fetch --quiet

step "从克隆到第一次运行：全新的 target 目录"
cargo new --quiet --vcs none "$WORK/hello"
HELLO_BUILD=$(CARGO_TARGET_DIR="$WORK/hello-target" timed cargo build --manifest-path "$WORK/hello/Cargo.toml")
COLD_TARGET="$WORK/cold-target"
WORKSPACE_BUILD=$(CARGO_TARGET_DIR="$COLD_TARGET" timed cargo build --workspace)
touch crates/time_server/src/main.rs
REBUILD=$(CARGO_TARGET_DIR="$COLD_TARGET" timed cargo build --workspace)
echo "hello world ${HELLO_BUILD} s，整个工作区 ${WORKSPACE_BUILD} s，改一个 main.rs 后 ${REBUILD} s" >&2

# ---------------------------------------------------------------- 2. UDP 请求速度

step "编译 release 版的程序和测量工具"
RELEASE_BUILD=$(timed cargo build --release --workspace --bins --examples)
RELEASE=target/release
LOAD=$RELEASE/examples/udp_load
# 服务端和负载客户端各占一个核（见开头的说明）；做不到就不固定，表下面会注明。
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  ON_SERVER_CORE=(taskset -c 1)
  ON_LOAD_CORE=(taskset -c 0)
  PINNING="服务端固定在 1 号核、负载客户端固定在 0 号核（taskset）"
else
  ON_SERVER_CORE=()
  ON_LOAD_CORE=()
  PINNING="没有固定 CPU 核（没有 taskset 或者只有一个核），数字的波动会大一些"
fi

# 在一个空闲端口上启动服务端（stdout 丢到 /dev/null，和课程"打印每个请求"的开销一样算进去），
# 用负载客户端量它，打印负载客户端的结果行。
measure() {
  local port line
  port=$("$LOAD" --free-port)
  "${ON_SERVER_CORE[@]}" "$@" "127.0.0.1:$port" >/dev/null 2>&1 &
  SERVER_PID=$!
  line=$("${ON_LOAD_CORE[@]}" "$LOAD" "127.0.0.1:$port" --pid "$SERVER_PID" --seconds "$SECONDS_PER_RUN" \
    --window "$WINDOW" --clk-tck "$CLK_TCK")
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  echo "$line"
}

step "UDP 请求速度：${ROUNDS} 轮，每轮每个服务端 ${SECONDS_PER_RUN} 秒，窗口 ${WINDOW}"
: >"$WORK/rates"
: >"$WORK/ratios"
: >"$WORK/vs_python"
for round in $(seq "$ROUNDS"); do
  for server in echo rust python; do
    case "$server" in
      echo) line=$(measure "$RELEASE/examples/udp_echo") ;;
      rust) line=$(measure "$RELEASE/time_server") ;;
      python) line=$(measure "$PYTHON" crates/lesson_checks/bench/time_server.py) ;;
    esac
    echo "第 $round 轮 $server：$line" >&2
    echo "$server $(field rate "$line") $(field cpu_us_per_request "$line") $(field cpu_share "$line")" >>"$WORK/rates"
    case "$server" in
      echo) echo_rate=$(field rate "$line"); echo_cpu=$(field cpu_us_per_request "$line") ;;
      *) echo "$server $(divide "$(field rate "$line")" "$echo_rate") $(divide "$(field cpu_us_per_request "$line")" "$echo_cpu")" >>"$WORK/ratios" ;;
    esac
    # 同一轮里 Rust 对 Python：速度之比、每个请求 CPU 时间之比。
    case "$server" in
      rust) rust_rate=$(field rate "$line"); rust_cpu=$(field cpu_us_per_request "$line") ;;
      python) echo "$(divide "$rust_rate" "$(field rate "$line")") $(divide "$rust_cpu" "$(field cpu_us_per_request "$line")")" >>"$WORK/vs_python" ;;
    esac
  done
done
rate_of() { awk -v s="$1" '$1 == s { print $2 }' "$WORK/rates" | median; }
cpu_of() { awk -v s="$1" '$1 == s { print $3 }' "$WORK/rates" | median; }
# 同一轮里和地板比出的倍数，各轮的中位数。
rate_ratio_of() { awk -v s="$1" '$1 == s { print $2 }' "$WORK/ratios" | median | xargs printf '%.2f'; }
cpu_ratio_of() { awk -v s="$1" '$1 == s { print $3 }' "$WORK/ratios" | median | xargs printf '%.2f'; }
# 各轮倍数里最差的一轮，让读表的人看到波动有多大。
worst_rate_ratio_of() { awk -v s="$1" '$1 == s { print $2 }' "$WORK/ratios" | sort -g | head -1 | xargs printf '%.2f'; }
worst_cpu_ratio_of() { awk -v s="$1" '$1 == s { print $3 }' "$WORK/ratios" | sort -g | tail -1 | xargs printf '%.2f'; }
# Rust 对 Python 的倍数：各轮的中位数和最差的一轮（速度取最小，CPU 取最大）。
VS_PYTHON_RATE=$(awk '{ print $1 }' "$WORK/vs_python" | median | xargs printf '%.2f')
VS_PYTHON_CPU=$(awk '{ print $2 }' "$WORK/vs_python" | median | xargs printf '%.2f')
VS_PYTHON_RATE_WORST=$(awk '{ print $1 }' "$WORK/vs_python" | sort -g | head -1 | xargs printf '%.2f')
VS_PYTHON_CPU_WORST=$(awk '{ print $2 }' "$WORK/vs_python" | sort -g | tail -1 | xargs printf '%.2f')
# 中位数守住下限了吗。
verdict() { awk -v v="$1" -v limit="$2" -v dir="$3" 'BEGIN { ok = dir == "min" ? v >= limit : v <= limit; print ok ? "守住了" : "**没有守住**" }'; }
# 服务端忙的时间占比：回声服务端几乎一直在忙（接近 1）才说明 CPU 没被别的程序占着。
BUSY=$(awk '$1 == "echo" { print $4 }' "$WORK/rates" | median)

# ---------------------------------------------------------------- 3. 启动到就绪

step "启动到就绪：每个服务端启动 ${READY_RUNS} 次，取中位数"
ready() { field median_ms "$("$RELEASE/examples/time_to_ready" "$READY_RUNS" "$@" 127.0.0.1:0)"; }
READY_ROWS=""
for pair in \
  "tcp_server:crates/tcp_client/tests/python/tcp_server.py" \
  "tcp_server_reuse:crates/tcp_client/tests/python/tcp_server.py" \
  "udp_server:crates/udp_client/tests/python/udp_server.py" \
  "qq_server:crates/qq_client/tests/python/qq_server.py" \
  "time_server:crates/lesson_checks/bench/time_server.py"; do
  name=${pair%%:*}
  script=${pair#*:}
  rust_ms=$(ready "$RELEASE/$name")
  python_ms=$(ready "$PYTHON" "$script")
  echo "$name：Rust ${rust_ms} ms，Python ${python_ms} ms" >&2
  READY_ROWS+="| \`$name\` | ${rust_ms} ms | ${python_ms} ms（\`${script##*/}\`） | $(times "$python_ms" "$rust_ms") |"$'\n'
done
# 学生其实是用 cargo run 启动的：cargo 先检查要不要重新编译（这里已经编译过），再运行程序。
CARGO_RUN_MS=$(field median_ms "$(CARGO_TARGET_DIR="$COLD_TARGET" \
  "$RELEASE/examples/time_to_ready" 5 cargo run --quiet -p time_server -- 127.0.0.1:0)")
echo "cargo run -p time_server（已编译过）：${CARGO_RUN_MS} ms" >&2

# ---------------------------------------------------------------- 4. 浸泡

step "浸泡：LESSON_SOAK=$SOAK cargo test --release -p lesson_checks --test drills"
SOAK_LINES=$(LESSON_SOAK=$SOAK cargo test --release --quiet -p lesson_checks --test drills -- \
  --nocapture 2>/dev/null | sed -n 's/^[.]*soak //p')
[ -n "$SOAK_LINES" ] || { echo "浸泡没有跑完，请单独运行上面那条命令看看哪里失败了。" >&2; exit 1; }

# ---------------------------------------------------------------- 表

udp_row() {
  local label=$1 server=$2 rate cpu
  rate=$(rate_of "$server")
  cpu=$(cpu_of "$server")
  if [ "$server" = echo ]; then
    echo "| $label | $(thousands "$rate") | 1.00x | ${cpu} µs | 1.00x |"
  else
    echo "| $label | $(thousands "$rate") | $(rate_ratio_of "$server")x（最差 $(worst_rate_ratio_of "$server")x） \
| ${cpu} µs | $(cpu_ratio_of "$server")x（最差 $(worst_cpu_ratio_of "$server")x） |"
  fi
}

TABLE="$WORK/table.md"
{
  echo "测量于 $(date '+%Y-%m-%d %H:%M')，$(nproc) 个 CPU 核（nproc），Linux $(uname -r)，"
  echo "$(rustc --version | cut -d' ' -f1-2)，$("$PYTHON" --version 2>&1)。"
  echo "开始时的负载（/proc/loadavg）：$LOAD_BEFORE，结束时：$(cut -d' ' -f1-3 /proc/loadavg)。"
  echo
  echo "### UDP 请求速度"
  echo
  echo "同一个负载客户端，同时 $WINDOW 个请求在路上，请求是 \`%Y-%m-%d %X\`；"
  echo "三个服务端轮流量 $ROUNDS 轮、每轮 $SECONDS_PER_RUN 秒；$PINNING。服务端的 stdout 丢到 /dev/null。"
  echo "每秒请求数和 CPU 时间是各轮的中位数；倍数是每一轮和同一轮的地板相比、再取各轮的中位数，"
  echo "括号里是最差的那一轮。"
  echo
  echo "| 服务端 | 每秒请求数 | 速度（地板 = 1） | 服务端每个请求的 CPU 时间 | CPU（地板 = 1） |"
  echo "|---|---|---|---|---|"
  udp_row "地板：只收发的 Rust 回声服务端" echo
  udp_row "Rust \`time_server\`" rust
  udp_row "课程写法的 Python 时间服务器" python
  echo
  echo "Rust \`time_server\` 和课程写法的 Python 时间服务器直接相比（同样按轮相比、取中位数，括号里是最差的那一轮）："
  echo
  echo "| Rust 对 Python | 倍数 | 要守住的下限 | 结果 |"
  echo "|---|---|---|---|"
  echo "| 每秒请求数 | ${VS_PYTHON_RATE}x（最差 ${VS_PYTHON_RATE_WORST}x） | 至少 ${FLOOR_RATE_VS_PYTHON}x | $(verdict "$VS_PYTHON_RATE" "$FLOOR_RATE_VS_PYTHON" min) |"
  echo "| 每个请求的 CPU 时间 | ${VS_PYTHON_CPU}x（最差 ${VS_PYTHON_CPU_WORST}x） | 至多 ${FLOOR_CPU_VS_PYTHON}x | $(verdict "$VS_PYTHON_CPU" "$FLOOR_CPU_VS_PYTHON" max) |"
  if awk -v b="$BUSY" 'BEGIN { exit !(b < 0.9) }'; then
    echo
    echo "注意：量的时候回声服务端只有 $BUSY 的时间在忙，机器上还有别的程序在抢 CPU，这几行数字偏低，最好等机器闲下来再量一次。"
  fi
  echo
  echo "### 启动到就绪"
  echo
  echo "从启动服务端到它打印出就绪行，$READY_RUNS 次的中位数；Rust 是编译好的 release 版程序。"
  echo
  echo "| 服务端 | Rust | 课程写法的 Python | Python 慢几倍 |"
  echo "|---|---|---|---|"
  printf '%s' "$READY_ROWS"
  echo
  echo "用 \`cargo run\` 启动（已经编译过，cargo 只检查一遍要不要重新编译）：\`time_server\` 约 ${CARGO_RUN_MS} ms。"
  echo
  echo "### 从克隆到第一次运行"
  echo
  echo "全新的 target 目录，依赖已经下载好（下载的时间取决于网络，不算在内）。"
  echo
  echo "| 做了什么 | 用时 |"
  echo "|---|---|"
  echo "| \`cargo new\` 出来的 hello world，第一次 \`cargo build\` | ${HELLO_BUILD} s |"
  echo "| 整个工作区第一次 \`cargo build --workspace\` | ${WORKSPACE_BUILD} s |"
  echo "| \`touch\` 一下 \`time_server\` 的 \`main.rs\`，再 \`cargo build --workspace\` | ${REBUILD} s |"
  echo "| 本脚本编译 release 版的全部程序（target/ 里已经编译过的不再编译） | ${RELEASE_BUILD} s |"
  echo
  echo "### 浸泡"
  echo
  echo "\`LESSON_SOAK=$SOAK cargo test --release -p lesson_checks --test drills\`："
  echo
  while IFS= read -r line; do echo "- $line"; done <<<"$SOAK_LINES"
  echo
  echo "整个 \`scripts/bench.sh\` 从开始到量完用了 $(seconds_between "$SCRIPT_BEGAN" "$(now_ns)") s（包括上面所有的编译）。"
} >"$TABLE"

cat "$TABLE"

if [ "$WRITE_DOCS" = 1 ]; then
  if ! grep -qF "$BEGIN_MARK" "$PAGE" || ! grep -qF "$END_MARK" "$PAGE"; then
    echo "$PAGE 里找不到生成区的两行标记，表没有写进去。" >&2
    exit 1
  fi
  # 保留标记之外的说明文字，只替换两行标记之间的表。
  awk -v begin="$BEGIN_MARK" -v end="$END_MARK" -v table="$TABLE" '
    $0 == begin { print; print ""; while ((getline line < table) > 0) print line; print ""; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }
  ' "$PAGE" >"$WORK/page.md"
  cat "$WORK/page.md" >"$PAGE"
  echo >&2
  echo "表已写进 $PAGE。" >&2
fi
