//! The AetherLang runtime, embedded in the compiler: the bytes of `libaether_runtime.a` that the build
//! script (`build.rs`) built for this compiler's target, the native libraries it needs, and that target.
//!
//! The driver links a program with `cc program.o <write_to(dir)> <NATIVE_LIBS...>`. Invariant: the archive,
//! [`NATIVE_LIBS`] and [`host_triple`] come from one build, so they always agree; nothing is looked up at
//! run time (no environment variable, no installed file), so `aetherc` works straight from `cargo build`
//! and after `cargo install`.

use std::io;
use std::path::{Path, PathBuf};

static ARCHIVE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/libaether_runtime.a"));

/// File name [`write_to`] gives the archive.
pub const FILE_NAME: &str = "libaether_runtime.a";

/// The linker flags the archive needs after it on the `cc` command line, in order (rustc's
/// `--print native-static-libs`; on x86_64 Linux with glibc `-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc`).
pub const NATIVE_LIBS: &[&str] = include!(concat!(env!("OUT_DIR"), "/runtime_native_libs.rs"));

/// The bytes of the runtime staticlib (`libaether_runtime.a`).
pub fn staticlib() -> &'static [u8] {
    ARCHIVE
}

/// The target triple the runtime (and this compiler) was built for, e.g. `x86_64-unknown-linux-gnu`.
pub fn host_triple() -> &'static str {
    env!("AETHER_RUNTIME_TARGET")
}

/// Writes the archive as `dir/libaether_runtime.a` and returns that path, for `cc` to link.
pub fn write_to(dir: &Path) -> io::Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    std::fs::write(&path, staticlib())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn archive_is_an_ar_archive_with_the_runtime() {
        assert!(staticlib().starts_with(b"!<arch>\n"));
        let has = |sym: &[u8]| staticlib().windows(sym.len()).any(|w| w == sym);
        assert!(has(b"aether_rt_start") && has(b"aether_rt_eh_personality"));
    }

    #[test]
    fn native_libs_are_linker_flags() {
        assert!(!NATIVE_LIBS.is_empty());
        assert!(NATIVE_LIBS.iter().all(|l| l.starts_with('-')), "{NATIVE_LIBS:?}");
        assert!(host_triple().split('-').count() >= 3, "{}", host_triple());
    }

    #[test]
    fn written_archive_links_a_c_main() {
        let dir = tempfile::tempdir().unwrap();
        let lib = write_to(dir.path()).unwrap();
        assert_eq!(std::fs::read(&lib).unwrap(), staticlib());
        let src = dir.path().join("main.c");
        std::fs::write(
            &src,
            "#include <stdint.h>\n#include <stddef.h>\n\
             int32_t aether_rt_start(int32_t, char **, void (*)(void));\n\
             void aether_rt_print_i64(uint32_t, int64_t);\n\
             void aether_rt_stdout_write(const uint8_t *, size_t);\n\
             static void user_main(void) { aether_rt_print_i64(1, -42); aether_rt_stdout_write((const uint8_t *)\"\\n\", 1); }\n\
             int main(int argc, char **argv) { return aether_rt_start(argc, argv, user_main); }\n",
        )
        .unwrap();
        let exe = dir.path().join("main");
        let status = Command::new("cc").arg(&src).arg(&lib).args(NATIVE_LIBS).arg("-o").arg(&exe).status().unwrap();
        assert!(status.success());
        let out = Command::new(&exe).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "-42\n");
        assert_eq!(out.status.code(), Some(0));
    }
}
