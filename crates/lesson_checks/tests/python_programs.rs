//! scripts/python/ 里给老师和同学用的 Python 程序：行为和课程一样，每一个都和本仓库的 Rust 程序
//! 在两个方向上真的对话（Python 服务端对 Rust 客户端，Rust 服务端对 Python 客户端）。

use lesson_checks::*;
use std::path::PathBuf;

fn lesson_python(name: &str) -> PathBuf {
    crate_file(
        env!("CARGO_MANIFEST_DIR"),
        &format!("../../scripts/python/{name}.py"),
    )
}

#[test]
fn python_tcp_server_answers_the_rust_client_hi() {
    for server_name in ["tcp_server", "tcp_server_reuse"] {
        let server = python(lesson_python(server_name), &["127.0.0.1:0"]);
        let addr = server.ready_addr().to_string();
        let client = start(workspace_binary("tcp_client"), &[addr.as_str()]).finish();
        assert_eq!(client.code(), Some(0), "{client}");
        assert!(client.stdout.contains("收到回复：hi\n"), "{client}");
        let server = server.finish();
        assert_eq!(server.code(), Some(0), "{server}");
        assert!(server.stdout.ends_with("b'hello!'\n"), "{server}");
    }
}

#[test]
fn python_tcp_client_gets_hi_from_the_rust_servers() {
    for server_name in ["tcp_server", "tcp_server_reuse"] {
        let server = start(workspace_binary(server_name), &["127.0.0.1:0"]);
        let addr = server.ready_addr().to_string();
        let client = python(lesson_python("tcp_client"), &[addr.as_str()]).finish();
        assert_eq!(client.code(), Some(0), "{client}");
        assert_eq!(client.stdout, "b'hi'\n", "{client}");
        let server = server.finish();
        assert!(server.stdout.contains("收到 6 字节：hello!\n"), "{server}");
    }
}

#[test]
fn python_udp_programs_talk_to_the_rust_ones_both_ways() {
    let server = python(lesson_python("udp_server"), &["127.0.0.1:0"]);
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
    assert!(server.stdout.ends_with("b'hello'\n"), "{server}");

    let server = start(workspace_binary("udp_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr();
    let client = python(lesson_python("udp_client"), &[addr.to_string()]).finish();
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(
        client.stdout,
        format!("hi ('127.0.0.1', {})\n", addr.port()),
        "{client}"
    );
    assert!(server.finish().stdout.contains("的 5 字节：hello\n"));
}

#[test]
fn python_qq_programs_chat_with_the_rust_ones_both_ways() {
    let mut server = python(lesson_python("qq_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let mut client = start(workspace_binary("qq_client"), &[addr.as_str()]);
    client.wait_stdout("请选择聊天对象: ");
    client.type_line("哪吒");
    client.wait_stdout("请输入消息,回车发送,输入q结束和他的聊天: ");
    client.type_line("在吗");
    server.wait_stdout("的一条消息:\u{1b}[1;44m在吗\u{1b}[0m\n回复消息: ");
    server.type_line("在的");
    client.wait_stdout(&format!("来自[{addr}]的一条消息:在的\n"));
    client.close_stdin();
    assert_eq!(client.finish().code(), Some(0));
    // 和课程一样，服务端回完话又回到 recvfrom 等下一条，永远运行：由测试结束它。
    server.kill();

    let mut server = start(workspace_binary("qq_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let mut client = python(lesson_python("qq_client"), &[addr.as_str()]);
    client.wait_stdout("请选择聊天对象: ");
    client.type_line("egg");
    client.wait_stdout("请输入消息,回车发送,输入q结束和他的聊天: ");
    client.type_line("你好");
    server.wait_stdout("的一条消息:你好\n");
    server.wait_stdout("回复消息: ");
    server.type_line("你好呀");
    client.wait_stdout(&format!(
        "来自[{}]的一条消息:\u{1b}[1;44m你好呀\u{1b}[0m\n",
        addr
    ));
    client.wait_stdout_count("请输入消息,回车发送,输入q结束和他的聊天: ", 2);
    client.type_line("q");
    client.wait_stdout_count("请选择聊天对象: ", 2);
    client.close_stdin();
    assert_eq!(client.finish().code(), Some(0));
    server.kill();
}

#[test]
fn python_time_programs_talk_to_the_rust_ones_both_ways() {
    let server = python(lesson_python("time_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let mut client = start(workspace_binary("time_client"), &[addr.as_str()]);
    client.wait_stdout("请输入时间格式(例%Y %m %d)>>: ");
    client.type_line("%%Y");
    server.wait_stdout("===> b'%%Y'\n");
    client.wait_stdout("服务器回答：%Y\n");
    client.close_stdin();
    assert_eq!(client.finish().code(), Some(0));
    server.kill();

    let server = start(workspace_binary("time_server"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let mut client = python(lesson_python("time_client"), &[addr.as_str()]);
    client.wait_stdout("请输入时间格式(例%Y %m %d)>>: ");
    client.type_line("%%H");
    client.wait_stdout("%H\n");
    server.wait_stdout("===> %%H\n");
    client.close_stdin();
    assert_eq!(client.finish().code(), Some(0));
    server.kill();
}
