//! The blocking pool behind `spawn_blocking`: threads named `aether-blocking-N`, separate from the
//! workers, started on demand (up to 512) and ending after 10 s idle.
//!
//! A blocking task is an ordinary task (same header, state machine and join handle) whose scheduling goes
//! here: a pool thread polls it, blocking inside the poll for as long as the closure runs; a pending task
//! is polled again on a pool thread when woken, so a future given to spawn_blocking works too.
//!
//! Invariants: `idle` counts threads waiting and not yet claimed; each push claims one (decrementing it
//! and adding a pending notification) or starts a thread, so two quick pushes never share one idle thread
//! while the other task waits. A waiting thread leaves only after a timeout with no notification pending.

use std::collections::VecDeque;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::task::{self, TaskRef};

const MAX_THREADS: usize = 512;
const KEEP_ALIVE: Duration = Duration::from_secs(10);

struct Pool {
    state: Mutex<State>,
    cond: Condvar,
}

struct State {
    queue: VecDeque<TaskRef>,
    threads: usize,
    idle: usize,
    notifications: usize,
    next_id: usize,
}

static POOL: Pool = Pool {
    state: Mutex::new(State { queue: VecDeque::new(), threads: 0, idle: 0, notifications: 0, next_id: 0 }),
    cond: Condvar::new(),
};

/// Queues a blocking task (holding its notified reference) and makes sure a thread will run it.
pub(crate) fn push(t: TaskRef) {
    let mut s = POOL.state.lock();
    s.queue.push_back(t);
    if s.idle > 0 {
        s.idle -= 1;
        s.notifications += 1;
        POOL.cond.notify_one();
    } else if s.threads < MAX_THREADS {
        s.threads += 1;
        let id = s.next_id;
        s.next_id += 1;
        drop(s);
        let spawned = std::thread::Builder::new().name(format!("aether-blocking-{id}")).spawn(pool_thread);
        if let Err(e) = spawned {
            crate::process::fatal(&format!("cannot start blocking thread: {e}"));
        }
    }
    // At the limit, a running thread takes it when it finishes its task.
}

/// Moves the queued blocking tasks (each with its notified reference) to `out`, for the shutdown.
pub(crate) fn drain(out: &mut Vec<TaskRef>) {
    out.extend(POOL.state.lock().queue.drain(..));
}

/// The number of pool threads now alive (idle or busy).
pub(crate) fn thread_count() -> usize {
    POOL.state.lock().threads
}

fn pool_thread() {
    let mut s = POOL.state.lock();
    loop {
        if let Some(t) = s.queue.pop_front() {
            drop(s);
            // SAFETY (both calls): queued with its notified reference.
            if crate::sched::is_shut_down() {
                // After `async fn main` returned nothing is polled: a task queued since is cancelled.
                unsafe { task::cancel_notified(t) };
            } else if unsafe { task::run(t) } {
                crate::sched::schedule_yielded(t);
            }
            s = POOL.state.lock();
            continue;
        }
        s.idle += 1;
        loop {
            let timed_out = POOL.cond.wait_for(&mut s, KEEP_ALIVE).timed_out();
            if s.notifications > 0 {
                s.notifications -= 1;
                break;
            }
            if timed_out {
                s.idle -= 1;
                s.threads -= 1;
                return;
            }
        }
    }
}
