//! Backend tests on hand-built MIR: each program is verified by LLVM (at -O0 and -O2), and run
//! when the runtime archive has been built (`cargo build` of the workspace).

mod common;

use aether_frontend::hir::{self, ConstVal, Linkage, VariantIdx};
use aether_frontend::ty::{Mutability as TyMut, TyKind};
use aether_middle::mir::*;
use common::*;

fn adt_op(v: u32) -> AggregateKind {
    // The ADT id does not matter to the backend beyond the destination type; tests have one
    // ADT per destination type.
    AggregateKind::Adt(hir::AdtId(0), VariantIdx(v))
}

#[test]
fn enums_structs_discriminants() {
    let mut tc = TestCrate::new();
    let c = tc.c();
    let unit = c.unit;
    let e = tc.adt("E", true, vec![("A", 0, vec![c.i32, c.bool]), ("B", 1, vec![c.u64]), ("C", 5, vec![])]);
    let p = tc.adt("P", false, vec![("P", 0, vec![c.i8, unit, c.i64])]);
    let unit_enum = tc.adt("Dir", true, vec![("N", -1, vec![]), ("S", 300, vec![])]);
    let main = tc.func("main", vec![], unit, Linkage::Internal);
    tc.krate.entry = Some(main);
    let mut s = Seq::new(&tc, main, unit, &[]);
    let (x, d, v, y, w, pp, q, flag, dir) = (
        s.local(e),
        s.local(c.isize),
        s.local(c.u64),
        s.local(e),
        s.local(c.i32),
        s.local(p),
        s.local(c.i64),
        s.local(c.bool),
        s.local(unit_enum),
    );
    s.assign(Place::local(x), Rvalue::Aggregate(adt_op(1), vec![int(c.u64, 7)]))
        .assign(Place::local(d), Rvalue::Discriminant(Place::local(x)));
    s.term(|next| TerminatorKind::SwitchInt { discr: copy(d), targets: vec![(1, next)], otherwise: BasicBlock(100) });
    s.assign(
        Place::local(v),
        Rvalue::Use(Operand::Copy(place(x, vec![PlaceElem::Downcast(VariantIdx(1)), PlaceElem::Field(0, c.u64)]))),
    )
    .print_int(copy(v), false, 64)
    .print_str(&tc, "\n");
    s.assign(Place::local(y), Rvalue::Aggregate(adt_op(0), vec![int(c.i32, (-3i32) as u32 as u128), int(c.bool, 1)]))
        .assign(
            Place::local(w),
            Rvalue::Use(Operand::Copy(place(y, vec![PlaceElem::Downcast(VariantIdx(0)), PlaceElem::Field(0, c.i32)]))),
        )
        .print_int(copy(w), true, 32)
        .assign(
            Place::local(flag),
            Rvalue::Use(Operand::Copy(place(y, vec![PlaceElem::Downcast(VariantIdx(0)), PlaceElem::Field(1, c.bool)]))),
        );
    s.call(
        Callee::Intrinsic(Intrinsic::Fmt(FmtValueKind::Bool, FmtSpec::default())),
        vec![int(c.u32, 1), copy(flag)],
        Place::local(Local(0)),
    );
    s.assign(
        Place::local(pp),
        Rvalue::Aggregate(
            adt_op(0),
            vec![int(c.i8, 5), Operand::Constant(Constant { ty: unit, value: ConstValue::ZeroSized }), int(c.i64, 9)],
        ),
    )
    .assign(Place::local(q), Rvalue::Use(Operand::Copy(place(pp, vec![PlaceElem::Field(2, c.i64)]))))
    .print_int(copy(q), true, 64)
    .assign(Place::local(x), Rvalue::Aggregate(adt_op(2), vec![]))
    .assign(Place::local(d), Rvalue::Discriminant(Place::local(x)))
    .print_int(copy(d), true, 64)
    .stmt(StatementKind::SetDiscriminant { place: Place::local(dir), variant: VariantIdx(0) })
    .assign(Place::local(d), Rvalue::Discriminant(Place::local(dir)))
    .print_int(copy(d), true, 64)
    .stmt(StatementKind::SetDiscriminant { place: Place::local(dir), variant: VariantIdx(1) })
    .assign(Place::local(d), Rvalue::Discriminant(Place::local(dir)))
    .print_int(copy(d), true, 64)
    .ret();
    // The `otherwise` target.
    let mut body = s.finish();
    let fail = BasicBlock(body.blocks.len() as u32);
    body.blocks.push(BasicBlockData {
        statements: vec![],
        terminator: Terminator { kind: TerminatorKind::Unreachable, span: span() },
        is_cleanup: false,
    });
    for b in &mut body.blocks {
        if let TerminatorKind::SwitchInt { otherwise, .. } = &mut b.terminator.kind {
            *otherwise = fail;
        }
    }
    tc.define(main, body);
    let ir = tc.ir();
    // Tag i8 (0..=5), union of `{ i32, i8 }` and `{ i64 }`: 8 bytes, 8-aligned.
    assert!(ir.contains("%E = type { i8, [1 x i64] }"), "{ir}");
    assert!(ir.contains("%P = type { i8, i64 }"), "{ir}");
    assert!(ir.contains("%\"E::A\" = type { i32, i8 }"), "{ir}");
    // Discriminants -1 and 300 need a signed 16-bit tag.
    assert!(ir.contains("store i16 300"), "{ir}");
    if let Some(out) = tc.run("") {
        assert_eq!(out.stdout, "7\n-3true95-1300", "{out:?}");
        assert_eq!(out.code, Some(0));
    }
}

#[test]
fn arrays_slices_repeat_and_bounds_checks() {
    let mut tc = TestCrate::new();
    let c = tc.c();
    let unit = c.unit;
    let arr4 = tc.ty(TyKind::Array(c.i32, 4));
    let slice = tc.ty(TyKind::Slice(c.i32));
    let r_arr = tc.ty(TyKind::Ref(arr4, TyMut::Not));
    let r_slice = tc.ty(TyKind::Ref(slice, TyMut::Not));
    let arr100 = tc.ty(TyKind::Array(c.u8, 100));
    let zeros = tc.ty(TyKind::Array(c.u64, 50));
    let main = tc.func("main", vec![], unit, Linkage::Internal);
    tc.krate.entry = Some(main);
    let mut s = Seq::new(&tc, main, unit, &[]);
    let a = s.named(arr4, "a");
    let ra = s.local(r_arr);
    let sl = s.named(r_slice, "sl");
    let n = s.local(c.usize);
    let x = s.local(c.i32);
    let i = s.local(c.usize);
    let ok = s.local(c.bool);
    let sub = s.local(r_slice);
    let rep = s.local(arr100);
    let byte = s.local(c.u8);
    let z = s.local(zeros);
    let zq = s.local(c.u64);
    let deref = |l| place(l, vec![PlaceElem::Deref]);
    s.assign(
        Place::local(a),
        Rvalue::Aggregate(AggregateKind::Array(c.i32), [10, 20, 30, 40].map(|v| int(c.i32, v)).to_vec()),
    )
    .assign(Place::local(ra), Rvalue::Ref(Mutability::Not, Place::local(a)))
    .assign(Place::local(sl), Rvalue::Cast(CastKind::Unsize, copy(ra), r_slice))
    .assign(Place::local(n), Rvalue::Len(deref(sl)))
    .print_int(copy(n), false, 64)
    .assign(Place::local(i), Rvalue::Use(int(c.usize, 2)))
    .assign(Place::local(x), Rvalue::Use(Operand::Copy(place(sl, vec![PlaceElem::Deref, PlaceElem::Index(i)]))))
    .print_int(copy(x), true, 32)
    .assign(
        Place::local(x),
        Rvalue::Use(Operand::Copy(place(
            sl,
            vec![PlaceElem::Deref, PlaceElem::ConstantIndex { offset: 1, from_end: true }],
        ))),
    )
    .print_int(copy(x), true, 32)
    .assign(
        Place::local(sub),
        Rvalue::Ref(
            Mutability::Not,
            place(sl, vec![PlaceElem::Deref, PlaceElem::Subslice { from: 1, to: 1, ty: slice }]),
        ),
    )
    .assign(Place::local(n), Rvalue::Len(deref(sub)))
    .print_int(copy(n), false, 64)
    .assign(
        Place::local(x),
        Rvalue::Use(Operand::Copy(place(
            sub,
            vec![PlaceElem::Deref, PlaceElem::ConstantIndex { offset: 0, from_end: false }],
        ))),
    )
    .print_int(copy(x), true, 32)
    .assign(Place::local(rep), Rvalue::Repeat(int(c.u8, 7), 100))
    .assign(Place::local(i), Rvalue::Use(int(c.usize, 99)))
    .assign(Place::local(byte), Rvalue::Use(Operand::Copy(place(rep, vec![PlaceElem::Index(i)]))))
    .print_int(copy(byte), false, 8)
    .assign(Place::local(z), Rvalue::Repeat(int(c.u64, 0), 50))
    .assign(
        Place::local(zq),
        Rvalue::Use(Operand::Copy(place(z, vec![PlaceElem::ConstantIndex { offset: 49, from_end: false }]))),
    )
    .print_int(copy(zq), false, 64)
    .print_str(&tc, "\n")
    .assign(Place::local(i), Rvalue::Use(int(c.usize, 9)))
    .assign(Place::local(n), Rvalue::Len(Place::local(a)))
    .assign(Place::local(ok), Rvalue::BinaryOp(BinOp::Lt, copy(i), copy(n)));
    s.sp = line(3);
    s.term(|next| TerminatorKind::Assert {
        cond: copy(ok),
        expected: true,
        msg: AssertKind::BoundsCheck { len: copy(n), index: copy(i) },
        target: next,
        unwind: UnwindAction::Continue,
    });
    s.assign(Place::local(x), Rvalue::Use(Operand::Copy(place(a, vec![PlaceElem::Index(i)])))).ret();
    tc.define(main, s.finish());
    let ir = tc.ir();
    assert!(ir.contains("llvm.memset"), "zero repeat is a memset: {ir}");
    assert!(ir.contains("@aether_rt_panic_bounds"), "{ir}");
    if let Some(out) = tc.run("") {
        assert_eq!(out.stdout, "4304022070\n", "{out:?}");
        assert!(
            out.stderr.contains("panicked at tests/prog.ae:3:5:\nindex out of bounds: the len is 4 but the index is 9"),
            "{out:?}"
        );
        assert_eq!(out.code, Some(101));
    }
}

#[test]
fn statics_and_aggregate_constants() {
    let mut tc = TestCrate::new();
    let c = tc.c();
    let unit = c.unit;
    let opt = tc.adt("Opt", true, vec![("None", 0, vec![]), ("Some", 1, vec![c.i64])]);
    let arr2 = tc.ty(TyKind::Array(c.u8, 2));
    let counter_ty = tc.ty(TyKind::Tuple(vec![c.i32, arr2]));
    let p_counter = tc.ty(TyKind::RawPtr(counter_ty, TyMut::Mut));
    let r_opt = tc.ty(TyKind::Ref(opt, TyMut::Not));
    let r_str = tc.ty(TyKind::Ref(c.static_str, TyMut::Not));
    let pair = tc.ty(TyKind::Tuple(vec![c.i64, opt]));
    let arr_opt = tc.ty(TyKind::Array(opt, 2));
    let agg = |variant: u32, fields: Vec<ConstVal>| ConstVal::Aggregate { variant: VariantIdx(variant), fields };
    let counter = tc.static_(
        "COUNTER",
        counter_ty,
        true,
        agg(0, vec![ConstVal::Int(5), agg(0, vec![ConstVal::Int(1), ConstVal::Int(2)])]),
    );
    let some = tc.static_("SOME", opt, false, agg(1, vec![ConstVal::Int(42)]));
    let greeting = tc.static_("GREETING", c.static_str, false, ConstVal::Str("hi".into()));
    let opts = tc.static_("OPTS", arr_opt, false, agg(0, vec![agg(0, vec![]), agg(1, vec![ConstVal::Int(8)])]));
    let main = tc.func("main", vec![], unit, Linkage::Internal);
    tc.krate.entry = Some(main);
    let mut s = Seq::new(&tc, main, unit, &[]);
    let pc = s.local(p_counter);
    let v = s.local(c.i32);
    let ro = s.local(r_opt);
    let d = s.local(c.isize);
    let q = s.local(c.i64);
    let rs = s.local(r_str);
    let st = s.local(c.static_str);
    let pr = s.local(pair);
    let addr = |id, ty| Operand::Constant(Constant { ty, value: ConstValue::StaticAddr(id) });
    let field0 = |l| place(l, vec![PlaceElem::Deref, PlaceElem::Field(0, c.i32)]);
    s.assign(Place::local(pc), Rvalue::Use(addr(counter, p_counter)))
        .assign(field0(pc), Rvalue::BinaryOp(BinOp::Add, Operand::Copy(field0(pc)), int(c.i32, 10)))
        .assign(Place::local(v), Rvalue::Use(Operand::Copy(field0(pc))))
        .print_int(copy(v), true, 32)
        .assign(Place::local(ro), Rvalue::Use(addr(some, r_opt)))
        .assign(Place::local(d), Rvalue::Discriminant(place(ro, vec![PlaceElem::Deref])))
        .print_int(copy(d), true, 64)
        .assign(
            Place::local(q),
            Rvalue::Use(Operand::Copy(place(
                ro,
                vec![PlaceElem::Deref, PlaceElem::Downcast(VariantIdx(1)), PlaceElem::Field(0, c.i64)],
            ))),
        )
        .print_int(copy(q), true, 64)
        .assign(Place::local(rs), Rvalue::Use(addr(greeting, r_str)))
        .assign(Place::local(st), Rvalue::Use(Operand::Copy(place(rs, vec![PlaceElem::Deref]))));
    s.call(Callee::Intrinsic(Intrinsic::WriteStr), vec![int(c.u32, 1), copy(st)], Place::local(Local(0)));
    s.assign(
        Place::local(pr),
        Rvalue::Use(Operand::Constant(Constant {
            ty: pair,
            value: ConstValue::Aggregate(agg(0, vec![ConstVal::Int(7), agg(1, vec![ConstVal::Int(3)])])),
        })),
    )
    .assign(
        Place::local(q),
        Rvalue::Use(Operand::Copy(place(
            pr,
            vec![PlaceElem::Field(1, opt), PlaceElem::Downcast(VariantIdx(1)), PlaceElem::Field(0, c.i64)],
        ))),
    )
    .print_int(copy(q), true, 64);
    // Through the array-of-enums static: OPTS[1] is Some(8).
    let p_arr = tc.ty(TyKind::Ref(arr_opt, TyMut::Not));
    let ra = s.local(p_arr);
    s.assign(Place::local(ra), Rvalue::Use(addr(opts, p_arr)))
        .assign(
            Place::local(q),
            Rvalue::Use(Operand::Copy(place(
                ra,
                vec![
                    PlaceElem::Deref,
                    PlaceElem::ConstantIndex { offset: 1, from_end: false },
                    PlaceElem::Downcast(VariantIdx(1)),
                    PlaceElem::Field(0, c.i64),
                ],
            ))),
        )
        .print_int(copy(q), true, 64)
        .ret();
    tc.define(main, s.finish());
    let ir = tc.ir();
    assert!(ir.contains("@_AE7COUNTER = internal global"), "{ir}");
    assert!(ir.contains("@_AE4SOME = internal constant"), "{ir}");
    if let Some(out) = tc.run("") {
        assert_eq!(out.stdout, "15142hi38", "{out:?}");
    }
}

#[test]
fn unwinding_runs_cleanups_then_resumes() {
    let mut tc = TestCrate::new();
    let c = tc.c();
    let unit = c.unit;
    let boom = tc.func("boom", vec![], c.never, Linkage::Internal);
    let main = tc.func("main", vec![], unit, Linkage::Internal);
    tc.krate.entry = Some(main);
    let mut b = BodyBuilder::new(boom, c.never, &[]);
    b.block_at(
        vec![],
        TerminatorKind::Call {
            callee: Callee::Intrinsic(Intrinsic::Panic),
            args: vec![str_op(&tc, "boom")],
            destination: Place::local(Local(0)),
            target: None,
            unwind: UnwindAction::Continue,
        },
        false,
        line(4),
    );
    tc.define(boom, b.finish());
    let mut m = BodyBuilder::new(main, unit, &[]);
    m.block(
        vec![],
        TerminatorKind::Call {
            callee: Callee::Fn(boom),
            args: vec![],
            destination: Place::local(Local(0)),
            target: None,
            unwind: UnwindAction::Cleanup(BasicBlock(1)),
        },
    );
    m.block_at(vec![], write_str(&tc, "cleanup ran\n", Place::local(Local(0)), BasicBlock(2)), true, span());
    m.block_at(vec![], TerminatorKind::UnwindResume, true, span());
    tc.define(main, m.finish());
    let ir = tc.ir();
    assert!(ir.contains("personality ptr @aether_rt_eh_personality"), "{ir}");
    assert!(ir.contains("invoke void @_AE4boom()"), "{ir}");
    assert!(ir.contains("landingpad { ptr, i32 }\n          cleanup"), "{ir}");
    assert!(ir.contains("resume { ptr, i32 }"), "{ir}");
    if let Some(out) = tc.run("") {
        assert_eq!(out.stdout, "cleanup ran\n", "{out:?}");
        assert!(out.stderr.contains("panicked at tests/prog.ae:4:5:\nboom"), "{out:?}");
        assert_eq!(out.code, Some(101));
    }
}

#[test]
fn panic_from_extern_c_export_aborts() {
    let mut tc = TestCrate::new();
    let c = tc.c();
    let unit = c.unit;
    let ex = tc.func("ae_export_panics", vec![], unit, Linkage::ExportC);
    let main = tc.func("main", vec![], unit, Linkage::Internal);
    tc.krate.entry = Some(main);
    let mut b = BodyBuilder::new(ex, unit, &[]);
    b.block(
        vec![],
        TerminatorKind::Call {
            callee: Callee::Intrinsic(Intrinsic::Panic),
            args: vec![str_op(&tc, "inside")],
            destination: Place::local(Local(0)),
            target: None,
            unwind: UnwindAction::Continue,
        },
    );
    tc.define(ex, b.finish());
    let mut s = Seq::new(&tc, main, unit, &[]);
    s.call(Callee::Fn(ex), vec![], Place::local(Local(0))).ret();
    tc.define(main, s.finish());
    let ir = tc.ir();
    assert!(ir.contains("define void @ae_export_panics() #"), "{ir}");
    if let Some(out) = tc.run("") {
        assert!(out.stderr.contains("panic in a function that cannot unwind"), "{out:?}");
        assert_eq!(out.code, None, "killed by SIGABRT: {out:?}");
    }
}

const C_SIDE: &str = r#"
#include <stdint.h>
struct Mixed { int32_t a; double b; };
struct Big { uint64_t a, b, c; };
struct Pairf { float x, y; };
struct Mixed c_mixed(struct Mixed m) { m.a += 1; m.b *= 2; return m; }
struct Big c_big(struct Big b) { struct Big r = { b.c, b.b, b.a + 100 }; return r; }
struct Pairf c_pairf(struct Pairf p, int8_t k) { p.x += k; p.y -= k; return p; }
struct Big ae_big(struct Big b);
struct Mixed ae_mixed(int8_t k, struct Mixed m);
int64_t c_calls_back(void) {
    struct Big b = {1, 2, 3};
    struct Big r = ae_big(b);
    struct Mixed m = {4, 0.5};
    struct Mixed q = ae_mixed(-1, m);
    return (int64_t)(r.a * 100 + r.b * 10 + r.c) + q.a + (int64_t)(q.b * 1000);
}
"#;

#[test]
fn extern_c_structs_by_value_match_cc() {
    let mut tc = TestCrate::new();
    let c = tc.c();
    let unit = c.unit;
    let mixed = tc.adt("Mixed", false, vec![("Mixed", 0, vec![c.i32, c.f64])]);
    let big = tc.adt("Big", false, vec![("Big", 0, vec![c.u64, c.u64, c.u64])]);
    let pairf = tc.adt("Pairf", false, vec![("Pairf", 0, vec![c.f32, c.f32])]);
    let c_mixed = tc.func("c_mixed", vec![mixed], mixed, Linkage::ImportC);
    let c_big = tc.func("c_big", vec![big], big, Linkage::ImportC);
    let c_pairf = tc.func("c_pairf", vec![pairf, c.i8], pairf, Linkage::ImportC);
    let c_calls_back = tc.func("c_calls_back", vec![], c.i64, Linkage::ImportC);
    let ae_big = tc.func("ae_big", vec![big], big, Linkage::ExportC);
    let ae_mixed = tc.func("ae_mixed", vec![c.i8, mixed], mixed, Linkage::ExportC);
    let main = tc.func("main", vec![], unit, Linkage::Internal);
    tc.krate.entry = Some(main);

    // ae_big(b) = Big(b.0 + 1, b.1 + 1, b.2 + 1)
    let mut s = Seq::new(&tc, ae_big, big, &[big]);
    let f = |i| Operand::Copy(place(Local(1), vec![PlaceElem::Field(i, c.u64)]));
    let plus1 = |s: &mut Seq, i| {
        let t = s.local(c.u64);
        s.assign(Place::local(t), Rvalue::BinaryOp(BinOp::Add, f(i), int(c.u64, 1)));
        t
    };
    let (t0, t1, t2) = (plus1(&mut s, 0), plus1(&mut s, 1), plus1(&mut s, 2));
    s.assign(
        Place::return_place(),
        Rvalue::Aggregate(AggregateKind::Adt(hir::AdtId(1), VariantIdx(0)), vec![copy(t0), copy(t1), copy(t2)]),
    )
    .ret();
    tc.define(ae_big, s.finish());

    // ae_mixed(k, m) = Mixed(m.0 * 2 + k, m.1 + 1.0)
    let mut s = Seq::new(&tc, ae_mixed, mixed, &[c.i8, mixed]);
    let (a, k32, b) = (s.local(c.i32), s.local(c.i32), s.local(c.f64));
    s.assign(
        Place::local(a),
        Rvalue::BinaryOp(BinOp::Mul, Operand::Copy(place(Local(2), vec![PlaceElem::Field(0, c.i32)])), int(c.i32, 2)),
    )
    .assign(Place::local(k32), Rvalue::Cast(CastKind::Numeric, copy(Local(1)), c.i32))
    .assign(Place::local(a), Rvalue::BinaryOp(BinOp::Add, copy(a), copy(k32)))
    .assign(
        Place::local(b),
        Rvalue::BinaryOp(
            BinOp::Add,
            Operand::Copy(place(Local(2), vec![PlaceElem::Field(1, c.f64)])),
            Operand::Constant(Constant { ty: c.f64, value: ConstValue::Float(1.0) }),
        ),
    )
    .assign(
        Place::return_place(),
        Rvalue::Aggregate(AggregateKind::Adt(hir::AdtId(0), VariantIdx(0)), vec![copy(a), copy(b)]),
    )
    .ret();
    tc.define(ae_mixed, s.finish());

    let mut s = Seq::new(&tc, main, unit, &[]);
    let (m1, m2, b1, b2, p1, p2, r) =
        (s.local(mixed), s.local(mixed), s.local(big), s.local(big), s.local(pairf), s.local(pairf), s.local(c.i64));
    let fld = |l, i, t| Operand::Copy(place(l, vec![PlaceElem::Field(i, t)]));
    let fl = |t, v: f64| Operand::Constant(Constant { ty: t, value: ConstValue::Float(v) });
    s.assign(
        Place::local(m1),
        Rvalue::Aggregate(AggregateKind::Adt(hir::AdtId(0), VariantIdx(0)), vec![int(c.i32, 1), fl(c.f64, 1.5)]),
    )
    .call(Callee::Fn(c_mixed), vec![copy(m1)], Place::local(m2))
    .print_int(fld(m2, 0, c.i32), true, 32)
    .print_str(&tc, " ")
    .print_f64(fld(m2, 1, c.f64))
    .print_str(&tc, " ")
    .assign(
        Place::local(b1),
        Rvalue::Aggregate(AggregateKind::Adt(hir::AdtId(1), VariantIdx(0)), [1, 2, 3].map(|v| int(c.u64, v)).to_vec()),
    )
    .call(Callee::Fn(c_big), vec![copy(b1)], Place::local(b2))
    .print_int(fld(b2, 0, c.u64), false, 64)
    .print_str(&tc, ",")
    .print_int(fld(b2, 2, c.u64), false, 64)
    .print_str(&tc, " ")
    .assign(
        Place::local(p1),
        Rvalue::Aggregate(AggregateKind::Adt(hir::AdtId(2), VariantIdx(0)), vec![fl(c.f32, 1.0), fl(c.f32, 2.0)]),
    )
    .call(Callee::Fn(c_pairf), vec![copy(p1), int(c.i8, 3)], Place::local(p2))
    .print_f32(fld(p2, 0, c.f32))
    .print_str(&tc, ",")
    .print_f32(fld(p2, 1, c.f32))
    .print_str(&tc, " ")
    .call(Callee::Fn(c_calls_back), vec![], Place::local(r))
    .print_int(copy(r), true, 64)
    .ret();
    tc.define(main, s.finish());
    let ir = tc.ir();
    if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        // Mixed is INTEGER + SSE; Big is in memory (byval argument, sret result).
        assert!(
            ir.contains("declare { i64, double } @c_mixed(i64, double)")
                || ir.contains("declare { i64, double } @c_mixed({ i64, double })"),
            "{ir}"
        );
        assert!(ir.contains("@c_big(ptr noalias sret(%Big)"), "{ir}");
        assert!(ir.contains("byval(%Big)"), "{ir}");
        assert!(ir.contains("@c_pairf(<2 x float>, i8 signext"), "{ir}");
    }
    if let Some(out) = tc.run(C_SIDE) {
        // c_calls_back: ae_big({1,2,3}) = {2,3,4} -> 234; ae_mixed(-1, {4, 0.5}) = {7, 1.5} -> 7 + 1500.
        assert_eq!(out.stdout, "2 3 3,101 4,-1 1741", "{out:?}");
    }
}

#[test]
fn debug_info_line_tables() {
    let mut tc = TestCrate::new();
    let c = tc.c();
    let unit = c.unit;
    let main = tc.func("main", vec![], unit, Linkage::Internal);
    tc.krate.entry = Some(main);
    let mut s = Seq::new(&tc, main, unit, &[]);
    let x = s.named(c.i64, "answer");
    s.sp = line(5);
    s.assign(Place::local(x), Rvalue::Use(int(c.i64, 42)));
    s.sp = line(6);
    s.print_int(copy(x), true, 64);
    s.sp = line(7);
    s.ret();
    tc.define(main, s.finish());
    let opts = aether_backend_llvm::Options { debug_info: true, ..opts() };
    let art = tc
        .compile(opts.clone(), aether_backend_llvm::Wanted { llvm_ir: true, object: true, ..Default::default() })
        .expect("compiles with -g");
    let ir = art.llvm_ir.unwrap();
    assert!(ir.contains("!\"Debug Info Version\""), "{ir}");
    assert!(ir.contains("!\"Dwarf Version\", i32 4"), "{ir}");
    assert!(ir.contains("DISubprogram(name: \"main\""), "{ir}");
    assert!(ir.contains("DILocalVariable(name: \"answer\""), "{ir}");
    tc.compile(
        aether_backend_llvm::Options { opt_level: aether_backend_llvm::OptLevel::O2, ..opts },
        Default::default(),
    )
    .expect("-g -O2");
    let Ok(dump) = std::process::Command::new("llvm-dwarfdump-22").arg("--version").output() else {
        eprintln!("note: llvm-dwarfdump-22 not found; not checking the object's DWARF");
        return;
    };
    assert!(dump.status.success());
    let dir = tempfile::tempdir().unwrap();
    let obj = dir.path().join("prog.o");
    std::fs::write(&obj, art.object.unwrap()).unwrap();
    let lines = std::process::Command::new("llvm-dwarfdump-22").arg("--debug-line").arg(&obj).output().unwrap();
    let lines = String::from_utf8_lossy(&lines.stdout);
    assert!(lines.contains("prog.ae"), "{lines}");
    // Rows for lines 5, 6 and 7 (column 5).
    for l in [5, 6, 7] {
        assert!(lines.lines().any(|r| r.split_whitespace().nth(1) == Some(&l.to_string())), "line {l}: {lines}");
    }
    let info = std::process::Command::new("llvm-dwarfdump-22").arg("--debug-info").arg(&obj).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("DW_AT_name\t(\"answer\")"), "{info}");
    assert!(info.contains("DW_AT_name\t(\"i64\")"), "{info}");
}
