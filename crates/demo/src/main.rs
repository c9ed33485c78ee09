//! demo：课堂演示。按课程的顺序把每一对程序现场运行一遍，两边的输出按真实的先后标成 [服务端] 和 [客户端]。
//!
//! 老师这样用：scripts/demo.sh（Windows：scripts\demo.cmd）。每一步先显示标题和看点，停下来；
//! 按回车运行，运行完再停下来。回车继续，b 上一步，r 重来这一步，数字加回车跳到那一步，q 结束。
//! CI 这样用：scripts/demo.sh --auto（不停顿；标准输入不是终端时也自动如此）。
//!
//! 步骤本身是 steps.rs 里的一张表；这个文件只管运行程序、显示输出、读按键。
//! 两个程序的输出按它们写出的先后显示：每段输出带着写出的时间（Linux 上是内核盖的时间戳，见 capture.rs），
//! 先在手里压 HOLD 那么久，更早写出、晚一点才读到的行就能排到前面。
//! 程序打印了一段没有换行的文字、就停下来等输入，那段文字就是它的提示符：提示符是从输出里认出来的，不是抄来的。

mod capture;
mod split;
mod steps;

use std::collections::{BTreeSet, VecDeque};
use std::io::Write;
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use split::width;
use steps::{Act, Proto, STEPS, Side, Step};

/// 等程序做一件本该很快完成的事（打印就绪行、退出）最多等多久。
const READY: Duration = Duration::from_secs(10);
/// 脚本代打的一段对话里，等下一个提示符最多等多久。
const TALK: Duration = Duration::from_secs(20);
/// 死循环的服务端被结束后，等它的输出读完最多等多久。
const STOP: Duration = Duration::from_secs(3);
/// 程序的一行输出先压这么久再显示：读线程晚一点被调度时，更早写出的另一边的行还来得及排到它前面。
/// 人眼看不出 40 毫秒的延迟；读线程被耽搁得比这还久，才会排错。
const HOLD: Duration = Duration::from_millis(40);

fn main() {
    let options = match Options::parse(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if options.help {
        print!("{}", usage());
        return;
    }
    if options.list {
        for (i, step) in STEPS.iter().enumerate() {
            let programs: Vec<&str> = step
                .programs
                .iter()
                .copied()
                .filter(|p| !p.is_empty())
                .collect();
            println!(
                "{:<8}  第 {} 步　{}（{}）",
                step.name,
                i + 1,
                step.title,
                programs.join("、")
            );
        }
        return;
    }
    let code = Demo::new(options).run();
    std::process::exit(code);
}

fn usage() -> String {
    let mut text = String::from(
        "用法：scripts/demo.sh [选项] [步骤…]      （Windows：scripts\\demo.cmd [选项] [步骤…]）\n\n\
         按课程的顺序把每一对程序现场运行一遍：先启动服务端，再启动客户端，两边的输出按真实的先后\n\
         标成 [服务端] 和 [客户端]。每一步先显示看点并停下，按回车运行，运行完再停下。\n\
         停下时：回车 继续　b 上一步　r 重来这一步　数字+回车 跳到第几步　q 结束\n\n步骤：\n",
    );
    for (i, step) in STEPS.iter().enumerate() {
        text.push_str(&format!("  {:>2} {:<8} {}\n", i + 1, step.name, step.title));
    }
    text.push_str(
        "\n选项：\n\
         \x20 --from 步骤  从这一步开始（写名字或编号，比如 --from udp、--from 6）\n\
         \x20 --python     TCP、UDP、QQ、时间这几步的另一边换成 scripts/python/ 里的 Python 程序（两个方向各一次）\n\
         \x20 --split      分屏：上面讲解，下面左边服务端、右边客户端，从上往下读就是先后（终端至少 80 列宽时好看）\n\
         \x20 --live       需要键盘输入的程序由你自己输入（哪边在等输入就归哪边，Tab 也可以切换），不再由演示代打\n\
         \x20 --auto       不停顿，一口气演示完（标准输入不是终端时自动如此，CI 就这样运行）\n\
         \x20 --list       列出所有步骤和它们用到的程序\n\
         \x20 -h, --help   显示这段说明\n\n\
         用到课程的端口 8898、8899、8900（TCP）和 9000、8081（UDP）：开始前逐个检查，被占用时说明怎么找到占用者。\n\
         环境变量 NO_COLOR 设置后不加颜色。\n",
    );
    text
}

// ───────── 参数 ─────────

#[derive(Default)]
struct Options {
    auto: bool,
    live: bool,
    python: bool,
    split: bool,
    list: bool,
    help: bool,
    from: usize,
    only: Vec<usize>,
}

fn step_index(text: &str) -> Option<usize> {
    if let Ok(n) = text.parse::<usize>() {
        return (1..=STEPS.len()).contains(&n).then(|| n - 1);
    }
    STEPS.iter().position(|step| step.name == text)
}

fn unknown_step(text: &str) -> String {
    let names: Vec<&str> = STEPS.iter().map(|s| s.name).collect();
    format!(
        "没有叫「{text}」的步骤。可以写编号 1～{} 或者名字：{}（--list 查看说明）",
        STEPS.len(),
        names.join(" ")
    )
}

impl Options {
    fn parse(args: Vec<String>) -> Result<Options, String> {
        let mut options = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => options.help = true,
                "--list" => options.list = true,
                "--auto" => options.auto = true,
                "--live" => options.live = true,
                "--python" => options.python = true,
                "--split" => options.split = true,
                "--from" => {
                    let Some(value) = args.next() else {
                        return Err(
                            "--from 后面要写一个步骤（名字或编号），比如 --from udp。".into()
                        );
                    };
                    options.from = step_index(&value).ok_or_else(|| unknown_step(&value))?;
                }
                other if other.starts_with('-') => {
                    return Err(format!("不认识的选项「{other}」。用 --help 查看用法。"));
                }
                other => options
                    .only
                    .push(step_index(other).ok_or_else(|| unknown_step(other))?),
            }
        }
        if options.live && options.auto {
            return Err(
                "--live 和 --auto 不能一起用：--live 等你在键盘上输入，--auto 不停下来等人。"
                    .into(),
            );
        }
        Ok(options)
    }
}

// ───────── 运行中的程序 ─────────

/// 从子进程、键盘和 Ctrl-C 来的事件，都送进同一个通道。程序的输出带着写出的时间 `at`，按它排先后。
enum Ev {
    /// 程序输出了一行；`prompt` 表示这是一段没有换行、停下来等输入的文字（提示符）。
    Out {
        run: u64,
        side: Side,
        at: Duration,
        text: String,
        prompt: bool,
    },
    /// 程序的一个输出来源关了。
    Closed {
        run: u64,
        side: Side,
        at: Duration,
    },
    Key(KeyEvent),
    Interrupt,
}

struct Running {
    run: u64,
    program: String,
    child: Child,
    stdin: Option<ChildStdin>,
    open_pipes: u8,
    prompts: usize,
    answered: usize,
    exit: Option<i32>,
}

/// 一步失败、被中断或者老师要结束。
enum Stop {
    Failed(String),
    Interrupted,
    Quit,
}

/// 停下来时老师的选择。
enum Nav {
    Next,
    Back,
    Repeat,
    Jump(usize),
    Quit,
}

/// 证明一步成功的输出（见 steps.rs）。
type Proof = &'static [(Side, &'static str)];

/// 一次运行用哪两个程序：平常两边都是 Rust 程序，--python 时一边换成 Python 版。
#[derive(Clone)]
struct Cast {
    programs: [String; 2],
    python: [bool; 2],
}

struct Demo {
    options: Options,
    tx: Sender<Ev>,
    rx: Receiver<Ev>,
    /// 老师在终端前：停顿、读按键（原始模式）。
    paced: bool,
    colour: bool,
    bin_dir: PathBuf,
    python: Option<String>,
    sides: [Option<Running>; 2],
    next_run: u64,
    labels: [&'static str; 2],
    /// 这一步里显示过的每一行（哪一边、文字），用来核对证明这一步的输出。
    log: Vec<(Option<Side>, String)>,
    dir: Option<PathBuf>,
    dirs: Vec<PathBuf>,
    table_as_list: bool,
    /// --live 时正在输入的一行和它属于哪一边。
    typing: String,
    cursor: usize,
    focus: Side,
    typing_shown: bool,
    /// 程序输出那块滚动区域的第一行（标题和看点在它上面）；0 表示没有设滚动区域。
    region_top: u16,
    /// --split 时的分屏内容；None 是普通的一栏。
    screen: Option<split::Screen>,
    /// 正在显示标题和看点（分屏时放进最上面那块）。
    in_header: bool,
    /// --live 的对话正在进行：这时的按键才是给程序的输入，之前按下的键都丢掉。
    talking: bool,
    /// 这一步只有一个程序（投影时它的输出不加标签）。
    single: bool,
    /// 这一步的长行截成一行（见 Step::clip）。
    clip: bool,
    /// 读到了、还没显示的程序输出：（写出的时间，读到的时刻，事件），见 next_event。
    held: Vec<(Duration, Instant, Ev)>,
}

fn index(side: Side) -> usize {
    match side {
        Side::Left => 0,
        Side::Right => 1,
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::Left => Side::Right,
        Side::Right => Side::Left,
    }
}

/// 去掉终端控制序列（颜色等），留下纯文字。
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out
}

/// 把一个来源的输出切成行：末尾没有换行的一段（程序 flush 了提示符、等输入）作为提示符送出。
/// 在读线程里运行，每个来源一份。
#[derive(Clone, Default)]
struct Lines {
    pending: Vec<u8>,
    /// pending 里已经作为提示符显示过的字节数。
    shown: usize,
}

impl Lines {
    /// 收下一段输出，返回切出来的（文字，是不是提示符）。空的一段表示来源关了：剩下的都送出去。
    fn feed(&mut self, bytes: &[u8]) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        if bytes.is_empty() {
            if self.pending.len() > self.shown {
                out.push((
                    String::from_utf8_lossy(&self.pending[self.shown..]).to_string(),
                    false,
                ));
            }
            self.pending.clear();
            self.shown = 0;
            return out;
        }
        self.pending.extend_from_slice(bytes);
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let rest = &line[self.shown.min(line.len() - 1)..line.len() - 1];
            let text = String::from_utf8_lossy(rest)
                .trim_end_matches('\r')
                .to_string();
            if self.shown == 0 || !text.trim().is_empty() {
                out.push((text, false));
            }
            self.shown = 0;
        }
        // 剩下的不是半个 UTF-8 字符，就是程序停在这里等输入的提示符。
        if self.pending.len() > self.shown
            && std::str::from_utf8(&self.pending[self.shown..]).is_ok()
        {
            out.push((
                String::from_utf8_lossy(&self.pending[self.shown..]).to_string(),
                true,
            ));
            self.shown = self.pending.len();
        }
        out
    }
}

fn python3() -> Option<String> {
    for name in ["python3", "python"] {
        let ok = Command::new(name)
            .args([
                "-c",
                "import sys; sys.exit(0 if sys.version_info >= (3, 6) else 1)",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(name.to_string());
        }
    }
    None
}

fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/python")
}

impl Demo {
    fn new(options: Options) -> Demo {
        let (tx, rx) = mpsc::channel();
        let interactive = crossterm::tty::IsTty::is_tty(&std::io::stdin())
            && crossterm::tty::IsTty::is_tty(&std::io::stdout());
        let paced = interactive && !options.auto;
        let colour = crossterm::tty::IsTty::is_tty(&std::io::stdout())
            && std::env::var_os("NO_COLOR").is_none();
        let bin_dir = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        Demo {
            options,
            tx,
            rx,
            paced,
            colour,
            bin_dir,
            python: None,
            sides: [None, None],
            next_run: 0,
            labels: ["服务端", "客户端"],
            log: Vec::new(),
            dir: None,
            dirs: Vec::new(),
            table_as_list: false,
            typing: String::new(),
            cursor: 0,
            focus: Side::Right,
            typing_shown: false,
            region_top: 0,
            screen: None,
            in_header: false,
            talking: false,
            single: false,
            clip: false,
            held: Vec::new(),
        }
    }

    // ───── 输出 ─────

    fn emit(&mut self, text: &str) {
        if let Some(screen) = self.screen.as_mut() {
            let target = if self.in_header {
                &mut screen.header
            } else {
                &mut screen.narration
            };
            target.extend(text.lines().map(String::from));
            self.redraw();
            return;
        }
        self.hide_typing();
        let mut out = std::io::stdout().lock();
        if self.paced {
            // 自己折行：英文单词不从中间断开，占几行也算得出来（见 fix_heading）。
            // 少用一列：有的终端写满一整行就立刻换行，再来一个换行就多出一个空行。
            for line in text.lines() {
                for piece in split::wrap(line, terminal_cols() - 1) {
                    let _ = write!(out, "{piece}\r\n");
                }
            }
        } else {
            let _ = writeln!(out, "{text}");
        }
        let _ = out.flush();
        drop(out);
        self.show_typing();
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn label(&self, side: Side) -> String {
        let code = if side == Side::Left { "1;34" } else { "1;32" };
        self.paint(code, &format!("[{}]", self.labels[index(side)]))
    }

    /// 一行带标签的输出，记进这一步的记录里。
    fn show(&mut self, side: Side, text: &str) {
        self.log.push((Some(side), plain(text)));
        let shown = if self.colour {
            text.to_string()
        } else {
            plain(text)
        };
        if let Some(screen) = self.screen.as_mut() {
            screen.lines.push((index(side), shown));
            self.redraw();
            return;
        }
        // 投影时：只有一个程序的步骤不加标签，和在终端里直接运行它一样；clip 的步骤每行只占一行，
        // 长长的一串数据截掉尾巴，整步的输出才放得进 30 行。--auto 的输出（CI 的记录）总是完整的。
        let line = if self.paced && self.single {
            shown
        } else {
            format!("{} {shown}", self.label(side))
        };
        let line = if self.paced && self.clip {
            split::clip(&line, terminal_cols() - 1)
        } else {
            line
        };
        self.emit(&line);
    }

    /// 分屏：把整屏重新拼好，一次写出去。
    fn redraw(&self) {
        let Some(screen) = self.screen.as_ref() else {
            return;
        };
        let (cols, rows) = crossterm::terminal::size().unwrap_or((100, 30));
        let lines = screen.lines(usize::from(cols), usize::from(rows));
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\x1b[H{}", lines.join("\r\n"));
        let _ = out.flush();
    }

    fn system(&mut self, text: &str) {
        self.log.push((None, text.to_string()));
        self.emit(&format!("[系统] {text}"));
    }

    fn say(&mut self, text: &str) {
        self.log.push((None, text.to_string()));
        self.emit(text);
    }

    fn note(&mut self, text: &str) {
        self.log.push((None, text.to_string()));
        let line = self.paint("33", text);
        self.emit(&line);
    }

    /// 程序输出的一行。socket_params 的 Markdown 表格改成列表，每项是"课程的写法：内核的回答"：
    /// 投影上一行表格不再折成三行，中间那栏（Rust 的写法）在文档里看。
    fn program_line(&mut self, side: Side, text: &str) {
        if self.table_as_list && text.trim().is_empty() {
            return;
        }
        if self.table_as_list && text.starts_with('|') {
            let cells: Vec<&str> = text.trim_matches('|').split('|').map(str::trim).collect();
            if cells.len() < 3 || cells[0].starts_with("---") || cells[0].contains("课程") {
                return;
            }
            self.show(side, &format!("• {}：{}", cells[0], cells[2]));
            return;
        }
        self.show(side, text);
    }

    // ───── --live 的输入行 ─────

    fn typing_line(&self) -> String {
        format!("{} ⌨ {}", self.label(self.focus), self.typing)
    }

    fn hide_typing(&mut self) {
        if self.screen.is_some() {
            return;
        }
        if self.typing_shown {
            print!("\r\x1b[K");
            self.typing_shown = false;
        }
    }

    fn show_typing(&mut self) {
        if !self.talking || !self.conversing() {
            return;
        }
        if let Some(screen) = self.screen.as_mut() {
            let before: String = self.typing.chars().take(self.cursor).collect();
            let after: String = self.typing.chars().skip(self.cursor).collect();
            screen.typing = Some((index(self.focus), format!("{before}▏{after}")));
            self.redraw();
            return;
        }
        let line = self.typing_line();
        let after: usize = self.typing.chars().skip(self.cursor).map(width).sum();
        print!("\r\x1b[K{line}");
        if after > 0 {
            print!("\x1b[{after}D");
        }
        let _ = std::io::stdout().flush();
        self.typing_shown = true;
    }

    fn conversing(&self) -> bool {
        self.sides
            .iter()
            .flatten()
            .any(|r| r.stdin.is_some() && r.exit.is_none())
    }

    // ───── 事件 ─────

    /// 处理一个事件。键盘事件在程序运行时只看 Ctrl-C（--live 对话时还用来输入），别的都丢掉：
    /// 运行时按下的键不会留到下一次停顿，跳过下一步。
    fn handle(&mut self, ev: Ev, typing: bool) -> Result<(), Stop> {
        match ev {
            Ev::Interrupt => return Err(Stop::Interrupted),
            Ev::Key(key) => {
                if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
                    return Err(Stop::Interrupted);
                }
                if typing {
                    self.edit(key);
                }
            }
            Ev::Out {
                run,
                side,
                text,
                prompt,
                ..
            } => {
                let Some(running) = self.sides[index(side)].as_mut().filter(|r| r.run == run)
                else {
                    return Ok(());
                };
                if prompt {
                    running.prompts += 1;
                }
                self.program_line(side, &text);
                // --live：哪边停下来等输入，输入就归哪边（还没打字的时候才换，打了一半的不被抢走）。
                if prompt && self.talking && self.typing.is_empty() && self.focus != side {
                    self.focus = side;
                    self.hide_typing();
                    self.show_typing();
                }
            }
            Ev::Closed { run, side, .. } => {
                let Some(running) = self.sides[index(side)].as_mut().filter(|r| r.run == run)
                else {
                    return Ok(());
                };
                running.open_pipes -= 1;
                if running.open_pipes == 0 {
                    let code = running.child.wait().ok().and_then(|s| s.code());
                    running.exit = Some(code.unwrap_or(-1));
                    running.stdin = None;
                    let line = match code {
                        Some(code) => format!("（{} 结束了，退出码 {code}）", running.program),
                        None => format!("（{} 被结束了）", running.program),
                    };
                    self.show(side, &line);
                }
            }
        }
        Ok(())
    }

    /// 下一个事件，最多等 `wait`。程序的输出先压 HOLD 那么久，再按写出的时间先后交出去；
    /// 按键和 Ctrl-C 马上交出去。
    fn next_event(&mut self, wait: Duration) -> Result<Ev, RecvTimeoutError> {
        let deadline = Instant::now() + wait;
        loop {
            // 写得最早的那行压够了，就轮到它（比它晚写出的行都排在它后面等着）。
            let first = (0..self.held.len()).min_by_key(|&k| self.held[k].0);
            let due = first.map(|k| self.held[k].1 + HOLD);
            if let (Some(k), Some(due)) = (first, due)
                && due <= Instant::now()
            {
                return Ok(self.held.remove(k).2);
            }
            let until = due.map_or(deadline, |due| due.min(deadline));
            match self
                .rx
                .recv_timeout(until.saturating_duration_since(Instant::now()))
            {
                Ok(ev @ (Ev::Out { at, .. } | Ev::Closed { at, .. })) => {
                    self.held.push((at, Instant::now(), ev));
                }
                Ok(ev) => return Ok(ev),
                Err(RecvTimeoutError::Timeout) if due.is_some_and(|due| due <= deadline) => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// 处理事件，直到 `done` 成立；超过 `patience` 就失败，说明在等什么。
    fn wait_for(
        &mut self,
        patience: Option<Duration>,
        what: &str,
        mut done: impl FnMut(&Demo) -> Result<bool, Stop>,
    ) -> Result<(), Stop> {
        let deadline = patience.map(|p| Instant::now() + p);
        loop {
            if done(self)? {
                return Ok(());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                let secs = patience.unwrap_or_default().as_secs();
                return Err(Stop::Failed(format!("等了 {secs} 秒，{what}。")));
            }
            // 多数条件靠事件推进；也有要自己再看一眼的（端口释放了没有），所以最多等 250 毫秒就再检查一次。
            let wait = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::from_secs(3600),
            };
            match self.next_event(wait.min(Duration::from_millis(250))) {
                Ok(ev) => {
                    let typing = self.talking && self.conversing();
                    self.handle(ev, typing)?;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Stop::Failed(format!("{what}。")));
                }
            }
        }
    }

    // ───── 程序 ─────

    fn launch(&mut self, side: Side, cast: &Cast, args: &[String]) -> Result<(), Stop> {
        self.stop(side);
        let i = index(side);
        let program = cast.programs[i].clone();
        let (mut command, shown) = if cast.python[i] {
            let python = self.python.clone().unwrap_or_else(|| "python3".into());
            let script = python_dir().join(format!("{program}.py"));
            let mut command = Command::new(python.clone());
            command
                .arg(&script)
                .env("PYTHONIOENCODING", "utf-8")
                .env_remove("PYTHONUNBUFFERED");
            (command, format!("{python} scripts/python/{program}.py"))
        } else {
            let path = self
                .bin_dir
                .join(format!("{program}{}", std::env::consts::EXE_SUFFIX));
            if !path.exists() {
                return Err(Stop::Failed(format!(
                    "找不到 {}：先运行 cargo build --workspace --bins（scripts/demo.sh 会自动做）。",
                    path.display()
                )));
            }
            (Command::new(path), program.clone())
        };
        command.args(args);
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        if self.colour {
            command.env("CLICOLOR_FORCE", "1");
        }
        let mut words = vec![shown];
        words.extend(args.iter().cloned());
        let title = format!("[{}] {}", self.labels[i], words[0]);
        if let Some(screen) = self.screen.as_mut() {
            screen.titles[i] = title;
        }
        self.show(side, &format!("$ {}", words.join(" ")));
        let capture = capture::Capture::attach(&mut command);
        let open_pipes = capture.sources();
        let mut child = command
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|e| Stop::Failed(format!("无法启动 {program}（{e}）。")))?;
        // command 还握着程序那头的输出：放掉它，程序退出时这边才读得到结尾。
        drop(command);
        self.next_run += 1;
        let run = self.next_run;
        let tx = self.tx.clone();
        let mut lines = Lines::default();
        capture.start(&mut child, move |chunk| {
            let closed = chunk.bytes.is_empty();
            for (text, prompt) in lines.feed(&chunk.bytes) {
                let at = chunk.at;
                let _ = tx.send(Ev::Out {
                    run,
                    side,
                    at,
                    text,
                    prompt,
                });
            }
            if closed {
                let _ = tx.send(Ev::Closed {
                    run,
                    side,
                    at: chunk.at,
                });
            }
        });
        let stdin = child.stdin.take();
        self.sides[i] = Some(Running {
            run,
            program,
            child,
            stdin,
            open_pipes,
            prompts: 0,
            answered: 0,
            exit: None,
        });
        Ok(())
    }

    fn running(&self, side: Side) -> Option<&Running> {
        self.sides[index(side)].as_ref()
    }

    /// 结束这一边的程序（如果还在运行），把它已经输出的内容显示完。
    fn stop(&mut self, side: Side) {
        let i = index(side);
        let Some(running) = self.sides[i].as_mut() else {
            return;
        };
        if running.exit.is_none() {
            running.stdin = None;
            let _ = running.child.kill();
            let run = running.run;
            let waited = self.wait_for(Some(STOP), "", move |demo| {
                Ok(demo.sides[i]
                    .as_ref()
                    .is_none_or(|r| r.run != run || r.exit.is_some()))
            });
            // 等它退出的时候正好来了 Ctrl-C（比如 SIGINT 发给了整个进程组，程序们先死，演示跟着来收拾）：
            // 这里不能把它吞掉，放回通道，下一个等事件的地方会照常中断演示。
            if let Err(Stop::Interrupted) = waited {
                let _ = self.tx.send(Ev::Interrupt);
            }
            if let Some(running) = self.sides[i].as_mut() {
                let _ = running.child.kill();
                let _ = running.child.wait();
            }
        }
        self.sides[i] = None;
    }

    fn stop_all(&mut self) {
        for side in [Side::Left, Side::Right] {
            if let Some(running) = self.sides[index(side)].as_mut() {
                let _ = running.child.kill();
                let _ = running.child.wait();
            }
            self.sides[index(side)] = None;
        }
    }

    fn await_ready(&mut self, side: Side, address: &str) -> Result<(), Stop> {
        let program = self
            .running(side)
            .map(|r| r.program.clone())
            .unwrap_or_default();
        let seen = self.log.len();
        let wanted = format!(" {address}");
        let what = format!("{program} 还没有打印就绪行（以 {address} 结尾的一行）");
        let mut ready = false;
        self.wait_for(Some(READY), &what, |demo| {
            ready = demo.log[seen..]
                .iter()
                .any(|(s, line)| *s == Some(side) && line.trim_end().ends_with(&wanted));
            Ok(ready || demo.running(side).is_none_or(|r| r.exit.is_some()))
        })?;
        if ready {
            return Ok(());
        }
        Err(Stop::Failed(format!(
            "{program} 没能在 {address} 上启动，原因见上面它自己的说明。{}",
            owner_hint(address)
        )))
    }

    fn await_exit(&mut self, side: Side, expected: i32) -> Result<(), Stop> {
        let program = self
            .running(side)
            .map(|r| r.program.clone())
            .unwrap_or_default();
        let what = format!("{program} 还没有结束");
        self.wait_for(Some(READY), &what, |demo| {
            Ok(demo.running(side).is_none_or(|r| r.exit.is_some()))
        })?;
        let code = self.running(side).and_then(|r| r.exit).unwrap_or(expected);
        if code != expected {
            return Err(Stop::Failed(format!(
                "{program} 以退出码 {code} 结束，和预想的（{expected}）不一样，原因见上面它自己的说明。"
            )));
        }
        Ok(())
    }

    fn await_line(&mut self, side: Side, text: &str) -> Result<(), Stop> {
        let program = self
            .running(side)
            .map(|r| r.program.clone())
            .unwrap_or_default();
        let seen = self.log.len();
        let what = format!("{program} 还没有打印「{text}」");
        let mut found = false;
        self.wait_for(Some(READY), &what, |demo| {
            found = demo.log[seen..]
                .iter()
                .any(|(s, line)| *s == Some(side) && line.contains(text));
            Ok(found || demo.running(side).is_none_or(|r| r.exit.is_some()))
        })?;
        if found {
            Ok(())
        } else {
            Err(Stop::Failed(format!(
                "{program} 没有打印「{text}」就结束了。"
            )))
        }
    }

    /// 两边按提示符一问一答，直到右边的程序结束。
    fn converse(&mut self, step: &Step) -> Result<(), Stop> {
        let mut scripts: [VecDeque<&str>; 2] = [
            step.input[0].iter().copied().collect(),
            step.input[1].iter().copied().collect(),
        ];
        if self.options.live {
            // step.live_hint（比如联系人）已经显示在看点下面，这里不再重复。
            self.note("轮到你了：输入一行按回车发给程序；哪边在等输入就归哪边，Tab 也可以切换；Ctrl-D 结束这一边的输入。");
            self.focus = Side::Right;
            self.typing.clear();
            self.cursor = 0;
            self.talking = true;
            self.show_typing();
            let result = self.wait_for(None, "", |demo| {
                Ok(demo.running(Side::Right).is_none_or(|r| r.exit.is_some()))
            });
            self.talking = false;
            if let Some(screen) = self.screen.as_mut() {
                screen.typing = None;
            }
            self.hide_typing();
            return result;
        }
        loop {
            let mut waiting = None;
            self.wait_for(
                Some(TALK),
                "对话没有按预想进行下去（没有等到下一个提示符）",
                |demo| {
                    for side in [Side::Right, Side::Left] {
                        if let Some(r) = demo
                            .running(side)
                            .filter(|r| r.exit.is_none() && r.prompts > r.answered)
                        {
                            waiting = Some(side);
                            let _ = r;
                            return Ok(true);
                        }
                    }
                    Ok(demo.running(Side::Right).is_none_or(|r| r.exit.is_some()))
                },
            )?;
            let Some(side) = waiting else { return Ok(()) };
            if !self.paced_typing_delay() {
                return Err(Stop::Interrupted);
            }
            let line = scripts[index(side)].pop_front();
            let running = self.sides[index(side)].as_mut().expect("刚刚还在运行");
            running.answered += 1;
            match line {
                Some(line) => {
                    if let Some(stdin) = running.stdin.as_mut() {
                        let _ = stdin.write_all(format!("{line}\n").as_bytes());
                        let _ = stdin.flush();
                    }
                    let shown = if line.is_empty() {
                        "（直接回车）"
                    } else {
                        line
                    };
                    self.show(side, &format!("⌨ {shown}"));
                }
                None => {
                    running.stdin = None;
                    self.show(side, "⌨ Ctrl-D（输入结束）");
                }
            }
        }
    }

    /// 老师看着的时候，代打之前留一点时间让大家看清提示符；期间照样处理事件（Ctrl-C）。
    fn paced_typing_delay(&mut self) -> bool {
        if !self.paced {
            return true;
        }
        let until = Instant::now() + Duration::from_millis(700);
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match self.next_event(left) {
                Ok(ev) => {
                    if self.handle(ev, false).is_err() {
                        return false;
                    }
                }
                Err(_) => break,
            }
        }
        true
    }

    /// --live：一个按键改动正在输入的一行。方向键只移动光标，不会把控制序列发给程序。
    fn edit(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let chars: Vec<char> = self.typing.chars().collect();
        match key.code {
            KeyCode::Tab | KeyCode::BackTab => self.focus = other(self.focus),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(chars.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = chars.len(),
            KeyCode::Backspace if self.cursor > 0 => {
                let mut chars = chars;
                chars.remove(self.cursor - 1);
                self.cursor -= 1;
                self.typing = chars.into_iter().collect();
            }
            KeyCode::Delete if self.cursor < chars.len() => {
                let mut chars = chars;
                chars.remove(self.cursor);
                self.typing = chars.into_iter().collect();
            }
            KeyCode::Char('d')
                if key.modifiers.contains(KeyModifiers::CONTROL) && chars.is_empty() =>
            {
                let side = self.focus;
                if let Some(r) = self.sides[index(side)].as_mut() {
                    r.stdin = None;
                }
                self.hide_typing();
                self.show(side, "⌨ Ctrl-D（输入结束）");
                self.focus = other(side);
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                let mut chars = chars;
                chars.insert(self.cursor, c);
                self.cursor += 1;
                self.typing = chars.into_iter().collect();
            }
            KeyCode::Enter => {
                let line = std::mem::take(&mut self.typing);
                self.cursor = 0;
                let side = self.focus;
                if let Some(stdin) = self.sides[index(side)]
                    .as_mut()
                    .and_then(|r| r.stdin.as_mut())
                {
                    let _ = stdin.write_all(format!("{line}\n").as_bytes());
                    let _ = stdin.flush();
                }
                self.hide_typing();
                let shown = if line.is_empty() {
                    "（直接回车）".to_string()
                } else {
                    line
                };
                self.show(side, &format!("⌨ {shown}"));
            }
            _ => {}
        }
        self.show_typing();
    }

    // ───── 一步 ─────

    fn private_dir(&mut self, name: &str) -> Result<PathBuf, Stop> {
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let dir = base.join(format!(
                "socket-demo-{name}.{}-{attempt}",
                std::process::id()
            ));
            #[cfg_attr(not(unix), allow(unused_mut))]
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            if builder.create(&dir).is_ok() {
                self.dirs.push(dir.clone());
                return Ok(dir);
            }
        }
        Err(Stop::Failed(format!(
            "无法在 {} 里建临时目录。",
            base.display()
        )))
    }

    fn remove_dirs(&mut self) {
        for dir in self.dirs.drain(..) {
            let _ = std::fs::remove_dir_all(dir);
        }
        self.dir = None;
    }

    fn fill(&self, text: &str) -> String {
        match &self.dir {
            Some(dir) => text.replace("{dir}", &dir.to_string_lossy().replace('\\', "/")),
            None => text.to_string(),
        }
    }

    fn act(&mut self, step: &Step, cast: &Cast, act: &Act) -> Result<bool, Stop> {
        match act {
            Act::Say(text) => {
                let text = self.fill(text);
                self.say(&format!("▶ {text}"));
            }
            Act::Note(text) => self.note(&format!("↑ {text}")),
            Act::PrivateDir => {
                let dir = self.private_dir(step.name)?;
                self.dir = Some(dir);
            }
            Act::UnixOnly(why) => {
                if cfg!(not(unix)) {
                    self.note(why);
                    return Ok(false);
                }
            }
            Act::Launch(side, args) => {
                let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
                self.launch(*side, cast, &args)?;
            }
            Act::Ready(side, address) => self.await_ready(*side, address)?,
            Act::Exit(side, code) => self.await_exit(*side, *code)?,
            Act::Line(side, text) => self.await_line(*side, text)?,
            Act::Ls(path) => self.ls(path),
            Act::Converse => self.converse(step)?,
            Act::StopLoop => {
                self.show(
                    Side::Left,
                    "（服务端是个死循环，不会自己退出：课堂上按 Ctrl-C，这里由演示结束它）",
                );
                self.stop(Side::Left);
            }
            Act::ReuseTrial => self.reuse_trial(cast)?,
            Act::Pause(prompt) => self.pause_in_step(prompt)?,
        }
        Ok(true)
    }

    fn ls(&mut self, path: &str) {
        self.system(&format!("$ ls -l {path}"));
        let mut command = Command::new("ls");
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        match command.args(["-l", path]).output() {
            Ok(out) => {
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    self.system(line.trim_end());
                }
                let full = self.dir.as_deref().unwrap_or(Path::new(".")).join(path);
                if !full.exists() {
                    self.note("↑ 套接字文件不见了：服务端退出前删掉了它，不然下次 bind 同一个路径会失败。");
                }
            }
            Err(e) => self.system(&format!("（无法运行 ls：{e}）")),
        }
    }

    fn time_wait(&mut self, port: u16) {
        match time_wait_count(&[port]) {
            Some(count) => {
                // 命令单独一行：投影上它不会从中间折断，老师也好照着敲。
                self.system(&format!(
                    "端口 {port} 上处于 TIME_WAIT 的 TCP 连接：{count} 个（前面几次运行留下的也算在内）。自己查看："
                ));
                self.system(&format!("$ {}", time_wait_command(port)));
            }
            None => self.system(&format!(
                "（这台机器上查不到 TIME_WAIT，可以自己运行：{}）",
                time_wait_command(port)
            )),
        }
    }

    fn reuse_trial(&mut self, cast: &Cast) -> Result<(), Stop> {
        for attempt in 1..=3 {
            self.launch(Side::Left, cast, &[])?;
            self.await_ready(Side::Left, "127.0.0.1:8898")?;
            self.launch(Side::Right, cast, &[])?;
            self.await_exit(Side::Right, 0)?;
            self.await_exit(Side::Left, 0)?;
            self.time_wait(8898);
            self.say("▶ 服务端刚刚关闭，马上用 --no-reuse 重启它：");
            self.launch(Side::Left, cast, &["--no-reuse".to_string()])?;
            let program = cast.programs[0].clone();
            let seen = self.log.len();
            let mut ready = false;
            self.wait_for(
                Some(READY),
                &format!("{program} 既没有就绪也没有退出"),
                |demo| {
                    ready = demo.log[seen..]
                        .iter()
                        .any(|(s, l)| *s == Some(Side::Left) && l.ends_with(" 127.0.0.1:8898"));
                    Ok(ready || demo.running(Side::Left).is_none_or(|r| r.exit.is_some()))
                },
            )?;
            if !ready {
                self.note("↑ 旧连接还在 TIME_WAIT 里，不设 SO_REUSEADDR 就 bind 不上这个端口。");
                return Ok(());
            }
            self.stop(Side::Left);
            if cfg!(windows) {
                self.note("Windows 上看不到这个错误：那里不设选项的 bind 不会被 TIME_WAIT 挡住（见 docs/platforms.md）。");
                return Ok(());
            }
            if attempt < 3 {
                self.note("这次 TIME_WAIT 留在了客户端那头，服务端的端口是空闲的。再来一次：");
            }
        }
        self.note("三次都没能重现这个错误；课后可以手动再试一次。");
        Ok(())
    }

    /// 这一步用到的程序的几种搭配：平常一种；--python 且这一步有 Python 版时，两个方向各一种。
    fn casts(&self, step: &Step) -> Vec<(Cast, Proof, &'static str)> {
        let rust = Cast {
            programs: step.programs.map(String::from),
            python: [false, false],
        };
        if !self.options.python || step.python_programs[0].is_empty() {
            return vec![(rust, step.proof, "")];
        }
        // Python 服务端用课程的哪个版本写在表里（TCP 用 tcp_server_reuse.py，原因在 python_note 里，也显示给大家看）。
        let mut left_py = rust.clone();
        left_py.python = [true, false];
        left_py.programs[0] = step.python_programs[0].to_string();
        let mut right_py = rust.clone();
        right_py.python = [false, true];
        right_py.programs[1] = step.python_programs[1].to_string();
        vec![
            (right_py, step.python_proof, "Rust 服务端 ↔ Python 客户端"),
            (left_py, step.python_proof, "Python 服务端 ↔ Rust 客户端"),
        ]
    }

    fn run_step(&mut self, step: &Step) -> Result<(), Stop> {
        self.table_as_list = step.table_as_list;
        let result = (|| {
            for (round, (cast, proof, title)) in self.casts(step).into_iter().enumerate() {
                // --python 的两种搭配之间也停一下：第一种的输出不会被第二种挤出屏幕。
                if round > 0 {
                    self.pause_in_step("回车 换一个方向")?;
                }
                if !title.is_empty() {
                    self.say(&format!("▶▶ {title}"));
                }
                if cast.python[0] && !step.python_note.is_empty() {
                    self.say(&format!("▶ {}", step.python_note));
                }
                let start = self.log.len();
                for act in step.acts {
                    if !self.act(step, &cast, act)? {
                        return Ok(());
                    }
                }
                self.stop(Side::Left);
                self.stop(Side::Right);
                // --live 时输入由老师决定，对话那几步的输出没法事先知道。
                if !(self.options.live && step.acts.iter().any(|a| matches!(a, Act::Converse))) {
                    self.check_proof(&self.log[start..], proof)?;
                }
            }
            Ok(())
        })();
        self.stop(Side::Left);
        self.stop(Side::Right);
        self.remove_dirs();
        result
    }

    fn check_proof(
        &self,
        log: &[(Option<Side>, String)],
        proof: &[(Side, &str)],
    ) -> Result<(), Stop> {
        for side in [Side::Left, Side::Right] {
            let mut at = 0;
            for (_, needle) in proof.iter().filter(|(s, _)| *s == side) {
                match log[at..]
                    .iter()
                    .position(|(s, line)| *s == Some(side) && line.contains(needle))
                {
                    Some(found) => at += found + 1,
                    None => {
                        return Err(Stop::Failed(format!(
                            "[{}] 这边没有出现预想的输出「{needle}」，这一步没有演示成功。",
                            self.labels[index(side)]
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    // ───── 老师的节奏 ─────

    /// 一步中间停一下（--python 换方向、第 1、2、5 步的 Act::Pause），好让前一半的输出留在屏幕上讲完：
    /// 回车继续，q 结束。继续时清掉程序输出那块，后一半从标题下面开始显示，不会把标题挤出屏幕。
    fn pause_in_step(&mut self, prompt: &str) -> Result<(), Stop> {
        if !self.paced {
            return Ok(());
        }
        let text = self.paint("2", &format!("── {prompt}　q 结束 ──"));
        if let Some(screen) = self.screen.as_mut() {
            screen.status = text;
            screen.typing = None;
            self.redraw();
        } else {
            print!("{text}");
            let _ = std::io::stdout().flush();
        }
        // 运行时按下、还没处理的键不算数；程序的输出照样收着。
        let mut fresh = false;
        loop {
            let ev = if fresh {
                self.rx.recv().map_err(|_| Stop::Quit)?
            } else {
                match self.rx.try_recv() {
                    Ok(ev) => ev,
                    Err(_) => {
                        fresh = true;
                        continue;
                    }
                }
            };
            match ev {
                Ev::Interrupt => return Err(Stop::Interrupted),
                Ev::Out { at, .. } | Ev::Closed { at, .. } => {
                    self.held.push((at, Instant::now(), ev));
                }
                Ev::Key(key) if fresh && key.kind != KeyEventKind::Release => {
                    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                    match key.code {
                        KeyCode::Char('c') if ctrl => return Err(Stop::Interrupted),
                        KeyCode::Enter => break,
                        KeyCode::Char('q' | 'Q') => return Err(Stop::Quit),
                        _ => {}
                    }
                }
                Ev::Key(_) => {}
            }
        }
        if let Some(screen) = self.screen.as_mut() {
            screen.lines.clear();
            screen.narration.clear();
            screen.status.clear();
            self.redraw();
        } else if self.region_top > 0 {
            print!("\x1b[{};1H\x1b[J", self.region_top);
        } else {
            print!("\r\n");
        }
        let _ = std::io::stdout().flush();
        Ok(())
    }

    /// 停下来等老师：回车、b、r、数字+回车、q。停下之前按下的键都丢掉。
    fn pause(&mut self, prompt: &str) -> Result<Nav, Stop> {
        if !self.paced {
            return Ok(Nav::Next);
        }
        // 还压在手里的输出属于已经结束的运行，不再显示。
        self.held.clear();
        while let Ok(ev) = self.rx.try_recv() {
            if matches!(ev, Ev::Interrupt) {
                return Err(Stop::Interrupted);
            }
        }
        let text = self.paint(
            "2",
            &format!("── {prompt}　b 上一步　r 重来　数字+回车 跳到第几步　q 结束 ──"),
        );
        if let Some(screen) = self.screen.as_mut() {
            screen.status = text.clone();
            screen.typing = None;
            self.redraw();
        } else {
            // 光标已经在新的一行开头（每行输出都以换行结束）：提示紧接着输出，不空一行，省下屏幕的一行。
            print!("{text}");
            let _ = std::io::stdout().flush();
        }
        let nav = self.pause_keys(&text);
        if let Some(screen) = self.screen.as_mut() {
            screen.status.clear();
            self.redraw();
        }
        nav
    }

    fn pause_keys(&mut self, text: &str) -> Result<Nav, Stop> {
        let mut digits = String::new();
        loop {
            let ev = self.rx.recv().map_err(|_| Stop::Quit)?;
            let key = match ev {
                Ev::Interrupt => return Err(Stop::Interrupted),
                Ev::Key(key) if key.kind != KeyEventKind::Release => key,
                _ => continue,
            };
            if key.modifiers.contains(KeyModifiers::CONTROL) {
                match key.code {
                    KeyCode::Char('c') => return Err(Stop::Interrupted),
                    KeyCode::Char('d') => return Ok(Nav::Quit),
                    _ => continue,
                }
            }
            let nav = match key.code {
                KeyCode::Enter if !digits.is_empty() => match digits.parse::<usize>() {
                    Ok(n) if (1..=STEPS.len()).contains(&n) => Nav::Jump(n - 1),
                    _ => {
                        let again =
                            format!("没有第 {digits} 步（1～{}），再输入一次：", STEPS.len());
                        if let Some(screen) = self.screen.as_mut() {
                            screen.status = format!("{text}　{again}");
                            self.redraw();
                        } else {
                            print!("\r\n{again}");
                            let _ = std::io::stdout().flush();
                        }
                        digits.clear();
                        continue;
                    }
                },
                KeyCode::Enter => Nav::Next,
                KeyCode::Char('b') | KeyCode::Char('B') => Nav::Back,
                KeyCode::Char('r') | KeyCode::Char('R') => Nav::Repeat,
                KeyCode::Char('q') | KeyCode::Char('Q') => Nav::Quit,
                KeyCode::Char(c) if c.is_ascii_digit() && digits.len() < 2 => {
                    digits.push(c);
                    if let Some(screen) = self.screen.as_mut() {
                        screen.status = format!("{text} {digits}");
                        self.redraw();
                    } else {
                        // 第一个数字和提示之间空一格，不粘在"──"上。
                        let space = if digits.len() == 1 { " " } else { "" };
                        print!("{space}{c}");
                        let _ = std::io::stdout().flush();
                    }
                    continue;
                }
                KeyCode::Backspace if !digits.is_empty() => {
                    digits.pop();
                    if let Some(screen) = self.screen.as_mut() {
                        screen.status = format!("{text} {digits}");
                        self.redraw();
                    } else {
                        print!("\x08 \x08");
                        let _ = std::io::stdout().flush();
                    }
                    continue;
                }
                _ => continue,
            };
            if self.screen.is_none() {
                print!("\r\n");
            }
            return Ok(nav);
        }
    }

    fn heading(&mut self, number: usize, step: &Step) {
        self.labels = step.labels;
        self.single = step.programs[1].is_empty();
        self.clip = step.clip;
        if let Some(screen) = self.screen.as_mut() {
            *screen = split::Screen::default();
            screen.titles = step.labels.map(|l| format!("[{l}]"));
            screen.single = self.single;
            screen.clip = self.clip;
            self.in_header = true;
        } else if self.paced {
            // 每一步从屏幕顶上开始；标题和看点固定在上面，程序的输出只在下面滚动。
            print!("\x1b[r\x1b[2J\x1b[H");
            self.region_top = 0;
        }
        let title = self.paint("1;36", &format!("━━ 第 {number} 步　{} ━━", step.title));
        // 投影时屏幕只有 30 行左右，标题就从第一行开始；不停顿时和上一步之间空一行。
        if self.paced {
            self.emit(&title);
        } else {
            self.emit(&format!("\n{title}"));
        }
        for point in step.watch {
            self.emit(&format!("  • {point}"));
        }
        if self.options.live && !step.live_hint.is_empty() {
            let hint = self.paint("33", &format!("  ⌨ {}", step.live_hint));
            self.emit(&hint);
        }
        self.in_header = false;
    }

    /// 标题和看点下面的区域才滚动（终端的滚动区域），程序输出再多，标题也不会被挤出屏幕。
    /// 标题占几行是自己算的（中文占两列），不向终端询问光标位置。
    fn fix_heading(&mut self, step: &Step) {
        if !self.paced || self.screen.is_some() {
            return;
        }
        let Ok((_, rows)) = crossterm::terminal::size() else {
            return;
        };
        let rows_of = |text: &str| split::wrap(text, terminal_cols() - 1).len();
        let mut used = 1 + step
            .watch
            .iter()
            .map(|p| rows_of(&format!("  • {p}")))
            .sum::<usize>();
        if self.options.live && !step.live_hint.is_empty() {
            used += rows_of(&format!("  ⌨ {}", step.live_hint));
        }
        let used = used as u16;
        if rows > used + 6 {
            print!("\x1b[{};{}r\x1b[{};1H\x1b[J", used + 1, rows, used + 1);
            self.region_top = used + 1;
            let _ = std::io::stdout().flush();
        }
    }

    // ───── 开始和结束 ─────

    fn preflight(&mut self, order: &[usize], skipped: &mut BTreeSet<usize>) -> Result<(), Stop> {
        let mut ports: Vec<(u16, Proto)> = Vec::new();
        for &i in order {
            for port in STEPS[i].ports {
                if !ports.contains(port) {
                    ports.push(*port);
                }
            }
        }
        for (port, proto) in ports {
            loop {
                if port_free(port, proto) {
                    break;
                }
                // 没人在监听、却绑定不了：是别的程序（没设 SO_REUSEADDR，比如课程的 tcp_server.py）先关闭连接
                // 留下的 TIME_WAIT。它一两分钟内自己消失，那就等它。
                if proto == Proto::Tcp && !listening(port) {
                    let line = self.paint("33", &format!(
                        "端口 {port}（TCP）上没有程序在监听，但还有别的程序留下的 TIME_WAIT 连接挡着 bind（查看：{}）。\
                         它一两分钟内会自己消失，正在等……（Ctrl-C 结束）",
                        time_wait_command(port)
                    ));
                    self.emit(&line);
                    let freed = self.wait_for(
                        Some(Duration::from_secs(150)),
                        "端口还没有释放",
                        |_| Ok(port_free(port, proto)),
                    );
                    match freed {
                        Ok(()) => {
                            self.emit(&format!("端口 {port} 释放了。"));
                            break;
                        }
                        Err(Stop::Failed(_)) => {}
                        Err(other) => return Err(other),
                    }
                }
                let users: Vec<usize> = order
                    .iter()
                    .copied()
                    .filter(|&i| STEPS[i].ports.contains(&(port, proto)))
                    .collect();
                let names: Vec<&str> = users.iter().map(|&i| STEPS[i].name).collect();
                let kind = if proto == Proto::Tcp { "TCP" } else { "UDP" };
                let line = self.paint(
                    "33",
                    &format!(
                        "端口 {port}（{kind}）被别的程序占着，{} 要用它。找出占用者：{}",
                        names.join("、"),
                        owner_command(port, proto)
                    ),
                );
                self.emit(&line);
                if !self.paced {
                    self.emit(&format!(
                        "这些步骤跳过：{}。关掉占用者后可以再运行：scripts/demo.sh {}",
                        names.join("、"),
                        names.join(" ")
                    ));
                    skipped.extend(users);
                    break;
                }
                print!("关掉它后按 r 重新检查，按 s 跳过这些步骤，按 q 结束：");
                let _ = std::io::stdout().flush();
                let choice = loop {
                    match self.rx.recv().map_err(|_| Stop::Quit)? {
                        Ev::Interrupt => return Err(Stop::Interrupted),
                        Ev::Key(key) if key.kind != KeyEventKind::Release => match key.code {
                            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                                return Err(Stop::Interrupted);
                            }
                            KeyCode::Char(c @ ('r' | 's' | 'q')) => break c,
                            _ => {}
                        },
                        _ => {}
                    }
                };
                print!("{choice}\r\n");
                match choice {
                    'q' => return Err(Stop::Quit),
                    's' => {
                        skipped.extend(users);
                        break;
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn run(&mut self) -> i32 {
        if self.options.python {
            self.python = python3();
            if self.python.is_none() {
                eprintln!(
                    "--python 需要 python3：找不到它。请先安装 Python 3（https://www.python.org），或者去掉 --python。"
                );
                return 1;
            }
        }
        if self.options.live && !self.paced {
            eprintln!("--live 需要在终端里运行：标准输入不是终端，没法由你在键盘上输入。");
            return 2;
        }
        let tx = self.tx.clone();
        let _ = ctrlc::set_handler(move || {
            let _ = tx.send(Ev::Interrupt);
        });
        if self.paced {
            if crossterm::terminal::enable_raw_mode().is_err() {
                self.paced = false;
            } else {
                let tx = self.tx.clone();
                thread::spawn(move || {
                    while let Ok(ev) = event::read() {
                        if let Event::Key(key) = ev
                            && tx.send(Ev::Key(key)).is_err()
                        {
                            break;
                        }
                    }
                });
            }
        }
        let order: Vec<usize> = if self.options.only.is_empty() {
            (self.options.from..STEPS.len()).collect()
        } else {
            self.options.only.clone()
        };
        let result = self.lesson(&order);
        self.leave_split();
        let code = match result {
            Ok(failed) if failed.is_empty() => 0,
            Ok(failed) => {
                let names: Vec<&str> = failed.iter().map(|&i| STEPS[i].name).collect();
                self.emit(&format!(
                    "没有演示成功的步骤：{}（只演示这些：scripts/demo.sh {}）",
                    names.join("、"),
                    names.join(" ")
                ));
                1
            }
            Err(Stop::Quit) => {
                self.emit("演示提前结束。");
                0
            }
            Err(Stop::Interrupted) => {
                self.stop_all();
                self.emit("演示被中断（Ctrl-C）。");
                130
            }
            Err(Stop::Failed(message)) => {
                self.emit(&message);
                1
            }
        };
        self.stop_all();
        self.remove_dirs();
        let last = closing_line();
        self.emit(&last);
        if self.paced {
            // 取消滚动区域会把光标送回左上角：先记下光标位置，取消后再回到那里，shell 的提示符接在最后一行后面。
            print!("\x1b7\x1b[r\x1b8");
            let _ = std::io::stdout().flush();
            let _ = crossterm::terminal::disable_raw_mode();
        }
        code
    }

    fn leave_split(&mut self) {
        if self.screen.take().is_some() {
            print!("\x1b[?25h\x1b[?1049l");
            let _ = std::io::stdout().flush();
        }
    }

    /// 整节课：返回没有演示成功的步骤。
    fn lesson(&mut self, order: &[usize]) -> Result<BTreeSet<usize>, Stop> {
        let mut order = order.to_vec();
        let mut skipped = BTreeSet::new();
        self.preflight(&order, &mut skipped)?;
        if self.options.split && self.paced {
            // 备用屏幕：演示结束后终端回到原来的样子；光标藏起来，分屏里不需要它。
            print!("\x1b[?1049h\x1b[?25l\x1b[2J");
            self.screen = Some(split::Screen::default());
        }
        let mut failed = BTreeSet::new();
        let mut at = 0;
        while at < order.len() {
            let i = order[at];
            let step = &STEPS[i];
            self.log.clear();
            self.heading(i + 1, step);
            let before = if skipped.contains(&i) && !self.paced {
                self.note("这一步跳过：它要用的端口被占着（见开头的说明）。");
                failed.insert(i);
                Nav::Next
            } else {
                self.pause("回车 运行这一步")?
            };
            let mut after = before;
            if matches!(after, Nav::Next) && (self.paced || !skipped.contains(&i)) {
                self.fix_heading(step);
                match self.run_step(step) {
                    Ok(()) => {
                        failed.remove(&i);
                    }
                    Err(Stop::Failed(message)) => {
                        let line = self.paint("31", &format!("✗ {message}"));
                        self.emit(&line);
                        failed.insert(i);
                    }
                    Err(other) => return Err(other),
                }
                let last = at + 1 == order.len();
                after = self.pause(if last {
                    "回车 结束演示"
                } else {
                    "回车 下一步"
                })?;
            }
            match after {
                Nav::Next => at += 1,
                Nav::Back => at = at.saturating_sub(1),
                Nav::Repeat => {}
                // 跳到这次没选的步骤（比如只演示 tcp 时按 10）：把它排在当前这一步后面。
                Nav::Jump(n) => match order.iter().position(|&j| j == n) {
                    Some(found) => at = found,
                    None => {
                        order.insert(at + 1, n);
                        at += 1;
                    }
                },
                Nav::Quit => return Err(Stop::Quit),
            }
        }
        Ok(failed)
    }
}

/// 终端有多少列（不是终端时按 100 列算，投影常用的宽度）。
fn terminal_cols() -> usize {
    crossterm::terminal::size().map_or(100, |(cols, _)| usize::from(cols.max(20)))
}

// ───────── 端口和 TIME_WAIT ─────────

/// 课程的端口现在能不能绑定（TCP 在 Unix 上 std 会设 SO_REUSEADDR，所以 TIME_WAIT 不算占用，只有别人在监听才算）。
fn port_free(port: u16, proto: Proto) -> bool {
    match proto {
        Proto::Tcp => TcpListener::bind(("127.0.0.1", port)).is_ok(),
        Proto::Udp => UdpSocket::bind(("127.0.0.1", port)).is_ok(),
    }
}

/// 有没有程序在这个 TCP 端口上监听（连得上就是有）。
fn listening(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(1),
    )
    .is_ok()
}

fn owner_command(port: u16, proto: Proto) -> String {
    if cfg!(windows) {
        format!("netstat -ano | findstr :{port}（最后一列是进程号，在任务管理器里结束它）")
    } else if cfg!(target_os = "macos") {
        format!("lsof -nP -i :{port}")
    } else if proto == Proto::Tcp {
        format!("ss -ltnp 'sport = :{port}'")
    } else {
        format!("ss -lunp 'sport = :{port}'")
    }
}

fn owner_hint(address: &str) -> String {
    let Some(port) = address
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok())
    else {
        return String::new();
    };
    let proto = if [9000, 8081].contains(&port) {
        Proto::Udp
    } else {
        Proto::Tcp
    };
    format!(
        "如果是端口被占用，找出占用者：{}",
        owner_command(port, proto)
    )
}

fn time_wait_command(port: u16) -> String {
    if cfg!(target_os = "linux") {
        format!("ss -tan state time-wait '( sport = :{port} or dport = :{port} )'")
    } else if cfg!(windows) {
        format!("netstat -an | findstr :{port}")
    } else {
        format!("netstat -an | grep {port}")
    }
}

/// 课程端口上（任一头）处于 TIME_WAIT 的 TCP 连接有几个；查不到时是 None。
fn time_wait_count(ports: &[u16]) -> Option<usize> {
    if cfg!(target_os = "linux") {
        let mut count = 0;
        let mut any = false;
        for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            any = true;
            for line in text.lines().skip(1) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                if fields.len() < 4 || fields[3] != "06" {
                    continue;
                }
                let port_of = |f: &str| {
                    f.rsplit_once(':')
                        .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                };
                if [fields[1], fields[2]]
                    .iter()
                    .any(|f| port_of(f).is_some_and(|p| ports.contains(&p)))
                {
                    count += 1;
                }
            }
        }
        return any.then_some(count);
    }
    let out = Command::new("netstat")
        .args(["-an"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let count = text
        .lines()
        .filter(|l| l.contains("TIME_WAIT"))
        .filter(|l| {
            ports
                .iter()
                .any(|p| l.contains(&format!(":{p} ")) || l.contains(&format!(".{p} ")))
        })
        .count();
    Some(count)
}

const LESSON_PORTS: [u16; 3] = [8898, 8899, 8900];

/// 最后一行：说真话——演示启动的程序都关了；TIME_WAIT 还有几个就说几个。
fn closing_line() -> String {
    match time_wait_count(&LESSON_PORTS) {
        Some(0) => "演示结束：它启动的程序都已关闭，课程的端口上没有留下 TIME_WAIT 的连接。".into(),
        Some(n) => format!(
            "演示结束：它启动的程序都已关闭；课程的 TCP 端口上还有 {n} 个连接处于 TIME_WAIT，系统会在一两分钟内清掉，不妨碍马上再演示一次。"
        ),
        None => {
            "演示结束：它启动的程序都已关闭（这台机器上查不到有没有 TIME_WAIT 的连接）。".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qq_contacts_match_the_client() {
        let client = include_str!("../../qq_client/src/main.rs");
        let step = STEPS.iter().find(|s| s.name == "qq").unwrap();
        for name in steps::QQ_CONTACTS {
            assert!(
                client.contains(&format!("\"{name}\"")),
                "qq_client 里没有联系人 {name}"
            );
            assert!(
                step.live_hint.contains(name),
                "演示的提示里没有联系人 {name}"
            );
        }
    }

    #[test]
    fn every_lesson_program_has_a_step() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for entry in std::fs::read_dir(crates).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "demo" || !entry.path().join("src/main.rs").exists() {
                continue;
            }
            assert!(
                STEPS.iter().any(|s| s.programs.contains(&name.as_str())),
                "{name} 没有演示步骤"
            );
        }
    }

    #[test]
    fn python_steps_have_python_programs() {
        for step in STEPS.iter().filter(|s| !s.python_proof.is_empty()) {
            for program in step.programs {
                assert!(
                    python_dir().join(format!("{program}.py")).exists(),
                    "scripts/python/{program}.py 不存在"
                );
            }
        }
    }

    /// 后写出、先读到的行要等一等：更早写出的那行一到，就排到它前面。按键不用等。
    #[test]
    fn output_is_released_in_the_order_it_was_written() {
        let mut demo = Demo::new(Options::default());
        let out = |text: &str, ms: u64| Ev::Out {
            run: 1,
            side: Side::Left,
            at: Duration::from_millis(ms),
            text: text.into(),
            prompt: false,
        };
        // 读线程送来的先后：后写的那行先到。
        demo.tx.send(out("后写的", 20)).unwrap();
        demo.tx.send(out("先写的", 10)).unwrap();
        demo.tx.send(Ev::Interrupt).unwrap();
        let mut seen = Vec::new();
        while seen.len() < 3 {
            match demo.next_event(Duration::from_secs(5)).unwrap() {
                Ev::Out { text, .. } => seen.push(text),
                Ev::Interrupt => seen.push("Ctrl-C".into()),
                _ => {}
            }
        }
        assert_eq!(seen, ["Ctrl-C", "先写的", "后写的"]);
    }

    #[test]
    fn escape_codes_are_removed_and_wide_characters_count_double() {
        assert_eq!(plain("来自:\x1b[1;44m在的\x1b[0m"), "来自:在的");
        assert_eq!("你好a".chars().map(width).sum::<usize>(), 5);
    }
}
