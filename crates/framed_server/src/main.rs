//! framed_server：黏包的解决办法——长度前缀。每条消息前面有 4 字节的报头，写明正文有多少字节。
//!
//! 它在 127.0.0.1:8900 上等一个客户端，一条一条地收消息：先读满 4 字节的报头
//! （大端，也就是网络字节序，和 Python 的 `struct.pack('!I', n)` 一样），再按报头里的长度读满正文。
//! 不管这些字节在路上怎么黏、怎么拆，每条消息都完整地、一条一条地出来。
//! 报头说的长度超过 64 KiB 时，服务端一个字节也不为它分配，说明一句就断开连接。
//! 客户端发完后，服务端回复一条同样带报头的汇总消息，然后退出。
//!
//! 试一试：
//!   终端 1：cargo run -p framed_server
//!   终端 2：cargo run -p framed_client
//!   也可以用 nc 手工拼一条消息：printf '\0\0\0\5hello' | nc -N 127.0.0.1 8900
//!   （-N 让 nc 在输入结束时告诉服务端"发完了"；macOS 的 nc 若不认识 -N，就去掉它、最后按 Ctrl-C。
//!   Windows 上没有 printf 和 nc，用 Python 发：sk.sendall(struct.pack('!I', 5) + b'hello')）
//!
//! 换个地址：cargo run -p framed_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口；
//!           localhost:8900、[::1]:8900 也行）
//! 放进自己的项目：cargo new my_framed_server，把本文件复制成 my_framed_server/src/main.rs
//! （不需要 cargo add 任何依赖），在 my_framed_server 目录里运行 cargo run -- 127.0.0.1:0。
//!
//! 退出码：0 正常结束；1 运行中出错（端口被占用、报头说的长度超过上限、消息没收完连接就断了……）；
//!         2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// 默认地址：本机回环地址，端口 8900（和 sticky_server 的 8899 错开，两个可以同时开着）。
const DEFAULT_ADDR: &str = "127.0.0.1:8900";
/// 报头的长度：4 字节无符号整数，对应 Python `struct` 的 `I`。
const HEADER_LEN: usize = 4;
/// 一条消息的正文最多多少字节。报头里的长度来自网络，可能是 0xFFFFFFFF（4 GiB）：
/// 先和这个上限比，再分配内存，对方就没法用 4 个字节让服务端去要 4 GiB 内存。
const MAX_FRAME: usize = 64 * 1024;
/// 客户端多久不发数据就放弃它：够在 nc 里慢慢敲字，又不会让服务端永远卡住。
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// 一条消息很长时，只显示开头这么多字节和结尾 SHOWN_TAIL 字节，中间写明省略了多少。
const SHOWN_HEAD: usize = 48;
const SHOWN_TAIL: usize = 16;

/// 课程的流程：bind、accept，一条一条地收"报头 + 正文"，直到客户端发完，回复一条汇总，close。
fn serve(addr: &str) -> Result<(), Failure> {
    // 1. bind + listen：Rust 的 TcpListener::bind 一步做完。端口写 0 时系统会挑一个空闲端口，
    //    所以打印的是真正绑定到的地址。
    let listener = TcpListener::bind(addr).map_err(|e| bind_failure(addr, &e))?;
    let bound = listener.local_addr()?;
    say(&format!("framed_server 正在监听 {bound}"))?;

    // 2. accept：等客户端连上来。
    let (mut conn, peer) = listener.accept()?;
    say(&format!("客户端 {peer} 连上了"))?;
    conn.set_read_timeout(Some(READ_TIMEOUT))?;

    let (mut count, mut total) = (0, 0);
    loop {
        let number = count + 1;
        // 3. 读满 4 字节的报头。一个字节都没有，说明客户端在两条消息之间说了"发完了"，正常结束。
        let header = recv_header(&mut conn).map_err(|e| header_failure(number, peer, &e))?;
        let Some(header) = header else { break };
        // 4. 网络字节序就是大端：高位字节在前。Python 里是 struct.unpack('!I', header)。
        let length = u32::from_be_bytes(header) as usize;
        // 5. 先核对长度，再分配内存。超过上限就不读正文，直接断开：这个连接已经没法信任了。
        if length > MAX_FRAME {
            return Err(too_long(number, length));
        }
        // 6. read_exact 读满 length 个字节才返回，TCP 把正文拆成几段送来都没关系。
        let mut body = vec![0u8; length];
        conn.read_exact(&mut body)
            .map_err(|e| body_failure(number, length, peer, &e))?;
        count = number;
        total += length;
        // 7. print：正文来自网络，可能不是 UTF-8，也可能夹着控制字符，所以只显示转义后的样子。
        say(&format!(
            "第 {number} 条消息（{length} 字节）：{}",
            shortened(&body)
        ))?;
    }
    say("客户端说消息发完了。")?;

    // 8. send：回复也是一条消息，同样先发 4 字节报头，再发正文。
    let summary = format!("服务端一共收到 {count} 条消息，{total} 字节");
    say(&format!("{summary}。把这句话回复给客户端，关闭连接。"))?;
    conn.write_all(&frame(summary.as_bytes()))
        .map_err(|e| send_failure(peer, &e))?;

    // 9. close：conn 和 listener 离开作用域，Rust 自动关闭它们。
    Ok(())
}

/// 读 4 字节的报头，就是 Python 的 recv_exact(conn, 4)：客户端在这之前就关闭了发送方向时返回 None。
fn recv_header(conn: &mut TcpStream) -> io::Result<Option<[u8; HEADER_LEN]>> {
    let mut header = [0u8; HEADER_LEN];
    // 先读一次：读到 0 字节，说明客户端恰好在两条消息之间说了"发完了"。
    let first = loop {
        match conn.read(&mut header) {
            // 在终端里按 Ctrl-Z 暂停、再用 fg 继续时，设了超时的读会被打断，接着读就好。
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            result => break result?,
        }
    };
    if first == 0 {
        return Ok(None);
    }
    // 报头本身也可能被拆开（比如只先到了 2 个字节），剩下的用 read_exact 补齐。
    conn.read_exact(&mut header[first..])?;
    Ok(Some(header))
}

/// 给一段正文加上报头：4 字节大端的长度，等于 Python 的 `struct.pack('!I', len(body)) + body`。
/// 报头和正文拼在一起一次发出去；分两次发也完全正确，因为接收方本来就不看对方分了几次发。
fn frame(body: &[u8]) -> Vec<u8> {
    // 这里只发自己写的短汇总，长度远小于 MAX_FRAME，一定装得进 u32。
    let mut framed = (body.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(body);
    framed
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
        .unwrap_or_else(|| "framed_server".to_string())
}

fn usage() -> String {
    format!(
        "用法：{} [监听地址]    例如 127.0.0.1:8900（默认）、127.0.0.1:0、localhost:8900、[::1]:8900",
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

/// 像 Python 一样接受 127.0.0.1:8900、localhost:8900、[::1]:8900；写错的格式和查不到的主机名各有一句说明。
fn check_address(text: &str) -> Result<(), String> {
    if text.parse::<SocketAddr>().is_ok() {
        return Ok(());
    }
    let wrong_form = || {
        format!(
            "参数错误：「{text}」不是 主机:端口 形式的地址，比如 127.0.0.1:8900、localhost:8900 或 [::1]:8900\
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
            "无法解析地址「{text}」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8900。"
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

fn header_failure(number: usize, peer: SocketAddr, e: &io::Error) -> Failure {
    if e.kind() == ErrorKind::UnexpectedEof {
        Failure(format!(
            "第 {number} 条消息的报头不完整：{HEADER_LEN} 字节的长度还没收齐，客户端就关闭了连接。"
        ))
    } else {
        read_failure(peer, e)
    }
}

fn too_long(number: usize, length: usize) -> Failure {
    Failure(format!(
        "第 {number} 条消息的报头说正文有 {length} 字节，超过上限 {MAX_FRAME} 字节，\
         服务端不为它分配内存，断开连接。"
    ))
}

fn body_failure(number: usize, length: usize, peer: SocketAddr, e: &io::Error) -> Failure {
    if e.kind() == ErrorKind::UnexpectedEof {
        Failure(format!(
            "第 {number} 条消息不完整：报头说正文有 {length} 字节，还没收齐客户端就关闭了连接。"
        ))
    } else {
        read_failure(peer, e)
    }
}

fn send_failure(peer: SocketAddr, e: &io::Error) -> Failure {
    Failure(format!(
        "向客户端 {peer} 发送汇总失败（对方可能已经断开）：{e}"
    ))
}

/// 很长的一段字节只显示开头和结尾，中间写明省略了多少字节。
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

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `framed_server | head -1`），
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
