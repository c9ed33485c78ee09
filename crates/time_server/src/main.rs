//! time_server：课程里的 UDP 时间服务器。
//!
//! 和课程的 Python 版做同样的事：在 127.0.0.1:9000 上绑定一个 UDP 套接字，一直循环：
//! 收一个数据报（最多 1024 字节），把它当成 strftime 的时间格式（比如 `%Y-%m-%d`），
//! 按这个格式写出本机的当前时间，发回给发来格式的那个地址。收到空数据报时用默认格式 `%Y-%m-%d %X`。
//! 和 Python 的 time.strftime 一样，`%Y %m %d %H %M %S %X %x %y %I %p %A %a %B %b %j %%`
//! 都能用，格式里也可以夹着中文，比如 `%Y年%m月%d日`。
//!
//! 试一试：
//!   终端 1：cargo run -p time_server
//!   终端 2：cargo run -p time_client，输入 %Y年%m月%d日 %H:%M:%S 回车
//!   也可以用 nc 当客户端：printf '%%H:%%M' | nc -u -w1 127.0.0.1 9000   （会收到现在几点几分）
//!   （macOS 自带的 nc 写法相同；Windows 没有 nc 和 printf，装 Nmap 后运行 ncat -u 127.0.0.1 9000，
//!   输入 %H:%M 回车，看到回答后按 Ctrl-C；回车也会寄过去，所以回答末尾多一个换行）
//!
//! 换个地址：cargo run -p time_server -- 127.0.0.1:0    （端口 0：让系统挑一个空闲端口）
//! 放进自己的项目：cargo new my_time_server，进入目录后
//! cargo add chrono --no-default-features --features clock（用来读本地时间、按格式输出），
//! 再把本文件复制成 src/main.rs。
//!
//! 退出码：服务端一直运行，按 Ctrl-C 结束；1 启动时出错（端口被占用……），或者日志写不出去了；2 参数写错了。
//! 客户端发来什么都不会让它退出：看不懂的格式只会换来一句以"错误："开头的回答。

use chrono::Local;
use std::fmt::Write as _;
use std::io::{self, BufWriter, ErrorKind, Write as _};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// 课程用的地址：本机回环地址 127.0.0.1，端口 9000。
const DEFAULT_ADDR: &str = "127.0.0.1:9000";
/// 一次最多收多少字节，对应 Python 的 `recvfrom(bufsize)`，课程里 bufsize = 1024。
const BUFFER_SIZE: usize = 1024;
/// 客户端发来空数据报时用的格式，和课程一样：年-月-日 时:分:秒。
const DEFAULT_FORMAT: &str = "%Y-%m-%d %X";
/// 攒着的日志最多攒这么久就写到屏幕上。0.1 秒，看着屏幕的人觉察不到。
const LOG_FLUSH_AFTER: Duration = Duration::from_millis(100);
const USAGE: &str =
    "用法：time_server [绑定地址]    例如 127.0.0.1:9000（默认）、127.0.0.1:0、[::1]:9000";

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
    // 第 1～3 步：创建 UDP 套接字、设 SO_REUSEADDR、bind。UdpSocket::bind 把创建和绑定一步做完。
    // 中间那步课程的 SO_REUSEADDR 这里故意不设（std 的 bind 本来也不设）：它是给 TCP 用的——
    // TCP 服务端关掉后端口会在 TIME_WAIT 里停留一阵，重启时才需要它；UDP 没有连接，也就没有 TIME_WAIT，
    // 程序一退出端口马上空出来，设了也不会让重启更顺利。在 Linux 上它反而有害：
    // 第二个同样设了它的服务端也能绑定到同一个端口，把发给这里的数据报抢走。
    let socket = UdpSocket::bind(addr).map_err(|e| bind_failure(addr, &e))?;
    // 端口写 0 时系统会挑一个空闲端口，所以打印真正绑定到的地址，而不是参数里写的那个。
    let bound = socket
        .local_addr()
        .map_err(|e| format!("查询绑定地址失败：{e}"))?;

    // 每个请求的日志行先攒在内存里（BufWriter），隔一会儿再一起写出去：每写一次屏幕就是一次 write 系统调用，
    // 逐行写的话，每个请求都要多花这么一次（量出来的代价见 docs/benchmarks.md）。
    // 课程的 Python 在输出不是终端时也这样攒着写。什么时候写出去：
    // 请求停下来时，recv_from 最多等 LOG_FLUSH_AFTER 就超时，趁空写；请求不停时，离上次写出超过 LOG_FLUSH_AFTER 就写。
    let mut log = BufWriter::new(io::stdout().lock());
    // 第一行是就绪行，测试和演示脚本都在等它，所以写完马上 flush，不攒。
    writeln!(log, "time_server 正在等待时间格式，地址 {bound}").map_err(stdout_failure)?;
    log.flush().map_err(stdout_failure)?;
    let mut flushed_at = Instant::now();
    socket
        .set_read_timeout(Some(LOG_FLUSH_AFTER))
        .map_err(|e| format!("设置接收超时失败：{e}"))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    // 第 4 步：while True。服务端一直回答下去；每个请求只是一个数据报，答完就忘，不用记住谁来过。
    // 课程最后的 close() 在死循环后面，永远执行不到；这里也一样，按 Ctrl-C 结束时由操作系统关闭套接字。
    loop {
        // 第 5 步：recvfrom。比 1024 字节长的数据报，多出来的部分被内核丢掉，和 Python 的 recvfrom(1024) 一样
        // （Windows 上则是整个数据报变成一个 WSAEMSGSIZE 错误，走下面的错误分支）。
        let (received, peer) = match socket.recv_from(&mut buffer) {
            Ok((n, peer)) => (&buffer[..n], peer),
            // 一阵子没有请求（Unix 上是 WouldBlock，Windows 上是 TimedOut）：把攒着的日志写出去，接着等。
            // Interrupted 是在终端里按 Ctrl-Z 暂停、再 fg 继续时，等待被打断了一下，也只需接着等。
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                log.flush().map_err(stdout_failure)?;
                flushed_at = Instant::now();
                continue;
            }
            // 服务端不因为一次收失败就退出。Windows 上最常见的是 ConnectionReset：
            // 上一次回答的对方已经关掉了，对方系统回了个 ICMP"端口不可达"，它说的是过去的事，不影响继续收。
            // 超长数据报在 Windows 上的 WSAEMSGSIZE 也一样：只丢了那一个请求。
            Err(e) => {
                eprintln!("接收数据报失败，继续等待下一个请求。（{e}）");
                continue;
            }
        };

        // 第 6 步：打印收到的格式（课程的 print('===>', msg)）。它来自网络，先变成可以放心打印的文本。
        writeln!(log, "===> {}", printable(received)).map_err(stdout_failure)?;

        // 第 7～9 步：选格式（空数据报用默认格式），把字节当成 UTF-8 文本，按格式写出当前时间。
        // 看不懂的格式换来一句错误回答，也照样发回去，让客户端知道发生了什么
        // （课程的 Python 版遇到不是 UTF-8 的字节会直接崩溃）。
        let answer = match time_answer(received) {
            Ok(time) => time,
            Err(error) => {
                writeln!(log, "{error}").map_err(stdout_failure)?;
                error
            }
        };

        // 第 10 步：sendto。每次都写明目的地址，因为套接字并没有和谁"连"在一起。
        if let Err(e) = socket.send_to(answer.as_bytes(), peer) {
            // 发不出去只影响这一个请求，服务端接着等下一个。
            eprintln!("回答发给 {peer} 失败，继续等待下一个请求。（{e}）");
        }

        // 请求一个接一个、recv_from 总等不到超时的时候，日志也不能一直攒着：攒够 LOG_FLUSH_AFTER 就写出去。
        if flushed_at.elapsed() >= LOG_FLUSH_AFTER {
            log.flush().map_err(stdout_failure)?;
            flushed_at = Instant::now();
        }
    }
}

/// 按客户端发来的格式写出本地的当前时间。格式有问题时返回 Err：一句以"错误："开头、
/// 可以放心打印的说明（客户端发来的字节已经转义过）。
fn time_answer(request: &[u8]) -> Result<String, String> {
    // 空数据报在 UDP 里也是一条真正的请求：和课程一样，改用默认格式。
    let format = if request.is_empty() {
        DEFAULT_FORMAT
    } else {
        std::str::from_utf8(request)
            .map_err(|_| "错误：时间格式不是 UTF-8 文本，请用 UTF-8 编码发送。".to_string())?
    };

    // chrono 的 format 先不做事，写出的时候才逐个解释 %Y、%m……，遇到不认识的（比如 %Q）就返回 fmt::Error。
    // 所以用 write! 写进 String，自己处理这个错误；要是直接调用 to_string()，它在出错时会 panic，
    // 一个写错的格式就能让整个服务端崩掉。
    let mut time = String::new();
    write!(time, "{}", Local::now().format(format)).map_err(|_| {
        format!(
            "错误：无法识别的时间格式「{}」，可以试试 %Y-%m-%d %H:%M:%S",
            printable(request)
        )
    })?;
    Ok(time)
}

/// 日志写不出去，多半是接收输出的程序先退出了（比如 `time_server | head -3`）。服务端没法再报告什么，停下来。
fn stdout_failure(e: io::Error) -> String {
    format!("输出写不出去了（接收输出的程序可能已经退出），服务端停止。（{e}）")
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
        format!("参数错误：「{text}」不是 IP:端口 形式的地址，比如 127.0.0.1:9000 或 [::1]:9000。")
    })
}

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
fn bind_failure(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::AddrInUse => format!(
            "端口被占用：{addr} 已经有程序在用了（也许上一次的服务端还开着；课程里的 udp_server 默认也用 9000 端口）。\
             先关掉它，或者换个端口：cargo run -p time_server -- 127.0.0.1:0（{e}）"
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
