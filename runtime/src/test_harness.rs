//! The test runner behind `aetherc test`: runs the program's `#[test]` functions and reports like
//! Rust's libtest (`running N tests`, `test NAME ... ok`, the failures, `test result: ...`).
//!
//! Each test runs on its own thread named after the test, so a panic message says
//! `thread 'NAME' panicked at ...` as in Rust; tests run one after another (output stays in
//! order). Command-line arguments that are not options filter tests by substring, as libtest's do.

use std::ffi::c_char;
use std::time::Instant;

/// One `#[test]` function, as the compiler emits it in a static array.
#[repr(C)]
pub struct AetherTest {
    pub name: *const u8,
    pub name_len: usize,
    pub func: extern "C-unwind" fn(),
}

struct TestFn(extern "C-unwind" fn());
// SAFETY: compiled test functions take no arguments and touch only what any thread may touch.
unsafe impl Send for TestFn {}

/// Runs the `count` tests at `tests` and returns the exit status: 0 when all ran tests passed,
/// 101 otherwise (libtest's status).
///
/// # Safety
/// `argv` as for `aether_rt_start`; `tests` points to `count` valid entries whose names are UTF-8.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_run_tests(
    argc: i32,
    argv: *const *const c_char,
    tests: *const AetherTest,
    count: usize,
) -> i32 {
    // SAFETY: guaranteed by the caller.
    unsafe { crate::process::init(argc, argv) };
    let tests: &[AetherTest] = if count == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(tests, count) }
    };
    let filters: Vec<String> = crate::process::args()
        .iter()
        .skip(1)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .filter(|a| !a.starts_with('-'))
        .collect();
    let selected: Vec<(&str, extern "C-unwind" fn())> = tests
        .iter()
        .map(|t| {
            // SAFETY: guaranteed by the caller.
            let name = unsafe { crate::bytes(t.name, t.name_len) };
            (std::str::from_utf8(name).unwrap_or("<invalid name>"), t.func)
        })
        .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
        .collect();
    let start = Instant::now();
    let out = |s: &str| crate::io::with_stdout(|buf| buf.extend_from_slice(s.as_bytes()));
    let plural = if selected.len() == 1 { "" } else { "s" };
    out(&format!("\nrunning {} test{plural}\n", selected.len()));
    let mut failed = Vec::new();
    for (name, func) in &selected {
        let f = TestFn(*func);
        let result = std::thread::Builder::new().name((*name).to_owned()).spawn(move || {
            let f = f;
            std::panic::catch_unwind(|| (f.0)()).is_ok()
        });
        let ok = matches!(result.map(|h| h.join()), Ok(Ok(true)));
        out(&format!("test {name} ... {}\n", if ok { "ok" } else { "FAILED" }));
        if !ok {
            failed.push(*name);
        }
    }
    if !failed.is_empty() {
        out("\nfailures:\n");
        for name in &failed {
            out(&format!("    {name}\n"));
        }
    }
    let passed = selected.len() - failed.len();
    let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
    out(&format!(
        "\ntest result: {verdict}. {passed} passed; {} failed; 0 ignored; 0 measured; {} filtered out; finished in {:.2}s\n\n",
        failed.len(),
        tests.len() - selected.len(),
        start.elapsed().as_secs_f64()
    ));
    crate::io::flush_stdout();
    if failed.is_empty() {
        0
    } else {
        crate::process::PANIC_EXIT_CODE
    }
}
