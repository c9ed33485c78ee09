//! 像投影前的老师那样看演示：在一个 100x30 的真终端（tmux）里运行，一步一步按回车，
//! 每次停下来都把屏幕拍下来（存到 target/demo-shots/），核对每一步都放得下：
//! 标题和看点在最上面，这一步的第一行输出没有被挤出屏幕，停顿的提示在最后，英文单词没有被折断。
//!
//! 只在 Linux 上运行（CI 的 .ci/run 会装好 tmux）。演示用课程的固定端口：别和别的演示同时跑。

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const COLS: usize = 100;
const ROWS: usize = 30;
/// 一次停顿最多等多久（时间服务器那一步代打三行，每行前面停 0.7 秒）。
const PATIENCE: Duration = Duration::from_secs(60);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// 一个只属于这次测试的 tmux 服务器（-L 起个自己的名字），测试结束时关掉它和里面的演示。
struct Tmux {
    name: String,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        let name = format!("demo-projector-{}", std::process::id());
        let tmux = Tmux { name };
        let ok = tmux
            .run(&[
                "new-session",
                "-d",
                "-x",
                &COLS.to_string(),
                "-y",
                &ROWS.to_string(),
            ])
            .is_some();
        assert!(
            ok,
            "无法启动 tmux：这个测试在真终端里看演示，需要它（Debian/Ubuntu：apt-get install tmux）"
        );
        tmux.run(&["send-keys", "-l", command]);
        tmux.run(&["send-keys", "Enter"]);
        tmux
    }

    fn run(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("tmux")
            .args(["-L", &self.name, "-f", "/dev/null"])
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn screen(&self) -> Vec<String> {
        let text = self.run(&["capture-pane", "-p"]).unwrap_or_default();
        let mut rows: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
        rows.resize(ROWS, String::new());
        rows
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// 屏幕的最后一行非空的行。
fn last_row(screen: &[String]) -> (usize, &str) {
    screen
        .iter()
        .enumerate()
        .rev()
        .find(|(_, row)| !row.is_empty())
        .map(|(i, row)| (i, row.as_str()))
        .unwrap_or((0, ""))
}

fn is_pause(row: &str) -> bool {
    row.starts_with("── ") && row.ends_with(" ──")
}

/// 一路按回车走完演示，返回每次停下来时的屏幕。
fn walk(tmux: &Tmux, shots: &Path, tag: &str) -> Vec<Vec<String>> {
    let mut screens: Vec<Vec<String>> = Vec::new();
    loop {
        let started = Instant::now();
        let screen = loop {
            let screen = tmux.screen();
            let (_, last) = last_row(&screen);
            if let Some(exit) = screen.iter().find(|row| row.starts_with("EXIT=")) {
                assert_eq!(exit, "EXIT=0", "演示没有正常结束：\n{}", screen.join("\n"));
                return screens;
            }
            // 停下来了，而且和上一次拍到的不一样（回车已经生效）。
            if is_pause(last) && screens.last() != Some(&screen) {
                break screen;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{PATIENCE:?} 内演示没有停下来等回车，屏幕是：\n{}",
                screen.join("\n")
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let file = shots.join(format!("{tag}-{:02}.txt", screens.len() + 1));
        std::fs::write(&file, screen.join("\n")).unwrap();
        screens.push(screen);
        tmux.run(&["send-keys", "Enter"]);
    }
}

/// 一行在终端里占几列（中文和全角标点占两列）：快写满一行的才可能是被折断的。
fn columns(row: &str) -> usize {
    row.chars()
        .map(|c| {
            if ('\u{2E80}'..='\u{FFEF}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// 一次停顿时的屏幕放得下这一步：标题在第一行，看点紧跟着，接着是这一步的第一行输出（不是中间的某一行），
/// 最后是停顿的提示；没有哪一行在英文单词中间折断。
fn check(screen: &[String], what: &str) {
    let shown = screen.join("\n");
    assert!(
        screen[0].starts_with("━━ 第 "),
        "{what}：第一行不是这一步的标题（被挤出屏幕了）：\n{shown}"
    );
    let bullets = screen[1..]
        .iter()
        .take_while(|r| r.starts_with("  • "))
        .count();
    assert!(bullets >= 2, "{what}：标题下面没有看点：\n{shown}");
    let (last, pause) = last_row(screen);
    assert!(is_pause(pause), "{what}：最后一行不是停顿的提示：\n{shown}");
    let first = &screen[1 + bullets];
    if last > 1 + bullets {
        // 还没运行时，看点下面就是停顿的提示；运行过了，第一行是说明（▶）或者启动程序的命令（$）。
        let beginning = first.starts_with("▶") || first.contains("$ ") || is_pause(first);
        assert!(
            beginning,
            "{what}：看点下面不是这一步的第一行输出，前面的输出被挤出了屏幕：\n{shown}"
        );
    }
    for pair in screen.windows(2) {
        let end = pair[0].chars().last();
        let start = pair[1].chars().next();
        let broken = end.is_some_and(|c| c.is_ascii_alphanumeric())
            && start.is_some_and(|c| c.is_ascii_alphanumeric())
            && columns(&pair[0]) >= COLS - 12;
        assert!(
            !broken,
            "{what}：一个英文单词被折成两行（{:?} / {:?}）：\n{shown}",
            pair[0], pair[1]
        );
    }
}

fn demo(args: &str, tag: &str) -> Vec<Vec<String>> {
    let root = repo_root();
    let built = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--workspace", "--bins", "--quiet"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(built.success());
    let shots = root.join("target/demo-shots");
    std::fs::create_dir_all(&shots).unwrap();
    let command = format!(
        "cd '{}' && '{}' {args}; echo EXIT=$?",
        root.display(),
        env!("CARGO_BIN_EXE_demo")
    );
    let tmux = Tmux::start(&command);
    walk(&tmux, &shots, tag)
}

#[test]
fn every_step_fits_a_100x30_projector() {
    let screens = demo("", "step");
    for (i, screen) in screens.iter().enumerate() {
        check(screen, &format!("第 {} 次停顿", i + 1));
    }
    // 11 步，每步停两次（运行前、运行后），第 1、2、5 步中间各停一次。
    assert_eq!(screens.len(), 25, "停顿的次数不对");
    // 每一步运行后的那一屏，都有这一步的程序打印的东西（不只是标题）。
    let after: Vec<&Vec<String>> = screens.iter().filter(|s| last_row(s).0 > 6).collect();
    assert!(after.len() >= 11, "运行后的屏幕太少：{}", after.len());

    // 用 Python 当另一边：每种搭配之间停一次，每一屏也都放得下。
    let screens = demo("--python tcp udp qq time", "python");
    for (i, screen) in screens.iter().enumerate() {
        check(screen, &format!("--python 第 {} 次停顿", i + 1));
    }
    assert_eq!(screens.len(), 4 * 3, "停顿的次数不对");
}
