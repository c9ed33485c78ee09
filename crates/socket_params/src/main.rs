//! socket_params：课程第 10 部分讲的 `socket.socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)`。
//!
//! 课程只把四个参数列了一遍，这个程序把它们真的试一遍：按每种地址族（IPv4、IPv6、Unix）和
//! 每种类型（流、数据报）各建一个套接字，绑定到本机（回环地址的临时端口，或临时目录里的一个文件），
//! 再反过来问内核"你手里这个到底是什么"；接着故意给一个和类型对不上的协议号，试着建一个需要特权的
//! 原始套接字，最后演示 fileno：把一个现成的套接字交出去，再用它的描述符包装回来。
//! 每个套接字在输出的表里占一行：课程里的 Python 写法、对应的 socket2 写法、内核的回答（或失败的原因）。
//! 除了本机回环地址上的一次 connect，它不收发任何数据，也不碰外面的网络。
//!
//! 试一试：
//!   cargo run -p socket_params
//!   想看原始套接字创建成功的样子（Linux、macOS）：cargo build -p socket_params，再 sudo ./target/debug/socket_params
//!   和 Python 对照：python3 -c "import socket; print(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))"
//!   打印出来的 family=2、type=2 就是表里的 AF_INET、SOCK_DGRAM。
//!   这个程序不监听固定端口，没有可以用 nc 去连的东西；表里的端口都是系统临时挑的。
//!
//! 放进自己的项目：cargo new my_params，cd my_params，cargo add socket2 --features all，
//! 再把本文件复制成 src/main.rs（all 特性提供 Type::RAW 和 domain()、protocol() 这几个查询）。
//!
//! 退出码：0 表格打印完了（某一行失败只写在那一行里，不算程序出错）；2 参数写错了（这个程序不需要参数）。

use socket2::{Domain, Protocol, Socket, Type};
use std::io::{self, ErrorKind, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

#[cfg(unix)]
use socket2::SockAddr;
#[cfg(unix)]
use std::os::unix::io::{AsRawFd, FromRawFd, IntoRawFd};
#[cfg(windows)]
use std::os::windows::io::{AsRawSocket, FromRawSocket, IntoRawSocket};

/// IPv4 回环地址的 0 号端口：端口 0 让系统挑一个空闲端口，所以不会和别的程序抢端口。
const IPV4_LOOPBACK: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
/// IPv6 回环地址 ::1 的 0 号端口。
const IPV6_LOOPBACK: SocketAddr = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0);
/// fileno 那两行的 Python 写法和 Rust 写法。Unix 上叫文件描述符（fd），Windows 上叫套接字句柄。
#[cfg(unix)]
const FILENO_PYTHON: &str = "sock.detach() → socket.socket(fileno=fd)";
#[cfg(unix)]
const FILENO_RUST: &str = "listener.into_raw_fd() → Socket::from_raw_fd(fd)";
#[cfg(windows)]
const FILENO_PYTHON: &str = "sock.detach() → socket.socket(fileno=handle)";
#[cfg(windows)]
const FILENO_RUST: &str = "listener.into_raw_socket() → Socket::from_raw_socket(handle)";
const FROMFD_PYTHON: &str = "socket.fromfd(fd, AF_INET, SOCK_STREAM)";
const FROMFD_RUST: &str = "rebuilt.try_clone()";
const USAGE: &str = "用法：socket_params    不需要参数：按课程第 10 部分 socket.socket(family, type, proto, fileno) \
     的参数逐个创建套接字，打印一张表，每行是 Python 写法、socket2 写法和内核的回答";

/// 一个 IP 套接字的创建方式：课程里的 Python 写法、对应的 socket2 写法，以及真正传给 socket2 的参数。
struct IpCase {
    python: &'static str,
    rust: &'static str,
    domain: Domain,
    kind: Type,
    bind_to: SocketAddr,
}

/// 地址族 × 类型。proto 都不写（Python 的 proto=0，socket2 的 None）：让内核按地址族和类型挑默认协议。
/// `socket.socket()` 什么都不填时，拿到的就是第一行。
const IP_CASES: [IpCase; 4] = [
    IpCase {
        python: "socket.socket(AF_INET, SOCK_STREAM)",
        rust: "Socket::new(Domain::IPV4, Type::STREAM, None)",
        domain: Domain::IPV4,
        kind: Type::STREAM,
        bind_to: IPV4_LOOPBACK,
    },
    IpCase {
        python: "socket.socket(AF_INET, SOCK_DGRAM)",
        rust: "Socket::new(Domain::IPV4, Type::DGRAM, None)",
        domain: Domain::IPV4,
        kind: Type::DGRAM,
        bind_to: IPV4_LOOPBACK,
    },
    IpCase {
        python: "socket.socket(AF_INET6, SOCK_STREAM)",
        rust: "Socket::new(Domain::IPV6, Type::STREAM, None)",
        domain: Domain::IPV6,
        kind: Type::STREAM,
        bind_to: IPV6_LOOPBACK,
    },
    IpCase {
        python: "socket.socket(AF_INET6, SOCK_DGRAM)",
        rust: "Socket::new(Domain::IPV6, Type::DGRAM, None)",
        domain: Domain::IPV6,
        kind: Type::DGRAM,
        bind_to: IPV6_LOOPBACK,
    },
];

fn main() -> ExitCode {
    if let Err(message) = check_args() {
        eprintln!("{message}\n{USAGE}");
        return ExitCode::from(2);
    }
    say(
        "socket_params：照着 socket.socket(family, type, proto, fileno) 的参数创建套接字，再问内核它到底是什么。",
    );
    say("");
    say("| Python（课程） | Rust（socket2） | 内核的回答 |");
    say("|---|---|---|");

    // family × type：IPv4、IPv6 各建一个流套接字和一个数据报套接字。
    for case in &IP_CASES {
        print_row(case.python, case.rust, ip_socket(case));
    }
    // AF_UNIX：课程说它"用本地的 socket 文件通信"，绑定时内核真的会建一个文件。
    unix_rows();

    // proto：写一个和类型对不上的协议号，看内核怎么拒绝。
    print_row(
        "socket.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)",
        "Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::UDP))",
        mismatched_protocol(),
    );
    // type=SOCK_RAW：原始套接字要特权。
    print_row(
        "socket.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)",
        "Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4))",
        raw_socket(),
    );
    // fileno：交出去的描述符再包装回来，和 socket.fromfd 那样复制一份做对比。
    fileno_rows();
    ExitCode::SUCCESS
}

/// 表里的一行。失败也是一行：哪一种套接字建不出来、为什么，本身就是要演示的内容。
fn print_row(python: &str, rust: &str, outcome: Result<String, String>) {
    let answer = match outcome {
        Ok(text) => text,
        Err(reason) => format!("失败：{reason}"),
    };
    say(&format!("| {python} | {rust} | {answer} |"));
}

/// 往 stdout 写一行，代替 println!。接收输出的程序先走了的时候（比如 `socket_params | head -3`），
/// println! 会 panic；这里像别的命令行工具一样不再往下写，安静地结束。
fn say(line: &str) {
    if let Err(e) = writeln!(io::stdout(), "{line}") {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("输出写不出去了，程序停止。（{e}）");
        std::process::exit(1);
    }
}

/// 建一个 IP 套接字，绑定到回环地址的临时端口，报告内核眼里的它。
fn ip_socket(case: &IpCase) -> Result<String, String> {
    // 第 1 步：socket(family, type, proto)。proto 写 None，也就是 0。
    let socket = Socket::new(case.domain, case.kind, None).map_err(|e| {
        if case.domain == Domain::IPV6 {
            format!("这台机器（或容器）关掉了 IPv6，内核不肯建 AF_INET6 套接字（{e}）")
        } else {
            format!("创建套接字失败（{e}）")
        }
    })?;
    // 第 2 步：bind。不 bind 也能问类型，绑定之后还能看到内核分给它的地址和端口。
    let addr = case.bind_to;
    socket.bind(&addr.into()).map_err(|e| match e.kind() {
        ErrorKind::AddrNotAvailable if case.domain == Domain::IPV6 => format!(
            "这台机器（或容器）没有给回环网卡配 IPv6 地址 ::1，AF_INET6 套接字建出来了却绑定不了（{e}）"
        ),
        _ => format!("套接字建好了，但绑定 {addr} 失败（{e}）"),
    })?;
    // 第 3 步：问内核。这些值是从内核查回来的，不是把我们传进去的参数再念一遍。
    Ok(format!(
        "{}，绑定到 {}",
        what_kernel_says(&socket),
        ip_address_of(&socket)
    ))
}

/// AF_UNIX 的两行：流和数据报。
#[cfg(unix)]
fn unix_rows() {
    print_row(
        "socket.socket(AF_UNIX, SOCK_STREAM)",
        "Socket::new(Domain::UNIX, Type::STREAM, None)",
        unix_socket(Type::STREAM, "stream"),
    );
    print_row(
        "socket.socket(AF_UNIX, SOCK_DGRAM)",
        "Socket::new(Domain::UNIX, Type::DGRAM, None)",
        unix_socket(Type::DGRAM, "dgram"),
    );
}

/// Windows 上不演示 AF_UNIX：Python 在 Windows 上也没有 socket.AF_UNIX。
#[cfg(not(unix))]
fn unix_rows() {
    print_row(
        "socket.socket(AF_UNIX, …)",
        "—",
        Err("AF_UNIX 是 Unix 系统（Linux、macOS）上的地址族，这个系统上不演示；Windows 版 Python 也没有 socket.AF_UNIX".to_string()),
    );
}

/// 建一个 AF_UNIX 套接字，绑定到临时目录里的一个文件，报告内核眼里的它，然后把文件删掉。
#[cfg(unix)]
fn unix_socket(kind: Type, name: &str) -> Result<String, String> {
    // 文件名带上进程号，同时运行的几个本程序不会抢同一个文件。
    let path =
        std::env::temp_dir().join(format!("socket_params-{}-{name}.sock", std::process::id()));
    let socket =
        Socket::new(Domain::UNIX, kind, None).map_err(|e| format!("创建套接字失败（{e}）"))?;
    let address = SockAddr::unix(&path)
        .map_err(|e| format!("{} 不能当 AF_UNIX 地址（{e}）", path.display()))?;
    // AF_UNIX 的地址不是 IP 加端口，而是一个路径：bind 时内核在那里建一个套接字文件。
    socket
        .bind(&address)
        .map_err(|e| format!("绑定 {} 失败（{e}）", path.display()))?;
    let bound = match socket.local_addr() {
        Ok(address) => match address.as_pathname() {
            Some(bound) => bound.display().to_string(),
            None => "（内核说它没有路径）".to_string(),
        },
        Err(e) => format!("（查不到：{e}）"),
    };
    let answer = format!(
        "{}，绑定到 {bound}（一个真的文件，演示完已删除）",
        what_kernel_says(&socket)
    );
    // 关闭套接字不会删掉那个文件，要自己删；不删的话，下次 bind 同一个路径会报"地址已被占用"。
    drop(socket);
    std::fs::remove_file(&path)
        .map_err(|e| format!("演示完了，可是删不掉 {}（{e}）", path.display()))?;
    Ok(answer)
}

/// proto 和 type 对不上：AF_INET 的流套接字只能是 TCP，硬要 UDP，内核会拒绝。
fn mismatched_protocol() -> Result<String, String> {
    match Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::UDP)) {
        Ok(socket) => Ok(format!(
            "{}：这个系统居然接受了这种组合",
            what_kernel_says(&socket)
        )),
        Err(e) => Err(format!(
            "没有“按字节流传的 UDP”，proto 必须和 type 配得上；所以 proto 通常写 0，让内核按 type 挑（{e}）"
        )),
    }
}

/// type=SOCK_RAW：直接收发 IP 层的包（ping 用的 ICMP 就是这样发的）。只建不发，建完马上关闭。
fn raw_socket() -> Result<String, String> {
    match Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)) {
        Ok(socket) => Ok(format!(
            "{}：创建成功——说明本程序有特权：以 root 身份运行（Windows 上是管理员），\
             或者有 CAP_NET_RAW 权限；普通用户在这里会失败。它什么也不发，马上关闭",
            what_kernel_says(&socket)
        )),
        Err(e) if e.kind() == ErrorKind::PermissionDenied => Err(format!(
            "原始套接字需要特权：它能自己拼 IP 包头、伪造任意数据包，所以 Linux 上要 root 或 CAP_NET_RAW 权限，\
             macOS 上要 root，Windows 上要管理员（{e}）"
        )),
        Err(e) => Err(format!("创建原始套接字失败（{e}）")),
    }
}

/// fileno 的两行：`socket.socket(fileno=fd)` 接管同一个套接字；`socket.fromfd` 复制出一个新描述符。
fn fileno_rows() {
    let rebuilt = match rebuild_from_descriptor() {
        Ok((answer, rebuilt)) => {
            print_row(FILENO_PYTHON, FILENO_RUST, Ok(answer));
            rebuilt
        }
        Err(reason) => {
            print_row(FILENO_PYTHON, FILENO_RUST, Err(reason));
            print_row(
                FROMFD_PYTHON,
                FROMFD_RUST,
                Err("上一行没能接管那个套接字，也就没有描述符可以复制".to_string()),
            );
            return;
        }
    };
    // 对比：socket.fromfd 会先 dup 一份描述符。Rust 里对应的是 try_clone。
    let duplicate = match rebuilt.try_clone() {
        Ok(duplicate) => Ok(format!(
            "复制出一个新的{}（原来的是{}），本地地址同样是 {}：两个号码指向内核里同一个套接字，各关各的",
            handle_of(&duplicate),
            handle_of(&rebuilt),
            ip_address_of(&duplicate)
        )),
        Err(e) => Err(format!("复制描述符失败（{e}）")),
    };
    print_row(FROMFD_PYTHON, FROMFD_RUST, duplicate);
}

/// 建一个监听套接字，交出它的描述符，再用这个描述符包装回来；连一次，证明它还是原来那个。
fn rebuild_from_descriptor() -> Result<(String, Socket), String> {
    // 用标准库建一个正在监听的 TCP 套接字，扮演"别人事先打开、交给我们的那个套接字"。
    let listener =
        TcpListener::bind(IPV4_LOOPBACK).map_err(|e| format!("建监听套接字失败（{e}）"))?;
    let before = listener
        .local_addr()
        .map_err(|e| format!("查询监听地址失败（{e}）"))?;
    let (handle, rebuilt) = hand_over(listener);
    // 包装回来时没有再告诉它地址族、类型：这些都记在内核里，问一下就知道。
    let after = rebuilt
        .local_addr()
        .ok()
        .and_then(|address| address.as_socket())
        .ok_or_else(|| format!("接管了{handle}，却查不到它的地址"))?;
    // 证明它还在监听、还是同一个套接字：往这个地址 connect，再用接管来的对象 accept。
    let client = TcpStream::connect(after).map_err(|e| format!("connect {after} 失败（{e}）"))?;
    let (_connection, peer) = rebuilt
        .accept()
        .map_err(|e| format!("connect 成功了，接管来的套接字却 accept 失败（{e}）"))?;
    let peer = peer
        .as_socket()
        .map_or_else(|| "（查不到）".to_string(), |peer| peer.to_string());
    let client_addr = client
        .local_addr()
        .map_or_else(|_| "（查不到）".to_string(), |addr| addr.to_string());
    let answer = format!(
        "{handle}：交出前 {before}，接管后 {after}，{}；connect 成功，accept 到 {peer}（客户端那头是 {client_addr}）——同一个套接字，不是复制品",
        what_kernel_says(&rebuilt)
    );
    Ok((answer, rebuilt))
}

/// 交出描述符，再用它包装出一个 socket2 的 Socket。返回描述符的号码（给人看）和新的主人。
#[cfg(unix)]
fn hand_over(listener: TcpListener) -> (String, Socket) {
    // 相当于 Python 的 sock.detach()：listener 被消耗掉，交出描述符，从此不再负责关闭它。
    let fd = listener.into_raw_fd();
    // SAFETY: fd 是上一行 into_raw_fd 刚交出来的，一个打开着的套接字，此刻没有任何对象拥有它。
    // from_raw_fd 之后它只有 rebuilt 这一个主人，离开作用域时关闭恰好一次。
    // 如果 listener 还拥有它（比如用 as_raw_fd 只是看了一眼号码），两个对象都会关闭同一个号码，
    // 第二次关闭时这个号码可能已经分给了别的文件——这正是 from_raw_fd 要写 unsafe 的原因。
    let rebuilt = unsafe { Socket::from_raw_fd(fd) };
    (format!("描述符 {fd}"), rebuilt)
}

#[cfg(windows)]
fn hand_over(listener: TcpListener) -> (String, Socket) {
    // 相当于 Python 的 sock.detach()：listener 被消耗掉，交出套接字句柄，从此不再负责关闭它。
    let handle = listener.into_raw_socket();
    // SAFETY: handle 是上一行 into_raw_socket 刚交出来的，一个打开着的套接字，此刻没有任何对象拥有它。
    // from_raw_socket 之后它只有 rebuilt 这一个主人，离开作用域时关闭恰好一次；
    // 两个对象都以为自己拥有同一个句柄的话，第二次关闭可能关掉别人刚拿到的句柄。
    let rebuilt = unsafe { Socket::from_raw_socket(handle) };
    (format!("句柄 {handle}"), rebuilt)
}

/// 套接字的号码（Unix 上的文件描述符），只是看一眼，不转移所有权。
#[cfg(unix)]
fn handle_of(socket: &Socket) -> String {
    format!("描述符 {}", socket.as_raw_fd())
}

/// 套接字的号码（Windows 上的套接字句柄），只是看一眼，不转移所有权。
#[cfg(windows)]
fn handle_of(socket: &Socket) -> String {
    format!("句柄 {}", socket.as_raw_socket())
}

/// 问内核：这个套接字是哪个地址族、什么类型、什么协议。
fn what_kernel_says(socket: &Socket) -> String {
    // SO_TYPE 选项：每个系统都能查。
    let kind = match socket.r#type() {
        Ok(kind) => type_name(kind),
        Err(e) => format!("类型查不到（{e}）"),
    };
    format!(
        "{}，{kind}，{}",
        kernel_domain(socket),
        kernel_protocol(socket)
    )
}

/// Linux 有 SO_DOMAIN 选项，直接回答"属于哪个地址族"。
#[cfg(any(target_os = "linux", target_os = "android"))]
fn kernel_domain(socket: &Socket) -> String {
    match socket.domain() {
        Ok(domain) => domain_name(domain),
        Err(e) => format!("地址族查不到（{e}）"),
    }
}

/// 别的系统没有 SO_DOMAIN，就看内核报告的本地地址（getsockname）属于哪一族。
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn kernel_domain(socket: &Socket) -> String {
    match socket.local_addr() {
        Ok(address) => domain_name(address.domain()),
        Err(e) => format!("地址族查不到（{e}）"),
    }
}

/// Linux 有 SO_PROTOCOL 选项：proto 写 0 时，能看到内核实际选了哪个协议。
#[cfg(any(target_os = "linux", target_os = "android"))]
fn kernel_protocol(socket: &Socket) -> String {
    match socket.protocol() {
        Ok(Some(protocol)) => protocol_name(protocol),
        // AF_UNIX 不分协议，内核记的就是 0。
        Ok(None) => "协议 0".to_string(),
        Err(e) => format!("协议号查不到（{e}）"),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn kernel_protocol(_socket: &Socket) -> String {
    "协议号这个系统查不到（只有 Linux 提供 SO_PROTOCOL）".to_string()
}

/// 绑定后内核分给 IP 套接字的地址和端口（getsockname）。
fn ip_address_of(socket: &Socket) -> String {
    match socket.local_addr() {
        Ok(address) => match address.as_socket() {
            Some(addr) => addr.to_string(),
            None => "（不是 IP 地址）".to_string(),
        },
        Err(e) => format!("（查不到：{e}）"),
    }
}

/// 内核里的地址族编号换成 Python 里的名字。
fn domain_name(domain: Domain) -> String {
    match domain {
        Domain::IPV4 => "AF_INET".to_string(),
        Domain::IPV6 => "AF_INET6".to_string(),
        Domain::UNIX => "AF_UNIX".to_string(),
        other => format!("地址族 {}", i32::from(other)),
    }
}

/// 内核里的类型编号换成 Python 里的名字。
fn type_name(kind: Type) -> String {
    match kind {
        Type::STREAM => "SOCK_STREAM".to_string(),
        Type::DGRAM => "SOCK_DGRAM".to_string(),
        Type::RAW => "SOCK_RAW".to_string(),
        other => format!("类型 {}", i32::from(other)),
    }
}

/// 协议号连同它的名字：6 是 TCP，17 是 UDP，1 是 ICMP（这些号码是 IP 包头里写的那个数）。
#[cfg(any(target_os = "linux", target_os = "android"))]
fn protocol_name(protocol: Protocol) -> String {
    let number = i32::from(protocol);
    match protocol {
        Protocol::TCP => format!("协议 {number}（TCP）"),
        Protocol::UDP => format!("协议 {number}（UDP）"),
        Protocol::ICMPV4 => format!("协议 {number}（ICMP）"),
        _ => format!("协议 {number}"),
    }
}

/// 这个程序不需要参数；只认 -h / --help。
fn check_args() -> Result<(), String> {
    // args_os 而不是 args：参数不是合法 UTF-8 时 args 会 panic。
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    match args.as_slice() {
        [] => Ok(()),
        [one] if one == "-h" || one == "--help" => {
            println!("{USAGE}");
            std::process::exit(0);
        }
        [first, ..] => Err(format!(
            "参数错误：这个程序不需要参数，「{first}」是多余的。"
        )),
    }
}
