//! socket_params 的测试：运行真实的程序，逐行核对它从内核查回来的答案。
//! 它只在本机回环地址的临时端口和临时目录里的文件上建套接字，测试本身不需要网络。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use std::net::SocketAddr;
use support::*;

const PROGRAM: &str = env!("CARGO_BIN_EXE_socket_params");

/// 运行一次程序，要求它正常结束（退出码 0），返回它的输出。
fn run() -> Finished {
    let finished = start(PROGRAM, &[] as &[&str]).finish();
    assert_eq!(finished.code(), Some(0), "{finished}");
    assert!(finished.stderr.is_empty(), "{finished}");
    finished
}

/// 表里 Python 一栏是 `python` 的那一行的最后一栏（内核的回答）。
fn kernel_answer<'a>(stdout: &'a str, python: &str) -> &'a str {
    let prefix = format!("| {python} | ");
    let line = stdout
        .lines()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("表里没有 {python} 这一行：\n{stdout}"));
    let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
    assert_eq!(cells.len(), 3, "这一行不是三栏：{line}");
    cells[2].trim()
}

/// 回答里"绑定到 地址"的那个地址。
fn bound_addr(answer: &str) -> SocketAddr {
    let text = answer
        .split("绑定到 ")
        .nth(1)
        .unwrap_or_else(|| panic!("回答里没有绑定地址：{answer}"));
    text.parse()
        .unwrap_or_else(|_| panic!("「{text}」不是地址：{answer}"))
}

#[test]
fn ipv4_stream_and_datagram_are_what_the_kernel_says() {
    let out = run();
    for (python, expected) in [
        (
            "socket.socket(AF_INET, SOCK_STREAM)",
            "AF_INET，SOCK_STREAM，",
        ),
        (
            "socket.socket(AF_INET, SOCK_DGRAM)",
            "AF_INET，SOCK_DGRAM，",
        ),
    ] {
        let answer = kernel_answer(&out.stdout, python);
        assert!(answer.starts_with(expected), "{python}：{answer}");
        let addr = bound_addr(answer);
        assert!(addr.is_ipv4() && addr.ip().is_loopback(), "{answer}");
        assert_ne!(addr.port(), 0, "端口 0 应该换成了系统挑的端口：{answer}");
    }
}

/// proto 写 0，Linux 的 SO_PROTOCOL 报告内核实际选的协议：流是 TCP（6），数据报是 UDP（17）。
#[cfg(target_os = "linux")]
#[test]
fn protocol_zero_becomes_tcp_or_udp() {
    let out = run();
    let stream = kernel_answer(&out.stdout, "socket.socket(AF_INET, SOCK_STREAM)");
    assert!(stream.contains("协议 6（TCP）"), "{stream}");
    let datagram = kernel_answer(&out.stdout, "socket.socket(AF_INET, SOCK_DGRAM)");
    assert!(datagram.contains("协议 17（UDP）"), "{datagram}");
}

#[test]
fn ipv6_rows_bind_to_the_ipv6_loopback_or_explain_why_not() {
    let out = run();
    for (python, expected) in [
        (
            "socket.socket(AF_INET6, SOCK_STREAM)",
            "AF_INET6，SOCK_STREAM，",
        ),
        (
            "socket.socket(AF_INET6, SOCK_DGRAM)",
            "AF_INET6，SOCK_DGRAM，",
        ),
    ] {
        let answer = kernel_answer(&out.stdout, python);
        if ipv6_loopback_available() {
            assert!(answer.starts_with(expected), "{python}：{answer}");
            let addr = bound_addr(answer);
            assert!(addr.is_ipv6() && addr.ip().is_loopback(), "{answer}");
            assert_ne!(addr.port(), 0, "{answer}");
        } else {
            assert!(answer.starts_with("失败："), "{answer}");
            assert!(answer.contains("IPv6"), "{answer}");
        }
    }
}

/// 在一个新的网络命名空间里（只有一块关着的回环网卡，没有 ::1）运行：IPv6 两行要说明原因，
/// 程序照样把表打印完、退出码 0。需要 root 和 unshare；条件不满足就跳过。
#[cfg(target_os = "linux")]
#[test]
fn without_ipv6_loopback_the_rows_explain_and_the_table_is_still_printed() {
    let probe = start("unshare", &["-n", "true"]).finish();
    if probe.code() != Some(0) {
        eprintln!("这里不能用 unshare -n 建网络命名空间（要 root），跳过：{probe}");
        return;
    }
    let out = start("unshare", &["-n", PROGRAM]).finish();
    assert_eq!(out.code(), Some(0), "{out}");
    for python in [
        "socket.socket(AF_INET6, SOCK_STREAM)",
        "socket.socket(AF_INET6, SOCK_DGRAM)",
    ] {
        let answer = kernel_answer(&out.stdout, python);
        assert!(answer.starts_with("失败："), "{answer}");
        assert!(
            answer.contains("没有给回环网卡配 IPv6 地址 ::1"),
            "{answer}"
        );
    }
    // 每种套接字还是各占一行，哪怕失败了。
    assert!(out.stdout.contains("| socket.fromfd("), "{out}");
}

#[cfg(unix)]
#[test]
fn unix_rows_bind_to_a_file_and_remove_it_afterwards() {
    let out = run();
    for (python, expected) in [
        (
            "socket.socket(AF_UNIX, SOCK_STREAM)",
            "AF_UNIX，SOCK_STREAM，",
        ),
        (
            "socket.socket(AF_UNIX, SOCK_DGRAM)",
            "AF_UNIX，SOCK_DGRAM，",
        ),
    ] {
        let answer = kernel_answer(&out.stdout, python);
        assert!(answer.starts_with(expected), "{python}：{answer}");
        let path = answer
            .split("绑定到 ")
            .nth(1)
            .and_then(|rest| rest.split('（').next())
            .unwrap_or_else(|| panic!("回答里没有路径：{answer}"));
        let path = std::path::Path::new(path);
        assert!(path.is_absolute(), "{answer}");
        assert!(
            path.starts_with(std::env::temp_dir()),
            "文件应该建在临时目录里：{answer}"
        );
        assert!(!path.exists(), "演示完应该删掉 {}", path.display());
    }
}

#[cfg(not(unix))]
#[test]
fn unix_row_says_it_is_not_available_here() {
    let out = run();
    let answer = kernel_answer(&out.stdout, "socket.socket(AF_UNIX, …)");
    assert!(answer.contains("这个系统上不演示"), "{answer}");
}

#[test]
fn a_protocol_that_does_not_match_the_type_is_refused() {
    let out = run();
    let answer = kernel_answer(
        &out.stdout,
        "socket.socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)",
    );
    assert!(answer.starts_with("失败："), "{answer}");
    assert!(answer.contains("proto 必须和 type 配得上"), "{answer}");
}

/// 这个进程有没有 CAP_NET_RAW（能不能建原始套接字）。Linux 上从 /proc/self/status 的 CapEff 读：
/// 第 13 位就是 CAP_NET_RAW。只看 Uid 不够准：容器里的 root 可能被拿掉了这个权限。
/// 子进程（被测的程序）继承同样的权限。读不到时返回 None。
/// 只在 Linux 上读：别的系统没有这个文件（Windows 版在 Wine 里运行时，Wine 会把 Linux 的 /proc 递过来，
/// 说的却是 Linux 的权限，不是 Windows 的），那里返回 None，两种结果都接受。
#[cfg(target_os = "linux")]
fn has_cap_net_raw() -> Option<bool> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("CapEff:"))?;
    let bits = u64::from_str_radix(line["CapEff:".len()..].trim(), 16).ok()?;
    const CAP_NET_RAW: u32 = 13;
    Some(bits & (1 << CAP_NET_RAW) != 0)
}

#[cfg(not(target_os = "linux"))]
fn has_cap_net_raw() -> Option<bool> {
    None
}

const RAW_PYTHON: &str = "socket.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)";
const RAW_SUCCESS: &str = "创建成功——说明本程序有特权";
const RAW_REFUSED: &str = "失败：原始套接字需要特权";

#[test]
fn the_raw_row_matches_this_process_privileges() {
    let out = run();
    let answer = kernel_answer(&out.stdout, RAW_PYTHON);
    match has_cap_net_raw() {
        Some(true) => {
            assert!(answer.contains(RAW_SUCCESS), "{answer}");
            assert!(answer.starts_with("AF_INET，SOCK_RAW，"), "{answer}");
            #[cfg(target_os = "linux")]
            assert!(answer.contains("协议 1（ICMP）"), "{answer}");
        }
        Some(false) => {
            assert!(answer.starts_with(RAW_REFUSED), "{answer}");
            assert!(answer.contains("伪造任意数据包"), "{answer}");
        }
        None => assert!(
            answer.contains(RAW_SUCCESS) || answer.starts_with(RAW_REFUSED),
            "{answer}"
        ),
    }
}

/// 以 root 运行测试时，原始套接字总是建得出来；用 setpriv 把 CAP_NET_RAW 从权限上限里拿掉，
/// 再看程序怎么解释失败。不是 root（没法拿掉）或者没有 setpriv 时跳过——那时上一个测试已经走了失败这条路。
#[cfg(target_os = "linux")]
#[test]
fn without_cap_net_raw_the_raw_row_explains_privileges() {
    let probe = start("setpriv", &["--bounding-set", "-net_raw", "true"]).finish();
    if probe.code() != Some(0) {
        eprintln!("这里不能用 setpriv 拿掉 CAP_NET_RAW，跳过：{probe}");
        return;
    }
    let out = start("setpriv", &["--bounding-set", "-net_raw", PROGRAM]).finish();
    assert_eq!(out.code(), Some(0), "{out}");
    let answer = kernel_answer(&out.stdout, RAW_PYTHON);
    assert!(answer.starts_with(RAW_REFUSED), "{answer}");
    assert!(answer.contains("root 或 CAP_NET_RAW"), "{answer}");
}

#[test]
fn fileno_gives_back_the_same_listening_socket() {
    let out = run();
    let python = if cfg!(windows) {
        "sock.detach() → socket.socket(fileno=handle)"
    } else {
        "sock.detach() → socket.socket(fileno=fd)"
    };
    let answer = kernel_answer(&out.stdout, python);
    let address_after = |label: &str| -> SocketAddr {
        let text = answer
            .split(label)
            .nth(1)
            .and_then(|rest| rest.split('，').next())
            .unwrap_or_else(|| panic!("回答里没有「{label}」：{answer}"));
        text.parse()
            .unwrap_or_else(|_| panic!("「{text}」不是地址：{answer}"))
    };
    let before = address_after("交出前 ");
    let after = address_after("接管后 ");
    assert_eq!(before, after, "{answer}");
    assert!(before.ip().is_loopback() && before.port() != 0, "{answer}");
    assert!(answer.contains("SOCK_STREAM"), "{answer}");
    // 连接真的由接管来的对象 accept 到了：accept 看到的对端就是客户端自己的地址。
    let accepted = answer
        .split("accept 到 ")
        .nth(1)
        .and_then(|rest| rest.split('（').next())
        .unwrap_or_else(|| panic!("回答里没有 accept 到的地址：{answer}"));
    assert!(answer.contains("connect 成功"), "{answer}");
    assert!(
        answer.contains(&format!("客户端那头是 {accepted}）")),
        "{answer}"
    );

    // 对比 socket.fromfd：复制出的是另一个号码，指向同一个端口。
    let duplicate = kernel_answer(&out.stdout, "socket.fromfd(fd, AF_INET, SOCK_STREAM)");
    let numbers: Vec<u64> = duplicate
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .take(2)
        .collect();
    assert_eq!(numbers.len(), 2, "{duplicate}");
    assert_ne!(
        numbers[0], numbers[1],
        "复制品应该是另一个号码：{duplicate}"
    );
    assert!(
        duplicate.contains(&format!("本地地址同样是 {before}")),
        "{duplicate}"
    );
}

#[test]
fn the_table_has_one_row_per_socket() {
    let out = run();
    let rows = out
        .stdout
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| Python（课程）"))
        .count();
    // IPv4、IPv6 各两行，Unix 两行（别的系统一行），协议不匹配、原始套接字、fileno、fromfd 各一行。
    let expected = if cfg!(unix) { 10 } else { 9 };
    assert_eq!(rows, expected, "{out}");
    assert_no_raw_control(&out.stdout_raw);
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    assert_bad_arguments_exit_2_and(
        PROGRAM,
        "socket_params",
        &[&["127.0.0.1:0"], &["--verbose"], &["--help", "extra"]],
        |args, out| {
            assert!(out.stderr.contains("不需要参数"), "{args:?}\n{out}");
            assert!(
                out.stdout.is_empty(),
                "参数错了就不该打印表：{args:?}\n{out}"
            );
        },
    );
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_exits_2() {
    assert_non_utf8_argument_exits_2(PROGRAM, b"\xff");
}

#[test]
fn help_prints_usage_and_exits_0() {
    for flag in ["--help", "-h"] {
        let out = assert_help_exits_0(PROGRAM, &[flag], "用法：socket_params");
        assert!(!out.stdout.contains("| "), "--help 不该打印表：{out}");
    }
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_it_quietly_instead_of_a_panic() {
    // 就像 `socket_params | head -0`：没有人读输出，第一行就写不出去。
    let (status, stderr) = run_with_stdout_closed(PROGRAM, &[]);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
