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

#ifdef __cplusplus
}
#endif

#endif /* AETHER_RT_H */
