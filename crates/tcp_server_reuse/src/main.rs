//! tcp_server_reuse：课程里"重启服务端时遇到 Address already in use"那一段的服务端。
//!
//! 做的事和 tcp_server 一样：在 127.0.0.1:8898 上监听，等一个客户端连上来，收一条消息
//! （最多 1024 字节）并打印，回一句 `hi`，关掉连接后退出。不同的是监听套接字像 Python 版那样
//! 一步一步地建：创建套接字 → 在 bind 之前设置 SO_REUSEADDR → bind → listen。
//! 加上 `--no-reuse` 就跳过 SO_REUSEADDR，用来亲眼看到课程里的那个错误。
//!
//! 试一试（Linux 和 macOS 上）：
//!   终端 1：cargo run -p tcp_server_reuse
//!   终端 2：cargo run -p tcp_client         （或者用 nc 当客户端：nc 127.0.0.1 8898，输入 hello! 再回车）
//!   服务端回完 hi 退出后，马上在终端 1 再运行一次同样的命令：照样能启动，这就是 SO_REUSEADDR 的作用。
//!   再让客户端连一次，然后马上运行 cargo run -p tcp_server_reuse -- --no-reuse：
//!   这次会报端口被占用，也就是课程里的 Address already in use。
//!   用 ss -tan | grep 8898（macOS 上 netstat -an | grep 8898）能看到占着端口的 TIME-WAIT 连接，
//!   大约一分钟后它消失，--no-reuse 也就能启动了。
//!
//! Windows 上不一样：那里的 SO_REUSEADDR 允许绑定别的套接字正在用的端口，哪怕对方正在监听，
//!   所以同一个用户运行的第二个程序设了它，就能把端口抢过去，之后新连接交给谁说不准
//!   （想独占端口，Windows 另有 SO_EXCLUSIVEADDRUSE）。Windows 也不会因为 TIME_WAIT 拒绝不设选项的 bind，
//!   所以上面的 --no-reuse 马上重启照样成功，看不到课程里的错误。在 Windows 上 --no-reuse 能让你看到的是抢端口：
//!   先在终端 3 运行 cargo run -p tcp_server 占住 8898，这时 --no-reuse 报端口被占用，不加它却照样能启动。
//!
//! 换个地址：cargo run -p tcp_server_reuse -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口）
//!           两个参数顺序随意：cargo run -p tcp_server_reuse -- --no-reuse 127.0.0.1:54321
//!           地址也可以写 localhost:8898 或 [::1]:8898。
//!
//! 课程的步骤在最上面的 serve、listen 和 handle_client 里；分隔线以下是让程序更结实的辅助函数，初读可以跳过。
//!
//! 放进自己的项目：cargo new my_server，cd my_server，cargo add socket2，再把本文件复制成 src/main.rs，
//! 然后 cargo run -- 127.0.0.1:0（加 --no-reuse：cargo run -- --no-reuse 127.0.0.1:0）。
//!
//! 退出码：0 正常结束；1 运行中出错（端口被占用、客户端一直不说话……）；2 参数写错了。

use socket2::{Domain, Protocol, Socket, Type};
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
/// listen 的排队长度：还没被 accept 的连接最多排这么多个。这个程序只接一个连接，128 绰绰有余，
/// 也和 Rust 标准库自己用的值一样。
const BACKLOG: i32 = 128;

fn serve(options: &Options) -> Result<(), Failure> {
    // 第 1～5 步在 listen 里。名字可能对应好几个地址（localhost 常常是 ::1 和 127.0.0.1），
    // 像标准库的 TcpListener::bind 那样挨个试，用第一个绑得上的。
    let listener = try_each_address(&options.addr, |addr| listen(addr, options.reuse_address))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    let bound = listener.local_addr()?;
    say(&format!(
        "tcp_server_reuse（{}）正在监听 {bound}",
        reuse_note(options)
    ))?;

    // 第 6 步：accept 一直等到有客户端连上来——这就是"先启动服务端，再启动客户端"的原因。
    let (conn, peer) = listener.accept()?;
    handle_client(conn, peer)
}

/// 像 Python 版那样一步一步建监听套接字，然后交给标准库的 TcpListener。
///
/// 为什么要用 socket2：Rust 标准库的 `TcpListener::bind` 在 Unix 上已经悄悄设置了 SO_REUSEADDR，
/// 所以普通的 tcp_server 在 Linux、macOS 上永远不会出现课程里的这个错误；标准库又没有提供
/// "bind 之前设置选项"的办法。socket2 把 socket、setsockopt、bind、listen 拆开给我们，
/// 才能决定设不设置这个选项。
fn listen(addr: SocketAddr, reuse_address: bool) -> Result<TcpListener, Failure> {
    // 第 1 步：创建 TCP 套接字。地址族（IPv4 还是 IPv6）跟着要绑定的地址走。
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(|e| Failure(format!("创建套接字失败：{e}")))?;
    if reuse_address {
        // 第 2 步：课程加的那一行 setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)，而且必须在 bind 之前。
        // 服务端先关闭连接，它这一头的旧连接会在 TIME_WAIT 里停留大约一分钟（防止迟到的数据包
        // 混进新连接），这段时间里重新 bind 同一个端口会失败；设了它，bind 就可以越过这些旧连接，
        // 但还有程序正在这个端口上监听时，照样绑定不了。Linux 上留下 TIME_WAIT 的那一次运行
        // 也必须设过它，所以每次都要设。Windows 上它的含义不同（允许抢占别人正在监听的端口），
        // 标准库在 Windows 上也不设它。
        socket.set_reuse_address(true)?;
    }
    // 第 3 步：bind，把套接字绑定到地址上。Address already in use 就出在这一步。
    socket
        .bind(&addr.into())
        .map_err(|e| bind_failure(addr, reuse_address, e))?;
    // 第 4 步：listen，内核开始为这个端口排队新连接。
    socket.listen(BACKLOG)?;
    // 第 5 步：换成标准库的 TcpListener，内核里什么也没变，后面的写法和 tcp_server 一样。
    Ok(socket.into())
}

/// 和一个客户端的一次对话，和 tcp_server 的一样。出了错就把原因返回给调用者。
fn handle_client(mut conn: TcpStream, peer: SocketAddr) -> Result<(), Failure> {
    say(&format!("客户端 {peer} 连上了"))?;

    // 第 7 步：recv，最多 1024 字节，多出来的留在内核里。先设读超时，不说话的客户端就拖不住服务端。
    conn.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = conn.read(&mut buffer).map_err(|e| read_failure(peer, e))?;
    if n == 0 {
        // 读到 0 字节表示对方已经关闭了连接，不是"收到一条空消息"。
        return say("客户端没有发送任何数据就关闭了连接。");
    }
    // 第 8 步：print。对方发来的可能不是 UTF-8，也可能夹着控制字符，所以先变成安全的文本。
    say(&format!("收到 {n} 字节：{}", printable(&buffer[..n])))?;

    // 第 9 步：send。write_all 保证两个字节都交给了内核（Python 的 send 可能只发出一部分）。
    conn.write_all(b"hi").map_err(|e| send_failure(peer, e))?;
    say("已回复 hi，关闭连接。")
    // 第 10 步：conn 和 listener 离开作用域，Rust 自动关闭它们。服务端先关闭，
    // 所以这条连接在服务端这一头会进入 TIME_WAIT——下次重启撞上的就是它。
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let options = match options_from_args() {
        Ok(options) => options,
        Err(Failure(message)) => {
            eprintln!("{message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 一次失败：一句给人看的中文，main 把它打印到 stderr。
struct Failure(String);

/// 学生的操作一般引不起的失败（比如创建套接字失败），用一句通用的话报告。
/// 有了它，流程里直接写 `?` 就行；学生可能引起的失败则在出错的地方用 map_err 说清楚。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("意外的系统错误：{e}"))
    }
}

/// 命令行决定的两件事。
struct Options {
    /// 监听地址，原样保留学生写的文字（比如 localhost:8898），检查过能解析。
    addr: String,
    /// 是否在 bind 之前设置 SO_REUSEADDR（默认设置，`--no-reuse` 关掉）。
    reuse_address: bool,
}

/// 跳过 SO_REUSEADDR 的开关。
const NO_REUSE_FLAG: &str = "--no-reuse";

/// 读参数：可选的 `--no-reuse` 和可选的监听地址，顺序随意；没有地址就用课程的地址。
fn options_from_args() -> Result<Options, Failure> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    if args.len() > 2 {
        let message = "参数太多了：最多一个 --no-reuse 和一个监听地址。";
        return Err(Failure(message.to_string()));
    }
    let mut reuse_address = true;
    let mut addr_text = None;
    for arg in &args {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            NO_REUSE_FLAG if reuse_address => reuse_address = false,
            NO_REUSE_FLAG => {
                return Err(Failure("参数错误：--no-reuse 只需要写一次。".to_string()));
            }
            option if option.starts_with('-') => {
                return Err(Failure(format!(
                    "参数错误：不认识的选项「{option}」，这个程序只有 --no-reuse 一个选项。"
                )));
            }
            text if addr_text.is_none() => addr_text = Some(text),
            _ => return Err(Failure("参数太多了：只需要一个监听地址。".to_string())),
        }
    }
    let addr = addr_text.unwrap_or(DEFAULT_ADDR);
    check_address(addr)?;
    Ok(Options {
        addr: addr.to_string(),
        reuse_address,
    })
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
        .unwrap_or_else(|| "tcp_server_reuse".to_string());
    format!(
        "用法：{program} [--no-reuse] [监听地址]    \
         例如 127.0.0.1:8898（默认）、localhost:8898、127.0.0.1:0、[::1]:8898；\
         --no-reuse 表示不设置 SO_REUSEADDR，用来重现课程里的 Address already in use"
    )
}

/// 就绪行里说明这次有没有设置 SO_REUSEADDR。
fn reuse_note(options: &Options) -> &'static str {
    if options.reuse_address {
        "SO_REUSEADDR 已开启"
    } else {
        "未设置 SO_REUSEADDR"
    }
}

/// 一个名字可能解析出好几个地址（比如 localhost 常常是 ::1 和 127.0.0.1）。像标准库的
/// TcpListener::bind 那样挨个试 `attempt`，返回第一个成功的结果；全都失败就返回最后一个错误。
fn try_each_address<T>(
    addr: &str,
    mut attempt: impl FnMut(SocketAddr) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let mut last_error = Failure(format!("「{addr}」没有解析出任何地址。"));
    for one in addr.to_socket_addrs()? {
        match attempt(one) {
            Ok(done) => return Ok(done),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, reuse_address: bool, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::AddrInUse if !reuse_address => format!(
            "端口被占用（这就是课程里的 Address already in use）：{addr} 还被上一次运行留下的连接占着——\
             服务端先关闭的连接要在 TIME_WAIT 里停留一阵（Linux 上约 60 秒），也可能服务端还开着。\
             去掉 --no-reuse 运行，服务端会在 bind 前设置 SO_REUSEADDR，重启时就不会被它自己留下的 TIME_WAIT 挡住（{e}）"
        ),
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 上多半有别的程序正在监听，SO_REUSEADDR 只能越过 TIME_WAIT 里的旧连接，\
             Linux 不允许两个程序同时监听同一个端口（要是上一次在这个端口上运行时没设 SO_REUSEADDR，\
             比如用了 --no-reuse，它留下的 TIME_WAIT 在 Linux 上也会挡住这一次，大约一分钟后就好）。\
             先关掉那个程序，或者换个端口：在运行命令的末尾加上地址参数 127.0.0.1:0，让系统挑一个空闲端口（{e}）"
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
