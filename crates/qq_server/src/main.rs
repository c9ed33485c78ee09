//! qq_server：课程里仿 QQ 的 UDP 聊天服务端（完整版）。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:8081 上绑定一个 UDP 套接字，一直循环：
//! 收一条消息（最多 1024 字节），打印它来自哪里，消息本身用蓝底粗体显示；
//! 然后由坐在键盘前的人输入一句回复，发回给发消息的那个地址。
//! 只看课程那几步，读 examples/qq_server_minimal.rs；这个文件在它之上多守住了几件事，见分隔线以下。
//!
//! 在本仓库里试一试：
//!   终端 1：cargo run -p qq_server
//!   终端 2：cargo run -p qq_client，选一个联系人（比如 哪吒），输入消息回车
//!   回到终端 1，在"回复消息: "后面输入回复并回车，终端 2 就会显示它。
//!   也可以用 nc 当客户端：nc -u 127.0.0.1 8081，输入一行消息回车，服务端回复的内容会出现在 nc 里
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u 127.0.0.1 8081）
//!   换个地址：cargo run -p qq_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口；也可以写 localhost:8081）
//!
//! 放进自己的新项目：cargo new my_qq_server，进入目录，cargo add colored（用来显示颜色），
//! 把本文件复制成 src/main.rs，然后 cargo run 或 cargo run -- 127.0.0.1:0。
//!
//! 颜色：colored 自己会判断——输出不是终端（比如重定向到文件）或者设置了环境变量 NO_COLOR 时不加颜色，
//! 设置了 CLICOLOR_FORCE=1 时一定加。这里不用再写这些判断。
//!
//! 退出码：0 输入结束（Ctrl-D，Windows 上是 Ctrl-Z 再回车）；1 运行中出错（端口被占用……）；2 参数写错了。

use colored::Colorize;
use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::process::ExitCode;

/// 课程用的地址：本机回环地址 127.0.0.1，端口 8081。
const DEFAULT_ADDR: &str = "127.0.0.1:8081";
/// 一次最多收多少字节，对应 Python 的 `recvfrom(1024)`。
const BUFFER_SIZE: usize = 1024;

/// 课程的服务端：收一条消息、显示它、等人打一句回复、寄回去，一直循环，直到键盘那头输入结束。
fn serve(addr: SocketAddr) -> Result<(), Failure> {
    // 1、2：创建 UDP 套接字并 bind。UDP 不用 listen、没有 accept：谁往这个端口寄数据报，谁就是聊天对象。
    let socket = UdpSocket::bind(addr).map_err(|e| bind_failure(addr, e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    let bound = socket.local_addr()?;
    say(&format!("qq_server 正在等待消息，地址 {bound}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    // 3：while True。
    loop {
        // 4：recvfrom。人在打回复的时候，别人寄来的数据报在内核里排队，一条也不会因为"正忙"而丢；
        // 比 1024 字节长的，多出来的部分被内核丢掉，和 Python 的 recvfrom(1024) 一样。
        let (n, peer) = match socket.recv_from(&mut buffer) {
            Ok(received) => received,
            // 一次收失败不让服务端退出（Windows 上常见的 ConnectionReset 说的是上一位已经走了）。
            Err(e) => {
                eprintln!("{}", receive_failure(e));
                continue;
            }
        };
        // 5：print。peer 是回信的唯一依据；对方的字节先变成安全的文本，再套上课程的蓝底粗体。
        let message = printable(&buffer[..n]).bold().on_blue();
        say(&format!(
            "来自[{}:{}]的一条消息:{message}",
            peer.ip(),
            peer.port()
        ))?;
        // 6：input。等键盘前的人打一行回复；输入结束（Ctrl-D）就说再见，正常退出。
        let Some(reply) = read_line("回复消息: ")? else {
            return say("\n输入结束，qq_server 退出，再见。");
        };
        // 7：sendto。照着寄件地址寄回去；空行也寄，成了一个 0 字节的数据报，和课程一样。
        if let Err(e) = socket.send_to(reply.as_bytes(), peer) {
            eprintln!("回复发给 {peer} 失败，继续等待下一条消息。（{e}）");
        }
    }
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    // Windows 的老式控制台（cmd.exe）默认不认颜色转义序列，先请它打开；其他系统不需要这一步。
    #[cfg(windows)]
    let _ = colored::control::set_virtual_terminal(true);

    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(Failure(message)) => {
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

/// 程序停下来的原因：一句给人看的中文。流程里的 `?` 把各种错误都变成它，main 把它打印出来。
struct Failure(String);

/// 学生一般碰不到的错误（比如查询绑定地址失败）不逐个翻译，用一句通用的话带上系统的原话。
/// 有了它，流程里可以直接写 `?`。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("出了意外的错误，程序停止：{e}"))
    }
}

/// 用法说明。程序名取自实际运行的可执行文件，复制到别的项目里改了名也说得对。
fn usage() -> String {
    format!(
        "用法：{} [绑定地址]    例如 127.0.0.1:8081（默认）、localhost:8081、127.0.0.1:0、[::1]:8081",
        program_name()
    )
}

fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|path| Some(Path::new(&path).file_stem()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "qq_server".to_string())
}

/// 读第一个参数作为绑定地址；没有参数就用课程的地址。
fn address_from_args() -> Result<SocketAddr, Failure> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err(Failure("参数太多了：只需要一个绑定地址。".to_string())),
    };
    if text == "-h" || text == "--help" {
        println!("{}", usage());
        std::process::exit(0);
    }
    resolve(text)
}

/// 把「主机:端口」变成一个地址。和 Python 一样，主机可以是 localhost 这样的名字，由 std 的
/// ToSocketAddrs 去问系统。一个名字对应好几个地址时先挑 IPv4 的：课程的套接字是 AF_INET，只认 IPv4，
/// 这样 Python 版和 Rust 版对同一个 localhost 说的是同一个地址。
fn resolve(text: &str) -> Result<SocketAddr, Failure> {
    // IPv6 地址里本来就有冒号，所以必须写在方括号里：[::1]:8081。
    let well_formed = text.rsplit_once(':').is_some_and(|(host, port)| {
        let bracketed = host.starts_with('[') && host.ends_with(']');
        !host.is_empty() && (bracketed || !host.contains(':')) && port.parse::<u16>().is_ok()
    });
    if !well_formed {
        return Err(Failure(format!(
            "参数错误：「{text}」不是 主机:端口 形式的地址，比如 127.0.0.1:8081、localhost:8081 或 [::1]:8081。"
        )));
    }
    let found: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map(Iterator::collect)
        .unwrap_or_default();
    let ipv4_first = found.iter().find(|addr| addr.is_ipv4()).or(found.first());
    ipv4_first.copied().ok_or_else(|| {
        Failure(format!(
            "无法解析地址「{text}」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8081。"
        ))
    })
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
/// 收消息失败时说一句，服务端接着等。Windows 上超过缓冲区的数据报不截断，而是变成 WSAEMSGSIZE（10040）错误：
/// 整条消息连同寄件人的地址一起丢了，没法回复。
fn receive_failure(e: io::Error) -> String {
    if e.raw_os_error() == Some(10040) {
        format!(
            "收到一条超过 {BUFFER_SIZE} 字节的消息：Windows 不截断，而是把它当作错误整条丢掉，\
             寄件人的地址也没有了，没法回复。继续等待下一条消息。（{e}）"
        )
    } else {
        format!("接收消息失败，继续等待下一条消息。（{e}）")
    }
}

fn bind_failure(addr: SocketAddr, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次运行的服务端还开着）。\
             先关掉它，或者换个端口：在运行命令的末尾加上地址参数 127.0.0.1:0，让系统挑一个空闲端口。（{e}）"
        ),
        ErrorKind::PermissionDenied => format!(
            "没有权限绑定 {addr}：Linux 上 1024 以下的端口需要管理员权限；\
             Windows 上多半是这个端口被系统保留了（netsh interface ipv4 show excludedportrange protocol=udp 能列出保留的端口）。\
             请换一个端口，比如用 127.0.0.1:0 让系统挑一个（{e}）"
        ),
        ErrorKind::AddrNotAvailable => format!(
            "无法绑定 {addr}：这台机器上没有这个 IP，服务端只能绑定本机的地址，比如 127.0.0.1（{e}）"
        ),
        _ => format!("无法绑定 {addr}：{e}"),
    })
}

/// 打印提示符（不换行），读一行键盘输入并去掉首尾空白（Python 的 strip，Windows 终端的 \r\n 也一并去掉）；
/// 输入结束时返回 None。
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
            Ok(_) => return Ok(Some(line.trim().to_string())),
            // 终端的编码不是 UTF-8 时会走到这里；这一行已经读掉了，请用户重新输入。
            Err(e) if e.kind() == ErrorKind::InvalidData => {
                eprintln!("这一行不是 UTF-8 文本，没有发送，请重新输入。");
            }
            Err(e) => return Err(Failure(format!("读取键盘输入失败：{e}"))),
        }
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `qq_server | head -1`），
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
