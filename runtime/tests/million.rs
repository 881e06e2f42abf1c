//! One million trivial tasks spawned from a task and joined: exactly one runtime allocation per spawned
//! task (`aether_rt_alloc_count`), and, counting every heap allocation of the process with a counting
//! global allocator, only a small amortised extra (queue blocks, the handles vector) on top of that;
//! afterwards every task is freed (the runtime's live-allocation count is back where it was).
//! Its own test binary with one test, so nothing else allocates through the runtime meanwhile.

mod futures;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use aether_runtime::alloc::aether_rt_alloc_count;
use aether_runtime::waker::AetherContext;
use futures::*;

struct Counting;

static HEAP_ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        HEAP_ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        HEAP_ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: usize = 1_000_000;

/// Spawns N `async {}` tasks, then joins them all; counts the allocations made while spawning.
#[repr(C)]
struct Spawner {
    handles: Vec<Handle<()>>,
    next: usize,
    counts: Option<(u64, u64)>,
}

impl Frame for Spawner {
    type Output = (u64, u64);
    fn poll(&mut self, cx: *mut AetherContext) -> Option<(u64, u64)> {
        if self.counts.is_none() {
            let (rt, heap) = (aether_rt_alloc_count(), HEAP_ALLOCS.load(Ordering::Relaxed));
            for _ in 0..N {
                self.handles.push(spawn(Ready(Some(()))));
            }
            self.counts = Some((aether_rt_alloc_count() - rt, HEAP_ALLOCS.load(Ordering::Relaxed) - heap));
        }
        while self.next < N {
            self.handles[self.next].poll(cx)?.expect("task ok");
            self.next += 1;
        }
        self.handles.clear();
        self.counts
    }
}

#[test]
fn a_million_tasks_one_allocation_each() {
    let live_allocs_before = aether_runtime::stats::live_allocs();
    let spawner = Spawner { handles: Vec::with_capacity(N), next: 0, counts: None };
    let (runtime_allocs, heap_allocs) = block_on(Join(spawn(spawner))).unwrap();
    assert_eq!(runtime_allocs, N as u64, "exactly one runtime allocation per spawned task");
    // The task blocks themselves are heap allocations too; the rest is amortised queue growth.
    let extra = heap_allocs - N as u64;
    assert!(extra < N as u64 / 50, "{extra} heap allocations besides the {N} tasks");
    if let Some(live) = aether_runtime::stats::live_tasks() {
        let t0 = std::time::Instant::now();
        while aether_runtime::stats::live_tasks() != Some(0) {
            assert!(t0.elapsed().as_secs() < 10, "tasks still alive: {live}");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
    assert_eq!(aether_runtime::stats::live_allocs(), live_allocs_before, "every task was freed");
    assert_eq!(aether_runtime::stats::registered_tasks(), 0);
}
