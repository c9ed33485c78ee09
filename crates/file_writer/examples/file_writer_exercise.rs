//! 00 页练习的参考答案：最小版本的 file_writer，改成先写临时文件、再改名。
//! 运行：cargo run -p file_writer --example file_writer_exercise [-- message.txt]

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let default = std::env::temp_dir().join("socket-lesson-message.txt");
    let path = std::env::args_os().nth(1).map_or(default, PathBuf::from);
    // 改动：先写同一个目录里的临时文件（rename 只在同一个文件系统里才是一步完成的），目标文件一点没动
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, "hello! 你好！")?;
    // 再把名字一步换到新文件上：读的一方要么读到旧消息，要么读到整条新消息，读不到半条
    std::fs::rename(&temporary, &path)?;
    println!("写好了：{}", path.display());
    Ok(())
}
