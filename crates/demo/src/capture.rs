//! 接住程序的输出，并记下每段输出是什么时候写出来的：两个程序的行按写出的先后排，而不是按演示读到的先后。
//!
//! 为什么要记时间：服务端打印"收到 hello!"再回 hi，客户端收到 hi 再打印。两行分别走两个管道，由两个线程读；
//! 哪个线程先被调度，哪行就先到演示手里。在两核机器上，客户端那行常常先到（实测六个步骤跑 20 遍，
//! 颠倒了 41 次），投影上就成了"先收到回复、后收到请求"。
//!
//! - Linux：程序的 stdout 和 stderr 接到同一个 SOCK_SEQPACKET 套接字上，打开 SO_TIMESTAMPNS，
//!   内核在程序每次 write 的那一刻给这段数据盖上时间戳。两个程序的输出按这个时间排，和它们真正写出的先后一致。
//! - 其他系统（Windows、macOS）：照旧用管道，时间是读到的那一刻。读线程慢了一步时，
//!   相隔不到一毫秒写出的两行仍可能颠倒（docs/platforms.md 写明了）。
//!
//! 排序本身在 main.rs：每行先在手里压一小会儿（HOLD），更早写出、但晚一点才读到的行就能排到它前面。

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 一段输出：写出的时间（从 UNIX 纪元算起）和内容；内容是空的表示这个来源关闭了。
pub struct Chunk {
    pub at: Duration,
    pub bytes: Vec<u8>,
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// 给程序接好 stdout 和 stderr；启动以后用 `start` 开始读。
pub struct Capture {
    #[cfg(target_os = "linux")]
    ours: Option<std::os::fd::OwnedFd>,
}

impl Capture {
    /// 这个程序的输出有几个来源（每个来源读完都会送来一个空的 Chunk）。
    pub fn sources(&self) -> u8 {
        #[cfg(target_os = "linux")]
        if self.ours.is_some() {
            return 1;
        }
        2
    }

    pub fn attach(command: &mut Command) -> Capture {
        #[cfg(target_os = "linux")]
        if let Ok((ours, theirs)) = linux::pair()
            && let Ok(copy) = theirs.try_clone()
        {
            command
                .stdout(Stdio::from(theirs))
                .stderr(Stdio::from(copy));
            return Capture { ours: Some(ours) };
        }
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        Capture {
            #[cfg(target_os = "linux")]
            ours: None,
        }
    }

    /// 程序启动以后：每个来源一个线程，把读到的 Chunk 交给 `deliver`（它在读线程里被调用；
    /// 每个来源用自己的一份副本，所以它可以带着这个来源的状态，比如半行没读完的文字）。
    pub fn start(self, child: &mut Child, deliver: impl FnMut(Chunk) + Clone + Send + 'static) {
        #[cfg(target_os = "linux")]
        if let Some(ours) = self.ours {
            thread::spawn(move || linux::read_all(ours, deliver));
            return;
        }
        if let Some(out) = child.stdout.take() {
            spawn_pipe_reader(out, deliver.clone());
        }
        if let Some(err) = child.stderr.take() {
            spawn_pipe_reader(err, deliver);
        }
    }
}

fn spawn_pipe_reader(
    mut source: impl Read + Send + 'static,
    mut deliver: impl FnMut(Chunk) + Send + 'static,
) {
    thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match source.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => deliver(Chunk {
                    at: now(),
                    bytes: buf[..n].to_vec(),
                }),
            }
        }
        deliver(Chunk {
            at: now(),
            bytes: Vec::new(),
        });
    });
}

#[cfg(target_os = "linux")]
mod linux {
    use super::{Chunk, now};
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::Duration;

    /// 一对 SOCK_SEQPACKET 套接字：程序每次 write 是一条记录，记录的边界和时间戳都保留下来。
    /// 我们这头打开 SO_TIMESTAMPNS：内核在数据写进来的时候记下时间。
    pub fn pair() -> io::Result<(OwnedFd, OwnedFd)> {
        let mut fds = [0; 2];
        // SAFETY: fds 是两个 c_int 的数组，socketpair 成功时往里写两个新的描述符。
        let rc = unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
                0,
                fds.as_mut_ptr(),
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: 两个描述符刚刚创建，只归这里所有。
        let (ours, theirs) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let on: libc::c_int = 1;
        // SAFETY: 传入的是一个 c_int 的地址和它的大小。
        let rc = unsafe {
            libc::setsockopt(
                ours.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_TIMESTAMPNS,
                (&on as *const libc::c_int).cast(),
                size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok((ours, theirs))
    }

    /// 一条一条地读，直到程序关掉它那头（它的 stdout、stderr 和它的子进程都关了）。
    pub fn read_all(ours: OwnedFd, mut deliver: impl FnMut(Chunk)) {
        // 一条记录最大是对方的发送缓冲区（默认约 208 KiB）：缓冲区比它大，记录就不会被截断。
        let mut buf = vec![0u8; 256 * 1024];
        let mut last = Duration::ZERO;
        loop {
            match receive(&ours, &mut buf) {
                // 0：对方都关了。（程序 write 0 字节也会读到 0；课程的程序从不这样做。）
                Ok((0, _)) | Err(_) => break,
                Ok((n, at)) => {
                    // 同一个程序的输出绝不前后颠倒：系统时间被往回调了，就沿用上一条的时间。
                    last = last.max(at.unwrap_or_else(now));
                    deliver(Chunk {
                        at: last,
                        bytes: buf[..n].to_vec(),
                    });
                }
            }
        }
        deliver(Chunk {
            at: last.max(now()),
            bytes: Vec::new(),
        });
    }

    fn receive(fd: &OwnedFd, buf: &mut [u8]) -> io::Result<(usize, Option<Duration>)> {
        loop {
            let mut iov = libc::iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: buf.len(),
            };
            // 控制信息的缓冲区要按 cmsghdr 对齐：用 u64 数组。
            let mut control = [0u64; 16];
            // SAFETY: msghdr 全是整数和指针，全零是合法的初值。
            let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = size_of_val(&control) as _;
            // SAFETY: msg 指向的 iov、buf、control 在调用期间都有效。
            let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, 0) };
            if n < 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(err);
            }
            let mut at = None;
            // SAFETY: 按 CMSG_* 宏遍历 recvmsg 刚填好的控制信息，只读 SCM_TIMESTAMPNS 那条里的 timespec。
            unsafe {
                let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
                while !cmsg.is_null() {
                    if (*cmsg).cmsg_level == libc::SOL_SOCKET
                        && (*cmsg).cmsg_type == libc::SCM_TIMESTAMPNS
                    {
                        let ts: libc::timespec =
                            std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast());
                        at = Some(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32));
                    }
                    cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
                }
            }
            return Ok((n as usize, at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// 一个子进程往 stdout、stderr、stdout 各写一行。Linux 上它们是同一个来源，三行的先后原样保留，
    /// 时间戳先小后大；Windows、macOS 上是两个管道（docs/platforms.md 写明的差别），内容一字不差。
    #[test]
    fn each_program_is_read_through_the_platforms_channels() {
        let mut command = if cfg!(windows) {
            let mut command = Command::new("cmd");
            command.args(["/C", "echo one& echo two 1>&2& echo three"]);
            command
        } else {
            let mut command = Command::new("sh");
            command.args(["-c", "echo one; echo two >&2; echo three"]);
            command
        };
        command.stdin(Stdio::null());
        let capture = Capture::attach(&mut command);
        let sources = capture.sources();
        let mut child = command.spawn().unwrap();
        drop(command);
        let (tx, rx) = mpsc::channel();
        capture.start(&mut child, move |chunk| {
            let _ = tx.send(chunk);
        });
        let mut text = String::new();
        let mut stamps = Vec::new();
        let mut closed = 0;
        while closed < sources {
            let chunk = rx.recv_timeout(Duration::from_secs(10)).unwrap();
            if chunk.bytes.is_empty() {
                closed += 1;
            } else {
                text.push_str(&String::from_utf8_lossy(&chunk.bytes));
                stamps.push(chunk.at);
            }
        }
        let _ = child.wait();
        let text = text.replace("\r\n", "\n").replace(" \n", "\n");
        if cfg!(target_os = "linux") {
            assert_eq!(sources, 1);
            assert_eq!(text, "one\ntwo\nthree\n");
            assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "{stamps:?}");
        } else {
            // 两个管道各读各的，两边的片段到达的先后不定（"one" 和它的换行之间可能插进 "two"），
            // 所以只核对每个字节都到了。
            assert_eq!(sources, 2);
            let mut got: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
            got.sort();
            let mut want: Vec<char> = "onetwothree".chars().collect();
            want.sort();
            assert_eq!(got, want, "{text:?}");
        }
    }
}
