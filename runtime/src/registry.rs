//! The registry of idle tasks: every task that has ever been left pending by a poll, from that moment
//! until it completes, so that the end of `async fn main` can find and cancel the tasks still pending
//! (see `sched::shutdown`), as Tokio does when a runtime is dropped. A task that is not idle is in a run
//! queue or being polled, where the shutdown finds it without the registry; so a task that finishes in
//! its first poll (most short tasks) never touches the registry, and a task's header has no room for it:
//! spawn stays one allocation of the same size.
//!
//! It is a fixed array of shards, each a slab behind a spin lock: a vector whose entries are task
//! pointers or, for free slots, links of the free list (tagged with the low bit, which a task pointer
//! never has), so an idle task costs the registry one word. The thread that first leaves a task pending registers it in that thread's
//! shard (threads get shards round robin) and records the shard and the slot in the task's state word
//! (fields of 3 and 20 bits, see `task`), so removing it at completion is a store and a push. Slots that
//! do not fit in the field's range go to a per-shard overflow set instead (only with more than a million
//! idle tasks in one shard).
//!
//! Invariants:
//! - A registered task is not complete, hence not freed (a block is freed only after COMPLETE): the
//!   thread that completes a task unregisters it BEFORE setting COMPLETE. So a task reached through the
//!   registry while its shard is locked is live and may be operated on with atomic state transitions.
//! - A shard's slab and overflow set are only accessed with its lock held.

use std::cell::{Cell, UnsafeCell};
use std::collections::HashSet;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crossbeam_utils::CachePadded;

use crate::task::{AetherTask, TaskRef};

/// Number of shards: the range of the state word's shard field.
pub(crate) const SHARDS: usize = 8;
/// Slot codes as recorded in the state word's slot field: 0 = not registered, `1..OVERFLOW` = slab slot
/// `code - 1`, OVERFLOW = in the shard's overflow set.
pub(crate) const SLOT_BITS: u32 = 20;
pub(crate) const UNREGISTERED: u64 = 0;
pub(crate) const OVERFLOW: u64 = (1 << SLOT_BITS) - 1;
/// Slots a shard's slab holds before tasks go to its overflow set (a few in unit tests, to reach it).
const SLAB_CAPACITY: usize = if cfg!(test) { 4 } else { OVERFLOW as usize - 1 };

struct Slab {
    /// A task pointer, or for a free slot `(next free slot + 1) << 1 | 1` (0 + 1: the end of the list).
    slots: Vec<usize>,
    /// The first free slot + 1; 0 when none.
    free: usize,
    overflow: Option<HashSet<usize>>,
    len: usize,
}

impl Slab {
    const EMPTY: Slab = Slab { slots: Vec::new(), free: 0, overflow: None, len: 0 };
}

/// One shard: a slab and its spin lock.
struct Shard {
    locked: AtomicBool,
    slab: UnsafeCell<Slab>,
}

// SAFETY: the slab (and the tasks it points to, for the invariants above) is only accessed with the lock
// held.
unsafe impl Sync for Shard {}

impl Shard {
    /// Locks the shard. A spin lock: the critical sections are a few stores (or, rarely, a vector
    /// growing), and an uncontended lock is one atomic swap with a plain store to unlock.
    #[inline]
    fn lock(&self) -> Guard<'_> {
        if self.locked.swap(true, Ordering::Acquire) {
            self.lock_contended();
        }
        Guard(self)
    }

    #[cold]
    fn lock_contended(&self) {
        let mut spins = 0u32;
        loop {
            while self.locked.load(Ordering::Relaxed) {
                if spins < 100 {
                    spins += 1;
                    std::hint::spin_loop();
                } else {
                    // The holder was probably preempted: let it run.
                    std::thread::yield_now();
                }
            }
            if !self.locked.swap(true, Ordering::Acquire) {
                return;
            }
        }
    }
}

/// A locked shard: its slab.
struct Guard<'a>(&'a Shard);

impl Deref for Guard<'_> {
    type Target = Slab;
    fn deref(&self) -> &Slab {
        // SAFETY: the lock is held.
        unsafe { &*self.0.slab.get() }
    }
}

impl DerefMut for Guard<'_> {
    fn deref_mut(&mut self) -> &mut Slab {
        // SAFETY: the lock is held.
        unsafe { &mut *self.0.slab.get() }
    }
}

impl Drop for Guard<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.locked.store(false, Ordering::Release);
    }
}

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY_SHARD: CachePadded<Shard> =
    CachePadded::new(Shard { locked: AtomicBool::new(false), slab: UnsafeCell::new(Slab::EMPTY) });

static REGISTRY: [CachePadded<Shard>; SHARDS] = [EMPTY_SHARD; SHARDS];

/// The next shard to hand to a thread.
static NEXT_HOME: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The shard of the tasks this thread registers; SHARDS until its first registration.
    static HOME: Cell<usize> = const { Cell::new(SHARDS) };
}

fn home_shard() -> usize {
    HOME.with(|h| {
        let s = h.get();
        if s < SHARDS {
            return s;
        }
        let s = NEXT_HOME.fetch_add(1, Ordering::Relaxed) % SHARDS;
        h.set(s);
        s
    })
}

/// Registers task `t`, which must not be registered; returns `(shard, slot code)` for its state word.
pub(crate) fn insert(t: TaskRef) -> (usize, u64) {
    let shard = home_shard();
    let mut slab = REGISTRY[shard].lock();
    slab.len += 1;
    let p = t.as_ptr() as usize;
    debug_assert!(p & 1 == 0);
    let code = if slab.free != 0 {
        let i = slab.free - 1;
        slab.free = slab.slots[i] >> 1;
        slab.slots[i] = p;
        i as u64 + 1
    } else if slab.slots.len() < SLAB_CAPACITY {
        slab.slots.push(p);
        slab.slots.len() as u64
    } else {
        slab.overflow.get_or_insert_with(HashSet::new).insert(p);
        OVERFLOW
    };
    (shard, code)
}

/// Unregisters task `t`, registered by `insert` with `(shard, code)`.
pub(crate) fn remove(t: TaskRef, shard: usize, code: u64) {
    let mut slab = REGISTRY[shard].lock();
    slab.len -= 1;
    if code == OVERFLOW {
        if let Some(set) = slab.overflow.as_mut() {
            set.remove(&(t.as_ptr() as usize));
        }
    } else {
        let i = (code - 1) as usize;
        debug_assert_eq!(slab.slots[i], t.as_ptr() as usize);
        slab.slots[i] = (slab.free << 1) | 1;
        slab.free = i + 1;
    }
    if slab.len == 0 && slab.slots.len() > 4096 {
        // Every slot is free: give the memory of a burst back.
        *slab = Slab::EMPTY;
    }
}

/// Calls `f` on every registered task, one shard at a time with that shard locked: `f` may only make
/// atomic state transitions (no registry access, no completion, nothing that takes a lock which a
/// completing thread could hold while it waits for this shard).
pub(crate) fn for_each(mut f: impl FnMut(TaskRef)) {
    for s in &REGISTRY {
        let slab = s.lock();
        let overflow = slab.overflow.iter().flatten();
        for &p in slab.slots.iter().chain(overflow) {
            if p & 1 == 0 {
                // SAFETY: registered tasks are live while their shard is locked.
                f(unsafe { TaskRef::from_ptr(p as *mut AetherTask) });
            }
        }
    }
}

/// The number of registered tasks (pending, not completed, polled at least once).
pub(crate) fn len() -> usize {
    REGISTRY.iter().map(|s| s.lock().len).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Registered pointers, in no particular order.
    fn registered() -> Vec<usize> {
        let mut v = Vec::new();
        for_each(|t| v.push(t.as_ptr() as usize));
        v.sort_unstable();
        v
    }

    #[test]
    fn slots_are_reused_and_the_overflow_set_takes_the_rest() {
        // Stand-ins for tasks: the registry stores and compares the pointers, never dereferences them.
        let blocks: Vec<Box<[u64; 4]>> = (0..9).map(|_| Box::new([0; 4])).collect();
        let t: Vec<TaskRef> =
            blocks.iter().map(|b| unsafe { TaskRef::from_ptr(b.as_ptr() as *mut AetherTask) }).collect();
        let addr = |i: usize| t[i].as_ptr() as usize;
        let sorted = |mut v: Vec<usize>| {
            v.sort_unstable();
            v
        };

        let codes: Vec<(usize, u64)> = t[..6].iter().map(|&x| insert(x)).collect();
        let shard = codes[0].0;
        assert!(codes.iter().all(|c| c.0 == shard), "one thread, one shard");
        let slots: Vec<u64> = codes.iter().map(|c| c.1).collect();
        assert_eq!(slots, [1, 2, 3, 4, OVERFLOW, OVERFLOW]);
        assert_eq!(len(), 6);
        assert_eq!(registered(), sorted((0..6).map(addr).collect()));

        // Free slots are reused, the last freed first; a full slab sends the rest to the overflow set.
        remove(t[1], shard, 2);
        remove(t[2], shard, 3);
        remove(t[4], shard, OVERFLOW);
        assert_eq!(len(), 3);
        assert_eq!(registered(), sorted(vec![addr(0), addr(3), addr(5)]));
        assert_eq!(insert(t[6]), (shard, 3));
        assert_eq!(insert(t[7]), (shard, 2));
        assert_eq!(insert(t[8]), (shard, OVERFLOW));
        assert_eq!(registered(), sorted(vec![addr(0), addr(3), addr(5), addr(6), addr(7), addr(8)]));

        for (i, code) in [(0, 1), (3, 4), (5, OVERFLOW), (6, 3), (7, 2), (8, OVERFLOW)] {
            remove(t[i], shard, code);
        }
        assert_eq!(len(), 0);
        assert!(registered().is_empty());
    }
}
