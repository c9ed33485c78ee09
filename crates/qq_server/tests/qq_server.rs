//! qq_server 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行和提示符同步。
//! 测试扮演坐在服务端键盘前的人：往它的标准输入里打回复。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::net::{SocketAddr, UdpSocket};
use std::process::Command;
use std::time::Duration;
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_qq_server");
const REPLY_PROMPT: &str = "回复消息: ";

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 测试自己的 UDP 客户端：收回复有期限，服务端出了问题测试会失败而不是卡住。
fn test_client() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket
}

fn receive(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buffer = [0u8; 2048];
    let (n, from) = socket.recv_from(&mut buffer).expect("没等到服务端的回复");
    (buffer[..n].to_vec(), from)
}

/// 服务端为某个客户端打印的那一行的开头。
fn message_line_from(client: &UdpSocket) -> String {
    let own = client.local_addr().unwrap();
    format!("来自[{}:{}]的一条消息:", own.ip(), own.port())
}

#[test]
fn the_lessons_python_client_gets_the_typed_reply() {
    let mut server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(
        python_peer("qq_client.py"),
        &[addr.to_string(), "你好".into()],
    );
    let sent = client.wait_stdout("\n");
    let port: u16 = sent.trim().rsplit(' ').next().unwrap().parse().unwrap();
    let shown = server.wait_stdout(REPLY_PROMPT);
    assert!(
        shown.contains(&format!(
            "来自[127.0.0.1:{port}]的一条消息:你好\n{REPLY_PROMPT}"
        )),
        "{shown}"
    );
    server.type_line("在的，你好");
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.contains(&format!(
            "来自[127.0.0.1:{}]的一条消息:\x1b[1;44m在的，你好\x1b[0m\n",
            addr.port()
        )),
        "{client}"
    );
    // 服务端是个永远循环的程序：发完回复又回去等下一条消息，只能由测试来结束它。
    let server = server.kill();
    assert!(server.stderr.is_empty(), "{server}");
}

#[test]
fn readiness_line_ends_with_the_real_port_not_zero() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let line = server.first_line();
    let addr = server.ready_addr();
    assert!(line.starts_with("qq_server 正在等待消息，地址 "), "{line}");
    assert_ne!(addr.port(), 0, "{line}");
    assert!(addr.ip().is_loopback(), "{line}");
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let mut server = start(SERVER, &["[::1]:0"]);
    let addr = server.ready_addr();
    assert!(addr.is_ipv6(), "{addr}");
    let client = python(
        python_peer("qq_client.py"),
        &[addr.to_string(), "hi6".into()],
    );
    let shown = server.wait_stdout(REPLY_PROMPT);
    assert!(shown.contains("来自[::1:"), "{shown}");
    assert!(shown.contains("]的一条消息:hi6\n"), "{shown}");
    server.type_line("ok6");
    let client = client.finish();
    assert!(
        client.stdout.contains(&format!(
            "来自[::1:{}]的一条消息:\x1b[1;44mok6\x1b[0m",
            addr.port()
        )),
        "{client}"
    );
}

#[test]
fn several_messages_each_get_their_own_typed_reply() {
    let mut server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let first = test_client();
    let second = test_client();
    // 两条消息几乎同时到：第二条在内核里排队，等第一条回复完再显示。
    first.send_to("我是第一个".as_bytes(), addr).unwrap();
    second.send_to("我是第二个".as_bytes(), addr).unwrap();

    let shown = server.wait_stdout_count(REPLY_PROMPT, 1);
    assert!(
        shown.contains(&format!("{}我是第一个\n", message_line_from(&first))),
        "{shown}"
    );
    assert!(
        !shown.contains("我是第二个"),
        "回复第一条之前不该显示第二条：{shown}"
    );
    server.type_line("回给第一个");
    assert_eq!(receive(&first), ("回给第一个".as_bytes().to_vec(), addr));

    let shown = server.wait_stdout_count(REPLY_PROMPT, 2);
    assert!(
        shown.contains(&format!("{}我是第二个\n", message_line_from(&second))),
        "{shown}"
    );
    server.type_line("回给第二个");
    assert_eq!(receive(&second).0, "回给第二个".as_bytes());

    first.send_to("第三条".as_bytes(), addr).unwrap();
    server.wait_stdout_count(REPLY_PROMPT, 3);
    server.type_line("第三个回复");
    assert_eq!(receive(&first).0, "第三个回复".as_bytes());
    let server = server.kill();
    assert!(server.stderr.is_empty(), "{server}");
}

#[test]
fn a_reply_typed_with_crlf_is_sent_without_it() {
    let mut server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();
    client.send_to(b"windows?", addr).unwrap();
    server.wait_stdout(REPLY_PROMPT);
    server.type_raw(b"hello\r\n");
    assert_eq!(receive(&client).0, b"hello");
}

#[test]
fn an_empty_reply_line_is_sent_as_an_empty_datagram_like_the_lesson() {
    let mut server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();
    client.send_to(b"say nothing", addr).unwrap();
    server.wait_stdout(REPLY_PROMPT);
    server.type_line("   ");
    assert_eq!(receive(&client), (Vec::new(), addr));
}

#[test]
fn a_reply_line_that_is_not_utf8_is_asked_again() {
    let mut server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();
    client.send_to(b"gbk?", addr).unwrap();
    server.wait_stdout(REPLY_PROMPT);
    server.type_raw(b"\xc4\xe3\xba\xc3\n");
    server.wait_stdout_count(REPLY_PROMPT, 2);
    server.type_line("utf8 now");
    assert_eq!(receive(&client).0, b"utf8 now");
    let server = server.kill();
    assert!(server.stderr.contains("不是 UTF-8"), "{server}");
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
}

#[test]
fn end_of_input_at_the_reply_prompt_exits_0() {
    let mut server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    test_client().send_to(b"anyone?", addr).unwrap();
    server.wait_stdout(REPLY_PROMPT);
    server.close_stdin();
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server.stdout.ends_with(&format!(
            "{REPLY_PROMPT}\n输入结束，qq_server 退出，再见。\n"
        )),
        "{server}"
    );
    assert!(server.stderr.is_empty(), "{server}");
}

/// 发一个数据报，等服务端显示它并问回复，杀掉服务端，返回它的全部输出。
fn show_one(server: Running, datagram: &[u8]) -> Finished {
    let addr = server.ready_addr();
    test_client().send_to(datagram, addr).unwrap();
    server.wait_stdout(REPLY_PROMPT);
    server.kill()
}

const HOSTILE: &[u8] = b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n";
const HOSTILE_ESCAPED: &str = r"\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{0}��\u{202e} abc\n";

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let server = show_one(start(SERVER, &["127.0.0.1:0"]), HOSTILE);
    assert_no_raw_control(&server.stdout_raw);
    assert!(
        server
            .stdout
            .contains(&format!("的一条消息:{HOSTILE_ESCAPED}\n{REPLY_PROMPT}")),
        "{server}"
    );
}

#[test]
fn forced_colour_wraps_the_message_in_the_lessons_blue_and_nothing_else_is_raw() {
    let mut command = Command::new(SERVER);
    command
        .arg("127.0.0.1:0")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env("CLICOLOR_FORCE", "1");
    let server = show_one(start_command(command), HOSTILE);
    let wrapped = format!("的一条消息:\x1b[1;44m{HOSTILE_ESCAPED}\x1b[0m\n");
    assert!(server.stdout.contains(&wrapped), "{server}");
    let without_wrapper = server
        .stdout
        .replace(&wrapped, "的一条消息:\n")
        .into_bytes();
    assert_no_raw_control(&without_wrapper);
}

#[test]
fn an_empty_datagram_is_a_message_too() {
    let server = show_one(start(SERVER, &["127.0.0.1:0"]), b"");
    assert!(
        server
            .stdout
            .contains(&format!("的一条消息:\n{REPLY_PROMPT}")),
        "{server}"
    );
}

/// Linux、macOS：只显示前 1024 字节。Windows 不截断，见下一个测试和 docs/platforms.md。
#[cfg(not(windows))]
#[test]
fn only_the_first_1024_bytes_of_a_long_datagram_are_shown() {
    let server = show_one(start(SERVER, &["127.0.0.1:0"]), &[b'x'; 3000]);
    let shown = format!("的一条消息:{}\n", "x".repeat(1024));
    assert!(server.stdout.contains(&shown), "{server}");
}

/// Windows：超长的数据报变成 WSAEMSGSIZE（10040）错误，整条消息连同寄件人的地址一起丢了，没法回复。
/// 服务端说一句，不问回复，接着等；下一条正常的消息照常显示。
#[cfg(windows)]
#[test]
fn a_long_datagram_is_dropped_with_one_line_on_windows() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();
    client.send_to(&[b'x'; 3000], addr).unwrap();
    server.wait_stderr("收到一条超过 1024 字节的消息");
    client.send_to("短的".as_bytes(), addr).unwrap();
    server.wait_stdout("的一条消息:短的\n");
    server.wait_stdout(REPLY_PROMPT);
    let server = server.kill();
    assert!(!server.stdout.contains("xxxx"), "{server}");
    assert_eq!(server.stdout.matches(REPLY_PROMPT).count(), 1, "{server}");
}

/// 回复发给一个已经关掉的客户端：对方系统回一个"端口不可达"。Linux、macOS 上服务端什么也不会知道；
/// Windows 上下一次 recv_from 失败（WSAECONNRESET，10054），服务端说一句、接着收（docs/platforms.md）。
/// 两种系统上，下一条消息都照常显示。
#[test]
fn a_reply_to_a_client_that_has_left_does_not_stop_the_server() {
    let mut server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let gone = test_client();
    gone.send_to("我先走了".as_bytes(), addr).unwrap();
    server.wait_stdout(REPLY_PROMPT);
    drop(gone);
    server.type_line("慢走");
    let next = test_client();
    next.send_to("下一条".as_bytes(), addr).unwrap();
    server.wait_stdout("的一条消息:下一条\n");
    let server = server.kill();
    let expected = usize::from(cfg!(windows));
    assert_eq!(server.stderr.lines().count(), expected, "{server}");
    if cfg!(windows) {
        assert!(
            server.stderr.contains("接收消息失败，继续等待下一条消息"),
            "{server}"
        );
    }
}

#[test]
fn a_taken_port_is_explained_in_one_line() {
    assert_taken_udp_port_is_explained(SERVER);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        SERVER,
        "qq_server",
        &[
            &["localhost"],
            &["127.0.0.1"],
            &["127.0.0.1:99999"],
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
    assert_help_exits_0_within(
        SERVER,
        &["--help"],
        "127.0.0.1:8081",
        Duration::from_secs(10),
    );
}

#[test]
fn a_closed_stdout_stops_the_server_with_one_line_instead_of_a_panic() {
    // 就像 `qq_server | head -1`：读完就绪行，接收输出的一方就走了。
    // 消息到了，服务端写"来自[……]的一条消息"那一行就写不出去，它用一句中文说明、以退出码 1 结束。
    let (_, status, stderr) = run_until_stdout_closes(SERVER, &["127.0.0.1:0"], |ready| {
        let addr = address_at_end(ready).unwrap();
        test_client().send_to("你好".as_bytes(), addr).unwrap();
    });
    assert_stopped_because_stdout_closed(status, &stderr);
}

// ---------------------------------------------------------------- 最小版本

const MINIMAL: &str = "qq_server_minimal";

#[test]
fn the_minimal_version_chats_with_the_lessons_python_client() {
    let mut server = start(example_binary(MINIMAL), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    assert!(
        server
            .first_line()
            .starts_with("qq_server 正在等待消息，地址 127.0.0.1:"),
        "{}",
        server.first_line()
    );
    let client = python(
        python_peer("qq_client.py"),
        &[addr.to_string(), "你好".into(), "第二条".into()],
    );
    let port: u16 = client
        .wait_stdout("\n")
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let shown = server.wait_stdout(REPLY_PROMPT);
    assert!(
        shown.contains(&format!(
            "来自[127.0.0.1:{port}]的一条消息:你好\n{REPLY_PROMPT}"
        )),
        "{shown}"
    );
    server.type_line("  在的，你好  ");
    // 第二条消息显示出来，说明最小版本回完一条又回到了 recvfrom（课程的 while True）。
    let shown = server.wait_stdout_count(REPLY_PROMPT, 2);
    assert!(shown.contains("的一条消息:第二条\n"), "{shown}");
    server.type_line("收到");
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    let expected = format!(
        "来自[127.0.0.1:{}]的一条消息:\x1b[1;44m在的，你好\x1b[0m\n",
        addr.port()
    );
    assert!(client.stdout.contains(&expected), "{client}");
    assert!(client.stdout.contains("\x1b[1;44m收到\x1b[0m"), "{client}");
    let server = server.kill();
    assert!(server.stderr.is_empty(), "{server}");
}

#[test]
fn the_minimal_version_takes_a_host_name_like_python() {
    let server = start(example_binary(MINIMAL), &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    assert_ne!(addr.port(), 0, "{addr}");
}

// ---------------------------------------------------------------- 主机名、复制到别处

#[test]
fn localhost_works_like_in_python_and_the_readiness_line_shows_a_loopback_address() {
    let mut server = start(SERVER, &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    assert_ne!(addr.port(), 0, "{addr}");
    // 课程的 Python 客户端也用名字来找它。
    let client = python(
        python_peer("qq_client.py"),
        &[format!("localhost:{}", addr.port()), "名字也行".into()],
    );
    server.wait_stdout("的一条消息:名字也行\n");
    server.wait_stdout(REPLY_PROMPT);
    server.type_line("行");
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("\x1b[1;44m行\x1b[0m"), "{client}");
}

#[test]
fn a_name_that_does_not_resolve_gets_its_own_line_and_exit_2() {
    let run = start(SERVER, &["nosuch.invalid:1"]).finish();
    assert_eq!(run.code(), Some(2), "{run}");
    let mut lines = run.stderr.lines();
    assert_eq!(
        lines.next(),
        Some(
            "无法解析地址「nosuch.invalid:1」：找不到这个主机名。请检查拼写，或者直接写 IP，比如 127.0.0.1:8081。"
        ),
        "{run}"
    );
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .starts_with("用法：qq_server"),
        "{run}"
    );
    assert_eq!(lines.next(), None, "{run}");
    assert!(run.stdout.is_empty(), "{run}");
}

#[test]
fn no_message_names_this_workspace() {
    // 复制到别的项目里，`cargo run -p qq_server` 就不成立了：提示改成说清楚加什么参数。
    let taken = assert_taken_udp_port_is_explained(SERVER);
    assert!(!taken.stderr.contains("cargo run -p"), "{taken}");
    assert!(
        taken
            .stderr
            .contains("在运行命令的末尾加上地址参数 127.0.0.1:0"),
        "{taken}"
    );
    let help = assert_help_exits_0(SERVER, &["--help"], "127.0.0.1:8081");
    let bad = start(SERVER, &["127.0.0.1"]).finish();
    for run in [&help, &bad] {
        assert!(!run.stdout.contains("cargo run -p"), "{run}");
        assert!(!run.stderr.contains("cargo run -p"), "{run}");
    }
    // 源码里，除了写给本仓库读者的注释，任何字符串都不许提它。
    let source =
        std::fs::read_to_string(crate_file(env!("CARGO_MANIFEST_DIR"), "src/main.rs")).unwrap();
    for line in source.lines() {
        let code = line.trim_start();
        if !code.starts_with("//") {
            assert!(!code.contains("cargo run -p"), "{line}");
        }
    }
}

#[test]
fn the_usage_names_the_program_as_it_was_run() {
    // 把程序复制成别的名字（就像在 cargo new my_qq_server 里编译出来的那样），用法说明跟着改名。
    let dir = std::env::temp_dir().join(format!("qq-server-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(format!("my_qq_server{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(SERVER, &copy).unwrap();
    let help = assert_help_exits_0(&copy, &["--help"], "用法：my_qq_server [绑定地址]");
    assert_bad_arguments_exit_2(&copy, "my_qq_server", &[&["8081"]]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!help.stdout.contains("用法：qq_server"), "{help}");
}
