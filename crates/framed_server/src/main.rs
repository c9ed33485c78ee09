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
//! 换个地址：cargo run -p framed_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口）
//! 放进自己的项目：cargo new my_framed_server，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 正常结束；1 运行中出错（端口被占用、报头说的长度超过上限、消息没收完连接就断了……）；
//!         2 参数写错了。

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
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
const USAGE: &str =
    "用法：framed_server [监听地址]    例如 127.0.0.1:8900（默认）、127.0.0.1:0、[::1]:8900";

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
    // 第 1～3 步：创建套接字、bind、listen，Rust 的 TcpListener::bind 一步做完。
    let listener = TcpListener::bind(addr).map_err(|e| bind_failure(addr, &e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址。
    let bound = listener
        .local_addr()
        .map_err(|e| format!("查询监听地址失败：{e}"))?;
    say(&format!("framed_server 正在监听 {bound}"))?;

    // 第 4 步：accept，等客户端连上来。
    let (mut conn, peer) = listener
        .accept()
        .map_err(|e| format!("接受连接失败：{e}"))?;
    say(&format!("客户端 {peer} 连上了"))?;
    conn.set_read_timeout(Some(READ_TIMEOUT))
        .map_err(|e| format!("设置读超时失败：{e}"))?;

    // 第 5 步：一条一条地收，直到客户端在两条消息之间关闭发送方向。
    let mut count = 0;
    let mut total = 0;
    loop {
        let number = count + 1;
        // 5a：报头。读不到任何字节说明客户端发完了，这是正常结束。
        let Some(length) = read_header(&mut conn, number, peer)? else {
            break;
        };
        // 5b：先核对长度，再分配内存。超过上限就不读正文，直接断开：这个连接已经没法信任了。
        if length > MAX_FRAME {
            return Err(format!(
                "第 {number} 条消息的报头说正文有 {length} 字节，超过上限 {MAX_FRAME} 字节，\
                 服务端不为它分配内存，断开连接。"
            ));
        }
        // 5c：正文。read_exact 读满 length 个字节才返回，TCP 把正文拆成几段送来都没关系。
        let mut body = vec![0u8; length];
        conn.read_exact(&mut body)
            .map_err(|e| body_failure(&e, number, length, peer))?;
        count = number;
        total += length;
        // 正文来自网络，可能不是 UTF-8，也可能夹着控制字符，所以只通过 printable 打印。
        say(&format!(
            "第 {number} 条消息（{length} 字节）：{}",
            shortened(&body)
        ))?;
    }
    say("客户端说消息发完了。")?;

    // 第 6 步：回复一条汇总。回复也是一条消息，同样先发 4 字节报头，再发正文。
    let summary = format!("服务端一共收到 {count} 条消息，{total} 字节");
    say(&format!("{summary}。把这句话回复给客户端，关闭连接。"))?;
    conn.write_all(&frame(summary.as_bytes()))
        .map_err(|e| format!("向客户端 {peer} 发送汇总失败（对方可能已经断开）：{e}"))?;

    // 第 7 步：close。conn 和 listener 离开作用域，Rust 自动关闭它们。
    Ok(())
}

/// 读 4 字节的报头，还原成正文长度。客户端在这之前就关闭了发送方向时返回 None。
fn read_header(
    conn: &mut TcpStream,
    number: usize,
    peer: SocketAddr,
) -> Result<Option<usize>, String> {
    let mut header = [0u8; HEADER_LEN];
    // 先读一次：读到 0 字节，说明客户端恰好在两条消息之间说了"发完了"。
    let first = loop {
        match conn.read(&mut header) {
            // 在终端里按 Ctrl-Z 暂停、再用 fg 继续时，设了超时的读会被打断（Linux 上就是这样），接着读就好。
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            result => break result.map_err(|e| read_failure(&e, peer))?,
        }
    };
    if first == 0 {
        return Ok(None);
    }
    // 报头本身也可能被拆开（比如只先到了 2 个字节），剩下的用 read_exact 补齐。
    conn.read_exact(&mut header[first..]).map_err(|e| {
        if e.kind() == ErrorKind::UnexpectedEof {
            format!("第 {number} 条消息的报头不完整：{HEADER_LEN} 字节的长度还没收齐，客户端就关闭了连接。")
        } else {
            read_failure(&e, peer)
        }
    })?;
    // 网络字节序就是大端：高位字节在前。Python 里是 struct.unpack('!I', header)。
    Ok(Some(u32::from_be_bytes(header) as usize))
}

/// 给一段正文加上报头：4 字节大端的长度，等于 Python 的 `struct.pack('!I', len(body)) + body`。
/// 报头和正文拼在一起一次发出去；分两次发也完全正确，因为接收方本来就不看对方分了几次发。
fn frame(body: &[u8]) -> Vec<u8> {
    // 这里只发自己写的短汇总，长度远小于 MAX_FRAME，一定装得进 u32。
    let mut framed = (body.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(body);
    framed
}

fn read_failure(e: &std::io::Error, peer: SocketAddr) -> String {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "客户端 {peer} {} 秒没有发来任何数据，服务端断开连接并退出。",
            READ_TIMEOUT.as_secs()
        ),
        _ => format!("从客户端 {peer} 读取数据失败：{e}"),
    }
}

fn body_failure(e: &std::io::Error, number: usize, length: usize, peer: SocketAddr) -> String {
    if e.kind() == ErrorKind::UnexpectedEof {
        format!(
            "第 {number} 条消息不完整：报头说正文有 {length} 字节，还没收齐客户端就关闭了连接。"
        )
    } else {
        read_failure(e, peer)
    }
}

/// 读第一个参数作为监听地址；没有参数就用默认地址。
fn address_from_args() -> Result<SocketAddr, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [one] => one.as_str(),
        _ => return Err("参数太多了：只需要一个监听地址。".to_string()),
    };
    if text == "-h" || text == "--help" {
        println!("{USAGE}");
        std::process::exit(0);
    }
    text.parse().map_err(|_| {
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:8900 或 [::1]:8900。")
    })
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着）。\
             先关掉它，或者换个端口：cargo run -p framed_server -- 127.0.0.1:0（{e}）"
        ),
        ErrorKind::PermissionDenied => {
            format!(
                "没有权限绑定 {addr}：Linux 上 1024 以下的端口需要管理员权限；\
                 Windows 上多半是这个端口被系统保留了（netsh interface ipv4 show excludedportrange protocol=tcp 能列出保留的端口）。\
                 请换一个端口，比如用 127.0.0.1:0 让系统挑一个（{e}）"
            )
        }
        ErrorKind::AddrNotAvailable => format!(
            "无法绑定 {addr}：这台机器上没有这个 IP，服务端只能绑定本机的地址，比如 127.0.0.1（{e}）"
        ),
        _ => format!("无法在 {addr} 上监听：{e}"),
    }
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

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p framed_server | head -1`），
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
