//! sticky_server 的最小版本：和课程风格的 Python 服务端一行对一行，看几次 send 在 recv 这边黏成一团。
//! 运行：cargo run -p sticky_server --example sticky_server_minimal [-- 127.0.0.1:0]
//! 再开一个终端运行客户端：cargo run -p sticky_client
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8899"));
    let listener = TcpListener::bind(addr)?; // bind 和 listen 一步完成
    // 端口写 0 时，local_addr 告诉你系统挑了哪个端口
    println!("sticky_server_minimal 正在监听 {}", listener.local_addr()?);
    let (mut conn, _peer) = listener.accept()?; // 等一个客户端连上来
    thread::sleep(Duration::from_millis(500)); // 先忙半秒不读：这期间到的字节在内核里连成一串
    let mut buffer = [0u8; 1024];
    let (mut reads, mut total) = (0, 0);
    loop {
        let n = conn.read(&mut buffer)?; // recv(1024)：已经到了的字节，最多拿 1024 个
        if n == 0 {
            break; // 读到 0 字节：客户端说发完了
        }
        reads += 1;
        total += n;
        // {:?} 像 Python 打印 bytes 那样把控制字符转义，只显示前 40 个字节
        println!(
            "recv {n} {:?}",
            String::from_utf8_lossy(&buffer[..n.min(40)])
        );
    }
    println!("reads {reads} bytes {total}");
    let reply = format!("服务端一共 recv 了 {reads} 次，收到 {total} 字节");
    conn.write_all(reply.as_bytes())?; // sendall：把收了几次告诉客户端
    Ok(())
}
