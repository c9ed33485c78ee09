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
