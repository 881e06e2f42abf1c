//! The AetherLang async runtime against Tokio's multi-thread runtime, side by side in one run, with the
//! same number of workers (`AETHER_WORKERS`, default the CPU count):
//! - spawn + join of 1,000,000 trivial tasks (time);
//! - 1,000,000 tasks each sleeping 1 s (time and peak RSS);
//! - ping-pong of 1,000,000 messages over two capacity-1 channels, both ends spawned tasks, and with
//!   one end being the program's main future (Tokio's `#[tokio::main]` runs it on its own thread; ours
//!   runs main as a task on the workers);
//! - 8 producer tasks sending 1,000,000 messages in all into one channel of capacity 128 (contention).
//!
//! Our side uses hand-written C-ABI futures (the `#[repr(C)]` frames and `extern "C-unwind"` polls of
//! `runtime/tests/futures`, what the compiler emits) and calls the runtime only through its C ABI (no
//! LTO, so no cross-crate inlining: like a compiled program). Tokio's side is idiomatic async Rust. Each
//! measurement runs in a fresh child process (this executable with `child BENCH SIDE`), so peak RSS is
//! per side and neither runtime's threads disturb the other; times are the best of a few runs.
//!
//! Run: `cargo run --release` in bench/runtime.

#[path = "../../../runtime/tests/futures/mod.rs"]
#[allow(dead_code)]
mod futures;

use std::process::Command;
use std::time::{Duration, Instant};

use aether_runtime::waker::AetherContext;
use futures::*;

const TASKS: usize = 1_000_000;
const SLEEPERS: usize = 1_000_000;
const MESSAGES: u64 = 1_000_000;

// --- Our side: compiled-like frames ---------------------------------------------------------------------

/// `let hs: Vec<_> = (0..n).map(|_| spawn(async {})).collect(); for h in hs { h.await }`.
#[repr(C)]
struct SpawnJoin {
    handles: Vec<Handle<()>>,
    next: usize,
    spawned: bool,
}

impl Frame for SpawnJoin {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        if !self.spawned {
            for _ in 0..TASKS {
                self.handles.push(spawn(Ready(Some(()))));
            }
            self.spawned = true;
        }
        while self.next < self.handles.len() {
            self.handles[self.next].poll(cx)?.expect("task ok");
            self.next += 1;
        }
        Some(())
    }
}

/// `async { sleep(Duration::from_secs(1)).await }`: a state word and the sleep future inline.
#[repr(C)]
struct SleepTask {
    state: u32,
    sleep: Sleep,
}

impl Frame for SleepTask {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        self.state = 1;
        self.sleep.poll(cx)
    }
}

/// Spawns the sleepers, then joins them.
#[repr(C)]
struct Sleepers {
    handles: Vec<Handle<()>>,
    next: usize,
    spawned: bool,
}

impl Frame for Sleepers {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        if !self.spawned {
            for _ in 0..SLEEPERS {
                self.handles.push(spawn(SleepTask { state: 0, sleep: Sleep::new(1_000_000_000) }));
            }
            self.spawned = true;
        }
        while self.next < self.handles.len() {
            self.handles[self.next].poll(cx)?.expect("task ok");
            self.next += 1;
        }
        Some(())
    }
}

/// One end of the ping-pong. The pinger sends 0, 1, .. and awaits each reply; the echo replies.
#[repr(C)]
struct Pinger {
    tx: Sender<u64>,
    rx: Receiver<u64>,
    sent: u64,
    rounds: u64,
    echo: bool,
    sending: Option<SendState<u64>>,
    awaiting: bool,
}

impl Pinger {
    fn new(tx: Sender<u64>, rx: Receiver<u64>, rounds: u64, echo: bool) -> Pinger {
        Pinger { tx, rx, sent: 0, rounds, echo, sending: None, awaiting: false }
    }
}

impl Frame for Pinger {
    type Output = u64;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<u64> {
        loop {
            if let Some(st) = &mut self.sending {
                let r = st.poll(&self.tx, cx)?;
                self.sending = None;
                if r.is_err() {
                    return Some(self.sent);
                }
                self.sent += 1;
                self.awaiting = !self.echo;
            }
            if !self.echo && !self.awaiting {
                if self.sent == self.rounds {
                    return Some(self.sent);
                }
                self.sending = Some(SendState::new(self.sent));
                continue;
            }
            match self.rx.poll_recv(cx)? {
                Some(v) if self.echo => self.sending = Some(SendState::new(v)),
                Some(v) => {
                    assert_eq!(v + 1, self.sent);
                    self.awaiting = false;
                }
                None => return Some(self.sent),
            }
        }
    }
}

impl Drop for Pinger {
    fn drop(&mut self) {
        if let Some(st) = &mut self.sending {
            st.cancel(&self.tx);
        }
    }
}

/// Both ends spawned; the driver joins them.
#[repr(C)]
struct PingPongTasks {
    handles: Option<(Handle<u64>, Handle<u64>)>,
}

impl Frame for PingPongTasks {
    type Output = u64;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<u64> {
        let (ping, echo) = self.handles.get_or_insert_with(|| {
            let (tx_a, rx_a) = channel::<u64>(1);
            let (tx_b, rx_b) = channel::<u64>(1);
            (spawn(Pinger::new(tx_b, rx_a, MESSAGES / 2, false)), spawn(Pinger::new(tx_a, rx_b, 0, true)))
        });
        let n = ping.poll(cx)?.expect("pinger ok");
        echo.poll(cx)?.expect("echo ok");
        Some(n)
    }
}

/// The driver (main) is the pinger itself; only the echo is spawned.
#[repr(C)]
struct PingPongMain {
    state: Option<(Pinger, Handle<u64>)>,
    result: Option<u64>,
}

impl Frame for PingPongMain {
    type Output = u64;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<u64> {
        let (ping, echo) = self.state.get_or_insert_with(|| {
            let (tx_a, rx_a) = channel::<u64>(1);
            let (tx_b, rx_b) = channel::<u64>(1);
            (Pinger::new(tx_b, rx_a, MESSAGES / 2, false), spawn(Pinger::new(tx_a, rx_b, 0, true)))
        });
        if self.result.is_none() {
            self.result = Some(ping.poll(cx)?);
            // Dropping our ends lets the echo finish.
            let (tx, rx) = channel::<u64>(1);
            drop(std::mem::replace(&mut ping.tx, tx));
            drop(std::mem::replace(&mut ping.rx, rx));
        }
        echo.poll(cx)?.expect("echo ok");
        self.result
    }
}

const PRODUCERS: u32 = 8;

/// Sends `n` values then finishes; waits when the channel is full.
#[repr(C)]
struct Producer {
    tx: Sender<u64>,
    next: u64,
    n: u64,
    pending: Option<SendState<u64>>,
}

impl Frame for Producer {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        while self.next < self.n {
            let (tx, v) = (&self.tx, self.next);
            let st = self.pending.get_or_insert_with(|| SendState::new(v));
            st.poll(tx, cx)?.expect("receiver alive");
            self.pending = None;
            self.next += 1;
        }
        Some(())
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        if let Some(st) = &mut self.pending {
            st.cancel(&self.tx);
        }
    }
}

/// PRODUCERS spawned producers into one bounded channel (capacity 128), main receives everything.
#[repr(C)]
struct ManyProducers {
    rx: Option<Receiver<u64>>,
    sum: u64,
}

impl Frame for ManyProducers {
    type Output = u64;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<u64> {
        let rx = self.rx.get_or_insert_with(|| {
            let (tx, rx) = channel::<u64>(128);
            for _ in 0..PRODUCERS {
                let n = MESSAGES / PRODUCERS as u64;
                drop(spawn(Producer { tx: tx.clone(), next: 0, n, pending: None }));
            }
            rx
        });
        while let Some(v) = rx.poll_recv(cx)? {
            self.sum += v;
        }
        Some(self.sum)
    }
}

fn mpsc_sum() -> u64 {
    let n = MESSAGES / PRODUCERS as u64;
    PRODUCERS as u64 * n * (n - 1) / 2
}

/// Runs `main` as a task on the workers (what `aether_rt_main_async` does) and waits for it.
fn aether_main<F: Frame>(main: F) -> F::Output
where
    F::Output: Send + 'static,
{
    block_on(Join(spawn(main))).expect("main task ok")
}

fn run_aether(bench: &str) {
    match bench {
        "spawn" => aether_main(SpawnJoin { handles: Vec::with_capacity(TASKS), next: 0, spawned: false }),
        "sleep" => aether_main(Sleepers { handles: Vec::with_capacity(SLEEPERS), next: 0, spawned: false }),
        "pingpong" => assert_eq!(aether_main(PingPongTasks { handles: None }), MESSAGES / 2),
        "pingpong-main" => assert_eq!(aether_main(PingPongMain { state: None, result: None }), MESSAGES / 2),
        "mpsc" => assert_eq!(aether_main(ManyProducers { rx: None, sum: 0 }), mpsc_sum()),
        _ => panic!("unknown bench {bench}"),
    }
}

// --- Tokio's side: idiomatic async Rust -----------------------------------------------------------------

async fn tokio_spawn_join() {
    let mut handles = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        handles.push(tokio::spawn(async {}));
    }
    for h in handles {
        h.await.unwrap();
    }
}

async fn tokio_sleepers() {
    let mut handles = Vec::with_capacity(SLEEPERS);
    for _ in 0..SLEEPERS {
        handles.push(tokio::spawn(async { tokio::time::sleep(Duration::from_secs(1)).await }));
    }
    for h in handles {
        h.await.unwrap();
    }
}

fn tokio_channels() -> (impl std::future::Future<Output = u64>, tokio::task::JoinHandle<()>) {
    let (tx_a, mut rx_a) = tokio::sync::mpsc::channel::<u64>(1);
    let (tx_b, mut rx_b) = tokio::sync::mpsc::channel::<u64>(1);
    let echo = tokio::spawn(async move {
        while let Some(v) = rx_b.recv().await {
            if tx_a.send(v).await.is_err() {
                break;
            }
        }
    });
    let ping = async move {
        for i in 0..MESSAGES / 2 {
            tx_b.send(i).await.unwrap();
            assert_eq!(rx_a.recv().await, Some(i));
        }
        MESSAGES / 2
    };
    (ping, echo)
}

async fn tokio_many_producers() -> u64 {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(128);
    for _ in 0..PRODUCERS {
        let tx = tx.clone();
        tokio::spawn(async move {
            for v in 0..MESSAGES / PRODUCERS as u64 {
                tx.send(v).await.unwrap();
            }
        });
    }
    drop(tx);
    let mut sum = 0;
    while let Some(v) = rx.recv().await {
        sum += v;
    }
    sum
}

fn run_tokio(bench: &str, workers: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_time().build().unwrap();
    match bench {
        // #[tokio::main] style: the driving future runs in block_on, on the main thread.
        "spawn" => rt.block_on(tokio_spawn_join()),
        "spawn-in-task" => rt.block_on(async { tokio::spawn(tokio_spawn_join()).await.unwrap() }),
        "sleep" => rt.block_on(tokio_sleepers()),
        "sleep-in-task" => rt.block_on(async { tokio::spawn(tokio_sleepers()).await.unwrap() }),
        "pingpong" => rt.block_on(async {
            let (ping, echo) = tokio_channels();
            assert_eq!(tokio::spawn(ping).await.unwrap(), MESSAGES / 2);
            echo.await.unwrap();
        }),
        "pingpong-main" => rt.block_on(async {
            let (ping, echo) = tokio_channels();
            assert_eq!(ping.await, MESSAGES / 2);
            echo.await.unwrap();
        }),
        "mpsc" => assert_eq!(rt.block_on(tokio_many_producers()), mpsc_sum()),
        "mpsc-in-task" => {
            assert_eq!(rt.block_on(async { tokio::spawn(tokio_many_producers()).await.unwrap() }), mpsc_sum())
        }
        _ => panic!("unknown bench {bench}"),
    }
}

// --- Measurement ----------------------------------------------------------------------------------------

/// A field of /proc/self/status in KiB (VmHWM: peak RSS, VmRSS: current).
fn status_kib(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

fn child(bench: &str, side: &str, workers: usize) {
    let base = status_kib("VmRSS:");
    let start = Instant::now();
    match side {
        "aether" => run_aether(bench),
        "tokio" => run_tokio(bench, workers),
        _ => panic!("unknown side {side}"),
    }
    let secs = start.elapsed().as_secs_f64();
    println!("secs={secs} peak_kib={} base_kib={base}", status_kib("VmHWM:"));
}

struct Measure {
    secs: f64,
    peak_mib: f64,
}

fn measure(bench: &str, side: &str, workers: usize, runs: usize) -> Measure {
    let exe = std::env::current_exe().unwrap();
    let mut best: Option<Measure> = None;
    for _ in 0..runs {
        let out = Command::new(&exe)
            .args(["child", bench, side])
            .env("AETHER_WORKERS", workers.to_string())
            .output()
            .expect("run child");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{bench}/{side} failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
        let field = |k: &str| -> f64 {
            text.split_whitespace().find_map(|w| w.strip_prefix(k)?.parse().ok()).expect("child result")
        };
        let m = Measure { secs: field("secs="), peak_mib: field("peak_kib=") / 1024.0 };
        if best.as_ref().is_none_or(|b| m.secs < b.secs) {
            best = Some(m);
        }
    }
    best.unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let workers = std::env::var("AETHER_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if args.len() == 4 && args[1] == "child" {
        return child(&args[2], &args[3], workers);
    }
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    println!("AetherLang runtime vs Tokio (version in Cargo.lock), {workers} workers each, best of {runs} (sleepers: 1 run)\n");
    println!("{:<66} {:>12} {:>12} {:>8}", "benchmark", "aether", "tokio", "ratio");
    let row = |name: &str, ours: f64, theirs: f64, unit: &str| {
        println!("{name:<66} {:>9.3} {unit:<2} {:>9.3} {unit:<2} {:>7.2}x", ours, theirs, theirs / ours);
    };

    let a = measure("spawn", "aether", workers, runs);
    let t = measure("spawn", "tokio", workers, runs);
    let tt = measure("spawn-in-task", "tokio", workers, runs);
    row("spawn+join 1M tasks (tokio: driver in block_on)", a.secs, t.secs, "s");
    row("spawn+join 1M tasks (tokio: driver in a spawned task)", a.secs, tt.secs, "s");

    let a = measure("sleep", "aether", workers, 1);
    let t = measure("sleep", "tokio", workers, 1);
    let tt = measure("sleep-in-task", "tokio", workers, 1);
    row("1M tasks sleeping 1 s: peak RSS (tokio: block_on)", a.peak_mib, t.peak_mib, "MiB");
    row("1M tasks sleeping 1 s: peak RSS (tokio: in a task)", a.peak_mib, tt.peak_mib, "MiB");
    row("1M tasks sleeping 1 s: wall time (tokio: block_on)", a.secs, t.secs, "s");
    row("1M tasks sleeping 1 s: wall time (tokio: in a task)", a.secs, tt.secs, "s");

    let a = measure("pingpong", "aether", workers, runs);
    let t = measure("pingpong", "tokio", workers, runs);
    row("ping-pong 1M messages, both ends spawned tasks", a.secs, t.secs, "s");
    let a = measure("pingpong-main", "aether", workers, runs);
    let t = measure("pingpong-main", "tokio", workers, 1);
    row("ping-pong 1M messages, one end is main (#[tokio::main])", a.secs, t.secs, "s");
    let a = measure("mpsc", "aether", workers, runs);
    let t = measure("mpsc", "tokio", workers, runs);
    let tt = measure("mpsc-in-task", "tokio", workers, runs);
    row("8 producers -> 1 consumer, 1M messages, capacity 128 (block_on)", a.secs, t.secs, "s");
    row("8 producers -> 1 consumer, 1M messages, capacity 128 (in a task)", a.secs, tt.secs, "s");
    println!("\nratio = tokio / aether: above 1 means the AetherLang runtime is faster or smaller");
}
