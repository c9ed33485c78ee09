//! unix_server 的最小版本：课程的 TCP 服务端，地址族换成 AF_UNIX，地址从 IP:端口 换成一个文件路径。
//! 运行：cargo run -p unix_server --example unix_server_minimal [-- /tmp/my.sock]
//! 只在 Linux、macOS 这类 Unix 系统上能用。路径上已经有文件时 bind 会失败，先删掉它再运行。

#[cfg(unix)]
fn main() -> std::io::Result<()> {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixListener;
    use std::path::PathBuf;
    let default = std::env::temp_dir().join("socket-lesson.sock");
    let path = std::env::args_os().nth(1).map_or(default, PathBuf::from);
    // 创建、bind、listen 一步完成；bind 在路径上建出套接字文件，客户端靠这个名字找到服务端
    let listener = UnixListener::bind(&path)?;
    println!("unix_server_minimal 正在监听 {}", path.display());
    let (mut conn, _addr) = listener.accept()?; // 客户端连上之前一直等在这里，所以要先启动服务端
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?; // recv(1024)：最多收 1024 字节
    println!("{}", buf[..n].escape_ascii()); // 像 Python 打印 bytes 那样转义，对方没法操纵终端
    conn.write_all(b"hi")?; // write_all：两个字节都交给内核才返回
    std::fs::remove_file(&path) // 套接字文件不会自己消失：删掉它，下次才能 bind 同一个路径
}

#[cfg(not(unix))]
fn main() {
    eprintln!("AF_UNIX 只在 Linux、macOS 这类 Unix 系统上能用；Windows 上请在 WSL 里运行。");
}
