//! Standard streams: a buffered stdout, an unbuffered stderr, and the output destinations ("streams") that
//! printing and formatting functions write to.
//!
//! Invariants: stdout bytes go through one process-wide buffer behind a lock, so output from several
//! threads never tears inside a single call. The lock is a test-and-set flag released with a plain store
//! (one atomic operation per call instead of a mutex's two, which dominated printing small pieces); a
//! waiter spins briefly, then yields its core, since the holder may be blocked in write(2). The buffer is block-buffered (64 KiB) when stdout is not a
//! terminal and line-buffered when it is (decided on first use). It is flushed when full, at a newline in
//! line mode, by `aether_rt_stdout_flush`, when `aether_rt_start` returns, by `aether_rt_exit`, and before
//! any byte goes to stderr (stderr writes happen while holding the stdout lock, so the interleaving seen on
//! a shared terminal or file is the program order). Write errors on either stream are ignored, as C's stdio
//! does (a closed pipe still raises SIGPIPE, which ends the process by default).
//!
//! Stream numbers used across the ABI: 0 = the caller's `AetherBuf`, 1 = stdout, 2 = stderr.

use std::cell::UnsafeCell;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::buf::AetherBuf;

/// Capacity of the stdout buffer when stdout is not a terminal.
pub const BLOCK_CAPACITY: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Unknown,
    Line,
    Block,
}

struct Stdout {
    buf: Vec<u8>,
    mode: Mode,
}

/// The stdout buffer behind a lock whose uncontended release is a plain store (a `Mutex` costs a second
/// atomic read-modify-write per call, which dominated printing small pieces).
struct StdoutCell {
    locked: AtomicBool,
    stdout: UnsafeCell<Stdout>,
}

// SAFETY: `stdout` is only reached through a `StdoutGuard`, which `locked` makes exclusive.
unsafe impl Sync for StdoutCell {}

static STDOUT: StdoutCell = StdoutCell {
    locked: AtomicBool::new(false),
    stdout: UnsafeCell::new(Stdout { buf: Vec::new(), mode: Mode::Unknown }),
};

struct StdoutGuard(&'static StdoutCell);

impl std::ops::Deref for StdoutGuard {
    type Target = Stdout;
    fn deref(&self) -> &Stdout {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.0.stdout.get() }
    }
}

impl std::ops::DerefMut for StdoutGuard {
    fn deref_mut(&mut self) -> &mut Stdout {
        // SAFETY: the guard holds the lock.
        unsafe { &mut *self.0.stdout.get() }
    }
}

impl Drop for StdoutGuard {
    fn drop(&mut self) {
        self.0.locked.store(false, Ordering::Release);
    }
}

fn lock_stdout() -> StdoutGuard {
    let cell = &STDOUT;
    let mut spins = 0u32;
    while cell.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        // The holder may be blocked in write(2): spin briefly, then give the core away.
        if spins < 64 {
            spins += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
    StdoutGuard(cell)
}

/// Writes all of `data` to file descriptor `fd` (1 or 2), bypassing std's own stdout buffering.
fn write_fd(fd: i32, data: &[u8]) {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::fd::FromRawFd;
        // SAFETY: fd 1 and 2 are the standard streams; ManuallyDrop keeps the File from closing them.
        let mut f = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
        let _ = f.write_all(data);
    }
    #[cfg(not(unix))]
    {
        use std::io::Write;
        let _ = if fd == 1 {
            let mut s = std::io::stdout().lock();
            s.write_all(data).and_then(|_| s.flush())
        } else {
            std::io::stderr().write_all(data)
        };
    }
}

impl Stdout {
    fn init(&mut self) {
        if self.mode == Mode::Unknown {
            use std::io::IsTerminal;
            self.mode = if std::io::stdout().is_terminal() { Mode::Line } else { Mode::Block };
            self.buf.reserve_exact(BLOCK_CAPACITY);
        }
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            write_fd(1, &self.buf);
            self.buf.clear();
        }
    }

    /// Applies the buffering policy after bytes were appended from index `start` on.
    fn appended(&mut self, start: usize) {
        let flush = match self.mode {
            Mode::Line => self.buf[start..].contains(&b'\n') || self.buf.len() >= BLOCK_CAPACITY,
            _ => self.buf.len() >= BLOCK_CAPACITY,
        };
        if flush {
            self.flush();
        }
    }

    fn write(&mut self, data: &[u8]) {
        self.init();
        if self.buf.len() + data.len() > BLOCK_CAPACITY {
            self.flush();
            if data.len() >= BLOCK_CAPACITY {
                write_fd(1, data);
                return;
            }
        }
        let start = self.buf.len();
        self.buf.extend_from_slice(data);
        self.appended(start);
    }
}

/// Writes everything buffered for stdout.
pub fn flush_stdout() {
    lock_stdout().flush();
}

/// Appends to stdout through `f`, which gets the buffer to extend, then applies the buffering policy.
pub(crate) fn with_stdout<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut out = lock_stdout();
    out.init();
    let start = out.buf.len();
    let r = f(&mut out.buf);
    out.appended(start);
    r
}

/// Writes `data` to stderr, unbuffered, after flushing stdout.
pub fn stderr_write(data: &[u8]) {
    let mut out = lock_stdout();
    out.flush();
    write_fd(2, data);
}

/// A `fmt::Write` that appends to a byte vector.
pub(crate) struct VecWriter<'a>(pub &'a mut Vec<u8>);

impl fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Runs `f` with a writer for the destination `(stream, buf)`: 0 = `*buf`, 1 = stdout, 2 = stderr (whatever
/// `f` writes reaches stderr in one write).
///
/// # Safety
/// When `stream == 0`, `buf` must point to a valid `AetherBuf`.
pub(crate) unsafe fn with_dest<R>(stream: u32, buf: *mut AetherBuf, f: impl FnOnce(&mut dyn fmt::Write) -> R) -> R {
    match stream {
        0 => {
            if buf.is_null() {
                crate::process::fatal("aether runtime: stream 0 (buffer) given a NULL AetherBuf");
            }
            // SAFETY: guaranteed by the caller.
            f(unsafe { &mut *buf })
        }
        1 => with_stdout(|v| f(&mut VecWriter(v))),
        2 => {
            let mut s = String::new();
            let r = f(&mut s);
            stderr_write(s.as_bytes());
            r
        }
        _ => bad_stream(stream),
    }
}

fn bad_stream(stream: u32) -> ! {
    crate::process::fatal(&format!(
        "aether runtime: invalid output stream {stream} (0 = buffer, 1 = stdout, 2 = stderr)"
    ))
}

/// Writes raw bytes to the destination `(stream, buf)`.
///
/// # Safety
/// As [`with_dest`]; `data` is any byte slice.
pub(crate) unsafe fn write_dest(stream: u32, buf: *mut AetherBuf, data: &[u8]) {
    match stream {
        0 => {
            if buf.is_null() {
                crate::process::fatal("aether runtime: stream 0 (buffer) given a NULL AetherBuf");
            }
            // SAFETY: guaranteed by the caller.
            unsafe { &mut *buf }.push(data)
        }
        1 => lock_stdout().write(data),
        2 => stderr_write(data),
        _ => bad_stream(stream),
    }
}

/// Writes the `n` bytes at `p` to stdout (buffered).
///
/// # Safety
/// `p` must point to `n` readable bytes (NULL allowed when `n == 0`).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_stdout_write(p: *const u8, n: usize) {
    // SAFETY: guaranteed by the caller.
    lock_stdout().write(unsafe { crate::bytes(p, n) });
}

/// Writes the `n` bytes at `p` to stderr (unbuffered; stdout is flushed first).
///
/// # Safety
/// `p` must point to `n` readable bytes (NULL allowed when `n == 0`).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_stderr_write(p: *const u8, n: usize) {
    // SAFETY: guaranteed by the caller.
    stderr_write(unsafe { crate::bytes(p, n) });
}

/// Writes everything buffered for stdout now.
#[no_mangle]
pub extern "C" fn aether_rt_stdout_flush() {
    flush_stdout();
}

/// Writes the `n` bytes at `p` to the destination `(stream, buf)` (0 = `*buf`, 1 = stdout, 2 = stderr): the
/// literal pieces of `format!`/`print!`/`write!`.
///
/// # Safety
/// `p` must point to `n` readable bytes (NULL allowed when `n == 0`), not inside `*buf`'s block; when
/// `stream == 0`, `buf` must point to a valid `AetherBuf`.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_write(stream: u32, buf: *mut AetherBuf, p: *const u8, n: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { write_dest(stream, buf, crate::bytes(p, n)) }
}
