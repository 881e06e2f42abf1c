//! Snapshots of rendered diagnostics where the wording, the labels (which value, which `.await`)
//! or the absence of follow-on errors are the point of the check.

use std::path::PathBuf;
use std::process::Command;

fn check_stderr(file: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/compile-fail");
    let out = Command::new(env!("CARGO_BIN_EXE_aetherc"))
        .args(["check", file])
        .current_dir(&dir)
        .output()
        .expect("run aetherc");
    assert_eq!(out.status.code(), Some(1), "{file} should fail to compile");
    String::from_utf8(out.stderr).expect("diagnostics are UTF-8")
}

#[test]
fn future_not_send_names_the_value_and_the_await() {
    insta::assert_snapshot!(check_stderr("spawn_rc_across_await.ae"));
}

#[test]
fn closure_not_send_names_the_shared_type() {
    insta::assert_snapshot!(check_stderr("spawn_blocking_shares_cell.ae"));
}

#[test]
fn failed_patterns_report_once_each() {
    insta::assert_snapshot!(check_stderr("failed_patterns.ae"));
}
