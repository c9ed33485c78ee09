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
//! 放进自己的项目：cargo new my_writer，把本文件复制成 my_writer/src/main.rs（不需要 cargo add 任何依赖），
//! 在 my_writer 里运行 cargo run -- message.txt。
//! 读代码：write_message 是课程的流程；分隔线以下是让程序更结实的辅助函数，初读可以跳过。
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

fn write_message(path: &Path) -> Result<(), Failure> {
    // 第 1 步：准备要传的数据。进程号和秒数每次运行都不同，读的一方能看出这是哪一次写的。
    let message = message_of_this_run();

    // 第 2 步：open。不直接打开目标文件：打开时它会先被清空，读的一方恰好这时来读，就会读到空文件。
    // 所以在同一个目录里新建一个临时文件；create_new 遇到同名文件就失败，不会覆盖别人放在那里的文件或链接。
    let temporary = temporary_sibling(path);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .map_err(|e| write_failure(path, e))?;
    // 从这里起，出错返回时 _leftover 会删掉这个临时文件，不留垃圾；改名成功以后那里已经没有文件了。
    let _leftover = TemporaryFileCleanup(temporary.clone());

    // 第 3 步：write，再 sync_all 等数据真正落到磁盘：否则突然断电后，改过名的文件可能是空的。
    file.write_all(message.as_bytes())
        .map_err(|e| write_failure(path, e))?;
    file.sync_all().map_err(|e| write_failure(path, e))?;
    // 第 4 步：close，和 Python 的 with 块结束时一样：写完就关上，再去改名。
    drop(file);

    // 第 5 步：rename。改名把目录里的名字一步换成新文件：之前打开的人读完旧消息，
    // 之后打开的人读到新消息，中间没有"写了一半"的时刻。
    fs::rename(&temporary, path).map_err(|e| write_failure(path, e))?;

    // 第 6 步：print，和 a.py 一样说一声写好了，再告诉你读的一方该去哪里读。
    say(&format!("file_writer 写好了一条消息：{message}"))?;
    say(&format!("文件：{}", path.display()))?;
    say(&next_step(path))
}

// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────

fn main() -> ExitCode {
    let path = match path_from_args() {
        Ok(path) => path,
        Err(message) => {
            eprintln!("{message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match write_message(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// 程序失败时要对学生说的那一句话：main 把它打印到 stderr，以退出码 1 结束。
struct Failure(String);

/// 这一次要写的消息：固定的一句，加上进程号和时间。
fn message_of_this_run() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    format!(
        "{MESSAGE}这条消息来自 file_writer（进程 {}，UNIX 时间 {seconds} 秒）。",
        std::process::id()
    )
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

/// 这个程序自己建的临时文件。离开作用域时删掉它：写到一半出错、改名失败，都不会把它留在目录里。
/// 改名成功以后，这个名字上已经没有文件了（名字里有进程号，别的程序不会用同一个名字），删除什么也不做。
struct TemporaryFileCleanup(PathBuf);

impl Drop for TemporaryFileCleanup {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
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
    Ok(path)
}

/// 用法说明。程序名取自启动它的命令，复制到自己的项目、换了名字也照样对。
fn usage() -> String {
    format!(
        "用法：{} [文件路径]    默认写到系统临时目录里的 socket-lesson-message.txt",
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

/// 写好以后告诉学生下一步做什么：用的是默认文件，读的一方不用加参数；否则要给它同一个路径。
fn next_step(path: &Path) -> String {
    if path == default_path() {
        "下一步：在另一个终端运行读的一方（比如 file_reader），不用加参数：两边默认用的是同一个文件。"
            .to_string()
    } else {
        format!(
            "下一步：在另一个终端运行读的一方（比如 file_reader），在命令末尾写上同一个路径 {}",
            path.display()
        )
    }
}

/// 往 stdout 打印一行，代替 println!。接收输出的程序先退出了的时候（比如 `file_writer | head -1`），
/// println! 会 panic；这里把它变成一个普通的错误，和别的错误一样用一句中文报告、以退出码 1 结束。
fn say(line: &str) -> Result<(), Failure> {
    writeln!(io::stdout(), "{line}").map_err(|e| {
        Failure(format!(
            "输出写不出去了（接收输出的程序可能已经退出），程序停止。（{e}）"
        ))
    })
}

/// 把写文件失败的原因翻译成学生能照着做的一句话。
fn write_failure(path: &Path, e: io::Error) -> Failure {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    Failure(match e.kind() {
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
    })
}
