//! file_reader：课程开头那个 b.py——读出 file_writer 留在文件里的消息。
//!
//! 课程问：两个程序想互相传一个数据，怎么办？不用网络的办法是找一个两边都能打开的文件。
//! 这个程序是"读"的一边：打开文件，最多读 1024 字节，打印出来就退出。
//! 文件里可能是任何东西，所以打印前把控制字符转义，免得它操纵你的终端。
//!
//! 它没法知道消息什么时候写好。文件还不存在时，默认说一声就退出；
//! 加上 --wait 就每 0.2 秒看一眼，最多等 30 秒。这种"隔一会儿看一眼"叫轮询，
//! 是用文件传数据的毛病之一，后面的套接字用不着它：数据一到，等着的 recv 就返回了。
//!
//! 试一试：
//!   终端 1：cargo run -p file_writer
//!   终端 2：cargo run -p file_reader
//!   先读后写：终端 1 运行 cargo run -p file_reader -- --wait，再到终端 2 运行 cargo run -p file_writer
//!
//! 换个文件：cargo run -p file_reader -- message.txt   （写的一方要用同一个路径）
//! 放进自己的项目：cargo new my_reader，把本文件复制成 my_reader/src/main.rs（不需要 cargo add 任何依赖），
//! 在 my_reader 里运行 cargo run -- message.txt（或者 cargo run -- --wait message.txt）。
//! 读代码：read_message 是课程的流程；分隔线以下是让程序更结实的辅助函数，初读可以跳过。
//!
//! 退出码：0 读到了；1 还没有消息（或者 --wait 等了 30 秒还没有）、读不了；2 参数写错了。

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

/// 默认的文件名。两个程序用同一个名字，放在同一个临时目录里，不传参数也能找到对方。
const DEFAULT_FILE_NAME: &str = "socket-lesson-message.txt";
/// 最多读多少字节：和后面 `recv(1024)` 一样给个上限，有人指给它一个巨大的文件也不会刷屏。
const BUFFER_SIZE: usize = 1024;
/// --wait 最多等多久：够在另一个终端敲命令、编译、运行 file_writer，又不会永远等下去。
const WAIT_LIMIT: Duration = Duration::from_secs(30);
/// --wait 时隔多久看一眼：看得太勤白白占用 CPU，看得太少消息到了也要晚一会儿才发现。
const POLL_INTERVAL: Duration = Duration::from_millis(200);

fn read_message(path: &Path, wait: bool) -> Result<(), Failure> {
    // 第 1 步：open。文件还不存在，说明写的一方还没写；加了 --wait 就隔一会儿再看（轮询）。
    let file = match File::open(path) {
        Err(e) if wait && e.kind() == ErrorKind::NotFound => wait_for_file(path)?,
        opened => opened.map_err(|e| read_failure(path, e))?,
    };
    say(&format!("file_reader 读取 {}", path.display()))?;

    // 第 2 步：read，最多 1024 字节。文件一旦打开，就算写的一方这时把新消息改名进来，
    // 这里读到的也还是打开的那个文件，一条完整的旧消息。file 交给 take 以后，读完就自动关闭。
    let size = file.metadata()?.len();
    let mut bytes = Vec::new();
    file.take(BUFFER_SIZE as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| read_failure(path, e))?;

    // 第 3 步：print。文件里可能是任何字节，先变成可以放心打印的文本。
    if bytes.is_empty() {
        return say("文件是空的：写的一方还没写进任何内容，或者还没写完。");
    }
    say(&format!("读到 {} 字节：{}", bytes.len(), printable(&bytes)))?;
    say_if_cut_short(size, bytes.len())
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let (path, wait) = match options_from_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match read_message(&path, wait) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 程序失败时要对学生说的那一句话：main 把它打印到 stderr，以退出码 1 结束。
struct Failure(String);

/// 学生能引起的失败（文件不存在、没有权限……）都在出错的地方写了专门的说明；
/// 剩下的调用（查看已经打开的文件有多大）在正常的系统上不会失败，万一失败，就用这一句通用的话带上系统的说法。
/// 有了它，read_message 里这些调用后面写一个 `?` 就行。
impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!(
            "系统调用意外失败了（和你给的参数无关，再运行一次试试）：{e}"
        ))
    }
}

/// --wait 时文件还不存在：每隔 POLL_INTERVAL 看一眼，直到它出现或者等满 WAIT_LIMIT。
/// 目录都不存在时，写的一方也写不进来，等下去没有意义，直接报错。
fn wait_for_file(path: &Path) -> Result<File, Failure> {
    let started = Instant::now();
    let mut announced = false;
    loop {
        match File::open(path) {
            Ok(file) => {
                if announced {
                    let waited = started.elapsed().as_secs_f64();
                    say(&format!("等了 {waited:.1} 秒，文件出现了。"))?;
                }
                return Ok(file);
            }
            Err(e) if e.kind() == ErrorKind::NotFound && folder_of(path).is_dir() => {
                if started.elapsed() >= WAIT_LIMIT {
                    return Err(Failure(format!(
                        "等了 {} 秒，{} 还是没有出现，file_reader 放弃。{}",
                        WAIT_LIMIT.as_secs(),
                        path.display(),
                        run_the_writer_first(path)
                    )));
                }
                if !announced {
                    say(&format!(
                        "还没有消息：每 {} 毫秒看一眼 {}，最多等 {} 秒……",
                        POLL_INTERVAL.as_millis(),
                        path.display(),
                        WAIT_LIMIT.as_secs()
                    ))?;
                    announced = true;
                }
                // 这就是轮询：没有人会通知我们"写好了"，只能隔一会儿再看。
                thread::sleep(POLL_INTERVAL);
            }
            Err(e) => return Err(read_failure(path, e)),
        }
    }
}

/// 文件比 1024 字节长时补一句：这里只读了开头。
fn say_if_cut_short(size: u64, read: usize) -> Result<(), Failure> {
    if size > read as u64 {
        say(&format!(
            "（文件一共 {size} 字节，这里只读了前 {BUFFER_SIZE} 字节。）"
        ))?;
    }
    Ok(())
}

/// 读参数：可选的 --wait，和可选的文件路径（没有就用临时目录里的默认文件）。返回（路径，要不要等）。
fn options_from_args() -> Result<(PathBuf, bool), String> {
    // args_os 而不是 args：路径可以含有不是 UTF-8 的字节，照原样用，不转成 String。
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let wait = args.iter().any(|arg| arg == "--wait");
    args.retain(|arg| arg != "--wait");
    let path = match args.as_slice() {
        [] => return Ok((default_path(), wait)),
        [one] => PathBuf::from(one),
        _ => {
            return Err(
                "参数太多了：只需要一个文件路径（路径里有空格的话请用引号括起来）。".into(),
            );
        }
    };
    let text = path.to_string_lossy();
    if text == "-h" || text == "--help" {
        // 用 writeln! 而不是 println!：`--help | head -0` 这样没人读输出时也不会 panic。
        let _ = writeln!(io::stdout(), "{}", usage());
        std::process::exit(0);
    }
    if text.starts_with('-') {
        return Err(format!(
            "参数错误：不认识的选项「{text}」。文件名真的以 - 开头的话，请写成 ./{text}。"
        ));
    }
    if path.file_name().is_none() {
        return Err(format!(
            "参数错误：「{text}」不是文件的路径，请写上文件名，比如 message.txt。"
        ));
    }
    Ok((path, wait))
}

/// 用法说明。程序名取自启动它的命令，复制到自己的项目、换了名字也照样对。
fn usage() -> String {
    format!(
        "用法：{} [--wait] [文件路径]    \
         默认读系统临时目录里的 socket-lesson-message.txt；--wait：文件还没有就等它，最多 30 秒",
        program_name()
    )
}

/// 这个程序的名字：启动命令的第 0 个参数去掉目录和 .exe 这样的后缀；取不到时就说"本程序"。
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

/// 系统的临时目录各不相同（Linux 通常是 /tmp，macOS 和 Windows 每个用户各有一个），
/// 所以不写死路径：两个程序都用 std::env::temp_dir() 算，算出来的是同一个位置。
fn default_path() -> PathBuf {
    std::env::temp_dir().join(DEFAULT_FILE_NAME)
}

/// 文件所在的目录（只写了文件名时就是当前目录）。
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

/// 还没有消息时告诉学生怎么办：先运行写的一方。用的是默认文件，它不用加参数；否则要给它同一个路径。
fn run_the_writer_first(path: &Path) -> String {
    if path == default_path() {
        "请先在另一个终端运行写的一方（比如 file_writer），不用加参数：两边默认用的是同一个文件。"
            .to_string()
    } else {
        format!(
            "请先在另一个终端运行写的一方（比如 file_writer），在命令末尾写上同一个路径 {}。",
            path.display()
        )
    }
}

/// 把打开或读取失败的原因翻译成学生能照着做的一句话。
fn read_failure(path: &Path, e: io::Error) -> Failure {
    Failure(match e.kind() {
        ErrorKind::NotFound if !folder_of(path).is_dir() => format!(
            "读不到：目录 {} 不存在。请检查路径，写的一方和读的一方要用同一个路径。（{e}）",
            folder_of(path).display()
        ),
        ErrorKind::NotFound => format!(
            "还没有消息：{} 不存在。{}也可以加上 --wait 让我等它。",
            path.display(),
            run_the_writer_first(path)
        ),
        ErrorKind::PermissionDenied => format!(
            "没有权限读 {}：请检查它的权限，或者确认它是文件而不是目录。（{e}）",
            path.display()
        ),
        ErrorKind::IsADirectory => format!(
            "读不了：{} 是一个目录，请在路径末尾写上文件名，比如 {}。（{e}）",
            path.display(),
            path.join("message.txt").display()
        ),
        _ => format!("读取 {} 失败：{e}", path.display()),
    })
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `file_reader | head -1`），
/// println! 会 panic；这里把它变成一个普通的错误，和别的错误一样用一句中文报告、以退出码 1 结束。
fn say(line: &str) -> Result<(), Failure> {
    writeln!(io::stdout(), "{line}").map_err(|e| {
        Failure(format!(
            "输出写不出去了（接收输出的程序可能已经退出），程序停止。（{e}）"
        ))
    })
}

/// 把文件里的字节变成可以放心打印的文本：不是 UTF-8 的字节显示成 �，
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
