//! file_writer 的最小版本：课程开头的 a.py——把一条消息写进文件，留给另一个程序去读。
//! 运行：cargo run -p file_writer --example file_writer_minimal [-- message.txt]

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    // 不给参数时用系统临时目录里的文件，读的一方不给参数也找得到它
    let default = std::env::temp_dir().join("socket-lesson-message.txt");
    let path = std::env::args_os().nth(1).map_or(default, PathBuf::from);
    std::fs::write(&path, "hello! 你好！")?; // 打开（先清空）、写入、关闭，一步完成
    println!("写好了：{}", path.display());
    Ok(())
}
