//! Patterns: `match`, `if let` and `let` lowered to tests and bindings.
//!
//! Each arm's pattern is tested against the scrutinee place (which is not moved or copied: the
//! tests read through projections), and only when every test of the pattern passed are its
//! bindings made, as Rust requires. Or-patterns without bindings branch to a shared success
//! block; or-patterns with bindings are expanded into alternatives (each alternative binds the
//! same locals and jumps to the arm's guard and body, which are lowered once). Arms are tried in
//! order; the type checker proved the match exhaustive, so falling off the last arm is
//! `Unreachable`.

use std::collections::HashMap;

use aether_frontend::hir::{self, PatKind};
use aether_frontend::span::Span;
use aether_frontend::ty::{Ty, TyKind};

use super::Builder;
use crate::mir::*;

/// Which alternative each or-pattern with bindings takes, keyed by the or-pattern's address.
type Choice = HashMap<*const hir::Pat, usize>;

impl Builder<'_> {
    pub(super) fn match_into(&mut self, dest: Place, scrutinee: &hir::Expr, arms: &[hir::Arm], span: Span) {
        let place = self.as_place(scrutinee);
        let sty = scrutinee.ty;
        let join = self.new_block();
        for arm in arms {
            let scope_depth = self.scopes.len();
            self.push_scope();
            let body_bb = self.new_block();
            for choice in choices(&arm.pat) {
                let next = self.new_block();
                self.test_pat(&place, sty, &arm.pat, next, &choice);
                self.bind_pat(&place, sty, &arm.pat, &choice);
                self.goto(body_bb, arm.span);
                self.cur = Some(next);
            }
            // `cur` is where the next arm's tests start.
            let next_arm = self.cur.take();
            self.cur = Some(body_bb);
            if let Some(g) = &arm.guard {
                let (pass, fail) = (self.new_block(), self.new_block());
                let c = self.as_operand(g);
                self.branch(c, pass, fail, g.span);
                self.cur = Some(fail);
                self.end_scope_storage(scope_depth);
                if let Some(n) = next_arm {
                    self.goto(n, g.span);
                }
                self.cur = Some(pass);
            }
            self.expr_into(dest.clone(), &arm.body);
            self.pop_scope();
            self.goto(join, arm.span);
            self.cur = next_arm;
        }
        // Exhaustiveness was checked: no value reaches past the last arm.
        self.terminate(TerminatorKind::Unreachable, span);
        self.cur = Some(join);
    }

    /// Tests `pat` against the value at `place` and, when it matches, makes its bindings;
    /// jumps to `fail` otherwise. Or-patterns with bindings are tried alternative by alternative.
    pub(super) fn test_and_bind(&mut self, place: Place, pat: &hir::Pat, fail: BasicBlock) {
        let ty = pat_value_ty(pat);
        let success = self.new_block();
        for choice in choices(pat) {
            let next = self.new_block();
            self.test_pat(&place, ty, pat, next, &choice);
            self.bind_pat(&place, ty, pat, &choice);
            self.goto(success, pat.span);
            self.cur = Some(next);
        }
        self.goto(fail, pat.span);
        self.cur = Some(success);
    }

    /// `let pat = init else { .. };`
    pub(super) fn let_stmt(
        &mut self,
        pat: &hir::Pat,
        init: Option<&hir::Expr>,
        else_block: Option<&hir::Expr>,
        span: Span,
    ) {
        let Some(init) = init else {
            // `let x;`: only declares (the type checker allows only plain bindings here).
            declare_bindings(self, pat, span);
            return;
        };
        if let (PatKind::Binding { local, by_ref: None, sub: None }, None) = (&pat.kind, else_block) {
            // The common case needs no temporary: evaluate straight into the variable.
            let l = self.declare_local(*local, span);
            self.expr_into(Place::local(l), init);
            return;
        }
        let place = self.as_place(init);
        match else_block {
            None => {
                let choice = Choice::new();
                self.bind_pat(&place, init.ty, pat, &choice);
            }
            Some(e) => {
                let fail = self.new_block();
                self.test_and_bind(place, pat, fail);
                let after = self.cur.take();
                self.cur = Some(fail);
                let t = self.new_temp(e.ty, e.span);
                self.expr_into(Place::local(t), e);
                // The else block diverges (type `!`).
                self.terminate(TerminatorKind::Unreachable, e.span);
                self.cur = after;
            }
        }
    }

    /// Emits the tests of `pat` on the value at `place` (of type `ty`); falls through when all
    /// pass, jumps to `fail` at the first that does not.
    fn test_pat(&mut self, place: &Place, ty: Ty, pat: &hir::Pat, fail: BasicBlock, choice: &Choice) {
        let span = pat.span;
        match &pat.kind {
            PatKind::Wild => {}
            PatKind::Binding { sub, .. } => {
                if let Some(s) = sub {
                    self.test_pat(place, ty, s, fail, choice);
                }
            }
            PatKind::Const(v) => {
                let value = self.read(place.clone(), ty);
                let c = self.const_operand(v, ty);
                let eq = self.new_temp(self.common().bool, span);
                if is_str_ref(self, ty) {
                    let b = self.common().bool;
                    let _ = b;
                    self.call(Callee::Intrinsic(Intrinsic::StrEq), vec![value, c], Place::local(eq), false, span);
                } else {
                    self.assign(Place::local(eq), Rvalue::BinaryOp(BinOp::Eq, value, c), span);
                }
                self.pass_or_fail(Operand::Move(Place::local(eq)), fail, span);
            }
            PatKind::Range { lo, hi, inclusive } => {
                let b = self.common().bool;
                if let Some(lo) = lo {
                    let t = self.new_temp(b, span);
                    let (v, c) = (self.read(place.clone(), ty), self.const_operand(lo, ty));
                    self.assign(Place::local(t), Rvalue::BinaryOp(BinOp::Ge, v, c), span);
                    self.pass_or_fail(Operand::Move(Place::local(t)), fail, span);
                }
                if let Some(hi) = hi {
                    let t = self.new_temp(b, span);
                    let (v, c) = (self.read(place.clone(), ty), self.const_operand(hi, ty));
                    let op = if *inclusive { BinOp::Le } else { BinOp::Lt };
                    self.assign(Place::local(t), Rvalue::BinaryOp(op, v, c), span);
                    self.pass_or_fail(Operand::Move(Place::local(t)), fail, span);
                }
            }
            PatKind::Tuple(pats) => {
                let elems = match self.tys.kind(ty) {
                    TyKind::Tuple(e) => e.clone(),
                    _ => unreachable!("tuple pattern on a non-tuple"),
                };
                for (i, (p, fty)) in pats.iter().zip(elems).enumerate() {
                    let fp = project(place, PlaceElem::Field(i as u32, fty));
                    self.test_pat(&fp, fty, p, fail, choice);
                }
            }
            PatKind::Adt { adt, variant, fields } => {
                let def = self.hir.adt(*adt);
                let base = if def.is_enum {
                    if def.variants.len() > 1 {
                        let isize_ty = self.common().isize;
                        let d = self.new_temp(isize_ty, span);
                        self.assign(Place::local(d), Rvalue::Discriminant(place.clone()), span);
                        let want = self.const_int(isize_ty, def.variant(*variant).discr as u128 & mask64());
                        let eq = self.new_temp(self.common().bool, span);
                        self.assign(
                            Place::local(eq),
                            Rvalue::BinaryOp(BinOp::Eq, Operand::Move(Place::local(d)), want),
                            span,
                        );
                        self.pass_or_fail(Operand::Move(Place::local(eq)), fail, span);
                    }
                    project(place, PlaceElem::Downcast(*variant))
                } else {
                    place.clone()
                };
                for (i, p) in fields {
                    let fty = self.field_ty(ty, *adt, *variant, *i);
                    let fp = project(&base, PlaceElem::Field(*i, fty));
                    self.test_pat(&fp, fty, p, fail, choice);
                }
            }
            PatKind::Deref(inner) => {
                let pointee = pointee(self, ty);
                self.test_pat(&project(place, PlaceElem::Deref), pointee, inner, fail, choice);
            }
            PatKind::Or(alts) => {
                if let Some(&i) = choice.get(&(pat as *const hir::Pat)) {
                    self.test_pat(place, ty, &alts[i], fail, choice);
                    return;
                }
                let success = self.new_block();
                for (i, alt) in alts.iter().enumerate() {
                    let next = if i + 1 == alts.len() { fail } else { self.new_block() };
                    self.test_pat(place, ty, alt, next, choice);
                    self.goto(success, span);
                    self.cur = Some(next);
                    if i + 1 == alts.len() {
                        self.cur = None;
                    }
                }
                self.cur = Some(success);
            }
            PatKind::Slice { prefix, middle, suffix } => {
                let elem = elem_ty(self, ty);
                let n = (prefix.len() + suffix.len()) as u128;
                if !matches!(self.tys.kind(ty), TyKind::Array(..)) {
                    let usize_ty = self.common().usize;
                    let len = self.new_temp(usize_ty, span);
                    self.assign(Place::local(len), Rvalue::Len(place.clone()), span);
                    let ok = self.new_temp(self.common().bool, span);
                    let op = if middle.is_some() { BinOp::Ge } else { BinOp::Eq };
                    self.assign(
                        Place::local(ok),
                        Rvalue::BinaryOp(op, Operand::Copy(Place::local(len)), self.const_int(usize_ty, n)),
                        span,
                    );
                    self.pass_or_fail(Operand::Move(Place::local(ok)), fail, span);
                }
                for (i, p) in prefix.iter().enumerate() {
                    let ep = project(place, PlaceElem::ConstantIndex { offset: i as u64, from_end: false });
                    self.test_pat(&ep, elem, p, fail, choice);
                }
                for (j, p) in suffix.iter().enumerate() {
                    let ep =
                        project(place, PlaceElem::ConstantIndex { offset: (suffix.len() - j) as u64, from_end: true });
                    self.test_pat(&ep, elem, p, fail, choice);
                }
                if let Some(m) = middle {
                    let mty = pat_value_ty(m);
                    let sp = project(
                        place,
                        PlaceElem::Subslice { from: prefix.len() as u64, to: suffix.len() as u64, ty: mty },
                    );
                    self.test_pat(&sp, mty, m, fail, choice);
                }
            }
        }
    }

    fn pass_or_fail(&mut self, cond: Operand, fail: BasicBlock, span: Span) {
        let pass = self.new_block();
        self.branch(cond, pass, fail, span);
        self.cur = Some(pass);
    }

    /// Makes the bindings of `pat` (whose tests passed) from the value at `place`.
    fn bind_pat(&mut self, place: &Place, ty: Ty, pat: &hir::Pat, choice: &Choice) {
        let span = pat.span;
        match &pat.kind {
            PatKind::Wild | PatKind::Const(_) | PatKind::Range { .. } => {}
            PatKind::Binding { local, by_ref, sub } => {
                let l = self.declare_local(*local, span);
                let rv = match by_ref {
                    Some(m) => Rvalue::Ref(if *m { Mutability::Mut } else { Mutability::Not }, place.clone()),
                    None => Rvalue::Use(self.read(place.clone(), ty)),
                };
                self.assign(Place::local(l), rv, span);
                if let Some(s) = sub {
                    self.bind_pat(place, ty, s, choice);
                }
            }
            PatKind::Tuple(pats) => {
                let elems = match self.tys.kind(ty) {
                    TyKind::Tuple(e) => e.clone(),
                    _ => unreachable!("tuple pattern on a non-tuple"),
                };
                for (i, (p, fty)) in pats.iter().zip(elems).enumerate() {
                    self.bind_pat(&project(place, PlaceElem::Field(i as u32, fty)), fty, p, choice);
                }
            }
            PatKind::Adt { adt, variant, fields } => {
                let base = if self.hir.adt(*adt).is_enum {
                    project(place, PlaceElem::Downcast(*variant))
                } else {
                    place.clone()
                };
                for (i, p) in fields {
                    let fty = self.field_ty(ty, *adt, *variant, *i);
                    self.bind_pat(&project(&base, PlaceElem::Field(*i, fty)), fty, p, choice);
                }
            }
            PatKind::Deref(inner) => {
                let pointee = pointee(self, ty);
                self.bind_pat(&project(place, PlaceElem::Deref), pointee, inner, choice);
            }
            PatKind::Or(alts) => {
                if let Some(&i) = choice.get(&(pat as *const hir::Pat)) {
                    self.bind_pat(place, ty, &alts[i], choice);
                }
            }
            PatKind::Slice { prefix, middle, suffix } => {
                let elem = elem_ty(self, ty);
                for (i, p) in prefix.iter().enumerate() {
                    self.bind_pat(
                        &project(place, PlaceElem::ConstantIndex { offset: i as u64, from_end: false }),
                        elem,
                        p,
                        choice,
                    );
                }
                for (j, p) in suffix.iter().enumerate() {
                    let e = PlaceElem::ConstantIndex { offset: (suffix.len() - j) as u64, from_end: true };
                    self.bind_pat(&project(place, e), elem, p, choice);
                }
                if let Some(m) = middle {
                    let mty = pat_value_ty(m);
                    let sp = project(
                        place,
                        PlaceElem::Subslice { from: prefix.len() as u64, to: suffix.len() as u64, ty: mty },
                    );
                    self.bind_pat(&sp, mty, m, choice);
                }
            }
        }
    }
}

fn project(place: &Place, elem: PlaceElem) -> Place {
    let mut p = place.clone();
    p.projection.push(elem);
    p
}

fn mask64() -> u128 {
    u64::MAX as u128
}

/// The type of the value a pattern matches, before its own implicit dereference: a `Deref`
/// pattern's type is the reference's.
fn pat_value_ty(p: &hir::Pat) -> Ty {
    p.ty
}

fn pointee(b: &Builder<'_>, ty: Ty) -> Ty {
    match b.tys.kind(ty) {
        TyKind::Ref(t, _) | TyKind::RawPtr(t, _) => *t,
        other => unreachable!("deref pattern on {other:?}"),
    }
}

fn elem_ty(b: &Builder<'_>, ty: Ty) -> Ty {
    match b.tys.kind(ty) {
        TyKind::Array(t, _) | TyKind::Slice(t) => *t,
        other => unreachable!("slice pattern on {other:?}"),
    }
}

fn is_str_ref(b: &Builder<'_>, ty: Ty) -> bool {
    matches!(b.tys.kind(ty), TyKind::Ref(t, _) if *b.tys.kind(*t) == TyKind::Str)
}

fn declare_bindings(b: &mut Builder<'_>, pat: &hir::Pat, span: Span) {
    if let PatKind::Binding { local, sub, .. } = &pat.kind {
        b.declare_local(*local, span);
        if let Some(s) = sub {
            declare_bindings(b, s, span);
        }
    }
}

fn has_bindings(p: &hir::Pat) -> bool {
    match &p.kind {
        PatKind::Binding { .. } => true,
        PatKind::Wild | PatKind::Const(_) | PatKind::Range { .. } => false,
        PatKind::Tuple(ps) | PatKind::Or(ps) => ps.iter().any(has_bindings),
        PatKind::Adt { fields, .. } => fields.iter().any(|(_, p)| has_bindings(p)),
        PatKind::Deref(p) => has_bindings(p),
        PatKind::Slice { prefix, middle, suffix } => {
            prefix.iter().chain(suffix).any(has_bindings) || middle.as_deref().is_some_and(has_bindings)
        }
    }
}

/// Every combination of alternatives for the or-patterns of `p` that contain bindings.
fn choices(p: &hir::Pat) -> Vec<Choice> {
    let mut out = vec![Choice::new()];
    collect_choices(p, &mut out);
    out
}

fn collect_choices(p: &hir::Pat, out: &mut Vec<Choice>) {
    match &p.kind {
        PatKind::Or(alts) if has_bindings(p) => {
            let mut next = Vec::new();
            for c in out.iter() {
                for (i, alt) in alts.iter().enumerate() {
                    let mut c = c.clone();
                    c.insert(p as *const hir::Pat, i);
                    let mut sub = vec![c];
                    collect_choices(alt, &mut sub);
                    next.extend(sub);
                }
            }
            *out = next;
        }
        PatKind::Binding { sub: Some(s), .. } => collect_choices(s, out),
        PatKind::Tuple(ps) => ps.iter().for_each(|x| collect_choices(x, out)),
        PatKind::Adt { fields, .. } => fields.iter().for_each(|(_, x)| collect_choices(x, out)),
        PatKind::Deref(x) => collect_choices(x, out),
        PatKind::Slice { prefix, middle, suffix } => {
            prefix.iter().chain(suffix).for_each(|x| collect_choices(x, out));
            if let Some(m) = middle {
                collect_choices(m, out);
            }
        }
        _ => {}
    }
}
