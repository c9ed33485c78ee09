//! scripts/demo.sh 是老师在课堂上运行的演示脚本。这里像 CI 那样运行它（`--auto`，标准输入为空），
//! 检查每一步都打印了标题和两边交换的关键行、标签没有贴错，结束后它启动的进程一个不剩，
//! 课程的端口都能再次绑定；再检查 `--list` 和写错步骤名时的样子。
//!
//! 演示用的是课程的固定端口（8898、9000、8081，黏包两步的 8899、8900），所以这个文件只有一个测试函数：
//! 同一个测试程序里的测试函数会并行运行，两次演示同时跑会互相抢端口。
//! 脚本要 bash 和进程组，只在类 Unix 系统上测试。
#![cfg(unix)]

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// 整个演示（十一步）最多跑多久。正常情况下几秒钟，这里留足余量给很忙的 CI 机器。
const DEMO_PATIENCE: Duration = Duration::from_secs(120);
/// `--auto` 模式下演示应该在这个时间内结束：脚本靠就绪行和提示符同步，不该有长时间的固定等待。
const DEMO_EXPECTED: Duration = Duration::from_secs(60);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

struct ScriptRun {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    /// 脚本的进程号，也是它自己那个进程组的组号。
    group: u32,
    elapsed: Duration,
}

impl std::fmt::Display for ScriptRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "退出状态 {}，用时 {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.elapsed, self.stdout, self.stderr
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

/// 在自己的进程组里运行 `bash scripts/demo.sh ARGS`，标准输入为空（和 CI 一样），最多等 `patience`；
/// 到期就杀掉整个进程组并让测试失败。
fn run_demo(args: &[&str], patience: Duration) -> ScriptRun {
    let root = repo_root();
    let mut command = Command::new("bash");
    command
        .arg(root.join("scripts/demo.sh"))
        .args(args)
        .current_dir(&root)
        .env("NO_COLOR", "1")
        // 在 tmux 里运行测试时，脚本不该去分屏。
        .env_remove("TMUX")
        .env_remove("TMUX_PANE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let started = Instant::now();
    let mut child: Child = command.spawn().expect("无法用 bash 运行 scripts/demo.sh");
    let group = child.id();
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(child.wait());
    });
    let status = match finished.recv_timeout(patience) {
        Ok(status) => status.unwrap(),
        Err(_) => {
            kill_group(group);
            let stdout = stdout.join().unwrap();
            let stderr = stderr.join().unwrap();
            panic!(
                "scripts/demo.sh {args:?} 在 {patience:?} 内没有结束，已杀掉它的整个进程组\n\
                 --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
            );
        }
    };
    ScriptRun {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        group,
        elapsed: started.elapsed(),
    }
}

fn kill_group(group: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .status();
}

/// 进程组 `group` 里还在运行的进程（Linux 的 /proc/<pid>/stat 第 5 个字段是进程组号）。
#[cfg(target_os = "linux")]
fn processes_in_group(group: u32) -> Vec<String> {
    let mut left = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // 第 2 个字段是括号里的程序名，里面可能有空格，所以从最后一个右括号之后开始数。
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // 第 3 个字段是状态：Z 是已经结束、只等父进程收尸的僵尸进程，不算还在运行。
        let zombie = fields.first() == Some(&"Z");
        if !zombie && fields.get(2) == Some(&group.to_string().as_str()) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            left.push(format!(
                "{}：{}",
                entry.file_name().to_string_lossy(),
                String::from_utf8_lossy(&cmdline).replace('\0', " ")
            ));
        }
    }
    left
}

#[cfg(not(target_os = "linux"))]
fn processes_in_group(_group: u32) -> Vec<String> {
    Vec::new()
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
/// 脚本代打的输入（`⌨`）和显示命令的行（`$ `）不算程序自己打印的内容，除非要找的就是它们。
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
fn expect_in_order(section: &[&str], expected: &[(&str, &str)], run: &ScriptRun) -> usize {
    let mut at = 0;
    for (label, needle) in expected {
        at = find_line(section, label, needle, at).unwrap_or_else(|| {
            panic!(
                "这一步里（在第 {at} 行之后）没有以 {label} 开头、含有 {needle:?} 的行：\n{}\n\n{run}",
                section.join("\n")
            )
        }) + 1;
    }
    at - 1
}

/// `line` 里 `before` 之后、`after` 之前的那段文字。
fn between<'a>(line: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let rest = &line[line.find(before)? + before.len()..];
    Some(&rest[..rest.find(after)?])
}

/// 一行带标签的输出去掉标签后的文字。
fn text_of<'a>(line: &'a str, label: &str) -> &'a str {
    line.strip_prefix(label)
        .and_then(|rest| rest.strip_prefix(' '))
        .unwrap_or(line)
}

/// 课程程序的 crate：crates/ 下有 src/main.rs 的目录。
fn lesson_crates() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("crates"))
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().join("src/main.rs").exists())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_classroom_demo_runs_every_step_and_leaves_nothing_behind() {
    // 先把程序编译好，下面的期限只算演示本身；演示开头的那次编译这时什么也不用做。
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let built = Command::new(cargo)
        .args(["build", "--workspace", "--bins", "--quiet"])
        .current_dir(repo_root())
        .status()
        .expect("无法运行 cargo build");
    assert!(built.success(), "cargo build --workspace --bins 失败");

    // --list：按课程顺序列出步骤，每个课程程序都出现在某一步里（新加的程序得有演示步骤）。
    let list = run_demo(&["--list"], Duration::from_secs(20));
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
    // 第几步：演示的标题里用的编号就是它在 --list 里的位置。
    let number = |name: &str| names.iter().position(|n| *n == name).unwrap() + 1;
    for name in lesson_crates() {
        // 每一行的最后是括号里用到的程序：（tcp_server、tcp_client）。标题里也可能有括号，所以从行尾找。
        let listed = list.stdout.lines().any(|line| {
            line.contains('第')
                && line
                    .rsplit_once('（')
                    .and_then(|(_, crates)| crates.strip_suffix('）'))
                    .is_some_and(|crates| crates.split('、').any(|c| c == name))
        });
        assert!(listed, "{name} 没有出现在任何演示步骤里\n{list}");
    }
    assert!(!list.stdout.contains("还没有演示步骤"), "{list}");

    // 写错步骤名：退出码 2，一句中文说明，不编译、不运行任何程序。
    let unknown = run_demo(&["nosuchstep"], Duration::from_secs(20));
    assert_eq!(unknown.status.code(), Some(2), "{unknown}");
    assert!(unknown.stdout.is_empty(), "{unknown}");
    assert!(unknown.stderr.contains("nosuchstep"), "{unknown}");
    assert!(
        unknown
            .stderr
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{unknown}"
    );
    assert_eq!(unknown.stderr.lines().count(), 1, "{unknown}");

    // 整个演示，和 CI 一样：--auto，标准输入为空。
    // 时间那一步问的是 %Y %m %d：回答是演示开始或结束那天的日期，不假设是哪一天、年份几位。
    let date_before = chrono::Local::now().format("%Y %m %d").to_string();
    let run = run_demo(&["--auto"], DEMO_PATIENCE);
    let date_after = chrono::Local::now().format("%Y %m %d").to_string();
    assert_eq!(run.status.code(), Some(0), "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    assert!(
        run.elapsed < DEMO_EXPECTED,
        "--auto 模式的演示用了 {:?}，超过了 {DEMO_EXPECTED:?}：是不是加了固定的等待？\n{run}",
        run.elapsed
    );
    let out = &run.stdout;
    assert!(out.contains("正在编译整个工作区"), "{run}");
    assert!(!out.contains("还没有演示步骤"), "{run}");

    // 文件：先读（文件还不存在，退出码 1），再 --wait 读、然后写；读到的正是写的那条消息。
    let file = step_section(out, number("file"));
    assert!(file[0].contains("文件"), "{run}");
    let reader = "[读的一方]";
    let writer = "[写的一方]";
    let first_read = expect_in_order(&file, &[(reader, "$ file_reader /")], &run);
    let message_path = text_of(file[first_read], reader)
        .strip_prefix("$ file_reader ")
        .unwrap()
        .to_string();
    let wrote = expect_in_order(
        &file,
        &[
            (reader, "$ file_reader /"),
            (reader, "还没有消息"),
            (reader, "退出码 1"),
            (reader, "$ file_reader --wait /"),
            (reader, "最多等 30 秒"),
            (writer, "$ file_writer /"),
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
    // 消息文件在演示自己建的私有目录里，演示完目录已经删掉。
    let message_dir = Path::new(&message_path).parent().unwrap().to_path_buf();
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

    // AF_UNIX：服务端在私有目录里的套接字文件上监听，运行时 ls 看得到这个文件（类型 s），结束后它不见了。
    let unix = step_section(out, number("unix"));
    assert!(unix[0].contains("AF_UNIX"), "{run}");
    let listening = expect_in_order(
        &unix,
        &[("[服务端]", "$ unix_server /"), ("[服务端]", "正在监听 /")],
        &run,
    );
    let socket_path = text_of(unix[listening], "[服务端]")
        .split_once("正在监听 ")
        .unwrap()
        .1
        .to_string();
    assert!(socket_path.ends_with("/lesson.sock"), "{run}");
    let listed_socket = expect_in_order(
        &unix,
        &[
            ("[服务端]", "正在监听 /"),
            ("[系统]", "$ ls -l /"),
            ("[系统]", &socket_path),
        ],
        &run,
    );
    assert!(
        text_of(unix[listed_socket], "[系统]").starts_with('s'),
        "服务端运行时 ls -l 没有显示套接字文件（类型 s）：{}\n{run}",
        unix[listed_socket]
    );
    let client_started = expect_in_order(
        &unix,
        &[("[客户端]", &format!("$ unix_client {socket_path}"))],
        &run,
    );
    assert!(client_started > listed_socket, "{run}");
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
            ("[系统]", "$ ls -l /"),
        ],
        &run,
    );
    assert!(
        unix[second_ls..]
            .iter()
            .any(|line| line.starts_with("↑ 套接字文件不见了")),
        "{run}"
    );
    let socket_dir = Path::new(&socket_path).parent().unwrap();
    assert!(
        !socket_dir.exists(),
        "演示结束后 {socket_dir:?} 还在\n{run}"
    );

    // TCP 和 UDP 比一比：一个程序，送达率那一行 TCP 是 100.0，最后有一句结论。
    let measure = step_section(out, number("measure"));
    assert!(measure[0].contains("TCP 和 UDP"), "{run}");
    let delivered = expect_in_order(
        &measure,
        &[("[程序]", "$ tcp_vs_udp 1"), ("[程序]", "送达率（%）")],
        &run,
    );
    let rates: Vec<&str> = text_of(measure[delivered], "[程序]")
        .split_whitespace()
        .skip(1)
        .collect();
    assert_eq!(
        rates.first(),
        Some(&"100.0"),
        "TCP 的送达率不是 100.0：{}\n{run}",
        measure[delivered]
    );
    assert_eq!(rates.len(), 2, "{run}");
    expect_in_order(
        &measure,
        &[
            ("[程序]", "送达率（%）"),
            ("[程序]", "结论："),
            ("[程序]", "退出码 0"),
        ],
        &run,
    );

    // 第 4 步 TCP：客户端发 hello!，服务端打印它并回 hi。
    let tcp = step_section(out, number("tcp"));
    assert!(tcp[0].contains("TCP"), "{run}");
    expect_in_order(
        &tcp,
        &[
            ("[服务端]", "$ tcp_server"),
            ("[服务端]", "正在监听 127.0.0.1:8898"),
            ("[客户端]", "$ tcp_client"),
        ],
        &run,
    );
    expect_in_order(&tcp, &[("[服务端]", "hello!")], &run);
    expect_in_order(&tcp, &[("[客户端]", "回复：hi")], &run);

    // 第 2 步：服务端先关闭后，--no-reuse 马上重启撞上 Address already in use；
    // 然后去掉 --no-reuse 重启成功，还能照常服务客户端。
    let reuse = step_section(out, number("reuse"));
    assert!(reuse[0].contains("SO_REUSEADDR"), "{run}");
    expect_in_order(
        &reuse,
        &[
            ("[服务端]", "正在监听 127.0.0.1:8898"),
            ("[客户端]", "回复：hi"),
            ("[服务端]", "$ tcp_server_reuse --no-reuse"),
            ("[服务端]", "Address already in use"),
            ("[服务端]", "$ tcp_server_reuse"),
            ("[服务端]", "SO_REUSEADDR 已开启）正在监听 127.0.0.1:8898"),
            ("[服务端]", "hello!"),
            ("[客户端]", "回复：hi"),
        ],
        &run,
    );

    // 第 3 步 UDP：客户端发 hello，服务端回 hi。
    let udp = step_section(out, number("udp"));
    assert!(udp[0].contains("UDP"), "{run}");
    expect_in_order(
        &udp,
        &[
            ("[服务端]", "正在等待数据报，地址 127.0.0.1:9000"),
            ("[客户端]", "$ udp_client"),
        ],
        &run,
    );
    expect_in_order(&udp, &[("[服务端]", "hello")], &run);
    expect_in_order(&udp, &[("[客户端]", "回复：hi")], &run);

    // 第 4 步 QQ：脚本代打的输入出现在提示符之后，消息到了服务端，回复回到客户端。
    let qq = step_section(out, number("qq"));
    assert!(qq[0].contains("QQ"), "{run}");
    expect_in_order(
        &qq,
        &[
            ("[服务端]", "地址 127.0.0.1:8081"),
            ("[客户端]", "请选择聊天对象: "),
            ("[客户端]", "⌨ 哪吒"),
            ("[客户端]", "请输入消息"),
            ("[客户端]", "⌨ 你好，在吗？"),
            ("[服务端]", "你好，在吗？"),
            ("[服务端]", "回复消息: "),
            ("[服务端]", "⌨ 在的，有什么事？"),
            ("[客户端]", "在的，有什么事？"),
            ("[客户端]", "⌨ q"),
            ("[客户端]", "⌨ Ctrl-D"),
            ("[客户端]", "退出码 0"),
            ("[服务端]", "Ctrl-C"),
        ],
        &run,
    );

    // 第 5 步 时间服务器：客户端问 %Y %m %d，收到格式化好的日期。
    let time = step_section(out, number("time"));
    assert!(time[0].contains("时间"), "{run}");
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
    assert!(
        answered,
        "时间服务器那一步里客户端没有显示按 %Y %m %d 格式化的日期（{date_before} 或 {date_after}）：\n{}\n\n{run}",
        time.join("\n")
    );
    expect_in_order(
        &time,
        &[("[客户端]", "⌨ Ctrl-D"), ("[客户端]", "退出码 0")],
        &run,
    );

    // socket 的参数：fileno 那一行，描述符交出前和接管后是同一个地址。
    let params = step_section(out, number("params"));
    assert!(params[0].contains("fileno"), "{run}");
    let fileno = expect_in_order(
        &params,
        &[("[程序]", "$ socket_params"), ("[程序]", "交出前 ")],
        &run,
    );
    let before = between(params[fileno], "交出前 ", "，");
    let after = between(params[fileno], "接管后 ", "，");
    assert!(
        before.is_some_and(|addr| addr.starts_with("127.0.0.1:")) && before == after,
        "fileno 那一行交出前和接管后的地址不一样：{}\n{run}",
        params[fileno]
    );
    expect_in_order(&params, &[("[程序]", "退出码 0")], &run);

    // 黏包：客户端 send 了 6 次；服务端第一次 recv 就把 5 条短消息连在一起读走了，长消息被拆开，
    // recv 的次数和 send 的次数对不上。
    let sticky = step_section(out, number("sticky"));
    assert!(sticky[0].contains("黏包"), "{run}");
    expect_in_order(
        &sticky,
        &[
            ("[服务端]", "$ sticky_server"),
            ("[服务端]", "正在监听 127.0.0.1:8899"),
            ("[客户端]", "$ sticky_client"),
        ],
        &run,
    );
    expect_in_order(
        &sticky,
        &[
            ("[客户端]", "第 6 次 send：3000 字节"),
            ("[客户端]", "一共 send 了 6 次"),
        ],
        &run,
    );
    let merged = expect_in_order(&sticky, &[("[服务端]", "第 1 次 recv")], &run);
    assert!(
        sticky[merged].contains("hello你好world黏包字节流"),
        "服务端第一次 recv 没有把短消息连在一起读到：{}\n{run}",
        sticky[merged]
    );
    expect_in_order(
        &sticky,
        &[
            ("[服务端]", "第 1 次 recv"),
            ("[服务端]", "第 2 次 recv"),
            ("[服务端]", "一共 recv 了"),
            ("[服务端]", "退出码 0"),
        ],
        &run,
    );
    let reply = expect_in_order(&sticky, &[("[客户端]", "服务端回复：")], &run);
    let recvs = between(sticky[reply], "一共 recv 了 ", " 次");
    assert!(
        recvs.is_some_and(|n| n != "6"),
        "服务端 recv 的次数和 send 的次数一样，没看到黏包：{}\n{run}",
        sticky[reply]
    );
    expect_in_order(&sticky, &[("[客户端]", "退出码 0")], &run);

    // 加上长度报头：同样 6 条消息，服务端一条一条完整地收到，和发的一样。
    let framed = step_section(out, number("framed"));
    assert!(framed[0].contains("报头"), "{run}");
    expect_in_order(
        &framed,
        &[
            ("[服务端]", "$ framed_server"),
            ("[服务端]", "正在监听 127.0.0.1:8900"),
            ("[客户端]", "$ framed_client"),
        ],
        &run,
    );
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
            ("[服务端]", "退出码 0"),
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
            ("[客户端]", "退出码 0"),
        ],
        &run,
    );

    assert!(out.trim_end().ends_with("端口也都释放了。"), "{run}");

    // 脚本启动的进程一个不剩，课程的端口都能再次绑定。
    let left = processes_in_group(run.group);
    if !left.is_empty() {
        // 先替脚本收拾干净，免得留下的服务端占着端口、影响后面的测试，再报告失败。
        kill_group(run.group);
        panic!("演示结束后还有进程没关：{left:?}\n{run}");
    }
    TcpListener::bind("127.0.0.1:8898").expect("演示结束后 TCP 8898 还被占着");
    UdpSocket::bind("127.0.0.1:9000").expect("演示结束后 UDP 9000 还被占着");
    UdpSocket::bind("127.0.0.1:8081").expect("演示结束后 UDP 8081 还被占着");
    TcpListener::bind("127.0.0.1:8899").expect("演示结束后 TCP 8899 还被占着");
    TcpListener::bind("127.0.0.1:8900").expect("演示结束后 TCP 8900 还被占着");
}
