//! The memory functions and the allocation counter. One test function only, so no other test in this
//! process allocates through the runtime while the counter is being compared.

use aether_runtime::alloc::*;
use aether_runtime::buf::AetherBuf;

#[test]
fn allocation_functions_and_counter() {
    let start = aether_rt_alloc_count();

    // Zero-size requests are dangling, aligned, and not counted.
    for align in [1usize, 8, 64, 4096] {
        let p = aether_rt_alloc(0, align);
        assert_eq!(p as usize, align);
        unsafe { aether_rt_dealloc(p, 0, align) };
        assert_eq!(aether_rt_alloc_zeroed(0, align) as usize, align);
    }
    assert_eq!(aether_rt_alloc_count(), start);

    // Each real allocation is counted once, is aligned, and holds its contents.
    let p = aether_rt_alloc(100, 64);
    assert_eq!(p as usize % 64, 0);
    unsafe { std::ptr::write_bytes(p, 0x5a, 100) };
    assert_eq!(aether_rt_alloc_count(), start + 1);
    let z = aether_rt_alloc_zeroed(1 << 20, 16);
    assert!(unsafe { std::slice::from_raw_parts(z, 1 << 20) }.iter().all(|&b| b == 0));
    assert_eq!(aether_rt_alloc_count(), start + 2);

    // realloc keeps the prefix, keeps the alignment, and counts; to size 0 frees and is not counted.
    let q = unsafe { aether_rt_realloc(p, 100, 64, 10_000) };
    assert_eq!(q as usize % 64, 0);
    assert!(unsafe { std::slice::from_raw_parts(q, 100) }.iter().all(|&b| b == 0x5a));
    assert_eq!(aether_rt_alloc_count(), start + 3);
    let q = unsafe { aether_rt_realloc(q, 10_000, 64, 0) };
    assert_eq!(q as usize, 64);
    assert_eq!(aether_rt_alloc_count(), start + 3);
    // realloc from size 0 is an allocation.
    let r = unsafe { aether_rt_realloc(q, 0, 64, 32) };
    assert_eq!(r as usize % 64, 0);
    assert_eq!(aether_rt_alloc_count(), start + 4);
    unsafe {
        aether_rt_dealloc(r, 32, 64);
        aether_rt_dealloc(z, 1 << 20, 16);
    }
    assert_eq!(aether_rt_alloc_count(), start + 4, "freeing is not allocating");

    // Formatting into a buffer with room allocates nothing; growing it does, through these functions.
    let mut buf = AetherBuf::new();
    unsafe { aether_runtime::buf::aether_rt_buf_reserve(&mut buf, 64) };
    let after_reserve = aether_rt_alloc_count();
    assert_eq!(after_reserve, start + 5);
    for i in 0..8 {
        unsafe { aether_runtime::fmt::aether_rt_fmt_i64(0, &mut buf, std::ptr::null(), i, 64) };
    }
    assert_eq!(buf.as_slice(), b"01234567");
    assert_eq!(aether_rt_alloc_count(), after_reserve, "formatting into spare capacity must not allocate");
    let big = [b'x'; 100];
    unsafe { aether_runtime::buf::aether_rt_buf_write(&mut buf, big.as_ptr(), big.len()) };
    assert_eq!(aether_rt_alloc_count(), after_reserve + 1);
    buf.free();

    // The counter is shared by all threads.
    let before = aether_rt_alloc_count();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..1000 {
                    let p = aether_rt_alloc(8, 8);
                    unsafe { aether_rt_dealloc(p, 8, 8) };
                }
            });
        }
    });
    assert_eq!(aether_rt_alloc_count(), before + 4000);
}
