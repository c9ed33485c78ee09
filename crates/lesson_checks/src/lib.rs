//! 测试共用的小工具，不是课程的一部分，也没有学生要运行的程序。
//!
//! 它启动真实的程序（Rust 的二进制或课程风格的 Python 对端），等它打印出就绪行，
//! 往它的标准输入里打字，读它的输出，最后确认它按时退出。所有等待都有期限，
//! 超时就让测试失败并附上程序已经打印的全部内容；测试结束时（包括失败时）进程一定被杀掉。
//!
//! 各课程 crate 的测试用 `#[path = "../../lesson_checks/src/lib.rs"] mod support;`
//! 把这个文件包含进去，而不是依赖本 crate：这样课程 crate 之间（连 dev-dependency 也）互不依赖。
//! 跨 crate 的测试（客户端对服务端、文档、演示脚本）放在本 crate 的 tests/ 下，直接 `use lesson_checks::…`。

#![allow(dead_code)] // 每个测试文件只用到其中一部分

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// 等一件本该很快发生的事（就绪行、一行回复、进程退出）最多等多久。
/// 程序自己的超时（5 秒、30 秒……）比这个短或者由调用者另给期限。
pub const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Captured {
    bytes: Vec<u8>,
    closed: bool,
}

#[derive(Clone, Default)]
struct Stream(Arc<(Mutex<Captured>, Condvar)>);

impl Stream {
    fn pump(&self, mut source: impl Read + Send + 'static) {
        let shared = self.clone();
        thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            loop {
                let n = source.read(&mut chunk).unwrap_or(0);
                let (lock, changed) = &*shared.0;
                let mut captured = lock.lock().unwrap();
                if n == 0 {
                    captured.closed = true;
                } else {
                    captured.bytes.extend_from_slice(&chunk[..n]);
                }
                changed.notify_all();
                if n == 0 {
                    return;
                }
            }
        });
    }

    /// 等到 `done` 对已收到的内容成立，或者流结束，或者到期。返回当时收到的全部文本和 `done` 是否成立。
    fn wait_until(&self, deadline: Instant, done: impl Fn(&str) -> bool) -> (String, bool) {
        let (lock, changed) = &*self.0;
        let mut captured = lock.lock().unwrap();
        loop {
            let text = String::from_utf8_lossy(&captured.bytes).into_owned();
            if done(&text) {
                return (text, true);
            }
            let now = Instant::now();
            if captured.closed || now >= deadline {
                return (text, false);
            }
            captured = changed.wait_timeout(captured, deadline - now).unwrap().0;
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.0.lock().unwrap().bytes).into_owned()
    }

    fn raw(&self) -> Vec<u8> {
        self.0.0.lock().unwrap().bytes.clone()
    }
}

/// 一个正在运行的程序。丢弃时会被杀掉，所以测试失败也不会留下进程。
pub struct Running {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Stream,
    stderr: Stream,
}

/// 程序结束后的样子。
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// stdout 的原始字节，用来检查有没有原样打印控制字符。
    pub stdout_raw: Vec<u8>,
}

impl Finished {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

impl std::fmt::Display for Finished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "退出状态 {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// 启动一个程序：标准输入、输出、错误都接到管道上；设置 NO_COLOR，让输出里只有程序自己的文字。
pub fn start<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, args: &[S]) -> Running {
    let mut command = Command::new(program);
    command.args(args).env("NO_COLOR", "1");
    start_command(command)
}

/// 测试进程里启动子进程都经过这把锁，关掉一个管道端也要先拿到它。
/// 原因：另一个线程 fork 出的子进程，在它 exec 之前手里有父进程全部文件描述符的副本
/// （包括我们刚要关掉的管道读端），这一瞬间程序写 stdout 还会成功。关闭 stdout 的测试在机器很忙时
/// 会因此偶尔看到"写成功了"。`spawn` 返回时子进程已经 exec（副本随 CLOEXEC 关掉了），
/// 所以只要启动和关闭不同时发生，关掉的一端就真的没有人拿着了。
static SPAWN_LOCK: Mutex<()> = Mutex::new(());

/// 启动一个子进程（拿着 `SPAWN_LOCK`）。测试文件里要自己配 stdin/stdout 的，也用它来启动。
pub fn spawn(command: &mut Command) -> Child {
    let _one_at_a_time = SPAWN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    command
        .spawn()
        .unwrap_or_else(|e| panic!("无法启动 {:?}：{e}", command.get_program()))
}

/// 拿着 `SPAWN_LOCK` 关掉一个文件描述符（管道或套接字的一端），保证此刻没有正在 fork 的子进程复制着它。
pub fn close_for_sure<T>(end: T) {
    let _one_at_a_time = SPAWN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    drop(end);
}

/// 和 `start` 一样，但命令由调用者自己配置（环境变量、工作目录……）。
pub fn start_command(mut command: Command) -> Running {
    let name = format!("{:?}", command.get_program());
    let mut child = spawn(
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    let stdout = Stream::default();
    stdout.pump(child.stdout.take().unwrap());
    let stderr = Stream::default();
    stderr.pump(child.stderr.take().unwrap());
    Running {
        name,
        stdin: child.stdin.take(),
        child,
        stdout,
        stderr,
    }
}

/// 用 python3 运行 `script`（课程风格的 Python 对端），`-u` 让它的输出不缓冲。
pub fn python<S: AsRef<OsStr>>(script: impl AsRef<Path>, args: &[S]) -> Running {
    let script = script.as_ref();
    assert!(script.exists(), "找不到 Python 对端 {}", script.display());
    let mut command = Command::new(python3());
    command.arg("-u").arg(script).args(args);
    start_command(command)
}

/// 设了这个环境变量，需要 Python 对端的测试就跳过（在 Wine 里跑 Windows 版测试时用：
/// Wine 里的程序启动不了 Linux 的 python3）。见 scripts/wine-test.sh。
pub const NO_PYTHON: &str = "LESSON_TESTS_NO_PYTHON";
/// 跳过的测试以带这个标记的 panic 结束；scripts/wine-test.sh 把它算作"跳过"，不算失败。
pub const SKIP_MARK: &str = "[跳过]";

/// Python 3 的命令名：测试需要它来扮演课程里的 Python 程序，没有就明确失败。
/// Linux 和 macOS 上叫 python3；Windows 上装的 Python 通常只有 python
/// （python3 可能是应用商店的占位程序，一运行就失败），所以两个都试。
pub fn python3() -> &'static str {
    static FOUND: std::sync::OnceLock<Option<&'static str>> = std::sync::OnceLock::new();
    if std::env::var_os(NO_PYTHON).is_some() {
        panic!("{SKIP_MARK} 这个测试需要 Python 对端，设了 {NO_PYTHON}");
    }
    let found = FOUND.get_or_init(|| {
        ["python3", "python"].into_iter().find(|name| {
            Command::new(name).arg("--version").output().is_ok_and(|o| {
                o.status.success() && String::from_utf8_lossy(&o.stdout).starts_with("Python 3")
            })
        })
    });
    found.expect(
        "这些测试需要 Python 3 来运行课程的 Python 对端，请先安装（命令 python3 或 python）",
    )
}

impl Running {
    /// 等 stdout 里出现 `needle`，返回到那时为止的全部 stdout。等不到就让测试失败。
    pub fn wait_stdout(&self, needle: &str) -> String {
        self.wait_stdout_for(needle, PATIENCE)
    }

    pub fn wait_stdout_for(&self, needle: &str, patience: Duration) -> String {
        let (text, found) = self
            .stdout
            .wait_until(Instant::now() + patience, |t| t.contains(needle));
        assert!(
            found,
            "{} 的 stdout 里没等到 {needle:?}\n{}",
            self.name,
            self.report(&text)
        );
        text
    }

    /// 等 stdout 里的第 `count` 次出现 `needle`（对话类程序每轮都打印同样的提示符）。
    pub fn wait_stdout_count(&self, needle: &str, count: usize) -> String {
        let (text, found) = self.stdout.wait_until(Instant::now() + PATIENCE, |t| {
            t.matches(needle).count() >= count
        });
        assert!(
            found,
            "{} 的 stdout 里没等到第 {count} 个 {needle:?}\n{}",
            self.name,
            self.report(&text)
        );
        text
    }

    /// 等 stderr 里出现 `needle`。
    pub fn wait_stderr(&self, needle: &str) -> String {
        let (text, found) = self
            .stderr
            .wait_until(Instant::now() + PATIENCE, |t| t.contains(needle));
        assert!(
            found,
            "{} 的 stderr 里没等到 {needle:?}\n{}",
            self.name,
            self.report("")
        );
        text
    }

    /// 等 stderr 里出现第 `count` 个 `needle`。
    pub fn wait_stderr_count(&self, needle: &str, count: usize) -> String {
        let (text, found) = self.stderr.wait_until(Instant::now() + PATIENCE, |t| {
            t.matches(needle).count() >= count
        });
        assert!(
            found,
            "{} 的 stderr 里没等到第 {count} 个 {needle:?}\n{}",
            self.name,
            self.report("")
        );
        text
    }

    /// 第一行 stdout（就绪行），不含换行符。
    pub fn first_line(&self) -> String {
        let text = self.wait_stdout("\n");
        text.lines().next().unwrap_or_default().to_string()
    }

    /// 等就绪行，取出行尾的地址：服务端的第一行以它真正绑定的地址结尾。
    pub fn ready_addr(&self) -> SocketAddr {
        let line = self.first_line();
        address_at_end(&line)
            .unwrap_or_else(|| panic!("{} 的第一行不是以地址结尾：{line:?}", self.name))
    }

    /// 往标准输入写一行（自动加换行符）。
    pub fn type_line(&mut self, line: &str) {
        self.type_raw(format!("{line}\n").as_bytes());
    }

    /// 往标准输入原样写字节。
    pub fn type_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("标准输入已经关掉了");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// 关掉标准输入：程序读到文件结尾（相当于在终端里按 Ctrl-D）。
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    pub fn stdout_so_far(&self) -> String {
        self.stdout.text()
    }

    pub fn stderr_so_far(&self) -> String {
        self.stderr.text()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// 等程序自己退出（最多 `PATIENCE`），返回它的退出状态和全部输出。
    pub fn finish(self) -> Finished {
        self.finish_within(PATIENCE)
    }

    /// 等程序自己退出，最多等 `patience`；到期还没退出就杀掉它并让测试失败。
    pub fn finish_within(mut self, patience: Duration) -> Finished {
        let deadline = Instant::now() + patience;
        let closed = self.stdout.wait_until(deadline, |_| false);
        let _ = self.stderr.wait_until(deadline, |_| false);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "{} 在 {patience:?} 内没有退出\n{}",
                    self.name,
                    self.report(&closed.0)
                );
            }
            // 输出已经关闭，进程马上就会结束；这里只是让出时间片，不是用睡眠来同步。
            thread::yield_now();
        };
        Finished {
            status,
            stdout: self.stdout.text(),
            stderr: self.stderr.text(),
            stdout_raw: self.stdout.raw(),
        }
    }

    /// 马上杀掉程序（比如一个永远循环的服务端），返回它到那时为止的输出。
    pub fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        let deadline = Instant::now() + PATIENCE;
        let _ = self.stdout.wait_until(deadline, |_| false);
        let _ = self.stderr.wait_until(deadline, |_| false);
        Finished {
            status,
            stdout: self.stdout.text(),
            stderr: self.stderr.text(),
            stdout_raw: self.stdout.raw(),
        }
    }

    fn report(&self, stdout: &str) -> String {
        let stdout = if stdout.is_empty() {
            self.stdout.text()
        } else {
            stdout.to_string()
        };
        format!(
            "--- stdout ---\n{stdout}\n--- stderr ---\n{}",
            self.stderr.text()
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 一行文字末尾的地址（`… 127.0.0.1:8898` 或 `… [::1]:9000`）。
pub fn address_at_end(line: &str) -> Option<SocketAddr> {
    line.trim_end().rsplit([' ', '：']).next()?.parse().ok()
}

/// 断言一段输出里没有原样出现的控制字符（换行和制表符除外）：对方发来的 ESC、BEL、NUL……
/// 都必须被转义后再打印。调用前请确认程序没有输出颜色（测试里设置了 NO_COLOR）。
pub fn assert_no_raw_control(output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    for (i, c) in text.char_indices() {
        assert!(
            !c.is_control() || c == '\n',
            "输出的第 {i} 字节处有原样的控制字符 U+{:04X}：\n{text}",
            c as u32
        );
    }
}

/// 一个当前没有程序监听的本机端口：先绑定再放开。用来模拟"服务端没启动"。
pub fn closed_tcp_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// 一个当前没有程序在用的本机 UDP 端口。
pub fn closed_udp_port() -> SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap()
}

/// 本机有没有 IPv6 回环地址 ::1（有些容器没有）。
pub fn ipv6_loopback_available() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

/// 断言错误输出是给人看的中文，而不是 Rust 的 Debug 输出或 panic。
pub fn assert_friendly_failure(finished: &Finished) {
    let err = &finished.stderr;
    assert!(!err.contains("panicked"), "程序 panic 了：\n{finished}");
    assert!(
        !err.contains("Os {"),
        "程序打印了 Debug 格式的错误：\n{finished}"
    );
    assert!(
        !err.contains("Error {"),
        "程序打印了 Debug 格式的错误：\n{finished}"
    );
    assert!(
        !err.contains("kind:"),
        "程序打印了 Debug 格式的错误：\n{finished}"
    );
    assert!(
        err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "错误信息里没有中文：\n{finished}"
    );
}

/// 工作区里另一个 crate 编译出的程序（比如客户端的测试要用服务端）。
/// `cargo test --workspace` 会先把所有二进制编译好；单独测试一个 crate 时缺了就明确失败。
pub fn workspace_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // 测试程序在 target/<profile>/deps/ 里，各 crate 的二进制在 target/<profile>/ 里。
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "找不到 {}：请用 cargo test --workspace 运行，它会先编译工作区里所有的程序",
        path.display()
    );
    path
}

/// 一个 Cargo 例子编译出的程序（最小版本、练习的答案都是例子）。`cargo test` 测试一个包之前，
/// 会把这个包的例子编译进 target/<profile>/examples/；缺了就明确失败。
pub fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples");
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "找不到例子 {}：请用 cargo test 运行，它会先编译包里的例子",
        path.display()
    );
    path
}

/// 当前 crate 目录下的一个文件（测试里的 Python 对端就放在 tests/python/ 下）。
pub fn crate_file(manifest_dir: &str, relative: &str) -> PathBuf {
    Path::new(manifest_dir).join(relative)
}

/// 断言每一组参数都是错的：程序以 2 退出，stderr 里有 `用法：{usage_name}`，错误信息是给人看的中文。
/// 失败信息里带着是哪一组参数。
pub fn assert_bad_arguments_exit_2(
    program: impl AsRef<OsStr>,
    usage_name: &str,
    cases: &[&[&str]],
) {
    assert_bad_arguments_exit_2_and(program, usage_name, cases, |_, _| {});
}

/// 和 `assert_bad_arguments_exit_2` 一样，另外对每组参数的运行结果再做 `also` 里的检查
/// （比如"参数错了就不该打印任何东西"）。
pub fn assert_bad_arguments_exit_2_and(
    program: impl AsRef<OsStr>,
    usage_name: &str,
    cases: &[&[&str]],
    also: impl Fn(&[&str], &Finished),
) {
    let usage = format!("用法：{usage_name}");
    for args in cases {
        let run = start(program.as_ref(), args).finish();
        assert_eq!(run.code(), Some(2), "{args:?}\n{run}");
        assert!(run.stderr.contains(&usage), "{args:?}\n{run}");
        also(args, &run);
        assert_friendly_failure(&run);
    }
}

/// 断言一个不是 UTF-8 的参数（`bytes` 原样传给程序）让程序以 2 退出，错误信息是给人看的中文，而不是 panic。
#[cfg(unix)]
pub fn assert_non_utf8_argument_exits_2(program: impl AsRef<OsStr>, bytes: &[u8]) {
    use std::os::unix::ffi::OsStrExt;
    let run = start(program, &[OsStr::from_bytes(bytes)]).finish();
    assert_eq!(run.code(), Some(2), "{run}");
    assert_friendly_failure(&run);
}

/// 用 `args`（比如 `["--help"]`）运行程序：断言它以 0 退出、stdout 里有 `must_contain`。
/// 返回运行结果，调用者可以再检查别的。
pub fn assert_help_exits_0(
    program: impl AsRef<OsStr>,
    args: &[&str],
    must_contain: &str,
) -> Finished {
    assert_help_exits_0_within(program, args, must_contain, PATIENCE)
}

/// 和 `assert_help_exits_0` 一样，但程序必须在 `patience` 内退出。
pub fn assert_help_exits_0_within(
    program: impl AsRef<OsStr>,
    args: &[&str],
    must_contain: &str,
    patience: Duration,
) -> Finished {
    let run = start(program, args).finish_within(patience);
    assert_eq!(run.code(), Some(0), "{args:?}\n{run}");
    assert!(run.stdout.contains(must_contain), "{args:?}\n{run}");
    run
}

/// 先用一个 TCP 监听占住本机的一个端口，再让服务端去绑定它：断言服务端以 1 退出，
/// stderr 只有一行、说了"端口被占用"和那个地址，而且是给人看的中文。返回运行结果，调用者可以再检查别的。
pub fn assert_taken_tcp_port_is_explained(program: impl AsRef<OsStr>) -> Finished {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap();
    assert_taken_port_is_explained(program, taken, PATIENCE)
}

/// 和 `assert_taken_tcp_port_is_explained` 一样，但占住端口的是一个 UDP 套接字。
pub fn assert_taken_udp_port_is_explained(program: impl AsRef<OsStr>) -> Finished {
    assert_taken_udp_port_is_explained_within(program, PATIENCE)
}

/// 和 `assert_taken_udp_port_is_explained` 一样，但服务端必须在 `patience` 内退出。
pub fn assert_taken_udp_port_is_explained_within(
    program: impl AsRef<OsStr>,
    patience: Duration,
) -> Finished {
    let holder = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap();
    assert_taken_port_is_explained(program, taken, patience)
}

/// 端口 `taken` 已经被别人占着（调用者在整个运行期间都拿着它）时，服务端该怎么失败。
fn assert_taken_port_is_explained(
    program: impl AsRef<OsStr>,
    taken: SocketAddr,
    patience: Duration,
) -> Finished {
    let taken = taken.to_string();
    let run = start(program, &[taken.as_str()]).finish_within(patience);
    assert_eq!(run.code(), Some(1), "{run}");
    assert!(run.stderr.contains("端口被占用"), "{run}");
    assert!(run.stderr.contains(&taken), "{run}");
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
    assert_friendly_failure(&run);
    run
}

/// 测试自己扮演的 TCP 服务端：在本机系统挑的端口上接一个连接，交给 `behave` 处理（在另一个线程里）。
/// 返回它的地址，给要测试的客户端当参数。
pub fn fake_tcp_server(behave: impl FnOnce(std::net::TcpStream) + Send + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        behave(conn);
    });
    addr
}

/// 测试自己拿着的 UDP 套接字，扮演服务端；收数据报的等待有期限，测试不会卡住。
pub fn fake_udp_server() -> (std::net::UdpSocket, String) {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    (socket, addr)
}

/// 像 `程序 | head -1` 那样运行：读到 stdout 的第一行，就把管道的读端关掉，再等程序自己结束（最多 `PATIENCE`）。
/// 返回第一行、退出状态和 stderr。`after_first_line` 在关掉管道之后调用，可以在这时给程序一点事做
/// （比如给服务端发个请求），让它再往 stdout 写东西。
pub fn run_until_stdout_closes(
    program: impl AsRef<OsStr>,
    args: &[&str],
    after_first_line: impl FnOnce(&str),
) -> (String, ExitStatus, String) {
    use std::io::{BufRead, BufReader};
    let mut child = spawn(
        Command::new(&program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    close_for_sure(stdout);
    let (status, stderr) = wait_reading_stderr(child, || after_first_line(&first));
    (first, status, stderr)
}

/// 像 `程序 | head -0` 那样运行：程序的 stdout 从一开始就没有人读（接在一个另一端已经关掉的本机套接字上），
/// 第一次写 stdout 就会失败（BrokenPipe）。等程序自己结束，最多 `PATIENCE`；返回退出状态和 stderr。
/// 只在 Unix 上有。
#[cfg(unix)]
pub fn run_with_stdout_closed(program: impl AsRef<OsStr>, args: &[&str]) -> (ExitStatus, String) {
    // 建好就关掉我们这一端，中间不许有别的线程 fork（见 SPAWN_LOCK）。
    let theirs = {
        let _one_at_a_time = SPAWN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        drop(ours);
        theirs
    };
    let child = spawn(
        Command::new(&program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
            .stderr(Stdio::piped()),
    );
    wait_reading_stderr(child, || {})
}

/// 一边读 stderr 一边做 `meanwhile`，等程序结束（stderr 读到头），最多 `PATIENCE`；到期就杀掉它、让测试失败。
fn wait_reading_stderr(mut child: Child, meanwhile: impl FnOnce()) -> (ExitStatus, String) {
    let mut stderr = child.stderr.take().unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = done.send(text);
    });
    meanwhile();
    let Ok(stderr) = finished.recv_timeout(PATIENCE) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("stdout 关掉之后，程序在 {PATIENCE:?} 内没有结束");
    };
    (child.wait().unwrap(), stderr)
}

/// 像在终端里按 Ctrl-Z 再 fg 那样：让进程停下（SIGSTOP），等内核确实停下了它，再让它继续（SIGCONT）。
/// 正在带超时等待的 recv 会因此返回 EINTR（ErrorKind::Interrupted）。只在 Linux 上有（要读 /proc）。
#[cfg(target_os = "linux")]
pub fn pause_and_resume(pid: u32) {
    let signal = |name: &str| {
        let status = Command::new("kill")
            .args([name, &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill {name} {pid} 失败");
    };
    signal("-STOP");
    // /proc/<pid>/stat 里的状态变成 T，才说明它真的停下了。
    let stat = format!("/proc/{pid}/stat");
    let deadline = Instant::now() + PATIENCE;
    while !std::fs::read_to_string(&stat)
        .unwrap()
        .rsplit(") ")
        .next()
        .is_some_and(|rest| rest.starts_with('T'))
    {
        assert!(Instant::now() < deadline, "进程 {pid} 没有被暂停");
        thread::yield_now();
    }
    signal("-CONT");
}

/// 断言程序因为 stdout 写不出去而停下，而且停得体面：退出码 1，stderr 正好一行、以"输出写不出去了"开头，没有 panic。
pub fn assert_stopped_because_stdout_closed(status: ExitStatus, stderr: &str) {
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("输出写不出去了"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
