//! Runs programs through the shared conformance runner (`../shared/conformance/run`): the shared
//! programs listed in `conformance-passing.txt`, and the project's own `run-pass/` and
//! `compile-fail/` programs (same header format), each at -O0 and -O3.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared() -> PathBuf {
    let p = repo().join("../shared");
    assert!(p.join("conformance/run").exists(), "the shared conformance suite must be at {}", p.display());
    p
}

/// Runs the runner on `targets` and fails the test (with its report) unless every program passed.
fn run(targets: &[PathBuf]) {
    let out = Command::new("bash")
        .arg(shared().join("conformance/run"))
        .arg("--aetherc")
        .arg(env!("CARGO_BIN_EXE_aetherc"))
        .args(targets)
        .output()
        .expect("run the conformance runner");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    let last = stdout.lines().last().unwrap_or_default();
    assert!(out.status.success(), "conformance failures: {last}");
    assert!(!last.starts_with("0 passed"), "no program ran");
}

fn ae_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ae"))
        .collect();
    v.sort();
    v
}

#[test]
fn shared_conformance_programs_expected_to_pass() {
    let list = std::fs::read_to_string(repo().join("tests/conformance-passing.txt")).expect("read the list");
    let targets: Vec<PathBuf> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| shared().join("conformance").join(l))
        .collect();
    for t in &targets {
        assert!(t.exists(), "listed conformance program {} does not exist", t.display());
    }
    run(&targets);
}

#[test]
fn own_run_pass_programs() {
    run(&ae_files(&repo().join("tests/run-pass")));
}

#[test]
fn own_compile_fail_programs() {
    run(&ae_files(&repo().join("tests/compile-fail")));
}
