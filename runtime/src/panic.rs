//! Panics and unwinding: `aether_rt_panic` and its variants, and `aether_rt_eh_personality`, the
//! personality function compiled code's landing pads name.
//!
//! How compiled code unwinds (the decision, proven by `runtime/tests/unwind.rs`): an AetherLang panic is a
//! Rust panic. `aether_rt_panic*` prints the message the way Rust does (`thread 'NAME' panicked at
//! FILE:LINE:COL:`, the message, and the `RUST_BACKTRACE` note once per process), then raises it with
//! `std::panic::resume_unwind`, which skips the panic hook. The exception crosses compiled frames: every
//! compiled function that can unwind carries `personality ptr @aether_rt_eh_personality`, calls that may
//! unwind are `invoke`s whose cleanup `landingpad { ptr, i32 } cleanup` runs the drops and ends in `resume`,
//! and `aether_rt_start` (or a task boundary) catches it with `catch_unwind`.
//! `aether_rt_eh_personality` forwards to Rust's own personality routine (`rust_eh_personality`, which
//! the staticlib does export under that unmangled name), so compiled frames are handled exactly like
//! rustc-compiled ones, `catch` clauses included. Compiled code names only our symbol, so the runtime
//! can change what it forwards to (libgcc's `__gcc_personality_v0`, also proven to work for cleanup-only
//! landing pads) without touching the compiler.
//!
//! Invariants: a panic raised while this thread is already unwinding (a drop panicking in a landing pad)
//! prints its message and aborts, as Rust does. Payloads are [`AetherPanic`]s.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::buf::AetherBuf;

/// The payload of an AetherLang panic: its message (already printed when the panic was raised).
#[derive(Debug)]
pub struct AetherPanic {
    /// The panic message, as given (invalid UTF-8 replaced).
    pub message: String,
}

static NOTE_PRINTED: AtomicBool = AtomicBool::new(false);

const NOTE: &str = "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";

/// Prints the panic report for `message` at `location` (already `FILE:LINE:COL`) to stderr and, when
/// `nested` (this thread is already unwinding), aborts the process.
fn report(message: &str, location: &str, nested: bool) {
    let mut text = format!("thread '{}' panicked at {location}:\n{message}\n", crate::process::thread_name());
    if nested {
        text.push_str("panic in a destructor during cleanup\nthread caused non-unwinding panic. aborting.\n");
        crate::io::stderr_write(text.as_bytes());
        std::process::abort();
    }
    if !NOTE_PRINTED.swap(true, Ordering::Relaxed) {
        text.push_str(NOTE);
    }
    crate::io::stderr_write(text.as_bytes());
}

/// Reports and raises an AetherLang panic with `message` at `file:line:col`.
pub fn raise(message: String, file: &[u8], line: u32, col: u32) -> ! {
    let location = format!("{}:{line}:{col}", String::from_utf8_lossy(file));
    report(&message, &location, std::thread::panicking());
    std::panic::resume_unwind(Box::new(AetherPanic { message }))
}

/// Installs the panic hook used for panics raised by Rust code inside the runtime, so they print like
/// AetherLang panics (Rust's default hook would add a thread id). AetherLang panics skip the hook.
pub(crate) fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            s
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.as_str()
        } else {
            "Box<dyn Any>"
        };
        let location = info.location().map_or_else(|| "<unknown>".to_owned(), |l| l.to_string());
        // Rust counts this panic before calling the hook, and aborts by itself when a panic escapes a
        // drop during unwinding: never abort here.
        report(message, &location, false);
    }));
}

/// Panics with the `msg_len` bytes at `msg` as the message, located at `file:line:col`; never returns,
/// unwinds through compiled code.
///
/// # Safety
/// `msg` and `file` must point to that many readable bytes (NULL allowed for length 0).
#[no_mangle]
pub unsafe extern "C-unwind" fn aether_rt_panic(
    msg: *const u8,
    msg_len: usize,
    file: *const u8,
    file_len: usize,
    line: u32,
    col: u32,
) -> ! {
    // SAFETY: guaranteed by the caller.
    let (msg, file) = unsafe { (crate::bytes(msg, msg_len), crate::bytes(file, file_len)) };
    raise(String::from_utf8_lossy(msg).into_owned(), file, line, col)
}

/// Panics with the contents of `*msg` as the message (for formatted messages), taking ownership of the
/// buffer: its block is freed and `*msg` is left empty before unwinding starts.
///
/// # Safety
/// `msg` must point to a valid `AetherBuf`; `file` to `file_len` readable bytes.
#[no_mangle]
pub unsafe extern "C-unwind" fn aether_rt_panic_buf(
    msg: *mut AetherBuf,
    file: *const u8,
    file_len: usize,
    line: u32,
    col: u32,
) -> ! {
    // SAFETY: guaranteed by the caller.
    let (buf, file) = unsafe { (&mut *msg, crate::bytes(file, file_len)) };
    let message = String::from_utf8_lossy(buf.as_slice()).into_owned();
    buf.free();
    raise(message, file, line, col)
}

/// Panics with Rust's indexing message `index out of bounds: the len is LEN but the index is INDEX`.
///
/// # Safety
/// `file` must point to `file_len` readable bytes.
#[no_mangle]
pub unsafe extern "C-unwind" fn aether_rt_panic_bounds(
    index: usize,
    len: usize,
    file: *const u8,
    file_len: usize,
    line: u32,
    col: u32,
) -> ! {
    // SAFETY: guaranteed by the caller.
    let file = unsafe { crate::bytes(file, file_len) };
    raise(format!("index out of bounds: the len is {len} but the index is {index}"), file, line, col)
}

#[cfg(all(unix, not(target_arch = "arm")))]
mod personality {
    use std::ffi::{c_int, c_void};

    extern "C" {
        /// Rust's personality routine for the Itanium unwinding ABI, defined by `std`.
        fn rust_eh_personality(
            version: c_int,
            actions: c_int,
            exception_class: u64,
            exception: *mut c_void,
            context: *mut c_void,
        ) -> c_int;
    }

    /// The personality function of compiled code (Itanium C++ ABI signature): forwards to Rust's.
    ///
    /// # Safety
    /// Called only by the system unwinder.
    #[no_mangle]
    pub unsafe extern "C" fn aether_rt_eh_personality(
        version: c_int,
        actions: c_int,
        exception_class: u64,
        exception: *mut c_void,
        context: *mut c_void,
    ) -> c_int {
        // SAFETY: same contract, same arguments.
        unsafe { rust_eh_personality(version, actions, exception_class, exception, context) }
    }
}
