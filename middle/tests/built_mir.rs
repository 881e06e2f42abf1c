//! The analyses over MIR that `mir_build` produced from source: the builder's storage
//! invariants as the analyses see them, and slot sharing for a program with disjoint scopes.

use std::path::Path;

use aether_frontend::diagnostics::DiagnosticSink;
use aether_frontend::hir;
use aether_frontend::span::FileId;
use aether_frontend::ty::TyKind;
use aether_middle::dataflow::{self, Access};
use aether_middle::mir::*;
use aether_middle::mir_build::{build_program, BuildOptions};
use aether_middle::storage;
use aether_middle::storage_conflicts::{self, LocalLayout};

/// Parses, checks and builds `src`; `None` (with the diagnostics printed) if the front end
/// rejects it.
fn build(src: &str) -> Option<(hir::Crate, Program)> {
    let src = src.to_string();
    let (ast, diags) =
        aether_frontend::parse::with_big_stack(move || aether_frontend::parse::parse_text(FileId(0), &src));
    if !diags.is_empty() {
        eprintln!("parse diagnostics: {diags:?}");
        return None;
    }
    let mut sink = DiagnosticSink::new();
    let mut sources = aether_frontend::span::SourceMap::new();
    sources.add("test.ae", "");
    let mut ast = ast;
    aether_frontend::derive::expand(&mut ast, &mut sources, &mut sink);
    let mut krate = aether_frontend::typeck::check_crate(&ast, &mut sources, &mut sink);
    if sink.has_errors() {
        eprintln!("type errors: {:?}", sink.diagnostics);
        return None;
    }
    aether_middle::async_recursion::box_recursive_awaits(&mut krate);
    if let Err(e) = aether_middle::monomorphize::monomorphize(&mut krate) {
        // A construct the middle end reports as not supported yet (with a span) is fine here.
        assert!(e.1.is_some(), "internal monomorphization error: {}", e.0);
        return None;
    }
    let program = build_program(&mut krate, BuildOptions { overflow_checks: true });
    Some((krate, program))
}

/// Sizes of the types the test programs use (scalars, arrays of scalars, tuples).
fn size_of(krate: &hir::Crate, ty: aether_frontend::ty::Ty) -> LocalLayout {
    match krate.tys.kind(ty) {
        TyKind::Array(elem, n) => {
            let e = size_of(krate, *elem);
            LocalLayout { size: e.size * *n, align: e.align }
        }
        TyKind::Tuple(v) if v.is_empty() => LocalLayout { size: 0, align: 1 },
        TyKind::Bool => LocalLayout { size: 1, align: 1 },
        _ => LocalLayout { size: 8, align: 8 },
    }
}

fn calls(body: &Body) -> Vec<Location> {
    body.block_ids()
        .filter(|&b| matches!(body.block(b).terminator.kind, TerminatorKind::Call { .. }))
        .map(|b| Location { block: b, statement_index: body.block(b).statements.len() })
        .collect()
}

/// Checks, for one body: every local a statement or terminator touches has storage around it
/// (`mir_build`'s invariant, seen through "maybe storage live"); the slot assignment for the
/// locals saved across its calls never puts conflicting locals together and places every
/// saved local. Returns a description of each violation of the storage invariant.
fn check_body(krate: &hir::Crate, body: &Body) -> Vec<String> {
    let mut problems = Vec::new();
    let req = storage::requires_storage(body);
    let mut sl = req.storage_live.cursor();
    for b in body.block_ids() {
        let data = body.block(b);
        for i in 0..=data.statements.len() {
            let loc = Location { block: b, statement_index: i };
            let before = sl.seek_before(loc).clone();
            let mut check = |l: Local, _: Access| {
                if !before.contains(l) {
                    problems.push(format!("fn {}: {l} used at {loc} outside its storage", body.fn_id.0));
                }
            };
            match data.statements.get(i) {
                Some(s) => dataflow::visit_statement(s, &mut check),
                None => dataflow::visit_terminator(&data.terminator, &mut check),
            }
        }
    }
    let points = calls(body);
    let c = storage_conflicts::conflicts(&req, storage_conflicts::saved_locals(&req, &points));
    let a = storage_conflicts::assign_slots(&c, |l| size_of(krate, body.local_decl(l).ty));
    for l in c.saved().iter() {
        let s = &a.slots[a.slot_of[l.index()].expect("every saved local has a slot")];
        assert!(s.locals.contains(&l));
        assert!(s.size >= size_of(krate, body.local_decl(l).ty).size);
        for &o in &s.locals {
            assert!(o == l || !c.conflicts(l, o), "fn {}: {l} and {o} conflict but share a slot", body.fn_id.0);
        }
    }
    let mut end = 0;
    for s in &a.slots {
        assert!(s.offset >= end && s.offset % s.align == 0, "slots overlap or are misaligned");
        end = s.offset + s.size;
    }
    problems
}

const DISJOINT_SCOPES: &str = r#"
fn id(x: i64) -> i64 {
    x
}

fn f(n: i64) -> i64 {
    let mut s = 0;
    {
        let a = n * 2;
        s = s + id(a) + a;
    }
    {
        let b = n * 3;
        s = s + id(b) + b;
    }
    s + n
}

fn main() {
    println!("{}", f(3));
}
"#;

#[test]
fn disjoint_scopes_share_a_slot_in_built_mir() {
    let Some((krate, program)) = build(DISJOINT_SCOPES) else {
        panic!("the front end rejected the test program (see the diagnostics above)");
    };
    let f = krate.fns.iter().position(|d| d.name == "f").expect("fn f");
    let body = program.bodies[f].as_ref().expect("f has a body");
    assert_eq!(check_body(&krate, body), Vec::<String>::new());
    let named = |name: &str| {
        let i = body.locals.iter().position(|d| d.name.as_deref() == Some(name)).expect(name);
        Local(i as u32)
    };
    let (n, s, a, b) = (named("n"), named("s"), named("a"), named("b"));
    let points = calls(body);
    assert_eq!(points.len(), 2, "the two calls of `id`");
    let req = storage::requires_storage(body);
    let c = storage_conflicts::conflicts(&req, storage_conflicts::saved_locals(&req, &points));
    for l in [n, s, a, b] {
        assert!(c.saved().contains(l), "{l} ({:?}) is read after a call", body.local_decl(l).name);
    }
    // `a` dies with its block before `b` is born; everything else overlaps.
    assert!(!c.conflicts(a, b));
    for (x, y) in [(n, s), (n, a), (n, b), (s, a), (s, b)] {
        assert!(c.conflicts(x, y), "{x} and {y} must conflict");
    }
    let slots = storage_conflicts::assign_slots(&c, |l| size_of(&krate, body.local_decl(l).ty));
    assert_eq!(slots.slot_of[a.index()], slots.slot_of[b.index()]);
    assert_ne!(slots.slot_of[n.index()], slots.slot_of[s.index()]);
    assert_eq!(slots.slots[slots.slot_of[a.index()].unwrap()].size, 8);
}

/// Every run-pass program, and every shared core conformance program, that the front end
/// accepts: the builder's storage invariant holds and slot assignment is sound for every body.
#[test]
fn run_pass_and_conformance_programs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    // The shared suite sits next to the repository (as for tests/conformance.rs); it is optional.
    for dir in [root.join("tests/run-pass"), root.join("../shared/conformance/core")] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "ae")));
    }
    files.sort();
    let (mut built, mut problems) = (0, Vec::new());
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        let Some((krate, program)) = build(&src) else { continue };
        built += 1;
        for body in program.bodies.iter().flatten() {
            for p in check_body(&krate, body) {
                problems.push(format!("{}: {p}", file.display()));
            }
        }
    }
    eprintln!("{built} of {} programs built", files.len());
    assert!(built > 0, "no run-pass program got through the front end");
    assert_eq!(problems, Vec::<String>::new());
}
