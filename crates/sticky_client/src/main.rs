//! sticky_client：课程预告的下一课——黏包。这个客户端连着发好几次，让服务端那边黏在一起。
//!
//! 它连接 127.0.0.1:8899，用 5 次 send 连着发 5 条短消息（`hello`、`你好`……），
//! 再用 1 次 send 发一条 3000 字节的长消息，然后告诉服务端"发完了"，等服务端回复它一共 recv 了几次。
//! 发了 6 次，服务端却只收 3 次：短消息黏成一团，长消息被拆成几段。
//!
//! 试一试（TCP 要先有服务端）：
//!   终端 1：cargo run -p sticky_server     （或者用 nc 当服务端：nc -l 127.0.0.1 8899，看看字节连成了一片；
//!           macOS 写法相同，Windows 装 Nmap 后用 ncat -l 127.0.0.1 8899）
//!   终端 2：cargo run -p sticky_client
//!
//! 换个地址：cargo run -p sticky_client -- 127.0.0.1:54321
//! 放进自己的项目：cargo new my_sticky_client，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 全部发出并收到了服务端的回复；1 连不上、发送失败或没等到回复；2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

/// sticky_server 的默认地址。
const DEFAULT_ADDR: &str = "127.0.0.1:8899";
/// 服务端的回复最多收这么多字节，对应 Python 的 `recv(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 连接和等回复各最多等多久。服务端只"忙"半秒，5 秒还没有回复，它就不会回复了。
const TIMEOUT: Duration = Duration::from_secs(5);
/// 连着发出去的短消息，每条一次 send。
const SHORT_MESSAGES: [&str; 5] = ["hello", "你好", "world", "黏包", "字节流"];
/// 长消息：数字 0～9 循环，比服务端的 1024 字节缓冲区长得多，从数字上能看出它在哪里被拆开。
const LONG_MESSAGE_LEN: usize = 3000;
const USAGE: &str = "用法：sticky_client [服务端地址]    例如 127.0.0.1:8899（默认）、[::1]:8899";

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
    // 第 1、2 步：创建套接字并 connect（三次握手），设了期限，不会一直卡住。
    let mut conn =
        TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| connect_failure(addr, &e))?;
    say(&format!("已连接到 {addr}"))?;

    // 第 3 步：5 条短消息，每条单独一次 send。每次 write_all 返回，只说明字节进了自己内核的发送缓冲区；
    // 它们什么时候、装在几个包里送到对方，由 TCP 决定，对方也不知道这里分了几次发。
    let mut sends = 0;
    let mut total = 0;
    for message in SHORT_MESSAGES {
        conn.write_all(message.as_bytes())
            .map_err(|e| send_failure(&e))?;
        sends += 1;
        total += message.len();
        say(&format!(
            "第 {sends} 次 send：{} 字节 {message}",
            message.len()
        ))?;
    }

    // 第 4 步：一条 3000 字节的长消息，也只用一次 send。对方每次最多读 1024 字节，一次是读不完的。
    let long_message: Vec<u8> = (b'0'..=b'9').cycle().take(LONG_MESSAGE_LEN).collect();
    conn.write_all(&long_message)
        .map_err(|e| send_failure(&e))?;
    sends += 1;
    total += long_message.len();
    say(&format!(
        "第 {sends} 次 send：{LONG_MESSAGE_LEN} 字节 0123456789 循环"
    ))?;
    say(&format!("一共 send 了 {sends} 次，{total} 字节"))?;

    // 第 5 步：shutdown 发送方向，告诉服务端"我发完了"：它的 recv 会读到 0 字节。
    // 只关发送这一半，接收的一半还开着，等一会儿还要收回复。Python 里是 sk.shutdown(socket.SHUT_WR)。
    conn.shutdown(Shutdown::Write)
        .map_err(|e| format!("关闭发送方向失败：{e}"))?;

    // 第 6 步：收回复，一直读到服务端关闭连接：这句回复的边界就是"连接关闭"。
    // take 限定最多收 1024 字节，对方发得再多也不会占满内存。
    conn.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| format!("设置读超时失败：{e}"))?;
    let mut reply = Vec::new();
    if let Err(e) = (&mut conn).take(BUFFER_SIZE as u64).read_to_end(&mut reply) {
        return Err(match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
                "等了 {} 秒，服务端 {addr} 还是没有回复完，客户端放弃。",
                TIMEOUT.as_secs()
            ),
            _ => format!("读取服务端的回复失败：{e}"),
        });
    }
    if reply.is_empty() {
        return Err(format!("服务端 {addr} 没有回复就关闭了连接。"));
    }
    // 回复来自网络，先变成可以放心打印的文本。
    say(&format!("服务端回复：{}", printable(&reply)))?;

    // 第 7 步：close。conn 离开作用域时 Rust 自动关闭它。
    Ok(())
}

/// 读第一个参数作为服务端地址；没有参数就用默认地址。
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
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:8899 或 [::1]:8899。")
    })
}

/// 把 connect 失败的原因翻译成学生能照着做的一句话。
fn connect_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::ConnectionRefused => format!(
            "连接失败：{addr} 上没有服务端在监听。请先在另一个终端运行 cargo run -p sticky_server。（{e}）"
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => format!(
            "连接 {addr} 超时：{} 秒内没有任何回应，请检查地址和端口是否写对。",
            TIMEOUT.as_secs()
        ),
        _ => format!("连接 {addr} 失败：{e}"),
    }
}

fn send_failure(e: &std::io::Error) -> String {
    format!("发送失败（服务端可能已经断开）：{e}")
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p sticky_client | head -1`），
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
