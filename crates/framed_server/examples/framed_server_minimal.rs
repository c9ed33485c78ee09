//! framed_server 的最小版本：和课程风格的 Python 服务端一行对一行，按 4 字节长度报头一条条收消息。
//! 运行：cargo run -p framed_server --example framed_server_minimal [-- 127.0.0.1:0]
//! 再开一个终端运行客户端：cargo run -p framed_client
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

/// 读满 4 字节的报头；一个字节都没读到就返回 None：对方在两条消息之间说了"发完了"。
fn recv_header(conn: &mut TcpStream) -> std::io::Result<Option<[u8; 4]>> {
    let mut header = [0u8; 4];
    let first = conn.read(&mut header)?;
    if first == 0 {
        return Ok(None);
    }
    conn.read_exact(&mut header[first..])?; // 报头本身也可能被拆开，剩下的补齐
    Ok(Some(header))
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8900"));
    let listener = TcpListener::bind(addr)?; // bind 和 listen 一步完成
    // 端口写 0 时，local_addr 告诉你系统挑了哪个端口
    println!("framed_server_minimal 正在监听 {}", listener.local_addr()?);
    let (mut conn, _peer) = listener.accept()?; // 等一个客户端连上来
    let (mut count, mut total) = (0, 0);
    while let Some(header) = recv_header(&mut conn)? {
        let length = u32::from_be_bytes(header) as usize; // struct.unpack('!I')：大端，高位在前
        if length > 65536 {
            // 长度来自网络，不可轻信：先核对，再分配内存
            return Err(std::io::Error::other(format!(
                "报头说正文有 {length} 字节，太长了"
            )));
        }
        let mut body = vec![0u8; length];
        conn.read_exact(&mut body)?; // recv_exact：读满正文才返回，不管它分几次到
        count += 1;
        total += length;
        // {:?} 像 Python 打印 bytes 那样把控制字符转义，只显示前 20 个字节
        println!(
            "message {count} {length} {:?}",
            String::from_utf8_lossy(&body[..length.min(20)])
        );
    }
    let reply = format!("服务端一共收到 {count} 条消息，{total} 字节");
    let mut framed = (reply.len() as u32).to_be_bytes().to_vec(); // struct.pack('!I', len(reply))
    framed.extend_from_slice(reply.as_bytes());
    conn.write_all(&framed)?; // 回复也是一条带报头的消息
    Ok(())
}
