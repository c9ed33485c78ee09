//! unix_server 的测试：真实的程序、真实的 AF_UNIX 套接字、临时目录里每个测试各用一个路径，靠就绪行同步。
//! AF_UNIX 只在 Unix 类系统上有，所以整个文件只在那里编译。

#![cfg(unix)]

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::fs;
use std::io::{Read, Write};
use std::net::Shutdown;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

const SERVER: &str = env!("CARGO_BIN_EXE_unix_server");

fn python_peer(name: &str) -> PathBuf {
    crate_file(env!("CARGO_MANIFEST_DIR"), &format!("tests/python/{name}"))
}

/// 一个测试专用的套接字文件路径：名字里有测试的标记和进程号，互不干扰；
/// 测试结束时（包括失败时）删掉，不在临时目录里留下文件。
struct SocketPath(PathBuf);

impl SocketPath {
    fn new(tag: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("ux-server-{tag}-{}.sock", std::process::id()));
        let _ = fs::remove_file(&path);
        SocketPath(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }

    fn is_socket(&self) -> bool {
        fs::symlink_metadata(&self.0).is_ok_and(|m| m.file_type().is_socket())
    }
}

impl Drop for SocketPath {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// 等服务端的就绪行，取出行尾（最后一个空格之后）的路径。
fn ready_path(server: &Running) -> PathBuf {
    let line = server.first_line();
    assert!(line.starts_with("unix_server 正在监听 "), "{line}");
    PathBuf::from(line.rsplit(' ').next().unwrap())
}

/// 一个没人监听的旧套接字文件：bind 之后马上关掉，文件留在原地——和服务端被杀掉后的样子一样。
fn leave_stale_socket_file(path: &Path) {
    drop(UnixListener::bind(path).unwrap());
    assert!(path.exists());
}

/// 启动服务端，发 `message`，读完它的回复，返回（服务端的结局，客户端收到的回复）。
fn exchange(socket: &SocketPath, message: &[u8]) -> (Finished, Vec<u8>) {
    let server = start(SERVER, &[socket.arg()]);
    let mut conn = UnixStream::connect(ready_path(&server)).unwrap();
    conn.write_all(message).unwrap();
    let mut reply = Vec::new();
    let _ = conn.read_to_end(&mut reply);
    (server.finish(), reply)
}

#[test]
fn a_python_af_unix_client_gets_hi_and_the_file_is_gone_afterwards() {
    let socket = SocketPath::new("python");
    let server = start(SERVER, &[socket.arg()]);
    assert_eq!(ready_path(&server), socket.0);
    let client = python(python_peer("unix_client.py"), &[socket.arg()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("有客户端连上了"), "{server}");
    assert!(server.stdout.contains("收到 6 字节：hello!\n"), "{server}");
    assert!(server.stdout.contains("已回复 hi"), "{server}");
    assert!(
        server
            .stdout
            .contains(&format!("已删除套接字文件 {}。", socket.arg())),
        "{server}"
    );
    assert!(!socket.0.exists(), "正常退出后套接字文件应该被删掉");
}

#[test]
fn while_waiting_the_path_is_a_socket_file() {
    let socket = SocketPath::new("file");
    let server = start(SERVER, &[socket.arg()]);
    ready_path(&server);
    assert!(
        socket.is_socket(),
        "服务端在等的时候，路径上应该是一个套接字文件"
    );
    drop(UnixStream::connect(&socket.0).unwrap());
    assert_eq!(server.finish().code(), Some(0));
    assert!(!socket.0.exists());
}

#[test]
fn a_stale_file_is_removed_with_a_line_and_the_server_still_works() {
    let socket = SocketPath::new("stale");
    leave_stale_socket_file(&socket.0);
    let server = start(SERVER, &[socket.arg()]);
    ready_path(&server);
    let client = python(python_peer("unix_client.py"), &[socket.arg()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    let second = server.stdout.lines().nth(1).unwrap_or_default();
    assert!(second.contains("没人监听的旧套接字文件"), "{server}");
    assert!(second.contains("已经删掉了"), "{server}");
    assert!(!socket.0.exists());
}

#[test]
fn ctrl_c_leaves_the_file_and_the_next_start_cleans_it_up() {
    let socket = SocketPath::new("ctrl-c");
    let first = start(SERVER, &[socket.arg()]);
    ready_path(&first);
    // 和在终端里按 Ctrl-C 一样：给服务端发 SIGINT。
    let sent = Command::new("kill")
        .args(["-INT", &first.pid().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let first = first.finish();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(first.status.signal(), Some(2), "{first}");
    // 这是已知的限制：标准库接不住 Ctrl-C，文件留下了……
    assert!(socket.is_socket(), "被 Ctrl-C 打断后文件应该还在");

    // ……下一次启动时服务端认出它是旧文件，删掉它，照常工作，退出时再删掉自己的。
    let second = start(SERVER, &[socket.arg()]);
    ready_path(&second);
    let client = python(python_peer("unix_client.py"), &[socket.arg()]).finish();
    assert_eq!(client.stdout.trim(), "b'hi'", "{client}");
    let second = second.finish();
    assert_eq!(second.code(), Some(0), "{second}");
    assert!(second.stdout.contains("旧套接字文件"), "{second}");
    assert!(!socket.0.exists());
}

#[test]
fn a_live_servers_socket_is_not_stolen() {
    let socket = SocketPath::new("live");
    let live = UnixListener::bind(&socket.0).unwrap();
    let server = start(SERVER, &[socket.arg()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("已经有一个服务端在监听"), "{server}");
    assert!(server.stderr.contains(socket.arg()), "{server}");
    assert!(
        server.stderr.contains("在运行命令的末尾写上另一个路径"),
        "{server}"
    );
    assert_no_workspace_command(&server);
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
    assert_friendly_failure(&server);
    assert!(server.stdout.is_empty(), "{server}");
    // 原来的服务端的文件还在，还能连上。
    assert!(socket.is_socket());
    UnixStream::connect(&socket.0).expect("原来的服务端应该还能连上");
    drop(live);
}

#[test]
fn a_regular_file_at_the_path_is_not_deleted() {
    let socket = SocketPath::new("regular");
    fs::write(&socket.0, b"precious notes\n").unwrap();
    let server = start(SERVER, &[socket.arg()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("不是套接字文件"), "{server}");
    assert!(server.stderr.contains("不会删除它"), "{server}");
    assert!(
        server.stderr.contains("在运行命令的末尾写上另一个路径"),
        "{server}"
    );
    assert_no_workspace_command(&server);
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
    assert_friendly_failure(&server);
    assert_eq!(fs::read(&socket.0).unwrap(), b"precious notes\n");
}

#[test]
fn the_file_is_removed_after_an_error_exit_too() {
    let socket = SocketPath::new("error");
    let server = start(SERVER, &[socket.arg()]);
    let mut conn = UnixStream::connect(ready_path(&server)).unwrap();
    // 先关掉自己的接收方向再发 hello!：服务端读到消息，回 hi 时得到 Broken pipe，走出错的那条路。
    conn.shutdown(Shutdown::Read).unwrap();
    conn.write_all(b"hello!").unwrap();
    let server = server.finish();
    drop(conn);
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stdout.contains("收到 6 字节：hello!"), "{server}");
    assert!(server.stderr.contains("发送 hi 失败"), "{server}");
    assert_friendly_failure(&server);
    assert!(server.stdout.contains("已删除套接字文件"), "{server}");
    assert!(!socket.0.exists(), "出错退出后套接字文件也应该被删掉");
}

#[test]
fn hostile_bytes_are_printed_escaped_never_raw() {
    let socket = SocketPath::new("hostile");
    let (server, reply) = exchange(
        &socket,
        b"\x1b[2J\x1b]0;pwned\x07\r\0\xff\xfe\xe2\x80\xae abc\n",
    );
    assert_eq!(reply, b"hi", "{server}");
    assert_eq!(server.code(), Some(0), "{server}");
    assert_no_raw_control(&server.stdout_raw);
    assert!(
        server
            .stdout
            .contains(r"\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{0}��\u{202e} abc\n"),
        "{server}"
    );
}

#[test]
fn reads_only_the_first_1024_bytes_of_a_long_message() {
    let socket = SocketPath::new("long");
    let (server, _) = exchange(&socket, &[b'x'; 3000]);
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(server.stdout.contains("收到 1024 字节："), "{server}");
}

#[test]
fn a_peer_that_closes_at_once_is_not_an_error() {
    let socket = SocketPath::new("close");
    let server = start(SERVER, &[socket.arg()]);
    drop(UnixStream::connect(ready_path(&server)).unwrap());
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(
        server.stdout.contains("没有发送任何数据就关闭了连接"),
        "{server}"
    );
    assert!(!socket.0.exists());
}

#[test]
fn a_missing_directory_is_explained_in_one_line() {
    let socket = SocketPath::new("nodir");
    let path = socket.0.with_extension("missing-dir").join("x.sock");
    let server = start(SERVER, &[path.to_str().unwrap()]).finish();
    assert_eq!(server.code(), Some(1), "{server}");
    assert!(server.stderr.contains("目录不存在"), "{server}");
    assert_eq!(server.stderr.lines().count(), 1, "{server}");
    assert_friendly_failure(&server);
}

#[test]
fn a_path_that_is_not_utf8_still_works() {
    use std::os::unix::ffi::OsStrExt;
    let socket = SocketPath::new("bytes");
    let mut raw = socket.0.as_os_str().as_bytes().to_vec();
    raw.extend_from_slice(b"-\xff");
    let odd = SocketPath(PathBuf::from(std::ffi::OsStr::from_bytes(&raw)));
    let server = start(SERVER, &[odd.0.as_os_str()]);
    server.wait_stdout("正在监听");
    drop(UnixStream::connect(&odd.0).unwrap());
    let server = server.finish();
    assert_eq!(server.code(), Some(0), "{server}");
    assert!(!odd.0.exists());
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    let too_long = format!("/tmp/{}.sock", "a".repeat(120));
    assert_bad_arguments_exit_2(
        SERVER,
        "unix_server",
        &[&["/tmp/a.sock", "extra"], &[""], &[too_long.as_str()]],
    );
    let server = start(SERVER, &[too_long.as_str()]).finish();
    assert!(server.stderr.contains("太长了"), "{server}");
    assert!(!Path::new(&too_long).exists());
}

#[test]
fn help_prints_usage_and_exits_0() {
    assert_help_exits_0(SERVER, &["--help"], "socket-lesson.sock");
}

#[test]
fn a_closed_stdout_stops_the_server_with_one_line_and_the_file_is_gone() {
    // 就像 `unix_server | head -1`：读完就绪行，接收输出的一方就走了。客户端连上来时，服务端发现写不出去。
    let socket = SocketPath::new("closed-stdout");
    let (ready, status, stderr) = run_until_stdout_closes(SERVER, &[socket.arg()], |_| {
        drop(UnixStream::connect(&socket.0).unwrap());
    });
    assert!(ready.starts_with("unix_server 正在监听 "), "{ready}");
    assert_stopped_because_stdout_closed(status, &stderr);
    assert!(
        !socket.0.exists(),
        "因为写不出去而停下时，套接字文件也应该被删掉"
    );
}

#[test]
fn a_stdout_closed_from_the_start_stops_the_server_and_the_file_is_gone() {
    // 就像 `unix_server | head -0`：文件刚建好，就绪行就写不出去。
    let socket = SocketPath::new("closed-start");
    let (status, stderr) = run_with_stdout_closed(SERVER, &[socket.arg()]);
    assert_stopped_because_stdout_closed(status, &stderr);
    assert!(
        !socket.0.exists(),
        "因为写不出去而停下时，套接字文件也应该被删掉"
    );
}

/// 复制到自己项目里的 main.rs 也要说真话：程序说的话里不能有只在本仓库里才能用的 `cargo run -p …`。
fn assert_no_workspace_command(run: &Finished) {
    assert!(!run.stdout.contains("cargo run -p"), "{run}");
    assert!(!run.stderr.contains("cargo run -p"), "{run}");
}

#[test]
fn no_message_in_the_source_names_a_workspace_command() {
    // 注释（包括开头 //! 的说明）讲的是本仓库里怎么运行，可以写 cargo run -p；
    // 代码里的字符串是程序会说出来的话，学生把 main.rs 复制到自己的项目里，那条命令就不能用了。
    let path = crate_file(env!("CARGO_MANIFEST_DIR"), "src/main.rs");
    let source = std::fs::read_to_string(&path).unwrap();
    for (number, line) in source.lines().enumerate() {
        if !line.trim_start().starts_with("//") {
            assert!(
                !line.contains("cargo run -p"),
                "src/main.rs:{}：{line}",
                number + 1
            );
        }
    }
}

#[test]
fn usage_names_the_program_as_it_was_started() {
    // 复制到自己的项目里，程序就叫那个项目的名字：用法说明里写的是实际启动的那个程序名。
    let dir = std::env::temp_dir().join(format!("unix_server-renamed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let renamed = dir.join(format!("my_program{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(SERVER, &renamed).unwrap();
    let run = start(&renamed, &["a", "b"]).finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code(), Some(2), "{run}");
    assert!(run.stderr.contains("用法：my_program ["), "{run}");
    assert!(!run.stderr.contains("unix_server"), "{run}");
}
