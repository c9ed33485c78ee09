//! udp_client：课程里第一个 UDP 客户端。
//!
//! 和课程的 Python 版做同样的事：给 127.0.0.1:9000 发一个数据报 `hello`，收回复（最多 1024 字节），
//! 打印回复的内容和它来自哪个地址，然后退出。
//!
//! 试一试（在本仓库里；UDP 没有连接，但总得有人在那个端口上收，才会有回复）：
//!   终端 1：cargo run -p udp_server
//!           或者用 nc 当服务端：nc -u -l 127.0.0.1 9000，看到 hello 后输入 hi 再回车
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u -l 127.0.0.1 9000）
//!   终端 2：cargo run -p udp_client
//! 换个地址：cargo run -p udp_client -- 127.0.0.1:54321    （也可以是 localhost:9000 或 [::1]:9000）
//!
//! 放进自己的项目：cargo new my_client，把本文件复制成 my_client/src/main.rs（不需要 cargo add 任何依赖），
//! 在 my_client 目录里运行 cargo run，或者 cargo run -- 127.0.0.1:54321。
//!
//! 退出码：0 收到了回复；1 没有人接收、5 秒内没有回复或收发出错；2 参数写错了。

use std::fmt::Display;
use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// 课程里服务端的地址。
const DEFAULT_ADDR: &str = "127.0.0.1:9000";
/// 一次最多收多少字节，对应 Python 的 `udp_sk.recvfrom(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 等回复最多等多久。本机上的服务端几毫秒就会回答，5 秒足够说明"这次等不到了"。
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// 课程的流程：寄出 hello，收回复，打印回复和它的来处。
fn talk(server: SocketAddr) -> Result<(), Failure> {
    // 1. 创建 UDP 套接字。Python 在第一次 sendto 时悄悄替我们 bind，Rust 要自己写出来：
    // 端口 0 让系统挑一个空闲端口，IP 用"未指定地址"（见 any_local_port）。
    let socket = UdpSocket::bind(any_local_port(server))?;
    // 课程里没有这一步：UDP 的 connect 不往网络上发任何东西，只让内核记住"对方是谁"。这样那个端口上
    // 没人接收时，对方系统回的"端口不可达"才会交给我们，而不是让客户端干等（课程的 Python 版会永远卡住）；
    // 顺带一个好处：之后只有来自服务端地址的数据报才会交给这个套接字。
    socket.connect(server)?;

    // 2. sendto：connect 过了，所以用 send，不必每次写地址。一个数据报要么整个发出，要么不发。
    socket
        .send(b"hello")
        .map_err(|e| exchange_failure(server, e))?;
    let me = socket.local_addr()?;
    say(format!("已从 {me} 向 {server} 发送 hello，等待回复……"))?;

    // 3. recvfrom：UDP 不保证送达，回复可能永远不来，所以给等待设个期限。
    // 回复比 1024 字节长时，多出来的部分被内核丢掉，和 Python 的 recvfrom(1024) 一样。
    socket.set_read_timeout(Some(REPLY_TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let (n, sender) = socket
        .recv_from(&mut buffer)
        .map_err(|e| exchange_failure(server, e))?;

    // 4. print：回复和它的来处。回复来自网络，先变成可以放心打印的文本。
    let reply = printable(&buffer[..n]);
    say(format!("收到来自 {sender} 的回复：{reply}"))?;

    // 5. close：socket 离开作用域时 Rust 自动关闭它。
    Ok(())
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let server = match address_from_args() {
        Ok(server) => server,
        Err(message) => {
            eprintln!("{message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match talk(server) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 程序失败时要告诉用户的那一句话。
struct Failure(String);

/// 学生一般碰不到的系统错误（创建套接字失败之类）：照样是一句话，让 `?` 直接可用。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("网络操作失败：{e}"))
    }
}

fn usage() -> String {
    format!(
        "用法：{} [服务端地址]    例如 127.0.0.1:9000（默认）、localhost:9000、[::1]:9000",
        program_name()
    )
}

/// 用户运行的程序叫什么（可执行文件名，不带 .exe），用在"用法"里。
fn program_name() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .and_then(|path| Path::new(path).file_stem())
        .map_or("udp_client".into(), |stem| {
            stem.to_string_lossy().into_owned()
        })
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
        println!("{}", usage());
        std::process::exit(0);
    }
    resolve(text)
}

/// 把 `主机:端口` 变成一个套接字地址。主机可以是 IP，也可以是 localhost 这样的名字（和 Python 一样）；
/// IPv6 地址要写在方括号里。一个名字同时对应 IPv4 和 IPv6 地址时先用 IPv4，和 Python 默认的 AF_INET 套接字一样，
/// 这样服务端和客户端写同一个 localhost:9000，用的也是同一个地址。
fn resolve(text: &str) -> Result<SocketAddr, String> {
    let malformed = || {
        format!(
            "参数错误：「{text}」不是 主机:端口 形式的地址，比如 127.0.0.1:9000、localhost:9000 或 [::1]:9000。"
        )
    };
    let (host, port) = text.rsplit_once(':').ok_or_else(malformed)?;
    let bracketed = host.starts_with('[') && host.ends_with(']');
    if host.is_empty() || (host.contains(':') && !bracketed) || port.parse::<u16>().is_err() {
        return Err(malformed());
    }
    let unknown = || {
        format!(
            "无法解析地址「{text}」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:9000。"
        )
    };
    let mut found: Vec<SocketAddr> = text.to_socket_addrs().map_err(|_| unknown())?.collect();
    found.sort_by_key(SocketAddr::is_ipv6);
    found.first().copied().ok_or_else(unknown)
}

/// 客户端自己这一头的地址：端口 0，由系统挑一个空闲端口；IP 用"未指定地址"，由系统按路线挑出发地址
/// （发往 127.0.0.1 就用 127.0.0.1），换成别的机器上的服务端也照样能用。
/// 地址族必须和服务端相同：IPv4 的套接字发不到 IPv6 的地址，反过来也一样。
fn any_local_port(server: SocketAddr) -> SocketAddr {
    if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    }
}

/// 把收发失败的原因翻译成学生能照着做的一句话。
fn exchange_failure(server: SocketAddr, e: io::Error) -> Failure {
    Failure(match e.kind() {
        // Linux、macOS 报 ConnectionRefused；Windows 把同一件事报成 ConnectionReset。
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => format!(
            "{server} 上没有程序在接收 UDP 数据报（对方系统回答\"端口不可达\"）。\
             请先在另一个终端启动 UDP 服务端（比如课程的 udp_server），再运行客户端。（{e}）"
        ),
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，{server} 没有回复，客户端放弃：UDP 不保证送达，数据报可能丢了，\
             也可能服务端正忙或者没有运行。",
            REPLY_TIMEOUT.as_secs()
        ),
        // Windows 的 WSAEMSGSIZE（10040）：回复比缓冲区长，Windows 不截断，而是让这次接收报错。
        _ if e.raw_os_error() == Some(10040) => format!(
            "服务端的回复超过了 {BUFFER_SIZE} 字节，Windows 不会像 Linux、macOS 那样截断，\
             而是把它当作错误整个丢掉了。（{e}）"
        ),
        _ => format!("和 {server} 收发数据报失败：{e}"),
    })
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `udp_client | head -1`），
/// println! 会 panic；这里把它变成一个普通的失败，和别的失败一样用一句中文报告、以退出码 1 结束。
fn say(line: impl Display) -> Result<(), Failure> {
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
