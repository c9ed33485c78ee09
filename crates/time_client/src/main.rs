//! time_client：课程里 UDP 时间服务器的客户端。
//!
//! 和课程的 Python 版做同样的事：一遍又一遍地请你输入一个时间格式（比如 `%Y %m %d`），
//! 把它作为一个数据报发给 127.0.0.1:9000 的时间服务器，收它的回答（最多 1024 字节）。
//! 直接回车也会发出去（一个空数据报），服务器就用它的默认格式 `%Y-%m-%d %X` 回答。
//! 课程的 Python 版收到回答后没有打印出来，学生什么也看不到；这里把回答打印出来。
//!
//! 试一试（在本仓库里；UDP 没有连接，但总得有人在那个端口上收，才会有回答）：
//!   终端 1：cargo run -p time_server
//!           或者用 nc 当服务器：nc -u -l 127.0.0.1 9000，看到格式后自己输入一个"时间"再回车
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u -l 127.0.0.1 9000）
//!   终端 2：cargo run -p time_client，输入 %Y年%m月%d日 %H:%M:%S 回车
//! 换个地址：cargo run -p time_client -- 127.0.0.1:54321    （也可以是 localhost:9000 或 [::1]:9000）
//!
//! 放进自己的项目：cargo new my_time_client，把本文件复制成 my_time_client/src/main.rs（不需要 cargo add 任何依赖），
//! 在 my_time_client 目录里运行 cargo run，或者 cargo run -- 127.0.0.1:54321。
//!
//! 退出码：0 输入结束（Ctrl-D，Windows 上是 Ctrl-Z 再回车）；
//!         1 服务器没有运行、5 秒内没有回答或收发出错；2 参数写错了。

use std::fmt::Display;
use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// 课程里时间服务器的地址。
const DEFAULT_ADDR: &str = "127.0.0.1:9000";
/// 一次最多收多少字节，对应 Python 的 `recv(bufsize)`，课程里 bufsize = 1024。
const BUFFER_SIZE: usize = 1024;
/// 等一个回答最多等多久。时间服务器是程序自动回答的，本机上几毫秒就到；
/// 5 秒还没有，多半是数据报丢了（UDP 不保证送达）或者服务器卡住了。
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// 课程里的提示语，一字不差。
const PROMPT: &str = "请输入时间格式(例%Y %m %d)>>: ";

/// 课程的流程：一遍遍地读一个格式，寄给服务器，收它的回答。
fn ask_for_time(server: SocketAddr) -> Result<(), Failure> {
    // 1. 创建 UDP 套接字。Python 在第一次 sendto 时悄悄替我们 bind，Rust 要自己写出来：
    // 端口 0 让系统挑一个空闲端口，IP 用"未指定地址"（见 any_local_port）。
    let socket = UdpSocket::bind(any_local_port(server))?;
    // 课程里没有这两步。UDP 的 connect 不往网络上发任何东西，只让内核记住"对方是谁"：这样服务器没有运行时，
    // 对方系统回的"端口不可达"才会交给我们，客户端马上就能说清楚（课程的 Python 版会永远卡住）。
    // UDP 不保证送达，回答可能永远不来，所以再给每次等待设个期限。
    socket.connect(server)?;
    socket.set_read_timeout(Some(REPLY_TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];

    // 2. while True：一次问一个格式。
    loop {
        // 3. input(...).strip()。输入结束（Ctrl-D）时说声再见；socket 在函数返回时自动关闭。
        let Some(format) = read_line(PROMPT)? else {
            say("\n输入结束，再见。")?;
            return Ok(());
        };

        // 4. sendto：connect 过了，所以用 send。空行也照样发：0 字节的数据报也是一条请求，
        // 服务器收到它就用默认格式回答。
        socket
            .send(format.as_bytes())
            .map_err(|e| exchange_failure(server, e))?;

        // 5. recv：回答比 1024 字节长时（比如格式里写了几百个 %A），多出来的部分被内核丢掉，
        // 和 Python 的 recv(1024) 一样；被切断的半个汉字会显示成 �。
        let n = again_if_interrupted(|| socket.recv(&mut buffer))
            .map_err(|e| exchange_failure(server, e))?;

        // 6. 课程的 Python 版收到 data 之后没有打印，学生看不到服务器报的时间，这里补上。
        // 回答来自网络，先变成可以放心打印的文本。
        say(format!("服务器回答：{}", printable(&buffer[..n])))?;
    }
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
    match ask_for_time(server) {
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
        "用法：{} [服务器地址]    例如 127.0.0.1:9000（默认）、localhost:9000、[::1]:9000",
        program_name()
    )
}

/// 用户运行的程序叫什么（可执行文件名，不带 .exe），用在"用法"里。
fn program_name() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .and_then(|path| Path::new(path).file_stem())
        .map_or("time_client".into(), |stem| {
            stem.to_string_lossy().into_owned()
        })
}

/// 读第一个参数作为服务器地址；没有参数就用课程的地址。
fn address_from_args() -> Result<SocketAddr, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err("参数太多了：只需要一个服务器地址。".to_string()),
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

/// 客户端自己这一头的地址：端口 0，由系统挑一个空闲端口；IP 用"未指定地址"，由系统按路线挑出发地址。
/// 地址族必须和服务器相同：IPv4 的套接字发不到 IPv6 的地址，反过来也一样。
fn any_local_port(server: SocketAddr) -> SocketAddr {
    if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    }
}

/// 打印提示符（不换行），读一行键盘输入并去掉首尾空白；输入结束时返回 None。
fn read_line(prompt: &str) -> Result<Option<String>, Failure> {
    loop {
        print!("{prompt}");
        // print! 不换行，不 flush 的话提示符会留在缓冲区里，用户看不到该输入了。
        io::stdout()
            .flush()
            .map_err(|e| Failure(format!("无法显示提示符：{e}")))?;
        let mut line = String::new();
        match io::stdin().read_line(&mut line) {
            Ok(0) => return Ok(None),
            // 和 Python 的 strip() 一样去掉首尾空白，Windows 终端的 \r\n 也就和 \n 一样了。
            Ok(_) => return Ok(Some(line.trim().to_string())),
            // 终端的编码不是 UTF-8 时会走到这里；这一行已经读掉了，请用户重新输入。
            Err(e) if e.kind() == ErrorKind::InvalidData => {
                eprintln!("这一行不是 UTF-8 文本，没有发送，请重新输入。");
            }
            Err(e) => return Err(Failure(format!("读取键盘输入失败：{e}"))),
        }
    }
}

/// 在终端里按 Ctrl-Z 暂停、再用 fg 继续时，设了超时的 recv 会被打断（Linux 上就是这样），
/// 这不是网络出了问题：接着等回答就好。
fn again_if_interrupted<T>(mut receive: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match receive() {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            received => return received,
        }
    }
}

/// 把收发失败的原因翻译成学生能照着做的一句话。
fn exchange_failure(server: SocketAddr, e: io::Error) -> Failure {
    Failure(match e.kind() {
        // Linux、macOS 报 ConnectionRefused；Windows 把同一件事报成 ConnectionReset。
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => format!(
            "{server} 上没有时间服务器在接收（对方系统回答\"端口不可达\"）。\
             请先在另一个终端启动时间服务器（比如课程的 time_server），再运行客户端。（{e}）"
        ),
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，{server} 没有回答，客户端放弃：UDP 不保证送达，数据报可能丢了，\
             也可能服务器正忙或者没有运行。",
            REPLY_TIMEOUT.as_secs()
        ),
        // Windows 的 WSAEMSGSIZE（10040）：回答比缓冲区长，Windows 不截断，而是让这次接收报错。
        _ if e.raw_os_error() == Some(10040) => format!(
            "服务器的回答超过了 {BUFFER_SIZE} 字节，Windows 不会像 Linux、macOS 那样截断，而是把它当作错误丢掉了。\
             换一个短一点的格式再试。（{e}）"
        ),
        _ => format!("和 {server} 收发数据报失败：{e}"),
    })
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `time_client | head -1`），
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
