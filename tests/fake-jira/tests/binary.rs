//! The command announces its port and exits when its standard input closes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn prints_listening_and_exits_on_stdin_eof() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-jira"))
        .args(["--port", "0", "--issues", "10"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn fake-jira");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read line");
    assert!(line.starts_with("LISTENING http://127.0.0.1:"), "{line}");
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success());
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("fake-jira did not exit after stdin closed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
