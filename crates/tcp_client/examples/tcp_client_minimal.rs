//! tcp_client 的最小版本：课程里的 TCP 客户端，Python 一行对 Rust 一行。
//! 运行：先启动一个服务端，再 cargo run -p tcp_client --example tcp_client_minimal [-- 地址]。
//! 出错时直接以 Rust 的错误结束；每种失败都说清楚的完整版在 src/main.rs。

use std::io::{Read, Write};
use std::net::TcpStream;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8898"));
    // socket + connect：Rust 一步做完，三次握手完成才返回
    let mut sk = TcpStream::connect(&addr)?;
    // send：write_all 保证整条消息都交给内核
    sk.write_all(b"hello!")?;
    // recv(1024)：等服务端回话，n 是实际收到的字节数
    let mut buf = [0u8; 1024];
    let n = sk.read(&mut buf)?;
    // print：{:?} 像 Python 打印 b'...' 那样，把控制字符显示成转义
    println!("{:?}", String::from_utf8_lossy(&buf[..n]));
    // close：sk 离开作用域时自动关闭
    Ok(())
}
