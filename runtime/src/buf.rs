//! `AetherBuf`: the growable byte buffer that formatting writes into (what `format!` and `write!` to a
//! `String` produce), and `aether_rt_buf_write`/`aether_rt_buf_reserve`.
//!
//! Invariants: `len <= cap`; when `cap > 0`, `ptr` is a block of `cap` bytes with alignment 1 obtained from
//! `aether_rt_alloc`/`aether_rt_realloc` (so compiled code frees it with `aether_rt_dealloc(ptr, cap, 1)`);
//! when `cap == 0`, `ptr` is never read and may be NULL. Growth at least doubles the capacity, so appending
//! is amortized O(1).

/// A growable byte buffer: `{ uint8_t *ptr; size_t len; size_t cap; }` in C.
#[repr(C)]
#[derive(Debug)]
pub struct AetherBuf {
    /// Start of the block (unused while `cap == 0`).
    pub ptr: *mut u8,
    /// Bytes in use.
    pub len: usize,
    /// Bytes allocated.
    pub cap: usize,
}

impl AetherBuf {
    /// An empty buffer that owns no memory.
    pub const fn new() -> Self {
        AetherBuf { ptr: std::ptr::null_mut(), len: 0, cap: 0 }
    }

    /// Makes room for `additional` more bytes.
    pub fn reserve(&mut self, additional: usize) {
        let Some(needed) = self.len.checked_add(additional) else {
            crate::process::fatal("aether_rt_buf_reserve: capacity overflow");
        };
        if needed <= self.cap {
            return;
        }
        let new_cap = needed.max(self.cap.saturating_mul(2)).max(16);
        if new_cap > isize::MAX as usize {
            crate::process::fatal("aether_rt_buf_reserve: capacity overflow");
        }
        // SAFETY: by the type's invariant `ptr` is a block of `cap` bytes with alignment 1 (or cap is 0).
        self.ptr = unsafe { crate::alloc::aether_rt_realloc(self.ptr, self.cap, 1, new_cap) };
        self.cap = new_cap;
    }

    /// Appends `data`.
    pub fn push(&mut self, data: &[u8]) {
        self.reserve(data.len());
        // SAFETY: `reserve` made `len + data.len() <= cap`; the regions cannot overlap because `data`
        // is borrowed while `self` is borrowed mutably.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), self.ptr.add(self.len), data.len()) };
        self.len += data.len();
    }

    /// The bytes in use.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: by the type's invariant the first `len` bytes are initialized.
        unsafe { crate::bytes(self.ptr, self.len) }
    }

    /// Frees the block and leaves the buffer empty.
    pub fn free(&mut self) {
        // SAFETY: by the type's invariant.
        unsafe { crate::alloc::aether_rt_dealloc(self.ptr, self.cap, 1) };
        *self = AetherBuf::new();
    }
}

impl Default for AetherBuf {
    fn default() -> Self {
        AetherBuf::new()
    }
}

impl std::fmt::Write for AetherBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Appends the `n` bytes at `p` to `*buf`, growing it as needed.
///
/// # Safety
/// `buf` must point to a valid `AetherBuf`; `p` to `n` readable bytes (NULL allowed when `n == 0`) that do
/// not lie inside the buffer's own block (growing it may move the block).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_buf_write(buf: *mut AetherBuf, p: *const u8, n: usize) {
    // SAFETY: guaranteed by the caller.
    let (buf, data) = unsafe { (&mut *buf, crate::bytes(p, n)) };
    buf.push(data);
}

/// Makes room in `*buf` for `additional` more bytes without changing its contents.
///
/// # Safety
/// `buf` must point to a valid `AetherBuf`.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_buf_reserve(buf: *mut AetherBuf, additional: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { &mut *buf }.reserve(additional);
}
