//! udp_client：课程里第一个 UDP 客户端。
//!
//! 和课程的 Python 版做同样的事：给 127.0.0.1:9000 发一个数据报 `hello`，收回复（最多 1024 字节），
//! 打印回复的内容和它来自哪个地址，然后退出。
//!
//! 试一试（UDP 没有连接，但总得有人在那个端口上收，才会有回复）：
//!   终端 1：cargo run -p udp_server
//!           或者用 nc 当服务端：nc -u -l 127.0.0.1 9000，看到 hello 后输入 hi 再回车
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u -l 127.0.0.1 9000）
//!   终端 2：cargo run -p udp_client
//!
//! 换个地址：cargo run -p udp_client -- 127.0.0.1:54321    （也可以是 [::1]:9000）
//! 放进自己的项目：cargo new my_client，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 收到了回复；1 没有人接收、5 秒内没有回复或收发出错；2 参数写错了。

use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

/// 课程里服务端的地址。
const DEFAULT_ADDR: &str = "127.0.0.1:9000";
/// 一次最多收多少字节，对应 Python 的 `udp_sk.recvfrom(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 等回复最多等多久。本机上的服务端几毫秒就会回答，5 秒足够说明"这次等不到了"。
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
const USAGE: &str = "用法：udp_client [服务端地址]    例如 127.0.0.1:9000（默认）、[::1]:9000";

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
    // 第 1 步：创建 UDP 套接字。Python 在第一次 sendto 时悄悄替我们 bind，Rust 要自己写出来：
    // 端口写 0，由系统挑一个空闲端口；IP 用"未指定地址"，由系统按路线挑出发地址
    // （发往 127.0.0.1 就用 127.0.0.1），这样换成别的机器上的服务端也照样能用。
    // 地址族必须和服务端相同：IPv4 的套接字发不到 IPv6 的地址，反过来也一样。
    let local: SocketAddr = if addr.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("无法创建 UDP 套接字：{e}"))?;

    // 课程里没有这一步：UDP 的 connect 不往网络上发任何东西，只是让内核记住"对方是谁"。
    // 这样，要是那个端口上没有人接收，对方系统回的 ICMP"端口不可达"就会变成 ConnectionRefused
    // 交给我们；不 connect 的话这个消息被丢掉，客户端只能干等（课程的 Python 版在这里会永远卡住）。
    // 顺带一个好处：之后只有来自服务端地址的数据报才会交给这个套接字。
    socket
        .connect(addr)
        .map_err(|e| format!("无法把 UDP 套接字指向 {addr}：{e}"))?;
    let from_addr = socket
        .local_addr()
        .map_err(|e| format!("查询本机地址失败：{e}"))?;

    // 第 2 步：sendto。已经 connect 过，所以用 send，不必每次写地址。一个数据报要么整个发出，要么不发。
    socket
        .send(b"hello")
        .map_err(|e| exchange_failure(addr, &e))?;
    say(&format!(
        "已从 {from_addr} 向 {addr} 发送 hello，等待回复……"
    ))?;

    // 第 3 步：recvfrom。UDP 不保证送达，回复可能永远不来，所以给等待设个期限。
    // 回复比 1024 字节长时，多出来的部分被内核丢掉，和 Python 的 recvfrom(1024) 一样。
    socket
        .set_read_timeout(Some(REPLY_TIMEOUT))
        .map_err(|e| format!("设置读超时失败：{e}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let (n, sender) = socket
        .recv_from(&mut buffer)
        .map_err(|e| exchange_failure(addr, &e))?;

    // 第 4 步：打印回复和它的来处。回复来自网络，先变成可以放心打印的文本。
    say(&format!(
        "收到来自 {sender} 的回复：{}",
        printable(&buffer[..n])
    ))?;

    // 第 5 步：close。socket 离开作用域时 Rust 自动关闭它。
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
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:9000 或 [::1]:9000。")
    })
}

/// 把收发失败的原因翻译成学生能照着做的一句话。
fn exchange_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        // Linux、macOS 报 ConnectionRefused；Windows 把同一件事报成 ConnectionReset。
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => format!(
            "{addr} 上没有程序在接收 UDP 数据报（对方系统回答\"端口不可达\"）。\
             请先在另一个终端运行 cargo run -p udp_server。（{e}）"
        ),
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，{addr} 没有回复，客户端放弃：UDP 不保证送达，数据报可能丢了，\
             也可能服务端正忙或者没有运行。",
            REPLY_TIMEOUT.as_secs()
        ),
        _ => format!("和 {addr} 收发数据报失败：{e}"),
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p udp_client | head -1`），
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
