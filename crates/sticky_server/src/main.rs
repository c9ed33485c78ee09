//! sticky_server：课程预告的下一课——黏包。这个服务端让你亲眼看到 TCP 不记消息边界。
//!
//! 它在 127.0.0.1:8899 上等一个客户端，连上以后先"忙"半秒钟不去读，然后一次最多读 1024 字节
//! （和课程的 `recv(1024)` 一样），把每次读到的东西原样报出来，一直读到客户端说"发完了"。
//! 客户端分 6 次发送，服务端却只读 3 次：前 5 条短消息黏在了一起，3000 字节的长消息被拆成了几段。
//! 最后它把"一共 recv 了几次、几个字节"回复给客户端，关掉连接后退出。
//!
//! 试一试：
//!   终端 1：cargo run -p sticky_server
//!   终端 2：cargo run -p sticky_client
//!   也可以用 nc 当客户端：{ printf hello; sleep 0.1; printf world; } | nc -N 127.0.0.1 8899
//!   （服务端一次读到 helloworld。-N 让 nc 在输入结束时告诉服务端"发完了"；macOS 的 nc 若不认识 -N，
//!   就去掉它、最后按 Ctrl-C。Windows 没有 nc，装 Nmap 后运行 ncat 127.0.0.1 8899，敲完按 Ctrl-Z 再回车）
//!
//! 换个地址：cargo run -p sticky_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口；
//!           localhost:8899、[::1]:8899 也行）
//! 放进自己的项目：cargo new my_sticky_server，把本文件复制成 my_sticky_server/src/main.rs
//! （不需要 cargo add 任何依赖），在 my_sticky_server 目录里运行 cargo run -- 127.0.0.1:0。
//!
//! 退出码：0 正常结束；1 运行中出错（端口被占用、客户端一直不说话、连接断了……）；2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::Path;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

/// 默认地址：本机回环地址，端口 8899（和课程前面的 TCP 程序错开，两课的程序可以同时开着）。
const DEFAULT_ADDR: &str = "127.0.0.1:8899";
/// 一次最多读多少字节，对应 Python 的 `conn.recv(1024)`。
const BUFFER_SIZE: usize = 1024;
/// 连上以后先不读，"忙"这么久。这正是这一课要演示的事，不是为了同步而凑的等待：
/// 真实的服务端也常常在忙别的，等它回来读的时候，客户端分几次发来的字节早已在内核里连成一片，
/// 一次 recv 就全拿走了。不等的话，本机上多半也会黏，只是每次运行黏法不同，不好讲。
const BUSY_BEFORE_READING: Duration = Duration::from_millis(500);
/// 客户端多久不发数据就放弃它：够在 nc 里慢慢敲字，又不会让服务端永远卡住。
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// 一次读到的内容很长时，只显示开头这么多字节和结尾 SHOWN_TAIL 字节，中间写明省略了多少。
const SHOWN_HEAD: usize = 48;
const SHOWN_TAIL: usize = 16;

/// 课程的流程：bind、accept、（忙一会儿）、一遍遍 recv 直到对方发完、回复汇总、close。
fn serve(addr: &str) -> Result<(), Failure> {
    // 1. bind + listen：Rust 的 TcpListener::bind 一步做完。端口写 0 时系统会挑一个空闲端口，
    //    所以打印的是真正绑定到的地址。
    let listener = TcpListener::bind(addr).map_err(|e| bind_failure(addr, &e))?;
    let bound = listener.local_addr()?;
    say(&format!("sticky_server 正在监听 {bound}"))?;

    // 2. accept：等客户端连上来。
    let (mut conn, peer) = listener.accept()?;
    say(&format!("客户端 {peer} 连上了"))?;

    // 3. 服务端"忙"一会儿。这段时间客户端照样在发，字节先堆在服务端内核的接收缓冲区里，
    //    在那里只是一串连续的字节，分不出是哪一次 send 发来的。
    say(&format!(
        "先忙 {} 毫秒不去读，客户端发来的字节都堆在内核的接收缓冲区里……",
        BUSY_BEFORE_READING.as_millis()
    ))?;
    thread::sleep(BUSY_BEFORE_READING);
    say(&format!("忙完了，开始 recv，每次最多 {BUFFER_SIZE} 字节："))?;

    conn.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let (mut reads, mut total) = (0, 0);
    loop {
        // 4. recv：拿走"当时已经到了的字节，最多 1024 个"，和对方当初分几次发送毫无关系。
        let n = match conn.read(&mut buffer) {
            // 5. 读到 0 字节：客户端关掉了它发送的那一半连接（或者整个连接），不会再有数据了。
            Ok(0) => break,
            Ok(n) => n,
            // 在终端里按 Ctrl-Z 暂停、再用 fg 继续时，设了超时的读会被打断，接着读就好。
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_failure(peer, &e)),
        };
        reads += 1;
        total += n;
        // 6. print：对方发来的可能不是 UTF-8，也可能夹着控制字符，所以只显示转义后的样子。
        say(&format!(
            "第 {reads} 次 recv 读到 {n} 字节：{}",
            shortened(&buffer[..n])
        ))?;
    }
    say("recv 读到 0 字节：客户端说数据发完了。")?;

    // 7. send：把统计结果告诉客户端，它就能把"发了几次"和"收了几次"摆在一起看。
    let summary = format!("服务端一共 recv 了 {reads} 次，收到 {total} 字节");
    say(&format!("{summary}。把这句话回复给客户端，关闭连接。"))?;
    conn.write_all(summary.as_bytes())
        .map_err(|e| send_failure(peer, &e))?;

    // 8. close：conn 和 listener 离开作用域，Rust 自动关闭它们。
    Ok(())
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
            eprintln!("{message}");
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

/// 程序停下的原因：一句给人看的中文，main 把它打印出来、以退出码 1 结束。
struct Failure(String);

/// 学生的操作几乎不会引起的系统错误（查询地址、设置超时、accept 失败……）：带上系统的原话就够了。
/// 有了它，流程里这些调用只要写一个 `?`。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("系统报告了一个意外的错误，程序停止：{e}"))
    }
}

/// 程序的名字：用户实际运行的那个文件名（复制到自己的项目里，就是那个项目的名字）。
fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|arg0| Some(Path::new(&arg0).file_stem()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "sticky_server".to_string())
}

fn usage() -> String {
    format!(
        "用法：{} [监听地址]    例如 127.0.0.1:8899（默认）、127.0.0.1:0、localhost:8899、[::1]:8899",
        program_name()
    )
}

/// 读第一个参数作为监听地址（没有参数就用默认地址），确认它是"主机:端口"、主机名查得到。
/// 出错时返回要打印的话（退出码 2）。
fn address_from_args() -> Result<String, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err(format!("参数太多了：只需要一个监听地址。\n{}", usage())),
    };
    if text == "-h" || text == "--help" {
        // stdout 已经关掉时也不 panic：帮助没打印出来，退出码照样是 0。
        let _ = writeln!(io::stdout(), "{}", usage());
        std::process::exit(0);
    }
    check_address(text)?;
    Ok(text.to_string())
}

/// 像 Python 一样接受 127.0.0.1:8899、localhost:8899、[::1]:8899；写错的格式和查不到的主机名各有一句说明。
fn check_address(text: &str) -> Result<(), String> {
    if text.parse::<SocketAddr>().is_ok() {
        return Ok(());
    }
    let wrong_form = || {
        format!(
            "参数错误：「{text}」不是 主机:端口 形式的地址，比如 127.0.0.1:8899、localhost:8899 或 [::1]:8899\
             （IPv6 地址要放在方括号里）。\n{}",
            usage()
        )
    };
    let (host, port) = text.rsplit_once(':').ok_or_else(wrong_form)?;
    let bare_ipv6 = host.contains(':') && !(host.starts_with('[') && host.ends_with(']'));
    if host.is_empty() || bare_ipv6 || port.parse::<u16>().is_err() {
        return Err(wrong_form());
    }
    match text.to_socket_addrs() {
        Ok(found) if found.len() > 0 => Ok(()),
        _ => Err(format!(
            "无法解析地址「{text}」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8899。"
        )),
    }
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: &str, e: &io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着）。\
             先关掉它，或者换个端口：在运行命令的末尾加上地址参数 127.0.0.1:0，让系统挑一个空闲端口\
             （用 cargo run 运行时写成 cargo run -- 127.0.0.1:0）。（{e}）"
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

fn read_failure(peer: SocketAddr, e: &io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "客户端 {peer} {} 秒没有发来任何数据，服务端断开连接并退出。",
            READ_TIMEOUT.as_secs()
        ),
        _ => format!("从客户端 {peer} 读取数据失败：{e}"),
    })
}

fn send_failure(peer: SocketAddr, e: &io::Error) -> Failure {
    Failure(format!(
        "向客户端 {peer} 发送汇总失败（对方可能已经断开）：{e}"
    ))
}

/// 很长的一段字节只显示开头和结尾，中间写明省略了多少字节：满屏的数字看不出黏在哪里、拆在哪里。
/// 切口退到一个字符的开头，免得把一个汉字的 3 个字节切成两半、显示成 �。
fn shortened(bytes: &[u8]) -> String {
    if bytes.len() <= SHOWN_HEAD + SHOWN_TAIL {
        return printable(bytes);
    }
    let head_end = char_start(bytes, SHOWN_HEAD);
    let tail_start = char_start(bytes, bytes.len() - SHOWN_TAIL);
    format!(
        "{}…（中间省略 {} 字节）…{}",
        printable(&bytes[..head_end]),
        tail_start - head_end,
        printable(&bytes[tail_start..])
    )
}

/// 从下标 `at` 往回退到一个 UTF-8 字符的开头（最多退 3 步：一个字符最多 4 个字节）。
fn char_start(bytes: &[u8], mut at: usize) -> usize {
    for _ in 0..3 {
        // 0b10xx_xxxx 是多字节字符的后续字节，不能从这里切开。
        if at > 0 && bytes[at] & 0b1100_0000 == 0b1000_0000 {
            at -= 1;
        }
    }
    at
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `sticky_server | head -1`），
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
