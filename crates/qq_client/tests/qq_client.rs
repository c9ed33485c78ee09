//! qq_client 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行和提示符同步。
//! 测试扮演坐在客户端键盘前的人，也扮演服务端那边打回复的人。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;

const CLIENT: &str = env!("CARGO_BIN_EXE_qq_client");
const CONTACT_PROMPT: &str = "请选择聊天对象: ";
const MESSAGE_PROMPT: &str = "请输入消息,回车发送,输入q结束和他的聊天: ";
const REPLY_PROMPT: &str = "回复消息: ";
const GOODBYE: &str = "\n输入结束，再见。\n";
const SLOW_REPLY_HINT: &str = "秒了还没有回复";

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 启动课程风格的 Python 服务端，返回它和它的地址（字符串形式，直接当客户端的参数）。
fn python_server(bind: &str) -> (Running, String) {
    let server = python(python_peer("qq_server.py"), &[bind]);
    let addr = server.ready_addr().to_string();
    (server, addr)
}

/// 一个测试里自己写的服务端：收一条消息，回 `reply`。
fn fake_server(reply: &'static [u8]) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 1024];
        if let Ok((_, peer)) = socket.recv_from(&mut buffer) {
            socket.send_to(reply, peer).unwrap();
        }
    });
    addr
}

/// 在客户端里选好联系人，停在输消息的提示符上。
fn choose(client: &mut Running, contact: &str) {
    client.wait_stdout_count(CONTACT_PROMPT, 1);
    client.type_line(contact);
    client.wait_stdout_count(MESSAGE_PROMPT, 1);
}

#[test]
fn chats_with_the_lessons_python_server() {
    let (mut server, addr) = python_server("127.0.0.1:0");
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "哪吒");
    client.type_line("你好");

    let shown = server.wait_stdout(REPLY_PROMPT);
    assert!(
        shown.contains("的一条消息:\x1b[1;44m你好\x1b[0m\n"),
        "{shown}"
    );
    server.type_line("在的，你好");
    let chat = client.wait_stdout_count(MESSAGE_PROMPT, 2);
    assert!(
        chat.contains(&format!(
            "来自[{addr}]的一条消息:在的，你好\n{MESSAGE_PROMPT}"
        )),
        "{chat}"
    );

    // q 结束和哪吒的聊天，回到选人；再输入结束，正常退出。
    client.type_line("q");
    client.wait_stdout_count(CONTACT_PROMPT, 2);
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .ends_with(&format!("{CONTACT_PROMPT}{GOODBYE}")),
        "{client}"
    );
    // 回复来得快，用不着提醒。
    assert!(!client.stdout.contains(SLOW_REPLY_HINT), "{client}");
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn a_slow_reply_gets_a_hint_after_5_seconds_and_is_still_shown() {
    // 测试扮演一个读了消息、迟迟不回的人。
    let (silent, addr) = fake_udp_server();
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "yuan");
    client.type_line("在吗");
    let mut buffer = [0u8; 64];
    let (n, peer) = silent.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], "在吗".as_bytes());

    let began = Instant::now();
    let shown = client.wait_stdout_for(SLOW_REPLY_HINT, Duration::from_secs(10));
    let waited = began.elapsed();
    assert!(
        waited >= Duration::from_secs(4),
        "提醒来得太早（{waited:?}）：\n{shown}"
    );
    assert!(
        shown.ends_with("5 秒了还没有回复：回复要由服务端那边的人在它的终端里打字。再等 55 秒……\n"),
        "{shown}"
    );

    // 提醒之后客户端还在等：这时回复，照样显示出来。
    silent.send_to("来了".as_bytes(), peer).unwrap();
    client.wait_stdout(&format!("来自[{addr}]的一条消息:来了\n{MESSAGE_PROMPT}"));
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stderr.is_empty(), "{client}");
}

/// 在终端里按 Ctrl-Z 暂停客户端、再 fg 继续：等回复的 recv 被打断，客户端要接着等，而不是报错退出。
#[cfg(target_os = "linux")]
#[test]
fn being_paused_and_resumed_while_waiting_for_a_reply_is_not_an_error() {
    let (silent, addr) = fake_udp_server();
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "egg");
    client.type_line("稍等");
    let mut buffer = [0u8; 64];
    let (_, peer) = silent.recv_from(&mut buffer).unwrap();
    pause_and_resume(client.pid());
    silent.send_to("好的".as_bytes(), peer).unwrap();
    client.wait_stdout(&format!("来自[{addr}]的一条消息:好的\n{MESSAGE_PROMPT}"));
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    let (mut server, addr) = python_server("[::1]:0");
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "egg");
    client.type_line("hi6");
    server.wait_stdout(REPLY_PROMPT);
    server.type_line("ok6");
    let port = addr.rsplit(':').next().unwrap();
    client.wait_stdout(&format!("来自[::1:{port}]的一条消息:ok6\n"));
}

#[test]
fn an_unknown_or_empty_contact_lists_the_four_names_and_asks_again() {
    let mut client = start(CLIENT, &[closed_udp_port().to_string()]);
    let list = "没有这个联系人。可以选：金老板、哪吒、egg、yuan\n";
    client.wait_stdout_count(CONTACT_PROMPT, 1);
    client.type_line("张三");
    let shown = client.wait_stdout_count(CONTACT_PROMPT, 2);
    assert!(
        shown.ends_with(&format!("{CONTACT_PROMPT}{list}{CONTACT_PROMPT}")),
        "{shown}"
    );
    client.type_line("");
    let shown = client.wait_stdout_count(CONTACT_PROMPT, 3);
    assert!(
        shown.ends_with(&format!("{list}{CONTACT_PROMPT}")),
        "{shown}"
    );
    assert!(!shown.contains(MESSAGE_PROMPT), "{shown}");
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
}

#[test]
fn an_empty_message_is_not_sent() {
    let (mut server, addr) = python_server("127.0.0.1:0");
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "金老板");
    client.type_line("");
    client.wait_stdout_count(MESSAGE_PROMPT, 2);
    client.type_line("   ");
    client.wait_stdout_count(MESSAGE_PROMPT, 3);
    client.type_line("真的消息");
    // 服务端收到的第一条消息就是这条：前面两次空输入一个字节也没有发出去。
    let shown = server.wait_stdout(REPLY_PROMPT);
    let first = shown.lines().nth(1).unwrap_or_default();
    assert_eq!(
        first.split_once("的一条消息:").map(|(_, m)| m),
        Some("\x1b[1;44m真的消息\x1b[0m"),
        "{shown}"
    );
    server.type_line("收到");
    client.wait_stdout("的一条消息:收到\n");
}

#[test]
fn lines_typed_with_crlf_work_like_plain_newlines() {
    let (mut server, addr) = python_server("127.0.0.1:0");
    let mut client = start(CLIENT, &[addr.as_str()]);
    client.wait_stdout(CONTACT_PROMPT);
    client.type_raw("yuan\r\n".as_bytes());
    client.wait_stdout(MESSAGE_PROMPT);
    client.type_raw(b"hello\r\n");
    let shown = server.wait_stdout(REPLY_PROMPT);
    assert!(
        shown.contains("的一条消息:\x1b[1;44mhello\x1b[0m\n"),
        "{shown}"
    );
    server.type_line("hi");
    client.wait_stdout("的一条消息:hi\n");
    client.type_raw(b"q\r\n");
    client.wait_stdout_count(CONTACT_PROMPT, 2);
}

#[test]
fn a_message_line_that_is_not_utf8_is_asked_again() {
    let (mut server, addr) = python_server("127.0.0.1:0");
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "哪吒");
    client.type_raw(b"\xc4\xe3\xba\xc3\n");
    client.wait_stdout_count(MESSAGE_PROMPT, 2);
    client.type_line("utf8 now");
    let shown = server.wait_stdout(REPLY_PROMPT);
    assert!(shown.contains("\x1b[1;44mutf8 now\x1b[0m"), "{shown}");
    server.type_line("ok");
    client.wait_stdout("的一条消息:ok\n");
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stderr.contains("不是 UTF-8"), "{client}");
}

#[test]
fn end_of_input_at_the_contact_prompt_exits_0() {
    let mut client = start(CLIENT, &[closed_udp_port().to_string()]);
    client.wait_stdout(CONTACT_PROMPT);
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(
        client.stdout,
        format!("{CONTACT_PROMPT}{GOODBYE}"),
        "{client}"
    );
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn end_of_input_at_the_message_prompt_exits_0() {
    let mut client = start(CLIENT, &[closed_udp_port().to_string()]);
    choose(&mut client, "哪吒");
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .ends_with(&format!("{MESSAGE_PROMPT}{GOODBYE}")),
        "{client}"
    );
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn no_server_says_start_qq_server_first_quickly() {
    let addr = closed_udp_port().to_string();
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "哪吒");
    let began = Instant::now();
    client.type_line("有人吗");
    let client = client.finish();
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "不该等到超时才放弃"
    );
    assert_eq!(client.code(), Some(1), "{client}");
    assert!(client.stderr.contains(&addr), "{client}");
    assert!(
        client.stderr.contains("请先在另一个终端启动聊天服务端"),
        "{client}"
    );
    assert_eq!(client.stderr.lines().count(), 1, "{client}");
    assert_friendly_failure(&client);
}

#[test]
fn a_garbage_reply_is_printed_escaped() {
    let addr = fake_server(b"\x1b]0;owned\x07\x1b[2J\xff\0\r");
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "哪吒");
    client.type_line("hi");
    client.wait_stdout_count(MESSAGE_PROMPT, 2);
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_no_raw_control(&client.stdout_raw);
    assert!(
        client.stdout.contains(&format!(
            "来自[{addr}]的一条消息:\\u{{1b}}]0;owned\\u{{7}}\\u{{1b}}[2J�\\u{{0}}\\r\n"
        )),
        "{client}"
    );
}

#[test]
fn forced_colour_wraps_the_reply_in_the_lessons_blue() {
    let addr = fake_server("你好\x1b[31m".as_bytes());
    let mut command = Command::new(CLIENT);
    command
        .arg(&addr)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env("CLICOLOR_FORCE", "1");
    let mut client = start_command(command);
    choose(&mut client, "哪吒");
    client.type_line("hi");
    let wrapped = format!("来自[{addr}]的一条消息:\x1b[1;44m你好\\u{{1b}}[31m\x1b[0m\n");
    let shown = client.wait_stdout(&wrapped);
    assert_no_raw_control(shown.replace(&wrapped, "").as_bytes());
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        CLIENT,
        "qq_client",
        &[&["8081"], &["127.0.0.1:8081", "extra"], &["::1:8081"]],
    );
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(CLIENT, &["-h"], "127.0.0.1:8081");
}

#[test]
fn a_closed_stdout_stops_the_client_with_one_line_instead_of_a_panic() {
    // 就像 `qq_client | head -c 23`：接收输出的一方读完提示符"请选择聊天对象: "（23 个字节）就走了。
    // 这之后输入一个不认识的名字，客户端要列出可选的人，这一行写不出去：它用一句中文说明、以退出码 1 结束。
    // （一开始就关掉 stdout 测不到这里：最先失败的是提示符的 flush，那条路本来就不会 panic。）
    let mut child = Command::new(CLIENT)
        .arg(closed_udp_port().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut prompt = vec![0u8; CONTACT_PROMPT.len()];
    let mut stdout = child.stdout.take().unwrap();
    stdout.read_exact(&mut prompt).unwrap();
    assert_eq!(prompt, CONTACT_PROMPT.as_bytes());
    drop(stdout);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all("张三\n".as_bytes()).unwrap();

    // 读 stderr 到头（程序结束时），最多等 PATIENCE；等不到就杀掉它，让测试失败而不是卡住。
    let mut stderr_pipe = child.stderr.take().unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        let _ = done.send(text);
    });
    let Ok(stderr) = finished.recv_timeout(PATIENCE) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("stdout 关掉之后，客户端在 {PATIENCE:?} 内没有结束");
    };
    let status = child.wait().unwrap();
    drop(stdin);
    assert_stopped_because_stdout_closed(status, &stderr);
}

// ---------------------------------------------------------------- 最小版本和练习

#[test]
fn the_minimal_version_chats_with_the_lessons_python_server_like_the_lesson() {
    let (mut server, addr) = python_server("127.0.0.1:0");
    let mut client = start(example_binary("qq_client_minimal"), &[addr.as_str()]);
    // 课程的坑原样保留：名字不在表里，消息一个字节也不发，只是再问一次。
    choose(&mut client, "张三");
    client.type_line("喂");
    client.wait_stdout_count(MESSAGE_PROMPT, 2);
    client.type_line("q");
    client.wait_stdout_count(CONTACT_PROMPT, 2);
    client.type_line("哪吒");
    client.wait_stdout_count(MESSAGE_PROMPT, 3);
    client.type_line("  你好  ");

    // 服务端收到的第一条就是"你好"（去掉了首尾空白），"喂"从来没有发出去。
    let shown = server.wait_stdout(REPLY_PROMPT);
    assert!(
        shown.contains("的一条消息:\x1b[1;44m你好\x1b[0m\n"),
        "{shown}"
    );
    assert!(!shown.contains('喂'), "{shown}");
    server.type_line("在的，你好");
    let chat = client.wait_stdout_count(MESSAGE_PROMPT, 4);
    assert!(
        chat.contains(&format!(
            "来自[{addr}]的一条消息:在的，你好\n{MESSAGE_PROMPT}"
        )),
        "{chat}"
    );
    // 输入结束（Ctrl-D）：最小版本直接退出。
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn the_minimal_version_reaches_a_server_given_as_localhost() {
    let (mut server, addr) = python_server("127.0.0.1:0");
    let port = addr.rsplit(':').next().unwrap();
    let by_name = format!("localhost:{port}");
    let mut client = start(example_binary("qq_client_minimal"), &[by_name.as_str()]);
    choose(&mut client, "egg");
    client.type_line("名字也行");
    server.wait_stdout("的一条消息:\x1b[1;44m名字也行\x1b[0m\n");
    server.wait_stdout(REPLY_PROMPT);
    server.type_line("行");
    client.wait_stdout(&format!("来自[127.0.0.1:{port}]的一条消息:行\n"));
}

/// 第 08 页的练习：每个联系人有自己的地址（命令行参数依次给出）。
#[test]
fn the_exercise_sends_each_contact_to_their_own_address() {
    let (mut jin, jin_addr) = python_server("127.0.0.1:0");
    let (mut nezha, nezha_addr) = python_server("127.0.0.1:0");
    let mut client = start(
        example_binary("qq_client_exercise"),
        &[jin_addr.as_str(), nezha_addr.as_str()],
    );
    choose(&mut client, "哪吒");
    client.type_line("给哪吒");
    let shown = nezha.wait_stdout(REPLY_PROMPT);
    assert!(
        shown.contains("的一条消息:\x1b[1;44m给哪吒\x1b[0m\n"),
        "{shown}"
    );
    nezha.type_line("我是哪吒");
    client.wait_stdout(&format!("来自[{nezha_addr}]的一条消息:我是哪吒\n"));

    client.type_line("q");
    client.wait_stdout_count(CONTACT_PROMPT, 2);
    client.type_line("金老板");
    client.wait_stdout_count(MESSAGE_PROMPT, 3);
    client.type_line("给金老板");
    let shown = jin.wait_stdout(REPLY_PROMPT);
    assert!(
        shown.contains("的一条消息:\x1b[1;44m给金老板\x1b[0m\n"),
        "{shown}"
    );
    jin.type_line("我是金老板");
    client.wait_stdout(&format!("来自[{jin_addr}]的一条消息:我是金老板\n"));
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");

    // 每条消息只到了它该去的那个服务端。
    let jin = jin.kill();
    let nezha = nezha.kill();
    assert!(!jin.stdout.contains("给哪吒"), "{jin}");
    assert!(!nezha.stdout.contains("给金老板"), "{nezha}");
}

// ---------------------------------------------------------------- 主机名、复制到别处

#[test]
fn reaches_a_server_given_as_localhost() {
    let (mut server, addr) = python_server("127.0.0.1:0");
    let port = addr.rsplit(':').next().unwrap();
    let by_name = format!("localhost:{port}");
    let mut client = start(CLIENT, &[by_name.as_str()]);
    choose(&mut client, "yuan");
    client.type_line("名字也行");
    server.wait_stdout(REPLY_PROMPT);
    server.type_line("行");
    client.wait_stdout(&format!("来自[127.0.0.1:{port}]的一条消息:行\n"));
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stderr.is_empty(), "{client}");
}

#[test]
fn a_name_that_does_not_resolve_gets_its_own_line_and_exit_2() {
    let run = start(CLIENT, &["nosuch.invalid:1"]).finish();
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
            .starts_with("用法：qq_client"),
        "{run}"
    );
    assert_eq!(lines.next(), None, "{run}");
    assert!(run.stdout.is_empty(), "{run}");
}

#[test]
fn no_message_names_this_workspace() {
    // 复制到别的项目里，`cargo run -p qq_server` 就不成立了：提示只说要先启动服务端。
    let addr = closed_udp_port().to_string();
    let mut client = start(CLIENT, &[addr.as_str()]);
    choose(&mut client, "哪吒");
    client.type_line("有人吗");
    let no_server = client.finish();
    let help = assert_help_exits_0(CLIENT, &["--help"], "127.0.0.1:8081");
    let bad = start(CLIENT, &["8081"]).finish();
    for run in [&no_server, &help, &bad] {
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
    // 把程序复制成别的名字（就像在 cargo new my_qq_client 里编译出来的那样），用法说明跟着改名。
    let dir = std::env::temp_dir().join(format!("qq-client-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(format!("my_qq_client{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(CLIENT, &copy).unwrap();
    let help = assert_help_exits_0(&copy, &["-h"], "用法：my_qq_client [聊天对象的地址]");
    assert_bad_arguments_exit_2(&copy, "my_qq_client", &[&["8081"]]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!help.stdout.contains("用法：qq_client"), "{help}");
}
