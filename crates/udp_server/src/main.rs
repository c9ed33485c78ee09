//! udp_server：课程里第一个 UDP 服务端。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:9000 上绑定一个 UDP 套接字，等第一个数据报
//! （最多收 1024 字节），打印它来自哪里、内容是什么，给那个地址回一个 `hi`，然后退出。
//! UDP 没有连接：不用 listen，也没有 accept，谁往这个端口发数据报，谁就是"客户端"。
//!
//! 试一试：
//!   终端 1：cargo run -p udp_server
//!   终端 2：cargo run -p udp_client
//!   也可以用 nc 当客户端：echo hello | nc -u -w1 127.0.0.1 9000   （会收到 hi）
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后运行 ncat -u 127.0.0.1 9000，
//!   输入 hello 回车，看到 hi 后按 Ctrl-C）
//!
//! 换个地址：cargo run -p udp_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口）
//! 放进自己的项目：cargo new my_server，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 收到一个数据报并回了 hi；1 运行中出错（端口被占用……）；2 参数写错了。

use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;

/// 课程用的地址：本机回环地址 127.0.0.1，端口 9000。
const DEFAULT_ADDR: &str = "127.0.0.1:9000";
/// 一次最多收多少字节，对应 Python 的 `udp_sk.recvfrom(1024)`。
const BUFFER_SIZE: usize = 1024;
const USAGE: &str =
    "用法：udp_server [绑定地址]    例如 127.0.0.1:9000（默认）、127.0.0.1:0、[::1]:9000";

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match serve(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(addr: SocketAddr) -> Result<(), String> {
    // 第 1、2 步：创建 UDP 套接字并 bind。UdpSocket::bind 一步做完。
    // 没有 listen 和 accept：UDP 不建立连接，绑定好端口，数据报就能直接进来。
    let socket = UdpSocket::bind(addr).map_err(|e| bind_failure(addr, &e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    let bound = socket
        .local_addr()
        .map_err(|e| format!("查询绑定地址失败：{e}"))?;
    say(&format!("udp_server 正在等待数据报，地址 {bound}"))?;

    // 第 3 步：recvfrom。一直等到第一个数据报到来，和课程一样不设期限：这是服务端，等客人是它的本职。
    // 一个数据报比缓冲区长时，多出来的部分被内核悄悄丢掉，再也读不到（Python 的 recvfrom(1024) 也一样）；
    // 这和 TCP 不同，TCP 没读完的字节还留在内核里等下一次 read。
    let mut buffer = [0u8; BUFFER_SIZE];
    let (received, peer) = loop {
        match socket.recv_from(&mut buffer) {
            Ok((n, peer)) => break (&buffer[..n], peer),
            // Windows 上，之前发出的数据报换回一个 ICMP"端口不可达"时，下一次 recv_from 会报这个错。
            // 它说的是过去某次发送的结局，不影响继续收，所以说明一句，接着等。
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                eprintln!("之前发出的数据报没有送到（对方端口不可达），继续等待数据报。（{e}）");
            }
            // Windows 不悄悄截断超长的数据报，而是报 WSAEMSGSIZE（10040），发送者地址也随之丢失，
            // 没法回信。这是对方发来的东西造成的，服务端不该因此退出，所以说明一句，接着等。
            Err(e) if e.raw_os_error() == Some(10040) => {
                eprintln!(
                    "收到一个超过 {BUFFER_SIZE} 字节的数据报，Windows 把它当作错误丢弃了，继续等待数据报。（{e}）"
                );
            }
            Err(e) => return Err(format!("接收数据报失败：{e}")),
        }
    };

    // 第 4 步：打印。addr 告诉我们是谁发的——没有连接，回信只能靠这个地址。
    // 对方发来的可能不是 UTF-8，也可能夹着控制字符，所以先变成安全的文本。
    if received.is_empty() {
        // UDP 里 0 字节的数据报也是一条真正的消息（TCP 读到 0 才表示对方关闭了连接），照样回答。
        say(&format!(
            "收到来自 {peer} 的空数据报（0 字节）。UDP 里这也是一条消息，照样回复。"
        ))?;
    } else {
        say(&format!(
            "收到来自 {peer} 的 {} 字节：{}",
            received.len(),
            printable(received)
        ))?;
    }

    // 第 5 步：sendto。每次发送都要写明目的地址，因为套接字并没有和谁"连"在一起。
    socket
        .send_to(b"hi", peer)
        .map_err(|e| format!("向 {peer} 发送 hi 失败：{e}"))?;
    say(&format!("已回复 hi 给 {peer}。"))?;

    // 第 6 步：close。socket 在这里离开作用域，Rust 自动关闭它。
    Ok(())
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
        println!("{USAGE}");
        std::process::exit(0);
    }
    text.parse().map_err(|_| {
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:9000 或 [::1]:9000。")
    })
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着；课程里的 time_server 默认也用 9000 端口）。\
             先关掉它，或者换个端口：cargo run -p udp_server -- 127.0.0.1:0（{e}）"
        ),
        ErrorKind::PermissionDenied => {
            format!(
                "没有权限绑定 {addr}：Linux 上 1024 以下的端口需要管理员权限；\
                 Windows 上多半是这个端口被系统保留了（netsh interface ipv4 show excludedportrange protocol=udp 能列出保留的端口）。\
                 请换一个端口，比如用 127.0.0.1:0 让系统挑一个（{e}）"
            )
        }
        ErrorKind::AddrNotAvailable => format!(
            "无法绑定 {addr}：这台机器上没有这个 IP，服务端只能绑定本机的地址，比如 127.0.0.1（{e}）"
        ),
        _ => format!("无法绑定 {addr}：{e}"),
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p udp_server | head -1`），
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
