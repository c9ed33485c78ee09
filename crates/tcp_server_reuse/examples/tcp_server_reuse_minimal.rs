//! tcp_server_reuse 的最小版本：课程里加了 SO_REUSEADDR 的 TCP 服务端，Python 一行对 Rust 一行。
//! 运行：cargo run -p tcp_server_reuse --example tcp_server_reuse_minimal [-- 地址]
//! 标准库没法在 bind 之前设置选项，所以监听套接字用 socket2 一步一步建（这个 crate 本来就依赖它）。

use socket2::{Domain, Socket, Type};
use std::io::{Read, Write};
use std::net::{TcpListener, ToSocketAddrs};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8898"));
    // 先把文字地址（也可以是 localhost:8898）解析成 IP 和端口，socket2 要的是它
    let addr = addr
        .to_socket_addrs()?
        .next()
        .ok_or(std::io::ErrorKind::NotFound)?;
    // socket()：IPv4 还是 IPv6 跟着地址走
    let sk = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)：就是课程加的那一行，必须在 bind 之前
    sk.set_reuse_address(true)?;
    sk.bind(&addr.into())?;
    sk.listen(128)?;
    // 换成标准库的 TcpListener，后面和 tcp_server 的最小版本一样
    let listener = TcpListener::from(sk);
    println!("正在监听 {}", listener.local_addr()?);
    let (mut conn, _addr) = listener.accept()?;
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    println!("{:?}", String::from_utf8_lossy(&buf[..n]));
    conn.write_all(b"hi")?;
    // conn 先关闭：服务端这头的连接进入 TIME_WAIT，所以下次重启要靠上面那一行
    Ok(())
}
