//! 基准测试用的"地板"：最简单的 UDP 回声服务端，收到什么就原样发回去，什么也不打印。
//! 每个请求只有一次 recvfrom 和一次 sendto，量出来的就是本机回环网络本身的开销，
//! 任何做了更多事的 UDP 服务端都不可能比它快。不是课程的程序，由 scripts/bench.sh 运行。
//!
//! 用法：udp_echo [绑定地址]    默认 127.0.0.1:0；第一行打印真正绑定的地址。

use std::net::UdpSocket;

fn main() {
    let addr = std::env::args().nth(1).unwrap_or("127.0.0.1:0".to_string());
    let socket = UdpSocket::bind(&addr).unwrap_or_else(|e| {
        eprintln!("udp_echo 无法绑定 {addr}：{e}");
        std::process::exit(1);
    });
    let bound = socket.local_addr().expect("刚绑定的套接字总有地址");
    println!("udp_echo 正在等待数据报，地址 {bound}");
    let mut buffer = [0u8; 1024];
    loop {
        // 收发失败（比如对方已经走了）只影响这一个请求。
        if let Ok((n, peer)) = socket.recv_from(&mut buffer) {
            let _ = socket.send_to(&buffer[..n], peer);
        }
    }
}
