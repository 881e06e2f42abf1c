/*
 * abi_test.c: exercises the runtime through aether_rt.h only, as compiled code does, and checks each result.
 *
 * Built and run by runtime/tests/c_abi.rs (cc -std=c11 -Wall -Wextra -Werror -pedantic, linked with
 * libaether_runtime.a). Each failed check prints "FAIL ..." to stderr and makes the exit status 1; the
 * harness also compares stdout and stderr, which the program fills through the runtime's streams, and
 * expects exit status 42 from the final aether_rt_exit. Invariant: every expected string here is what
 * Rust's format! prints for the same value and placeholder.
 */
#include "aether_rt.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(AetherFmtSpec) == 16, "AetherFmtSpec is 16 bytes");
_Static_assert(_Alignof(AetherFmtSpec) == 4, "AetherFmtSpec has alignment 4");
_Static_assert(offsetof(AetherFmtSpec, fill) == 0, "fill at 0");
_Static_assert(offsetof(AetherFmtSpec, align) == 4, "align at 4");
_Static_assert(offsetof(AetherFmtSpec, flags) == 5, "flags at 5");
_Static_assert(offsetof(AetherFmtSpec, ty) == 6, "ty at 6");
_Static_assert(offsetof(AetherFmtSpec, reserved) == 7, "reserved at 7");
_Static_assert(offsetof(AetherFmtSpec, width) == 8, "width at 8");
_Static_assert(offsetof(AetherFmtSpec, precision) == 12, "precision at 12");
_Static_assert(offsetof(AetherBuf, ptr) == 0, "ptr at 0");
_Static_assert(offsetof(AetherBuf, len) == sizeof(void *), "len after ptr");
_Static_assert(offsetof(AetherBuf, cap) == 2 * sizeof(void *), "cap after len");

_Static_assert(sizeof(AetherWaker) == 2 * sizeof(void *), "AetherWaker is two words");
_Static_assert(offsetof(AetherWaker, vtable) == sizeof(void *), "waker vtable after data");
_Static_assert(sizeof(AetherContext) == sizeof(AetherWaker), "AetherContext holds the waker");
_Static_assert(sizeof(AetherWakerVTable) == 4 * sizeof(void *), "AetherWakerVTable is four pointers");
_Static_assert(sizeof(AetherFutureVTable) == 7 * sizeof(void *), "AetherFutureVTable is seven words");
_Static_assert(offsetof(AetherFutureVTable, frame_size) == 3 * sizeof(void *), "frame_size at 24");
_Static_assert(offsetof(AetherFutureVTable, output_align) == 6 * sizeof(void *), "output_align at 48");
_Static_assert(sizeof(void *) != 8 || sizeof(AetherTimerEntry) == 48, "AetherTimerEntry is 48 bytes");
_Static_assert(sizeof(void *) != 8 || offsetof(AetherTimerEntry, deadline) == 16, "deadline at 16");
_Static_assert(sizeof(void *) != 8 || offsetof(AetherTimerEntry, waker) == 24, "waker at 24");
_Static_assert(sizeof(void *) != 8 || offsetof(AetherTimerEntry, state) == 40, "state at 40");
_Static_assert(sizeof(void *) != 8 || sizeof(AetherChanWaiter) == 40, "AetherChanWaiter is 40 bytes");
_Static_assert(sizeof(void *) != 8 || offsetof(AetherChanWaiter, waker) == 16, "waker at 16");
_Static_assert(sizeof(void *) != 8 || offsetof(AetherChanWaiter, state) == 32, "state at 32");

static int failures;

static void test_async(void);

#define S(lit) (const uint8_t *)(lit), (sizeof(lit) - 1)

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "FAIL %s\n", what);
        failures++;
    }
}

static AetherBuf buf;

/* Compares the buffer with `expected`, then empties it (keeping its block). */
static void expect_buf(const char *expected, const char *what) {
    size_t n = strlen(expected);
    int ok = buf.len == n && (n == 0 || memcmp(buf.ptr, expected, n) == 0);
    if (!ok) {
        fprintf(stderr, "FAIL %s: got \"%.*s\", want \"%s\"\n", what, (int)buf.len, (const char *)buf.ptr, expected);
        failures++;
    }
    buf.len = 0;
}

static AetherFmtSpec spec(uint32_t fill, uint8_t align, uint8_t flags, uint8_t ty, uint32_t width, int32_t precision) {
    AetherFmtSpec s = {fill, align, flags, ty, 0, width, precision};
    return s;
}

static void test_formatting(void) {
    AetherFmtSpec s;

    aether_rt_fmt_i64(0, &buf, NULL, -42, 64);
    expect_buf("-42", "i64 {}");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, AETHER_FMT_FLAG_ALTERNATE | AETHER_FMT_FLAG_ZERO, AETHER_FMT_LOWER_HEX, 10, -1);
    aether_rt_fmt_i64(0, &buf, &s, 255, 32);
    expect_buf("0x000000ff", "{:#010x} 255i32");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_LOWER_HEX, 0, -1);
    aether_rt_fmt_i64(0, &buf, &s, -1, 8);
    expect_buf("ff", "{:x} -1i8");
    aether_rt_fmt_i64(0, &buf, &s, -1, 32);
    expect_buf("ffffffff", "{:x} -1i32");
    s = spec('*', AETHER_FMT_ALIGN_CENTER, AETHER_FMT_FLAG_PLUS, AETHER_FMT_DISPLAY, 9, -1);
    aether_rt_fmt_i64(0, &buf, &s, 42, 64);
    expect_buf("***+42***", "{:*^+9} 42");
    s = spec(0x2500 /* U+2500 BOX DRAWINGS LIGHT HORIZONTAL */, AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_DISPLAY, 6, -1);
    aether_rt_fmt_u64(0, &buf, &s, 7, 64);
    expect_buf("\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80" "7", "{:─>6} 7u64 (default right)");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_BINARY, 0, -1);
    aether_rt_fmt_u64(0, &buf, &s, 5, 8);
    expect_buf("101", "{:b} 5u8");
    aether_rt_fmt_u128(0, &buf, NULL, UINT64_MAX, UINT64_MAX);
    expect_buf("340282366920938463463374607431768211455", "u128::MAX");
    aether_rt_fmt_i128(0, &buf, NULL, 0, 0x8000000000000000ull);
    expect_buf("-170141183460469231731687303715884105728", "i128::MIN");

    aether_rt_fmt_f64(0, &buf, NULL, 0.1 + 0.2);
    expect_buf("0.30000000000000004", "0.1+0.2");
    aether_rt_fmt_f64(0, &buf, NULL, 1.0);
    expect_buf("1", "1.0 {}");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_DEBUG, 0, -1);
    aether_rt_fmt_f64(0, &buf, &s, 1.0);
    expect_buf("1.0", "1.0 {:?}");
    s = spec(' ', AETHER_FMT_ALIGN_LEFT, 0, AETHER_FMT_DISPLAY, 8, 2);
    aether_rt_fmt_f64(0, &buf, &s, 3.14159);
    expect_buf("3.14    ", "{:<8.2}");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_LOWER_EXP, 0, -1);
    aether_rt_fmt_f32(0, &buf, &s, 1234.5f);
    expect_buf("1.2345e3", "{:e} 1234.5f32");

    s = spec('-', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_DISPLAY, 5, -1);
    aether_rt_fmt_str(0, &buf, &s, S("ab"));
    expect_buf("ab---", "{:-<5} str (default left)");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_DISPLAY, 0, 2);
    aether_rt_fmt_str(0, &buf, &s, S("\xc3\xa9t\xc3\xa9"));
    expect_buf("\xc3\xa9t", "{:.2} truncates by chars");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_DEBUG, 10, -1);
    aether_rt_fmt_str(0, &buf, &s, S("a\"\n"));
    expect_buf("\"a\\\"\\n\"", "{:10?} str ignores width");
    aether_rt_fmt_char(0, &buf, NULL, 0x1F600);
    expect_buf("\xf0\x9f\x98\x80", "char {}");
    s = spec(' ', AETHER_FMT_ALIGN_UNKNOWN, 0, AETHER_FMT_DEBUG, 0, -1);
    aether_rt_fmt_char(0, &buf, &s, '\'');
    expect_buf("'\\''", "char {:?}");
    s = spec('.', AETHER_FMT_ALIGN_RIGHT, 0, AETHER_FMT_DISPLAY, 7, -1);
    aether_rt_fmt_bool(0, &buf, &s, true);
    expect_buf("...true", "{:.>7} true");

    aether_rt_write(0, &buf, S("lit"));
    aether_rt_buf_write(&buf, S("eral"));
    expect_buf("literal", "aether_rt_write + aether_rt_buf_write");
}

static void test_memory(void) {
    uint64_t before = aether_rt_alloc_count();
    uint8_t *p = aether_rt_alloc(64, 16);
    check(p != NULL && ((uintptr_t)p % 16) == 0, "alloc aligned");
    memset(p, 0xAB, 64);
    p = aether_rt_realloc(p, 64, 16, 4096);
    check(p[63] == 0xAB && ((uintptr_t)p % 16) == 0, "realloc keeps contents");
    aether_rt_dealloc(p, 4096, 16);
    uint8_t *z = aether_rt_alloc_zeroed(100, 8);
    int zero = 1;
    for (int i = 0; i < 100; i++) zero &= z[i] == 0;
    check(zero, "alloc_zeroed zeroes");
    aether_rt_dealloc(z, 100, 8);
    check(aether_rt_alloc_count() == before + 3, "three allocations counted");
    void *d = aether_rt_alloc(0, 8);
    check(d == (void *)8, "zero size is dangling (void *)align");
    aether_rt_dealloc(d, 0, 8);
    check(aether_rt_alloc_count() == before + 3, "zero-size allocation not counted");

    AetherBuf b = {NULL, 0, 0};
    aether_rt_buf_reserve(&b, 10);
    check(b.cap >= 10 && b.len == 0 && b.ptr != NULL, "buf_reserve");
    aether_rt_dealloc(b.ptr, b.cap, 1);
}

static void user_main(void) {
    size_t n = 0;
    check(aether_rt_argc() == 3, "argc");
    const uint8_t *a1 = aether_rt_argv(1, &n);
    check(n == 5 && memcmp(a1, "first", 5) == 0, "argv[1]");
    const uint8_t *a2 = aether_rt_argv(2, &n);
    check(n == 8 && memcmp(a2, "s\xc3\xa9" "cond!", 8) == 0, "argv[2] bytes");
    check(aether_rt_argv(3, &n) == NULL && n == 0, "argv out of range");

    test_formatting();
    test_memory();
    test_async();

    /* Streams: stdout is buffered, but flushed before stderr output, so the combined output keeps
     * program order. */
    aether_rt_stdout_write(S("out1 "));
    aether_rt_print_i64(1, -9223372036854775807LL - 1);
    aether_rt_print_char(1, ' ');
    aether_rt_print_u64(1, UINT64_MAX);
    aether_rt_print_char(1, ' ');
    aether_rt_print_i128(1, 1, 0xFFFFFFFFFFFFFFFFull); /* -(2^64) + 1 */
    aether_rt_print_char(1, ' ');
    aether_rt_print_u128(1, 0, 1);
    aether_rt_print_char(1, ' ');
    aether_rt_print_bool(1, false);
    aether_rt_print_char(1, ' ');
    aether_rt_print_f64(1, 1e21);
    aether_rt_print_char(1, ' ');
    aether_rt_print_f64(1, -0.0);
    aether_rt_print_char(1, ' ');
    aether_rt_print_f32(1, 0.1f);
    aether_rt_print_char(1, ' ');
    aether_rt_print_f64(1, 1e-7);
    aether_rt_print_char(1, '\n');
    aether_rt_stderr_write(S("err1\n"));
    aether_rt_print_i64(2, 5);
    aether_rt_fmt_str(2, NULL, NULL, S(" err2\n"));
    AetherFmtSpec hex = {' ', AETHER_FMT_ALIGN_UNKNOWN, AETHER_FMT_FLAG_ALTERNATE, AETHER_FMT_UPPER_HEX, 0, 0, -1};
    aether_rt_fmt_u64(1, NULL, &hex, 48879, 16);
    aether_rt_write(1, NULL, S(" out2\n"));
}

/* A compiled-like child future: sleep `ms`, then return value * 2. */
typedef struct Child {
    uint64_t deadline;
    AetherTimerEntry entry;
    uint64_t value;
} Child;

static bool child_poll(void *frame, AetherContext *cx, void *out) {
    Child *c = frame;
    if (!aether_rt_timer_poll(&c->entry, c->deadline, cx)) return false;
    *(uint64_t *)out = c->value * 2;
    return true;
}

static void child_drop(void *frame) {
    aether_rt_timer_cancel(&((Child *)frame)->entry);
}

static const AetherFutureVTable CHILD_VT = {child_poll, child_drop, NULL, sizeof(Child), _Alignof(Child),
                                            sizeof(uint64_t), _Alignof(uint64_t)};

/* The parent: spawns four children, joins them in order, then passes values through a channel. */
typedef struct Parent {
    uint32_t state;
    uint32_t next;
    AetherTask *handles[4];
    uint64_t sum;
    AetherChannel *ch;
    AetherChanWaiter waiter;
    uint64_t sent;
} Parent;

static bool parent_poll(void *frame, AetherContext *cx, void *out) {
    Parent *p = frame;
    if (p->state == 0) {
        for (uint32_t i = 0; i < 4; i++) {
            AetherTask *t = aether_rt_task_new(&CHILD_VT);
            Child *c = aether_rt_task_frame(t);
            memset(&c->entry, 0, sizeof c->entry);
            c->deadline = aether_rt_now_nanos() + (4 - i) * 1000000ull;
            c->value = i + 1;
            p->handles[i] = aether_rt_task_spawn(t);
        }
        p->state = 1;
    }
    while (p->state == 1 && p->next < 4) {
        uint64_t v;
        uint32_t r = aether_rt_join_poll(p->handles[p->next], cx, &v);
        if (r == AETHER_POLL_PENDING) return false;
        check(r == AETHER_JOIN_OK, "join ok");
        aether_rt_join_drop(p->handles[p->next]);
        p->sum += v;
        p->next++;
    }
    if (p->state == 1) {
        p->ch = aether_rt_chan_new(2, sizeof(uint64_t), _Alignof(uint64_t), NULL);
        p->state = 2;
    }
    while (p->state == 2 && p->sent < 3) {
        uint64_t v = 100 + p->sent;
        uint32_t r = aether_rt_chan_send(p->ch, &p->waiter, &v, NULL);
        if (p->sent < 2) {
            check(r == AETHER_CHAN_READY, "send with room");
            p->sent++;
        } else {
            check(r == AETHER_POLL_PENDING, "try_send on a full channel");
            break;
        }
    }
    if (p->state == 2) {
        uint64_t a = 0, b = 0, c = 0;
        check(aether_rt_chan_len(p->ch) == 2, "two buffered");
        check(aether_rt_chan_recv(p->ch, &a, cx) == AETHER_CHAN_READY && a == 100, "recv first");
        check(aether_rt_chan_recv(p->ch, &b, cx) == AETHER_CHAN_READY && b == 101, "recv second");
        check(aether_rt_chan_recv(p->ch, &c, NULL) == AETHER_POLL_PENDING, "try_recv on empty");
        aether_rt_chan_sender_drop(p->ch);
        check(aether_rt_chan_recv(p->ch, &c, cx) == AETHER_CHAN_CLOSED, "closed after the last sender");
        aether_rt_chan_receiver_drop(p->ch);
    }
    *(uint64_t *)out = p->sum;
    return true;
}

static const AetherFutureVTable PARENT_VT = {parent_poll, NULL, NULL, sizeof(Parent), _Alignof(Parent),
                                             sizeof(uint64_t), _Alignof(uint64_t)};

static void test_async(void) {
    Parent p;
    memset(&p, 0, sizeof p);
    uint64_t out = 0;
    uint64_t allocs = aether_rt_alloc_count();
    uint64_t start = aether_rt_now_nanos();
    aether_rt_block_on(&PARENT_VT, &p, &out);
    check(out == 2 * (1 + 2 + 3 + 4), "children's outputs");
    check(aether_rt_now_nanos() - start >= 4000000ull, "the longest child slept 4 ms");
    check(aether_rt_alloc_count() - allocs == 4, "one allocation per spawned task");

    AetherWaker noop, copy;
    aether_rt_waker_noop(&noop);
    aether_rt_waker_clone(&noop, &copy);
    check(aether_rt_waker_will_wake(&noop, &copy), "noop wakers wake the same thing");
    aether_rt_waker_wake_by_ref(&copy);
    aether_rt_waker_wake(&copy);
    check(copy.vtable == NULL, "wake consumes the waker");
    aether_rt_waker_drop(&noop);
}

int main(int argc, char **argv) {
    int32_t status = aether_rt_start(argc, argv, user_main);
    check(status == 0, "aether_rt_start returns 0");
    if (buf.cap) aether_rt_dealloc(buf.ptr, buf.cap, 1);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    /* Buffered output must survive aether_rt_exit. */
    aether_rt_stdout_write(S("bye\n"));
    aether_rt_exit(42);
}
