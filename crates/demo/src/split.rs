//! --split：分屏。上面是讲解（标题、看点、演示的说明），下面左右两栏是服务端和客户端各自的输出，
//! 最后一行是停下时的按键提示。
//!
//! 为什么不用 ratatui：在两核机器上从零编译 ratatui（连同它的依赖）要 40 秒左右，加上整个工作区就超过了
//! "新克隆下来 60 秒内看到第一屏"的预算；这里要的只是三块文字区域，crossterm（读按键本来就要它）
//! 加上这个文件就够了。画法也简单：每次有新内容就把整屏重新拼好，一次写出去。

/// 分屏的内容。每一行可以带颜色的控制序列（程序自己的颜色保留下来）。
#[derive(Default)]
pub struct Screen {
    /// 标题和看点：固定在最上面。
    pub header: Vec<String>,
    /// 演示自己的说明（▶、↑、[系统]）：标题下面只显示最近几行。
    pub narration: Vec<String>,
    /// 两栏的输出，按显示的先后：（哪一栏，一行）。画的时候每行都比前一行（不管哪一栏）低一行起头，
    /// 从上往下读就是先后，像时序图：服务端先启动，它的 `$` 行就在客户端的 `$` 行上面。
    pub lines: Vec<(usize, String)>,
    /// 这一步只有一个程序：用整个宽度显示它，不分两栏。
    pub single: bool,
    /// 每行只占一行，长的截掉尾巴（见 steps.rs 的 Step::clip）。
    pub clip: bool,
    /// 两栏的标题（[服务端] tcp_server）。
    pub titles: [String; 2],
    /// 最后一行：停下时的按键提示。
    pub status: String,
    /// --live 正在输入的一行：在哪一栏、显示什么。
    pub typing: Option<(usize, String)>,
}

/// 讲解区最多显示几行演示自己的说明。
const NARRATION_ROWS: usize = 4;

/// 一个字符在终端里占几列：中日韩文字和全角符号占两列。
pub fn width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// 不放在行首的标点（句号、逗号、右括号……）和不放在行尾的标点（左括号、左引号）。
const NO_LINE_START: &str = "，。、：；！？）】」』》〉…’”,.:;!?)]}%";
const NO_LINE_END: &str = "（【「『《〈‘“([{";

/// 把一行按显示宽度折成几段。控制序列不占宽度，原样留在段里；每段结尾关掉颜色，下一段开头接上原来的颜色。
/// 英文单词和数字不从中间断开（`Address already in use` 不会折成 `Addre` 和 `ss`）：在空格后、中文字前后折行；
/// 一个词比一整行还长时才硬断。标点照中文排版的规矩：`。，）` 这类不放在行首，`（` 这类不放在行尾。
pub fn wrap(line: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(4);
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    // 当前生效的颜色（最近一个 SGR 序列）。
    let mut colour = String::new();
    // 这一段里最后一个可以折行的地方：字节位置、它后面的宽度、那里生效的颜色。
    let mut fold: Option<(usize, usize, String)> = None;
    let mut last_wide = false;
    let mut prev = ' ';
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            let mut seq = String::from(c);
            if chars.peek() == Some(&'[') {
                for c in chars.by_ref() {
                    seq.push(c);
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            if seq.ends_with('m') {
                colour = if seq == "\u{1b}[0m" || seq == "\u{1b}[m" {
                    String::new()
                } else {
                    seq.clone()
                };
                piece.push_str(&seq);
            }
            continue;
        }
        if c == '\t' || c.is_control() {
            continue;
        }
        let w = width(c);
        // 中文字的前后、空格的地方可以折行，只要不把标点留在不该在的地方。
        let may_fold = !NO_LINE_START.contains(c) && !NO_LINE_END.contains(prev);
        if (w == 2 || last_wide || c == ' ') && may_fold {
            fold = Some((piece.len(), 0, colour.clone()));
        }
        if used + w > cols {
            let (head, tail, fold_colour) = match fold.take() {
                Some((at, after, at_colour)) if at > 0 && after + w <= cols => {
                    let tail = piece.split_off(at);
                    used = after;
                    (piece, tail, at_colour)
                }
                _ => {
                    used = 0;
                    (piece, String::new(), colour.clone())
                }
            };
            let mut head = head.trim_end_matches(' ').to_string();
            if !fold_colour.is_empty() {
                head.push_str("\u{1b}[0m");
            }
            pieces.push(head);
            piece = format!("{fold_colour}{tail}");
        }
        if c == ' ' && used == 0 && !pieces.is_empty() {
            // 折行处的空格不留在下一段开头。
            fold = None;
            last_wide = false;
            continue;
        }
        piece.push(c);
        used += w;
        if let Some((_, after, _)) = fold.as_mut() {
            *after += w;
        }
        if c == ' ' {
            fold = Some((piece.len(), 0, colour.clone()));
        }
        last_wide = w == 2;
        prev = c;
    }
    if !colour.is_empty() {
        piece.push_str("\u{1b}[0m");
    }
    pieces.push(piece);
    pieces
}

/// 截成一行：放不下时留下能放下的部分，结尾加 `…`。截断处落在一对括号里面时，连左括号一起截掉，
/// 不留下半句"（中间省略…"。
pub fn clip(line: &str, cols: usize) -> String {
    if visible(line) <= cols {
        return line.to_string();
    }
    // 截断不看单词的边界：反正后面的都不显示了。
    let mut head = String::new();
    let mut used = 0;
    let mut escape = false;
    for c in line.chars() {
        if escape || c == '\u{1b}' {
            escape = !(escape && c.is_ascii_alphabetic());
            head.push(c);
            continue;
        }
        if used + width(c) + 1 > cols {
            break;
        }
        used += width(c);
        head.push(c);
    }
    if let Some(open) = head.rfind('（')
        && !head[open..].contains('）')
    {
        head.truncate(open);
        head = head.trim_end_matches('…').to_string();
    }
    format!("{head}…\u{1b}[0m")
}

/// 一段文字（可能带控制序列）显示出来有多宽。
fn visible(text: &str) -> usize {
    let mut total = 0;
    let mut escape = false;
    for c in text.chars() {
        if escape {
            if c.is_ascii_alphabetic() {
                escape = false;
            }
        } else if c == '\u{1b}' {
            escape = true;
        } else {
            total += width(c);
        }
    }
    total
}

fn pad(text: &str, cols: usize) -> String {
    let mut text = text.to_string();
    if visible(&text) > cols {
        text = wrap(&text, cols).swap_remove(0);
    }
    let fill = cols.saturating_sub(visible(&text));
    format!("{text}\u{1b}[0m{}", " ".repeat(fill))
}

impl Screen {
    /// 拼出整屏：`rows` 行，每行正好 `cols` 列宽。
    pub fn lines(&self, cols: usize, rows: usize) -> Vec<String> {
        let cols = cols.max(20);
        let rows = rows.max(8);
        let mut out: Vec<String> = Vec::new();
        for line in &self.header {
            out.extend(wrap(line, cols));
        }
        out.truncate(rows / 2);
        let mut narration: Vec<String> =
            self.narration.iter().flat_map(|l| wrap(l, cols)).collect();
        let keep = narration.len().saturating_sub(NARRATION_ROWS);
        narration.drain(..keep);
        out.extend(narration);
        let (left, right) = if self.single {
            (cols, 0)
        } else {
            ((cols - 1) / 2, cols - 1 - (cols - 1) / 2)
        };
        let widths = [left, right];
        let title = |text: &str, cols: usize| {
            let text = pad(&format!("━━ {text} "), cols);
            let trimmed = text.trim_end_matches(' ');
            let fill = cols.saturating_sub(visible(trimmed));
            format!("{trimmed}{}", "━".repeat(fill))
        };
        if self.single {
            out.push(title(&self.titles[0], cols));
        } else {
            out.push(format!(
                "{}┃{}",
                title(&self.titles[0], left),
                title(&self.titles[1], right)
            ));
        }
        let body = rows.saturating_sub(out.len() + 1);
        // 按先后把每一行放进它那一栏：起头的行比前一行低，也不压住这一栏自己已有的行。
        let mut grid: Vec<[String; 2]> = Vec::new();
        let mut free = [0usize; 2];
        let mut last_start: Option<usize> = None;
        let typing = self
            .typing
            .as_ref()
            .map(|(at, text)| (*at, format!("⌨ {text}")));
        for (i, line) in self
            .lines
            .iter()
            .map(|(i, l)| (*i, l.clone()))
            .chain(typing)
        {
            let i = if self.single { 0 } else { i.min(1) };
            let start = free[i].max(last_start.map_or(0, |row| row + 1));
            let pieces = if self.clip {
                vec![clip(&line, widths[i])]
            } else {
                wrap(&line, widths[i])
            };
            for (k, piece) in pieces.into_iter().enumerate() {
                if grid.len() <= start + k {
                    grid.resize_with(start + k + 1, Default::default);
                }
                grid[start + k][i] = piece;
                free[i] = start + k + 1;
            }
            last_start = Some(start);
        }
        // 放不下时留最后 body 行（最新的输出）。
        let keep = grid.len().saturating_sub(body);
        grid.drain(..keep);
        grid.resize_with(body, Default::default);
        for [l, r] in &grid {
            if self.single {
                out.push(pad(l, cols));
            } else {
                out.push(format!("{}│{}", pad(l, left), pad(r, right)));
            }
        }
        out.push(pad(&self.status, cols));
        out.iter().map(|line| pad(line, cols)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut escape = false;
        for c in text.chars() {
            if escape {
                escape = !c.is_ascii_alphabetic();
            } else if c == '\u{1b}' {
                escape = true;
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn a_step_fills_100_by_30_with_heading_on_top_and_two_columns() {
        let mut screen = Screen {
            header: vec![
                "━━ 第 4 步　TCP ━━".into(),
                "看点：".into(),
                "  • 服务端先启动".into(),
            ],
            titles: ["[服务端] tcp_server".into(), "[客户端] tcp_client".into()],
            status: "── 回车 下一步 ──".into(),
            ..Screen::default()
        };
        screen.lines = (1..=40).map(|i| (0, format!("服务端第 {i} 行"))).collect();
        screen
            .lines
            .push((1, "\u{1b}[1;44m蓝底的一行\u{1b}[0m".into()));
        let lines = screen.lines(100, 30);
        assert_eq!(lines.len(), 30);
        for line in &lines {
            assert_eq!(visible(line), 100, "{line:?}");
        }
        assert!(plain(&lines[0]).starts_with("━━ 第 4 步"));
        assert!(plain(&lines[29]).starts_with("── 回车 下一步"));
        // 左栏只留最后几行，右栏的颜色原样保留。
        let body: Vec<String> = lines.iter().map(|l| plain(l)).collect();
        assert!(body.iter().any(|l| l.starts_with("服务端第 40 行")));
        assert!(!body.iter().any(|l| l.starts_with("服务端第 1 行 ")));
        assert!(lines.iter().any(|l| l.contains("\u{1b}[1;44m蓝底的一行")));
        let split = body.iter().find(|l| l.contains("蓝底的一行")).unwrap();
        assert!(split.find('│').unwrap() < split.find("蓝底").unwrap());
    }

    /// 两栏从上往下读就是先后：后显示的行总比先显示的行低，哪怕它在另一栏。
    #[test]
    fn the_two_columns_read_top_down_in_the_order_lines_were_shown() {
        let mut screen = Screen::default();
        for (pane, text) in [
            (0, "$ tcp_server"),
            (0, "正在监听"),
            (1, "$ tcp_client"),
            (0, "连上了"),
            (1, "hi"),
        ] {
            screen.lines.push((pane, text.into()));
        }
        let rows: Vec<String> = screen.lines(60, 20).iter().map(|l| plain(l)).collect();
        let row_of = |text: &str| rows.iter().position(|r| r.contains(text)).unwrap();
        let order = ["$ tcp_server", "正在监听", "$ tcp_client", "连上了", "hi"].map(row_of);
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "{order:?}\n{}",
            rows.join("\n")
        );
        // 只有一个程序的步骤用整个宽度。
        let mut single = Screen {
            single: true,
            ..Screen::default()
        };
        single.lines.push((0, "一".repeat(40)));
        let rows: Vec<String> = single.lines(100, 20).iter().map(|l| plain(l)).collect();
        assert!(
            rows.iter().any(|r| r.starts_with(&"一".repeat(40))),
            "{}",
            rows.join("\n")
        );
    }

    #[test]
    fn wrapping_keeps_english_words_whole() {
        let pieces: Vec<String> =
            wrap("留下的连接占着（Address already in use (os error 98)）", 24)
                .iter()
                .map(|p| plain(p))
                .collect();
        assert_eq!(
            pieces,
            [
                "留下的连接占着（Address",
                "already in use (os error",
                "98)）"
            ]
        );
        // 句号、右括号不放在行首，左括号不放在行尾：和它挨着的字一起挪到下一行。
        let plain_pieces = |text: &str, cols: usize| -> Vec<String> {
            wrap(text, cols).iter().map(|p| plain(p)).collect()
        };
        assert_eq!(plain_pieces("一二三。", 6), ["一二", "三。"]);
        assert_eq!(plain_pieces("一二（三", 6), ["一二", "（三"]);
        assert_eq!(plain_pieces("一二三）。", 8), ["一二", "三）。"]);
        // 中文可以在任意两个字之间折行；比一行还长的词只好硬断。
        assert_eq!(wrap("一二三四五", 4).len(), 3);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        let coloured = wrap("\u{1b}[33mone two three\u{1b}[0m", 8);
        assert_eq!(
            coloured.iter().map(|p| plain(p)).collect::<Vec<_>>(),
            ["one two", "three"]
        );
        assert!(coloured[1].starts_with("\u{1b}[33m"));
    }

    #[test]
    fn clipping_never_leaves_half_a_bracket() {
        let line = "第 1 次 recv 读到 1024 字节：hello0123456789…（中间省略 960 字节）…789";
        assert_eq!(
            plain(&clip(line, 40)),
            "第 1 次 recv 读到 1024 字节：hello01234…"
        );
        assert_eq!(
            plain(&clip(line, 60)),
            "第 1 次 recv 读到 1024 字节：hello0123456789…"
        );
        assert_eq!(plain(&clip("短的一行", 40)), "短的一行");
    }

    #[test]
    fn wrapping_counts_chinese_as_two_columns_and_carries_colour() {
        let pieces = wrap("\u{1b}[34m你好你好你好", 4);
        assert_eq!(pieces.len(), 3);
        assert!(pieces[1].starts_with("\u{1b}[34m"));
        assert!(pieces.iter().all(|p| visible(p) <= 4));
    }
}
