//! scripts/demo.sh 是老师在课堂上运行的演示脚本。这里像 CI 那样运行它（`--auto`，标准输入为空），
//! 检查每一步都打印了标题和两边交换的关键行、标签没有贴错，结束后它启动的进程一个不剩，
//! 课程的端口都能再次绑定；再检查 `--list` 和写错步骤名时的样子。
//!
//! 演示用的是课程的固定端口（8898、9000、8081），所以这个文件只有一个测试函数：
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

/// 整个演示（五步）最多跑多久。正常情况下几秒钟，这里留足余量给很忙的 CI 机器。
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

/// 一行里有没有 `2025 11 25` 这样的日期（time_client 用 `%Y %m %d` 问到的回答）。
fn has_formatted_date(line: &str) -> bool {
    line.split(|c: char| !c.is_ascii_digit() && c != ' ')
        .any(|piece| {
            let parts: Vec<&str> = piece.split(' ').filter(|p| !p.is_empty()).collect();
            parts.windows(3).any(|w| {
                w[0].len() == 4
                    && w[1].len() == 2
                    && w[2].len() == 2
                    && (1..=12).contains(&w[1].parse::<u32>().unwrap_or(0))
                    && (1..=31).contains(&w[2].parse::<u32>().unwrap_or(0))
            })
        })
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
    assert_eq!(names, ["tcp", "reuse", "udp", "qq", "time"], "{list}");
    for name in lesson_crates() {
        assert!(
            list.stdout.contains(&name),
            "{name} 没有出现在任何演示步骤里\n{list}"
        );
    }

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
    let run = run_demo(&["--auto"], DEMO_PATIENCE);
    assert_eq!(run.status.code(), Some(0), "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    assert!(
        run.elapsed < DEMO_EXPECTED,
        "--auto 模式的演示用了 {:?}，超过了 {DEMO_EXPECTED:?}：是不是加了固定的等待？\n{run}",
        run.elapsed
    );
    let out = &run.stdout;
    assert!(out.contains("正在编译整个工作区"), "{run}");

    // 第 1 步 TCP：客户端发 hello!，服务端打印它并回 hi。
    let tcp = step_section(out, 1);
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
    let reuse = step_section(out, 2);
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
    let udp = step_section(out, 3);
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
    let qq = step_section(out, 4);
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
    let time = step_section(out, 5);
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
        line.starts_with("[客户端] ") && !line.contains('⌨') && has_formatted_date(line)
    });
    assert!(
        answered,
        "第 5 步里客户端没有显示按 %Y %m %d 格式化的日期：\n{}\n\n{run}",
        time.join("\n")
    );
    expect_in_order(
        &time,
        &[("[客户端]", "⌨ Ctrl-D"), ("[客户端]", "退出码 0")],
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
}
