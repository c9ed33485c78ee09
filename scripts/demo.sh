#!/usr/bin/env bash
# scripts/demo.sh：在课堂上把整节 socket 课现场演示一遍（适合投影）。
#
# 需要 bash：Linux、macOS 直接运行；Windows 上请在 Git Bash 或 WSL 里运行。
# 还需要 cargo（开头统一编译一次）；分屏模式（--tmux，或者本来就在 tmux 里）还需要 tmux。
#
# 每一步：一行中文标题和两三行"看点"，先启动服务端，再启动客户端，两边的输出分别标成
# [服务端] 和 [客户端]（文件那一步是 [读的一方] 和 [写的一方]，只有一个程序的步骤是 [程序]），
# 然后停下来等你按回车。需要键盘输入的程序（qq_client、qq_server 的回复、
# time_client）由脚本代打，老师可以专心讲；加 --live 就改由你自己在键盘上输入。
#
# CI 这样运行：scripts/demo.sh --auto（不停顿；标准输入不是终端时也自动如此）。
# 用法见 scripts/demo.sh --help。
if [ -z "${BASH_VERSION:-}" ]; then
  echo "这个脚本需要 bash：请用 bash scripts/demo.sh 运行（Windows 上在 Git Bash 或 WSL 里）。" >&2
  exit 1
fi
set -euo pipefail

# ---------------------------------------------------------------- 课程的步骤

# 步骤的名字、标题、用到的程序和两个角色的标签，按课程的顺序（课程的第 0 部分、第 3 部分……第 11 部分）。
# 四个数组一一对应。标签一栏是"左边 右边"：平常是服务端和客户端；只有一个程序的步骤，程序在左边，右边空闲。
STEP_NAMES=(file unix measure tcp reuse udp qq time params sticky framed)
STEP_TITLES=(
  "不用网络：两个程序通过一个文件传消息"
  "AF_UNIX：用文件路径当地址的套接字"
  "量一量：TCP 和 UDP，谁可靠、谁快"
  "TCP：先启动服务端，再启动客户端"
  "重启服务端：Address already in use 和 SO_REUSEADDR"
  "UDP：不用连接，直接收发数据报"
  "仿 QQ 聊天（UDP）：你一句，我一句"
  "时间服务器（UDP）：按客户端给的格式报时"
  "socket() 的参数：family、type、proto、fileno"
  "黏包：TCP 是字节流，不记消息的边界"
  "解决黏包：每条消息前面加上长度报头"
)
STEP_CRATES=(
  "file_reader file_writer"
  "unix_server unix_client"
  "tcp_vs_udp"
  "tcp_server tcp_client"
  "tcp_server_reuse tcp_client"
  "udp_server udp_client"
  "qq_server qq_client"
  "time_server time_client"
  "socket_params"
  "sticky_server sticky_client"
  "framed_server framed_client"
)
STEP_LABELS=(
  "读的一方 写的一方"
  "服务端 客户端"
  "程序 空闲"
  "服务端 客户端"
  "服务端 客户端"
  "服务端 客户端"
  "服务端 客户端"
  "服务端 客户端"
  "程序 空闲"
  "服务端 客户端"
  "服务端 客户端"
)

# 等程序做一件本该很快完成的事（打印就绪行、退出）最多等几秒。
READY_SECONDS=10
EXIT_SECONDS=10
# 脚本代打的一段对话（QQ、时间）整体最多等几秒。
TALK_SECONDS=20
# 轮询日志的间隔：脚本靠"看到就绪行、看到提示符"同步，不靠固定的睡眠。
POLL=0.05

usage() {
  local i
  cat <<'EOF'
用法：scripts/demo.sh [选项] [步骤…]

把课程里的程序一对一对地现场运行：先启动服务端，再启动客户端，两边的输出分别标成
[服务端] 和 [客户端]（只有一个程序的步骤标成 [程序]），每一步结束后按回车进入下一步
（输入 q 再回车提前结束）。
不写步骤就按课程顺序全部演示；写了就只演示这些步骤，比如 scripts/demo.sh udp。

步骤：
EOF
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-9s%s\n' "${STEP_NAMES[$i]}" "${STEP_TITLES[$i]}"
  done
  cat <<'EOF'

选项：
  --tmux      用 tmux 分屏：上面是讲解，左下服务端，右下客户端（已经在 tmux 里时自动使用）
  --no-tmux   已经在 tmux 里也只用当前这一个终端
  --live      需要键盘输入的程序（qq_client、qq_server 的回复、time_client）由你自己输入，
              不再由脚本代打
  --auto      不停顿，一口气演示完（标准输入不是终端时自动如此，CI 就这样运行）
  --list      列出所有步骤和它们用到的程序
  -h, --help  显示这段说明

用到的端口是课程的 8898（TCP）、9000 和 8081（UDP），黏包那两步用 8899 和 8900（TCP）；
被占用时脚本会说明怎么找到占用者。文件和 AF_UNIX 两步用的文件放在临时建的私有目录里，演示完就删掉。
AF_UNIX 一步只在 Linux、macOS 这类系统上演示，Windows（Git Bash）上会说明跳过。
投影时把终端字体调大（多数终端是 Ctrl + 加号）；tmux 分屏时窗格会跟着终端大小铺满。
环境变量 NO_COLOR 设置后，脚本自己加的颜色（标题、标签）都去掉。
需要 bash（Windows 上用 Git Bash 或 WSL）、cargo；分屏模式还需要 tmux。
EOF
}

# ---------------------------------------------------------------- 参数

AUTO=0
LIVE=0
LIST=0
TMUX_WANTED=""
SELECTED=()
for arg in "$@"; do
  case $arg in
    -h | --help)
      usage
      exit 0
      ;;
    --list) LIST=1 ;;
    --auto) AUTO=1 ;;
    --live) LIVE=1 ;;
    --tmux) TMUX_WANTED=yes ;;
    --no-tmux) TMUX_WANTED=no ;;
    -*)
      printf '不认识的选项「%s」。用 scripts/demo.sh --help 查看用法。\n' "$arg" >&2
      exit 2
      ;;
    *)
      known=no
      for name in "${STEP_NAMES[@]}"; do
        [ "$arg" = "$name" ] && known=yes
      done
      if [ "$known" = no ]; then
        printf '没有叫「%s」的步骤。可以用的步骤：%s（scripts/demo.sh --list 查看说明）\n' \
          "$arg" "${STEP_NAMES[*]}" >&2
        exit 2
      fi
      SELECTED+=("$arg")
      ;;
  esac
done
if [ "${#SELECTED[@]}" -eq 0 ]; then
  SELECTED=("${STEP_NAMES[@]}")
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT="$ROOT/scripts/demo.sh"

# crates/ 下有程序、却没有出现在任何步骤里的 crate（课程以后加了新程序时提醒一句）。
crates_without_step() {
  local main name covered
  for main in "$ROOT"/crates/*/src/main.rs; do
    [ -f "$main" ] || continue
    name=${main%/src/main.rs}
    name=${name##*/}
    covered=no
    for crates in "${STEP_CRATES[@]}"; do
      case " $crates " in *" $name "*) covered=yes ;; esac
    done
    [ "$covered" = yes ] || printf '%s\n' "$name"
  done
}

if [ "$LIST" = 1 ]; then
  for i in "${!STEP_NAMES[@]}"; do
    printf '%-8s  第 %d 步　%s（%s）\n' "${STEP_NAMES[$i]}" "$((i + 1))" "${STEP_TITLES[$i]}" \
      "${STEP_CRATES[$i]// /、}"
  done
  for name in $(crates_without_step); do
    printf '（%s 还没有演示步骤，可以手动运行：cargo run -p %s）\n' "$name" "$name"
  done
  exit 0
fi

if [ "$LIVE" = 1 ] && [ "$AUTO" = 1 ]; then
  echo "--live 和 --auto 不能一起用：--live 等你在键盘上输入，--auto 不停下来等人。" >&2
  exit 2
fi
if [ ! -t 0 ]; then
  if [ "$LIVE" = 1 ]; then
    echo "--live 需要在终端里运行：标准输入不是终端，没法由你在键盘上输入。" >&2
    exit 2
  fi
  AUTO=1
fi

die() {
  printf '%s\n' "$*" >&2
  exit 1
}

command -v cargo >/dev/null 2>&1 ||
  die "找不到 cargo：请先安装 Rust（https://rustup.rs），再运行本脚本。"

# 用不用 tmux：--tmux / --no-tmux 说了算；都没写时，已经在 tmux 里就用。
USE_TMUX=no
case $TMUX_WANTED in
  yes) USE_TMUX=yes ;;
  no) USE_TMUX=no ;;
  *) [ -n "${TMUX:-}" ] && USE_TMUX=yes ;;
esac
if [ "$USE_TMUX" = yes ]; then
  command -v tmux >/dev/null 2>&1 ||
    die "分屏模式需要 tmux：sudo apt install tmux（macOS：brew install tmux），或者加 --no-tmux 只用一个终端。"
  if [ -z "${TMUX:-}" ]; then
    # 还不在 tmux 里：开一个新会话，在里面重新运行本脚本；演示结束时会话随之关闭。
    if [ ! -t 0 ] || [ ! -t 1 ]; then
      die "--tmux 要在终端里运行：它要打开一个 tmux 会话给你看。"
    fi
    exec tmux new-session -s "socket-demo-$$" \
      "$(printf '%q ' env SOCKET_DEMO_OWN_SESSION=1 bash "$SCRIPT" "$@")"
  fi
fi

# ---------------------------------------------------------------- 颜色和文字

# 只给脚本自己的标题和标签上色；输出不是终端或设置了 NO_COLOR 时不加。
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  C_HEAD=$'\033[1;36m'
  C_SERVER=$'\033[1;34m'
  C_CLIENT=$'\033[1;32m'
  C_NOTE=$'\033[33m'
  C_OFF=$'\033[0m'
else
  C_HEAD="" C_SERVER="" C_CLIENT="" C_NOTE="" C_OFF=""
fi

# 两个角色的标签由当前这一步决定（STEP_LABELS），平常是 [服务端] 和 [客户端]。
plain_label() {
  case $1 in
    server) printf '[%s]' "$NAME_SERVER" ;;
    client) printf '[%s]' "$NAME_CLIENT" ;;
    system) printf '[系统]' ;;
  esac
}

label() {
  case $1 in
    server) printf '%s[%s]%s' "$C_SERVER" "$NAME_SERVER" "$C_OFF" ;;
    client) printf '%s[%s]%s' "$C_CLIENT" "$NAME_CLIENT" "$C_OFF" ;;
    system) printf '[系统]' ;;
  esac
}

NAME_SERVER=服务端
NAME_CLIENT=客户端

# 一行带标签的输出。
show() {
  printf '%s %s\n' "$(label "$1")" "$2"
}

say() {
  printf '%s\n' "$*"
}

note() {
  printf '%s%s%s\n' "$C_NOTE" "$*" "$C_OFF"
}

heading() {
  printf '\n%s━━ 第 %s 步　%s ━━%s\n' "$C_HEAD" "$1" "$2" "$C_OFF"
}

watch_for() {
  local line
  say "看点："
  for line in "$@"; do
    say "  • $line"
  done
  say ""
}

# ---------------------------------------------------------------- 运行中的程序

# 两个角色：server（左边 / [服务端]）和 client（右边 / [客户端]）。每个角色同一时刻只运行一个程序，
# 它的状态放在以角色名结尾的变量里：pid_server、log_server……
for role in server client; do
  printf -v "pid_$role" '%s' ""
  printf -v "log_$role" '%s' ""
  printf -v "prog_$role" '%s' ""
  printf -v "rc_$role" '%s' ""
  printf -v "lines_$role" '%s' 0
  printf -v "chars_$role" '%s' 0
  printf -v "fed_$role" '%s' 0
  printf -v "pane_$role" '%s' ""
done
RUNS=0
ALL_PIDS=()
TMP=""
# 文件、AF_UNIX 两步临时建的私有目录：步骤结束时删掉，脚本中途退出时由 cleanup 删掉。
PRIVATE_DIRS=()
OWN_PANES=()
OLD_BORDER_STATUS=""
OLD_BORDER_FORMAT=""
OLD_TITLE=""

var() {
  local name="$1_$2"
  printf '%s' "${!name}"
}

set_var() {
  printf -v "$1_$2" '%s' "$3"
}

# 需要键盘输入的程序各自的提示符（提示符不换行，出现一次就该输入一行）。
prompts_of() {
  case $1 in
    qq_server) printf '%s\n' "回复消息: " ;;
    qq_client) printf '%s\n' "请选择聊天对象: " "请输入消息,回车发送,输入q结束和他的聊天: " ;;
    time_client) printf '%s\n' "请输入时间格式(例%Y %m %d)>>: " ;;
  esac
}

is_interactive() {
  [ -n "$(prompts_of "$1")" ]
}

# 脚本自己的一个文件描述符接到交互程序的标准输入上：服务端 7，客户端 8。
open_input() {
  case $1 in
    server) exec 7>"$2" ;;
    client) exec 8>"$2" ;;
  esac
}

close_input() {
  case $1 in
    server) exec 7>&- ;;
    client) exec 8>&- ;;
  esac
}

write_input() {
  case $1 in
    server) printf '%s\n' "$2" >&7 ;;
    client) printf '%s\n' "$2" >&8 ;;
  esac
}

# 单终端模式：把角色日志里新出现的完整行带上标签打印出来。
# 第二个参数不为空时，连还没换行的部分（提示符）也打印出来。
pump_role() {
  local role=$1 flush=${2:-} log lines chars total line rest partial
  log=$(var log "$role")
  [ -n "$log" ] && [ -f "$log" ] || return 0
  lines=$(var lines "$role")
  chars=$(var chars "$role")
  total=$(wc -l <"$log")
  total=$((total + 0))
  while [ "$lines" -lt "$total" ]; do
    lines=$((lines + 1))
    line=$(sed -n "${lines}p" "$log")
    rest=${line:chars}
    # 这一行开头的提示符已经打印过了，行尾又没有新内容（比如输入结束时程序先换了一行）：不再重复。
    if [ "$chars" -eq 0 ] || [ -n "$rest" ]; then
      show "$role" "$rest"
    fi
    chars=0
  done
  if [ -n "$flush" ]; then
    partial=$(sed -n "$((lines + 1))p" "$log")
    if [ "${#partial}" -gt "$chars" ]; then
      show "$role" "${partial:chars}"
      chars=${#partial}
    fi
  fi
  set_var lines "$role" "$lines"
  set_var chars "$role" "$chars"
}

pump() {
  [ "$USE_TMUX" = yes ] && return 0
  pump_role server "${1:-}"
  pump_role client "${1:-}"
}

# 角色的程序还在运行吗？刚发现它结束时记下退出码（rc_server、rc_client）。
running() {
  local role=$1 pid rcfile code
  [ -n "$(var prog "$role")" ] || return 1
  [ -z "$(var rc "$role")" ] || return 1
  if [ "$USE_TMUX" = yes ]; then
    # 窗格里的 bash 每显示一次提示符就把上一条命令的退出码写进这个文件：文件出现 = 程序结束了。
    rcfile="$TMP/$role.rc"
    [ -s "$rcfile" ] || return 0
    code=$(cat "$rcfile")
  else
    pid=$(var pid "$role")
    kill -0 "$pid" 2>/dev/null && return 0
    code=0
    wait "$pid" 2>/dev/null || code=$?
    is_interactive "$(var prog "$role")" && close_input "$role"
  fi
  set_var rc "$role" "$code"
  return 1
}

# 日志里（tmux 模式下是窗格的原始输出）的纯文本：去掉回车和终端控制序列。
log_text() {
  local log
  log=$(var log "$1")
  [ -f "$log" ] || return 0
  tr -d '\r' <"$log" | sed "s/$(printf '\033')\[[0-9;?]*[A-Za-z]//g"
}

# 角色的程序到现在为止一共显示过几次提示符。
prompts_seen() {
  local role=$1 prog prompt count=0 n
  prog=$(var prog "$role")
  while IFS= read -r prompt; do
    [ -n "$prompt" ] || continue
    n=$(log_text "$role" | grep -a -o -F -- "$prompt" | wc -l)
    count=$((count + n))
  done <<EOF
$(prompts_of "$prog")
EOF
  printf '%s' "$count"
}

# 把一条命令写成可以原样粘贴进 shell 的样子（路径里有空格等字符时会加上引号或反斜杠）。
quoted() {
  local text
  printf -v text '%q ' "$@"
  printf '%s' "${text% }"
}

# 启动一个程序：launch 角色 程序名 [参数…]。
launch() {
  local role=$1 prog=$2 log fifo pid
  shift
  [ -x "$BIN_DIR/$prog" ] || [ -x "$BIN_DIR/$prog.exe" ] ||
    die "找不到 $BIN_DIR/$prog：开头的编译没有产生它，请检查 cargo build 的输出。"
  pump flush
  RUNS=$((RUNS + 1))
  log="$TMP/$role-$RUNS.log"
  : >"$log"
  set_var log "$role" "$log"
  set_var prog "$role" "$prog"
  set_var rc "$role" ""
  set_var lines "$role" 0
  set_var chars "$role" 0
  set_var fed "$role" 0
  if [ "$USE_TMUX" = yes ]; then
    # 命令会在窗格里打出来，讲解区不再重复。
    tmux select-pane -t "$(var pane "$role")" -T "$(plain_label "$role") $prog"
    tmux pipe-pane -t "$(var pane "$role")" "cat >> '$log'"
    rm -f "$TMP/$role.rc"
    type_into "$role" "$(quoted "$@")"
    return 0
  fi
  show "$role" "\$ $(quoted "$@")"
  shift
  if is_interactive "$prog"; then
    fifo="$TMP/$role-$RUNS.in"
    mkfifo "$fifo" || die "无法创建命名管道 $fifo：这个脚本要用它把输入交给 $prog。"
    "$BIN_DIR/$prog" "$@" <"$fifo" >"$log" 2>&1 7>&- 8>&- &
    pid=$!
    open_input "$role" "$fifo"
  else
    "$BIN_DIR/$prog" "$@" </dev/null >"$log" 2>&1 7>&- 8>&- &
    pid=$!
  fi
  set_var pid "$role" "$pid"
  ALL_PIDS+=("$pid")
}

# tmux 模式：在角色的窗格里打字，再按回车。
type_into() {
  local pane
  pane=$(var pane "$1")
  if [ -n "$2" ]; then
    tmux send-keys -t "$pane" -l -- "$2"
  fi
  tmux send-keys -t "$pane" Enter
}

# 程序自己打印的文字：tmux 窗格的输出里还有提示符和敲进去的命令（命令的参数可能正好是要等的地址），去掉这些行。
program_text() {
  if [ "$USE_TMUX" = yes ]; then
    log_text "$1" | grep -a -v -F -- "$(plain_label "$1") \$" || true
  else
    log_text "$1"
  fi
}

# 等服务端打印就绪行（以它绑定的地址结尾的一行；地址也可以是套接字文件的路径）。
# 就绪返回 0；没就绪就退出了返回 1。
await_ready() {
  local role=$1 addr=$2 deadline=$((SECONDS + READY_SECONDS)) pattern
  # 地址按字面比较：把正则表达式里有特殊含义的字符都转义。
  pattern=$(printf '%s' "$addr" | sed 's#[][\.*^$+?(){}|]#\\&#g')
  while [ "$SECONDS" -lt "$deadline" ]; do
    pump
    if program_text "$role" | grep -a -q -E -- " $pattern\$"; then
      return 0
    fi
    if ! running "$role"; then
      pump flush
      return 1
    fi
    sleep "$POLL"
  done
  die "等了 $READY_SECONDS 秒，$(var prog "$role") 还没有打印就绪行（以 $addr 结尾的一行），演示停止。"
}

# 启动服务端并等它就绪；没起来就说明端口怎么回事，然后停止演示。
start_server() {
  local addr=$1 proto=$2
  shift 2
  launch server "$@"
  await_ready server "$addr" && return 0
  port_help "$addr" "$proto"
  die "演示停止：$(var prog server) 没能在 $addr 上启动。"
}

# 服务端没等到就绪就退出了：多半是端口被占用。它自己的那行中文说明已经显示在上面。
port_help() {
  local addr=$1 proto=$2 port=${1##*:} step=${CURRENT_STEP:-}
  [ "$USE_TMUX" = yes ] && show_log server
  note "[提示] $(var prog server) 没有启动起来（退出码 $(var rc server)），原因见上面它自己的说明。"
  # AF_UNIX 的地址是脚本刚建的临时目录里的文件，不会被别人占着，没有端口可查。
  [ "$proto" = AF_UNIX ] && return 0
  note "[提示] 如果是端口 $port（$proto）被占用了，先找出占着它的程序："
  case $(uname -s) in
    Darwin) note "[提示]   lsof -i :$port" ;;
    MINGW* | MSYS* | CYGWIN*) note "[提示]   netstat -ano | findstr :$port    （最后一列是进程号，在任务管理器里结束它）" ;;
    *) note "[提示]   ss -ltnup | grep :$port    （macOS 上用 lsof -i :$port）" ;;
  esac
  note "[提示] 关掉它（也许是上一次演示或课上没关的服务端），再运行 scripts/demo.sh（只演示这一步：scripts/demo.sh $step）"
}

# tmux 模式出错时，把窗格里的内容抄到讲解区，免得窗格关掉后看不到。
show_log() {
  local line prompt
  prompt="$(plain_label "$1") \$"
  while IFS= read -r line; do
    case $line in "" | "$prompt"*) continue ;; esac
    show "$1" "$line"
  done <<EOF
$(log_text "$1")
EOF
}

# 等程序自己结束，最多等 EXIT_SECONDS 秒；退出码和预想的（第二个参数，不写就是 0）不一样就停止演示。
await_exit() {
  local role=$1 expected=${2:-0} deadline=$((SECONDS + EXIT_SECONDS)) rc
  while running "$role"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      pump flush
      die "等了 $EXIT_SECONDS 秒，$(var prog "$role") 还没有结束，演示停止。"
    fi
    pump
    sleep "$POLL"
  done
  pump flush
  rc=$(var rc "$role")
  if [ "$rc" != "$expected" ]; then
    [ "$USE_TMUX" = yes ] && show_log "$role"
    die "$(var prog "$role") 以退出码 $rc 结束，和预想的（$expected）不一样（原因见上面它自己的说明），演示停止。"
  fi
  # tmux 里窗格回到提示符就看得出程序结束了，讲解区不再重复。
  [ "$USE_TMUX" = yes ] || show "$role" "（$(var prog "$role") 结束了，退出码 $rc）"
}

# 等程序打印出含有某段文字的一行（比如"我在等了"），最多等 READY_SECONDS 秒。
await_line() {
  local role=$1 text=$2 deadline=$((SECONDS + READY_SECONDS))
  while [ "$SECONDS" -lt "$deadline" ]; do
    pump
    program_text "$role" | grep -a -q -F -- "$text" && return 0
    if ! running "$role"; then
      pump flush
      [ "$USE_TMUX" = yes ] && show_log "$role"
      die "$(var prog "$role") 没有打印「$text」就结束了（退出码 $(var rc "$role")），演示停止。"
    fi
    sleep "$POLL"
  done
  pump flush
  die "等了 $READY_SECONDS 秒，$(var prog "$role") 还没有打印「$text」，演示停止。"
}

# 让大家看一条普通命令（比如 ls -l）和它的输出。tmux 里在角色的窗格里运行（那里这时没有程序在跑），
# 学生看得到命令；单终端里标成 [系统]。
show_command() {
  local role=$1 line deadline
  shift
  if [ "$USE_TMUX" = yes ]; then
    rm -f "$TMP/$role.rc"
    type_into "$role" "$(quoted "$@")"
    deadline=$((SECONDS + READY_SECONDS))
    until [ -s "$TMP/$role.rc" ] || [ "$SECONDS" -ge "$deadline" ]; do
      sleep "$POLL"
    done
    return 0
  fi
  show system "\$ $(quoted "$@")"
  while IFS= read -r line; do
    [ -n "$line" ] && show system "$line"
  done <<EOF
$("$@" 2>&1 | sed 's/[[:space:]]*$//' || true)
EOF
}

# 建一个只有自己能进的临时目录（mktemp -d 建的目录权限是 700），路径放在 PRIVATE_DIR 里；
# 步骤结束时由 remove_private_dirs 删掉。不用 $(…) 取路径：那会在子 shell 里运行，记不下要删的目录。
private_dir() {
  PRIVATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/socket-demo-$1.XXXXXX") ||
    die "无法在 ${TMPDIR:-/tmp} 里建临时目录，演示停止。"
  PRIVATE_DIRS+=("$PRIVATE_DIR")
}

remove_private_dirs() {
  local dir
  for dir in "${PRIVATE_DIRS[@]+"${PRIVATE_DIRS[@]}"}"; do
    rm -rf "$dir"
  done
  PRIVATE_DIRS=()
}

# 结束一个还在运行的程序（循环不停的服务端）。tmux 里真的按 Ctrl-C；单终端里发 SIGTERM，
# 因为脚本在后台启动的程序不理会 SIGINT。
stop_role() {
  local role=$1 why=${2:-} deadline pid
  running "$role" || return 0
  [ -n "$why" ] && show "$role" "$why"
  deadline=$((SECONDS + 3))
  if [ "$USE_TMUX" = yes ]; then
    tmux send-keys -t "$(var pane "$role")" C-c
    while running "$role" && [ "$SECONDS" -lt "$deadline" ]; do
      sleep "$POLL"
    done
    running "$role" && respawn_pane "$role"
    set_var rc "$role" "stopped"
    return 0
  fi
  pid=$(var pid "$role")
  is_interactive "$(var prog "$role")" && close_input "$role"
  kill "$pid" 2>/dev/null || true
  while running "$role" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep "$POLL"
  done
  if running "$role"; then
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pump flush
  set_var rc "$role" "stopped"
}

# ---------------------------------------------------------------- 交互：代打或者交给键盘

# 脚本要代打的输入：script_for 角色 第一行 第二行 …（空字符串表示直接回车）；用完以后再遇到提示符就是 Ctrl-D。
script_for() {
  local role=$1
  shift
  printf '%s\n' "$@" >"$TMP/$role.script"
}

# 有程序停在提示符上、还没得到输入时，给它一行：代打的下一行，--live 时是键盘上输入的一行。
answer() {
  local role=$1 fed total line
  fed=$(var fed "$role")
  set_var fed "$role" $((fed + 1))
  pump flush
  if [ "$LIVE" = 1 ]; then
    # 只有单终端模式会走到这里：键盘输入转交给停在提示符上的那个程序。
    if IFS= read -r -p "$(label "$role") ⌨ " line; then
      write_input "$role" "$line" 2>/dev/null || true
    else
      # 光标还停在 ⌨ 后面，接着写完这一行。
      printf 'Ctrl-D（输入结束）\n'
      close_input "$role"
    fi
    return 0
  fi
  [ "$AUTO" = 1 ] || sleep 0.6 # 留一点时间让大家看清提示符
  total=$(wc -l <"$TMP/$role.script")
  if [ "$fed" -ge "$((total + 0))" ]; then
    if [ "$USE_TMUX" = yes ]; then
      say "$(label "$role") ⌨ Ctrl-D（输入结束）"
      tmux send-keys -t "$(var pane "$role")" C-d
    else
      show "$role" "⌨ Ctrl-D（输入结束）"
      close_input "$role"
    fi
    return 0
  fi
  line=$(sed -n "$((fed + 1))p" "$TMP/$role.script")
  if [ "$USE_TMUX" = yes ]; then
    say "$(label "$role") ⌨ ${line:-（直接回车）}"
    type_into "$role" "$line"
  else
    show "$role" "⌨ ${line:-（直接回车）}"
    write_input "$role" "$line" 2>/dev/null || true
  fi
}

# 一段对话：谁停在提示符上就给谁一行，直到客户端结束。
converse() {
  local deadline=$((SECONDS + TALK_SECONDS)) role
  if [ "$LIVE" = 1 ] && [ "$USE_TMUX" = yes ]; then
    note "轮到你了：在下面的窗格里输入（tmux 里用 前缀键 + 方向键 切换窗格），客户端那边按 Ctrl-D 结束。"
    note "客户端结束后自动继续；也可以回到这里直接按回车。"
    tmux select-pane -t "$(var pane client)"
    while running client; do
      read -r -t 1 _ && break
    done
    tmux select-pane -t "$NARRATION_PANE"
    return 0
  fi
  if [ "$LIVE" = 1 ]; then
    note "轮到你了：每看到 ⌨ 就在键盘上输入一行、按回车；在客户端的提示符下按 Ctrl-D 结束。"
  fi
  while running client; do
    pump
    for role in client server; do
      if running "$role" && [ "$(prompts_seen "$role")" -gt "$(var fed "$role")" ]; then
        answer "$role"
        deadline=$((SECONDS + TALK_SECONDS))
        continue 2
      fi
    done
    if [ "$LIVE" = 0 ] && [ "$SECONDS" -ge "$deadline" ]; then
      pump flush
      die "等了 $TALK_SECONDS 秒，对话没有按预想进行下去（没有等到下一个提示符），演示停止。"
    fi
    sleep "$POLL"
  done
  pump flush
}

# ---------------------------------------------------------------- tmux 分屏

pane_command() {
  printf "bash --noprofile --rcfile '%s' -i" "$TMP/$1.bashrc"
}

# 窗格里跑的是一个干净的 bash：提示符就是角色的标签，PATH 里有编译好的程序，
# 每次显示提示符时把上一条命令的退出码写进文件，脚本靠它知道程序结束了。
write_pane_rc() {
  local role=$1
  {
    printf 'PS1=%q\n' "$(plain_label "$role") \$ "
    printf 'PROMPT_COMMAND=%q\n' "echo \$? > '$TMP/$role.rc'"
    # 单引号是故意的：$PATH 要留到窗格里的 bash 去展开。
    # shellcheck disable=SC2016
    printf 'PATH=%q:"$PATH"\n' "$BIN_DIR"
    printf 'HISTFILE=\n'
    [ -n "${NO_COLOR:-}" ] && printf 'export NO_COLOR=%q\n' "$NO_COLOR"
    printf 'cd %q || exit\n' "$ROOT"
  } >"$TMP/$role.bashrc"
}

# 等窗格里的 bash 显示出第一个提示符。
await_pane() {
  local role=$1 deadline=$((SECONDS + READY_SECONDS))
  until [ -s "$TMP/$role.rc" ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "等了 $READY_SECONDS 秒，tmux 窗格里的 bash 还没有启动好，演示停止。"
    sleep "$POLL"
  done
}

respawn_pane() {
  local role=$1 pane
  pane=$(var pane "$role")
  rm -f "$TMP/$role.rc"
  # 这一步的标签可能和上一步不同：窗格里的提示符跟着换。
  write_pane_rc "$role"
  tmux respawn-pane -k -t "$pane" -c "$ROOT" "$(pane_command "$role")"
  tmux clear-history -t "$pane"
  tmux select-pane -t "$pane" -T "$(plain_label "$role")"
  await_pane "$role"
}

split() {
  # tmux 3.1 起用 -l 65% 表示比例，更早的版本用 -p 65。
  tmux split-window "$@" 2>/dev/null && return 0
  local args=() arg
  for arg in "$@"; do
    case $arg in
      *%) args+=(-p "${arg%\%}") ;;
      -l) ;;
      *) args+=("$arg") ;;
    esac
  done
  tmux split-window "${args[@]}"
}

setup_tmux() {
  local narration=${TMUX_PANE:-} pane
  [ -n "$narration" ] || narration=$(tmux display-message -p '#{pane_id}')
  NARRATION_PANE=$narration
  write_pane_rc server
  write_pane_rc client
  pane=$(split -v -d -P -F '#{pane_id}' -t "$narration" -l 65% -c "$ROOT" "$(pane_command server)")
  set_var pane server "$pane"
  OWN_PANES+=("$pane")
  pane=$(split -h -d -P -F '#{pane_id}' -t "$(var pane server)" -l 50% -c "$ROOT" "$(pane_command client)")
  set_var pane client "$pane"
  OWN_PANES+=("$pane")
  OLD_BORDER_STATUS=$(tmux show-options -w -v -t "$narration" pane-border-status 2>/dev/null || true)
  OLD_BORDER_FORMAT=$(tmux show-options -w -v -t "$narration" pane-border-format 2>/dev/null || true)
  tmux set-option -w -t "$narration" pane-border-status top >/dev/null 2>&1 || true
  tmux set-option -w -t "$narration" pane-border-format ' #{pane_title} ' >/dev/null 2>&1 || true
  OLD_TITLE=$(tmux display-message -p -t "$narration" '#{pane_title}')
  tmux select-pane -t "$narration" -T "讲解（在这里按回车进入下一步）"
  await_pane server
  await_pane client
}

restore_tmux() {
  local pane
  for pane in "${OWN_PANES[@]+"${OWN_PANES[@]}"}"; do
    tmux kill-pane -t "$pane" 2>/dev/null || true
  done
  [ -n "${NARRATION_PANE:-}" ] || return 0
  tmux select-pane -t "$NARRATION_PANE" -T "$OLD_TITLE" 2>/dev/null || true
  if [ -n "$OLD_BORDER_STATUS" ]; then
    tmux set-option -w -t "$NARRATION_PANE" pane-border-status "$OLD_BORDER_STATUS" 2>/dev/null || true
  else
    tmux set-option -w -u -t "$NARRATION_PANE" pane-border-status 2>/dev/null || true
  fi
  if [ -n "$OLD_BORDER_FORMAT" ]; then
    tmux set-option -w -t "$NARRATION_PANE" pane-border-format "$OLD_BORDER_FORMAT" 2>/dev/null || true
  else
    tmux set-option -w -u -t "$NARRATION_PANE" pane-border-format 2>/dev/null || true
  fi
}

# ---------------------------------------------------------------- 清理

# 退出时（包括 Ctrl-C、出错）结束本脚本启动的每一个程序，端口随之释放。
cleanup() {
  local status=$? pid
  set +e
  trap - EXIT INT TERM
  stop_role server >/dev/null 2>&1
  stop_role client >/dev/null 2>&1
  # 记下的进程号之外，再加上 bash 自己记着的后台任务（刚启动、还没来得及记下的那一个）。
  for pid in "${ALL_PIDS[@]+"${ALL_PIDS[@]}"}" $(jobs -p); do
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  if [ "$USE_TMUX" = yes ]; then
    if [ "$status" -ne 0 ] && [ -n "${SOCKET_DEMO_OWN_SESSION:-}" ] && [ -t 0 ]; then
      # 这个 tmux 会话是脚本自己开的，一结束就会关掉：先让人看清出了什么事。
      read -r -p "按回车关闭演示用的 tmux 会话……" _
    fi
    restore_tmux
  fi
  remove_private_dirs
  [ -n "$TMP" ] && rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'printf "\n演示被中断，正在关闭它启动的程序……\n"; exit 130' INT
trap 'exit 143' TERM
# 往已经退出的程序的输入里写东西时，不要让 SIGPIPE 把脚本打断。
trap '' PIPE

TMP=$(mktemp -d "${TMPDIR:-/tmp}/socket-demo.XXXXXX")

# ---------------------------------------------------------------- 步骤之间

pause() {
  local last=$1 answer=""
  [ "$AUTO" = 1 ] && return 0
  if [ "$last" = yes ]; then
    printf '\n── 按回车结束演示 ──'
  else
    printf '\n── 按回车进入下一步（输入 q 再回车：结束演示）──'
  fi
  IFS= read -r answer || answer=q
  case $answer in
    q | Q)
      say "演示提前结束。"
      exit 0
      ;;
  esac
}

# 每一步开始前：上一步的程序都已结束，换上这一步的标签（fresh_stage 左边 右边）；tmux 里换上干净的窗格。
fresh_stage() {
  stop_role server
  stop_role client
  pump flush
  NAME_SERVER=$1
  NAME_CLIENT=$2
  set_var prog server ""
  set_var prog client ""
  set_var log server ""
  set_var log client ""
  if [ "$USE_TMUX" = yes ]; then
    respawn_pane server
    respawn_pane client
    tmux clear-history -t "$NARRATION_PANE" 2>/dev/null || true
    printf '\033[H\033[2J' # 清屏：每一步都从讲解区的顶上开始
  fi
}

# 课程里一直循环的服务端由老师按 Ctrl-C 结束；脚本替你按。
stop_looping_server() {
  if [ "$USE_TMUX" = yes ]; then
    say "$(label server) ⌨ Ctrl-C（服务端是个死循环，不会自己退出）"
    stop_role server
  else
    stop_role server "（服务端是个死循环，不会自己退出：课堂上按 Ctrl-C，这里由脚本结束它）"
  fi
}

# ---------------------------------------------------------------- 每一步

step_file() {
  local file
  watch_for \
    "写的一方（file_writer）把一条消息写进文件就退出；读的一方（file_reader）打开同一个文件，读出来打印。" \
    "先读后写会怎样？文件还不存在，读的一方只能报错退出：它没法知道消息什么时候写好。" \
    "加上 --wait，读的一方每 0.2 秒看一眼（这叫轮询）；写的一方一写好，它就读到了同一条消息（对一对进程号）。"
  private_dir file
  file="$PRIVATE_DIR/message.txt"
  say "▶ 消息文件放在刚建的一个临时目录里（演示完就删掉）：$file"
  say "▶ 还没有人写，先读读看："
  launch server file_reader "$file"
  await_exit server 1
  note "↑ 文件还不存在，读的一方只能说一声就退出（退出码 1）。"
  say "▶ 这次加上 --wait：读的一方先等着，再让写的一方去写。"
  launch server file_reader --wait "$file"
  await_line server "最多等 30 秒"
  launch client file_writer "$file"
  await_exit client
  await_exit server
  note "↑ 读到的和写的是同一条消息，进程号也一样。后面的套接字不用轮询：数据一到，等着的 recv 就返回了。"
}

step_unix() {
  local socket
  watch_for \
    "和 TCP 一样先启动服务端，只是地址不再是 IP 和端口，而是一个文件路径（这里放在刚建的临时目录里）。" \
    "服务端运行时，ls -l 能看到这个文件，第一个字母 s 表示套接字文件；数据并不经过磁盘。" \
    "客户端发 hello!，服务端回 hi，两边退出；服务端退出前删掉了这个文件。"
  case $(uname -s) in
    MINGW* | MSYS* | CYGWIN*)
      note "这一步跳过：Rust 标准库只在 Linux、macOS 这类系统上提供 AF_UNIX，Windows 上用不了（可以在 WSL 里演示）。"
      return 0
      ;;
  esac
  private_dir unix
  socket="$PRIVATE_DIR/lesson.sock"
  start_server "$socket" AF_UNIX unix_server "$socket"
  say "▶ 服务端正在等客户端。看一眼这个路径上的文件："
  show_command client ls -l "$socket"
  note "↑ 第一个字母 s：这是一个套接字文件，是 bind 创建的；它只是个名字，大小是 0。"
  launch client unix_client "$socket"
  await_exit client
  await_exit server
  say "▶ 两边都结束了，再看一眼："
  show_command client ls -l "$socket"
  if [ -e "$socket" ]; then
    note "↑ 套接字文件还在：服务端没有删掉它，下次 bind 同一个路径会失败。"
  else
    note "↑ 套接字文件不见了：服务端退出前删掉了它，不然下次 bind 同一个路径会失败。"
  fi
}

step_measure() {
  watch_for \
    "课程说 TCP 可靠但效率低、UDP 效率高但不可靠。这个程序自己扮演两端，在 127.0.0.1 上量一量（这里只测 1 秒）。" \
    "一问一答的往返在本机上都只要几十微秒，谁快并不固定；尽快发数据时，TCP 送达率 100%、顺序不乱，UDP 来不及收的就丢了。" \
    "数字每次都不一样；最后那句结论是由这一次的数字算出来的。"
  launch server tcp_vs_udp 1
  await_exit server
}

step_tcp() {
  watch_for \
    "服务端先启动，停在 accept 上等人来连：TCP 要先有人在端口上监听，客户端才连得上。" \
    "客户端发 hello!，服务端打印收到的字节，回一句 hi，客户端打印回复。" \
    "回完 hi，两边关闭连接、各自退出：这个服务端只服务一个客户端。"
  start_server 127.0.0.1:8898 TCP tcp_server
  launch client tcp_client
  await_exit client
  await_exit server
}

# Linux 上用 ss 看一眼服务端这头处于 TIME-WAIT 的连接（tmux 里就在服务端的窗格里运行，学生看得到命令）；
# 别的系统没有 ss，跳过这一步。
show_time_wait() {
  local port=$1 command line found=no deadline
  command -v ss >/dev/null 2>&1 || return 0
  [ "$(uname -s)" = Linux ] || return 0
  command="ss -tan '( sport = :$port )'"
  ss -tan "( sport = :$port )" 2>/dev/null | grep -q '^TIME-WAIT' && found=yes
  if [ "$USE_TMUX" = yes ]; then
    rm -f "$TMP/server.rc"
    type_into server "$command"
    deadline=$((SECONDS + READY_SECONDS))
    until [ -s "$TMP/server.rc" ] || [ "$SECONDS" -ge "$deadline" ]; do
      sleep "$POLL"
    done
  else
    show system "\$ $command"
    while IFS= read -r line; do
      [ -n "$line" ] && show system "$line"
    done <<EOF
$(ss -tan "( sport = :$port )" 2>/dev/null | sed 's/[[:space:]]*$//')
EOF
  fi
  if [ "$found" = yes ]; then
    note "↑ 服务端这头的连接处于 TIME-WAIT，端口 $port 还被它们占着。"
  else
    note "↑ 服务端这头没有 TIME-WAIT 的连接。"
  fi
}

step_reuse() {
  local attempt
  watch_for \
    "服务端先关闭连接，它那一头的连接要在 TIME_WAIT 里停留一阵（Linux 上约 60 秒），端口还被占着。" \
    "这时加 --no-reuse（bind 前不设 SO_REUSEADDR）马上重启：bind 失败，就是课程里的 Address already in use。" \
    "去掉 --no-reuse：bind 之前设置了 SO_REUSEADDR，同一个端口马上就能重启。"
  for attempt in 1 2 3; do
    start_server 127.0.0.1:8898 TCP tcp_server_reuse
    launch client tcp_client
    await_exit client
    await_exit server
    show_time_wait 8898
    say "▶ 服务端刚刚关闭，马上用 --no-reuse 重启它："
    launch server tcp_server_reuse --no-reuse
    if ! await_ready server 127.0.0.1:8898; then
      note "↑ 这就是课程里的 Address already in use：端口还被 TIME_WAIT 里的旧连接占着。"
      break
    fi
    # 这一次是客户端先关闭了连接：TIME_WAIT 留在了客户端那头，服务端的端口是空闲的。
    stop_role server "（没有连接时结束它，不会留下 TIME_WAIT）"
    case $(uname -s) in
      MINGW* | MSYS* | CYGWIN*)
        # Windows 上不设任何选项的 bind 不会被 TIME_WAIT 挡住，再试几次也一样。
        note "Windows 上看不到这个错误：那里不设选项的 bind 不会被 TIME_WAIT 挡住（见 docs/platforms.md）。"
        break
        ;;
    esac
    if [ "$attempt" = 3 ]; then
      note "三次都是客户端先关闭了连接，没能重现这个错误；课后可以手动再试一次。"
      break
    fi
    note "这次是客户端先关闭了连接，TIME_WAIT 留在了客户端那头，所以服务端的端口是空闲的。再来一次："
  done
  say "▶ 去掉 --no-reuse，再重启一次："
  start_server 127.0.0.1:8898 TCP tcp_server_reuse
  note "↑ 设置了 SO_REUSEADDR，同一个端口马上就重启成功了。"
  launch client tcp_client
  await_exit client
  await_exit server
}

step_udp() {
  watch_for \
    "UDP 没有 listen 和 accept：服务端 bind 好端口，就能直接收数据报。" \
    "客户端不用先建立连接（UDP 没有握手），直接把 hello 发到 127.0.0.1:9000；服务端打印它和对方的地址，再用 sendto 回 hi。" \
    "客户端打印回复和回复的来处，两边各自退出。"
  start_server 127.0.0.1:9000 UDP udp_server
  launch client udp_client
  await_exit client
  await_exit server
}

step_qq() {
  watch_for \
    "客户端先选聊天对象（课程里的几个名字都指向 127.0.0.1:8081），再输入消息。" \
    "服务端显示消息从哪儿来，等人输入回复；客户端收到回复后可以接着聊，输入 q 结束和他的聊天。" \
    "服务端是个死循环，聊完也不会自己退出，课堂上按 Ctrl-C 关掉它。"
  script_for client "哪吒" "你好，在吗？" "q"
  script_for server "在的，有什么事？"
  start_server 127.0.0.1:8081 UDP qq_server
  launch client qq_client
  converse
  await_exit client
  stop_looping_server
}

step_time() {
  watch_for \
    "客户端输入 strftime 格式，比如 %Y %m %d；服务端按这个格式写出当前时间发回来。" \
    "直接回车会发出一个空数据报，服务端就用默认格式 %Y-%m-%d %X。" \
    "客户端按 Ctrl-D 结束；服务端是个死循环，课堂上按 Ctrl-C 关掉它。"
  script_for client "%Y %m %d" "%Y年%m月%d日 %H:%M" ""
  start_server 127.0.0.1:9000 UDP time_server
  launch client time_client
  converse
  await_exit client
  stop_looping_server
}

step_params() {
  watch_for \
    "课程把 socket.socket(family, type, proto, fileno) 的参数列了一遍；这个程序按每种 family 和 type 各建一个套接字，再问内核它到底是什么。" \
    "proto 和 type 对不上时创建失败；原始套接字（SOCK_RAW）要特权，普通用户运行时那一行是失败的。" \
    "fileno 那一行：把监听套接字的描述符交出去、再包装回来，交出前和接管后的地址一样——同一个套接字。"
  launch server socket_params
  await_exit server
}

step_sticky() {
  watch_for \
    "客户端用 6 次 send 发出 5 条短消息和 1 条 3000 字节的长消息，每次 send 都是完整的一条。" \
    "服务端先忙半秒不去读，再每次最多 recv 1024 字节：短消息黏成了一团，长消息被拆成了几段。" \
    "最后服务端告诉客户端它一共 recv 了几次：和 send 的次数对不上。TCP 只管字节，不记消息的边界。"
  start_server 127.0.0.1:8899 TCP sticky_server
  launch client sticky_client
  await_exit client
  await_exit server
}

step_framed() {
  watch_for \
    "发的还是那 6 条消息，只是每条前面多了 4 字节的报头，写明正文有多少字节。" \
    "服务端先读满 4 字节的报头，再按报头里的长度读满正文：每条消息都完整地、一条一条地出来。" \
    "字节在路上照样会黏、会拆；边界是双方约定的报头找回来的。"
  start_server 127.0.0.1:8900 TCP framed_server
  launch client framed_client
  await_exit client
  await_exit server
}

# ---------------------------------------------------------------- 开始

say "正在编译整个工作区（cargo build --workspace --bins），只在开始时编译这一次……"
(cd "$ROOT" && cargo build --workspace --bins --quiet) ||
  die "编译失败：先修好上面 cargo 报的错误，再运行本脚本。"
# 编译好的程序在 cargo 的目标目录里；cargo metadata 知道它在哪（也照顾到 CARGO_TARGET_DIR 和 .cargo/config）。
TARGET_DIR=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps 2>/dev/null |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p' | sed 's/\\\\/\\/g') || TARGET_DIR=""
if [ -z "$TARGET_DIR" ] || [ ! -d "$TARGET_DIR/debug" ]; then
  TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
  case $TARGET_DIR in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
fi
BIN_DIR="$TARGET_DIR/debug"
say "编译完成。下面的 \$ tcp_server 这样的命令，就是 cargo run -p tcp_server 会运行的那个程序（在 ${BIN_DIR#"$ROOT"/}/ 里）。"

if [ "$USE_TMUX" = yes ]; then
  setup_tmux
  say "分屏：左下是 [服务端]，右下是 [客户端]；回到这个窗格按回车进入下一步。"
fi

count=${#SELECTED[@]}
index=0
for name in "${SELECTED[@]}"; do
  index=$((index + 1))
  for i in "${!STEP_NAMES[@]}"; do
    [ "${STEP_NAMES[$i]}" = "$name" ] && number=$((i + 1)) && title=${STEP_TITLES[$i]} &&
      labels=${STEP_LABELS[$i]}
  done
  CURRENT_STEP=$name
  # 标签一栏是"左边 右边"两个词，拆开交给 fresh_stage。
  # shellcheck disable=SC2086
  fresh_stage $labels
  heading "$number" "$title"
  "step_$name"
  pump flush
  remove_private_dirs
  last=no
  [ "$index" = "$count" ] && last=yes
  pause "$last"
done

stop_role server
stop_role client
pump flush
say ""
say "演示结束：脚本启动的程序都已经关闭，端口也都释放了。"
if [ "${#SELECTED[@]}" = "${#STEP_NAMES[@]}" ]; then
  for name in $(crates_without_step); do
    say "（$name 还没有演示步骤，可以手动运行：cargo run -p $name）"
  done
fi
