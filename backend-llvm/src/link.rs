//! Linking: an object file and the runtime's static library into an executable, with the
//! system C compiler as the linker driver (it knows the platform's crt files and libc).

use std::path::Path;
use std::process::Command;

use crate::BackendError;

/// Links `object` with the runtime archive into `output`. `native_libs` are the `-l` flags the
/// runtime needs (threads, dl, math...). `target` is passed to the driver as `--target` when
/// cross-linking, which only works with a linker that knows that target.
pub fn link_executable(
    object: &Path,
    runtime: &Path,
    native_libs: &[&str],
    output: &Path,
    linker: &str,
) -> Result<(), BackendError> {
    let mut cmd = Command::new(linker);
    cmd.arg(object).arg(runtime).arg("-o").arg(output);
    // Drop unused runtime code; keeps executables small.
    cmd.arg("-Wl,--gc-sections");
    cmd.args(native_libs);
    let out = cmd.output().map_err(|e| BackendError::Link(format!("could not run the linker `{linker}`: {e}")))?;
    if !out.status.success() {
        return Err(BackendError::Link(format!(
            "linker `{linker}` failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        )));
    }
    Ok(())
}
