//! Method calls and associated items: `recv.m(args)`, `Type::f(args)`, `Type::CONST`.
//!
//! Method lookup follows Rust's autoderef: starting from the receiver's type it steps through
//! references (`&&T` to `&T` to `T`) and at each step looks for an inherent method of an ADT
//! (or a built-in method of a primitive, array, slice or `str`); the receiver is then adjusted
//! by derefs and an auto-ref (`&`/`&mut`) to the method's `self` type, and the call becomes an
//! ordinary `ExprKind::Call` with the adjusted receiver first. Built-ins (`abs`, `pow`, `min`,
//! `max`, `sqrt`, `len`, `wrapping_*`, ..) map to `ExprKind::Intrinsic` or to ordinary HIR; the
//! primitive associated consts (`u64::MAX`, `i32::MIN`, `f64::EPSILON`) become constants.
//! Unknown methods are E0599 with rustc's wording.

use super::expr::BodyChecker;
use super::{unsupported, AssocRes, SelfKind, Vis};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, ConstVal, ExprKind, FnId, IntrinsicFn, Literal, Predicate, TraitRef};
use crate::span::Span;
use crate::traits::Selection;
use crate::ty::{FloatTy, Mutability, Ty, TyKind};

/// Methods of generic library types that come with a later stage.
const LATER: &[&str] = &[
    "iter",
    "iter_mut",
    "into_iter",
    "to_string",
    "clone",
    "as_ref",
    "push",
    "pop",
    "map",
    "unwrap",
    "collect",
    "chars",
    "bytes",
    "enumerate",
    "as_str",
    "to_owned",
    "rev",
    "sum",
    "checked_add",
    "checked_sub",
    "checked_mul",
    "checked_div",
    "checked_rem",
    "checked_pow",
    "to_digit",
    "from_u32",
    "count",
];

impl BodyChecker<'_, '_> {
    pub(super) fn check_method_call(
        &mut self,
        receiver: &ast::Expr,
        method: &ast::PathSegment,
        args: &[ast::Expr],
        span: Span,
    ) -> hir::Expr {
        let mut recv = self.check_expr(receiver, None);
        let name = method.ident.name.as_str();
        if matches!(self.kind(recv.ty), TyKind::Infer(crate::ty::InferTy::Var(_))) {
            self.select_where_possible();
            recv.ty = self.infer.resolve_known(&self.cx.tys, recv.ty);
        }
        if matches!(self.kind(recv.ty), TyKind::Infer(crate::ty::InferTy::Var(_))) {
            self.err(Diagnostic::error(
                "E0282",
                "type annotations needed",
                receiver.span,
                "type must be known at this point",
            ));
            for a in args {
                self.check_expr(a, None);
            }
            return self.error_expr(span);
        }
        if self.is_error(recv.ty) {
            for a in args {
                self.check_expr(a, None);
            }
            return self.error_expr(span);
        }
        // Autoderef: try the receiver, then `*recv`, `**recv`, ..
        let recv_ty = recv.ty;
        let mut recv = recv;
        // The first trait method found whose trait is not in scope (see `trait_in_scope`): used
        // only when no step has a method in scope, with the receiver as it was at that step.
        let mut fallback: Option<(hir::Expr, FnId, Ty, bool)> = None;
        loop {
            let t = self.infer.resolve_known(&self.cx.tys, recv.ty);
            if let Some((fid, vis)) = self.inherent_method(t, name) {
                if let Some(sk) = self.cx.fn_info[fid.index()].self_kind {
                    if !self.cx.is_visible(vis, self.module) {
                        self.err(Diagnostic::error(
                            "E0624",
                            format!("method `{name}` is private"),
                            method.ident.span,
                            "private method",
                        ));
                    }
                    let substs = self.method_substs(fid, t, method.args.as_ref(), method.ident.span);
                    let adjusted = self.adjust_receiver(recv, sk, receiver.span);
                    return self.call_fn(fid, substs, vec![adjusted], args, method.ident.span, span);
                }
            }
            recv = match self.builtin_method(recv, name, args, method.ident.span, span) {
                Ok(e) => return e,
                Err(r) => r,
            };
            // Rust's by-value probe of `&U` sees `U`'s inherent `&self` methods before any trait
            // method (`RefCell::borrow` over the blanket `Borrow::borrow`): deref to find them.
            let pointee_inherent = match self.kind(t) {
                TyKind::Ref(u, m) => self.inherent_method(u, name).is_some_and(|(fid, _)| {
                    let sk = self.cx.fn_info[fid.index()].self_kind;
                    sk == Some(SelfKind::Ref) || (sk == Some(SelfKind::RefMut) && m == Mutability::Mut)
                }),
                _ => false,
            };
            // A `&self` method of the pointee takes this reference as it is (before any impl
            // for the reference type itself, as in Rust's by-value probe).
            if let (TyKind::Ref(u, m), false) = (self.kind(t), pointee_inherent) {
                if let Some((fid, in_scope)) = self.trait_method_scoped(u, name) {
                    let sk = self.cx.fn_info[fid.index()].self_kind;
                    if sk == Some(SelfKind::Ref) || (sk == Some(SelfKind::RefMut) && m == Mutability::Mut) {
                        if in_scope {
                            let substs = self.method_substs(fid, u, method.args.as_ref(), method.ident.span);
                            return self.call_fn(fid, substs, vec![recv], args, method.ident.span, span);
                        }
                        fallback = fallback.or_else(|| Some((recv.clone(), fid, u, true)));
                    }
                }
            }
            if let (Some((fid, in_scope)), false) = (self.trait_method_scoped(t, name), pointee_inherent) {
                if let Some(sk) = self.cx.fn_info[fid.index()].self_kind {
                    if sk == SelfKind::Value && matches!(self.kind(t), TyKind::Dynamic { .. }) {
                        let tn = self.display(t);
                        self.err(
                            Diagnostic::error(
                                "E0161",
                                format!("cannot move a value of type `{tn}`"),
                                receiver.span,
                                "the size of this object cannot be statically determined",
                            )
                            .with_help(format!("`{name}` takes `self` by value, which a trait object cannot give it")),
                        );
                        return self.error_expr(span);
                    }
                    if in_scope {
                        let substs = self.method_substs(fid, t, method.args.as_ref(), method.ident.span);
                        let adjusted = self.adjust_receiver(recv, sk, receiver.span);
                        return self.call_fn(fid, substs, vec![adjusted], args, method.ident.span, span);
                    }
                    fallback = fallback.or_else(|| Some((recv.clone(), fid, t, false)));
                }
            }
            match self.kind(recv.ty) {
                TyKind::Ref(t, _) => {
                    let s = recv.span;
                    recv = self.mk(ExprKind::Deref(Box::new(recv)), t, s);
                }
                _ if self.implements(self.cx.lang.deref, recv.ty) => {
                    let s = recv.span;
                    recv = self.overloaded_deref(recv, s);
                }
                // Last, an array unsizes to a slice (`[1, 2].iter()`).
                TyKind::Array(elem, _) => {
                    let s = recv.span;
                    let at = recv.ty;
                    // A mutable array place unsizes to a mutable slice (`arr.reverse()`).
                    let m = if super::expr::is_place(&recv) && self.place_mutable(&recv).is_ok() {
                        Mutability::Mut
                    } else {
                        Mutability::Not
                    };
                    let ar = self.intern(TyKind::Ref(at, m));
                    let slice = self.intern(TyKind::Slice(elem));
                    let sr = self.intern(TyKind::Ref(slice, m));
                    let r = self.mk(ExprKind::Ref { mutable: m == Mutability::Mut, place: Box::new(recv) }, ar, s);
                    let cast = self.mk(ExprKind::PtrCast(Box::new(r)), sr, s);
                    recv = self.mk(ExprKind::Deref(Box::new(cast)), slice, s);
                }
                _ => break,
            }
        }
        if let Some((recv, fid, t, as_is)) = fallback {
            let substs = self.method_substs(fid, t, method.args.as_ref(), method.ident.span);
            let recv = match self.cx.fn_info[fid.index()].self_kind {
                Some(sk) if !as_is => self.adjust_receiver(recv, sk, receiver.span),
                _ => recv,
            };
            return self.call_fn(fid, substs, vec![recv], args, method.ident.span, span);
        }
        let base = recv.ty;
        for a in args {
            self.check_expr(a, None);
        }
        if LATER.contains(&name) {
            self.err(unsupported(&format!("the method `{name}`"), method.ident.span));
            return self.error_expr(span);
        }
        let tn = self.display(recv_ty);
        let what = match self.kind(base) {
            TyKind::Adt(a, _) if self.cx.adts[a.index()].is_enum => "enum",
            TyKind::Adt(..) => "struct",
            _ => "type",
        };
        let mut d = Diagnostic::error(
            "E0599",
            format!("no method named `{name}` found for {what} `{tn}` in the current scope"),
            method.ident.span,
            format!("method not found in `{tn}`"),
        );
        if let TyKind::Adt(a, _) = self.kind(base) {
            if let Some(items) = self.cx.inherent.get(&a) {
                let best = items
                    .keys()
                    .filter(|k| super::expr::edit_distance(k, name) <= 3)
                    .min_by_key(|k| super::expr::edit_distance(k, name));
                if let Some(b) = best {
                    d = d.with_help(format!("there is a method `{b}` with a similar name"));
                }
            }
        }
        self.err(d);
        self.error_expr(span)
    }

    /// The inherent method `name` of `t` (an ADT's impls, or the standard library's impls on
    /// primitives and slices), with its visibility.
    pub(super) fn inherent_method(&mut self, t: Ty, name: &str) -> Option<(FnId, Vis)> {
        if let TyKind::Adt(adt, _) = self.kind(t) {
            return match self.cx.inherent.get(&adt).and_then(|m| m.get(name)).copied() {
                Some((AssocRes::Fn(fid), vis, _)) => Some((fid, vis)),
                _ => None,
            };
        }
        let t = self.infer.resolve_known(&self.cx.tys, t);
        for &id in &self.cx.prim_impls {
            let imp = &self.cx.impls[id.index()];
            if let Some(fid) = imp.method(name) {
                if self.cx.tables().match_impl_self(imp, t).is_some() {
                    return Some((fid, Vis::Public));
                }
            }
        }
        None
    }

    /// The trait method `name` that `t` may implement, preferring traits in scope, and whether
    /// its trait is in scope. Rust only sees the traits in scope; an out-of-scope one is still
    /// used (by the caller) when no autoderef step finds a method in scope, so that programs
    /// that omit a `use` keep compiling, but it no longer shadows the method a later step finds
    /// (`rc.borrow()` on an `Rc<RefCell<T>>` is `RefCell::borrow`, not the blanket `Borrow`).
    fn trait_method_scoped(&mut self, t: Ty, name: &str) -> Option<(FnId, bool)> {
        let t = self.infer.resolve_known(&self.cx.tys, t);
        // A parameter's methods come from its bounds, which need no `use`.
        if matches!(self.kind(t), TyKind::Param { .. } | TyKind::Projection { .. } | TyKind::Infer(_)) {
            return self.trait_method(t, name).map(|f| (f, true));
        }
        let all = self.trait_method_candidates(t, name);
        // An object's methods are its trait's (and supertraits'), which need no `use` either.
        if let Some(principal) = self.cx.tables().object_principal(t) {
            let object_traits: Vec<crate::ty::TraitId> =
                self.cx.traits_with_supers(&principal).iter().map(|tr| tr.trait_id).collect();
            let own: Vec<FnId> = all
                .iter()
                .copied()
                .filter(|f| self.cx.fns[f.index()].trait_id.is_some_and(|tid| object_traits.contains(&tid)))
                .collect();
            if !own.is_empty() {
                return Some((self.pick_trait_method(own), true));
            }
        }
        let in_scope: Vec<FnId> = all
            .iter()
            .copied()
            .filter(|f| self.cx.fns[f.index()].trait_id.is_some_and(|tid| self.trait_in_scope(tid)))
            .collect();
        if !in_scope.is_empty() {
            return Some((self.pick_trait_method(in_scope), true));
        }
        if all.is_empty() {
            None
        } else {
            Some((self.pick_trait_method(all), false))
        }
    }

    /// Whether trait `tid` is in scope in the current module: named there (defined, imported,
    /// glob-imported) or in the prelude.
    fn trait_in_scope(&self, tid: crate::ty::TraitId) -> bool {
        let res = super::Res::Trait(tid);
        let m = self.cx.module(self.module);
        if m.types.values().any(|b| b.res == res) {
            return true;
        }
        let name = &self.cx.traits[tid.index()].name;
        let named = |module| {
            super::resolve::lookup_in(self.cx, module, name, super::resolve::Ns::Type, 0).is_some_and(|b| b.res == res)
        };
        named(self.module) || self.cx.prelude.is_some_and(named)
    }

    /// The trait method `name` that `t` may implement (one trait: several is ambiguous, E0034).
    pub(super) fn trait_method(&mut self, t: Ty, name: &str) -> Option<FnId> {
        let found = self.trait_method_candidates(t, name);
        if found.is_empty() {
            None
        } else {
            Some(self.pick_trait_method(found))
        }
    }

    /// Every trait method `name` whose trait `t` may implement.
    fn trait_method_candidates(&mut self, t: Ty, name: &str) -> Vec<FnId> {
        let t = self.infer.resolve_known(&self.cx.tys, t);
        let fids = self.cx.trait_methods.get(name).cloned().unwrap_or_default();
        let mut found = Vec::new();
        for fid in fids {
            let tid = self.cx.fns[fid.index()].trait_id.expect("trait methods have a trait");
            let n = self.cx.traits[tid.index()].generics.params.len();
            let mut args = vec![t];
            for _ in 1..n {
                args.push(self.infer.new_var(&mut self.cx.tys));
            }
            let goal = TraitRef { trait_id: tid, args };
            if self.cx.tables().select(&goal, &self.cx.env) != Selection::None {
                found.push(fid);
            }
        }
        found
    }

    /// One of several candidate trait methods (non-empty).
    fn pick_trait_method(&self, found: Vec<FnId>) -> FnId {
        if found.len() > 1 {
            // Prefer a trait the environment names (a bound on a parameter).
            let in_env: Vec<FnId> = found
                .iter()
                .copied()
                .filter(|f| {
                    let tid = self.cx.fns[f.index()].trait_id;
                    self.cx.env.iter().any(|p| matches!(p, Predicate::Implements(tr) if Some(tr.trait_id) == tid))
                })
                .collect();
            if in_env.len() == 1 {
                return in_env[0];
            }
        }
        found[0]
    }

    /// Generic arguments for calling method `fid` on a receiver of type `t`: the impl's or
    /// trait's parameters decided by `t`, the method's own fresh or written.
    pub(super) fn method_substs(
        &mut self,
        fid: FnId,
        t: Ty,
        written: Option<&ast::GenericArgs>,
        span: Span,
    ) -> Vec<Ty> {
        let substs = self.fn_substs(fid, written, span);
        let f = &self.cx.fns[fid.index()];
        let pattern = match (f.impl_id, f.trait_id) {
            (Some(imp), _) => Some(self.cx.impls[imp.index()].self_ty),
            (None, Some(_)) => Some(self.cx.tys.intern(TyKind::Param { index: 0, name: "Self".into() })),
            _ => None,
        };
        if let Some(p) = pattern {
            let p = self.instantiate(p, &substs, span);
            self.unify(p, t);
        }
        substs
    }

    /// Adjusts the (already dereferenced) receiver to the method's `self`.
    fn adjust_receiver(&mut self, recv: hir::Expr, sk: SelfKind, span: Span) -> hir::Expr {
        match sk {
            SelfKind::Value => recv,
            SelfKind::Ref | SelfKind::RefMut => {
                let mutable = sk == SelfKind::RefMut;
                // `(*r).m()` with `r: &T` and `&self`: pass `r` itself (a reborrow).
                if let ExprKind::Deref(inner) = &recv.kind {
                    if let TyKind::Ref(_, m) = self.kind(inner.ty) {
                        if !mutable || m == Mutability::Mut {
                            let ExprKind::Deref(inner) = recv.kind else { unreachable!("matched") };
                            let it = inner.ty;
                            let target = self
                                .intern(TyKind::Ref(recv.ty, if mutable { Mutability::Mut } else { Mutability::Not }));
                            return if it == target { *inner } else { self.mk(ExprKind::PtrCast(inner), target, span) };
                        }
                    }
                }
                if mutable {
                    self.check_mut_borrow(&recv, span);
                }
                let t = self.intern(TyKind::Ref(recv.ty, if mutable { Mutability::Mut } else { Mutability::Not }));
                self.mk(ExprKind::Ref { mutable, place: Box::new(recv) }, t, span)
            }
        }
    }

    /// Built-in methods of primitives, arrays, slices and `str`.
    fn builtin_method(
        &mut self,
        recv: hir::Expr,
        name: &str,
        args: &[ast::Expr],
        name_span: Span,
        span: Span,
    ) -> Result<hir::Expr, hir::Expr> {
        let t = self.resolved(recv.ty);
        let k = self.kind(t);
        let c = self.c();
        let int = matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(crate::ty::InferTy::Int(_)));
        let signed = matches!(k, TyKind::Int(_) | TyKind::Infer(crate::ty::InferTy::Int(_)));
        let float = matches!(k, TyKind::Float(_) | TyKind::Infer(crate::ty::InferTy::Float(_)));
        let (f, arg_tys, ret): (IntrinsicFn, Vec<Ty>, Ty) = match name {
            "len" => match k {
                TyKind::Array(_, n) => {
                    self.expect_args(name, 0, args, name_span);
                    return Ok(self.mk(ExprKind::Lit(Literal::Int(n as u128)), c.usize, span));
                }
                TyKind::Slice(_) | TyKind::Str => {
                    self.expect_args(name, 0, args, name_span);
                    let rt = self.intern(TyKind::Ref(t, Mutability::Not));
                    let rs = recv.span;
                    // `(*r).len()`: pass the reference itself (`&mut [T]` is cast to `&[T]`).
                    let r = match recv.kind {
                        ExprKind::Deref(inner) => {
                            if self.kind(inner.ty) == TyKind::Ref(t, Mutability::Not) {
                                *inner
                            } else {
                                self.mk(ExprKind::PtrCast(inner), rt, rs)
                            }
                        }
                        kind => self.mk(
                            ExprKind::Ref { mutable: false, place: Box::new(hir::Expr { kind, ty: t, span: rs }) },
                            rt,
                            rs,
                        ),
                    };
                    return Ok(self.mk(
                        ExprKind::Intrinsic { name: IntrinsicFn::SliceLen, args: vec![r] },
                        c.usize,
                        span,
                    ));
                }
                _ => return Err(recv),
            },
            "abs" if signed || float => (IntrinsicFn::Abs, vec![], t),
            "pow" if int => (IntrinsicFn::Pow, vec![c.u32], t),
            "powi" if float => (IntrinsicFn::Pow, vec![c.i32], t),
            "powf" if float => (IntrinsicFn::Powf, vec![t], t),
            "sqrt" if float => {
                let f = if self.kind(t) == TyKind::Float(FloatTy::F32) {
                    IntrinsicFn::SqrtF32
                } else {
                    IntrinsicFn::SqrtF64
                };
                (f, vec![], t)
            }
            "min" if int || float => (IntrinsicFn::Min, vec![t], t),
            "max" if int || float => (IntrinsicFn::Max, vec![t], t),
            "wrapping_add" if int => (IntrinsicFn::WrappingAdd, vec![t], t),
            "wrapping_sub" if int => (IntrinsicFn::WrappingSub, vec![t], t),
            "wrapping_mul" if int => (IntrinsicFn::WrappingMul, vec![t], t),
            "saturating_add" if int => (IntrinsicFn::SaturatingAdd, vec![t], t),
            "saturating_sub" if int => (IntrinsicFn::SaturatingSub, vec![t], t),
            "floor" if float => (IntrinsicFn::Floor, vec![], t),
            "ceil" if float => (IntrinsicFn::Ceil, vec![], t),
            "round" if float => (IntrinsicFn::Round, vec![], t),
            "trunc" if float => (IntrinsicFn::Trunc, vec![], t),
            _ => return Err(recv),
        };
        if matches!(k, TyKind::Infer(_)) && name != "min" && name != "max" {
            // rustc needs the literal's type to pick the method; so do we.
            let tn = self.display(t);
            self.err(
                Diagnostic::error(
                    "E0689",
                    format!("can't call method `{name}` on ambiguous numeric type `{tn}`"),
                    name_span,
                    "",
                )
                .with_help("you must specify a concrete type for this numeric value, like `i32`"),
            );
            return Ok(self.error_expr(span));
        }
        self.expect_args(name, arg_tys.len(), args, name_span);
        let mut hargs = vec![recv];
        for (a, at) in args.iter().zip(arg_tys) {
            let e = self.check_expr(a, Some(at));
            hargs.push(self.coerce(e, at));
        }
        Ok(self.mk(ExprKind::Intrinsic { name: f, args: hargs }, ret, span))
    }

    fn expect_args(&mut self, what: &str, n: usize, args: &[ast::Expr], at: Span) {
        if args.len() != n {
            let _ = what;
            self.arg_count_error("method", n, args.len(), at, None);
        }
    }

    /// `Type::NAME`: an associated constant (user or primitive).
    pub(super) fn check_assoc_value(&mut self, self_ty: Ty, name: &ast::Ident, span: Span) -> hir::Expr {
        if let TyKind::Adt(adt, _) = self.kind(self_ty) {
            match self.cx.inherent.get(&adt).and_then(|m| m.get(&name.name)).copied() {
                Some((AssocRes::Const(id), _, _)) => return self.const_expr(id, span),
                Some((AssocRes::Fn(fid), _, _)) => {
                    let substs = self.method_substs(fid, self_ty, None, span);
                    return self.fn_item_value(fid, substs, span);
                }
                None => {}
            }
        }
        if let Some(v) = self.prim_const(self_ty, &name.name) {
            return self.mk(ExprKind::Const(v), self_ty, span);
        }
        self.no_assoc(self_ty, name, "associated item");
        self.error_expr(span)
    }

    fn no_assoc(&mut self, self_ty: Ty, name: &ast::Ident, what: &str) {
        let tn = self.display(self_ty);
        let kind = match self.kind(self_ty) {
            TyKind::Adt(a, _) if self.cx.adts[a.index()].is_enum => "variant or associated item",
            _ => what,
        };
        let label = if kind.starts_with("variant") {
            format!("variant or associated item not found in `{tn}`")
        } else {
            format!("{what} not found in `{tn}`")
        };
        self.err(Diagnostic::error(
            "E0599",
            format!(
                "no {kind} named `{}` found for {} `{tn}` in the current scope",
                name.name,
                self.kind_word(self_ty)
            ),
            name.span,
            label,
        ));
    }

    fn kind_word(&self, t: Ty) -> &'static str {
        match self.kind(t) {
            TyKind::Adt(a, _) if self.cx.adts[a.index()].is_enum => "enum",
            TyKind::Adt(..) => "struct",
            _ => "type",
        }
    }

    fn prim_const(&self, t: Ty, name: &str) -> Option<ConstVal> {
        Some(match (self.kind(t), name) {
            (TyKind::Int(i), "MAX") => ConstVal::Int((1u128 << (i.bits(64) - 1)) - 1),
            (TyKind::Int(i), "MIN") => ConstVal::Int(1u128 << (i.bits(64) - 1)),
            (TyKind::Uint(u), "MAX") => ConstVal::Int(super::consts::mask(u.bits(64))),
            (TyKind::Uint(_), "MIN") => ConstVal::Int(0),
            (TyKind::Int(i), "BITS") => ConstVal::Int(i.bits(64) as u128),
            (TyKind::Uint(u), "BITS") => ConstVal::Int(u.bits(64) as u128),
            (TyKind::Float(FloatTy::F64), "MAX") => ConstVal::Float(f64::MAX),
            (TyKind::Float(FloatTy::F64), "MIN") => ConstVal::Float(f64::MIN),
            (TyKind::Float(FloatTy::F64), "EPSILON") => ConstVal::Float(f64::EPSILON),
            (TyKind::Float(_), "NAN") => ConstVal::Float(f64::NAN),
            (TyKind::Float(FloatTy::F64), "INFINITY") => ConstVal::Float(f64::INFINITY),
            (TyKind::Float(FloatTy::F64), "NEG_INFINITY") => ConstVal::Float(f64::NEG_INFINITY),
            (TyKind::Float(FloatTy::F32), "MAX") => ConstVal::Float(f32::MAX as f64),
            (TyKind::Float(FloatTy::F32), "MIN") => ConstVal::Float(f32::MIN as f64),
            (TyKind::Float(FloatTy::F32), "EPSILON") => ConstVal::Float(f32::EPSILON as f64),
            (TyKind::Char, "MAX") => ConstVal::Char(char::MAX),
            _ => return None,
        })
    }

    /// `Type::f(args)`: an associated function, or a method called by path (`f64::sqrt(x)`).
    pub(super) fn check_assoc_call(
        &mut self,
        self_ty: Ty,
        name: &ast::Ident,
        args: &[ast::Expr],
        callee_span: Span,
        span: Span,
    ) -> hir::Expr {
        if let TyKind::Adt(adt, _) = self.kind(self_ty) {
            if let Some((res, vis, _)) = self.cx.inherent.get(&adt).and_then(|m| m.get(&name.name)).copied() {
                if !self.cx.is_visible(vis, self.module) {
                    self.err(Diagnostic::error(
                        "E0624",
                        format!("associated function `{}` is private", name.name),
                        name.span,
                        "private associated function",
                    ));
                }
                match res {
                    AssocRes::Fn(fid) => {
                        let substs = self.method_substs(fid, self_ty, None, callee_span);
                        return self.call_fn(fid, substs, Vec::new(), args, callee_span, span);
                    }
                    AssocRes::Const(_) => {
                        self.err(Diagnostic::error(
                            "E0618",
                            format!("expected function, found associated constant `{}`", name.name),
                            callee_span,
                            "not a function",
                        ));
                        return self.error_expr(span);
                    }
                }
            }
        }
        let prim_method = match self.kind(self_ty) {
            TyKind::Adt(..) => None,
            _ => self.inherent_method(self_ty, &name.name).map(|(f, _)| f),
        };
        if let Some(fid) = prim_method.or_else(|| self.trait_method(self_ty, &name.name)) {
            let substs = self.method_substs(fid, self_ty, None, callee_span);
            return self.call_fn(fid, substs, Vec::new(), args, callee_span, span);
        }
        // `f64::sqrt(x)` is `x.sqrt()` on a primitive.
        if let (Some(first), false) = (args.first(), matches!(self.kind(self_ty), TyKind::Adt(..))) {
            let recv = self.check_expr(first, Some(self_ty));
            let recv = self.coerce(recv, self_ty);
            if let Ok(e) = self.builtin_method(recv, &name.name, &args[1..], name.span, span) {
                return e;
            }
        } else {
            for a in args {
                self.check_expr(a, None);
            }
        }
        if ["new", "from", "with_capacity", "default"].contains(&name.name.as_str())
            && !matches!(self.kind(self_ty), TyKind::Adt(..))
        {
            self.err(unsupported(&format!("`{}::{}`", self.display(self_ty), name.name), callee_span));
            return self.error_expr(span);
        }
        self.no_assoc(self_ty, name, "function or associated item");
        self.error_expr(span)
    }

    /// `Trait::f(args)`: the trait's method with `Self` left to inference.
    pub(super) fn check_trait_item_call(
        &mut self,
        trait_id: crate::ty::TraitId,
        name: &ast::Ident,
        args: &[ast::Expr],
        callee_span: Span,
        span: Span,
    ) -> hir::Expr {
        let td = &self.cx.traits[trait_id.index()];
        let Some(fid) = td.methods.iter().find(|(n, _)| *n == name.name).map(|(_, f)| *f) else {
            let tname = td.name.clone();
            self.err(Diagnostic::error(
                "E0576",
                format!("cannot find method or associated constant `{}` in trait `{tname}`", name.name),
                name.span,
                format!("not found in `{tname}`"),
            ));
            for a in args {
                self.check_expr(a, None);
            }
            return self.error_expr(span);
        };
        let substs = self.fn_substs(fid, None, callee_span);
        self.call_fn(fid, substs, Vec::new(), args, callee_span, span)
    }

    pub(super) fn call_intrinsic_path(
        &mut self,
        f: IntrinsicFn,
        args: &[ast::Expr],
        callee_span: Span,
        span: Span,
    ) -> hir::Expr {
        match f {
            IntrinsicFn::ProcessExit => {
                let i32_ty = self.c().i32;
                if args.len() != 1 {
                    self.arg_count_error("function", 1, args.len(), callee_span, None);
                    return self.error_expr(span);
                }
                let e = self.check_expr(&args[0], Some(i32_ty));
                let e = self.coerce(e, i32_ty);
                let never = self.c().never;
                self.mk(ExprKind::Intrinsic { name: f, args: vec![e] }, never, span)
            }
            _ => {
                self.err(unsupported("this intrinsic", callee_span));
                self.error_expr(span)
            }
        }
    }
}
