//! 第 09 页练习的参考答案：最小版本的 time_server 收到 %Q 这样的格式会 panic，整个服务端跟着倒下；
//! 这里改成回一句错误，接着服务下一个请求。
//! 运行：cargo run -p time_server --example time_server_exercise [-- 地址]，按 Ctrl-C 结束。

use chrono::Local;
use std::fmt::Write;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:9000"));
    let socket = UdpSocket::bind(&addr)?;
    println!(
        "time_server 正在等待时间格式，地址 {}",
        socket.local_addr()?
    );
    let mut buf = [0u8; 1024];
    loop {
        let (n, peer) = socket.recv_from(&mut buf)?;
        let msg = String::from_utf8_lossy(&buf[..n]);
        println!("===> {msg:?}");
        let time_fmt = if msg.is_empty() { "%Y-%m-%d %X" } else { &msg };
        // to_string() 遇到不认识的占位符会 panic；write! 把同一个错误作为返回值交给我们处理。
        let mut back_msg = String::new();
        if write!(back_msg, "{}", Local::now().format(time_fmt)).is_err() {
            back_msg = format!("错误：看不懂的时间格式 {msg:?}");
        }
        socket.send_to(back_msg.as_bytes(), peer)?;
    }
}
