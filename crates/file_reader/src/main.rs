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
//! 放进自己的项目：cargo new my_reader，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
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
const USAGE: &str = "用法：file_reader [--wait] [文件路径]    \
     默认读系统临时目录里的 socket-lesson-message.txt；--wait：文件还没有就等它，最多 30 秒";

struct Options {
    path: PathBuf,
    wait: bool,
}

fn main() -> ExitCode {
    let options = match options_from_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match read_message(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn read_message(options: &Options) -> Result<(), String> {
    let path = options.path.as_path();
    // 第 1 步：open。文件还不存在，说明写的一方还没写；--wait 时就隔一会儿再看。
    let file = open_message(path, options.wait)?;
    say(&format!("file_reader 读取 {}", path.display()))?;

    // 第 2 步：read。文件一旦打开，就算写的一方这时把新消息改名进来，
    // 这里读到的也还是打开的那个文件，一条完整的旧消息。
    let total = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    let mut bytes = Vec::new();
    file.take(BUFFER_SIZE as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| read_failure(path, &e))?;

    // 第 3 步：打印。文件里可能是任何字节，先变成可以放心打印的文本。
    if bytes.is_empty() {
        say("文件是空的：写的一方还没写进任何内容，或者还没写完。")?;
        return Ok(());
    }
    say(&format!("读到 {} 字节：{}", bytes.len(), printable(&bytes)))?;
    if total > bytes.len() as u64 {
        say(&format!(
            "（文件一共 {total} 字节，这里只读了前 {BUFFER_SIZE} 字节。）"
        ))?;
    }
    Ok(())
}

/// 打开消息文件。文件不存在时：不等就报错；--wait 就轮询，直到它出现或者到期。
fn open_message(path: &Path, wait: bool) -> Result<File, String> {
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
            // 目录都不存在时，写的一方也写不进来，等下去没有意义。
            Err(e) if e.kind() == ErrorKind::NotFound && wait && folder_of(path).is_dir() => {
                if started.elapsed() >= WAIT_LIMIT {
                    return Err(format!(
                        "等了 {} 秒，{} 还是没有出现，file_reader 放弃。请在另一个终端运行 {}。",
                        WAIT_LIMIT.as_secs(),
                        path.display(),
                        writer_command(path)
                    ));
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
            Err(e) => return Err(read_failure(path, &e)),
        }
    }
}

/// 读参数：可选的 --wait，和可选的文件路径（没有就用临时目录里的默认文件）。
fn options_from_args() -> Result<Options, String> {
    // args_os 而不是 args：路径可以含有不是 UTF-8 的字节，照原样用，不转成 String。
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let wait = args.iter().any(|arg| arg == "--wait");
    args.retain(|arg| arg != "--wait");
    let path = match args.as_slice() {
        [] => {
            return Ok(Options {
                path: default_path(),
                wait,
            });
        }
        [one] => PathBuf::from(one),
        _ => {
            return Err(
                "参数太多了：只需要一个文件路径（路径里有空格的话请用引号括起来）。".into(),
            );
        }
    };
    let text = path.to_string_lossy();
    if text == "-h" || text == "--help" {
        println!("{USAGE}");
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
    Ok(Options { path, wait })
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

/// 写这条消息的命令：用的是默认文件就不用传参数，否则要传同一个路径。
fn writer_command(path: &Path) -> String {
    if path == default_path() {
        "cargo run -p file_writer".to_string()
    } else {
        format!("cargo run -p file_writer -- {}", path.display())
    }
}

/// 把打开或读取失败的原因翻译成学生能照着做的一句话。
fn read_failure(path: &Path, e: &io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound if !folder_of(path).is_dir() => format!(
            "读不到：目录 {} 不存在。请检查路径，写的一方和读的一方要用同一个路径。（{e}）",
            folder_of(path).display()
        ),
        ErrorKind::NotFound => format!(
            "还没有消息：{} 不存在。请先在另一个终端运行 {}，或者加上 --wait 让我等它。",
            path.display(),
            writer_command(path)
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
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p file_reader | head -1`），
/// println! 会 panic；这里把它变成一个普通的错误，和别的错误一样用一句中文报告、以退出码 1 结束。
fn say(line: &str) -> Result<(), String> {
    writeln!(io::stdout(), "{line}")
        .map_err(|e| format!("输出写不出去了（接收输出的程序可能已经退出），程序停止。（{e}）"))
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
