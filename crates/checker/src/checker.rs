//! checker：检查你自己写的课程程序，和课程的程序做的事一样不一样。
//!
//! 检查器扮演另一端（你写服务端，它当客户端；你写客户端，它当服务端），照课程的样子说话，
//! 然后一条一条地说：哪些做到了（✔），哪些没做到（✘）、应该怎样、实际怎样、去文档哪一页看。
//! 程序用什么语言写都行：python3 my_server.py、编译好的程序、cargo run 都可以。
//!
//! 学生：cargo run -p checker -- tcp_server -- python3 my_server.py
//!       cargo run -p checker -- tcp_server --addr -- cargo run --manifest-path ../my_server/Cargo.toml --
//! 老师：cargo run -p checker -- tcp_server --class 作业文件夹
//!
//! 退出码：0 必须项全部通过；1 有必须项没通过（或者 --class 时有同学没全通过）；2 参数写错了。
//!
//! 注意：被检查的程序以运行检查器的人的权限运行，检查器只是限制了时间、输出和工作目录。

/// 代替 println!：标准输出被关掉时（比如接给了 `head`）println! 会 panic，这里不理会写失败，
/// 照常检查完、结束学生的程序。
macro_rules! say {
    () => {
        $crate::say_line(String::new())
    };
    ($($arg:tt)*) => {
        $crate::say_line(format!($($arg)*))
    };
}

fn say_line(text: String) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{text}");
}

mod class;
mod net;
mod roles;
mod run;

use roles::{Options, Report, Role, State};
use std::ffi::OsString;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
用法：
  检查一个程序：checker 角色 [选项] -- 运行程序的命令…
  检查一个班：  checker 角色 --class 文件夹 [选项]

  角色是课程里的程序名：tcp_server tcp_client tcp_server_reuse udp_server udp_client
      qq_server qq_client time_server time_client sticky_server sticky_client framed_server framed_client
  选项：
    --addr          程序接受一个地址参数：检查器把一个空闲端口的地址加在命令末尾（推荐）
    --addr 地址     同上，但每次都用这个本机地址，比如 --addr 127.0.0.1:8898
                    不加时程序按课程的地址运行，检查器用课程的端口
    --limit 秒数    每一步最多等多久（默认 5）
    --start 秒数    等程序启动最多多久，包括 cargo run 的编译（默认 60）
    --csv 文件      --class 时把表格写到这个文件（默认 ./检查结果-角色.csv）

  例子：cargo run -p checker -- tcp_server -- python3 my_server.py
        cargo run -p checker -- tcp_client --addr -- ./target/debug/my_client
        cargo run -p checker -- qq_server --class 作业";

struct Args {
    role: Role,
    opts: Options,
    command: Vec<OsString>,
    class: Option<OsString>,
    csv: Option<OsString>,
}

fn parse(args: impl Iterator<Item = OsString>) -> Result<Option<Args>, String> {
    let mut args = args.peekable();
    let Some(first) = args.next() else {
        return Err("缺少角色：要检查的是哪一个课程程序？".to_string());
    };
    let first = first.to_string_lossy().into_owned();
    if first == "-h" || first == "--help" {
        return Ok(None);
    }
    let role = roles::find(&first).ok_or_else(|| format!("不认识的角色 {first}"))?;
    let mut opts = Options {
        addr: false,
        fixed: None,
        limit: Duration::from_secs(5),
        start: Duration::from_secs(60),
    };
    let (mut class, mut csv, mut command) = (None, None, Vec::new());
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--") => {
                command = args.by_ref().collect();
                break;
            }
            Some("--addr") => {
                opts.addr = true;
                // 后面紧跟一个地址时，每次都用这个地址。
                if let Some(addr) = args
                    .peek()
                    .and_then(|a| a.to_str()?.parse::<SocketAddr>().ok())
                {
                    if !addr.ip().is_loopback() {
                        return Err(format!(
                            "{addr} 不是本机回环地址：检查只在本机（127.0.0.1 或 ::1）上做"
                        ));
                    }
                    opts.fixed = Some(addr);
                    args.next();
                }
            }
            Some("--limit") => opts.limit = seconds(args.next(), "--limit")?,
            Some("--start") => opts.start = seconds(args.next(), "--start")?,
            Some("--class") => {
                class = Some(args.next().ok_or("--class 后面要写一个文件夹")?);
            }
            Some("--csv") => csv = Some(args.next().ok_or("--csv 后面要写一个文件名")?),
            Some("-h" | "--help") => return Ok(None),
            _ => {
                return Err(format!(
                    "看不懂的参数 {}（运行的命令要写在 -- 后面）",
                    arg.to_string_lossy()
                ));
            }
        }
    }
    match (&class, command.is_empty()) {
        (None, true) => {
            return Err("缺少要检查的命令：写在 -- 后面，比如 -- python3 my_server.py".to_string());
        }
        (Some(_), false) => return Err("--class 和 -- 命令只能二选一".to_string()),
        _ => {}
    }
    Ok(Some(Args {
        role,
        opts,
        command,
        class,
        csv,
    }))
}

fn seconds(value: Option<OsString>, name: &str) -> Result<Duration, String> {
    value
        .and_then(|v| v.to_str()?.parse::<u64>().ok())
        .filter(|&n| (1..=600).contains(&n))
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{name} 后面要写 1 到 600 之间的秒数"))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args_os().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            say!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.class {
        return class::run(
            args.role,
            std::path::Path::new(dir),
            &args.opts,
            args.csv.as_deref(),
        );
    }
    let command = run::absolute_command(&args.command);
    say!(
        "检查 {}：{}",
        args.role.name,
        args.command
            .iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let report = roles::check(args.role, &command, &args.opts);
    print_report(&report);
    if report.required_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn mark(state: State) -> &'static str {
    match state {
        State::Pass => "✔",
        State::Fail => "✘",
        State::Skip => "-",
    }
}

fn print_report(report: &Report) {
    for note in &report.notes {
        say!("注意：{note}");
    }
    for (required, heading) in [
        (true, "必须做到（课程的程序就是这样做的）："),
        (false, "更结实（做到了更好，没做到不算错）："),
    ] {
        if !report.outcomes.iter().any(|o| o.required == required) {
            continue;
        }
        say!("{heading}");
        for o in report.outcomes.iter().filter(|o| o.required == required) {
            match o.state {
                State::Pass => say!("  ✔ {}", o.title),
                State::Skip => say!("  - {}（{}）", o.title, o.happened),
                State::Fail => {
                    say!("  ✘ {}", o.title);
                    say!("      应该：{}", o.expected);
                    say!("      实际：{}", o.happened);
                    say!("      提示：{}", o.hint);
                }
            }
        }
    }
    let required: Vec<_> = report.outcomes.iter().filter(|o| o.required).collect();
    let passed = required.iter().filter(|o| o.state == State::Pass).count();
    if passed == required.len() {
        say!("结论：必须项 {passed}/{} 全部通过。", required.len());
    } else {
        say!(
            "结论：必须项 {passed}/{} 通过，还有 {} 项没做到，照着提示改一改再试。",
            required.len(),
            required.len() - passed
        );
    }
}
