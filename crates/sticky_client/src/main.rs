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
//! 换个地址：cargo run -p sticky_client -- 127.0.0.1:54321    （localhost:8899、[::1]:8899 也行）
//! 放进自己的项目：cargo new my_sticky_client，把本文件复制成 my_sticky_client/src/main.rs
//! （不需要 cargo add 任何依赖），先启动服务端，再在 my_sticky_client 目录里运行
//! cargo run -- 127.0.0.1:8899（地址换成服务端打印的那个）。
//!
//! 退出码：0 全部发出并收到了服务端的回复；1 连不上、发送失败或没等到回复；2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
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

/// 课程的流程：connect、连着 send 6 次、shutdown 说"发完了"、收回复、close。
fn talk(addr: &str) -> Result<(), Failure> {
    // 1. connect：三次握手。connect_timeout_each 和 TcpStream::connect 一样挨个试主机名对应的地址，
    //    只是每个最多等 5 秒，不会一直卡住。
    let mut conn = connect_timeout_each(addr).map_err(|e| connect_failure(addr, &e))?;
    say(&format!("已连接到 {}", conn.peer_addr()?))?;

    // 2. 5 条短消息，每条单独一次 send。write_all 返回只说明字节进了自己内核的发送缓冲区；
    //    它们什么时候、装在几个包里送到对方，由 TCP 决定，对方也不知道这里分了几次发。
    let (mut sends, mut total) = (0, 0);
    for message in SHORT_MESSAGES {
        conn.write_all(message.as_bytes()).map_err(send_failure)?;
        sends += 1;
        total += message.len();
        say(&format!(
            "第 {sends} 次 send：{} 字节 {message}",
            message.len()
        ))?;
    }

    // 3. 一条 3000 字节的长消息，也只用一次 send。对方每次最多读 1024 字节，一次是读不完的。
    let long_message: Vec<u8> = (b'0'..=b'9').cycle().take(LONG_MESSAGE_LEN).collect();
    conn.write_all(&long_message).map_err(send_failure)?;
    sends += 1;
    total += long_message.len();
    say(&format!(
        "第 {sends} 次 send：{LONG_MESSAGE_LEN} 字节 0123456789 循环"
    ))?;
    say(&format!("一共 send 了 {sends} 次，{total} 字节"))?;

    // 4. shutdown 发送方向，告诉服务端"我发完了"：它的 recv 会读到 0 字节。
    //    接收的一半还开着，等一会儿还要收回复。Python 里是 sk.shutdown(socket.SHUT_WR)。
    conn.shutdown(Shutdown::Write)?;

    // 5. 收回复，一直读到服务端关闭连接：这句回复的边界就是"连接关闭"。
    //    take 限定最多收 1024 字节，对方发得再多也不会占满内存。
    conn.set_read_timeout(Some(TIMEOUT))?;
    let mut reply = Vec::new();
    (&mut conn)
        .take(BUFFER_SIZE as u64)
        .read_to_end(&mut reply)
        .map_err(|e| reply_failure(addr, &e))?;
    if reply.is_empty() {
        return Err(Failure(format!("服务端 {addr} 没有回复就关闭了连接。")));
    }
    // 6. print：回复来自网络，先变成可以放心打印的文本。
    say(&format!("服务端回复：{}", printable(&reply)))?;

    // 7. close：conn 离开作用域时 Rust 自动关闭它。
    Ok(())
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match talk(&addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 程序停下的原因：一句给人看的中文，main 把它打印出来、以退出码 1 结束。
struct Failure(String);

/// 学生的操作几乎不会引起的系统错误（设置超时、shutdown 失败……）：带上系统的原话就够了。
/// 有了它，流程里这些调用只要写一个 `?`。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("系统报告了一个意外的错误，程序停止：{e}"))
    }
}

/// 程序的名字：用户实际运行的那个文件名（复制到自己的项目里，就是那个项目的名字）。
fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|arg0| Some(Path::new(&arg0).file_stem()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "sticky_client".to_string())
}

fn usage() -> String {
    format!(
        "用法：{} [服务端地址]    例如 127.0.0.1:8899（默认）、localhost:8899、[::1]:8899",
        program_name()
    )
}

/// 读第一个参数作为服务端地址（没有参数就用默认地址），确认它是"主机:端口"、主机名查得到。
/// 出错时返回要打印的话（退出码 2）。
fn address_from_args() -> Result<String, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err(format!("参数太多了：只需要一个服务端地址。\n{}", usage())),
    };
    if text == "-h" || text == "--help" {
        // stdout 已经关掉时也不 panic：帮助没打印出来，退出码照样是 0。
        let _ = writeln!(io::stdout(), "{}", usage());
        std::process::exit(0);
    }
    check_address(text)?;
    Ok(text.to_string())
}

/// 像 Python 一样接受 127.0.0.1:8899、localhost:8899、[::1]:8899；写错的格式和查不到的主机名各有一句说明。
fn check_address(text: &str) -> Result<(), String> {
    if text.parse::<SocketAddr>().is_ok() {
        return Ok(());
    }
    let wrong_form = || {
        format!(
            "参数错误：「{text}」不是 主机:端口 形式的地址，比如 127.0.0.1:8899、localhost:8899 或 [::1]:8899\
             （IPv6 地址要放在方括号里）。\n{}",
            usage()
        )
    };
    let (host, port) = text.rsplit_once(':').ok_or_else(wrong_form)?;
    let bare_ipv6 = host.contains(':') && !(host.starts_with('[') && host.ends_with(']'));
    if host.is_empty() || bare_ipv6 || port.parse::<u16>().is_err() {
        return Err(wrong_form());
    }
    match text.to_socket_addrs() {
        Ok(found) if found.len() > 0 => Ok(()),
        _ => Err(format!(
            "无法解析地址「{text}」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8899。"
        )),
    }
}

/// 像 `TcpStream::connect(addr)` 一样，挨个试主机名对应的每个地址（localhost 可能既有 ::1 又有 127.0.0.1），
/// 只是每个最多等 TIMEOUT：对方的机器不回应时，系统自己要等一两分钟才放弃。
fn connect_timeout_each(addr: &str) -> io::Result<TcpStream> {
    let mut last_error = io::Error::new(ErrorKind::NotFound, "找不到这个主机名");
    for target in addr.to_socket_addrs()? {
        match TcpStream::connect_timeout(&target, TIMEOUT) {
            Ok(conn) => return Ok(conn),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

/// 把 connect 失败的原因翻译成学生能照着做的一句话。
fn connect_failure(addr: &str, e: &io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::ConnectionRefused => format!(
            "连接失败：{addr} 上没有服务端在监听。请先在另一个终端启动服务端（sticky_server），再运行客户端。（{e}）"
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => format!(
            "连接 {addr} 超时：{} 秒内没有任何回应，请检查地址和端口是否写对。",
            TIMEOUT.as_secs()
        ),
        _ => format!("连接 {addr} 失败：{e}"),
    })
}

fn send_failure(e: io::Error) -> Failure {
    Failure(format!("发送失败（服务端可能已经断开）：{e}"))
}

fn reply_failure(addr: &str, e: &io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，服务端 {addr} 还是没有回复完，客户端放弃。",
            TIMEOUT.as_secs()
        ),
        _ => format!("读取服务端的回复失败：{e}"),
    })
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `sticky_client | head -1`），
/// println! 会 panic；这里把它变成一个普通的失败，和别的失败一样用一句中文报告、以退出码 1 结束。
fn say(line: &str) -> Result<(), Failure> {
    writeln!(io::stdout(), "{line}").map_err(|e| {
        Failure(format!(
            "输出写不出去了（接收输出的程序可能已经退出），程序停止。（{e}）"
        ))
    })
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
