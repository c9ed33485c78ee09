//! tcp_server：课程里的第一个 TCP 服务端。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:8898 上监听，等一个客户端连上来，
//! 收一条消息（最多 1024 字节）并打印，回一句 `hi`，关掉连接后退出。
//! 课程的步骤在最上面的 serve 和 handle_client 里；分隔线以下是让程序更结实的辅助函数，初读可以跳过。
//!
//! 在本仓库里试一试：
//!   终端 1：cargo run -p tcp_server
//!   终端 2：cargo run -p tcp_client
//!   也可以用 nc 当客户端：nc 127.0.0.1 8898，输入 hello! 再回车
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat 127.0.0.1 8898）
//!   换个地址：cargo run -p tcp_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口）
//!   地址也可以写 localhost:8898 或 [::1]:8898。
//!
//! 放进自己的项目：cargo new my_server，cd my_server，把本文件复制成 src/main.rs（不需要 cargo add 任何依赖），
//! 然后 cargo run -- 127.0.0.1:0。
//!
//! 退出码：0 正常结束；1 运行中出错（端口被占用、客户端一直不说话……）；2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// 课程用的地址：本机回环地址 127.0.0.1，端口 8898。
const DEFAULT_ADDR: &str = "127.0.0.1:8898";
/// 一次最多收多少字节，对应 Python 的 `conn.recv(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 客户端连上以后最多等它多久：够在 nc 里慢慢敲一行字，又不会让服务端永远卡住。
const READ_TIMEOUT: Duration = Duration::from_secs(30);

fn serve(addr: &str) -> Result<(), Failure> {
    // 第 1～3 步：socket、bind、listen。Python 分三步写，Rust 的 TcpListener::bind 一步做完。
    let listener = TcpListener::bind(addr).map_err(|e| bind_failure(addr, e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    say(&format!("tcp_server 正在监听 {}", listener.local_addr()?))?;

    // 第 4 步：accept 一直等到有客户端连上来——这就是"先启动服务端，再启动客户端"的原因。
    let (conn, peer) = listener.accept()?;
    handle_client(conn, peer)
    // 第 8 步的另一半（Python 的 sk.close()）：listener 在这里离开作用域，Rust 自动关闭它。
}

/// 和一个客户端的一次对话。出了错就把原因返回给调用者：想一个接一个地服务客户端时，
/// 调用者可以报告这个错误，再去 accept 下一个。
fn handle_client(mut conn: TcpStream, peer: SocketAddr) -> Result<(), Failure> {
    say(&format!("客户端 {peer} 连上了"))?;

    // 第 5 步：recv，最多 1024 字节，多出来的留在内核里。先设读超时，不说话的客户端就拖不住服务端。
    conn.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = conn.read(&mut buffer).map_err(|e| read_failure(peer, e))?;
    if n == 0 {
        // 读到 0 字节表示对方已经关闭了连接，不是"收到一条空消息"。
        return say("客户端没有发送任何数据就关闭了连接。");
    }
    // 第 6 步：print。对方发来的可能不是 UTF-8，也可能夹着控制字符，所以先变成安全的文本。
    say(&format!("收到 {n} 字节：{}", printable(&buffer[..n])))?;

    // 第 7 步：send。write_all 保证两个字节都交给了内核（Python 的 send 可能只发出一部分）。
    conn.write_all(b"hi").map_err(|e| send_failure(peer, e))?;
    say("已回复 hi，关闭连接。")
    // 第 8 步（Python 的 conn.close()）：conn 在这里离开作用域，Rust 自动关闭它，内核发出 FIN。
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
    match serve(&addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 一次失败：一句给人看的中文，main 把它打印到 stderr。
struct Failure(String);

/// 学生的操作一般引不起的失败（比如查询监听地址失败），用一句通用的话报告。
/// 有了它，流程里直接写 `?` 就行；学生可能引起的失败则在出错的地方用 map_err 说清楚。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("意外的系统错误：{e}"))
    }
}

/// 读第一个参数作为监听地址；没有参数就用课程的地址。
fn address_from_args() -> Result<String, Failure> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err(Failure("参数太多了：只需要一个监听地址。".to_string())),
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
        .unwrap_or_else(|| "tcp_server".to_string());
    format!(
        "用法：{program} [监听地址]    例如 127.0.0.1:8898（默认）、localhost:8898、127.0.0.1:0、[::1]:8898"
    )
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: &str, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着）。\
             先关掉它，或者换个端口：在运行命令的末尾加上地址参数 127.0.0.1:0，让系统挑一个空闲端口（{e}）"
        ),
        ErrorKind::PermissionDenied => format!(
            "没有权限绑定 {addr}：Linux 上 1024 以下的端口需要管理员权限；\
             Windows 上多半是这个端口被系统保留了（netsh interface ipv4 show excludedportrange protocol=tcp 能列出保留的端口）。\
             请换一个端口，比如用 127.0.0.1:0 让系统挑一个（{e}）"
        ),
        ErrorKind::AddrNotAvailable => format!(
            "无法绑定 {addr}：这台机器上没有这个 IP，服务端只能绑定本机的地址，比如 127.0.0.1（{e}）"
        ),
        _ => format!("无法在 {addr} 上监听：{e}"),
    })
}

/// recv 失败：客户端一直不说话（读超时），或者连接出了错（比如被对方重置）。
fn read_failure(peer: SocketAddr, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "客户端 {peer} 连上后 {} 秒没有发来任何数据，服务端断开了这个连接。",
            READ_TIMEOUT.as_secs()
        ),
        _ => format!("从客户端 {peer} 读取数据失败：{e}"),
    })
}

/// send 失败：多半是客户端已经断开了。
fn send_failure(peer: SocketAddr, e: io::Error) -> Failure {
    Failure(format!(
        "向客户端 {peer} 发送 hi 失败（对方可能已经断开）：{e}"
    ))
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
