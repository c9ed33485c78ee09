//! 基准测试用：从启动一个服务端到它打印出就绪行（第一行 stdout）要多久。
//! 重复几次，报中位数和最小值（毫秒）。不是课程的程序，由 scripts/bench.sh 运行。
//!
//! 用法：time_to_ready 次数 程序 [参数…]
//! 输出一行：median_ms=… min_ms=…

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(runs), Some(program)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("用法：time_to_ready 次数 程序 [参数…]");
        std::process::exit(2);
    };
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let began = Instant::now();
        let mut child = Command::new(program)
            .args(&args[2..])
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                eprintln!("无法启动 {program}：{e}");
                std::process::exit(1);
            });
        let mut line = String::new();
        let read = BufReader::new(child.stdout.take().expect("stdout 是管道")).read_line(&mut line);
        let elapsed = began.elapsed();
        let _ = child.kill();
        let _ = child.wait();
        if !matches!(read, Ok(n) if n > 0) {
            eprintln!("{program} 没有打印就绪行就退出了");
            std::process::exit(1);
        }
        times.push(elapsed.as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "median_ms={:.1} min_ms={:.1}",
        times[times.len() / 2],
        times[0]
    );
}
