//! time_server 的最小版本：课程的 Python 时间服务器，一行对一行地写成 Rust。
//! 运行：cargo run -p time_server --example time_server_minimal [-- 地址]，默认 127.0.0.1:9000，按 Ctrl-C 结束。
//! 它比课程的还脆：寄一个 chrono 不认识的 %Q 过去，它会 panic 退出（课程的 Python 版会原样回答 %Q）。
//! 让它挺过去是第 09 页的练习；完整版在 src/main.rs。

use chrono::Local;
use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:9000"));
    // 创建 UDP 套接字并 bind；课程的 SO_REUSEADDR 是给 TCP 用的，UDP 用不着，省掉。
    let socket = UdpSocket::bind(&addr)?;
    println!(
        "time_server 正在等待时间格式，地址 {}",
        socket.local_addr()?
    );
    let mut buf = [0u8; 1024];
    // while True：一个数据报就是一个请求，答完接着等下一个。
    loop {
        let (n, peer) = socket.recv_from(&mut buf)?;
        let msg = String::from_utf8_lossy(&buf[..n]);
        println!("===> {msg:?}");
        // 空数据报用默认格式，否则把收到的文字当成 strftime 的格式。
        let time_fmt = if msg.is_empty() { "%Y-%m-%d %X" } else { &msg };
        let back_msg = Local::now().format(time_fmt).to_string();
        socket.send_to(back_msg.as_bytes(), peer)?;
    }
}
