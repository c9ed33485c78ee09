//! file_reader 的最小版本：课程开头的 b.py——打开文件，读出全部内容，打印出来。
//! 运行（先运行写的一方）：cargo run -p file_reader --example file_reader_minimal [-- message.txt]

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    // 不给参数时用系统临时目录里的文件，和写的一方默认用的是同一个
    let default = std::env::temp_dir().join("socket-lesson-message.txt");
    let path = std::env::args_os().nth(1).map_or(default, PathBuf::from);
    let text = std::fs::read_to_string(&path)?; // 打开、读完、关闭；文件还不存在就出错退出
    println!("{text}");
    Ok(())
}
