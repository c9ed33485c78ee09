//! qq_client 的最小版本：课程里仿 QQ 的 UDP 聊天客户端，一行对一行地写成 Rust。
//! 运行：cargo run -p qq_client --example qq_client_minimal [-- 127.0.0.1:8081]
//! （地址参数替换四个联系人的地址）。输入 q 结束和他的聊天，Ctrl-D 退出。

use colored::Colorize;
use std::{collections::HashMap, env::args, io::Write, net::UdpSocket};

fn main() -> std::io::Result<()> {
    let addr = args().nth(1).unwrap_or(String::from("127.0.0.1:8081"));
    // 课程的 qq_name_dic：四个名字，同一个地址
    let contacts = HashMap::from([
        ("金老板", addr.as_str()),
        ("哪吒", addr.as_str()),
        ("egg", addr.as_str()),
        ("yuan", addr.as_str()),
    ]);
    // IPv4 套接字（课程的 AF_INET），端口 0 让系统挑；Python 在第一次 sendto 时悄悄做了这一步
    let socket = UdpSocket::bind("0.0.0.0:0")?;
    let mut buffer = [0u8; 1024];
    loop {
        let name = input("请选择聊天对象: ")?;
        loop {
            let msg = input("请输入消息,回车发送,输入q结束和他的聊天: ")?;
            if msg == "q" {
                break;
            }
            // 和课程一样：空消息、不认识的名字，什么也不发，再问一次
            if msg.is_empty() || !contacts.contains_key(name.as_str()) {
                continue;
            }
            // sendto：UDP 没有连接，每次都写明寄给谁
            socket.send_to(msg.as_bytes(), contacts[name.as_str()])?;
            // recvfrom：等那边的人打完回复
            let (n, from) = socket.recv_from(&mut buffer)?;
            let back = String::from_utf8_lossy(&buffer[..n]).bold().on_blue();
            println!("来自[{}:{}]的一条消息:{back}", from.ip(), from.port());
        }
    }
}

/// Python 的 input(提示).strip()。
fn input(prompt: &str) -> std::io::Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    // 读到 0 字节就是输入结束（Ctrl-D）：Python 会抛 EOFError，这里直接退出
    if std::io::stdin().read_line(&mut line)? == 0 {
        std::process::exit(0);
    }
    Ok(line.trim().to_string())
}
