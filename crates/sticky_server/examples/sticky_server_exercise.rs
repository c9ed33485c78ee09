//! 第 11 页练习的参考答案：把 sticky_server_minimal 改成按换行符切消息（办法一：分隔符）。
//! 运行：cargo run -p sticky_server --example sticky_server_exercise [-- 127.0.0.1:0]
//! 再开一个终端：printf 'hello\n你好\nworld\n' | nc -N 127.0.0.1 8899
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8899"));
    let listener = TcpListener::bind(addr)?; // bind 和 listen 一步完成
    println!("sticky_server_exercise 正在监听 {}", listener.local_addr()?);
    let (conn, _peer) = listener.accept()?; // 等一个客户端连上来
    thread::sleep(Duration::from_millis(500)); // 照样先忙半秒：字节照样黏在一起
    let mut lines = 0;
    // BufReader 替我们把字节攒起来，遇到 \n 才切出一条：不管 TCP 怎么黏、怎么拆，出来的都是整行
    for line in BufReader::new(&conn).lines() {
        lines += 1;
        println!("第 {lines} 条：{:?}", line?);
    }
    let reply = format!("服务端一共收到 {lines} 行");
    (&conn).write_all(reply.as_bytes())?; // &TcpStream 也能写：读的那一半借走了 conn，写的这一半照样能用
    Ok(())
}
