//! tcp_client 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::time::{Duration, Instant};
use support::*;

const CLIENT: &str = env!("CARGO_BIN_EXE_tcp_client");

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

#[test]
fn talks_to_the_lessons_python_server() {
    let server = python(python_peer("tcp_server.py"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("收到回复：hi\n"), "{client}");
    let server = server.finish();
    assert!(server.stdout.contains("b'hello!'"), "{server}");
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let server = python(python_peer("tcp_server.py"), &["[::1]:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("收到回复：hi"), "{client}");
}

#[test]
fn no_server_says_start_one_first_within_5_seconds() {
    let addr = closed_tcp_port().to_string();
    let began = Instant::now();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert!(began.elapsed() < Duration::from_secs(5));
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains(&addr), "{client}");
    assert!(
        client.stderr.contains("cargo run -p tcp_server"),
        "{client}"
    );
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_server_that_never_answers_is_given_up_on() {
    let (hold, held) = std::sync::mpsc::channel::<()>();
    let addr = fake_tcp_server(move |conn| {
        // 连接保持打开、一个字也不回，直到测试结束。
        let _ = held.recv();
        drop(conn);
    });
    let began = Instant::now();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    drop(hold);
    assert!(began.elapsed() >= Duration::from_secs(5), "不该提前放弃");
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("等了 5 秒"), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_server_that_closes_without_answering_is_explained() {
    let addr = fake_tcp_server(|mut conn| {
        let mut buffer = [0u8; 64];
        let _ = conn.read(&mut buffer);
    });
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("没有回复就关闭了连接"), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_garbage_answer_is_printed_escaped() {
    let addr = fake_tcp_server(|mut conn| {
        let mut buffer = [0u8; 64];
        let _ = conn.read(&mut buffer);
        conn.write_all(b"\x1b]0;owned\x07\x1b[2J\xff\0").unwrap();
    });
    let client = start(CLIENT, &[addr.as_str()]).finish();
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
    assert_bad_arguments_exit_2(
        CLIENT,
        "tcp_client",
        &[&["8898"], &["127.0.0.1:8898", "extra"], &["::1:8898"]],
    );
}

/// 像 `cargo run -p tcp_client | head -0` 那样：接收输出的一方从一开始就不在了。
/// 连上服务端后第一次打印就写不出去：一句中文、退出码 1，而不是 panic。
#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_with_one_chinese_line_not_a_panic() {
    let addr = fake_tcp_server(|mut conn| {
        let mut buffer = [0u8; 64];
        let _ = conn.read(&mut buffer);
        let _ = conn.write_all(b"hi");
    });
    let (status, stderr) = run_with_stdout_closed(CLIENT, &[addr.as_str()]);
    assert_stopped_because_stdout_closed(status, &stderr);
}
