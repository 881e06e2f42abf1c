//! Closures: checking closure expressions, capture analysis, and calls of callable values.
//!
//! A closure's body is checked inside the enclosing body (it shares its inference variables
//! and sees its locals). Parameter and return types come from annotations, else from what the
//! context expects: a pending `?F: Fn(A, B)` obligation on the expected type gives the
//! parameters, its `Output` projection the return type (rustc's signature deduction). After the
//! body, capture analysis finds the enclosing locals it uses and how: moved (a non-`Copy` value
//! used by value, or everything in a `move` closure), mutably borrowed (assigned, `&mut`), or
//! borrowed; the closure's kind follows (`FnOnce` if it moves a capture out, `FnMut` if it
//! mutates one, else `Fn`). Calling a value of closure type, or of a parameter bounded by a call
//! trait, becomes a call of `Fn::call`/`FnMut::call_mut`/`FnOnce::call_once` with the
//! arguments as a tuple; monomorphization turns those into calls of the closure's body.

use super::expr::BodyChecker;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, Capture, ExprKind, LocalId, Predicate, TraitRef};
use crate::span::Span;
use crate::ty::{ClosureKind, InferTy, Mutability, Ty, TyKind};

impl BodyChecker<'_, '_> {
    pub(super) fn check_closure(&mut self, c: &ast::Closure, expected: Option<Ty>, span: Span) -> hir::Expr {
        let (exp_params, exp_ret) = self.expected_signature(expected, c.params.len());
        let outer_locals = self.locals.len();
        self.scopes.push(Default::default());
        let mut params = Vec::new();
        let mut param_tys = Vec::new();
        for (i, p) in c.params.iter().enumerate() {
            let t = match &p.ty {
                Some(t) => self.lower_ty(t),
                None => exp_params
                    .as_ref()
                    .and_then(|ps| ps.get(i).copied())
                    .unwrap_or_else(|| self.infer.new_var(&mut self.cx.tys)),
            };
            if let (Some(ps), Some(_)) = (&exp_params, &p.ty) {
                if let Some(e) = ps.get(i) {
                    self.unify(*e, t);
                }
            }
            params.push(self.check_pat_top(&p.pat, t));
            param_tys.push(t);
        }
        // An async closure's annotation is its future's output.
        let async_output = match (&c.ret, c.is_async) {
            (Some(t), true) => Some(self.lower_ty(t)),
            _ => None,
        };
        let ret = match &c.ret {
            Some(t) if !c.is_async => self.lower_ty(t),
            _ => exp_ret.unwrap_or_else(|| self.infer.new_var(&mut self.cx.tys)),
        };
        // `return` inside the closure returns from it; loops outside are not targets.
        let saved_ret = std::mem::replace(&mut self.ret_ty, ret);
        let saved_loops = std::mem::take(&mut self.loops);
        // A closure's body is not async even inside an async body.
        let saved_async = std::mem::replace(&mut self.in_async, false);
        let saved_depth = std::mem::replace(&mut self.block_depth, 0);
        let saved_closure_in_async = std::mem::replace(&mut self.closure_in_async, saved_async);
        let body = if c.is_async {
            // `async |x| body`: a closure returning an async block that owns the parameters.
            let fut = self.check_async_body(outer_locals, None, c.body.span, |this, output| {
                if let Some(t) = async_output {
                    this.unify(output, t);
                }
                let b = this.check_expr(&c.body, Some(output));
                this.coerce(b, output)
            });
            self.unify(ret, fut.ty);
            fut
        } else {
            self.check_expr(&c.body, Some(ret))
        };
        let body = self.coerce(body, ret);
        self.ret_ty = saved_ret;
        self.loops = saved_loops;
        self.in_async = saved_async;
        self.block_depth = saved_depth;
        self.closure_in_async = saved_closure_in_async;
        self.scopes.pop();

        let (captures, kind) = self.analyze_captures(&body, outer_locals, if c.is_move { 0 } else { usize::MAX });
        let upvars: Vec<Ty> = captures
            .iter()
            .map(|cap| {
                let t = self.locals[cap.local.index()].ty;
                match cap.by_ref {
                    None => t,
                    Some(m) => self.intern(TyKind::Ref(t, m)),
                }
            })
            .collect();
        let id = self.cx.next_closure;
        self.cx.next_closure += 1;
        let ty = self.intern(TyKind::Closure { id, params: param_tys, ret, kind, upvars });
        if let Some(e) = expected {
            // A closure expected as a concrete closure type is an error elsewhere; unify only
            // inference variables.
            if matches!(self.kind(e), TyKind::Infer(InferTy::Var(_))) {
                self.unify(e, ty);
            }
        }
        self.mk(ExprKind::Closure { params, body: Box::new(body), captures }, ty, span)
    }

    /// Parameter and return types the context expects of a closure with `n` parameters.
    fn expected_signature(&mut self, expected: Option<Ty>, n: usize) -> (Option<Vec<Ty>>, Option<Ty>) {
        let Some(e) = expected else { return (None, None) };
        let e = self.infer.resolve_known(&self.cx.tys, e);
        // An object type says the signature: `Box::new(|x| x * 2)` as `Box<dyn Fn(i32) -> i32>`.
        if let Some((_, args, out)) = self.object_call_sig(e) {
            return match self.cx.tys.kind(args) {
                TyKind::Tuple(ts) if ts.len() == n => (Some(ts.clone()), Some(out)),
                _ => (None, None),
            };
        }
        let lang = self.cx.lang.clone();
        let is_call_trait = |t| Some(t) == lang.fn_ || Some(t) == lang.fn_mut || Some(t) == lang.fn_once;
        // A pending obligation `e: Fn(A, B)` (from a generic call), or a bound on a parameter.
        let mut args_tuple = None;
        for o in &self.obligations {
            if is_call_trait(o.trait_ref.trait_id) && self.infer.resolve_known(&self.cx.tys, o.trait_ref.args[0]) == e {
                args_tuple = o.trait_ref.args.get(1).copied();
            }
        }
        let Some(tuple) = args_tuple else { return (None, None) };
        let tuple = self.infer.resolve_known(&self.cx.tys, tuple);
        let params = match self.cx.tys.kind(tuple) {
            TyKind::Tuple(ts) if ts.len() == n => Some(ts.clone()),
            _ => None,
        };
        let ret = lang.fn_once.map(|fo| {
            let tr = TraitRef { trait_id: fo, args: vec![e, tuple] };
            self.project(tr, "Output", Span::default())
        });
        (params, ret)
    }

    /// The enclosing locals (those below `outer`) that `body` uses, how, and the closure kind
    /// that follows.
    /// Locals numbered `move_from` and up are moved whatever the use (`move` closures: 0).
    pub(super) fn analyze_captures(
        &mut self,
        body: &hir::Expr,
        outer: usize,
        move_from: usize,
    ) -> (Vec<Capture>, ClosureKind) {
        let mut uses: Vec<(LocalId, Use)> = Vec::new();
        self.collect_uses(body, outer, Ctx::Value, &mut uses);
        let mut captures: Vec<Capture> = Vec::new();
        let mut kind = ClosureKind::Fn;
        for (l, u) in uses {
            let by_ref = if l.index() >= move_from {
                None
            } else {
                match u {
                    Use::Move => None,
                    Use::MutBorrow => Some(Mutability::Mut),
                    Use::Borrow => Some(Mutability::Not),
                }
            };
            match u {
                Use::Move if !self.is_copy_ty(self.locals[l.index()].ty) => kind = ClosureKind::FnOnce,
                Use::MutBorrow if kind == ClosureKind::Fn => kind = ClosureKind::FnMut,
                _ => {}
            }
            match captures.iter_mut().find(|c| c.local == l) {
                Some(c) => {
                    // The strongest use wins: move > mutable borrow > borrow.
                    c.by_ref = match (c.by_ref, by_ref) {
                        (None, _) | (_, None) => None,
                        (Some(Mutability::Mut), _) | (_, Some(Mutability::Mut)) => Some(Mutability::Mut),
                        _ => Some(Mutability::Not),
                    };
                }
                None => captures.push(Capture { local: l, by_ref }),
            }
        }
        (captures, kind)
    }

    fn collect_uses(&self, e: &hir::Expr, outer: usize, ctx: Ctx, out: &mut Vec<(LocalId, Use)>) {
        match &e.kind {
            ExprKind::Local(l) if l.index() < outer => {
                let u = match ctx {
                    Ctx::Value if self.is_copy_ty(e.ty) => Use::Borrow,
                    Ctx::Value => Use::Move,
                    Ctx::Place => Use::Borrow,
                    Ctx::MutPlace => Use::MutBorrow,
                };
                out.push((*l, u));
            }
            ExprKind::Ref { mutable, place } => {
                self.collect_uses(place, outer, if *mutable { Ctx::MutPlace } else { Ctx::Place }, out)
            }
            ExprKind::Assign { place, value } | ExprKind::AssignOp { place, value, .. } => {
                self.collect_uses(place, outer, Ctx::MutPlace, out);
                self.collect_uses(value, outer, Ctx::Value, out);
            }
            // Projections use their base as the place they are used as; reading a `Copy` field
            // of a place borrows it.
            ExprKind::Field { base, .. } => {
                let c = if ctx == Ctx::Value && self.is_copy_ty(e.ty) { Ctx::Place } else { ctx };
                self.collect_uses(base, outer, c, out)
            }
            ExprKind::Index { base, index } => {
                let c = if ctx == Ctx::Value && self.is_copy_ty(e.ty) { Ctx::Place } else { ctx };
                self.collect_uses(base, outer, c, out);
                self.collect_uses(index, outer, Ctx::Value, out);
            }
            // Through a reference: the reference itself is only read.
            ExprKind::Deref(x) => {
                let c = if ctx == Ctx::MutPlace
                    && matches!(self.cx.tys.kind(self.resolved(x.ty)), TyKind::Ref(_, Mutability::Mut))
                {
                    Ctx::MutPlace
                } else {
                    Ctx::Place
                };
                self.collect_uses(x, outer, c, out)
            }
            ExprKind::Match { scrutinee, .. } | ExprKind::Let { scrutinee, .. } => {
                // Matching reads the scrutinee in place; bindings by value move out of it.
                self.collect_uses(scrutinee, outer, Ctx::Place, out);
                e.for_each_child(|c| {
                    if !std::ptr::eq(c, scrutinee.as_ref()) {
                        self.collect_uses(c, outer, Ctx::Value, out)
                    }
                });
            }
            _ => e.for_each_child(|c| self.collect_uses(c, outer, Ctx::Value, out)),
        }
    }

    /// Whether values of `t` are copied rather than moved (as far as inference knows).
    pub(super) fn is_copy_ty(&self, t: Ty) -> bool {
        let t = self.infer.resolve_known(&self.cx.tys, t);
        match self.cx.tys.kind(t) {
            TyKind::Bool | TyKind::Char | TyKind::Int(_) | TyKind::Uint(_) | TyKind::Float(_) | TyKind::Never => true,
            TyKind::RawPtr(..) | TyKind::FnPtr(..) | TyKind::Ref(_, Mutability::Not) => true,
            TyKind::Infer(InferTy::Int(_) | InferTy::Float(_)) => true,
            _ => self.implements(self.cx.lang.copy, t),
        }
    }

    /// `callee(args)` where the callee is a value: a closure, a parameter bounded by a call
    /// trait, or a reference to one.
    pub(super) fn call_value(&mut self, callee: hir::Expr, args: &[ast::Expr], span: Span) -> Option<hir::Expr> {
        let mut f = callee;
        // Call through references: `(&f)(x)`, `f: &F`.
        while let TyKind::Ref(inner, _) = self.kind(f.ty) {
            let s = f.span;
            f = self.mk(ExprKind::Deref(Box::new(f)), inner, s);
        }
        // A boxed object is called through the box: `op(x)` with `op: &Box<dyn Fn(i32) -> i32>`.
        if self.implements(self.cx.lang.deref, f.ty) {
            let target = self.deref_target_of(f.ty);
            if target.is_some_and(|t| self.object_call_sig(t).is_some()) {
                let s = f.span;
                f = self.overloaded_deref(f, s);
            }
        }
        let t = self.infer.resolve_known(&self.cx.tys, f.ty);
        let lang = self.cx.lang.clone();
        let object = self.object_call_sig(t);
        let kind = match self.cx.tys.kind(t) {
            TyKind::Closure { kind, .. } => *kind,
            TyKind::Dynamic { trait_id, .. } if object.is_some() => {
                if Some(*trait_id) == lang.fn_ {
                    ClosureKind::Fn
                } else if Some(*trait_id) == lang.fn_mut {
                    ClosureKind::FnMut
                } else {
                    self.err(Diagnostic::error(
                        "E0161",
                        format!("cannot move a value of type `{}`", self.display(t)),
                        span,
                        "the size of this object cannot be statically determined",
                    ));
                    return Some(self.error_expr(span));
                }
            }
            TyKind::Param { .. } | TyKind::Projection { .. } => {
                let bound = |tr: Option<crate::ty::TraitId>| {
                    tr.is_some()
                        && self.cx.env.iter().any(
                            |p| matches!(p, Predicate::Implements(b) if Some(b.trait_id) == tr && b.self_ty() == t),
                        )
                };
                if bound(lang.fn_) {
                    ClosureKind::Fn
                } else if bound(lang.fn_mut) {
                    ClosureKind::FnMut
                } else if bound(lang.fn_once) {
                    ClosureKind::FnOnce
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        let (tr, method, recv_mode) = match kind {
            ClosureKind::Fn => (lang.fn_?, "call", Some(Mutability::Not)),
            ClosureKind::FnMut => (lang.fn_mut?, "call_mut", Some(Mutability::Mut)),
            ClosureKind::FnOnce => (lang.fn_once?, "call_once", None),
        };
        let fid = self.cx.traits[tr.index()].methods.iter().find(|(n, _)| n == method)?.1;
        // The arguments, checked against the closure's parameters when they are known.
        let expected: Option<Vec<Ty>> = match self.cx.tys.kind(t) {
            TyKind::Closure { params, .. } => Some(params.clone()),
            TyKind::Dynamic { .. } => match object.map(|o| self.cx.tys.kind(o.1).clone()) {
                Some(TyKind::Tuple(ps)) => Some(ps),
                _ => None,
            },
            _ => None,
        };
        if let Some(ps) = &expected {
            if ps.len() != args.len() {
                self.arg_count_error("closure", ps.len(), args.len(), span, None);
                return Some(self.error_expr(span));
            }
        }
        let mut hargs = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let exp = expected.as_ref().and_then(|ps| ps.get(i).copied());
            let e = self.check_expr(a, exp);
            let e = match exp {
                Some(p) => self.coerce(e, p),
                None => e,
            };
            hargs.push(e);
        }
        let tuple_ty = self.intern(TyKind::Tuple(hargs.iter().map(|a| a.ty).collect()));
        let tuple = self.mk(ExprKind::Tuple(hargs), tuple_ty, span);
        let g = self.cx.fns[fid.index()].generics.clone();
        let substs = vec![t, tuple_ty];
        let _ = &g;
        self.register_bounds(&g, &substs, span);
        let recv = match recv_mode {
            None => f,
            Some(m) => {
                if m == Mutability::Mut {
                    self.check_mut_borrow(&f, span);
                }
                let rt = self.intern(TyKind::Ref(f.ty, m));
                let fs = f.span;
                self.mk(ExprKind::Ref { mutable: m == Mutability::Mut, place: Box::new(f) }, rt, fs)
            }
        };
        let ret = self.cx.fns[fid.index()].ret;
        let ret = self.instantiate(ret, &substs, span);
        if !self.projections.is_empty() {
            self.select_where_possible();
        }
        let ret = self.infer.resolve_known(&self.cx.tys, ret);
        Some(self.mk(ExprKind::Call { callee: fid, substs, args: vec![recv, tuple] }, ret, span))
    }

    /// E0618 for calling something that is not callable.
    pub(super) fn not_callable(&mut self, t: Ty, span: Span) {
        let ty = self.display(t);
        self.err(Diagnostic::error("E0618", format!("expected function, found `{ty}`"), span, "not a function"));
    }
}

/// How an expression uses a place it names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Its value is read (a move for non-`Copy` types).
    Value,
    /// It is borrowed or read in place.
    Place,
    /// It is assigned or mutably borrowed.
    MutPlace,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Move,
    MutBorrow,
    Borrow,
}
