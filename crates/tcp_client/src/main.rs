//! tcp_client：课程里的第一个 TCP 客户端。
//!
//! 和课程的 Python 版做同样的事：连接 127.0.0.1:8898，发送 `hello!`，
//! 收服务端的回复（最多 1024 字节）并打印，然后关闭连接。
//!
//! 试一试（TCP 要先有服务端）：
//!   终端 1：cargo run -p tcp_server        （或者用 nc 当服务端：nc -l 127.0.0.1 8898）
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -l 127.0.0.1 8898）
//!   终端 2：cargo run -p tcp_client
//!
//! 换个地址：cargo run -p tcp_client -- 127.0.0.1:54321
//! 放进自己的项目：cargo new my_client，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 收到了回复；1 连不上、没有回复或连接出错；2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

/// 课程里服务端的地址。
const DEFAULT_ADDR: &str = "127.0.0.1:8898";
/// 一次最多收多少字节，对应 Python 的 `sk.recv(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 连接和等回复各最多等多久。本机上的服务端几毫秒就会回答，5 秒足够说明"它不会回答了"。
const TIMEOUT: Duration = Duration::from_secs(5);
const USAGE: &str = "用法：tcp_client [服务端地址]    例如 127.0.0.1:8898（默认）、[::1]:8898";

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match talk(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn talk(addr: SocketAddr) -> Result<(), String> {
    // 第 1、2 步：创建套接字并 connect。这一步完成 TCP 的三次握手；
    // 设了期限，万一地址那头没有任何回应，也不会一直卡住。
    let mut conn =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| connect_failure(addr, &e))?;
    say(&format!("已连接到 {addr}"))?;

    // 第 3 步：send。write_all 保证整条消息都交给了内核。
    conn.write_all(b"hello!")
        .map_err(|e| format!("发送失败（服务端可能已经断开）：{e}"))?;
    say("已发送 hello!")?;

    // 第 4 步：recv。服务端不回答的话，read 会一直等，所以先给它一个期限。
    conn.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| format!("设置读超时失败：{e}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = match conn.read(&mut buffer) {
        Ok(0) => return Err(format!("服务端 {addr} 没有回复就关闭了连接。")),
        Ok(n) => n,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            return Err(format!(
                "等了 {} 秒，服务端 {addr} 还是没有回复，客户端放弃。",
                TIMEOUT.as_secs()
            ));
        }
        Err(e) => return Err(format!("读取服务端的回复失败：{e}")),
    };
    // 第 5 步：打印。回复来自网络，先变成可以放心打印的文本。
    say(&format!("收到回复：{}", printable(&buffer[..n])))?;

    // 第 6 步：close。conn 离开作用域时 Rust 自动关闭它。
    Ok(())
}

/// 读第一个参数作为服务端地址；没有参数就用课程的地址。
fn address_from_args() -> Result<SocketAddr, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err("参数太多了：只需要一个服务端地址。".to_string()),
    };
    if text == "-h" || text == "--help" {
        println!("{USAGE}");
        std::process::exit(0);
    }
    text.parse().map_err(|_| {
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:8898 或 [::1]:8898。")
    })
}

/// 把 connect 失败的原因翻译成学生能照着做的一句话。
fn connect_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::ConnectionRefused => format!(
            "连接失败：{addr} 上没有服务端在监听。请先在另一个终端运行 cargo run -p tcp_server。（{e}）"
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => format!(
            "连接 {addr} 超时：{} 秒内没有任何回应，请检查地址和端口是否写对。",
            TIMEOUT.as_secs()
        ),
        _ => format!("连接 {addr} 失败：{e}"),
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p tcp_client | head -1`），
/// println! 会 panic；这里把它变成一个普通的错误，和别的错误一样用一句中文报告、以退出码 1 结束。
fn say(line: &str) -> Result<(), String> {
    writeln!(io::stdout(), "{line}")
        .map_err(|e| format!("输出写不出去了（接收输出的程序可能已经退出），程序停止。（{e}）"))
}

/// 把对方发来的字节变成可以放心打印的文本：不是 UTF-8 的字节显示成 �，
/// 控制字符（ESC、响铃、回车……）和改变文字方向的字符写成 `\u{1b}` 这样的转义，
/// 免得对方借此操纵你的终端。
fn printable(bytes: &[u8]) -> String {
    let mut text = String::new();
    for c in String::from_utf8_lossy(bytes).chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            text.extend(c.escape_default());
        } else {
            text.push(c);
        }
    }
    text
}
