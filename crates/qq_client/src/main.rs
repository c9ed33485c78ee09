//! qq_client：课程里仿 QQ 的 UDP 聊天客户端。
//!
//! 和课程的 Python 版做同样的事：先选一个聊天对象（金老板、哪吒、egg、yuan），
//! 再一条一条地输入消息，每发一条就等对方回一条（最多 1024 字节），回复用蓝底粗体显示；
//! 输入 q 结束和他的聊天，回去重新选人。课程里四个联系人都在同一个地址 127.0.0.1:8081，
//! 也就是说，不管选谁，消息都发给同一个 qq_server，由那边的人来回复。
//!
//! 试一试（UDP 没有连接，但总得有人在那个端口上收，才会有回复）：
//!   终端 1：cargo run -p qq_server
//!           或者用 nc 当服务端：nc -u -l 127.0.0.1 8081，看到消息后输入回复再回车
//!           （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u -l 127.0.0.1 8081）
//!   终端 2：cargo run -p qq_client，输入 哪吒 回车，再输入 你好 回车，然后去终端 1 回复
//!
//! 换个地址：cargo run -p qq_client -- 127.0.0.1:54321    （四个联系人都改用这个地址；也可以是 [::1]:8081）
//! 放进自己的项目：cargo new my_qq_client，进入目录后 cargo add colored（用来显示颜色），
//! 再把本文件复制成 src/main.rs。
//!
//! 颜色：colored 自己会判断——输出不是终端（比如重定向到文件）或者设置了环境变量 NO_COLOR 时不加颜色，
//! 设置了 CLICOLOR_FORCE=1 时一定加。这里不用再写这些判断。
//!
//! 退出码：0 输入结束（Ctrl-D，Windows 上是 Ctrl-Z 再回车）；
//!         1 对方地址上没有人、60 秒内没有回复或收发出错；2 参数写错了。

use colored::Colorize;
use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, UdpSocket};
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
const USAGE: &str = "用法：qq_client [聊天对象的地址]    不写就用课程的 127.0.0.1:8081；\
                     写了的话四个联系人都改用这个地址，例如 127.0.0.1:54321、[::1]:8081";

fn main() -> ExitCode {
    let address_override = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match chat(address_override) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn chat(address_override: Option<SocketAddr>) -> Result<(), String> {
    // Windows 的老式控制台（cmd.exe）默认不认颜色转义序列，先请它打开；其他系统不需要这一步。
    #[cfg(windows)]
    let _ = colored::control::set_virtual_terminal(true);

    // 第 1 步：创建 UDP 套接字。Python 在第一次 sendto 时悄悄替我们 bind，Rust 要自己写出来：
    // 端口写 0，由系统挑一个空闲端口；IP 用"未指定地址"，由系统按路线挑出发地址。
    // 地址族要和对方相同（IPv4 的套接字发不到 IPv6 的地址）。联系人表里都是 IPv4，
    // 参数又会替换所有联系人的地址，所以一个套接字就够和所有联系人聊。
    let family_of = address_override.unwrap_or(LESSON_ADDR);
    let local: SocketAddr = if family_of.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("无法创建 UDP 套接字：{e}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];

    // 第 2 步：外层循环，选聊天对象。
    loop {
        let Some(name) = read_line("请选择聊天对象: ")? else {
            // 最后一步 close：输入结束就不再聊了；socket 在函数返回时离开作用域，Rust 自动关闭它。
            say_goodbye()?;
            return Ok(());
        };
        // 比课程多做的一点：课程里名字不在表里（或者直接回车）时，照样进入输消息的循环，
        // 但每条消息都被悄悄跳过、永远不发出去。这里直接告诉用户有哪些人可选，再问一次。
        let Some(&(_, contact_addr)) = CONTACTS.iter().find(|(known, _)| *known == name) else {
            let names: Vec<&str> = CONTACTS.iter().map(|(known, _)| *known).collect();
            say(&format!("没有这个联系人。可以选：{}", names.join("、")))?;
            continue;
        };
        let addr = address_override.unwrap_or(contact_addr);

        // 课程里没有这一步：UDP 的 connect 不往网络上发任何东西，只是让内核记住"对方是谁"。
        // 这样，要是那个端口上没有人接收，对方系统回的 ICMP"端口不可达"就会变成 ConnectionRefused
        // 交给我们；不 connect 的话这个消息被丢掉，客户端只能干等到超时。
        // 换了联系人就再 connect 一次，内核改记新的对方，之前的记录被覆盖。
        socket
            .connect(addr)
            .map_err(|e| format!("无法把 UDP 套接字指向 {addr}：{e}"))?;

        // 第 3 步：内层循环，和选中的人一条一条地聊。
        loop {
            let Some(message) = read_line("请输入消息,回车发送,输入q结束和他的聊天: ")?
            else {
                say_goodbye()?;
                return Ok(());
            };
            if message == "q" {
                break;
            }
            // 空消息不发：和课程一样，直接再问一次。
            if message.is_empty() {
                continue;
            }

            // 第 4 步：sendto。已经 connect 过，所以用 send，不必每次写地址。一个数据报要么整个发出，要么不发。
            socket
                .send(message.as_bytes())
                .map_err(|e| exchange_failure(addr, &e))?;

            // 第 5 步：recvfrom。等对方那边的人打完回复；比 1024 字节长的回复，多出来的部分被内核丢掉。
            let (n, sender) = wait_for_reply(&socket, &mut buffer, addr)?;

            // 第 6 步：打印来处和回复。回复来自网络，先变成可以放心打印的文本，再加上课程里的蓝底粗体
            // （课程写的 \033[1;44m…\033[0m，就是 colored 的 bold().on_blue()）。
            say(&format!(
                "来自[{}:{}]的一条消息:{}",
                sender.ip(),
                sender.port(),
                printable(&buffer[..n]).bold().on_blue()
            ))?;
        }
    }
}

/// recvfrom，但不永远等下去：回复由人手打，可能要等一会儿；可 UDP 不保证送达，所以总共最多等
/// REPLY_TIMEOUT。等满 REPLY_HINT_AFTER 还没有回复，先提醒一句，再接着等。
/// 出错时返回一句给人看的话：收发失败由 exchange_failure 翻译（所以要传入对方的地址 addr），
/// 提醒写不出去时就是 say 的那句话。
fn wait_for_reply(
    socket: &UdpSocket,
    buffer: &mut [u8],
    addr: SocketAddr,
) -> Result<(usize, SocketAddr), String> {
    let failed = |e: io::Error| exchange_failure(addr, &e);
    socket
        .set_read_timeout(Some(REPLY_HINT_AFTER))
        .map_err(failed)?;
    let mut hinted = false;
    loop {
        match socket.recv_from(buffer) {
            // 在终端里按 Ctrl-Z 暂停、再 fg 继续时，等待被打断了一下：接着等。
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // 超时在 Unix 上是 WouldBlock，在 Windows 上是 TimedOut。第一次超时只提醒，不放弃。
            Err(e)
                if !hinted && matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
            {
                say(&format!(
                    "{} 秒了还没有回复：回复要由服务端那边的人在它的终端里打字。再等 {} 秒……",
                    REPLY_HINT_AFTER.as_secs(),
                    (REPLY_TIMEOUT - REPLY_HINT_AFTER).as_secs()
                ))?;
                socket
                    .set_read_timeout(Some(REPLY_TIMEOUT - REPLY_HINT_AFTER))
                    .map_err(failed)?;
                hinted = true;
            }
            result => return result.map_err(failed),
        }
    }
}

/// 输入结束（Ctrl-D）时的告别：先换行，免得 shell 提示符接在提示语后面。
fn say_goodbye() -> Result<(), String> {
    say("")?;
    say("输入结束，再见。")
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

/// 读第一个参数作为所有联系人的地址；没有参数就用联系人表里课程的地址（返回 None）。
fn address_from_args() -> Result<Option<SocketAddr>, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => return Ok(None),
        [one] => one.as_str(),
        _ => return Err("参数太多了：只需要一个地址。".to_string()),
    };
    if text == "-h" || text == "--help" {
        println!("{USAGE}");
        std::process::exit(0);
    }
    text.parse().map(Some).map_err(|_| {
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:8081 或 [::1]:8081。")
    })
}

/// 把收发失败的原因翻译成学生能照着做的一句话。
fn exchange_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        // Linux、macOS 报 ConnectionRefused；Windows 把同一件事报成 ConnectionReset。
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => format!(
            "{addr} 上没有人在收消息（对方系统回答\"端口不可达\"）。\
             请先在另一个终端运行 cargo run -p qq_server。（{e}）"
        ),
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，{addr} 那边没有回复，客户端放弃：对方可能不在键盘前，\
             也可能数据报在路上丢了（UDP 不保证送达）。",
            REPLY_TIMEOUT.as_secs()
        ),
        _ => format!("和 {addr} 收发消息失败：{e}"),
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p qq_client | head -1`），
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
