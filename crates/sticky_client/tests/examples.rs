//! sticky_client 的最小版本的测试：真实的程序、真实的本机套接字、系统挑的端口，
//! 对端是课程风格的 Python 服务端（tests/python/sticky_server.py）。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use support::*;

fn python_peer(name: &str) -> std::path::PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// Python 服务端打印的每次 recv 读到的字节数：`recv 1024 b'...'`。
fn python_reads(stdout: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("recv "))
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect()
}

fn assert_python_server_merged_the_sends(server: &Finished, client: &Finished) {
    assert_eq!(client.code(), Some(0), "{client}");
    let reads = python_reads(&server.stdout);
    assert_eq!(reads.iter().sum::<usize>(), 3031, "{server}");
    assert!((3..6).contains(&reads.len()), "{reads:?}\n{server}");
    assert_eq!(
        client.stdout,
        format!("python 服务端 recv 了 {} 次，收到 3031 字节\n", reads.len()),
        "{client}"
    );
}

#[test]
fn the_minimal_client_sends_six_times_and_the_python_server_reads_fewer() {
    let server = python(python_peer("sticky_server.py"), &["127.0.0.1:0"]);
    let addr = server.ready_addr().to_string();
    let client = start(example_binary("sticky_client_minimal"), &[addr.as_str()]).finish();
    assert_python_server_merged_the_sends(&server.finish(), &client);
}

#[test]
fn the_minimal_client_takes_a_host_name_like_python() {
    let server = python(python_peer("sticky_server.py"), &["127.0.0.1:0"]);
    let addr = format!("localhost:{}", server.ready_addr().port());
    let client = start(example_binary("sticky_client_minimal"), &[addr.as_str()]).finish();
    assert_python_server_merged_the_sends(&server.finish(), &client);
}
