//! 演示的全部步骤，按课程的顺序写在一张表里。加一步 = 在 STEPS 里加一项。
//!
//! 每一步写明：名字、标题、两个角色的标签、用到的程序、给老师看的看点、依次要做的事（Act）、
//! 脚本代打的输入、证明这一步演示成功的输出，以及它要用的课程端口。
//! 程序的提示符和就绪行不抄在这里：演示从程序的输出里认出它们（见 main.rs 的 reader）。

/// 屏幕上的两个角色：左边（平常是服务端）和右边（平常是客户端）。
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Left,
    Right,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Proto {
    Tcp,
    Udp,
}

/// 一步里依次要做的事。说明里的 `{dir}` 换成这一步的私有临时目录。
pub enum Act {
    /// 一行说明（▶ 开头）。
    Say(&'static str),
    /// 一行提示（↑ 开头，黄色）。
    Note(&'static str),
    /// 建这一步的私有临时目录（只有自己能进），步骤结束时删掉。之后启动的程序都在这个目录里运行，
    /// 所以参数里写文件名就够了，投影上的每一行都短。
    PrivateDir,
    /// 这一步只在类 Unix 系统上演示；Windows 上说明一句，然后跳过后面的事。
    UnixOnly(&'static str),
    /// 启动这一边的程序，带上这些参数。
    Launch(Side, &'static [&'static str]),
    /// 等这一边的程序打印就绪行：以它绑定的地址结尾的一行。
    Ready(Side, &'static str),
    /// 等这一边的程序自己结束，退出码应该是这个。
    Exit(Side, i32),
    /// 等这一边的程序打印含有这段文字的一行。
    Line(Side, &'static str),
    /// 让大家看 ls -l 这个路径（只在类 Unix 系统上）。
    Ls(&'static str),
    /// 两边按提示符一问一答：脚本代打 `Step::input` 里的行（--live 时由老师输入），直到右边的程序结束。
    Converse,
    /// 左边是个死循环的服务端：由演示结束它（课堂上是按 Ctrl-C）。
    StopLoop,
    /// 不设 SO_REUSEADDR 马上重启服务端，撞上 Address already in use（最多试三次）。
    ReuseTrial,
    /// 一步中间停一下，让老师讲完前一半（--auto 时不停）；继续时清掉前一半的输出。
    Pause(&'static str),
}

use Act::*;
use Side::{Left, Right};

pub struct Step {
    pub name: &'static str,
    pub title: &'static str,
    /// 左边和右边的标签。
    pub labels: [&'static str; 2],
    /// 左边和右边的程序（只有一个程序的步骤，右边是空字符串）。
    pub programs: [&'static str; 2],
    /// --python 时两边各自换成 scripts/python/ 里的哪个程序；空的表示这一步没有 Python 版。
    pub python_programs: [&'static str; 2],
    pub watch: &'static [&'static str],
    pub acts: &'static [Act],
    /// 脚本代打的输入：左边、右边各自的行，每看到一个提示符打一行；打完了就是 Ctrl-D（输入结束）。
    pub input: [&'static [&'static str]; 2],
    /// 证明这一步成功的输出：每一边按顺序出现这些文字（各边内部有先后，两边之间不比先后）。
    pub proof: &'static [(Side, &'static str)],
    /// --python 时，两种搭配（Rust 服务端配 Python 客户端、Python 服务端配 Rust 客户端）各自要出现的输出；
    /// 空的表示这一步没有 Python 版。
    pub python_proof: &'static [(Side, &'static str)],
    /// --python 时，Python 服务端那一轮开始前显示的一句说明；空的表示不用说明。
    pub python_note: &'static str,
    /// 这一步要用的课程端口。
    pub ports: &'static [(u16, Proto)],
    /// --live 时先给老师看的一句话（比如 QQ 的联系人）。
    pub live_hint: &'static str,
    /// 程序输出的是 Markdown 表格：演示时改成列表，投影上不折成好几行。
    pub table_as_list: bool,
    /// 投影时每行输出只占一行，长的截掉尾巴（黏包那两步的数据很长，整步要放进 100x30）。
    pub clip: bool,
}

/// QQ 客户端的联系人（测试核对它们和 qq_client 里写的一样）。
#[cfg(test)]
pub const QQ_CONTACTS: &[&str] = &["金老板", "哪吒", "egg", "yuan"];

pub const STEPS: &[Step] = &[
    Step {
        name: "file",
        title: "不用网络：两个程序通过一个文件传消息",
        labels: ["读的一方", "写的一方"],
        programs: ["file_reader", "file_writer"],
        python_programs: ["", ""],
        watch: &[
            "file_writer 把一条消息写进文件就退出；file_reader 打开同一个文件，读出来打印。",
            "先读后写：文件还不存在，读的一方只能报错退出，它没法知道消息什么时候写好。",
            "加上 --wait，读的一方每 0.2 秒看一眼（轮询）；一写好就读到同一条消息（对一对进程号）。",
        ],
        acts: &[
            PrivateDir,
            Say("两个程序都在私有临时目录 {dir} 里运行（演示完就删掉）。还没有人写，先读读看："),
            Launch(Left, &["message.txt"]),
            Exit(Left, 1),
            Note("文件还不存在，读的一方只能说一声就退出（退出码 1）。"),
            Pause("回车 加上 --wait 再试"),
            Say("这次加上 --wait：读的一方先等着，再让写的一方去写。"),
            Launch(Left, &["--wait", "message.txt"]),
            Line(Left, "最多等 30 秒"),
            Launch(Right, &["message.txt"]),
            Exit(Right, 0),
            Exit(Left, 0),
            Note(
                "写的一方不知道有人在等（它照样提示你去运行读的一方），读的一方是自己轮询才看到文件的。",
            ),
            Note("读到的和写的是同一条消息。套接字不用轮询：数据一到，等着的 recv 就返回了。"),
        ],
        input: [&[], &[]],
        proof: &[
            (Left, "还没有消息"),
            (Left, "退出码 1"),
            (Left, "最多等 30 秒"),
            (Left, "读到 "),
            (Left, "退出码 0"),
            (Right, "写好了一条消息："),
            (Right, "退出码 0"),
        ],
        python_proof: &[],
        python_note: "",
        ports: &[],
        live_hint: "",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "unix",
        title: "AF_UNIX：用文件路径当地址的套接字",
        labels: ["服务端", "客户端"],
        programs: ["unix_server", "unix_client"],
        python_programs: ["", ""],
        watch: &[
            "和 TCP 一样先启动服务端，只是地址不是 IP 和端口，而是一个文件路径（放在私有临时目录里）。",
            "服务端运行时，ls -l 看得到这个文件，第一个字母 s 表示套接字文件；数据并不经过磁盘。",
            "客户端发 hello!，服务端回 hi，两边退出；服务端退出前删掉了这个文件。",
        ],
        acts: &[
            UnixOnly(
                "这一步跳过：Rust 标准库只在 Linux、macOS 这类系统上提供 AF_UNIX（可以在 WSL 里演示）。",
            ),
            PrivateDir,
            Say(
                "两个程序都在私有临时目录 {dir} 里运行（演示完就删掉），地址就是文件名 lesson.sock。",
            ),
            Launch(Left, &["lesson.sock"]),
            Ready(Left, "lesson.sock"),
            Say("服务端正在等客户端。看一眼这个路径上的文件："),
            Ls("lesson.sock"),
            Note("第一个字母 s：这是 bind 创建的套接字文件；它只是个名字，大小是 0。"),
            Pause("回车 启动客户端"),
            Launch(Right, &["lesson.sock"]),
            Exit(Right, 0),
            Exit(Left, 0),
            Say("两边都结束了，再看一眼："),
            Ls("lesson.sock"),
        ],
        input: [&[], &[]],
        proof: &[
            (Left, "正在监听 "),
            (Left, "收到 6 字节：hello!"),
            (Left, "已删除套接字文件"),
            (Left, "退出码 0"),
            (Right, "收到回复：hi"),
            (Right, "退出码 0"),
        ],
        python_proof: &[],
        python_note: "",
        ports: &[],
        live_hint: "",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "measure",
        title: "量一量：TCP 和 UDP，谁可靠、谁快",
        labels: ["程序", "空闲"],
        programs: ["tcp_vs_udp", ""],
        python_programs: ["", ""],
        watch: &[
            "课程说 TCP 可靠但慢、UDP 快但不可靠。这个程序自己扮演两端，在 127.0.0.1 上量 1 秒。",
            "一问一答的往返都只要几十微秒；尽快发数据时，TCP 全部送达，UDP 来不及收的就丢了。",
            "数字每次都不一样；最后那句结论是由这一次的数字算出来的。",
        ],
        acts: &[Launch(Left, &["1"]), Exit(Left, 0)],
        input: [&[], &[]],
        proof: &[(Left, "送达率（%）"), (Left, "结论："), (Left, "退出码 0")],
        python_proof: &[],
        python_note: "",
        ports: &[],
        live_hint: "",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "tcp",
        title: "TCP：先启动服务端，再启动客户端",
        labels: ["服务端", "客户端"],
        programs: ["tcp_server", "tcp_client"],
        python_programs: ["tcp_server_reuse", "tcp_client"],
        watch: &[
            "服务端先启动，停在 accept 上等人来连：TCP 要先有人在端口上监听，客户端才连得上。",
            "客户端发 hello!，服务端打印收到的字节，回一句 hi，客户端打印回复。",
            "回完 hi，两边关闭连接、各自退出：这个服务端只服务一个客户端。",
        ],
        acts: &[
            Launch(Left, &[]),
            Ready(Left, "127.0.0.1:8898"),
            Launch(Right, &[]),
            Exit(Right, 0),
            Exit(Left, 0),
            Note("两边的行按写出的先后排：程序都是先 send 再打印，对方的下一行可能抢在它前面。"),
        ],
        input: [&[], &[]],
        proof: &[
            (Left, "正在监听 127.0.0.1:8898"),
            (Left, "hello!"),
            (Right, "回复：hi"),
        ],
        python_proof: &[(Left, "127.0.0.1:8898"), (Left, "hello!"), (Right, "hi")],
        python_note: "Python 服务端用 tcp_server_reuse.py：上一轮是服务端先关闭，8898 还在 TIME_WAIT 里；\
                      Linux、macOS 上没设 SO_REUSEADDR 的 tcp_server.py 要等约一分钟才能 bind（第 5 步细讲）。\
                      它和课程一样直接 print 收到的 bytes，所以显示 b'hello!'。",
        ports: &[(8898, Proto::Tcp)],
        live_hint: "",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "reuse",
        title: "重启服务端：Address already in use 和 SO_REUSEADDR",
        labels: ["服务端", "客户端"],
        programs: ["tcp_server_reuse", "tcp_client"],
        python_programs: ["", ""],
        watch: &[
            "服务端先关闭连接，它那头的连接要在 TIME_WAIT 里停一阵（Linux 上约 60 秒），端口还被占着。",
            "这时加 --no-reuse（bind 前不设 SO_REUSEADDR）马上重启：bind 失败，Address already in use。",
            "去掉 --no-reuse：bind 之前设了 SO_REUSEADDR，同一个端口马上就能重启。",
        ],
        acts: &[
            ReuseTrial,
            Pause("回车 看 SO_REUSEADDR 怎么解决"),
            Say("去掉 --no-reuse 再重启：这次 bind 之前设了 SO_REUSEADDR。"),
            Launch(Left, &[]),
            Ready(Left, "127.0.0.1:8898"),
            Note("设置了 SO_REUSEADDR，同一个端口马上就重启成功了。"),
            Launch(Right, &[]),
            Exit(Right, 0),
            Exit(Left, 0),
        ],
        input: [&[], &[]],
        proof: &[
            (Left, "正在监听 127.0.0.1:8898"),
            (Left, "$ tcp_server_reuse --no-reuse"),
            (Left, "SO_REUSEADDR 已开启）正在监听 127.0.0.1:8898"),
            (Left, "hello!"),
            (Right, "回复：hi"),
            (Right, "回复：hi"),
        ],
        python_proof: &[],
        python_note: "",
        ports: &[(8898, Proto::Tcp)],
        live_hint: "",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "udp",
        title: "UDP：不用连接，直接收发数据报",
        labels: ["服务端", "客户端"],
        programs: ["udp_server", "udp_client"],
        python_programs: ["udp_server", "udp_client"],
        watch: &[
            "UDP 没有 listen 和 accept：服务端 bind 好端口，就能直接收数据报。",
            "客户端不用先建立连接，直接把 hello 发到 127.0.0.1:9000；服务端打印它和来处，用 sendto 回 hi。",
            "客户端打印回复和回复的来处，两边各自退出。",
        ],
        acts: &[
            Launch(Left, &[]),
            Ready(Left, "127.0.0.1:9000"),
            Launch(Right, &[]),
            Exit(Right, 0),
            Exit(Left, 0),
            Note("两边的行按写出的先后排：程序都是先 send 再打印，对方的下一行可能抢在它前面。"),
        ],
        input: [&[], &[]],
        proof: &[
            (Left, "正在等待数据报，地址 127.0.0.1:9000"),
            (Left, "hello"),
            (Right, "回复：hi"),
        ],
        python_proof: &[(Left, "127.0.0.1:9000"), (Left, "hello"), (Right, "hi")],
        python_note: "Python 服务端和课程一样直接 print 收到的 bytes，显示成 b'hello'；Rust 版先把字节变成文字再打印。",
        ports: &[(9000, Proto::Udp)],
        live_hint: "",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "qq",
        title: "仿 QQ 聊天（UDP）：你一句，我一句",
        labels: ["服务端", "客户端"],
        programs: ["qq_server", "qq_client"],
        python_programs: ["qq_server", "qq_client"],
        watch: &[
            "客户端先选聊天对象（课程里的几个名字都指向 127.0.0.1:8081），再输入消息。",
            "服务端显示消息从哪儿来，等人输入回复；客户端收到回复后接着聊，输入 q 结束和他的聊天。",
            "服务端是个死循环，聊完也不会自己退出，课堂上按 Ctrl-C 关掉它。",
        ],
        acts: &[
            Launch(Left, &[]),
            Ready(Left, "127.0.0.1:8081"),
            Launch(Right, &[]),
            Converse,
            Exit(Right, 0),
            StopLoop,
        ],
        input: [&["在的，有什么事？"], &["哪吒", "你好，在吗？", "q"]],
        proof: &[
            (Right, "请选择聊天对象"),
            (Right, "⌨ 哪吒"),
            (Right, "⌨ 你好，在吗？"),
            (Left, "你好，在吗？"),
            (Left, "⌨ 在的，有什么事？"),
            (Right, "在的，有什么事？"),
            (Right, "⌨ q"),
            (Right, "⌨ Ctrl-D"),
            (Right, "退出码 0"),
        ],
        python_proof: &[
            (Left, "127.0.0.1:8081"),
            (Left, "你好，在吗？"),
            (Right, "在的，有什么事？"),
            (Right, "退出码 0"),
        ],
        python_note: "",
        ports: &[(8081, Proto::Udp)],
        live_hint: "联系人：金老板、哪吒、egg、yuan（都在 127.0.0.1:8081）。客户端先输入其中一个名字。",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "time",
        title: "时间服务器（UDP）：按客户端给的格式报时",
        labels: ["服务端", "客户端"],
        programs: ["time_server", "time_client"],
        python_programs: ["time_server", "time_client"],
        watch: &[
            "客户端输入 strftime 格式，比如 %Y %m %d；服务端按这个格式写出当前时间发回来。",
            "直接回车会发出一个空数据报，服务端就用默认格式 %Y-%m-%d %X。",
            "客户端按 Ctrl-D 结束；服务端是个死循环，课堂上按 Ctrl-C 关掉它。",
        ],
        acts: &[
            Launch(Left, &[]),
            Ready(Left, "127.0.0.1:9000"),
            Launch(Right, &[]),
            Converse,
            Exit(Right, 0),
            StopLoop,
        ],
        input: [&[], &["%Y %m %d", "%Y年%m月%d日 %H:%M", ""]],
        proof: &[
            (Right, "请输入时间格式"),
            (Right, "⌨ %Y %m %d"),
            (Right, "⌨ Ctrl-D"),
            (Right, "退出码 0"),
        ],
        python_proof: &[
            (Left, "127.0.0.1:9000"),
            (Right, "⌨ %Y %m %d"),
            (Right, "退出码 0"),
        ],
        python_note: "Python 服务端直接 print 收到的 bytes：中文的格式显示成 b'%Y\\xe5\\xb9\\xb4…' 这样的 UTF-8 字节，和课程一样。",
        ports: &[(9000, Proto::Udp)],
        live_hint: "试试 %Y %m %d、%H:%M:%S，或者直接回车（默认格式）；客户端那边按 Ctrl-D 结束。",
        table_as_list: false,
        clip: false,
    },
    Step {
        name: "params",
        title: "socket() 的参数：family、type、proto、fileno",
        labels: ["程序", "空闲"],
        programs: ["socket_params", ""],
        python_programs: ["", ""],
        watch: &[
            "课程把 socket.socket(family, type, proto, fileno) 的参数列了一遍；这里每种各建一个，再问内核。",
            "proto 和 type 对不上时创建失败；原始套接字（SOCK_RAW）要特权，普通用户那一行是失败的。",
            "fileno：描述符交出去、再包装回来，交出前和接管后的地址一样——同一个套接字。",
        ],
        acts: &[Launch(Left, &[]), Exit(Left, 0)],
        input: [&[], &[]],
        proof: &[(Left, "交出前 "), (Left, "退出码 0")],
        python_proof: &[],
        python_note: "",
        ports: &[],
        live_hint: "",
        table_as_list: true,
        clip: false,
    },
    Step {
        name: "sticky",
        title: "黏包：TCP 是字节流，不记消息的边界",
        labels: ["服务端", "客户端"],
        programs: ["sticky_server", "sticky_client"],
        python_programs: ["", ""],
        watch: &[
            "客户端用 6 次 send 发出 5 条短消息和 1 条 3000 字节的长消息，每次 send 都是完整的一条。",
            "服务端先忙半秒不去读，再每次最多 recv 1024 字节：短消息黏成一团，长消息被拆成几段。",
            "最后服务端告诉客户端它一共 recv 了几次：和 send 的次数对不上。TCP 不记消息的边界。",
        ],
        acts: &[
            Launch(Left, &[]),
            Ready(Left, "127.0.0.1:8899"),
            Launch(Right, &[]),
            Exit(Right, 0),
            Exit(Left, 0),
        ],
        input: [&[], &[]],
        proof: &[
            (Left, "第 1 次 recv"),
            (Left, "第 2 次 recv"),
            (Left, "一共 recv 了"),
            (Left, "退出码 0"),
            (Right, "第 6 次 send：3000 字节"),
            (Right, "一共 send 了 6 次"),
            (Right, "服务端回复："),
            (Right, "退出码 0"),
        ],
        python_proof: &[],
        python_note: "",
        ports: &[(8899, Proto::Tcp)],
        live_hint: "",
        table_as_list: false,
        clip: true,
    },
    Step {
        name: "framed",
        title: "解决黏包：每条消息前面加上长度报头",
        labels: ["服务端", "客户端"],
        programs: ["framed_server", "framed_client"],
        python_programs: ["", ""],
        watch: &[
            "发的还是那 6 条消息，只是每条前面多了 4 字节的报头，写明正文有多少字节。",
            "服务端先读满 4 字节的报头，再按报头里的长度读满正文：每条消息都完整地一条一条出来。",
            "字节在路上照样会黏、会拆；边界是双方约定的报头找回来的。",
        ],
        acts: &[
            Launch(Left, &[]),
            Ready(Left, "127.0.0.1:8900"),
            Launch(Right, &[]),
            Exit(Right, 0),
            Exit(Left, 0),
        ],
        input: [&[], &[]],
        proof: &[
            (Left, "第 1 条消息（5 字节）：hello"),
            (Left, "第 6 条消息（3000 字节）："),
            (Left, "一共收到 6 条消息"),
            (Left, "退出码 0"),
            (Right, "第 6 条消息：报头 00 00 0b b8"),
            (Right, "一共收到 6 条消息"),
            (Right, "退出码 0"),
        ],
        python_proof: &[],
        python_note: "",
        ports: &[(8900, Proto::Tcp)],
        live_hint: "",
        table_as_list: false,
        clip: true,
    },
];
