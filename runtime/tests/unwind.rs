//! The unwinding experiment that settles how compiled code unwinds: `tests/ir/unwind.ll` stands for
//! aetherc's output (landing pads with `personality ptr @aether_rt_eh_personality`, `invoke`, cleanup,
//! `resume`, a frame without landing pad in between). It is compiled with LLVM 22's `llc`, linked with `cc`
//! against the staticlib, and run in each of its scenarios. Skipped, with a notice, only when `llc` of
//! LLVM 22 is absent.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

const NOTE: &str = "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";

/// Builds the program once; None when llc is missing.
fn program() -> Option<&'static PathBuf> {
    static EXE: OnceLock<Option<PathBuf>> = OnceLock::new();
    EXE.get_or_init(|| {
        let Some(llc) = support::llc() else {
            eprintln!("NOTICE: llc of LLVM 22 not found; skipping the unwinding experiment");
            return None;
        };
        let dir = support::scratch("unwind");
        let obj = dir.join("unwind.o");
        support::run_ok(
            Command::new(llc)
                .args(["-filetype=obj", "-relocation-model=pic", "-o"])
                .arg(&obj)
                .arg(support::package_file("tests/ir/unwind.ll")),
        );
        let exe = dir.join("unwind");
        support::link(&[&obj], &[], &exe);
        Some(exe)
    })
    .as_ref()
}

fn run(args: &[&str]) -> Option<Output> {
    let exe = program()?;
    // RUST_BACKTRACE must not change what the runtime prints.
    Some(Command::new(exe).args(args).env("RUST_BACKTRACE", "1").output().expect("run the program"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn panic_runs_cleanup_prints_message_and_exits_101() {
    let Some(out) = run(&[]) else { return };
    assert_eq!(text(&out.stdout), "cleanup ran\n");
    assert_eq!(text(&out.stderr), format!("thread 'main' panicked at src/main.ae:3:5:\nboom\n{NOTE}"));
    assert_eq!(out.status.code(), Some(101));
}

#[test]
fn bounds_panic_has_rusts_message() {
    let Some(out) = run(&["a", "b", "c"]) else { return };
    assert_eq!(text(&out.stdout), "cleanup ran\n");
    assert_eq!(
        text(&out.stderr),
        format!(
            "thread 'main' panicked at src/main.ae:9:13:\nindex out of bounds: the len is 3 but the index is 7\n{NOTE}"
        )
    );
    assert_eq!(out.status.code(), Some(101));
}

#[test]
fn normal_return_exits_0_and_flushes_stdout() {
    let Some(out) = run(&["a", "b"]) else { return };
    assert_eq!(text(&out.stdout), "no panic\n");
    assert_eq!(text(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn panic_in_cleanup_aborts() {
    let Some(out) = run(&["a"]) else { return };
    // stdout was flushed before the second panic message.
    assert_eq!(text(&out.stdout), "cleanup ran\n");
    assert_eq!(
        text(&out.stderr),
        format!(
            "thread 'main' panicked at src/main.ae:3:5:\nboom\n{NOTE}\
             thread 'main' panicked at src/main.ae:20:9:\ndrop panicked\n\
             panic in a destructor during cleanup\nthread caused non-unwinding panic. aborting.\n"
        )
    );
    assert_eq!(out.status.code(), None, "the process must die of SIGABRT");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6));
    }
}
