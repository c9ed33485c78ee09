//! file_reader 的测试：真实的程序，每个测试一个自己的临时目录，测试结束时删掉。
//! 写的一方由测试自己或者课程风格的 Python a.py 来扮演。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::*;

const READER: &str = env!("CARGO_BIN_EXE_file_reader");

fn python_peer(name: &str) -> PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 每个测试自己的临时目录；丢弃时连同里面的东西一起删掉（测试失败时也一样）。
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("file-reader-test-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// 像 file_writer 那样写：先写临时文件，再改名，读的一方不会看到写了一半的文件。
fn write_whole(target: &Path, bytes: &[u8]) {
    let temporary = target.with_extension("tmp");
    fs::write(&temporary, bytes).unwrap();
    fs::rename(&temporary, target).unwrap();
}

fn read(target: &Path) -> Finished {
    start(READER, &[target]).finish()
}

#[test]
fn reads_what_the_lessons_python_writer_left() {
    let scratch = Scratch::new("python");
    let target = scratch.join("message.txt");
    let writer = python(python_peer("a.py"), &[&target]).finish();
    assert_eq!(writer.code(), Some(0), "{writer}");
    let reader = read(&target);
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert!(
        reader
            .stdout
            .starts_with(&format!("file_reader 读取 {}\n", target.display())),
        "{reader}"
    );
    assert!(
        reader.stdout.contains("读到 16 字节：hello! 你好！\n"),
        "{reader}"
    );
}

#[test]
fn a_missing_file_says_to_run_file_writer_first() {
    let scratch = Scratch::new("missing");
    let target = scratch.join("message.txt");
    let reader = read(&target);
    assert_eq!(reader.code(), Some(1), "{reader}");
    assert!(reader.stderr.starts_with("还没有消息："), "{reader}");
    assert!(
        reader.stderr.contains(&format!(
            "请先在另一个终端运行写的一方（比如 file_writer），在命令末尾写上同一个路径 {}。",
            target.display()
        )),
        "{reader}"
    );
    assert!(reader.stderr.contains("--wait"), "{reader}");
    assert_no_workspace_command(&reader);
    assert_eq!(reader.stderr.lines().count(), 1, "{reader}");
    assert!(reader.stdout.is_empty(), "{reader}");
    assert_friendly_failure(&reader);
}

#[test]
fn the_default_file_is_in_the_temp_dir() {
    let scratch = Scratch::new("default");
    // std::env::temp_dir() 在 Unix 上看 TMPDIR，在 Windows 上看 TMP、TEMP。
    let command = || {
        let mut command = Command::new(READER);
        for name in ["TMPDIR", "TMP", "TEMP"] {
            command.env(name, &scratch.0);
        }
        command
    };
    let missing = start_command(command()).finish();
    assert_eq!(missing.code(), Some(1), "{missing}");
    // 用的是默认文件，所以提示里不用带路径。
    assert!(
        missing
            .stderr
            .contains("请先在另一个终端运行写的一方（比如 file_writer），不用加参数："),
        "{missing}"
    );
    assert_no_workspace_command(&missing);
    write_whole(&scratch.join("socket-lesson-message.txt"), b"hello!");
    let reader = start_command(command()).finish();
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert!(reader.stdout.contains("读到 6 字节：hello!\n"), "{reader}");
}

#[test]
fn a_missing_directory_is_explained_in_one_line() {
    let scratch = Scratch::new("nodir");
    let folder = scratch.join("no-such-folder");
    let reader = read(&folder.join("message.txt"));
    assert_eq!(reader.code(), Some(1), "{reader}");
    assert!(
        reader
            .stderr
            .contains(&format!("目录 {} 不存在", folder.display())),
        "{reader}"
    );
    assert_eq!(reader.stderr.lines().count(), 1, "{reader}");
    assert_friendly_failure(&reader);
    // --wait 也不会傻等一个不存在的目录。
    let reader = start(
        READER,
        &["--wait".as_ref(), folder.join("m.txt").as_os_str()],
    )
    .finish();
    assert_eq!(reader.code(), Some(1), "{reader}");
    assert!(reader.stderr.contains("不存在"), "{reader}");
}

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let scratch = Scratch::new("hostile");
    let target = scratch.join("message.txt");
    write_whole(
        &target,
        b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n",
    );
    let reader = read(&target);
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert_no_raw_control(&reader.stdout_raw);
    assert!(
        reader
            .stdout
            .contains(r"读到 26 字节：\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{0}��\u{202e} abc\n"),
        "{reader}"
    );
}

#[test]
fn reads_only_the_first_1024_bytes_of_a_big_file() {
    let scratch = Scratch::new("big");
    let target = scratch.join("message.txt");
    write_whole(&target, &[b'x'; 3000]);
    let reader = read(&target);
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert!(reader.stdout.contains("读到 1024 字节："), "{reader}");
    assert!(
        reader
            .stdout
            .contains("（文件一共 3000 字节，这里只读了前 1024 字节。）"),
        "{reader}"
    );
}

#[test]
fn an_empty_file_is_reported_as_empty() {
    let scratch = Scratch::new("empty");
    let target = scratch.join("message.txt");
    write_whole(&target, b"");
    let reader = read(&target);
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert!(reader.stdout.contains("文件是空的"), "{reader}");
}

#[test]
fn wait_polls_until_the_writer_has_written() {
    let scratch = Scratch::new("wait");
    let target = scratch.join("message.txt");
    let reader = start(READER, &["--wait".as_ref(), target.as_os_str()]);
    reader.wait_stdout("最多等 30 秒……\n");
    // 原子地写：直接 fs::write 的话，读的一方可能恰好在文件刚建好、还没写内容时看到它。
    write_whole(&target, "hello! 你好！".as_bytes());
    let reader = reader.finish();
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert!(reader.stdout.contains("秒，文件出现了。\n"), "{reader}");
    assert!(
        reader.stdout.contains("读到 16 字节：hello! 你好！\n"),
        "{reader}"
    );
}

#[test]
fn wait_reads_at_once_when_the_message_is_already_there() {
    let scratch = Scratch::new("ready");
    let target = scratch.join("message.txt");
    write_whole(&target, b"hello!");
    let reader = start(READER, &[target.as_os_str(), "--wait".as_ref()]).finish();
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert!(!reader.stdout.contains("等"), "{reader}");
    assert!(reader.stdout.contains("读到 6 字节：hello!\n"), "{reader}");
}

#[test]
fn wait_gives_up_after_30_seconds() {
    let scratch = Scratch::new("giveup");
    let target = scratch.join("message.txt");
    let reader = start(READER, &["--wait".as_ref(), target.as_os_str()]);
    // 程序自己等 30 秒；给它 45 秒的余量。
    let reader = reader.finish_within(Duration::from_secs(45));
    assert_eq!(reader.code(), Some(1), "{reader}");
    assert!(
        reader.stderr.contains("等了 30 秒，")
            && reader.stderr.contains("请先在另一个终端运行写的一方"),
        "{reader}"
    );
    assert_no_workspace_command(&reader);
    assert_eq!(reader.stderr.lines().count(), 1, "{reader}");
    assert_friendly_failure(&reader);
}

#[test]
fn a_directory_is_not_a_message() {
    let scratch = Scratch::new("isdir");
    let reader = read(&scratch.0);
    assert_eq!(reader.code(), Some(1), "{reader}");
    assert_eq!(reader.stderr.lines().count(), 1, "{reader}");
    assert_friendly_failure(&reader);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_explained_in_one_line() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new("unreadable");
    let target = scratch.join("message.txt");
    write_whole(&target, b"secret");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o000)).unwrap();
    // root 不受权限限制：还能读，就没法测试这种情况。
    if fs::read(&target).is_ok() {
        eprintln!("以 root 运行，权限限制不起作用，跳过");
        return;
    }
    let reader = read(&target);
    assert_eq!(reader.code(), Some(1), "{reader}");
    assert!(reader.stderr.contains("没有权限读"), "{reader}");
    assert_eq!(reader.stderr.lines().count(), 1, "{reader}");
    assert_friendly_failure(&reader);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        READER,
        "file_reader",
        &[
            &["a.txt", "b.txt"],
            &["--wait", "a.txt", "b.txt"],
            &[""],
            &["."],
            &["--wiat"],
        ],
    );
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(READER, &["--help"], "--wait");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_with_one_line_instead_of_a_panic() {
    // 就像 `file_reader | head -0`：第一行就写不出去。
    let scratch = Scratch::new("closed-stdout");
    let target = scratch.join("message.txt");
    write_whole(&target, b"hello!");
    let (status, stderr) = run_with_stdout_closed(READER, &[target.to_str().unwrap()]);
    assert_stopped_because_stdout_closed(status, &stderr);
}

#[test]
fn with_wait_a_closed_stdout_is_noticed_when_the_file_appears() {
    // 就像 `file_reader --wait | head -1`：读完"还没有消息"那一行，接收输出的一方就走了；
    // 文件出现时，file_reader 要说的下一行写不出去，不用等满 30 秒就停下。
    let scratch = Scratch::new("wait-closed-stdout");
    let target = scratch.join("message.txt");
    let began = std::time::Instant::now();
    let (first, status, stderr) =
        run_until_stdout_closes(READER, &["--wait", target.to_str().unwrap()], |_| {
            write_whole(&target, b"hello!")
        });
    assert!(first.starts_with("还没有消息："), "{first}");
    assert_stopped_because_stdout_closed(status, &stderr);
    assert!(
        began.elapsed() < Duration::from_secs(15),
        "{:?}",
        began.elapsed()
    );
}

/// 复制到自己项目里的 main.rs 也要说真话：程序说的话里不能有只在本仓库里才能用的 `cargo run -p …`。
fn assert_no_workspace_command(run: &Finished) {
    assert!(!run.stdout.contains("cargo run -p"), "{run}");
    assert!(!run.stderr.contains("cargo run -p"), "{run}");
}

#[test]
fn no_message_in_the_source_names_a_workspace_command() {
    // 注释（包括开头 //! 的说明）讲的是本仓库里怎么运行，可以写 cargo run -p；
    // 代码里的字符串是程序会说出来的话，学生把 main.rs 复制到自己的项目里，那条命令就不能用了。
    let path = crate_file(env!("CARGO_MANIFEST_DIR"), "src/main.rs");
    let source = std::fs::read_to_string(&path).unwrap();
    for (number, line) in source.lines().enumerate() {
        if !line.trim_start().starts_with("//") {
            assert!(
                !line.contains("cargo run -p"),
                "src/main.rs:{}：{line}",
                number + 1
            );
        }
    }
}

#[test]
fn usage_names_the_program_as_it_was_started() {
    // 复制到自己的项目里，程序就叫那个项目的名字：用法说明里写的是实际启动的那个程序名。
    let dir = std::env::temp_dir().join(format!("file_reader-renamed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let renamed = dir.join(format!("my_program{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(READER, &renamed).unwrap();
    let run = start(&renamed, &["a", "b"]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code(), Some(2), "{run}");
    assert!(run.stderr.contains("用法：my_program ["), "{run}");
    assert!(!run.stderr.contains("file_reader"), "{run}");
}
