//! qq_client：课程里仿 QQ 的 UDP 聊天客户端（完整版）。
//!
//! 和课程的 Python 版做同样的事：先选一个聊天对象（金老板、哪吒、egg、yuan），
//! 再一条一条地输入消息，每发一条就等对方回一条（最多 1024 字节），回复用蓝底粗体显示；
//! 输入 q 结束和他的聊天，回去重新选人。课程里四个联系人都在同一个地址 127.0.0.1:8081，
//! 也就是说，不管选谁，消息都发给同一个 qq_server，由那边的人来回复。
//! 只看课程那几步，读 examples/qq_client_minimal.rs；这个文件在它之上多守住了几件事，见分隔线以下。
//!
//! 在本仓库里试一试（UDP 没有连接，但总得有人在那个端口上收，才会有回复）：
//!   终端 1：cargo run -p qq_server
//!           或者用 nc 当服务端：nc -u -l 127.0.0.1 8081，看到消息后输入回复再回车
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u -l 127.0.0.1 8081）
//!   终端 2：cargo run -p qq_client，输入 哪吒 回车，再输入 你好 回车，然后去终端 1 回复
//!   换个地址：cargo run -p qq_client -- 127.0.0.1:54321    （四个联系人都改用这个地址；也可以是 localhost:8081、[::1]:8081）
//!
//! 放进自己的新项目：cargo new my_qq_client，进入目录，cargo add colored（用来显示颜色），
//! 把本文件复制成 src/main.rs，然后 cargo run（联系人在 127.0.0.1:8081），或者 cargo run -- 127.0.0.1:54321。
//!
//! 颜色：colored 自己会判断——输出不是终端（比如重定向到文件）或者设置了环境变量 NO_COLOR 时不加颜色，
//! 设置了 CLICOLOR_FORCE=1 时一定加。这里不用再写这些判断。
//!
//! 退出码：0 输入结束（Ctrl-D，Windows 上是 Ctrl-Z 再回车）；
//!         1 对方地址上没有人、60 秒内没有回复或收发出错；2 参数写错了。

use colored::Colorize;
use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// 课程里联系人的地址：本机回环地址 127.0.0.1，端口 8081（qq_server 的默认地址）。
const LESSON_ADDR: SocketAddr =
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 1), 8081));
/// 课程里的联系人表 qq_name_dic：名字和对方的地址。四个人都在同一个地址上。
const CONTACTS: [(&str, SocketAddr); 4] = [
    ("金老板", LESSON_ADDR),
    ("哪吒", LESSON_ADDR),
    ("egg", LESSON_ADDR),
    ("yuan", LESSON_ADDR),
];
/// 一次最多收多少字节，对应 Python 的 `BUFSIZE = 1024`。
const BUFFER_SIZE: usize = 1024;
/// 等一条回复最多等多久。回复是服务端那边的人读完消息、动手打出来的，不是程序自动回的，
/// 所以要等得比较久；60 秒还没有，多半是那边没人，或者数据报在路上丢了（UDP 不保证送达）。
const REPLY_TIMEOUT: Duration = Duration::from_secs(60);
/// 等了这么久还没有回复，先提醒一句：学生最常忘的，是回复要在服务端那边的终端里打。
const REPLY_HINT_AFTER: Duration = Duration::from_secs(5);

/// 课程的客户端：外层循环选聊天对象，内层循环和他一条一条地聊，输入 q 回到外层。
/// `address_override` 是命令行给的地址，有的话四个联系人都改用它。
fn chat(address_override: Option<SocketAddr>) -> Result<(), Failure> {
    // 1：创建 UDP 套接字。Python 在第一次 sendto 时悄悄替我们 bind，Rust 要自己写：端口 0 让系统挑。
    // 地址族要和对方相同（IPv4 的套接字寄不到 IPv6 地址）；参数替换所有联系人，所以一个套接字够用。
    let ipv6 = address_override.is_some_and(|addr| addr.is_ipv6());
    let socket = UdpSocket::bind(if ipv6 { "[::]:0" } else { "0.0.0.0:0" })?;
    let mut buffer = [0u8; BUFFER_SIZE];

    // 2：外层的 while True，选聊天对象。
    loop {
        let Some(name) = read_line("请选择聊天对象: ")? else {
            // 输入结束（Ctrl-D）：说声再见；socket 在函数返回时离开作用域，Rust 自动关闭它（课程的 close）。
            return say("\n输入结束，再见。");
        };
        // 3：查联系人表。名字不在表里时，课程照样进入下一步、却把每条消息悄悄扔掉；这里列出可选的人，再问一次。
        let Some(&(_, contact_addr)) = CONTACTS.iter().find(|(known, _)| *known == name) else {
            say(&format!("没有这个联系人。可以选：{}", contact_names()))?;
            continue;
        };
        let addr = address_override.unwrap_or(contact_addr);
        // 课程里没有这一步：UDP 的 connect 不往网络上发任何东西，只让内核记住"对方是谁"。
        // 这样那个端口上没人收时，对方系统回的"端口不可达"才会交给我们，不用干等到超时。
        socket
            .connect(addr)
            .map_err(|e| exchange_failure(addr, e))?;

        // 4：内层的 while True，和选中的人一条一条地聊。
        loop {
            let Some(message) = read_line("请输入消息,回车发送,输入q结束和他的聊天: ")?
            else {
                return say("\n输入结束，再见。");
            };
            if message == "q" {
                break;
            }
            // 空消息不发：和课程一样，直接再问一次。
            if message.is_empty() {
                continue;
            }
            // 5：sendto。已经 connect 过，所以用 send，不必每次写地址。
            socket
                .send(message.as_bytes())
                .map_err(|e| exchange_failure(addr, e))?;
            // 6：recvfrom。回复要等那边的人打字：wait_patiently 替我们反复调用这个 recv_from，
            // 等满 5 秒先提醒一句，60 秒还没有就放弃。比 1024 字节长的回复，多出来的部分被内核丢掉。
            let (n, from) = wait_patiently(&socket, addr, || socket.recv_from(&mut buffer))?;
            // 7：print。回复来自网络，先变成可以放心打印的文本，再套上课程的蓝底粗体。
            let reply = printable(&buffer[..n]).bold().on_blue();
            say(&format!(
                "来自[{}:{}]的一条消息:{reply}",
                from.ip(),
                from.port()
            ))?;
        }
    }
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    // Windows 的老式控制台（cmd.exe）默认不认颜色转义序列，先请它打开；其他系统不需要这一步。
    #[cfg(windows)]
    let _ = colored::control::set_virtual_terminal(true);

    let address_override = match address_from_args() {
        Ok(addr) => addr,
        Err(Failure(message)) => {
            eprintln!("{message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match chat(address_override) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 程序停下来的原因：一句给人看的中文。流程里的 `?` 把各种错误都变成它，main 把它打印出来。
struct Failure(String);

/// 学生一般碰不到的错误（比如系统给不出一个 UDP 套接字）不逐个翻译，用一句通用的话带上系统的原话。
/// 有了它，流程里可以直接写 `?`。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("出了意外的错误，程序停止：{e}"))
    }
}

/// recvfrom，但不永远等下去。`recv` 就是流程里那一行 `socket.recv_from(&mut buffer)`，这里反复调用它：
/// 等满 REPLY_HINT_AFTER 还没有回复，先提醒一句再接着等；总共等满 REPLY_TIMEOUT 就放弃。
fn wait_patiently(
    socket: &UdpSocket,
    addr: SocketAddr,
    mut recv: impl FnMut() -> io::Result<(usize, SocketAddr)>,
) -> Result<(usize, SocketAddr), Failure> {
    socket.set_read_timeout(Some(REPLY_HINT_AFTER))?;
    let mut hinted = false;
    loop {
        match recv() {
            // 在终端里按 Ctrl-Z 暂停、再 fg 继续时，等待被打断了一下：接着等。
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // 第一次超时只提醒，再把剩下的时间设成新的期限。
            Err(e) if timed_out(&e) && !hinted => {
                say(&format!(
                    "{} 秒了还没有回复：回复要由服务端那边的人在它的终端里打字。再等 {} 秒……",
                    REPLY_HINT_AFTER.as_secs(),
                    (REPLY_TIMEOUT - REPLY_HINT_AFTER).as_secs()
                ))?;
                socket.set_read_timeout(Some(REPLY_TIMEOUT - REPLY_HINT_AFTER))?;
                hinted = true;
            }
            result => return result.map_err(|e| exchange_failure(addr, e)),
        }
    }
}

/// 设了读超时的 recv 等到期限时返回的错误：Unix 上是 WouldBlock，Windows 上是 TimedOut。
fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// 把收发失败的原因翻译成学生能照着做的一句话。
fn exchange_failure(addr: SocketAddr, e: io::Error) -> Failure {
    Failure(match e.kind() {
        // Linux、macOS 报 ConnectionRefused；Windows 把同一件事报成 ConnectionReset。
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => format!(
            "{addr} 上没有人在收消息（对方系统回答\"端口不可达\"）。\
             请先在另一个终端启动聊天服务端（比如课程的 qq_server），再来发消息。（{e}）"
        ),
        _ if timed_out(&e) => format!(
            "等了 {} 秒，{addr} 那边没有回复，客户端放弃：对方可能不在键盘前，\
             也可能数据报在路上丢了（UDP 不保证送达）。",
            REPLY_TIMEOUT.as_secs()
        ),
        // Windows 的 WSAEMSGSIZE（10040）：回复比缓冲区长，Windows 不截断，而是让这次接收报错。
        _ if e.raw_os_error() == Some(10040) => format!(
            "对方的回复超过了 {BUFFER_SIZE} 字节，Windows 不会像 Linux、macOS 那样截断，\
             而是把它当作错误整条丢掉了。（{e}）"
        ),
        _ => format!("和 {addr} 收发消息失败：{e}"),
    })
}

/// 联系人表里的名字，用顿号隔开：金老板、哪吒、egg、yuan。
fn contact_names() -> String {
    let names: Vec<&str> = CONTACTS.iter().map(|(name, _)| *name).collect();
    names.join("、")
}

/// 用法说明。程序名取自实际运行的可执行文件，复制到别的项目里改了名也说得对。
fn usage() -> String {
    format!(
        "用法：{} [聊天对象的地址]    不写就用课程的 127.0.0.1:8081；\
         写了的话四个联系人都改用这个地址，例如 127.0.0.1:54321、localhost:8081、[::1]:8081",
        program_name()
    )
}

fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|path| Some(Path::new(&path).file_stem()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "qq_client".to_string())
}

/// 读第一个参数作为所有联系人的地址；没有参数就用联系人表里课程的地址（返回 None）。
fn address_from_args() -> Result<Option<SocketAddr>, Failure> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => return Ok(None),
        [one] => one.as_str(),
        _ => return Err(Failure("参数太多了：只需要一个地址。".to_string())),
    };
    if text == "-h" || text == "--help" {
        println!("{}", usage());
        std::process::exit(0);
    }
    resolve(text).map(Some)
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

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `qq_client | head -1`），
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
