//! 最小版本（Cargo 例子）的测试：真实的程序、真实的 AF_UNIX 套接字，和课程风格的 Python 服务端对话。
//! AF_UNIX 只在 Unix 类系统上有，所以整个文件只在那里编译。

#![cfg(unix)]

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::path::PathBuf;
use support::*;

#[test]
fn the_minimal_client_talks_to_the_python_server() {
    let path = std::env::temp_dir().join(format!("ux-example-minimal-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let peer: PathBuf = crate_file(env!("CARGO_MANIFEST_DIR"), "tests/python/unix_server.py");
    let server = python(peer, &[&path]);
    // Python 服务端的第一行以它监听的路径结尾：等到这一行，文件就已经在了。
    let line = server.first_line();
    assert!(line.ends_with(&format!(" {}", path.display())), "{line}");
    let client = start(example_binary("unix_client_minimal"), &[&path]).finish();
    let server = server.finish();
    let _ = std::fs::remove_file(&path);
    assert_eq!(client.code(), Some(0), "{client}");
    assert_eq!(client.stdout, "hi\n", "{client}");
    assert!(server.stdout.contains("b'hello!'"), "{server}");
}
