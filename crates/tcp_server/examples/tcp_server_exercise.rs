//! 05 页练习"一个接一个地服务客户端"的参考答案：在最小版本上改，服务完一个客户端不退出，回去等下一个。
//! 运行：cargo run -p tcp_server --example tcp_server_exercise [-- 地址]，按 Ctrl-C 结束。

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8898"));
    let listener = TcpListener::bind(&addr)?;
    println!("正在监听 {}", listener.local_addr()?);
    // 改动一：accept 放进 loop，一个客户端走了，回来等下一个
    loop {
        let (conn, peer) = listener.accept()?;
        // 改动二：一个客户端出的错只算它自己的，说一声，接着服务下一个
        if let Err(e) = handle_client(conn, peer) {
            eprintln!("客户端 {peer} 出错了：{e}");
        }
    }
}

// 原来 main 里 recv、print、send 那几行，原样搬进这个函数；出错时 ? 只结束这一次对话
fn handle_client(mut conn: TcpStream, peer: SocketAddr) -> std::io::Result<()> {
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    println!("{peer}：{:?}", String::from_utf8_lossy(&buf[..n]));
    conn.write_all(b"hi")?;
    Ok(())
}
