//! The stdout buffer under concurrency and volume: several threads writing whole lines through
//! `aether_rt_stdout_write` and the printers never tear a line, each thread's lines keep their order,
//! output larger than the buffer arrives complete, and `aether_rt_stdout_flush` empties the buffer. The
//! writing happens in a child process (this test binary re-run with `AETHER_RT_CHILD`), because the
//! runtime writes to file descriptor 1 directly, beneath the test harness's capture.

use aether_runtime::io::*;

const THREADS: usize = 4;
const LINES: usize = 20_000;

fn child() {
    std::thread::scope(|s| {
        for t in 0..THREADS {
            s.spawn(move || {
                for i in 0..LINES {
                    let line = format!("thread {t} line {i} {}\n", "x".repeat(i % 97));
                    unsafe { aether_rt_stdout_write(line.as_ptr(), line.len()) };
                }
            });
        }
    });
    // One write larger than the buffer, then printers.
    let big = vec![b'B'; 3 * BLOCK_CAPACITY + 5];
    unsafe { aether_rt_stdout_write(big.as_ptr(), big.len()) };
    aether_runtime::fmt::aether_rt_print_u64(1, 7);
    unsafe { aether_rt_stdout_write(b"\nend\n".as_ptr(), 5) };
    aether_rt_stdout_flush();
}

#[test]
fn concurrent_lines_never_tear_and_big_writes_arrive() {
    if std::env::var_os("AETHER_RT_CHILD").is_some() {
        child();
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["concurrent_lines_never_tear_and_big_writes_arrive", "--exact", "--test-threads=1", "--quiet"])
        .env("AETHER_RT_CHILD", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut next = [0usize; THREADS];
    // The harness prints "running 1 test" first.
    let mut rest = &text[text.find("thread ").expect("no line written")..];
    while let Some(line) = rest.strip_prefix("thread ") {
        let (line, tail) = line.split_once('\n').expect("line ends");
        let mut parts = line.split(' ');
        let t: usize = parts.next().unwrap().parse().unwrap();
        assert_eq!(parts.next(), Some("line"));
        let i: usize = parts.next().unwrap().parse().unwrap();
        assert_eq!(i, next[t], "thread {t}'s lines out of order");
        assert_eq!(parts.next().unwrap(), "x".repeat(i % 97), "torn line");
        next[t] += 1;
        rest = tail;
    }
    assert_eq!(next, [LINES; THREADS]);
    let big = "B".repeat(3 * BLOCK_CAPACITY + 5);
    let rest = rest.strip_prefix(big.as_str()).expect("big write complete");
    // The harness's own output (if any) follows ours: the runtime flushed first.
    assert!(rest.starts_with("7\nend\n"), "tail: {:?}", &rest[..rest.len().min(100)]);
}
