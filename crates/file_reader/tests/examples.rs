//! 最小版本（Cargo 例子）的测试：真实的程序，读课程风格的 Python a.py 写下的消息。

#[path = "../../lesson_checks/src/lib.rs"]
mod support;

use support::*;

#[test]
fn the_minimal_reader_reads_what_the_python_writer_left() {
    let dir = std::env::temp_dir().join(format!("file-reader-example-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("message.txt");
    let a_py = crate_file(env!("CARGO_MANIFEST_DIR"), "tests/python/a.py");
    let writer = python(a_py, &[&target]).finish();
    let reader = start(example_binary("file_reader_minimal"), &[&target]).finish();
    let missing = start(
        example_binary("file_reader_minimal"),
        &[dir.join("nope.txt")],
    )
    .finish();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(writer.code(), Some(0), "{writer}");
    assert_eq!(reader.code(), Some(0), "{reader}");
    assert_eq!(reader.stdout, "hello! 你好！\n", "{reader}");
    // 和 b.py 一样：文件还不存在就出错退出。
    assert_eq!(missing.code(), Some(1), "{missing}");
}
