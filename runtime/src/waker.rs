//! Wakers and contexts: `AetherWaker` (two words: data and vtable), `AetherContext`, the waker ABI that
//! hand-written futures call (`aether_rt_waker_*`), and the thread parker behind `block_on`.
//!
//! Invariants: an `AetherWaker` whose vtable is NULL is the empty waker: every operation on it does
//! nothing (zero-initialised slots in frames, timer entries and channels are empty wakers). A non-empty
//! waker owns one reference to whatever its data points to: cloning takes another (for a task, one atomic
//! increment of its refcount, never an allocation), dropping or waking by value gives it back. The waker
//! inside an `AetherContext` is borrowed from whoever polls: a future keeps it only by cloning it.
//! In Rust, `AetherWaker` is an owning type (its `Drop` drops the reference); through the C ABI ownership
//! is explicit and the functions that consume a waker overwrite it with the empty waker.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::Thread;

/// The operations of one kind of waker. Layout: clone at 0, wake at 8, wake_by_ref at 16, drop at 24.
#[repr(C)]
pub struct AetherWakerVTable {
    /// Writes a new waker for `data` to `out` (uninitialised memory), taking a reference.
    pub clone: unsafe extern "C" fn(data: *const (), out: *mut AetherWaker),
    /// Wakes and gives back the reference.
    pub wake: unsafe extern "C" fn(data: *const ()),
    /// Wakes, keeping the reference.
    pub wake_by_ref: unsafe extern "C" fn(data: *const ()),
    /// Gives back the reference.
    pub drop: unsafe extern "C" fn(data: *const ()),
}

/// A waker: `data` at 0, `vtable` at 8 (16 bytes). NULL vtable = the empty waker.
#[repr(C)]
pub struct AetherWaker {
    pub data: *const (),
    pub vtable: *const AetherWakerVTable,
}

// SAFETY: every waker kind the runtime makes is thread-safe (tasks and parkers use atomics), and the ABI
// requires the same of any other.
unsafe impl Send for AetherWaker {}
unsafe impl Sync for AetherWaker {}

impl AetherWaker {
    /// The empty waker.
    pub const EMPTY: AetherWaker = AetherWaker { data: std::ptr::null(), vtable: std::ptr::null() };

    /// Whether this is the empty waker.
    pub fn is_empty(&self) -> bool {
        self.vtable.is_null()
    }

    /// Another reference to the same waker (the empty waker clones to itself).
    pub fn clone_ref(&self) -> AetherWaker {
        if self.is_empty() {
            return AetherWaker::EMPTY;
        }
        let mut out = std::mem::MaybeUninit::<AetherWaker>::uninit();
        // SAFETY: a non-empty waker has a valid vtable and data by construction.
        unsafe {
            ((*self.vtable).clone)(self.data, out.as_mut_ptr());
            out.assume_init()
        }
    }

    /// Wakes, consuming this reference.
    pub fn wake(self) {
        if self.is_empty() {
            return;
        }
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: as in `clone_ref`; the reference is handed to `wake`, so `Drop` must not run.
        unsafe { ((*this.vtable).wake)(this.data) }
    }

    /// Wakes, keeping this reference.
    pub fn wake_by_ref(&self) {
        if !self.is_empty() {
            // SAFETY: as in `clone_ref`.
            unsafe { ((*self.vtable).wake_by_ref)(self.data) }
        }
    }

    /// Whether waking `self` and `other` wakes the same thing (same data and vtable), as Rust's
    /// `Waker::will_wake`: lets a future skip replacing a stored waker.
    pub fn will_wake(&self, other: &AetherWaker) -> bool {
        self.data == other.data && std::ptr::eq(self.vtable, other.vtable)
    }

    /// Takes the waker out, leaving the empty waker.
    pub fn take(&mut self) -> AetherWaker {
        std::mem::replace(self, AetherWaker::EMPTY)
    }

    /// Stores a clone of `new` unless the stored waker already wakes the same thing; returns the waker
    /// replaced (to be dropped by the caller, typically after releasing a lock).
    pub fn set_from(&mut self, new: &AetherWaker) -> AetherWaker {
        if self.will_wake(new) {
            AetherWaker::EMPTY
        } else {
            std::mem::replace(self, new.clone_ref())
        }
    }
}

impl Drop for AetherWaker {
    fn drop(&mut self) {
        if !self.is_empty() {
            // SAFETY: as in `clone_ref`.
            unsafe { ((*self.vtable).drop)(self.data) }
        }
    }
}

/// What a poll function receives: `waker` at 0 (16 bytes), nothing else. Compiled code reads only the
/// waker (borrowed) and passes the pointer on to the futures it polls.
#[repr(C)]
pub struct AetherContext {
    /// Borrowed from the poller: clone it to keep it.
    pub waker: AetherWaker,
}

impl AetherContext {
    /// A context borrowing `waker` (its reference stays with the caller).
    pub fn borrowing(waker: &AetherWaker) -> std::mem::ManuallyDrop<AetherContext> {
        std::mem::ManuallyDrop::new(AetherContext { waker: AetherWaker { data: waker.data, vtable: waker.vtable } })
    }
}

// --- The ABI --------------------------------------------------------------------------------------------

/// Writes a clone of `*w` to `*out` (whose previous contents are overwritten, not dropped).
///
/// # Safety
/// `w` must point to a valid waker and `out` to writable memory for one.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_waker_clone(w: *const AetherWaker, out: *mut AetherWaker) {
    // SAFETY: guaranteed by the caller.
    unsafe { out.write((*w).clone_ref()) }
}

/// Wakes `*w` and consumes it: `*w` is left empty.
///
/// # Safety
/// `w` must point to a valid, owned waker.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_waker_wake(w: *mut AetherWaker) {
    // SAFETY: guaranteed by the caller.
    unsafe { (*w).take().wake() }
}

/// Wakes `*w`, keeping it.
///
/// # Safety
/// `w` must point to a valid waker.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_waker_wake_by_ref(w: *const AetherWaker) {
    // SAFETY: guaranteed by the caller.
    unsafe { (*w).wake_by_ref() }
}

/// Drops `*w`, leaving it empty.
///
/// # Safety
/// `w` must point to a valid, owned waker.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_waker_drop(w: *mut AetherWaker) {
    // SAFETY: guaranteed by the caller.
    drop(unsafe { (*w).take() })
}

/// Whether `*a` and `*b` wake the same thing.
///
/// # Safety
/// Both must point to valid wakers.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_waker_will_wake(a: *const AetherWaker, b: *const AetherWaker) -> bool {
    // SAFETY: guaranteed by the caller.
    unsafe { (*a).will_wake(&*b) }
}

unsafe extern "C" fn noop_clone(_: *const (), out: *mut AetherWaker) {
    // SAFETY: the vtable contract.
    unsafe { out.write(AetherWaker { data: std::ptr::null(), vtable: &NOOP_VTABLE }) }
}
unsafe extern "C" fn noop(_: *const ()) {}

static NOOP_VTABLE: AetherWakerVTable =
    AetherWakerVTable { clone: noop_clone, wake: noop, wake_by_ref: noop, drop: noop };

/// Writes a waker that does nothing when woken to `*out` (for polling a future once, as Rust's
/// `Waker::noop`). Unlike the empty waker it is a real waker: `will_wake` compares it like any other.
///
/// # Safety
/// `out` must point to writable memory for a waker.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_waker_noop(out: *mut AetherWaker) {
    // SAFETY: guaranteed by the caller.
    unsafe { noop_clone(std::ptr::null(), out) }
}

// --- Thread parker --------------------------------------------------------------------------------------

/// Blocks a thread until its waker is woken: the waker of `block_on` and of the thread waiting in
/// `aether_rt_main_async`. A wake sets `notified` and unparks; `park` consumes it, so a wake that comes
/// before the park is never lost.
pub(crate) struct Parker {
    notified: AtomicBool,
    thread: Thread,
}

impl Parker {
    /// Blocks until woken (returns at once when a wake came since the last park).
    pub(crate) fn park(&self) {
        while !self.notified.swap(false, Ordering::Acquire) {
            std::thread::park();
        }
    }

    fn unpark(&self) {
        if !self.notified.swap(true, Ordering::Release) {
            self.thread.unpark();
        }
    }
}

thread_local! {
    /// Each thread's parker, made on first use and kept, so `block_on` allocates nothing after its first
    /// call on a thread.
    static PARKER: Arc<Parker> = Arc::new(Parker { notified: AtomicBool::new(false), thread: std::thread::current() });
}

unsafe extern "C" fn parker_clone(data: *const (), out: *mut AetherWaker) {
    // SAFETY: data is an `Arc<Parker>` pointer with a reference owned by the waker being cloned.
    unsafe {
        Arc::increment_strong_count(data as *const Parker);
        out.write(AetherWaker { data, vtable: &PARKER_VTABLE });
    }
}
unsafe extern "C" fn parker_wake(data: *const ()) {
    // SAFETY: as in `parker_clone`; the reference is consumed.
    let p = unsafe { Arc::from_raw(data as *const Parker) };
    p.unpark();
}
unsafe extern "C" fn parker_wake_by_ref(data: *const ()) {
    // SAFETY: as in `parker_clone`.
    unsafe { (*(data as *const Parker)).unpark() }
}
unsafe extern "C" fn parker_drop(data: *const ()) {
    // SAFETY: as in `parker_clone`; the reference is consumed.
    drop(unsafe { Arc::from_raw(data as *const Parker) })
}

static PARKER_VTABLE: AetherWakerVTable =
    AetherWakerVTable { clone: parker_clone, wake: parker_wake, wake_by_ref: parker_wake_by_ref, drop: parker_drop };

/// The calling thread's parker and an owned waker that unparks it.
pub(crate) fn thread_parker() -> (Arc<Parker>, AetherWaker) {
    let parker = PARKER.with(Arc::clone);
    let waker = AetherWaker { data: Arc::into_raw(parker.clone()) as *const (), vtable: &PARKER_VTABLE };
    (parker, waker)
}
