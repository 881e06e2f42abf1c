//! Snapshots of the rendered type-checking diagnostics, one program per error code, so that
//! messages, labels, spans and help lines are reviewed as the user sees them. Review changes
//! with `cargo insta review` (or `INSTA_UPDATE=always`).

use aether_frontend::diagnostics::DiagnosticSink;
use aether_frontend::parse::{parse_file, with_big_stack};
use aether_frontend::span::SourceMap;
use aether_frontend::typeck::check_crate;

/// The rendered diagnostics of `src`; asserts that `code` is among them.
fn render(code: &str, src: &str) -> String {
    let (code, src) = (code.to_string(), src.to_string());
    with_big_stack(move || {
        let mut sources = SourceMap::new();
        let file = sources.add("test.ae", src);
        let mut sink = DiagnosticSink::new();
        let tree = parse_file(&sources, file, &mut sink);
        check_crate(&tree, &mut sources, &mut sink);
        assert!(
            sink.diagnostics.iter().any(|d| d.code == code),
            "{code} not emitted:\n{}",
            sink.render(&sources, false)
        );
        sink.render(&sources, false)
    })
}

macro_rules! snap {
    ($name:ident, $code:literal, $src:literal) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(render($code, $src));
        }
    };
}

snap!(e0004_non_exhaustive, "E0004", "enum Dir { N, E, S, W }\nfn f(d: Dir) -> u8 {\n    match d {\n        Dir::N => 0,\n        Dir::E => 1,\n    }\n}\nfn main() {}\n");
snap!(
    e0004_integer_ranges,
    "E0004",
    "fn f(n: i8) -> u8 {\n    match n {\n        0..=9 => 0,\n        10.. => 1,\n    }\n}\nfn main() {}\n"
);
snap!(e0005_refutable_let, "E0005", "enum E { A(u8), B }\nfn main() {\n    let E::A(x) = E::B;\n}\n");
snap!(e0015_call_in_const, "E0015", "fn ten() -> u32 { 10 }\nconst N: u32 = ten();\nfn main() {}\n");
snap!(
    e0023_pattern_arity,
    "E0023",
    "enum E { A(u8, u8) }\nfn main() {\n    match E::A(1, 2) {\n        E::A(x) => {}\n    }\n}\n"
);
snap!(
    e0026_unknown_pattern_field,
    "E0026",
    "struct P { x: u8, y: u8 }\nfn main() {\n    let P { x, z, .. } = P { x: 1, y: 2 };\n}\n"
);
snap!(
    e0027_missing_pattern_field,
    "E0027",
    "struct P { x: u8, y: u8 }\nfn main() {\n    let P { x } = P { x: 1, y: 2 };\n}\n"
);
snap!(e0061_arg_count, "E0061", "fn add(a: i32, b: i32) -> i32 { a + b }\nfn main() {\n    add(1, 2, 3);\n}\n");
snap!(e0063_missing_fields, "E0063", "struct P { x: u8, y: u8, z: u8 }\nfn main() {\n    let _ = P { x: 1 };\n}\n");
snap!(e0070_invalid_lhs, "E0070", "fn main() {\n    1 = 2;\n}\n");
snap!(e0080_const_overflow, "E0080", "const X: u8 = 200 + 100;\nfn main() {}\n");
snap!(e0133_raw_deref, "E0133", "fn main() {\n    let x = 1;\n    let p = &x as *const i32;\n    let _ = *p;\n}\n");
snap!(e0277_not_debug, "E0277", "struct Q;\nfn main() {\n    println!(\"{:?}\", Q);\n}\n");
snap!(e0308_mismatch, "E0308", "fn main() {\n    let m: i32 = \"forty-two\";\n}\n");
snap!(e0369_binop_on_struct, "E0369", "struct P;\nfn main() {\n    let _ = P == P;\n}\n");
snap!(e0384_assign_twice, "E0384", "fn main() {\n    let x = 5;\n    x = 6;\n}\n");
snap!(e0412_unknown_type, "E0412", "fn f(x: Nope) {}\nfn main() {}\n");
snap!(e0425_unknown_value, "E0425", "fn main() {\n    let total = 10;\n    let _ = totl + 1;\n}\n");
snap!(e0432_bad_import, "E0432", "mod m {}\nuse m::nothing;\nfn main() {}\n");
snap!(e0433_bad_path, "E0433", "fn main() {\n    nope::f();\n}\n");
snap!(e0560_unknown_field, "E0560", "struct P { x: u8 }\nfn main() {\n    let _ = P { x: 1, z: 2 };\n}\n");
snap!(e0594_assign_through_ref, "E0594", "struct P { x: u8 }\nfn f(p: &P) {\n    p.x = 1;\n}\nfn main() {}\n");
snap!(e0596_borrow_immutable_mut, "E0596", "struct C { n: u32 }\nimpl C { fn incr(&mut self) { self.n += 1; } }\nfn main() {\n    let c = C { n: 0 };\n    c.incr();\n}\n");
snap!(e0599_no_method, "E0599", "struct C { n: u32 }\nimpl C { fn incr(&mut self) { self.n += 1; } }\nfn main() {\n    let mut c = C { n: 0 };\n    c.incr();\n    c.decrement();\n}\n");
snap!(e0600_bad_unary, "E0600", "fn main() {\n    let _ = -true;\n}\n");
snap!(e0603_private, "E0603", "mod m {\n    fn secret() {}\n}\nfn main() {\n    m::secret();\n}\n");
snap!(e0605_bad_cast, "E0605", "struct P;\nfn main() {\n    let _ = P as i32;\n}\n");
snap!(e0609_no_field, "E0609", "struct P { x: u8 }\nfn main() {\n    let p = P { x: 1 };\n    let _ = p.y;\n}\n");
snap!(e0614_bad_deref, "E0614", "fn main() {\n    let n = 5;\n    let _ = *n;\n}\n");
snap!(e0696_continue_block, "E0696", "fn main() {\n    'a: {\n        continue 'a;\n    }\n}\n");
snap!(
    w0001_unreachable,
    "W0001",
    "fn f(n: u8) -> u8 {\n    match n {\n        _ => 1,\n        3 => 2,\n    }\n}\nfn main() {}\n"
);
