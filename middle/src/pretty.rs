//! The textual form of MIR, printed by `aetherc --emit=mir` and used by snapshot tests.
//!
//! The format follows rustc's `-Zdump-mir` closely enough to be familiar: a `let` line per local
//! (with the user's name in a comment), then each block with its statements and terminator.
//! It is deterministic: the same program always prints the same text.

use std::fmt::Write;

use aether_frontend::hir;
use aether_frontend::ty::{TyInterner, TyKind};

use crate::mir::*;

/// Prints every body of the program, in function order.
pub fn print_program(krate: &hir::Crate, program: &Program) -> String {
    let mut out = String::new();
    for body in program.bodies.iter().flatten() {
        print_body(krate, body, &mut out);
        out.push('\n');
    }
    // Async bodies as built, before the coroutine transform made the bodies above of them.
    for body in &program.coroutine_sources {
        out.push_str("// before the coroutine transform:\n");
        print_body(krate, body, &mut out);
        out.push('\n');
    }
    out
}

pub fn print_body(krate: &hir::Crate, body: &Body, out: &mut String) {
    let tys = &krate.tys;
    let f = krate.fn_def(body.fn_id);
    let args: Vec<String> = body.args().map(|a| format!("{}: {}", a, tys.display(body.local_decl(a).ty))).collect();
    let _ = writeln!(out, "fn {}({}) -> {} {{", f.path, args.join(", "), tys.display(f.ret));
    for (i, d) in body.locals.iter().enumerate().skip(body.arg_count + 1) {
        let m = if d.mutable { "mut " } else { "" };
        let name = d.name.as_ref().map(|n| format!("    // {n}")).unwrap_or_default();
        let _ = writeln!(out, "    let {m}_{i}: {};{name}", tys.display(d.ty));
    }
    for (i, bb) in body.blocks.iter().enumerate() {
        let cleanup = if bb.is_cleanup { " (cleanup)" } else { "" };
        let _ = writeln!(out, "\n    bb{i}{cleanup}: {{");
        for s in &bb.statements {
            match &s.kind {
                StatementKind::Assign(p, rv) => {
                    let _ = writeln!(out, "        {} = {};", place(p), rvalue(rv, krate));
                }
                StatementKind::SetDiscriminant { place: p, variant } => {
                    let _ = writeln!(out, "        discriminant({}) = {};", place(p), variant.0);
                }
                StatementKind::StorageLive(l) => {
                    let _ = writeln!(out, "        StorageLive({l});");
                }
                StatementKind::StorageDead(l) => {
                    let _ = writeln!(out, "        StorageDead({l});");
                }
                StatementKind::Nop => {
                    let _ = writeln!(out, "        nop;");
                }
            }
        }
        let _ = writeln!(out, "        {};", terminator(&bb.terminator.kind, krate));
        let _ = writeln!(out, "    }}");
    }
    let _ = writeln!(out, "}}");
}

fn place(p: &Place) -> String {
    let mut s = p.local.to_string();
    for e in &p.projection {
        s = match e {
            PlaceElem::Deref => format!("(*{s})"),
            PlaceElem::Field(i, _) => format!("({s}.{i})"),
            PlaceElem::Index(l) => format!("{s}[{l}]"),
            PlaceElem::ConstantIndex { offset, from_end: false } => format!("{s}[{offset}]"),
            PlaceElem::ConstantIndex { offset, from_end: true } => format!("{s}[-{offset}]"),
            PlaceElem::Subslice { from, to, .. } => format!("{s}[{from}..-{to}]"),
            PlaceElem::Downcast(v) => format!("({s} as variant#{})", v.0),
        };
    }
    s
}

fn operand(o: &Operand, krate: &hir::Crate) -> String {
    match o {
        Operand::Copy(p) => format!("copy {}", place(p)),
        Operand::Move(p) => format!("move {}", place(p)),
        Operand::Constant(c) => format!("const {}", constant(c, &krate.tys)),
    }
}

fn constant(c: &Constant, tys: &TyInterner) -> String {
    match (&c.value, tys.kind(c.ty)) {
        (ConstValue::Scalar(v), TyKind::Bool) => (*v != 0).to_string(),
        (ConstValue::Scalar(v), TyKind::Char) => format!("{:?}", char::from_u32(*v as u32).unwrap_or('\u{fffd}')),
        (ConstValue::Scalar(v), TyKind::Int(i)) => {
            let bits = i.bits(64);
            let signed = if bits == 128 { *v as i128 } else { ((*v as i128) << (128 - bits)) >> (128 - bits) };
            format!("{signed}_{}", i.name())
        }
        (ConstValue::Scalar(v), _) => format!("{v}_{}", tys.display(c.ty)),
        (ConstValue::Float(f), _) => format!("{f:?}_{}", tys.display(c.ty)),
        (ConstValue::Str(s), _) => format!("{s:?}"),
        (ConstValue::ZeroSized, _) => format!("ZeroSized: {}", tys.display(c.ty)),
        (ConstValue::Aggregate(v), _) => format!("{v:?}: {}", tys.display(c.ty)),
        (ConstValue::StaticAddr(id), _) => format!("&static#{}", id.0),
    }
}

fn rvalue(rv: &Rvalue, krate: &hir::Crate) -> String {
    let op = |o: &Operand| operand(o, krate);
    match rv {
        Rvalue::Use(o) => op(o),
        Rvalue::BinaryOp(b, l, r) => format!("{b:?}({}, {})", op(l), op(r)),
        Rvalue::CheckedBinaryOp(b, l, r) => format!("Checked{b:?}({}, {})", op(l), op(r)),
        Rvalue::UnaryOp(UnOp::Neg, o) => format!("Neg({})", op(o)),
        Rvalue::UnaryOp(UnOp::Not, o) => format!("Not({})", op(o)),
        Rvalue::Cast(_, o, t) => format!("{} as {}", op(o), krate.tys.display(*t)),
        Rvalue::Ref(Mutability::Not, p) => format!("&{}", place(p)),
        Rvalue::Ref(Mutability::Mut, p) => format!("&mut {}", place(p)),
        Rvalue::Len(p) => format!("Len({})", place(p)),
        Rvalue::Discriminant(p) => format!("discriminant({})", place(p)),
        Rvalue::Repeat(o, n) => format!("[{}; {n}]", op(o)),
        Rvalue::Aggregate(kind, os) => {
            let items = os.iter().map(op).collect::<Vec<_>>().join(", ");
            match kind {
                AggregateKind::Tuple => format!("({items})"),
                AggregateKind::Array(_) => format!("[{items}]"),
                AggregateKind::Adt(adt, v) => {
                    let def = krate.adt(*adt);
                    let name =
                        if def.is_enum { format!("{}::{}", def.path, def.variant(*v).name) } else { def.path.clone() };
                    format!("{name} {{ {items} }}")
                }
            }
        }
    }
}

fn unwind(u: &UnwindAction) -> String {
    match u {
        UnwindAction::Continue => "unwind continue".into(),
        UnwindAction::Unreachable => "unwind unreachable".into(),
        UnwindAction::Cleanup(b) => format!("unwind: {b}"),
    }
}

fn terminator(k: &TerminatorKind, krate: &hir::Crate) -> String {
    match k {
        TerminatorKind::Goto { target } => format!("goto -> {target}"),
        TerminatorKind::SwitchInt { discr, targets, otherwise } => {
            let arms: Vec<String> = targets.iter().map(|(v, b)| format!("{v}: {b}")).collect();
            format!("switchInt({}) -> [{}, otherwise: {otherwise}]", operand(discr, krate), arms.join(", "))
        }
        TerminatorKind::Call { callee, args, destination, target, unwind: u } => {
            let name = match callee {
                Callee::Fn(id) => krate.fn_def(*id).path.clone(),
                Callee::Virtual { method, slot, .. } => format!("virtual[{slot}] {}", krate.fn_def(*method).path),
                Callee::Intrinsic(i) => format!("intrinsic::{}", i.name()),
            };
            let args: Vec<String> = args.iter().map(|a| operand(a, krate)).collect();
            let ret = target.map(|t| format!("return: {t}, ")).unwrap_or_default();
            format!("{} = {name}({}) -> [{ret}{}]", place(destination), args.join(", "), unwind(u))
        }
        TerminatorKind::Assert { cond, expected, msg, target, unwind: u } => {
            let not = if *expected { "" } else { "!" };
            format!("assert({not}{}, {:?}) -> [success: {target}, {}]", operand(cond, krate), msg.message(), unwind(u))
        }
        TerminatorKind::Drop { place: p, target, unwind: u } => {
            format!("drop({}) -> [return: {target}, {}]", place(p), unwind(u))
        }
        TerminatorKind::Return => "return".into(),
        TerminatorKind::Yield { resume } => format!("yield -> [resume: {resume}]"),
        TerminatorKind::UnwindResume => "resume".into(),
        TerminatorKind::Unreachable => "unreachable".into(),
    }
}
