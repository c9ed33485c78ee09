//! 课堂演示（crates/demo）的测试：运行真正的演示程序，像 CI 那样（--auto），也像老师那样（伪终端里按键）。
//!
//! 演示用的是课程的固定端口（8898、8899、8900、9000、8081），所以这个文件里运行演示的测试
//! 都先拿到同一把锁，一个接一个地跑：同一个测试程序里的测试函数默认是并行的，两次演示同时跑会互相抢端口。

use std::io::Read;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// 整个演示最多跑多久：正常几秒钟，这里的期限只防卡死。
const PATIENCE: Duration = Duration::from_secs(120);

static PORTS: Mutex<()> = Mutex::new(());

/// 拿到课程端口的使用权，并确保课程的程序都编译好了（演示从自己旁边找它们）。
fn lesson_ports() -> MutexGuard<'static, ()> {
    let guard = PORTS.lock().unwrap_or_else(|e| e.into_inner());
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        // 课程的程序可能比演示旧（只运行了 cargo test -p demo）：先编译一遍。在 Wine 里运行 Windows 版的测试时
        // 启动不了 Linux 的 cargo，那时用 cargo test 已经编好的 .exe。
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let built = Command::new(cargo)
            .args(["build", "--workspace", "--bins", "--quiet"])
            .current_dir(repo_root())
            .status();
        match built {
            Ok(status) => assert!(status.success(), "cargo build --workspace --bins 失败"),
            Err(_) => {
                let dir = Path::new(env!("CARGO_BIN_EXE_demo")).parent().unwrap();
                let server = dir.join(format!("tcp_server{}", std::env::consts::EXE_SUFFIX));
                assert!(server.exists(), "找不到 cargo，也没有编好的 {server:?}");
            }
        }
    });
    guard
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "退出状态 {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

fn collect(mut source: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = source.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// 运行演示，标准输入为空（和 CI 一样），最多等 PATIENCE；到期就杀掉它并让测试失败。
fn run_demo(args: &[&str]) -> Run {
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_demo"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("无法运行 demo");
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(child.wait());
    });
    let status = match finished.recv_timeout(PATIENCE) {
        Ok(status) => status.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!(
                "demo {args:?} 在 {PATIENCE:?} 内没有结束：\n{}",
                stdout.join().unwrap()
            );
        }
    };
    Run {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// 演示输出里一步的内容：从"第 N 步"的标题行开始，到下一个标题行之前。
fn step_section(stdout: &str, number: usize) -> Vec<&str> {
    let heading = format!("━━ 第 {number} 步");
    let mut lines = stdout
        .lines()
        .skip_while(|line| !line.starts_with(&heading));
    let Some(first) = lines.next() else {
        panic!("演示输出里没有第 {number} 步的标题（{heading}……）：\n{stdout}");
    };
    std::iter::once(first)
        .chain(lines.take_while(|line| !line.starts_with("━━ 第 ")))
        .collect()
}

/// 第一行以 `label` 开头、在 `after` 之后、含有 `needle` 的行的位置。
/// 代打的输入（`⌨`）和显示命令的行（`$ `）不算程序自己打印的内容，除非要找的就是它们。
fn find_line(section: &[&str], label: &str, needle: &str, after: usize) -> Option<usize> {
    let typed = needle.starts_with('⌨') || needle.starts_with('$');
    section
        .iter()
        .enumerate()
        .skip(after)
        .find_map(|(i, line)| {
            let text = line.strip_prefix(label)?.strip_prefix(' ')?;
            let echoed = text.starts_with('⌨') || text.starts_with("$ ");
            (text.contains(needle) && echoed == typed).then_some(i)
        })
}

/// 断言按顺序出现这些（标签，内容）行，返回最后一行的位置。
fn expect_in_order(section: &[&str], expected: &[(&str, &str)], run: &Run) -> usize {
    let mut at = 0;
    for (label, needle) in expected {
        at = find_line(section, label, needle, at).unwrap_or_else(|| {
            panic!(
                "这一步里（在第 {at} 行之后）没有以 {label} 开头、含有 {needle:?} 的行：\n{}\n\n{run}",
                section.join("\n")
            )
        }) + 1;
    }
    at.saturating_sub(1)
}

fn between<'a>(line: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let rest = &line[line.find(before)? + before.len()..];
    Some(&rest[..rest.find(after)?])
}

fn text_of<'a>(line: &'a str, label: &str) -> &'a str {
    line.strip_prefix(label)
        .and_then(|rest| rest.strip_prefix(' '))
        .unwrap_or(line)
}

/// 这一步的说明里写的私有临时目录（"▶ 两个程序都在私有临时目录 … 里运行"）。
fn private_dir_of(section: &[&str], run: &Run) -> PathBuf {
    section
        .iter()
        .find_map(|line| between(line, "私有临时目录 ", " 里运行"))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("说明里没有写私有临时目录\n{run}"))
}

/// 演示结束后课程的端口上没有它留下的程序：TCP 端口上没人在监听（连不上），UDP 端口能再绑定。
/// TCP 不用 bind 来查：别的程序（比如同一台机器上别的测试）不设 SO_REUSEADDR 留下的 TIME_WAIT 也会挡住 bind。
fn assert_ports_free() {
    for port in [8898, 8899, 8900] {
        let connected = std::net::TcpStream::connect(("127.0.0.1", port));
        assert!(connected.is_err(), "演示结束后 TCP {port} 上还有程序在监听");
    }
    UdpSocket::bind("127.0.0.1:9000").expect("演示结束后 UDP 9000 还被占着");
    UdpSocket::bind("127.0.0.1:8081").expect("演示结束后 UDP 8081 还被占着");
}

#[test]
fn list_and_a_wrong_step_name() {
    let list = run_demo(&["--list"]);
    assert_eq!(list.status.code(), Some(0), "{list}");
    let names: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    // 课程的顺序：第 0 部分（文件）、第 3 部分（AF_UNIX）、第 4 部分（TCP 和 UDP 比一比）、第 5～9 部分、
    // 第 10 部分（socket 的参数）、第 11 部分（黏包和它的解决办法）。
    assert_eq!(
        names,
        [
            "file", "unix", "measure", "tcp", "reuse", "udp", "qq", "time", "params", "sticky",
            "framed"
        ],
        "{list}"
    );

    for args in [
        &["nosuchstep"][..],
        &["--from", "99"],
        &["--frob"],
        &["--from"],
    ] {
        let wrong = run_demo(args);
        assert_eq!(wrong.status.code(), Some(2), "{args:?}\n{wrong}");
        assert!(wrong.stdout.is_empty(), "{wrong}");
        assert_eq!(wrong.stderr.lines().count(), 1, "{wrong}");
        assert!(
            wrong
                .stderr
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{wrong}"
        );
    }
}

#[test]
fn auto_runs_every_step_with_its_proof_lines_in_order() {
    let _ports = lesson_ports();
    // 时间那一步问的是 %Y %m %d：回答是演示开始或结束那天的日期，不假设是哪一天。
    let date_before = chrono::Local::now().format("%Y %m %d").to_string();
    let run = run_demo(&["--auto"]);
    let date_after = chrono::Local::now().format("%Y %m %d").to_string();
    assert_eq!(run.status.code(), Some(0), "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    let out = &run.stdout;

    // 文件：先读（文件还不存在，退出码 1），再 --wait 读、然后写；读到的正是写的那条消息。
    let file = step_section(out, 1);
    let reader = "[读的一方]";
    let writer = "[写的一方]";
    let first_read = expect_in_order(&file, &[(reader, "$ file_reader ")], &run);
    let message_path = text_of(file[first_read], reader)
        .strip_prefix("$ file_reader ")
        .unwrap()
        .to_string();
    let wrote = expect_in_order(
        &file,
        &[
            (reader, "$ file_reader "),
            (reader, "还没有消息"),
            (reader, "退出码 1"),
            (reader, "$ file_reader --wait "),
            (reader, "最多等 30 秒"),
            (writer, "$ file_writer "),
            (writer, "写好了一条消息："),
        ],
        &run,
    );
    let read = expect_in_order(
        &file,
        &[
            (reader, "文件出现了"),
            (reader, "读到 "),
            (reader, "退出码 0"),
        ],
        &run,
    ) - 1;
    expect_in_order(&file, &[(writer, "退出码 0")], &run);
    let written = text_of(file[wrote], writer)
        .split_once("写好了一条消息：")
        .unwrap()
        .1;
    let got = text_of(file[read], reader).split_once("字节：").unwrap().1;
    assert!(written.contains("进程 "), "{run}");
    assert_eq!(got, written, "读的一方读到的不是写的那条消息\n{run}");
    // 两个程序在私有临时目录里运行：命令里只写文件名，目录在说明里，演示结束后被删掉。
    assert_eq!(message_path, "message.txt", "{run}");
    let message_dir = private_dir_of(&file, &run);
    assert!(
        message_dir
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("socket-demo-file.")),
        "{run}"
    );
    assert!(
        !message_dir.exists(),
        "演示结束后 {message_dir:?} 还在\n{run}"
    );

    // AF_UNIX：运行时 ls 看得到套接字文件（类型 s），结束后它不见了。
    let unix = step_section(out, 2);
    if cfg!(unix) {
        let listening = expect_in_order(
            &unix,
            &[("[服务端]", "$ unix_server "), ("[服务端]", "正在监听 ")],
            &run,
        );
        let socket_path = text_of(unix[listening], "[服务端]")
            .split_once("正在监听 ")
            .unwrap()
            .1
            .to_string();
        assert_eq!(socket_path, "lesson.sock", "{run}");
        let socket_dir = private_dir_of(&unix, &run);
        let listed = expect_in_order(
            &unix,
            &[
                ("[服务端]", "正在监听 "),
                ("[系统]", "$ ls -l lesson.sock"),
                ("[系统]", &socket_path),
            ],
            &run,
        );
        assert!(
            text_of(unix[listed], "[系统]").starts_with('s'),
            "服务端运行时 ls -l 没有显示套接字文件（类型 s）：{}\n{run}",
            unix[listed]
        );
        let client_started = expect_in_order(
            &unix,
            &[("[客户端]", &format!("$ unix_client {socket_path}"))],
            &run,
        );
        assert!(client_started > listed, "{run}");
        expect_in_order(
            &unix,
            &[
                ("[服务端]", "收到 6 字节：hello!"),
                ("[服务端]", "已删除套接字文件"),
                ("[服务端]", "退出码 0"),
            ],
            &run,
        );
        let second_ls = expect_in_order(
            &unix,
            &[
                ("[客户端]", "收到回复：hi"),
                ("[客户端]", "退出码 0"),
                ("[系统]", "$ ls -l lesson.sock"),
            ],
            &run,
        );
        assert!(
            unix[second_ls..]
                .iter()
                .any(|line| line.starts_with("↑ 套接字文件不见了")),
            "{run}"
        );
        assert!(
            !socket_dir.exists(),
            "演示结束后 {socket_dir:?} 还在\n{run}"
        );
    }

    // TCP 和 UDP 比一比：送达率那一行 TCP 是 100.0，最后有一句结论。
    let measure = step_section(out, 3);
    let delivered = expect_in_order(
        &measure,
        &[("[程序]", "$ tcp_vs_udp 1"), ("[程序]", "送达率（%）")],
        &run,
    );
    let rates: Vec<&str> = text_of(measure[delivered], "[程序]")
        .split_whitespace()
        .skip(1)
        .collect();
    assert_eq!(rates.first(), Some(&"100.0"), "{run}");
    expect_in_order(
        &measure,
        &[("[程序]", "结论："), ("[程序]", "退出码 0")],
        &run,
    );

    // TCP：服务端就绪之后才启动客户端；服务端打印 hello!，客户端打印回复 hi。
    let tcp = step_section(out, 4);
    expect_in_order(
        &tcp,
        &[
            ("[服务端]", "$ tcp_server"),
            ("[服务端]", "正在监听 127.0.0.1:8898"),
            ("[客户端]", "$ tcp_client"),
            ("[客户端]", "已发送 hello!"),
            ("[客户端]", "回复：hi"),
        ],
        &run,
    );
    expect_in_order(&tcp, &[("[服务端]", "hello!")], &run);

    // 重启：--no-reuse 撞上 Address already in use；去掉它马上重启成功，还能照常服务。
    let reuse = step_section(out, 5);
    expect_in_order(
        &reuse,
        &[
            ("[服务端]", "正在监听 127.0.0.1:8898"),
            ("[客户端]", "回复：hi"),
            ("[系统]", "TIME_WAIT"),
            ("[服务端]", "$ tcp_server_reuse --no-reuse"),
            ("[服务端]", "$ tcp_server_reuse"),
            ("[服务端]", "SO_REUSEADDR 已开启）正在监听 127.0.0.1:8898"),
            ("[服务端]", "hello!"),
        ],
        &run,
    );
    // 两个程序的输出各由一个线程读，服务端的 hello! 和客户端的回复谁先显示没有保证：各自核对。
    let restarted = expect_in_order(
        &reuse,
        &[("[服务端]", "SO_REUSEADDR 已开启）正在监听")],
        &run,
    );
    let last_restart = reuse
        .iter()
        .rposition(|line| line.contains("SO_REUSEADDR 已开启）正在监听"))
        .unwrap();
    assert!(last_restart >= restarted, "{run}");
    assert!(
        find_line(&reuse, "[客户端]", "回复：hi", last_restart).is_some(),
        "重启后客户端没有收到回复\n{run}"
    );

    // Linux、macOS 上不设 SO_REUSEADDR 的重启撞上 TIME_WAIT；Windows 上不会（见 docs/platforms.md）。
    if cfg!(unix) {
        expect_in_order(
            &reuse,
            &[
                ("[服务端]", "$ tcp_server_reuse --no-reuse"),
                ("[服务端]", "Address already in use"),
                ("[服务端]", "SO_REUSEADDR 已开启）正在监听 127.0.0.1:8898"),
            ],
            &run,
        );
    }

    let udp = step_section(out, 6);
    expect_in_order(
        &udp,
        &[
            ("[服务端]", "正在等待数据报，地址 127.0.0.1:9000"),
            ("[客户端]", "$ udp_client"),
            ("[客户端]", "回复：hi"),
        ],
        &run,
    );
    expect_in_order(&udp, &[("[服务端]", "hello")], &run);

    // QQ：代打的输入出现在程序的提示符之后，消息到了服务端，回复回到客户端。
    let qq = step_section(out, 7);
    expect_in_order(
        &qq,
        &[
            ("[服务端]", "地址 127.0.0.1:8081"),
            ("[客户端]", "请选择聊天对象"),
            ("[客户端]", "⌨ 哪吒"),
            ("[客户端]", "请输入消息"),
            ("[客户端]", "⌨ 你好，在吗？"),
            ("[服务端]", "你好，在吗？"),
            ("[服务端]", "回复消息"),
            ("[服务端]", "⌨ 在的，有什么事？"),
            ("[客户端]", "在的，有什么事？"),
            ("[客户端]", "⌨ q"),
            ("[客户端]", "⌨ Ctrl-D"),
            ("[客户端]", "退出码 0"),
            ("[服务端]", "Ctrl-C"),
        ],
        &run,
    );

    // 时间：客户端问 %Y %m %d，收到格式化好的日期。
    let time = step_section(out, 8);
    let asked = expect_in_order(
        &time,
        &[
            ("[服务端]", "地址 127.0.0.1:9000"),
            ("[客户端]", "请输入时间格式"),
            ("[客户端]", "⌨ %Y %m %d"),
        ],
        &run,
    );
    let answered = time[asked + 1..].iter().any(|line| {
        line.starts_with("[客户端] ")
            && !line.contains('⌨')
            && (line.contains(&date_before) || line.contains(&date_after))
    });
    assert!(answered, "客户端没有显示按 %Y %m %d 格式化的日期\n{run}");
    expect_in_order(
        &time,
        &[("[客户端]", "⌨ Ctrl-D"), ("[客户端]", "退出码 0")],
        &run,
    );

    // socket 的参数显示成列表（不是 Markdown 表格）；fileno 那一行交出前和接管后是同一个地址。
    let params = step_section(out, 9);
    assert!(
        !params
            .iter()
            .any(|line| text_of(line, "[程序]").starts_with('|')),
        "{run}"
    );
    assert!(
        params
            .iter()
            .any(|line| text_of(line, "[程序]").starts_with("• socket.socket(")),
        "{run}"
    );
    let fileno = expect_in_order(&params, &[("[程序]", "交出前 ")], &run);
    let before = between(params[fileno], "交出前 ", "，");
    let after = between(params[fileno], "接管后 ", "，");
    assert!(
        before.is_some_and(|addr| addr.starts_with("127.0.0.1:")) && before == after,
        "{run}"
    );

    // 黏包：服务端第一次 recv 就把 5 条短消息连在一起读走了，recv 的次数和 send 的次数对不上。
    let sticky = step_section(out, 10);
    let merged = expect_in_order(&sticky, &[("[服务端]", "第 1 次 recv")], &run);
    assert!(sticky[merged].contains("hello你好world黏包字节流"), "{run}");
    expect_in_order(
        &sticky,
        &[
            ("[客户端]", "第 6 次 send：3000 字节"),
            ("[客户端]", "一共 send 了 6 次"),
        ],
        &run,
    );
    let reply = expect_in_order(&sticky, &[("[客户端]", "服务端回复：")], &run);
    assert!(
        between(sticky[reply], "一共 recv 了 ", " 次").is_some_and(|n| n != "6"),
        "{run}"
    );

    // 加上长度报头：6 条消息一条一条完整地收到。
    let framed = step_section(out, 11);
    expect_in_order(
        &framed,
        &[
            ("[服务端]", "第 1 条消息（5 字节）：hello"),
            ("[服务端]", "第 2 条消息（6 字节）：你好"),
            ("[服务端]", "第 3 条消息（5 字节）：world"),
            ("[服务端]", "第 4 条消息（6 字节）：黏包"),
            ("[服务端]", "第 5 条消息（9 字节）：字节流"),
            ("[服务端]", "第 6 条消息（3000 字节）：0123456789"),
            ("[服务端]", "一共收到 6 条消息"),
        ],
        &run,
    );
    assert!(
        find_line(&framed, "[服务端]", "第 7 条消息", 0).is_none(),
        "{run}"
    );
    expect_in_order(
        &framed,
        &[
            ("[客户端]", "第 6 条消息：报头 00 00 0b b8"),
            ("[客户端]", "一共收到 6 条消息"),
        ],
        &run,
    );

    // 最后一行说真话：演示里服务端先关闭了连接，Linux 上课程的端口一定留下了 TIME_WAIT。
    let last = out.trim_end().lines().last().unwrap();
    assert!(last.starts_with("演示结束："), "{run}");
    if cfg!(target_os = "linux") {
        let count = between(last, "还有 ", " 个连接处于 TIME_WAIT");
        assert!(
            count.is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n > 0)),
            "最后一行没有如实说出留下的 TIME_WAIT：{last}\n{run}"
        );
    }
    assert_ports_free();
}

#[test]
fn a_busy_port_at_preflight_is_named_and_its_steps_skipped() {
    let _ports = lesson_ports();
    let holder = UdpSocket::bind("127.0.0.1:8081").expect("测试要先占住 UDP 8081");
    let run = run_demo(&["--auto", "qq", "tcp"]);
    drop(holder);
    assert_eq!(run.status.code(), Some(1), "{run}");
    let out = &run.stdout;
    let warning = out
        .lines()
        .find(|line| line.contains("端口 8081（UDP）"))
        .unwrap_or_else(|| panic!("开头没有说端口 8081 被占用\n{run}"));
    let finder = if cfg!(windows) {
        "netstat -ano"
    } else if cfg!(target_os = "macos") {
        "lsof -nP -i :8081"
    } else {
        "ss -lunp 'sport = :8081'"
    };
    assert!(
        warning.contains(finder),
        "没有给出找占用者的命令：{warning}\n{run}"
    );
    // 在第一步之前就说了。
    assert!(
        out.find(warning).unwrap() < out.find("━━ 第").unwrap(),
        "{run}"
    );
    let qq = step_section(out, 7);
    assert!(qq.iter().any(|line| line.contains("这一步跳过")), "{run}");
    assert!(!qq.iter().any(|line| line.contains("$ qq_server")), "{run}");
    // 别的步骤照样演示。
    let tcp = step_section(out, 4);
    expect_in_order(&tcp, &[("[客户端]", "回复：hi")], &run);
    assert!(out.contains("没有演示成功的步骤：qq"), "{run}");
}

/// 两边的行按程序写出的先后显示：一边打印了一行、再通过套接字让另一边打印下一行，
/// 那么屏幕上前一行一定在后一行上面。没有排序时（两个读线程谁先被调度谁先显示），
/// 这几对在两核机器上 20 遍里颠倒了 41 次；所以跑 3 遍，每遍都要对。
/// 只在 Linux 上断言：那里用内核的时间戳排序；Windows、macOS 上是读到的先后（见 docs/platforms.md）。
#[cfg(target_os = "linux")]
#[test]
fn lines_appear_in_the_order_the_programs_wrote_them() {
    let _ports = lesson_ports();
    // （第几步，先写出的行，它引起的另一边的行）；一行是（标签，内容）。服务端都是先打印、再回复
    // （"已回复 hi" 那一行是回复以后才打印的，它和客户端的行谁先谁后都对，所以不在这里）。
    type Line = (&'static str, &'static str);
    let causes: &[(usize, Line, Line)] = &[
        (
            2,
            ("[服务端]", "收到 6 字节：hello!"),
            ("[客户端]", "收到回复：hi"),
        ),
        (4, ("[服务端]", "连上了"), ("[客户端]", "收到回复：hi")),
        (
            4,
            ("[服务端]", "收到 6 字节：hello!"),
            ("[客户端]", "收到回复：hi"),
        ),
        (
            4,
            ("[客户端]", "已发送 hello!"),
            ("[客户端]", "收到回复：hi"),
        ),
        (
            6,
            ("[服务端]", "的 5 字节：hello"),
            ("[客户端]", "收到来自 127.0.0.1:9000"),
        ),
        (
            8,
            ("[服务端]", "===> %Y %m %d"),
            ("[客户端]", "服务器回答："),
        ),
        (
            10,
            ("[服务端]", "一共 recv 了"),
            ("[客户端]", "服务端回复："),
        ),
        (
            11,
            ("[服务端]", "第 6 条消息（3000 字节）"),
            ("[客户端]", "服务端回复（"),
        ),
    ];
    for round in 1..=3 {
        let run = run_demo(&["--auto", "unix", "tcp", "udp", "time", "sticky", "framed"]);
        assert_eq!(run.status.code(), Some(0), "{run}");
        for (step, (first_label, first), (then_label, then)) in causes {
            if *step == 2 && !cfg!(unix) {
                continue;
            }
            let section = step_section(&run.stdout, *step);
            let a = find_line(&section, first_label, first, 0);
            let b = find_line(&section, then_label, then, 0);
            assert!(
                a.is_some() && b.is_some() && a < b,
                "第 {round} 遍第 {step} 步：{first_label} {first} 应该显示在 {then_label} {then} 上面\n{}\n\n{run}",
                section.join("\n")
            );
        }
    }
}

#[test]
fn python_programs_take_either_side() {
    let python = lesson_checks::python3();
    let _ports = lesson_ports();
    let run = run_demo(&["--auto", "--python", "tcp", "udp", "qq", "time"]);
    assert_eq!(run.status.code(), Some(0), "{run}");
    let out = &run.stdout;
    // TCP 那一步的 Python 服务端是课程的 tcp_server_reuse.py：上一轮 Rust 服务端先关闭了连接，
    // 不设 SO_REUSEADDR 的 tcp_server.py 会被 TIME_WAIT 挡住。
    for (number, server, client) in [
        (4, "tcp_server_reuse", "tcp_client"),
        (6, "udp_server", "udp_client"),
        (7, "qq_server", "qq_client"),
        (8, "time_server", "time_client"),
    ] {
        let section = step_section(out, number);
        let rounds: Vec<usize> = section
            .iter()
            .enumerate()
            .filter(|(_, line)| line.starts_with("▶▶ "))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(rounds.len(), 2, "第 {number} 步应该有两种搭配\n{run}");
        let first = &section[rounds[0]..rounds[1]];
        let second = &section[rounds[1]..];
        assert!(first[0].contains("Rust 服务端 ↔ Python 客户端"), "{run}");
        expect_in_order(
            first,
            &[
                (
                    "[服务端]",
                    &format!("$ {}", server.trim_end_matches("_reuse")),
                ),
                (
                    "[客户端]",
                    &format!("$ {python} scripts/python/{client}.py"),
                ),
            ],
            &run,
        );
        assert!(second[0].contains("Python 服务端 ↔ Rust 客户端"), "{run}");
        expect_in_order(
            second,
            &[
                (
                    "[服务端]",
                    &format!("$ {python} scripts/python/{server}.py"),
                ),
                ("[服务端]", &format!("python {server} ")),
                ("[客户端]", &format!("$ {client}")),
            ],
            &run,
        );
        // 这里只核对每一边自己的先后；两边之间的先后由 lines_appear_in_the_order_the_programs_wrote_them
        // 核对（只在 Linux 上有内核的时间戳可依，见 src/capture.rs）。
        for round in [first, second] {
            let (server_lines, client_lines): (&[&str], &[&str]) = match number {
                4 => (&["hello!"], &["hi"]),
                6 => (&["hello"], &["hi"]),
                7 => (
                    &["你好，在吗？", "⌨ 在的，有什么事？"],
                    &["⌨ 你好，在吗？", "在的，有什么事？", "退出码 0"],
                ),
                _ => (&[], &["⌨ %Y %m %d", "退出码 0"]),
            };
            let expected: Vec<(&str, &str)> =
                server_lines.iter().map(|l| ("[服务端]", *l)).collect();
            expect_in_order(round, &expected, &run);
            let expected: Vec<(&str, &str)> =
                client_lines.iter().map(|l| ("[客户端]", *l)).collect();
            expect_in_order(round, &expected, &run);
        }
    }
    assert_ports_free();
}

#[cfg(unix)]
mod terminal {
    //! 像老师那样：演示运行在一个 100x30 的伪终端里，测试按键、读屏幕上出现的文字。
    use super::*;
    use std::fs::File;
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::process::CommandExt;

    struct Terminal {
        child: Child,
        master: File,
        /// 到现在为止屏幕上出现过的全部输出。
        seen: String,
        rx: mpsc::Receiver<String>,
    }

    impl Terminal {
        fn start(args: &[&str]) -> Terminal {
            let (mut master, mut slave) = (0, 0);
            // macOS 的 openpty 要 *mut，Linux 的要 *const：可变的指针两边都收。
            let mut size = libc::winsize {
                ws_row: 30,
                ws_col: 100,
                ws_xpixel: 0,
                ws_ypixel: 0,
            };
            let ok = unsafe {
                libc::openpty(
                    &mut master,
                    &mut slave,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    &raw mut size,
                )
            };
            assert_eq!(ok, 0, "无法打开伪终端");
            let slave = unsafe { File::from_raw_fd(slave) };
            let master = unsafe { File::from_raw_fd(master) };
            let mut command = Command::new(env!("CARGO_BIN_EXE_demo"));
            command
                .args(args)
                .env("NO_COLOR", "1")
                .stdin(slave.try_clone().unwrap())
                .stdout(slave.try_clone().unwrap())
                .stderr(slave.try_clone().unwrap());
            let fd = slave.as_raw_fd();
            unsafe {
                command.pre_exec(move || {
                    // 自己一个会话，伪终端是它的控制终端：和在真的终端里运行一样。
                    libc::setsid();
                    libc::ioctl(fd, libc::TIOCSCTTY as _, 0);
                    Ok(())
                });
            }
            let child = command.spawn().expect("无法运行 demo");
            drop(slave);
            let (tx, rx) = mpsc::channel();
            let mut reader = master.try_clone().unwrap();
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0
                        || tx
                            .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                            .is_err()
                    {
                        break;
                    }
                }
            });
            Terminal {
                child,
                master,
                seen: String::new(),
                rx,
            }
        }

        /// 等屏幕上 `text` 出现第 `nth` 次（从 1 数起）。
        fn wait_for(&mut self, text: &str, nth: usize) {
            while self.seen.matches(text).count() < nth {
                match self.rx.recv_timeout(Duration::from_secs(30)) {
                    Ok(chunk) => self.seen.push_str(&chunk),
                    Err(_) => {
                        let _ = self.child.kill();
                        let _ = self.child.wait();
                        panic!("屏幕上没有出现第 {nth} 个「{text}」：\n{}", self.seen);
                    }
                }
            }
        }

        fn press(&mut self, keys: &str) {
            self.master.write_all(keys.as_bytes()).unwrap();
            self.master.flush().unwrap();
        }

        fn finish(mut self) -> (ExitStatus, String, File, u32) {
            let pid = self.child.id();
            // 演示该自己退出了；不退出就杀掉它，让测试失败而不是一直等下去。
            let (done, finished) = mpsc::channel();
            thread::spawn(move || {
                thread::sleep(PATIENCE);
                let _ = done.send(());
            });
            let status = loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    break status;
                }
                if finished.recv_timeout(Duration::from_millis(20)).is_ok() {
                    let _ = self.child.kill();
                    panic!("演示没有退出：\n{}", self.seen);
                }
            };
            while let Ok(chunk) = self.rx.recv_timeout(Duration::from_millis(200)) {
                self.seen.push_str(&chunk);
            }
            (status, self.seen, self.master, pid)
        }
    }

    /// 进程组 `group` 里还在运行的进程（Linux 的 /proc/<pid>/stat 第 5 个字段是进程组号）。
    fn processes_in_group(group: u32) -> Vec<String> {
        let mut left = Vec::new();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return left;
        };
        for entry in entries.flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let Some((_, rest)) = stat.rsplit_once(')') else {
                continue;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            if fields.first() != Some(&"Z") && fields.get(2) == Some(&group.to_string().as_str()) {
                left.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        left
    }

    const BEFORE_RUN: &str = "回车 运行这一步";
    const AFTER_RUN: &str = "回车 下一步";

    /// 只演示一步（scripts/demo.sh udp）时，按数字加回车也能跳到别的步骤，而不是原地重来。
    #[test]
    fn a_jump_reaches_a_step_that_was_not_chosen() {
        let _ports = lesson_ports();
        let mut term = Terminal::start(&["udp"]);
        term.wait_for("━━ 第 6 步", 1);
        term.wait_for(BEFORE_RUN, 1);
        term.press("9\r");
        term.wait_for("━━ 第 9 步", 1);
        term.wait_for(BEFORE_RUN, 2);
        term.press("q");
        let (status, seen, _, _) = term.finish();
        assert_eq!(status.code(), Some(0), "{seen}");
        assert_eq!(seen.matches("━━ 第 6 步").count(), 1, "{seen}");
    }

    #[test]
    fn a_teacher_goes_back_repeats_jumps_and_stray_keys_skip_nothing() {
        let _ports = lesson_ports();
        let mut term = Terminal::start(&["--from", "udp"]);
        term.wait_for("━━ 第 6 步", 1);
        term.wait_for(BEFORE_RUN, 1);
        // 看点之后停下，什么都还没运行。
        assert!(!term.seen.contains("$ udp_server"), "{}", term.seen);
        term.press("\r");
        term.wait_for(AFTER_RUN, 1);
        assert!(term.seen.contains("回复：hi"), "{}", term.seen);
        term.press("\r");
        term.wait_for("━━ 第 7 步", 1);
        term.wait_for(BEFORE_RUN, 2);
        term.press("\r");
        // QQ 这一步代打时会停顿，让大家看清提示符：这时按下的回车和 q 不该跳过什么。
        term.wait_for("$ qq_client", 1);
        term.press("\r\rq\r");
        term.wait_for(AFTER_RUN, 2);
        term.wait_for("退出码 0", 2);
        // b：回到上一步（第 6 步），停在看点之后。
        term.press("b");
        term.wait_for("━━ 第 6 步", 2);
        term.wait_for(BEFORE_RUN, 3);
        // r：这一步从头再来。
        term.press("r");
        term.wait_for("━━ 第 6 步", 3);
        term.wait_for(BEFORE_RUN, 4);
        // 数字加回车：跳到第 9 步。
        term.press("9\r");
        term.wait_for("━━ 第 9 步", 1);
        term.wait_for(BEFORE_RUN, 5);
        term.press("q");
        let (status, seen, _, _) = term.finish();
        assert_eq!(status.code(), Some(0), "{seen}");
        assert!(seen.contains("演示提前结束"), "{seen}");
        // 运行时按下的键没有让演示跳到第 8 步。
        assert!(
            !seen.contains("━━ 第 8 步"),
            "运行时按下的键跳过了一步：\n{seen}"
        );
        assert_ports_free();
    }

    #[test]
    fn split_screen_shows_both_programs_and_gives_the_screen_back() {
        let _ports = lesson_ports();
        let mut term = Terminal::start(&["--split", "udp"]);
        term.wait_for(BEFORE_RUN, 1);
        term.press("\r");
        term.wait_for("回复：hi", 1);
        term.wait_for("回车 结束演示", 1);
        term.press("\r");
        let (status, seen, master, _) = term.finish();
        assert_eq!(status.code(), Some(0), "{seen}");
        // 分屏画在备用屏幕上，结束时还回去；两栏的标题是两边的程序。
        let entered = seen.find("\x1b[?1049h").expect("没有进入备用屏幕");
        let left = seen.rfind("\x1b[?1049l").expect("没有回到原来的屏幕");
        assert!(entered < left, "{seen}");
        assert!(seen.contains("[服务端] udp_server"), "{seen}");
        assert!(seen.contains("[客户端] udp_client"), "{seen}");
        assert!(seen[left..].contains("演示结束："), "{seen}");
        assert!(line_mode(&master), "演示退出后终端还在原始模式");
        assert_ports_free();
    }

    /// 伪终端现在是不是回到了普通（按行输入）模式。
    fn line_mode(master: &File) -> bool {
        let mut attrs: libc::termios = unsafe { std::mem::zeroed() };
        unsafe { libc::tcgetattr(master.as_raw_fd(), &mut attrs) };
        attrs.c_lflag & libc::ICANON != 0
    }

    #[test]
    fn ctrl_c_stops_every_program_and_restores_the_terminal() {
        let _ports = lesson_ports();
        // 一次按 Ctrl-C 键（原始模式下是一个按键），一次是发给整个进程组的 SIGINT。
        for by_signal in [false, true] {
            let mut term = Terminal::start(&["--live", "qq"]);
            term.wait_for(BEFORE_RUN, 1);
            // --live：联系人一开始就显示出来。
            assert!(term.seen.contains("金老板"), "{}", term.seen);
            term.press("\r");
            term.wait_for("请选择聊天对象", 1);
            // 服务端和客户端都在运行、等着输入。
            let group = term.child.id();
            assert!(processes_in_group(group).len() >= 2 || !cfg!(target_os = "linux"));
            if by_signal {
                unsafe { libc::kill(-(group as i32), libc::SIGINT) };
            } else {
                term.press("\x03");
            }
            let (status, seen, master, group) = term.finish();
            assert_eq!(status.code(), Some(130), "{seen}");
            assert!(seen.contains("演示被中断"), "{seen}");
            assert!(line_mode(&master), "演示退出后终端还在原始模式");
            let left = processes_in_group(group);
            assert!(left.is_empty(), "Ctrl-C 之后还有进程没关：{left:?}\n{seen}");
            assert_ports_free();
        }
    }

    #[test]
    fn live_typing_edits_a_line_and_sends_no_escape_codes() {
        let _ports = lesson_ports();
        let mut term = Terminal::start(&["--live", "qq"]);
        term.wait_for(BEFORE_RUN, 1);
        term.press("\r");
        term.wait_for("请选择聊天对象", 1);
        // 输错一个字，用方向键和退格改掉：程序收到的是改好的名字，没有 \x1b[D 这样的控制序列。
        term.press("哪x");
        term.press("\x1b[D\x1b[C\x7f吒\r");
        term.wait_for("请输入消息", 1);
        term.press("你好\r");
        term.wait_for("回复消息", 1);
        // 服务端停下来等回复：输入自动归服务端（按两次 Tab 切走又切回来）。客户端收到的回复来自 8081。
        term.press("\t\t在\r");
        term.wait_for("8081]的一条消息:在", 1);
        // 客户端又在等下一条消息：输入自动回到客户端。
        term.press("q\r");
        term.wait_for("请选择聊天对象", 2);
        term.press("\x04");
        term.wait_for("回车 结束演示", 1);
        term.press("q");
        let (status, seen, _, _) = term.finish();
        assert_eq!(status.code(), Some(0), "{seen}");
        assert!(seen.contains("的一条消息:你好"), "{seen}");
        assert!(!seen.contains("[D"), "{seen}");
        assert_ports_free();
    }
}
