//! framed_client 的最小版本的测试：真实的程序、真实的本机套接字、系统挑的端口，
//! 对端是课程风格的 Python 服务端（tests/python/framed_server.py，用 struct 解开报头）。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::time::Duration;
use support::*;

const MINIMAL: &str = "framed_client_minimal";

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

fn assert_python_server_got_six_whole_messages(server: Finished, client: &Finished) {
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(client.stdout, "python 服务端收到 6 条消息\n", "{client}");
    for line in [
        "message 1 5 hello\n",
        "message 2 6 你好\n",
        "message 3 5 world\n",
        "message 4 6 黏包\n",
        "message 5 9 字节流\n",
        "message 6 3000 01234567890123456789\n",
    ] {
        assert!(server.stdout.contains(line), "{line:?}\n{server}");
    }
}

#[test]
fn the_minimal_client_sends_six_framed_messages_to_the_python_server() {
    let server = python(python_peer("framed_server.py"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(example_binary(MINIMAL), &[addr.as_str()]).finish();
    assert_python_server_got_six_whole_messages(server.finish(), &client);
}

#[test]
fn the_minimal_client_takes_a_host_name_like_python() {
    let server = python(python_peer("framed_server.py"), &["127.0.0.1:0"]);
    let addr = format!("localhost:{}", server.ready_addr().port());
    let client = start(example_binary(MINIMAL), &[addr.as_str()]).finish();
    assert_python_server_got_six_whole_messages(server.finish(), &client);
}

/// 最小版本也先核对回复报头里的长度：4 GiB 的报头到了，不等正文、不分配内存，马上停下。
#[test]
fn the_minimal_client_refuses_an_oversized_reply_length_at_once() {
    let (hold, held) = std::sync::mpsc::channel::<()>();
    let addr = fake_tcp_server(move |mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
        conn.write_all(&0xFFFF_FFFFu32.to_be_bytes()).unwrap();
        let _ = held.recv();
    });
    let client =
        start(example_binary(MINIMAL), &[addr.as_str()]).finish_within(Duration::from_secs(5));
    drop(hold);
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(
        client.stderr.contains("4294967295 字节，太长了"),
        "{client}"
    );
}
