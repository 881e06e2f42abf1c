//! The C side of the ABI: `runtime-c/tests/abi_test.c` is compiled with `cc` against `aether_rt.h` and the
//! staticlib and run (its own checks plus the exact output it produces through the runtime's streams),
//! and the header is compared with the archive's symbol table: every exported `aether_rt_*` symbol is
//! declared in the header and every function the header declares is exported.

mod support;

use std::collections::BTreeSet;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn abi_test_exe() -> &'static PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let dir = support::scratch("c_abi");
        let exe = dir.join("abi_test");
        let include = format!("-I{}", support::workspace_file("runtime-c").display());
        let src = support::workspace_file("runtime-c/tests/abi_test.c");
        support::link(&[&src], &["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", &include], &exe);
        exe
    })
}

const STDOUT_LINE1: &str = "out1 -9223372036854775808 18446744073709551615 -18446744073709551615 18446744073709551616 \
                            false 1000000000000000000000 -0 0.1 0.0000001\n";

#[test]
fn c_program_passes_its_checks_and_streams_keep_program_order() {
    let dir = support::scratch("c_abi_combined");
    let log = dir.join("combined.txt");
    let file = File::create(&log).unwrap();
    let status = Command::new(abi_test_exe())
        .args(["first", "sécond!"])
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .status()
        .unwrap();
    let combined = std::fs::read_to_string(&log).unwrap();
    assert_eq!(status.code(), Some(42), "output:\n{combined}");
    assert_eq!(combined, format!("{STDOUT_LINE1}err1\n5 err2\n0xBEEF out2\nbye\n"));
}

#[test]
fn c_program_separates_stdout_and_stderr() {
    let out = Command::new(abi_test_exe()).args(["first", "sécond!"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(42), "stderr:\n{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{STDOUT_LINE1}0xBEEF out2\nbye\n"));
    assert_eq!(stderr, "err1\n5 err2\n");
}

#[test]
fn c_program_fails_when_a_check_fails() {
    // Wrong arguments make the argv checks fail: the harness above would notice a broken runtime.
    let out = Command::new(abi_test_exe()).arg("other").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FAIL argc"));
}

/// Function names declared in the header (comments removed first).
fn header_functions() -> BTreeSet<String> {
    let text = std::fs::read_to_string(support::workspace_file("runtime-c/aether_rt.h")).unwrap();
    let mut code = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("/*") {
        code.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("unterminated comment") + start + 2;
        rest = &rest[end..];
    }
    code.push_str(rest);
    let mut names = BTreeSet::new();
    let mut s = code.as_str();
    while let Some(i) = s.find("aether_rt_") {
        let tail = &s[i..];
        let len = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(tail.len());
        let after = tail[len..].trim_start();
        if after.starts_with('(') {
            names.insert(tail[..len].to_owned());
        }
        s = &tail[len..];
    }
    names
}

/// Defined global `aether_rt_*` symbols of the staticlib.
fn exported_symbols() -> BTreeSet<String> {
    let lib = support::staticlib();
    let nm = ["nm", "/usr/lib/llvm-22/bin/llvm-nm", "llvm-nm"]
        .into_iter()
        .find(|nm| Command::new(nm).arg("--version").output().is_ok())
        .expect("no nm found");
    let out = support::run_ok(Command::new(nm).args(["--defined-only", "--extern-only"]).arg(&lib));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|s| s.starts_with("aether_rt_"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn header_declares_exactly_the_exported_symbols() {
    let declared = header_functions();
    let exported = exported_symbols();
    assert!(exported.len() > 30, "suspiciously few exports: {exported:?}");
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(undeclared.is_empty(), "exported but not declared in aether_rt.h: {undeclared:?}");
    assert!(missing.is_empty(), "declared in aether_rt.h but not exported: {missing:?}");
}
