//! The work-stealing scheduler: one global runtime with `AETHER_WORKERS` worker threads (default: the
//! number of CPUs; an invalid value is reported on stderr and the default used), named
//! `aether-worker-N`, started on first use, and its shutdown when `async fn main` returns.
//!
//! Each worker has a FIFO run queue (a crossbeam Chase-Lev deque, stealable) and a LIFO slot holding the
//! task most recently woken by code running on that worker, which runs next (message passing stays on
//! one core's cache). Tasks spawned or woken off the workers go to a global injection queue. High- and
//! low-priority tasks have their own global queues: a worker takes a ready high task before anything
//! else and a low one only when it finds no normal work anywhere.
//!
//! Order in which a worker looks for work: high queue; every 61st tick the injection queue first (so it
//! is never starved by local work); the LIFO slot (at most 3 times in a row while the local queue has
//! tasks); the local queue; a batch from the injection queue; then it "searches": steals half of a
//! random victim's queue, then the injection, high and low queues, retrying for a few microseconds;
//! then it parks.
//!
//! Parking protocol (no lost wake-ups, few spurious ones): a worker about to park registers as a
//! sleeper, stops searching, issues a SeqCst fence and checks every queue once more. Whoever makes work
//! visible to other workers pushes it, issues a SeqCst fence, and wakes one sleeper unless some worker is
//! searching (that worker's final check will see the work). A woken worker counts as searching; when a
//! searcher finds work and was the last searcher, it wakes another sleeper, so wake-ups spread one at a
//! time as long as work remains.
//!
//! Shutdown (once, when `async fn main` has returned): the workers stop at their next scheduling point
//! (a poll in progress finishes, and a task it leaves pending is cancelled there), move what their LIFO
//! slot and local queue hold to the injection queue and exit; once all have exited, every task still
//! pending is cancelled on the calling thread: found through the registry of idle tasks or in the run
//! queues, its frame dropped with drop_frame exactly once, without a further poll, and its block freed
//! when the references that other frames held are gone. From then on no task is polled: a task being
//! polled on the blocking pool at that moment cannot be stopped, but is cancelled by its pool thread if
//! the poll leaves it pending.

use std::cell::Cell;
use std::sync::atomic::{fence, AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::thread::{JoinHandle, Thread};

use crossbeam_deque::{Injector, Steal, Stealer, Worker};
use crossbeam_utils::CachePadded;
use parking_lot::Mutex;

use crate::task::{self, TaskRef, BLOCKING, PRIORITY_HIGH, PRIORITY_LOW};

/// How many times in a row the LIFO slot may run before the local queue gets a turn.
const LIFO_BUDGET: u32 = 3;
/// Every this many ticks a worker looks at the injection queue before its own work.
const GLOBAL_INTERVAL: u32 = 61;
/// Rounds of stealing attempts (each after a short spin) a worker makes before parking: while it spins
/// it counts as searching, so producers skip the futex wake-up, which costs them microseconds per push
/// when a worker keeps running dry and parking (a steady producer, a spawn loop).
const SPIN_ROUNDS: u32 = 4;
const SPINS_PER_ROUND: u32 = 64;

pub(crate) struct Runtime {
    injector: Injector<TaskRef>,
    high: Injector<TaskRef>,
    low: Injector<TaskRef>,
    workers: Box<[Shared]>,
    /// Indices of parked workers; `num_sleeping` mirrors its length for lock-free reads.
    sleepers: Mutex<Vec<usize>>,
    num_sleeping: CachePadded<AtomicUsize>,
    num_searching: CachePadded<AtomicUsize>,
}

/// What other threads see of a worker.
struct Shared {
    stealer: Stealer<TaskRef>,
    notified: AtomicBool,
    thread: OnceLock<Thread>,
}

/// What only the worker's own thread touches.
struct Local {
    rt: &'static Runtime,
    index: usize,
    deque: Worker<TaskRef>,
    lifo: Cell<Option<TaskRef>>,
    lifo_polls: Cell<u32>,
    tick: Cell<u32>,
    rng: Cell<u64>,
    searching: Cell<bool>,
}

thread_local! {
    /// The worker running on this thread, NULL on other threads.
    static CURRENT: Cell<*const Local> = const { Cell::new(std::ptr::null()) };
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// Set once by the shutdown; read by the workers at every scheduling point, after every poll that
/// returns pending and by the blocking pool before each poll (its own cache line, written once, so the
/// reads stay cheap).
static SHUT_DOWN: CachePadded<AtomicBool> = CachePadded::new(AtomicBool::new(false));

/// Whether the runtime has been shut down (`async fn main` returned): tasks are no longer polled.
#[inline]
pub(crate) fn is_shut_down() -> bool {
    SHUT_DOWN.load(Ordering::Relaxed)
}

/// The worker threads, joined by the shutdown.
static WORKER_THREADS: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

/// The largest accepted `AETHER_WORKERS`.
const MAX_WORKERS: usize = 4096;

/// The runtime, started on first use.
#[inline]
pub(crate) fn runtime() -> &'static Runtime {
    match RUNTIME.get() {
        Some(rt) => rt,
        None => start(),
    }
}

/// The number of workers: `AETHER_WORKERS` when set to an integer from 1 to 4096, else the CPU count;
/// an invalid value is reported on stderr (a warning: the program still runs, with the default).
pub(crate) fn configured_workers() -> usize {
    let default = std::thread::available_parallelism().map_or(1, |n| n.get());
    match workers_setting(std::env::var_os("AETHER_WORKERS").as_deref(), default) {
        Ok(n) => n,
        Err(msg) => {
            crate::io::stderr_write(format!("aether runtime warning: {msg}\n").as_bytes());
            default
        }
    }
}

/// The worker count for the value of `AETHER_WORKERS` (None when unset): Err(message) when the value is
/// not an integer from 1 to MAX_WORKERS (surrounding whitespace allowed).
fn workers_setting(value: Option<&std::ffi::OsStr>, default: usize) -> Result<usize, String> {
    let Some(value) = value else { return Ok(default) };
    match value.to_str().map(|v| v.trim().parse::<usize>()) {
        Some(Ok(n)) if (1..=MAX_WORKERS).contains(&n) => Ok(n),
        _ => Err(format!(
            "AETHER_WORKERS must be an integer from 1 to {MAX_WORKERS}, not {value:?}; using the default of \
             {default} worker thread{} (the number of CPUs)",
            if default == 1 { "" } else { "s" }
        )),
    }
}

#[cold]
fn start() -> &'static Runtime {
    let mut deques = None;
    let rt = RUNTIME.get_or_init(|| {
        let n = configured_workers();
        let ds: Vec<Worker<TaskRef>> = (0..n).map(|_| Worker::new_fifo()).collect();
        let workers = ds
            .iter()
            .map(|d| Shared { stealer: d.stealer(), notified: AtomicBool::new(false), thread: OnceLock::new() })
            .collect();
        deques = Some(ds);
        Runtime {
            injector: Injector::new(),
            high: Injector::new(),
            low: Injector::new(),
            workers,
            sleepers: Mutex::new(Vec::with_capacity(n)),
            num_sleeping: CachePadded::new(AtomicUsize::new(0)),
            num_searching: CachePadded::new(AtomicUsize::new(0)),
        }
    });
    // Threads start after the runtime is published, so they can use it; work queued meanwhile waits in
    // the injection queue, which they check before parking.
    let mut threads = WORKER_THREADS.lock();
    for (index, deque) in deques.into_iter().flatten().enumerate() {
        let spawned = std::thread::Builder::new()
            .name(format!("aether-worker-{index}"))
            .spawn(move || worker_main(rt, index, deque));
        match spawned {
            Ok(h) => threads.push(h),
            Err(e) => crate::process::fatal(&format!("cannot start worker thread {index}: {e}")),
        }
    }
    rt
}

/// Whether the calling thread is one of the workers.
pub(crate) fn on_worker() -> bool {
    CURRENT.with(|c| !c.get().is_null())
}

/// A worker blocked in place (`aether_rt_block_in_place`): while it lives, the calling thread is not
/// a worker. Entering moves the tasks queued on this worker (its LIFO slot and local queue, which
/// only this thread would run) to the injection queue and wakes a parked worker for them; wake-ups
/// made on this thread meanwhile go to the injection queue too. Dropping it (also while unwinding)
/// makes the thread a worker again.
pub(crate) struct BlockInPlace {
    local: *const Local,
}

impl BlockInPlace {
    pub(crate) fn enter() -> BlockInPlace {
        let local = CURRENT.with(|c| c.replace(std::ptr::null()));
        if !local.is_null() {
            // SAFETY: CURRENT pointed to this thread's live worker, which outlives this guard (the
            // guard is dropped inside one of its polls).
            let local = unsafe { &*local };
            let mut moved = false;
            if let Some(t) = local.lifo.take() {
                local.rt.injector.push(t);
                moved = true;
            }
            while let Some(t) = local.deque.pop() {
                local.rt.injector.push(t);
                moved = true;
            }
            if moved {
                local.rt.notify_parked();
            }
        }
        BlockInPlace { local }
    }
}

impl Drop for BlockInPlace {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.local));
    }
}

/// The number of worker threads of the (started) runtime.
pub(crate) fn worker_count() -> usize {
    runtime().workers.len()
}

/// Shuts the runtime down (see the module comment), when `async fn main` has returned: stops the workers
/// and waits for them to exit (a poll in progress finishes first), then cancels every task still pending
/// on the calling thread, which must not be a worker. Queued tasks are not polled again. Spawning
/// afterwards queues tasks that never run.
pub(crate) fn shutdown() {
    let Some(rt) = RUNTIME.get() else { return };
    if on_worker() {
        crate::process::fatal("the runtime was shut down from one of its workers");
    }
    SHUT_DOWN.store(true, Ordering::SeqCst);
    for i in 0..rt.workers.len() {
        rt.unpark(i);
    }
    let threads = std::mem::take(&mut *WORKER_THREADS.lock());
    for h in threads {
        // A worker catches its tasks' panics: it can only have died of a runtime bug, already reported.
        let _ = h.join();
    }
    rt.cancel_pending();
    // `wake_after` registrations may still hold wakers of the tasks just cancelled.
    crate::timer::release_task_wakers();
}

/// Where a task made runnable goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Place {
    /// Woken: the LIFO slot when woken on a worker (runs next there).
    Lifo,
    /// Newly spawned: the back of the local queue on a worker.
    Spawn,
    /// Woken while it was running (it yielded): the back of the local queue.
    Yield,
}

/// Queues task `t` (which holds a notified reference) according to its state bits `state`.
pub(crate) fn schedule(t: TaskRef, state: u64, place: Place) {
    if state & BLOCKING != 0 {
        return crate::blocking::push(t);
    }
    let rt = runtime();
    match task::priority(state) {
        PRIORITY_HIGH => {
            rt.high.push(t);
            rt.notify_parked();
        }
        PRIORITY_LOW => {
            rt.low.push(t);
            rt.notify_parked();
        }
        _ => CURRENT.with(|cur| {
            let local = cur.get();
            if local.is_null() {
                rt.injector.push(t);
                return rt.notify_parked();
            }
            // SAFETY: CURRENT points to this thread's live worker.
            let local = unsafe { &*local };
            let to_queue = match place {
                Place::Lifo => local.lifo.replace(Some(t)),
                Place::Spawn | Place::Yield => Some(t),
            };
            if let Some(t) = to_queue {
                local.deque.push(t);
                rt.notify_parked();
            }
        }),
    }
}

impl Runtime {
    /// Wakes one parked worker if none is searching (see the module comment).
    fn notify_parked(&self) {
        fence(Ordering::SeqCst);
        if self.num_searching.load(Ordering::SeqCst) != 0 || self.num_sleeping.load(Ordering::SeqCst) == 0 {
            return;
        }
        let mut sleepers = self.sleepers.lock();
        if self.num_searching.load(Ordering::SeqCst) != 0 {
            return;
        }
        let Some(index) = sleepers.pop() else { return };
        self.num_sleeping.store(sleepers.len(), Ordering::SeqCst);
        // The woken worker starts searching; counting it now stops a burst of pushes waking everyone.
        self.num_searching.fetch_add(1, Ordering::SeqCst);
        drop(sleepers);
        self.unpark(index);
    }

    fn unpark(&self, index: usize) {
        let w = &self.workers[index];
        w.notified.store(true, Ordering::Release);
        if let Some(thread) = w.thread.get() {
            thread.unpark();
        }
    }

    /// Cancels every pending task (the second half of [`shutdown`], the workers gone): each pass requests
    /// the cancellation of every registered task, taking the idle ones, then takes everything queued, and
    /// cancels what it took (dropping frames, which may wake, abort or release other tasks: the next pass
    /// sees them). Ends when a pass finds nothing left but tasks that a blocking-pool thread is polling.
    fn cancel_pending(&self) {
        let mut taken = Vec::new();
        let mut idle_passes = 0u32;
        loop {
            let queued = task::cancel_registered(&mut taken);
            self.drain_queues(&mut taken);
            if taken.is_empty() {
                if queued == 0 {
                    return;
                }
                // Queued by another thread (a blocking-pool thread, the timer) but not visible in a queue
                // yet, or popped by a pool thread that is about to cancel it: wait a little.
                idle_passes += 1;
                if idle_passes > 10_000 {
                    return;
                }
                if idle_passes < 100 {
                    std::thread::yield_now();
                } else {
                    std::thread::sleep(std::time::Duration::from_micros(100));
                }
                continue;
            }
            idle_passes = 0;
            for t in taken.drain(..) {
                // SAFETY: taken from a queue or by cancel_registered: it holds a notified reference.
                unsafe { task::cancel_notified(t) };
            }
        }
    }

    /// Moves every task of the run queues (the workers gone) and of the blocking pool's queue to `out`.
    fn drain_queues(&self, out: &mut Vec<TaskRef>) {
        for q in [&self.injector, &self.high, &self.low] {
            while let Some(t) = steal_one(q) {
                out.push(t);
            }
        }
        for w in self.workers.iter() {
            loop {
                match w.stealer.steal() {
                    Steal::Success(t) => out.push(t),
                    Steal::Empty => break,
                    Steal::Retry => std::hint::spin_loop(),
                }
            }
        }
        crate::blocking::drain(out);
    }

    /// Whether any queue another worker could take from holds a task.
    fn has_visible_work(&self, me: usize) -> bool {
        !self.injector.is_empty()
            || !self.high.is_empty()
            || !self.low.is_empty()
            || self.workers.iter().enumerate().any(|(i, w)| i != me && !w.stealer.is_empty())
    }
}

fn steal_one(q: &Injector<TaskRef>) -> Option<TaskRef> {
    loop {
        match q.steal() {
            Steal::Success(t) => return Some(t),
            Steal::Empty => return None,
            Steal::Retry => std::hint::spin_loop(),
        }
    }
}

fn worker_main(rt: &'static Runtime, index: usize, deque: Worker<TaskRef>) {
    let _ = rt.workers[index].thread.set(std::thread::current());
    let seed = (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let local = Local {
        rt,
        index,
        deque,
        lifo: Cell::new(None),
        lifo_polls: Cell::new(0),
        tick: Cell::new(0),
        rng: Cell::new(seed | 1),
        searching: Cell::new(false),
    };
    CURRENT.with(|c| c.set(&local));
    local.run();
    CURRENT.with(|c| c.set(std::ptr::null()));
    // Stopped by the shutdown: leave the tasks this worker still holds where the shutdown finds them.
    if let Some(t) = local.lifo.take() {
        rt.injector.push(t);
    }
    while let Some(t) = local.deque.pop() {
        rt.injector.push(t);
    }
}

impl Local {
    fn run(&self) {
        loop {
            if is_shut_down() {
                return;
            }
            if let Some(t) = self.next_task() {
                self.run_task(t);
            } else if let Some(t) = self.steal_work().or_else(|| self.spin_for_work()) {
                self.run_task(t);
            } else {
                self.park();
            }
        }
    }

    fn random(&self, n: usize) -> usize {
        // xorshift64: victim choice needs speed, not quality.
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        (x % n as u64) as usize
    }

    /// The next task from this worker's own queues (and the injection queue), without stealing.
    fn next_task(&self) -> Option<TaskRef> {
        let rt = self.rt;
        let tick = self.tick.get().wrapping_add(1);
        self.tick.set(tick);
        if !rt.high.is_empty() {
            if let Some(t) = steal_one(&rt.high) {
                return Some(t);
            }
        }
        if tick.is_multiple_of(GLOBAL_INTERVAL) {
            if let Steal::Success(t) = rt.injector.steal_batch_and_pop(&self.deque) {
                return Some(t);
            }
        }
        if self.lifo_polls.get() < LIFO_BUDGET || self.deque.is_empty() {
            if let Some(t) = self.lifo.take() {
                self.lifo_polls.set(self.lifo_polls.get() + 1);
                return Some(t);
            }
        }
        self.lifo_polls.set(0);
        if let Some(t) = self.deque.pop() {
            return Some(t);
        }
        loop {
            match rt.injector.steal_batch_and_pop(&self.deque) {
                Steal::Success(t) => return Some(t),
                Steal::Empty => return None,
                Steal::Retry => std::hint::spin_loop(),
            }
        }
    }

    /// Searches other workers' queues and the global ones.
    fn steal_work(&self) -> Option<TaskRef> {
        let rt = self.rt;
        if !self.searching.replace(true) {
            rt.num_searching.fetch_add(1, Ordering::SeqCst);
        }
        let n = rt.workers.len();
        loop {
            let mut retry = false;
            let start = self.random(n);
            for k in 0..n {
                let i = (start + k) % n;
                if i == self.index {
                    continue;
                }
                match rt.workers[i].stealer.steal_batch_and_pop(&self.deque) {
                    Steal::Success(t) => return Some(t),
                    Steal::Retry => retry = true,
                    Steal::Empty => {}
                }
            }
            match rt.injector.steal_batch_and_pop(&self.deque) {
                Steal::Success(t) => return Some(t),
                Steal::Retry => retry = true,
                Steal::Empty => {}
            }
            if let Some(t) = steal_one(&rt.high).or_else(|| steal_one(&rt.low)) {
                return Some(t);
            }
            if !retry {
                return None;
            }
        }
    }

    /// Spins briefly, still searching, looking for work before giving up the core.
    fn spin_for_work(&self) -> Option<TaskRef> {
        for _ in 0..SPIN_ROUNDS {
            for _ in 0..SPINS_PER_ROUND {
                std::hint::spin_loop();
            }
            if is_shut_down() {
                return None;
            }
            if let Some(t) = self.steal_work() {
                return Some(t);
            }
        }
        None
    }

    fn run_task(&self, t: TaskRef) {
        if self.searching.replace(false) && self.rt.num_searching.fetch_sub(1, Ordering::SeqCst) == 1 {
            // The last searcher found work: there may be more, let another worker look.
            self.rt.notify_parked();
        }
        // SAFETY: popped from a run queue, with its notified reference.
        if unsafe { task::run(t) } {
            schedule_yielded(t);
        }
    }

    fn park(&self) {
        let rt = self.rt;
        {
            let mut sleepers = rt.sleepers.lock();
            sleepers.push(self.index);
            rt.num_sleeping.store(sleepers.len(), Ordering::SeqCst);
        }
        if self.searching.replace(false) {
            rt.num_searching.fetch_sub(1, Ordering::SeqCst);
        }
        fence(Ordering::SeqCst);
        if rt.has_visible_work(self.index) {
            let mut sleepers = rt.sleepers.lock();
            if let Some(pos) = sleepers.iter().position(|&i| i == self.index) {
                sleepers.swap_remove(pos);
                rt.num_sleeping.store(sleepers.len(), Ordering::SeqCst);
                drop(sleepers);
                self.searching.set(true);
                rt.num_searching.fetch_add(1, Ordering::SeqCst);
                return;
            }
            // A notifier already took us off the list: its notification is on the way, consume it.
        }
        let shared = &rt.workers[self.index];
        while !shared.notified.swap(false, Ordering::Acquire) {
            if SHUT_DOWN.load(Ordering::Acquire) {
                return;
            }
            std::thread::park();
        }
        // The notifier counted us as searching.
        self.searching.set(true);
    }
}

/// Requeues a task that was woken while it ran, at the back of the queue its priority selects.
pub(crate) fn schedule_yielded(t: TaskRef) {
    // The state's priority bits never change after spawn; NOTIFIED is set, so any snapshot will do.
    let state = task::state_snapshot(t);
    schedule(t, state, Place::Yield);
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::workers_setting;

    #[test]
    fn aether_workers_values() {
        let set = |v: &str| workers_setting(Some(OsStr::new(v)), 6);
        assert_eq!(workers_setting(None, 6), Ok(6), "unset: the default");
        assert_eq!(set("3"), Ok(3));
        assert_eq!(set(" 12\n"), Ok(12));
        assert_eq!(set("1"), Ok(1));
        assert_eq!(set("4096"), Ok(4096));
        for bad in ["0", "4097", "-1", "1.5", "", " ", "two", "3 workers", "99999999999999999999999"] {
            assert!(set(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            set("0"),
            Err("AETHER_WORKERS must be an integer from 1 to 4096, not \"0\"; using the default of 6 worker \
                 threads (the number of CPUs)"
                .to_owned())
        );
        assert_eq!(
            workers_setting(Some(OsStr::new("x")), 1),
            Err("AETHER_WORKERS must be an integer from 1 to 4096, not \"x\"; using the default of 1 worker \
                 thread (the number of CPUs)"
                .to_owned())
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            assert!(workers_setting(Some(OsStr::from_bytes(b"4\xff")), 6).is_err(), "not UTF-8");
        }
    }
}
