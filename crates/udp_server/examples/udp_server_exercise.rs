//! 第 07 页练习的参考答案：最小版本的 udp_server 改成一直服务，每收到一个数据报就回一个 hi。
//! 运行：cargo run -p udp_server --example udp_server_exercise [-- 地址]，按 Ctrl-C 结束。
//! 和最小版本相比只多了 loop：UDP 没有连接，不用为每个客户端 accept，一个套接字就能接待所有人。

use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:9000"));
    let socket = UdpSocket::bind(&addr)?;
    println!("udp_server 正在等待数据报，地址 {}", socket.local_addr()?);
    let mut buf = [0u8; 1024];
    // 一直收下去：每个数据报都带着自己的寄件人，照着它回信就不会回错人。
    loop {
        let (n, peer) = socket.recv_from(&mut buf)?;
        println!("{:?} 来自 {peer}", String::from_utf8_lossy(&buf[..n]));
        socket.send_to(b"hi", peer)?;
    }
}
