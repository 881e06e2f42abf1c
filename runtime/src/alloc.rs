//! Heap memory for compiled code: `aether_rt_alloc`, `_alloc_zeroed`, `_realloc`, `_dealloc` and the
//! allocation counter `aether_rt_alloc_count`.
//!
//! Invariants: blocks come from Rust's global allocator with the caller's `(size, align)` layout and must
//! be freed with the same layout. A zero-size request never touches the heap: it returns the non-null,
//! aligned dangling pointer `align` (as an address), and freeing a zero-size block does nothing. Every
//! call that obtains memory from the heap (alloc, alloc_zeroed, and realloc to a non-zero size) adds one
//! to the counter, so a counter that does not move proves that code did not allocate. Failure never
//! returns NULL: an invalid layout or exhausted memory ends the process with a message.

use std::alloc::Layout;
use std::sync::atomic::{AtomicU64, Ordering};

static ALLOC_COUNT: AtomicU64 = AtomicU64::new(0);

/// Blocks obtained and not yet freed (debug builds only, for leak tests: `stats::live_allocs`; release
/// builds spare the frees an atomic operation).
#[cfg(debug_assertions)]
pub(crate) static LIVE_ALLOCS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Adds `delta` to the live-block count of debug builds.
#[inline(always)]
fn live(delta: i64) {
    #[cfg(debug_assertions)]
    LIVE_ALLOCS.fetch_add(delta, Ordering::Relaxed);
    #[cfg(not(debug_assertions))]
    let _ = delta;
}

fn layout(size: usize, align: usize, what: &str) -> Layout {
    match Layout::from_size_align(size, align) {
        Ok(l) => l,
        Err(_) => crate::process::fatal(&format!(
            "{what}: invalid layout (size {size}, align {align}): align must be a power of two and the size \
             rounded up to it at most isize::MAX"
        )),
    }
}

fn dangling(align: usize) -> *mut u8 {
    std::ptr::without_provenance_mut(align)
}

fn checked(p: *mut u8, l: Layout) -> *mut u8 {
    if p.is_null() {
        crate::io::flush_stdout();
        // Prints "memory allocation of N bytes failed" and aborts, as Rust does.
        std::alloc::handle_alloc_error(l);
    }
    ALLOC_COUNT.fetch_add(1, Ordering::Relaxed);
    p
}

/// Allocates `size` bytes aligned to `align` (a power of two). Never returns NULL.
#[no_mangle]
pub extern "C" fn aether_rt_alloc(size: usize, align: usize) -> *mut u8 {
    let l = layout(size, align, "aether_rt_alloc");
    if size == 0 {
        return dangling(align);
    }
    live(1);
    // SAFETY: the layout has a non-zero size.
    checked(unsafe { std::alloc::alloc(l) }, l)
}

/// Like [`aether_rt_alloc`], with the block filled with zero bytes.
#[no_mangle]
pub extern "C" fn aether_rt_alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    let l = layout(size, align, "aether_rt_alloc_zeroed");
    if size == 0 {
        return dangling(align);
    }
    live(1);
    // SAFETY: the layout has a non-zero size.
    checked(unsafe { std::alloc::alloc_zeroed(l) }, l)
}

/// Resizes the block `p` of `old_size` bytes (alignment `align`) to `new_size` bytes, keeping the common
/// prefix; returns the possibly moved block. `old_size == 0` allocates, `new_size == 0` frees.
///
/// # Safety
/// `p` must come from these functions with exactly `(old_size, align)`.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_realloc(p: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if old_size == 0 {
        return aether_rt_alloc(new_size, align);
    }
    let old = layout(old_size, align, "aether_rt_realloc");
    if new_size == 0 {
        live(-1);
        // SAFETY: guaranteed by the caller.
        unsafe { std::alloc::dealloc(p, old) };
        return dangling(align);
    }
    let new = layout(new_size, align, "aether_rt_realloc");
    // SAFETY: guaranteed by the caller; `new` was validated as a layout with this alignment.
    checked(unsafe { std::alloc::realloc(p, old, new.size()) }, new)
}

/// Frees the block `p` of `size` bytes with alignment `align`; a zero size does nothing.
///
/// # Safety
/// `p` must come from these functions with exactly `(size, align)` and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_dealloc(p: *mut u8, size: usize, align: usize) {
    if size == 0 {
        return;
    }
    let l = layout(size, align, "aether_rt_dealloc");
    live(-1);
    // SAFETY: guaranteed by the caller.
    unsafe { std::alloc::dealloc(p, l) }
}

/// How many heap allocations these functions have made since the process started (relaxed atomic).
#[no_mangle]
pub extern "C" fn aether_rt_alloc_count() -> u64 {
    ALLOC_COUNT.load(Ordering::Relaxed)
}
