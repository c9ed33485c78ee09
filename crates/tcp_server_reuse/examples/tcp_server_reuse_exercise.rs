//! 06 页练习"不设 SO_REUSEADDR，也能马上重启"的参考答案：让客户端先关闭连接。
//! 运行：cargo run -p tcp_server_reuse --example tcp_server_reuse_exercise [-- 地址]
//! 它故意不调用 set_reuse_address；回完 hi 后等客户端先关闭，TIME_WAIT 就留在客户端那头。

use socket2::{Domain, Socket, Type};
use std::io::{Read, Write};
use std::net::{TcpListener, ToSocketAddrs};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8898"));
    let addr = addr
        .to_socket_addrs()?
        .next()
        .ok_or(std::io::ErrorKind::NotFound)?;
    // 和最小版本一样，只是少了 set_reuse_address 那一行
    let sk = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    sk.bind(&addr.into())?;
    sk.listen(128)?;
    let listener = TcpListener::from(sk);
    println!("正在监听 {}", listener.local_addr()?);
    let (mut conn, _addr) = listener.accept()?;
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    println!("{:?}", String::from_utf8_lossy(&buf[..n]));
    conn.write_all(b"hi")?;
    // 改动在这里：先别关。一直读到 0 字节，也就是客户端已经关闭了它那一头，服务端再关闭
    while conn.read(&mut buf)? > 0 {}
    Ok(())
}
