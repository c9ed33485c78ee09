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
        client.stderr.contains("请先在另一个终端启动服务端"),
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

// ---------------------------------------------------------------- 主机名、复制到别处

#[test]
fn reaches_a_server_given_as_localhost() {
    let server = python(python_peer("tcp_server.py"), &["127.0.0.1:0"]);
    let port = server.ready_addr().port();
    let client = start(CLIENT, &[format!("localhost:{port}")]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("收到回复：hi\n"), "{client}");
    assert!(server.finish().stdout.contains("b'hello!'"));
}

#[test]
fn a_name_that_does_not_resolve_gets_its_own_line() {
    let run = start(CLIENT, &["nosuch.invalid:1"]).finish();
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
    let refused = start(CLIENT, &[closed_tcp_port().to_string()]).finish();
    let usage = start(CLIENT, &["localhost"]).finish();
    let help = start(CLIENT, &["--help"]).finish();
    for run in [&refused, &usage, &help] {
        assert!(!run.stderr.contains("cargo run"), "{run}");
        assert!(!run.stdout.contains("cargo run"), "{run}");
    }
}

// ---------------------------------------------------------------- 最小版本

#[test]
fn the_minimal_version_talks_to_the_lessons_python_server() {
    let server = python(python_peer("tcp_server.py"), &["127.0.0.1:0"]);
    let port = server.ready_addr().port();
    // 最小版本也像 Python 一样接受主机名。
    let client = start(
        example_binary("tcp_client_minimal"),
        &[format!("localhost:{port}")],
    )
    .finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(client.stdout, "\"hi\"\n", "{client}");
    assert!(server.finish().stdout.contains("b'hello!'"));
}
