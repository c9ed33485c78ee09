//! 检查器这一端的网络动作：全部在本机回环地址上，全部有期限。

use crate::run::Student;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

/// 一个现在没人用的本机端口：绑定端口 0 让系统挑，再放开。
pub fn free_port(udp: bool) -> Result<SocketAddr, String> {
    let found = if udp {
        UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr())
    } else {
        TcpListener::bind("127.0.0.1:0").and_then(|s| s.local_addr())
    };
    found.map_err(|e| format!("找不到空闲端口：{e}"))
}

fn exited_note(student: &mut Student) -> Option<String> {
    let status = student.exited()?;
    let last = student
        .stderr_text()
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| format!("，它最后说：{}", crate::run::short(l, 70)))
        .unwrap_or_default();
    Some(format!("程序已经退出了（{}）{last}", describe(status)))
}

pub fn describe(status: std::process::ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("退出码 {code}"),
        None => "被信号终止".to_string(),
    }
}

/// 一遍遍地连，直到连上、程序退出或到期。程序启动要时间（cargo run 还要先编译）。
pub fn connect_retry(
    addr: SocketAddr,
    student: &mut Student,
    limit: Duration,
) -> Result<TcpStream, String> {
    let deadline = Instant::now() + limit;
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Ok(stream) => return Ok(stream),
            Err(e) => {
                if let Some(note) = exited_note(student) {
                    return Err(format!("连不上 {addr}：{note}"));
                }
                if Instant::now() >= deadline {
                    return Err(format!(
                        "{} 秒内 {addr} 上一直没有人监听（{e}）",
                        limit.as_secs()
                    ));
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// 读到的东西，以及读是怎么停下来的。
pub struct Received {
    pub bytes: Vec<u8>,
    /// 对方关闭了连接（读到了文件结尾）。
    pub closed: bool,
    /// 对方重置了连接（RST）。
    pub reset: bool,
}

/// 一直读，直到对方关闭、读够 `enough` 字节或到期。
pub fn read_some(stream: &mut TcpStream, limit: Duration, enough: usize) -> Received {
    let deadline = Instant::now() + limit;
    let mut got = Received {
        bytes: Vec::new(),
        closed: false,
        reset: false,
    };
    let mut chunk = [0u8; 4096];
    while got.bytes.len() < enough {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let _ = stream.set_read_timeout(Some(deadline - now));
        match stream.read(&mut chunk) {
            Ok(0) => {
                got.closed = true;
                break;
            }
            Ok(n) => got.bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(_) => {
                got.reset = true;
                break;
            }
        }
    }
    got
}

/// 关闭时发 RST 而不是 FIN：这条连接的两端都不会进入 TIME_WAIT。
/// 课程的服务端先关闭；如果检查器再正常关闭，服务端那边的端口要在 TIME_WAIT 里待一分钟，
/// 下一位同学（或者同一位同学的下一项检查）的服务端就绑定不了同一个端口。
pub fn abort(stream: TcpStream) {
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// 正常关闭（发 FIN）：用来故意制造课程里的 TIME_WAIT。
pub fn close_politely(stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Both);
    drop(stream);
}

/// 等一个客户端连上来，同时留意程序是不是已经退出了。
pub fn accept_within(
    listener: &TcpListener,
    student: &mut Student,
    limit: Duration,
) -> Result<TcpStream, String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("检查器设置监听套接字失败：{e}"))?;
    let deadline = Instant::now() + limit;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                return Ok(stream);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(format!("检查器接受连接失败：{e}")),
        }
        if let Some(note) = exited_note(student) {
            return Err(format!("一直没有连上来：{note}"));
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{} 秒内没有连到 {}",
                limit.as_secs(),
                listener
                    .local_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default()
            ));
        }
        thread::sleep(Duration::from_millis(15));
    }
}

/// 连到学生 UDP 服务端的套接字（connect 过的 UDP 套接字能收到"端口不可达"）。
pub fn udp_to(addr: SocketAddr) -> Result<UdpSocket, String> {
    let local = if addr.is_ipv6() {
        "[::1]:0"
    } else {
        "127.0.0.1:0"
    };
    let socket = UdpSocket::bind(local).map_err(|e| format!("检查器绑定 UDP 失败：{e}"))?;
    socket
        .connect(addr)
        .map_err(|e| format!("检查器连接 UDP 失败：{e}"))?;
    Ok(socket)
}

fn refused(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset
    )
}

/// 把一个数据报送到学生的服务端：端口还没人绑定（程序还在启动）时系统会报告"不可达"，那就再发；
/// 一小会儿没有"不可达"就算送到了（本机回环上不会丢包）。送到以后不再重发，免得它收到两遍。
pub fn udp_deliver(
    socket: &UdpSocket,
    payload: &[u8],
    student: &mut Student,
    limit: Duration,
) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    let mut scratch = [0u8; 1];
    loop {
        socket
            .send(payload)
            .map_err(|e| format!("检查器发送失败：{e}"))?;
        let _ = socket.set_read_timeout(Some(Duration::from_millis(150)));
        match socket.peek(&mut scratch) {
            Err(e) if refused(&e) => {}
            _ => return Ok(()),
        }
        if let Some(note) = exited_note(student) {
            return Err(format!("数据报送不到：{note}"));
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{} 秒内 {} 上一直没有人接收数据报",
                limit.as_secs(),
                socket
                    .peer_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default()
            ));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// 等一个数据报（从 connect 的那个地址），同时留意程序是否退出。
pub fn udp_wait(
    socket: &UdpSocket,
    student: &mut Student,
    limit: Duration,
) -> Result<Vec<u8>, String> {
    let deadline = Instant::now() + limit;
    let mut buf = vec![0u8; 65536];
    loop {
        let _ = socket.set_read_timeout(Some(Duration::from_millis(100)));
        match socket.recv(&mut buf) {
            Ok(n) => return Ok(buf[..n].to_vec()),
            Err(e) if refused(&e) => {
                if let Some(note) = exited_note(student) {
                    return Err(format!("没有回答：{note}"));
                }
            }
            Err(_) => {
                if let Some(note) = exited_note(student) {
                    return Err(format!("没有回答：{note}"));
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(format!("{} 秒内没有回答", limit.as_secs()));
        }
    }
}

/// 检查器当 UDP 服务端时：等学生的客户端发来一个数据报，返回内容和它的地址。
pub fn udp_receive(
    socket: &UdpSocket,
    student: &mut Student,
    limit: Duration,
) -> Result<(Vec<u8>, SocketAddr), String> {
    let deadline = Instant::now() + limit;
    let mut buf = vec![0u8; 65536];
    loop {
        let _ = socket.set_read_timeout(Some(Duration::from_millis(100)));
        if let Ok((n, peer)) = socket.recv_from(&mut buf) {
            return Ok((buf[..n].to_vec(), peer));
        }
        if let Some(note) = exited_note(student) {
            return Err(format!("什么也没收到：{note}"));
        }
        if Instant::now() >= deadline {
            return Err(format!("{} 秒内什么也没收到", limit.as_secs()));
        }
    }
}

pub fn write_quietly(stream: &mut TcpStream, bytes: &[u8]) -> Result<(), String> {
    stream
        .write_all(bytes)
        .map_err(|e| format!("发送时连接断了（{e}）"))
}

/// 这个 TCP 端口现在能不能被一个不设 SO_REUSEADDR 的服务端（课程的写法）绑定上：
/// 有人在监听、或者还有连接在 TIME_WAIT 里时都不能。
pub fn lesson_server_could_bind(addr: SocketAddr) -> bool {
    use socket2::{Domain, Socket, Type};
    let Ok(socket) = Socket::new(Domain::for_address(addr), Type::STREAM, None) else {
        return true;
    };
    // std 的 TcpListener 在 Unix 上会自动设 SO_REUSEADDR，看不出 TIME_WAIT；这里用一个不设的套接字试。
    let _ = socket.set_reuse_address(false);
    socket.bind(&addr.into()).is_ok()
}
