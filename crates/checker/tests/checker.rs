//! 检查器的测试：它要放过本仓库的完整版、最小版本和课程风格的 Python 程序，
//! 要抓住 tests/fixtures/ 里故意写错的程序，并给出对的提示；--class 要在有限的时间里给出对的表。
//! 全部用 --addr（空闲端口），不占课程的端口。

use lesson_checks::{Finished, example_binary, python3, start, start_command, workspace_binary};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Duration;

/// 一次检查再慢也不会超过这么久；只用来防止测试卡死。
const HANG_GUARD: Duration = Duration::from_secs(240);

fn checker() -> &'static str {
    env!("CARGO_BIN_EXE_checker")
}

fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// 运行检查器：`checker ROLE --addr --limit 3 --start 30 -- COMMAND…`。
fn check(role: &str, command: &[OsString]) -> Finished {
    let mut args: Vec<OsString> = [role, "--addr", "--limit", "3", "--start", "30", "--"]
        .iter()
        .map(OsString::from)
        .collect();
    args.extend(command.iter().cloned());
    start(checker(), &args).finish_within(HANG_GUARD)
}

fn py(script: &Path, extra: &[&str]) -> Vec<OsString> {
    let mut command = vec![OsString::from(python3()), script.as_os_str().to_owned()];
    command.extend(extra.iter().map(OsString::from));
    command
}

const ROLES: &[&str] = &[
    "tcp_server",
    "tcp_client",
    "tcp_server_reuse",
    "udp_server",
    "udp_client",
    "qq_server",
    "qq_client",
    "time_server",
    "time_client",
    "sticky_server",
    "sticky_client",
    "framed_server",
    "framed_client",
];

#[test]
fn every_role_passes_the_full_and_minimal_versions_and_the_python_programs() {
    let mut runs: Vec<(String, &str, Vec<OsString>)> = Vec::new();
    for &role in ROLES {
        runs.push((
            format!("{role}（完整版）"),
            role,
            vec![workspace_binary(role).into_os_string()],
        ));
        let minimal = format!("{role}_minimal");
        let examples = repo(&format!("crates/{role}/examples/{minimal}.rs"));
        if examples.exists() {
            runs.push((
                format!("{role}（最小版本）"),
                role,
                vec![example_binary(&minimal).into_os_string()],
            ));
        }
        let script = repo(&format!("scripts/python/{role}.py"));
        if script.exists() {
            runs.push((format!("{role}（Python）"), role, py(&script, &[])));
        }
    }
    assert!(runs.len() >= 30, "程序太少了：{}", runs.len());
    let handles: Vec<_> = runs
        .into_iter()
        .map(|(label, role, command)| thread::spawn(move || (label, check(role, &command))))
        .collect();
    let mut failures = Vec::new();
    for handle in handles {
        let (label, finished) = handle.join().unwrap();
        if finished.code() != Some(0) || !finished.stdout.contains("全部通过") {
            failures.push(format!("=== {label}\n{finished}"));
        }
    }
    assert!(
        failures.is_empty(),
        "检查器没有放过这些课程程序：\n{}",
        failures.join("\n")
    );
}

/// 一个"写错了"的程序、检查器的退出码、输出里必须有的几句话。
struct Broken {
    role: &'static str,
    command: Vec<OsString>,
    code: i32,
    must_say: Vec<&'static str>,
}

#[test]
fn broken_programs_fail_with_the_right_hint() {
    let server = fixture("broken_tcp_server.py");
    let marker = format!("never_exits:{}", std::process::id());
    let broken = vec![
        Broken {
            role: "tcp_server",
            command: py(&server, &["wrong_port"]),
            code: 1,
            must_say: vec!["✘ 在 127.0.0.1:", "程序要用第一个命令行参数作为监听地址"],
        },
        Broken {
            role: "tcp_server",
            command: py(&server, &["silent"]),
            code: 1,
            must_say: vec!["✘ 收到 hello! 后回复 hi", "秒内什么也没收到", "别忘了 send"],
        },
        Broken {
            role: "tcp_server",
            command: py(&server, &["hello"]),
            code: 1,
            must_say: vec![
                "✘ 收到 hello! 后回复 hi",
                "实际：收到 \"hello\"",
                "正好是两个字节 hi",
            ],
        },
        Broken {
            role: "tcp_server",
            command: py(&server, &[marker.as_str()]),
            code: 1,
            must_say: vec!["✘ 服务完一个客户端后退出", "秒后还在运行"],
        },
        // 更结实的检查没做到，不算不及格：退出码还是 0，但那一行是 ✘，带着提示。
        Broken {
            role: "tcp_server",
            command: py(&server, &["crash_2000"]),
            code: 0,
            must_say: vec![
                "✘ 客户端一次发来 2000 字节",
                "ValueError",
                "recv 最多收 1024 字节",
            ],
        },
        Broken {
            role: "tcp_server",
            command: py(&server, &["raw_escapes"]),
            code: 0,
            must_say: vec!["✘ 客户端发来终端转义序列", "ESC [2J", "先把控制字符转义"],
        },
        Broken {
            role: "qq_client",
            command: py(&fixture("qq_client_ignores_q.py"), &[]),
            code: 1,
            must_say: vec![
                "✘ 输入 q 结束这段聊天",
                "把 q 当成消息发了出去",
                "docs/08-qq-chat.md",
            ],
        },
    ];
    let handles: Vec<_> = broken
        .into_iter()
        .map(|b| thread::spawn(move || (check(b.role, &b.command), b)))
        .collect();
    let mut problems = Vec::new();
    for handle in handles {
        let (finished, b) = handle.join().unwrap();
        let label = b.command.last().unwrap().to_string_lossy().into_owned();
        if finished.code() != Some(b.code) {
            problems.push(format!("{label}：退出码应该是 {}\n{finished}", b.code));
        }
        for phrase in b.must_say {
            if !finished.stdout.contains(phrase) {
                problems.push(format!("{label}：输出里没有「{phrase}」\n{finished}"));
            }
        }
    }
    // 不退出的那个程序还启动了一个子进程：检查器结束后，整棵进程树都不能留下。
    #[cfg(target_os = "linux")]
    {
        let left = processes_mentioning(&format!("checker-grandchild-{}", std::process::id()));
        if !left.is_empty() {
            problems.push(format!("检查器结束后还留着学生程序的子进程：{left:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// 命令行里带着 `needle` 的进程号（读 /proc）。
#[cfg(target_os = "linux")]
fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmdline).contains(needle) {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

/// 课程的服务端不设 SO_REUSEADDR、先关闭连接。检查器关闭时发 RST，端口不进 TIME_WAIT，
/// 所以在同一个端口上连着检查课程风格的服务端，后一个照样绑定得上（每次检查里它本身就被启动了四次）。
#[test]
fn lesson_style_servers_checked_back_to_back_on_one_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let script = repo("scripts/python/tcp_server.py");
    for round in 1..=2 {
        let finished = start(
            checker(),
            &[
                OsString::from("tcp_server"),
                "--addr".into(),
                port.to_string().into(),
                "--limit".into(),
                "3".into(),
                "--".into(),
                python3().into(),
                script.clone().into_os_string(),
            ],
        )
        .finish_within(HANG_GUARD);
        assert_eq!(
            finished.code(),
            Some(0),
            "第 {round} 次在 {port} 上检查课程的服务端没有通过（TIME_WAIT？）：\n{finished}"
        );
        assert!(
            !finished.stdout.contains('✘'),
            "第 {round} 次有检查没通过：\n{finished}"
        );
    }
}

/// 写一位同学的 Python 作业：运行 fixture 里的某种错法。
fn python_student(dir: &Path, mode: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let fixture = fixture("broken_tcp_server.py");
    std::fs::write(
        dir.join("main.py"),
        format!(
            "import runpy, sys\nsys.argv[1:1] = [{mode:?}]\nrunpy.run_path({:?}, run_name='__main__')\n",
            fixture.to_string_lossy()
        ),
    )
    .unwrap();
}

fn cargo_student(dir: &Path, main_rs: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"my_server\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), main_rs).unwrap();
}

#[test]
fn a_class_run_gives_the_right_table() {
    // 班里有 Python 作业；没有 Python（比如在 Wine 里跑 Windows 版测试）时这个测试跳过。
    let _ = python3();
    let class = std::env::temp_dir().join(format!("checker-class-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&class);
    let minimal =
        std::fs::read_to_string(repo("crates/tcp_server/examples/tcp_server_minimal.rs")).unwrap();
    cargo_student(&class.join("a-好的Rust"), &minimal);
    cargo_student(
        &class.join("b-回hello的Rust"),
        &minimal.replacen("b\"hi\"", "b\"hello\"", 1),
    );
    cargo_student(
        &class.join("c-编译不过"),
        &minimal.replacen("fn main", "fn main_oops", 1),
    );
    std::fs::create_dir_all(class.join("d-好的Python")).unwrap();
    std::fs::copy(
        repo("scripts/python/tcp_server.py"),
        class.join("d-好的Python/server.py"),
    )
    .unwrap();
    python_student(&class.join("e-不回复"), "silent");
    python_student(&class.join("f-狂打输出"), "endless");
    python_student(&class.join("g-2000字节就崩"), "crash_2000");
    std::fs::create_dir_all(class.join("h-什么也没交")).unwrap();

    let csv = class.with_extension("csv");
    let mut command = Command::new(checker());
    command
        .args([
            "tcp_server",
            "--addr",
            "--limit",
            "2",
            "--start",
            "60",
            "--class",
        ])
        .arg(&class)
        .arg("--csv")
        .arg(&csv)
        .env("NO_COLOR", "1");
    let finished = start_command(command).finish_within(HANG_GUARD);
    let table = std::fs::read_to_string(&csv).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&class);
    let _ = std::fs::remove_file(&csv);

    assert_eq!(
        finished.code(),
        Some(1),
        "有同学没通过，退出码应该是 1：\n{finished}"
    );
    let out = &finished.stdout;
    for (student, verdict) in [
        ("a-好的Rust", "必须项全部通过（4/4）"),
        ("b-回hello的Rust", "必须项 3/4 通过"),
        ("c-编译不过", "没能检查（编译失败"),
        ("d-好的Python", "必须项全部通过（4/4）"),
        ("e-不回复", "必须项 1/4 通过"),
        ("f-狂打输出", "必须项 1/4 通过"),
        ("g-2000字节就崩", "必须项全部通过（4/4）"),
        (
            "h-什么也没交",
            "没能检查（没有 Cargo.toml，也没有 .py 文件）",
        ),
    ] {
        assert!(
            out.contains(&format!("{student}：{verdict}")),
            "{student} 应该是「{verdict}」：\n{finished}"
        );
        assert!(
            table.contains(&format!("{student},{verdict}")),
            "CSV 里 {student} 应该是「{verdict}」：\n{table}"
        );
    }
    assert!(
        table.starts_with('\u{feff}'),
        "CSV 要以 BOM 开头，Excel 才认得出 UTF-8"
    );
    assert!(
        table.contains("同学,结论,监听,回复hi,关闭连接,退出,更结实:沉默客户端"),
        "{table}"
    );
    // 2000 字节就崩的同学：必须项全过，更结实那一栏是 ✘。
    let crash_row = table.lines().find(|l| l.starts_with("g-")).unwrap();
    assert_eq!(
        crash_row.split(',').nth(7),
        Some("✘"),
        "更结实:2000字节 一栏应该是 ✘：{crash_row}"
    );
}

#[test]
fn bad_arguments_exit_2_with_a_chinese_line() {
    for args in [
        vec![],
        vec!["no_such_role", "--", "true"],
        vec!["tcp_server"],
        vec!["tcp_server", "--limit", "abc", "--", "true"],
        vec!["tcp_server", "--addr", "192.0.2.1:80", "--", "true"],
        vec!["tcp_server", "--class", "x", "--", "true"],
    ] {
        let finished = start(checker(), &args).finish_within(HANG_GUARD);
        assert_eq!(finished.code(), Some(2), "{args:?}：\n{finished}");
        assert!(finished.stderr.contains("用法："), "{args:?}：\n{finished}");
        assert!(!finished.stderr.contains("panicked"), "{finished}");
    }
}
