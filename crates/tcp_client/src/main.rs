//! tcp_client：课程里的第一个 TCP 客户端。
//!
//! 和课程的 Python 版做同样的事：连接 127.0.0.1:8898，发送 `hello!`，
//! 收服务端的回复（最多 1024 字节）并打印，然后关闭连接。
//! 课程的步骤在最上面的 talk 里；分隔线以下是让程序更结实的辅助函数，初读可以跳过。
//!
//! 在本仓库里试一试（TCP 要先有服务端）：
//!   终端 1：cargo run -p tcp_server        （或者用 nc 当服务端：nc -l 127.0.0.1 8898）
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -l 127.0.0.1 8898）
//!   终端 2：cargo run -p tcp_client
//!   换个地址：cargo run -p tcp_client -- 127.0.0.1:54321    （也可以写 localhost:8898 或 [::1]:8898）
//!
//! 放进自己的项目：cargo new my_client，cd my_client，把本文件复制成 src/main.rs（不需要 cargo add 任何依赖），
//! 先在另一个终端启动一个服务端，再 cargo run -- 127.0.0.1:8898（换成服务端打印的地址）。
//!
//! 退出码：0 收到了回复；1 连不上、没有回复或连接出错；2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// 课程里服务端的地址。
const DEFAULT_ADDR: &str = "127.0.0.1:8898";
/// 一次最多收多少字节，对应 Python 的 `sk.recv(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 连接和等回复各最多等多久。本机上的服务端几毫秒就会回答，5 秒足够说明"它不会回答了"。
const TIMEOUT: Duration = Duration::from_secs(5);

fn talk(addr: &str) -> Result<(), Failure> {
    // 第 1、2 步：socket + connect，完成 TCP 的三次握手。设了期限，地址那头毫无回应也不会一直卡住。
    // localhost 这样的名字可能对应好几个地址（::1 和 127.0.0.1），挨个试，用第一个连得上的。
    let mut conn = try_each_address(addr, |server| TcpStream::connect_timeout(&server, TIMEOUT))
        .map_err(|e| connect_failure(addr, e))?;
    say(&format!("已连接到 {addr}"))?;

    // 第 3 步：send。write_all 保证整条消息都交给了内核。
    conn.write_all(b"hello!").map_err(send_failure)?;
    say("已发送 hello!")?;

    // 第 4 步：recv。服务端不回答的话，read 会一直等，所以先给它一个期限。
    conn.set_read_timeout(Some(TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = conn.read(&mut buffer).map_err(|e| read_failure(addr, e))?;
    if n == 0 {
        // 读到 0 字节表示服务端已经关闭了连接。
        return Err(Failure(format!("服务端 {addr} 没有回复就关闭了连接。")));
    }
    // 第 5 步：print。回复来自网络，先变成可以放心打印的文本。
    say(&format!("收到回复：{}", printable(&buffer[..n])))
    // 第 6 步：close。conn 离开作用域时 Rust 自动关闭它。
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(Failure(message)) => {
            eprintln!("{message}\n{}", usage());
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

/// 一次失败：一句给人看的中文，main 把它打印到 stderr。
struct Failure(String);

/// 学生的操作一般引不起的失败（比如设置读超时失败），用一句通用的话报告。
/// 有了它，流程里直接写 `?` 就行；学生可能引起的失败则在出错的地方用 map_err 说清楚。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("意外的系统错误：{e}"))
    }
}

/// 读第一个参数作为服务端地址；没有参数就用课程的地址。
fn address_from_args() -> Result<String, Failure> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err(Failure("参数太多了：只需要一个服务端地址。".to_string())),
    };
    if text == "-h" || text == "--help" {
        println!("{}", usage());
        std::process::exit(0);
    }
    check_address(text)?;
    Ok(text.to_string())
}

/// 像 Python 一样接受 127.0.0.1:8898、localhost:8898、[::1]:8898：先用标准库的 ToSocketAddrs 解析一遍，
/// 这样写法不对和主机名查不到，能在启动时各用一句话说清楚。
fn check_address(text: &str) -> Result<(), Failure> {
    let not_an_address = Failure(format!(
        "参数错误：「{text}」不是 主机:端口 形式的地址，比如 127.0.0.1:8898、localhost:8898 或 [::1]:8898。"
    ));
    // IPv6 地址本身带冒号，不加方括号就分不清哪里是端口（标准库会把 ::1:8898 读成 ::1 的 8898 端口）。
    if text.matches(':').count() > 1 && !text.starts_with('[') {
        return Err(not_an_address);
    }
    match text.to_socket_addrs().map(|mut addrs| addrs.next()) {
        Ok(Some(_)) => Ok(()),
        // 缺端口、端口不是 0～65535 的数……
        Err(e) if e.kind() == ErrorKind::InvalidInput => Err(not_an_address),
        _ => Err(Failure(format!(
            "无法解析地址「{text}」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8898。"
        ))),
    }
}

/// 用法说明。程序名取自正在运行的可执行文件，复制到自己的项目里也对得上。
fn usage() -> String {
    let program = std::env::args_os()
        .next()
        .and_then(|path| Some(Path::new(&path).file_stem()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "tcp_client".to_string());
    format!(
        "用法：{program} [服务端地址]    例如 127.0.0.1:8898（默认）、localhost:8898、[::1]:8898"
    )
}

/// 一个名字可能解析出好几个地址（比如 localhost 常常是 ::1 和 127.0.0.1）。像标准库的
/// TcpStream::connect 那样挨个试 `attempt`，返回第一个成功的结果；全都失败就返回最后一个错误。
fn try_each_address<T>(
    addr: &str,
    mut attempt: impl FnMut(SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut last_error = io::Error::new(ErrorKind::InvalidInput, "没有解析出任何地址");
    for one in addr.to_socket_addrs()? {
        match attempt(one) {
            Ok(done) => return Ok(done),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

/// 把 connect 失败的原因翻译成学生能照着做的一句话。
fn connect_failure(addr: &str, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::ConnectionRefused => format!(
            "连接失败：{addr} 上没有服务端在监听。请先在另一个终端启动服务端，再运行客户端。（{e}）"
        ),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => format!(
            "连接 {addr} 超时：{} 秒内没有任何回应，请检查地址和端口是否写对。",
            TIMEOUT.as_secs()
        ),
        _ => format!("连接 {addr} 失败：{e}"),
    })
}

/// send 失败：多半是服务端已经断开了。
fn send_failure(e: io::Error) -> Failure {
    Failure(format!("发送失败（服务端可能已经断开）：{e}"))
}

/// recv 失败：服务端一直不回答（读超时），或者连接出了错（比如被对方重置）。
fn read_failure(addr: &str, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，服务端 {addr} 还是没有回复，客户端放弃。",
            TIMEOUT.as_secs()
        ),
        _ => format!("读取服务端的回复失败：{e}"),
    })
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如把输出接给 `head -1`），
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
