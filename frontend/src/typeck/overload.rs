//! Operator overloading: the trait calls behind `*x`, `a + b`, `a == b`, `x[i]` on types with
//! impls, and the helpers that check whether a type has one.
//!
//! Takes checked operands and produces ordinary `ExprKind::Call`s of the trait methods
//! (`Deref::deref`, `Add::add`, `PartialEq::eq`, `Index::index`, ..) with the receiver borrowed
//! as the method takes it; the result of a `deref`/`index` is dereferenced again, so the
//! expression stays a place. Primitive operands never come here (their operators are built in).

use super::expr::{is_place, op_method, BodyChecker};
use crate::hir::{self, BinOp, ExprKind};
use crate::span::Span;
use crate::ty::{Mutability, Ty, TyKind};

impl BodyChecker<'_, '_> {
    /// Whether `t` implements the (parameterless) lang trait `tr`, as far as is known now.
    pub(super) fn implements(&self, tr: Option<crate::ty::TraitId>, t: Ty) -> bool {
        let Some(tr) = tr else { return false };
        let t = self.infer.resolve_known(&self.cx.tys, t);
        if matches!(self.cx.tys.kind(t), TyKind::Infer(_) | TyKind::Error) {
            return false;
        }
        let goal = hir::TraitRef { trait_id: tr, args: vec![t] };
        matches!(
            self.cx.tables().select(&goal, &self.cx.env),
            crate::traits::Selection::Impl(..) | crate::traits::Selection::Param
        )
    }

    /// `*e` for a type with a `Deref` impl: `*Deref::deref(&e)`, or `*DerefMut::deref_mut(&mut
    /// e)` when `e` is a mutable place or a temporary and its type implements `DerefMut` (the
    /// value is the same; only the borrow differs).
    pub(super) fn overloaded_deref(&mut self, e: hir::Expr, span: Span) -> hir::Expr {
        // A temporary (a call's result) is a mutable place, as in Rust: `cell.borrow_mut().push(x)`.
        let mutable =
            (!is_place(&e) || self.place_mutable(&e).is_ok()) && self.implements(self.cx.lang.deref_mut, e.ty);
        let (tr, method) = if mutable { (self.cx.lang.deref_mut, "deref_mut") } else { (self.cx.lang.deref, "deref") };
        let ptr = self.overloaded_call(tr.expect("checked by the caller"), method, e, vec![], mutable, span);
        match self.kind(ptr.ty) {
            TyKind::Ref(t, _) => self.mk(ExprKind::Deref(Box::new(ptr)), t, span),
            _ => self.error_expr(span),
        }
    }

    /// Whether `t` implements `tr` for some arguments (its other parameters left open).
    pub(super) fn implements_with_args(&mut self, tr: crate::ty::TraitId, t: Ty) -> bool {
        let n = self.cx.traits[tr.index()].generics.params.len();
        let t = self.infer.resolve_known(&self.cx.tys, t);
        let mut args = vec![t];
        for _ in 1..n {
            args.push(self.infer.new_var(&mut self.cx.tys));
        }
        let goal = hir::TraitRef { trait_id: tr, args };
        self.cx.tables().select(&goal, &self.cx.env) != crate::traits::Selection::None
    }

    /// Calls trait method `method` of `tr` with `recv` by value as `self`.
    pub(super) fn overloaded_call_by_value(
        &mut self,
        tr: crate::ty::TraitId,
        method: &str,
        recv: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        self.trait_call(tr, method, recv, Vec::new(), None, span)
    }

    /// Calls trait method `method` of trait `tr` with `recv` borrowed (`&recv`, or `&mut recv`
    /// when `mutable`) as `self` and `rest` after it; `Self` is `recv`'s type.
    pub(super) fn overloaded_call(
        &mut self,
        tr: crate::ty::TraitId,
        method: &str,
        recv: hir::Expr,
        rest: Vec<hir::Expr>,
        mutable: bool,
        span: Span,
    ) -> hir::Expr {
        let m = if mutable { Mutability::Mut } else { Mutability::Not };
        self.trait_call(tr, method, recv, rest, Some(m), span)
    }

    /// A call of a trait method with `Self` = `recv`'s type: `recv` passed by value (`by_ref`
    /// `None`) or borrowed, then `rest`.
    fn trait_call(
        &mut self,
        tr: crate::ty::TraitId,
        method: &str,
        recv: hir::Expr,
        rest: Vec<hir::Expr>,
        by_ref: Option<Mutability>,
        span: Span,
    ) -> hir::Expr {
        let Some(fid) = self.cx.traits[tr.index()].methods.iter().find(|(n, _)| n == method).map(|(_, f)| *f) else {
            return self.error_expr(span);
        };
        let g = self.cx.fns[fid.index()].generics.clone();
        let substs = self.fresh_substs(&g);
        self.unify(substs[0], recv.ty);
        let (params, ret) = (self.cx.fns[fid.index()].params.clone(), self.cx.fns[fid.index()].ret);
        let params: Vec<Ty> = params.into_iter().map(|p| self.instantiate(p, &substs, span)).collect();
        self.register_bounds(&g, &substs, span);
        let first = match by_ref {
            None => recv,
            Some(m) => {
                let rs = recv.span;
                let rt = self.intern(TyKind::Ref(recv.ty, m));
                self.mk(ExprKind::Ref { mutable: m == Mutability::Mut, place: Box::new(recv) }, rt, rs)
            }
        };
        let mut args = vec![first];
        for (a, p) in rest.into_iter().zip(params.iter().skip(1)) {
            let a = self.coerce(a, *p);
            args.push(a);
        }
        self.select_where_possible();
        let ret = self.instantiate(ret, &substs, span);
        let ret = self.infer.resolve_known(&self.cx.tys, ret);
        self.mk(ExprKind::Call { callee: fid, substs, args }, ret, span)
    }

    /// `lhs op rhs` on a type with an operator trait impl (or bound): a call of the trait's
    /// method (`PartialEq::eq(&lhs, &rhs)`, `Add::add(lhs, rhs)`). `None` if the type has no
    /// such impl (the caller reports E0369).
    pub(super) fn overloaded_binop(
        &mut self,
        hop: BinOp,
        lt: Ty,
        lhs: &hir::Expr,
        rhs: &hir::Expr,
        span: Span,
    ) -> Option<hir::Expr> {
        let lang = &self.cx.lang;
        let (trait_id, method, by_ref) = match hop {
            BinOp::Eq => (lang.partial_eq?, "eq", true),
            BinOp::Ne => (lang.partial_eq?, "ne", true),
            BinOp::Lt => (lang.partial_ord?, "lt", true),
            BinOp::Le => (lang.partial_ord?, "le", true),
            BinOp::Gt => (lang.partial_ord?, "gt", true),
            BinOp::Ge => (lang.partial_ord?, "ge", true),
            _ => {
                let t = lang.ops.iter().find(|(o, _)| *o == hop)?.1;
                (t, op_method(hop), false)
            }
        };
        let nparams = self.cx.traits[trait_id.index()].generics.params.len();
        let mut goal_args = vec![lt];
        if nparams == 2 {
            goal_args.push(rhs.ty);
        }
        let goal = hir::TraitRef { trait_id, args: goal_args.clone() };
        let mut rhs = rhs.clone();
        if self.cx.tables().select(&goal, &self.cx.env) == crate::traits::Selection::None {
            // `String + &String`: with one impl for the left type, its right-hand type decides
            // and the operand is coerced to it (`&String` to `&str`).
            if nparams != 2 {
                return None;
            }
            let fresh = self.infer.new_var(&mut self.cx.tys);
            let probe = hir::TraitRef { trait_id, args: vec![lt, fresh] };
            match self.cx.tables().select(&probe, &self.cx.env) {
                crate::traits::Selection::Impl(id, substs) => {
                    let want = self.cx.impls[id.index()]
                        .trait_ref
                        .as_ref()
                        .map(|tr| self.cx.tys.subst(tr.args[1], &substs))?;
                    rhs = self.coerce(rhs, want);
                    goal_args[1] = rhs.ty;
                }
                _ => return None,
            }
        }
        let fid = self.cx.traits[trait_id.index()].methods.iter().find(|(n, _)| n == method)?.1;
        let g = self.cx.fns[fid.index()].generics.clone();
        let substs = self.fresh_substs(&g);
        for (s, a) in substs.iter().zip(&goal_args) {
            self.unify(*s, *a);
        }
        let (params, ret) = (self.cx.fns[fid.index()].params.clone(), self.cx.fns[fid.index()].ret);
        let params: Vec<Ty> = params.into_iter().map(|p| self.instantiate(p, &substs, span)).collect();
        let ret = self.instantiate(ret, &substs, span);
        self.register_bounds(&g, &substs, span);
        let mut args = Vec::new();
        for (e, p) in [lhs.clone(), rhs].into_iter().zip(params) {
            let (es, ety) = (e.span, e.ty);
            let arg = if by_ref {
                let t = self.intern(TyKind::Ref(ety, Mutability::Not));
                self.mk(ExprKind::Ref { mutable: false, place: Box::new(e) }, t, es)
            } else {
                e
            };
            self.demand(p, arg.ty, es);
            args.push(arg);
        }
        Some(self.mk(ExprKind::Call { callee: fid, substs, args }, ret, span))
    }

    /// `*Index::index(&base, i)`, or `*IndexMut::index_mut(&mut base, i)` when `base` is a
    /// mutable place whose type has that impl.
    pub(super) fn overloaded_index(&mut self, b: hir::Expr, i: hir::Expr, span: Span) -> hir::Expr {
        let index_tr = self.cx.lang.index.expect("the standard library has Index");
        let index_mut = self.cx.lang.index_mut.filter(|tr| {
            let g = hir::TraitRef { trait_id: *tr, args: vec![b.ty, i.ty] };
            is_place(&b)
                && self.place_mutable(&b).is_ok()
                && self.cx.tables().select(&g, &self.cx.env) != crate::traits::Selection::None
        });
        let (tr, m, mutable) = match index_mut {
            Some(tr) => (tr, "index_mut", true),
            None => (index_tr, "index", false),
        };
        let ptr = self.overloaded_call(tr, m, b, vec![i], mutable, span);
        match self.kind(ptr.ty) {
            TyKind::Ref(t, _) => self.mk(ExprKind::Deref(Box::new(ptr)), t, span),
            _ => self.error_expr(span),
        }
    }
}
