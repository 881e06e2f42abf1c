//! Channels: a multi-producer single-consumer queue over opaque elements (`aether_rt_chan_*`), bounded
//! or unbounded, with poll-style send and receive. Elements are moved in and out by memcpy; the channel
//! knows their size, alignment and drop function.
//!
//! One allocation holds the channel; the ring buffer is a second one, grown by doubling up to the
//! capacity as it fills. Sender and receiver handles are the channel pointer itself: senders are counted
//! (cloning a sender is one atomic add), there is one receiver. The channel is freed when the last sender
//! and the receiver are both gone.
//!
//! A sender that finds the channel full waits in an intrusive FIFO list through an `AetherChanWaiter`
//! inside its send future's frame (no allocation per wait). Each received element wakes the first waiter
//! (marking it NOTIFIED and unlinking it); a notified waiter cancelled before it sent passes the wake-up
//! on, so no free slot is left with senders asleep.
//!
//! Invariants: everything except the sender count is behind the channel's mutex; waiter fields belong to
//! the channel while the waiter is QUEUED or NOTIFIED, and only its owner moves it out of IDLE, so the
//! owner may read IDLE without the lock. Wakers are woken or dropped, and elements dropped, after the
//! mutex is released (an element may be a sender of this very channel).

use std::alloc::Layout;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use parking_lot::Mutex;

use crate::waker::{AetherContext, AetherWaker};

/// Results of send and recv (`AETHER_POLL_PENDING` is 0).
pub const CHAN_PENDING: u32 = 0;
/// The value was moved in (send) or out (recv).
pub const CHAN_READY: u32 = 1;
/// send: the receiver is gone (the value was not taken). recv: every sender is gone and the buffer is empty.
pub const CHAN_CLOSED: u32 = 2;

/// The capacity that makes a channel unbounded.
pub const UNBOUNDED: usize = usize::MAX;

const WAITER_IDLE: u32 = 0;
const WAITER_QUEUED: u32 = 1;
const WAITER_NOTIFIED: u32 = 2;

/// A waiting sender, inside the send future's frame. Layout (40 bytes, align 8): next at 0, prev at 8,
/// waker at 16, state at 32, reserved at 36. Zero-initialised = idle.
#[repr(C)]
pub struct AetherChanWaiter {
    next: *mut AetherChanWaiter,
    prev: *mut AetherChanWaiter,
    waker: AetherWaker,
    state: AtomicU32,
    reserved: u32,
}

// SAFETY: an idle waiter is plain data owned by its frame; a queued or notified one is only touched under
// the channel's lock.
unsafe impl Send for AetherChanWaiter {}
unsafe impl Sync for AetherChanWaiter {}

/// The channel (opaque to compiled code).
pub struct AetherChannel {
    inner: Mutex<Inner>,
    senders: AtomicUsize,
    /// 2 while senders and receiver both live: one for all senders, one for the receiver.
    refs: AtomicUsize,
    capacity: usize,
    elem_size: usize,
    elem_align: usize,
    drop_elem: Option<unsafe extern "C-unwind" fn(*mut u8)>,
}

struct Inner {
    buf: *mut u8,
    /// Slots in `buf` (usize::MAX for zero-size elements, which need no storage).
    buf_cap: usize,
    head: usize,
    len: usize,
    rx_waker: AetherWaker,
    first: *mut AetherChanWaiter,
    last: *mut AetherChanWaiter,
    rx_closed: bool,
    tx_closed: bool,
}

// SAFETY: the raw pointers are only followed under the mutex; elements are required to be Send.
unsafe impl Send for Inner {}
// SAFETY: shared access goes through the mutex and atomics.
unsafe impl Sync for AetherChannel {}
unsafe impl Send for AetherChannel {}

impl AetherChannel {
    fn slot(&self, inner: &Inner, i: usize) -> *mut u8 {
        if self.elem_size == 0 {
            return std::ptr::without_provenance_mut(self.elem_align);
        }
        // SAFETY: the index is reduced into the buffer.
        unsafe { inner.buf.add(((inner.head + i) % inner.buf_cap) * self.elem_size) }
    }

    fn buf_layout(&self, slots: usize) -> Layout {
        match Layout::from_size_align(slots * self.elem_size, self.elem_align) {
            Ok(l) => l,
            Err(_) => crate::process::fatal("channel buffer too large"),
        }
    }

    /// Makes room for one more element (the caller checked the capacity).
    fn grow(&self, inner: &mut Inner) {
        if self.elem_size == 0 || inner.len < inner.buf_cap {
            return;
        }
        let new_cap = (inner.buf_cap * 2).max(4).min(self.capacity);
        let layout = self.buf_layout(new_cap);
        // SAFETY: a non-zero size (elem_size > 0, new_cap >= 1).
        let new = unsafe { std::alloc::alloc(layout) };
        if new.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        if inner.buf_cap > 0 {
            // Copy the ring in order: from head to the end, then the wrapped part.
            let first = (inner.buf_cap - inner.head).min(inner.len);
            // SAFETY: both ranges lie inside the old buffer and the new one is large enough.
            unsafe {
                std::ptr::copy_nonoverlapping(inner.buf.add(inner.head * self.elem_size), new, first * self.elem_size);
                std::ptr::copy_nonoverlapping(
                    inner.buf,
                    new.add(first * self.elem_size),
                    (inner.len - first) * self.elem_size,
                );
                std::alloc::dealloc(inner.buf, self.buf_layout(inner.buf_cap));
            }
        }
        inner.buf = new;
        inner.buf_cap = new_cap;
        inner.head = 0;
    }

    /// Unlinks queued waiter `w`.
    ///
    /// # Safety
    /// `w` must be queued in this channel.
    unsafe fn unlink(inner: &mut Inner, w: *mut AetherChanWaiter) {
        // SAFETY: guaranteed by the caller; neighbours are queued, hence valid.
        unsafe {
            let (prev, next) = ((*w).prev, (*w).next);
            if prev.is_null() {
                inner.first = next;
            } else {
                (*prev).next = next;
            }
            if next.is_null() {
                inner.last = prev;
            } else {
                (*next).prev = prev;
            }
            (*w).next = std::ptr::null_mut();
            (*w).prev = std::ptr::null_mut();
        }
    }

    /// Queues waiter `w` at the back, or at the front when it had been notified (it keeps its turn).
    ///
    /// # Safety
    /// `w` must be valid and not queued.
    unsafe fn enqueue(inner: &mut Inner, w: *mut AetherChanWaiter, front: bool) {
        // SAFETY: guaranteed by the caller; queued waiters are valid.
        unsafe {
            if front {
                (*w).prev = std::ptr::null_mut();
                (*w).next = inner.first;
                if inner.first.is_null() {
                    inner.last = w;
                } else {
                    (*inner.first).prev = w;
                }
                inner.first = w;
            } else {
                (*w).next = std::ptr::null_mut();
                (*w).prev = inner.last;
                if inner.last.is_null() {
                    inner.first = w;
                } else {
                    (*inner.last).next = w;
                }
                inner.last = w;
            }
            (*w).state.store(WAITER_QUEUED, Ordering::Relaxed);
        }
    }

    /// When a slot is free and a sender waits: notifies the first waiter, returning its waker.
    fn notify_one_sender(&self, inner: &mut Inner) -> AetherWaker {
        if inner.first.is_null() || inner.len >= self.capacity {
            return AetherWaker::EMPTY;
        }
        let w = inner.first;
        // SAFETY: `w` is the first queued waiter.
        unsafe {
            Self::unlink(inner, w);
            (*w).state.store(WAITER_NOTIFIED, Ordering::Relaxed);
            (*w).waker.take()
        }
    }

    fn release(this: *mut AetherChannel) {
        // SAFETY: the caller gives back one of the two references of a live channel.
        let ch = unsafe { &*this };
        if ch.refs.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        // SAFETY: no handle is left; the receiver's drop emptied the buffer.
        let ch = unsafe { Box::from_raw(this) };
        let inner = ch.inner.into_inner();
        if ch.elem_size > 0 && inner.buf_cap > 0 {
            // SAFETY: the buffer was allocated with this layout.
            unsafe {
                std::alloc::dealloc(
                    inner.buf,
                    Layout::from_size_align_unchecked(inner.buf_cap * ch.elem_size, ch.elem_align),
                )
            };
        }
    }
}

// --- ABI ------------------------------------------------------------------------------------------------

/// Creates a channel of `capacity` elements (AETHER_CHAN_UNBOUNDED = SIZE_MAX for no limit; at least 1)
/// of `elem_size` bytes aligned to `elem_align`, dropped with `drop_elem` (NULL: nothing to drop).
/// Returns it holding one sender and the receiver.
#[no_mangle]
pub extern "C" fn aether_rt_chan_new(
    capacity: usize,
    elem_size: usize,
    elem_align: usize,
    drop_elem: Option<unsafe extern "C-unwind" fn(*mut u8)>,
) -> *mut AetherChannel {
    if capacity == 0 || !elem_align.is_power_of_two() || !elem_size.is_multiple_of(elem_align) {
        crate::process::fatal(&format!(
            "aether_rt_chan_new: invalid channel (capacity {capacity}, element {elem_size}/{elem_align})"
        ));
    }
    Box::into_raw(Box::new(AetherChannel {
        inner: Mutex::new(Inner {
            buf: std::ptr::null_mut(),
            buf_cap: if elem_size == 0 { usize::MAX } else { 0 },
            head: 0,
            len: 0,
            rx_waker: AetherWaker::EMPTY,
            first: std::ptr::null_mut(),
            last: std::ptr::null_mut(),
            rx_closed: false,
            tx_closed: false,
        }),
        senders: AtomicUsize::new(1),
        refs: AtomicUsize::new(2),
        capacity,
        elem_size,
        elem_align,
        drop_elem,
    }))
}

/// Adds a sender (Sender::clone): the same pointer now stands for one more sender.
///
/// # Safety
/// `ch` must be a live channel and the caller one of its senders.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_chan_sender_clone(ch: *mut AetherChannel) {
    // SAFETY: guaranteed by the caller.
    unsafe { &*ch }.senders.fetch_add(1, Ordering::Relaxed);
}

/// Drops a sender; the last one closes the channel (the receiver then gets AETHER_CHAN_CLOSED once the
/// buffer is empty).
///
/// # Safety
/// `ch` must be a live channel and the caller one of its senders, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_chan_sender_drop(ch: *mut AetherChannel) {
    // SAFETY: guaranteed by the caller.
    let c = unsafe { &*ch };
    if c.senders.fetch_sub(1, Ordering::AcqRel) != 1 {
        return;
    }
    let waker = {
        let mut inner = c.inner.lock();
        inner.tx_closed = true;
        inner.rx_waker.take()
    };
    waker.wake();
    AetherChannel::release(ch);
}

/// Drops the receiver: closes the channel for senders (pending and later sends return
/// AETHER_CHAN_CLOSED) and drops the buffered elements. UNWINDS (an element's drop).
///
/// # Safety
/// `ch` must be a live channel and the caller its receiver, not used afterwards.
#[no_mangle]
pub unsafe extern "C-unwind" fn aether_rt_chan_receiver_drop(ch: *mut AetherChannel) {
    // SAFETY: guaranteed by the caller.
    let c = unsafe { &*ch };
    let mut wakers = Vec::new();
    let (buf, buf_cap, head, len) = {
        let mut inner = c.inner.lock();
        inner.rx_closed = true;
        while !inner.first.is_null() {
            let w = inner.first;
            // SAFETY: the first queued waiter.
            unsafe {
                AetherChannel::unlink(&mut inner, w);
                (*w).state.store(WAITER_NOTIFIED, Ordering::Relaxed);
                wakers.push((*w).waker.take());
            }
        }
        let taken = (inner.buf, inner.buf_cap, inner.head, inner.len);
        inner.head = 0;
        inner.len = 0;
        taken
    };
    for w in wakers {
        w.wake();
    }
    // Drop the elements outside the lock, giving the reference back even if a drop unwinds.
    struct Release(*mut AetherChannel);
    impl Drop for Release {
        fn drop(&mut self) {
            AetherChannel::release(self.0);
        }
    }
    let _release = Release(ch);
    if let Some(drop_elem) = c.drop_elem {
        for i in 0..len {
            let p = if c.elem_size == 0 {
                std::ptr::without_provenance_mut(c.elem_align)
            } else {
                // SAFETY: inside the detached ring, which the channel no longer reads (len is 0).
                unsafe { buf.add(((head + i) % buf_cap) * c.elem_size) }
            };
            // SAFETY: a buffered element, dropped once.
            unsafe { drop_elem(p) };
        }
    }
}

/// The poll of `send`: moves the element at `value` into the channel (AETHER_CHAN_READY), or returns
/// AETHER_CHAN_CLOSED when the receiver is gone (the value stays with the caller: SendError(value)), or,
/// when full, queues `waiter` with cx's waker and returns AETHER_POLL_PENDING (the value stays with the
/// caller, who polls again when woken). A NULL cx never waits (try_send: PENDING means full; waiter may
/// then be NULL).
///
/// # Safety
/// `ch` must be a live channel and the caller a sender; `waiter` a valid waiter (zero-initialised before
/// first use) at a fixed address until it is idle again (READY/CLOSED returned or send_cancel called);
/// `value` must point to an element; `cx` NULL or a valid context.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_chan_send(
    ch: *mut AetherChannel,
    waiter: *mut AetherChanWaiter,
    value: *const u8,
    cx: *mut AetherContext,
) -> u32 {
    // SAFETY: guaranteed by the caller.
    let c = unsafe { &*ch };
    let mut inner = c.inner.lock();
    // SAFETY: guaranteed by the caller (a NULL waiter is only allowed with a NULL cx).
    let wstate = if waiter.is_null() { WAITER_IDLE } else { unsafe { (*waiter).state.load(Ordering::Relaxed) } };
    let full = inner.len >= c.capacity;
    if inner.rx_closed || !full || cx.is_null() {
        let mut old = AetherWaker::EMPTY;
        if wstate != WAITER_IDLE {
            // SAFETY: the waiter is ours to update under the lock.
            unsafe {
                if wstate == WAITER_QUEUED {
                    AetherChannel::unlink(&mut inner, waiter);
                }
                (*waiter).state.store(WAITER_IDLE, Ordering::Relaxed);
                old = (*waiter).waker.take();
            }
        }
        let (status, rx) = if inner.rx_closed {
            (CHAN_CLOSED, AetherWaker::EMPTY)
        } else if full {
            // try_send on a full channel; a notification we were holding goes on to the next waiter.
            let next = if wstate == WAITER_NOTIFIED { c.notify_one_sender(&mut inner) } else { AetherWaker::EMPTY };
            (CHAN_PENDING, next)
        } else {
            c.grow(&mut inner);
            let len = inner.len;
            let slot = c.slot(&inner, len);
            // SAFETY: a free slot of the ring; the caller gives up the value.
            unsafe { std::ptr::copy_nonoverlapping(value, slot, c.elem_size) };
            inner.len += 1;
            (CHAN_READY, inner.rx_waker.take())
        };
        drop(inner);
        drop(old);
        rx.wake();
        return status;
    }
    // Full: wait for a slot. A waiter that was notified but lost the slot keeps its place at the front.
    // SAFETY: the waiter is valid and ours (idle/notified) or queued here (then only its waker changes).
    let old = unsafe {
        if wstate != WAITER_QUEUED {
            AetherChannel::enqueue(&mut inner, waiter, wstate == WAITER_NOTIFIED);
        }
        (*waiter).waker.set_from(&(*cx).waker)
    };
    drop(inner);
    drop(old);
    CHAN_PENDING
}

/// Cancels a pending send (the send future is dropped): unlinks `waiter` if queued, passes on a wake-up
/// it received but did not use, and leaves it idle. Does nothing for an idle waiter.
///
/// # Safety
/// `ch` must be the live channel the waiter was used with; `waiter` valid.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_chan_send_cancel(ch: *mut AetherChannel, waiter: *mut AetherChanWaiter) {
    // SAFETY: guaranteed by the caller; only the owner moves a waiter out of IDLE.
    if unsafe { (*waiter).state.load(Ordering::Relaxed) } == WAITER_IDLE {
        return;
    }
    // SAFETY: guaranteed by the caller.
    let c = unsafe { &*ch };
    let (old, next) = {
        let mut inner = c.inner.lock();
        // SAFETY: the waiter is queued here or notified; under the lock its fields are ours.
        unsafe {
            let next = match (*waiter).state.load(Ordering::Relaxed) {
                WAITER_QUEUED => {
                    AetherChannel::unlink(&mut inner, waiter);
                    AetherWaker::EMPTY
                }
                WAITER_NOTIFIED if !inner.rx_closed => c.notify_one_sender(&mut inner),
                _ => AetherWaker::EMPTY,
            };
            (*waiter).state.store(WAITER_IDLE, Ordering::Relaxed);
            ((*waiter).waker.take(), next)
        }
    };
    drop(old);
    next.wake();
}

/// The poll of `recv`: moves the oldest element to `out` (AETHER_CHAN_READY), or returns
/// AETHER_CHAN_CLOSED when every sender is gone and nothing is buffered (None), or registers cx's waker
/// and returns AETHER_POLL_PENDING (a NULL cx only checks: try_recv).
///
/// # Safety
/// `ch` must be a live channel and the caller its receiver; `out` writable for one element; `cx` NULL or
/// a valid context.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_chan_recv(ch: *mut AetherChannel, out: *mut u8, cx: *mut AetherContext) -> u32 {
    // SAFETY: guaranteed by the caller.
    let c = unsafe { &*ch };
    let mut inner = c.inner.lock();
    if inner.len > 0 {
        let slot = c.slot(&inner, 0);
        // SAFETY: the oldest element, moved out to the caller's storage.
        unsafe { std::ptr::copy_nonoverlapping(slot, out, c.elem_size) };
        inner.len -= 1;
        inner.head = if c.elem_size == 0 { 0 } else { (inner.head + 1) % inner.buf_cap };
        let sender = c.notify_one_sender(&mut inner);
        drop(inner);
        sender.wake();
        return CHAN_READY;
    }
    if inner.tx_closed {
        return CHAN_CLOSED;
    }
    if cx.is_null() {
        return CHAN_PENDING;
    }
    // SAFETY: guaranteed by the caller.
    let old = inner.rx_waker.set_from(unsafe { &(*cx).waker });
    drop(inner);
    drop(old);
    CHAN_PENDING
}

/// The number of elements buffered now.
///
/// # Safety
/// `ch` must be a live channel.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_chan_len(ch: *mut AetherChannel) -> usize {
    // SAFETY: guaranteed by the caller.
    unsafe { &*ch }.inner.lock().len
}
