//! time_server：课程里的 UDP 时间服务器。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:9000 上绑定一个 UDP 套接字，一直循环：
//! 收一个数据报（最多 1024 字节），打印 `===> 格式`，把它当成 strftime 的时间格式（比如 `%Y-%m-%d`），
//! 按这个格式写出本机的当前时间，发回给发来格式的那个地址。收到空数据报时用默认格式 `%Y-%m-%d %X`。
//! 和 Python 的 time.strftime 一样，`%Y %m %d %H %M %S %X %x %y %I %p %A %a %B %b %j %%`
//! 都能用，格式里也可以夹着中文，比如 `%Y年%m月%d日`。
//!
//! 试一试（在本仓库里）：
//!   终端 1：cargo run -p time_server
//!   终端 2：cargo run -p time_client，输入 %Y年%m月%d日 %H:%M:%S 回车
//!   也可以用 nc 当客户端：printf '%%H:%%M' | nc -u -w1 127.0.0.1 9000   （会收到现在几点几分）
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc 和 printf，装 Nmap 后运行 ncat -u 127.0.0.1 9000，
//!   输入 %H:%M 回车，看到回答后按 Ctrl-C；回车也会寄过去，所以回答末尾多一个换行）
//! 换个地址：cargo run -p time_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口；也可以写 localhost:9000）
//!
//! 放进自己的项目：cargo new my_time_server，进入 my_time_server 目录后运行
//! cargo add chrono --no-default-features --features clock（用来读本地时间、按格式输出），
//! 再把本文件复制成 src/main.rs，然后 cargo run，或者 cargo run -- 127.0.0.1:0。
//!
//! 退出码：服务端一直运行，按 Ctrl-C 结束；1 启动时出错（端口被占用……），或者输出写不出去了；2 参数写错了。
//! 客户端发来什么都不会让它退出：看不懂的格式只会换来一句以"错误："开头的回答。

use chrono::Local;
use std::fmt::{Display, Write as _};
use std::io::{self, ErrorKind, Write as _};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::Path;
use std::process::ExitCode;

/// 课程用的地址：本机回环地址 127.0.0.1，端口 9000。
const DEFAULT_ADDR: &str = "127.0.0.1:9000";
/// 一次最多收多少字节，对应 Python 的 `recvfrom(bufsize)`，课程里 bufsize = 1024。
const BUFFER_SIZE: usize = 1024;
/// 客户端发来空数据报时用的格式，和课程一样：年-月-日 时:分:秒。
const DEFAULT_FORMAT: &str = "%Y-%m-%d %X";

/// 课程的流程：bind，然后一直"收一个格式，打印它，按格式回答当前时间"。
fn serve(addr: SocketAddr) -> Result<(), Failure> {
    // 1～3. 创建 UDP 套接字、设 SO_REUSEADDR、bind。UdpSocket::bind 把创建和绑定一步做完；
    // SO_REUSEADDR 故意不设（std 的 bind 本来也不设）：它治的是 TCP 重启时的 TIME_WAIT，UDP 没有这回事；
    // 在 Linux 上它反而有害，第二个同样设了它的服务端也能绑定同一个端口，把发给这里的数据报抢走。
    let socket = UdpSocket::bind(addr).map_err(|e| bind_failure(addr, e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址（测试和演示脚本等的就是这一行）。
    let bound = socket.local_addr()?;
    say(format!("time_server 正在等待时间格式，地址 {bound}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];

    // 4. while True：一直回答下去。每个请求只是一个数据报，答完就忘，不用记住谁来过。
    // 课程最后的 close() 在死循环后面，永远执行不到；按 Ctrl-C 结束时由操作系统关闭套接字。
    loop {
        // 5. recvfrom：比 1024 字节长的数据报，多出来的部分被内核丢掉，和 Python 的 recvfrom(1024) 一样。
        let (n, peer) = match socket.recv_from(&mut buffer) {
            Ok(received) => received,
            // 一次收失败只丢这一个请求（见 report_receive_failure），服务端接着等下一个。
            Err(e) => {
                report_receive_failure(e);
                continue;
            }
        };
        let request = &buffer[..n];

        // 6. print('===>', msg)：收到就打印，一个请求一行。格式来自网络，先变成可以放心打印的文本。
        say(format!("===> {}", printable(request)))?;

        // 7～9. 选格式、解码、strftime（见 time_answer）。看不懂的格式换来一句错误回答，
        // 也照样发回去，让客户端知道发生了什么（课程的 Python 版遇到不是 UTF-8 的字节会直接崩溃）。
        let answer = match time_answer(request) {
            Ok(time) => time,
            Err(error) => {
                say(&error)?;
                error
            }
        };

        // 10. sendto：套接字没有和谁"连"在一起，所以每次都写明目的地址。发不出去只影响这一个请求。
        if let Err(e) = socket.send_to(answer.as_bytes(), peer) {
            eprintln!("回答发给 {peer} 失败，继续等待下一个请求。（{e}）");
        }
    }
}

/// 7～9. 按客户端发来的格式写出本地的当前时间。格式有问题时返回 Err：一句以"错误："开头、
/// 可以放心打印的说明（客户端发来的字节已经转义过）。
fn time_answer(request: &[u8]) -> Result<String, String> {
    // 7. 空数据报在 UDP 里也是一条真正的请求：和课程一样，改用默认格式。
    // 8. 否则把字节当成 UTF-8 文本（课程的 msg.decode('utf-8')）。
    let format = if request.is_empty() {
        DEFAULT_FORMAT
    } else {
        std::str::from_utf8(request)
            .map_err(|_| "错误：时间格式不是 UTF-8 文本，请用 UTF-8 编码发送。".to_string())?
    };
    // 9. strftime。chrono 的 format 写出时才逐个解释 %Y、%m……，遇到不认识的（比如 %Q）就返回错误。
    // 所以用 write! 写进 String，自己处理这个错误；.to_string() 在出错时会 panic，一个写错的格式就能让服务端崩掉。
    let mut time = String::new();
    write!(time, "{}", Local::now().format(format)).map_err(|_| {
        format!(
            "错误：无法识别的时间格式「{}」，可以试试 %Y-%m-%d %H:%M:%S",
            printable(request)
        )
    })?;
    Ok(time)
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let addr = match address_from_args() {
        Ok(addr) => addr,
        Err(message) => {
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

/// 程序失败时要告诉用户的那一句话。
struct Failure(String);

/// 学生一般碰不到的系统错误（查询地址失败之类）：照样是一句话，让 `?` 直接可用。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("网络操作失败：{e}"))
    }
}

fn usage() -> String {
    format!(
        "用法：{} [绑定地址]    例如 127.0.0.1:9000（默认）、127.0.0.1:0、localhost:9000、[::1]:9000",
        program_name()
    )
}

/// 用户运行的程序叫什么（可执行文件名，不带 .exe），用在"用法"里。
fn program_name() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .and_then(|path| Path::new(path).file_stem())
        .map_or("time_server".into(), |stem| {
            stem.to_string_lossy().into_owned()
        })
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

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着；课程里第一个 UDP 服务端默认也用 9000 端口）。\
             先关掉它，或者在运行命令的末尾加上地址参数 127.0.0.1:0，让系统挑一个空闲端口。（{e}）"
        ),
        ErrorKind::PermissionDenied => format!(
            "没有权限绑定 {addr}：Linux 上 1024 以下的端口需要管理员权限；\
             Windows 上多半是这个端口被系统保留了（netsh interface ipv4 show excludedportrange protocol=udp 能列出保留的端口）。\
             请换一个端口，比如用 127.0.0.1:0 让系统挑一个。（{e}）"
        ),
        ErrorKind::AddrNotAvailable => format!(
            "无法绑定 {addr}：这台机器上没有这个 IP，服务端只能绑定本机的地址，比如 127.0.0.1。（{e}）"
        ),
        _ => format!("无法绑定 {addr}：{e}"),
    })
}

/// 服务端不因为一次收失败就退出，说明一句，接着等下一个请求。Windows 上最常见的是 ConnectionReset：
/// 上一次回答的对方已经关掉了，对方系统回了个 ICMP"端口不可达"，它说的是过去的事；超长数据报在 Windows 上
/// 变成的 WSAEMSGSIZE 也一样，只丢了那一个请求。Interrupted 是在终端里按 Ctrl-Z 暂停、再 fg 继续时
/// 等待被打断了一下，不是出错，什么也不用说。
fn report_receive_failure(e: io::Error) {
    if e.raw_os_error() == Some(10040) {
        eprintln!(
            "收到一个超过 {BUFFER_SIZE} 字节的请求：Windows 不截断，而是把它当作错误整个丢掉，\
             寄件人的地址也没有了，没法回答。继续等待下一个请求。（{e}）"
        );
    } else if e.kind() != ErrorKind::Interrupted {
        eprintln!("接收数据报失败，继续等待下一个请求。（{e}）");
    }
}

/// 往 stdout 打印一行，代替 println!。每次都马上写出去，和课程的 print 一样：请求一到，屏幕上就有它。
/// 接收输出的程序先退出了的时候（比如 `time_server | head -3`），println! 会 panic；
/// 这里把它变成一个普通的失败：服务端没法再报告什么，用一句中文说明、以退出码 1 结束。
fn say(line: impl Display) -> Result<(), Failure> {
    writeln!(io::stdout(), "{line}").map_err(|e| {
        Failure(format!(
            "输出写不出去了（接收输出的程序可能已经退出），服务端停止。（{e}）"
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
