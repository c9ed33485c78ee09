//! tcp_server 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_tcp_server");

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 启动服务端，发 `message`，读完它的回复，返回（服务端的结局，客户端收到的回复）。
fn exchange(message: &[u8]) -> (Finished, Vec<u8>) {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(message).unwrap();
    let mut reply = Vec::new();
    // 服务端回完 hi 就关闭连接；读到文件结尾（或被重置）为止。
    let _ = conn.read_to_end(&mut reply);
    (server.finish(), reply)
}

/// 用 Python 连上 `addr`，SO_LINGER 设成 0 再 close：内核发 RST 而不是 FIN，模拟客户端程序崩溃或网络中断。
fn reset_from_python(addr: SocketAddr) {
    let reset = "import socket, struct, sys\n\
                 s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n\
                 s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))\n\
                 s.close()\n";
    let peer = start(python3(), &["-c", reset, &addr.port().to_string()]).finish();
    assert!(peer.status.success(), "{peer}");
}

#[test]
fn the_lessons_python_client_gets_hi() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 6 字节：hello!\n"), "{server}");
    assert!(server.stdout.contains("已回复 hi"), "{server}");
}

#[test]
fn readiness_line_ends_with_the_real_port_not_zero() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let line = server.first_line();
    let addr = server.ready_addr();
    assert!(line.starts_with("tcp_server 正在监听 "), "{line}");
    assert_ne!(addr.port(), 0, "{line}");
    assert!(addr.ip().is_loopback(), "{line}");
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let server = start(SERVER, &["[::1]:0"]);
    let addr = server.ready_addr();
    assert!(addr.is_ipv6(), "{addr}");
    let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let (server, reply) = exchange(b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n");
    assert_eq!(reply, b"hi", "{server}");
    assert_eq!(server.code(), Some(0), "{server}");
    assert_no_raw_control(&server.stdout_raw);
    assert!(
        server
            .stdout
            .contains(r"\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{0}��\u{202e} abc\n"),
        "{server}"
    );
}

#[test]
fn reads_only_the_first_1024_bytes_of_a_long_message() {
    let (server, _) = exchange(&[b'x'; 3000]);
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 1024 字节："), "{server}");
}

#[test]
fn a_peer_that_closes_at_once_is_not_an_error() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    drop(TcpStream::connect(server.ready_addr()).unwrap());
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server.stdout.contains("没有发送任何数据就关闭了连接"),
        "{server}"
    );
}

#[test]
fn a_peer_that_resets_the_connection_gets_a_clear_line() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    reset_from_python(server.ready_addr());
    let server = server.finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("读取数据失败"), "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn a_silent_peer_is_dropped_after_the_read_timeout() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let _silent = TcpStream::connect(server.ready_addr()).unwrap();
    server.wait_stdout("连上了");
    // 服务端的读超时是 30 秒；给它 45 秒的余量。
    let server = server.finish_within(Duration::from_secs(45));
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("30 秒没有发来任何数据"), "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn a_taken_port_is_explained_in_one_line() {
    assert_taken_tcp_port_is_explained(SERVER);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        SERVER,
        "tcp_server",
        &[
            &["localhost"],
            &["127.0.0.1"],
            &["127.0.0.1:99999"],
            &["127.0.0.1:0", "extra"],
        ],
    );
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_exits_2() {
    assert_non_utf8_argument_exits_2(SERVER, b"127.0.0.1:\xff");
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(SERVER, &["--help"], "127.0.0.1:8898");
}

/// 像 `cargo run -p tcp_server | head -1` 那样：读完就绪行，接收输出的一方就退出了。
/// 客户端连上来时服务端要打印"连上了"，写不出去：一句中文、退出码 1，而不是 panic。
#[test]
fn a_closed_stdout_ends_with_one_chinese_line_not_a_panic() {
    let (first, status, stderr) = run_until_stdout_closes(SERVER, &["127.0.0.1:0"], |ready| {
        let addr = address_at_end(ready).expect("就绪行末尾应该是地址");
        let mut conn = TcpStream::connect(addr).unwrap();
        let _ = conn.write_all(b"hello!");
        // 服务端停下时会关闭连接；读到结尾或被重置都算结束。
        let _ = conn.read_to_end(&mut Vec::new());
    });
    assert!(first.starts_with("tcp_server 正在监听 "), "{first}");
    assert_stopped_because_stdout_closed(status, &stderr);
}

// ---------------------------------------------------------------- 主机名、复制到别处

#[test]
fn localhost_works_like_in_python() {
    let server = start(SERVER, &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn a_name_that_does_not_resolve_gets_its_own_line() {
    let run = start(SERVER, &["nosuch.invalid:1"]).finish();
    assert_eq!(run.code(), Some(2), "{run}");
    assert!(
        run.stderr
            .lines()
            .next()
            .is_some_and(|line| line.starts_with("无法解析地址「nosuch.invalid:1」")),
        "{run}"
    );
    assert!(run.stdout.is_empty(), "{run}");
    assert_friendly_failure(&run);
}

/// 复制到自己项目里的 main.rs，说的话在那里也要管用：哪条消息都不提本仓库的 `cargo run -p …`。
/// 先看源码里每一行代码（注释除外，文件头说的正是本仓库），再看几种失败时真正打印出来的话。
#[test]
fn no_message_names_this_workspace() {
    let source =
        std::fs::read_to_string(crate_file(env!("CARGO_MANIFEST_DIR"), "src/main.rs")).unwrap();
    for line in source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
    {
        assert!(!line.contains("cargo run -p"), "{line}");
    }
    let taken = assert_taken_tcp_port_is_explained(SERVER);
    let usage = start(SERVER, &["localhost"]).finish();
    let help = start(SERVER, &["--help"]).finish();
    for run in [&taken, &usage, &help] {
        assert!(!run.stderr.contains("cargo run"), "{run}");
        assert!(!run.stdout.contains("cargo run"), "{run}");
    }
    assert!(taken.stderr.contains("127.0.0.1:0"), "{taken}");
}

// ---------------------------------------------------------------- 最小版本和练习答案

#[test]
fn the_minimal_version_serves_the_lessons_python_client() {
    let server = start(example_binary("tcp_server_minimal"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.ends_with("\n\"hello!\"\n"), "{server}");
}

#[test]
fn the_minimal_version_takes_localhost_too() {
    let server = start(example_binary("tcp_server_minimal"), &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    assert_eq!(server.finish().code(), Some(0));
}

/// 练习的答案一个接一个地服务客户端：中间一个客户端把连接重置了，服务端说一声，照样服务下一个。
#[test]
fn the_exercise_answer_serves_clients_one_after_another() {
    let server = start(example_binary("tcp_server_exercise"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let first = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(first.stdout.trim(), "b'hi'", "{first}");
    reset_from_python(addr);
    server.wait_stderr("出错了");
    let second = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(second.stdout.trim(), "b'hi'", "{second}");
    server.wait_stdout_count("\"hello!\"", 2);
    // 它不会自己退出：像学生按 Ctrl-C 那样结束它。
    let server = server.kill();
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
    assert!(server.stderr.contains(" 出错了："), "{server}");
}
