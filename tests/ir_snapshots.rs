//! Snapshots of the compiler's IRs for representative programs: MIR (`--emit=mir`) and LLVM IR
//! (`--emit=llvm-ir`) at -O0 and -O3. A change in code generation shows up as a snapshot diff to
//! review (`cargo insta review`).

use std::path::PathBuf;
use std::process::Command;

fn emit(kind: &str, level: &str, file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ir").join(file);
    let out = Command::new(env!("CARGO_BIN_EXE_aetherc"))
        .args([level, &format!("--emit={kind}"), "--target", "x86_64-unknown-linux-gnu"])
        // A relative path, so that panic locations in the IR do not depend on the checkout.
        .arg(file)
        .current_dir(path.parent().unwrap())
        .output()
        .expect("run aetherc");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("IR is UTF-8")
}

#[test]
fn slice_mir() {
    insta::assert_snapshot!(emit("mir", "-O0", "slice.ae"));
}

#[test]
fn slice_mir_without_overflow_checks() {
    insta::assert_snapshot!(emit("mir", "-O3", "slice.ae"));
}

#[test]
fn slice_llvm_ir_o0() {
    insta::assert_snapshot!(emit("llvm-ir", "-O0", "slice.ae"));
}

#[test]
fn slice_llvm_ir_o3() {
    insta::assert_snapshot!(emit("llvm-ir", "-O3", "slice.ae"));
}

/// `aetherc --print frame-layout FILE` (x86-64 sizes).
fn frame_layout(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/ir").join(file);
    let out = Command::new(env!("CARGO_BIN_EXE_aetherc"))
        .args(["--print", "frame-layout", "--target", "x86_64-unknown-linux-gnu"])
        .arg(file)
        .current_dir(path.parent().unwrap())
        .output()
        .expect("run aetherc");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("the report is UTF-8")
}

#[test]
fn async_frame_layout() {
    insta::assert_snapshot!(frame_layout("async_frames.ae"));
}

/// Async blocks' frames, and recursive async fns whose recursive awaits are boxed.
#[test]
fn async_blocks_and_recursion_frame_layout() {
    insta::assert_snapshot!(frame_layout("async_blocks_recursion.ae"));
}

/// Recursive futures held in locals or joined: saved on the heap (a pointer in the frame).
#[test]
fn recursive_futures_on_the_heap_frame_layout() {
    insta::assert_snapshot!(frame_layout("async_recursion_heap.ae"));
}

/// The poll and drop functions of a frame with a heap-saved local: allocated at its
/// `StorageLive`, freed at its `StorageDead` and by the frame's drop.
#[test]
fn recursive_futures_on_the_heap_mir() {
    insta::assert_snapshot!(emit("mir", "-O3", "async_recursion_heap.ae"));
}

/// The MIR of async fns after the coroutine transform (ctor, poll and drop functions), and as
/// built before it.
#[test]
fn async_mir() {
    insta::assert_snapshot!(emit("mir", "-O3", "async_frames.ae"));
}

/// The orderings `Arc` asks for reach LLVM as such (not all strengthened to `seq_cst`). At -O0
/// the atomic methods keep one arm per ordering; at -O3 only the ones `Arc` uses are left.
#[test]
fn arc_atomics_keep_their_orderings() {
    for level in ["-O0", "-O3"] {
        let ir = emit("llvm-ir", level, "arc_orderings.ae");
        let has = |op: &str, ord: &str| ir.lines().any(|l| l.contains(op) && l.contains(&format!(" {ord}, align")));
        assert!(has("atomicrmw add", "monotonic"), "{level}: no relaxed increment in\n{ir}");
        assert!(has("atomicrmw sub", "release"), "{level}: no release decrement in\n{ir}");
        assert!(ir.lines().any(|l| l.trim() == "fence acquire"), "{level}: no acquire fence in\n{ir}");
        if level == "-O3" {
            assert!(!ir.contains("seq_cst"), "{level}: a seq_cst atomic in\n{ir}");
        }
    }
}

/// `spawn` hands the runtime one constant `AetherFutureVTable` per future type: poll is
/// `poll_erased` returning a `zeroext i1` (C's `bool`, which the Rust runtime reads as a byte),
/// drop_frame/drop_output are the drop glues or null, and the sizes and alignments are the
/// layouts' (a `String` output: 24 bytes; a hand-written future of one `u64`: 8).
#[test]
fn future_vtables_have_the_runtime_layout() {
    for level in ["-O0", "-O3"] {
        let ir = emit("llvm-ir", level, "future_vtable.ae");
        let line = |name: &str| {
            ir.lines().find(|l| l.starts_with(&format!("@\"future_vtable<{name}>\""))).unwrap_or_else(|| {
                panic!("{level}: no vtable of {name} in\n{ir}");
            })
        };
        let ready = line("Ready");
        assert!(
            ready.contains("private unnamed_addr constant { ptr, ptr, ptr, i64, i64, i64, i64 }")
                && ready.contains("poll_erased<Ready>\", ptr null, ptr null, i64 8, i64 8, i64 8, i64 8 }"),
            "{level}: {ready}"
        );
        let text = line("impl Future<Output = String>");
        assert!(text.contains("ptr @\"drop_glue<String>\", i64 16, i64 8, i64 24, i64 8 }"), "{level}: {text}");
        if level == "-O0" {
            assert!(ir.contains("define internal zeroext i1 @\"_AE3std8executor18poll_erased<Ready>\"(ptr"), "{ir}");
        }
    }
}
