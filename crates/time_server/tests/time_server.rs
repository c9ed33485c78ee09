//! time_server 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。
//! 服务端永远循环，每个测试结束时由测试杀掉它。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::net::{SocketAddr, UdpSocket};
use std::process::Command;
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_time_server");

/// 要求和 Python 的 time.strftime 一字不差的格式：课程提到的、学生最常用的那些，外加夹着中文的格式。
/// 空字符串是直接回车，服务端要用默认格式 `%Y-%m-%d %X` 回答。
const LESSON_FORMATS: [&str; 20] = [
    "%Y",
    "%m",
    "%d",
    "%H",
    "%M",
    "%S",
    "%X",
    "%x",
    "%y",
    "%I",
    "%p",
    "%A",
    "%a",
    "%B",
    "%b",
    "%j",
    "%%",
    "%Y %m %d",
    "%Y年%m月%d日",
    "",
];

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 测试自己的 UDP 套接字，扮演客户端；等回答有期限，测试不会卡住。
fn test_client() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket
}

/// 发一个请求，收回答。缓冲区比 1024 大，长回答也能整个收到。
fn ask(client: &UdpSocket, server: SocketAddr, request: &[u8]) -> Vec<u8> {
    client.send_to(request, server).unwrap();
    let mut buffer = [0u8; 65536];
    loop {
        match client.recv_from(&mut buffer) {
            // 测试进程被暂停再继续时（比如机器很忙），设了超时的 recv_from 会被打断：再收一次。
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => panic!("请求 {request:?} 没有得到回答：{e}"),
            Ok((n, from)) => {
                assert_eq!(from, server, "回答应该来自服务端绑定的地址");
                return buffer[..n].to_vec();
            }
        }
    }
}

/// 发一个格式，核对回答等于本机时间在发出前或收到后按同一格式渲染的结果之一：
/// 不对星期名、月份名、年份或钟点做任何假设，哪一天、哪个时区跑都一样。
/// 空格式按服务端的默认格式 `%Y-%m-%d %X` 渲染。
fn ask_and_compare_with_local_time(client: &UdpSocket, server: SocketAddr, format: &str) -> String {
    let rendered = |format: &str| {
        let format = if format.is_empty() {
            "%Y-%m-%d %X"
        } else {
            format
        };
        chrono::Local::now().format(format).to_string()
    };
    let before = rendered(format);
    let answer = String::from_utf8(ask(client, server, format.as_bytes())).unwrap();
    let after = rendered(format);
    assert!(
        answer == before || answer == after,
        "格式 {format:?}：回答 {answer:?}，本机时间渲染出 {before:?}（或 {after:?}）"
    );
    answer
}

/// 让课程风格的 Python 客户端把所有格式问一遍，逐个核对：回答必须等于 Python 自己在
/// 发出前或收到后用 time.strftime 算出的结果之一。
fn compare_with_python_strftime(server: &Running, addr: SocketAddr, tz: Option<&str>) {
    let mut command = Command::new(python3());
    command
        .arg("-u")
        .arg(python_peer("time_client.py"))
        .arg(addr.to_string())
        .args(LESSON_FORMATS);
    if let Some(tz) = tz {
        command.env("TZ", tz);
    }
    let client = start_command(command).finish();
    assert!(client.status.success(), "{client}");
    let lines: Vec<&str> = client.stdout.lines().collect();
    assert_eq!(lines.len(), LESSON_FORMATS.len(), "{client}");
    for (format, line) in LESSON_FORMATS.iter().zip(lines) {
        let [answer, before, after] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("Python 客户端的输出格式不对：{line:?}\n{client}");
        };
        assert!(
            answer == before || answer == after,
            "格式 {format:?}：time_server 回答 {answer:?}，Python 的 strftime 是 {before:?}（或 {after:?}）\n{}",
            server.stdout_so_far()
        );
    }
}

#[test]
fn answers_the_lessons_python_client_exactly_like_python_strftime() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    compare_with_python_strftime(&server, addr, None);
    // 日志行在回答之前就写出了，但测试读管道的线程可能还没读到：等它读完再结束服务端。
    server.wait_stdout_count("===> ", LESSON_FORMATS.len());
    let server = server.kill();
    // 每个请求一行 ===>，空请求也有一行；这些格式都合法，没有错误行。
    assert_eq!(
        server.stdout.matches("===> ").count(),
        LESSON_FORMATS.len(),
        "{server}"
    );
    assert!(server.stdout.contains("===> %Y年%m月%d日\n"), "{server}");
    assert!(!server.stdout.contains("错误："), "{server}");
    assert!(server.stderr.is_empty(), "{server}");
}

#[test]
fn answers_in_local_time_of_the_time_zone_it_runs_in() {
    // 北京时间（POSIX 写法，不依赖系统装没装时区数据库）：和 UTC 差 8 小时，%H、%I、%p 都会不同。
    // 服务端和 Python 客户端用同一个时区，回答仍然要一字不差。
    let mut command = Command::new(SERVER);
    command.arg("127.0.0.1:0").env("TZ", "CST-8");
    let server = start_command(command);
    let addr = server.ready_addr();
    compare_with_python_strftime(&server, addr, Some("CST-8"));
}

#[test]
fn readiness_line_ends_with_the_real_port_not_zero() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let line = server.first_line();
    let addr = server.ready_addr();
    assert!(
        line.starts_with("time_server 正在等待时间格式，地址 "),
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
    let client = python(
        python_peer("time_client.py"),
        &[addr.to_string(), "%%".into()],
    )
    .finish();
    assert_eq!(client.stdout, "%\t%\t%\n", "{client}");
    server.wait_stdout("===> %%\n");
}

#[test]
fn an_unknown_specifier_gets_an_error_answer_and_the_server_goes_on() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();
    let answer = ask(&client, addr, b"%Q");
    assert_eq!(
        String::from_utf8(answer).unwrap(),
        "错误：无法识别的时间格式「%Q」，可以试试 %Y-%m-%d %H:%M:%S"
    );
    // 服务端自己也打印这一句，紧跟在 ===> 那一行后面。
    server.wait_stdout("===> %Q\n错误：无法识别的时间格式「%Q」");
    assert_eq!(ask(&client, addr, b"100%%"), "100%".as_bytes());
}

#[test]
fn bytes_that_are_not_utf8_get_an_error_answer() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();
    let answer = String::from_utf8(ask(&client, addr, b"%Y\xff\xfe")).unwrap();
    assert!(answer.starts_with("错误：时间格式不是 UTF-8"), "{answer}");
    server.wait_stdout("===> %Y��\n");
    assert_eq!(ask(&client, addr, b"ok"), b"ok");
}

/// 一串敌意的请求：每个都要得到回答，服务端不能退出，也不能把控制字符原样打印到终端上。
#[test]
fn survives_a_hostile_soak_and_still_answers_correctly() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();

    // （请求，回答应该是什么）：Some(回答) 要一字不差，None 表示回答必须以"错误："开头。
    let mut cases: Vec<(Vec<u8>, Option<Vec<u8>>)> = vec![
        (b"x".to_vec(), Some(b"x".to_vec())),
        (vec![b'a'; 1024], Some(vec![b'a'; 1024])),
        (b"\xff".to_vec(), None),
        (b"%Y\xc3".to_vec(), None), // 被切断的半个字符
        (b"\x1b[2J\x1b[H".to_vec(), Some(b"\x1b[2J\x1b[H".to_vec())),
        (
            b"\x1b]0;pwned\x07\x9b".to_vec(), // 0x9b 单独出现不是 UTF-8
            None,
        ),
        (
            "\x1b]0;pwned\x07\u{9b}31m\u{202e}".as_bytes().to_vec(),
            Some("\x1b]0;pwned\x07\u{9b}31m\u{202e}".as_bytes().to_vec()),
        ),
        (b"\0".to_vec(), Some(b"\0".to_vec())),
        (b"%".to_vec(), None),
        (b"%%%".to_vec(), None),
        (b"%Q".to_vec(), None),
        (b"%E".to_vec(), None),
        (b"%-".to_vec(), None),
        (b"%Ey".to_vec(), None),
        (vec![b'%'; 1024], Some(vec![b'%'; 512])),
        (vec![b'%'; 1023], None),
    ];
    // 每个 C0 控制字符和 DEL，单独一个字节发：chrono 把它们当普通文字原样写回来。
    for byte in (0u8..0x20).chain([0x7f]) {
        cases.push((vec![byte], Some(vec![byte])));
    }
    // 1500 字节的数据报：Linux、macOS 把它切成 1024 字节，多出来的 z 被内核丢掉；
    // Windows 不截断，recv_from 报 WSAEMSGSIZE，整个请求连同寄件人的地址一起丢了，服务端说一句、不回答。
    let mut long = vec![b'a'; 1024];
    long.extend_from_slice(&[b'z'; 476]);
    if cfg!(windows) {
        client.send_to(&long, addr).unwrap();
        server.wait_stderr("收到一个超过 1024 字节的请求");
    } else {
        cases.push((long, Some(vec![b'a'; 1024])));
    }
    // %A 是 2 个字节，写出来是 6～9 个字节：回答远大于 1024 字节，照样整个发回来。
    let weekdays = "%A".repeat(512);

    let mut sent = 0;
    for _ in 0..5 {
        for (request, expected) in &cases {
            let answer = ask(&client, addr, request);
            match expected {
                Some(expected) => assert_eq!(&answer, expected, "请求 {request:?}"),
                None => assert!(
                    answer.starts_with("错误：".as_bytes()),
                    "请求 {request:?} 的回答：{:?}",
                    String::from_utf8_lossy(&answer)
                ),
            }
            sent += 1;
        }
        // 星期名的长度随日子变（Monday 6 个字母，Wednesday 9 个），所以不比长度，
        // 而是和同一个格式在请求前后渲染出的结果比。
        let answer = ask_and_compare_with_local_time(&client, addr, &weekdays);
        assert!(
            answer.len() > 1024,
            "回答应该比 1024 字节长：{}",
            answer.len()
        );
        // 空请求：默认格式 %Y-%m-%d %X。
        ask_and_compare_with_local_time(&client, addr, "");
        sent += 2;
    }
    assert!(sent > 250, "{sent}");

    // 一切过后，一个好好的请求照样得到正确的回答：%% 永远是 %，不受时间影响。
    assert_eq!(ask(&client, addr, b"%%-%%"), b"%-%");
    server.wait_stdout_count("===> ", sent + 1);
    let server = server.kill();
    // 被测试杀掉的进程没有退出码（是信号结束了它）；有退出码就说明它自己先退出了。
    #[cfg(unix)]
    assert_eq!(
        server.code(),
        None,
        "服务端应该一直活着，直到测试杀掉它：\n{server}"
    );
    assert_eq!(server.stdout.matches("===> ").count(), sent + 1, "{server}");
    assert_no_raw_control(&server.stdout_raw);
    assert!(
        server
            .stdout
            .contains(concat!(r"===> \u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}", "\n")),
        "{server}"
    );
    assert!(
        server.stdout.contains(concat!(r"===> \u{0}", "\n")),
        "{server}"
    );
    assert!(
        server.stdout.contains(concat!(r"===> \t", "\n")),
        "{server}"
    );
    // Windows 上只有那一句超长请求的说明；别的系统上什么也没有。
    let expected_stderr = usize::from(cfg!(windows));
    assert_eq!(server.stderr.lines().count(), expected_stderr, "{server}");
}

#[test]
fn a_nul_inside_a_format_is_kept_as_text() {
    // Python 的 strftime 遇到 \0 会抛 ValueError；chrono 把它当普通文字，这里就原样写回来。
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = test_client();
    let answer = ask(&client, addr, b"%%\0%%");
    assert_eq!(answer, b"%\0%");
}

#[test]
fn a_taken_port_is_explained_in_one_line() {
    let server = assert_taken_udp_port_is_explained(SERVER);
    // 复制到别的项目里也照做得到：说的是加什么参数，而不是本仓库的 cargo run -p。
    assert!(
        server
            .stderr
            .contains("在运行命令的末尾加上地址参数 127.0.0.1:0"),
        "{server}"
    );
    assert!(!server.stderr.contains("cargo run -p"), "{server}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2(
        SERVER,
        "time_server",
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

/// 和课程的 print 一样，收到一个请求就马上打印它：回答到达客户端的时候，`===>` 那一行已经写出来了。
/// 服务端的 stdout 接在一个本机套接字上，测试收到回答后，不等待地读出已经写到的全部内容。
#[cfg(unix)]
#[test]
fn the_log_line_for_a_request_is_out_when_its_answer_arrives() {
    use std::io::Read;
    use std::os::unix::net::UnixStream;
    use std::process::Stdio;

    let (mut ours, theirs) = UnixStream::pair().unwrap();
    let mut child = Command::new(SERVER)
        .arg("127.0.0.1:0")
        .stdout(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // 一个字节一个字节地读就绪行，不多读。
    ours.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut shown = Vec::new();
    let mut byte = [0u8; 1];
    while !shown.ends_with(b"\n") {
        assert_eq!(ours.read(&mut byte).unwrap(), 1, "没等到就绪行");
        shown.push(byte[0]);
    }
    let addr = address_at_end(&String::from_utf8_lossy(&shown)).unwrap();
    let client = test_client();
    for (round, request) in ["%Y", "%H", "%%"].iter().enumerate() {
        let answer = ask(&client, addr, request.as_bytes());
        assert!(!answer.is_empty());
        // 回答已经到了：它之前写的日志一定已经在套接字里，不用等。
        ours.set_nonblocking(true).unwrap();
        let mut now = Vec::new();
        let _ = ours.read_to_end(&mut now);
        ours.set_nonblocking(false).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&now),
            format!("===> {request}\n"),
            "第 {} 个请求的回答到了，它的日志行却还没写出来",
            round + 1
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// 在终端里按 Ctrl-Z 暂停服务端、再 fg 继续：等请求的 recv 被打断，服务端接着等，不算出错。
#[cfg(target_os = "linux")]
#[test]
fn being_paused_and_resumed_is_not_an_error() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    pause_and_resume(server.pid());
    assert_eq!(ask(&test_client(), addr, b"%%"), b"%");
    server.wait_stdout("===> %%\n");
    let server = server.kill();
    assert!(server.stderr.is_empty(), "{server}");
}

#[test]
fn a_closed_stdout_stops_the_server_with_one_line_instead_of_a_panic() {
    // 就像 `time_server | head -1`：读完就绪行，接收输出的一方就走了。下一个请求一到，
    // 服务端打印 ===> 那一行时发现写不出去，就停下了，所以这个请求得不到回答，只管寄出去。
    let (_, status, stderr) = run_until_stdout_closes(SERVER, &["127.0.0.1:0"], |ready| {
        let addr = address_at_end(ready.trim_end()).unwrap();
        test_client().send_to(b"%Y", addr).unwrap();
    });
    assert_stopped_because_stdout_closed(status, &stderr);
}

#[cfg(unix)]
#[test]
fn a_stdout_closed_from_the_start_is_one_line_too() {
    // 连就绪行都写不出去：也是一句话、退出码 1，不 panic。
    let (status, stderr) = run_with_stdout_closed(SERVER, &["127.0.0.1:0"]);
    assert_stopped_because_stdout_closed(status, &stderr);
}

#[test]
fn a_host_name_works_like_in_python() {
    let server = start(SERVER, &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    assert_eq!(ask(&test_client(), addr, b"%%"), b"%");
    server.wait_stdout("===> %%\n");
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
fn the_usage_names_the_program_as_it_was_run() {
    // 复制进 cargo new 出来的项目，程序就叫 my_time_server 了：用法里要说它的真名。
    let dir = std::env::temp_dir().join(format!("time-server-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join(format!("my_time_server{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(SERVER, &copy).unwrap();
    let help = start(&copy, &["--help"]).finish();
    let bad = start(&copy, &["9000"]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(help.stdout.starts_with("用法：my_time_server "), "{help}");
    assert!(bad.stderr.contains("用法：my_time_server "), "{bad}");
    assert_eq!(bad.code(), Some(2), "{bad}");
}

// ---------------------------------------------------------------- 最小版本和练习

#[test]
fn the_minimal_version_answers_the_lessons_python_client_like_python_strftime() {
    let server = start(example_binary("time_server_minimal"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    compare_with_python_strftime(&server, addr, None);
    // 最小版本像 Python 打印 b'...' 那样，用 {:?} 打印收到的格式。
    server.wait_stdout("===> \"%Y年%m月%d日\"\n");
    server.wait_stdout("===> \"\"\n");
}

#[test]
fn the_minimal_version_takes_a_host_name() {
    let server = start(example_binary("time_server_minimal"), &["localhost:0"]);
    let addr = server.ready_addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    assert_eq!(ask(&test_client(), addr, b"%%"), b"%");
}

#[test]
fn the_exercise_answer_replies_an_error_to_an_unknown_specifier_and_goes_on() {
    let server = start(example_binary("time_server_exercise"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(
        python_peer("time_client.py"),
        &[addr.to_string(), "%Q".into(), "%%".into()],
    )
    .finish();
    assert!(client.status.success(), "{client}");
    let lines: Vec<&str> = client.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{client}");
    assert!(lines[0].starts_with("错误："), "{client}");
    assert_eq!(lines[1], "%\t%\t%", "{client}");
    server.wait_stdout("===> \"%%\"\n");
    let server = server.kill();
    assert!(!server.stderr.contains("panicked"), "{server}");
}
