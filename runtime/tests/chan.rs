//! Channels through the C ABI: ping-pong between two tasks, many producers into a small bounded
//! channel (per-producer order kept), closing from either side, element drops, try_send/try_recv,
//! unbounded growth, zero-size elements, and the hand-off of a wake-up from a cancelled waiting sender.

mod futures;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aether_runtime::chan::UNBOUNDED;
use aether_runtime::waker::*;
use futures::*;

/// Sends `n` values then finishes; waits when the channel is full.
#[repr(C)]
struct Producer {
    tx: Sender<(u32, u32)>,
    id: u32,
    next: u32,
    n: u32,
    pending: Option<SendState<(u32, u32)>>,
}

impl Frame for Producer {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        while self.next < self.n {
            let (tx, id, next) = (&self.tx, self.id, self.next);
            let st = self.pending.get_or_insert_with(|| SendState::new((id, next)));
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

#[test]
fn many_producers_into_a_small_bounded_channel() {
    const P: u32 = 8;
    const N: u32 = 3000;
    let (tx, mut rx) = channel::<(u32, u32)>(4);
    let producers: Vec<_> =
        (0..P).map(|id| spawn(Producer { tx: tx.clone(), id, next: 0, n: N, pending: None })).collect();
    drop(tx);
    let mut last = vec![None::<u32>; P as usize];
    let mut count = 0;
    let consumer = spawn(poll_fn(move |cx| loop {
        match rx.poll_recv(cx)? {
            Some((id, v)) => {
                let prev = last[id as usize].replace(v);
                assert_eq!(prev.map_or(0, |p| p + 1), v, "producer {id} out of order");
                count += 1;
            }
            None => return Some(count),
        }
    }));
    assert_eq!(block_on(Join(consumer)), Ok(P * N));
    for r in block_on(JoinAll::new(producers)) {
        r.unwrap();
    }
}

/// One end of a ping-pong: sends i, waits for the reply i (or echoes).
#[repr(C)]
struct Pinger {
    tx: Sender<u64>,
    rx: Receiver<u64>,
    left: u64,
    echo: bool,
    sending: Option<SendState<u64>>,
}

impl Frame for Pinger {
    type Output = u64;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<u64> {
        loop {
            if let Some(st) = &mut self.sending {
                let sent = st.poll(&self.tx, cx)?;
                self.sending = None;
                if sent.is_err() {
                    return Some(self.left); // the peer finished
                }
                if !self.echo {
                    self.left -= 1;
                    if self.left == 0 {
                        return Some(0);
                    }
                }
            }
            match self.rx.poll_recv(cx)? {
                Some(v) => self.sending = Some(SendState::new(v + 1)),
                None => return Some(self.left),
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

#[test]
fn ping_pong_between_two_tasks() {
    const ROUNDS: u64 = 20_000;
    let (tx_a, rx_a) = channel::<u64>(1);
    let (tx_b, rx_b) = channel::<u64>(1);
    // Prime the pinger's inbox so both sides just echo-increment; the pinger counts rounds.
    let mut prime = SendState::new(0u64);
    assert_eq!(prime.poll(&tx_a, std::ptr::null_mut()), Some(Ok(())));
    let pinger = spawn(Pinger { tx: tx_b, rx: rx_a, left: ROUNDS, echo: false, sending: None });
    let echo = spawn(Pinger { tx: tx_a, rx: rx_b, left: 0, echo: true, sending: None });
    assert_eq!(block_on(Join(pinger)), Ok(0));
    // The pinger dropped its channels: the echo sees its inbox close.
    assert_eq!(block_on(Join(echo)), Ok(0));
}

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn closing_from_either_side() {
    // All senders gone: buffered values still come out, then None.
    let (tx, mut rx) = channel::<u32>(8);
    let tx2 = tx.clone();
    for v in [1, 2] {
        assert_eq!(SendState::new(v).poll(&tx2, std::ptr::null_mut()), Some(Ok(())));
    }
    drop(tx);
    drop(tx2);
    let got = block_on(poll_fn(move |cx| {
        let mut v = Vec::new();
        while let Some(x) = rx.poll_recv(cx)? {
            v.push(x);
        }
        Some(v)
    }));
    assert_eq!(got, vec![1, 2]);

    // Receiver gone: send returns the value, buffered elements were dropped exactly once.
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = channel::<Counted>(4);
    for _ in 0..3 {
        assert!(SendState::new(Counted(drops.clone())).poll(&tx, std::ptr::null_mut()).unwrap().is_ok());
    }
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 3);
    let back = SendState::new(Counted(drops.clone())).poll(&tx, std::ptr::null_mut()).unwrap();
    let Err(value) = back else { panic!("send after the receiver dropped must fail") };
    assert_eq!(drops.load(Ordering::SeqCst), 3, "the refused value is handed back, not dropped");
    drop(value);
    assert_eq!(drops.load(Ordering::SeqCst), 4);
}

#[test]
fn a_receiver_drop_wakes_waiting_senders_which_get_closed() {
    let (tx, rx) = channel::<u8>(1);
    let (w, woken) = counting::new();
    let mut cx = std::mem::ManuallyDrop::new(AetherContext { waker: w });
    assert_eq!(SendState::new(1).poll(&tx, &mut *cx), Some(Ok(())));
    let mut waiting = SendState::new(2);
    assert_eq!(waiting.poll(&tx, &mut *cx), None);
    drop(rx);
    assert_eq!(woken.load(Ordering::SeqCst), 1);
    assert_eq!(waiting.poll(&tx, &mut *cx), Some(Err(2)));
}

#[test]
fn a_cancelled_notified_sender_passes_the_wake_up_on() {
    let (tx, mut rx) = channel::<u8>(1);
    let (wa, ca) = counting::new();
    let (wb, cb) = counting::new();
    let mut cxa = std::mem::ManuallyDrop::new(AetherContext { waker: wa });
    let mut cxb = std::mem::ManuallyDrop::new(AetherContext { waker: wb });
    assert_eq!(SendState::new(0).poll(&tx, std::ptr::null_mut()), Some(Ok(())));
    let mut a = SendState::new(1);
    let mut b = SendState::new(2);
    assert_eq!(a.poll(&tx, &mut *cxa), None);
    assert_eq!(b.poll(&tx, &mut *cxb), None);
    // A slot frees: the first waiter (a) is woken, not b.
    assert_eq!(rx.poll_recv(std::ptr::null_mut()), Some(Some(0)));
    assert_eq!((ca.load(Ordering::SeqCst), cb.load(Ordering::SeqCst)), (1, 0));
    // a is dropped without sending: its wake-up goes to b, which can send.
    a.cancel(&tx);
    assert_eq!(cb.load(Ordering::SeqCst), 1);
    assert_eq!(b.poll(&tx, &mut *cxb), Some(Ok(())));
    assert_eq!(rx.poll_recv(std::ptr::null_mut()), Some(Some(2)));
    // Cancelling a waiter that is still queued just unlinks it.
    let mut c = SendState::new(3);
    let mut d = SendState::new(4);
    assert_eq!(c.poll(&tx, std::ptr::null_mut()), Some(Ok(())));
    assert_eq!(d.poll(&tx, &mut *cxa), None);
    d.cancel(&tx);
    assert_eq!(rx.poll_recv(std::ptr::null_mut()), Some(Some(3)));
    assert_eq!(ca.load(Ordering::SeqCst), 1, "a cancelled waiter is not woken");
}

#[test]
fn try_operations_and_len() {
    let (tx, mut rx) = channel::<u16>(2);
    assert_eq!(rx.poll_recv(std::ptr::null_mut()), None, "try_recv on empty");
    assert_eq!(SendState::new(1).poll(&tx, std::ptr::null_mut()), Some(Ok(())));
    assert_eq!(SendState::new(2).poll(&tx, std::ptr::null_mut()), Some(Ok(())));
    assert_eq!(SendState::new(3).poll(&tx, std::ptr::null_mut()), None, "try_send on full");
    assert_eq!(unsafe { aether_runtime::chan::aether_rt_chan_len(rx.0.raw) }, 2);
    assert_eq!(rx.poll_recv(std::ptr::null_mut()), Some(Some(1)));
}

#[test]
fn unbounded_channels_grow_and_keep_order_across_wraps() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = channel::<(u32, Counted)>(UNBOUNDED);
    let mut expect = 0;
    // Interleave sends and receives so the ring wraps while it grows.
    for round in 0..50u32 {
        for i in 0..(round * 7) {
            let v = (round * 1000 + i, Counted(drops.clone()));
            assert!(SendState::new(v).poll(&tx, std::ptr::null_mut()).unwrap().is_ok());
        }
        for _ in 0..(round * 5) {
            let (v, _) = rx.poll_recv(std::ptr::null_mut()).unwrap().unwrap();
            assert!(v >= expect);
            expect = v;
        }
    }
    let left = unsafe { aether_runtime::chan::aether_rt_chan_len(rx.0.raw) };
    let received = drops.load(Ordering::SeqCst);
    drop(tx);
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), received + left, "buffered elements dropped once");
}

#[test]
fn zero_size_elements() {
    let (tx, mut rx) = channel::<()>(3);
    for _ in 0..3 {
        assert_eq!(SendState::new(()).poll(&tx, std::ptr::null_mut()), Some(Ok(())));
    }
    assert_eq!(SendState::new(()).poll(&tx, std::ptr::null_mut()), None);
    drop(tx);
    let n = block_on(poll_fn(move |cx| {
        let mut n = 0;
        while rx.poll_recv(cx)?.is_some() {
            n += 1;
        }
        Some(n)
    }));
    assert_eq!(n, 3);
}
