//! framed_server 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_framed_server");

/// 和 framed_client 发的一样：5 条短消息，再加 3000 字节的长消息。
const SHORT_MESSAGES: [&str; 5] = ["hello", "你好", "world", "黏包", "字节流"];

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 报头（4 字节大端长度）+ 正文，和 Python 的 struct.pack('!I', len(body)) + body 一样。
fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = (body.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(body);
    framed
}

fn client_messages() -> Vec<Vec<u8>> {
    let mut messages: Vec<Vec<u8>> = SHORT_MESSAGES
        .iter()
        .map(|m| m.as_bytes().to_vec())
        .collect();
    messages.push((b'0'..=b'9').cycle().take(3000).collect());
    messages
}

/// 收一条带报头的回复。
fn read_reply(conn: &mut TcpStream) -> String {
    let mut header = [0u8; 4];
    conn.read_exact(&mut header).unwrap();
    let mut body = vec![0u8; u32::from_be_bytes(header) as usize];
    conn.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

/// 断言服务端把 framed_client 的 6 条消息一条一条、完整地打印了出来，并回复了汇总。
fn assert_six_whole_messages(server: &Finished, reply: &str) {
    assert_eq!(server.code(), Some(0), "{server}");
    for line in [
        "第 1 条消息（5 字节）：hello\n",
        "第 2 条消息（6 字节）：你好\n",
        "第 3 条消息（5 字节）：world\n",
        "第 4 条消息（6 字节）：黏包\n",
        "第 5 条消息（9 字节）：字节流\n",
        "第 6 条消息（3000 字节）：012345678901234567890123456789012345678901234567…（中间省略 2936 字节）…4567890123456789\n",
    ] {
        assert!(server.stdout.contains(line), "{line:?}\n{server}");
    }
    assert!(!server.stdout.contains("第 7 条"), "{server}");
    assert_eq!(reply, "服务端一共收到 6 条消息，3031 字节");
}

/// 把 `wire` 按 `chunks` 的切法写给服务端（每段一次 write_all），关闭发送方向，收回复。
fn send_in_chunks(addr: SocketAddr, wire: &[u8], chunk: usize) -> String {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_nodelay(true).unwrap();
    for piece in wire.chunks(chunk) {
        conn.write_all(piece).unwrap();
    }
    conn.shutdown(Shutdown::Write).unwrap();
    read_reply(&mut conn)
}

#[test]
fn each_message_arrives_whole_one_write_per_message() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    for body in client_messages() {
        conn.write_all(&frame(&body)).unwrap();
    }
    conn.shutdown(Shutdown::Write).unwrap();
    let reply = read_reply(&mut conn);
    assert_six_whole_messages(&server.finish(), &reply);
}

#[test]
fn messages_glued_into_one_write_still_come_out_one_by_one() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let wire: Vec<u8> = client_messages().iter().flat_map(|b| frame(b)).collect();
    let reply = send_in_chunks(server.ready_addr(), &wire, wire.len());
    assert_six_whole_messages(&server.finish(), &reply);
}

#[test]
fn messages_dribbled_a_few_bytes_at_a_time_still_come_out_whole() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let wire: Vec<u8> = client_messages().iter().flat_map(|b| frame(b)).collect();
    // 3 字节一段：报头被切开，汉字被切开，每段一个 TCP 包（set_nodelay）。
    let reply = send_in_chunks(server.ready_addr(), &wire, 3);
    assert_six_whole_messages(&server.finish(), &reply);
}

#[test]
fn half_a_message_is_held_until_the_rest_arrives() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    server.wait_stdout("连上了");
    let framed = frame(b"hello");
    conn.write_all(&framed[..6]).unwrap();
    // "还没打印"没有任何信号可等，只能等一小段时间，确认半条消息没有被当成一条。
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !server.stdout_so_far().contains("条消息"),
        "{}",
        server.stdout_so_far()
    );
    conn.write_all(&framed[6..]).unwrap();
    server.wait_stdout("第 1 条消息（5 字节）：hello\n");
    conn.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_reply(&mut conn), "服务端一共收到 1 条消息，5 字节");
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn a_python_client_using_struct_is_understood() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(python_peer("framed_client.py"), &[addr.to_string()]).finish();
    assert!(client.status.success(), "{client}");
    assert_eq!(
        client.stdout.trim(),
        "服务端一共收到 4 条消息，3011 字节",
        "{client}"
    );
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server.stdout.contains("第 1 条消息（5 字节）：hello\n"),
        "{server}"
    );
    assert!(
        server.stdout.contains("第 2 条消息（6 字节）：你好\n"),
        "{server}"
    );
    // 有了报头，空消息也是一条消息：4 个字节 00 00 00 00。
    assert!(
        server.stdout.contains("第 3 条消息（0 字节）：\n"),
        "{server}"
    );
    assert!(
        server.stdout.contains("第 4 条消息（3000 字节）：xxxx"),
        "{server}"
    );
}

#[test]
fn an_oversized_length_is_refused_at_once_without_waiting_for_the_body() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(&frame(b"hello")).unwrap();
    let began = Instant::now();
    // 只发报头，连接保持打开，正文一个字节也不发：服务端必须只看报头就拒绝，
    // 要是它先分配内存、再等正文，就会一直等下去，测试在期限内等不到它退出。
    conn.write_all(&0xFFFF_FFFFu32.to_be_bytes()).unwrap();
    let server = server.finish_within(Duration::from_secs(5));
    assert!(began.elapsed() < Duration::from_secs(5));
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(
        server.stdout.contains("第 1 条消息（5 字节）：hello\n"),
        "{server}"
    );
    assert!(
        server.stderr.contains(
            "第 2 条消息的报头说正文有 4294967295 字节，超过上限 65536 字节，服务端不为它分配内存，断开连接。"
        ),
        "{server}"
    );
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
    assert_friendly_failure(&server);
}

/// 把服务端的虚拟内存限制在 256 MiB 再发 4 GiB 的报头：要是它去分配，分配失败，进程被 abort，
/// 退出码就不是 1，也没有那一行说明。
#[cfg(target_os = "linux")]
#[test]
fn an_oversized_length_is_refused_even_with_little_memory() {
    let script = "ulimit -v 262144 && exec \"$0\" \"$@\"";
    let server = start("sh", &["-c", script, SERVER, "127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(&0xFFFF_FFFFu32.to_be_bytes()).unwrap();
    let server = server.finish_within(Duration::from_secs(5));
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("不为它分配内存"), "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn the_limit_itself_is_allowed_one_more_byte_is_not() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(&frame(&vec![b'a'; 65536])).unwrap();
    conn.write_all(&65537u32.to_be_bytes()).unwrap();
    let server = server.finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(
        server.stdout.contains("第 1 条消息（65536 字节）：aaa"),
        "{server}"
    );
    assert!(
        server
            .stderr
            .contains("第 2 条消息的报头说正文有 65537 字节"),
        "{server}"
    );
}

#[test]
fn a_truncated_body_is_explained_in_one_line() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(&10u32.to_be_bytes()).unwrap();
    conn.write_all(b"abc").unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let server = server.finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert_eq!(
        server.stderr.trim(),
        "第 1 条消息不完整：报头说正文有 10 字节，还没收齐客户端就关闭了连接。",
        "{server}"
    );
    assert!(!server.stdout.contains("条消息（"), "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn a_truncated_header_is_explained_in_one_line() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut conn = TcpStream::connect(server.ready_addr()).unwrap();
    conn.write_all(&frame(b"ok")).unwrap();
    conn.write_all(&[0, 0]).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let server = server.finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(
        server.stdout.contains("第 1 条消息（2 字节）：ok\n"),
        "{server}"
    );
    assert!(
        server.stderr.contains("第 2 条消息的报头不完整"),
        "{server}"
    );
    assert_friendly_failure(&server);
}

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let hostile = b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n";
    let reply = send_in_chunks(server.ready_addr(), &frame(hostile), 1024);
    assert_eq!(
        reply,
        format!("服务端一共收到 1 条消息，{} 字节", hostile.len())
    );
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
fn a_peer_that_sends_nothing_gets_a_summary_of_zero() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let reply = send_in_chunks(server.ready_addr(), b"", 1);
    assert_eq!(reply, "服务端一共收到 0 条消息，0 字节");
    assert_eq!(server.finish().code(), Some(0));
}

#[test]
fn a_peer_that_stalls_in_the_middle_of_a_message_is_dropped_after_the_read_timeout() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let mut stalled = TcpStream::connect(server.ready_addr()).unwrap();
    stalled.write_all(&100u32.to_be_bytes()).unwrap();
    // 服务端的读超时是 30 秒；给它 45 秒的余量。
    let server = server.finish_within(Duration::from_secs(45));
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("30 秒没有发来任何数据"), "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn readiness_line_ends_with_the_real_port_not_zero() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let line = server.first_line();
    let addr = server.ready_addr();
    assert!(line.starts_with("framed_server 正在监听 "), "{line}");
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

#[test]
fn a_taken_port_is_explained_in_one_line() {
    assert_taken_tcp_port_is_explained(SERVER);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        SERVER,
        "framed_server",
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

#[test]
fn a_host_name_that_does_not_resolve_gets_its_own_line() {
    let run = start(SERVER, &["nosuch.invalid:1"]).finish();
    assert_eq!(run.code(), Some(2), "{run}");
    assert_eq!(
        run.stderr.trim_end(),
        "无法解析地址「nosuch.invalid:1」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8900。",
        "{run}"
    );
    assert_friendly_failure(&run);
}

/// 复制到自己的 `cargo new` 项目里，`cargo run -p framed_server` 就不存在了：消息里不能叫人这样运行。
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
    let help = assert_help_exits_0(SERVER, &["--help"], "用法：framed_server ");
    let wrong = start(SERVER, &["8900"]).finish();
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
    assert_help_exits_0(SERVER, &["--help"], "127.0.0.1:8900");
}

#[test]
fn a_closed_stdout_stops_the_server_with_one_line_instead_of_a_panic() {
    // 就像 `framed_server | head -1`：读完就绪行，接收输出的一方就走了。
    // 客户端连上来时，服务端写"连上了"那一行就写不出去，它用一句中文说明、以退出码 1 结束。
    let (_, status, stderr) = run_until_stdout_closes(SERVER, &["127.0.0.1:0"], |ready| {
        let addr = address_at_end(ready).unwrap();
        let _conn = TcpStream::connect(addr).unwrap();
    });
    assert_stopped_because_stdout_closed(status, &stderr);
}
