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
//! 换个地址：cargo run -p framed_client -- 127.0.0.1:54321    （localhost:8900、[::1]:8900 也行）
//! 放进自己的项目：cargo new my_framed_client，把本文件复制成 my_framed_client/src/main.rs
//! （不需要 cargo add 任何依赖），先启动服务端，再在 my_framed_client 目录里运行
//! cargo run -- 127.0.0.1:8900（地址换成服务端打印的那个）。
//!
//! 退出码：0 全部发出并收到了服务端的回复；1 连不上、发送失败、没等到回复或回复的报头不合规矩；
//!         2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
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

/// 课程的流程：connect，每条消息发"报头 + 正文"，shutdown 说"发完了"，按同样的格式收回复，close。
fn talk(addr: &str) -> Result<(), Failure> {
    // 1. connect：三次握手。connect_timeout_each 和 TcpStream::connect 一样挨个试主机名对应的地址，
    //    只是每个最多等 5 秒，不会一直卡住。
    let mut conn = connect_timeout_each(addr).map_err(|e| connect_failure(addr, &e))?;
    say(&format!("已连接到 {}", conn.peer_addr()?))?;

    let long_message: Vec<u8> = (b'0'..=b'9').cycle().take(LONG_MESSAGE_LEN).collect();
    let mut messages: Vec<&[u8]> = SHORT_MESSAGES.iter().map(|m| m.as_bytes()).collect();
    messages.push(&long_message);
    for (index, body) in messages.iter().enumerate() {
        // 2. 报头：正文长度写成 4 字节大端，放在正文前面。
        let framed = frame(body);
        // 3. send：TCP 照样会把这些字节黏在一起、拆开，但接收方先读 4 字节就知道这条有多长，
        //    边界由报头带着走，不再指望 TCP 记住。
        conn.write_all(&framed).map_err(send_failure)?;
        say(&format!(
            "第 {} 条消息：报头 {}，正文 {} 字节 {}",
            index + 1,
            hex(&framed[..HEADER_LEN]),
            body.len(),
            shortened(body)
        ))?;
    }

    // 4. shutdown 发送方向，告诉服务端"消息发完了"：它读下一个报头时会读到 0 字节。
    //    接收的一半还开着，等一会儿还要收回复。Python 里是 sk.shutdown(socket.SHUT_WR)。
    conn.shutdown(Shutdown::Write)?;

    // 5. 收回复，和服务端收消息的办法一样：先读满报头……
    conn.set_read_timeout(Some(TIMEOUT))?;
    let mut header = [0u8; HEADER_LEN];
    conn.read_exact(&mut header)
        .map_err(|e| header_failure(addr, &e))?;
    // 6. ……还原长度（大端，Python 里是 struct.unpack('!I', header)）……
    let length = u32::from_be_bytes(header) as usize;
    // 7. ……核对长度：服务端说的长度同样不可轻信，先核对，再分配内存……
    if length > MAX_FRAME {
        return Err(too_long(length));
    }
    // 8. ……再读满正文。
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body)
        .map_err(|e| body_failure(addr, length, &e))?;
    // 回复来自网络，先变成可以放心打印的文本。
    say(&format!(
        "服务端回复（{length} 字节）：{}",
        shortened(&body)
    ))?;

    // 9. close：conn 离开作用域时 Rust 自动关闭它。
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
        .unwrap_or_else(|| "framed_client".to_string())
}

fn usage() -> String {
    format!(
        "用法：{} [服务端地址]    例如 127.0.0.1:8900（默认）、localhost:8900、[::1]:8900",
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

/// 像 Python 一样接受 127.0.0.1:8900、localhost:8900、[::1]:8900；写错的格式和查不到的主机名各有一句说明。
fn check_address(text: &str) -> Result<(), String> {
    if text.parse::<SocketAddr>().is_ok() {
        return Ok(());
    }
    let wrong_form = || {
        format!(
            "参数错误：「{text}」不是 主机:端口 形式的地址，比如 127.0.0.1:8900、localhost:8900 或 [::1]:8900\
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
            "无法解析地址「{text}」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8900。"
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
            "连接失败：{addr} 上没有服务端在监听。请先在另一个终端启动服务端（framed_server），再运行客户端。（{e}）"
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

fn read_failure(addr: &str, e: &io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，服务端 {addr} 还是没有回复完，客户端放弃。",
            TIMEOUT.as_secs()
        ),
        _ => format!("读取服务端的回复失败：{e}"),
    })
}

fn header_failure(addr: &str, e: &io::Error) -> Failure {
    if e.kind() == ErrorKind::UnexpectedEof {
        Failure(format!(
            "服务端 {addr} 没有回复（或者回复的报头不满 4 字节）就关闭了连接。"
        ))
    } else {
        read_failure(addr, e)
    }
}

fn too_long(length: usize) -> Failure {
    Failure(format!(
        "服务端回复的报头说正文有 {length} 字节，超过上限 {MAX_FRAME} 字节，\
         客户端不为它分配内存，断开连接。"
    ))
}

fn body_failure(addr: &str, length: usize, e: &io::Error) -> Failure {
    if e.kind() == ErrorKind::UnexpectedEof {
        Failure(format!(
            "服务端的回复不完整：报头说正文有 {length} 字节，还没收齐服务端就关闭了连接。"
        ))
    } else {
        read_failure(addr, e)
    }
}

/// 报头的 4 个字节写成十六进制，比如 `00 00 0b b8`（3000），和 od、Wireshark 里看到的一样。
fn hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    pairs.join(" ")
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

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `framed_client | head -1`），
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
