//! time_client 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行和提示符同步。
//! 测试扮演坐在键盘前输入时间格式的人。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};
use support::*;

const CLIENT: &str = env!("CARGO_BIN_EXE_time_client");
const PROMPT: &str = "请输入时间格式(例%Y %m %d)>>: ";
const GOODBYE: &str = "\n输入结束，再见。\n";

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 启动课程风格的 Python 时间服务器，返回它和它的地址（字符串形式，直接当客户端的参数）。
fn python_server(bind: &str) -> (Running, String) {
    let server = python(python_peer("time_server.py"), &[bind]);
    let addr = server.ready_addr().to_string();
    (server, addr)
}

/// 课程服务端收到空数据报时用的格式。
const DEFAULT_FORMAT: &str = "%Y-%m-%d %X";

/// 本机当前时间按 strftime 格式写出来的样子（和 Python 服务器用同一个时区）。
fn local_time(format: &str) -> String {
    chrono::Local::now().format(format).to_string()
}

/// Python 服务器第 `count` 次回答的内容（它每次回答后打印一行 `<=== 回答`）。
fn python_answer(server: &Running, count: usize) -> String {
    let shown = server.wait_stdout_count("<=== ", count);
    // print 把 "<==="、回答和换行符分几次写出，所以还要等到这一行的换行符也到了。
    let start = shown.match_indices("<=== ").nth(count - 1).unwrap().0;
    let shown = server.wait_stdout_count("\n", shown[..start].matches('\n').count() + 1);
    let line = shown[start..].lines().next().unwrap();
    line.trim_start_matches("<=== ").to_string()
}

/// 收客户端发来的一个数据报，返回（内容，客户端的地址）。
fn receive(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buffer = [0u8; 2048];
    loop {
        match socket.recv_from(&mut buffer) {
            // 测试进程被暂停再继续时（比如机器很忙），设了超时的 recv_from 会被打断：再收一次。
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            received => {
                let (n, from) = received.unwrap();
                return (buffer[..n].to_vec(), from);
            }
        }
    }
}

#[test]
fn asks_the_lessons_python_server_and_prints_each_answer() {
    let (server, addr) = python_server("127.0.0.1:0");
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);

    client.type_line("%Y年%m月%d日 %H:%M:%S");
    server.wait_stdout("===> b'%Y\\xe5\\xb9\\xb4%m\\xe6\\x9c\\x88%d\\xe6\\x97\\xa5 %H:%M:%S'\n");
    let first = python_answer(&server, 1);
    let shown = client.wait_stdout_count(PROMPT, 2);
    assert!(
        shown.ends_with(&format!("{PROMPT}服务器回答：{first}\n{PROMPT}")),
        "{shown}"
    );

    // 直接回车：发出一个空数据报，服务器用它的默认格式回答。
    let before = local_time(DEFAULT_FORMAT);
    client.type_line("");
    server.wait_stdout("===> b''\n");
    let second = python_answer(&server, 2);
    let after = local_time(DEFAULT_FORMAT);
    // 不比长度（年份、时区都可能让它变）：回答是默认格式在请求前后某一刻的样子。
    assert!(
        second == before || second == after,
        "{second:?}：应该是 {before:?} 或 {after:?}"
    );
    let shown = client.wait_stdout_count(PROMPT, 3);
    assert!(
        shown.ends_with(&format!("服务器回答：{second}\n{PROMPT}")),
        "{shown}"
    );

    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.ends_with(&format!("{PROMPT}{GOODBYE}")),
        "{client}"
    );
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn lines_typed_with_crlf_work_like_plain_newlines() {
    let (server, addr) = python_server("127.0.0.1:0");
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_raw(b"  %%Y\r\n");
    // strip() 之后只剩 %%Y：服务器收到的就是这 3 个字节，回答 %Y。
    server.wait_stdout("===> b'%%Y'\n");
    client.wait_stdout(&format!("服务器回答：%Y\n{PROMPT}"));
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let (server, addr) = python_server("[::1]:0");
    assert!(addr.starts_with("[::1]:"), "{addr}");
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("IPv6 %%");
    server.wait_stdout("===> b'IPv6 %%'\n");
    client.wait_stdout("服务器回答：IPv6 %\n");
}

#[test]
fn end_of_input_at_the_first_prompt_exits_0() {
    let mut client = start(CLIENT, &[closed_udp_port().to_string()]);
    client.wait_stdout_count(PROMPT, 1);
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(client.stdout, format!("{PROMPT}{GOODBYE}"), "{client}");
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn a_line_that_is_not_utf8_is_not_sent_and_the_prompt_comes_back() {
    let (socket, addr) = fake_udp_server();
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_raw(b"%Y\xff\n");
    client.wait_stderr("这一行不是 UTF-8 文本");
    client.wait_stdout_count(PROMPT, 2);
    client.type_line("%d");
    // 服务器收到的第一个数据报就是 %d：前面那一行一个字节也没有发出去。
    let (request, from) = receive(&socket);
    assert_eq!(request, b"%d");
    socket.send_to(b"25", from).unwrap();
    client.wait_stdout(&format!("服务器回答：25\n{PROMPT}"));
}

#[test]
fn no_server_says_start_one_first_at_once() {
    let addr = closed_udp_port().to_string();
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    let began = Instant::now();
    client.type_line("%Y");
    let client = client.finish();
    // 内核回的"端口不可达"几乎立刻到达；等满 5 秒才放弃就说明 connect 没起作用。
    assert!(
        began.elapsed() < Duration::from_secs(3),
        "{:?}\n{client}",
        began.elapsed()
    );
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains(&addr), "{client}");
    assert!(
        client.stderr.contains("请先在另一个终端启动时间服务器"),
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
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    let began = Instant::now();
    client.type_line("%H:%M");
    let (request, _) = receive(&socket);
    assert_eq!(request, b"%H:%M");
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
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("%Y");
    let (_, from) = receive(&socket);
    socket
        .send_to(b"\x1b]0;owned\x07\x1b[2J\xff\0\r\xe2\x80\xae", from)
        .unwrap();
    client.wait_stdout_count(PROMPT, 2);
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_no_raw_control(&client.stdout_raw);
    let escaped = r"\u{1b}]0;owned\u{7}\u{1b}[2J�\u{0}\r\u{202e}";
    assert!(
        client
            .stdout
            .contains(&format!("服务器回答：{escaped}\n{PROMPT}")),
        "{client}"
    );
}

/// Linux、macOS：回答被截到 1024 字节，照样显示，接着问下一个。Windows 见下一个测试。
#[cfg(not(windows))]
#[test]
fn an_answer_longer_than_1024_bytes_is_cut() {
    let (socket, addr) = fake_udp_server();
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("%A");
    let (_, from) = receive(&socket);
    let mut answer = vec![b'a'; 1024];
    answer.extend_from_slice(b"zzzz");
    socket.send_to(&answer, from).unwrap();
    let shown = client.wait_stdout_count(PROMPT, 2);
    assert!(
        shown.ends_with(&format!("服务器回答：{}\n{PROMPT}", "a".repeat(1024))),
        "{shown}"
    );
}

/// Windows：超长的回答变成 WSAEMSGSIZE（10040）错误，回答整个丢了。客户端用一句中文说明，以退出码 1 结束。
#[cfg(windows)]
#[test]
fn an_answer_longer_than_1024_bytes_is_explained_on_windows() {
    let (socket, addr) = fake_udp_server();
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("%A");
    let (_, from) = receive(&socket);
    socket.send_to(&[b'a'; 1028], from).unwrap();
    let client = client.finish();
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(
        client.stderr.contains("服务器的回答超过了 1024 字节"),
        "{client}"
    );
    assert_friendly_failure(&client);
}

/// 在终端里按 Ctrl-Z 暂停客户端、再 fg 继续：等回答的 recv 被打断，客户端要接着等，而不是报错退出。
#[cfg(target_os = "linux")]
#[test]
fn being_paused_and_resumed_while_waiting_is_not_an_error() {
    let (socket, addr) = fake_udp_server();
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("%%");
    // 收到请求时，客户端已经在（或马上就在）等回答了。
    let (_, from) = receive(&socket);
    pause_and_resume(client.pid());
    socket.send_to(b"%", from).unwrap();
    client.wait_stdout(&format!("服务器回答：%\n{PROMPT}"));
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2_and(
        CLIENT,
        "time_client",
        &[
            &["9000"],
            &["localhost"],
            &["127.0.0.1:9000", "extra"],
            &["::1:9000"],
        ],
        |args, client| assert!(!client.stdout.contains(PROMPT), "{args:?}\n{client}"),
    );
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(CLIENT, &["-h"], "127.0.0.1:9000");
}

#[test]
fn a_closed_stdout_ends_with_one_line_instead_of_a_panic() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};

    // 就像 `time_client | head -1` 之后又问了一次：提示符显示过了，接收输出的一方却已经走了，回答写不出去。
    // 支持库的两个办法都不给程序键盘输入，所以这里自己接管道。
    let (socket, addr) = fake_udp_server();
    let mut child = Command::new(CLIENT)
        .arg(&addr)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // 提示符后面没有换行，所以一个字节一个字节地读，读到整个提示符就关掉读端。
    let mut stdout = child.stdout.take().unwrap();
    let mut shown = Vec::new();
    let mut byte = [0u8; 1];
    while !shown.ends_with(PROMPT.as_bytes()) {
        let n = stdout.read(&mut byte).unwrap();
        assert_eq!(n, 1, "没等到提示符：{}", String::from_utf8_lossy(&shown));
        shown.push(byte[0]);
    }
    drop(stdout);

    // stderr 读到头说明程序结束了；另一个线程去读，这里最多等 PATIENCE。键盘一直不放，结束只能是因为写不出去。
    let mut stderr = child.stderr.take().unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = done.send(text);
    });
    let mut keyboard = child.stdin.take().unwrap();
    keyboard.write_all(b"%Y\n").unwrap();
    let (_, from) = receive(&socket);
    socket.send_to(b"2026", from).unwrap();
    let Ok(stderr) = finished.recv_timeout(PATIENCE) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("stdout 关掉之后，客户端应该在打印回答时发现并停下");
    };
    let status = child.wait().unwrap();
    drop(keyboard);
    assert_stopped_because_stdout_closed(status, &stderr);
}

#[test]
fn reaches_a_server_given_by_host_name() {
    let (server, addr) = python_server("127.0.0.1:0");
    let port = addr.rsplit(':').next().unwrap();
    let mut client = start(CLIENT, &[format!("localhost:{port}")]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("%%localhost");
    server.wait_stdout("===> b'%%localhost'\n");
    client.wait_stdout(&format!("服务器回答：%localhost\n{PROMPT}"));
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
    // 第二行是用法，没有别的；也没有显示提示符。
    assert_eq!(client.stderr.lines().count(), 2, "{client}");
    assert!(client.stdout.is_empty(), "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn the_usage_names_the_program_as_it_was_run() {
    // 复制进 cargo new 出来的项目，程序就叫 my_time_client 了：用法里要说它的真名。
    let dir = std::env::temp_dir().join(format!("time-client-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(format!("my_time_client{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(CLIENT, &copy).unwrap();
    let help = start(&copy, &["--help"]).finish();
    let bad = start(&copy, &["9000"]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(help.stdout.starts_with("用法：my_time_client "), "{help}");
    assert!(bad.stderr.contains("用法：my_time_client "), "{bad}");
    assert_eq!(bad.code(), Some(2), "{bad}");
}

// ---------------------------------------------------------------- 最小版本

#[test]
fn the_minimal_version_asks_the_lessons_python_server_and_prints_each_answer() {
    let (server, addr) = python_server("127.0.0.1:0");
    let mut client = start(example_binary("time_client_minimal"), &[addr.as_str()]);
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("  %Y年%m月%d日 ");
    // strip() 之后寄出去的就是格式本身。
    server.wait_stdout("===> b'%Y\\xe5\\xb9\\xb4%m\\xe6\\x9c\\x88%d\\xe6\\x97\\xa5'\n");
    let first = python_answer(&server, 1);
    client.wait_stdout(&format!("{PROMPT}{first}\n{PROMPT}"));
    // 直接回车：空数据报，服务器用默认格式回答。
    client.type_line("");
    server.wait_stdout("===> b''\n");
    let second = python_answer(&server, 2);
    client.wait_stdout(&format!("{PROMPT}{second}\n{PROMPT}"));
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.ends_with(PROMPT), "{client}");
}

#[test]
fn the_minimal_version_takes_a_host_name() {
    let (server, addr) = python_server("127.0.0.1:0");
    let port = addr.rsplit(':').next().unwrap();
    let mut client = start(
        example_binary("time_client_minimal"),
        &[format!("localhost:{port}")],
    );
    client.wait_stdout_count(PROMPT, 1);
    client.type_line("%%");
    server.wait_stdout("===> b'%%'\n");
    client.wait_stdout(&format!("{PROMPT}%\n{PROMPT}"));
}
