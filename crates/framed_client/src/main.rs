//! framed_client：黏包的解决办法——长度前缀。每条消息前面先发 4 字节的报头，写明正文有多少字节。
//!
//! 它连接 127.0.0.1:8900，发的消息和 sticky_client 一模一样（5 条短消息，再加一条 3000 字节的长消息，
//! 每条一次 send），只是每条前面多了报头：正文长度，4 字节大端（网络字节序），
//! 和 Python 的 `struct.pack('!I', n)` 写出的字节相同。服务端按报头切，每条消息都完整地、一条一条地出来。
//! 发完后它等服务端回复一条同样带报头的汇总消息，打印出来。
//!
//! 试一试（TCP 要先有服务端）：
//!   终端 1：cargo run -p framed_server
//!   终端 2：cargo run -p framed_client
//!   用 nc 当服务端看看线上的字节：nc -l 127.0.0.1 8900 | od -A d -t x1 | head
//!   （macOS 写法相同；Windows 装 Nmap 后用 ncat -l 127.0.0.1 8900 > wire.bin，再看这个文件的字节）
//!
//! 换个地址：cargo run -p framed_client -- 127.0.0.1:54321
//! 放进自己的项目：cargo new my_framed_client，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 全部发出并收到了服务端的回复；1 连不上、发送失败、没等到回复或回复的报头不合规矩；
//!         2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

/// framed_server 的默认地址。
const DEFAULT_ADDR: &str = "127.0.0.1:8900";
/// 报头的长度：4 字节无符号整数，对应 Python `struct` 的 `I`。
const HEADER_LEN: usize = 4;
/// 回复的正文最多多少字节。报头里的长度来自网络，先和这个上限比，再分配内存。
const MAX_FRAME: usize = 64 * 1024;
/// 连接和等回复各最多等多久。本机上的服务端几毫秒就会回复，5 秒还没有，它就不会回复了。
const TIMEOUT: Duration = Duration::from_secs(5);
/// 和 sticky_client 一样的 5 条短消息，每条一次 send。
const SHORT_MESSAGES: [&str; 5] = ["hello", "你好", "world", "黏包", "字节流"];
/// 和 sticky_client 一样的长消息：数字 0～9 循环，3000 字节。
const LONG_MESSAGE_LEN: usize = 3000;
/// 回复很长时只显示开头这么多字节和结尾 SHOWN_TAIL 字节，中间写明省略了多少。
const SHOWN_HEAD: usize = 48;
const SHOWN_TAIL: usize = 16;
const USAGE: &str = "用法：framed_client [服务端地址]    例如 127.0.0.1:8900（默认）、[::1]:8900";

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

    // 第 3 步：逐条发送，每条是"报头 + 正文"。TCP 照样会把它们黏在一起、拆开，
    // 但接收方先读 4 字节就知道这条有多长，边界由报头带着走，不再指望 TCP 记住。
    let long_message: Vec<u8> = (b'0'..=b'9').cycle().take(LONG_MESSAGE_LEN).collect();
    let mut messages: Vec<&[u8]> = SHORT_MESSAGES.iter().map(|m| m.as_bytes()).collect();
    messages.push(&long_message);
    for (index, body) in messages.iter().enumerate() {
        let framed = frame(body);
        conn.write_all(&framed)
            .map_err(|e| format!("发送失败（服务端可能已经断开）：{e}"))?;
        let header = &framed[..HEADER_LEN];
        say(&format!(
            "第 {} 条消息：报头 {:02x} {:02x} {:02x} {:02x}，正文 {} 字节 {}",
            index + 1,
            header[0],
            header[1],
            header[2],
            header[3],
            body.len(),
            shortened(body)
        ))?;
    }

    // 第 4 步：shutdown 发送方向，告诉服务端"消息发完了"：它读下一个报头时会读到 0 字节。
    // 接收的一半还开着，等一会儿还要收回复。Python 里是 sk.shutdown(socket.SHUT_WR)。
    conn.shutdown(Shutdown::Write)
        .map_err(|e| format!("关闭发送方向失败：{e}"))?;

    // 第 5 步：收回复，和服务端收消息的办法一样：先读满报头，核对长度，再读满正文。
    conn.set_read_timeout(Some(TIMEOUT))
        .map_err(|e| format!("设置读超时失败：{e}"))?;
    let mut header = [0u8; HEADER_LEN];
    conn.read_exact(&mut header).map_err(|e| match e.kind() {
        ErrorKind::UnexpectedEof => {
            format!("服务端 {addr} 没有回复（或者回复的报头不满 4 字节）就关闭了连接。")
        }
        _ => read_failure(addr, &e),
    })?;
    // 网络字节序就是大端：高位字节在前。Python 里是 struct.unpack('!I', header)。
    let length = u32::from_be_bytes(header) as usize;
    if length > MAX_FRAME {
        return Err(format!(
            "服务端回复的报头说正文有 {length} 字节，超过上限 {MAX_FRAME} 字节，\
             客户端不为它分配内存，断开连接。"
        ));
    }
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).map_err(|e| match e.kind() {
        ErrorKind::UnexpectedEof => {
            format!("服务端的回复不完整：报头说正文有 {length} 字节，还没收齐服务端就关闭了连接。")
        }
        _ => read_failure(addr, &e),
    })?;
    // 回复来自网络，先变成可以放心打印的文本。
    say(&format!(
        "服务端回复（{length} 字节）：{}",
        shortened(&body)
    ))?;

    // 第 6 步：close。conn 离开作用域时 Rust 自动关闭它。
    Ok(())
}

/// 给一段正文加上报头：4 字节大端的长度，等于 Python 的 `struct.pack('!I', len(body)) + body`。
/// 报头和正文拼在一起一次发出去；分两次发也完全正确，因为接收方本来就不看对方分了几次发。
fn frame(body: &[u8]) -> Vec<u8> {
    // 这里只发自己写的几条消息，长度远小于 MAX_FRAME，一定装得进 u32。
    let mut framed = (body.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(body);
    framed
}

fn read_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，服务端 {addr} 还是没有回复完，客户端放弃。",
            TIMEOUT.as_secs()
        ),
        _ => format!("读取服务端的回复失败：{e}"),
    }
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
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:8900 或 [::1]:8900。")
    })
}

/// 把 connect 失败的原因翻译成学生能照着做的一句话。
fn connect_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::ConnectionRefused => format!(
            "连接失败：{addr} 上没有服务端在监听。请先在另一个终端运行 cargo run -p framed_server。（{e}）"
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => format!(
            "连接 {addr} 超时：{} 秒内没有任何回应，请检查地址和端口是否写对。",
            TIMEOUT.as_secs()
        ),
        _ => format!("连接 {addr} 失败：{e}"),
    }
}

/// 很长的一段字节只显示开头和结尾，中间写明省略了多少字节。
/// 切口退到一个字符的开头，免得把一个汉字的 3 个字节切成两半、显示成 �。
fn shortened(bytes: &[u8]) -> String {
    if bytes.len() <= SHOWN_HEAD + SHOWN_TAIL {
        return printable(bytes);
    }
    let head_end = char_start(bytes, SHOWN_HEAD);
    let tail_start = char_start(bytes, bytes.len() - SHOWN_TAIL);
    format!(
        "{}…（中间省略 {} 字节）…{}",
        printable(&bytes[..head_end]),
        tail_start - head_end,
        printable(&bytes[tail_start..])
    )
}

/// 从下标 `at` 往回退到一个 UTF-8 字符的开头（最多退 3 步：一个字符最多 4 个字节）。
fn char_start(bytes: &[u8], mut at: usize) -> usize {
    for _ in 0..3 {
        // 0b10xx_xxxx 是多字节字符的后续字节，不能从这里切开。
        if at > 0 && bytes[at] & 0b1100_0000 == 0b1000_0000 {
            at -= 1;
        }
    }
    at
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p framed_client | head -1`），
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
