//! unix_client 的测试：真实的程序、真实的 AF_UNIX 套接字、临时目录里每个测试各用一个路径，靠就绪行同步。
//! AF_UNIX 只在 Unix 类系统上有，所以整个文件只在那里编译。

#![cfg(unix)]

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::fs;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use support::*;

const CLIENT: &str = env!("CARGO_BIN_EXE_unix_client");

fn python_peer(name: &str) -> PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 一个测试专用的套接字文件路径：名字里有测试的标记和进程号，互不干扰；
/// 测试结束时（包括失败时）删掉，不在临时目录里留下文件。
struct SocketPath(PathBuf);

impl SocketPath {
    fn new(tag: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("ux-client-{tag}-{}.sock", std::process::id()));
        let _ = fs::remove_file(&path);
        SocketPath(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for SocketPath {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// 一个测试里自己写的服务端：接一个连接，交给 `behave` 处理。
fn fake_server(
    socket: &SocketPath,
    behave: impl FnOnce(UnixStream) + Send + 'static,
) -> std::thread::JoinHandle<()> {
    let listener = UnixListener::bind(&socket.0).unwrap();
    std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        behave(conn);
    })
}

#[test]
fn talks_to_a_python_af_unix_server() {
    let socket = SocketPath::new("python");
    let server = python(python_peer("unix_server.py"), &[socket.arg()]);
    let line = server.first_line();
    assert!(line.ends_with(&format!(" {}", socket.arg())), "{line}");
    let client = start(CLIENT, &[socket.arg()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains(&format!("已连接到 {}\n", socket.arg())),
        "{client}"
    );
    assert!(client.stdout.contains("已发送 hello!\n"), "{client}");
    assert!(client.stdout.contains("收到回复：hi\n"), "{client}");
    let server = server.finish();
    assert!(server.stdout.contains("b'hello!'"), "{server}");
}

#[test]
fn no_socket_file_says_start_the_server_first() {
    let socket = SocketPath::new("missing");
    let client = start(CLIENT, &[socket.arg()]).finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains(socket.arg()), "{client}");
    assert!(client.stderr.contains("不存在"), "{client}");
    assert!(client.stderr.contains("启动服务端"), "{client}");
    assert_no_workspace_command(&client);
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_stale_socket_file_is_explained_as_refused() {
    let socket = SocketPath::new("stale");
    // bind 之后马上关掉：文件留在原地，却没有程序在听——和服务端被 Ctrl-C 打断后一样。
    drop(UnixListener::bind(&socket.0).unwrap());
    let client = start(CLIENT, &[socket.arg()]).finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("没有服务端在监听"), "{client}");
    assert!(client.stderr.contains("旧文件"), "{client}");
    assert!(client.stderr.contains("重新启动服务端"), "{client}");
    assert_no_workspace_command(&client);
    assert!(client.stderr.contains("Connection refused"), "{client}");
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_regular_file_is_not_mistaken_for_a_stale_socket() {
    let socket = SocketPath::new("regular");
    fs::write(&socket.0, b"just a file\n").unwrap();
    let client = start(CLIENT, &[socket.arg()]).finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("不是套接字文件"), "{client}");
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
    assert_eq!(fs::read(&socket.0).unwrap(), b"just a file\n");
}

#[test]
fn a_server_that_never_answers_is_given_up_on() {
    let socket = SocketPath::new("silent");
    let (hold, held) = std::sync::mpsc::channel::<()>();
    let server = fake_server(&socket, move |conn| {
        // 连接保持打开、一个字也不回，直到测试结束。
        let _ = held.recv();
        drop(conn);
    });
    let began = Instant::now();
    let client = start(CLIENT, &[socket.arg()]).finish();
    drop(hold);
    server.join().unwrap();
    assert!(began.elapsed() >= Duration::from_secs(5), "不该提前放弃");
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("等了 5 秒"), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_server_that_closes_without_answering_is_explained() {
    let socket = SocketPath::new("closes");
    let server = fake_server(&socket, |mut conn| {
        let mut buffer = [0u8; 64];
        let _ = conn.read(&mut buffer);
    });
    let client = start(CLIENT, &[socket.arg()]).finish();
    server.join().unwrap();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("没有回复就关闭了连接"), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_garbage_answer_is_printed_escaped() {
    let socket = SocketPath::new("garbage");
    let server = fake_server(&socket, |mut conn| {
        let mut buffer = [0u8; 64];
        let _ = conn.read(&mut buffer);
        conn.write_all(b"\x1b]0;owned\x07\x1b[2J\xff\0").unwrap();
    });
    let client = start(CLIENT, &[socket.arg()]).finish();
    server.join().unwrap();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_no_raw_control(&client.stdout_raw);
    assert!(
        client
            .stdout
            .contains(r"收到回复：\u{1b}]0;owned\u{7}\u{1b}[2J�\u{0}"),
        "{client}"
    );
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    let too_long = format!("/tmp/{}.sock", "a".repeat(120));
    assert_bad_arguments_exit_2(
        CLIENT,
        "unix_client",
        &[&["/tmp/a.sock", "extra"], &[""], &[too_long.as_str()]],
    );
    let client = start(CLIENT, &[too_long.as_str()]).finish();
    assert!(client.stderr.contains("太长了"), "{client}");
    assert!(client.stderr.contains("SUN_LEN"), "{client}");
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(CLIENT, &["-h"], "socket-lesson.sock");
}

#[test]
fn a_closed_stdout_ends_with_one_line_instead_of_a_panic() {
    // 就像 `unix_client | head -0`：连上了，第一行却写不出去。
    let socket = SocketPath::new("closed-stdout");
    let server = fake_server(&socket, |mut conn| {
        let mut buffer = [0u8; 64];
        let _ = conn.read(&mut buffer);
    });
    let (status, stderr) = run_with_stdout_closed(CLIENT, &[socket.arg()]);
    server.join().unwrap();
    assert_stopped_because_stdout_closed(status, &stderr);
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
    let dir = std::env::temp_dir().join(format!("unix_client-renamed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let renamed = dir.join(format!("my_program{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(CLIENT, &renamed).unwrap();
    let run = start(&renamed, &["a", "b"]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code(), Some(2), "{run}");
    assert!(run.stderr.contains("用法：my_program ["), "{run}");
    assert!(!run.stderr.contains("unix_client"), "{run}");
}
