//! udp_server：课程里第一个 UDP 服务端。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:9000 上绑定一个 UDP 套接字，等第一个数据报
//! （最多收 1024 字节），打印它来自哪里、内容是什么，给那个地址回一个 `hi`，然后退出。
//! UDP 没有连接：不用 listen，也没有 accept，谁往这个端口发数据报，谁就是"客户端"。
//!
//! 试一试（在本仓库里）：
//!   终端 1：cargo run -p udp_server
//!   终端 2：cargo run -p udp_client
//!   也可以用 nc 当客户端：echo hello | nc -u -w1 127.0.0.1 9000   （会收到 hi）
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后运行 ncat -u 127.0.0.1 9000，
//!   输入 hello 回车，看到 hi 后按 Ctrl-C）
//! 换个地址：cargo run -p udp_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口；也可以写 localhost:9000）
//!
//! 放进自己的项目：cargo new my_server，把本文件复制成 my_server/src/main.rs（不需要 cargo add 任何依赖），
//! 在 my_server 目录里运行 cargo run，或者 cargo run -- 127.0.0.1:0。
//!
//! 退出码：0 收到一个数据报并回了 hi；1 运行中出错（端口被占用……）；2 参数写错了。

use std::fmt::Display;
use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::process::ExitCode;

/// 课程用的地址：本机回环地址 127.0.0.1，端口 9000。
const DEFAULT_ADDR: &str = "127.0.0.1:9000";
/// 一次最多收多少字节，对应 Python 的 `udp_sk.recvfrom(1024)`。
const BUFFER_SIZE: usize = 1024;

/// 课程的流程：bind，收一个数据报，打印，回 hi。
fn serve(addr: SocketAddr) -> Result<(), Failure> {
    // 1、2. 创建 UDP 套接字并 bind，UdpSocket::bind 一步做完。没有 listen 和 accept：
    // UDP 不建立连接，绑定好端口，数据报就能直接进来。
    let socket = UdpSocket::bind(addr).map_err(|e| bind_failure(addr, e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    let bound = socket.local_addr()?;
    say(format!("udp_server 正在等待数据报，地址 {bound}"))?;

    // 3. recvfrom：一直等到第一个数据报，和课程一样不设期限，等客人是服务端的本职。
    // 数据报比缓冲区长时，多出来的部分被内核丢掉，再也读不到（Python 的 recvfrom(1024) 也一样）。
    let mut buffer = [0u8; BUFFER_SIZE];
    let (n, peer) = past_windows_hiccups(|| socket.recv_from(&mut buffer))?;

    // 4. print：peer 就是寄件人，没有连接，回信只能靠这个地址。内容来自网络，先变成安全的文本。
    if n == 0 {
        // UDP 里 0 字节的数据报也是一条真正的消息（TCP 读到 0 才表示对方关闭了连接）。
        say(format!(
            "收到来自 {peer} 的空数据报（0 字节）。UDP 里这也是一条消息，照样回复。"
        ))?;
    } else {
        say(format!(
            "收到来自 {peer} 的 {n} 字节：{}",
            printable(&buffer[..n])
        ))?;
    }

    // 5. sendto：套接字没有和谁"连"在一起，所以每次发送都要写明目的地址。
    socket.send_to(b"hi", peer)?;
    say(format!("已回复 hi 给 {peer}。"))?;

    // 6. close：socket 在这里离开作用域，Rust 自动关闭它。
    Ok(())
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match serve(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 程序失败时要告诉用户的那一句话。
struct Failure(String);

/// 学生一般碰不到的系统错误（查询地址失败之类）：照样是一句话，让 `?` 直接可用。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("网络操作失败：{e}"))
    }
}

fn usage() -> String {
    format!(
        "用法：{} [绑定地址]    例如 127.0.0.1:9000（默认）、127.0.0.1:0、localhost:9000、[::1]:9000",
        program_name()
    )
}

/// 用户运行的程序叫什么（可执行文件名，不带 .exe），用在"用法"里。
fn program_name() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .and_then(|path| Path::new(path).file_stem())
        .map_or("udp_server".into(), |stem| {
            stem.to_string_lossy().into_owned()
        })
}

/// 读第一个参数作为绑定地址；没有参数就用课程的地址。
fn address_from_args() -> Result<SocketAddr, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err("参数太多了：只需要一个绑定地址。".to_string()),
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

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着；课程里的时间服务器默认也用 9000 端口）。\
             先关掉它，或者在运行命令的末尾加上地址参数 127.0.0.1:0，让系统挑一个空闲端口。（{e}）"
        ),
        ErrorKind::PermissionDenied => format!(
            "没有权限绑定 {addr}：Linux 上 1024 以下的端口需要管理员权限；\
             Windows 上多半是这个端口被系统保留了（netsh interface ipv4 show excludedportrange protocol=udp 能列出保留的端口）。\
             请换一个端口，比如用 127.0.0.1:0 让系统挑一个。（{e}）"
        ),
        ErrorKind::AddrNotAvailable => format!(
            "无法绑定 {addr}：这台机器上没有这个 IP，服务端只能绑定本机的地址，比如 127.0.0.1。（{e}）"
        ),
        _ => format!("无法绑定 {addr}：{e}"),
    })
}

/// 收数据报，跳过 Windows 上两种不该让服务端退出的错误，说明一句后接着等：
/// - ConnectionReset：之前发出的数据报换回一个 ICMP"端口不可达"，说的是过去某次发送的结局；
/// - WSAEMSGSIZE（10040）：Windows 不悄悄截断超长的数据报，而是报这个错，寄件人的地址也随之丢失，没法回信。
fn past_windows_hiccups<T>(mut receive: impl FnMut() -> io::Result<T>) -> Result<T, Failure> {
    loop {
        match receive() {
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                eprintln!("之前发出的数据报没有送到（对方端口不可达），继续等待数据报。（{e}）");
            }
            Err(e) if e.raw_os_error() == Some(10040) => eprintln!(
                "收到一个超过 {BUFFER_SIZE} 字节的数据报，Windows 把它当作错误丢弃了，继续等待数据报。（{e}）"
            ),
            Err(e) => return Err(Failure(format!("接收数据报失败：{e}"))),
            Ok(received) => return Ok(received),
        }
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `udp_server | head -1`），
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
