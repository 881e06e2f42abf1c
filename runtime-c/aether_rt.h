/*
 * aether_rt.h: the ABI of the AetherLang runtime (crate `aether-runtime`, linked as libaether_runtime.a).
 *
 * This header is the single description of what code compiled by `aetherc` calls. Every symbol the
 * staticlib exports under the `aether_rt_` prefix is declared here and nothing else is (a test compares
 * the header with `nm` of the archive). Invariants that hold for every function:
 *  - Byte strings are (pointer, length) pairs, never NUL-terminated; a NULL pointer is allowed when the
 *    length is 0. Text (`str`) arguments must be valid UTF-8.
 *  - Output destinations are (stream, buf): stream 0 appends to *buf, 1 is stdout, 2 is stderr (buf is
 *    ignored, and may be NULL, for 1 and 2).
 *  - Functions marked UNWINDS may unwind an AetherLang panic through the caller: call them with `invoke`
 *    from LLVM IR when the caller has cleanups. All others never unwind.
 *  - Broken contracts the runtime can detect (invalid spec, stream, layout, char) end the process with
 *    "aether runtime error: ..." on stderr and SIGABRT; they are compiler bugs, never user errors.
 *
 * UNWINDING (how compiled code must be generated). An AetherLang panic is a Rust panic (Itanium
 * `_Unwind_RaiseException`, exception class "MOZ\0RUST"). Every compiled function that may unwind must:
 *  - carry the `uwtable` attribute and not be `nounwind`;
 *  - name the personality function `aether_rt_eh_personality` (declared below) if it has landing pads:
 *      define void @f() uwtable personality ptr @aether_rt_eh_personality { ... }
 *  - reach its cleanups through `invoke ... unwind label %lpad` with
 *      %lp = landingpad { ptr, i32 } cleanup     ; run the drops, then
 *      resume { ptr, i32 } %lp
 * `aether_rt_eh_personality` forwards to Rust's own personality routine, so compiled frames behave
 * exactly like rustc-compiled ones (catch clauses would work too; compiled code needs only cleanups,
 * since panics are caught by the runtime). Compiled code must not name `rust_eh_personality` or
 * `__gcc_personality_v0` directly: which routine backs ours is the runtime's choice.
 * Objects must be position-independent (`llc -relocation-model=pic`) to link into the default PIE.
 *
 * Linking: cc program.o libaether_runtime.a <native libs>, where the native libs are those rustc's
 * `--print native-static-libs` reports for the staticlib (on x86_64 Linux with glibc:
 * -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc); `aetherc` embeds the archive and that list.
 */
#ifndef AETHER_RT_H
#define AETHER_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define AETHER_RT_NORETURN __attribute__((noreturn))
#else
#define AETHER_RT_NORETURN
#endif

/* ---------------------------------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------------------------------- */

/*
 * A growable byte buffer: what `format!` builds and `write!` appends to. Layout: ptr at 0, len at 8,
 * cap at 16 (24 bytes, alignment 8 on 64-bit targets). Invariants: len <= cap; when cap > 0, ptr is a
 * block of cap bytes with alignment 1 from aether_rt_alloc/aether_rt_realloc, so the owner frees it with
 * aether_rt_dealloc(ptr, cap, 1); when cap == 0, ptr is never read and may be NULL ({NULL, 0, 0} is the
 * empty buffer). Appending grows the block by at least doubling it.
 */
typedef struct AetherBuf {
    uint8_t *ptr;
    size_t len;
    size_t cap;
} AetherBuf;

/* AetherFmtSpec.align: where padding goes. UNKNOWN is the type's default: left for str, char and bool,
 * right for numbers. */
enum AetherFmtAlign {
    AETHER_FMT_ALIGN_UNKNOWN = 0,
    AETHER_FMT_ALIGN_LEFT = 1,   /* < */
    AETHER_FMT_ALIGN_RIGHT = 2,  /* > */
    AETHER_FMT_ALIGN_CENTER = 3, /* ^ */
};

/* AetherFmtSpec.flags: a bitset. */
enum AetherFmtFlag {
    AETHER_FMT_FLAG_PLUS = 1,      /* +  always print the sign of numbers */
    AETHER_FMT_FLAG_MINUS = 2,     /* -  accepted and ignored, as in Rust */
    AETHER_FMT_FLAG_ALTERNATE = 4, /* #  alternate form: 0x/0o/0b prefixes, {:#?} */
    AETHER_FMT_FLAG_ZERO = 8,      /* 0  sign-aware zero padding of numbers (overrides fill and align) */
};

/* AetherFmtSpec.ty: the formatting trait. Integers take all; floats DISPLAY, DEBUG, the DEBUG_*_HEX
 * (same as DEBUG for them) and the EXP types; str, char and bool DISPLAY, DEBUG and the DEBUG_*_HEX. */
enum AetherFmtType {
    AETHER_FMT_DISPLAY = 0,         /* {}   */
    AETHER_FMT_DEBUG = 1,           /* {:?} */
    AETHER_FMT_LOWER_HEX = 2,       /* {:x} */
    AETHER_FMT_UPPER_HEX = 3,       /* {:X} */
    AETHER_FMT_OCTAL = 4,           /* {:o} */
    AETHER_FMT_BINARY = 5,          /* {:b} */
    AETHER_FMT_LOWER_EXP = 6,       /* {:e} */
    AETHER_FMT_UPPER_EXP = 7,       /* {:E} */
    AETHER_FMT_DEBUG_LOWER_HEX = 8, /* {:x?} */
    AETHER_FMT_DEBUG_UPPER_HEX = 9, /* {:X?} */
};

/* Largest width or precision Rust accepts. A run-time `width$`/`.prec$` argument above it must make the
 * compiled code panic with "Formatting argument out of range" at the macro's location (as rustc does);
 * the runtime rejects such a spec as a compiler bug. */
#define AETHER_FMT_MAX_WIDTH 65535u

/*
 * One `{:...}` placeholder: Rust's `[[fill]align][sign]['#']['0'][width]['.' precision][type]`.
 * Layout (16 bytes, alignment 4): fill u32 at 0, align u8 at 4, flags u8 at 5, ty u8 at 6, reserved u8
 * at 7, width u32 at 8, precision i32 at 12. The Rust twin is `aether_runtime::fmt::AetherFmtSpec`.
 * A plain `{}` is {' ', 0, 0, 0, 0, 0, -1}; the formatting functions also accept a NULL spec for it.
 */
typedef struct AetherFmtSpec {
    uint32_t fill;     /* fill character, a Unicode scalar value; ' ' when none is written */
    uint8_t align;     /* enum AetherFmtAlign */
    uint8_t flags;     /* bitset of enum AetherFmtFlag */
    uint8_t ty;        /* enum AetherFmtType */
    uint8_t reserved;  /* must be 0 */
    uint32_t width;    /* minimum width in characters, 0 = none; <= AETHER_FMT_MAX_WIDTH */
    int32_t precision; /* -1 = none; else <= AETHER_FMT_MAX_WIDTH */
} AetherFmtSpec;

/* ---------------------------------------------------------------------------------------------------
 * Process
 * ------------------------------------------------------------------------------------------------- */

/*
 * What the generated C `main` returns: `return aether_rt_start(argc, argv, aether_main);`. Records the
 * arguments and the main thread, runs user_main, catches an AetherLang panic escaping it, flushes stdout
 * and returns the exit status: 0 after a normal return, 101 after a panic. user_main may unwind. It also
 * installs a panic hook, so that panics raised by Rust code inside the runtime print like AetherLang ones.
 */
int32_t aether_rt_start(int32_t argc, char **argv, void (*user_main)(void));

/* Flushes stdout and exits the process with status `code` (std::process::exit). */
AETHER_RT_NORETURN void aether_rt_exit(int32_t code);

/* Flushes stdout, writes the len bytes at msg and a newline to stderr, and aborts (SIGABRT). */
AETHER_RT_NORETURN void aether_rt_abort(const uint8_t *msg, size_t len);

/* Number of command-line arguments, program name included; 0 before aether_rt_start. */
size_t aether_rt_argc(void);

/* Argument i as bytes (not NUL-terminated) living as long as the process; its length is stored in *len
 * when len is not NULL. Returns NULL (length 0) when i >= aether_rt_argc(). */
const uint8_t *aether_rt_argv(size_t i, size_t *len);

/* One `#[test]` function: its name (UTF-8, not NUL-terminated) and the function. Layout: name at 0,
 * name_len at 8, func at 16 (24 bytes on 64-bit targets). */
typedef struct AetherTest {
    const uint8_t *name;
    size_t name_len;
    void (*func)(void);
} AetherTest;
/* What the C `main` of a test build returns: `return aether_rt_run_tests(argc, argv, tests, count);`.
 * Runs the tests whose names contain one of the non-option arguments (all when there are none), each
 * on a thread named after the test, one after another; prints libtest's report on stdout ("running N
 * tests", "test NAME ... ok|FAILED", the failures, "test result: ..."); returns 0 when every test ran
 * passed, 101 otherwise. Test functions may unwind. */
int32_t aether_rt_run_tests(int32_t argc, char **argv, const AetherTest *tests, size_t count);
/* ---------------------------------------------------------------------------------------------------
 * Panics and unwinding
 * ------------------------------------------------------------------------------------------------- */

/*
 * UNWINDS. Panics: flushes stdout, prints to stderr
 *   thread 'main' panicked at FILE:LINE:COL:
 *   MESSAGE
 *   note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
 * (the note only for the first panic of the process; other threads print their name, or <unnamed>),
 * then unwinds through the compiled frames, running their cleanups, to aether_rt_start or the task
 * boundary. A panic raised while the thread is already unwinding (a drop panicking in a cleanup) prints
 * its message followed by "panic in a destructor during cleanup" and
 * "thread caused non-unwinding panic. aborting." and aborts (SIGABRT), as Rust does.
 */
AETHER_RT_NORETURN void aether_rt_panic(const uint8_t *msg, size_t msg_len, const uint8_t *file, size_t file_len,
                                        uint32_t line, uint32_t col);

/* UNWINDS. aether_rt_panic with the contents of *msg as the message (for `panic!("{}", x)`): takes
 * ownership of the buffer, whose block is freed and which is left empty before unwinding starts. */
AETHER_RT_NORETURN void aether_rt_panic_buf(AetherBuf *msg, const uint8_t *file, size_t file_len, uint32_t line,
                                            uint32_t col);

/* UNWINDS. aether_rt_panic with Rust's indexing message
 * "index out of bounds: the len is LEN but the index is INDEX". */
AETHER_RT_NORETURN void aether_rt_panic_bounds(size_t index, size_t len, const uint8_t *file, size_t file_len,
                                               uint32_t line, uint32_t col);

/*
 * The personality function of compiled code (Itanium C++ ABI: version, actions, exception class,
 * exception object, unwind context; returns an _Unwind_Reason_Code). Never called directly: landing pads
 * name it (`personality ptr @aether_rt_eh_personality`) and the unwinder calls it. Forwards to Rust's
 * personality routine. Exported on Itanium-EH targets (unix except 32-bit ARM).
 */
int aether_rt_eh_personality(int version, int actions, uint64_t exception_class, void *exception, void *context);

/* ---------------------------------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------------------------------- */

/* Allocates size bytes aligned to align (a power of two). Never returns NULL: on exhaustion prints
 * "memory allocation of N bytes failed" and aborts. size 0 returns the dangling pointer (void *)align and
 * allocates nothing. Each allocation of size > 0 adds one to aether_rt_alloc_count(). */
void *aether_rt_alloc(size_t size, size_t align);

/* aether_rt_alloc with the block zero-filled. */
void *aether_rt_alloc_zeroed(size_t size, size_t align);

/* Resizes block p of old_size bytes (alignment align) to new_size bytes, keeping the common prefix, and
 * returns the possibly moved block. old_size 0 allocates; new_size 0 frees and returns (void *)align.
 * Counts as one allocation when new_size > 0. */
void *aether_rt_realloc(void *p, size_t old_size, size_t align, size_t new_size);

/* Frees block p of size bytes allocated with alignment align; size 0 does nothing. */
void aether_rt_dealloc(void *p, size_t size, size_t align);

/* Number of heap allocations made through these functions since the process started (alloc,
 * alloc_zeroed and realloc with a non-zero size; buffers growing count too). Relaxed atomic read. */
uint64_t aether_rt_alloc_count(void);

/* ---------------------------------------------------------------------------------------------------
 * Buffers and streams
 * ------------------------------------------------------------------------------------------------- */

/* Appends the n bytes at p (not inside *buf's own block) to *buf. */
void aether_rt_buf_write(AetherBuf *buf, const uint8_t *p, size_t n);

/* Makes room in *buf for `additional` more bytes; contents unchanged. */
void aether_rt_buf_reserve(AetherBuf *buf, size_t additional);

/* Writes n bytes to stdout through its buffer (64 KiB, block-buffered when stdout is not a terminal,
 * line-buffered when it is; flushed when full, by aether_rt_stdout_flush, at the end of aether_rt_start,
 * by aether_rt_exit and before anything goes to stderr). Thread-safe; one call's bytes never tear. */
void aether_rt_stdout_write(const uint8_t *p, size_t n);

/* Writes n bytes to stderr, unbuffered, after flushing stdout. */
void aether_rt_stderr_write(const uint8_t *p, size_t n);

/* Writes out everything buffered for stdout. */
void aether_rt_stdout_flush(void);

/* Writes n raw bytes to the destination (stream, buf): the literal pieces of print!/format!/write!. */
void aether_rt_write(uint32_t stream, AetherBuf *buf, const uint8_t *p, size_t n);

/* ---------------------------------------------------------------------------------------------------
 * Formatting with a spec, to the destination (stream, buf); spec NULL means `{}`. Output is exactly
 * what Rust's format! prints for the same value and placeholder (it is produced by core::fmt).
 * ------------------------------------------------------------------------------------------------- */

/* A signed integer of `bits` bits (8, 16, 32 or 64; isize is 64 on 64-bit targets), given sign-extended
 * in v (only the low `bits` bits are used): hex/octal/binary of negatives show that width's two's
 * complement, as in Rust. */
void aether_rt_fmt_i64(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, int64_t v, uint32_t bits);

/* An unsigned integer of `bits` bits (8, 16, 32 or 64), zero-extended in v. */
void aether_rt_fmt_u64(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint64_t v, uint32_t bits);

/* An i128 given as its two's-complement low and high 64-bit halves. */
void aether_rt_fmt_i128(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint64_t lo, uint64_t hi);

/* A u128 given as its low and high 64-bit halves. */
void aether_rt_fmt_u128(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint64_t lo, uint64_t hi);

/* An f64. */
void aether_rt_fmt_f64(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, double v);

/* An f32. */
void aether_rt_fmt_f32(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, float v);

/* A str: n bytes of UTF-8 at p (not inside *buf's block). */
void aether_rt_fmt_str(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, const uint8_t *p, size_t n);

/* A char (Unicode scalar value c). */
void aether_rt_fmt_char(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint32_t c);

/* A bool. */
void aether_rt_fmt_bool(uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, bool v);

/* ---------------------------------------------------------------------------------------------------
 * Plain `{}` printing to stream 1 (stdout) or 2 (stderr)
 * ------------------------------------------------------------------------------------------------- */

/* Prints an i64 in decimal. */
void aether_rt_print_i64(uint32_t stream, int64_t v);

/* Prints a u64 in decimal. */
void aether_rt_print_u64(uint32_t stream, uint64_t v);

/* Prints the i128 with two's-complement halves lo, hi in decimal. */
void aether_rt_print_i128(uint32_t stream, uint64_t lo, uint64_t hi);

/* Prints the u128 with halves lo, hi in decimal. */
void aether_rt_print_u128(uint32_t stream, uint64_t lo, uint64_t hi);

/* Prints "true" or "false". */
void aether_rt_print_bool(uint32_t stream, bool v);

/* Prints an f64 as Rust's {} does: shortest round-trip digits, no exponent (1.0 -> "1",
 * 0.1 + 0.2 -> "0.30000000000000004", 1e21 -> "1000000000000000000000", "NaN", "inf", "-0"). */
void aether_rt_print_f64(uint32_t stream, double v);

/* Prints an f32 as Rust's {} does. */
void aether_rt_print_f32(uint32_t stream, float v);

/* Prints the char c (a Unicode scalar value) UTF-8 encoded. */
void aether_rt_print_char(uint32_t stream, uint32_t c);

/* ---------------------------------------------------------------------------------------------------
 * Files (std::fs, std::io::Error)
 *
 * Paths are (pointer, length) UTF-8 byte strings. Fallible functions return 0 on success, else the OS
 * error code (errno), or -1 for an error without one. An open file is its descriptor (int64_t), owned by
 * the caller until aether_rt_file_close.
 * ------------------------------------------------------------------------------------------------- */

/* Appends the whole contents of the file at path to *out. */
int32_t aether_rt_fs_read(const uint8_t *path, size_t path_len, AetherBuf *out);

/* Creates or truncates the file at path and writes the len bytes at data to it. */
int32_t aether_rt_fs_write(const uint8_t *path, size_t path_len, const uint8_t *data, size_t len);

/* Removes the file at path. */
int32_t aether_rt_fs_remove_file(const uint8_t *path, size_t path_len);

/* Creates the directory at path (its parent must exist). */
int32_t aether_rt_fs_create_dir(const uint8_t *path, size_t path_len);

/* Removes the empty directory at path. */
int32_t aether_rt_fs_remove_dir(const uint8_t *path, size_t path_len);

/* Opens the file at path with Rust's OpenOptions, flags a sum of: 1 read, 2 write, 4 append,
 * 8 truncate, 16 create, 32 create_new; stores the descriptor in *fd. */
int32_t aether_rt_file_open(const uint8_t *path, size_t path_len, uint32_t flags, int64_t *fd);

/* Reads at most cap bytes into p, retrying reads a signal interrupts; stores the count in *n (0 at end
 * of file). */
int32_t aether_rt_file_read(int64_t fd, uint8_t *p, size_t cap, size_t *n);

/* Writes all len bytes at p. */
int32_t aether_rt_file_write(int64_t fd, const uint8_t *p, size_t len);

/* Closes the file (errors are ignored, as Rust's File does on drop). */
void aether_rt_file_close(int64_t fd);

/* Appends the description of OS error code to *out, as Rust's io::Error gives it ("No such file or
 * directory"), without " (os error N)". */
void aether_rt_os_error_message(int32_t code, AetherBuf *out);

/* The io::ErrorKind of OS error code, as its index in the library's ErrorKind enum (NotFound 0,
 * PermissionDenied 1, .., Other 39, Uncategorized 40: the order of KIND_NAMES in runtime/src/fs.rs). */
uint32_t aether_rt_os_error_kind(int32_t code);

/* Whether the len bytes at p are valid UTF-8. */
bool aether_rt_utf8_valid(const uint8_t *p, size_t len);

/* ===================================================================================================
 * ASYNC RUNTIME
 *
 * How compiled code uses it (the contract; offsets are for 64-bit targets, pointers 8 bytes):
 *
 * Futures. Each async fn/block/closure is a frame type plus a poll function, described to the runtime
 * by one static AetherFutureVTable per frame type. poll(frame, cx, out) runs the state machine; when
 * the future completes it writes the output to *out, leaves the frame finished (every local already
 * dropped) and returns true; otherwise it returns false after making sure something holds a clone of
 * cx->waker that will wake it (a join handle, a timer entry, a channel, a user future's stored waker).
 * drop_frame(frame) drops what a frame holds in its current suspended or unresumed state (the
 * cancellation path); the runtime never calls it on a finished frame. After a poll unwound it calls it
 * once on the poisoned frame: the landing pads already dropped the locals, so a compiled frame only
 * frees its heap blocks (recursive futures), and a hand-written future is dropped as Rust drops a
 * panicked task's future. A frame never moves after its first poll. Polling a finished frame again is a compiler bug the runtime does not check.
 *
 * Wakers. The waker in *cx is borrowed from the poller: to keep it, clone it (aether_rt_waker_clone);
 * never wake or drop cx->waker itself. Cloning a task's waker takes a reference on the task (one atomic
 * add, no allocation). A zero-filled AetherWaker (vtable NULL) is the empty waker: every operation on
 * it does nothing, so zero-initialised frame slots need no special case.
 *
 * Tasks. spawn(fut) is, in order:
 *     AetherTask *t = aether_rt_task_new(&FUT_VTABLE);          one allocation [header|frame|output]
 *     build the initial frame in place at aether_rt_task_frame(t) (construct in place, never moved);
 *     AetherTask *h = aether_rt_task_spawn(t);                  enqueue only; h == t is the JoinHandle
 * `h.await` polls aether_rt_join_poll(h, cx, &out) until it returns a result, then the JoinHandle is
 * dropped with aether_rt_join_drop(h) (always exactly once per handle, also after a result, also when
 * the awaiting frame is cancelled). h.abort() is aether_rt_join_abort(h).
 *
 * Task boundary. The runtime calls poll inside catch_unwind: a panic in a task's poll (or in its
 * drop_frame during cancellation) completes the task with AETHER_JOIN_PANICKED; the message was printed
 * when the panic was raised, with the worker's thread name (thread 'aether-worker-N' panicked at ...;
 * 'main' while polling the task of async fn main, as in Rust). A handle resolves only after the task's
 * future is gone: its poll returned ready, it unwound, or its frame was dropped.
 *
 * Timers and channels keep their wait state in the frame: an AetherTimerEntry for each sleep, an
 * AetherChanWaiter for each pending send. Both are zero-initialised when the frame is built, registered
 * by the poll functions below, and MUST be released by drop_frame (aether_rt_timer_cancel,
 * aether_rt_chan_send_cancel) when the frame is dropped while they may be registered: the runtime holds
 * pointers into the frame until then. Cancelling an idle or fired entry/waiter is a no-op, so drop_frame
 * may call them unconditionally.
 *
 * Threads: AETHER_WORKERS (an integer from 1 to 4096, surrounding spaces allowed; default the CPU count)
 * worker threads named aether-worker-N, started on first use (a spawn, aether_rt_block_on's spawns,
 * aether_rt_main_async). Any other value of AETHER_WORKERS (0, empty, not a number) is a user error,
 * not a compiler bug: it prints "aether runtime warning: AETHER_WORKERS must be an integer from 1 to
 * 4096, not "VALUE"; using the default of N worker threads (the number of CPUs)" on stderr and the
 * program runs with the default. Also a timer thread aether-timer, and blocking-pool threads
 * aether-blocking-N (up to 512, created on demand, leaving after 10 s idle).
 *
 * Shutdown. When the future of `async fn main` has finished, aether_rt_main_async shuts the runtime
 * down: the workers finish the poll they are in and exit; then every task still pending (idle, queued,
 * or left pending by that last poll) is cancelled: its drop_frame runs exactly once (on the calling
 * thread, or on the worker or pool thread that last polled it), it is never polled again, its
 * JoinHandle resolves to AETHER_JOIN_CANCELLED, and its block is freed once the references other frames
 * held are gone (which their own drops give back). A panic in such a drop_frame is printed and
 * caught. A blocking-pool task whose poll is still running cannot be stopped: it is cancelled if that
 * poll returns pending. Nothing is polled after the shutdown; tasks spawned afterwards never run.
 * =================================================================================================== */

/* Poll-style results shared by join, send and recv. */
#define AETHER_POLL_PENDING 0u
#define AETHER_JOIN_OK 1u        /* the output was moved to *out */
#define AETHER_JOIN_PANICKED 2u  /* JoinError: the task panicked (is_panic) */
#define AETHER_JOIN_CANCELLED 3u /* JoinError: the task was aborted (is_cancelled) */

/* Priorities for aether_rt_task_spawn_priority: on each worker a ready HIGH task runs before any ready
 * NORMAL one, which runs before any ready LOW one. */
#define AETHER_PRIORITY_NORMAL 0u
#define AETHER_PRIORITY_HIGH 1u
#define AETHER_PRIORITY_LOW 2u

/* Channel results (AETHER_POLL_PENDING is the third). */
#define AETHER_CHAN_READY 1u  /* send: the value was moved in; recv: a value was moved to *out */
#define AETHER_CHAN_CLOSED 2u /* send: receiver gone, value NOT taken; recv: all senders gone, buffer empty */

/* The capacity of an unbounded channel. */
#define AETHER_CHAN_UNBOUNDED SIZE_MAX

typedef struct AetherWaker AetherWaker;

/*
 * The operations of one kind of waker (the runtime's own: tasks, block_on's parker, the no-op waker).
 * Layout (32 bytes): clone at 0, wake at 8, wake_by_ref at 16, drop at 24. Compiled code never calls
 * these directly: it uses the aether_rt_waker_* functions, which also handle the empty waker.
 */
typedef struct AetherWakerVTable {
    void (*clone)(const void *data, AetherWaker *out); /* writes a new waker, taking a reference */
    void (*wake)(const void *data);                    /* wakes, giving the reference back */
    void (*wake_by_ref)(const void *data);             /* wakes, keeping it */
    void (*drop)(const void *data);                    /* gives the reference back */
} AetherWakerVTable;

/* A waker: two words. Layout (16 bytes, alignment 8): data at 0, vtable at 8. For a task, data is the
 * task pointer. vtable NULL = the empty waker. Owned wakers must be dropped (aether_rt_waker_drop) or
 * consumed (aether_rt_waker_wake). */
struct AetherWaker {
    const void *data;
    const AetherWakerVTable *vtable;
};

/* What poll receives. Layout: waker at 0 (16 bytes), nothing else. Poll functions read only `waker`
 * (borrowed: clone it to keep it) and pass the pointer on to the futures they poll. Compiled code may
 * build one on its stack around a waker it owns (e.g. from aether_rt_waker_noop, to poll a future once)
 * and drops that waker itself afterwards. */
typedef struct AetherContext {
    AetherWaker waker;
} AetherContext;

/*
 * Per frame type, emitted by the compiler as a constant. Layout (56 bytes, alignment 8): poll at 0,
 * drop_frame at 8, drop_output at 16, frame_size at 24, frame_align at 32, output_size at 40,
 * output_align at 48. Alignments are powers of two (at most 65536). poll and the drop functions may
 * unwind (they are compiled code with landing pads). drop_frame NULL: the frame never holds anything to
 * drop; drop_output NULL: the output is trivially droppable.
 */
typedef struct AetherFutureVTable {
    bool (*poll)(void *frame, AetherContext *cx, void *out);
    void (*drop_frame)(void *frame);
    void (*drop_output)(void *out);
    size_t frame_size;
    size_t frame_align;
    size_t output_size;
    size_t output_align;
} AetherFutureVTable;

/*
 * A task, which is also its JoinHandle. Opaque: one allocation of [header | frame | output slot], the
 * 32-byte header holding an atomic state word (lifecycle flags, outcome, priority, reference count and
 * the task's slot in the runtime's registry of pending tasks), the vtable pointer and the join waker;
 * the frame starts at offset 32 rounded up to frame_align, the output slot after the frame at
 * output_align. The block's alignment is max(8, frame_align, output_align).
 */
typedef struct AetherTask AetherTask;

/*
 * A sleep's registration with the timing wheel, stored in the sleeping future's frame (no allocation
 * per sleep). Layout (48 bytes, alignment 8): next at 0, prev at 8, deadline at 16, waker at 24 (16
 * bytes), state at 40, slot at 44. Zero-filled when the frame is built; afterwards only the runtime
 * touches it. While registered it must not move and the frame must call aether_rt_timer_cancel before
 * dying.
 */
typedef struct AetherTimerEntry {
    struct AetherTimerEntry *next;
    struct AetherTimerEntry *prev;
    uint64_t deadline;
    AetherWaker waker;
    uint32_t state; /* 0 idle, 1 registered, 2 fired (an atomic inside the runtime) */
    uint32_t slot;
} AetherTimerEntry;

/*
 * A pending `send` on a full channel, stored in the send future's frame (an intrusive FIFO of waiting
 * senders: no allocation per wait). Layout (40 bytes, alignment 8): next at 0, prev at 8, waker at 16
 * (16 bytes), state at 32, reserved at 36. Zero-filled when the frame is built; afterwards only the
 * runtime touches it. While waiting it must not move and the frame must call aether_rt_chan_send_cancel
 * before dying.
 */
typedef struct AetherChanWaiter {
    struct AetherChanWaiter *next;
    struct AetherChanWaiter *prev;
    AetherWaker waker;
    uint32_t state; /* 0 idle, 1 queued, 2 notified (an atomic inside the runtime) */
    uint32_t reserved;
} AetherChanWaiter;

/* A channel (opaque). Sender and Receiver handles are both this pointer; the runtime counts senders. */
typedef struct AetherChannel AetherChannel;

/* ---------------------------------------------------------------------------------------------------
 * Tasks and join handles
 * ------------------------------------------------------------------------------------------------- */

/* Allocates a task for futures of type *vt: exactly one allocation (one count of
 * aether_rt_alloc_count). Its frame is uninitialised: build it in place at aether_rt_task_frame(t), then
 * spawn the task, or free it with aether_rt_task_discard. vt must outlive the task (a constant). */
AetherTask *aether_rt_task_new(const AetherFutureVTable *vt);

/* The frame of task t, aligned to vt->frame_align. It never moves. */
void *aether_rt_task_frame(AetherTask *t);

/* Frees a task that was never spawned, without touching its frame (the caller drops what it built). */
void aether_rt_task_discard(AetherTask *t);

/* Spawns t (frame built) on the workers with normal priority and returns its JoinHandle (the same
 * pointer). Only enqueues: never polls the task inside the call. On a worker the task goes to the back
 * of that worker's queue, elsewhere to the global queue. Spawning a task twice is a fatal error. */
AetherTask *aether_rt_task_spawn(AetherTask *t);

/* aether_rt_task_spawn with a priority (AETHER_PRIORITY_*), for PriorityScheduler. */
AetherTask *aether_rt_task_spawn_priority(AetherTask *t, uint32_t priority);

/* spawn_blocking: spawns t on the blocking pool. A pool thread polls it (blocking for as long as the
 * poll runs, e.g. a closure called inside it); if it returns pending it is polled again on a pool thread
 * when woken. Returns its JoinHandle, used like any other (abort only cancels before a poll starts). */
AetherTask *aether_rt_task_spawn_blocking(AetherTask *t);

/* Polls JoinHandle h. Returns AETHER_POLL_PENDING after registering cx's waker (replacing an earlier
 * one unless it wakes the same task; a NULL cx registers nothing), or the result: AETHER_JOIN_OK with
 * the output moved (memcpy) to *out, AETHER_JOIN_PANICKED or AETHER_JOIN_CANCELLED. After a result the
 * output belongs to the caller; polling again is a fatal error. */
uint32_t aether_rt_join_poll(AetherTask *h, AetherContext *cx, void *out);

/* JoinHandle::abort: unless the task already finished (then nothing changes and the handle still
 * yields its output), a worker drops the task's frame with drop_frame at its next scheduling point (at
 * once if it is idle, after the current poll if it is running) and the handle then yields
 * AETHER_JOIN_CANCELLED. The handle stays valid (it must still be dropped). */
void aether_rt_join_abort(AetherTask *h);

/* JoinHandle::is_finished: whether a result is ready. */
bool aether_rt_join_is_finished(AetherTask *h);

/* UNWINDS. Drops JoinHandle h. Before completion this detaches the task, which keeps running (its
 * output is dropped by the runtime when it finishes); after completion it drops an output that was not
 * taken by aether_rt_join_poll (which may unwind). A task that is pending with neither handle nor any
 * waker left can never run again: the runtime drops its frame on a worker and frees it. */
void aether_rt_join_drop(AetherTask *h);

/* ---------------------------------------------------------------------------------------------------
 * Wakers (for hand-written futures: user structs implementing Future)
 * ------------------------------------------------------------------------------------------------- */

/* Writes a clone of *w to *out (uninitialised; not dropped first). For a task: one atomic increment
 * (more than 2^27 references to one task at once, wakers and handle together, is a fatal error). */
void aether_rt_waker_clone(const AetherWaker *w, AetherWaker *out);

/* Waker::wake: wakes *w and consumes it (*w is left empty). */
void aether_rt_waker_wake(AetherWaker *w);

/* Waker::wake_by_ref: wakes *w, keeping it. Waking a task while it runs makes it run again after the
 * current poll (at the back of the queue: how yield_now is written). */
void aether_rt_waker_wake_by_ref(const AetherWaker *w);

/* Drops *w (leaving it empty). */
void aether_rt_waker_drop(AetherWaker *w);

/* Waker::will_wake: whether *a and *b wake the same thing (same data and vtable). */
bool aether_rt_waker_will_wake(const AetherWaker *a, const AetherWaker *b);

/* Writes a waker that does nothing when woken to *out (Waker::noop); it needs no drop. */
void aether_rt_waker_noop(AetherWaker *out);

/* Waker::wake_after(d): registers a wake-up of *w (cloned) no earlier than `nanos` from now. Each call
 * adds one; earlier registrations still fire. */
void aether_rt_waker_wake_after(const AetherWaker *w, uint64_t nanos);

/* ---------------------------------------------------------------------------------------------------
 * Time
 * ------------------------------------------------------------------------------------------------- */

/* Instant::now(): nanoseconds on the monotonic clock since the runtime first read it. */
uint64_t aether_rt_now_nanos(void);

/* The poll of `sleep`: returns true when aether_rt_now_nanos() >= deadline (unregistering e if
 * needed). Otherwise registers *e (in the frame, zero-filled initially) with the timer at `deadline`
 * and cx's waker, replacing the waker or deadline of an earlier registration of e, and returns false.
 * Resolution 1 ms; a sleep never ends early. A sleep frame is { uint64_t deadline (computed when the
 * future is created: now + d); AetherTimerEntry e; } and its drop_frame calls aether_rt_timer_cancel. */
bool aether_rt_timer_poll(AetherTimerEntry *e, uint64_t deadline, AetherContext *cx);

/* Unregisters *e if registered (dropping its waker) and leaves it idle; a no-op on idle or fired
 * entries. */
void aether_rt_timer_cancel(AetherTimerEntry *e);

/* ---------------------------------------------------------------------------------------------------
 * Running futures from synchronous code
 * ------------------------------------------------------------------------------------------------- */

/* UNWINDS. block_on(fut): polls the frame (of type *vt, at a fixed address) on the calling thread until
 * ready, parking the thread in between, and writes the output to *out. A panic of the future unwinds
 * out of this call. Spawned tasks run on the workers meanwhile. Called on a worker thread (inside a
 * task) it panics with "block_on called inside an async task: ..." instead of blocking the worker;
 * from a blocking-pool thread it is allowed. */
void aether_rt_block_on(const AetherFutureVTable *vt, void *frame, void *out);

/* UNWINDS. block_on that is allowed on a worker thread: what an async `defer!` body runs through when
 * its scope is left by unwinding or cancellation. Polls once; if pending, moves the tasks queued on
 * this worker to the injection queue, and parks between polls until ready, wake-ups made meanwhile
 * going to the injection queue. A future waiting on another task deadlocks with one worker. */
void aether_rt_block_in_place(const AetherFutureVTable *vt, void *frame, void *out);

/*
 * What the generated C `main` returns for `async fn main`:
 *     struct MainFrame f = { ...state 0... };
 *     return aether_rt_main_async(argc, argv, &MAIN_VTABLE, &f, &out);
 * Records the arguments like aether_rt_start, starts the workers, moves the unpolled frame *frame into
 * a task (the caller must not use or drop f afterwards) and runs it as a task on the workers (so it
 * shares their queues and LIFO slots with the tasks it talks to); the calling thread only waits. Returns
 * 0 when main's future finished (its output moved to *out, e.g. a Result the compiler then reports) or
 * 101 when it panicked (message printed as thread 'main'). Before returning it shuts the runtime down
 * (see "Shutdown" above: every task still pending has its frame dropped exactly once and is freed, so
 * a program leaks no task) and flushes stdout.
 */
int32_t aether_rt_main_async(int32_t argc, char **argv, const AetherFutureVTable *vt, const void *frame,
                             void *out);

/* ---------------------------------------------------------------------------------------------------
 * Channels: bounded or unbounded MPSC over opaque elements moved by memcpy
 * ------------------------------------------------------------------------------------------------- */

/* Creates a channel holding at most `capacity` elements (>= 1; AETHER_CHAN_UNBOUNDED for no limit) of
 * elem_size bytes aligned to elem_align (elem_size a multiple of elem_align; 0 allowed), dropped with
 * drop_elem (NULL: nothing to drop; may unwind). Returns it with one sender and the receiver. */
AetherChannel *aether_rt_chan_new(size_t capacity, size_t elem_size, size_t elem_align, void (*drop_elem)(void *));

/* Sender::clone: ch now stands for one more sender. */
void aether_rt_chan_sender_clone(AetherChannel *ch);

/* Drops one sender; when it was the last, the channel closes and the receiver is woken (recv then
 * returns the buffered values, then AETHER_CHAN_CLOSED). */
void aether_rt_chan_sender_drop(AetherChannel *ch);

/* UNWINDS. Drops the receiver: pending and later sends return AETHER_CHAN_CLOSED (waiting senders are
 * woken) and the buffered elements are dropped. */
void aether_rt_chan_receiver_drop(AetherChannel *ch);

/* The poll of `tx.send(v)`: with room, moves the element at value into the channel and returns
 * AETHER_CHAN_READY (the caller no longer owns it). If the receiver is gone returns AETHER_CHAN_CLOSED
 * and the value stays with the caller (SendError(v)). If full, queues *waiter (in the send future's
 * frame, zero-filled initially) with cx's waker and returns AETHER_POLL_PENDING; the value stays with
 * the caller, who polls again with the same waiter when woken. With cx NULL it never waits (try_send:
 * PENDING means full, waiter may be NULL). The send future's drop_frame calls
 * aether_rt_chan_send_cancel(ch, waiter) and drops the value if it still holds it. */
uint32_t aether_rt_chan_send(AetherChannel *ch, AetherChanWaiter *waiter, const void *value, AetherContext *cx);

/* Cancels a pending send: dequeues *waiter, passing on a wake-up it received but did not use; a no-op
 * on an idle waiter. */
void aether_rt_chan_send_cancel(AetherChannel *ch, AetherChanWaiter *waiter);

/* The poll of `rx.recv()`: moves the oldest element to *out and returns AETHER_CHAN_READY (Some(v)), or
 * AETHER_CHAN_CLOSED when all senders are gone and nothing is buffered (None), or registers cx's waker
 * and returns AETHER_POLL_PENDING (cx NULL: only checks, try_recv). */
uint32_t aether_rt_chan_recv(AetherChannel *ch, void *out, AetherContext *cx);

/* The number of elements buffered now (Receiver::len). */
size_t aether_rt_chan_len(AetherChannel *ch);

#ifdef __cplusplus
}
#endif

#endif /* AETHER_RT_H */
