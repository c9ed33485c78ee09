//! udp_server 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_udp_server");

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 启动服务端，从测试自己的套接字发一个数据报 `datagram`，收它的回复。
/// 返回（服务端的结局，回复的内容，回复来自哪里，测试套接字的地址）。
fn exchange(datagram: &[u8]) -> (Finished, Vec<u8>, SocketAddr, SocketAddr) {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let server_addr = server.ready_addr();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(PATIENCE)).unwrap();
    peer.send_to(datagram, server_addr).unwrap();
    let mut buffer = [0u8; 64];
    let (n, from) = peer.recv_from(&mut buffer).unwrap();
    let finished = server.finish();
    (
        finished,
        buffer[..n].to_vec(),
        from,
        peer.local_addr().unwrap(),
    )
}

#[test]
fn the_lessons_python_client_gets_hi() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(python_peer("udp_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    assert_eq!(
        client.stdout,
        format!("hi ('127.0.0.1', {})\n", addr.port()),
        "{client}"
    );
    // Python 的套接字绑定在 0.0.0.0 上，服务端看到的来处是 127.0.0.1 加同一个端口。
    let client_port = address_at_end(&client.stderr)
        .expect("Python 客户端没有报出自己的地址")
        .port();
    let client_addr = format!("127.0.0.1:{client_port}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server
            .stdout
            .contains(&format!("收到来自 {client_addr} 的 5 字节：hello\n")),
        "{server}"
    );
    assert!(
        server
            .stdout
            .contains(&format!("已回复 hi 给 {client_addr}。")),
        "{server}"
    );
}

#[test]
fn readiness_line_ends_with_the_real_port_not_zero() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let line = server.first_line();
    let addr = server.ready_addr();
    assert!(
        line.starts_with("udp_server 正在等待数据报，地址 "),
        "{line}"
    );
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
    let client = python(python_peer("udp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(
        client.stdout,
        format!("hi ('::1', {}, 0, 0)\n", addr.port()),
        "{client}"
    );
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("的 5 字节：hello\n"), "{server}");
}

#[test]
fn the_reply_goes_back_to_the_sender_from_the_bound_address() {
    let (server, reply, from, me) = exchange(b"hello");
    assert_eq!(reply, b"hi", "{server}");
    assert_eq!(server.code(), Some(0), "{server}");
    assert_eq!(
        server.stdout.lines().next().and_then(address_at_end),
        Some(from)
    );
    assert!(
        server.stdout.contains(&format!(
            "收到来自 {me} 的 5 字节：hello\n已回复 hi 给 {me}。\n"
        )),
        "{server}"
    );
}

#[test]
fn an_empty_datagram_is_a_message_and_gets_hi() {
    let (server, reply, _, me) = exchange(b"");
    assert_eq!(reply, b"hi", "{server}");
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server
            .stdout
            .contains(&format!("收到来自 {me} 的空数据报（0 字节）")),
        "{server}"
    );
}

/// Linux、macOS：比 1024 字节长的数据报被截断，多出来的部分丢掉，和 Python 的 recvfrom(1024) 一样。
/// Windows 不这样做，见下一个测试和 docs/platforms.md。
#[cfg(not(windows))]
#[test]
fn a_datagram_longer_than_1024_bytes_is_cut_and_the_rest_is_lost() {
    let mut datagram = vec![b'a'; 1024];
    datagram.extend_from_slice(&[b'z'; 976]);
    let (server, reply, _, _) = exchange(&datagram);
    assert_eq!(reply, b"hi", "{server}");
    assert_eq!(server.code(), Some(0), "{server}");
    let shown = format!("的 1024 字节：{}\n", "a".repeat(1024));
    assert!(server.stdout.contains(&shown), "{server}");
    assert!(!server.stdout.contains('z'), "{server}");
}

/// Windows：recv_from 遇到比缓冲区长的数据报不截断，而是报 WSAEMSGSIZE（10040），整个数据报连同
/// 寄件人的地址一起丢掉。服务端说一句，接着等；下一个正常的数据报照常换来 hi。
#[cfg(windows)]
#[test]
fn a_datagram_longer_than_1024_bytes_is_dropped_with_one_line_on_windows() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut datagram = vec![b'a'; 1024];
    datagram.extend_from_slice(&[b'z'; 976]);
    peer.send_to(&datagram, addr).unwrap();
    server.wait_stderr("收到一个超过 1024 字节的数据报");
    peer.send_to(b"hello", addr).unwrap();
    let mut buffer = [0u8; 64];
    let (n, _) = peer.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"hi");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("的 5 字节：hello\n"), "{server}");
    assert!(!server.stdout.contains("aaaa"), "{server}");
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
}

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let (server, reply, _, _) = exchange(b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n");
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
fn a_taken_port_is_explained_in_one_line() {
    let server = assert_taken_udp_port_is_explained_within(SERVER, Duration::from_secs(10));
    // 复制到别的项目里也照做得到：说的是加什么参数，而不是本仓库的 cargo run -p。
    assert!(
        server
            .stderr
            .contains("在运行命令的末尾加上地址参数 127.0.0.1:0"),
        "{server}"
    );
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        SERVER,
        "udp_server",
        &[
            &["localhost"],
            &["127.0.0.1"],
            &["127.0.0.1:99999"],
            &["::1:9000"],
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
    assert_help_exits_0(SERVER, &["--help"], "127.0.0.1:9000");
}

#[test]
fn a_closed_stdout_stops_the_server_with_one_line_instead_of_a_panic() {
    // 就像 `udp_server | head -1`：读完就绪行，接收输出的一方就走了。
    // 数据报到了，服务端写"收到来自……"那一行就写不出去，它用一句中文说明、以退出码 1 结束。
    let (_, status, stderr) = run_until_stdout_closes(SERVER, &["127.0.0.1:0"], |ready| {
        let addr = address_at_end(ready).unwrap();
        let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
        peer.send_to(b"hello", addr).unwrap();
    });
    assert_stopped_because_stdout_closed(status, &stderr);
}

#[test]
fn a_host_name_works_like_in_python() {
    let server = start(SERVER, &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(python_peer("udp_client.py"), &[addr.to_string()]).finish();
    assert!(client.stdout.starts_with("hi "), "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
}

#[test]
fn a_name_that_does_not_resolve_gets_its_own_line() {
    let run = start(SERVER, &["nosuch.invalid:1"]).finish();
    assert_eq!(run.code(), Some(2), "{run}");
    assert_eq!(
        run.stderr.lines().next(),
        Some(
            "无法解析地址「nosuch.invalid:1」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:9000。"
        ),
        "{run}"
    );
    // 第二行是用法，没有别的。
    assert_eq!(run.stderr.lines().count(), 2, "{run}");
    assert_friendly_failure(&run);
}

#[test]
fn no_message_names_this_workspaces_crates() {
    // 复制进 cargo new 出来的项目，程序就叫 my_server 了：用法里要说它的真名，任何话都不能提 cargo run -p。
    let dir = std::env::temp_dir().join(format!("udp-server-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(format!("my_server{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(SERVER, &copy).unwrap();
    let holder = UdpSocket::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().to_string();
    let runs: Vec<Finished> = [&["--help"][..], &["9000"], &["nosuch.invalid:1"], &[&taken]]
        .iter()
        .map(|args| start(&copy, args).finish())
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(runs[0].stdout.contains("用法：my_server "), "{}", runs[0]);
    assert!(runs[1].stderr.contains("用法：my_server "), "{}", runs[1]);
    for run in &runs {
        assert!(!run.stdout.contains("cargo run -p"), "{run}");
        assert!(!run.stderr.contains("cargo run -p"), "{run}");
    }
}

// ---------------------------------------------------------------- 最小版本和练习

#[test]
fn the_minimal_version_gives_the_lessons_python_client_hi() {
    let server = start(example_binary("udp_server_minimal"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(python_peer("udp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(
        client.stdout,
        format!("hi ('127.0.0.1', {})\n", addr.port()),
        "{client}"
    );
    let client_port = address_at_end(&client.stderr).unwrap().port();
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server
            .stdout
            .ends_with(&format!("\"hello\" 来自 127.0.0.1:{client_port}\n")),
        "{server}"
    );
}

#[test]
fn the_minimal_version_takes_a_host_name() {
    let server = start(example_binary("udp_server_minimal"), &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(python_peer("udp_client.py"), &[addr.to_string()]).finish();
    assert!(client.stdout.starts_with("hi "), "{client}");
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn the_exercise_answer_says_hi_to_every_datagram_and_keeps_going() {
    let server = start(example_binary("udp_server_exercise"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    for _ in 0..3 {
        let client = python(python_peer("udp_client.py"), &[addr.to_string()]).finish();
        assert_eq!(
            client.stdout,
            format!("hi ('127.0.0.1', {})\n", addr.port()),
            "{client}"
        );
    }
    server.wait_stdout_count("\"hello\" 来自 127.0.0.1:", 3);
    let server = server.kill();
    // 被测试杀掉的进程没有退出码：它一直在等下一个数据报，而不是自己退出了。
    if cfg!(unix) {
        assert_eq!(server.code(), None, "{server}");
    }
}
