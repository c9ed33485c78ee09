//! udp_client 的最小版本：课程的 Python UDP 客户端，一行对一行地写成 Rust。
//! 运行：cargo run -p udp_client --example udp_client_minimal [-- 地址]，默认 127.0.0.1:9000。
//! 和课程一样只走 IPv4，没有服务端时会一直等下去；完整版（src/main.rs）把这些都处理了。

use std::net::UdpSocket;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:9000"));
    // Python 在第一次 sendto 时悄悄 bind 到一个空闲端口，Rust 自己写出来：端口 0 让系统挑。
    let socket = UdpSocket::bind("0.0.0.0:0")?;
    // sendto：没有连接，每个数据报都写明寄给谁。
    socket.send_to(b"hello", &addr)?;
    // recvfrom(1024)：收回复，连同它的来处。
    let mut buf = [0u8; 1024];
    let (n, from) = socket.recv_from(&mut buf)?;
    println!("{} {from}", String::from_utf8_lossy(&buf[..n]));
    Ok(())
}
