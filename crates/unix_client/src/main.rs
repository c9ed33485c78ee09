//! unix_client：基于文件的套接字（AF_UNIX）客户端。
//!
//! 课程第 3 部分只讲了 AF_UNIX 的概念，没有给程序。这里把课程的 TCP 客户端原样搬到 AF_UNIX 上：
//! 连接的不是"IP + 端口"，而是服务端创建的那个套接字文件；其余步骤不变——发送 `hello!`，
//! 收服务端的回复（最多 1024 字节）并打印，然后关闭连接。默认路径和 unix_server 一样，
//! 是系统临时目录里的 socket-lesson.sock（Linux 上就是 /tmp/socket-lesson.sock）。
//!
//! 试一试（要先有服务端）：
//!   终端 1：cargo run -p unix_server
//!           或者用 nc 当服务端：nc -lU /tmp/socket-lesson.sock（-U 表示 AF_UNIX，macOS 写法相同；
//!           nc 退出时不删文件：再次 nc -lU 之前先 rm /tmp/socket-lesson.sock，unix_server 则会自己清理）
//!   终端 2：cargo run -p unix_client
//!
//! 换个路径：cargo run -p unix_client -- /tmp/my.sock    （和服务端用同一个路径）
//! 只能在 Unix 类系统（Linux、macOS……）上运行；在 Windows 上也编译得过，但运行时只会说明那里用不了。
//! 放进自己的项目：cargo new my_client，把本文件复制成 my_client/src/main.rs（不需要 cargo add 任何依赖），
//! 在 my_client 里运行 cargo run -- /tmp/my.sock（服务端也用这个路径）。
//! 读代码：talk 是课程的流程；分隔线以下是让程序更结实的辅助函数，初读可以跳过。
//!
//! 退出码：0 收到了回复；1 连不上（没有套接字文件、文件没人监听……）、没有回复或连接出错；2 参数写错了。

use std::process::ExitCode;
#[cfg(unix)]
use std::{
    fs,
    io::{self, ErrorKind, Read, Write},
    os::unix::fs::FileTypeExt,
    os::unix::net::{SocketAddr, UnixStream},
    path::{Path, PathBuf},
    time::Duration,
};

/// 默认的套接字文件名，和 unix_server 一样放在系统的临时目录里。
#[cfg(unix)]
const SOCKET_FILE_NAME: &str = "socket-lesson.sock";
/// 一次最多收多少字节，和课程 TCP 客户端的 `sk.recv(1024)` 一样。
#[cfg(unix)]
const BUFFER_SIZE: usize = 1024;
/// 等回复最多等多久。本机上的服务端几毫秒就会回答，5 秒足够说明"它不会回答了"。
#[cfg(unix)]
const TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(unix)]
fn talk(path: &Path) -> Result<(), Failure> {
    // 第 1、2 步：创建套接字并 connect。地址是一个文件路径：内核按路径找到套接字文件，
    // 再找到在它上面监听的服务端。没有网络，也就没有握手要等，结果立刻就有。
    let mut conn = UnixStream::connect(path).map_err(|e| connect_failure(path, e))?;
    say(&format!("已连接到 {}", path.display()))?;

    // 第 3 步：send。write_all 保证整条消息都交给了内核。
    conn.write_all(b"hello!")
        .map_err(|e| Failure(format!("发送失败（服务端可能已经断开）：{e}")))?;
    say("已发送 hello!")?;

    // 第 4 步：recv。服务端不回答的话，read 会一直等，所以先给它一个期限。
    conn.set_read_timeout(Some(TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = conn.read(&mut buffer).map_err(read_failure)?;
    // 读到 0 字节表示服务端已经关闭了连接，一个字也没有回。
    if n == 0 {
        return Err(Failure("服务端没有回复就关闭了连接。".to_string()));
    }
    // 第 5 步：打印。回复来自另一个程序，先变成可以放心打印的文本。
    say(&format!("收到回复：{}", printable(&buffer[..n])))?;

    // 第 6 步：close。conn 离开作用域时 Rust 自动关闭它。
    Ok(())
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

#[cfg(unix)]
fn main() -> ExitCode {
    let path = match path_from_args() {
        Ok(path) => path,
        Err(message) => {
            eprintln!("{message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match talk(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 不是 Unix 的系统（比如 Windows）：Rust 标准库在那里没有 AF_UNIX，程序只说明这一点。
#[cfg(not(unix))]
fn main() -> ExitCode {
    eprintln!(
        "这个系统上用不了 AF_UNIX：Rust 标准库只在 Linux、macOS 这类 Unix 系统上提供它（std::os::unix::net）。\
         Windows 10 起系统本身也支持 AF_UNIX，但标准库没有提供；请在 Linux、macOS 或 WSL 里运行本程序。"
    );
    ExitCode::FAILURE
}

/// 程序失败时要对学生说的那一句话：main 把它打印到 stderr，以退出码 1 结束。
#[cfg(unix)]
struct Failure(String);

/// 学生能引起的失败（路径不对、服务端不回答……）都在出错的地方写了专门的说明；
/// 剩下的调用（设置超时）在正常的系统上不会失败，万一失败，就用这一句通用的话带上系统的说法。
/// 有了它，talk 里这些调用后面写一个 `?` 就行。
#[cfg(unix)]
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!(
            "系统调用意外失败了（和你给的参数无关，再运行一次试试）：{e}"
        ))
    }
}

/// 用法说明。程序名取自启动它的命令，复制到自己的项目、换了名字也照样对。
#[cfg(unix)]
fn usage() -> String {
    format!(
        "用法：{} [套接字文件路径]    \
         默认是临时目录里的 socket-lesson.sock（Linux 上是 /tmp/socket-lesson.sock），例如 /tmp/my.sock",
        program_name()
    )
}

/// 这个程序的名字：启动命令的第 0 个参数去掉目录和 .exe 这样的后缀；取不到时就说"本程序"。
#[cfg(unix)]
fn program_name() -> String {
    std::env::args_os()
        .next()
        .and_then(|arg0| {
            Path::new(&arg0)
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "本程序".to_string())
}

/// 读第一个参数作为套接字文件的路径；没有参数就用临时目录里的默认文件。
#[cfg(unix)]
fn path_from_args() -> Result<PathBuf, String> {
    // args_os：路径不一定是合法的 UTF-8，原样保留，也就不会因此 panic。
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let path = match args.as_slice() {
        [] => std::env::temp_dir().join(SOCKET_FILE_NAME),
        [one] => PathBuf::from(one),
        _ => return Err("参数太多了：只需要一个套接字文件的路径。".to_string()),
    };
    if path.as_os_str() == "-h" || path.as_os_str() == "--help" {
        // 用 writeln! 而不是 println!：`--help | head -0` 这样没人读输出时也不会 panic。
        let _ = writeln!(io::stdout(), "{}", usage());
        std::process::exit(0);
    }
    if path.as_os_str().is_empty() {
        return Err("参数错误：路径不能是空的。".to_string());
    }
    // AF_UNIX 的地址放在一个固定大小的数组里：路径在 Linux 上最多 107 字节，macOS 上最多 103 字节。
    SocketAddr::from_pathname(&path).map_err(|e| {
        format!(
            "参数错误：路径 {} 有 {} 字节，太长了：AF_UNIX 的路径在 Linux 上最多 107 字节，\
             macOS 上最多 103 字节，请换一个短一点的，比如 /tmp/lesson.sock。（{e}）",
            path.display(),
            path.as_os_str().len()
        )
    })?;
    Ok(path)
}

/// 把 connect 失败的原因翻译成学生能照着做的一句话。
#[cfg(unix)]
fn connect_failure(path: &Path, e: io::Error) -> Failure {
    let shown = path.display();
    // 连一个普通文件也会得到"连接被拒绝"，所以先看看那里到底是不是套接字文件。
    let is_socket = fs::metadata(path).is_ok_and(|m| m.file_type().is_socket());
    Failure(match e.kind() {
        ErrorKind::NotFound => format!(
            "连接失败：{shown} 不存在，还没有服务端创建这个套接字文件。\
             请先在另一个终端启动服务端（两边要用同一个路径）。（{e}）"
        ),
        ErrorKind::ConnectionRefused if !is_socket => format!(
            "连接失败：{shown} 不是套接字文件（是普通文件或目录），没法连接。请检查路径是否写对。（{e}）"
        ),
        ErrorKind::ConnectionRefused => format!(
            "连接失败：{shown} 是套接字文件，但没有服务端在监听，多半是上次的服务端被 Ctrl-C 打断后留下的旧文件。\
             请重新启动服务端：本课的 unix_server 会自己清理旧文件，别的服务端可能要你先删掉它。（{e}）"
        ),
        ErrorKind::PermissionDenied => format!(
            "连接失败：没有权限访问 {shown}，套接字文件或它所在的目录不让你读写。请检查权限，或者换个路径。（{e}）"
        ),
        _ => format!("连接 {shown} 失败：{e}"),
    })
}

/// 把 recv 失败的原因翻译成一句话：最常见的是服务端一直不回答，读超时到了。
#[cfg(unix)]
fn read_failure(e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "等了 {} 秒，服务端还是没有回复，客户端放弃。",
            TIMEOUT.as_secs()
        ),
        _ => format!("读取服务端的回复失败：{e}"),
    })
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `unix_client | head -1`），
/// println! 会 panic；这里把它变成一个普通的错误，和别的错误一样用一句中文报告、以退出码 1 结束。
#[cfg(unix)]
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
#[cfg(unix)]
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
