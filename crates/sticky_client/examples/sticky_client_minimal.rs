//! sticky_client 的最小版本：和课程风格的 Python 客户端一行对一行，连着 send 6 次，再听服务端说它 recv 了几次。
//! 运行：先启动服务端（cargo run -p sticky_server），
//! 再 cargo run -p sticky_client --example sticky_client_minimal [-- 127.0.0.1:8899]
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8899"));
    let mut sk = TcpStream::connect(addr)?; // connect：三次握手
    for message in ["hello", "你好", "world", "黏包", "字节流"] {
        sk.write_all(message.as_bytes())?; // 每条单独 send 一次，条与条之间没有任何记号
    }
    sk.write_all("0123456789".repeat(300).as_bytes())?; // 3000 字节一次 send，对方一次 recv(1024) 读不完
    sk.shutdown(Shutdown::Write)?; // 告诉服务端"发完了"：它的 recv 会读到 0 字节
    let mut reply = Vec::new();
    sk.read_to_end(&mut reply)?; // 一直 recv 到服务端关闭连接
    println!("{}", String::from_utf8_lossy(&reply));
    Ok(())
}
