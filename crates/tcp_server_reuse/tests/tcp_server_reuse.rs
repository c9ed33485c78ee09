//! tcp_server_reuse 的测试：真实的程序、真实的本机套接字、系统挑的端口，靠就绪行同步。
//! 重点是课程里的那个问题：服务端先关闭连接后马上重启，没有 SO_REUSEADDR 就 bind 不上。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_tcp_server_reuse");

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 连上 `addr`，发 `message`，一直读到服务端关闭连接为止，返回收到的全部字节。
/// 读到文件结尾说明是服务端先关闭的：它那一头的连接因此进入 TIME_WAIT。
fn talk(addr: SocketAddr, message: &[u8]) -> Vec<u8> {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.write_all(message).unwrap();
    let mut reply = Vec::new();
    // 被重置也算结束：有的测试里服务端只读一部分就关闭了。
    let _ = conn.read_to_end(&mut reply);
    reply
}

/// 启动服务端，和它说一轮话，返回（服务端的结局，客户端收到的回复）。
fn exchange(message: &[u8]) -> (Finished, Vec<u8>) {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let reply = talk(server.ready_addr(), message);
    (server.finish(), reply)
}

/// 用 `args` 启动服务端，让课程的 Python 客户端和它说一轮话，检查双方都按课程的样子做完。
fn lesson_client_gets_hi(args: &[&str]) {
    let server = start(SERVER, args);
    let addr = server.ready_addr();
    let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 6 字节：hello!\n"), "{server}");
    assert!(server.stdout.contains("已回复 hi"), "{server}");
}

#[test]
fn the_lessons_python_client_gets_hi() {
    lesson_client_gets_hi(&["127.0.0.1:0"]);
}

#[test]
fn the_lessons_python_client_gets_hi_without_reuse_too() {
    lesson_client_gets_hi(&["--no-reuse", "127.0.0.1:0"]);
}

#[test]
fn readiness_line_says_whether_reuse_is_on_and_ends_with_the_real_port() {
    for (args, expected) in [
        (
            &["127.0.0.1:0"][..],
            "tcp_server_reuse（SO_REUSEADDR 已开启）正在监听 ",
        ),
        (
            &["--no-reuse", "127.0.0.1:0"],
            "tcp_server_reuse（未设置 SO_REUSEADDR）正在监听 ",
        ),
        // 参数顺序随意。
        (
            &["127.0.0.1:0", "--no-reuse"],
            "tcp_server_reuse（未设置 SO_REUSEADDR）正在监听 ",
        ),
    ] {
        let server = start(SERVER, args);
        let line = server.first_line();
        let addr = server.ready_addr();
        assert!(line.starts_with(expected), "{args:?}: {line}");
        assert_ne!(addr.port(), 0, "{line}");
        assert!(addr.ip().is_loopback(), "{line}");
        // 让它正常做完，而不是被杀掉。
        assert_eq!(talk(addr, b"hello!"), b"hi");
        assert_eq!(server.finish().code(), Some(0));
    }
}

/// 跑一轮：服务端先关闭连接，然后正常退出，返回它用过的地址。
/// 服务端那一头的这条连接此刻正处于 TIME_WAIT，占着这个端口。
fn run_once_leaving_time_wait(args: &[&str]) -> SocketAddr {
    let server = start(SERVER, args);
    let addr = server.ready_addr();
    assert_eq!(talk(addr, b"hello!"), b"hi");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    addr
}

/// 课程说的问题，真的重现一遍：服务端刚关闭连接就在同一个端口上重启。
#[cfg(unix)]
#[test]
fn restarting_right_away_needs_so_reuseaddr() {
    // 第一次运行（设置了 SO_REUSEADDR）在系统挑的端口 P 上服务一轮，留下 TIME_WAIT。
    let addr = run_once_leaving_time_wait(&["127.0.0.1:0"]);
    let port = addr.to_string();

    // 马上用 --no-reuse 在 P 上重启：bind 失败，这就是课程里的 Address already in use。
    let refused = start(SERVER, &["--no-reuse", port.as_str()]).finish();
    assert_eq!(refused.code(), Some(1), "{refused}");
    assert!(refused.stdout.is_empty(), "{refused}");
    assert!(
        refused.stderr.contains("Address already in use"),
        "{refused}"
    );
    assert!(refused.stderr.contains("TIME_WAIT"), "{refused}");
    assert!(refused.stderr.contains("去掉 --no-reuse"), "{refused}");
    assert!(refused.stderr.contains(&port), "{refused}");
    assert_eq!(refused.stderr.lines().count(), 1, "{refused}");
    assert_friendly_failure(&refused);

    // 同样马上，但设置了 SO_REUSEADDR：绑定成功，正常做完一轮。
    let restarted = start(SERVER, &[port.as_str()]);
    assert_eq!(restarted.ready_addr(), addr);
    assert_eq!(talk(addr, b"hello!"), b"hi");
    let restarted = restarted.finish();
    assert_eq!(restarted.code(), Some(0), "{restarted}");
}

/// Linux 的细节：留下 TIME_WAIT 的那一次运行没有设置 SO_REUSEADDR 时，
/// 下一次即使设置了也绑定不上——报错里要把这种情况也说清楚。
#[cfg(target_os = "linux")]
#[test]
fn on_linux_a_time_wait_left_without_reuse_blocks_even_a_reusing_restart() {
    let addr = run_once_leaving_time_wait(&["--no-reuse", "127.0.0.1:0"]);
    let port = addr.to_string();

    let refused = start(SERVER, &["--no-reuse", port.as_str()]).finish();
    assert_eq!(refused.code(), Some(1), "{refused}");
    assert!(refused.stderr.contains("TIME_WAIT"), "{refused}");
    assert!(
        refused.stderr.contains("Address already in use"),
        "{refused}"
    );
    assert_eq!(refused.stderr.lines().count(), 1, "{refused}");
    assert_friendly_failure(&refused);

    let refused = start(SERVER, &[port.as_str()]).finish();
    assert_eq!(refused.code(), Some(1), "{refused}");
    assert!(refused.stderr.contains("--no-reuse"), "{refused}");
    assert!(refused.stderr.contains("TIME_WAIT"), "{refused}");
    assert_eq!(refused.stderr.lines().count(), 1, "{refused}");
    assert_friendly_failure(&refused);
}

/// Windows：不设任何选项的 bind 不会被 TIME_WAIT 挡住，课程里的 Address already in use 在这里重现不了
/// （docs/platforms.md）。--no-reuse 马上在同一个端口上重启，照常做完一轮。
#[cfg(windows)]
#[test]
fn on_windows_time_wait_does_not_block_a_plain_restart() {
    let addr = run_once_leaving_time_wait(&["127.0.0.1:0"]);
    let port = addr.to_string();
    let restarted = start(SERVER, &["--no-reuse", port.as_str()]);
    assert_eq!(restarted.ready_addr(), addr);
    assert_eq!(talk(addr, b"hello!"), b"hi");
    let restarted = restarted.finish();
    assert_eq!(restarted.code(), Some(0), "{restarted}");
}

/// Windows：SO_REUSEADDR 的意思不一样，设了它就能绑定别的程序正在监听的端口（docs/platforms.md）。
/// 不设（--no-reuse）才像别的系统那样报端口被占用。
#[cfg(windows)]
#[test]
fn on_windows_reuse_binds_even_a_port_someone_is_listening_on() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap();
    let server = start(SERVER, &[taken.to_string().as_str()]);
    assert_eq!(server.ready_addr(), taken);
    assert!(
        server.first_line().contains("SO_REUSEADDR 已开启"),
        "{}",
        server.first_line()
    );
    server.kill();

    let server = start(SERVER, &["--no-reuse", taken.to_string().as_str()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("端口被占用"), "{server}");
    assert_friendly_failure(&server);
}

/// SO_REUSEADDR 不能让两个程序同时监听同一个端口（Windows 上这个选项含义不同，见上一个测试）。
#[cfg(unix)]
#[test]
fn a_port_someone_is_listening_on_stays_taken_even_with_reuse() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().to_string();

    let server = start(SERVER, &[taken.as_str()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("有别的程序正在监听"), "{server}");
    assert!(server.stderr.contains("换个端口"), "{server}");
    assert!(server.stderr.contains(&taken), "{server}");
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
    assert_friendly_failure(&server);

    let server = start(SERVER, &["--no-reuse", taken.as_str()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("端口被占用"), "{server}");
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn works_over_ipv6_loopback() {
    if !ipv6_loopback_available() {
        eprintln!("这台机器没有 IPv6 回环地址 ::1，跳过");
        return;
    }
    for args in [&["[::1]:0"][..], &["--no-reuse", "[::1]:0"]] {
        let server = start(SERVER, args);
        let addr = server.ready_addr();
        assert!(addr.is_ipv6(), "{addr}");
        let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
        assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
        assert_eq!(server.finish().code(), Some(0));
    }
}

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let (server, reply) = exchange(b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n");
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
fn reads_only_the_first_1024_bytes_of_a_long_message() {
    let (server, _) = exchange(&[b'x'; 3000]);
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 1024 字节："), "{server}");
}

#[test]
fn a_peer_that_closes_at_once_is_not_an_error() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    drop(TcpStream::connect(server.ready_addr()).unwrap());
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server.stdout.contains("没有发送任何数据就关闭了连接"),
        "{server}"
    );
}

#[test]
fn a_silent_peer_is_dropped_after_the_read_timeout() {
    let server = start(SERVER, &["127.0.0.1:0"]);
    let _silent = TcpStream::connect(server.ready_addr()).unwrap();
    server.wait_stdout("连上了");
    // 服务端的读超时是 30 秒；给它 45 秒的余量。
    let server = server.finish_within(Duration::from_secs(45));
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("30 秒没有发来任何数据"), "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2_and(
        SERVER,
        "tcp_server_reuse",
        &[
            &["--reuse-please"],
            &["--reuse-please", "127.0.0.1:0"],
            &["localhost"],
            &["127.0.0.1"],
            &["127.0.0.1:99999"],
            &["--no-reuse", "127.0.0.1"],
            &["127.0.0.1:0", "127.0.0.1:0"],
            &["--no-reuse", "--no-reuse"],
            &["--no-reuse", "127.0.0.1:0", "extra"],
        ],
        |args, server| assert!(server.stdout.is_empty(), "{args:?}\n{server}"),
    );
    let unknown = start(SERVER, &["--reuse-please"]).finish();
    assert!(unknown.stderr.contains("「--reuse-please」"), "{unknown}");
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_exits_2() {
    assert_non_utf8_argument_exits_2(SERVER, b"127.0.0.1:\xff");
}

#[test]
fn help_prints_usage_and_exits_0() {
    for args in [&["--help"][..], &["-h"], &["--no-reuse", "--help"]] {
        let server = assert_help_exits_0(SERVER, args, "127.0.0.1:8898");
        assert!(server.stdout.contains("--no-reuse"), "{server}");
    }
}

/// 像 `cargo run -p tcp_server_reuse | head -1` 那样：读完就绪行，接收输出的一方就退出了。
/// 客户端连上来时服务端要打印"连上了"，写不出去：一句中文、退出码 1，而不是 panic。
#[test]
fn a_closed_stdout_ends_with_one_chinese_line_not_a_panic() {
    let (first, status, stderr) = run_until_stdout_closes(SERVER, &["127.0.0.1:0"], |ready| {
        let addr = address_at_end(ready).expect("就绪行末尾应该是地址");
        let mut conn = TcpStream::connect(addr).unwrap();
        let _ = conn.write_all(b"hello!");
        // 服务端停下时会关闭连接；读到结尾或被重置都算结束。
        let _ = conn.read_to_end(&mut Vec::new());
    });
    assert!(first.starts_with("tcp_server_reuse（"), "{first}");
    assert_stopped_because_stdout_closed(status, &stderr);
}

// ---------------------------------------------------------------- 主机名、复制到别处

#[test]
fn localhost_works_like_in_python() {
    for args in [&["localhost:0"][..], &["--no-reuse", "localhost:0"]] {
        let server = start(SERVER, args);
        let addr = server.ready_addr();
        assert!(addr.ip().is_loopback(), "{args:?}: {addr}");
        let client = python(python_peer("tcp_client.py"), &[addr.to_string()]).finish();
        assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
        assert_eq!(server.finish().code(), Some(0));
    }
}

#[test]
fn a_name_that_does_not_resolve_gets_its_own_line() {
    for args in [
        &["nosuch.invalid:1"][..],
        &["--no-reuse", "nosuch.invalid:1"],
    ] {
        let run = start(SERVER, args).finish();
        assert_eq!(run.code(), Some(2), "{run}");
        assert!(
            run.stderr
                .lines()
                .next()
                .is_some_and(|line| line.starts_with("无法解析地址「nosuch.invalid:1」")),
            "{run}"
        );
        assert!(run.stdout.is_empty(), "{run}");
        assert_friendly_failure(&run);
    }
}

/// 复制到自己项目里的 main.rs，说的话在那里也要管用：哪条消息都不提本仓库的 `cargo run -p …`。
/// 先看源码里每一行代码（注释除外，文件头说的正是本仓库），再看几种失败时真正打印出来的话。
#[test]
fn no_message_names_this_workspace() {
    let source =
        std::fs::read_to_string(crate_file(env!("CARGO_MANIFEST_DIR"), "src/main.rs")).unwrap();
    for line in source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
    {
        assert!(!line.contains("cargo run -p"), "{line}");
    }
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = holder.local_addr().unwrap().to_string();
    let runs = [
        start(SERVER, &[taken.as_str()]).finish(),
        start(SERVER, &["--no-reuse", taken.as_str()]).finish(),
        start(SERVER, &["--reuse-please"]).finish(),
        start(SERVER, &["localhost"]).finish(),
        start(SERVER, &["--help"]).finish(),
    ];
    for run in &runs {
        assert!(!run.stderr.contains("cargo run"), "{run}");
        assert!(!run.stdout.contains("cargo run"), "{run}");
    }
    assert!(runs[0].stderr.contains("127.0.0.1:0"), "{}", runs[0]);
}

// ---------------------------------------------------------------- 最小版本和练习答案

/// 启动一个例子程序，让课程的 Python 客户端和它说一轮话，返回它用过的地址。
fn example_serves_the_lessons_client(name: &str, addr: &str) -> SocketAddr {
    let server = start(example_binary(name), &[addr]);
    let bound = server.ready_addr();
    let client = python(python_peer("tcp_client.py"), &[bound.to_string()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.ends_with("\n\"hello!\"\n"), "{server}");
    bound
}

/// 最小版本和课程的 Python 客户端说话；服务端先关闭了连接、留下 TIME_WAIT 之后，
/// 它也能在同一个端口上马上重启——这正是它在 bind 之前设置 SO_REUSEADDR 的原因。
#[test]
fn the_minimal_version_serves_the_lessons_client_and_restarts_at_once() {
    let addr = example_serves_the_lessons_client("tcp_server_reuse_minimal", "localhost:0");
    let port = addr.to_string();
    let server = start(example_binary("tcp_server_reuse_minimal"), &[port.as_str()]);
    assert_eq!(talk(server.ready_addr(), b"hello!"), b"hi");
    assert_eq!(server.finish().code(), Some(0));
    // 上面 talk 读到了文件结尾：是服务端先关闭的，它那头的连接此刻在 TIME_WAIT 里。
    example_serves_the_lessons_client("tcp_server_reuse_minimal", &port);
}

/// 练习的答案不设 SO_REUSEADDR，而是等客户端先关闭：TIME_WAIT 落在客户端那头，
/// 服务端在同一个端口上马上重启也不会撞上 Address already in use。
#[cfg(unix)]
#[test]
fn the_exercise_answer_restarts_at_once_without_so_reuseaddr() {
    let addr = example_serves_the_lessons_client("tcp_server_reuse_exercise", "127.0.0.1:0");
    let port = addr.to_string();
    for _ in 0..3 {
        assert_eq!(
            example_serves_the_lessons_client("tcp_server_reuse_exercise", &port),
            addr
        );
    }
}
