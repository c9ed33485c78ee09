//! 最小版本和练习答案（都是 Cargo 例子）的测试：真实的程序、真实的 AF_UNIX 套接字，
//! 和课程风格的 Python 客户端对话；每个测试在临时目录里用自己的路径，靠就绪行同步。
//! AF_UNIX 只在 Unix 类系统上有，所以整个文件只在那里编译。

#![cfg(unix)]

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::fs;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use support::*;

fn python_peer(name: &str) -> PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 一个测试专用的套接字文件路径，测试结束时（包括失败时）删掉。
struct SocketPath(PathBuf);

impl SocketPath {
    fn new(tag: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("ux-example-{tag}-{}.sock", std::process::id()));
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

/// 一个没人监听的旧套接字文件，和服务端被 Ctrl-C 打断后留下的一样。
fn leave_stale_socket_file(socket: &SocketPath) {
    drop(UnixListener::bind(&socket.0).unwrap());
    assert!(socket.0.exists());
}

/// 启动例子 `name`，等它的就绪行（以路径结尾），让 Python 客户端发 hello!，返回服务端的结局。
fn serve_the_python_client(name: &str, socket: &SocketPath) -> Finished {
    let server = start(example_binary(name), &[socket.arg()]);
    let line = server.first_line();
    assert!(line.ends_with(&format!(" {}", socket.arg())), "{line}");
    let client = python(python_peer("unix_client.py"), &[socket.arg()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    server.finish()
}

#[test]
fn the_minimal_server_answers_the_python_client_and_removes_its_file() {
    let socket = SocketPath::new("minimal");
    let server = serve_the_python_client("unix_server_minimal", &socket);
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.ends_with("\nhello!\n"), "{server}");
    assert!(!socket.0.exists(), "最小版本退出前也要删掉套接字文件");
}

#[test]
fn the_minimal_server_prints_control_bytes_escaped_like_python_prints_bytes() {
    let socket = SocketPath::new("minimal-hostile");
    let server = start(example_binary("unix_server_minimal"), &[socket.arg()]);
    server.first_line();
    let mut conn = UnixStream::connect(&socket.0).unwrap();
    conn.write_all(b"\x1b[2J\x07hi\xff").unwrap();
    let mut reply = Vec::new();
    conn.read_to_end(&mut reply).unwrap();
    let server = server.finish();
    assert_eq!(reply, b"hi", "{server}");
    assert_no_raw_control(&server.stdout_raw);
    assert!(server.stdout.contains(r"\x1b[2J\x07hi\xff"), "{server}");
}

#[test]
fn the_minimal_server_stops_at_a_stale_file_which_is_what_the_exercise_fixes() {
    let socket = SocketPath::new("minimal-stale");
    leave_stale_socket_file(&socket);
    let server = start(example_binary("unix_server_minimal"), &[socket.arg()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("AddrInUse"), "{server}");
}

#[test]
fn the_exercise_removes_a_stale_file_and_still_answers() {
    let socket = SocketPath::new("exercise-stale");
    leave_stale_socket_file(&socket);
    let server = serve_the_python_client("unix_server_exercise", &socket);
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.ends_with("\nhello!\n"), "{server}");
    assert!(!socket.0.exists());
}

#[test]
fn the_exercise_leaves_a_live_servers_file_alone() {
    let socket = SocketPath::new("exercise-live");
    let live = UnixListener::bind(&socket.0).unwrap();
    let server = start(example_binary("unix_server_exercise"), &[socket.arg()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("AddrInUse"), "{server}");
    UnixStream::connect(&socket.0).expect("原来的服务端应该还能连上");
    drop(live);
}

#[test]
fn the_exercise_leaves_a_regular_file_alone() {
    let socket = SocketPath::new("exercise-regular");
    fs::write(&socket.0, b"precious notes\n").unwrap();
    let server = start(example_binary("unix_server_exercise"), &[socket.arg()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert_eq!(fs::read(&socket.0).unwrap(), b"precious notes\n");
}
