//! Wakers under contention: 10,000 tasks whose wakers are cloned, woken (by reference and by value) and
//! dropped from 8 OS threads at once, many times per task, while the tasks run on the workers. Every task
//! must complete exactly once with its own output, and afterwards every reference must be balanced: no
//! task alive, none registered, no runtime allocation left. Its own test binary with one test, so that
//! nothing else moves the global counters meanwhile.

mod futures;

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aether_runtime::stats;
use aether_runtime::waker::*;
use futures::*;

const TASKS: usize = 10_000;
const THREADS: usize = 8;
/// Each task finishes at its POLLS-th poll; every earlier poll leaves it pending with a fresh clone of
/// its waker in its slot, for the waking threads to find.
const POLLS: u32 = 50;

/// Waits (polling) until `cond` holds; fails after 30 s.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn wakers_cloned_and_woken_from_eight_threads_complete_every_task_once_without_leaks() {
    let live_allocs_before = stats::live_allocs();
    let slots: Arc<Vec<Mutex<AetherWaker>>> = Arc::new((0..TASKS).map(|_| Mutex::new(AetherWaker::EMPTY)).collect());
    let completions: Arc<Vec<AtomicU32>> = Arc::new((0..TASKS).map(|_| AtomicU32::new(0)).collect());
    let total_polls = Arc::new(AtomicUsize::new(0));
    let handles: Vec<Handle<usize>> = (0..TASKS)
        .map(|i| {
            let (slots, completions, total_polls) = (slots.clone(), completions.clone(), total_polls.clone());
            let mut polls = 0;
            spawn(poll_fn(move |cx| {
                polls += 1;
                total_polls.fetch_add(1, Ordering::Relaxed);
                if polls == POLLS {
                    completions[i].fetch_add(1, Ordering::SeqCst);
                    return Some(i);
                }
                assert!(polls < POLLS, "task {i} polled after it completed");
                let old = std::mem::replace(&mut *slots[i].lock().unwrap(), waker(cx).clone_ref());
                drop(old);
                None
            }))
        })
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let wakers: Vec<_> = (0..THREADS)
        .map(|k| {
            let (slots, stop) = (slots.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut wakes = 0usize;
                // Each thread walks the tasks in its own order (a stride coprime with TASKS).
                let stride = [7, 11, 13, 17, 19, 23, 29, 31][k];
                let mut n = k;
                while !stop.load(Ordering::Relaxed) {
                    n = (n + stride) % TASKS;
                    let w = slots[n].lock().unwrap().clone_ref();
                    if w.is_empty() {
                        continue;
                    }
                    // Every waker operation of the ABI on clones taken outside the slot's lock.
                    let mut c = MaybeUninit::<AetherWaker>::uninit();
                    unsafe {
                        aether_rt_waker_clone(&w, c.as_mut_ptr());
                        let mut c = c.assume_init();
                        match wakes % 4 {
                            0 => aether_rt_waker_wake(&mut c),
                            1 => {
                                aether_rt_waker_wake_by_ref(&c);
                                aether_rt_waker_drop(&mut c);
                            }
                            2 => {
                                let extra = c.clone_ref();
                                aether_rt_waker_drop(&mut c);
                                extra.wake();
                            }
                            _ => {
                                assert!(aether_rt_waker_will_wake(&c, &w));
                                aether_rt_waker_drop(&mut c);
                                w.wake_by_ref();
                            }
                        }
                        assert!(c.is_empty());
                    }
                    drop(w);
                    wakes += 1;
                }
                wakes
            })
        })
        .collect();

    let results = block_on(JoinAll::new(handles));
    stop.store(true, Ordering::SeqCst);
    let wakes: usize = wakers.into_iter().map(|t| t.join().unwrap()).sum();

    assert_eq!(results, (0..TASKS).map(Ok).collect::<Vec<_>>(), "each handle yields its own task's output");
    for (i, c) in completions.iter().enumerate() {
        assert_eq!(c.load(Ordering::SeqCst), 1, "task {i} completed {} times", c.load(Ordering::SeqCst));
    }
    assert_eq!(total_polls.load(Ordering::SeqCst), TASKS * POLLS as usize);
    assert!(wakes >= TASKS * (POLLS as usize - 1), "only {wakes} wake-ups");

    // The slots still hold a waker of each task (from its last pending poll): the only references left.
    for s in slots.iter() {
        drop(s.lock().unwrap().take());
    }
    wait_until("every task freed", || stats::live_tasks().is_none_or(|n| n == 0));
    assert_eq!(stats::registered_tasks(), 0, "completed tasks left the registry");
    assert_eq!(stats::live_allocs(), live_allocs_before, "runtime allocations back to where they were");
}
