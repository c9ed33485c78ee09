//! framed_server 的最小版本的测试：真实的程序、真实的本机套接字、系统挑的端口，
//! 对端是课程风格的 Python 客户端（tests/python/framed_client.py，用 struct 打包报头）。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use support::*;

const MINIMAL: &str = "framed_server_minimal";

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = (body.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(body);
    framed
}

#[test]
fn the_minimal_server_understands_the_python_client_message_by_message() {
    let server = start(example_binary(MINIMAL), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    assert!(
        server
            .first_line()
            .starts_with("framed_server_minimal 正在监听 ")
    );
    let client = python(python_peer("framed_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    assert_eq!(
        client.stdout.trim(),
        "服务端一共收到 4 条消息，3011 字节",
        "{client}"
    );
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    for line in [
        "message 1 5 \"hello\"\n",
        "message 2 6 \"你好\"\n",
        "message 3 0 \"\"\n",
        "message 4 3000 \"xxxxxxxxxxxxxxxxxxxx\"\n",
    ] {
        assert!(server.stdout.contains(line), "{line:?}\n{server}");
    }
}

#[test]
fn the_minimal_server_takes_a_host_name_like_python() {
    let server = start(example_binary(MINIMAL), &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(
        python_peer("framed_client.py"),
        &[addr.to_string(), "hi".into()],
    )
    .finish();
    assert_eq!(
        client.stdout.trim(),
        "服务端一共收到 1 条消息，2 字节",
        "{client}"
    );
    assert_eq!(server.finish().code(), Some(0));
}

/// 3 字节一段地写：报头被切开，汉字被切开，出来的照样是一条条完整的消息。
#[test]
fn the_minimal_server_puts_dribbled_bytes_back_into_whole_messages() {
    let server = start(example_binary(MINIMAL), &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.set_nodelay(true).unwrap();
    let wire: Vec<u8> = ["hello", "你好", "黏包"]
        .iter()
        .flat_map(|m| frame(m.as_bytes()))
        .collect();
    for piece in wire.chunks(3) {
        conn.write_all(piece).unwrap();
    }
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    conn.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, frame("服务端一共收到 3 条消息，17 字节".as_bytes()));
    let server = server.finish();
    assert!(
        server
            .stdout
            .ends_with("message 1 5 \"hello\"\nmessage 2 6 \"你好\"\nmessage 3 6 \"黏包\"\n"),
        "{server}"
    );
}

/// 最小版本也先核对报头里的长度：4 GiB 的报头到了，不等正文、不分配内存，马上停下。
#[test]
fn the_minimal_server_refuses_an_oversized_length_at_once() {
    let server = start(example_binary(MINIMAL), &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(&0xFFFF_FFFFu32.to_be_bytes()).unwrap();
    let server = server.finish_within(Duration::from_secs(5));
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(
        server.stderr.contains("4294967295 字节，太长了"),
        "{server}"
    );
}
