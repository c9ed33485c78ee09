//! unix_client 的最小版本：课程的 TCP 客户端，地址族换成 AF_UNIX，地址从 IP:端口 换成一个文件路径。
//! 运行（先启动服务端）：cargo run -p unix_client --example unix_client_minimal [-- /tmp/my.sock]
//! 只在 Linux、macOS 这类 Unix 系统上能用。

#[cfg(unix)]
fn main() -> std::io::Result<()> {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::path::PathBuf;
    let default = std::env::temp_dir().join("socket-lesson.sock");
    let path = std::env::args_os().nth(1).map_or(default, PathBuf::from);
    let mut sk = UnixStream::connect(&path)?; // 内核按路径找到在上面监听的服务端
    sk.write_all(b"hello!")?; // write_all：整条消息都交给内核才返回
    let mut buf = [0u8; 1024];
    let n = sk.read(&mut buf)?; // recv(1024)：等到服务端的回复才返回
    println!("{}", buf[..n].escape_ascii()); // 像 Python 打印 bytes 那样转义
    Ok(()) // sk 离开作用域时自动关闭，相当于 sk.close()
}

#[cfg(not(unix))]
fn main() {
    eprintln!("AF_UNIX 只在 Linux、macOS 这类 Unix 系统上能用；Windows 上请在 WSL 里运行。");
}
