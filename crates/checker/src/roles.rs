//! 每个课程程序的检查：检查器扮演另一端，照课程的样子说话，记下学生的程序做对了什么。
//!
//! "必须"的检查是课程的程序本来就做的事；"更结实"的检查是课程没要求、做到了更好的事，
//! 单独列出，永远不算不及格。

use crate::net::{self, Received};
use crate::run::{Student, contains, short};
use std::ffi::OsString;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pass,
    Fail,
    /// 前一步没做到，这一项没法检查。
    Skip,
}

pub struct Outcome {
    /// 表格里的列名，短。
    pub key: &'static str,
    pub title: String,
    pub required: bool,
    pub state: State,
    pub expected: String,
    pub happened: String,
    pub hint: String,
}

#[derive(Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub notes: Vec<String>,
}

impl Report {
    pub fn required_passed(&self) -> bool {
        self.outcomes
            .iter()
            .filter(|o| o.required)
            .all(|o| o.state == State::Pass)
    }
}

#[derive(Clone)]
pub struct Options {
    /// 给程序加一个地址参数：`fixed` 给了就用它，否则用空闲端口。
    pub addr: bool,
    /// `--addr 127.0.0.1:端口`：每次都用这个地址（连着检查几个程序时用来重现 TIME_WAIT 的问题）。
    pub fixed: Option<SocketAddr>,
    /// 每一步最多等多久。
    pub limit: Duration,
    /// 程序启动（连同编译）最多等多久。
    pub start: Duration,
}

#[derive(Clone, Copy)]
pub struct Role {
    pub name: &'static str,
    pub lesson_addr: &'static str,
    pub page: &'static str,
    pub udp: bool,
}

pub const ROLES: &[Role] = &[
    role("tcp_server", "127.0.0.1:8898", "05-tcp.md", false, true),
    role("tcp_client", "127.0.0.1:8898", "05-tcp.md", false, false),
    role(
        "tcp_server_reuse",
        "127.0.0.1:8898",
        "06-reuse-address.md",
        false,
        true,
    ),
    role("udp_server", "127.0.0.1:9000", "07-udp.md", true, true),
    role("udp_client", "127.0.0.1:9000", "07-udp.md", true, false),
    role("qq_server", "127.0.0.1:8081", "08-qq-chat.md", true, true),
    role("qq_client", "127.0.0.1:8081", "08-qq-chat.md", true, false),
    role(
        "time_server",
        "127.0.0.1:9000",
        "09-time-server.md",
        true,
        true,
    ),
    role(
        "time_client",
        "127.0.0.1:9000",
        "09-time-server.md",
        true,
        false,
    ),
    role(
        "sticky_server",
        "127.0.0.1:8899",
        "11-sticky-packets.md",
        false,
        true,
    ),
    role(
        "sticky_client",
        "127.0.0.1:8899",
        "11-sticky-packets.md",
        false,
        false,
    ),
    role(
        "framed_server",
        "127.0.0.1:8900",
        "11-sticky-packets.md",
        false,
        true,
    ),
    role(
        "framed_client",
        "127.0.0.1:8900",
        "11-sticky-packets.md",
        false,
        false,
    ),
];

const fn role(
    name: &'static str,
    lesson_addr: &'static str,
    page: &'static str,
    udp: bool,
    _server: bool,
) -> Role {
    Role {
        name,
        lesson_addr,
        page,
        udp,
    }
}

pub fn find(name: &str) -> Option<Role> {
    ROLES.iter().copied().find(|r| r.name == name)
}

/// 对方发来、打印前该被转义的字节：清屏和改窗口标题的转义序列，外加不是 UTF-8 的字节。
const ESCAPES: &[u8] = b"\x1b[2J\x1b]0;checker\x07";
const CLEAR_SCREEN: &[u8] = b"\x1b[2J";
const NOT_UTF8: &[u8] = b"\xff\xfe\xfd";

/// 黏包两课里客户端发的东西：5 条短消息，一条 3000 字节的长消息。
const SHORT_MESSAGES: [&str; 5] = ["hello", "你好", "world", "黏包", "字节流"];
const LONG_LEN: usize = 3000;

fn long_message() -> Vec<u8> {
    (b'0'..=b'9').cycle().take(LONG_LEN).collect()
}

fn sticky_bytes() -> Vec<u8> {
    let mut all: Vec<u8> = SHORT_MESSAGES.concat().into_bytes();
    all.extend(long_message());
    all
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// 按 4 字节大端报头切开；切不开（长度不对）返回 None。
fn unframe(mut bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut frames = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < 4 {
            return None;
        }
        let len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        let body = bytes.get(4..4 + len)?;
        frames.push(body.to_vec());
        bytes = &bytes[4 + len..];
    }
    Some(frames)
}

/// 给人看的字节：可打印的原样，其余转义，太长就截断。
pub fn shown(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "（什么也没有）".to_string();
    }
    let text = String::from_utf8_lossy(bytes);
    let escaped: String = text.chars().flat_map(char::escape_debug).collect();
    format!("\"{}\"", short(&escaped, 60))
}

/// 一次检查的上下文：角色、学生的命令、选项，和攒下的结果。
pub struct Ctx<'a> {
    pub role: Role,
    pub command: &'a [OsString],
    pub opts: &'a Options,
    pub report: Report,
}

impl Ctx<'_> {
    fn lesson_addr(&self) -> SocketAddr {
        self.role
            .lesson_addr
            .parse()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8898)))
    }

    /// 学生服务端这次要监听的地址：--addr 时是一个空闲端口，否则是课程的地址。
    fn server_addr(&self) -> Result<SocketAddr, String> {
        if let Some(fixed) = self.opts.fixed {
            Ok(fixed)
        } else if self.opts.addr {
            net::free_port(self.role.udp)
        } else {
            Ok(self.lesson_addr())
        }
    }

    fn start(&self, addr: SocketAddr) -> Result<Student, String> {
        let extra = self.opts.addr.then(|| addr.to_string());
        Student::start(self.command, extra.as_deref())
    }

    fn hint(&self, text: &str) -> String {
        format!("{text}（见 docs/{}）", self.role.page)
    }

    fn pass(&mut self, key: &'static str, title: &str, required: bool) {
        self.report.outcomes.push(Outcome {
            key,
            title: title.to_string(),
            required,
            state: State::Pass,
            expected: String::new(),
            happened: String::new(),
            hint: String::new(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn fail(
        &mut self,
        key: &'static str,
        title: &str,
        required: bool,
        expected: &str,
        happened: &str,
        hint: &str,
    ) {
        let hint = self.hint(hint);
        self.report.outcomes.push(Outcome {
            key,
            title: title.to_string(),
            required,
            state: State::Fail,
            expected: expected.to_string(),
            happened: happened.to_string(),
            hint,
        });
    }

    fn skip(&mut self, key: &'static str, title: &str, required: bool, why: &str) {
        self.report.outcomes.push(Outcome {
            key,
            title: title.to_string(),
            required,
            state: State::Skip,
            expected: String::new(),
            happened: why.to_string(),
            hint: String::new(),
        });
    }

    /// 一项检查：`result` 是 Ok 就通过，Err((实际, 提示)) 就不通过。
    fn verdict(
        &mut self,
        key: &'static str,
        title: &str,
        required: bool,
        expected: &str,
        result: Result<(), (String, &str)>,
    ) -> bool {
        match result {
            Ok(()) => {
                self.pass(key, title, required);
                true
            }
            Err((happened, hint)) => {
                self.fail(key, title, required, expected, &happened, hint);
                false
            }
        }
    }

    /// 程序在期限内自己退出、退出码 0。
    fn check_exit(&mut self, student: &mut Student, key: &'static str, title: &str, hint: &str) {
        let limit = self.opts.limit;
        let result = match student.wait_exit(limit) {
            Some(status) if status.success() => Ok(()),
            Some(status) => Err((
                format!(
                    "{}{}",
                    net::describe(status),
                    student
                        .crashed()
                        .map(|c| format!("，{c}"))
                        .unwrap_or_default()
                ),
                hint,
            )),
            None => Err((format!("{} 秒后还在运行", limit.as_secs()), hint)),
        };
        self.verdict(key, title, true, "自己退出，退出码 0", result);
    }

    /// 更结实：没有崩溃（没有 Traceback、panic、被信号终止）。
    fn check_no_crash(
        &mut self,
        student: &mut Student,
        key: &'static str,
        title: &str,
        extra: Option<String>,
        hint: &str,
    ) {
        let result = match (student.crashed(), extra) {
            (Some(crash), _) => Err((crash, hint)),
            (None, Some(problem)) => Err((problem, hint)),
            (None, None) => Ok(()),
        };
        self.verdict(key, title, false, "不崩溃，照常工作或给出一句说明", result);
    }

    /// 更结实：对方发来的转义序列没有原样打印出来。
    fn check_escapes(&mut self, student: &Student, title: &str) {
        let raw = contains(&student.stdout(), CLEAR_SCREEN);
        let result = if raw {
            Err((
                "把对方发来的 ESC [2J（清屏）原样打印到了终端".to_string(),
                "打印网络上收到的内容之前，先把控制字符转义，比如 Python 的 repr()、Rust 的 escape_debug()",
            ))
        } else {
            Ok(())
        };
        self.verdict("转义序列", title, false, "控制字符被转义后再打印", result);
    }

    /// 更结实：输入结束（Ctrl-D）时干净地退出。
    /// `nudge`：关掉输入后再做的一件事，让程序走到读输入的地方（聊天服务端要先收到一条消息才读键盘）。
    fn check_eof(&mut self, student: &mut Student, nudge: impl FnOnce(&mut Student)) {
        student.close_stdin();
        nudge(student);
        let limit = self.opts.limit;
        let result = match student.wait_exit(limit) {
            Some(status) => match student.crashed() {
                Some(crash) => Err((
                    crash,
                    "input() 遇到输入结束会抛出 EOFError，接住它，安静地退出",
                )),
                None if status.success() => Ok(()),
                None => Err((net::describe(status), "输入结束不是错误，退出码应该是 0")),
            },
            None => Err((
                format!("{} 秒后还在运行", limit.as_secs()),
                "读到输入结束（读到 0 字节、EOFError）时应该退出，而不是一直循环",
            )),
        };
        self.verdict(
            "输入结束",
            "输入结束（Ctrl-D）时干净地退出",
            false,
            "退出码 0，没有报错",
            result,
        );
    }
}

/// 检查一个角色，返回报告。
pub fn check(role: Role, command: &[OsString], opts: &Options) -> Report {
    let mut ctx = Ctx {
        role,
        command,
        opts,
        report: Report::default(),
    };
    if !opts.addr {
        ctx.report.notes.push(format!(
            "没有用 --addr：程序按课程的地址运行，检查器用 {}（这个端口要空着）。",
            role.lesson_addr
        ));
    }
    let result = match role.name {
        "tcp_server" => tcp_server(&mut ctx, false),
        "tcp_server_reuse" => tcp_server(&mut ctx, true),
        "tcp_client" => tcp_client(&mut ctx),
        "udp_server" => udp_server(&mut ctx),
        "udp_client" => udp_client(&mut ctx),
        "qq_server" => qq_server(&mut ctx),
        "qq_client" => qq_client(&mut ctx),
        "time_server" => time_server(&mut ctx),
        "time_client" => time_client(&mut ctx),
        "sticky_server" => stream_server(&mut ctx, false),
        "framed_server" => stream_server(&mut ctx, true),
        "sticky_client" => stream_client(&mut ctx, false),
        "framed_client" => stream_client(&mut ctx, true),
        _ => Err("不认识的角色".to_string()),
    };
    if let Err(problem) = result {
        ctx.report.notes.push(problem);
        // 没能检查下去：没记下结果的必须项不能算通过。
        if ctx.report.outcomes.iter().all(|o| !o.required) {
            ctx.report.outcomes.push(Outcome {
                key: "启动",
                title: "程序能启动".to_string(),
                required: true,
                state: State::Fail,
                expected: "程序能运行起来".to_string(),
                happened: ctx.report.notes.last().cloned().unwrap_or_default(),
                hint: ctx.hint("检查命令是否写对、在终端里单独运行一次看看"),
            });
        }
    }
    ctx.report
}

// ───────── TCP 服务端：tcp_server、tcp_server_reuse ─────────

fn tcp_server(ctx: &mut Ctx, reuse: bool) -> Result<(), String> {
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let start = ctx.opts.start;
    let limit = ctx.opts.limit;
    let listen_title = format!("在 {addr} 上监听");
    let stream = match net::connect_retry(addr, &mut student, start) {
        Ok(stream) => {
            ctx.pass("监听", &listen_title, true);
            Some(stream)
        }
        Err(problem) => {
            ctx.fail(
                "监听",
                &listen_title,
                true,
                &format!("能连上 {addr}"),
                &problem,
                if ctx.opts.addr {
                    "程序要用第一个命令行参数作为监听地址（课程的默认地址只在没有参数时用）"
                } else {
                    "bind 的地址和端口要和课程一样；端口写错或者 bind 失败都会这样"
                },
            );
            None
        }
    };
    let reply_title = "收到 hello! 后回复 hi";
    let close_title = "回复后关闭连接";
    let exit_title = "服务完一个客户端后退出";
    let Some(mut stream) = stream else {
        for (key, title) in [
            ("回复hi", reply_title),
            ("关闭连接", close_title),
            ("退出", exit_title),
        ] {
            ctx.skip(key, title, true, "没连上，没法检查");
        }
        return robust_tcp_server(ctx, false);
    };
    let _ = net::write_quietly(&mut stream, b"hello!");
    let got = net::read_some(&mut stream, limit, usize::MAX);
    let reply = if got.bytes == b"hi" {
        Ok(())
    } else if got.bytes.is_empty() {
        Err((
            format!("{} 秒内什么也没收到", limit.as_secs()),
            "accept 之后要 recv 一次，再 send(b'hi')；别忘了 send 这一步",
        ))
    } else {
        Err((
            format!("收到 {}", shown(&got.bytes)),
            "回复的内容要和课程一样，正好是两个字节 hi",
        ))
    };
    ctx.verdict("回复hi", reply_title, true, "收到 \"hi\"", reply);
    let closed = if got.closed || got.reset {
        Ok(())
    } else {
        Err((
            "连接一直开着".to_string(),
            "回复之后 conn.close()（Rust 里让连接离开作用域）",
        ))
    };
    ctx.verdict("关闭连接", close_title, true, "服务端关闭连接", closed);
    net::abort(stream);
    ctx.check_exit(
        &mut student,
        "退出",
        exit_title,
        "课程的服务端只服务一个客户端，回复、关闭之后程序就结束了",
    );
    drop(student);
    robust_tcp_server(ctx, true)?;
    if reuse {
        restart_right_away(ctx)?;
    }
    Ok(())
}

fn robust_tcp_server(ctx: &mut Ctx, listening: bool) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let start = ctx.opts.start;
    let titles = [
        ("沉默客户端", "客户端连上后一句话不说就断开"),
        ("2000字节", "客户端一次发来 2000 字节"),
        ("非UTF-8", "客户端发来不是 UTF-8 的字节"),
        ("转义序列", "客户端发来终端转义序列"),
    ];
    if !listening {
        for (key, title) in titles {
            ctx.skip(key, title, false, "没连上，没法检查");
        }
        return Ok(());
    }
    // 1. 沉默的客户端：连上，什么都不说，走了。
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    if let Ok(stream) = net::connect_retry(addr, &mut student, start) {
        drop(stream);
        student.wait_exit(limit);
    }
    ctx.check_no_crash(
        &mut student,
        titles[0].0,
        titles[0].1,
        None,
        "recv 收到 0 字节表示对方已经走了，说一句、结束这个连接就好，不要崩溃",
    );
    drop(student);

    // 2. 2000 字节：比课程的 recv(1024) 大。
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    if let Ok(mut stream) = net::connect_retry(addr, &mut student, start) {
        let _ = net::write_quietly(&mut stream, &[b'x'; 2000]);
        let _ = net::read_some(&mut stream, limit, usize::MAX);
        net::abort(stream);
        student.wait_exit(limit);
    }
    ctx.check_no_crash(
        &mut student,
        titles[1].0,
        titles[1].1,
        None,
        "一次 recv 最多收 1024 字节，剩下的还在缓冲区里；多出来的内容不能让程序出错",
    );
    drop(student);

    // 3. 不是 UTF-8 的字节，夹着清屏的转义序列。
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    if let Ok(mut stream) = net::connect_retry(addr, &mut student, start) {
        let mut payload = ESCAPES.to_vec();
        payload.extend_from_slice(NOT_UTF8);
        let _ = net::write_quietly(&mut stream, &payload);
        let _ = net::read_some(&mut stream, limit, usize::MAX);
        net::abort(stream);
        student.wait_exit(limit);
    }
    ctx.check_no_crash(
        &mut student,
        titles[2].0,
        titles[2].1,
        None,
        "decode('utf-8') 遇到坏字节会抛异常；用 errors='replace'，或者像课程一样直接打印 bytes",
    );
    ctx.check_escapes(&student, titles[3].1);
    Ok(())
}

/// tcp_server_reuse：课程的服务端先关闭连接，端口进入 TIME_WAIT；设了 SO_REUSEADDR 才能马上再启动。
/// 这一项故意正常关闭（发 FIN），把课程里的 TIME_WAIT 造出来。
fn restart_right_away(ctx: &mut Ctx) -> Result<(), String> {
    let title = "刚服务完一个客户端，马上在同一个端口重新启动";
    let addr = ctx.server_addr()?;
    let limit = ctx.opts.limit;
    let start = ctx.opts.start;
    let mut first = ctx.start(addr)?;
    let Ok(mut stream) = net::connect_retry(addr, &mut first, start) else {
        ctx.skip("马上重启", title, true, "第一次就没连上，没法检查");
        return Ok(());
    };
    let _ = net::write_quietly(&mut stream, b"hello!");
    let _ = net::read_some(&mut stream, limit, usize::MAX);
    net::close_politely(stream);
    first.wait_exit(limit);
    drop(first);
    let mut second = ctx.start(addr)?;
    let result = match net::connect_retry(addr, &mut second, start) {
        Ok(mut stream) => {
            let _ = net::write_quietly(&mut stream, b"hello!");
            let got = net::read_some(&mut stream, limit, usize::MAX);
            net::abort(stream);
            if got.bytes == b"hi" {
                Ok(())
            } else {
                Err((
                    format!("连上了，但收到 {}", shown(&got.bytes)),
                    "第二次启动也要照常回复 hi",
                ))
            }
        }
        Err(problem) => Err((
            problem,
            "bind 之前设置 SO_REUSEADDR（Python：sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)）",
        )),
    };
    ctx.verdict(
        "马上重启",
        title,
        true,
        "第二次启动照样能连上、回复 hi",
        result,
    );
    if !ctx.opts.addr {
        ctx.report.notes.push(format!(
            "「马上重启」这一项在 {addr} 上故意留下了 TIME_WAIT（大约一分钟）；接着检查别的程序请用 --addr。"
        ));
    }
    Ok(())
}

// ───────── TCP 客户端：tcp_client ─────────

/// 检查器当服务端时用的地址：--addr 给了地址就用它，只写 --addr 用一个空闲端口，否则用课程的地址。
fn own_addr(ctx: &Ctx) -> SocketAddr {
    if let Some(fixed) = ctx.opts.fixed {
        fixed
    } else if ctx.opts.addr {
        SocketAddr::from(([127, 0, 0, 1], 0))
    } else {
        ctx.lesson_addr()
    }
}

/// 检查器当服务端：监听课程的地址，或者 --addr 时监听一个空闲端口。
fn listen(ctx: &Ctx) -> Result<TcpListener, String> {
    let addr = own_addr(ctx);
    TcpListener::bind(addr).map_err(|e| {
        format!("检查器绑定不了 {addr}（{e}）：别的程序占着这个端口？关掉它，或者加 --addr 让程序用别的端口。")
    })
}

fn tcp_client(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let listener = listen(ctx)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut student = ctx.start(addr)?;
    let titles = [
        ("连接", format!("连接 {addr}")),
        ("发hello!", "连上后发送 hello!".to_string()),
        ("打印回复", "打印服务端的回复 hi".to_string()),
        ("退出", "收到回复后退出".to_string()),
    ];
    let stream = match net::accept_within(&listener, &mut student, ctx.opts.start) {
        Ok(stream) => {
            ctx.pass(titles[0].0, &titles[0].1, true);
            stream
        }
        Err(problem) => {
            let hint = if ctx.opts.addr {
                "程序要用第一个命令行参数作为服务端地址"
            } else {
                "connect 的地址和端口要和课程的服务端一样"
            };
            ctx.fail(
                titles[0].0,
                &titles[0].1,
                true,
                &format!("连到 {addr}"),
                &problem,
                hint,
            );
            for (key, title) in &titles[1..] {
                ctx.skip(key, title, true, "没连上，没法检查");
            }
            drop(student);
            return robust_tcp_client(ctx);
        }
    };
    let mut stream = stream;
    let got = net::read_some(&mut stream, limit, 6);
    let said = if got.bytes == b"hello!" {
        Ok(())
    } else if got.bytes.is_empty() {
        Err((
            format!("{} 秒内什么也没收到", limit.as_secs()),
            "connect 之后 send(b'hello!')",
        ))
    } else {
        Err((
            format!("收到 {}", shown(&got.bytes)),
            "发送的内容要和课程一样：hello!（带感叹号）",
        ))
    };
    ctx.verdict(titles[1].0, &titles[1].1, true, "收到 \"hello!\"", said);
    let _ = net::write_quietly(&mut stream, b"hi");
    let _ = net::read_some(&mut stream, limit, usize::MAX);
    net::abort(stream);
    let printed = if student.wait_stdout(b"hi", limit) {
        Ok(())
    } else {
        Err((
            format!("输出里没有 hi：{}", shown(&student.stdout())),
            "recv 之后把收到的内容 print 出来",
        ))
    };
    ctx.verdict(titles[2].0, &titles[2].1, true, "输出里有 hi", printed);
    ctx.check_exit(
        &mut student,
        titles[3].0,
        &titles[3].1,
        "收到回复、关闭连接之后，程序就该结束了",
    );
    drop(student);
    drop(listener);
    robust_tcp_client(ctx)
}

fn robust_tcp_client(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    // 1. 没有服务端：检查器什么也不监听。
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let exited = student.wait_exit(ctx.opts.start.max(limit));
    let result = match exited {
        None => Err((
            format!("{} 秒后还在运行", ctx.opts.start.max(limit).as_secs()),
            "连不上时应该说一句、退出，而不是一直等",
        )),
        Some(_) => match student.crashed() {
            Some(crash) => Err((
                crash,
                "连接失败（ConnectionRefusedError）时接住异常，用一句中文说明：请先启动服务端",
            )),
            None => Ok(()),
        },
    };
    ctx.verdict(
        "没有服务端",
        "没有服务端时说明一句再退出",
        false,
        "一句说明，不是崩溃",
        result,
    );
    drop(student);

    // 2. 服务端回复了转义序列、坏字节和 2000 字节。
    let listener = listen(ctx)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut student = ctx.start(addr)?;
    if let Ok(mut stream) = net::accept_within(&listener, &mut student, ctx.opts.start) {
        let _ = net::read_some(&mut stream, limit, 6);
        let mut payload = ESCAPES.to_vec();
        payload.extend_from_slice(NOT_UTF8);
        payload.extend_from_slice(&[b'x'; 2000]);
        let _ = net::write_quietly(&mut stream, &payload);
        let _ = net::read_some(&mut stream, limit, usize::MAX);
        net::abort(stream);
        student.wait_exit(limit);
    }
    ctx.check_no_crash(
        &mut student,
        "怪回复",
        "服务端回复 2000 字节、坏字节",
        None,
        "回复可能很长、可能不是 UTF-8；按字节收，打印前用 errors='replace' 或直接打印 bytes",
    );
    ctx.check_escapes(&student, "服务端回复终端转义序列");
    Ok(())
}

// ───────── UDP：udp_server、udp_client ─────────

fn udp_server(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let socket = net::udp_to(addr)?;
    let recv_title = format!("在 {addr} 上收数据报");
    let titles = [
        ("回复hi", "收到 hello 后给发来的地址回复 hi"),
        ("退出", "回复一次后退出"),
    ];
    match net::udp_deliver(&socket, b"hello", &mut student, ctx.opts.start) {
        Ok(()) => ctx.pass("收数据报", &recv_title, true),
        Err(problem) => {
            ctx.fail(
                "收数据报",
                &recv_title,
                true,
                &format!("{addr} 上有人收"),
                &problem,
                "bind 的地址和端口要和课程一样（有参数时用参数）",
            );
            for (key, title) in titles {
                ctx.skip(key, title, true, "数据报送不到，没法检查");
            }
            return robust_udp_server(ctx, false);
        }
    }
    let reply = match net::udp_wait(&socket, &mut student, limit) {
        Ok(bytes) if bytes == b"hi" => Ok(()),
        Ok(bytes) => Err((
            format!("收到 {}", shown(&bytes)),
            "回复的内容要和课程一样：hi",
        )),
        Err(problem) => Err((problem, "recvfrom 得到对方地址，再 sendto(b'hi', 那个地址)")),
    };
    ctx.verdict(titles[0].0, titles[0].1, true, "收到 \"hi\"", reply);
    ctx.check_exit(
        &mut student,
        titles[1].0,
        titles[1].1,
        "课程的 UDP 服务端收一个、回一个，然后结束",
    );
    drop(student);
    robust_udp_server(ctx, true)
}

fn robust_udp_server(ctx: &mut Ctx, works: bool) -> Result<(), String> {
    let titles = [
        ("2000字节", "收到 2000 字节的数据报"),
        ("非UTF-8", "收到不是 UTF-8 的字节"),
        ("转义序列", "收到终端转义序列"),
    ];
    if !works {
        for (key, title) in titles {
            ctx.skip(key, title, false, "数据报送不到，没法检查");
        }
        return Ok(());
    }
    let limit = ctx.opts.limit;
    for (index, payload) in [vec![b'x'; 2000], [ESCAPES, NOT_UTF8].concat()]
        .into_iter()
        .enumerate()
    {
        let addr = ctx.server_addr()?;
        let mut student = ctx.start(addr)?;
        let socket = net::udp_to(addr)?;
        if net::udp_deliver(&socket, &payload, &mut student, ctx.opts.start).is_ok() {
            let _ = net::udp_wait(&socket, &mut student, limit);
            student.wait_exit(limit);
        }
        if index == 0 {
            ctx.check_no_crash(
                &mut student,
                titles[0].0,
                titles[0].1,
                None,
                "数据报比 recvfrom(1024) 大时，多出来的部分被丢掉（Windows 上会报错）；要接住这个错误",
            );
        } else {
            ctx.check_no_crash(
                &mut student,
                titles[1].0,
                titles[1].1,
                None,
                "decode('utf-8') 遇到坏字节会抛异常；用 errors='replace'，或者直接打印 bytes",
            );
            ctx.check_escapes(&student, titles[2].1);
        }
    }
    Ok(())
}

/// 检查器当 UDP 服务端。
fn udp_listen(ctx: &Ctx) -> Result<UdpSocket, String> {
    let addr = own_addr(ctx);
    UdpSocket::bind(addr).map_err(|e| {
        format!("检查器绑定不了 UDP {addr}（{e}）：别的程序占着这个端口？关掉它，或者加 --addr。")
    })
}

fn udp_client(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let socket = udp_listen(ctx)?;
    let addr = socket.local_addr().map_err(|e| e.to_string())?;
    let mut student = ctx.start(addr)?;
    let titles = [
        ("打印回复", "打印服务端的回复 hi"),
        ("退出", "收到回复后退出"),
    ];
    let send_title = format!("给 {addr} 发 hello");
    match net::udp_receive(&socket, &mut student, ctx.opts.start) {
        Ok((bytes, peer)) => {
            let said = if bytes == b"hello" {
                Ok(())
            } else {
                Err((
                    format!("收到 {}", shown(&bytes)),
                    "发送的内容要和课程一样：hello",
                ))
            };
            ctx.verdict("发hello", &send_title, true, "收到 \"hello\"", said);
            let _ = socket.send_to(b"hi", peer);
        }
        Err(problem) => {
            ctx.fail(
                "发hello",
                &send_title,
                true,
                "收到 \"hello\"",
                &problem,
                "sendto 的地址要和课程的服务端一样（有参数时用参数）",
            );
            for (key, title) in titles {
                ctx.skip(key, title, true, "没收到数据报，没法检查");
            }
            drop(student);
            return robust_udp_client(ctx);
        }
    }
    let printed = if student.wait_stdout(b"hi", limit) {
        Ok(())
    } else {
        Err((
            format!("输出里没有 hi：{}", shown(&student.stdout())),
            "recvfrom 之后把回复 print 出来",
        ))
    };
    ctx.verdict(titles[0].0, titles[0].1, true, "输出里有 hi", printed);
    ctx.check_exit(
        &mut student,
        titles[1].0,
        titles[1].1,
        "收到一个回复后程序就该结束了",
    );
    drop(student);
    robust_udp_client(ctx)
}

fn robust_udp_client(ctx: &mut Ctx) -> Result<(), String> {
    // 没有服务端：UDP 发出去没人收，课程的客户端会一直等回复。
    let wait = ctx.opts.limit + Duration::from_secs(4);
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let result = match student.wait_exit(wait) {
        None => Err((
            format!("{} 秒后还在等回复", wait.as_secs()),
            "UDP 不保证送达：给 recvfrom 设一个超时（settimeout），超时就说一句、退出",
        )),
        Some(_) => match student.crashed() {
            Some(crash) => Err((crash, "没有服务端时接住异常，用一句中文说明")),
            None => Ok(()),
        },
    };
    ctx.verdict(
        "没有服务端",
        "没有服务端时不会一直等下去",
        false,
        "几秒后说明一句再退出",
        result,
    );
    Ok(())
}

// ───────── 聊天：qq_server、qq_client ─────────

fn qq_server(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let socket = net::udp_to(addr)?;
    let titles = [
        ("打印消息", "收到消息后打印出来"),
        ("发回回复", "把键盘输入的回复发回给对方"),
        ("一直聊", "一条接一条地聊下去"),
    ];
    let recv_title = format!("在 {addr} 上收消息");
    if let Err(problem) = net::udp_deliver(&socket, "你好".as_bytes(), &mut student, ctx.opts.start)
    {
        ctx.fail(
            "收消息",
            &recv_title,
            true,
            &format!("{addr} 上有人收"),
            &problem,
            "bind 的地址和端口要和课程一样（有参数时用参数）",
        );
        for (key, title) in titles {
            ctx.skip(key, title, true, "消息送不到，没法检查");
        }
        for (key, title) in [
            ("输入结束", "输入结束（Ctrl-D）时干净地退出"),
            ("非UTF-8", "收到不是 UTF-8 的字节"),
            ("转义序列", "收到终端转义序列"),
            ("2000字节", "收到 2000 字节的消息"),
        ] {
            ctx.skip(key, title, false, "消息送不到，没法检查");
        }
        return Ok(());
    }
    ctx.pass("收消息", &recv_title, true);
    let printed = if student.wait_stdout("你好".as_bytes(), limit) {
        Ok(())
    } else {
        Err((
            format!("输出里没有「你好」：{}", shown(&student.stdout())),
            "recvfrom 之后把消息 decode 再 print",
        ))
    };
    ctx.verdict(titles[0].0, titles[0].1, true, "输出里有「你好」", printed);
    student.type_line("收到");
    let answered = match net::udp_wait(&socket, &mut student, limit) {
        Ok(bytes) if bytes == "收到".as_bytes() => Ok(()),
        Ok(bytes) => Err((
            format!("收到 {}", shown(&bytes)),
            "input() 读到的回复原样 encode 后 sendto 回去",
        )),
        Err(problem) => Err((
            problem,
            "打印消息后用 input() 读一行回复，sendto 给发消息的地址",
        )),
    };
    let first_ok = ctx.verdict(
        titles[1].0,
        titles[1].1,
        true,
        "检查器打的「收到」发回来",
        answered,
    );
    let again = if first_ok {
        let _ = socket.send("再来一条".as_bytes());
        student.type_line("好的");
        match net::udp_wait(&socket, &mut student, limit) {
            Ok(bytes) if bytes == "好的".as_bytes() => Ok(()),
            Ok(bytes) => Err((
                format!("第二轮收到 {}", shown(&bytes)),
                "收发要放在 while True 循环里",
            )),
            Err(problem) => Err((
                format!("第二轮：{problem}"),
                "收发要放在 while True 循环里，聊完一句接着等下一句",
            )),
        }
    } else {
        Err(("第一轮就没回复".to_string(), "先让第一轮聊通"))
    };
    ctx.verdict(
        titles[2].0,
        titles[2].1,
        true,
        "第二条消息也收到回复「好的」",
        again,
    );
    ctx.check_eof(&mut student, |_| {
        let _ = socket.send("还在吗".as_bytes());
    });
    drop(student);

    // 更结实：转义序列、坏字节、2000 字节。每种之后再聊一句，看它还在不在。
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let socket = net::udp_to(addr)?;
    let alive = |payload: &[u8], student: &mut Student| -> Option<String> {
        if let Err(problem) = net::udp_deliver(&socket, payload, student, ctx.opts.start) {
            return Some(problem);
        }
        student.type_line("还在");
        match net::udp_wait(&socket, student, limit) {
            Ok(_) => None,
            Err(problem) => Some(format!("之后不再回复：{problem}")),
        }
    };
    let escapes = alive(&[ESCAPES, "你好".as_bytes()].concat(), &mut student);
    let bad = if escapes.is_none() {
        alive(NOT_UTF8, &mut student)
    } else {
        escapes.clone()
    };
    let long = if bad.is_none() {
        alive(&[b'x'; 2000], &mut student)
    } else {
        Some("前一项之后程序已经不回复了".to_string())
    };
    ctx.check_no_crash(
        &mut student,
        "非UTF-8",
        "收到不是 UTF-8 的字节",
        bad,
        "decode('utf-8') 遇到坏字节会抛异常；用 errors='replace'",
    );
    ctx.check_escapes(&student, "收到终端转义序列");
    ctx.verdict(
        "2000字节",
        "收到 2000 字节的消息",
        false,
        "照常回复",
        match long {
            None => Ok(()),
            Some(problem) => Err((
                problem,
                "数据报比 recvfrom(1024) 大时多出来的被丢掉（Windows 上会报错）；要接住这个错误",
            )),
        },
    );
    Ok(())
}

fn qq_client(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let socket = udp_listen(ctx)?;
    let addr = socket.local_addr().map_err(|e| e.to_string())?;
    let mut student = ctx.start(addr)?;
    let titles = [
        ("打印回复", "打印对方的回复"),
        ("q换人", "输入 q 结束这段聊天，回去重新选人"),
    ];
    student.type_line("哪吒");
    student.type_line("你好");
    let send_title = format!("选了联系人后把消息发到 {addr}");
    let peer = match net::udp_receive(&socket, &mut student, ctx.opts.start) {
        Ok((bytes, peer)) => {
            let said = if bytes == "你好".as_bytes() {
                Ok(())
            } else {
                Err((
                    format!("收到 {}", shown(&bytes)),
                    "把输入的那一行（去掉首尾空白）encode 后 sendto",
                ))
            };
            ctx.verdict("发消息", &send_title, true, "收到「你好」", said);
            peer
        }
        Err(problem) => {
            ctx.fail("发消息", &send_title, true, "收到「你好」", &problem, "联系人的地址要和课程一样（有参数时四个联系人都用参数里的地址）；先输入联系人名字，再输入消息");
            for (key, title) in titles {
                ctx.skip(key, title, true, "没收到消息，没法检查");
            }
            for (key, title) in [
                ("输入结束", "输入结束（Ctrl-D）时干净地退出"),
                ("转义序列", "对方回复终端转义序列"),
                ("非UTF-8", "对方回复不是 UTF-8 的字节"),
                ("没有服务端", "对方不在时不会一直等下去"),
            ] {
                ctx.skip(key, title, false, "没收到消息，没法检查");
            }
            return Ok(());
        }
    };
    let _ = socket.send_to("收到了".as_bytes(), peer);
    let printed = if student.wait_stdout("收到了".as_bytes(), limit) {
        Ok(())
    } else {
        Err((
            format!("输出里没有「收到了」：{}", shown(&student.stdout())),
            "recvfrom 之后把回复 decode 再 print",
        ))
    };
    ctx.verdict(
        titles[0].0,
        titles[0].1,
        true,
        "输出里有「收到了」",
        printed,
    );
    student.type_line("q");
    student.type_line("egg");
    student.type_line("再见");
    let switched = match net::udp_receive(&socket, &mut student, limit) {
        Ok((bytes, peer)) => {
            let _ = socket.send_to("拜拜".as_bytes(), peer);
            if bytes == "再见".as_bytes() {
                Ok(())
            } else if bytes == b"q" {
                Err((
                    "把 q 当成消息发了出去".to_string(),
                    "在发送之前判断：输入的是 q 就 break，回到选联系人那一层循环",
                ))
            } else {
                Err((
                    format!("收到 {}", shown(&bytes)),
                    "q 之后回到选人：先读联系人名字，再读消息",
                ))
            }
        }
        Err(problem) => Err((problem, "q 之后回到外层循环重新选人，再接着聊")),
    };
    ctx.verdict(
        titles[1].0,
        titles[1].1,
        true,
        "换人后下一条收到的是「再见」",
        switched,
    );
    ctx.check_eof(&mut student, |_| {});
    drop(student);
    drop(socket);

    // 更结实：对方回复转义序列和坏字节。
    let socket = udp_listen(ctx)?;
    let addr = socket.local_addr().map_err(|e| e.to_string())?;
    let mut student = ctx.start(addr)?;
    student.type_line("哪吒");
    student.type_line("一");
    student.type_line("二");
    let mut problem = None;
    if let Ok((_, peer)) = net::udp_receive(&socket, &mut student, ctx.opts.start) {
        let _ = socket.send_to(&[ESCAPES, "你好".as_bytes()].concat(), peer);
        match net::udp_receive(&socket, &mut student, limit) {
            Ok((_, peer)) => {
                let _ = socket.send_to(NOT_UTF8, peer);
                student.close_stdin();
                student.wait_exit(limit);
            }
            Err(p) => problem = Some(format!("收到转义序列后：{p}")),
        }
    }
    ctx.check_escapes(&student, "对方回复终端转义序列");
    ctx.check_no_crash(
        &mut student,
        "非UTF-8",
        "对方回复不是 UTF-8 的字节",
        problem,
        "decode('utf-8') 遇到坏字节会抛异常；用 errors='replace'",
    );
    drop(student);
    drop(socket);

    // 更结实：对方不在。
    let wait = limit + Duration::from_secs(4);
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    student.type_line("哪吒");
    student.type_line("你好");
    let result = match student.wait_exit(wait) {
        None => Err((
            format!("{} 秒后还在等回复", wait.as_secs()),
            "UDP 不保证送达：给 recvfrom 设超时，超时就说一句",
        )),
        Some(_) => match student.crashed() {
            Some(crash) => Err((crash, "对方不在时接住异常，用一句中文说明")),
            None => Ok(()),
        },
    };
    ctx.verdict(
        "没有服务端",
        "对方不在时不会一直等下去",
        false,
        "几秒后说明一句",
        result,
    );
    Ok(())
}

// ───────── 时间服务器：time_server、time_client ─────────

/// `2026-11-30 16:20:05` 这样的默认格式：数字的位置对就行，不管具体是几点。
fn looks_like_default_time(text: &[u8]) -> bool {
    let pattern = b"dddd-dd-dd dd:dd:dd";
    text.len() == pattern.len()
        && text.iter().zip(pattern).all(|(c, p)| match p {
            b'd' => c.is_ascii_digit(),
            other => c == other,
        })
}

fn time_server(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let socket = net::udp_to(addr)?;
    let titles = [
        ("按格式回答", "收到 %Y 回答四位数的年份"),
        ("空格式", "收到空数据报时用默认格式 %Y-%m-%d %X"),
        ("一直运行", "回答完接着等下一个请求"),
    ];
    let recv_title = format!("在 {addr} 上收时间格式");
    if let Err(problem) = net::udp_deliver(&socket, b"%Y", &mut student, ctx.opts.start) {
        ctx.fail(
            "收格式",
            &recv_title,
            true,
            &format!("{addr} 上有人收"),
            &problem,
            "bind 的地址和端口要和课程一样（有参数时用参数）",
        );
        for (key, title) in titles {
            ctx.skip(key, title, true, "数据报送不到，没法检查");
        }
        for (key, title) in [
            ("转义序列", "格式里有终端转义序列"),
            ("2000字节", "收到 2000 字节的格式"),
            ("非UTF-8", "收到不是 UTF-8 的字节"),
        ] {
            ctx.skip(key, title, false, "数据报送不到，没法检查");
        }
        return Ok(());
    }
    ctx.pass("收格式", &recv_title, true);
    let year = match net::udp_wait(&socket, &mut student, limit) {
        Ok(bytes) if bytes.len() == 4 && bytes.iter().all(u8::is_ascii_digit) => Ok(()),
        Ok(bytes) => Err((
            format!("收到 {}", shown(&bytes)),
            "把收到的字节 decode 成格式，strftime(格式)，encode 后 sendto 回去",
        )),
        Err(problem) => Err((problem, "recvfrom 之后要 sendto 回答")),
    };
    ctx.verdict(titles[0].0, titles[0].1, true, "四位数字", year);
    let _ = socket.send(b"");
    let default = match net::udp_wait(&socket, &mut student, limit) {
        Ok(bytes) if looks_like_default_time(&bytes) => Ok(()),
        Ok(bytes) => Err((
            format!("收到 {}", shown(&bytes)),
            "收到空的格式（b''）时改用 '%Y-%m-%d %X'",
        )),
        Err(problem) => Err((
            problem,
            "空数据报也是一个请求，同样要回答；回答完要回到循环开头",
        )),
    };
    ctx.verdict(
        titles[1].0,
        titles[1].1,
        true,
        "像 2024-01-02 03:04:05 的时间",
        default,
    );
    let running = match student.exited() {
        None => Ok(()),
        Some(status) => Err((
            net::describe(status),
            "收发放在 while True 循环里，服务器一直运行",
        )),
    };
    ctx.verdict(titles[2].0, titles[2].1, true, "还在运行", running);
    drop(student);

    // 更结实：每种怪请求之后再问一次 %Y，看它还在不在。
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let socket = net::udp_to(addr)?;
    let probe = |payload: &[u8], student: &mut Student| -> Option<String> {
        if let Err(problem) = net::udp_deliver(&socket, payload, student, ctx.opts.start) {
            return Some(problem);
        }
        let _ = net::udp_wait(&socket, student, Duration::from_millis(500).min(limit));
        let _ = socket.send(b"%Y");
        loop {
            match net::udp_wait(&socket, student, limit) {
                Ok(bytes) if bytes.len() == 4 => return None,
                Ok(_) => continue,
                Err(problem) => return Some(format!("之后不再回答：{problem}")),
            }
        }
    };
    let escapes = probe(&[ESCAPES, b"%Y"].concat(), &mut student);
    ctx.check_escapes(&student, "格式里有终端转义序列");
    let long = if escapes.is_none() {
        probe(&b"%Y".repeat(1000), &mut student)
    } else {
        escapes
    };
    let bad = if long.is_none() {
        probe(NOT_UTF8, &mut student)
    } else {
        Some("前一项之后已经不回答了".to_string())
    };
    ctx.verdict(
        "2000字节",
        "收到 2000 字节的格式",
        false,
        "照常回答",
        match long {
            None => Ok(()),
            Some(problem) => Err((
                problem,
                "数据报比 recvfrom(1024) 大时多出来的被丢掉（Windows 上会报错）；要接住这个错误",
            )),
        },
    );
    ctx.check_no_crash(
        &mut student,
        "非UTF-8",
        "收到不是 UTF-8 的字节",
        bad,
        "decode('utf-8') 遇到坏字节会抛异常，服务器就停了；接住它，回答一句错误说明",
    );
    Ok(())
}

fn time_client(ctx: &mut Ctx) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let socket = udp_listen(ctx)?;
    let addr = socket.local_addr().map_err(|e| e.to_string())?;
    let mut student = ctx.start(addr)?;
    student.type_line("%Y");
    let send_title = format!("把输入的格式发到 {addr}");
    let peer = match net::udp_receive(&socket, &mut student, ctx.opts.start) {
        Ok((bytes, peer)) => {
            let said = if bytes == b"%Y" {
                Ok(())
            } else {
                Err((
                    format!("收到 {}", shown(&bytes)),
                    "把输入的那一行（去掉首尾空白）encode 后 sendto",
                ))
            };
            ctx.verdict("发格式", &send_title, true, "收到 \"%Y\"", said);
            peer
        }
        Err(problem) => {
            ctx.fail(
                "发格式",
                &send_title,
                true,
                "收到 \"%Y\"",
                &problem,
                "服务器地址要和课程一样（有参数时用参数）",
            );
            ctx.skip(
                "空格式",
                "直接回车也发出去（空数据报）",
                true,
                "没收到格式，没法检查",
            );
            for (key, title) in [
                ("打印回答", "打印服务器的回答"),
                ("输入结束", "输入结束（Ctrl-D）时干净地退出"),
                ("没有服务端", "没有服务器时不会一直等下去"),
            ] {
                ctx.skip(key, title, false, "没收到格式，没法检查");
            }
            return Ok(());
        }
    };
    let _ = socket.send_to("检查器的回答 2024".as_bytes(), peer);
    let printed = if student.wait_stdout("检查器的回答".as_bytes(), limit) {
        Ok(())
    } else {
        Err((
            format!("输出里没有回答：{}", shown(&student.stdout())),
            "课程的代码收到回答后忘了打印；recv 之后 print(data.decode('utf-8'))",
        ))
    };
    student.type_line("");
    let empty = match net::udp_receive(&socket, &mut student, limit) {
        Ok((bytes, peer)) => {
            let _ = socket.send_to(b"2024-01-02 03:04:05", peer);
            if bytes.is_empty() {
                Ok(())
            } else {
                Err((
                    format!("收到 {}", shown(&bytes)),
                    "空行去掉空白后就是空字节串，照样 sendto",
                ))
            }
        }
        Err(problem) => Err((
            problem,
            "直接回车也要发出去（服务器会用默认格式回答），然后回到循环开头再提示",
        )),
    };
    ctx.verdict(
        "空格式",
        "直接回车也发出去（空数据报）",
        true,
        "收到一个空数据报",
        empty,
    );
    ctx.verdict(
        "打印回答",
        "打印服务器的回答",
        false,
        "输出里有回答",
        printed,
    );
    ctx.check_eof(&mut student, |_| {});
    drop(student);
    drop(socket);

    let wait = limit + Duration::from_secs(4);
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    student.type_line("%Y");
    let result = match student.wait_exit(wait) {
        None => Err((
            format!("{} 秒后还在等回答", wait.as_secs()),
            "UDP 不保证送达：给 recv 设超时（settimeout），超时就说一句",
        )),
        Some(_) => match student.crashed() {
            Some(crash) => Err((crash, "没有服务器时接住异常，用一句中文说明")),
            None => Ok(()),
        },
    };
    ctx.verdict(
        "没有服务端",
        "没有服务器时不会一直等下去",
        false,
        "几秒后说明一句",
        result,
    );
    Ok(())
}

// ───────── 黏包两课：sticky_server、framed_server、sticky_client、framed_client ─────────

fn total_len() -> usize {
    sticky_bytes().len()
}

fn stream_server(ctx: &mut Ctx, framed: bool) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let addr = ctx.server_addr()?;
    let mut student = ctx.start(addr)?;
    let listen_title = format!("在 {addr} 上监听");
    let titles = [
        (
            "回复汇总",
            if framed {
                "收完后回复一条带报头的汇总"
            } else {
                "收完后回复汇总"
            },
        ),
        ("关闭连接", "回复后关闭连接"),
        ("退出", "服务完一个客户端后退出"),
    ];
    let mut stream = match net::connect_retry(addr, &mut student, ctx.opts.start) {
        Ok(stream) => {
            ctx.pass("监听", &listen_title, true);
            stream
        }
        Err(problem) => {
            ctx.fail(
                "监听",
                &listen_title,
                true,
                &format!("能连上 {addr}"),
                &problem,
                "bind 的地址和端口要和课程一样（有参数时用参数）",
            );
            for (key, title) in titles {
                ctx.skip(key, title, true, "没连上，没法检查");
            }
            return Ok(());
        }
    };
    for message in SHORT_MESSAGES {
        let bytes = if framed {
            frame(message.as_bytes())
        } else {
            message.as_bytes().to_vec()
        };
        let _ = net::write_quietly(&mut stream, &bytes);
    }
    let long = if framed {
        frame(&long_message())
    } else {
        long_message()
    };
    let _ = net::write_quietly(&mut stream, &long);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let got: Received = net::read_some(&mut stream, limit, usize::MAX);
    let total = total_len().to_string();
    let summary = if framed {
        match unframe(&got.bytes) {
            Some(frames) if frames.len() == 1 => Some(frames[0].clone()),
            _ => None,
        }
    } else {
        Some(got.bytes.clone())
    };
    let result = match summary {
        _ if got.bytes.is_empty() => Err((
            format!("{} 秒内什么也没收到", limit.as_secs()),
            "一直 recv 到读出 0 字节（客户端发完了），再回复汇总",
        )),
        None => Err((
            format!("收到 {}，不是一条带 4 字节报头的消息", shown(&got.bytes)),
            "回复也要先发 4 字节大端报头（struct.pack('!I', 长度)），再发正文",
        )),
        Some(body) if contains(&body, total.as_bytes()) && (!framed || contains(&body, b"6")) => {
            Ok(())
        }
        Some(body) => Err((
            format!("收到 {}", shown(&body)),
            if framed {
                "汇总里要写出收到几条消息（6）、一共多少字节"
            } else {
                "汇总里要写出一共收到多少字节"
            },
        )),
    };
    let expected = if framed {
        format!("一条带报头的回复，写着 6 条、{total} 字节")
    } else {
        format!("回复里写着 {total} 字节")
    };
    ctx.verdict(titles[0].0, titles[0].1, true, &expected, result);
    let closed = if got.closed || got.reset {
        Ok(())
    } else {
        Err(("连接一直开着".to_string(), "回复之后关闭连接"))
    };
    ctx.verdict(titles[1].0, titles[1].1, true, "服务端关闭连接", closed);
    net::abort(stream);
    ctx.check_exit(
        &mut student,
        titles[2].0,
        titles[2].1,
        "课程的服务端只服务一个客户端，然后结束",
    );
    Ok(())
}

fn stream_client(ctx: &mut Ctx, framed: bool) -> Result<(), String> {
    let limit = ctx.opts.limit;
    let listener = listen(ctx)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mut student = ctx.start(addr)?;
    let titles = [
        (
            "发全部",
            if framed {
                "6 条消息各带 4 字节报头，按顺序发完"
            } else {
                "5 条短消息和 3000 字节的长消息按顺序发完"
            },
        ),
        ("打印回复", "打印服务端的回复"),
        ("退出", "收到回复后退出"),
    ];
    let connect_title = format!("连接 {addr}");
    let mut stream = match net::accept_within(&listener, &mut student, ctx.opts.start) {
        Ok(stream) => {
            ctx.pass("连接", &connect_title, true);
            stream
        }
        Err(problem) => {
            ctx.fail(
                "连接",
                &connect_title,
                true,
                &format!("连到 {addr}"),
                &problem,
                "connect 的地址要和课程一样（有参数时用参数）",
            );
            for (key, title) in titles {
                ctx.skip(key, title, true, "没连上，没法检查");
            }
            return Ok(());
        }
    };
    let got = net::read_some(&mut stream, limit, usize::MAX);
    let want: Vec<Vec<u8>> = SHORT_MESSAGES
        .iter()
        .map(|m| m.as_bytes().to_vec())
        .chain([long_message()])
        .collect();
    let result = if framed {
        match unframe(&got.bytes) {
            Some(frames) if frames == want => Ok(()),
            Some(frames) => Err((
                format!("收到 {} 条消息：{}", frames.len(), shown(&frames.concat())),
                "每条消息一个报头，顺序和课程一样",
            )),
            None => Err((
                format!("收到 {} 字节，按 4 字节报头切不开", got.bytes.len()),
                "报头是正文的字节数，4 字节大端：struct.pack('!I', len(正文))",
            )),
        }
    } else if got.bytes == sticky_bytes() {
        Ok(())
    } else {
        Err((
            format!("收到 {} 字节：{}", got.bytes.len(), shown(&got.bytes)),
            "按顺序发 5 条短消息和一条 3000 字节的 0123456789 循环，最后 shutdown(SHUT_WR)",
        ))
    };
    let hint_closed = if got.closed {
        ""
    } else {
        "（发完后没有 shutdown 发送方向，检查器一直等到期限）"
    };
    let result = result.map_err(|(happened, hint)| (format!("{happened}{hint_closed}"), hint));
    ctx.verdict(
        titles[0].0,
        titles[0].1,
        true,
        &format!("{} 字节，内容和顺序都对", total_len()),
        result,
    );
    let summary = format!("服务端一共收到 {} 字节", total_len());
    let reply = if framed {
        frame(summary.as_bytes())
    } else {
        summary.into_bytes()
    };
    let _ = net::write_quietly(&mut stream, &reply);
    // 黏包这一课里回复的边界就是"连接关闭"：发完回复关闭发送方向，再等客户端自己关
    // （检查器马上 RST 的话，对方还没读的回复会被丢掉）。
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = net::read_some(&mut stream, limit, usize::MAX);
    net::abort(stream);
    let total = total_len().to_string();
    let printed = if student.wait_stdout(total.as_bytes(), limit) {
        Ok(())
    } else {
        Err((
            format!("输出里没有回复：{}", shown(&student.stdout())),
            "收到回复后把它打印出来",
        ))
    };
    ctx.verdict(titles[1].0, titles[1].1, true, "输出里有回复", printed);
    ctx.check_exit(
        &mut student,
        titles[2].0,
        titles[2].1,
        "收到回复后程序就该结束了",
    );
    Ok(())
}
