//! Timers through the C ABI: sleeps wake in deadline order and never early (exactly two polls each),
//! re-registration with a new deadline, cancellation of frames that hold registered entries (abort
//! unlinks them), `wake_after` (each call adds a wake-up, earlier ones still fire) and the clock.
//! One test at a time (`SERIAL`): some compare the wheel's global entry count.

mod futures;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aether_runtime::stats;
use aether_runtime::task::JOIN_CANCELLED;
use aether_runtime::timer::*;
use aether_runtime::waker::*;
use futures::*;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const MS: u64 = 1_000_000;

/// Sleeps until its deadline, counting polls, then reports (id, poll count, clock at completion).
#[repr(C)]
struct Sleeper {
    id: usize,
    polls: usize,
    sleep: Sleep,
}

impl Frame for Sleeper {
    type Output = (usize, usize, u64);
    fn poll(&mut self, cx: *mut AetherContext) -> Option<Self::Output> {
        self.polls += 1;
        self.sleep.poll(cx)?;
        Some((self.id, self.polls, aether_rt_now_nanos()))
    }
}

#[test]
fn sleeps_finish_in_deadline_order_never_early_and_with_two_polls() {
    let _g = serial();
    let start = aether_rt_now_nanos();
    // 20 ms apart, so a worker delayed by a busy machine does not reorder completions.
    let delays = [180u64, 20, 120, 60, 100, 40, 160, 80, 140, 1];
    let handles: Vec<_> = delays
        .iter()
        .enumerate()
        .map(|(id, &d)| spawn(Sleeper { id, polls: 0, sleep: Sleep::until(start + d * MS) }))
        .collect();
    let mut done: Vec<_> = block_on(JoinAll::new(handles)).into_iter().map(Result::unwrap).collect();
    for &(id, polls, at) in &done {
        assert!(at >= start + delays[id] * MS, "sleep {id} ended early");
        assert_eq!(polls, 2, "sleep {id}: registered once, woken once (no early or spurious wake)");
    }
    done.sort_by_key(|&(_, _, at)| at);
    let order: Vec<u64> = done.iter().map(|&(id, _, _)| delays[id]).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "completion order follows deadlines");
    assert_eq!(stats::timer_entries(), 0);
}

#[test]
fn many_sleeps_of_mixed_lengths_each_wake_once() {
    let _g = serial();
    let start = aether_rt_now_nanos();
    let handles: Vec<_> = (0..2000usize)
        .map(|id| spawn(Sleeper { id, polls: 0, sleep: Sleep::until(start + (id as u64 % 97) * MS / 2) }))
        .collect();
    for r in block_on(JoinAll::new(handles)) {
        let (id, polls, at) = r.unwrap();
        assert!(at >= start + (id as u64 % 97) * MS / 2);
        assert!(polls <= 2, "sleep {id} polled {polls} times");
    }
}

#[test]
fn re_registering_moves_the_deadline_and_keeps_the_latest_waker() {
    let _g = serial();
    let (w1, c1) = counting::new();
    let (w2, c2) = counting::new();
    let mut cx1 = std::mem::ManuallyDrop::new(AetherContext { waker: w1 });
    let mut cx2 = std::mem::ManuallyDrop::new(AetherContext { waker: w2 });
    let mut e: Box<AetherTimerEntry> = Box::new(unsafe { std::mem::zeroed() });
    let far = aether_rt_now_nanos() + 3_600_000 * MS;
    unsafe {
        assert!(!aether_rt_timer_poll(&mut *e, far, &mut *cx1));
        assert_eq!(stats::timer_entries(), 1);
        let near = aether_rt_now_nanos() + 5 * MS;
        assert!(!aether_rt_timer_poll(&mut *e, near, &mut *cx2));
        assert_eq!(stats::timer_entries(), 1, "moved, not added");
        let t0 = Instant::now();
        while c2.load(Ordering::SeqCst) == 0 {
            assert!(t0.elapsed() < Duration::from_secs(5), "the moved deadline never fired");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(c1.load(Ordering::SeqCst), 0, "the replaced waker is not woken");
        assert!(aether_rt_now_nanos() >= near);
        assert!(aether_rt_timer_poll(&mut *e, near, &mut *cx2));
        // Cancelling a fired (or idle) entry is harmless; the entry can be reused.
        aether_rt_timer_cancel(&mut *e);
        aether_rt_timer_cancel(&mut *e);
        assert!(!aether_rt_timer_poll(&mut *e, far, &mut *cx1));
        aether_rt_timer_cancel(&mut *e);
        assert_eq!(stats::timer_entries(), 0);
    }
}

#[test]
fn aborting_sleeping_tasks_unlinks_their_entries() {
    let _g = serial();
    let polls = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..1000)
        .map(|_| {
            let polls = polls.clone();
            let mut sleep = Sleep::new(3_600_000 * MS);
            spawn(poll_fn(move |cx| {
                polls.fetch_add(1, Ordering::SeqCst);
                sleep.poll(cx)
            }))
        })
        .collect();
    let t0 = Instant::now();
    while polls.load(Ordering::SeqCst) < 1000 {
        assert!(t0.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(stats::timer_entries(), 1000);
    for h in &handles {
        h.abort();
    }
    for r in block_on(JoinAll::new(handles)) {
        assert_eq!(r, Err(JOIN_CANCELLED));
    }
    assert_eq!(stats::timer_entries(), 0, "every dropped frame unlinked its entry");
}

#[test]
fn wake_after_adds_wake_ups_and_earlier_ones_still_fire() {
    let _g = serial();
    let start = aether_rt_now_nanos();
    let mut times = Vec::new();
    // First poll registers wake-ups at +30 ms and +10 ms; each later poll records the time; done after
    // both fired.
    let out = block_on(poll_fn(move |cx| {
        if times.is_empty() {
            unsafe {
                aether_rt_waker_wake_after(waker(cx), 30 * MS);
                aether_rt_waker_wake_after(waker(cx), 10 * MS);
            }
        }
        times.push(aether_rt_now_nanos() - start);
        (times.len() == 3).then(|| times.clone())
    }));
    assert!(out[1] >= 10 * MS, "first wake-up early: {out:?}");
    assert!(out[2] >= 30 * MS, "second wake-up early: {out:?}");
}

#[test]
fn the_clock_is_monotonic_and_in_nanoseconds() {
    let _g = serial();
    let a = aether_rt_now_nanos();
    std::thread::sleep(Duration::from_millis(5));
    let b = aether_rt_now_nanos();
    assert!(b - a >= 5 * MS && b - a < 5_000 * MS, "{a} {b}");
}
