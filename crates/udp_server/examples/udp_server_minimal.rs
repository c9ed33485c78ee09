//! udp_server 的最小版本：课程的 Python UDP 服务端，一行对一行地写成 Rust。
//! 运行：cargo run -p udp_server --example udp_server_minimal [-- 地址]，默认 127.0.0.1:9000。
//! 出错就直接退出、打印 Rust 的错误；把这些情况都说清楚的完整版在 src/main.rs。

use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:9000"));
    // 创建 UDP 套接字并 bind，一步做完；UDP 没有 listen，也没有 accept。
    let socket = UdpSocket::bind(&addr)?;
    println!("udp_server 正在等待数据报，地址 {}", socket.local_addr()?);
    // recvfrom(1024)：一直等到第一个数据报，同时得到寄件人的地址。
    let mut buf = [0u8; 1024];
    let (n, peer) = socket.recv_from(&mut buf)?;
    // {:?} 像 Python 打印 b'hello' 那样带着引号，控制字符也会被转义。
    println!("{:?} 来自 {peer}", String::from_utf8_lossy(&buf[..n]));
    // sendto：照着寄件人的地址回信；套接字离开作用域时自动关闭。
    socket.send_to(b"hi", peer)?;
    Ok(())
}
