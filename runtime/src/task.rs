//! Tasks and join handles: `aether_rt_task_*` and `aether_rt_join_*`, the task state machine, and the
//! waker of a task.
//!
//! A task is ONE allocation `[header (32 bytes) | frame | output slot]`, the frame and slot placed after
//! the header at the alignments the future's vtable gives. The header is an atomic state word, the
//! vtable pointer and the join waker (the waker of whoever awaits the handle). The state word holds the
//! lifecycle flags, the outcome, the priority, the task's place in the registry of idle tasks
//! ([`crate::registry`]: shard in bits 13-15, slot code in bits 44-63) and, in bits 16-43, the reference
//! count, so every transition is one atomic operation.
//!
//! References: the join handle holds one (while it lives), a task that is queued or running holds one
//! (the "notified" reference, owned by the queue and then by the worker that polls it), every task waker
//! holds one. The block is freed when the count reaches zero after completion. A task whose count reaches
//! zero before completion can never be polled again (no waker, no handle): it is scheduled once more to be
//! cancelled on a worker (its frame dropped there, not on whatever thread dropped the last waker).
//!
//! Invariants:
//! - Only the holder of RUNNING touches the frame (poll, drop_frame); RUNNING is taken from NOTIFIED.
//! - COMPLETE is set after the frame is finished (poll returned ready, unwound, or was dropped), so a
//!   handle resolves only after the future has been dropped. The output slot is written before COMPLETE
//!   (release) and read after seeing it (acquire).
//! - The join waker slot belongs to the handle while JOIN_WAKER is clear and COMPLETE is not set; while
//!   JOIN_WAKER is set the handle may only take it back by clearing the bit with a CAS that fails once
//!   COMPLETE is set. After COMPLETE the slot is frozen until the block is freed (which drops it).
//! - Output ownership after COMPLETE: the handle's (join_poll copies it out and sets CONSUMED; join_drop
//!   drops it unless CONSUMED); if the handle was already gone, the completing worker drops it.
//! - A task enters the registry the first time a poll leaves it pending (before it becomes idle, while
//!   its poller holds RUNNING: once idle, anyone may wake it) and leaves it just before COMPLETE is set.
//!   Every pending task is therefore registered, queued or running; when `async fn main` returns, the
//!   shutdown cancels the registered ones through it ([`cancel_registered`]) and the queued ones from the
//!   queues.

use std::cell::{Cell, UnsafeCell};
use std::mem::{align_of, size_of, ManuallyDrop};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::registry;
use crate::sched;
use crate::waker::{AetherContext, AetherWaker, AetherWakerVTable};

/// The per-future-type table the compiler emits (static). Layout (56 bytes): poll at 0, drop_frame at 8,
/// drop_output at 16, frame_size at 24, frame_align at 32, output_size at 40, output_align at 48.
#[repr(C)]
pub struct AetherFutureVTable {
    /// Polls the frame; when ready writes the output to `out` and returns true. May unwind.
    pub poll: unsafe extern "C-unwind" fn(frame: *mut u8, cx: *mut AetherContext, out: *mut u8) -> bool,
    /// Drops what the frame holds in its current (suspended or unresumed) state; NULL when nothing.
    pub drop_frame: Option<unsafe extern "C-unwind" fn(frame: *mut u8)>,
    /// Drops an output value; NULL when the output needs no drop.
    pub drop_output: Option<unsafe extern "C-unwind" fn(out: *mut u8)>,
    pub frame_size: usize,
    pub frame_align: usize,
    pub output_size: usize,
    pub output_align: usize,
}

/// `aether_rt_join_poll` results (also the `AETHER_POLL_PENDING` of every poll-style call).
pub const POLL_PENDING: u32 = 0;
/// The task finished; its output was moved to `out`.
pub const JOIN_OK: u32 = 1;
/// The task panicked (JoinError, is_panic).
pub const JOIN_PANICKED: u32 = 2;
/// The task was aborted before finishing (JoinError, is_cancelled).
pub const JOIN_CANCELLED: u32 = 3;

/// Priorities of `aether_rt_task_spawn_priority`.
pub const PRIORITY_NORMAL: u32 = 0;
pub const PRIORITY_HIGH: u32 = 1;
pub const PRIORITY_LOW: u32 = 2;

// State word bits.
pub(crate) const RUNNING: u64 = 1 << 0;
pub(crate) const NOTIFIED: u64 = 1 << 1;
pub(crate) const COMPLETE: u64 = 1 << 2;
pub(crate) const CANCELLED: u64 = 1 << 3;
const JOIN_INTEREST: u64 = 1 << 4;
const JOIN_WAKER: u64 = 1 << 5;
const CONSUMED: u64 = 1 << 6;
const IS_MAIN: u64 = 1 << 7;
const OUTCOME_SHIFT: u32 = 8;
const OUTCOME_MASK: u64 = 3 << OUTCOME_SHIFT;
const OUTCOME_OK: u64 = 1;
const OUTCOME_PANICKED: u64 = 2;
const OUTCOME_CANCELLED: u64 = 3;
const PRIORITY_SHIFT: u32 = 10;
const PRIORITY_MASK: u64 = 3 << PRIORITY_SHIFT;
pub(crate) const BLOCKING: u64 = 1 << 12;
/// The task's registry shard (meaningful once the slot code is not UNREGISTERED; constant afterwards).
const SHARD_SHIFT: u32 = 13;
const SHARD_MASK: u64 = 7 << SHARD_SHIFT;
const _: () = assert!(registry::SHARDS as u64 == (SHARD_MASK >> SHARD_SHIFT) + 1);
/// The reference count: 28 bits, bounded (with a wide margin against concurrent increments) by REF_LIMIT.
const REF_SHIFT: u32 = 16;
const REF_BITS: u32 = 28;
const REF_ONE: u64 = 1 << REF_SHIFT;
const REF_LIMIT: u64 = 1 << (REF_BITS - 1);
/// The registry slot code (`registry::UNREGISTERED` until the first pending poll; constant afterwards).
const SLOT_SHIFT: u32 = REF_SHIFT + REF_BITS;
const _: () = assert!(SLOT_SHIFT + registry::SLOT_BITS == 64);

/// The reference count of state word `s`.
#[inline]
fn refs(s: u64) -> u64 {
    (s >> REF_SHIFT) & ((1 << REF_BITS) - 1)
}

/// The task header (the C type `AetherTask` is opaque): state at 0, vtable at 8, join waker at 16.
#[repr(C)]
pub struct AetherTask {
    state: AtomicU64,
    vtable: *const AetherFutureVTable,
    join_waker: UnsafeCell<AetherWaker>,
}

/// Size of the header; the frame starts at this offset rounded up to the frame's alignment.
pub const HEADER_SIZE: usize = size_of::<AetherTask>();
const _: () = assert!(HEADER_SIZE == 32 || size_of::<usize>() != 8);

/// Where the frame and output slot of a task of one future type are, and the block's layout.
struct Shape {
    frame: usize,
    out: usize,
    size: usize,
    align: usize,
}

fn round_up(n: usize, align: usize) -> usize {
    (n + align - 1) & !(align - 1)
}

fn shape(vt: &AetherFutureVTable) -> Shape {
    let align = vt.frame_align.max(vt.output_align).max(align_of::<AetherTask>());
    let frame = round_up(HEADER_SIZE, vt.frame_align);
    let out = round_up(frame + vt.frame_size, vt.output_align);
    Shape { frame, out, size: round_up(out + vt.output_size, align), align }
}

/// A pointer to a live task; copying it does not take a reference (the code moving it says whose it is).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct TaskRef(NonNull<AetherTask>);

// SAFETY: the task's shared parts are atomics, and the frame is only touched by the RUNNING holder.
unsafe impl Send for TaskRef {}
unsafe impl Sync for TaskRef {}

impl TaskRef {
    /// # Safety
    /// `p` must be a live task.
    pub(crate) unsafe fn from_ptr(p: *mut AetherTask) -> TaskRef {
        match NonNull::new(p) {
            Some(p) => TaskRef(p),
            None => crate::process::fatal("NULL task or join handle"),
        }
    }

    pub(crate) fn as_ptr(self) -> *mut AetherTask {
        self.0.as_ptr()
    }

    fn state(&self) -> &AtomicU64 {
        // SAFETY: a TaskRef points to a live task.
        unsafe { &self.0.as_ref().state }
    }

    fn vtable(&self) -> &AetherFutureVTable {
        // SAFETY: a live task has a valid vtable (checked by aether_rt_task_new).
        unsafe { &*self.0.as_ref().vtable }
    }

    fn join_waker(&self) -> *mut AetherWaker {
        // SAFETY: a TaskRef points to a live task.
        unsafe { self.0.as_ref().join_waker.get() }
    }

    fn frame(&self) -> *mut u8 {
        // SAFETY: the frame offset is inside the block.
        unsafe { self.as_ptr().cast::<u8>().add(shape(self.vtable()).frame) }
    }

    fn out(&self) -> *mut u8 {
        // SAFETY: the output offset is inside the block (or one past it for a zero-size output).
        unsafe { self.as_ptr().cast::<u8>().add(shape(self.vtable()).out) }
    }
}

/// Tasks allocated and not yet freed (debug builds only: a global counter would cost every spawn).
#[cfg(debug_assertions)]
pub(crate) static LIVE_TASKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The priority bits of a state word, as PRIORITY_*.
pub(crate) fn priority(state: u64) -> u32 {
    ((state & PRIORITY_MASK) >> PRIORITY_SHIFT) as u32
}

/// The task's state word now (for bits that never change after spawn, such as priority and kind).
pub(crate) fn state_snapshot(t: TaskRef) -> u64 {
    t.state().load(Ordering::Relaxed)
}

thread_local! {
    /// True while this thread polls the task of `async fn main`, whose panics print thread 'main' (as
    /// Rust's, where main's future runs on the main thread).
    static IN_MAIN_TASK: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is polling the main task.
pub(crate) fn in_main_task() -> bool {
    IN_MAIN_TASK.with(Cell::get)
}

// --- State transitions ----------------------------------------------------------------------------------

fn ref_inc(t: TaskRef) {
    let prev = t.state().fetch_add(REF_ONE, Ordering::Relaxed);
    if refs(prev) >= REF_LIMIT {
        crate::process::fatal("task reference count overflow");
    }
}

/// Gives back one reference; frees the block at zero, or schedules an unreachable pending task to be
/// cancelled.
fn ref_dec(t: TaskRef) {
    let prev = t.state().fetch_sub(REF_ONE, Ordering::AcqRel);
    if refs(prev) != 1 {
        return;
    }
    if prev & COMPLETE != 0 {
        // SAFETY: no reference is left.
        unsafe { dealloc(t) };
    } else {
        // Nobody can wake or join it any more: it is idle (RUNNING and NOTIFIED hold references) and no
        // other thread can change its state (the shutdown's registry walk leaves tasks without
        // references alone), so a plain store may take the notified reference back.
        let next = prev | NOTIFIED | CANCELLED;
        t.state().store(next, Ordering::Release);
        sched::schedule(t, next, sched::Place::Lifo);
    }
}

/// # Safety
/// No reference to `t` may remain.
unsafe fn dealloc(t: TaskRef) {
    let s = shape(t.vtable());
    // SAFETY: we own the block; the slot holds an owned waker or the empty one.
    unsafe {
        drop((*t.join_waker()).take());
        crate::alloc::aether_rt_dealloc(t.as_ptr().cast(), s.size, s.align);
    }
    #[cfg(debug_assertions)]
    LIVE_TASKS.fetch_sub(1, Ordering::Relaxed);
}

fn wake_by_ref(t: TaskRef) {
    let st = t.state();
    let mut cur = st.load(Ordering::Acquire);
    loop {
        if cur & (COMPLETE | NOTIFIED) != 0 {
            return;
        }
        // While running, the worker reschedules it after the poll; idle, a new notified reference goes
        // with it into a queue.
        let next = if cur & RUNNING != 0 { cur | NOTIFIED } else { (cur | NOTIFIED) + REF_ONE };
        match st.compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                if cur & RUNNING == 0 {
                    sched::schedule(t, next, sched::Place::Lifo);
                }
                return;
            }
            Err(actual) => cur = actual,
        }
    }
}

/// Wakes with the waker's own reference, which becomes the notified reference when the task was idle.
fn wake_by_val(t: TaskRef) {
    let st = t.state();
    let mut cur = st.load(Ordering::Acquire);
    loop {
        if cur & (COMPLETE | NOTIFIED) != 0 {
            return ref_dec(t);
        }
        // Running: the runner holds a reference too, so dropping ours cannot reach zero.
        let next = if cur & RUNNING != 0 { (cur | NOTIFIED) - REF_ONE } else { cur | NOTIFIED };
        match st.compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                if cur & RUNNING == 0 {
                    sched::schedule(t, next, sched::Place::Lifo);
                }
                return;
            }
            Err(actual) => cur = actual,
        }
    }
}

/// Marks the task complete with `outcome` (the caller holds RUNNING and the notified reference), wakes
/// the joiner or drops an output nobody will read, and gives back the reference.
fn complete(t: TaskRef, outcome: u64) {
    // Leave the registry first: a registered task is never complete, so never freed. (The slot was
    // recorded by an earlier holder of RUNNING, before the state transitions that handed it to us.)
    let s = t.state().load(Ordering::Relaxed);
    let slot = s >> SLOT_SHIFT;
    if slot != registry::UNREGISTERED {
        registry::remove(t, ((s & SHARD_MASK) >> SHARD_SHIFT) as usize, slot);
    }
    // RUNNING is known set and COMPLETE/outcome known clear: one add flips all of them.
    let delta = (COMPLETE | (outcome << OUTCOME_SHIFT)).wrapping_sub(RUNNING);
    let prev = t.state().fetch_add(delta, Ordering::AcqRel);
    if prev & JOIN_INTEREST == 0 {
        if outcome == OUTCOME_OK {
            drop_output_caught(t);
        }
    } else if prev & JOIN_WAKER != 0 {
        // SAFETY: JOIN_WAKER with COMPLETE set freezes the slot; we still hold a reference.
        unsafe { (*t.join_waker()).wake_by_ref() };
    }
    ref_dec(t);
}

fn drop_output_caught(t: TaskRef) {
    if let Some(drop_output) = t.vtable().drop_output {
        let out = t.out();
        // SAFETY: the slot holds an output nobody else owns. A panicking drop was already reported.
        let _ = catch_unwind(AssertUnwindSafe(|| unsafe { drop_output(out) }));
    }
}

/// Drops the frame of a task whose RUNNING bit the caller holds, then completes it as cancelled (or as
/// panicked when the drop panicked).
fn cancel(t: TaskRef) {
    let outcome = match t.vtable().drop_frame {
        None => OUTCOME_CANCELLED,
        Some(drop_frame) => {
            let frame = t.frame();
            // SAFETY: we hold RUNNING; the frame is in a state its drop function accepts.
            match catch_unwind(AssertUnwindSafe(|| unsafe { drop_frame(frame) })) {
                Ok(()) => OUTCOME_CANCELLED,
                Err(payload) => {
                    drop(payload);
                    OUTCOME_PANICKED
                }
            }
        }
    };
    complete(t, outcome);
}

/// Runs one poll of a task taken from a queue (with its notified reference). Returns true when the task
/// was woken while running and must be queued again (at the back: it yielded); the reference then goes
/// with it.
///
/// # Safety
/// `t` must come from a run queue (NOTIFIED set, holding the notified reference).
pub(crate) unsafe fn run(t: TaskRef) -> bool {
    let st = t.state();
    // NOTIFIED -> RUNNING is exactly minus one (bit 1 set, bit 0 clear).
    let prev = st.fetch_sub(NOTIFIED - RUNNING, Ordering::Acquire);
    debug_assert!(prev & NOTIFIED != 0 && prev & (RUNNING | COMPLETE) == 0);
    if prev & CANCELLED != 0 {
        cancel(t);
        return false;
    }
    let vt = t.vtable();
    let (frame, out) = (t.frame(), t.out());
    // The context borrows the task's reference: no count change per poll.
    let mut cx = ManuallyDrop::new(AetherContext {
        waker: AetherWaker { data: t.as_ptr() as *const (), vtable: &TASK_WAKER_VTABLE },
    });
    let main = prev & IS_MAIN != 0;
    if main {
        IN_MAIN_TASK.with(|m| m.set(true));
    }
    // The task boundary: a panic unwinds the frame's cleanups up to here.
    let result = catch_unwind(AssertUnwindSafe(|| unsafe { (vt.poll)(frame, &mut *cx, out) }));
    if main {
        IN_MAIN_TASK.with(|m| m.set(false));
    }
    match result {
        Ok(true) => {
            complete(t, OUTCOME_OK);
            false
        }
        Ok(false) => after_pending(t),
        Err(payload) => {
            drop(payload);
            // The unwinding dropped what the frame held; its drop function still frees what a
            // poisoned frame keeps (the heap blocks of recursive futures).
            if let Some(drop_frame) = vt.drop_frame {
                // SAFETY: we hold RUNNING; a poisoned frame is a state its drop function accepts.
                let _ = catch_unwind(AssertUnwindSafe(|| unsafe { drop_frame(frame) }));
            }
            complete(t, OUTCOME_PANICKED);
            false
        }
    }
}

fn after_pending(t: TaskRef) -> bool {
    let st = t.state();
    let mut cur = st.load(Ordering::Acquire);
    if cur >> SLOT_SHIFT == registry::UNREGISTERED {
        cur = register(t);
    }
    if sched::is_shut_down() {
        // Left pending during or after the shutdown (a worker's last poll, a blocking-pool task): it
        // will never be polled again.
        cancel(t);
        return false;
    }
    loop {
        if cur & CANCELLED != 0 {
            cancel(t);
            return false;
        }
        let next = if cur & NOTIFIED != 0 {
            cur & !RUNNING
        } else if refs(cur) == 1 {
            // Ours is the only reference: nothing can ever wake it. Cancel now, while we hold RUNNING.
            cancel(t);
            return false;
        } else {
            cur - RUNNING - REF_ONE
        };
        match st.compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return cur & NOTIFIED != 0,
            Err(actual) => cur = actual,
        }
    }
}

/// Registers task `t` at its first pending poll, before it can become idle (the caller holds RUNNING;
/// only a RUNNING holder writes the registry fields, which are still zero). Returns the new state.
#[cold]
#[inline(never)]
fn register(t: TaskRef) -> u64 {
    let (shard, slot) = registry::insert(t);
    let bits = ((shard as u64) << SHARD_SHIFT) | (slot << SLOT_SHIFT);
    t.state().fetch_or(bits, Ordering::AcqRel) | bits
}

// --- Cancellation requests and shutdown -----------------------------------------------------------------

/// What [`request_cancel`] did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CancelRequest {
    /// Already complete: nothing changed.
    Nothing,
    /// The task was idle: it is now NOTIFIED and CANCELLED with a new notified reference, returned to
    /// the caller with this state, who must queue it (or cancel it with [`cancel_notified`]).
    Took(u64),
    /// The task is queued: CANCELLED is set, whoever pops it cancels it.
    Queued,
    /// The task is being polled: CANCELLED is set, its poller cancels it after the poll.
    Running,
}

/// Marks task `t` cancelled (JoinHandle::abort). The caller holds a reference, or holds the task's
/// registry shard locked; a task without references is left alone (it is about to be queued for
/// cancellation by whoever dropped its last reference, see `ref_dec`) and reported as Queued.
fn request_cancel(t: TaskRef) -> CancelRequest {
    let st = t.state();
    let mut cur = st.load(Ordering::Acquire);
    loop {
        if cur & COMPLETE != 0 {
            return CancelRequest::Nothing;
        }
        if refs(cur) == 0 {
            return CancelRequest::Queued;
        }
        let (next, what) = if cur & RUNNING != 0 {
            (cur | CANCELLED, CancelRequest::Running)
        } else if cur & NOTIFIED != 0 {
            (cur | CANCELLED, CancelRequest::Queued)
        } else {
            let next = (cur | CANCELLED | NOTIFIED) + REF_ONE;
            (next, CancelRequest::Took(next))
        };
        if next == cur {
            return what;
        }
        match st.compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return what,
            Err(actual) => cur = actual,
        }
    }
}

/// For the shutdown: requests the cancellation of every registered task (left pending by a poll and not
/// completed). Idle ones are taken, each with a notified reference, and appended to `taken` for
/// [`cancel_notified`]; returns how many are queued (or about to be) somewhere, for the caller to drain;
/// tasks being polled (on the blocking pool) are cancelled by their poller after the poll.
pub(crate) fn cancel_registered(taken: &mut Vec<TaskRef>) -> usize {
    let mut queued = 0;
    registry::for_each(|t| match request_cancel(t) {
        CancelRequest::Took(_) => taken.push(t),
        CancelRequest::Queued => queued += 1,
        CancelRequest::Running | CancelRequest::Nothing => {}
    });
    queued
}

/// For the shutdown: cancels a task taken from a run queue (or from [`cancel_registered`]) without
/// polling it, whether or not it was marked cancelled: its frame is dropped on this thread, the task
/// completes as cancelled and its handle (if any) resolves to AETHER_JOIN_CANCELLED.
///
/// # Safety
/// `t` must hold a notified reference (NOTIFIED set, not running), which this consumes.
pub(crate) unsafe fn cancel_notified(t: TaskRef) {
    let prev = t.state().fetch_sub(NOTIFIED - RUNNING, Ordering::Acquire);
    debug_assert!(prev & NOTIFIED != 0 && prev & (RUNNING | COMPLETE) == 0);
    cancel(t);
}

// --- Task waker -----------------------------------------------------------------------------------------

unsafe extern "C" fn task_waker_clone(data: *const (), out: *mut AetherWaker) {
    // SAFETY: a task waker's data is a live task.
    let t = unsafe { TaskRef::from_ptr(data as *mut AetherTask) };
    ref_inc(t);
    // SAFETY: the vtable contract.
    unsafe { out.write(AetherWaker { data, vtable: &TASK_WAKER_VTABLE }) }
}
unsafe extern "C" fn task_waker_wake(data: *const ()) {
    // SAFETY: as above.
    wake_by_val(unsafe { TaskRef::from_ptr(data as *mut AetherTask) })
}
unsafe extern "C" fn task_waker_wake_by_ref(data: *const ()) {
    // SAFETY: as above.
    wake_by_ref(unsafe { TaskRef::from_ptr(data as *mut AetherTask) })
}
unsafe extern "C" fn task_waker_drop(data: *const ()) {
    // SAFETY: as above.
    ref_dec(unsafe { TaskRef::from_ptr(data as *mut AetherTask) })
}

/// The waker vtable of tasks: data is the task pointer.
pub(crate) static TASK_WAKER_VTABLE: AetherWakerVTable = AetherWakerVTable {
    clone: task_waker_clone,
    wake: task_waker_wake,
    wake_by_ref: task_waker_wake_by_ref,
    drop: task_waker_drop,
};

// --- ABI: creating and spawning -------------------------------------------------------------------------

fn check_vtable(vt: &AetherFutureVTable) {
    let ok = vt.frame_align.is_power_of_two()
        && vt.output_align.is_power_of_two()
        && vt.frame_size <= isize::MAX as usize / 4
        && vt.output_size <= isize::MAX as usize / 4
        && vt.frame_align <= 1 << 16
        && vt.output_align <= 1 << 16;
    if !ok {
        crate::process::fatal(&format!(
            "invalid future vtable (frame {}/{}, output {}/{})",
            vt.frame_size, vt.frame_align, vt.output_size, vt.output_align
        ));
    }
}

/// Allocates a task for a future of type `vt` (one allocation, counted by aether_rt_alloc_count). The
/// frame is uninitialised: write it through `aether_rt_task_frame`, then spawn or discard the task.
///
/// # Safety
/// `vt` must point to a vtable that outlives the task (the compiler emits them as constants).
#[no_mangle]
pub unsafe extern "C" fn aether_rt_task_new(vt: *const AetherFutureVTable) -> *mut AetherTask {
    if vt.is_null() {
        crate::process::fatal("aether_rt_task_new: NULL vtable");
    }
    // SAFETY: guaranteed by the caller.
    let v = unsafe { &*vt };
    check_vtable(v);
    let s = shape(v);
    let p = crate::alloc::aether_rt_alloc(s.size, s.align).cast::<AetherTask>();
    #[cfg(debug_assertions)]
    LIVE_TASKS.fetch_add(1, Ordering::Relaxed);
    // SAFETY: a fresh block large and aligned enough for the header.
    unsafe {
        p.write(AetherTask { state: AtomicU64::new(0), vtable: vt, join_waker: UnsafeCell::new(AetherWaker::EMPTY) })
    };
    p
}

/// The frame of task `t` (aligned to the vtable's frame_align); it never moves.
///
/// # Safety
/// `t` must be a live task.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_task_frame(t: *mut AetherTask) -> *mut u8 {
    // SAFETY: guaranteed by the caller.
    unsafe { TaskRef::from_ptr(t) }.frame()
}

/// Frees a task that was never spawned, without touching its frame.
///
/// # Safety
/// `t` must come from aether_rt_task_new and not have been spawned.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_task_discard(t: *mut AetherTask) {
    // SAFETY: guaranteed by the caller.
    let t = unsafe { TaskRef::from_ptr(t) };
    if t.state().load(Ordering::Relaxed) != 0 {
        crate::process::fatal("aether_rt_task_discard: the task was spawned");
    }
    // SAFETY: unspawned: nobody else references it.
    unsafe { dealloc(t) }
}

/// Makes a new task runnable with `extra` state bits; returns it as its join handle.
fn spawn_with(t: *mut AetherTask, extra: u64) -> *mut AetherTask {
    // SAFETY: the callers' contract: a task from aether_rt_task_new.
    let t = unsafe { TaskRef::from_ptr(t) };
    if t.state().load(Ordering::Relaxed) != 0 {
        crate::process::fatal("a task was spawned twice");
    }
    let bits = NOTIFIED | JOIN_INTEREST | extra | (2 * REF_ONE);
    // Published to the worker that pops it by the queue push (a release).
    t.state().store(bits, Ordering::Relaxed);
    sched::schedule(t, bits, sched::Place::Spawn);
    t.as_ptr()
}

/// Spawns task `t` (frame written) on the workers with normal priority; returns its join handle, which
/// is the same pointer. Only enqueues: the task never runs inside this call.
///
/// # Safety
/// `t` must come from aether_rt_task_new, with its frame initialised, and not be spawned yet.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_task_spawn(t: *mut AetherTask) -> *mut AetherTask {
    spawn_with(t, 0)
}

/// aether_rt_task_spawn with a priority (AETHER_PRIORITY_*): a ready high task runs before ready normal
/// ones, which run before ready low ones.
///
/// # Safety
/// As aether_rt_task_spawn.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_task_spawn_priority(t: *mut AetherTask, priority: u32) -> *mut AetherTask {
    if priority > PRIORITY_LOW {
        crate::process::fatal(&format!("aether_rt_task_spawn_priority: invalid priority {priority}"));
    }
    spawn_with(t, (priority as u64) << PRIORITY_SHIFT)
}

/// Spawns task `t` on the blocking pool (spawn_blocking): a pool thread polls it, blocking on it; it is
/// polled again on a pool thread whenever woken.
///
/// # Safety
/// As aether_rt_task_spawn.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_task_spawn_blocking(t: *mut AetherTask) -> *mut AetherTask {
    spawn_with(t, BLOCKING)
}

/// Spawns the task of `async fn main` (its panics print as the main thread's).
pub(crate) fn spawn_main(t: *mut AetherTask) -> *mut AetherTask {
    spawn_with(t, IS_MAIN)
}

// --- ABI: join handles ----------------------------------------------------------------------------------

/// Moves the result of a completed task to the caller.
fn take_output(t: TaskRef, cur: u64, out: *mut u8) -> u32 {
    if cur & CONSUMED != 0 {
        crate::process::fatal("a JoinHandle was polled after it returned its result");
    }
    t.state().fetch_or(CONSUMED, Ordering::Relaxed);
    match (cur & OUTCOME_MASK) >> OUTCOME_SHIFT {
        OUTCOME_OK => {
            let size = t.vtable().output_size;
            // SAFETY: COMPLETE (acquired) with outcome OK: the slot holds the output; `out` is the
            // caller's storage for one.
            unsafe { std::ptr::copy_nonoverlapping(t.out(), out, size) };
            JOIN_OK
        }
        OUTCOME_PANICKED => JOIN_PANICKED,
        _ => JOIN_CANCELLED,
    }
}

/// Polls join handle `h`: AETHER_POLL_PENDING (cx's waker registered, replacing the previous one), or
/// AETHER_JOIN_OK with the output moved to `out`, or AETHER_JOIN_PANICKED / AETHER_JOIN_CANCELLED. A NULL
/// `cx` only checks (registers nothing). Polling again after a result is a fatal error.
///
/// # Safety
/// `h` must be a live join handle, `cx` NULL or a valid context, `out` writable for the output.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_join_poll(h: *mut AetherTask, cx: *mut AetherContext, out: *mut u8) -> u32 {
    // SAFETY: guaranteed by the caller.
    let t = unsafe { TaskRef::from_ptr(h) };
    let st = t.state();
    let mut cur = st.load(Ordering::Acquire);
    if cur & COMPLETE != 0 {
        return take_output(t, cur, out);
    }
    if cx.is_null() {
        return POLL_PENDING;
    }
    // SAFETY: guaranteed by the caller.
    let waker = unsafe { &(*cx).waker };
    let slot = t.join_waker();
    if cur & JOIN_WAKER != 0 {
        // SAFETY: reading a registered slot is allowed (the completer only reads it too).
        if unsafe { (*slot).will_wake(waker) } {
            return POLL_PENDING;
        }
        // Take the slot back to replace the waker, unless the task completes first.
        loop {
            if cur & COMPLETE != 0 {
                return take_output(t, cur, out);
            }
            match st.compare_exchange_weak(cur, cur & !JOIN_WAKER, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        cur &= !JOIN_WAKER;
    }
    // SAFETY: JOIN_WAKER clear and not complete: the slot is ours.
    unsafe { *slot = waker.clone_ref() };
    loop {
        if cur & COMPLETE != 0 {
            // The completer saw no waker: keep the slot empty and read the result now.
            // SAFETY: still ours (JOIN_WAKER was never set).
            drop(unsafe { (*slot).take() });
            return take_output(t, cur, out);
        }
        match st.compare_exchange_weak(cur, cur | JOIN_WAKER, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return POLL_PENDING,
            Err(actual) => cur = actual,
        }
    }
}

/// Requests cancellation of the task of handle `h`: unless it already finished, a worker drops its frame
/// at its next scheduling point (at once when idle, after the current poll when running), and the
/// handle then yields AETHER_JOIN_CANCELLED. After completion it changes nothing.
///
/// # Safety
/// `h` must be a live join handle.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_join_abort(h: *mut AetherTask) {
    // SAFETY: guaranteed by the caller.
    let t = unsafe { TaskRef::from_ptr(h) };
    if let CancelRequest::Took(state) = request_cancel(t) {
        sched::schedule(t, state, sched::Place::Lifo);
    }
}

/// Whether the task of handle `h` has finished (its result is ready for aether_rt_join_poll).
///
/// # Safety
/// `h` must be a live join handle.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_join_is_finished(h: *mut AetherTask) -> bool {
    // SAFETY: guaranteed by the caller.
    unsafe { TaskRef::from_ptr(h) }.state().load(Ordering::Acquire) & COMPLETE != 0
}

/// Drops join handle `h`: detaches the task, which keeps running (its output is dropped when it
/// finishes); after completion, drops an output that was not taken. UNWINDS (the output's drop).
///
/// # Safety
/// `h` must be a live join handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C-unwind" fn aether_rt_join_drop(h: *mut AetherTask) {
    // SAFETY: guaranteed by the caller.
    let t = unsafe { TaskRef::from_ptr(h) };
    let st = t.state();
    let mut cur = st.load(Ordering::Acquire);
    loop {
        if cur & COMPLETE != 0 {
            // Give the reference back even if the output's drop unwinds.
            struct Release(TaskRef);
            impl Drop for Release {
                fn drop(&mut self) {
                    ref_dec(self.0);
                }
            }
            let _release = Release(t);
            if (cur & OUTCOME_MASK) >> OUTCOME_SHIFT == OUTCOME_OK && cur & CONSUMED == 0 {
                if let Some(drop_output) = t.vtable().drop_output {
                    // SAFETY: after COMPLETE an untaken output belongs to the handle.
                    unsafe { drop_output(t.out()) };
                }
            }
            return;
        }
        match st.compare_exchange_weak(cur, cur & !(JOIN_INTEREST | JOIN_WAKER), Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                if cur & JOIN_WAKER != 0 {
                    // SAFETY: the bit was cleared before COMPLETE: the slot is ours again.
                    drop(unsafe { (*t.join_waker()).take() });
                }
                return ref_dec(t);
            }
            Err(actual) => cur = actual,
        }
    }
}
