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
//!
//! The async half: [`task`] (tasks and join handles), [`waker`] (wakers, contexts, `block_on`'s parker),
//! `sched` (the work-stealing workers and their shutdown), `registry` (the pending tasks, which the
//! shutdown cancels), `blocking` (the spawn_blocking pool), [`timer`] (clock, timing wheel), [`chan`]
//! (channels) and [`exec`] (block_on and `async fn main`). The design and the layouts the compiler emits
//! are described in `runtime-c/aether_rt.h`.

pub mod alloc;
mod blocking;
pub mod buf;
pub mod chan;
pub mod exec;
pub mod fmt;
pub mod fs;
pub mod io;
pub mod panic;
pub mod process;
mod registry;
mod sched;
pub mod task;
pub mod test_harness;
pub mod timer;
pub mod waker;

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

/// Statistics for tests and benchmarks (not part of the C ABI).
pub mod stats {
    /// The number of worker threads (starts the runtime).
    pub fn workers() -> usize {
        crate::sched::worker_count()
    }

    /// The number of blocking-pool threads alive now.
    pub fn blocking_threads() -> usize {
        crate::blocking::thread_count()
    }

    /// Tasks allocated and not yet freed; None in release builds, which do not count them.
    pub fn live_tasks() -> Option<usize> {
        #[cfg(debug_assertions)]
        return Some(crate::task::LIVE_TASKS.load(std::sync::atomic::Ordering::Relaxed));
        #[cfg(not(debug_assertions))]
        None
    }

    /// Tasks that a poll has left pending and that have not completed (the registry's length).
    pub fn registered_tasks() -> usize {
        crate::registry::len()
    }

    /// Blocks allocated through `aether_rt_alloc`/`_alloc_zeroed`/`_realloc` and not yet freed (tasks,
    /// buffers, what compiled code allocates); None in release builds, which do not count them.
    pub fn live_allocs() -> Option<i64> {
        #[cfg(debug_assertions)]
        return Some(crate::alloc::LIVE_ALLOCS.load(std::sync::atomic::Ordering::Relaxed));
        #[cfg(not(debug_assertions))]
        None
    }

    /// The number of timer entries linked in the wheel now.
    pub fn timer_entries() -> usize {
        crate::timer::linked_entries()
    }
}
