//! --class：一个文件夹里每个子文件夹是一位同学的作业。Cargo 项目先编译，.py 用 python3 运行；
//! 每个人都按同一个角色检查，最后打印一张表，并写成 CSV（带 BOM，Excel 打开中文不乱码）。
//! 一个人的程序卡住、崩溃、狂打输出，都只影响他自己那一行。

use crate::mark;
use crate::roles::{self, Options, Outcome, Report, Role, State};
use crate::run;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

/// 编译一位同学的 Cargo 项目最多等多久（第一次要下载、编译依赖）。
const BUILD_LIMIT: Duration = Duration::from_secs(300);

struct Row {
    name: String,
    /// 没能检查时的原因（编译失败、找不到程序……）。
    trouble: Option<String>,
    report: Report,
}

pub fn run(role: Role, dir: &Path, opts: &Options, csv: Option<&OsStr>) -> ExitCode {
    let mut students: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect(),
        Err(e) => {
            eprintln!("读不了文件夹 {}（{e}）：路径写对了吗？", dir.display());
            return ExitCode::from(2);
        }
    };
    students.sort();
    if students.is_empty() {
        eprintln!(
            "{} 里没有子文件夹：每位同学的作业应该放在一个子文件夹里。",
            dir.display()
        );
        return ExitCode::from(2);
    }
    say!(
        "检查 {} 位同学的 {}（{}）",
        students.len(),
        role.name,
        dir.display()
    );
    if !opts.addr {
        say!(
            "没有用 --addr：每个程序都按课程的地址 {} 运行。检查器关闭连接时发 RST，不留 TIME_WAIT，下一位同学照样能用这个端口。",
            role.lesson_addr
        );
    }
    let mut rows = Vec::new();
    for (index, student) in students.iter().enumerate() {
        let name = student
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // 每人一个单独的编译目录：大家的包名多半都叫 my_server，共用一个目录时 cargo 会把
        // 上一位同学编好的程序当成"已经是最新的"，直接拿来用。检查完就删掉。
        let target =
            std::env::temp_dir().join(format!("checker-build-{}-{index}", std::process::id()));
        if !opts.addr && !role.udp {
            wait_for_time_wait(role);
        }
        let row = match command_for(student, &target) {
            Ok(command) => Row {
                name,
                trouble: None,
                report: roles::check(role, &command, opts),
            },
            Err(trouble) => Row {
                name,
                trouble: Some(trouble),
                report: Report::default(),
            },
        };
        say!(
            "[{}/{}] {}：{}",
            index + 1,
            students.len(),
            row.name,
            verdict(&row)
        );
        rows.push(row);
    }
    let columns = columns(&rows);
    print_table(&rows, &columns);
    let default_csv = OsString::from(format!("检查结果-{}.csv", role.name));
    let csv_path = Path::new(csv.unwrap_or(&default_csv));
    match std::fs::write(csv_path, csv_text(&rows, &columns)) {
        Ok(()) => say!("表格已写到 {}（用 Excel 或 WPS 打开）", csv_path.display()),
        Err(e) => {
            eprintln!(
                "写不了 {}（{e}）：换个位置，用 --csv 指定文件名。",
                csv_path.display()
            );
            return ExitCode::from(1);
        }
    }
    if rows
        .iter()
        .all(|r| r.trouble.is_none() && r.report.required_passed())
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// 课程的端口还被 TIME_WAIT 占着时（只有 tcp_server_reuse 的"马上重启"一项会故意留下），
/// 等它过去再检查下一位同学，并说一声等了多久。别的检查发 RST，不会留下 TIME_WAIT，这里不用等。
fn wait_for_time_wait(role: Role) {
    let Ok(addr) = role.lesson_addr.parse() else {
        return;
    };
    if crate::net::lesson_server_could_bind(addr) {
        return;
    }
    let started = std::time::Instant::now();
    say!("  {addr} 现在绑定不了（多半是上一次检查留下的 TIME_WAIT），等它空出来再检查下一位……");
    while started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_secs(1));
        if crate::net::lesson_server_could_bind(addr) {
            say!("  等了 {} 秒。", started.elapsed().as_secs());
            return;
        }
    }
    say!("  等了两分钟还是绑定不了 {addr}：可能有别的程序在用这个端口。");
}

fn verdict(row: &Row) -> String {
    if let Some(trouble) = &row.trouble {
        return format!("没能检查（{trouble}）");
    }
    let required: Vec<&Outcome> = row.report.outcomes.iter().filter(|o| o.required).collect();
    let passed = required.iter().filter(|o| o.state == State::Pass).count();
    if passed == required.len() {
        format!("必须项全部通过（{passed}/{}）", required.len())
    } else {
        format!("必须项 {passed}/{} 通过", required.len())
    }
}

/// 表格的列：所有人的检查项按第一次出现的顺序，必须项在前。
fn columns(rows: &[Row]) -> Vec<(bool, &'static str)> {
    let mut columns: Vec<(bool, &'static str)> = Vec::new();
    for required in [true, false] {
        for row in rows {
            for o in row
                .report
                .outcomes
                .iter()
                .filter(|o| o.required == required)
            {
                if !columns.contains(&(required, o.key)) {
                    columns.push((required, o.key));
                }
            }
        }
    }
    columns
}

fn cell(row: &Row, column: (bool, &str)) -> &'static str {
    if row.trouble.is_some() {
        return if column.0 { "✘" } else { "-" };
    }
    row.report
        .outcomes
        .iter()
        .find(|o| o.required == column.0 && o.key == column.1)
        .map(|o| mark(o.state))
        .unwrap_or("-")
}

/// 终端里的表：一行一位同学，每项一个符号；列的含义写在表下面，投影仪上也放得下。
fn print_table(rows: &[Row], columns: &[(bool, &'static str)]) {
    let width = rows
        .iter()
        .map(|r| display_width(&r.name))
        .max()
        .unwrap_or(4)
        .max(4);
    let required = columns.iter().filter(|c| c.0).count();
    say!();
    say!(
        "{}  必须{}  更结实",
        pad("同学", width),
        " ".repeat(required.saturating_sub(2) * 2)
    );
    for row in rows {
        let marks: Vec<&str> = columns.iter().map(|&c| cell(row, c)).collect();
        let (must, extra) = marks.split_at(required);
        say!(
            "{}  {}  {}",
            pad(&row.name, width),
            must.join(" "),
            extra.join(" ")
        );
    }
    let names = |required: bool| {
        columns
            .iter()
            .filter(|c| c.0 == required)
            .map(|c| c.1)
            .collect::<Vec<_>>()
            .join("、")
    };
    say!("必须：{}", names(true));
    say!("更结实：{}", names(false));
}

/// 中文字符在终端里占两格。
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad(text: &str, width: usize) -> String {
    format!(
        "{text}{}",
        " ".repeat(width.saturating_sub(display_width(text)))
    )
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_text(rows: &[Row], columns: &[(bool, &'static str)]) -> String {
    let mut out = String::from("\u{feff}");
    let mut header = vec!["同学".to_string(), "结论".to_string()];
    header.extend(columns.iter().map(|(required, key)| {
        if *required {
            key.to_string()
        } else {
            format!("更结实:{key}")
        }
    }));
    header.push("没通过的必须项".to_string());
    out.push_str(
        &header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for row in rows {
        let mut fields = vec![row.name.clone(), verdict(row)];
        fields.extend(columns.iter().map(|&c| cell(row, c).to_string()));
        let failed: Vec<String> = row
            .report
            .outcomes
            .iter()
            .filter(|o| o.required && o.state == State::Fail)
            .map(|o| format!("{}：{}", o.title, o.happened))
            .collect();
        fields.push(failed.join("；"));
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// 一位同学的程序怎么运行：Cargo 项目先编译再运行编出来的程序；否则找一个 .py 用 python3 运行。
fn command_for(dir: &Path, target: &Path) -> Result<Vec<OsString>, String> {
    if dir.join("Cargo.toml").exists() {
        return build(dir, target).map(|exe| vec![exe.into_os_string()]);
    }
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("读不了（{e}）"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    scripts.sort();
    let script = match scripts.len() {
        0 => return Err("没有 Cargo.toml，也没有 .py 文件".to_string()),
        1 => scripts.remove(0),
        _ => scripts
            .iter()
            .find(|p| p.file_stem().is_some_and(|s| s == "main"))
            .cloned()
            .ok_or("有好几个 .py 文件，不知道运行哪个（只留一个，或者叫 main.py）")?,
    };
    let python = python().ok_or("这台电脑上找不到 Python 3（python3 或 python）")?;
    Ok(vec![python.into(), script.into_os_string()])
}

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|name| {
        Command::new(name).arg("--version").output().is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).starts_with("Python 3")
        })
    })
}

/// cargo build，从它的 JSON 消息里找到编出来的程序。
fn build(dir: &Path, target: &Path) -> Result<PathBuf, String> {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .current_dir(dir);
    let (ok, stdout, stderr) =
        run::run_bounded(&mut cargo, BUILD_LIMIT).map_err(|e| format!("编译{e}"))?;
    if !ok {
        let first = stderr
            .lines()
            .find(|l| l.trim_start().starts_with("error"))
            .unwrap_or("cargo build 失败");
        return Err(format!("编译失败：{}", run::short(first, 70)));
    }
    stdout
        .lines()
        .filter(|l| l.contains("\"compiler-artifact\""))
        .filter_map(executable)
        .next_back()
        .ok_or_else(|| {
            "编译成功了，但没有找到编出来的程序（是不是只有库，没有 main.rs？）".to_string()
        })
}

/// JSON 一行里的 `"executable":"…"`。
fn executable(line: &str) -> Option<PathBuf> {
    let start = line.find("\"executable\":\"")? + "\"executable\":\"".len();
    let mut out = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(PathBuf::from(out)),
            '\\' => out.push(chars.next()?),
            other => out.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_executable_is_read_from_cargo_json_even_with_windows_paths() {
        let line = r#"{"reason":"compiler-artifact","executable":"C:\\作业\\target\\debug\\my_server.exe","fresh":false}"#;
        assert_eq!(
            executable(line),
            Some(PathBuf::from(r"C:\作业\target\debug\my_server.exe"))
        );
        assert_eq!(executable(r#"{"executable":null}"#), None);
    }

    #[test]
    fn csv_fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(csv_field("王芳"), "王芳");
        assert_eq!(csv_field("收到 \"hello\""), "\"收到 \"\"hello\"\"\"");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }
}
