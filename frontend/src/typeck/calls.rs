//! Calls: of functions and associated functions by path (with their generic arguments), of
//! enum-variant and tuple-struct constructors, and of values (closures, parameters bounded by a
//! call trait); functions used as values.
//!
//! Takes the callee path or expression and the argument ASTs; produces `ExprKind::Call` (with
//! the callee's generic arguments as inference variables, its bounds registered as
//! obligations) or `ExprKind::Adt`. Arity errors are E0061 with the definition labelled.

use super::expr::BodyChecker;
use super::resolve::{self, PathRes};
use super::Res;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, ExprKind, FnId, VariantIdx};
use crate::span::Span;
use crate::ty::{self, Ty, TyKind};

impl BodyChecker<'_, '_> {
    pub(super) fn check_call(
        &mut self,
        callee: &ast::Expr,
        args: &[ast::Expr],
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let callee_is_local = match &callee.kind {
            ast::ExprKind::Path(path) => {
                path.segments.len() == 1 && !path.global && self.lookup_local(&path.segments[0].ident.name).is_some()
            }
            _ => true,
        };
        if callee_is_local {
            // A value called: a closure, or a parameter bounded by a call trait.
            let c = self.check_expr(callee, None);
            if self.is_error(c.ty) {
                for a in args {
                    self.check_expr(a, None);
                }
                return self.error_expr(span);
            }
            let t = c.ty;
            if let Some(e) = self.call_value(c, args, span) {
                return e;
            }
            self.not_callable(t, callee.span);
            return self.error_expr(span);
        }
        let ast::ExprKind::Path(path) = &callee.kind else { unreachable!("non-path callees are values") };
        let Some(res) = self.resolve_value_path(path) else {
            for a in args {
                self.check_expr(a, None);
            }
            return self.error_expr(span);
        };
        // Functions and methods called by path see the expected type (`call_fn` takes it before
        // checking any argument); constructors and the rest do not.
        if matches!(
            res,
            PathRes::Item(Res::Fn(_)) | PathRes::AdtAssoc { .. } | PathRes::Assoc { .. } | PathRes::TraitItem { .. }
        ) {
            self.call_expected = expected;
        }
        let e = self.check_path_call(res, path, callee, args, span);
        self.call_expected = None;
        e
    }

    fn check_path_call(
        &mut self,
        res: PathRes,
        path: &ast::Path,
        callee: &ast::Expr,
        args: &[ast::Expr],
        span: Span,
    ) -> hir::Expr {
        match res {
            PathRes::Item(Res::Fn(fid)) => {
                if self.in_const {
                    let name = self.cx.fns[fid.index()].name.clone();
                    self.err(
                        Diagnostic::error("E0015", format!("cannot call non-const fn `{name}` in constants"), span, "")
                            .with_note("calls in constants are limited to constant functions, tuple structs and tuple variants"),
                    );
                    return self.error_expr(span);
                }
                if self.cx.fn_info[fid.index()].is_unsafe {
                    self.require_unsafe("call to unsafe function", span, "call to unsafe function");
                }
                let last = path.segments.last().expect("paths have a segment");
                let substs = self.fn_substs(fid, last.args.as_ref(), callee.span);
                self.call_fn(fid, substs, Vec::new(), args, callee.span, span)
            }
            PathRes::Item(Res::Variant(adt, v)) => {
                let args_seg = self.variant_args_segment(path);
                let targs = self.adt_args(adt, args_seg, callee.span);
                self.call_ctor(adt, targs, v, args, callee.span, span)
            }
            PathRes::AdtAssoc { adt, type_seg, name } => {
                let targs = self.adt_args(adt, path.segments[type_seg].args.as_ref(), callee.span);
                let self_ty = self.intern(TyKind::Adt(adt, targs));
                self.check_assoc_call(self_ty, &name, args, callee.span, span)
            }
            PathRes::TraitItem { trait_id, name } => {
                self.check_trait_item_call(trait_id, &name, args, callee.span, span)
            }
            PathRes::Item(Res::Intrinsic(f)) => self.call_intrinsic_path(f, args, callee.span, span),
            PathRes::Assoc { self_ty, name } => self.check_assoc_call(self_ty, &name, args, callee.span, span),
            PathRes::Item(r) => {
                let name = path.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
                let what = match r {
                    Res::Const(_) | Res::Static(_) => "constant",
                    _ => "type or module",
                };
                self.err(Diagnostic::error(
                    "E0618",
                    format!("expected function, found {what} `{name}`"),
                    callee.span,
                    "not a function",
                ));
                for a in args {
                    self.check_expr(a, None);
                }
                self.error_expr(span)
            }
        }
    }

    /// Checks a call of `fid` whose first arguments are already checked (`pre`, e.g. a method's
    /// adjusted receiver).
    pub(super) fn call_fn(
        &mut self,
        fid: FnId,
        substs: Vec<Ty>,
        pre: Vec<hir::Expr>,
        args: &[ast::Expr],
        callee_span: Span,
        span: Span,
    ) -> hir::Expr {
        let f = &self.cx.fns[fid.index()];
        let (params, ret, fspan) = (f.params.clone(), f.ret, f.span);
        let generics = f.generics.clone();
        let params: Vec<Ty> = params.into_iter().map(|p| self.instantiate(p, &substs, span)).collect();
        let ret = self.instantiate(ret, &substs, span);
        // What the expected result says of the parameters, tried and undone (an expectation,
        // not a requirement: the result may still coerce).
        let hints: Vec<Option<Ty>> = match self.call_expected.take() {
            Some(want) => {
                let snapshot = self.infer.clone();
                let fits = self.unify(ret, want);
                let hints = params.iter().map(|p| fits.then(|| self.infer.resolve_known(&self.cx.tys, *p))).collect();
                self.infer = snapshot;
                hints
            }
            None => Vec::new(),
        };
        self.register_bounds(&generics, &substs, span);
        // The receiver was checked against the unsubstituted type: relate it now.
        for (e, p) in pre.iter().zip(&params) {
            self.unify(e.ty, *p);
        }
        let skip = pre.len();
        let expected_n = params.len().saturating_sub(skip);
        if expected_n != args.len() {
            let is_method = skip > 0;
            self.arg_count_error(
                if is_method { "method" } else { "function" },
                expected_n,
                args.len(),
                callee_span,
                Some(fspan),
            );
        }
        let mut hargs = pre;
        for (i, a) in args.iter().enumerate() {
            let expect = params.get(i + skip).copied();
            let hint = match a.kind {
                ast::ExprKind::Closure(_) => hints.get(i + skip).copied().flatten().or(expect),
                _ => expect,
            };
            let e = self.check_expr(a, hint);
            let e = match expect {
                Some(p) => self.coerce(e, p),
                None => e,
            };
            hargs.push(e);
        }
        if expected_n != args.len() {
            return self.error_expr(span);
        }
        if !self.projections.is_empty() {
            // The arguments may have decided the associated types of the result.
            self.select_where_possible();
        }
        self.mk(ExprKind::Call { callee: fid, substs, args: hargs }, ret, span)
    }

    /// A function item used as a value (`map(f)`, `or_insert_with(Vec::new)`): a closure that
    /// captures nothing and calls it, so it implements the call traits.
    pub(super) fn fn_item_value(&mut self, fid: FnId, substs: Vec<Ty>, span: Span) -> hir::Expr {
        let (params, ret, g) = (
            self.cx.fns[fid.index()].params.clone(),
            self.cx.fns[fid.index()].ret,
            self.cx.fns[fid.index()].generics.clone(),
        );
        let params: Vec<Ty> = params.into_iter().map(|p| self.instantiate(p, &substs, span)).collect();
        let ret = self.instantiate(ret, &substs, span);
        self.register_bounds(&g, &substs, span);
        let mut pats = Vec::new();
        let mut args = Vec::new();
        for (i, pt) in params.iter().enumerate() {
            let l = self.new_local(&format!("<fn_arg{i}>"), *pt, false, span, true);
            pats.push(hir::Pat { kind: hir::PatKind::Binding { local: l, by_ref: None, sub: None }, ty: *pt, span });
            args.push(self.mk(ExprKind::Local(l), *pt, span));
        }
        let body = self.mk(ExprKind::Call { callee: fid, substs, args }, ret, span);
        let id = self.cx.next_closure;
        self.cx.next_closure += 1;
        let ty = self.intern(TyKind::Closure { id, params, ret, kind: ty::ClosureKind::Fn, upvars: Vec::new() });
        self.mk(ExprKind::Closure { params: pats, body: Box::new(body), captures: Vec::new() }, ty, span)
    }

    /// The generic arguments of a call of `fid`: fresh variables, with the written turbofish
    /// arguments for the function's own parameters.
    pub(super) fn fn_substs(&mut self, fid: FnId, args: Option<&ast::GenericArgs>, span: Span) -> Vec<Ty> {
        let g = self.cx.fns[fid.index()].generics.clone();
        let mut substs = self.fresh_substs(&g);
        if let Some(a) = args {
            let own = g.params.len() - g.parent_count;
            let (module, self_ty) = (self.module, self.self_ty);
            let infer = &mut self.infer;
            let written = resolve::lower_generic_args(self.cx, Some(a), own, span, module, self_ty, &mut |cx, _, _| {
                infer.new_var(&mut cx.tys)
            });
            for (i, t) in written.into_iter().enumerate() {
                substs[g.parent_count + i] = t;
            }
        }
        substs
    }

    /// The segment of a variant path that carries the enum's arguments: `Option::<i32>::Some`
    /// or `Some::<i32>`.
    pub(super) fn variant_args_segment<'p>(&self, path: &'p ast::Path) -> Option<&'p ast::GenericArgs> {
        let n = path.segments.len();
        path.segments[n - 1].args.as_ref().or_else(|| if n >= 2 { path.segments[n - 2].args.as_ref() } else { None })
    }

    pub(super) fn arg_count_error(&mut self, what: &str, expected: usize, given: usize, at: Span, def: Option<Span>) {
        let plural = |n: usize, w: &str| if n == 1 { format!("1 {w}") } else { format!("{n} {w}s") };
        let took = plural(expected, "argument");
        let gv = plural(given, "argument");
        let was = if given == 1 { "was" } else { "were" };
        let mut d = Diagnostic::error(
            "E0061",
            format!("this {what} takes {took} but {gv} {was} supplied"),
            at,
            format!("expected {took}, found {given}"),
        );
        if let Some(s) = def {
            d = d.with_label(s, format!("{what} defined here"));
        }
        self.err(d);
    }

    pub(super) fn call_ctor(
        &mut self,
        adt: ty::AdtId,
        targs: Vec<Ty>,
        v: VariantIdx,
        args: &[ast::Expr],
        callee_span: Span,
        span: Span,
    ) -> hir::Expr {
        let var = &self.cx.adts[adt.index()].variants[v.index()];
        let (ctor, nfields, vspan, is_enum) = (var.ctor, var.fields.len(), var.span, self.cx.adts[adt.index()].is_enum);
        let tys: Vec<Ty> = (0..nfields).map(|i| self.field_ty(adt, &targs, v.index(), i)).collect();
        let ty = self.intern(TyKind::Adt(adt, targs));
        if ctor != hir::CtorKind::Tuple {
            let what = if is_enum { "unit variant" } else { "unit struct" };
            let name = self.cx.adts[adt.index()].variants[v.index()].name.clone();
            self.err(Diagnostic::error(
                "E0618",
                format!("expected function, found {what} `{name}`"),
                callee_span,
                "not a function",
            ));
            for a in args {
                self.check_expr(a, None);
            }
            return self.error_expr(span);
        }
        if tys.len() != args.len() {
            let what = if is_enum { "enum variant" } else { "struct" };
            self.arg_count_error(what, tys.len(), args.len(), callee_span, Some(vspan));
        }
        let mut fields = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let expect = tys.get(i).copied();
            let e = self.check_expr(a, expect);
            let e = match expect {
                Some(t) => self.coerce(e, t),
                None => e,
            };
            fields.push((i as u32, e));
        }
        if tys.len() != args.len() {
            return self.error_expr(span);
        }
        self.mk(ExprKind::Adt { adt, variant: v, fields, base: None }, ty, span)
    }

    // -----------------------------------------------------------------------------------------
    // Places: fields, indexing, references
    // -----------------------------------------------------------------------------------------
}
