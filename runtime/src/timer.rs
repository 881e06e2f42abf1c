//! Time: the monotonic clock (`aether_rt_now_nanos`), the hierarchical timing wheel behind `sleep`
//! (`aether_rt_timer_poll`/`_cancel` over intrusive `AetherTimerEntry`s that live in the sleeping
//! future's frame: no allocation per sleep), and `aether_rt_waker_wake_after`.
//!
//! The wheel has 6 levels of 64 slots with 1 ms ticks (level k slots span 64^k ms; the top level spans
//! about 2.2 years; later deadlines are clamped and simply re-registered when they fire early). Each slot
//! is an intrusive doubly linked list of entries, so register and cancel are O(1). `wake_after`
//! registrations (no frame to hold an entry) go to a binary heap instead. One thread, `aether-timer`,
//! started on first use, sleeps until the earliest deadline, fires what is due and wakes the wakers
//! outside the lock.
//!
//! Invariants:
//! - Nothing fires early: a deadline `d` ns becomes the tick `ceil(d / 1 ms)` and a tick fires only when
//!   the clock has reached it; poll re-checks the clock anyway.
//! - While an entry is LINKED its fields belong to the wheel (read and written under the wheel lock);
//!   the timer thread moves it to FIRED (waker taken out) under the lock, and that store is its last
//!   access, so a frame that reads FIRED (acquire) may be freed without locking. IDLE and FIRED entries
//!   belong to their frame. Zero-initialised memory is an IDLE entry.
//! - Wakers are dropped and woken outside the wheel lock (a waker may run scheduler code).

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::thread::Thread;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::waker::{AetherContext, AetherWaker};

const NANOS_PER_TICK: u64 = 1_000_000;
const LEVELS: usize = 6;
const SLOTS: usize = 64;
/// Ticks one rotation of the top level spans.
const MAX_TICKS: u64 = (1 << (6 * LEVELS)) - 1;

/// An entry's `state` values.
pub const TIMER_IDLE: u32 = 0;
pub const TIMER_LINKED: u32 = 1;
pub const TIMER_FIRED: u32 = 2;

/// A timer registration living inside a future's frame. Layout (48 bytes, align 8): next at 0, prev at 8,
/// deadline at 16, waker at 24, state at 40, slot at 44. Zero-initialised = idle.
#[repr(C)]
pub struct AetherTimerEntry {
    next: *mut AetherTimerEntry,
    prev: *mut AetherTimerEntry,
    deadline: u64,
    waker: AetherWaker,
    state: AtomicU32,
    slot: u32,
}

// SAFETY: an idle or fired entry is plain data owned by its frame, which may move between threads; a
// linked one is only touched under the wheel lock.
unsafe impl Send for AetherTimerEntry {}
unsafe impl Sync for AetherTimerEntry {}

static BASE: OnceLock<Instant> = OnceLock::new();

/// Nanoseconds on the monotonic clock since the runtime first read it.
pub fn now_nanos() -> u64 {
    BASE.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// The first tick at or after `nanos`.
fn tick_at_or_after(nanos: u64) -> u64 {
    nanos.div_ceil(NANOS_PER_TICK)
}

/// A `wake_after` registration.
struct HeapItem {
    tick: u64,
    seq: u64,
    waker: AetherWaker,
}

impl PartialEq for HeapItem {
    fn eq(&self, other: &Self) -> bool {
        (self.tick, self.seq) == (other.tick, other.seq)
    }
}
impl Eq for HeapItem {}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for HeapItem {
    /// Reversed, so the max-heap pops the earliest tick first.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (other.tick, other.seq).cmp(&(self.tick, self.seq))
    }
}

struct Level {
    occupied: u64,
    slots: [*mut AetherTimerEntry; SLOTS],
}

struct Expiration {
    level: usize,
    slot: usize,
    tick: u64,
}

fn slot_range(level: usize) -> u64 {
    1 << (6 * level)
}

fn level_range(level: usize) -> u64 {
    1 << (6 * (level + 1))
}

impl Level {
    /// The next tick at which an occupied slot of this level expires, seen from tick `now`.
    fn next_expiration(&self, level: usize, now: u64) -> Option<Expiration> {
        if self.occupied == 0 {
            return None;
        }
        let now_slot = (now / slot_range(level)) as u32;
        let slot = ((self.occupied.rotate_right(now_slot % 64).trailing_zeros() + now_slot) % 64) as usize;
        let start = now & !(level_range(level) - 1);
        let mut tick = start + slot as u64 * slot_range(level);
        if tick <= now && level == LEVELS - 1 {
            // The top level is a ring: a slot "before" now is one rotation ahead.
            tick += level_range(level);
        }
        Some(Expiration { level, slot, tick })
    }
}

pub(crate) struct Wheel {
    /// The tick up to which the wheel has been advanced.
    elapsed: u64,
    levels: [Level; LEVELS],
    heap: BinaryHeap<HeapItem>,
    seq: u64,
    /// Entries linked in the wheel (for tests and statistics).
    linked: usize,
}

// SAFETY: the raw entry pointers are only followed under the wheel's mutex.
unsafe impl Send for Wheel {}

fn level_for(elapsed: u64, when: u64) -> usize {
    let mut masked = (elapsed ^ when) | (SLOTS as u64 - 1);
    if masked >= MAX_TICKS {
        masked = MAX_TICKS - 1;
    }
    (63 - masked.leading_zeros() as usize) / 6
}

impl Wheel {
    const fn new() -> Wheel {
        const EMPTY: Level = Level { occupied: 0, slots: [std::ptr::null_mut(); SLOTS] };
        Wheel { elapsed: 0, levels: [EMPTY; LEVELS], heap: BinaryHeap::new(), seq: 0, linked: 0 }
    }

    /// Links entry `e` (deadline and waker set) at its tick.
    ///
    /// # Safety
    /// `e` must be valid and not linked.
    unsafe fn insert(&mut self, e: *mut AetherTimerEntry) {
        // SAFETY: guaranteed by the caller.
        let e = unsafe { &mut *e };
        // A deadline the wheel has already passed fires at the next tick.
        let when = tick_at_or_after(e.deadline).max(self.elapsed + 1).min(self.elapsed + MAX_TICKS);
        let level = level_for(self.elapsed, when);
        let slot = ((when >> (6 * level)) % SLOTS as u64) as usize;
        let lv = &mut self.levels[level];
        e.prev = std::ptr::null_mut();
        e.next = lv.slots[slot];
        if !e.next.is_null() {
            // SAFETY: linked entries are valid.
            unsafe { (*e.next).prev = e };
        }
        lv.slots[slot] = e;
        lv.occupied |= 1 << slot;
        e.slot = (level * SLOTS + slot) as u32;
        e.state.store(TIMER_LINKED, Ordering::Relaxed);
        self.linked += 1;
    }

    /// Unlinks entry `e`.
    ///
    /// # Safety
    /// `e` must be linked in this wheel.
    unsafe fn unlink(&mut self, e: *mut AetherTimerEntry) {
        // SAFETY: guaranteed by the caller.
        let e = unsafe { &mut *e };
        let (level, slot) = (e.slot as usize / SLOTS, e.slot as usize % SLOTS);
        let lv = &mut self.levels[level];
        if e.prev.is_null() {
            lv.slots[slot] = e.next;
        } else {
            // SAFETY: linked neighbours are valid.
            unsafe { (*e.prev).next = e.next };
        }
        if !e.next.is_null() {
            // SAFETY: as above.
            unsafe { (*e.next).prev = e.prev };
        }
        if lv.slots[slot].is_null() {
            lv.occupied &= !(1 << slot);
        }
        e.next = std::ptr::null_mut();
        e.prev = std::ptr::null_mut();
        self.linked -= 1;
    }

    fn next_expiration(&self) -> Option<Expiration> {
        self.levels.iter().enumerate().find_map(|(level, lv)| lv.next_expiration(level, self.elapsed))
    }

    /// The earliest tick at which something is due, if anything is registered.
    fn next_tick(&self) -> Option<u64> {
        let wheel = self.next_expiration().map(|e| e.tick);
        let heap = self.heap.peek().map(|h| h.tick);
        match (wheel, heap) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Advances to tick `now`, moving the wakers of everything due into `fired`.
    fn advance(&mut self, now: u64, fired: &mut Vec<AetherWaker>) {
        while let Some(exp) = self.next_expiration() {
            if exp.tick > now {
                break;
            }
            self.elapsed = self.elapsed.max(exp.tick);
            let lv = &mut self.levels[exp.level];
            let mut e = std::mem::replace(&mut lv.slots[exp.slot], std::ptr::null_mut());
            lv.occupied &= !(1 << exp.slot);
            while !e.is_null() {
                // SAFETY: entries in a slot are linked, hence valid and ours under the lock.
                let entry = unsafe { &mut *e };
                let next = entry.next;
                self.linked -= 1;
                if tick_at_or_after(entry.deadline) <= exp.tick {
                    entry.next = std::ptr::null_mut();
                    entry.prev = std::ptr::null_mut();
                    fired.push(entry.waker.take());
                    // Last access: after this store the frame may free the entry.
                    entry.state.store(TIMER_FIRED, Ordering::Release);
                } else {
                    // Cascade down to a finer level.
                    // SAFETY: just taken out of its slot.
                    unsafe { self.insert(e) };
                }
                e = next;
            }
        }
        self.elapsed = self.elapsed.max(now);
        while self.heap.peek().is_some_and(|h| h.tick <= now) {
            if let Some(item) = self.heap.pop() {
                fired.push(item.waker);
            }
        }
    }
}

struct Timer {
    wheel: Mutex<Wheel>,
    /// The tick the timer thread sleeps until (u64::MAX: until woken); written under the wheel lock.
    sleep_until: AtomicU64,
    thread: OnceLock<Thread>,
}

static TIMER: Timer =
    Timer { wheel: Mutex::new(Wheel::new()), sleep_until: AtomicU64::new(u64::MAX), thread: OnceLock::new() };

/// The timer, its thread started on first use.
fn timer() -> &'static Timer {
    TIMER.thread.get_or_init(|| {
        let spawned = std::thread::Builder::new().name("aether-timer".into()).spawn(timer_thread);
        match spawned {
            Ok(h) => h.thread().clone(),
            Err(e) => crate::process::fatal(&format!("cannot start the timer thread: {e}")),
        }
    });
    &TIMER
}

/// After registering something due at `tick` (wheel lock held): wakes the timer thread when it sleeps
/// past it.
fn nudge(tick: u64) {
    if tick < TIMER.sleep_until.load(Ordering::Relaxed) {
        if let Some(t) = TIMER.thread.get() {
            t.unpark();
        }
    }
}

fn timer_thread() {
    let mut fired = Vec::new();
    loop {
        let next = {
            let mut w = TIMER.wheel.lock();
            w.advance(now_nanos() / NANOS_PER_TICK, &mut fired);
            let next = w.next_tick().unwrap_or(u64::MAX);
            TIMER.sleep_until.store(next, Ordering::Relaxed);
            next
        };
        for waker in fired.drain(..) {
            waker.wake();
        }
        if next == u64::MAX {
            std::thread::park();
        } else {
            let target = next.saturating_mul(NANOS_PER_TICK);
            let now = now_nanos();
            if target > now {
                std::thread::park_timeout(Duration::from_nanos(target - now));
            }
        }
    }
}

/// For the shutdown, once every task is cancelled: drops the task wakers of pending `wake_after`
/// registrations (they would keep the blocks of cancelled tasks alive until they fire); other wakers
/// stay registered.
pub(crate) fn release_task_wakers() {
    let released: Vec<AetherWaker> = {
        let mut wheel = TIMER.wheel.lock();
        let items = std::mem::take(&mut wheel.heap).into_vec();
        let (tasks, others): (Vec<HeapItem>, Vec<HeapItem>) =
            items.into_iter().partition(|i| std::ptr::eq(i.waker.vtable, &crate::task::TASK_WAKER_VTABLE));
        wheel.heap = others.into();
        tasks.into_iter().map(|i| i.waker).collect()
    };
    // Dropped outside the lock, as every waker.
    drop(released);
}

/// Entries currently linked in the wheel.
pub fn linked_entries() -> usize {
    TIMER.wheel.lock().linked
}

// --- ABI ------------------------------------------------------------------------------------------------

/// Nanoseconds on the monotonic clock (for Instant): only differences are meaningful.
#[no_mangle]
pub extern "C" fn aether_rt_now_nanos() -> u64 {
    now_nanos()
}

/// The poll of a sleep until `deadline` (aether_rt_now_nanos scale): true when the clock has reached it
/// (the entry is then unlinked); else registers entry `e` at that deadline with cx's waker (replacing the
/// waker or deadline of an earlier registration) and returns false.
///
/// # Safety
/// `e` must point to an entry (zero-initialised before first use) that stays at this address until it is
/// fired, cancelled or this returns true; `cx` must be a valid context.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_timer_poll(e: *mut AetherTimerEntry, deadline: u64, cx: *mut AetherContext) -> bool {
    // SAFETY: guaranteed by the caller.
    let state = unsafe { &(*e).state };
    if now_nanos() >= deadline {
        if state.load(Ordering::Acquire) == TIMER_LINKED {
            // SAFETY: same contract.
            unsafe { aether_rt_timer_cancel(e) };
        }
        return true;
    }
    // SAFETY: guaranteed by the caller.
    let waker = unsafe { &(*cx).waker };
    let t = timer();
    let old;
    {
        let mut w = t.wheel.lock();
        // SAFETY: under the lock the entry is ours to read and write.
        let entry = unsafe { &mut *e };
        if entry.state.load(Ordering::Relaxed) == TIMER_LINKED {
            if entry.deadline == deadline {
                old = entry.waker.set_from(waker);
                drop(w);
                drop(old);
                return false;
            }
            // SAFETY: linked in this wheel.
            unsafe { w.unlink(e) };
        }
        entry.deadline = deadline;
        old = std::mem::replace(&mut entry.waker, waker.clone_ref());
        // SAFETY: valid and not linked.
        unsafe { w.insert(e) };
        nudge(tick_at_or_after(deadline));
    }
    drop(old);
    false
}

/// Unlinks entry `e` if it is registered (drops its waker) and leaves it idle. Safe on idle and fired
/// entries; the frame holding a sleep must call it when dropped.
///
/// # Safety
/// `e` must point to a valid entry.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_timer_cancel(e: *mut AetherTimerEntry) {
    // SAFETY: guaranteed by the caller.
    let state = unsafe { &(*e).state };
    match state.load(Ordering::Acquire) {
        TIMER_IDLE => return,
        TIMER_FIRED => return state.store(TIMER_IDLE, Ordering::Relaxed),
        _ => {}
    }
    let old = {
        let mut w = TIMER.wheel.lock();
        // SAFETY: under the lock.
        let entry = unsafe { &mut *e };
        if entry.state.load(Ordering::Relaxed) == TIMER_LINKED {
            // SAFETY: linked in this wheel.
            unsafe { w.unlink(e) };
        }
        entry.state.store(TIMER_IDLE, Ordering::Relaxed);
        entry.waker.take()
    };
    drop(old);
}

/// Registers a wake-up of `*w` (cloned) no earlier than `nanos` from now; each call adds one, earlier
/// ones still fire. One heap slot per pending call (amortised allocation, no frame storage needed).
///
/// # Safety
/// `w` must point to a valid waker.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_waker_wake_after(w: *const AetherWaker, nanos: u64) {
    let tick = tick_at_or_after(now_nanos().saturating_add(nanos));
    // SAFETY: guaranteed by the caller.
    let waker = unsafe { (*w).clone_ref() };
    let t = timer();
    let mut wheel = t.wheel.lock();
    let seq = wheel.seq;
    wheel.seq += 1;
    wheel.heap.push(HeapItem { tick, seq, waker });
    nudge(tick);
}

#[cfg(test)]
mod tests {
    //! The wheel alone, driven by a fake clock: every entry fires at its tick (never before, never
    //! later), across all levels, including entries registered while the wheel has advanced and entries
    //! cancelled before their tick.

    use super::*;
    use crate::waker::AetherWakerVTable;

    unsafe extern "C" fn clone(data: *const (), out: *mut AetherWaker) {
        unsafe { out.write(AetherWaker { data, vtable: &VT }) }
    }
    unsafe extern "C" fn noop(_: *const ()) {}
    static VT: AetherWakerVTable = AetherWakerVTable { clone, wake: noop, wake_by_ref: noop, drop: noop };

    /// A waker whose data is `id`, so fired wakers tell which entry fired.
    fn waker(id: usize) -> AetherWaker {
        AetherWaker { data: std::ptr::without_provenance(id), vtable: &VT }
    }

    fn entry(deadline_tick: u64, id: usize) -> Box<AetherTimerEntry> {
        // SAFETY: zero is a valid idle entry.
        let mut e: Box<AetherTimerEntry> = Box::new(unsafe { std::mem::zeroed() });
        e.deadline = deadline_tick * NANOS_PER_TICK;
        e.waker = waker(id);
        e
    }

    fn fired_ids(fired: &mut Vec<AetherWaker>) -> Vec<usize> {
        let ids = fired.iter().map(|w| w.data as usize).collect();
        fired.clear();
        ids
    }

    #[test]
    fn entries_fire_exactly_at_their_tick_on_every_level() {
        let mut w = Wheel::new();
        // Ticks spread over all six levels, some sharing a tick, inserted out of order.
        let mut ticks: Vec<u64> =
            vec![1, 2, 63, 64, 65, 100, 4095, 4096, 4097, 70_000, 262_144, 262_145, 16_777_300, 1 << 30, 5, 5];
        let mut rng = 12345u64;
        for _ in 0..300 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            ticks.push(1 + rng % 5_000_000);
        }
        let mut entries: Vec<_> = ticks.iter().enumerate().map(|(i, &t)| entry(t, i)).collect();
        for e in entries.iter_mut() {
            unsafe { w.insert(&mut **e) };
        }
        assert_eq!(w.linked, ticks.len());
        let mut fired = Vec::new();
        let mut seen = vec![false; ticks.len()];
        // Jump from one announced tick to the next (a higher level's slot may be announced only to cascade
        // its entries down), checking that whatever fires fires exactly at its own tick.
        while let Some(next) = w.next_tick() {
            assert!(next > w.elapsed || next == w.elapsed && w.elapsed == 0, "next tick {next} not in the future");
            // One tick early: nothing due yet may fire.
            w.advance(next - 1, &mut fired);
            assert!(fired.is_empty(), "fired before its tick: {:?}", fired_ids(&mut fired));
            w.advance(next, &mut fired);
            for id in fired_ids(&mut fired) {
                assert_eq!(ticks[id], next, "entry {id} fired at {next}");
                assert!(!seen[id]);
                seen[id] = true;
                assert_eq!(entries[id].state.load(Ordering::Relaxed), TIMER_FIRED);
            }
        }
        assert!(seen.iter().all(|&s| s), "every entry fired");
        assert_eq!(w.linked, 0);
    }

    #[test]
    fn cancelled_and_late_registered_entries() {
        let mut w = Wheel::new();
        let mut fired = Vec::new();
        w.advance(1000, &mut fired);
        let mut a = entry(1500, 1);
        let mut b = entry(1200, 2);
        let mut late = entry(900, 3); // already in the past: fires at the next tick
        unsafe {
            w.insert(&mut *a);
            w.insert(&mut *b);
            w.insert(&mut *late);
            w.unlink(&mut *a);
        }
        assert_eq!(w.next_tick(), Some(1001));
        w.advance(1001, &mut fired);
        assert_eq!(fired_ids(&mut fired), vec![3]);
        w.advance(1_000_000, &mut fired);
        assert_eq!(fired_ids(&mut fired), vec![2]);
        assert_eq!(w.next_tick(), None);
        assert_eq!(w.linked, 0);
    }

    #[test]
    fn wake_after_heap_fires_in_order() {
        let mut w = Wheel::new();
        for (seq, tick) in [30u64, 10, 20, 10].into_iter().enumerate() {
            w.heap.push(HeapItem { tick, seq: seq as u64, waker: waker(tick as usize * 10 + seq) });
        }
        let mut fired = Vec::new();
        assert_eq!(w.next_tick(), Some(10));
        w.advance(10, &mut fired);
        assert_eq!(fired_ids(&mut fired), vec![101, 103]);
        w.advance(25, &mut fired);
        assert_eq!(fired_ids(&mut fired), vec![202]);
        w.advance(30, &mut fired);
        assert_eq!(fired_ids(&mut fired), vec![300]);
    }
}
