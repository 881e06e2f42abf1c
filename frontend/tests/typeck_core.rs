//! Type checking of the core language: programs that must check, and the diagnostics (code and
//! span) of programs that must not. Each test states the rule it pins down.

use aether_frontend::diagnostics::{DiagnosticSink, Severity};
use aether_frontend::hir::{self, ExprKind, PatKind};
use aether_frontend::parse::{parse_file, with_big_stack};
use aether_frontend::span::SourceMap;
use aether_frontend::typeck::check_crate;

struct Checked {
    krate: hir::Crate,
    errors: Vec<(&'static str, String)>,
    warnings: Vec<&'static str>,
    rendered: String,
}

/// Parses and checks `src`; errors come with the source text their primary span covers.
fn check(src: &str) -> Checked {
    let src = src.to_string();
    with_big_stack(move || {
        let mut sources = SourceMap::new();
        let file = sources.add("test.ae", src.clone());
        let mut sink = DiagnosticSink::new();
        let tree = parse_file(&sources, file, &mut sink);
        assert!(!sink.has_errors(), "parse errors: {}", sink.render(&sources, false));
        let krate = check_crate(&tree, &mut sources, &mut sink);
        let errors = sink
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.code, src[d.primary.span.range()].to_string()))
            .collect();
        let warnings = sink.diagnostics.iter().filter(|d| d.severity == Severity::Warning).map(|d| d.code).collect();
        let rendered = sink.render(&sources, false);
        Checked { krate, errors, warnings, rendered }
    })
}

fn ok(src: &str) -> hir::Crate {
    let c = check(src);
    assert!(c.errors.is_empty(), "{}", c.rendered);
    c.krate
}

fn errs(src: &str) -> Vec<(&'static str, String)> {
    check(src).errors
}

fn body<'a>(k: &'a hir::Crate, name: &str) -> &'a hir::Body {
    k.fns.iter().find(|f| f.name == name).and_then(|f| f.body.as_ref()).expect("function with a body")
}

fn any_expr(e: &hir::Expr, f: &mut impl FnMut(&hir::Expr) -> bool) -> bool {
    if f(e) {
        return true;
    }
    let mut found = false;
    e.for_each_child(|c| found |= any_expr(c, f));
    found
}

#[test]
fn modules_use_and_visibility() {
    ok(r#"
mod a {
    pub mod b { pub fn f() -> i32 { super::g() + crate::TOP } }
    fn g() -> i32 { 1 }
    pub use self::b::f as ff;
}
const TOP: i32 = 2;
use a::b::{self, f};
use a::*;
fn main() { let x = f() + b::f() + ff() + a::ff(); let _ = x; }
"#);
    // A private function of another module: E0603 at the private segment.
    let e = errs("mod m { fn secret() {} }\nfn main() { m::secret(); }");
    assert_eq!(e, vec![("E0603", "secret".to_string())]);
    let e = errs("mod m {}\nuse m::nothing;\nfn main() {}");
    assert_eq!(e[0].0, "E0432");
    let e = errs("fn main() { let x = nope::f(); }");
    assert_eq!(e, vec![("E0433", "nope".to_string())]);
}

#[test]
fn structs_enums_impls_and_methods() {
    let k = ok(r#"
#[derive(Clone, Copy)]
struct P { x: i32, y: i32 }
struct W(u8);
struct U;
enum E { A, B(i32), C { v: u8 } }
impl P {
    const ORIGIN: P = P { x: 0, y: 0 };
    fn new(x: i32, y: i32) -> P { P { x, y } }
    fn sum(&self) -> i32 { self.x + self.y }
    fn bump(&mut self) { self.x += 1; }
}
fn main() {
    let mut p = P::new(1, 2);
    p.bump();
    let r = &mut p;
    r.bump();
    let s = r.sum() + P::ORIGIN.x;
    let w = W(3);
    let _u = U;
    let e = E::C { v: w.0 };
    let _ = (s, e, E::A, E::B(1));
}
"#);
    let b = body(&k, "main");
    // `r.bump()` passes `r` itself (no re-borrow of `*r`); `p.bump()` auto-refs `&mut p`.
    let calls = {
        let mut n = 0;
        any_expr(&b.value, &mut |e| {
            if let ExprKind::Call { args, .. } = &e.kind {
                if matches!(args.first().map(|a| &a.kind), Some(ExprKind::Ref { mutable: true, .. })) {
                    n += 1;
                }
            }
            false
        });
        n
    };
    assert_eq!(calls, 1);
    let user: Vec<_> = k.adts.iter().filter(|a| !a.path.starts_with("std::")).collect();
    assert_eq!(user.len(), 4);
    assert_eq!(user[3].variants[2].name, "C");
}

#[test]
fn method_and_field_errors() {
    let e = errs(
        "struct C { n: u32 }\nimpl C { fn incr(&mut self) {} }\nfn main() { let mut c = C { n: 0 }; c.decrement(); }",
    );
    assert_eq!(e, vec![("E0599", "decrement".to_string())]);
    let e = errs("struct C { n: u32 }\nfn main() { let c = C { n: 0 }; let _ = c.m; }");
    assert_eq!(e, vec![("E0609", "m".to_string())]);
    let e = errs("struct C { n: u32, k: u8 }\nfn main() { let _ = C { n: 0, z: 1 }; }");
    assert_eq!(e.iter().map(|x| x.0).collect::<Vec<_>>(), vec!["E0560", "E0063"]);
    let e = errs("struct C { n: u32 }\nimpl C { fn incr(&mut self) {} }\nfn main() { let c = C { n: 0 }; c.incr(); }");
    assert_eq!(e, vec![("E0596", "c".to_string())]);
    let e = errs("struct C { n: u32 }\nfn f(c: &C) { c.n = 1; }\nfn main() {}");
    assert_eq!(e[0].0, "E0594");
    let e = errs("fn add(a: i32, b: i32) -> i32 { a + b }\nfn main() { add(1, 2, 3); }");
    assert_eq!(e, vec![("E0061", "add".to_string())]);
}

#[test]
fn references_arrays_slices_and_coercions() {
    let k = ok(r#"
fn total(v: &[i32]) -> i32 { let mut t = 0; for x in v { t += *x; } t }
fn main() {
    let a = [1, 2, 3];
    let mut b = [0u8; 4];
    b[1] = 7;
    let s: &[i32] = &a;
    let n = total(&a) + s.len() as i32 + a.len() as i32;
    let r = &mut b;
    r[0] = 1;
    let ro: &[u8; 4] = r;
    let p = ro as *const [u8; 4];
    let _ = (n, p);
}
"#);
    // `&a` passed as `&[i32]` is an unsizing `PtrCast`.
    assert!(any_expr(&body(&k, "main").value, &mut |e| matches!(e.kind, ExprKind::PtrCast(_))
        && matches!(k.tys.kind(e.ty), aether_frontend::ty::TyKind::Ref(..))));
    let e = errs("fn main() { let x = 5; let _ = *x; }");
    assert_eq!(e[0].0, "E0614");
    let e = errs("fn main() { let x = 5; let p = &x as *const i32; let _ = *p; }");
    assert_eq!(e, vec![("E0133", "*p".to_string())]);
    ok("fn main() { let x = 5; let p = &x as *const i32; let _ = unsafe { *p }; }");
}

#[test]
fn match_patterns_and_binding_modes() {
    let k = ok(r#"
enum Shape { Circle { r: u32 }, Rect(u32, u32), Empty }
fn area(s: &Shape) -> u32 {
    match s {
        Shape::Circle { r: 0 } => 0,
        Shape::Circle { r } if *r > 10 => *r * 3,
        Shape::Circle { r } => *r,
        Shape::Rect(w, h) => w * h,
        Shape::Empty => 0,
    }
}
fn bucket(n: i32) -> u8 {
    match n { i32::MIN..=-1 => 0, 0 => 1, 1 | 2 | 3 => 2, x @ 4..=99 if x % 2 == 0 => 3, _ => 4 }
}
fn first(v: &[u8]) -> u8 { match v { [] => 0, [a] => *a, [a, .., z] => *a + *z } }
fn main() { let _ = (area(&Shape::Empty), bucket(3), first(&[1, 2])); }
"#);
    // Matching `&Shape` with a variant pattern inserts `Deref` and binds `r` by reference.
    let b = body(&k, "area");
    let ExprKind::Block(bl) = &b.value.kind else { panic!() };
    let ExprKind::Match { arms, .. } = &bl.expr.as_ref().unwrap().kind else { panic!() };
    let PatKind::Deref(inner) = &arms[2].pat.kind else { panic!("{:?}", arms[2].pat.kind) };
    let PatKind::Adt { fields, .. } = &inner.kind else { panic!() };
    assert!(matches!(fields[0].1.kind, PatKind::Binding { by_ref: Some(false), .. }));
}

#[test]
fn exhaustiveness() {
    let e = errs("enum E { A, B, C }\nfn f(e: E) -> u8 { match e { E::A => 1, E::B => 2 } }\nfn main() {}");
    assert_eq!(e, vec![("E0004", "e".to_string())]);
    let c = check("enum E { A, B, C }\nfn f(e: E) -> u8 { match e { E::A => 1 } }\nfn main() {}");
    assert!(c.rendered.contains("patterns `E::B` and `E::C` not covered"), "{}", c.rendered);
    let c = check("fn f(n: u8) -> u8 { match n { 0..=100 => 1, 200.. => 2 } }\nfn main() {}");
    assert!(c.rendered.contains("`101_u8..=199_u8` not covered"), "{}", c.rendered);
    let c = check("fn f(n: i32) -> u8 { match n { 0.. => 1 } }\nfn main() {}");
    assert!(c.rendered.contains("`i32::MIN..=-1_i32` not covered"), "{}", c.rendered);
    let c = check("fn f(b: (bool, bool)) -> u8 { match b { (true, _) => 1, (false, true) => 2 } }\nfn main() {}");
    assert!(c.rendered.contains("`(false, false)` not covered"), "{}", c.rendered);
    let c = check("fn f(v: &[u8]) -> u8 { match v { [] => 0, [_] => 1 } }\nfn main() {}");
    assert!(c.rendered.contains("`&[_, _, ..]` not covered"), "{}", c.rendered);
    // Exhaustive with a guard-free catch-all; the arm after `_` is unreachable.
    let c = check("fn f(n: u8) -> u8 { match n { _ => 1, 3 => 2 } }\nfn main() {}");
    assert!(c.errors.is_empty());
    assert_eq!(c.warnings, vec!["W0001"]);
    // A refutable `let` is E0005; with `else` it is fine.
    let e = errs("enum E { A(u8), B }\nfn main() { let E::A(x) = E::B; }");
    assert_eq!(e[0].0, "E0005");
    ok("enum E { A(u8), B }\nfn main() { let E::A(x) = E::B else { return; }; let _ = x; }");
}

#[test]
fn pattern_field_errors() {
    let e = errs("enum E { A(u8, u8) }\nfn main() { match E::A(1, 2) { E::A(x) => {} } }");
    assert_eq!(e[0].0, "E0023");
    let e = errs("struct P { x: u8, y: u8 }\nfn main() { let P { x, z } = P { x: 1, y: 2 }; }");
    assert_eq!(e.iter().map(|x| x.0).collect::<Vec<_>>(), vec!["E0026", "E0027"]);
}

#[test]
fn loops_labels_and_for() {
    let k = ok(r#"
fn main() {
    let mut t = 0u64;
    for i in 0..10u64 { if i == 3 { continue; } t += i; }
    for i in 250u8..=255 { t += i as u64; }
    let arr = [1, 2, 3];
    for x in arr { t += x as u64; }
    for x in &arr { t += *x as u64; }
    let v = 'blk: { if t > 5 { break 'blk 1; } 2 };
    let w = 'outer: loop { loop { break 'outer 7; } };
    let _ = (v, w);
}
"#);
    assert!(any_expr(&body(&k, "main").value, &mut |e| matches!(e.kind, ExprKind::Loop { .. })));
    let e = errs("fn main() { 'a: { continue 'a; } }");
    assert_eq!(e[0].0, "E0696");
}

#[test]
fn if_let_chains_and_let_else() {
    ok(r#"
enum O { S(i32), N }
fn main() {
    let o = O::S(3);
    if let O::S(x) = o && x > 2 { let _ = x; }
    let mut n = 0;
    while let O::S(v) = o { n += v; if n > 10 { break; } }
    let O::S(y) = o else { panic!("no") };
    let _ = y;
}
"#);
}

#[test]
fn consts_statics_and_casts() {
    let k = ok(r#"
const A: u32 = 5;
const B: u32 = A * 2 + 1;
static S: [u8; 2] = [1, 2];
static mut M: i32 = 0;
const N: usize = 3;
enum C { X = 3, Y, Z = 10 }
fn main() {
    let arr = [0i32; N];
    let _ = (B, S[0], arr, C::Y as i32, 300i32 as u8, 65u8 as char, true as i32);
    unsafe { M += 1; }
}
"#);
    let user: Vec<_> = k.statics.iter().filter(|s| !s.path.starts_with("std::")).collect();
    assert_eq!(user.len(), 2);
    assert_eq!(
        user[0].value,
        hir::ConstVal::Aggregate {
            variant: hir::VariantIdx(0),
            fields: vec![hir::ConstVal::Int(1), hir::ConstVal::Int(2)]
        }
    );
    let c = k.adts.iter().find(|a| a.name == "C").unwrap();
    assert_eq!(c.variants.iter().map(|v| v.discr).collect::<Vec<_>>(), vec![3, 4, 10]);
    let e = errs("const X: u8 = 200 + 100;\nfn main() {}");
    assert_eq!(e[0].0, "E0080");
    let e = errs("fn f() -> u8 { 1 }\nconst X: u8 = f();\nfn main() {}");
    assert_eq!(e[0].0, "E0015");
    let e = errs("static mut M: i32 = 0;\nfn main() { M = 1; }");
    assert_eq!(e[0].0, "E0133");
    let e = errs("fn main() { let _ = 66u32 as char; }");
    assert_eq!(e[0].0, "E0604");
    let e = errs("struct P;\nfn main() { let _ = P as i32; }");
    assert_eq!(e[0].0, "E0605");
}

#[test]
fn panic_and_assert_messages() {
    let k = ok("fn main() { let x = 1; assert!(x == 1); assert_eq!(x, 1); todo!() }");
    let mut msgs = Vec::new();
    any_expr(&body(&k, "main").value, &mut |e| {
        if let ExprKind::Panic { pieces, .. } = &e.kind {
            if let Some(hir::PrintPiece::Literal(s)) = pieces.first() {
                msgs.push(s.clone());
            }
        }
        false
    });
    assert_eq!(
        msgs,
        vec!["assertion failed: x == 1", "assertion `left == right` failed\n  left: ", "not yet implemented"]
    );
}

#[test]
fn derived_debug_output_is_expanded() {
    let k = ok(r#"
#[derive(Debug)]
struct P { x: i32, y: (u8, bool) }
#[derive(Debug)]
enum E { A, B(i32) }
fn main() { let p = P { x: 1, y: (2, true) }; println!("{:?} {:#?}", p, E::B(3)); }
"#);
    let mut lits = String::new();
    any_expr(&body(&k, "main").value, &mut |e| {
        if let ExprKind::Print { pieces, .. } = &e.kind {
            for p in pieces {
                match p {
                    hir::PrintPiece::Literal(s) => lits.push_str(s),
                    hir::PrintPiece::Arg { .. } => lits.push('#'),
                }
            }
        }
        false
    });
    // Struct fields inline; the enum goes through a `match` (one print per variant).
    assert!(lits.starts_with("P { x: #, y: (#, #) } "), "{lits}");
    assert!(lits.contains("B(\n    #,\n)"), "{lits}");
    let e = errs("struct Q;\nfn main() { println!(\"{:?}\", Q); }");
    assert_eq!(e[0].0, "E0277");
}

#[test]
fn generic_library_items_check() {
    let e = errs("fn main() { let v: Vec<i32> = Vec::new(); let o = Some(1); let s = String::from(\"x\"); }");
    assert!(e.is_empty(), "{e:?}");
    let e = errs("fn main() { let v: Vec<i32> = Vec::new(); let x: bool = v.len(); }");
    assert_eq!(e.iter().map(|x| x.0).collect::<Vec<_>>(), ["E0308"]);
}

#[test]
fn every_code_the_checker_emits_is_explained() {
    // Scan the checker's sources for code literals: each needs a row in `error_codes`.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/typeck");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (i, _) in text.match_indices('"') {
            let code = &text[i + 1..(i + 6).min(text.len())];
            let is_code = code.len() == 5
                && (code.starts_with('E') || code.starts_with('W'))
                && code[1..].chars().all(|c| c.is_ascii_digit())
                && text[i + 6..].starts_with('"');
            if is_code && aether_frontend::error_codes::explain(code).is_none() {
                missing.push(code.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "codes without explanation: {missing:?}");
}
