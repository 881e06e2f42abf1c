//! The process: `aether_rt_start` (what the generated C `main` calls), `aether_rt_exit`, `aether_rt_abort`
//! and the command-line arguments (`aether_rt_argc`, `aether_rt_argv`).
//!
//! Invariants: the arguments are copied once, by the first `aether_rt_start` (or `aether_rt_main_async`,
//! which shares `init`), and never change afterwards (before it there are none). The thread that called
//! it is the thread named `main` in panic messages, and so is any worker while it polls the task of
//! `async fn main`. Every way out of the process through the runtime flushes stdout first, except `abort` paths
//! after a message, which flush before writing the message.

use std::ffi::{c_char, CStr};
use std::sync::OnceLock;
use std::thread::ThreadId;

static ARGS: OnceLock<Vec<Box<[u8]>>> = OnceLock::new();
static MAIN_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// The exit status of a process whose `main` panicked, as in Rust.
pub const PANIC_EXIT_CODE: i32 = 101;

/// The name panic messages use for the current thread: `main` for the thread that called
/// `aether_rt_start`, else the thread's name, else `<unnamed>` (Rust's word).
pub fn thread_name() -> String {
    let cur = std::thread::current();
    if crate::task::in_main_task() || MAIN_THREAD.get() == Some(&cur.id()) {
        return "main".to_owned();
    }
    cur.name().unwrap_or("<unnamed>").to_owned()
}

/// The command-line arguments recorded by `init` (none before it).
pub(crate) fn args() -> &'static [Box<[u8]>] {
    ARGS.get().map_or(&[], Vec::as_slice)
}

/// Ends the process after an internal error (a broken ABI contract, a runtime bug): flushes stdout,
/// prints `aether runtime error: MSG` to stderr and aborts.
pub fn fatal(msg: &str) -> ! {
    crate::io::stderr_write(format!("aether runtime error: {msg}\n").as_bytes());
    std::process::abort()
}

/// Records the arguments and the main thread and installs the panic hook (first call only for the
/// arguments).
///
/// # Safety
/// `argv` must hold `argc` valid NUL-terminated strings (it may be NULL when `argc <= 0`).
pub(crate) unsafe fn init(argc: i32, argv: *const *const c_char) {
    let _ = MAIN_THREAD.set(std::thread::current().id());
    let args = (0..argc.max(0) as usize)
        .map(|i| {
            // SAFETY: guaranteed by the caller.
            let p = unsafe { *argv.add(i) };
            if p.is_null() {
                Box::default()
            } else {
                // SAFETY: guaranteed by the caller.
                Box::from(unsafe { CStr::from_ptr(p) }.to_bytes())
            }
        })
        .collect();
    let _ = ARGS.set(args);
    crate::panic::install_hook();
}

/// Runs the program: records `argc`/`argv`, calls `user_main`, catches an AetherLang panic escaping it,
/// flushes stdout and returns the exit status for C `main` to return (0 normally, 101 after a panic).
///
/// # Safety
/// `argv` must hold `argc` valid NUL-terminated strings (it may be NULL when `argc <= 0`); `user_main` must
/// be a function of compiled code (it may unwind with an AetherLang panic).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_start(
    argc: i32,
    argv: *const *const c_char,
    user_main: extern "C-unwind" fn(),
) -> i32 {
    // SAFETY: guaranteed by the caller.
    unsafe { init(argc, argv) };
    let status = match std::panic::catch_unwind(|| user_main()) {
        Ok(()) => 0,
        Err(payload) => {
            drop(payload);
            PANIC_EXIT_CODE
        }
    };
    crate::io::flush_stdout();
    status
}

/// Flushes stdout and ends the process with status `code`, running no further AetherLang code.
#[no_mangle]
pub extern "C" fn aether_rt_exit(code: i32) -> ! {
    crate::io::flush_stdout();
    std::process::exit(code)
}

/// Flushes stdout, writes the `len` bytes at `msg` and a newline to stderr, and aborts the process
/// (SIGABRT).
///
/// # Safety
/// `msg` must point to `len` readable bytes (NULL allowed when `len == 0`).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_abort(msg: *const u8, len: usize) -> ! {
    // SAFETY: guaranteed by the caller.
    let msg = unsafe { crate::bytes(msg, len) };
    let mut line = Vec::with_capacity(msg.len() + 1);
    line.extend_from_slice(msg);
    line.push(b'\n');
    crate::io::stderr_write(&line);
    std::process::abort()
}

/// The number of command-line arguments, the program name included (0 before `aether_rt_start`).
#[no_mangle]
pub extern "C" fn aether_rt_argc() -> usize {
    ARGS.get().map_or(0, Vec::len)
}

/// Argument `i` as bytes (no terminating NUL), its length stored in `*len` when `len` is not NULL; NULL
/// with length 0 when `i >= aether_rt_argc()`. The bytes live as long as the process.
///
/// # Safety
/// `len` must be NULL or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_argv(i: usize, len: *mut usize) -> *const u8 {
    let arg = ARGS.get().and_then(|a| a.get(i));
    let (p, n) = match arg {
        Some(a) => (a.as_ptr(), a.len()),
        None => (std::ptr::null(), 0),
    };
    if !len.is_null() {
        // SAFETY: guaranteed by the caller.
        unsafe { *len = n };
    }
    p
}
