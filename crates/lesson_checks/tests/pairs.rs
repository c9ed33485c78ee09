//! 课程里成对的程序，Rust 对 Rust：客户端和服务端都是本仓库编译出的真实程序。
//! 它们属于不同的 crate，所以这些测试放在这里，而不是让一个课程 crate 依赖另一个。

use lesson_checks::*;

#[test]
fn tcp_client_talks_to_tcp_server() {
    let server = start(workspace_binary("tcp_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(workspace_binary("tcp_client"), &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("收到回复：hi\n"), "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 6 字节：hello!\n"), "{server}");
}

#[test]
fn tcp_client_talks_to_tcp_server_reuse() {
    let server = start(workspace_binary("tcp_server_reuse"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(workspace_binary("tcp_client"), &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("收到回复：hi\n"), "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 6 字节：hello!\n"), "{server}");
}

#[test]
fn udp_client_talks_to_udp_server() {
    let server = start(workspace_binary("udp_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(workspace_binary("udp_client"), &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains(&format!("收到来自 {addr} 的回复：hi\n")),
        "{client}"
    );
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("的 5 字节：hello\n"), "{server}");
}

#[test]
fn qq_client_chats_with_qq_server() {
    let mut server = start(workspace_binary("qq_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let mut client = start(workspace_binary("qq_client"), &[addr.as_str()]);
    client.wait_stdout("请选择聊天对象: ");
    client.type_line("金老板");
    client.wait_stdout("请输入消息,回车发送,输入q结束和他的聊天: ");
    client.type_line("老板好");
    server.wait_stdout("的一条消息:老板好\n");
    server.wait_stdout("回复消息: ");
    server.type_line("好好学习");
    client.wait_stdout(&format!("来自[{}]的一条消息:好好学习\n", addr));
    client.wait_stdout_count("请输入消息,回车发送,输入q结束和他的聊天: ", 2);
    client.type_line("q");
    client.wait_stdout_count("请选择聊天对象: ", 2);
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    // 服务端回完话又回到 recv_from 等下一条消息，像课程里的一样永远运行，所以由测试结束它。
    let server = server.kill();
    assert!(server.stdout.contains("来自[127.0.0.1:"), "{server}");
}

#[test]
fn time_client_asks_time_server() {
    let server = start(workspace_binary("time_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let mut client = start(workspace_binary("time_client"), &[addr.as_str()]);
    client.wait_stdout("请输入时间格式(例%Y %m %d)>>: ");
    let before = chrono::Local::now().format("%Y年").to_string();
    client.type_line("%Y年");
    client.wait_stdout("年\n");
    let after = chrono::Local::now().format("%Y年").to_string();
    client.type_line("%Q");
    client.wait_stdout("错误：");
    client.close_stdin();
    let client = client.finish();
    assert_eq!(client.code(), Some(0), "{client}");
    // 回答是请求前后某一刻的年份加"年"：不假设年份有几位、是哪一年。
    let answer = client
        .stdout
        .lines()
        .find_map(|line| line.split("服务器回答：").nth(1))
        .unwrap_or_else(|| panic!("客户端没有打印回答\n{client}"));
    assert!(
        answer == before || answer == after,
        "{answer:?}：应该是 {before} 或 {after}\n{client}"
    );
    server.wait_stdout("===> %Y年");
}

#[test]
fn file_reader_reads_what_file_writer_wrote() {
    let dir = std::env::temp_dir().join(format!("file-pair-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("message.txt");
    let writer = start(workspace_binary("file_writer"), &[&target]).finish();
    let reader = start(workspace_binary("file_reader"), &[&target]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(writer.code(), Some(0), "{writer}");
    assert_eq!(reader.code(), Some(0), "{reader}");
    // 读到的必须正是这一次写下的那条（里面有写入者的进程号，每次都不同）。
    let message = writer
        .stdout
        .lines()
        .next()
        .unwrap()
        .split_once('：')
        .unwrap()
        .1;
    assert!(message.starts_with("hello! 你好！"), "{writer}");
    assert!(
        reader.stdout.contains(&format!("字节：{message}\n")),
        "{writer}\n{reader}"
    );
}

#[test]
fn sticky_client_sticks_to_sticky_server() {
    let server = start(workspace_binary("sticky_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(workspace_binary("sticky_client"), &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client.stdout.contains("一共 send 了 6 次，3031 字节\n"),
        "{client}"
    );
    // 6 次 send 被读成 3 次 recv：前 5 条短消息粘在一起，3000 字节的那条被拆开。
    assert!(
        client
            .stdout
            .contains("服务端回复：服务端一共 recv 了 3 次，收到 3031 字节\n"),
        "{client}"
    );
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server
            .stdout
            .contains("第 1 次 recv 读到 1024 字节：hello你好world黏包字节流0123"),
        "{server}"
    );
}

#[test]
fn framed_client_talks_to_framed_server() {
    let server = start(workspace_binary("framed_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(workspace_binary("framed_client"), &[addr.as_str()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(
        client
            .stdout
            .contains("服务端回复（47 字节）：服务端一共收到 6 条消息，3031 字节\n"),
        "{client}"
    );
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    for line in [
        "第 1 条消息（5 字节）：hello\n",
        "第 2 条消息（6 字节）：你好\n",
        "第 5 条消息（9 字节）：字节流\n",
        "第 6 条消息（3000 字节）：0123",
    ] {
        assert!(server.stdout.contains(line), "{line:?}\n{server}");
    }
}

#[cfg(unix)]
#[test]
fn unix_client_talks_to_unix_server() {
    let dir = std::env::temp_dir().join(format!("unix-pair-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lesson.sock");
    let server = start(workspace_binary("unix_server"), &[&path]);
    server.wait_stdout("\n");
    let client = start(workspace_binary("unix_client"), &[&path]).finish();
    let server = server.finish();
    let leftover = path.exists();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(client.code(), Some(0), "{client}");
    assert!(client.stdout.contains("收到回复：hi\n"), "{client}");
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 6 字节：hello!\n"), "{server}");
    assert!(!leftover, "服务端退出后套接字文件还在\n{server}");
}
