//! The end of a body's checking: replaces inference variables by their values (applying the
//! `i32`/`f64` literal defaults) in locals, expressions and patterns, reports E0282 for locals
//! whose type nothing decided, folds negative integer literals and checks that integer literals
//! fit their final types (E9002), normalizes pattern constants to their type's width, and then
//! runs `exhaustiveness` on the final HIR.

use super::expr::BodyChecker;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, ExprKind, Literal, UnOp};
use crate::span::Span;
use crate::ty::{self, Ty, TyKind};

impl BodyChecker<'_, '_> {
    // -----------------------------------------------------------------------------------------
    // Finalization
    // -----------------------------------------------------------------------------------------

    pub(super) fn finalize(&mut self, body: &mut hir::Body) {
        let (i32_ty, f64_ty) = (self.c().i32, self.c().f64);
        for l in &mut body.locals {
            let t = self.infer.resolve(&mut self.cx.tys, l.ty, i32_ty, f64_ty);
            if *self.cx.tys.kind(t) == TyKind::Error
                && *self.cx.tys.kind(l.ty) != TyKind::Error
                && !l.name.starts_with('<')
            {
                self.cx.sink.push(
                    Diagnostic::error("E0282", "type annotations needed", l.span, "")
                        .with_help(format!("consider giving `{}` an explicit type", l.name)),
                );
            }
            l.ty = t;
        }
        self.finalize_expr(&mut body.value);
        super::exhaustiveness::check_body(self.cx, &body.value, &body.locals);
    }

    /// Finalizes an expression checked in this body but kept out of it (an async block's),
    /// with the checks `finalize` runs on a body.
    pub(super) fn finalize_detached(&mut self, e: &mut hir::Expr, locals: &[hir::LocalDecl]) {
        self.finalize_expr(e);
        super::exhaustiveness::check_body(self.cx, e, locals);
    }

    fn finalize_pat(&mut self, p: &mut hir::Pat) {
        let (i32_ty, f64_ty) = (self.c().i32, self.c().f64);
        p.ty = self.infer.resolve(&mut self.cx.tys, p.ty, i32_ty, f64_ty);
        let width = match self.cx.tys.kind(p.ty) {
            TyKind::Int(i) => Some(i.bits(64)),
            TyKind::Uint(u) => Some(u.bits(64)),
            _ => None,
        };
        let fix = |v: &mut Option<hir::ConstVal>| {
            if let (Some(hir::ConstVal::Int(x)), Some(w)) = (v.as_mut(), width) {
                *x &= super::consts::mask(w);
            }
        };
        match &mut p.kind {
            hir::PatKind::Const(c) => {
                let mut o = Some(c.clone());
                fix(&mut o);
                *c = o.expect("set above");
            }
            hir::PatKind::Range { lo, hi, .. } => {
                fix(lo);
                fix(hi);
            }
            hir::PatKind::Binding { sub: Some(s), .. } => self.finalize_pat(s),
            hir::PatKind::Deref(s) => self.finalize_pat(s),
            hir::PatKind::Tuple(ps) | hir::PatKind::Or(ps) => ps.iter_mut().for_each(|x| self.finalize_pat(x)),
            hir::PatKind::Adt { fields, .. } => fields.iter_mut().for_each(|(_, x)| self.finalize_pat(x)),
            hir::PatKind::Slice { prefix, middle, suffix } => {
                prefix.iter_mut().chain(suffix.iter_mut()).for_each(|x| self.finalize_pat(x));
                if let Some(m) = middle {
                    self.finalize_pat(m);
                }
            }
            _ => {}
        }
    }

    fn finalize_expr(&mut self, e: &mut hir::Expr) {
        let (i32_ty, f64_ty) = (self.c().i32, self.c().f64);
        e.ty = self.infer.resolve(&mut self.cx.tys, e.ty, i32_ty, f64_ty);
        // `-128i8` is a literal of the negated value, as in rustc.
        if let ExprKind::Unary { op: UnOp::Neg, operand } = &mut e.kind {
            if let ExprKind::Lit(Literal::Int(v)) = operand.kind {
                operand.ty = e.ty;
                if let TyKind::Int(i) = self.cx.tys.kind(e.ty) {
                    let bits = i.bits(64);
                    if v > 1u128 << (bits - 1) {
                        self.literal_out_of_range(e.span, e.ty, &format!("-{v}"));
                    }
                    let neg = (v as i128).wrapping_neg() as u128 & super::consts::mask(bits);
                    e.kind = ExprKind::Lit(Literal::Int(neg));
                    return;
                }
            }
        }
        if let ExprKind::Await { substs, .. } = &mut e.kind {
            for t in substs.iter_mut() {
                *t = self.infer.resolve(&self.cx.tys, *t, i32_ty, f64_ty);
            }
        }
        if let ExprKind::Call { substs, .. } = &mut e.kind {
            let mut unknown = false;
            for t in substs.iter_mut() {
                let r = self.infer.resolve(&self.cx.tys, *t, i32_ty, f64_ty);
                unknown |= *self.cx.tys.kind(r) == TyKind::Error && matches!(self.cx.tys.kind(*t), TyKind::Infer(_));
                *t = r;
            }
            if unknown && !self.reported_unknown {
                self.reported_unknown = true;
                let span = e.span;
                self.err(
                    Diagnostic::error(
                        "E0282",
                        "type annotations needed",
                        span,
                        "cannot infer a generic argument of this call",
                    )
                    .with_help(
                        "give the call's generic arguments explicitly (`f::<T>()`) or annotate the result's type",
                    ),
                );
            }
        }
        match &mut e.kind {
            ExprKind::Lit(Literal::Int(v)) => {
                let max = match self.cx.tys.kind(e.ty) {
                    TyKind::Int(i) => (1u128 << (i.bits(64) - 1)) - 1,
                    TyKind::Uint(u) => super::consts::mask(u.bits(64)),
                    _ => u128::MAX,
                };
                if *v > max {
                    let v = *v;
                    self.literal_out_of_range(e.span, e.ty, &v.to_string());
                }
            }
            ExprKind::Lit(Literal::Float(f)) if *self.cx.tys.kind(e.ty) == TyKind::Float(ty::FloatTy::F32) => {
                *f = *f as f32 as f64;
            }
            ExprKind::Match { arms, .. } => {
                for a in arms.iter_mut() {
                    self.finalize_pat(&mut a.pat);
                }
                e.for_each_child_mut(|c| self.finalize_expr(c));
            }
            ExprKind::Let { pat, .. } => {
                self.finalize_pat(pat);
                e.for_each_child_mut(|c| self.finalize_expr(c));
            }
            ExprKind::Closure { params, .. } => {
                for p in params.iter_mut() {
                    self.finalize_pat(p);
                }
                e.for_each_child_mut(|c| self.finalize_expr(c));
            }
            ExprKind::Block(b) => {
                for s in b.stmts.iter_mut() {
                    if let hir::Stmt::Let { pat, .. } = s {
                        self.finalize_pat(pat);
                    }
                }
                e.for_each_child_mut(|c| self.finalize_expr(c));
            }
            _ => e.for_each_child_mut(|c| self.finalize_expr(c)),
        }
    }

    fn literal_out_of_range(&mut self, span: Span, ty: Ty, text: &str) {
        let tn = self.cx.tys.display(ty).to_string();
        self.err(
            Diagnostic::error("E9002", format!("literal out of range for `{tn}`"), span, "")
                .with_note(format!("the literal `{text}` does not fit into the type `{tn}`")),
        );
    }
}
