//! 第 08 页练习的参考答案：qq_client 的最小版本，改成每个联系人有自己的地址。
//! 运行：cargo run -p qq_client --example qq_client_exercise -- 地址1 地址2 …
//! 参数依次是金老板、哪吒、egg、yuan 的地址，少给的仍用课程的 127.0.0.1:8081。

use colored::Colorize;
use std::{collections::HashMap, env::args, io::Write, net::UdpSocket};

fn main() -> std::io::Result<()> {
    // 改动 1：第 i 个参数是第 i 个联系人的地址；少给的补上课程的地址
    let mut addrs: Vec<String> = args().skip(1).collect();
    addrs.resize(4, "127.0.0.1:8081".into());
    // 改动 2：表里四个人各用各的地址，不再共用一个
    let contacts = HashMap::from([
        ("金老板", addrs[0].as_str()),
        ("哪吒", addrs[1].as_str()),
        ("egg", addrs[2].as_str()),
        ("yuan", addrs[3].as_str()),
    ]);
    // 其余和最小版本一样：一个套接字就能寄给任何地址，UDP 每次都写明寄给谁
    let socket = UdpSocket::bind("0.0.0.0:0")?;
    let mut buffer = [0u8; 1024];
    loop {
        let name = input("请选择聊天对象: ")?;
        loop {
            let msg = input("请输入消息,回车发送,输入q结束和他的聊天: ")?;
            if msg == "q" {
                break;
            }
            if msg.is_empty() || !contacts.contains_key(name.as_str()) {
                continue;
            }
            socket.send_to(msg.as_bytes(), contacts[name.as_str()])?;
            let (n, from) = socket.recv_from(&mut buffer)?;
            let back = String::from_utf8_lossy(&buffer[..n]).bold().on_blue();
            println!("来自[{}:{}]的一条消息:{back}", from.ip(), from.port());
        }
    }
}

/// Python 的 input(提示).strip()；输入结束（Ctrl-D）就退出。
fn input(prompt: &str) -> std::io::Result<String> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line)? == 0 {
        std::process::exit(0);
    }
    Ok(line.trim().to_string())
}
