//! tcp_vs_udp 的测试：真的跑一遍测量（本机回环、系统挑的端口都在程序内部），
//! 然后核对表格：每一格都是数，而且这些数之间的关系就是课程第 4 部分要说的事。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::time::{Duration, Instant};
use support::*;

const PROGRAM: &str = env!("CARGO_BIN_EXE_tcp_vs_udp");

/// 表格里的每一行（去掉行首空格后的标签）。
const ROWS: &[&str] = &[
    "往返次数",
    "中位数（微秒）",
    "p99（微秒）",
    "超过 200 毫秒没回来（次）",
    "发出（条）",
    "收到（条）",
    "丢失（条）",
    "乱序到达（条）",
    "重复（条）",
    "发出速度（MB/s）",
    "送达速度（MB/s）",
    "送达率（%）",
];

/// 一行表格的两个数：[TCP, UDP]。缺了这一行，或者哪一格不是数，测试就失败。
fn cells(stdout: &str, label: &str) -> [f64; 2] {
    let line = stdout
        .lines()
        .find(|line| line.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("表格里没有「{label}」这一行：\n{stdout}"));
    let numbers: Vec<&str> = line[line.find(label).unwrap() + label.len()..]
        .split_whitespace()
        .collect();
    let parse = |text: &str| -> f64 {
        let value: f64 = text
            .parse()
            .unwrap_or_else(|_| panic!("「{label}」这一行的「{text}」不是数：\n{stdout}"));
        assert!(value.is_finite() && value >= 0.0, "「{line}」\n{stdout}");
        value
    };
    match numbers.as_slice() {
        [tcp, udp] => [parse(tcp), parse(udp)],
        _ => panic!("「{label}」这一行应该正好有 TCP、UDP 两格：{line:?}\n{stdout}"),
    }
}

/// 跑 0.5 秒的测量，返回它的输出和用了多久。
fn short_run() -> (Finished, Duration) {
    let began = Instant::now();
    let run = start(PROGRAM, &["0.5"]).finish_within(Duration::from_secs(20));
    (run, began.elapsed())
}

#[test]
fn every_cell_is_a_measured_number_and_tcp_delivers_everything() {
    let (run, took) = short_run();
    assert_eq!(run.code(), Some(0), "{run}");
    assert!(run.stderr.is_empty(), "{run}");
    let out = &run.stdout;
    // 参数管住了测量的长度：至少真的测了 0.5 秒，也不会拖得太久。
    assert!(took >= Duration::from_millis(500), "只跑了 {took:?}\n{run}");
    assert!(took < Duration::from_secs(10), "跑了 {took:?}\n{run}");
    for label in ROWS {
        cells(out, label);
    }
    assert!(!out.contains("N/A") && !out.contains(" - "), "{run}");

    // 往返：两边都真的一问一答过，时间是正数，p99 不比中位数快。
    let [tcp_pings, udp_pings] = cells(out, "往返次数");
    assert!(tcp_pings >= 1.0 && udp_pings >= 1.0, "{run}");
    let median = cells(out, "中位数（微秒）");
    let p99 = cells(out, "p99（微秒）");
    for side in 0..2 {
        assert!(median[side] > 0.0 && p99[side] >= median[side], "{run}");
    }

    // TCP：发出多少条，接收方就按编号数到多少条，一条不少、不乱、不重复。
    let [tcp_sent, udp_sent] = cells(out, "发出（条）");
    let [tcp_received, udp_received] = cells(out, "收到（条）");
    let [tcp_lost, udp_lost] = cells(out, "丢失（条）");
    assert!(tcp_sent > 0.0 && udp_sent > 0.0, "{run}");
    assert_eq!(tcp_received, tcp_sent, "{run}");
    assert_eq!(tcp_lost, 0.0, "{run}");
    assert_eq!(cells(out, "乱序到达（条）")[0], 0.0, "{run}");
    assert_eq!(cells(out, "重复（条）")[0], 0.0, "{run}");
    assert_eq!(cells(out, "送达率（%）")[0], 100.0, "{run}");

    // UDP：收到的加上丢了的，正好是发出的；送达率和这两个数对得上。
    assert_eq!(udp_received + udp_lost, udp_sent, "{run}");
    let udp_percent = cells(out, "送达率（%）")[1];
    assert!(
        (udp_percent - 100.0 * udp_received / udp_sent).abs() <= 0.05,
        "{run}"
    );
    let [tcp_rate, udp_rate] = cells(out, "送达速度（MB/s）");
    assert!(tcp_rate > 0.0 && udp_rate > 0.0, "{run}");
}

#[test]
fn the_reading_is_computed_from_this_runs_numbers() {
    let (run, _) = short_run();
    assert_eq!(run.code(), Some(0), "{run}");
    let out = &run.stdout;
    let reading = out
        .lines()
        .find(|line| line.starts_with("结论："))
        .unwrap_or_else(|| panic!("没有结论那一行：\n{run}"));
    // 结论里引用的数字，必须就是表格里的那些。
    let [tcp_median, udp_median] = cells(out, "中位数（微秒）");
    let [tcp_rate, udp_rate] = cells(out, "送达速度（MB/s）");
    let udp_sent = cells(out, "发出（条）")[1];
    let udp_lost = cells(out, "丢失（条）")[1];
    for number in [
        format!("{tcp_median:.1}"),
        format!("{udp_median:.1}"),
        format!("{tcp_rate:.1}"),
        format!("{udp_rate:.1}"),
        format!("发出的 {udp_sent} 条丢了 {udp_lost} 条"),
    ] {
        assert!(reading.contains(&number), "结论里没有 {number}：\n{run}");
    }
    // 谁快谁慢也是算出来的：往返时间短的一方写在前面；差不到 5% 就说差不多。
    let (quick, slow) = if udp_median <= tcp_median {
        (udp_median, tcp_median)
    } else {
        (tcp_median, udp_median)
    };
    let winner = if udp_median <= tcp_median {
        "往返一趟 UDP 比 TCP 少用"
    } else {
        "往返一趟 TCP 比 UDP 少用"
    };
    let close = "往返一趟两者差不多";
    let ratio = quick / slow;
    // 表里的数四舍五入过，正好在 5% 附近时两种说法都算对。
    let allowed: &[&str] = match ratio {
        r if (r - 0.95).abs() < 0.01 => &[winner, close],
        r if r > 0.95 => &[close],
        _ => &[winner],
    };
    assert!(
        allowed.iter().any(|verdict| reading.contains(verdict)),
        "结论里应该有 {allowed:?} 之一：\n{run}"
    );
    assert!(reading.contains("TCP 一条不少、顺序不乱"), "{run}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2_and(
        PROGRAM,
        "tcp_vs_udp",
        &[
            &["0.1"],
            &["61"],
            &["abc"],
            &["NaN"],
            &["inf"],
            &["-3"],
            &["1", "2"],
        ],
        |args, run| assert!(run.stdout.is_empty(), "坏参数不该开始测量：{args:?}\n{run}"),
    );
}

#[test]
fn help_prints_usage_and_exits_0() {
    for flag in ["-h", "--help"] {
        let run = assert_help_exits_0(PROGRAM, &[flag], "用法：tcp_vs_udp");
        assert!(run.stdout.starts_with("用法：tcp_vs_udp"), "{run}");
    }
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_it_quietly_before_measuring() {
    // 就像 `tcp_vs_udp | head -0`：第一行就写不出去，也就不必再花时间测量。
    let began = Instant::now();
    let (status, stderr) = run_with_stdout_closed(PROGRAM, &["30"]);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{:?}",
        began.elapsed()
    );
}
