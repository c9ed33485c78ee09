//! framed_client 的最小版本：和课程风格的 Python 客户端一行对一行，每条消息前面加 4 字节长度报头。
//! 运行：先启动服务端（cargo run -p framed_server），
//! 再 cargo run -p framed_client --example framed_client_minimal [-- 127.0.0.1:8900]
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:8900"));
    let mut sk = TcpStream::connect(addr)?; // connect：三次握手
    let long_message = "0123456789".repeat(300);
    for body in ["hello", "你好", "world", "黏包", "字节流", &long_message] {
        let mut framed = (body.len() as u32).to_be_bytes().to_vec(); // struct.pack('!I', len(body))：大端
        framed.extend_from_slice(body.as_bytes());
        sk.write_all(&framed)?; // sendall：报头和正文一起发出去
    }
    sk.shutdown(Shutdown::Write)?; // 告诉服务端"发完了"：它读下一个报头时读到 0 字节
    let mut header = [0u8; 4];
    sk.read_exact(&mut header)?; // recv_exact(sk, 4)：先读满回复的报头
    let length = u32::from_be_bytes(header) as usize; // struct.unpack('!I', header)
    if length > 65536 {
        // 长度来自网络，不可轻信：先核对，再分配内存
        return Err(std::io::Error::other(format!(
            "报头说正文有 {length} 字节，太长了"
        )));
    }
    let mut body = vec![0u8; length];
    sk.read_exact(&mut body)?; // recv_exact(sk, length)：再读满正文
    println!("{}", String::from_utf8_lossy(&body));
    Ok(())
}
