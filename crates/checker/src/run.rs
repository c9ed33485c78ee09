//! 运行学生的程序：新建的临时目录做工作目录，输出只留前面一段，检查完连同它启动的子进程一起结束。
//!
//! 学生的代码不可信：它可能不退出、狂打输出、再启动别的进程。这里的每个等待都有期限；
//! 结束时 Unix 上杀掉整个进程组，Windows 上用 `taskkill /T /F` 结束整棵进程树。

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// 每个输出流最多留下这么多字节；多出来的照样读走（不让程序卡在写上），但不保存。
pub const OUTPUT_CAP: usize = 64 * 1024;

#[derive(Default)]
struct Captured {
    kept: Vec<u8>,
    closed: bool,
}

#[derive(Clone, Default)]
struct Stream(Arc<(Mutex<Captured>, Condvar)>);

impl Stream {
    fn pump(&self, mut source: impl Read + Send + 'static) {
        let shared = self.clone();
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            loop {
                let n = source.read(&mut chunk).unwrap_or(0);
                let (lock, changed) = &*shared.0;
                let mut captured = lock.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    captured.closed = true;
                } else {
                    let room = OUTPUT_CAP.saturating_sub(captured.kept.len());
                    captured.kept.extend_from_slice(&chunk[..n.min(room)]);
                }
                changed.notify_all();
                if n == 0 {
                    return;
                }
            }
        });
    }

    fn wait_for(&self, needle: &[u8], deadline: Instant) -> bool {
        let (lock, changed) = &*self.0;
        let mut captured = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if contains(&captured.kept, needle) {
                return true;
            }
            let now = Instant::now();
            if captured.closed || now >= deadline {
                return false;
            }
            captured = changed
                .wait_timeout(captured, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn bytes(&self) -> Vec<u8> {
        self.0
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .kept
            .clone()
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// 程序在新建的临时目录里运行，所以：
/// - 命令里指向当前目录下已有文件的部分（`my_server.py`、`./target/debug/my_server`、`../x/Cargo.toml`）
///   改成绝对路径，不然在那里找不到；
/// - `cargo run` 没写 `--manifest-path` 时补上当前目录的 Cargo.toml：cargo 是从工作目录往上找项目的。
pub fn absolute_command(command: &[OsString]) -> Vec<OsString> {
    let here = std::env::current_dir().ok();
    let mut out: Vec<OsString> = command
        .iter()
        .map(|part| {
            let path = Path::new(part);
            let looks_like_path = path.is_file() || part.to_string_lossy().contains(['/', '\\']);
            match &here {
                Some(dir) if path.is_relative() && path.exists() && looks_like_path => {
                    dir.join(path).into_os_string()
                }
                _ => part.clone(),
            }
        })
        .collect();
    let is_cargo = out
        .first()
        .and_then(|p| Path::new(p).file_stem())
        .is_some_and(|stem| stem == "cargo");
    let has_manifest = out
        .iter()
        .any(|a| a.to_string_lossy().starts_with("--manifest-path"));
    if is_cargo && !has_manifest && out.get(1).is_some_and(|a| a == "run") {
        if let Some(dir) = &here {
            out.insert(2, "--manifest-path".into());
            out.insert(3, dir.join("Cargo.toml").into_os_string());
        }
    }
    out
}

/// 一次运行用的新临时目录。
fn fresh_dir() -> Result<PathBuf, String> {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "checker-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("建不了临时目录 {}：{e}", dir.display()))?;
    Ok(dir)
}

/// 一个正在运行的学生程序。丢弃时整棵进程树被结束，临时目录被删掉。
pub struct Student {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Stream,
    stderr: Stream,
    dir: PathBuf,
    status: Option<ExitStatus>,
}

impl Student {
    /// 启动 `command`，末尾加上 `extra`（`--addr` 时是地址）。
    pub fn start(command: &[OsString], extra: Option<&str>) -> Result<Student, String> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| "没有给出要检查的命令".to_string())?;
        let dir = fresh_dir()?;
        let mut cmd = Command::new(program);
        cmd.args(args)
            .args(extra)
            .current_dir(&dir)
            // 课程的 Python 程序 print 时不 flush；输出接到管道上会攒在缓冲区里，检查器就看不到了。
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONIOENCODING", "utf-8")
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        new_process_group(&mut cmd);
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(format!(
                    "启动不了 {}：{e}。命令写对了吗？",
                    program.to_string_lossy()
                ));
            }
        };
        let stdout = Stream::default();
        let stderr = Stream::default();
        if let Some(out) = child.stdout.take() {
            stdout.pump(out);
        }
        if let Some(err) = child.stderr.take() {
            stderr.pump(err);
        }
        Ok(Student {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            dir,
            status: None,
        })
    }

    /// 往标准输入打一行。程序已经不读了也不要紧。
    pub fn type_line(&mut self, line: &str) {
        if let Some(stdin) = &mut self.stdin {
            let _ = stdin.write_all(format!("{line}\n").as_bytes());
            let _ = stdin.flush();
        }
    }

    /// 关掉标准输入：相当于在终端里按 Ctrl-D。
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    pub fn wait_stdout(&self, needle: &[u8], limit: Duration) -> bool {
        self.stdout.wait_for(needle, Instant::now() + limit)
    }

    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.bytes()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.bytes()).into_owned()
    }

    /// 已经退出了吗（不等）。
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// 最多等 `limit`，等它自己退出。
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// 程序崩溃的迹象：Python 的 Traceback、Rust 的 panic，或者被信号杀死。
    pub fn crashed(&mut self) -> Option<String> {
        let err = self.stderr_text();
        if err.contains("Traceback") {
            let last = err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            return Some(format!("Python 报错退出：{}", short(last, 80)));
        }
        if err.contains("panicked") {
            return Some("Rust 程序 panic 了".to_string());
        }
        if let Some(status) = self.exited() {
            if status.code().is_none() {
                return Some(format!("程序异常终止（{status}）"));
            }
        }
        None
    }

    /// 结束整棵进程树，等它退出。
    pub fn end(&mut self) {
        self.stdin = None;
        kill_tree(&mut self.child);
        let _ = self.child.wait();
        // 被杀掉之前就自己退出了的，保留它自己的退出状态。
    }
}

impl Drop for Student {
    fn drop(&mut self) {
        self.end();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn short(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max).collect::<String>() + "…"
    }
}

#[cfg(unix)]
fn new_process_group(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
}

#[cfg(not(unix))]
fn new_process_group(_cmd: &mut Command) {}

#[cfg(unix)]
fn kill_tree(child: &mut Child) {
    unsafe extern "C" {
        fn kill(pid: i32, sig: i32) -> i32;
    }
    const SIGKILL: i32 = 9;
    if let Ok(pid) = i32::try_from(child.id()) {
        // 负的 pid：整个进程组。组长被回收以后，只要组里还有进程，这个组号就不会被别人用。
        // SAFETY: kill 只是一个系统调用，参数都是普通整数。
        unsafe {
            kill(-pid, SIGKILL);
        }
    }
    let _ = child.kill();
}

#[cfg(windows)]
fn kill_tree(child: &mut Child) {
    if child.try_wait().ok().flatten().is_none() {
        let _ = Command::new("taskkill")
            .args(["/T", "/F", "/PID", &child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
}

#[cfg(not(any(unix, windows)))]
fn kill_tree(child: &mut Child) {
    let _ = child.kill();
}

/// 运行一个准备步骤（比如 cargo build），有期限，输出同样只留一段。返回（成功了吗，stdout，stderr）。
pub fn run_bounded(
    command: &mut Command,
    limit: Duration,
) -> Result<(bool, String, String), String> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    new_process_group(command);
    let mut child = command
        .spawn()
        .map_err(|e| format!("启动不了 {}：{e}", command.get_program().to_string_lossy()))?;
    let stdout = Stream::default();
    let stderr = Stream::default();
    if let Some(out) = child.stdout.take() {
        stdout.pump(out);
    }
    if let Some(err) = child.stderr.take() {
        stderr.pump(err);
    }
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        thread::sleep(Duration::from_millis(20));
    };
    kill_tree(&mut child);
    let _ = child.wait();
    let out = String::from_utf8_lossy(&stdout.bytes()).into_owned();
    let err = String::from_utf8_lossy(&stderr.bytes()).into_owned();
    match status {
        Some(status) => Ok((status.success(), out, err)),
        None => Err(format!("{} 秒内没有完成", limit.as_secs())),
    }
}
