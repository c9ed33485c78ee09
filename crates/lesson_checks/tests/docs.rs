//! docs/ 不许和代码走样：页面里展示的文件、对照表里的 Rust 调用、页面说的地址和缓冲区，
//! 都要和 crates/ 里的代码一致。
//!
//! 页面里的约定（都是看得见的普通 Markdown，在代码托管网站上和 mdBook 里都能正常显示）：
//! - 一行以 `文件：` 开头并链接到项目里的文件，紧跟着的代码块必须和那个文件一字不差。
//! - 一行以 `片段：` 开头并链接到文件，紧跟着的代码块必须原样出现在那个文件里。
//! - 一行以 `对照：` 开头并链接到某个 `main.rs`，它后面那张表（表头含 `Rust（本仓库）`）
//!   的 Rust 一栏里，每段行内代码都必须出现在那个 `main.rs` 里。
//! - 一行以 `事实：` 开头并链接到某个 `main.rs`，它后面那张两栏表列出程序的事实
//!   （默认地址、缓冲区、回复、提示符、超时），逐条和代码核对。
//! - 每个 ```rust 代码块前面都必须有 `文件：` 或 `片段：`。
//!
//! 检查写成一个对任意目录都能运行的函数，这样"检查会不会真的报错"也能测试：
//! 复制一份仓库，改一行 main.rs 或页面上的一个端口，检查必须报出来。

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// 课程程序的 crate：crates/ 下有 src/main.rs 的目录（lesson_checks 没有）。
/// crates/demo 是老师用的课堂演示，不是课程的程序，讲义里不展示它。
fn lesson_crates(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join("crates"))
        .unwrap()
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            (path.join("src/main.rs").exists() && !path.ends_with("demo"))
                .then(|| path.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
}

/// 能 `cargo run -p` 的 crate：crates/ 下所有有 Cargo.toml 的目录（课程程序，加上 checker 这样的工具）。
fn runnable_crates(root: &Path) -> Vec<String> {
    fs::read_dir(root.join("crates"))
        .unwrap()
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            path.join("Cargo.toml")
                .exists()
                .then(|| path.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect()
}

fn doc_pages(root: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    pages
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// 一行里的 Markdown 链接目标：`[文字](目标)`。
fn link_targets(line: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) => {
                targets.push(&after[..end]);
                rest = &after[end..];
            }
            None => break,
        }
    }
    targets
}

/// 一行里所有的行内代码：`像这样`。
fn inline_code(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// 一个 Markdown 页面，切成普通行和代码块。
enum Piece {
    Line(usize, String),
    Code {
        line: usize,
        info: String,
        body: String,
    },
}

fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let trimmed = line.trim_start();
        let ticks = trimmed.chars().take_while(|&c| c == '`').count();
        if ticks < 3 {
            out.push(Piece::Line(i + 1, line.to_string()));
            continue;
        }
        let info = trimmed[ticks..].trim().to_string();
        let mut body = String::new();
        for (_, inner) in lines.by_ref() {
            let inner_trimmed = inner.trim_start();
            let closing = inner_trimmed.chars().take_while(|&c| c == '`').count();
            if closing >= ticks && inner_trimmed[closing..].trim().is_empty() {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        out.push(Piece::Code {
            line: i + 1,
            info,
            body,
        });
    }
    out
}

/// 以 `marker` 开头的一行所链接的项目文件（相对页面解析）。
fn marked_file(page: &Path, line: &str, marker: &str) -> Option<PathBuf> {
    let rest = line.trim().strip_prefix(marker)?;
    let target = link_targets(rest).into_iter().next()?;
    Some(page.parent().unwrap().join(target))
}

fn read(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok()
}

/// Rust 源码里 `const NAME: … = 值;` 的值（去掉引号）。
fn const_value(source: &str, name: &str) -> Option<String> {
    let line = source
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("const {name}:")))?;
    let value = line.split_once('=')?.1.trim().trim_end_matches(';').trim();
    Some(value.trim_matches('"').to_string())
}

/// 检查一个仓库目录下的 docs/ 和 README.md，返回发现的所有问题（空表示没问题）。
fn check(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let crates = lesson_crates(root);
    let runnable = runnable_crates(root);
    let mut shown: BTreeSet<String> = BTreeSet::new();
    // 用 `文件：` 完整展示过的文件，写成 crates/ 之后的相对路径，比如 `tcp_server/src/main.rs`。
    let mut shown_files: BTreeSet<String> = BTreeSet::new();
    let mut compared: BTreeSet<String> = BTreeSet::new();
    let mut pages = doc_pages(root);
    pages.push(root.join("README.md"));

    for page in &pages {
        let Some(text) = read(page) else {
            problems.push(format!("读不到 {}", page.display()));
            continue;
        };
        let page_name = name_of(page);
        let at = |line: usize| format!("{page_name}:{line}");
        let pieces = pieces(&text);
        // 页面展示了哪些程序（用来核对页面上出现的课程端口）。
        let mut page_crates: BTreeSet<String> = BTreeSet::new();
        let mut previous_line = String::new();
        // `对照：`/`事实：` 指定的文件，等着下一张表；表开始后移到 active_*，表结束时清空。
        let mut pending_compare: Option<(PathBuf, String)> = None;
        let mut pending_facts: Option<(PathBuf, String)> = None;
        let mut active_compare: Option<(PathBuf, String)> = None;
        let mut active_facts: Option<(PathBuf, String)> = None;
        let mut in_table = false;

        for piece in &pieces {
            match piece {
                Piece::Code { line, info, body } => {
                    if let Some(file) = marked_file(page, &previous_line, "文件：") {
                        match read(&file) {
                            Some(content) if content == *body => {}
                            Some(_) => problems.push(format!(
                                "{}：代码块和 {} 不一致（文件改了，页面没跟上？）",
                                at(*line),
                                file.display()
                            )),
                            None => {
                                problems.push(format!("{}：找不到 {}", at(*line), file.display()))
                            }
                        }
                        if let Some(name) = crate_of(&file) {
                            shown.insert(name.clone());
                            page_crates.insert(name);
                        }
                        if let Some(relative) = under_crates(&file) {
                            shown_files.insert(relative);
                        }
                    } else if let Some(file) = marked_file(page, &previous_line, "片段：") {
                        match read(&file) {
                            Some(content) if content.contains(body.as_str()) => {}
                            Some(_) => problems.push(format!(
                                "{}：片段没有原样出现在 {} 里",
                                at(*line),
                                file.display()
                            )),
                            None => {
                                problems.push(format!("{}：找不到 {}", at(*line), file.display()))
                            }
                        }
                    } else if info == "rust" {
                        problems.push(format!(
                            "{}：rust 代码块前面没有 `文件：` 或 `片段：`，没法核对它",
                            at(*line)
                        ));
                    }
                    for name in cargo_run_targets(body) {
                        if !runnable.contains(&name) {
                            problems.push(format!(
                                "{}：没有叫 {name} 的程序（cargo run -p {name}）",
                                at(*line)
                            ));
                        }
                    }
                    previous_line.clear();
                    in_table = false;
                    active_compare = None;
                    active_facts = None;
                }
                Piece::Line(number, line) => {
                    let trimmed = line.trim();
                    for target in link_targets(line) {
                        let target = target.split('#').next().unwrap();
                        if target.is_empty()
                            || target.contains("://")
                            || target.starts_with("mailto:")
                        {
                            continue;
                        }
                        if !page.parent().unwrap().join(target).exists() {
                            problems.push(format!("{}：链接指向不存在的 {target}", at(*number)));
                        }
                    }
                    for name in cargo_run_targets(line) {
                        if !runnable.contains(&name) {
                            problems.push(format!(
                                "{}：没有叫 {name} 的程序（cargo run -p {name}）",
                                at(*number)
                            ));
                        }
                    }
                    if let Some(file) = marked_file(page, line, "对照：") {
                        match read(&file) {
                            Some(source) => {
                                if let Some(name) = crate_of(&file) {
                                    compared.insert(name.clone());
                                    page_crates.insert(name);
                                }
                                pending_compare = Some((file, source));
                            }
                            None => {
                                problems.push(format!("{}：找不到 {}", at(*number), file.display()))
                            }
                        }
                    }
                    if let Some(file) = marked_file(page, line, "事实：") {
                        match read(&file) {
                            Some(source) => pending_facts = Some((file, source)),
                            None => {
                                problems.push(format!("{}：找不到 {}", at(*number), file.display()))
                            }
                        }
                    }
                    if trimmed.starts_with('|') {
                        let cells: Vec<&str> = trimmed
                            .trim_matches('|')
                            .split('|')
                            .map(str::trim)
                            .collect();
                        if !in_table {
                            in_table = true;
                            // 表头决定这张表按哪种规则核对。
                            let compare = pending_compare.take();
                            let facts = pending_facts.take();
                            if cells.iter().any(|c| c.contains("Rust（本仓库）")) {
                                active_compare = compare;
                            }
                            if cells.len() == 2 && cells[0] == "项目" {
                                active_facts = facts;
                            }
                        } else if cells.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))) {
                            // 分隔行
                        } else {
                            if let Some((file, source)) = &active_compare {
                                let rust = cells.get(2).copied().unwrap_or("");
                                for call in inline_code(rust) {
                                    // rustfmt 会把 `listener.accept()` 拆成两行，所以比较时忽略空白。
                                    if !squash(source).contains(&squash(call)) {
                                        problems.push(format!(
                                            "{}：对照表里的 `{call}` 不在 {} 里",
                                            at(*number),
                                            file.display()
                                        ));
                                    }
                                }
                            }
                            if let Some((file, source)) = &active_facts {
                                if let Some(problem) = check_fact(&cells, source) {
                                    problems.push(format!(
                                        "{}：{problem}（{}）",
                                        at(*number),
                                        file.display()
                                    ));
                                }
                            }
                        }
                    } else {
                        in_table = false;
                        active_compare = None;
                        active_facts = None;
                    }
                    if !trimmed.is_empty() {
                        previous_line = line.clone();
                    }
                }
            }
        }

        // 页面上出现的课程端口，必须是页面所展示程序的默认端口。
        if !page_crates.is_empty() {
            let mut allowed = BTreeSet::new();
            for name in &page_crates {
                if let Some(source) = read(&root.join("crates").join(name).join("src/main.rs")) {
                    if let Some(addr) = const_value(&source, "DEFAULT_ADDR") {
                        allowed.insert(addr.rsplit(':').next().unwrap().to_string());
                    }
                }
            }
            // 页面上的程序都没有默认端口（比如只在本机临时端口上做测量的程序）时，不做这项核对。
            let lines = if allowed.is_empty() {
                ""
            } else {
                text.as_str()
            };
            for (number, line) in lines.lines().enumerate() {
                for port in LESSON_PORTS {
                    if numbers(line).contains(&port.to_string()) && !allowed.contains(*port) {
                        problems.push(format!(
                            "{}：提到了端口 {port}，但这一页的程序（{}）默认用的是 {}",
                            at(number + 1),
                            page_crates.iter().cloned().collect::<Vec<_>>().join("、"),
                            allowed.iter().cloned().collect::<Vec<_>>().join("、")
                        ));
                    }
                }
            }
        }
    }

    for name in &crates {
        // 最小版本和练习答案是例子：每一个都要在某一页上完整展示，页面才不会和它们走样。
        let examples = fs::read_dir(root.join("crates").join(name).join("examples"));
        for entry in examples.into_iter().flatten() {
            let file = name_of(&entry.unwrap().path());
            let relative = format!("{name}/examples/{file}");
            if file.ends_with(".rs") && !shown_files.contains(&relative) {
                problems.push(format!(
                    "docs/ 里没有一页用 `文件：` 展示 crates/{relative}"
                ));
            }
        }
        if !shown_files.contains(&format!("{name}/src/main.rs")) {
            problems.push(format!(
                "docs/ 里没有一页用 `文件：` 展示 crates/{name}/src/main.rs"
            ));
        }
        if !compared.contains(name) {
            problems.push(format!(
                "docs/ 里没有 crates/{name}/src/main.rs 的对照表（`对照：`）"
            ));
        }
    }
    problems
}

/// 课程里用到的端口：页面提到它们时，必须和页面上程序的默认地址一致。
const LESSON_PORTS: &[&str] = &["8898", "9000", "8081"];

/// 一段文字里所有的整数（`127.0.0.1:8898` 里是 127、0、0、1、8898）。
fn numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect()
}

fn first_number(text: &str) -> String {
    numbers(text).into_iter().next().unwrap_or_default()
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `crates/` 之后的相对路径，用 `/` 分隔：`tcp_server/examples/tcp_server_minimal.rs`。
fn under_crates(file: &Path) -> Option<String> {
    let text = file.to_string_lossy().replace('\\', "/");
    Some(text[text.find("crates/")? + "crates/".len()..].to_string())
}

fn crate_of(file: &Path) -> Option<String> {
    let text = file.to_string_lossy().replace('\\', "/");
    let rest = &text[text.find("crates/")? + "crates/".len()..];
    Some(rest.split('/').next()?.to_string())
}

fn cargo_run_targets(text: &str) -> Vec<String> {
    text.split("cargo run -p ")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect()
        })
        .collect()
}

/// 核对事实表里的一行：| 项目 | 值 |。
fn check_fact(cells: &[&str], source: &str) -> Option<String> {
    let [key, value] = cells else {
        return Some("事实表应该只有两栏".to_string());
    };
    let code = inline_code(value);
    let first = code.first().copied().unwrap_or(value);
    match *key {
        "默认地址" => {
            let real = const_value(source, "DEFAULT_ADDR")?;
            (first != real).then(|| format!("页面说默认地址是 {first}，代码里是 {real}"))
        }
        "缓冲区" => {
            let real = const_value(source, "BUFFER_SIZE")?;
            let said = first_number(value);
            (said != real).then(|| format!("页面说缓冲区是 {said} 字节，代码里是 {real}"))
        }
        "发送" | "回复" | "提示符" => code
            .iter()
            .find(|text| {
                !source.contains(&format!("\"{text}\""))
                    && !source.contains(&format!("b\"{text}\""))
            })
            .map(|text| format!("页面说程序会{key} `{text}`，代码里没有这个字符串")),
        "超时" => {
            let said = first_number(value);
            let found = source.lines().any(|line| {
                line.contains("const") && line.contains(&format!("Duration::from_secs({said})"))
            });
            (!found).then(|| format!("页面说超时是 {said} 秒，代码里没有这样的常量"))
        }
        other => Some(format!(
            "事实表里的「{other}」不是能核对的项目（默认地址、缓冲区、发送、回复、提示符、超时）"
        )),
    }
}

#[test]
fn docs_match_the_code() {
    let problems = check(&repo_root());
    assert!(
        problems.is_empty(),
        "docs/ 和代码不一致：\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_lesson_part_has_exactly_one_page() {
    let root = repo_root();
    let names: Vec<String> = doc_pages(&root).iter().map(|p| name_of(p)).collect();
    for part in 0..=11 {
        let prefix = format!("{part:02}-");
        let count = names
            .iter()
            .filter(|name| name.starts_with(&prefix))
            .count();
        assert_eq!(
            count, 1,
            "课程第 {part} 部分应该正好有一页 docs/{prefix}*.md：{names:?}"
        );
    }
}

#[test]
fn the_book_summary_lists_every_page_and_nothing_else() {
    let root = repo_root();
    let summary = fs::read_to_string(root.join("docs/SUMMARY.md")).unwrap();
    let listed: BTreeSet<String> = summary
        .lines()
        .flat_map(link_targets)
        .map(str::to_string)
        .collect();
    for page in doc_pages(&root) {
        let name = name_of(&page);
        if name != "SUMMARY.md" {
            assert!(listed.contains(&name), "docs/SUMMARY.md 没有列出 {name}");
        }
    }
    for target in &listed {
        assert!(
            root.join("docs").join(target).exists(),
            "docs/SUMMARY.md 列出了不存在的 {target}"
        );
    }
    let book = fs::read_to_string(root.join("docs/book.toml")).unwrap();
    assert!(
        book.contains("language = \"zh-CN\""),
        "book.toml 应该声明中文"
    );
}

/// 复制一份仓库的 docs/、README.md、scripts/ 和 crates/ 到临时目录。
fn scratch_copy(tag: &str) -> PathBuf {
    let root = repo_root();
    let scratch = std::env::temp_dir().join(format!("docs-drift-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(scratch.join("docs")).unwrap();
    for page in doc_pages(&root) {
        fs::copy(&page, scratch.join("docs").join(name_of(&page))).unwrap();
    }
    fs::copy(root.join("README.md"), scratch.join("README.md")).unwrap();
    // 页面和 README 也链接到 scripts/ 里的脚本和 Python 程序。
    copy_tree(&root.join("scripts"), &scratch.join("scripts"));
    for entry in fs::read_dir(root.join("crates")).unwrap() {
        let path = entry.unwrap().path();
        let relative = path.strip_prefix(&root).unwrap().to_path_buf();
        // 页面会链接到 crate 里的各种文件，整个 crate 目录（除了 target）都复制过去。
        copy_tree(&path, &scratch.join(relative));
    }
    scratch
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn the_check_bites_when_a_main_rs_changes() {
    let scratch = scratch_copy("code");
    assert!(check(&scratch).is_empty(), "原样复制的仓库应该没有问题");
    let main = scratch.join("crates/tcp_server/src/main.rs");
    let source = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        source.replacen("conn.write_all(b\"hi\")", "conn.write_all(b\"hey\")", 1),
    )
    .unwrap();
    let problems = check(&scratch);
    fs::remove_dir_all(&scratch).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("代码块和") && p.contains("tcp_server")),
        "改了 tcp_server 的一行，检查却没发现：{problems:?}"
    );
}

#[test]
fn the_check_bites_when_a_page_states_the_wrong_port() {
    let scratch = scratch_copy("port");
    let page = scratch.join("docs/05-tcp.md");
    let text = fs::read_to_string(&page).unwrap();
    let wrong = text.replacen("nc 127.0.0.1 8898", "nc 127.0.0.1 9000", 1);
    assert_ne!(text, wrong, "05-tcp.md 里应该有 nc 127.0.0.1 8898");
    fs::write(&page, wrong).unwrap();
    let problems = check(&scratch);
    fs::remove_dir_all(&scratch).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("05-tcp.md") && p.contains("9000")),
        "页面把 8898 写成了 9000，检查却没发现：{problems:?}"
    );
}

#[test]
fn the_check_bites_when_a_table_names_a_call_the_code_does_not_make() {
    let scratch = scratch_copy("table");
    let page = scratch.join("docs/05-tcp.md");
    let text = fs::read_to_string(&page).unwrap();
    let wrong = text.replacen("`listener.accept()`", "`listener.accept_all()`", 1);
    assert_ne!(
        text, wrong,
        "05-tcp.md 的对照表里应该有 `listener.accept()`"
    );
    fs::write(&page, wrong).unwrap();
    let problems = check(&scratch);
    fs::remove_dir_all(&scratch).unwrap();
    assert!(
        problems.iter().any(|p| p.contains("accept_all")),
        "对照表写了代码里没有的调用，检查却没发现：{problems:?}"
    );
}

#[test]
fn the_check_bites_when_a_fact_is_wrong() {
    let scratch = scratch_copy("fact");
    let page = scratch.join("docs/05-tcp.md");
    let text = fs::read_to_string(&page).unwrap();
    let wrong = text.replacen("| 缓冲区 | 1024 字节 |", "| 缓冲区 | 2048 字节 |", 1);
    assert_ne!(
        text, wrong,
        "05-tcp.md 的事实表里应该有 | 缓冲区 | 1024 字节 |"
    );
    fs::write(&page, wrong).unwrap();
    let problems = check(&scratch);
    fs::remove_dir_all(&scratch).unwrap();
    assert!(
        problems.iter().any(|p| p.contains("2048")),
        "事实表写错了缓冲区大小，检查却没发现：{problems:?}"
    );
}

#[test]
fn the_check_bites_when_a_minimal_version_changes_or_is_not_shown() {
    let scratch = scratch_copy("example");
    let example = scratch.join("crates/tcp_server/examples/tcp_server_minimal.rs");
    let source = fs::read_to_string(&example).unwrap();
    fs::write(&example, source.replacen("b\"hi\"", "b\"hey\"", 1)).unwrap();
    let changed = check(&scratch);
    // 一个哪一页都没有展示的新例子。
    let extra = scratch.join("crates/tcp_server/examples/tcp_server_extra.rs");
    fs::write(&extra, "fn main() {}\n").unwrap();
    let unshown = check(&scratch);
    fs::remove_dir_all(&scratch).unwrap();
    assert!(
        changed
            .iter()
            .any(|p| p.contains("代码块和") && p.contains("tcp_server_minimal.rs")),
        "改了 tcp_server 的最小版本，检查却没发现：{changed:?}"
    );
    assert!(
        unshown
            .iter()
            .any(|p| p.contains("tcp_server/examples/tcp_server_extra.rs")),
        "没有展示的例子，检查却没发现：{unshown:?}"
    );
}
