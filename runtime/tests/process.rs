//! Whole programs: `aether_rt_main_async` with compiled-like frames, each scenario run in a child process
//! (this same executable with `AETHER_SCENARIO` set, and its own `AETHER_WORKERS`) so that exit status,
//! stdout and stderr are checked exactly: main as a task on the workers, exit codes 0 and 101, panic
//! messages naming 'main' or the worker, priorities and yield order on one worker, abort before the
//! first poll, and the `AETHER_WORKERS` setting.
//!
//! A custom harness (`harness = false`): libtest would print to the child's stdout. Output follows
//! libtest's format, filters by substring like it.

mod futures;

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aether_runtime::exec::aether_rt_main_async;
use aether_runtime::io::aether_rt_stdout_write;
use aether_runtime::process::aether_rt_exit;
use aether_runtime::task::*;
use aether_runtime::waker::AetherContext;
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
    aether_rt_exit(code)
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
        name: "an_invalid_aether_workers_is_reported",
        scenario: "workers",
        workers: Some("zero"),
        check: |out| {
            assert_eq!(out.status.code(), None, "killed by SIGABRT");
            assert_eq!(
                text(&out.stderr),
                "aether runtime error: AETHER_WORKERS must be an integer from 1 to 4096, not \"zero\"\n"
            );
        },
    },
];

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
