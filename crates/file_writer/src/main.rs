//! file_writer：课程开头那个 a.py——把一条消息写进文件，留给另一个程序去读。
//!
//! 课程问：两个程序想互相传一个数据，怎么办？不用网络的办法是找一个两边都能打开的文件。
//! 这个程序是"写"的一边：写好一条消息就退出；"读"的一边是 file_reader。
//! 消息里带着本次运行的进程号和时间，每次都不一样，读的一方能分清是哪一次写的。
//!
//! 写法上有个讲究：先写进同一个目录里的临时文件，写完再改名成目标文件。改名是一步完成的，
//! 所以读的一方要么看到上一条消息，要么看到完整的新消息，永远看不到只写了一半的。
//!
//! 试一试：
//!   终端 1：cargo run -p file_writer
//!   终端 2：cargo run -p file_reader
//!   也可以直接看这个文件：Linux 上 cat /tmp/socket-lesson-message.txt
//!   （macOS 和 Windows 的临时目录在别处，程序会打印出完整路径）
//!
//! 换个文件：cargo run -p file_writer -- message.txt
//!          读的一方要用同一个路径：cargo run -p file_reader -- message.txt
//! 放进自己的项目：cargo new my_writer，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 写好了；1 写不进去（目录不存在、没有权限……）；2 参数写错了。

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// 默认的文件名。两个程序用同一个名字，放在同一个临时目录里，不传参数也能找到对方。
const DEFAULT_FILE_NAME: &str = "socket-lesson-message.txt";
/// 消息里固定的部分，后面再接上进程号和时间。
const MESSAGE: &str = "hello! 你好！";
const USAGE: &str =
    "用法：file_writer [文件路径]    默认写到系统临时目录里的 socket-lesson-message.txt";

fn main() -> ExitCode {
    let path = match path_from_args() {
        Ok(path) => path,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match write_message(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn write_message(path: &Path) -> Result<(), String> {
    // 第 1 步：准备要传的数据。进程号和秒数每次运行都不同，读的一方能看出这是哪一次写的。
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let message = format!(
        "{MESSAGE}这条消息来自 file_writer（进程 {}，UNIX 时间 {seconds} 秒）。",
        std::process::id()
    );

    // 第 2 步：open + write。不直接写目标文件：打开时它会先被清空，再一点点写进去，
    // 读的一方恰好这时来读，就会读到空文件或者半条消息。所以先写一个临时文件。
    let temporary = temporary_sibling(path);
    write_temporary(&temporary, message.as_bytes()).map_err(|e| write_failure(path, &e))?;

    // 第 3 步：rename。改名把目录里的名字一步换成新文件：之前打开的人读完旧消息，
    // 之后打开的人读到新消息，中间没有"写了一半"的时刻。
    if let Err(e) = fs::rename(&temporary, path) {
        // 临时文件是这个程序自己建的，改名失败就收拾掉，不留垃圾。
        let _ = fs::remove_file(&temporary);
        return Err(write_failure(path, &e));
    }

    say(&format!("file_writer 写好了一条消息：{message}"))?;
    say(&format!("文件：{}", path.display()))?;
    say(&format!(
        "下一步：在另一个终端运行 {}",
        reader_command(path)
    ))?;
    Ok(())
}

/// 临时文件和目标文件放在同一个目录里：rename 只在同一个文件系统里才是一步完成的改名，
/// 跨文件系统时它直接失败，不会替你偷偷改成"复制再删除"。
/// 名字里带进程号：两个 file_writer 同时运行时各写各的临时文件，不会互相覆盖。
fn temporary_sibling(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

fn write_temporary(temporary: &Path, bytes: &[u8]) -> io::Result<()> {
    // create_new：同名文件已经存在就失败，而不是覆盖它——那不是这个程序建的，
    // 可能是别人事先放在公共临时目录里的链接。
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temporary)?;
    // sync_all 等数据真正落到磁盘再改名：否则突然断电后，改过名的文件可能是空的。
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(temporary);
    }
    written
}

/// 读第一个参数作为文件路径；没有参数就用临时目录里的默认文件。
fn path_from_args() -> Result<PathBuf, String> {
    // args_os 而不是 args：路径可以含有不是 UTF-8 的字节，照原样用，不转成 String。
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let path = match args.as_slice() {
        [] => return Ok(default_path()),
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
    Ok(path)
}

/// 系统的临时目录各不相同（Linux 通常是 /tmp，macOS 和 Windows 每个用户各有一个），
/// 所以不写死路径：两个程序都用 std::env::temp_dir() 算，算出来的是同一个位置。
fn default_path() -> PathBuf {
    std::env::temp_dir().join(DEFAULT_FILE_NAME)
}

/// 读这条消息的命令：用的是默认文件就不用传参数，否则要传同一个路径。
fn reader_command(path: &Path) -> String {
    if path == default_path() {
        "cargo run -p file_reader".to_string()
    } else {
        format!("cargo run -p file_reader -- {}", path.display())
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `cargo run -p file_writer | head -1`），
/// println! 会 panic；这里把它变成一个普通的错误，和别的错误一样用一句中文报告、以退出码 1 结束。
fn say(line: &str) -> Result<(), String> {
    writeln!(io::stdout(), "{line}")
        .map_err(|e| format!("输出写不出去了（接收输出的程序可能已经退出），程序停止。（{e}）"))
}

/// 把写文件失败的原因翻译成学生能照着做的一句话。
fn write_failure(path: &Path, e: &io::Error) -> String {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    match e.kind() {
        ErrorKind::NotFound => format!(
            "写不进去：目录 {} 不存在。请先建好这个目录，或者换一个路径。（{e}）",
            folder.display()
        ),
        ErrorKind::PermissionDenied => format!(
            "没有权限写 {}：换一个自己能写的位置，比如当前目录下的 message.txt。（{e}）",
            path.display()
        ),
        ErrorKind::IsADirectory => format!(
            "写不进去：{} 是一个目录。请在路径末尾写上文件名，比如 {}。（{e}）",
            path.display(),
            path.join("message.txt").display()
        ),
        ErrorKind::AlreadyExists => format!(
            "写不进去：临时文件 {} 已经存在（也许是上次中断时留下的），删掉它再试一次。（{e}）",
            temporary_sibling(path).display()
        ),
        _ => format!("写入 {} 失败：{e}", path.display()),
    }
}
