//! Tasks through the C ABI with compiled-like frames: spawn and join, outputs and their drops, panics at
//! the task boundary, abort and cancellation (drop_frame exactly once, before the handle resolves),
//! detaching, collection of unreachable tasks, wakers woken from other threads, yield, block_on and the
//! blocking pool. All tests share the one runtime, as a program's tasks do, one test at a time (the
//! `SERIAL` lock) so global counters such as the live-task count can be compared.

mod futures;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aether_runtime::stats;
use aether_runtime::task::{JOIN_CANCELLED, JOIN_PANICKED};
use aether_runtime::waker::*;
use futures::*;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits (polling) until `cond` holds; fails after 10 s.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

#[test]
fn spawned_tasks_return_their_outputs_in_order() {
    let _g = serial();
    let handles: Vec<_> = (0..1000u64).map(|i| spawn(Ready(Some(i * 3)))).collect();
    let results = block_on(JoinAll::new(handles));
    assert_eq!(results, (0..1000u64).map(|i| Ok(i * 3)).collect::<Vec<_>>());
}

#[test]
fn outputs_larger_and_more_aligned_than_the_header_survive() {
    let _g = serial();
    #[derive(Debug, Clone, Copy, PartialEq)]
    #[repr(C, align(64))]
    struct Big([u64; 24]);
    let v = Big(std::array::from_fn(|i| i as u64 * 7));
    let h = spawn(Ready(Some(v)));
    assert_eq!(h.raw() as usize % 64, 0, "the block is aligned for the output");
    assert_eq!(block_on(Join(h)), Ok(v));
}

thread_local! {
    /// Set by a task's thread around its call to spawn.
    static IN_SPAWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[test]
fn spawning_only_enqueues_even_on_a_worker() {
    let _g = serial();
    // A task spawns children: had spawn polled one inline, that child would see IN_SPAWN set on its
    // thread. (Another worker may run them at once: that is not inline.)
    let mut children: Option<JoinAll<bool>> = None;
    let parent = spawn(poll_fn(move |cx| {
        let all = children.get_or_insert_with(|| {
            let hs = (0..100)
                .map(|_| {
                    IN_SPAWN.with(|f| f.set(true));
                    let h = spawn(Call(Some(|| IN_SPAWN.with(|f| f.get()))));
                    IN_SPAWN.with(|f| f.set(false));
                    h
                })
                .collect();
            JoinAll::new(hs)
        });
        all.poll(cx)
    }));
    let ran_inside_spawn = block_on(Join(parent)).unwrap();
    assert!(ran_inside_spawn.iter().all(|r| *r == Ok(false)), "spawn ran a child inline");
}

#[test]
fn output_is_dropped_once_whoever_ends_up_owning_it() {
    let _g = serial();
    // Detached before completion: the worker drops the output.
    let c = counter();
    drop(spawn(Ready(Some(Counted(c.clone())))));
    wait_until("detached output dropped", || c.load(Ordering::SeqCst) == 1);

    // Completed, handle dropped without polling: the handle drops it.
    let c = counter();
    let h = spawn(Ready(Some(Counted(c.clone()))));
    wait_until("task finished", || h.is_finished());
    assert_eq!(c.load(Ordering::SeqCst), 0);
    drop(h);
    assert_eq!(c.load(Ordering::SeqCst), 1);

    // Joined: the output moves out and is dropped by its new owner only.
    let c = counter();
    let out = block_on(Join(spawn(Ready(Some(Counted(c.clone()))))));
    assert_eq!(c.load(Ordering::SeqCst), 0);
    drop(out);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(c.load(Ordering::SeqCst), 1);
}

#[test]
fn a_panicking_task_yields_join_error_and_the_runtime_goes_on() {
    // (AetherLang panics, which print their own message, are checked in tests/process.rs.)
    let _g = serial();
    let h = spawn(Call(Some(|| -> u32 { panic!("task failure on purpose") })));
    assert_eq!(block_on(Join(h)), Err(JOIN_PANICKED));
    assert_eq!(block_on(Join(spawn(Ready(Some(5))))), Ok(5));
}

#[test]
fn a_panic_on_a_later_poll_is_a_join_error_after_the_frame_was_cleaned_up() {
    let _g = serial();
    let c = counter();
    let keep = Counted(c.clone());
    let mut polls = 0;
    let h = spawn(poll_fn(move |cx| -> Option<u8> {
        let _ = &keep;
        polls += 1;
        if polls < 3 {
            // Pending, woken from another thread.
            let w = waker(cx).clone_ref();
            std::thread::spawn(move || w.wake());
            return None;
        }
        panic!("third poll fails on purpose");
    }));
    let d = c.clone();
    let mut h = Some(h);
    // The joiner sees the frame's cleanups done when the handle resolves.
    let result = block_on(poll_fn(move |cx| {
        let r = h.as_mut().unwrap().poll(cx)?;
        Some((r, d.load(Ordering::SeqCst)))
    }));
    assert_eq!(result, (Err(JOIN_PANICKED), 1));
    assert_eq!(block_on(Join(spawn(Ready(Some(9u8))))), Ok(9), "the workers survive");
}

#[test]
fn a_panic_in_drop_frame_while_aborting_is_a_join_error() {
    let _g = serial();
    struct PanicOnDrop(Arc<AtomicUsize>);
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic!("drop_frame fails on purpose");
        }
    }
    #[repr(C)]
    struct SleepThenPanicOnDrop(Sleep, Arc<AtomicUsize>, PanicOnDrop);
    impl Frame for SleepThenPanicOnDrop {
        type Output = ();
        fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
            self.1.fetch_add(1, Ordering::SeqCst);
            self.0.poll(cx)
        }
    }
    let (polls, drops) = (counter(), counter());
    let h = spawn(SleepThenPanicOnDrop(Sleep::new(60_000_000_000), polls.clone(), PanicOnDrop(drops.clone())));
    wait_until("first poll", || polls.load(Ordering::SeqCst) == 1);
    h.abort();
    assert_eq!(block_on(Join(h)), Err(JOIN_PANICKED));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(aether_runtime::stats::timer_entries(), 0, "the sleep's entry was cancelled before the panic");
}

/// A frame that sleeps for a long time, counting its polls and its drop.
#[repr(C)]
struct LongSleep {
    sleep: Sleep,
    polls: Arc<AtomicUsize>,
    dropped: Counted,
}

impl Frame for LongSleep {
    type Output = u32;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<u32> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.sleep.poll(cx).map(|()| 7)
    }
}

fn long_sleep() -> (LongSleep, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let (polls, drops) = (counter(), counter());
    (
        LongSleep { sleep: Sleep::new(60_000_000_000), polls: polls.clone(), dropped: Counted(drops.clone()) },
        polls,
        drops,
    )
}

#[test]
fn abort_drops_the_frame_once_before_the_handle_resolves() {
    let _g = serial();
    let (frame, polls, drops) = long_sleep();
    let h = spawn(frame);
    wait_until("first poll", || polls.load(Ordering::SeqCst) == 1);
    h.abort();
    h.abort(); // a second abort changes nothing
    let d = drops.clone();
    let mut h = Some(h);
    // The joiner checks the drop count at the moment the handle resolves.
    let result = block_on(poll_fn(move |cx| {
        let r = h.as_mut().unwrap().poll(cx)?;
        Some((r, d.load(Ordering::SeqCst)))
    }));
    assert_eq!(result, (Err(JOIN_CANCELLED), 1));
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(drops.load(Ordering::SeqCst), 1, "drop_frame ran exactly once");
    assert_eq!(polls.load(Ordering::SeqCst), 1);
}

#[test]
fn abort_after_completion_changes_nothing() {
    let _g = serial();
    let c = counter();
    let h = spawn(Ready(Some(Counted(c.clone()))));
    wait_until("task finished", || h.is_finished());
    h.abort();
    let out = block_on(Join(h));
    assert!(out.is_ok());
    assert_eq!(c.load(Ordering::SeqCst), 0, "the output was not dropped by the abort");
}

#[test]
fn a_detached_task_keeps_running() {
    let _g = serial();
    let done = Arc::new(AtomicBool::new(false));
    let d = done.clone();
    #[repr(C)]
    struct SleepThenSet(Sleep, Arc<AtomicBool>);
    impl Frame for SleepThenSet {
        type Output = ();
        fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
            self.0.poll(cx)?;
            self.1.store(true, Ordering::SeqCst);
            Some(())
        }
    }
    drop(spawn(SleepThenSet(Sleep::new(20_000_000), d)));
    wait_until("detached task finished", || done.load(Ordering::SeqCst));
}

#[test]
fn an_unreachable_pending_task_is_cancelled_and_freed() {
    let _g = serial();
    // Pending with no waker kept anywhere and its handle dropped: nothing can ever poll it again.
    let c = counter();
    let keep = Counted(c.clone());
    let h = spawn(poll_fn(move |_cx| -> Option<()> {
        let _ = &keep;
        None
    }));
    drop(h);
    wait_until("unreachable frame dropped", || c.load(Ordering::SeqCst) == 1);
}

#[test]
fn join_poll_without_context_only_checks() {
    let _g = serial();
    let mut h = spawn(Sleep::new(30_000_000));
    assert!(h.poll(std::ptr::null_mut()).is_none());
    assert!(!h.is_finished());
    wait_until("sleep finished", || h.is_finished());
    assert_eq!(h.poll(std::ptr::null_mut()), Some(Ok(())));
}

#[test]
fn yielding_tasks_finish_and_interleave() {
    let _g = serial();
    let handles: Vec<_> = (0..50u32).map(|i| spawn(YieldN { left: 200, value: Some(i) })).collect();
    let results = block_on(JoinAll::new(handles));
    assert_eq!(results, (0..50u32).map(Ok).collect::<Vec<_>>());
}

#[test]
fn wakers_cloned_and_woken_from_other_threads() {
    let _g = serial();
    // Tasks of earlier tests may still be between completion and their free: wait for none to be left
    // (a task leaked by an earlier test fails here too).
    let live_is_zero = || stats::live_tasks().is_none_or(|n| n == 0);
    wait_until("no task alive before the test", live_is_zero);
    const TASKS: usize = 64;
    const WAKES: usize = 300;
    // Each task stores a clone of its waker in its slot and finishes after WAKES polls.
    let slots: Arc<Vec<Mutex<AetherWaker>>> = Arc::new((0..TASKS).map(|_| Mutex::new(AetherWaker::EMPTY)).collect());
    let handles: Vec<Handle<usize>> = (0..TASKS)
        .map(|i| {
            let slots = slots.clone();
            let mut polls = 0;
            spawn(poll_fn(move |cx| {
                polls += 1;
                if polls >= WAKES {
                    return Some(polls);
                }
                let old = std::mem::replace(&mut *slots[i].lock().unwrap(), waker(cx).clone_ref());
                drop(old);
                None
            }))
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let wakers: Vec<_> = (0..3)
        .map(|k| {
            let (slots, stop) = (slots.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0usize;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let w = slots[(n * 7 + k) % TASKS].lock().unwrap().clone_ref();
                    // Every operation of the ABI, in turn.
                    let mut c = std::mem::MaybeUninit::<AetherWaker>::uninit();
                    unsafe {
                        aether_rt_waker_clone(&w, c.as_mut_ptr());
                        let mut c = c.assume_init();
                        match n % 4 {
                            0 => aether_rt_waker_wake(&mut c),
                            1 => aether_rt_waker_wake_by_ref(&c),
                            2 => {
                                assert!(aether_rt_waker_will_wake(&c, &w));
                                aether_rt_waker_drop(&mut c);
                            }
                            _ => w.wake_by_ref(),
                        }
                        assert!(c.is_empty() || n % 4 == 1 || n % 4 == 3);
                    }
                    drop(w);
                }
            })
        })
        .collect();
    let results = block_on(JoinAll::new(handles));
    stop.store(true, Ordering::SeqCst);
    for w in wakers {
        w.join().unwrap();
    }
    assert!(results.iter().all(|r| *r == Ok(WAKES)));
    for s in slots.iter() {
        drop(s.lock().unwrap().take());
    }
    wait_until("every task freed (references balanced)", live_is_zero);
}

#[test]
fn block_on_runs_on_the_calling_thread_and_sleeps() {
    let _g = serial();
    let me = std::thread::current().id();
    let start = Instant::now();
    let mut sleep = Sleep::new(20_000_000);
    let tid = block_on(poll_fn(move |cx| {
        sleep.poll(cx)?;
        Some(std::thread::current().id())
    }));
    assert_eq!(tid, me);
    assert!(start.elapsed() >= Duration::from_millis(20));
}

#[test]
fn block_on_unwinds_a_panic_of_its_future() {
    let _g = serial();
    let r = std::panic::catch_unwind(|| block_on(Call(Some(|| -> u8 { panic!("inside block_on") }))));
    assert!(r.is_err());
    // The thread's parker still works afterwards.
    assert_eq!(block_on(Join(spawn(Ready(Some(1u8))))), Ok(1));
}

#[test]
fn blocking_tasks_run_on_the_pool_concurrently() {
    let _g = serial();
    let start = Instant::now();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            spawn_blocking(Call(Some(|| {
                std::thread::sleep(Duration::from_millis(150));
                std::thread::current().name().unwrap_or("").to_owned()
            })))
        })
        .collect();
    let names = block_on(JoinAll::new(handles));
    let elapsed = start.elapsed();
    for n in &names {
        assert!(n.as_ref().unwrap().starts_with("aether-blocking-"), "{n:?}");
    }
    assert!(elapsed < Duration::from_millis(450), "blocking tasks did not overlap: {elapsed:?}");
    assert!(stats::blocking_threads() >= 4);
    // A panic in a blocking task is a JoinError like any other.
    let h = spawn_blocking(Call(Some(|| -> u8 { panic!("blocking failure on purpose") })));
    assert_eq!(block_on(Join(h)), Err(JOIN_PANICKED));
}

#[test]
fn a_blocking_task_may_be_a_future_that_waits() {
    let _g = serial();
    let mut sleep = Sleep::new(10_000_000);
    let h = spawn_blocking(poll_fn(move |cx| {
        sleep.poll(cx)?;
        Some(std::thread::current().name().unwrap_or("").to_owned())
    }));
    assert!(block_on(Join(h)).unwrap().starts_with("aether-blocking-"));
}

#[test]
fn tasks_run_on_named_workers() {
    let _g = serial();
    let name = block_on(Join(spawn(Call(Some(|| std::thread::current().name().unwrap_or("").to_owned())))));
    assert!(name.unwrap().starts_with("aether-worker-"));
    assert!(stats::workers() >= 1);
}

#[test]
fn polling_pending_registers_the_latest_waker_only() {
    let _g = serial();
    // Poll a handle by hand with two different wakers: only the last one is woken at completion.
    let (w1, c1) = counting::new();
    let (w2, c2) = counting::new();
    let mut h = spawn(Sleep::new(20_000_000));
    let mut cx1 = std::mem::ManuallyDrop::new(AetherContext { waker: w1 });
    let mut cx2 = std::mem::ManuallyDrop::new(AetherContext { waker: w2 });
    assert!(h.poll(&mut *cx1).is_none());
    assert!(h.poll(&mut *cx2).is_none());
    assert!(h.poll(&mut *cx2).is_none());
    wait_until("join waker woken", || c2.load(Ordering::SeqCst) == 1);
    assert_eq!(c1.load(Ordering::SeqCst), 0);
    assert_eq!(h.poll(&mut *cx2), Some(Ok(())));
}
