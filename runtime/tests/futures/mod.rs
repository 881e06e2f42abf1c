//! Hand-written "compiled-like" futures for the async tests: each future is a `#[repr(C)]` frame with a
//! static `AetherFutureVTable` whose `poll`, `drop_frame` and `drop_output` are `extern "C-unwind"`
//! functions over raw pointers, used through the C ABI exactly as generated code uses it (construct the
//! frame in place in the task, spawn, poll join handles, register wakers and timer entries).
//!
//! Invariants: a frame's Rust `Drop` is its `drop_frame` (the state-dependent drops the compiler would
//! generate: a held join handle is dropped, a linked timer entry cancelled); it runs when the frame is
//! cancelled, inside the poll that returns ready (a finished compiled frame holds nothing), and after a
//! poll unwound (the runtime drops a task's poisoned frame; a compiled frame's landing pads would have
//! dropped its locals by then, leaving `drop_frame` only its heap blocks to free, and these frames
//! keep everything for that one drop); `poll` is never called again after it returned true or unwound,
//! as the compiler guarantees.

#![allow(dead_code)]

use std::marker::PhantomData;
use std::mem::{align_of, needs_drop, size_of, MaybeUninit};

use aether_runtime::chan::*;
use aether_runtime::exec::aether_rt_block_on;
use aether_runtime::task::*;
use aether_runtime::timer::*;
use aether_runtime::waker::*;

/// A compiled-like future: a frame type with a poll function.
pub trait Frame: Sized + Send + 'static {
    type Output;
    /// Polls; Some when ready.
    fn poll(&mut self, cx: *mut AetherContext) -> Option<Self::Output>;
}

unsafe extern "C-unwind" fn poll_shim<F: Frame>(frame: *mut u8, cx: *mut AetherContext, out: *mut u8) -> bool {
    let r = unsafe { &mut *(frame as *mut F) }.poll(cx);
    match r {
        Some(v) => {
            // A finished compiled frame has dropped all its locals: nothing is left for drop_frame.
            unsafe {
                std::ptr::drop_in_place(frame as *mut F);
                (out as *mut F::Output).write(v);
            }
            true
        }
        None => false,
    }
}

unsafe extern "C-unwind" fn drop_frame_shim<F>(frame: *mut u8) {
    unsafe { std::ptr::drop_in_place(frame as *mut F) }
}

unsafe extern "C-unwind" fn drop_output_shim<O>(out: *mut u8) {
    unsafe { std::ptr::drop_in_place(out as *mut O) }
}

struct VTableOf<F>(PhantomData<F>);

impl<F: Frame> VTableOf<F> {
    const VT: AetherFutureVTable = AetherFutureVTable {
        poll: poll_shim::<F>,
        drop_frame: if needs_drop::<F>() { Some(drop_frame_shim::<F>) } else { None },
        drop_output: if needs_drop::<F::Output>() { Some(drop_output_shim::<F::Output>) } else { None },
        frame_size: size_of::<F>(),
        frame_align: align_of::<F>(),
        output_size: size_of::<F::Output>(),
        output_align: align_of::<F::Output>(),
    };
}

/// The static vtable of frame type F (what the compiler emits per future type).
pub fn vtable<F: Frame>() -> &'static AetherFutureVTable {
    &VTableOf::<F>::VT
}

/// An owned join handle (its Rust drop is aether_rt_join_drop).
pub struct Handle<O> {
    raw: *mut AetherTask,
    _out: PhantomData<O>,
}

unsafe impl<O> Send for Handle<O> {}

/// A join result: Ok(output) or Err(AETHER_JOIN_PANICKED / AETHER_JOIN_CANCELLED).
pub type JoinResult<O> = Result<O, u32>;

impl<O> Handle<O> {
    /// aether_rt_join_poll.
    pub fn poll(&mut self, cx: *mut AetherContext) -> Option<JoinResult<O>> {
        let mut out = MaybeUninit::<O>::uninit();
        match unsafe { aether_rt_join_poll(self.raw, cx, out.as_mut_ptr().cast()) } {
            POLL_PENDING => None,
            JOIN_OK => Some(Ok(unsafe { out.assume_init() })),
            e => Some(Err(e)),
        }
    }

    pub fn abort(&self) {
        unsafe { aether_rt_join_abort(self.raw) }
    }

    pub fn is_finished(&self) -> bool {
        unsafe { aether_rt_join_is_finished(self.raw) }
    }

    pub fn raw(&self) -> *mut AetherTask {
        self.raw
    }
}

impl<O> Drop for Handle<O> {
    fn drop(&mut self) {
        unsafe { aether_rt_join_drop(self.raw) }
    }
}

/// Spawns frame `f` as the compiler does: allocate the task, construct the frame in place, spawn.
pub fn spawn<F: Frame>(f: F) -> Handle<F::Output> {
    spawn_with(f, |t| unsafe { aether_rt_task_spawn(t) })
}

pub fn spawn_priority<F: Frame>(f: F, priority: u32) -> Handle<F::Output> {
    spawn_with(f, |t| unsafe { aether_rt_task_spawn_priority(t, priority) })
}

pub fn spawn_blocking<F: Frame>(f: F) -> Handle<F::Output> {
    spawn_with(f, |t| unsafe { aether_rt_task_spawn_blocking(t) })
}

fn spawn_with<F: Frame>(f: F, go: impl FnOnce(*mut AetherTask) -> *mut AetherTask) -> Handle<F::Output> {
    unsafe {
        let t = aether_rt_task_new(vtable::<F>());
        (aether_rt_task_frame(t) as *mut F).write(f);
        Handle { raw: go(t), _out: PhantomData }
    }
}

/// Runs frame `f` on this thread with aether_rt_block_on.
pub fn block_on<F: Frame>(mut f: F) -> F::Output {
    let mut out = MaybeUninit::<F::Output>::uninit();
    unsafe { aether_rt_block_on(vtable::<F>(), (&mut f as *mut F).cast(), out.as_mut_ptr().cast()) };
    // The frame finished: nothing left to drop (as after a compiled future returns).
    std::mem::forget(f);
    unsafe { out.assume_init() }
}

/// The waker of a context.
pub fn waker(cx: *mut AetherContext) -> &'static AetherWaker {
    unsafe { &(*cx).waker }
}

// --- Frames ---------------------------------------------------------------------------------------------

/// `async { value }`.
#[repr(C)]
pub struct Ready<T>(pub Option<T>);

impl<T: Send + 'static> Frame for Ready<T> {
    type Output = T;
    fn poll(&mut self, _: *mut AetherContext) -> Option<T> {
        Some(self.0.take().expect("polled after completion"))
    }
}

/// `async { f() }` for a closure (the closure runs at the first poll).
#[repr(C)]
pub struct Call<C>(pub Option<C>);

impl<T, C: FnOnce() -> T + Send + 'static> Frame for Call<C> {
    type Output = T;
    fn poll(&mut self, _: *mut AetherContext) -> Option<T> {
        Some((self.0.take().expect("polled after completion"))())
    }
}

/// `sleep_until(deadline)`: the runtime's intrusive timer entry lives in the frame.
#[repr(C)]
pub struct Sleep {
    pub deadline: u64,
    pub entry: AetherTimerEntry,
}

impl Sleep {
    pub fn new(nanos: u64) -> Sleep {
        Sleep::until(aether_rt_now_nanos() + nanos)
    }

    pub fn until(deadline: u64) -> Sleep {
        // Zero-initialised = an idle entry, as the compiler builds it.
        Sleep { deadline, entry: unsafe { std::mem::zeroed() } }
    }
}

impl Frame for Sleep {
    type Output = ();
    fn poll(&mut self, cx: *mut AetherContext) -> Option<()> {
        unsafe { aether_rt_timer_poll(&mut self.entry, self.deadline, cx) }.then_some(())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        unsafe { aether_rt_timer_cancel(&mut self.entry) }
    }
}

/// `yield_now()` n times, then `value`.
#[repr(C)]
pub struct YieldN<T> {
    pub left: u32,
    pub value: Option<T>,
}

impl<T: Send + 'static> Frame for YieldN<T> {
    type Output = T;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<T> {
        if self.left == 0 {
            return self.value.take();
        }
        self.left -= 1;
        unsafe { aether_rt_waker_wake_by_ref(waker(cx)) };
        None
    }
}

/// Awaits a join handle (`h.await`).
#[repr(C)]
pub struct Join<O>(pub Handle<O>);

impl<O: Send + 'static> Frame for Join<O> {
    type Output = JoinResult<O>;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<JoinResult<O>> {
        self.0.poll(cx)
    }
}

/// Awaits every handle in order (`for h in handles { out.push(h.await) }`).
#[repr(C)]
pub struct JoinAll<O> {
    pub handles: Vec<Handle<O>>,
    pub next: usize,
    pub results: Vec<JoinResult<O>>,
}

impl<O> JoinAll<O> {
    pub fn new(handles: Vec<Handle<O>>) -> JoinAll<O> {
        let n = handles.len();
        JoinAll { handles, next: 0, results: Vec::with_capacity(n) }
    }
}

impl<O: Send + 'static> Frame for JoinAll<O> {
    type Output = Vec<JoinResult<O>>;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<Self::Output> {
        while self.next < self.handles.len() {
            match self.handles[self.next].poll(cx) {
                Some(r) => {
                    self.results.push(r);
                    self.next += 1;
                }
                None => return None,
            }
        }
        Some(std::mem::take(&mut self.results))
    }
}

/// A future that polls a boxed closure until it returns Some: quick ad-hoc state machines in tests.
pub struct PollFn<T>(pub Box<dyn FnMut(*mut AetherContext) -> Option<T> + Send>);

impl<T: Send + 'static> Frame for PollFn<T> {
    type Output = T;
    fn poll(&mut self, cx: *mut AetherContext) -> Option<T> {
        (self.0)(cx)
    }
}

pub fn poll_fn<T>(f: impl FnMut(*mut AetherContext) -> Option<T> + Send + 'static) -> PollFn<T> {
    PollFn(Box::new(f))
}

// --- Channels -------------------------------------------------------------------------------------------

/// A typed view of a runtime channel handle (sender or receiver).
pub struct Chan<T> {
    pub raw: *mut AetherChannel,
    _t: PhantomData<T>,
}

unsafe impl<T: Send> Send for Chan<T> {}

unsafe extern "C-unwind" fn drop_elem<T>(p: *mut u8) {
    unsafe { std::ptr::drop_in_place(p as *mut T) }
}

/// channel::bounded(cap) (cap = UNBOUNDED for unbounded): (sender, receiver).
pub fn channel<T: Send>(cap: usize) -> (Sender<T>, Receiver<T>) {
    let d: Option<unsafe extern "C-unwind" fn(*mut u8)> = if needs_drop::<T>() { Some(drop_elem::<T>) } else { None };
    let raw = aether_rt_chan_new(cap, size_of::<T>(), align_of::<T>(), d);
    (Sender(Chan { raw, _t: PhantomData }), Receiver(Chan { raw, _t: PhantomData }))
}

pub struct Sender<T>(pub Chan<T>);
pub struct Receiver<T>(pub Chan<T>);

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        unsafe { aether_rt_chan_sender_clone(self.0.raw) };
        Sender(Chan { raw: self.0.raw, _t: PhantomData })
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        unsafe { aether_rt_chan_sender_drop(self.0.raw) }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        unsafe { aether_rt_chan_receiver_drop(self.0.raw) }
    }
}

/// The poll state of one `send(v).await`: the value and the waiter live in the caller's frame.
#[repr(C)]
pub struct SendState<T> {
    pub value: MaybeUninit<T>,
    pub has_value: bool,
    pub waiter: AetherChanWaiter,
}

impl<T> SendState<T> {
    pub fn new(v: T) -> SendState<T> {
        SendState { value: MaybeUninit::new(v), has_value: true, waiter: unsafe { std::mem::zeroed() } }
    }

    /// Some(Ok) sent, Some(Err(v)) closed, None pending.
    pub fn poll(&mut self, tx: &Sender<T>, cx: *mut AetherContext) -> Option<Result<(), T>> {
        assert!(self.has_value, "send polled after completion");
        match unsafe { aether_rt_chan_send(tx.0.raw, &mut self.waiter, self.value.as_ptr().cast(), cx) } {
            CHAN_READY => {
                self.has_value = false;
                Some(Ok(()))
            }
            CHAN_CLOSED => {
                self.has_value = false;
                Some(Err(unsafe { self.value.assume_init_read() }))
            }
            _ => None,
        }
    }

    /// What the drop of a pending send future does.
    pub fn cancel(&mut self, tx: &Sender<T>) {
        unsafe { aether_rt_chan_send_cancel(tx.0.raw, &mut self.waiter) };
        if self.has_value {
            self.has_value = false;
            unsafe { self.value.assume_init_drop() };
        }
    }
}

impl<T> Receiver<T> {
    /// The poll of `recv()`: Some(Some(v)), Some(None) when closed, None pending.
    pub fn poll_recv(&mut self, cx: *mut AetherContext) -> Option<Option<T>> {
        let mut out = MaybeUninit::<T>::uninit();
        match unsafe { aether_rt_chan_recv(self.0.raw, out.as_mut_ptr().cast(), cx) } {
            CHAN_READY => Some(Some(unsafe { out.assume_init() })),
            CHAN_CLOSED => Some(None),
            _ => None,
        }
    }
}

// --- A waker for driving polls by hand ------------------------------------------------------------------

/// A waker that counts its wakes: data points to a leaked AtomicUsize.
pub mod counting {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aether_runtime::waker::{AetherWaker, AetherWakerVTable};

    unsafe extern "C" fn clone(data: *const (), out: *mut AetherWaker) {
        unsafe { out.write(AetherWaker { data, vtable: &VT }) }
    }
    unsafe extern "C" fn wake(data: *const ()) {
        unsafe { &*(data as *const AtomicUsize) }.fetch_add(1, Ordering::SeqCst);
    }
    unsafe extern "C" fn noop(_: *const ()) {}

    static VT: AetherWakerVTable = AetherWakerVTable { clone, wake, wake_by_ref: wake, drop: noop };

    /// A waker counting into a fresh counter, and the counter.
    pub fn new() -> (AetherWaker, &'static AtomicUsize) {
        let c: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
        (AetherWaker { data: c as *const AtomicUsize as *const (), vtable: &VT }, c)
    }
}
