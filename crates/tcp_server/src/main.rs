//! tcp_server：课程里的第一个 TCP 服务端。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:8898 上监听，等一个客户端连上来，
//! 收一条消息（最多 1024 字节）并打印，回一句 `hi`，关掉连接后退出。
//!
//! 试一试：
//!   终端 1：cargo run -p tcp_server
//!   终端 2：cargo run -p tcp_client
//!   也可以用 nc 当客户端：nc 127.0.0.1 8898，输入 hello! 再回车
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat 127.0.0.1 8898）
//!
//! 换个地址：cargo run -p tcp_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口）
//! 放进自己的项目：cargo new my_server，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 正常结束；1 运行中出错（端口被占用、客户端一直不说话……）；2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;
use std::time::Duration;

/// 课程用的地址：本机回环地址 127.0.0.1，端口 8898。
const DEFAULT_ADDR: &str = "127.0.0.1:8898";
/// 一次最多收多少字节，对应 Python 的 `conn.recv(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 客户端连上以后最多等它多久：够在 nc 里慢慢敲一行字，又不会让服务端永远卡住。
const READ_TIMEOUT: Duration = Duration::from_secs(30);
const USAGE: &str =
    "用法：tcp_server [监听地址]    例如 127.0.0.1:8898（默认）、127.0.0.1:0、[::1]:8898";

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
    // 第 1～3 步：创建套接字、bind、listen。Python 分三步写，Rust 的 TcpListener::bind 一步做完。
    let listener = TcpListener::bind(addr).map_err(|e| bind_failure(addr, &e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    let bound = listener
        .local_addr()
        .map_err(|e| format!("查询监听地址失败：{e}"))?;
    say(&format!("tcp_server 正在监听 {bound}"))?;

    // 第 4 步：accept 一直等到有客户端连上来——这就是"先启动服务端，再启动客户端"的原因。
    let (mut conn, peer) = listener
        .accept()
        .map_err(|e| format!("接受连接失败：{e}"))?;
    say(&format!("客户端 {peer} 连上了"))?;

    // 第 5 步：recv。最多读 1024 字节；多出来的留在内核里，这个程序不再读它。
    conn.set_read_timeout(Some(READ_TIMEOUT))
        .map_err(|e| format!("设置读超时失败：{e}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let received = match conn.read(&mut buffer) {
        // 读到 0 字节表示对方已经关闭了连接，不是"收到一条空消息"。
        Ok(0) => {
            say("客户端没有发送任何数据就关闭了连接。")?;
            return Ok(());
        }
        Ok(n) => &buffer[..n],
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            return Err(format!(
                "客户端 {peer} 连上后 {} 秒没有发来任何数据，服务端断开连接并退出。",
                READ_TIMEOUT.as_secs()
            ));
        }
        Err(e) => return Err(format!("从客户端 {peer} 读取数据失败：{e}")),
    };
    // 第 6 步：打印。对方发来的可能不是 UTF-8，也可能夹着控制字符，所以先变成安全的文本。
    say(&format!(
        "收到 {} 字节：{}",
        received.len(),
        printable(received)
    ))?;

    // 第 7 步：send。write_all 保证两个字节都交给了内核（Python 的 send 可能只发出一部分）。
    conn.write_all(b"hi")
        .map_err(|e| format!("向客户端 {peer} 发送 hi 失败（对方可能已经断开）：{e}"))?;
    say("已回复 hi，关闭连接。")?;

    // 第 8、9 步：close。conn 和 listener 在这里离开作用域，Rust 自动关闭它们。
    Ok(())
}

/// 读第一个参数作为监听地址；没有参数就用课程的地址。
fn address_from_args() -> Result<SocketAddr, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err("参数太多了：只需要一个监听地址。".to_string()),
    };
    if text == "-h" || text == "--help" {
        println!("{USAGE}");
        std::process::exit(0);
    }
    text.parse().map_err(|_| {
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:8898 或 [::1]:8898。")
    })
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着）。\
             先关掉它，或者换个端口：cargo run -p tcp_server -- 127.0.0.1:0（{e}）"
        ),
        ErrorKind::PermissionDenied => {
            format!(
                "没有权限绑定 {addr}：Linux 上 1024 以下的端口需要管理员权限；\
                 Windows 上多半是这个端口被系统保留了（netsh interface ipv4 show excludedportrange protocol=tcp 能列出保留的端口）。\
                 请换一个端口，比如用 127.0.0.1:0 让系统挑一个（{e}）"
            )
        }
        ErrorKind::AddrNotAvailable => format!(
            "无法绑定 {addr}：这台机器上没有这个 IP，服务端只能绑定本机的地址，比如 127.0.0.1（{e}）"
        ),
        _ => format!("无法在 {addr} 上监听：{e}"),
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p tcp_server | head -1`），
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
