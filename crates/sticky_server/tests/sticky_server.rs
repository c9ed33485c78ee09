//! sticky_server 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_sticky_server");

/// 和 sticky_client 发的一样：5 条短消息，再加 3000 字节的长消息。
const SHORT_MESSAGES: [&str; 5] = ["hello", "你好", "world", "黏包", "字节流"];
const LONG_MESSAGE_LEN: usize = 3000;

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

fn long_message() -> Vec<u8> {
    (b'0'..=b'9').cycle().take(LONG_MESSAGE_LEN).collect()
}

/// 服务端打印的每次 recv 读到的字节数：`第 N 次 recv 读到 K 字节：…`。
fn read_sizes(stdout: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|line| line.split_once(" 次 recv 读到 "))
        .map(|(_, rest)| rest.split(' ').next().unwrap().parse().unwrap())
        .collect()
}

/// 覆盖字节区间 [start, end) 的 recv 有几次。
fn reads_touching(sizes: &[usize], start: usize, end: usize) -> usize {
    let mut offset = 0;
    let mut count = 0;
    for size in sizes {
        if offset < end && offset + size > start {
            count += 1;
        }
        offset += size;
    }
    count
}

/// 断言服务端的输出里：5 条短消息黏在了比 5 次少的 recv 里，3000 字节的长消息被拆进至少 3 次 recv。
fn assert_merged_and_split(stdout: &str) {
    let sizes = read_sizes(stdout);
    let short_len: usize = SHORT_MESSAGES.iter().map(|m| m.len()).sum();
    assert_eq!(
        sizes.iter().sum::<usize>(),
        short_len + LONG_MESSAGE_LEN,
        "{stdout}"
    );
    assert!(sizes.iter().all(|&n| n <= 1024), "{sizes:?}\n{stdout}");
    let short_reads = reads_touching(&sizes, 0, short_len);
    assert!(
        short_reads < SHORT_MESSAGES.len(),
        "短消息没有黏在一起：{sizes:?}\n{stdout}"
    );
    let long_reads = reads_touching(&sizes, short_len, short_len + LONG_MESSAGE_LEN);
    assert!(long_reads >= 3, "长消息没有被拆开：{sizes:?}\n{stdout}");
}

/// 像 sticky_client 那样：每条消息单独一次 write_all，发完关闭发送方向，读完服务端的回复。
fn send_like_sticky_client(addr: std::net::SocketAddr) -> String {
    let mut conn = TcpStream::connect(addr).unwrap();
    for message in SHORT_MESSAGES {
        conn.write_all(message.as_bytes()).unwrap();
    }
    conn.write_all(&long_message()).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn short_messages_merge_and_the_long_one_splits_on_every_run() {
    for run in 1..=5 {
        let server = start(SERVER, &["127.0.0.1:0"]);
        let reply = send_like_sticky_client(server.ready_addr());
        let server = server.finish();
        assert_eq!(server.code(), Some(0), "第 {run} 次：{server}");
        assert_merged_and_split(&server.stdout);
        let reads = read_sizes(&server.stdout).len();
        assert_eq!(
            reply,
            format!("服务端一共 recv 了 {reads} 次，收到 3031 字节"),
            "第 {run} 次：{server}"
        );
        assert!(
            server
                .stdout
                .contains("recv 读到 0 字节：客户端说数据发完了。"),
            "{server}"
        );
    }
}

/// 服务端"忙"的那半秒才是黏包稳定出现的原因：客户端哪怕慢慢地发，只要在这半秒之内发完，
/// 服务端第一次 recv 就把它们一起拿走。
#[test]
fn messages_sent_slowly_during_the_busy_time_still_merge() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.set_nodelay(true).unwrap();
    for message in SHORT_MESSAGES {
        conn.write_all(message.as_bytes()).unwrap();
        // 这里的停顿是要测的场景本身（一个慢吞吞的客户端），不是用来同步：
        // 5 条一共停 100 毫秒，离服务端的 500 毫秒还差得远；服务端不忙的话，它会一条一条地读到。
        std::thread::sleep(Duration::from_millis(20));
    }
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    let server = server.finish();
    assert_eq!(read_sizes(&server.stdout), [31], "{server}");
    assert!(
        server
            .stdout
            .contains("第 1 次 recv 读到 31 字节：hello你好world黏包字节流\n"),
        "{server}"
    );
    assert_eq!(reply, "服务端一共 recv 了 1 次，收到 31 字节");
}

#[test]
fn the_first_read_shows_the_short_messages_glued_together() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    send_like_sticky_client(server.ready_addr());
    let server = server.finish();
    assert!(
        server
            .stdout
            .contains("第 1 次 recv 读到 1024 字节：hello你好world黏包字节流0123456789"),
        "{server}"
    );
    // 长的一次 recv 只显示头尾，写明中间省略了多少。
    assert!(
        server.stdout.contains("…（中间省略 960 字节）…"),
        "{server}"
    );
}

#[test]
fn a_python_client_sees_the_same_merging() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(python_peer("sticky_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert_merged_and_split(&server.stdout);
    assert!(client.stdout.contains("服务端一共 recv 了 "), "{client}");
}

/// TCP 上发 0 个字节等于什么也没发：write 返回 Ok(0)，对方的 recv 照样等着，直到真正的字节到来。
#[test]
fn sending_zero_bytes_sends_nothing_and_the_server_keeps_waiting() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    server.wait_stdout("开始 recv");
    // write_all(b"") 连系统调用都不做；write(b"") 才真的把"0 个字节"交给内核。
    assert_eq!(conn.write(b"").unwrap(), 0);
    // "什么也没发生"没有任何信号可等，只能看一段时间里确实什么也没发生。
    // 本机上真有字节的话几毫秒就到，等 300 毫秒足够说明问题，又不会让测试变慢。
    std::thread::sleep(Duration::from_millis(300));
    let so_far = server.stdout_so_far();
    assert!(
        !so_far.contains("次 recv 读到"),
        "空的 write 不该让对方读到东西：\n{so_far}"
    );
    assert!(
        !so_far.contains("recv 读到 0 字节"),
        "空的 write 不是关闭连接：\n{so_far}"
    );
    // 真正的字节一到，一直等着的 recv 就返回了。
    conn.write_all(b"hi").unwrap();
    server.wait_stdout("第 1 次 recv 读到 2 字节：hi\n");
    conn.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    conn.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "服务端一共 recv 了 1 次，收到 2 字节");
    assert_eq!(server.finish().code(), Some(0));
}

/// 同一件事，用课程的 Python 写法：sock.send(b'') 返回 0，服务端什么也没收到。
#[test]
fn python_send_of_an_empty_bytes_object_also_sends_nothing() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let mut client = python(python_peer("empty_send.py"), &[addr.to_string()]);
    client.wait_stdout("connected");
    server.wait_stdout("开始 recv");
    client.type_line("");
    client.wait_stdout("send(b'') returned 0\n");
    // 和上一个测试一样：只能等一小段时间，确认确实什么也没到。
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !server.stdout_so_far().contains("recv 读到"),
        "{}",
        server.stdout_so_far()
    );
    client.type_line("");
    client.wait_stdout("send(b'hi') returned 2\n");
    server.wait_stdout("第 1 次 recv 读到 2 字节：hi\n");
    client.type_line("");
    let client = client.finish();
    assert!(
        client.stdout.contains("recv 了 1 次，收到 2 字节"),
        "{client}"
    );
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn readiness_line_ends_with_the_real_port_not_zero() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let line = server.first_line();
    let addr = server.ready_addr();
    assert!(line.starts_with("sticky_server 正在监听 "), "{line}");
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
    let client = python(python_peer("sticky_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert_merged_and_split(&server.stdout);
}

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n")
        .unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let _ = conn.read_to_end(&mut Vec::new());
    let server = server.finish();
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
fn a_peer_that_closes_at_once_is_not_an_error() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    drop(TcpStream::connect(server.ready_addr()).unwrap());
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server
            .stdout
            .contains("服务端一共 recv 了 0 次，收到 0 字节"),
        "{server}"
    );
}

#[test]
fn a_silent_peer_is_dropped_after_the_read_timeout() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let _silent = TcpStream::connect(server.ready_addr()).unwrap();
    server.wait_stdout("开始 recv");
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
        "sticky_server",
        &[
            &["localhost"],
            &["127.0.0.1"],
            &["127.0.0.1:99999"],
            &["127.0.0.1:0", "extra"],
            &["::1:0"],
        ],
    );
}

#[test]
fn a_host_name_works_like_in_python() {
    let server = start(SERVER, &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let client = python(python_peer("sticky_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert_merged_and_split(&server.stdout);
}

#[test]
fn a_host_name_that_does_not_resolve_gets_its_own_line() {
    let run = start(SERVER, &["nosuch.invalid:1"]).finish();
    assert_eq!(run.code(), Some(2), "{run}");
    assert_eq!(
        run.stderr.trim_end(),
        "无法解析地址「nosuch.invalid:1」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8899。",
        "{run}"
    );
    assert_friendly_failure(&run);
}

/// 复制到自己的 `cargo new` 项目里，`cargo run -p sticky_server` 就不存在了：消息里不能叫人这样运行。
#[test]
fn no_message_names_this_workspace() {
    let source =
        std::fs::read_to_string(crate_file(env!("CARGO_MANIFEST_DIR"), "src/main.rs")).unwrap();
    for line in source.lines() {
        if !line.trim_start().starts_with("//") {
            assert!(!line.contains("cargo run -p"), "{line}");
        }
    }
    let taken = assert_taken_tcp_port_is_explained(SERVER);
    assert!(taken.stderr.contains("127.0.0.1:0"), "{taken}");
    let help = assert_help_exits_0(SERVER, &["--help"], "用法：sticky_server ");
    let wrong = start(SERVER, &["8899"]).finish();
    for run in [&taken, &help, &wrong] {
        assert!(!run.stdout.contains("cargo run -p"), "{run}");
        assert!(!run.stderr.contains("cargo run -p"), "{run}");
    }
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_exits_2() {
    assert_non_utf8_argument_exits_2(SERVER, b"127.0.0.1:\xff");
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(SERVER, &["--help"], "127.0.0.1:8899");
}

#[test]
fn a_closed_stdout_stops_the_server_with_one_line_instead_of_a_panic() {
    // 就像 `sticky_server | head -1`：读完就绪行，接收输出的一方就走了。
    // 客户端连上来时，服务端写"连上了"那一行就写不出去，它用一句中文说明、以退出码 1 结束。
    let (_, status, stderr) = run_until_stdout_closes(SERVER, &["127.0.0.1:0"], |ready| {
        let addr = address_at_end(ready).unwrap();
        let _conn = TcpStream::connect(addr).unwrap();
    });
    assert_stopped_because_stdout_closed(status, &stderr);
}
