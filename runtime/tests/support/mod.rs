//! Helpers for the tests that link C or LLVM objects against the runtime's staticlib: where the archive
//! is, which native libraries it needs, and how to compile, link and run a program.
//!
//! Invariants: the archive is the one cargo built for this test run (the newest
//! `libaether_runtime-*.a` beside the test binary); the native library list comes from rustc itself
//! (`--print native-static-libs` on an empty std staticlib, which is what the runtime links: it has no
//! dependencies besides std). Scratch files live under cargo's `CARGO_TARGET_TMPDIR`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The staticlib built for this test run: `cargo test` leaves it in `target/<profile>/deps` as
/// `libaether_runtime-<hash>.a` (only `cargo build` copies it up a level), so take the newest there.
pub fn staticlib() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("test binary lives in target/<profile>/deps");
    let newest = std::fs::read_dir(deps)
        .expect("read deps dir")
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libaether_runtime-") && name.ends_with(".a")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max();
    let lib = newest.map(|(_, p)| p).expect("no libaether_runtime-*.a beside the test binary");
    assert!(lib.is_file(), "staticlib not found at {}", lib.display());
    lib
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aether-runtime").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The rustc of the toolchain that runs this test (beside its cargo), else `rustc` from PATH.
fn rustc() -> PathBuf {
    let beside_cargo = Path::new(env!("CARGO")).with_file_name("rustc");
    if beside_cargo.is_file() {
        beside_cargo
    } else {
        PathBuf::from("rustc")
    }
}

/// The `-l` flags a staticlib of std needs, e.g. `["-lgcc_s", "-lutil", .., "-lc"]`.
pub fn native_libs() -> &'static [String] {
    static LIBS: OnceLock<Vec<String>> = OnceLock::new();
    LIBS.get_or_init(|| {
        let dir = scratch("native-libs");
        let src = dir.join("empty.rs");
        std::fs::write(&src, "").unwrap();
        let out = Command::new(rustc())
            .args(["--crate-type=staticlib", "--crate-name=empty", "--print=native-static-libs", "-o"])
            .arg(dir.join("libempty.a"))
            .arg(&src)
            .output()
            .expect("run rustc");
        assert!(out.status.success(), "rustc failed: {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr
            .lines()
            .find_map(|l| l.split_once("native-static-libs:").map(|(_, libs)| libs.to_owned()))
            .expect("rustc printed no native-static-libs note");
        line.split_whitespace().map(str::to_owned).collect()
    })
}

/// Runs `cmd`, panicking with its output when it fails.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Links `objects` (objects or C sources, handed to `cc`) with the staticlib into executable `out`.
pub fn link(inputs: &[&Path], extra: &[&str], out: &Path) {
    let mut cmd = Command::new("cc");
    cmd.args(extra).args(inputs).arg(staticlib()).args(native_libs()).arg("-o").arg(out);
    run_ok(&mut cmd);
}

/// The `llc` of LLVM 22, if installed.
pub fn llc() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/lib/llvm-22/bin/llc");
    if fixed.is_file() {
        return Some(fixed);
    }
    ["llc-22", "llc"].iter().find_map(|name| {
        let out = Command::new(name).arg("--version").output().ok()?;
        String::from_utf8_lossy(&out.stdout).contains("LLVM version 22").then(|| PathBuf::from(name))
    })
}

/// Path of a file in the package (`runtime/`).
pub fn package_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Path of a file in the workspace root.
pub fn workspace_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("runtime/ is inside the workspace").join(rel)
}
