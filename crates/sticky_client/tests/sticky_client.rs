//! sticky_client 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};

use std::time::{Duration, Instant};
use support::*;

const CLIENT: &str = env!("CARGO_BIN_EXE_sticky_client");

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

#[test]
fn a_python_server_reads_the_six_sends_in_fewer_recvs() {
    let server = python(python_peer("sticky_server.py"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    for line in [
        "第 1 次 send：5 字节 hello\n",
        "第 2 次 send：6 字节 你好\n",
        "第 5 次 send：9 字节 字节流\n",
        "第 6 次 send：3000 字节 0123456789 循环\n",
        "一共 send 了 6 次，3031 字节\n",
    ] {
        assert!(client.stdout.contains(line), "{line:?}\n{client}");
    }
    let server = server.finish();
    // Python 服务端一次最多读 1024 字节：3031 字节至少要读 3 次，而 6 次 send 被它读成了不到 6 次。
    let reads: Vec<usize> = server
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("recv "))
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(reads.iter().sum::<usize>(), 3031, "{server}");
    assert!((3..6).contains(&reads.len()), "{reads:?}\n{server}");
    assert!(
        client.stdout.contains(&format!(
            "服务端回复：python 服务端 recv 了 {} 次，收到 3031 字节\n",
            reads.len()
        )),
        "{client}"
    );
}

#[test]
fn the_bytes_on_the_wire_are_the_messages_back_to_back_then_eof() {
    let (wire, got) = std::sync::mpsc::channel();
    let addr = fake_tcp_server(move |mut conn| {
        let mut bytes = Vec::new();
        // 读到客户端关闭发送方向（read_to_end 返回）才回复：证明客户端确实 shutdown 了。
        conn.read_to_end(&mut bytes).unwrap();
        conn.write_all(b"ok").unwrap();
        wire.send(bytes).unwrap();
    });
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("服务端回复：ok\n"), "{client}");
    let bytes = got.recv_timeout(PATIENCE).unwrap();
    let mut expected = "hello你好world黏包字节流".as_bytes().to_vec();
    expected.extend((b'0'..=b'9').cycle().take(3000));
    assert_eq!(bytes, expected);
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let server = python(python_peer("sticky_server.py"), &["[::1]:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.contains("服务端回复：python 服务端"),
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
    // 复制到自己的 cargo new 项目里，cargo run -p sticky_server 就不存在了：消息只说该先启动哪个程序。
    assert!(
        client.stderr.contains("启动服务端（sticky_server）"),
        "{client}"
    );
    assert!(!client.stderr.contains("cargo run"), "{client}");
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_server_that_never_answers_is_given_up_on() {
    let (hold, held) = std::sync::mpsc::channel::<()>();
    let addr = fake_tcp_server(move |mut conn| {
        // 把数据读完，但一个字也不回、也不关闭，直到测试结束。
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
fn a_server_that_closes_without_answering_is_explained() {
    let addr = fake_tcp_server(|mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
    });
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("没有回复就关闭了连接"), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_garbage_answer_is_printed_escaped_and_capped() {
    let addr = fake_tcp_server(|mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
        let mut garbage = b"\x1b]0;owned\x07\x1b[2J\xff\0".to_vec();
        garbage.extend([b'y'; 5000]);
        let _ = conn.write_all(&garbage);
    });
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_no_raw_control(&client.stdout_raw);
    assert!(
        client
            .stdout
            .contains(r"服务端回复：\u{1b}]0;owned\u{7}\u{1b}[2J�\u{0}yyy"),
        "{client}"
    );
    // 回复最多收 1024 字节：前面 16 个字节的乱码，加上 1008 个 y。
    let ys = client.stdout.matches('y').count();
    assert_eq!(ys, 1024 - 16, "{client}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        CLIENT,
        "sticky_client",
        &[&["8899"], &["127.0.0.1:8899", "extra"], &["::1:8899"]],
    );
}

#[test]
fn a_server_given_as_localhost_is_reached_like_in_python() {
    let server = python(python_peer("sticky_server.py"), &["127.0.0.1:0"]);
    let addr = format!("localhost:{}", server.ready_addr().port());
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.contains("服务端回复：python 服务端 recv 了 "),
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
        "无法解析地址「nosuch.invalid:1」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8899。",
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
    let help = assert_help_exits_0(CLIENT, &["--help"], "用法：sticky_client ");
    let wrong = start(CLIENT, &["8899"]).finish();
    for run in [&refused, &help, &wrong] {
        assert!(!run.stdout.contains("cargo run -p"), "{run}");
        assert!(!run.stderr.contains("cargo run -p"), "{run}");
    }
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(CLIENT, &["--help"], "127.0.0.1:8899");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_stops_the_client_with_one_line_instead_of_a_panic() {
    // 就像 `sticky_client | head -0`：没有人读输出，连上服务端以后的第一行就写不出去。
    let addr = fake_tcp_server(|mut conn| {
        let _ = conn.read_to_end(&mut Vec::new());
    });
    let (status, stderr) = run_with_stdout_closed(CLIENT, &[addr.as_str()]);
    assert_stopped_because_stdout_closed(status, &stderr);
}
