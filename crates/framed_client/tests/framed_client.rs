//! framed_client 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};

use std::time::{Duration, Instant};
use support::*;

const CLIENT: &str = env!("CARGO_BIN_EXE_framed_client");

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 一个读完客户端全部数据、再回复 `reply` 原始字节的服务端。
fn replying_server(reply: Vec<u8>) -> String {
    fake_tcp_server(move |mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
        let _ = conn.write_all(&reply);
    })
}

/// 报头（4 字节大端长度）+ 正文，和 Python 的 struct.pack('!I', len(body)) + body 一样。
fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = (body.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(body);
    framed
}

#[test]
fn a_python_server_using_struct_gets_six_whole_messages() {
    let server = python(python_peer("framed_server.py"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains("服务端回复（34 字节）：python 服务端收到 6 条消息\n"),
        "{client}"
    );
    let server = server.finish();
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
fn the_bytes_on_the_wire_are_big_endian_length_then_body() {
    let (wire, got) = std::sync::mpsc::channel();
    let addr = fake_tcp_server(move |mut conn| {
        let mut bytes = Vec::new();
        // 读到客户端关闭发送方向（read_to_end 返回）才回复：证明客户端确实 shutdown 了。
        conn.read_to_end(&mut bytes).unwrap();
        conn.write_all(&frame(b"ok")).unwrap();
        wire.send(bytes).unwrap();
    });
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.contains("服务端回复（2 字节）：ok\n"),
        "{client}"
    );
    let bytes = got.recv_timeout(PATIENCE).unwrap();
    let mut expected = Vec::new();
    for text in ["hello", "你好", "world", "黏包", "字节流"] {
        expected.extend(frame(text.as_bytes()));
    }
    // 3000 = 0x0BB8，大端：00 00 0b b8。
    expected.extend([0x00, 0x00, 0x0b, 0xb8]);
    expected.extend((b'0'..=b'9').cycle().take(3000));
    assert_eq!(bytes, expected);
    assert!(
        client
            .stdout
            .contains("第 6 条消息：报头 00 00 0b b8，正文 3000 字节 0123456789"),
        "{client}"
    );
}

#[test]
fn a_reply_split_into_pieces_is_put_back_together() {
    let addr = fake_tcp_server(|mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
        conn.set_nodelay(true).unwrap();
        for piece in frame("分成好几段的回复".as_bytes()).chunks(2) {
            conn.write_all(piece).unwrap();
        }
    });
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains("服务端回复（24 字节）：分成好几段的回复\n"),
        "{client}"
    );
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let server = python(python_peer("framed_server.py"), &["[::1]:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.contains("python 服务端收到 6 条消息"),
        "{client}"
    );
}

#[test]
fn an_oversized_reply_length_is_refused_at_once() {
    let (hold, held) = std::sync::mpsc::channel::<()>();
    let addr = fake_tcp_server(move |mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
        // 只发报头，连接保持打开：客户端必须只看报头就拒绝，而不是等 4 GiB 的正文。
        conn.write_all(&0xFFFF_FFFFu32.to_be_bytes()).unwrap();
        let _ = held.recv();
    });
    let began = Instant::now();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    drop(hold);
    assert!(began.elapsed() < Duration::from_secs(5), "应该马上拒绝");
    assert_eq!(client.code(), Some(1), "{client}");
    assert_eq!(
        client.stderr.trim(),
        "服务端回复的报头说正文有 4294967295 字节，超过上限 65536 字节，客户端不为它分配内存，断开连接。",
        "{client}"
    );
    assert_friendly_failure(&client);
}

#[test]
fn a_truncated_reply_is_explained() {
    let mut reply = 10u32.to_be_bytes().to_vec();
    reply.extend(b"abc");
    let client = start(CLIENT, &[replying_server(reply).as_str()]).finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert_eq!(
        client.stderr.trim(),
        "服务端的回复不完整：报头说正文有 10 字节，还没收齐服务端就关闭了连接。",
        "{client}"
    );
    assert_friendly_failure(&client);
}

#[test]
fn a_server_that_closes_without_answering_is_explained() {
    let client = start(CLIENT, &[replying_server(Vec::new()).as_str()]).finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("没有回复"), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_server_that_never_answers_is_given_up_on() {
    let (hold, held) = std::sync::mpsc::channel::<()>();
    let addr = fake_tcp_server(move |mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
        let _ = held.recv();
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
fn a_garbage_reply_is_printed_escaped() {
    let reply = frame(b"\x1b]0;owned\x07\x1b[2J\xff\0");
    let client = start(CLIENT, &[replying_server(reply).as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_no_raw_control(&client.stdout_raw);
    assert!(
        client
            .stdout
            .contains(r"服务端回复（16 字节）：\u{1b}]0;owned\u{7}\u{1b}[2J�\u{0}"),
        "{client}"
    );
}

#[test]
fn no_server_says_start_one_first_within_5_seconds() {
    let addr = closed_tcp_port().to_string();
    let began = Instant::now();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert!(began.elapsed() < Duration::from_secs(5));
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains(&addr), "{client}");
    // 复制到自己的 cargo new 项目里，cargo run -p framed_server 就不存在了：消息只说该先启动哪个程序。
    assert!(
        client.stderr.contains("启动服务端（framed_server）"),
        "{client}"
    );
    assert!(!client.stderr.contains("cargo run"), "{client}");
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        CLIENT,
        "framed_client",
        &[&["8900"], &["127.0.0.1:8900", "extra"], &["::1:8900"]],
    );
}

#[test]
fn a_server_given_as_localhost_is_reached_like_in_python() {
    let server = python(python_peer("framed_server.py"), &["127.0.0.1:0"]);
    let addr = format!("localhost:{}", server.ready_addr().port());
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.contains("python 服务端收到 6 条消息"),
        "{client}"
    );
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn a_host_name_that_does_not_resolve_gets_its_own_line() {
    let run = start(CLIENT, &["nosuch.invalid:1"]).finish();
    assert_eq!(run.code(), Some(2), "{run}");
    assert_eq!(
        run.stderr.trim_end(),
        "无法解析地址「nosuch.invalid:1」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8900。",
        "{run}"
    );
    assert_friendly_failure(&run);
}

/// 复制到自己的 `cargo new` 项目里，`cargo run -p …` 就不存在了：消息里不能叫人这样运行。
#[test]
fn no_message_names_this_workspace() {
    let source =
        std::fs::read_to_string(crate_file(env!("CARGO_MANIFEST_DIR"), "src/main.rs")).unwrap();
    for line in source.lines() {
        if !line.trim_start().starts_with("//") {
            assert!(!line.contains("cargo run -p"), "{line}");
        }
    }
    let refused = start(CLIENT, &[closed_tcp_port().to_string().as_str()]).finish();
    let help = assert_help_exits_0(CLIENT, &["--help"], "用法：framed_client ");
    let wrong = start(CLIENT, &["8900"]).finish();
    for run in [&refused, &help, &wrong] {
        assert!(!run.stdout.contains("cargo run -p"), "{run}");
        assert!(!run.stderr.contains("cargo run -p"), "{run}");
    }
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(CLIENT, &["--help"], "127.0.0.1:8900");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_stops_the_client_with_one_line_instead_of_a_panic() {
    // 就像 `framed_client | head -0`：没有人读输出，连上服务端以后的第一行就写不出去。
    let addr = fake_tcp_server(|mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
    });
    let (status, stderr) = run_with_stdout_closed(CLIENT, &[addr.as_str()]);
    assert_stopped_because_stdout_closed(status, &stderr);
}
