//! Entry points that run futures from synchronous code: `aether_rt_block_on` (a future on the calling
//! thread), `aether_rt_block_in_place` (the same on a worker, for async `defer!` bodies) and `aether_rt_main_async` (the whole program for `async fn main`).
//!
//! `async fn main` runs as a task on the workers, not on the calling thread: when main's future and the
//! tasks it talks to share the workers, a wake-up is a push to a worker's LIFO slot rather than a
//! cross-thread unpark (design/async.md: Tokio's main-on-its-own-thread costs 20x on ping-pong). The
//! calling thread only waits for that task. Its panics still print as thread 'main', as in Rust.
//!
//! Invariants: both park the calling thread with its cached parker (no allocation after the first call
//! on a thread); a poll that unwinds leaves block_on unwinding (the frame's cleanups already ran).

use std::ffi::c_char;

use crate::task::{self, AetherFutureVTable, JOIN_OK, POLL_PENDING};
use crate::waker::{thread_parker, AetherContext};

/// Polls the future `frame` of type `vt` on the calling thread until it is ready, parking between polls;
/// the output is written to `out`. UNWINDS (a panic of the future). Spawned tasks run on the workers
/// meanwhile (started on demand). Called on a worker thread (from inside a task) it panics instead.
///
/// # Safety
/// `vt` must be a valid vtable, `frame` a frame of that type that stays in place, `out` writable for the
/// output.
#[no_mangle]
pub unsafe extern "C-unwind" fn aether_rt_block_on(vt: *const AetherFutureVTable, frame: *mut u8, out: *mut u8) {
    if crate::sched::on_worker() {
        // Parking a worker could deadlock: the future may need this very worker (its LIFO slot, or the
        // only worker). Tokio refuses the same way.
        panic!("block_on called inside an async task: it would block a worker thread (use .await instead)");
    }
    // SAFETY: guaranteed by the caller.
    unsafe { poll_parked(vt, frame, out, || {}) }
}

/// Polls `frame` with the calling thread's parker as waker until it is ready; `before_parking` runs
/// once, before the first park (not at all when the first poll finishes the future).
///
/// # Safety
/// As aether_rt_block_on.
unsafe fn poll_parked<G>(
    vt: *const AetherFutureVTable,
    frame: *mut u8,
    out: *mut u8,
    before_parking: impl FnOnce() -> G,
) {
    let (parker, waker) = thread_parker();
    let mut cx = AetherContext { waker };
    // SAFETY: guaranteed by the caller.
    let poll = unsafe { (*vt).poll };
    // SAFETY: guaranteed by the caller.
    if unsafe { poll(frame, &mut cx, out) } {
        return;
    }
    // Kept until the future is done (a guard's drop, also while unwinding).
    let _guard = before_parking();
    loop {
        parker.park();
        // SAFETY: guaranteed by the caller.
        if unsafe { poll(frame, &mut cx, out) } {
            return;
        }
    }
}

/// Like `aether_rt_block_on`, but allowed on a worker thread: what an async `defer!` body runs
/// through when its scope is left by unwinding or by cancellation, where nothing can suspend. The first
/// poll runs as is; if the future is pending, the worker hands the tasks queued on it to the others
/// (`sched::BlockInPlace`) and parks until the future is done. Timers, I/O and other workers keep
/// running; a future that needs another task to make progress deadlocks with `AETHER_WORKERS=1`.
/// UNWINDS.
///
/// # Safety
/// As aether_rt_block_on.
#[no_mangle]
pub unsafe extern "C-unwind" fn aether_rt_block_in_place(vt: *const AetherFutureVTable, frame: *mut u8, out: *mut u8) {
    // SAFETY: guaranteed by the caller.
    unsafe { poll_parked(vt, frame, out, crate::sched::BlockInPlace::enter) }
}

/// Runs `async fn main`: records the arguments like aether_rt_start (argv, main thread, panic hook),
/// starts the workers, moves the unpolled frame at `frame` (of type `vt`) into a task, runs it on the
/// workers and waits for it. Returns the exit status: 0 when main's future finished (its output moved to
/// `out`), 101 when it panicked. Before returning it shuts the runtime down (`sched::shutdown`: stops the
/// workers, then cancels every task still pending, dropping each frame exactly once and freeing the
/// tasks) and flushes stdout.
///
/// # Safety
/// As aether_rt_start for `argc`/`argv`; `vt` valid, `frame` an unpolled frame of that type (it is
/// moved: the caller must not use or drop it afterwards), `out` writable for the output.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_main_async(
    argc: i32,
    argv: *const *const c_char,
    vt: *const AetherFutureVTable,
    frame: *const u8,
    out: *mut u8,
) -> i32 {
    // SAFETY: guaranteed by the caller.
    unsafe { crate::process::init(argc, argv) };
    crate::sched::runtime();
    // SAFETY: guaranteed by the caller: a valid vtable and an unpolled frame, which may still move.
    let handle = unsafe {
        let t = task::aether_rt_task_new(vt);
        std::ptr::copy_nonoverlapping(frame, task::aether_rt_task_frame(t), (*vt).frame_size);
        task::spawn_main(t)
    };
    let (parker, waker) = thread_parker();
    let mut cx = AetherContext { waker };
    let status = loop {
        // SAFETY: a live handle; `out` is the caller's.
        match unsafe { task::aether_rt_join_poll(handle, &mut cx, out) } {
            POLL_PENDING => parker.park(),
            s => break s,
        }
    };
    // SAFETY: the handle is live; its result was taken, so dropping it drops nothing.
    unsafe { task::aether_rt_join_drop(handle) };
    drop(cx);
    crate::io::flush_stdout();
    crate::sched::shutdown();
    // Drops run by the shutdown may have printed.
    crate::io::flush_stdout();
    if status == JOIN_OK {
        0
    } else {
        crate::process::PANIC_EXIT_CODE
    }
}
