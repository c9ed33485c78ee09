#!/bin/sh
# scripts/demo.sh：课堂演示（适合投影）。先编译整个工作区，再运行演示程序 crates/demo。
# 用法：scripts/demo.sh --help。Windows 上用 scripts\demo.cmd。
cd "$(dirname "$0")/.." || exit 1
echo "正在编译课程的程序（cargo build --workspace --bins），第一次要等一会儿……"
cargo build --quiet --workspace --bins || { echo "编译失败：先修好上面 cargo 报的错误，再运行本脚本。" >&2; exit 1; }
exec cargo run --quiet -p demo -- "$@"
