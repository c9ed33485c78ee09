//! time_client：课程里 UDP 时间服务器的客户端。
//!
//! 和课程的 Python 版做同样的事：一遍又一遍地请你输入一个时间格式（比如 `%Y %m %d`），
//! 把它作为一个数据报发给 127.0.0.1:9000 的时间服务器，收它的回答（最多 1024 字节）。
//! 直接回车也会发出去（一个空数据报），服务器就用它的默认格式 `%Y-%m-%d %X` 回答。
//! 课程的 Python 版收到回答后没有打印出来，学生什么也看不到；这里把回答打印出来。
//!
//! 试一试（UDP 没有连接，但总得有人在那个端口上收，才会有回答）：
//!   终端 1：cargo run -p time_server
//!           或者用 nc 当服务器：nc -u -l 127.0.0.1 9000，看到格式后自己输入一个"时间"再回车
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u -l 127.0.0.1 9000）
//!   终端 2：cargo run -p time_client，输入 %Y年%m月%d日 %H:%M:%S 回车
//!
//! 换个地址：cargo run -p time_client -- 127.0.0.1:54321    （也可以是 [::1]:9000）
//! 放进自己的项目：cargo new my_time_client，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 输入结束（Ctrl-D，Windows 上是 Ctrl-Z 再回车）；
//!         1 服务器没有运行、5 秒内没有回答或收发出错；2 参数写错了。

use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
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
const USAGE: &str = "用法：time_client [服务器地址]    例如 127.0.0.1:9000（默认）、[::1]:9000";

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match ask_for_time(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn ask_for_time(addr: SocketAddr) -> Result<(), String> {
    // 第 1 步：创建 UDP 套接字。Python 在第一次 sendto 时悄悄替我们 bind，Rust 要自己写出来：
    // 端口写 0，由系统挑一个空闲端口；IP 用"未指定地址"，由系统按路线挑出发地址。
    // 地址族必须和服务器相同：IPv4 的套接字发不到 IPv6 的地址，反过来也一样。
    let local: SocketAddr = if addr.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("无法创建 UDP 套接字：{e}"))?;

    // 课程里没有这一步：UDP 的 connect 不往网络上发任何东西，只是让内核记住"对方是谁"。
    // 这样，要是服务器没有运行，对方系统回的 ICMP"端口不可达"就会变成 ConnectionRefused 交给我们，
    // 客户端马上就能说清楚是怎么回事；不 connect 的话这个消息被丢掉，只能干等（课程的 Python 版会永远卡住）。
    socket
        .connect(addr)
        .map_err(|e| format!("无法把 UDP 套接字指向 {addr}：{e}"))?;
    // UDP 不保证送达，回答可能永远不来，所以给每次等待设个期限。
    socket
        .set_read_timeout(Some(REPLY_TIMEOUT))
        .map_err(|e| format!("设置读超时失败：{e}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];

    // 第 2 步：while True，一次问一个格式。
    loop {
        // 第 3 步：input(...).strip()。
        let Some(format) = read_line(PROMPT)? else {
            // 输入结束（Ctrl-D）：先换行，免得 shell 提示符接在提示语后面。
            // socket 在函数返回时离开作用域，Rust 自动关闭它。
            say("")?;
            say("输入结束，再见。")?;
            return Ok(());
        };

        // 第 4 步：sendto。已经 connect 过，所以用 send，不必每次写地址。
        // 空行也照样发：0 字节的数据报也是一条请求，服务器收到它就用默认格式回答。
        socket
            .send(format.as_bytes())
            .map_err(|e| exchange_failure(addr, &e))?;

        // 第 5 步：recv。回答比 1024 字节长时（比如格式里写了几百个 %A），多出来的部分被内核丢掉，
        // 和 Python 的 recv(1024) 一样；被切断的半个汉字会显示成 �。
        // （Windows 上不截断，而是报 WSAEMSGSIZE 错误，客户端说明一句后退出。）
        let n = loop {
            match socket.recv(&mut buffer) {
                // 在终端里按 Ctrl-Z 暂停、再用 fg 继续时，设了超时的 recv 会被打断（Linux 上就是这样），
                // 这不是网络出了问题：接着等回答就好。
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                received => break received.map_err(|e| exchange_failure(addr, &e))?,
            }
        };

        // 课程的 Python 版收到 data 之后没有打印，学生看不到服务器报的时间——这是课程的疏漏，这里补上。
        // 回答来自网络，先变成可以放心打印的文本。
        say(&format!("服务器回答：{}", printable(&buffer[..n])))?;
    }
}

/// 打印提示符（不换行），读一行键盘输入并去掉首尾空白；输入结束时返回 None。
fn read_line(prompt: &str) -> Result<Option<String>, String> {
    loop {
        print!("{prompt}");
        // print! 不换行，不 flush 的话提示符会留在缓冲区里，用户看不到该输入了。
        io::stdout()
            .flush()
            .map_err(|e| format!("无法显示提示符：{e}"))?;
        let mut line = String::new();
        match io::stdin().read_line(&mut line) {
            Ok(0) => return Ok(None),
            // 和 Python 的 strip() 一样去掉首尾空白，Windows 终端的 \r\n 也就和 \n 一样了。
            Ok(_) => return Ok(Some(line.trim().to_string())),
            // 终端的编码不是 UTF-8 时会走到这里；这一行已经读掉了，请用户重新输入。
            Err(e) if e.kind() == ErrorKind::InvalidData => {
                eprintln!("这一行不是 UTF-8 文本，没有发送，请重新输入。");
            }
            Err(e) => return Err(format!("读取键盘输入失败：{e}")),
        }
    }
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
            "{addr} 上没有时间服务器在接收（对方系统回答\"端口不可达\"）。\
             请先在另一个终端运行 cargo run -p time_server。（{e}）"
        ),
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，{addr} 没有回答，客户端放弃：UDP 不保证送达，数据报可能丢了，\
             也可能服务器正忙或者没有运行。",
            REPLY_TIMEOUT.as_secs()
        ),
        // Windows 的 WSAEMSGSIZE（10040）：回答比缓冲区长，Windows 不截断，而是让这次接收报错。
        _ if e.raw_os_error() == Some(10040) => format!(
            "服务器的回答超过了 {BUFFER_SIZE} 字节，Windows 不会像 Linux、macOS 那样截断，而是把它当作错误丢掉了。\
             换一个短一点的格式再试。（{e}）"
        ),
        _ => format!("和 {addr} 收发数据报失败：{e}"),
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p time_client | head -1`），
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
