//! Memory correctness of generated code: every run-pass program, compiled at -O0 and -O3, runs
//! under valgrind with no invalid access, no use of uninitialized memory, and no leaked block
//! (definitely or indirectly lost), and with its expected exit status.

use std::path::{Path, PathBuf};
use std::process::Command;

fn expected_exit(src: &Path) -> i32 {
    let text = std::fs::read_to_string(src).unwrap();
    text.lines()
        .take_while(|l| l.starts_with("//@ "))
        .find_map(|l| l.strip_prefix("//@ exit: "))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0)
}

#[test]
fn run_pass_programs_are_clean_under_valgrind() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("valgrind is not installed: skipping (install it with `apt-get install valgrind`)");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/run-pass");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ae"))
        .collect();
    sources.sort();
    assert!(!sources.is_empty());
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for src in &sources {
        for level in ["-O0", "-O3"] {
            let exe = tmp.path().join("prog");
            let out =
                Command::new(env!("CARGO_BIN_EXE_aetherc")).arg(level).arg(src).arg("-o").arg(&exe).output().unwrap();
            assert!(out.status.success(), "{}: {}", src.display(), String::from_utf8_lossy(&out.stderr));
            let run = Command::new("valgrind")
                .args([
                    "--quiet",
                    "--error-exitcode=99",
                    "--leak-check=full",
                    "--errors-for-leak-kinds=definite,indirect",
                ])
                .arg(&exe)
                .output()
                .unwrap();
            let want = expected_exit(src);
            if run.status.code() != Some(want) {
                failures.push(format!(
                    "{} {level}: exit {:?}, expected {want}\n{}",
                    src.display(),
                    run.status.code(),
                    String::from_utf8_lossy(&run.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
