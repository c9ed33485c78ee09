//! 每个课程程序的两层都守住篇幅：
//! - 最小版本（`examples/<程序>_minimal.rs`）至多是 Python 程序的两倍行数；
//! - 完整的 main.rs 里，分隔线以上的课程流程函数（除 `main` 以外的每个 `fn`）合起来至多三倍。
//!
//! 行数只数"代码行"：空行和注释行不算，`use` 行算。Python 一侧数的是课程里那段程序；
//! 课程没有给出程序的（黏包、定长帧、AF_UNIX、文件），数测试里扮演对端的课程风格 Python 程序。

use std::fs;
use std::path::{Path, PathBuf};

/// 分隔线：main.rs 里它以上是课程流程，以下是让程序更结实的辅助函数。
const DIVIDER: &str =
    "// ───────── 以下是让程序更结实的辅助函数，和 socket 本身无关，初读可以跳过 ─────────";

/// 课程程序和它对应的 Python 程序有几行代码。
enum Python {
    /// 课程原文里的程序（课程的缩进丢了，行数是数好写在这里的）。
    Lesson(usize),
    /// 测试里课程风格的 Python 对端，相对于 crates/。
    Peer(&'static str),
}

const PROGRAMS: [(&str, Python); 17] = [
    ("tcp_server", Python::Lesson(10)),
    ("tcp_client", Python::Lesson(7)),
    ("tcp_server_reuse", Python::Lesson(12)),
    ("udp_server", Python::Lesson(7)),
    ("udp_client", Python::Lesson(6)),
    ("qq_server", Python::Lesson(9)),
    ("qq_client", Python::Lesson(20)),
    ("time_server", Python::Lesson(17)),
    ("time_client", Python::Lesson(9)),
    (
        "sticky_server",
        Python::Peer("sticky_client/tests/python/sticky_server.py"),
    ),
    (
        "sticky_client",
        Python::Peer("sticky_server/tests/python/sticky_client.py"),
    ),
    (
        "framed_server",
        Python::Peer("framed_client/tests/python/framed_server.py"),
    ),
    (
        "framed_client",
        Python::Peer("framed_server/tests/python/framed_client.py"),
    ),
    (
        "unix_server",
        Python::Peer("unix_client/tests/python/unix_server.py"),
    ),
    (
        "unix_client",
        Python::Peer("unix_server/tests/python/unix_client.py"),
    ),
    ("file_writer", Python::Peer("file_reader/tests/python/a.py")),
    ("file_reader", Python::Peer("file_writer/tests/python/b.py")),
];

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// 代码行：去掉空行和整行注释（Rust 的 `//`、`//!`、`///`，Python 的 `#`）。
fn code_lines(text: &str, comment: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with(comment))
        .count()
}

fn python_lines(python: &Python) -> usize {
    match python {
        Python::Lesson(n) => *n,
        Python::Peer(path) => {
            code_lines(&fs::read_to_string(crates_dir().join(path)).unwrap(), "#")
        }
    }
}

/// 分隔线以上、除 `main` 以外的函数体：从 `fn` 那一行到它顶格的 `}`。
fn flow_functions(main_rs: &str) -> Option<String> {
    let (above, _) = main_rs.split_once(DIVIDER)?;
    let mut flow = String::new();
    let mut inside = false;
    for line in above.lines() {
        let starts_fn = line.starts_with("fn ") || line.starts_with("pub fn ");
        if starts_fn && !line.starts_with("fn main(") {
            inside = true;
        }
        if inside {
            flow.push_str(line);
            flow.push('\n');
            if line == "}" {
                inside = false;
            }
        }
    }
    Some(flow)
}

#[test]
fn every_program_keeps_both_levels_within_budget() {
    let mut report = Vec::new();
    let mut over = Vec::new();
    for (name, python) in &PROGRAMS {
        let python = python_lines(python);
        let dir = crates_dir().join(name);
        let minimal_path = dir.join(format!("examples/{name}_minimal.rs"));
        let minimal = match fs::read_to_string(&minimal_path) {
            Ok(text) => code_lines(&text, "//"),
            Err(_) => {
                over.push(format!("{name}：没有最小版本 {}", minimal_path.display()));
                continue;
            }
        };
        let main_rs = fs::read_to_string(dir.join("src/main.rs")).unwrap();
        let whole = code_lines(&main_rs, "//");
        let Some(flow) = flow_functions(&main_rs) else {
            over.push(format!("{name}：main.rs 里没有分隔线「{DIVIDER}」"));
            continue;
        };
        let flow = code_lines(&flow, "//");
        report.push(format!(
            "{name:<17} Python {python:>3}   最小版本 {minimal:>3}（上限 {:>3}）   流程函数 {flow:>3}（上限 {:>3}）   main.rs {whole:>4}",
            python * 2,
            python * 3
        ));
        if minimal > python * 2 {
            over.push(format!(
                "{name}：最小版本 {minimal} 行，超过 Python {python} 行的两倍"
            ));
        }
        if flow == 0 {
            over.push(format!("{name}：分隔线以上没有课程流程函数"));
        }
        if flow > python * 3 {
            over.push(format!(
                "{name}：流程函数 {flow} 行，超过 Python {python} 行的三倍"
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        over.is_empty(),
        "{}\n\n{}",
        over.join("\n"),
        report.join("\n")
    );
}

#[test]
fn the_line_counter_skips_blank_and_comment_lines_and_finds_the_flow() {
    let text = "use std::net::TcpListener;\n\n// 注释\nfn serve() {\n    /// 文档\n    go();\n}\n\nfn main() {\n    serve();\n}\n";
    assert_eq!(code_lines(text, "//"), 7);
    let file = format!("{text}\n{DIVIDER}\n\nfn helper() {{\n}}\n");
    assert_eq!(
        flow_functions(&file).unwrap(),
        "fn serve() {\n    /// 文档\n    go();\n}\n"
    );
    assert!(flow_functions(text).is_none());
}
