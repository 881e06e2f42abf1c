//! The AetherLang runtime: the C ABI that programs compiled by `aetherc` link against.
//!
//! Built as a staticlib (linked into every compiled program) and an rlib (for tests). Every exported
//! symbol is `#[no_mangle]`, named `aether_rt_*`, and declared with a comment in `runtime-c/aether_rt.h`,
//! which is the single description of this ABI; a test checks the two agree symbol for symbol.
//!
//! Invariants shared by all modules:
//! - AetherLang panics are Rust panics raised with `std::panic::resume_unwind` carrying a
//!   [`panic::AetherPanic`] payload; the runtime prints the message itself (the hook is skipped).
//! - Compiled code unwinds through its own frames with `invoke`/`landingpad` whose personality is
//!   `aether_rt_eh_personality` (see [`panic`]); nothing else about unwinding is visible to it.
//! - Functions that can unwind into compiled code are `extern "C-unwind"`; all others are `extern "C"`.
//! - Byte strings cross the ABI as `(pointer, length)` pairs; a length of 0 allows a NULL pointer.

pub mod alloc;
pub mod buf;
pub mod fmt;
pub mod io;
pub mod panic;
pub mod process;

/// Views a `(pointer, length)` pair from the ABI as a byte slice; a zero length allows NULL.
///
/// # Safety
/// When `len > 0`, `ptr` must point to `len` readable bytes that stay valid for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}
