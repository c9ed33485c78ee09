//! qq_server：课程里仿 QQ 的 UDP 聊天服务端。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:8081 上绑定一个 UDP 套接字，一直循环：
//! 收一条消息（最多 1024 字节），打印它来自哪里，消息本身用蓝底粗体显示；
//! 然后由坐在键盘前的人输入一句回复，发回给发消息的那个地址。
//!
//! 试一试：
//!   终端 1：cargo run -p qq_server
//!   终端 2：cargo run -p qq_client，选一个联系人（比如 哪吒），输入消息回车
//!   回到终端 1，在"回复消息: "后面输入回复并回车，终端 2 就会显示它。
//!   也可以用 nc 当客户端：nc -u 127.0.0.1 8081，输入一行消息回车，服务端回复的内容会出现在 nc 里
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc，装 Nmap 后用它带的 ncat：ncat -u 127.0.0.1 8081）
//!
//! 换个地址：cargo run -p qq_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口）
//! 放进自己的项目：cargo new my_qq_server，进入目录后 cargo add colored（用来显示颜色），
//! 再把本文件复制成 src/main.rs。
//!
//! 颜色：colored 自己会判断——输出不是终端（比如重定向到文件）或者设置了环境变量 NO_COLOR 时不加颜色，
//! 设置了 CLICOLOR_FORCE=1 时一定加。这里不用再写这些判断。
//!
//! 退出码：0 输入结束（Ctrl-D，Windows 上是 Ctrl-Z 再回车）；1 运行中出错（端口被占用……）；2 参数写错了。

use colored::Colorize;
use std::io::{self, ErrorKind, Write};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;

/// 课程用的地址：本机回环地址 127.0.0.1，端口 8081。
const DEFAULT_ADDR: &str = "127.0.0.1:8081";
/// 一次最多收多少字节，对应 Python 的 `recvfrom(1024)`。
const BUFFER_SIZE: usize = 1024;
const USAGE: &str =
    "用法：qq_server [绑定地址]    例如 127.0.0.1:8081（默认）、127.0.0.1:0、[::1]:8081";

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
    // Windows 的老式控制台（cmd.exe）默认不认颜色转义序列，先请它打开；其他系统不需要这一步。
    #[cfg(windows)]
    let _ = colored::control::set_virtual_terminal(true);

    // 第 1、2 步：创建 UDP 套接字并 bind。UDP 不用 listen、没有 accept：谁往这个端口发数据报，谁就是聊天对象。
    let socket = UdpSocket::bind(addr).map_err(|e| bind_failure(addr, &e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    let bound = socket
        .local_addr()
        .map_err(|e| format!("查询绑定地址失败：{e}"))?;
    say(&format!("qq_server 正在等待消息，地址 {bound}"))?;

    let mut buffer = [0u8; BUFFER_SIZE];
    // 第 3 步：while True。服务端一直收下去，直到键盘那头输入结束。
    loop {
        // 第 4 步：recvfrom。在人输入回复的时候，别人发来的数据报由内核排好队等着，
        // 回复完这一条，下一次 recv_from 马上就能拿到下一条，一条也不会因为"正忙"而丢。
        // 比 1024 字节长的数据报，多出来的部分被内核丢掉，和 Python 的 recvfrom(1024) 一样。
        let (received, peer) = match socket.recv_from(&mut buffer) {
            Ok((n, peer)) => (&buffer[..n], peer),
            // 服务端不因为一次收失败就退出。Windows 上最常见的是 ConnectionReset：
            // 上一次回复的对方已经关掉了，对方系统回了个 ICMP"端口不可达"，它说的是过去的事，不影响继续收。
            Err(e) => {
                eprintln!("接收消息失败，继续等待下一条消息。（{e}）");
                continue;
            }
        };

        // 第 5 步：打印来处和消息。addr 是回信的唯一依据——UDP 没有连接，不记住它就不知道回给谁。
        // 消息来自网络，可能不是 UTF-8，也可能夹着控制字符，所以先变成安全的文本，再加上课程里的蓝底粗体
        // （课程写的 \033[1;44m…\033[0m，就是 colored 的 bold().on_blue()）。
        say(&format!(
            "来自[{}:{}]的一条消息:{}",
            peer.ip(),
            peer.port(),
            printable(received).bold().on_blue()
        ))?;

        // 第 6 步：input。等键盘那头的人输入一句回复；strip 掉首尾空白，Windows 终端的 \r\n 也就和 \n 一样了。
        let Some(reply) = read_line("回复消息: ")? else {
            // 输入结束（Ctrl-D）：没人能再回复了，正常退出。先换行，免得 shell 提示符接在"回复消息: "后面。
            say("")?;
            say("输入结束，qq_server 退出，再见。")?;
            return Ok(());
        };

        // 第 7 步：sendto。每次都写明目的地址，因为套接字并没有和谁"连"在一起。
        // 和课程一样，空行也照样发出去：UDP 里 0 字节的数据报也是一条真正的消息，对方会收到一条空回复。
        if let Err(e) = socket.send_to(reply.as_bytes(), peer) {
            // 发不出去只影响这一条回复，服务端接着收下一条消息。
            eprintln!("回复发给 {peer} 失败，继续等待下一条消息。（{e}）");
        }
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
            Ok(_) => return Ok(Some(line.trim().to_string())),
            // 终端的编码不是 UTF-8 时会走到这里；这一行已经读掉了，请用户重新输入。
            Err(e) if e.kind() == ErrorKind::InvalidData => {
                eprintln!("这一行不是 UTF-8 文本，没有发送，请重新输入。");
            }
            Err(e) => return Err(format!("读取键盘输入失败：{e}")),
        }
    }
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
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:8081 或 [::1]:8081。")
    })
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许另一个 qq_server 还开着）。\
             先关掉它，或者换个端口：cargo run -p qq_server -- 127.0.0.1:0（{e}）"
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

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p qq_server | head -1`），
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
