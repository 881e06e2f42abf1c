//! Build script of `aetherc`: builds the runtime staticlib that compiled programs link against, so the
//! driver can embed it (see `src/runtime_archive.rs`) and needs no environment variable or installed file.
//!
//! It runs a nested `cargo rustc -p aether-runtime --lib --release --target $TARGET` (with `panic=unwind`
//! forced) with its own target directory inside `OUT_DIR` (so it never waits for the outer build's
//! directory lock), `--locked` when a `Cargo.lock` exists, and only the environment a cargo needs
//! (toolchain, cargo home, network settings and the outer jobserver, whose tokens it shares; not the outer
//! `RUSTFLAGS` or wrappers, which are meant for the compiler itself). It writes into `OUT_DIR`:
//! - `libaether_runtime.a`: the archive;
//! - `runtime_native_libs.rs`: a `&[&str]` expression of the `-l` flags rustc reports for the archive
//!   (`--print native-static-libs`), in rustc's order;
//!
//! and sets `AETHER_RUNTIME_TARGET` to the triple the archive was built for. Invariant: the three always
//! describe the same build; the script reruns whenever `runtime/`, the ABI header or the workspace
//! manifest or lockfile change.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variables the nested cargo may see, by exact name.
const FORWARD: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "TMPDIR",
    "TMP",
    "TEMP",
    "SYSTEMROOT",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "RUSTC",
    "CARGO_MAKEFLAGS",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
];

/// Environment variables the nested cargo may see, by prefix (registry and network configuration).
const FORWARD_PREFIXES: &[&str] = &["CARGO_HTTP_", "CARGO_NET_", "CARGO_REGISTRIES_", "CARGO_REGISTRY_"];

fn var(name: &str) -> String {
    env::var(name).unwrap_or_else(|_| panic!("build script run without {name}"))
}

fn main() {
    let root = PathBuf::from(var("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(var("OUT_DIR"));
    let target = var("TARGET");
    for path in ["runtime", "runtime-c/aether_rt.h", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={path}");
    }

    let target_dir = out_dir.join("runtime-target");
    let libs_file = out_dir.join("native-static-libs.txt");
    let archive = build_runtime(&root, &target_dir, &target, &libs_file);

    std::fs::copy(&archive, out_dir.join("libaether_runtime.a"))
        .unwrap_or_else(|e| panic!("copy {}: {e}", archive.display()));
    let libs = std::fs::read_to_string(&libs_file).unwrap_or_else(|e| panic!("read {}: {e}", libs_file.display()));
    let libs: Vec<&str> = libs.split_whitespace().collect();
    std::fs::write(out_dir.join("runtime_native_libs.rs"), format!("&{libs:?}\n"))
        .expect("write runtime_native_libs.rs");
    println!("cargo:rustc-env=AETHER_RUNTIME_TARGET={target}");
}

/// Builds the runtime; returns the path of the archive. `libs_file` receives the native libraries.
fn build_runtime(root: &Path, target_dir: &Path, target: &str, libs_file: &Path) -> PathBuf {
    let archive = target_dir.join(target).join("release").join("libaether_runtime.a");
    run_cargo(root, target_dir, target, libs_file);
    if !libs_file.is_file() {
        // rustc writes the list only when it compiles the crate; a fresh archive without its list (a
        // half-deleted OUT_DIR) is rebuilt from scratch.
        let _ = std::fs::remove_dir_all(target_dir);
        run_cargo(root, target_dir, target, libs_file);
    }
    assert!(archive.is_file(), "nested cargo produced no {}", archive.display());
    assert!(libs_file.is_file(), "rustc wrote no native library list to {}", libs_file.display());
    archive
}

fn run_cargo(root: &Path, target_dir: &Path, target: &str, libs_file: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(cargo);
    cmd.env_clear();
    for (key, value) in env::vars_os() {
        let Some(k) = key.to_str() else { continue };
        if FORWARD.contains(&k) || FORWARD_PREFIXES.iter().any(|p| k.starts_with(p)) {
            cmd.env(&key, value);
        }
    }
    cmd.current_dir(root)
        .arg("rustc")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["-p", "aether-runtime", "--lib", "--release", "--target", target, "--quiet"])
        // AetherLang panics unwind: whatever the workspace's release profile says, the runtime must too.
        .args(["--config", "profile.release.panic=\"unwind\""])
        .arg("--target-dir")
        .arg(target_dir);
    if root.join("Cargo.lock").is_file() {
        cmd.arg("--locked");
    }
    let mut print = OsString::from("--print=native-static-libs=");
    print.push(libs_file);
    cmd.arg("--").arg(print);
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run cargo to build the runtime: {e}"));
    if !out.status.success() {
        panic!(
            "building the runtime (aether-runtime) failed ({}): cargo {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            cmd.get_args().collect::<Vec<_>>(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
