//! udp_client 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};
use support::*;

const CLIENT: &str = env!("CARGO_BIN_EXE_udp_client");

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 收客户端发来的一个数据报，返回（内容，客户端的地址）。
fn receive(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buffer = [0u8; 2048];
    let (n, from) = socket.recv_from(&mut buffer).unwrap();
    (buffer[..n].to_vec(), from)
}

#[test]
fn talks_to_the_lessons_python_server() {
    let server = python(python_peer("udp_server.py"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains(&format!("收到来自 {addr} 的回复：hi\n")),
        "{client}"
    );
    let server = server.finish();
    assert!(server.stdout.contains("\nb'hello'\n"), "{server}");
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let server = python(python_peer("udp_server.py"), &["[::1]:0"]);
    let addr = server.ready_addr().to_string();
    assert!(addr.starts_with("[::1]:"), "{addr}");
    let client = start(CLIENT, &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains(&format!("收到来自 {addr} 的回复：hi\n")),
        "{client}"
    );
}

#[test]
fn says_which_port_the_os_picked_for_it() {
    let (socket, addr) = fake_udp_server();
    let client = start(CLIENT, &[addr.as_str()]);
    let (datagram, from) = receive(&socket);
    assert_eq!(datagram, b"hello");
    client.wait_stdout(&format!("已从 {from} 向 {addr} 发送 hello"));
    socket.send_to(b"hi", from).unwrap();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
}

#[test]
fn no_server_says_start_one_first_at_once() {
    let addr = closed_udp_port().to_string();
    let began = Instant::now();
    let client = start(CLIENT, &[addr.as_str()]).finish();
    // 内核回的"端口不可达"几乎立刻到达；等满 5 秒才放弃就说明 connect 没起作用。
    assert!(
        began.elapsed() < Duration::from_secs(3),
        "{:?}\n{client}",
        began.elapsed()
    );
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains(&addr), "{client}");
    assert!(client.stderr.contains("没有程序在接收 UDP"), "{client}");
    assert!(
        client.stderr.contains("请先在另一个终端启动 UDP 服务端"),
        "{client}"
    );
    // 复制到别的项目里也照做得到：不提本仓库的 cargo run -p。
    assert!(!client.stderr.contains("cargo run -p"), "{client}");
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_server_that_never_answers_is_given_up_on_after_5_seconds() {
    // 套接字一直开着、收下数据报，却不回答：系统不会回"端口不可达"，客户端只能靠超时。
    let (socket, addr) = fake_udp_server();
    let began = Instant::now();
    let client = start(CLIENT, &[addr.as_str()]);
    let (datagram, _) = receive(&socket);
    assert_eq!(datagram, b"hello");
    let client = client.finish();
    let waited = began.elapsed();
    assert!(waited >= Duration::from_secs(5), "不该提前放弃：{waited:?}");
    assert!(waited < Duration::from_secs(15), "{waited:?}");
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains("等了 5 秒"), "{client}");
    assert!(client.stderr.contains("UDP 不保证送达"), "{client}");
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
    drop(socket);
}

#[test]
fn a_garbage_answer_is_printed_escaped() {
    let (socket, addr) = fake_udp_server();
    let client = start(CLIENT, &[addr.as_str()]);
    let (_, from) = receive(&socket);
    socket
        .send_to(b"\x1b]0;owned\x07\x1b[2J\xff\0\xe2\x80\xae", from)
        .unwrap();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_no_raw_control(&client.stdout_raw);
    assert!(
        client.stdout.contains(&format!(
            r"收到来自 {addr} 的回复：\u{{1b}}]0;owned\u{{7}}\u{{1b}}[2J�\u{{0}}\u{{202e}}"
        )),
        "{client}"
    );
}

#[test]
fn datagrams_from_strangers_are_not_taken_for_the_reply() {
    // connect 之后，内核只把来自服务端地址的数据报交给客户端。
    let (socket, addr) = fake_udp_server();
    let client = start(CLIENT, &[addr.as_str()]);
    let (_, from) = receive(&socket);
    let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
    stranger.send_to(b"stranger", from).unwrap();
    socket.send_to(b"hi", from).unwrap();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains(&format!("收到来自 {addr} 的回复：hi\n")),
        "{client}"
    );
    assert!(!client.stdout.contains("stranger"), "{client}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        CLIENT,
        "udp_client",
        &[
            &["9000"],
            &["localhost"],
            &["127.0.0.1:9000", "extra"],
            &["::1:9000"],
        ],
    );
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(CLIENT, &["-h"], "127.0.0.1:9000");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_stops_the_client_with_one_line_instead_of_a_panic() {
    // 就像 `udp_client | head -0`：没有人读输出，寄出 hello 以后的第一行就写不出去。
    let (socket, addr) = fake_udp_server();
    let (status, stderr) = run_with_stdout_closed(CLIENT, &[addr.as_str()]);
    assert_stopped_because_stdout_closed(status, &stderr);
    // 那一行写在寄出之后：hello 已经寄到了。
    assert_eq!(receive(&socket).0, b"hello");
}

#[test]
fn reaches_a_server_given_by_host_name() {
    let server = python(python_peer("udp_server.py"), &["127.0.0.1:0"]);
    let port = server.ready_addr().port();
    let client = start(CLIENT, &[format!("localhost:{port}")]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    // 名字解析成了回环地址：回复的来处就是服务端真正绑定的地址。
    assert!(
        client
            .stdout
            .contains(&format!("收到来自 127.0.0.1:{port} 的回复：hi\n")),
        "{client}"
    );
}

#[test]
fn a_name_that_does_not_resolve_gets_its_own_line() {
    let client = start(CLIENT, &["nosuch.invalid:1"]).finish();
    assert_eq!(client.code(), Some(2), "{client}");
    assert_eq!(
        client.stderr.lines().next(),
        Some(
            "无法解析地址「nosuch.invalid:1」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:9000。"
        ),
        "{client}"
    );
    // 第二行是用法，没有别的；什么也没寄出去。
    assert_eq!(client.stderr.lines().count(), 2, "{client}");
    assert!(client.stdout.is_empty(), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn the_usage_names_the_program_as_it_was_run() {
    // 复制进 cargo new 出来的项目，程序就叫 my_client 了：用法里要说它的真名。
    let dir = std::env::temp_dir().join(format!("udp-client-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(format!("my_client{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(CLIENT, &copy).unwrap();
    let help = start(&copy, &["--help"]).finish();
    let bad = start(&copy, &["9000"]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(help.stdout.starts_with("用法：my_client "), "{help}");
    assert!(bad.stderr.contains("用法：my_client "), "{bad}");
    assert_eq!(bad.code(), Some(2), "{bad}");
}

// ---------------------------------------------------------------- 最小版本

#[test]
fn the_minimal_version_talks_to_the_lessons_python_server() {
    let server = python(python_peer("udp_server.py"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(example_binary("udp_client_minimal"), &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(client.stdout, format!("hi {addr}\n"), "{client}");
    let server = server.finish();
    assert!(server.stdout.contains("\nb'hello'\n"), "{server}");
}

#[test]
fn the_minimal_version_takes_a_host_name() {
    let server = python(python_peer("udp_server.py"), &["127.0.0.1:0"]);
    let port = server.ready_addr().port();
    let client = start(
        example_binary("udp_client_minimal"),
        &[format!("localhost:{port}")],
    )
    .finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(client.stdout, format!("hi 127.0.0.1:{port}\n"), "{client}");
}
