//! tcp_vs_udp：亲手量一量课程第 4 部分的说法——"TCP 可靠但效率低，UDP 效率高但不可靠"。
//!
//! 程序在本机回环地址 127.0.0.1 上（端口由系统临时挑选，不用另开终端），TCP 和 UDP 各测两样：
//!   1. 往返延迟：发 8 字节，等对方原样发回，反复很多次，记下中位数和 p99（最慢的那 1%）。
//!   2. 吞吐量：尽快发 1024 字节一条的带编号记录（和课程的 recv(1024) 一样大），接收方按编号
//!      数出收到、丢失、乱序、重复各多少条，算出每秒发出和真正送达的字节数。
//!
//! 最后打印一张对比表，和一句由这次的数字得出的结论。
//!
//! 试一试：
//!   cargo run -p tcp_vs_udp                        （一共测 3 秒）
//!   cargo run --release -p tcp_vs_udp -- 10        （测 10 秒，用编译器优化过的 release 版）
//! 这个程序自己扮演两端，没有要用 nc 连的地址；想看单独的 TCP、UDP 程序，见 tcp_server 和 udp_server。
//! 放进自己的项目：cargo new my_bench，把本文件复制成 src/main.rs，不需要 cargo add 任何依赖。
//!
//! 退出码：0 测完了；1 测量中出错（套接字建不起来、对方卡住……）；2 参数写错了。

use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// 不写参数时一共测几秒；参数允许的范围：太短测不出东西，太长没必要。
const DEFAULT_SECONDS: f64 = 3.0;
const MIN_SECONDS: f64 = 0.5;
const MAX_SECONDS: f64 = 60.0;
/// 一次往返发几个字节：一个包就装得下，量的是"来回一趟"本身要多久。
const PING_SIZE: usize = 8;
/// 吞吐测试里一条记录（也就是一个 UDP 数据报）多大：课程收数据都用 1024 字节的缓冲区。
const BUFFER_SIZE: usize = 1024;
/// TCP 一次交给内核多少字节：字节流没有消息边界，一次写一大块，系统调用就少得多。
const TCP_WRITE_SIZE: usize = 64 * 1024;
/// 一次往返最多等多久：UDP 的回复丢了就再也不会来，过了这个时间就记一次"没回来"，接着测下一次。
const PING_TIMEOUT: Duration = Duration::from_millis(200);
/// 发送方已经发完，接收方又这么久没收到东西，就认为该到的都到了。
const IDLE: Duration = Duration::from_millis(100);
/// 对方卡住（不读、不回）最多等多久，超过就报错退出，而不是永远挂着。
const STALL: Duration = Duration::from_secs(5);
/// 记录编号的上限，免得接收方记"收到过哪些编号"的表无限长（最多 32 MiB）。
const MAX_RECORDS: u64 = 1 << 28;
const USAGE: &str = "用法：tcp_vs_udp [秒数]    一共测多久，0.5～60，默认 3，例如 tcp_vs_udp 10";

fn main() -> ExitCode {
    let seconds = match seconds_from_args() {
        Ok(seconds) => seconds,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match compare(seconds) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn compare(seconds: f64) -> Result<(), String> {
    let share = |part: f64| Duration::from_secs_f64(seconds * part);
    let build = match cfg!(debug_assertions) {
        true => "调试版",
        false => "release 版",
    };
    say(&format!(
        "tcp_vs_udp：在 127.0.0.1 上测 {seconds} 秒（{build}），TCP 和 UDP 轮流上场……"
    ));
    // 两成时间测往返，三成时间测吞吐，TCP、UDP 各一遍，加起来正好是参数给的秒数。
    let pings = [tcp_pings(share(0.2))?, udp_pings(share(0.2))?];
    let flows = [tcp_flow(share(0.3))?, udp_flow(share(0.3))?];
    print_table(&pings, &flows);
    say(&format!("\n{}", reading(&pings, &flows)));
    Ok(())
}

/// 第 1 步：TCP 一问一答。连接的两端都在本程序里，对面的线程把收到的 8 字节原样写回来。
fn tcp_pings(length: Duration) -> Result<Pings, String> {
    let (client, mut server) = tcp_pair().map_err(setup_failed)?;
    // 关掉 Nagle 算法：TCP 默认会把还没被确认的小块数据攒一攒再发，而对方又会推迟确认（delayed ACK），
    // 一次往返里只要分两次写，第二块就可能白等几十毫秒。UDP 没有这套机制，关掉才比得公平。
    client
        .set_nodelay(true)
        .and(server.set_nodelay(true))
        .and(client.set_read_timeout(Some(PING_TIMEOUT)))
        .map_err(setup_failed)?;
    let echo = thread::spawn(move || {
        let mut ping = [0u8; PING_SIZE];
        // 客户端测完关掉连接，read_exact 读到结尾就失败，线程随之结束。
        while server.read_exact(&mut ping).is_ok() && server.write_all(&ping).is_ok() {}
    });
    // &TcpStream 也能读写，所以发送和接收两个闭包可以同时借用 client。
    let pings = ping_pong(
        length,
        |p| (&client).write_all(p),
        |r| (&client).read_exact(r),
    );
    drop(client);
    let _ = echo.join();
    pings
}

/// 第 2 步：UDP 一问一答。两个互相 connect 过的 UDP 套接字，对面的线程把数据报原样发回来。
fn udp_pings(length: Duration) -> Result<Pings, String> {
    let (client, server) = udp_pair().map_err(setup_failed)?;
    // 回声线程每隔一小会儿醒来看看测完了没有，所以它的 recv 也要有期限。
    client
        .set_read_timeout(Some(PING_TIMEOUT))
        .and(server.set_read_timeout(Some(IDLE)))
        .map_err(setup_failed)?;
    let done = AtomicBool::new(false);
    thread::scope(|scope| {
        scope.spawn(|| {
            let mut ping = [0u8; BUFFER_SIZE];
            while !done.load(Ordering::Relaxed) {
                if let Ok(n) = server.recv(&mut ping) {
                    let _ = server.send(&ping[..n]); // 回不去就算丢了，客户端会记下来
                }
            }
        });
        let pings = ping_pong(
            length,
            |p| client.send(p).map(drop),
            |r| client.recv(r).map(drop),
        );
        done.store(true, Ordering::Relaxed);
        pings
    })
}

/// 一问一答地测 `length` 这么久：每次发一个编号，等对方把同一个编号发回来，记下用了多久。
fn ping_pong(
    length: Duration,
    mut send: impl FnMut(&[u8]) -> std::io::Result<()>,
    mut recv: impl FnMut(&mut [u8]) -> std::io::Result<()>,
) -> Result<Pings, String> {
    let begin = Instant::now();
    let mut pings = Pings {
        rtts: Vec::new(),
        late: 0,
    };
    let mut number = 0u64;
    while begin.elapsed() < length {
        number += 1;
        let sent_at = Instant::now();
        send(&number.to_be_bytes()).map_err(|e| format!("往返测试发送失败：{e}"))?;
        let mut reply = [0u8; PING_SIZE];
        loop {
            match recv(&mut reply) {
                Ok(()) if u64::from_be_bytes(reply) == number => {
                    pings.rtts.push(sent_at.elapsed());
                    break;
                }
                Ok(()) => {} // 前一次"没回来"的回复迟到了，不是这一次的，扔掉
                Err(e) if is_timeout(&e) || e.kind() == ErrorKind::ConnectionReset => {
                    pings.late += 1;
                    break;
                }
                Err(e) => return Err(format!("往返测试接收失败：{e}")),
            }
        }
    }
    pings.rtts.sort();
    if pings.rtts.is_empty() {
        return Err("往返测试一次也没成功：发出去的都没按时回来。".to_string());
    }
    Ok(pings)
}

/// 第 3 步：TCP 吞吐。一次写 64 KiB（64 条带编号的记录），接收方按 1024 字节一条读出来数编号。
fn tcp_flow(length: Duration) -> Result<Flow, String> {
    let (mut sender, receiver) = tcp_pair().map_err(setup_failed)?;
    sender
        .set_write_timeout(Some(STALL))
        .and(receiver.set_read_timeout(Some(STALL)))
        .map_err(setup_failed)?;
    let start = Instant::now();
    let counting = thread::spawn(move || {
        let (mut tally, mut record) = (Tally::default(), [0u8; BUFFER_SIZE]);
        let mut input = BufReader::with_capacity(TCP_WRITE_SIZE, receiver);
        loop {
            match input.read_exact(&mut record) {
                Ok(()) => tally.count(&record),
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(tally),
                Err(e) => return Err(format!("TCP 接收方读数据失败：{e}")),
            }
        }
    });
    let (mut chunk, mut sent) = (vec![0u8; TCP_WRITE_SIZE], 0);
    while start.elapsed() < length && sent < MAX_RECORDS {
        for record in chunk.chunks_mut(BUFFER_SIZE) {
            record[..8].copy_from_slice(&sent.to_be_bytes());
            sent += 1;
        }
        // 对方读得慢、内核的缓冲区满了，write_all 就在这里等：这就是 TCP 的流量控制。
        sender
            .write_all(&chunk)
            .map_err(|e| format!("TCP 发送方写数据失败：{e}"))?;
    }
    let send_time = start.elapsed();
    drop(sender); // 关闭连接：接收方读完路上和缓冲区里的数据，就会读到结尾
    let tally = counting.join().map_err(|_| "TCP 接收线程意外结束。")??;
    Ok(Flow {
        start,
        sent,
        send_time,
        tally,
    })
}

/// 第 4 步：UDP 吞吐。一个数据报就是一条 1024 字节的记录，发送方不等、不问，能发多快发多快。
/// 接收方的缓冲区（SO_RCVBUF）保持系统默认大小：它一满，后来的数据报就被内核直接扔掉。
fn udp_flow(length: Duration) -> Result<Flow, String> {
    let (sender, receiver) = udp_pair().map_err(setup_failed)?;
    receiver
        .set_read_timeout(Some(IDLE))
        .map_err(setup_failed)?;
    let (done, start) = (AtomicBool::new(false), Instant::now());
    thread::scope(|scope| {
        let counting = scope.spawn(|| {
            let (mut tally, mut record) = (Tally::default(), [0u8; BUFFER_SIZE]);
            loop {
                match receiver.recv(&mut record) {
                    Ok(n) => tally.count(&record[..n]),
                    Err(e) if is_timeout(&e) && done.load(Ordering::Relaxed) => return Ok(tally),
                    // 发送方还在发，或者 Windows 报告前面某个数据报没送到（ConnectionReset）：接着收。
                    Err(e) if is_timeout(&e) || e.kind() == ErrorKind::ConnectionReset => {}
                    Err(e) => return Err(format!("UDP 接收方收数据失败：{e}")),
                }
            }
        });
        let (mut record, mut sent, mut last_error) = ([0u8; BUFFER_SIZE], 0, None);
        while start.elapsed() < length && sent < MAX_RECORDS {
            record[..8].copy_from_slice(&sent.to_be_bytes());
            sent += 1;
            // send 失败（比如 macOS 的发送队列满了）也算发过：这条记录就这样丢了。
            if let Err(e) = sender.send(&record) {
                last_error = Some(e);
            }
        }
        let send_time = start.elapsed();
        done.store(true, Ordering::Relaxed);
        let tally = counting.join().map_err(|_| "UDP 接收线程意外结束。")??;
        if tally.received == 0 {
            let reason = last_error.map(|e| format!("（{e}）")).unwrap_or_default();
            return Err(format!("UDP 的数据报一条也没送到{reason}"));
        }
        Ok(Flow {
            start,
            sent,
            send_time,
            tally,
        })
    })
}

/// 第 5 步：打印对比表。每一格都是这次量出来的数。
fn print_table(pings: &[Pings; 2], flows: &[Flow; 2]) {
    let (pings, flows) = (pings.each_ref(), flows.each_ref());
    say("");
    say(&format!("{:>44}{:>14}", "TCP", "UDP"));
    say(&format!("往返延迟（每次 {PING_SIZE} 字节，一问一答）"));
    row("  往返次数", pings.map(|p| p.rtts.len()));
    row("  中位数（微秒）", pings.map(|p| p.micros(50)));
    row("  p99（微秒）", pings.map(|p| p.micros(99)));
    let late = format!("  超过 {} 毫秒没回来（次）", PING_TIMEOUT.as_millis());
    row(&late, pings.map(|p| p.late));
    say(&format!("吞吐量（每条记录 {BUFFER_SIZE} 字节，尽快发）"));
    row("  发出（条）", flows.map(|f| f.sent));
    row("  收到（条）", flows.map(|f| f.tally.received));
    row("  丢失（条）", flows.map(|f| f.lost()));
    row("  乱序到达（条）", flows.map(|f| f.tally.out_of_order));
    row("  重复（条）", flows.map(|f| f.tally.duplicates));
    row("  发出速度（MB/s）", flows.map(|f| f.sent_rate()));
    row("  送达速度（MB/s）", flows.map(|f| f.delivered_rate()));
    row("  送达率（%）", flows.map(|f| f.delivered_percent()));
}

/// 第 6 步：一句结论，也由这次的数字算出来，而不是写死的。
fn reading([tcp_pings, udp_pings]: &[Pings; 2], [tcp, udp]: &[Flow; 2]) -> String {
    let (t, u) = (tcp_pings.micros(50), udp_pings.micros(50));
    let [(quick, q), (slow, s)] = if u <= t {
        [("UDP", u), ("TCP", t)]
    } else {
        [("TCP", t), ("UDP", u)]
    };
    let saved = 100.0 * (1.0 - q / s);
    // 差不到 5% 的话，换一次运行就可能反过来，不值得说谁快。
    let latency = match saved < 5.0 {
        true => format!("往返一趟两者差不多（中位数 TCP {t:.1}、UDP {u:.1} 微秒）"),
        false => {
            format!(
                "往返一趟 {quick} 比 {slow} 少用 {saved:.0}% 的时间（中位数 {q:.1} 对 {s:.1} 微秒）"
            )
        }
    };
    let (t, u) = (tcp.delivered_rate(), udp.delivered_rate());
    let [(fast, f), (slow, s)] = if t >= u {
        [("TCP", t), ("UDP", u)]
    } else {
        [("UDP", u), ("TCP", t)]
    };
    let speed = format!(
        "{fast} 是 {slow} 的 {:.1} 倍（{f:.1} 对 {s:.1} MB/s）",
        f / s
    );
    let tcp_kept = match (tcp.lost(), tcp.tally.out_of_order + tcp.tally.duplicates) {
        (0, 0) => "TCP 一条不少、顺序不乱".to_string(),
        (lost, odd) => format!("TCP 少了 {lost} 条、乱了 {odd} 条（这本不该发生）"),
    };
    format!(
        "结论：{latency}；送达速度 {speed}；UDP 发出的 {} 条丢了 {} 条（{:.1}%），{tcp_kept}。",
        udp.sent,
        udp.lost(),
        100.0 - udp.delivered_percent()
    )
}

/// 往返测试的结果：每次成功往返用的时间（已排序），和没按时回来的次数。
struct Pings {
    rtts: Vec<Duration>,
    late: u64,
}

impl Pings {
    /// 第 `percent` 百分位的往返时间，单位微秒（50 就是中位数）。
    fn micros(&self, percent: usize) -> f64 {
        let rank = (self.rtts.len() * percent).div_ceil(100).max(1);
        self.rtts[rank - 1].as_secs_f64() * 1e6
    }
}

/// 吞吐测试的结果：发了多少条、发了多久，和接收方的账本。
struct Flow {
    start: Instant,
    sent: u64,
    send_time: Duration,
    tally: Tally,
}

impl Flow {
    fn lost(&self) -> u64 {
        self.sent.saturating_sub(self.tally.received)
    }
    fn sent_rate(&self) -> f64 {
        megabytes_per_second(self.sent, self.send_time)
    }
    /// 送达速度按"从开始发到最后一条到达"算，不算接收方最后空等的那一小段。
    fn delivered_rate(&self) -> f64 {
        let time = self
            .tally
            .last_arrival
            .map_or(Duration::ZERO, |t| t - self.start);
        megabytes_per_second(self.tally.received, time)
    }
    fn delivered_percent(&self) -> f64 {
        100.0 * self.tally.received as f64 / self.sent.max(1) as f64
    }
}

/// 接收方的账本：按每条记录开头 8 字节的编号，数收到、乱序、重复各多少条。
#[derive(Default)]
struct Tally {
    last_arrival: Option<Instant>,
    received: u64,
    out_of_order: u64,
    duplicates: u64,
    next_new: u64,
    seen: Vec<u64>, // 每一位记一个编号收到过没有
}

impl Tally {
    fn count(&mut self, record: &[u8]) {
        let number = match record.get(..8).and_then(|head| head.try_into().ok()) {
            Some(head) => u64::from_be_bytes(head),
            None => return, // 不到 8 字节，不是我们发的记录
        };
        if number >= MAX_RECORDS {
            return;
        }
        let (slot, bit) = ((number / 64) as usize, 1u64 << (number % 64));
        if slot >= self.seen.len() {
            self.seen.resize(slot + 1, 0);
        }
        self.last_arrival = Some(Instant::now());
        if self.seen[slot] & bit != 0 {
            self.duplicates += 1;
            return;
        }
        self.seen[slot] |= bit;
        self.received += 1;
        // 编号比它大的已经先到了，它就是"乱序到达"。
        if number < self.next_new {
            self.out_of_order += 1;
        } else {
            self.next_new = number + 1;
        }
    }
}

fn megabytes_per_second(records: u64, time: Duration) -> f64 {
    (records * BUFFER_SIZE as u64) as f64 / time.as_secs_f64().max(1e-9) / 1e6
}

/// 一条本机 TCP 连接的两端：监听一个临时端口，连上去，再 accept 出对面那一端。
/// 握手由内核完成，所以先 connect、后 accept 也行：accept 之前连接就已经排在队列里了。
fn tcp_pair() -> std::io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let client = TcpStream::connect_timeout(&listener.local_addr()?, STALL)?;
    Ok((client, listener.accept()?.0))
}

/// 两个互相 connect 过的本机 UDP 套接字：只收对方的数据报，send/recv 也不用每次写地址。
fn udp_pair() -> std::io::Result<(UdpSocket, UdpSocket)> {
    let (one, other) = (
        UdpSocket::bind("127.0.0.1:0")?,
        UdpSocket::bind("127.0.0.1:0")?,
    );
    one.connect(other.local_addr()?)?;
    other.connect(one.local_addr()?)?;
    Ok((one, other))
}

/// 在本机准备套接字（bind、connect、设置选项）失败：这和网络无关，多半是系统资源出了问题。
fn setup_failed(e: std::io::Error) -> String {
    format!("无法在本机回环地址上准备测量用的套接字：{e}")
}

/// 读超时在 Unix 上报 WouldBlock，在 Windows 上报 TimedOut。
fn is_timeout(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// 表格的一行：标签靠左，两个数靠右，小数保留一位（整数不受 `.1` 影响）。
/// 汉字和全角括号在终端里占两格，所以按显示宽度补空格。
fn row(label: &str, cells: [impl std::fmt::Display; 2]) {
    let width: usize = label
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    let [tcp, udp] = cells;
    say(&format!(
        "{label}{}{tcp:>14.1}{udp:>14.1}",
        " ".repeat(30usize.saturating_sub(width))
    ));
}

/// 往 stdout 写一行，代替 println!。接收输出的程序先走了的时候（比如 `tcp_vs_udp | head -3`），
/// println! 会 panic；这里像别的命令行工具一样不再往下写，安静地结束。
fn say(line: &str) {
    if let Err(e) = writeln!(io::stdout(), "{line}") {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("输出写不出去了，程序停止。（{e}）");
        std::process::exit(1);
    }
}

/// 读第一个参数作为一共测多久（秒）；没有参数就测 3 秒。
fn seconds_from_args() -> Result<f64, String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let text = match args.as_slice() {
        [] => return Ok(DEFAULT_SECONDS),
        [one] => one.as_str(),
        _ => return Err("参数太多了：只需要一个秒数。".to_string()),
    };
    if text == "-h" || text == "--help" {
        println!("{USAGE}");
        std::process::exit(0);
    }
    match text.parse::<f64>() {
        Ok(seconds) if (MIN_SECONDS..=MAX_SECONDS).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "参数错误：「{text}」不是 {MIN_SECONDS}～{MAX_SECONDS} 之间的秒数。"
        )),
    }
}
