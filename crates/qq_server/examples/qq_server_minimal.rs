//! qq_server 的最小版本：课程里仿 QQ 的 UDP 聊天服务端，一行对一行地写成 Rust。
//! 运行：cargo run -p qq_server --example qq_server_minimal [-- 127.0.0.1:0]
//! 再用 qq_client 给它发消息，回到这里打回复。按 Ctrl-C 结束。

use colored::Colorize;
use std::{env::args, io::Write, net::UdpSocket};

fn main() -> std::io::Result<()> {
    let addr = args().nth(1).unwrap_or(String::from("127.0.0.1:8081"));
    // UDP 只要 bind，不用 listen 和 accept：谁往这个端口寄数据报，谁就是聊天对象
    let socket = UdpSocket::bind(&addr)?;
    println!("qq_server 正在等待消息，地址 {}", socket.local_addr()?);
    let mut buffer = [0u8; 1024];
    loop {
        // recvfrom：除了消息，还拿到寄件地址；UDP 没有连接，回信全靠它
        let (n, peer) = socket.recv_from(&mut buffer)?;
        let msg = String::from_utf8_lossy(&buffer[..n]).bold().on_blue();
        println!("来自[{}:{}]的一条消息:{msg}", peer.ip(), peer.port());
        // input()：print! 不换行，要先 flush，提示符才看得见
        print!("回复消息: ");
        std::io::stdout().flush()?;
        let mut reply = String::new();
        std::io::stdin().read_line(&mut reply)?;
        // sendto：照着刚才的寄件地址寄回去，strip() 就是 trim()
        socket.send_to(reply.trim().as_bytes(), peer)?;
    }
}
