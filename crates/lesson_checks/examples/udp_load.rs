//! 基准测试用的 UDP 负载客户端：同时让几个请求在路上（一个窗口），收到一个回答就再发一个，
//! 持续几秒，数出每秒多少个请求，再从 /proc/<服务端进程号>/stat 读出服务端这段时间用掉的
//! CPU 时间，算出每个请求花了服务端多少 CPU。不是课程的程序，由 scripts/bench.sh 运行。
//!
//! 用法：
//!   udp_load 服务端地址 [--pid 进程号] [--seconds 秒数] [--window 窗口] [--payload 内容] [--clk-tck 每秒节拍数]
//!   udp_load --free-port      打印一个此刻空闲的本机 UDP 端口
//! 输出一行 `键=值`，给脚本读：requests、seconds、rate、lost，有 --pid 时还有 cpu_seconds、
//! cpu_share（服务端忙的时间占比）和 cpu_us_per_request（来自 /proc/<pid>/stat，精度是一个时钟节拍），
//! 以及 sched_us_per_request（来自 /proc/<pid>/schedstat，纳秒精度，用来核对前者）。
//!
//! 窗口而不是一股脑地发：发得比服务端收得快，多出来的数据报会被内核丢掉，量到的就是丢包而不是服务端。

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::time::{Duration, Instant};

/// 等一个回答最多等多久；等不到就当它丢了，补发一个，窗口不会因此变小。
const LOST_AFTER: Duration = Duration::from_millis(200);
/// 正式计时之前先跑一会儿：让服务端、内核和 CPU 频率都进入稳定状态。
const WARM_UP: Duration = Duration::from_millis(500);
/// 服务端可能还在启动：最多等它这么久才回答第一个请求。
const FIRST_ANSWER_WITHIN: Duration = Duration::from_secs(10);

struct Options {
    addr: String,
    pid: Option<u32>,
    seconds: f64,
    window: usize,
    payload: String,
    clk_tck: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--free-port") {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("本机总能绑定端口 0");
        println!(
            "{}",
            socket.local_addr().expect("刚绑定的套接字总有地址").port()
        );
        return;
    }
    let options = parse(&args).unwrap_or_else(|message| {
        eprintln!("udp_load：{message}");
        std::process::exit(2);
    });
    if let Err(message) = run(&options) {
        eprintln!("udp_load：{message}");
        std::process::exit(1);
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        addr: String::new(),
        pid: None,
        seconds: 3.0,
        window: 8,
        payload: "%Y-%m-%d %X".to_string(),
        clk_tck: 100.0,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || rest.next().ok_or(format!("{arg} 后面缺一个值"));
        let bad = |e: &dyn std::fmt::Display| format!("{arg} 的值不对：{e}");
        match arg.as_str() {
            "--pid" => options.pid = Some(value()?.parse().map_err(|e| bad(&e))?),
            "--seconds" => options.seconds = value()?.parse().map_err(|e| bad(&e))?,
            "--window" => options.window = value()?.parse().map_err(|e| bad(&e))?,
            "--payload" => options.payload = value()?.clone(),
            "--clk-tck" => options.clk_tck = value()?.parse().map_err(|e| bad(&e))?,
            addr if options.addr.is_empty() => options.addr = addr.to_string(),
            other => return Err(format!("不认识的参数 {other}")),
        }
    }
    if options.addr.is_empty() {
        return Err("缺少服务端地址".to_string());
    }
    Ok(options)
}

fn run(options: &Options) -> Result<(), String> {
    let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    // connect 之后只收服务端发来的数据报，send/recv 也不必每次带地址。
    socket
        .connect(&options.addr)
        .map_err(|e| format!("无法指向 {}：{e}", options.addr))?;
    socket
        .set_read_timeout(Some(LOST_AFTER))
        .map_err(|e| e.to_string())?;
    let payload = options.payload.as_bytes();
    let mut buffer = [0u8; 2048];

    // 先确认服务端在回答（它可能刚启动，端口还没绑好时会收到"端口不可达"）。
    let began = Instant::now();
    loop {
        let _ = socket.send(payload);
        if socket.recv(&mut buffer).is_ok() {
            break;
        }
        if began.elapsed() > FIRST_ANSWER_WITHIN {
            return Err(format!("{} 一直没有回答", options.addr));
        }
    }

    load(&socket, payload, options.window, WARM_UP);
    let cpu_before = options.pid.map(cpu_ticks).transpose()?;
    let ran_before = options.pid.map(ran_ns).transpose()?;
    let measured = load(
        &socket,
        payload,
        options.window,
        Duration::from_secs_f64(options.seconds),
    );
    let cpu_after = options.pid.map(cpu_ticks).transpose()?;
    let ran_after = options.pid.map(ran_ns).transpose()?;

    let seconds = measured.elapsed.as_secs_f64();
    let mut line = format!(
        "requests={} seconds={seconds:.3} rate={:.0} lost={}",
        measured.answered,
        measured.answered as f64 / seconds,
        measured.lost
    );
    if let (Some(before), Some(after)) = (cpu_before, cpu_after) {
        let cpu_seconds = (after - before) as f64 / options.clk_tck;
        line += &format!(
            " cpu_seconds={cpu_seconds:.3} cpu_share={:.2} cpu_us_per_request={:.2}",
            cpu_seconds / seconds,
            cpu_seconds * 1e6 / measured.answered.max(1) as f64
        );
    }
    if let (Some(before), Some(after)) = (ran_before, ran_after) {
        line += &format!(
            " sched_us_per_request={:.2}",
            (after - before) as f64 / 1e3 / measured.answered.max(1) as f64
        );
    }
    println!("{line}");
    Ok(())
}

struct Measured {
    answered: usize,
    lost: usize,
    elapsed: Duration,
}

/// 保持 `window` 个请求在路上，持续 `duration`；最后在路上的那几个的回答收完才算结束。
fn load(socket: &UdpSocket, payload: &[u8], window: usize, duration: Duration) -> Measured {
    let mut buffer = [0u8; 2048];
    let began = Instant::now();
    let (mut answered, mut lost) = (0, 0);
    let mut in_flight = 0;
    while in_flight < window {
        if socket.send(payload).is_ok() {
            in_flight += 1;
        }
    }
    while in_flight > 0 {
        match socket.recv(&mut buffer) {
            Ok(_) => {
                answered += 1;
                in_flight -= 1;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            // 等了 LOST_AFTER 还没有回答：这一窗口里还没回来的都算丢了，重新装满窗口。
            Err(_) => {
                lost += in_flight;
                in_flight = 0;
            }
        }
        if began.elapsed() < duration {
            while in_flight < window {
                if socket.send(payload).is_ok() {
                    in_flight += 1;
                }
            }
        }
    }
    Measured {
        answered,
        lost,
        elapsed: began.elapsed(),
    }
}

/// 一个进程到现在为止用掉的 CPU 时间（用户态加内核态），单位是时钟节拍。
/// /proc/<pid>/stat 的第 2 栏是带括号的程序名，可能含空格，所以从最后一个 ')' 之后开始数：
/// 那之后第 1 个是第 3 栏（状态），utime、stime 是第 14、15 栏。
fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).map_err(|e| format!("读不了 {path}：{e}"))?;
    let after_name = &stat[stat.rfind(')').ok_or("stat 格式不对")? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |n: usize| -> Result<u64, String> {
        fields
            .get(n - 3)
            .and_then(|f| f.parse().ok())
            .ok_or(format!("{path} 第 {n} 栏不对"))
    };
    Ok(field(14)? + field(15)?)
}

/// 一个进程到现在为止在 CPU 上运行的纳秒数：/proc/<pid>/schedstat 的第一栏。
fn ran_ns(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/schedstat");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("读不了 {path}：{e}"))?;
    text.split_whitespace()
        .next()
        .and_then(|f| f.parse().ok())
        .ok_or(format!("{path} 格式不对"))
}
