//! Files for the standard library's `std::fs` and `std::io::Error` (`frontend/std/fs.ae`).
//!
//! Every fallible function returns 0 on success or the OS error code (`errno`), which the library keeps
//! in its `io::Error` and describes later through `aether_rt_os_error_message`/`_kind`; an error that has
//! no OS code (a path that is not valid UTF-8 cannot reach here: paths are `&str`) is reported as
//! `OTHER_ERROR`. An open file crosses the ABI as its file descriptor (an `int64_t`), owned by the
//! library's `File` until it calls `aether_rt_file_close`. Reads append to an `AetherBuf`, whose layout is
//! the library's `Vec<u8>`/`String`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, IntoRawFd};

use crate::buf::AetherBuf;

/// What the functions return for an error without an OS code (an `io::Error` of kind `Other`).
pub const OTHER_ERROR: i32 = -1;

/// The names of `std::io::ErrorKind`'s variants in the order of the library's `ErrorKind` enum; the last
/// one, `Uncategorized`, also stands for kinds this list does not name.
const KIND_NAMES: &[&str] = &[
    "NotFound",
    "PermissionDenied",
    "ConnectionRefused",
    "ConnectionReset",
    "HostUnreachable",
    "NetworkUnreachable",
    "ConnectionAborted",
    "NotConnected",
    "AddrInUse",
    "AddrNotAvailable",
    "NetworkDown",
    "BrokenPipe",
    "AlreadyExists",
    "WouldBlock",
    "NotADirectory",
    "IsADirectory",
    "DirectoryNotEmpty",
    "ReadOnlyFilesystem",
    "StaleNetworkFileHandle",
    "InvalidInput",
    "InvalidData",
    "TimedOut",
    "WriteZero",
    "StorageFull",
    "NotSeekable",
    "QuotaExceeded",
    "FileTooLarge",
    "ResourceBusy",
    "ExecutableFileBusy",
    "Deadlock",
    "CrossesDevices",
    "TooManyLinks",
    "InvalidFilename",
    "ArgumentListTooLong",
    "Interrupted",
    "Unsupported",
    "UnexpectedEof",
    "OutOfMemory",
    "InProgress",
    "Other",
    "Uncategorized",
];

fn code_of(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(OTHER_ERROR)
}

fn status(r: std::io::Result<()>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => code_of(&e),
    }
}

/// The path argument as a `&str`.
///
/// # Safety
/// `p` must point to `n` readable bytes (NULL allowed when `n == 0`).
unsafe fn path<'a>(p: *const u8, n: usize) -> Result<&'a str, i32> {
    // SAFETY: guaranteed by the caller.
    std::str::from_utf8(unsafe { crate::bytes(p, n) }).map_err(|_| OTHER_ERROR)
}

/// Appends the whole contents of the file at the path (`path`, `path_len` bytes of UTF-8) to `*out`.
///
/// # Safety
/// `path` must point to `path_len` readable bytes; `out` to a valid `AetherBuf`.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fs_read(path: *const u8, path_len: usize, out: *mut AetherBuf) -> i32 {
    // SAFETY: guaranteed by the caller.
    let (p, out) = match unsafe { self::path(path, path_len) } {
        Ok(p) => (p, unsafe { &mut *out }),
        Err(code) => return code,
    };
    match std::fs::read(p) {
        Ok(data) => {
            out.push(&data);
            0
        }
        Err(e) => code_of(&e),
    }
}

/// Creates (or truncates) the file at the path and writes the `len` bytes at `data` to it.
///
/// # Safety
/// `path` must point to `path_len` readable bytes, `data` to `len` (NULL allowed when 0).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fs_write(path: *const u8, path_len: usize, data: *const u8, len: usize) -> i32 {
    // SAFETY: guaranteed by the caller.
    match unsafe { self::path(path, path_len) } {
        Ok(p) => status(std::fs::write(p, unsafe { crate::bytes(data, len) })),
        Err(code) => code,
    }
}

/// Removes the file at the path.
///
/// # Safety
/// `path` must point to `path_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fs_remove_file(path: *const u8, path_len: usize) -> i32 {
    // SAFETY: guaranteed by the caller.
    match unsafe { self::path(path, path_len) } {
        Ok(p) => status(std::fs::remove_file(p)),
        Err(code) => code,
    }
}

/// Creates the directory at the path (its parent must exist).
///
/// # Safety
/// `path` must point to `path_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fs_create_dir(path: *const u8, path_len: usize) -> i32 {
    // SAFETY: guaranteed by the caller.
    match unsafe { self::path(path, path_len) } {
        Ok(p) => status(std::fs::create_dir(p)),
        Err(code) => code,
    }
}

/// Removes the empty directory at the path.
///
/// # Safety
/// `path` must point to `path_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fs_remove_dir(path: *const u8, path_len: usize) -> i32 {
    // SAFETY: guaranteed by the caller.
    match unsafe { self::path(path, path_len) } {
        Ok(p) => status(std::fs::remove_dir(p)),
        Err(code) => code,
    }
}

/// `flags` of `aether_rt_file_open`: the options of Rust's `OpenOptions`.
pub const OPEN_READ: u32 = 1;
pub const OPEN_WRITE: u32 = 2;
pub const OPEN_APPEND: u32 = 4;
pub const OPEN_TRUNCATE: u32 = 8;
pub const OPEN_CREATE: u32 = 16;
pub const OPEN_CREATE_NEW: u32 = 32;

/// Opens the file at the path with the `OPEN_*` options in `flags`; stores its descriptor in `*fd`.
///
/// # Safety
/// `path` must point to `path_len` readable bytes; `fd` must be writable.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_file_open(path: *const u8, path_len: usize, flags: u32, fd: *mut i64) -> i32 {
    // SAFETY: guaranteed by the caller.
    let p = match unsafe { self::path(path, path_len) } {
        Ok(p) => p,
        Err(code) => return code,
    };
    let opened = OpenOptions::new()
        .read(flags & OPEN_READ != 0)
        .write(flags & OPEN_WRITE != 0)
        .append(flags & OPEN_APPEND != 0)
        .truncate(flags & OPEN_TRUNCATE != 0)
        .create(flags & OPEN_CREATE != 0)
        .create_new(flags & OPEN_CREATE_NEW != 0)
        .open(p);
    match opened {
        Ok(f) => {
            // SAFETY: guaranteed by the caller.
            unsafe { *fd = i64::from(f.into_raw_fd()) };
            0
        }
        Err(e) => code_of(&e),
    }
}

/// Runs `f` on the open file `fd` without closing it.
fn with_file<T>(fd: i64, f: impl FnOnce(&mut File) -> T) -> T {
    // SAFETY: the library passes a descriptor it got from `aether_rt_file_open` and has not closed;
    // `ManuallyDrop` leaves it open.
    let mut file = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(fd as i32) });
    f(&mut file)
}

/// Reads at most `cap` bytes from the open file into `p`; stores how many in `*n` (0 at end of file).
/// Retries reads interrupted by a signal.
///
/// # Safety
/// `p` must point to `cap` writable bytes (NULL allowed when 0); `n` must be writable.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_file_read(fd: i64, p: *mut u8, cap: usize, n: *mut usize) -> i32 {
    // SAFETY: guaranteed by the caller.
    let dst: &mut [u8] = if cap == 0 { &mut [] } else { unsafe { std::slice::from_raw_parts_mut(p, cap) } };
    loop {
        match with_file(fd, |f| f.read(dst)) {
            Ok(k) => {
                // SAFETY: guaranteed by the caller.
                unsafe { *n = k };
                return 0;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return code_of(&e),
        }
    }
}

/// Writes all `len` bytes at `p` to the open file.
///
/// # Safety
/// `p` must point to `len` readable bytes (NULL allowed when 0).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_file_write(fd: i64, p: *const u8, len: usize) -> i32 {
    // SAFETY: guaranteed by the caller.
    let data = unsafe { crate::bytes(p, len) };
    status(with_file(fd, |f| f.write_all(data)))
}

/// Closes the open file (errors on close are ignored, as Rust's `File` does on drop).
#[no_mangle]
pub extern "C" fn aether_rt_file_close(fd: i64) {
    // SAFETY: the library closes each descriptor it opened exactly once.
    drop(unsafe { File::from_raw_fd(fd as i32) });
}

/// Appends the description of OS error `code` to `*out`, as Rust's `io::Error` has it ("No such file or
/// directory"), without the " (os error N)" that its `Display` adds.
///
/// # Safety
/// `out` must point to a valid `AetherBuf`.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_os_error_message(code: i32, out: *mut AetherBuf) {
    let text = std::io::Error::from_raw_os_error(code).to_string();
    let suffix = format!(" (os error {code})");
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    // SAFETY: guaranteed by the caller.
    unsafe { &mut *out }.push(message.as_bytes());
}

/// The `ErrorKind` of OS error `code`: its index in the library's `ErrorKind` enum (`KIND_NAMES`).
#[no_mangle]
pub extern "C" fn aether_rt_os_error_kind(code: i32) -> u32 {
    let name = format!("{:?}", std::io::Error::from_raw_os_error(code).kind());
    let i = KIND_NAMES.iter().position(|n| *n == name).unwrap_or(KIND_NAMES.len() - 1);
    i as u32
}

/// Whether the `len` bytes at `p` are valid UTF-8.
///
/// # Safety
/// `p` must point to `len` readable bytes (NULL allowed when 0).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_utf8_valid(p: *const u8, len: usize) -> bool {
    // SAFETY: guaranteed by the caller.
    std::str::from_utf8(unsafe { crate::bytes(p, len) }).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_kinds_and_messages_are_rusts() {
        assert_eq!(KIND_NAMES[aether_rt_os_error_kind(2) as usize], "NotFound");
        assert_eq!(KIND_NAMES[aether_rt_os_error_kind(13) as usize], "PermissionDenied");
        let mut buf = AetherBuf::new();
        unsafe { aether_rt_os_error_message(2, &mut buf) };
        assert_eq!(buf.as_slice(), b"No such file or directory");
        buf.free();
    }

    #[test]
    fn write_read_remove_round_trip() {
        let dir = std::env::temp_dir().join(format!("aether_rt_fs_{}", std::process::id()));
        let p = dir.to_str().unwrap().to_owned();
        unsafe {
            assert_eq!(aether_rt_fs_write(p.as_ptr(), p.len(), b"abc".as_ptr(), 3), 0);
            let mut fd = -1i64;
            assert_eq!(aether_rt_file_open(p.as_ptr(), p.len(), OPEN_WRITE | OPEN_APPEND, &mut fd), 0);
            assert_eq!(aether_rt_file_write(fd, b"de".as_ptr(), 2), 0);
            aether_rt_file_close(fd);
            let mut buf = AetherBuf::new();
            assert_eq!(aether_rt_fs_read(p.as_ptr(), p.len(), &mut buf), 0);
            assert_eq!(buf.as_slice(), b"abcde");
            buf.free();
            assert_eq!(aether_rt_fs_remove_file(p.as_ptr(), p.len()), 0);
            assert_eq!(aether_rt_fs_remove_file(p.as_ptr(), p.len()), 2);
            assert!(aether_rt_utf8_valid("é".as_ptr(), 2));
            assert!(!aether_rt_utf8_valid(b"\xff".as_ptr(), 1));
        }
    }
}
