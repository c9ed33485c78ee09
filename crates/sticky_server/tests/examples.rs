//! sticky_server 的两个例子（最小版本、第 11 页练习的答案）的测试：
//! 真实的程序、真实的本机套接字、系统挑的端口，对端是课程风格的 Python 客户端。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use support::*;

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 最小版本打印的 `reads N bytes M`。
fn reads_and_bytes(stdout: &str) -> (usize, usize) {
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("reads "))
        .unwrap_or_else(|| panic!("没有 reads 那一行：\n{stdout}"));
    let numbers: Vec<usize> = line
        .split(' ')
        .filter_map(|word| word.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[test]
fn the_minimal_server_reads_the_python_clients_six_sends_in_fewer_recvs() {
    let server = start(example_binary("sticky_server_minimal"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    assert!(
        server
            .first_line()
            .starts_with("sticky_server_minimal 正在监听 ")
    );
    let client = python(python_peer("sticky_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    let (reads, bytes) = reads_and_bytes(&server.stdout);
    assert_eq!(bytes, 3031, "{server}");
    // 3031 字节每次最多读 1024，至少 3 次；6 次 send 黏成了不到 6 次 recv。
    assert!((3..6).contains(&reads), "{server}");
    assert!(
        server
            .stdout
            .contains("recv 1024 \"hello你好world黏包字节流012345678\"\n"),
        "{server}"
    );
    assert_eq!(
        client.stdout.trim(),
        format!("服务端一共 recv 了 {reads} 次，收到 3031 字节"),
        "{client}"
    );
}

#[test]
fn the_minimal_server_takes_a_host_name_like_python() {
    let server = start(example_binary("sticky_server_minimal"), &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(python_peer("sticky_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn the_minimal_server_escapes_control_bytes_like_python_prints_bytes() {
    let server = start(example_binary("sticky_server_minimal"), &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(b"\x1b[2J\x07hi\n").unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let _ = conn.read_to_end(&mut Vec::new());
    let server = server.finish();
    assert_no_raw_control(&server.stdout_raw);
    assert!(
        server.stdout.contains(r#"recv 8 "\u{1b}[2J\u{7}hi\n""#),
        "{server}"
    );
}

/// 练习：按换行切消息。字节 3 个一段地到（报文被拆开，汉字被切开），出来的照样是整行。
#[test]
fn the_exercise_cuts_messages_at_newlines_however_the_bytes_arrive() {
    let server = start(example_binary("sticky_server_exercise"), &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.set_nodelay(true).unwrap();
    for piece in "hello\n你好\nworld\n黏包\n字节流\n".as_bytes().chunks(3) {
        conn.write_all(piece).unwrap();
    }
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "服务端一共收到 5 行");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    for (number, text) in ["hello", "你好", "world", "黏包", "字节流"]
        .iter()
        .enumerate()
    {
        let line = format!("第 {} 条：\"{text}\"\n", number + 1);
        assert!(server.stdout.contains(&line), "{line:?}\n{server}");
    }
    assert!(!server.stdout.contains("第 6 条"), "{server}");
}

/// 课程风格的 Python 客户端不发换行：在按行切的服务端看来，6 次 send 只是一"行"。
#[test]
fn the_exercise_sees_one_line_from_a_client_that_sends_no_newlines() {
    let server = start(example_binary("sticky_server_exercise"), &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(python_peer("sticky_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    assert_eq!(client.stdout.trim(), "服务端一共收到 1 行", "{client}");
    let server = server.finish();
    assert!(
        server
            .stdout
            .contains("第 1 条：\"hello你好world黏包字节流0123456789"),
        "{server}"
    );
}
