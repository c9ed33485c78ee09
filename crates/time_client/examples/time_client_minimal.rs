//! time_client 的最小版本：课程的 Python 时间客户端，一行对一行地写成 Rust，外加课程漏掉的那行打印。
//! 运行：cargo run -p time_client --example time_client_minimal [-- 地址]，默认 127.0.0.1:9000，按 Ctrl-D 结束。
//! 和课程一样只走 IPv4，没有服务器时会一直等下去；完整版（src/main.rs）把这些都处理了。

use std::io::{self, Write};
use std::net::UdpSocket;

fn main() -> io::Result<()> {
    let mut args = std::env::args();
    let addr = args.nth(1).unwrap_or(String::from("127.0.0.1:9000"));
    // 端口 0：让系统挑一个空闲端口，Python 在第一次 sendto 时也是这么做的。
    let socket = UdpSocket::bind("0.0.0.0:0")?;
    let mut buf = [0u8; 1024];
    let mut lines = io::stdin().lines();
    loop {
        // input()：print! 不换行，要 flush 才看得到提示语；读不到下一行（Ctrl-D）就结束。
        print!("请输入时间格式(例%Y %m %d)>>: ");
        io::stdout().flush()?;
        let Some(msg) = lines.next() else { break };
        // sendto：strip() 之后的格式，空行就寄出一个空数据报。
        socket.send_to(msg?.trim().as_bytes(), &addr)?;
        let n = socket.recv(&mut buf)?;
        println!("{}", String::from_utf8_lossy(&buf[..n]));
    }
    Ok(())
}
