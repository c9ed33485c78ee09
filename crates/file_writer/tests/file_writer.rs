//! file_writer 的测试：真实的程序，每个测试一个自己的临时目录，测试结束时删掉。
//! 读的一方由测试自己（fs::read）或者课程风格的 Python b.py 来扮演。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::collections::BTreeSet;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use support::*;

const WRITER: &str = env!("CARGO_BIN_EXE_file_writer");
/// 原子性测试：几个线程同时、反复地运行 file_writer，一共写这么多次。
const WRITER_THREADS: usize = 4;
const RUNS_PER_THREAD: usize = 50;
/// 读的一方最多读这么多次（正常情况下写完就停，这只是保证测试一定会结束）。
const MAX_READS: usize = 2_000_000;

fn python_peer(name: &str) -> PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 每个测试自己的临时目录；丢弃时连同里面的东西一起删掉（测试失败时也一样）。
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("file-writer-test-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// 目录里现在有哪些文件（排好序）：用来确认临时文件没有留下。
    fn names(&self) -> Vec<String> {
        names_in(&self.0)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// file_writer 写的一整条消息：固定的开头，带进程号和时间，以"秒）。"结尾。写了一半的不算。
fn is_whole_message(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        text.starts_with("hello! 你好！这条消息来自 file_writer（进程 ")
            && text.ends_with(" 秒）。")
    })
}

fn write(target: &Path) -> Finished {
    start(WRITER, &[target]).finish()
}

#[test]
fn writes_one_whole_message_and_leaves_no_temporary_file() {
    let scratch = Scratch::new("whole");
    let target = scratch.join("message.txt");
    let writer = write(&target);
    assert_eq!(writer.code(), Some(0), "{writer}");
    let bytes = fs::read(&target).unwrap();
    assert!(is_whole_message(&bytes), "{writer}");
    let message = String::from_utf8(bytes).unwrap();
    assert!(
        writer
            .stdout
            .contains(&format!("file_writer 写好了一条消息：{message}\n")),
        "{writer}"
    );
    assert!(
        writer
            .stdout
            .contains(&format!("文件：{}\n", target.display())),
        "{writer}"
    );
    assert!(
        writer.stdout.contains(&format!(
            "下一步：在另一个终端运行读的一方（比如 file_reader），在命令末尾写上同一个路径 {}\n",
            target.display()
        )),
        "{writer}"
    );
    assert_no_workspace_command(&writer);
    assert_eq!(scratch.names(), ["message.txt"], "临时文件应该已经改名了");
}

#[test]
fn the_lessons_python_reader_reads_what_file_writer_wrote() {
    let scratch = Scratch::new("python");
    let target = scratch.join("message.txt");
    let writer = write(&target);
    assert_eq!(writer.code(), Some(0), "{writer}");
    let reader = python(python_peer("b.py"), &[&target]).finish();
    assert_eq!(reader.code(), Some(0), "{reader}");
    let message = reader.stdout.trim_end();
    assert!(is_whole_message(message.as_bytes()), "{reader}");
    assert!(
        writer
            .stdout
            .contains(&format!("写好了一条消息：{message}\n")),
        "{writer}\n{reader}"
    );
}

#[test]
fn every_run_replaces_the_message_with_a_different_one() {
    let scratch = Scratch::new("twice");
    let target = scratch.join("message.txt");
    assert_eq!(write(&target).code(), Some(0));
    let first = fs::read(&target).unwrap();
    assert_eq!(write(&target).code(), Some(0));
    let second = fs::read(&target).unwrap();
    assert!(is_whole_message(&second));
    // 进程号不同，读的一方能分清这是哪一次写的。
    assert_ne!(first, second);
    assert_eq!(scratch.names(), ["message.txt"]);
}

#[test]
fn a_reader_never_sees_half_a_message() {
    let scratch = Scratch::new("soak");
    let target = scratch.join("message.txt");
    let stop = Arc::new(AtomicBool::new(false));

    // 读的一方：一刻不停地读目标文件，每次读到的都必须是一整条消息。
    let reader = {
        let (target, stop) = (target.clone(), stop.clone());
        thread::spawn(move || -> Result<(usize, BTreeSet<Vec<u8>>), String> {
            let mut seen = BTreeSet::new();
            let mut reads = 0;
            while !stop.load(Ordering::Relaxed) && reads < MAX_READS {
                reads += 1;
                match fs::read(&target) {
                    Ok(bytes) if is_whole_message(&bytes) => {
                        seen.insert(bytes);
                    }
                    Ok(bytes) => {
                        return Err(format!(
                            "第 {reads} 次读到的不是一整条消息：{:?}",
                            String::from_utf8_lossy(&bytes)
                        ));
                    }
                    // 第一条消息写好之前文件还不存在；写好之后它就不该再消失。
                    Err(e) if e.kind() == ErrorKind::NotFound && seen.is_empty() => {}
                    Err(e) => return Err(format!("第 {reads} 次读取失败：{e}")),
                }
            }
            Ok((reads, seen))
        })
    };

    // 写的一方：几个线程同时反复运行 file_writer，也检验了两个写者不会抢同一个临时文件。
    let writers: Vec<_> = (0..WRITER_THREADS)
        .map(|_| {
            let target = target.clone();
            thread::spawn(move || -> Result<(), String> {
                for _ in 0..RUNS_PER_THREAD {
                    let writer = write(&target);
                    if writer.code() != Some(0) {
                        return Err(writer.to_string());
                    }
                }
                Ok(())
            })
        })
        .collect();
    let written: Vec<Result<(), String>> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    stop.store(true, Ordering::Relaxed);
    let read = reader.join().unwrap();

    for result in written {
        result.unwrap_or_else(|failure| panic!("file_writer 失败了：\n{failure}"));
    }
    let (reads, seen) = read.unwrap_or_else(|problem| panic!("{problem}"));
    // 读到过不止一条不同的消息，说明读和写确实是交错进行的，这个测试有机会抓到半条消息。
    assert!(
        seen.len() >= 2,
        "读了 {reads} 次只见到 {} 条不同的消息，读和写没有交错",
        seen.len()
    );
    assert_eq!(scratch.names(), ["message.txt"], "留下了临时文件");
}

#[cfg(unix)]
#[test]
fn a_reader_that_already_opened_the_file_still_reads_the_old_message() {
    use std::io::Read;
    let scratch = Scratch::new("opened");
    let target = scratch.join("message.txt");
    assert_eq!(write(&target).code(), Some(0));
    let old = fs::read(&target).unwrap();
    let mut opened = fs::File::open(&target).unwrap();
    assert_eq!(write(&target).code(), Some(0));
    let mut still = Vec::new();
    opened.read_to_end(&mut still).unwrap();
    assert_eq!(still, old, "已经打开的文件应该还是旧消息");
    assert_ne!(fs::read(&target).unwrap(), old, "重新打开应该读到新消息");
}

#[test]
fn the_default_file_is_in_the_temp_dir() {
    let scratch = Scratch::new("default");
    // std::env::temp_dir() 在 Unix 上看 TMPDIR，在 Windows 上看 TMP、TEMP。
    let mut command = Command::new(WRITER);
    for name in ["TMPDIR", "TMP", "TEMP"] {
        command.env(name, &scratch.0);
    }
    let writer = start_command(command).finish();
    assert_eq!(writer.code(), Some(0), "{writer}");
    let target = scratch.join("socket-lesson-message.txt");
    assert!(is_whole_message(&fs::read(&target).unwrap()), "{writer}");
    assert!(
        writer
            .stdout
            .contains("下一步：在另一个终端运行读的一方（比如 file_reader），不用加参数：两边默认用的是同一个文件。\n"),
        "{writer}"
    );
    assert_no_workspace_command(&writer);
    assert_eq!(scratch.names(), ["socket-lesson-message.txt"]);
}

#[test]
fn a_missing_directory_is_explained_in_one_line() {
    let scratch = Scratch::new("nodir");
    let folder = scratch.join("no-such-folder");
    let writer = write(&folder.join("message.txt"));
    assert_eq!(writer.code(), Some(1), "{writer}");
    assert!(
        writer
            .stderr
            .contains(&format!("目录 {} 不存在", folder.display())),
        "{writer}"
    );
    assert_eq!(writer.stderr.lines().count(), 1, "{writer}");
    assert_friendly_failure(&writer);
    assert!(scratch.names().is_empty());
}

#[test]
fn a_directory_as_the_target_fails_and_leaves_nothing_behind() {
    let scratch = Scratch::new("isdir");
    let folder = scratch.join("folder");
    fs::create_dir(&folder).unwrap();
    let writer = write(&folder);
    assert_eq!(writer.code(), Some(1), "{writer}");
    assert_eq!(writer.stderr.lines().count(), 1, "{writer}");
    assert_friendly_failure(&writer);
    // 临时文件写在 folder 旁边；改名失败后它必须被删掉。
    assert_eq!(scratch.names(), ["folder"]);
    assert!(names_in(&folder).is_empty());
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_is_explained_in_one_line() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new("readonly");
    let folder = scratch.join("locked");
    fs::create_dir(&folder).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    // root 不受权限限制：能在只读目录里建文件，就没法测试这种情况。
    let probe = folder.join("probe");
    if fs::write(&probe, b"").is_ok() {
        let _ = fs::remove_file(&probe);
        eprintln!("以 root 运行，权限限制不起作用，跳过");
        return;
    }
    let writer = write(&folder.join("message.txt"));
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(writer.code(), Some(1), "{writer}");
    assert!(writer.stderr.contains("没有权限写"), "{writer}");
    assert_eq!(writer.stderr.lines().count(), 1, "{writer}");
    assert_friendly_failure(&writer);
}

#[cfg(target_os = "linux")]
#[test]
fn a_path_that_is_not_utf8_is_used_as_it_is() {
    use std::os::unix::ffi::OsStrExt;
    let scratch = Scratch::new("bytes");
    let target = scratch
        .0
        .join(std::ffi::OsStr::from_bytes(b"message-\xff.txt"));
    let writer = write(&target);
    assert_eq!(writer.code(), Some(0), "{writer}");
    assert!(is_whole_message(&fs::read(&target).unwrap()));
    assert_eq!(fs::read_dir(&scratch.0).unwrap().count(), 1);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        WRITER,
        "file_writer",
        &[&["a.txt", "b.txt"], &[""], &["."], &["--wait"], &["-x"]],
    );
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(WRITER, &["--help"], "socket-lesson-message.txt");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_with_one_line_after_the_message_is_written() {
    // 就像 `file_writer | head -0`：消息照样写进文件，报告却写不出去：一句话说明，退出码 1，不 panic。
    let scratch = Scratch::new("closed-stdout");
    let target = scratch.join("message.txt");
    let (status, stderr) = run_with_stdout_closed(WRITER, &[target.to_str().unwrap()]);
    assert_stopped_because_stdout_closed(status, &stderr);
    assert!(is_whole_message(&fs::read(&target).unwrap()));
    assert_eq!(scratch.names(), ["message.txt"]);
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
    let dir = std::env::temp_dir().join(format!("file_writer-renamed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let renamed = dir.join(format!("my_program{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(WRITER, &renamed).unwrap();
    let run = start(&renamed, &["a", "b"]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code(), Some(2), "{run}");
    assert!(run.stderr.contains("用法：my_program ["), "{run}");
    assert!(!run.stderr.contains("file_writer"), "{run}");
}
