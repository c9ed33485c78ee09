//! tcp_server 的最小版本：课程里的 TCP 服务端，Python 一行对 Rust 一行。
//! 运行：cargo run -p tcp_server --example tcp_server_minimal [-- 地址]，再用 tcp_client 或 nc 连上来。
//! 出错时直接以 Rust 的错误结束；每种失败都说清楚的完整版在 src/main.rs。

use std::io::{Read, Write};
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8898"));
    // socket + bind + listen：Rust 一步做完
    let listener = TcpListener::bind(&addr)?;
    // 端口写 0 时，打印出来才知道系统挑了哪个
    println!("正在监听 {}", listener.local_addr()?);
    // accept：一直等到有客户端连上来
    let (mut conn, _addr) = listener.accept()?;
    // recv(1024)：最多收 1024 字节，n 是实际收到的字节数
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    // print：{:?} 像 Python 打印 b'...' 那样，把控制字符显示成转义
    println!("{:?}", String::from_utf8_lossy(&buf[..n]));
    // send：write_all 保证两个字节都交给内核
    conn.write_all(b"hi")?;
    // close：conn 和 listener 离开作用域时自动关闭
    Ok(())
}
