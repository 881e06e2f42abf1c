//! Whole programs: `aether_rt_main_async` with compiled-like frames, each scenario run in a child process
//! (this same executable with `AETHER_SCENARIO` set, and its own `AETHER_WORKERS`) so that exit status,
//! stdout and stderr are checked exactly: main as a task on the workers, exit codes 0 and 101, panic
//! messages naming 'main' or the worker, priorities and yield order on one worker, abort before the
//! first poll, the `AETHER_WORKERS` setting (invalid values: a warning and the default), and the
//! shutdown when main returns: every task still pending has its frame dropped exactly once and is freed
//! (no task, registry entry or runtime allocation left).
//!
//! A custom harness (`harness = false`): libtest would print to the child's stdout. Output follows
//! libtest's format, filters by substring like it.

mod futures;

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aether_runtime::alloc::{aether_rt_alloc, aether_rt_dealloc};
use aether_runtime::exec::aether_rt_main_async;
use aether_runtime::io::aether_rt_stdout_write;
use aether_runtime::process::aether_rt_exit;
use aether_runtime::stats;
use aether_runtime::task::*;
use aether_runtime::waker::{AetherContext, AetherWaker};
use futures::*;

const NOTE: &str = "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";

fn print(s: &str) {
    unsafe { aether_rt_stdout_write(s.as_ptr(), s.len()) }
}

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("<unnamed>").to_owned()
}

fn aether_panic(msg: &str, file: &str, line: u32, col: u32) -> ! {
    unsafe { aether_runtime::panic::aether_rt_panic(msg.as_ptr(), msg.len(), file.as_ptr(), file.len(), line, col) }
}

/// Runs `main` as `async fn main` and exits with its status, after printing its output with `show`.
fn run_main<F: Frame>(main: F, show: impl FnOnce(F::Output)) -> ! {
    let code = main_async(main, show);
    aether_rt_exit(code)
}

/// Runs `main` as `async fn main` and returns its status, after printing its output with `show`.
fn main_async<F: Frame>(main: F, show: impl FnOnce(F::Output)) -> i32 {
    let args: Vec<std::ffi::CString> = std::env::args().map(|a| std::ffi::CString::new(a).unwrap()).collect();
    let argv: Vec<*const std::ffi::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    let main = std::mem::ManuallyDrop::new(main);
    let mut out = std::mem::MaybeUninit::<F::Output>::uninit();
    let code = unsafe {
        aether_rt_main_async(
            argv.len() as i32,
            argv.as_ptr(),
            vtable::<F>(),
            (&*main as *const F).cast(),
            out.as_mut_ptr().cast(),
        )
    };
    if code == 0 {
        show(unsafe { out.assume_init() });
    }
    code
}

// --- Scenarios (run in the child) -----------------------------------------------------------------------

fn main_ok() -> ! {
    let mut handles = None;
    run_main(
        poll_fn(move |cx| {
            let hs = handles.get_or_insert_with(|| {
                print(&format!("main polled on a worker: {}\n", thread_name().starts_with("aether-worker-")));
                JoinAll::new((1..=3u64).map(|i| spawn(Ready(Some(i * 10)))).collect())
            });
            let sum: u64 = hs.poll(cx)?.into_iter().map(Result::unwrap).sum();
            print(&format!("sum {sum}\n"));
            Some(7u64)
        }),
        |out| print(&format!("output {out}\n")),
    )
}

fn main_panics() -> ! {
    run_main(
        poll_fn(|_cx| -> Option<()> {
            print("before\n");
            aether_panic("boom", "src/main.ae", 2, 5)
        }),
        |()| {},
    )
}

fn task_panics() -> ! {
    let mut all = None;
    run_main(
        poll_fn(move |cx| {
            let j = all.get_or_insert_with(|| {
                JoinAll::new(
                    (0..5u32)
                        .map(|i| {
                            spawn(Call(Some(move || {
                                if i == 3 {
                                    aether_panic(&format!("item {i} is bad"), "src/work.ae", 4, 9);
                                }
                                i * 10
                            })))
                        })
                        .collect(),
                )
            });
            for (i, r) in j.poll(cx)?.into_iter().enumerate() {
                match r {
                    Ok(v) => print(&format!("task {i} -> {v}\n")),
                    Err(e) => print(&format!("task {i} panicked: {}\n", e == JOIN_PANICKED)),
                }
            }
            print("runtime still works\n");
            Some(())
        }),
        |()| {},
    )
}

/// Prints its class, sends () and finishes.
#[repr(C)]
struct Announce {
    class: &'static str,
    tx: Sender<()>,
}

impl Frame for Announce {
    type Output = ();
    fn poll(&mut self, _cx: *mut AetherContext) -> Option<()> {
        print(&format!("{}\n", self.class));
        assert_eq!(SendState::new(()).poll(&self.tx, std::ptr::null_mut()), Some(Ok(())));
        Some(())
    }
}

fn priorities() -> ! {
    // conformance/async/18_priority: one worker; the launcher spawns all six, then awaits the channel.
    let mut launcher: Option<Handle<u32>> = None;
    run_main(
        poll_fn(move |cx| {
            let l = launcher.get_or_insert_with(|| {
                let mut rx_slot = None;
                let mut done = 0;
                spawn(poll_fn(move |cx| {
                    let rx = rx_slot.get_or_insert_with(|| {
                        let (tx, rx) = channel::<()>(aether_runtime::chan::UNBOUNDED);
                        for _ in 0..2 {
                            for (class, p) in
                                [("low", PRIORITY_LOW), ("normal", PRIORITY_NORMAL), ("high", PRIORITY_HIGH)]
                            {
                                drop(spawn_priority(Announce { class, tx: tx.clone() }, p));
                            }
                        }
                        drop(tx);
                        print("launcher: all spawned\n");
                        rx
                    });
                    while rx.poll_recv(cx)?.is_some() {
                        done += 1;
                    }
                    Some(done)
                }))
            });
            let n = l.poll(cx)?.unwrap();
            print(&format!("tasks finished: {n}\n"));
            Some(())
        }),
        |()| {},
    )
}

fn yield_order() -> ! {
    let log = Arc::new(std::sync::Mutex::new(String::new()));
    let mut all = None;
    run_main(
        poll_fn(move |cx| {
            let j = all.get_or_insert_with(|| {
                let hs = ["A", "B"]
                    .into_iter()
                    .map(|name| {
                        let log = log.clone();
                        let mut i = 0;
                        spawn(poll_fn(move |cx| {
                            log.lock().unwrap().push_str(&format!("{name}{i} "));
                            i += 1;
                            if i == 3 {
                                return Some(());
                            }
                            unsafe { aether_runtime::waker::aether_rt_waker_wake_by_ref(waker(cx)) };
                            None
                        }))
                    })
                    .collect();
                JoinAll::new(hs)
            });
            j.poll(cx)?;
            print(&format!("{}\n", log.lock().unwrap().trim_end()));
            Some(())
        }),
        |()| {},
    )
}

fn abort_before_first_poll() -> ! {
    let polls = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    struct Guard(Arc<AtomicUsize>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let mut child: Option<Handle<()>> = None;
    let (p, d) = (polls.clone(), drops.clone());
    run_main(
        poll_fn(move |cx| {
            let h = child.get_or_insert_with(|| {
                let (p, g) = (p.clone(), Guard(d.clone()));
                let h = spawn(poll_fn(move |_cx| {
                    let _ = &g;
                    p.fetch_add(1, Ordering::SeqCst);
                    None::<()>
                }));
                h.abort();
                h
            });
            let r = h.poll(cx)?;
            print(&format!(
                "cancelled {} polls={} drops={}\n",
                r == Err(JOIN_CANCELLED),
                polls.load(Ordering::SeqCst),
                drops.load(Ordering::SeqCst)
            ));
            Some(())
        }),
        |()| {},
    )
}

fn block_on_in_task() -> ! {
    let mut h = None;
    run_main(
        poll_fn(move |cx| {
            let h = h.get_or_insert_with(|| spawn(Call(Some(|| block_on(Ready(Some(1u8)))))));
            print(&format!("panicked: {}\n", h.poll(cx)? == Err(JOIN_PANICKED)));
            Some(())
        }),
        |()| {},
    )
}

fn workers() -> ! {
    run_main(
        poll_fn(|_cx| {
            print(&format!("workers {}\n", aether_runtime::stats::workers()));
            Some(())
        }),
        |()| {},
    )
}

// --- The shutdown: tasks still pending when main returns ----------------------------------------------

/// Drops counted per kind of frame, and polls of the busy task.
static DROPS: [AtomicUsize; 7] = [const { AtomicUsize::new(0) }; 7];
const FOREVER: usize = 0;
const SLEEPER: usize = 1;
const CYCLE: usize = 2;
const JOINER: usize = 3;
const BUSY: usize = 4;
const UNPOLLED: usize = 5;
const PANICKY: usize = 6;
static BUSY_POLLS: AtomicUsize = AtomicUsize::new(0);

/// Counts one drop of its kind; its frame's drop_frame is what runs it.
struct DropCount(usize);

impl Drop for DropCount {
    fn drop(&mut self) {
        DROPS[self.0].fetch_add(1, Ordering::SeqCst);
    }
}

/// A block from `aether_rt_alloc` owned by the frame, as compiled code's boxes are: a frame that is never
/// dropped leaves it in `stats::live_allocs`.
struct RtBox(*mut u8);

unsafe impl Send for RtBox {}

impl RtBox {
    fn new() -> RtBox {
        RtBox(aether_rt_alloc(40, 8))
    }
}

impl Drop for RtBox {
    fn drop(&mut self) {
        unsafe { aether_rt_dealloc(self.0, 40, 8) }
    }
}

/// Never completes: keeps a clone of its own waker, so the task is never unreachable (nothing but the
/// shutdown could ever drop it), and never wakes it.
#[repr(C)]
struct Forever {
    waker: AetherWaker,
    _mem: RtBox,
    _count: DropCount,
}

impl Forever {
    fn new(kind: usize) -> Forever {
        Forever { waker: AetherWaker::EMPTY, _mem: RtBox::new(), _count: DropCount(kind) }
    }
}

impl Frame for Forever {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        if self.waker.is_empty() {
            self.waker = waker(cx).clone_ref();
        }
        None
    }
}

/// Sleeps an hour (its timer entry holds its waker).
#[repr(C)]
struct HourSleep {
    sleep: Sleep,
    _mem: RtBox,
    _count: DropCount,
}

impl Frame for HourSleep {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        self.sleep.poll(cx)
    }
}

/// Waits for a message on `rx` while holding the sender of the other half of the cycle.
#[repr(C)]
struct CycleHalf {
    rx: Receiver<u64>,
    _tx: Sender<u64>,
    _mem: RtBox,
    _count: DropCount,
}

impl Frame for CycleHalf {
    type Output = u64;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<u64> {
        self.rx.poll_recv(cx).map(|v| v.unwrap_or(0))
    }
}

/// Awaits the handle of a task that never completes.
#[repr(C)]
struct Joiner {
    handle: Handle<()>,
    _mem: RtBox,
    _count: DropCount,
}

impl Frame for Joiner {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        self.handle.poll(cx).map(|_| ())
    }
}

/// Always runnable: wakes itself at every poll (never idle).
#[repr(C)]
struct Busy {
    _mem: RtBox,
    _count: DropCount,
}

impl Frame for Busy {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        BUSY_POLLS.fetch_add(1, Ordering::SeqCst);
        unsafe { aether_runtime::waker::aether_rt_waker_wake_by_ref(waker(cx)) };
        None
    }
}

/// A frame whose drop panics (after counting).
#[repr(C)]
struct PanickyDrop(Forever);

impl Drop for PanickyDrop {
    fn drop(&mut self) {
        panic!("drop of a pending task panicked");
    }
}

impl Frame for PanickyDrop {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        self.0.poll(cx)
    }
}

/// Spawns tasks of every kind that will still be pending when main returns, waits until each has been
/// polled once (all but the last, spawned right before returning), and returns. After
/// aether_rt_main_async, prints the drop counts and what is left: every count must be 1 per task, and
/// nothing left.
fn shutdown_cancels_pending(with_panicky_drop: bool) -> ! {
    let live_before = stats::live_allocs().expect("tests run with debug assertions");
    const FOREVERS: usize = 100;
    let mut started: Option<Vec<Handle<()>>> = None;
    let code = main_async(
        poll_fn(move |cx| {
            if started.is_none() {
                let mut hs: Vec<Handle<()>> = (0..FOREVERS).map(|_| spawn(Forever::new(FOREVER))).collect();
                hs.push(spawn(HourSleep {
                    sleep: Sleep::new(3_600_000_000_000),
                    _mem: RtBox::new(),
                    _count: DropCount(SLEEPER),
                }));
                let (tx_a, rx_a) = channel::<u64>(1);
                let (tx_b, rx_b) = channel::<u64>(1);
                drop(spawn(CycleHalf { rx: rx_a, _tx: tx_b, _mem: RtBox::new(), _count: DropCount(CYCLE) }));
                drop(spawn(CycleHalf { rx: rx_b, _tx: tx_a, _mem: RtBox::new(), _count: DropCount(CYCLE) }));
                let awaited = spawn(Forever::new(FOREVER));
                hs.push(spawn(Joiner { handle: awaited, _mem: RtBox::new(), _count: DropCount(JOINER) }));
                drop(spawn(Busy { _mem: RtBox::new(), _count: DropCount(BUSY) }));
                if with_panicky_drop {
                    drop(spawn(PanickyDrop(Forever::new(PANICKY))));
                }
                // Held until every task has been polled, then dropped: the tasks are detached.
                started = Some(hs);
            }
            // Wait (yielding) until every task has been polled once and left pending, so is in the
            // registry: the forevers, the sleeper, the cycle, the awaited forever and its joiner, the
            // busy task, the panicky one, and main itself.
            let expected = FOREVERS + 1 + 2 + 2 + 1 + usize::from(with_panicky_drop) + 1;
            if stats::registered_tasks() < expected {
                unsafe { aether_runtime::waker::aether_rt_waker_wake_by_ref(waker(cx)) };
                return None;
            }
            // Detach everything, then spawn one last task that main's return may leave unpolled.
            drop(started.take());
            drop(spawn(Forever::new(UNPOLLED)));
            Some(())
        }),
        |()| {},
    );
    let busy_polls = BUSY_POLLS.load(Ordering::SeqCst);
    let d: Vec<usize> = DROPS.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    print(&format!(
        "status {code}\nforever {} sleeper {} cycle {} joiner {} busy {} unpolled {} panicky {}\n",
        d[FOREVER], d[SLEEPER], d[CYCLE], d[JOINER], d[BUSY], d[UNPOLLED], d[PANICKY]
    ));
    std::thread::sleep(std::time::Duration::from_millis(20));
    print(&format!("busy task polled after the shutdown: {}\n", BUSY_POLLS.load(Ordering::SeqCst) != busy_polls));
    print(&format!(
        "registered {} live tasks {:?} live runtime allocations {:+}\n",
        stats::registered_tasks(),
        stats::live_tasks(),
        stats::live_allocs().unwrap() - live_before
    ));
    aether_rt_exit(code)
}

fn scenario(name: &str) -> ! {
    match name {
        "main_ok" => main_ok(),
        "main_panics" => main_panics(),
        "task_panics" => task_panics(),
        "priorities" => priorities(),
        "yield_order" => yield_order(),
        "abort_before_first_poll" => abort_before_first_poll(),
        "workers" => workers(),
        "block_on_in_task" => block_on_in_task(),
        "shutdown" => shutdown_cancels_pending(false),
        "shutdown_panicky_drop" => shutdown_cancels_pending(true),
        _ => panic!("unknown scenario {name}"),
    }
}

// --- Checks (run in the parent) -------------------------------------------------------------------------

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn expect(out: &Output, code: Option<i32>, stdout: &str) {
    assert_eq!(text(&out.stdout), stdout, "stderr:\n{}", text(&out.stderr));
    assert_eq!(out.status.code(), code, "stderr:\n{}", text(&out.stderr));
}

struct Case {
    name: &'static str,
    scenario: &'static str,
    workers: Option<&'static str>,
    check: fn(&Output),
}

const CASES: &[Case] = &[
    Case {
        name: "async_main_runs_as_a_task_and_returns_its_output",
        scenario: "main_ok",
        workers: None,
        check: |out| {
            expect(out, Some(0), "main polled on a worker: true\nsum 60\noutput 7\n");
            assert_eq!(text(&out.stderr), "");
        },
    },
    Case {
        name: "a_panic_in_async_main_exits_101_as_thread_main",
        scenario: "main_panics",
        workers: None,
        check: |out| {
            expect(out, Some(101), "before\n");
            assert_eq!(text(&out.stderr), format!("thread 'main' panicked at src/main.ae:2:5:\nboom\n{NOTE}"));
        },
    },
    Case {
        name: "a_task_panic_names_its_worker_and_is_a_join_error",
        scenario: "task_panics",
        workers: None,
        check: |out| {
            expect(
                out,
                Some(0),
                "task 0 -> 0\ntask 1 -> 10\ntask 2 -> 20\ntask 3 panicked: true\ntask 4 -> 40\nruntime still works\n",
            );
            let err = text(&out.stderr);
            let rest = err.strip_prefix("thread 'aether-worker-").unwrap_or_else(|| panic!("stderr: {err}"));
            let (n, rest) = rest.split_once('\'').unwrap();
            assert!(n.parse::<usize>().is_ok(), "{err}");
            assert_eq!(rest, format!(" panicked at src/work.ae:4:9:\nitem 3 is bad\n{NOTE}"));
        },
    },
    Case {
        name: "priorities_on_one_worker_high_then_normal_then_low",
        scenario: "priorities",
        workers: Some("1"),
        check: |out| {
            expect(out, Some(0), "launcher: all spawned\nhigh\nhigh\nnormal\nnormal\nlow\nlow\ntasks finished: 6\n")
        },
    },
    Case {
        name: "yielding_tasks_take_turns_on_one_worker",
        scenario: "yield_order",
        workers: Some("1"),
        check: |out| expect(out, Some(0), "A0 B0 A1 B1 A2 B2\n"),
    },
    Case {
        name: "abort_before_the_first_poll_drops_the_frame_without_polling",
        scenario: "abort_before_first_poll",
        workers: Some("1"),
        check: |out| expect(out, Some(0), "cancelled true polls=0 drops=1\n"),
    },
    Case {
        name: "block_on_inside_a_task_panics_instead_of_blocking_a_worker",
        scenario: "block_on_in_task",
        workers: Some("1"),
        check: |out| {
            expect(out, Some(0), "panicked: true\n");
            let err = text(&out.stderr);
            assert!(err.starts_with("thread 'aether-worker-0' panicked at "), "{err}");
            assert!(err.contains("\nblock_on called inside an async task: it would block a worker thread"), "{err}");
        },
    },
    Case {
        name: "aether_workers_sets_the_worker_count",
        scenario: "workers",
        workers: Some("3"),
        check: |out| expect(out, Some(0), "workers 3\n"),
    },
    Case {
        name: "aether_workers_allows_surrounding_spaces",
        scenario: "workers",
        workers: Some(" 2 "),
        check: |out| {
            expect(out, Some(0), "workers 2\n");
            assert_eq!(text(&out.stderr), "");
        },
    },
    Case {
        name: "a_non_numeric_aether_workers_is_reported_and_the_default_used",
        scenario: "workers",
        workers: Some("zero"),
        check: |out| invalid_workers(out, "\"zero\""),
    },
    Case {
        name: "aether_workers_0_is_reported_and_the_default_used",
        scenario: "workers",
        workers: Some("0"),
        check: |out| invalid_workers(out, "\"0\""),
    },
    Case {
        name: "aether_workers_above_4096_is_reported_and_the_default_used",
        scenario: "workers",
        workers: Some("5000"),
        check: |out| invalid_workers(out, "\"5000\""),
    },
    Case {
        name: "an_empty_aether_workers_is_reported_and_the_default_used",
        scenario: "workers",
        workers: Some(""),
        check: |out| invalid_workers(out, "\"\""),
    },
    Case {
        name: "shutdown_drops_every_pending_task_once_and_frees_it",
        scenario: "shutdown",
        workers: None,
        check: |out| {
            expect(out, Some(0), SHUTDOWN_REPORT);
            assert_eq!(text(&out.stderr), "");
        },
    },
    Case {
        name: "shutdown_drops_every_pending_task_once_and_frees_it_on_one_worker",
        scenario: "shutdown",
        workers: Some("1"),
        check: |out| {
            expect(out, Some(0), SHUTDOWN_REPORT);
            assert_eq!(text(&out.stderr), "");
        },
    },
    Case {
        name: "a_drop_panicking_during_the_shutdown_is_reported_and_the_rest_still_dropped",
        scenario: "shutdown_panicky_drop",
        workers: Some("2"),
        check: |out| {
            expect(out, Some(0), &SHUTDOWN_REPORT.replace("panicky 0", "panicky 1"));
            let err = text(&out.stderr);
            assert!(err.starts_with("thread 'main' panicked at "), "{err}");
            assert!(err.contains(":\ndrop of a pending task panicked\n"), "{err}");
        },
    },
];

/// What the shutdown scenario prints: main's status, drop counts (100 + 1 forever, the other kinds once
/// each), nothing polled after main returned, nothing left.
const SHUTDOWN_REPORT: &str = "status 0\nforever 101 sleeper 1 cycle 2 joiner 1 busy 1 unpolled 1 panicky 0\n\
                               busy task polled after the shutdown: false\n\
                               registered 0 live tasks Some(0) live runtime allocations +0\n";

/// An invalid AETHER_WORKERS (shown as `shown`): a warning on stderr, and the default (the CPU count).
fn invalid_workers(out: &Output, shown: &str) {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    expect(out, Some(0), &format!("workers {cpus}\n"));
    let threads = if cpus == 1 { "thread" } else { "threads" };
    assert_eq!(
        text(&out.stderr),
        format!(
            "aether runtime warning: AETHER_WORKERS must be an integer from 1 to 4096, not {shown}; using the \
             default of {cpus} worker {threads} (the number of CPUs)\n"
        )
    );
}

fn main() {
    if let Ok(name) = std::env::var("AETHER_SCENARIO") {
        scenario(&name);
    }
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let cases: Vec<&Case> =
        CASES.iter().filter(|c| filter.as_ref().is_none_or(|f| c.name.contains(f.as_str()))).collect();
    println!("\nrunning {} tests", cases.len());
    let exe = std::env::current_exe().unwrap();
    let (mut passed, mut failed) = (0, 0);
    for case in cases {
        let mut cmd = Command::new(&exe);
        cmd.env("AETHER_SCENARIO", case.scenario).env_remove("RUST_BACKTRACE");
        match case.workers {
            Some(n) => cmd.env("AETHER_WORKERS", n),
            None => cmd.env_remove("AETHER_WORKERS"),
        };
        let out = cmd.output().expect("run the scenario");
        if std::panic::catch_unwind(|| (case.check)(&out)).is_ok() {
            println!("test {} ... ok", case.name);
            passed += 1;
        } else {
            println!("test {} ... FAILED", case.name);
            failed += 1;
        }
    }
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    println!("\ntest result: {verdict}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out\n");
    std::process::exit(if failed == 0 { 0 } else { 101 });
}
