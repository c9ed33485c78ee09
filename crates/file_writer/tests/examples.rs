//! 最小版本和练习答案（都是 Cargo 例子）的测试：真实的程序，每个测试一个自己的临时目录；
//! 读的一方由课程风格的 Python b.py 或者测试自己来扮演。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use support::*;

/// 练习答案的原子性测试：答案一次接一次地运行这么多次，测试同时一刻不停地读。
const EXERCISE_RUNS: usize = 100;

/// 每个测试自己的临时目录；丢弃时连同里面的东西一起删掉（测试失败时也一样）。
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("file-writer-example-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// 目录里现在有哪些文件（排好序）：用来确认临时文件没有留下。
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// 运行例子 `name` 写 `target`，再让 Python 的 b.py 读出来；返回写的一方的结局。
fn write_then_read_with_python(name: &str, target: &Path) -> Finished {
    let writer = start(example_binary(name), &[target]).finish();
    assert_eq!(writer.code(), Some(0), "{writer}");
    assert_eq!(
        writer.stdout,
        format!("写好了：{}\n", target.display()),
        "{writer}"
    );
    let b_py = crate_file(env!("CARGO_MANIFEST_DIR"), "tests/python/b.py");
    let reader = python(b_py, &[target]).finish();
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert_eq!(reader.stdout, "hello! 你好！\n", "{reader}");
    writer
}

#[test]
fn the_python_reader_reads_what_the_minimal_writer_wrote() {
    let scratch = Scratch::new("minimal");
    write_then_read_with_python("file_writer_minimal", &scratch.0.join("message.txt"));
    assert_eq!(scratch.names(), ["message.txt"]);
}

#[test]
fn the_python_reader_reads_what_the_exercise_wrote_and_no_temporary_file_is_left() {
    let scratch = Scratch::new("exercise");
    write_then_read_with_python("file_writer_exercise", &scratch.0.join("message.txt"));
    assert_eq!(scratch.names(), ["message.txt"], "临时文件应该已经改名了");
}

#[test]
fn a_reader_never_sees_half_a_message_from_the_exercise() {
    let scratch = Scratch::new("exercise-soak");
    let target = scratch.0.join("message.txt");
    let stop = Arc::new(AtomicBool::new(false));
    // 读的一方：一刻不停地读目标文件，每次读到的都必须是一整条消息。
    let reader = {
        let (target, stop) = (target.clone(), stop.clone());
        thread::spawn(move || -> Result<usize, String> {
            let mut reads = 0;
            let mut seen = false;
            while !stop.load(Ordering::Relaxed) {
                reads += 1;
                match fs::read(&target) {
                    Ok(bytes) if bytes == "hello! 你好！".as_bytes() => seen = true,
                    Ok(bytes) => {
                        return Err(format!(
                            "第 {reads} 次读到的不是一整条消息：{:?}",
                            String::from_utf8_lossy(&bytes)
                        ));
                    }
                    // 第一条消息写好之前文件还不存在；写好之后它就不该再消失。
                    Err(e) if e.kind() == ErrorKind::NotFound && !seen => {}
                    Err(e) => return Err(format!("第 {reads} 次读取失败：{e}")),
                }
            }
            Ok(reads)
        })
    };
    let exercise = example_binary("file_writer_exercise");
    let mut failed = None;
    for _ in 0..EXERCISE_RUNS {
        let writer = start(&exercise, &[&target]).finish();
        if writer.code() != Some(0) {
            failed = Some(writer.to_string());
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let read = reader.join().unwrap();
    assert!(failed.is_none(), "练习答案失败了：\n{}", failed.unwrap());
    let reads = read.unwrap_or_else(|problem| panic!("{problem}"));
    assert!(reads > EXERCISE_RUNS, "只读了 {reads} 次，读和写没有交错");
    assert_eq!(scratch.names(), ["message.txt"], "留下了临时文件");
}
