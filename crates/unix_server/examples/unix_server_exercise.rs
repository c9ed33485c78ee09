//! 03 页练习的参考答案：最小版本的 unix_server，加上"启动时清理上次留下的旧套接字文件"。
//! 运行：cargo run -p unix_server --example unix_server_exercise [-- /tmp/my.sock]
//! 试法：启动后按 Ctrl-C，文件留了下来；再启动一次，这个版本照样能用（最小版本会报 Address already in use）。

#[cfg(unix)]
fn main() -> std::io::Result<()> {
    use std::io::{Read, Write};
    use std::os::unix::fs::FileTypeExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::PathBuf;
    let default = std::env::temp_dir().join("socket-lesson.sock");
    let path = std::env::args_os().nth(1).map_or(default, PathBuf::from);
    // 新增的三行：路径上是套接字文件、却连不上，说明没有服务端在用它，是上次留下的旧文件，删掉。
    // 连得上就不动它（下面的 bind 会报错退出）；普通文件也不动，它可能是别人的东西。
    let is_socket = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_socket());
    if is_socket && UnixStream::connect(&path).is_err() {
        std::fs::remove_file(&path)?;
    }
    // 下面和最小版本一样
    let listener = UnixListener::bind(&path)?;
    println!("unix_server_exercise 正在监听 {}", path.display());
    let (mut conn, _addr) = listener.accept()?;
    let mut buf = [0u8; 1024];
    let n = conn.read(&mut buf)?;
    println!("{}", buf[..n].escape_ascii());
    conn.write_all(b"hi")?;
    std::fs::remove_file(&path)
}

#[cfg(not(unix))]
fn main() {
    eprintln!("AF_UNIX 只在 Linux、macOS 这类 Unix 系统上能用；Windows 上请在 WSL 里运行。");
}
