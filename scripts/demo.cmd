@echo off
rem scripts\demo.cmd：Windows 上的课堂演示入口，和 scripts/demo.sh 一样。用法：scripts\demo.cmd --help
chcp 65001 >nul
cd /d "%~dp0.."
echo 正在编译课程的程序（cargo build --workspace --bins），第一次要等一会儿……
cargo build --quiet --workspace --bins
if errorlevel 1 (
  echo 编译失败：先修好上面 cargo 报的错误，再运行本脚本。
  exit /b 1
)
cargo run --quiet -p demo -- %*
exit /b %errorlevel%
