//! The conformance programs that the core type checker must accept, and the error programs
//! whose codes it must report (loaded from `shared/conformance`, as `aetherc check` loads them).

use aether_frontend::diagnostics::DiagnosticSink;
use aether_frontend::module_loader::{load_crate, read_source_file};
use aether_frontend::parse::with_big_stack;
use aether_frontend::span::SourceMap;
use aether_frontend::typeck::check_crate;
use std::path::PathBuf;

fn conformance() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance")
}

/// Checks a file; returns the emitted codes and the rendered diagnostics.
fn check_file(path: PathBuf) -> (Vec<&'static str>, String) {
    with_big_stack(move || {
        let mut sources = SourceMap::new();
        let mut sink = DiagnosticSink::new();
        let root = read_source_file(&mut sources, &path, None, &mut sink).expect("readable");
        let tree = load_crate(&mut sources, root, &mut sink);
        if !sink.has_errors() {
            check_crate(&tree, &mut sources, &mut sink);
        }
        let codes = sink
            .diagnostics
            .iter()
            .filter(|d| d.severity == aether_frontend::diagnostics::Severity::Error)
            .map(|d| d.code)
            .collect();
        (codes, sink.render(&sources, false))
    })
}

#[test]
fn core_programs_in_scope_check_cleanly() {
    let dir = conformance().join("core");
    if !dir.exists() {
        return;
    }
    for name in ["01_hello", "14_modules"] {
        let (codes, text) = check_file(dir.join(format!("{name}.ae")));
        assert!(codes.is_empty(), "{name}:\n{text}");
    }
}

#[test]
fn core_programs_beyond_scope_report_only_not_supported() {
    let dir = conformance().join("core");
    if !dir.exists() {
        return;
    }
    // These use parts of the library or language still to come: every error must be E9001,
    // never a wrong type error (13, 15 and 16 now check and run: tests/conformance-passing.txt).
    for name in ["02_arith", "03_structs_enums", "12_panic_index", "13_loops_labels", "15_sieve", "16_nbody"] {
        let (codes, text) = check_file(dir.join(format!("{name}.ae")));
        assert!(codes.iter().all(|c| *c == "E9001"), "{name}:\n{text}");
    }
}

#[test]
fn error_programs_report_their_codes() {
    let dir = conformance().join("errors");
    if !dir.exists() {
        return;
    }
    for (name, code) in [
        ("02_mismatched_types", "E0308"),
        ("03_unresolved_name", "E0425"),
        ("04_no_such_method", "E0599"),
        ("10_wrong_arg_count", "E0061"),
        ("15_assign_twice_immutable", "E0384"),
    ] {
        let (codes, text) = check_file(dir.join(format!("{name}.ae")));
        assert_eq!(codes, vec![code], "{name}:\n{text}");
    }
    let (codes, _) = check_file(dir.join("11_syntax_error.ae"));
    assert!(!codes.is_empty());
}
