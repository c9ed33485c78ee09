//! unix_server：基于文件的套接字（AF_UNIX）服务端。
//!
//! 课程第 3 部分只讲了 AF_UNIX 的概念，没有给程序。这里把课程的 TCP 服务端原样搬到 AF_UNIX 上：
//! 地址从"IP + 端口"换成一个文件路径，其余步骤不变——等一个客户端连上来，收一条消息（最多 1024 字节）
//! 并打印，回一句 `hi`，然后退出。默认路径是系统临时目录里的 socket-lesson.sock
//! （Linux 上就是 /tmp/socket-lesson.sock；macOS 上在 $TMPDIR 里，看服务端打印的第一行）。
//!
//! 试一试（和 TCP 一样，要先有服务端）：
//!   终端 1：cargo run -p unix_server
//!   终端 2：cargo run -p unix_client
//!   也可以用 nc 当客户端：nc -U /tmp/socket-lesson.sock，输入 hello! 再回车
//!   （-U 表示 AF_UNIX；macOS 自带的 nc 写法相同，路径换成服务端第一行打印的那个）
//!   趁服务端还在等的时候看一眼这个文件：ls -l /tmp/socket-lesson.sock（类型那一栏是 s）
//!
//! 换个路径：cargo run -p unix_server -- /tmp/my.sock    （客户端也要给同一个路径）
//! 放进自己的项目：cargo new my_server，把本文件复制成 my_server/src/main.rs（不需要 cargo add 任何依赖），
//! 在 my_server 里运行 cargo run -- /tmp/my.sock。
//!
//! 套接字文件：正常结束或出错退出时，服务端都会删掉自己创建的文件。按 Ctrl-C 时删不了（见 serve 里的说明），
//! 文件会留下；下次启动时服务端发现它没人监听，就把它当作旧文件删掉，并说一声。
//! 只能在 Unix 类系统（Linux、macOS……）上运行；在 Windows 上也编译得过，但运行时只会说明那里用不了。
//! 读代码：serve 是课程的流程；分隔线以下是让程序更结实的辅助函数，初读可以跳过。
//!
//! 退出码：0 正常结束；1 运行中出错（路径上已经有服务端或普通文件、客户端一直不说话、不是 Unix 系统……）；
//! 2 参数写错了。

use std::process::ExitCode;
#[cfg(unix)]
use std::{
    fs,
    io::{self, ErrorKind, Read, Write},
    os::unix::fs::FileTypeExt,
    os::unix::net::{SocketAddr, UnixListener, UnixStream},
    path::{Path, PathBuf},
    time::Duration,
};

/// 默认的套接字文件名，放在系统的临时目录里：那里谁都能写，重启后也会被清空。
#[cfg(unix)]
const SOCKET_FILE_NAME: &str = "socket-lesson.sock";
/// 一次最多收多少字节，和课程 TCP 服务端的 `conn.recv(1024)` 一样。
#[cfg(unix)]
const BUFFER_SIZE: usize = 1024;
/// 客户端连上以后最多等它多久：够在 nc 里慢慢敲一行字，又不会让服务端永远卡住。
#[cfg(unix)]
const READ_TIMEOUT: Duration = Duration::from_secs(30);

#[cfg(unix)]
fn serve(path: &Path) -> Result<(), Failure> {
    // 第 0 步（TCP 里没有这一步）：路径上可能还留着上一次的套接字文件，bind 之前先弄清楚它是不是旧的。
    let removed_stale = remove_stale_socket_file(path)?;

    // 第 1～3 步：创建套接字、bind、listen，UnixListener::bind 一步做完。
    // bind 会在这个路径上创建一个套接字文件：它只是让客户端找到服务端的名字，数据不经过磁盘。
    let listener = UnixListener::bind(path).map_err(|e| bind_failure(path, e))?;
    // 文件是 bind 创建的，从这里起由 _cleanup 负责删掉：serve 正常返回、出错返回，它都会离开作用域。
    // Ctrl-C 例外：系统直接结束进程，Drop 来不及运行，文件会留下。标准库没有捕获 Ctrl-C 的办法
    // （要用 libc 或 ctrlc 这样的 crate，本课不用），所以留下的文件交给下次启动时的第 0 步清理。
    let _cleanup = SocketFileCleanup(path.to_path_buf());
    say(&format!("unix_server 正在监听 {}", path.display()))?;
    if removed_stale {
        say(
            "（启动前发现这里有一个没人监听的旧套接字文件，多半是上次的服务端被 Ctrl-C 打断后留下的，已经删掉了。）",
        )?;
    }

    // 第 4 步：accept 一直等到有客户端连上来——和 TCP 一样，要先启动服务端。
    let (mut conn, peer) = listener.accept()?;
    // AF_UNIX 的客户端一般不 bind，它的套接字没有名字，所以这里没有 TCP 那样的"IP:端口"可打印。
    match peer.as_pathname() {
        Some(peer_path) => say(&format!("客户端 {} 连上了", peer_path.display()))?,
        None => say("有客户端连上了（它的套接字没有绑定路径，AF_UNIX 的客户端通常都是这样）")?,
    }

    // 第 5 步：recv。最多读 1024 字节；客户端一直不说话时，读超时让服务端不至于永远等下去。
    conn.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut buffer = [0u8; BUFFER_SIZE];
    let n = conn.read(&mut buffer).map_err(read_failure)?;
    // 读到 0 字节表示对方已经关闭了连接，不是"收到一条空消息"。
    if n == 0 {
        return say("客户端没有发送任何数据就关闭了连接。");
    }
    // 第 6 步：打印。对方发来的可能不是 UTF-8，也可能夹着控制字符，所以先变成安全的文本。
    say(&format!("收到 {n} 字节：{}", printable(&buffer[..n])))?;

    // 第 7 步：send。write_all 保证两个字节都交给了内核。
    conn.write_all(b"hi")
        .map_err(|e| Failure(format!("向客户端发送 hi 失败（对方可能已经断开）：{e}")))?;
    say("已回复 hi，关闭连接。")?;

    // 第 8、9 步：close。conn 和 listener 在这里离开作用域，Rust 自动关闭它们；
    // _cleanup 也离开作用域，删掉套接字文件。
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
    match serve(&path) {
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

/// 学生能引起的失败（路径不对、客户端断开……）都在出错的地方写了专门的说明；
/// 剩下的调用（accept、设置超时）在正常的系统上不会失败，万一失败，就用这一句通用的话带上系统的说法。
/// 有了它，serve 里这些调用后面写一个 `?` 就行。
#[cfg(unix)]
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!(
            "系统调用意外失败了（和你给的参数无关，再运行一次试试）：{e}"
        ))
    }
}

/// 服务端自己创建的套接字文件。离开作用域时（正常结束、出错返回都算）删掉它，
/// 否则文件会一直留在那里，下次 bind 同一个路径就会失败。
#[cfg(unix)]
struct SocketFileCleanup(PathBuf);

#[cfg(unix)]
impl Drop for SocketFileCleanup {
    fn drop(&mut self) {
        match fs::remove_file(&self.0) {
            // drop 不能返回错误，所以这一行写不出去就算了：那说明接收输出的程序已经退出，没人看得到它；
            // serve 多半正是因为写不出去才出错返回的，那一句由 main 报告。文件已经删掉，要紧的事做完了。
            Ok(()) => {
                let _ = say(&format!("已删除套接字文件 {}。", self.0.display()));
            }
            // 有人已经手动删掉了它：目的已经达到，不用再说什么。
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => eprintln!(
                "没能删除套接字文件 {}，下次启动时服务端会把它当作旧文件清理掉。（{e}）",
                self.0.display()
            ),
        }
    }
}

/// bind 之前检查路径上已有的东西：没人监听的旧套接字文件就删掉（返回 true）；
/// 正在用的套接字、普通文件、目录都不碰，返回一句说明。
#[cfg(unix)]
fn remove_stale_socket_file(path: &Path) -> Result<bool, Failure> {
    let shown = path.display();
    // symlink_metadata：路径是符号链接时看链接本身，不会顺着链接去动别处的文件。
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Failure(format!("无法查看 {shown} 上已有的文件：{e}"))),
    };
    if !metadata.file_type().is_socket() {
        return Err(Failure(format!(
            "{shown} 已经存在，但它不是套接字文件（是普通文件、目录或链接），服务端不会删除它。\
             请换一个路径：在运行命令的末尾写上另一个路径，比如 /tmp/lesson.sock。"
        )));
    }
    // 文件本身看不出有没有程序在用，只能试着连一下：连上了说明有服务端在听；
    // 被拒绝说明文件还在、程序已经不在了。副作用：在听的那个服务端会 accept 到这次试探，
    // 看到一个什么都没发就断开的客户端。
    match UnixStream::connect(path) {
        Ok(_) => Err(Failure(format!(
            "{shown} 上已经有一个服务端在监听（也许是另一个终端里的 unix_server），服务端不会抢它的文件。\
             先关掉它，或者换个路径：在运行命令的末尾写上另一个路径，比如 /tmp/lesson.sock。"
        ))),
        Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
            fs::remove_file(path).map_err(|e| {
                Failure(format!("{shown} 是没人监听的旧套接字文件，但删不掉它：{e}"))
            })?;
            Ok(true)
        }
        Err(e) => Err(Failure(format!(
            "无法确认 {shown} 上的套接字文件还有没有程序在用，服务端不去动它。（{e}）"
        ))),
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

/// 把 bind 失败的原因翻译成学生能照着做的一句话。
#[cfg(unix)]
fn bind_failure(path: &Path, e: io::Error) -> Failure {
    let shown = path.display();
    Failure(match e.kind() {
        ErrorKind::AddrInUse => format!(
            "{shown} 已经被占用：刚才检查时还没有，现在又有程序在这个路径上建了文件。\
             请再运行一次，或者换个路径：在运行命令的末尾写上另一个路径，比如 /tmp/lesson.sock。（{e}）"
        ),
        ErrorKind::NotFound => format!(
            "无法创建套接字文件 {shown}：它所在的目录不存在。请先创建目录，或者换个路径，比如 /tmp/lesson.sock（{e}）"
        ),
        ErrorKind::PermissionDenied => {
            format!("没有权限创建套接字文件 {shown}：请换一个自己能写的目录，比如 /tmp（{e}）")
        }
        _ => format!("无法在 {shown} 上监听：{e}"),
    })
}

/// 把 recv 失败的原因翻译成一句话：最常见的是客户端连上以后一直不说话，读超时到了。
#[cfg(unix)]
fn read_failure(e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!(
            "客户端连上后 {} 秒没有发来任何数据，服务端断开连接并退出。",
            READ_TIMEOUT.as_secs()
        ),
        _ => format!("从客户端读取数据失败：{e}"),
    })
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `unix_server | head -1`），
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
