//! Checking one body: AST expressions to typed HIR expressions.
//!
//! Works bidirectionally: `check_expr` takes the type the context expects (when it knows one) so
//! that literals and empty blocks get the right type without a later fix-up, then `coerce`
//! applies Rust's coercions at coercion sites (`!` to anything, `&mut T` to `&T`, `&[T; N]` to
//! `&[T]`) and otherwise unifies, reporting E0308. This file has the state of a body and the
//! value expressions (paths, calls, operators, casts, places and assignment with their
//! mutability errors); aggregates are in `aggregate`, control flow in `control`, patterns in
//! `pat`, method calls in `methods`, macros in `macros`, and the end-of-body pass in `finalize`.

use std::collections::HashMap;

use super::infer::InferCtxt;
use super::resolve::{self, Ns, PathRes};
use super::{unsupported, Cx, ModuleId, Res};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, BinOp, ExprKind, FnId, Literal, LocalId, LoopId, UnOp, VariantIdx};
use crate::span::Span;
use crate::ty::{self, CommonTypes, InferTy, Mutability, Ty, TyKind};

pub(super) struct LoopCtx {
    pub(super) id: LoopId,
    pub(super) label: Option<String>,
    /// `loop` and labelled blocks can break with a value; `while` and `for` cannot (E0571).
    pub(super) is_loop: bool,
    /// A labelled block: `continue` may not target it.
    pub(super) is_block: bool,
    /// The type of the value, fixed by the first `break` (or the expected type).
    pub(super) break_ty: Option<Ty>,
}

pub(crate) struct BodyChecker<'c, 'a> {
    pub(super) cx: &'c mut Cx<'a>,
    pub(super) module: ModuleId,
    pub(super) self_ty: Option<Ty>,
    pub(super) infer: InferCtxt,
    pub(super) locals: Vec<hir::LocalDecl>,
    /// For each local: whether it was initialized where declared (E0384 needs it).
    pub(super) initialized_at_decl: Vec<bool>,
    pub(super) scopes: Vec<HashMap<String, LocalId>>,
    pub(super) loops: Vec<LoopCtx>,
    pub(super) next_loop: u32,
    pub(super) ret_ty: Ty,
    /// Inside `unsafe { }` or an `unsafe fn`.
    pub(super) unsafe_depth: u32,
    /// Checking a constant initializer (no locals from outside, no calls).
    pub(super) in_const: bool,
    pub(super) obligations: Vec<super::obligations::Obligation>,
    pub(super) projections: Vec<super::obligations::PendingProjection>,
    /// One "type annotations needed" per body for calls is enough.
    pub(super) reported_unknown: bool,
    /// The type expected of the call being checked, for the function it resolves to: closure
    /// arguments take their signature from it (`Box::new(|x| x + 1)` as `Box<dyn Fn(i32) -> i32>`).
    pub(super) call_expected: Option<Ty>,
    /// Checking an async body: `.await` is allowed.
    pub(super) in_async: bool,
    /// Checking a closure inside an async body (for E0728's help).
    pub(super) closure_in_async: bool,
    /// The function whose body is checked (`None` for constants).
    pub(super) owner: Option<FnId>,
    /// Async blocks of this body, made functions once it is finalized.
    pub(super) async_blocks: Vec<super::async_block::PendingAsyncBlock>,
    /// Async `defer!` guards of the body being checked (see `hir::Body::exit_awaits`); an
    /// async block's own go to its function.
    pub(super) exit_awaits: Vec<(LocalId, hir::FnId)>,
    /// `Send`/`Sync` goals proved assuming the futures in them are (`hir::Body::auto_obligations`).
    pub(super) auto_obligations: Vec<(hir::TraitRef, Span)>,
    /// The types whose derived `{:?}` is being expanded (recursive types stop there).
    pub(super) debug_stack: Vec<Ty>,
    /// `let`s of values `pin!` pinned, placed before the statement being checked.
    pub(super) pinned: Vec<hir::Stmt>,
    /// How many blocks' statements are being checked around the current expression (closure
    /// and async bodies start again at 0).
    pub(super) block_depth: u32,
}

impl<'c, 'a> BodyChecker<'c, 'a> {
    pub(crate) fn new(cx: &'c mut Cx<'a>, module: ModuleId, self_ty: Option<Ty>) -> BodyChecker<'c, 'a> {
        let unit = cx.common.unit;
        BodyChecker {
            cx,
            module,
            self_ty,
            infer: InferCtxt::default(),
            locals: Vec::new(),
            initialized_at_decl: Vec::new(),
            scopes: vec![HashMap::new()],
            loops: Vec::new(),
            next_loop: 0,
            ret_ty: unit,
            unsafe_depth: 0,
            in_const: false,
            obligations: Vec::new(),
            projections: Vec::new(),
            reported_unknown: false,
            call_expected: None,
            in_async: false,
            closure_in_async: false,
            owner: None,
            async_blocks: Vec::new(),
            exit_awaits: Vec::new(),
            auto_obligations: Vec::new(),
            debug_stack: Vec::new(),
            pinned: Vec::new(),
            block_depth: 0,
        }
    }

    pub(super) fn c(&self) -> CommonTypes {
        self.cx.common
    }

    pub(crate) fn check_fn(mut self, decl: &ast::FnDecl, id: FnId) -> hir::Body {
        self.owner = Some(id);
        let (params, mut ret) = (self.cx.fns[id.index()].params.clone(), self.cx.fns[id.index()].ret);
        let opaque = self.cx.opaque.get(&id).cloned();
        if let Some(preds) = &opaque {
            // `-> impl Trait`: the return type is inferred; the bounds must hold of it.
            ret = self.infer.new_var(&mut self.cx.tys);
            let hidden = super::opaque_placeholder(&self.cx.tys);
            for p in preds {
                match p {
                    hir::Predicate::Implements(tr) => {
                        let args = tr.args.iter().map(|t| replace_ty(&self.cx.tys, *t, hidden, ret)).collect();
                        self.obligations.push(super::obligations::Obligation {
                            trait_ref: hir::TraitRef { trait_id: tr.trait_id, args },
                            span: decl.sig.span,
                        });
                    }
                    hir::Predicate::AssocEq { trait_ref, name, ty } => {
                        let args = trait_ref.args.iter().map(|t| replace_ty(&self.cx.tys, *t, hidden, ret)).collect();
                        let got =
                            self.project(hir::TraitRef { trait_id: trait_ref.trait_id, args }, name, decl.sig.span);
                        self.demand(*ty, got, decl.sig.span);
                    }
                }
            }
        }
        if self.cx.fn_info[id.index()].is_unsafe {
            self.unsafe_depth = 1;
        }
        // An async body returns its output; the signature's return type is its future.
        if let Some(out) = self.cx.fns[id.index()].async_output {
            ret = out;
            self.in_async = true;
        }
        self.ret_ty = ret;
        let mut param_ids = Vec::new();
        let mut destructure = Vec::new();
        for (p, &ty) in decl.sig.params.iter().zip(&params) {
            match &p.kind {
                ast::ParamKind::SelfParam(sp) => {
                    let mutable = matches!(
                        sp,
                        ast::SelfParam::Value { mutable: true } | ast::SelfParam::Typed { mutable: true, .. }
                    );
                    let name = ast::Ident { name: "self".into(), span: p.span };
                    param_ids.push(self.declare_local(&name, ty, mutable, true));
                }
                ast::ParamKind::Normal { pat, .. } => match &pat.kind {
                    ast::PatKind::Ident { by_ref: false, mutable, name, sub: None }
                        if self.ident_is_binding(&name.name) =>
                    {
                        param_ids.push(self.declare_local(name, ty, *mutable, true));
                    }
                    _ => {
                        let hidden = self.new_local("<param>", ty, false, pat.span, true);
                        param_ids.push(hidden);
                        destructure.push((pat, hidden, ty));
                    }
                },
            }
        }
        let mut pre = Vec::new();
        for (pat, hidden, ty) in destructure {
            let hp = self.check_pat_top(pat, ty);
            let init = self.mk(ExprKind::Local(hidden), ty, pat.span);
            pre.push(hir::Stmt::Let { pat: hp, init: Some(init), else_block: None, span: pat.span });
        }
        let body = decl.body.as_ref().expect("only functions with bodies are checked");
        let mut value = self.check_block_expr(body, Some(ret), None);
        value = self.coerce(value, ret);
        if !pre.is_empty() {
            let (ty, span) = (value.ty, value.span);
            value = self.mk(ExprKind::Block(hir::Block { stmts: pre, expr: Some(Box::new(value)) }), ty, span);
        }
        self.report_obligations();
        let mut body = hir::Body {
            locals: std::mem::take(&mut self.locals),
            params: param_ids,
            value,
            captured_by_ref: Vec::new(),
            exit_awaits: std::mem::take(&mut self.exit_awaits),
            auto_obligations: self.take_auto_obligations(),
        };
        self.finalize(&mut body);
        self.define_async_blocks(&body.locals);
        if opaque.is_some() {
            let (i32_ty, f64_ty) = (self.c().i32, self.c().f64);
            let concrete = self.infer.resolve(&self.cx.tys, ret, i32_ty, f64_ty);
            self.cx.fns[id.index()].ret = concrete;
        }
        body
    }

    /// Checks a constant initializer of type `ty`; returns its finalized HIR.
    pub(crate) fn check_const_expr(mut self, e: &ast::Expr, ty: Ty) -> hir::Expr {
        self.in_const = true;
        let x = self.check_expr(e, Some(ty));
        let x = self.coerce(x, ty);
        let mut body = hir::Body {
            locals: std::mem::take(&mut self.locals),
            params: Vec::new(),
            value: x,
            captured_by_ref: Vec::new(),
            exit_awaits: Vec::new(),
            auto_obligations: Vec::new(),
        };
        self.finalize(&mut body);
        body.value
    }

    // -----------------------------------------------------------------------------------------
    // Locals and scopes
    // -----------------------------------------------------------------------------------------

    pub(super) fn new_local(&mut self, name: &str, ty: Ty, mutable: bool, span: Span, initialized: bool) -> LocalId {
        let id = LocalId(self.locals.len() as u32);
        self.locals.push(hir::LocalDecl { name: name.to_string(), ty, mutable, span });
        self.initialized_at_decl.push(initialized);
        id
    }

    pub(super) fn declare_local(&mut self, name: &ast::Ident, ty: Ty, mutable: bool, initialized: bool) -> LocalId {
        let id = self.new_local(&name.name, ty, mutable, name.span, initialized);
        self.scopes.last_mut().expect("a scope is always open").insert(name.name.clone(), id);
        id
    }

    pub(super) fn lookup_local(&self, name: &str) -> Option<LocalId> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    /// Whether an identifier pattern binds a new variable (it does unless it names a unit
    /// struct, unit variant or constant in scope).
    pub(super) fn ident_is_binding(&self, name: &str) -> bool {
        let found = resolve::lookup_in(self.cx, self.module, name, Ns::Value, 0)
            .or_else(|| self.cx.prelude.and_then(|p| resolve::lookup_in(self.cx, p, name, Ns::Value, 0)));
        match found {
            Some(b) => !matches!(b.res, Res::Const(_) | Res::Variant(..)),
            None => true,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Type relations
    // -----------------------------------------------------------------------------------------

    pub(super) fn resolved(&self, t: Ty) -> Ty {
        self.infer.shallow_resolve(&self.cx.tys, t)
    }

    pub(super) fn kind(&self, t: Ty) -> TyKind {
        let t = self.resolved(t);
        self.cx.tys.kind(t).clone()
    }

    pub(super) fn is_never(&self, t: Ty) -> bool {
        matches!(self.kind(t), TyKind::Never)
    }

    /// Whether `t` is or contains the error type (errors about it would only repeat one).
    pub(super) fn is_error(&self, t: Ty) -> bool {
        match self.kind(t) {
            TyKind::Error => true,
            TyKind::Ref(x, _) | TyKind::RawPtr(x, _) | TyKind::Array(x, _) | TyKind::Slice(x) => self.is_error(x),
            TyKind::Tuple(xs) => xs.iter().any(|x| self.is_error(*x)),
            _ => false,
        }
    }

    pub(super) fn display(&self, t: Ty) -> String {
        let tys_t = self.deep_resolve_view(t);
        self.cx.tys.display(tys_t).to_string()
    }

    /// `t` with bound variables replaced (for messages), without applying defaults.
    fn deep_resolve_view(&self, t: Ty) -> Ty {
        let t = self.resolved(t);
        let lookup = |k: TyKind| self.cx.tys.lookup(&k).unwrap_or(t);
        match self.cx.tys.kind(t).clone() {
            TyKind::Ref(x, m) => lookup(TyKind::Ref(self.deep_resolve_view(x), m)),
            TyKind::RawPtr(x, m) => lookup(TyKind::RawPtr(self.deep_resolve_view(x), m)),
            TyKind::Array(x, n) => lookup(TyKind::Array(self.deep_resolve_view(x), n)),
            TyKind::Slice(x) => lookup(TyKind::Slice(self.deep_resolve_view(x))),
            TyKind::Tuple(xs) => lookup(TyKind::Tuple(xs.iter().map(|x| self.deep_resolve_view(*x)).collect())),
            _ => t,
        }
    }

    pub(super) fn intern(&mut self, k: TyKind) -> Ty {
        self.cx.tys.intern(k)
    }

    pub(super) fn unify(&mut self, a: Ty, b: Ty) -> bool {
        self.infer.unify(&mut self.cx.tys, a, b).is_ok()
    }

    pub(super) fn mismatch(&mut self, expected: Ty, actual: Ty, span: Span) {
        let (e, a) = (self.display(expected), self.display(actual));
        self.cx.sink.push(Diagnostic::error("E0308", "mismatched types", span, format!("expected `{e}`, found `{a}`")));
    }

    /// Requires `actual` to be usable where `expected` is wanted; reports E0308 otherwise.
    pub(super) fn demand(&mut self, expected: Ty, actual: Ty, span: Span) -> bool {
        if self.is_never(actual) || self.unify(expected, actual) {
            return true;
        }
        self.mismatch(expected, actual, span);
        false
    }

    /// Converts `e` to type `target` at a coercion site, or reports E0308.
    pub(super) fn coerce(&mut self, e: hir::Expr, target: Ty) -> hir::Expr {
        if self.is_never(e.ty) {
            return e;
        }
        let e = match self.try_unsize(e, target) {
            Ok(object) => return object,
            Err(e) => e,
        };
        let (from, to) = (self.kind(e.ty), self.kind(target));
        match (&from, &to) {
            // `&mut T` to `&T`, and unsizing `&[T; N]` / `&mut [T; N]` to `&[T]` / `&mut [T]`.
            (TyKind::Ref(a, ma), TyKind::Ref(b, mb)) if !(*ma == Mutability::Not && *mb == Mutability::Mut) => {
                let (ka, kb) = (self.kind(*a), self.kind(*b));
                if let (TyKind::Array(ea, _), TyKind::Slice(eb)) = (&ka, &kb) {
                    if self.unify(*ea, *eb) {
                        let span = e.span;
                        return self.mk(ExprKind::PtrCast(Box::new(e)), target, span);
                    }
                }
                if ma != mb && self.unify(*a, *b) {
                    let span = e.span;
                    return self.mk(ExprKind::PtrCast(Box::new(e)), target, span);
                }
                // Deref coercion applies only where the pointees cannot simply be the same type.
                let snapshot = self.infer.clone();
                let same = self.unify(*a, *b);
                self.infer = snapshot;
                if same {
                    let span = e.span;
                    self.demand(target, e.ty, span);
                    return e;
                }
                if let Some(steps) = self.deref_coercion_steps(*a, *b, *mb == Mutability::Mut) {
                    // `&String` to `&str`, `&Vec<T>` to `&[T]`, `&Box<T>` to `&T`: `&*deref(..)`.
                    let mutable = *mb == Mutability::Mut;
                    let mut cur = e;
                    for _ in 0..steps {
                        let span = cur.span;
                        let TyKind::Ref(p, _) = self.kind(cur.ty) else { break };
                        let place = self.mk(ExprKind::Deref(Box::new(cur)), p, span);
                        let d = self.overloaded_deref(place, span);
                        let rt =
                            self.intern(TyKind::Ref(d.ty, if mutable { Mutability::Mut } else { Mutability::Not }));
                        cur = self.mk(ExprKind::Ref { mutable, place: Box::new(d) }, rt, span);
                    }
                    let span = cur.span;
                    self.demand(target, cur.ty, span);
                    return cur;
                }
            }
            (TyKind::RawPtr(a, Mutability::Mut), TyKind::RawPtr(b, Mutability::Not)) => {
                if self.unify(*a, *b) {
                    let span = e.span;
                    return self.mk(ExprKind::PtrCast(Box::new(e)), target, span);
                }
            }
            _ => {}
        }
        let span = e.span;
        self.demand(target, e.ty, span);
        e
    }

    /// How many `Deref` steps turn a `from` pointee into a `to` one (at most 4), if any; the
    /// check unifies only when it succeeds.
    fn deref_coercion_steps(&mut self, from: Ty, to: Ty, mutable: bool) -> Option<usize> {
        let deref = self.cx.lang.deref?;
        let mut cur = from;
        for steps in 1..=4 {
            if !self.implements(Some(deref), cur) || (mutable && !self.implements(self.cx.lang.deref_mut, cur)) {
                return None;
            }
            let tr = hir::TraitRef { trait_id: deref, args: vec![self.infer.resolve_known(&self.cx.tys, cur)] };
            cur = self.project(tr, "Target", Span::default());
            let snapshot = self.infer.clone();
            if self.unify(cur, to) {
                return Some(steps);
            }
            self.infer = snapshot;
        }
        None
    }

    pub(super) fn mk(&self, kind: ExprKind, ty: Ty, span: Span) -> hir::Expr {
        hir::Expr { kind, ty, span }
    }

    pub(super) fn error_expr(&self, span: Span) -> hir::Expr {
        self.mk(ExprKind::Lit(Literal::Unit), self.cx.common.error, span)
    }

    pub(super) fn unit_expr(&self, span: Span) -> hir::Expr {
        self.mk(ExprKind::Lit(Literal::Unit), self.cx.common.unit, span)
    }

    pub(super) fn err(&mut self, d: Diagnostic) {
        self.cx.sink.push(d);
    }

    pub(super) fn require_unsafe(&mut self, what: &str, span: Span, label: &str) {
        if self.unsafe_depth == 0 {
            self.err(
                Diagnostic::error("E0133", format!("{what} is unsafe and requires unsafe block"), span, label)
                    .with_note(
                        "consult the function's documentation for information on how to avoid undefined behavior",
                    ),
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------------------

    pub(super) fn check_expr(&mut self, expr: &ast::Expr, expected: Option<Ty>) -> hir::Expr {
        let span = expr.span;
        match &expr.kind {
            ast::ExprKind::Paren(inner) => self.check_expr(inner, expected),
            ast::ExprKind::Lit(lit) => self.check_lit(lit, expected),
            ast::ExprKind::Path(path) => self.check_path_value(path, span),
            ast::ExprKind::Block(b, label) => self.check_block_expr(b, expected, label.as_ref()),
            ast::ExprKind::Unsafe(b) => {
                self.unsafe_depth += 1;
                let e = self.check_block_expr(b, expected, None);
                self.unsafe_depth -= 1;
                e
            }
            ast::ExprKind::Unary(op, operand) => self.check_unary(*op, operand, expected, span),
            ast::ExprKind::Binary(op, l, r) => self.check_binary(*op, l, r, expected, span),
            ast::ExprKind::Assign(place, value) => self.check_assign(None, place, value, span),
            ast::ExprKind::AssignOp(op, place, value) => self.check_assign(Some(*op), place, value, span),
            ast::ExprKind::Cast(e, t) => self.check_cast(e, t, span),
            ast::ExprKind::Call(callee, args) => self.check_call(callee, args, expected, span),
            ast::ExprKind::MethodCall { receiver, method, args } => {
                self.check_method_call(receiver, method, args, span)
            }
            ast::ExprKind::Field(base, name) => self.check_field(base, &name.name, name.span, span),
            ast::ExprKind::TupleField(base, i, ispan) => self.check_field(base, &i.to_string(), *ispan, span),
            ast::ExprKind::Index(base, index) => self.check_index(base, index, span),
            ast::ExprKind::Ref { mutable, expr: inner } => self.check_ref(*mutable, inner, expected, span),
            ast::ExprKind::Struct { path, fields, base } => self.check_struct_lit(path, fields, base.as_deref(), span),
            ast::ExprKind::Tuple(elems) => self.check_tuple(elems, expected, span),
            ast::ExprKind::Array(elems) => self.check_array(elems, expected, span),
            ast::ExprKind::Repeat(value, count) => self.check_repeat(value, count, expected, span),
            ast::ExprKind::If { cond, then, else_ } => self.check_if(cond, then, else_.as_deref(), expected, span),
            ast::ExprKind::While { cond, body, label } => self.check_while(cond, body, label.as_ref(), span),
            ast::ExprKind::Loop { body, label } => self.check_loop(body, label.as_ref(), expected, span),
            ast::ExprKind::For { pat, iter, body, label } => self.check_for(pat, iter, body, label.as_ref(), span),
            ast::ExprKind::Match { scrutinee, arms } => self.check_match(scrutinee, arms, expected, span),
            ast::ExprKind::Break { label, value } => self.check_break(label.as_ref(), value.as_deref(), span),
            ast::ExprKind::Continue { label } => self.check_continue(label.as_ref(), span),
            ast::ExprKind::Return(value) => self.check_return(value.as_deref(), span),
            ast::ExprKind::Macro(m) => self.check_macro(m, expected, span),
            ast::ExprKind::Let(..) => {
                self.err(
                    Diagnostic::error("E9006", "expected expression, found `let` statement", span, "")
                        .with_note("only supported directly in conditions of `if` and `while` expressions"),
                );
                self.error_expr(span)
            }
            ast::ExprKind::Range { lo: Some(lo), hi: Some(hi), inclusive } if self.cx.lang.iterator.is_some() => {
                self.check_range_value(lo, hi, *inclusive, expected, span)
            }
            ast::ExprKind::Range { lo, hi, inclusive } if self.cx.lang.iterator.is_some() => {
                // `a..`, `..b`, `..=b`, `..`
                let (path, field) = match (lo, hi, inclusive) {
                    (Some(x), None, false) => ("std::ops::RangeFrom", Some(x)),
                    (None, Some(x), false) => ("std::ops::RangeTo", Some(x)),
                    (None, Some(x), true) => ("std::ops::RangeToInclusive", Some(x)),
                    _ => ("std::ops::RangeFull", None),
                };
                let Some(adt) = self.std_adt(path) else { return self.error_expr(span) };
                match field {
                    Some(x) => {
                        let e = self.check_expr(x, None);
                        let ty = self.intern(TyKind::Adt(adt, vec![e.ty]));
                        self.mk(
                            ExprKind::Adt { adt, variant: VariantIdx(0), fields: vec![(0, e)], base: None },
                            ty,
                            span,
                        )
                    }
                    None => {
                        let ty = self.intern(TyKind::Adt(adt, Vec::new()));
                        self.mk(ExprKind::Adt { adt, variant: VariantIdx(0), fields: Vec::new(), base: None }, ty, span)
                    }
                }
            }
            ast::ExprKind::Range { .. } => {
                self.err(unsupported("range values outside `for` loops", span));
                self.error_expr(span)
            }
            ast::ExprKind::Try(inner) => self.check_try(inner, span),
            ast::ExprKind::Closure(c) => self.check_closure(c, expected, span),
            ast::ExprKind::Await(inner) => self.check_await(inner, span),
            ast::ExprKind::Async { is_move, block } => self.check_async_block(*is_move, block, expected, span),
            ast::ExprKind::AsyncTry(_) => {
                self.err(unsupported("`async`", span));
                self.error_expr(span)
            }
        }
    }

    fn check_lit(&mut self, lit: &ast::Lit, expected: Option<Ty>) -> hir::Expr {
        let c = self.c();
        let (value, ty) = match &lit.kind {
            ast::LitKind::Int { value, suffix } => {
                let ty = match suffix {
                    Some(s) => suffix_ty(*s, &c),
                    None => match expected.map(|e| self.resolved(e)) {
                        Some(e)
                            if matches!(
                                self.cx.tys.kind(e),
                                TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(InferTy::Int(_))
                            ) =>
                        {
                            e
                        }
                        _ => self.infer.new_int_var(&mut self.cx.tys),
                    },
                };
                (Literal::Int(*value), ty)
            }
            ast::LitKind::Float { text, suffix } => {
                let ty = match suffix {
                    Some(ast::FloatSuffix::F32) => c.f32,
                    Some(ast::FloatSuffix::F64) => c.f64,
                    None => match expected.map(|e| self.resolved(e)) {
                        Some(e) if matches!(self.cx.tys.kind(e), TyKind::Float(_)) => e,
                        _ => self.infer.new_float_var(&mut self.cx.tys),
                    },
                };
                (Literal::Float(text.parse().unwrap_or(f64::NAN)), ty)
            }
            ast::LitKind::Bool(b) => (Literal::Bool(*b), c.bool),
            ast::LitKind::Char(ch) => (Literal::Char(*ch), c.char),
            ast::LitKind::Byte(b) => (Literal::Int(*b as u128), c.u8),
            ast::LitKind::Str(s) => (Literal::Str(s.clone()), c.static_str),
            ast::LitKind::ByteStr(_) => {
                self.err(unsupported("byte string literals", lit.span));
                return self.error_expr(lit.span);
            }
        };
        self.mk(ExprKind::Lit(value), ty, lit.span)
    }

    pub(super) fn resolve_value_path(&mut self, path: &ast::Path) -> Option<PathRes> {
        let self_ty = self.self_ty;
        // An unknown single name: suggest a similar local or item, as rustc does.
        if path.segments.len() == 1 && !path.global && path.qself.is_none() {
            let id = &path.segments[0].ident;
            let idents = [id.clone()];
            if let Err(resolve::PathError::NotFound { .. }) =
                resolve::walk(self.cx, self.module, false, &idents, Ns::Value, self_ty)
            {
                let m = &self.cx.modules[self.module.0 as usize];
                let best = self
                    .scopes
                    .iter()
                    .flat_map(|s| s.keys())
                    .chain(m.values.keys())
                    .filter(|c| {
                        c.as_str() != id.name
                            && !c.starts_with('<')
                            && edit_distance(c, &id.name) <= 2.min(id.name.len() / 2 + 1)
                    })
                    .min_by_key(|c| edit_distance(c, &id.name))
                    .cloned();
                let mut d = Diagnostic::error(
                    "E0425",
                    format!("cannot find value `{}` in this scope", id.name),
                    id.span,
                    "not found in this scope",
                );
                if let Some(b) = best {
                    d = d.with_help(format!("a local variable or item with a similar name exists: `{b}`"));
                }
                self.err(d);
                return None;
            }
        }
        resolve::resolve_path(self.cx, self.module, path, Ns::Value, self_ty)
    }

    fn check_path_value(&mut self, path: &ast::Path, span: Span) -> hir::Expr {
        if path.qself.is_none() && !path.global && path.segments.len() == 1 && path.segments[0].args.is_none() {
            let name = &path.segments[0].ident.name;
            if let Some(id) = self.lookup_local(name) {
                return self.mk(ExprKind::Local(id), self.locals[id.index()].ty, span);
            }
        }
        let Some(res) = self.resolve_value_path(path) else { return self.error_expr(span) };
        match res {
            PathRes::Item(Res::Const(id)) => self.const_expr(id, span),
            PathRes::Item(Res::Static(id)) => {
                let (ty, mutable) = (self.cx.statics[id.index()].ty, self.cx.statics[id.index()].mutable);
                if self.in_const {
                    self.err(Diagnostic::error("E0013", "constants cannot refer to statics", span, "").with_help(
                        "consider extracting the value of the `static` to a `const`, and referring to that",
                    ));
                    return self.error_expr(span);
                }
                if mutable {
                    self.require_unsafe("use of mutable static", span, "use of mutable static");
                }
                self.mk(ExprKind::Static(id), ty, span)
            }
            PathRes::Item(Res::Variant(adt, v)) => {
                let ctor = self.cx.adts[adt.index()].variants[v.index()].ctor;
                let targs = self.adt_args(adt, self.variant_args_segment(path), span);
                let ty = self.intern(TyKind::Adt(adt, targs));
                match ctor {
                    hir::CtorKind::Unit => {
                        self.mk(ExprKind::Adt { adt, variant: v, fields: Vec::new(), base: None }, ty, span)
                    }
                    hir::CtorKind::Tuple => {
                        self.err(unsupported("tuple constructors used as function values", span));
                        self.error_expr(span)
                    }
                    hir::CtorKind::Named => {
                        let name = path.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
                        self.err(
                            Diagnostic::error(
                                "E0533",
                                format!("expected value, found struct variant `{name}`"),
                                span,
                                "not a value",
                            )
                            .with_help(format!(
                                "you might have meant to create a new value of the struct: `{name} {{ /* fields */ }}`"
                            )),
                        );
                        self.error_expr(span)
                    }
                }
            }
            PathRes::Item(Res::Fn(fid)) => {
                let last = path.segments.last().expect("paths have a segment");
                let substs = self.fn_substs(fid, last.args.as_ref(), span);
                self.fn_item_value(fid, substs, span)
            }
            PathRes::Item(Res::Intrinsic(_)) => {
                self.err(unsupported("this function used as a value", span));
                self.error_expr(span)
            }
            PathRes::Assoc { self_ty, name } => self.check_assoc_value(self_ty, &name, span),
            PathRes::AdtAssoc { adt, type_seg, name } => {
                let targs = self.adt_args(adt, path.segments[type_seg].args.as_ref(), span);
                let self_ty = self.intern(TyKind::Adt(adt, targs));
                self.check_assoc_value(self_ty, &name, span)
            }
            PathRes::TraitItem { trait_id, name } => {
                match self.cx.traits[trait_id.index()].methods.iter().find(|(n, _)| *n == name.name).map(|(_, f)| *f) {
                    Some(fid) => {
                        let substs = self.fn_substs(fid, None, span);
                        self.fn_item_value(fid, substs, span)
                    }
                    None => {
                        self.err(Diagnostic::error(
                            "E0576",
                            format!("cannot find method `{}` in this trait", name.name),
                            name.span,
                            "not found in this trait",
                        ));
                        self.error_expr(span)
                    }
                }
            }
            PathRes::Item(_) => {
                let name = path.segments.last().map(|s| s.ident.name.clone()).unwrap_or_default();
                self.err(Diagnostic::error(
                    "E0423",
                    format!("expected value, found type or module `{name}`"),
                    span,
                    "not a value",
                ));
                self.error_expr(span)
            }
        }
    }

    pub(super) fn const_expr(&mut self, id: super::ConstId, span: Span) -> hir::Expr {
        let ty = self.cx.consts[id.0 as usize].ty;
        match super::consts::const_value(self.cx, id) {
            Some(v) => self.mk(ExprKind::Const(v), ty, span),
            None => self.error_expr(span),
        }
    }

    fn check_unary(&mut self, op: ast::UnOp, operand: &ast::Expr, expected: Option<Ty>, span: Span) -> hir::Expr {
        if op == ast::UnOp::Deref {
            let e = self.check_expr(operand, None);
            return self.deref_expr(e, span);
        }
        let e = self.check_expr(operand, expected);
        let e = self.auto_deref_operand(e);
        let t = self.resolved(e.ty);
        let ok = match (op, self.cx.tys.kind(t)) {
            (_, TyKind::Error | TyKind::Never) => true,
            (
                ast::UnOp::Neg,
                TyKind::Int(_) | TyKind::Float(_) | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_)),
            ) => true,
            (ast::UnOp::Not, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Bool | TyKind::Infer(InferTy::Int(_))) => true,
            _ => false,
        };
        let sym = if op == ast::UnOp::Neg { "-" } else { "!" };
        if !ok {
            let tn = self.display(t);
            let mut d = Diagnostic::error(
                "E0600",
                format!("cannot apply unary operator `{sym}` to type `{tn}`"),
                span,
                format!("cannot apply unary operator `{sym}`"),
            );
            if matches!(self.cx.tys.kind(t), TyKind::Uint(_)) {
                d = d.with_note("unsigned values cannot be negated");
            }
            self.err(d);
            return self.error_expr(span);
        }
        let hop = if op == ast::UnOp::Neg { UnOp::Neg } else { UnOp::Not };
        let ty = e.ty;
        self.mk(ExprKind::Unary { op: hop, operand: Box::new(e) }, ty, span)
    }

    /// `*e`: E0614 when `e` is not a pointer; raw pointers need `unsafe` (E0133).
    pub(super) fn deref_expr(&mut self, e: hir::Expr, span: Span) -> hir::Expr {
        match self.kind(e.ty) {
            TyKind::Ref(t, _) => self.mk(ExprKind::Deref(Box::new(e)), t, span),
            TyKind::RawPtr(t, _) => {
                self.require_unsafe("dereference of raw pointer", span, "dereference of raw pointer");
                self.mk(ExprKind::Deref(Box::new(e)), t, span)
            }
            TyKind::Error => self.error_expr(span),
            _ if self.implements(self.cx.lang.deref, e.ty) => self.overloaded_deref(e, span),
            _ => {
                let tn = self.display(e.ty);
                self.err(Diagnostic::error(
                    "E0614",
                    format!("type `{tn}` cannot be dereferenced"),
                    span,
                    "can't be dereferenced",
                ));
                self.error_expr(span)
            }
        }
    }

    /// Operators on references to primitives work on the referenced values (`&i32 + i32`).
    pub(super) fn auto_deref_operand(&mut self, mut e: hir::Expr) -> hir::Expr {
        while let TyKind::Ref(t, _) = self.kind(e.ty) {
            if !matches!(
                self.kind(t),
                TyKind::Int(_)
                    | TyKind::Uint(_)
                    | TyKind::Float(_)
                    | TyKind::Bool
                    | TyKind::Char
                    | TyKind::Ref(..)
                    | TyKind::Infer(_)
            ) {
                break;
            }
            let span = e.span;
            e = self.mk(ExprKind::Deref(Box::new(e)), t, span);
        }
        e
    }

    fn check_binary(
        &mut self,
        op: ast::BinOp,
        l: &ast::Expr,
        r: &ast::Expr,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let c = self.c();
        if matches!(op, ast::BinOp::And | ast::BinOp::Or) {
            let lhs = self.check_expr(l, Some(c.bool));
            self.demand(c.bool, lhs.ty, lhs.span);
            let rhs = self.check_expr(r, Some(c.bool));
            self.demand(c.bool, rhs.ty, rhs.span);
            let kind = ExprKind::Logical { and: op == ast::BinOp::And, lhs: Box::new(lhs), rhs: Box::new(rhs) };
            return self.mk(kind, c.bool, span);
        }
        let hop = lower_binop(op);
        let operand_expect = if hop.is_comparison() { None } else { expected };
        let lhs = self.check_expr(l, operand_expect);
        let is_shift = matches!(hop, BinOp::Shl | BinOp::Shr);
        // `&str == &str` compares the strings; other references compare their values.
        let l_is_str = self.is_str_ref(lhs.ty);
        let lhs = if l_is_str { lhs } else { self.auto_deref_operand(lhs) };
        let rhs_expect = if is_shift { None } else { Some(lhs.ty) };
        let rhs = self.check_expr(r, rhs_expect);
        let rhs = if l_is_str { rhs } else { self.auto_deref_operand(rhs) };
        if matches!(self.kind(lhs.ty), TyKind::Infer(InferTy::Var(_))) && !is_shift {
            // `|x| x + n`: an operand of unknown type takes the other's (as for built-in
            // operators, which need both sides of one type).
            self.unify(lhs.ty, rhs.ty);
        }
        self.binop(op, hop, lhs, rhs, span)
    }

    pub(super) fn is_str_ref(&self, t: Ty) -> bool {
        matches!(self.kind(t), TyKind::Ref(x, _) if matches!(self.kind(x), TyKind::Str))
    }

    /// Types `lhs op rhs` (operands already checked and auto-dereferenced).
    pub(super) fn binop(
        &mut self,
        op: ast::BinOp,
        hop: BinOp,
        lhs: hir::Expr,
        rhs: hir::Expr,
        span: Span,
    ) -> hir::Expr {
        let c = self.c();
        let is_shift = matches!(hop, BinOp::Shl | BinOp::Shr);
        let lt = self.resolved(lhs.ty);
        let is_str = self.is_str_ref(lt);
        let operand_ok = |k: &TyKind| match hop {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                matches!(
                    k,
                    TyKind::Int(_)
                        | TyKind::Uint(_)
                        | TyKind::Float(_)
                        | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_))
                )
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
                matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Bool | TyKind::Infer(InferTy::Int(_)))
            }
            BinOp::Shl | BinOp::Shr => matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(InferTy::Int(_))),
            _ => matches!(
                k,
                TyKind::Int(_)
                    | TyKind::Uint(_)
                    | TyKind::Float(_)
                    | TyKind::Bool
                    | TyKind::Char
                    | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_))
            ),
        };
        let lk = self.cx.tys.kind(lt).clone();
        if matches!(lk, TyKind::Error) || self.is_never(lt) || self.is_error(rhs.ty) {
            return self.error_expr(span);
        }
        let str_cmp = is_str && matches!(hop, BinOp::Eq | BinOp::Ne);
        if !operand_ok(&lk) && !str_cmp && !matches!(lk, TyKind::Infer(_)) {
            if let Some(e) = self.overloaded_binop(hop, lt, &lhs, &rhs, span) {
                return e;
            }
        }
        // A number on the left of a type with an impl for it (`3 * duration`, `2.0 * v`).
        let rt = self.resolved(rhs.ty);
        if operand_ok(&lk) && !hop.is_comparison() && matches!(self.cx.tys.kind(rt), TyKind::Adt(..)) {
            if let Some(e) = self.overloaded_binop(hop, lt, &lhs, &rhs, span) {
                return e;
            }
        }
        if !operand_ok(&lk) && !str_cmp {
            let tn = self.display(lt);
            let mut d = Diagnostic::error(
                "E0369",
                format!("binary operation `{}` cannot be applied to type `{tn}`", op.as_str()),
                span,
                "",
            )
            .with_label(lhs.span, format!("{tn}"));
            if let TyKind::Adt(a, _) = lk {
                let adt = &self.cx.adts[a.index()];
                let tr = if hop.is_comparison() {
                    if matches!(hop, BinOp::Eq | BinOp::Ne) {
                        "PartialEq"
                    } else {
                        "PartialOrd"
                    }
                } else {
                    "std::ops"
                };
                if adt.derives.iter().any(|d| d == tr) {
                    self.err(unsupported(&format!("comparing values of `{}` with a derived `{tr}`", adt.name), span));
                    return self.error_expr(span);
                }
                d = d.with_note(format!("an implementation of `{tr}` might be missing for `{}`", adt.name));
            }
            self.err(d);
            return self.error_expr(span);
        }
        if is_shift {
            let rt = self.resolved(rhs.ty);
            if !operand_ok(self.cx.tys.kind(rt)) && !matches!(self.cx.tys.kind(rt), TyKind::Error | TyKind::Never) {
                let (a, b) = (self.display(lt), self.display(rt));
                self.err(Diagnostic::error(
                    "E0277",
                    format!("no implementation for `{a} {} {b}`", op.as_str()),
                    rhs.span,
                    format!("no implementation for `{a} {} {b}`", op.as_str()),
                ));
            }
        } else if !self.is_never(rhs.ty) && !self.unify(lhs.ty, rhs.ty) {
            let (a, b) = (self.display(lhs.ty), self.display(rhs.ty));
            if hop.is_comparison() {
                self.err(Diagnostic::error(
                    "E0308",
                    "mismatched types",
                    rhs.span,
                    format!("expected `{a}`, found `{b}`"),
                ));
            } else {
                self.err(
                    Diagnostic::error(
                        "E0277",
                        format!("cannot {} `{b}` {} `{a}`", op_verb(hop), op_prep(hop)),
                        span,
                        format!("no implementation for `{a} {} {b}`", op.as_str()),
                    )
                    .with_help(format!("the trait `{}<{b}>` is not implemented for `{a}`", op_trait(hop))),
                );
            }
        }
        let ty = if hop.is_comparison() { c.bool } else { lhs.ty };
        self.mk(ExprKind::Binary { op: hop, lhs: Box::new(lhs), rhs: Box::new(rhs) }, ty, span)
    }

    fn check_assign(&mut self, op: Option<ast::BinOp>, place: &ast::Expr, value: &ast::Expr, span: Span) -> hir::Expr {
        let place_e = self.check_expr(place, None);
        if self.is_error(place_e.ty) {
            self.check_expr(value, None);
            return self.unit_expr(span);
        }
        if !is_place(&place_e) {
            self.err(
                Diagnostic::error("E0070", "invalid left-hand side of assignment", span, "")
                    .with_label(place.span, "cannot assign to this expression"),
            );
            self.check_expr(value, None);
            return self.unit_expr(span);
        }
        self.check_assignable(&place_e, op.is_some(), span);
        match op {
            None => {
                let v = self.check_expr(value, Some(place_e.ty));
                let v = self.coerce(v, place_e.ty);
                self.mk(ExprKind::Assign { place: Box::new(place_e), value: Box::new(v) }, self.c().unit, span)
            }
            Some(op) if matches!(self.kind(place_e.ty), TyKind::Adt(..) | TyKind::Param { .. }) => {
                // `s += x` on a type with an `AddAssign` (..) impl: `AddAssign::add_assign(&mut s, x)`.
                let hop = lower_binop(op);
                let name = match hop {
                    BinOp::Add => "AddAssign",
                    BinOp::Sub => "SubAssign",
                    BinOp::Mul => "MulAssign",
                    _ => "",
                };
                let tr = self
                    .cx
                    .traits
                    .iter()
                    .position(|t| t.path == format!("std::ops::{name}"))
                    .map(|i| crate::ty::TraitId(i as u32));
                let v = self.check_expr(value, None);
                let Some(tr) = tr else {
                    let tn = self.display(place_e.ty);
                    self.err(Diagnostic::error(
                        "E0368",
                        format!("binary assignment operation `{}=` cannot be applied to type `{tn}`", op.as_str()),
                        span,
                        format!("cannot use `{}=` on type `{tn}`", op.as_str()),
                    ));
                    return self.unit_expr(span);
                };
                let fresh = self.infer.new_var(&mut self.cx.tys);
                let probe = hir::TraitRef { trait_id: tr, args: vec![place_e.ty, fresh] };
                let want = match self.cx.tables().select(&probe, &self.cx.env) {
                    crate::traits::Selection::Impl(id, substs) => {
                        self.cx.impls[id.index()].trait_ref.as_ref().map(|t| self.cx.tys.subst(t.args[1], &substs))
                    }
                    _ => None,
                };
                let v = match want {
                    Some(w) => self.coerce(v, w),
                    None => v,
                };
                let (vt, pt) = (v.ty, place_e.ty);
                self.check_mut_borrow(&place_e, span);
                let call =
                    self.overloaded_call(tr, &format!("{}_assign", op_method(hop)), place_e, vec![v], true, span);
                let _ = (vt, pt);
                return call;
            }
            Some(op) => {
                let hop = lower_binop(op);
                let is_shift = matches!(hop, BinOp::Shl | BinOp::Shr);
                let v = self.check_expr(value, if is_shift { None } else { Some(place_e.ty) });
                let v = self.auto_deref_operand(v);
                // Type the operation as the binary one on a copy of the place's type.
                let probe = self.mk(ExprKind::Lit(Literal::Unit), place_e.ty, place_e.span);
                let bin = self.binop(op, hop, probe, v, span);
                match bin.kind {
                    ExprKind::Binary { rhs, .. } => self.mk(
                        ExprKind::AssignOp { op: hop, place: Box::new(place_e), value: rhs },
                        self.c().unit,
                        span,
                    ),
                    _ => self.unit_expr(span),
                }
            }
        }
    }

    /// E0384 (immutable local assigned twice), E0594 (assignment through `&` or to an
    /// immutable place).
    fn check_assignable(&mut self, place: &hir::Expr, compound: bool, span: Span) {
        if let ExprKind::Local(id) = place.kind {
            let decl = &self.locals[id.index()];
            if !decl.mutable {
                if self.initialized_at_decl[id.index()] || compound {
                    let (name, first) = (decl.name.clone(), decl.span);
                    self.err(
                        Diagnostic::error(
                            "E0384",
                            format!("cannot assign twice to immutable variable `{name}`"),
                            span,
                            "cannot assign twice to immutable variable",
                        )
                        .with_label(first, format!("first assignment to `{name}`"))
                        .with_help(format!("consider making this binding mutable: `mut {name}`")),
                    );
                } else {
                    // Deferred initialization `let x; x = 1;` happens once.
                    self.initialized_at_decl[id.index()] = true;
                }
            }
            return;
        }
        if let Err((why, help)) = self.place_mutable(place) {
            let text = self.place_text(place);
            let mut d = Diagnostic::error("E0594", format!("cannot assign to `{text}`, {why}"), span, "cannot assign");
            if let Some(h) = help {
                d = d.with_help(h);
            }
            self.err(d);
        }
    }

    /// Whether a place may be written or mutably borrowed; otherwise the reason and a help.
    /// E0596 when `e` is a place that cannot be borrowed mutably (an immutable binding, or
    /// behind a `&` reference).
    pub(super) fn check_mut_borrow(&mut self, e: &hir::Expr, span: Span) {
        if !is_place(e) {
            return;
        }
        if let Err((why, help)) = self.place_mutable(e) {
            let text = self.place_text(e);
            let why = why.replace("which is behind", "as it is behind");
            let mut d = Diagnostic::error(
                "E0596",
                format!("cannot borrow `{text}` as mutable, {why}"),
                span,
                "cannot borrow as mutable",
            );
            if let Some(h) = help {
                d = d.with_help(h);
            }
            self.err(d);
        }
    }

    pub(super) fn place_mutable(&self, p: &hir::Expr) -> Result<(), (String, Option<String>)> {
        match &p.kind {
            ExprKind::Local(id) => {
                let d = &self.locals[id.index()];
                if d.mutable || d.name.starts_with('<') {
                    Ok(())
                } else {
                    Err((
                        format!("as `{}` is not declared as mutable", d.name),
                        Some(format!("consider changing this to be mutable: `mut {}`", d.name)),
                    ))
                }
            }
            ExprKind::Field { base, .. } | ExprKind::Index { base, .. } => self.place_mutable(base),
            ExprKind::Deref(inner) => match self.kind(inner.ty) {
                TyKind::Ref(_, Mutability::Not) => {
                    let t = self.place_text(inner);
                    Err((
                        format!("which is behind a `&` reference"),
                        Some(format!("consider changing `{t}` to be a mutable reference")),
                    ))
                }
                TyKind::RawPtr(_, Mutability::Not) => Err(("which is behind a `*const` pointer".into(), None)),
                _ => Ok(()),
            },
            ExprKind::Static(id) => {
                if self.cx.statics[id.index()].mutable {
                    Ok(())
                } else {
                    Err(("as it is an immutable static item".into(), None))
                }
            }
            ExprKind::Const(_) => Err(("as it is a constant".into(), None)),
            _ => Ok(()),
        }
    }

    /// The place as the user would write it, for messages (`p.x`, `*r`, `a[..]`).
    pub(super) fn place_text(&self, p: &hir::Expr) -> String {
        match &p.kind {
            ExprKind::Local(id) => self.locals[id.index()].name.clone(),
            ExprKind::Field { base, variant, field } => {
                let name = match self.kind(base.ty) {
                    TyKind::Adt(a, _) => {
                        self.cx.adts[a.index()].variants[variant.index()].fields[*field as usize].name.clone()
                    }
                    _ => field.to_string(),
                };
                // `p.x` reads through auto-deref: show the base without the `*`.
                match &base.kind {
                    ExprKind::Deref(inner) => format!("{}.{name}", self.place_text(inner)),
                    _ => format!("{}.{name}", self.place_text(base)),
                }
            }
            ExprKind::Index { base, .. } => format!("{}[..]", self.place_text(base)),
            ExprKind::Deref(inner) => format!("*{}", self.place_text(inner)),
            ExprKind::Static(id) => self.cx.statics[id.index()].name.clone(),
            _ => "value".into(),
        }
    }

    fn check_cast(&mut self, e: &ast::Expr, t: &ast::Ty, span: Span) -> hir::Expr {
        let target = self.lower_ty(t);
        let e = self.check_expr(e, None);
        let from = self.resolved(e.ty);
        let numeric = |k: &TyKind| {
            matches!(
                k,
                TyKind::Int(_)
                    | TyKind::Uint(_)
                    | TyKind::Float(_)
                    | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_))
            )
        };
        let int = |k: &TyKind| matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(InferTy::Int(_)));
        let (fk, tk) = (self.kind(from), self.kind(target));
        enum How {
            Cast,
            Ptr,
            Same,
            Bad(&'static str),
        }
        let how = match (&fk, &tk) {
            (TyKind::Error, _) | (_, TyKind::Error) | (TyKind::Never, _) => How::Same,
            _ if from == target => How::Same,
            (a, b) if numeric(a) && numeric(b) => How::Cast,
            (TyKind::Bool | TyKind::Char, b) if int(b) => How::Cast,
            (TyKind::Uint(ty::UintTy::U8), TyKind::Char) => How::Cast,
            (a, TyKind::Char) if int(a) => How::Bad("E0604"),
            (_, TyKind::Bool) if numeric(&fk) => How::Bad("E0054"),
            (TyKind::Adt(a, _), b) if int(b) => {
                let adt = &self.cx.adts[a.index()];
                if adt.is_enum && adt.variants.iter().all(|v| v.fields.is_empty()) {
                    How::Cast
                } else {
                    How::Bad("E0605")
                }
            }
            (TyKind::Ref(x, m), TyKind::RawPtr(y, n)) if !(*m == Mutability::Not && *n == Mutability::Mut) => {
                let inner_ok = self.unify(*x, *y)
                    || matches!((self.kind(*x), self.kind(*y)), (TyKind::Array(a, _), _) if self.unify(a, *y));
                if inner_ok {
                    How::Ptr
                } else {
                    How::Bad("E0606")
                }
            }
            (TyKind::RawPtr(..), TyKind::RawPtr(..)) => How::Ptr,
            (TyKind::RawPtr(..), b) if int(b) => How::Ptr,
            (a, TyKind::RawPtr(..)) if int(a) => How::Ptr,
            (TyKind::Ref(..) | TyKind::RawPtr(..), _) if numeric(&tk) => How::Bad("E0606"),
            _ => How::Bad("E0605"),
        };
        match how {
            How::Same => {
                if !self.is_error(from) && !self.is_never(from) && !self.is_error(target) {
                    self.unify(from, target);
                }
                let mut e = e;
                if self.is_never(from) {
                    return e;
                }
                e.span = span;
                e
            }
            How::Cast => self.mk(ExprKind::Cast(Box::new(e)), target, span),
            How::Ptr => {
                if int(&fk) {
                    self.unify(from, self.cx.common.usize);
                }
                self.mk(ExprKind::PtrCast(Box::new(e)), target, span)
            }
            How::Bad(code) => {
                let (a, b) = (self.display(from), self.display(target));
                let d = match code {
                    "E0604" => Diagnostic::error(code, format!("only `u8` can be cast as `char`, not `{a}`"), span, "invalid cast")
                        .with_help("try `char::from_u32` instead"),
                    "E0054" => Diagnostic::error(code, format!("cannot cast `{a}` as `bool`"), span, "invalid cast")
                        .with_help(format!("compare with zero instead: `{} != 0`", "value")),
                    "E0605" => Diagnostic::error(code, format!("non-primitive cast: `{a}` as `{b}`"), span, "an `as` expression can only be used to convert between primitive types or to coerce to a specific trait object"),
                    _ => Diagnostic::error(code, format!("casting `{a}` as `{b}` is invalid"), span, "").with_help("cast through a raw pointer first"),
                };
                self.err(d);
                self.error_expr(span)
            }
        }
    }

    pub(super) fn lower_ty(&mut self, t: &ast::Ty) -> Ty {
        let (module, self_ty) = (self.module, self.self_ty);
        let infer = &mut self.infer;
        resolve::lower_ty_with(self.cx, t, module, self_ty, &mut |cx, _, _| infer.new_var(&mut cx.tys))
    }

    fn check_field(&mut self, base: &ast::Expr, name: &str, name_span: Span, span: Span) -> hir::Expr {
        let mut b = self.check_expr(base, None);
        loop {
            match self.kind(b.ty) {
                TyKind::Ref(t, _) => {
                    let s = b.span;
                    b = self.mk(ExprKind::Deref(Box::new(b)), t, s);
                }
                TyKind::Adt(a, targs) if !self.cx.adts[a.index()].is_enum => {
                    let adt = &self.cx.adts[a.index()];
                    let var = &adt.variants[0];
                    if let Some(i) = var.fields.iter().position(|f| f.name == name) {
                        let public = var.fields[i].public;
                        let fty = self.field_ty(a, &targs, 0, i);
                        let adt = &self.cx.adts[a.index()];
                        let owner = self.cx.adt_module[a.index()];
                        if !public && !self.cx.is_visible(super::Vis::Module(owner), self.module) {
                            let aname = adt.name.clone();
                            self.err(Diagnostic::error(
                                "E0616",
                                format!("field `{name}` of struct `{aname}` is private"),
                                name_span,
                                "private field",
                            ));
                        }
                        return self.mk(
                            ExprKind::Field { base: Box::new(b), variant: VariantIdx(0), field: i as u32 },
                            fty,
                            span,
                        );
                    }
                    if self.implements(self.cx.lang.deref, b.ty) {
                        let s = b.span;
                        b = self.overloaded_deref(b, s);
                        continue;
                    }
                    let adt = &self.cx.adts[a.index()];
                    let names: Vec<String> = adt.variants[0].fields.iter().map(|f| f.name.clone()).collect();
                    return self.no_field(b.ty, name, name_span, span, &names);
                }
                TyKind::Tuple(ts) => {
                    if let Some(t) = name.parse::<usize>().ok().and_then(|i| ts.get(i)) {
                        let i: u32 = name.parse().expect("checked");
                        return self.mk(
                            ExprKind::Field { base: Box::new(b), variant: VariantIdx(0), field: i },
                            *t,
                            span,
                        );
                    }
                    return self.no_field(b.ty, name, name_span, span, &[]);
                }
                TyKind::Error => return self.error_expr(span),
                TyKind::Infer(InferTy::Var(_)) => {
                    self.err(Diagnostic::error(
                        "E0282",
                        "type annotations needed",
                        base.span,
                        "type must be known at this point",
                    ));
                    return self.error_expr(span);
                }
                _ => return self.no_field(b.ty, name, name_span, span, &[]),
            }
        }
    }

    fn no_field(&mut self, t: Ty, name: &str, name_span: Span, span: Span, available: &[String]) -> hir::Expr {
        let tn = self.display(t);
        let mut d = Diagnostic::error("E0609", format!("no field `{name}` on type `{tn}`"), name_span, "unknown field");
        if !available.is_empty() {
            d = d.with_note(format!(
                "available fields are: {}",
                available.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        self.err(d);
        self.error_expr(span)
    }

    fn check_index(&mut self, base: &ast::Expr, index: &ast::Expr, span: Span) -> hir::Expr {
        let mut b = self.check_expr(base, None);
        let usize_ty = self.c().usize;
        let is_range = matches!(index.kind, ast::ExprKind::Range { .. });
        let i = self.check_expr(index, if is_range { None } else { Some(usize_ty) });
        if is_range {
            // `&v[a..b]`: through `Index<Range<usize>>` of the slice (or `str`) it dereferences to.
            if let TyKind::Adt(_, args) = self.kind(i.ty) {
                if let Some(a) = args.first() {
                    self.unify(*a, usize_ty);
                }
            }
            loop {
                match self.kind(b.ty) {
                    TyKind::Ref(t, _) => {
                        let s = b.span;
                        b = self.mk(ExprKind::Deref(Box::new(b)), t, s);
                    }
                    TyKind::Array(elem, _) => {
                        let s = b.span;
                        let at = b.ty;
                        let ar = self.intern(TyKind::Ref(at, Mutability::Not));
                        let slice = self.intern(TyKind::Slice(elem));
                        let sr = self.intern(TyKind::Ref(slice, Mutability::Not));
                        let r = self.mk(ExprKind::Ref { mutable: false, place: Box::new(b) }, ar, s);
                        let cast = self.mk(ExprKind::PtrCast(Box::new(r)), sr, s);
                        b = self.mk(ExprKind::Deref(Box::new(cast)), slice, s);
                    }
                    TyKind::Adt(..) if self.implements(self.cx.lang.deref, b.ty) => {
                        let s = b.span;
                        b = self.overloaded_deref(b, s);
                    }
                    _ => break,
                }
            }
        }
        loop {
            match self.kind(b.ty) {
                TyKind::Ref(t, _) => {
                    let s = b.span;
                    b = self.mk(ExprKind::Deref(Box::new(b)), t, s);
                }
                TyKind::Slice(_) | TyKind::Str if is_range => {
                    return self.overloaded_index(b, i, span);
                }
                TyKind::Array(elem, _) | TyKind::Slice(elem) => {
                    if !self.is_never(i.ty) && !self.unify(usize_ty, i.ty) {
                        let (bt, it) = (self.display(b.ty), self.display(i.ty));
                        self.err(
                            Diagnostic::error(
                                "E0277",
                                format!("the type `{bt}` cannot be indexed by `{it}`"),
                                i.span,
                                "slice indices are of type `usize` or ranges of `usize`",
                            )
                            .with_help(format!("the trait `SliceIndex<{bt}>` is not implemented for `{it}`")),
                        );
                    }
                    return self.mk(ExprKind::Index { base: Box::new(b), index: Box::new(i) }, elem, span);
                }
                TyKind::Error => return self.error_expr(span),
                TyKind::Adt(..) | TyKind::Param { .. } if self.cx.lang.index.is_some() => {
                    // `base[i]` is `*Index::index(&base, i)` (`IndexMut::index_mut` on a mutable place).
                    let index_tr = self.cx.lang.index.expect("checked");
                    let goal = hir::TraitRef { trait_id: index_tr, args: vec![b.ty, i.ty] };
                    if self.cx.tables().select(&goal, &self.cx.env) == crate::traits::Selection::None {
                        // Indexing autoderefs, as in Rust: `guard[0]` on a `Ref<Vec<T>>`.
                        if self.implements(self.cx.lang.deref, b.ty) {
                            let s = b.span;
                            b = self.overloaded_deref(b, s);
                            continue;
                        }
                        let tn = self.display(b.ty);
                        self.err(Diagnostic::error(
                            "E0608",
                            format!("cannot index into a value of type `{tn}`"),
                            span,
                            "",
                        ));
                        return self.error_expr(span);
                    }
                    return self.overloaded_index(b, i, span);
                }
                _ => {
                    let tn = self.display(b.ty);
                    self.err(Diagnostic::error("E0608", format!("cannot index into a value of type `{tn}`"), span, ""));
                    return self.error_expr(span);
                }
            }
        }
    }

    fn check_ref(&mut self, mutable: bool, inner: &ast::Expr, expected: Option<Ty>, span: Span) -> hir::Expr {
        // `&[1, 2]` where `&[T]` is expected: check the array against `[T; _]` through the slice.
        let inner_expect = expected.and_then(|e| match self.kind(e) {
            TyKind::Ref(t, _) => match self.kind(t) {
                TyKind::Slice(_) => None,
                _ => Some(t),
            },
            _ => None,
        });
        let e = self.check_expr(inner, inner_expect);
        if self.is_error(e.ty) {
            return self.error_expr(span);
        }
        if mutable {
            self.check_mut_borrow(&e, span);
        }
        let m = if mutable { Mutability::Mut } else { Mutability::Not };
        let ty = self.intern(TyKind::Ref(e.ty, m));
        self.mk(ExprKind::Ref { mutable, place: Box::new(e) }, ty, span)
    }
}

/// Whether a HIR expression denotes a place (can be assigned or borrowed in place).
/// `t` with every occurrence of `from` replaced by `to`.
fn replace_ty(tys: &crate::ty::TyInterner, t: Ty, from: Ty, to: Ty) -> Ty {
    if t == from {
        return to;
    }
    tys.map_components(t, &mut |x| replace_ty(tys, x, from, to))
}

pub(super) fn is_place(e: &hir::Expr) -> bool {
    match &e.kind {
        ExprKind::Local(_) | ExprKind::Static(_) | ExprKind::Deref(_) => true,
        ExprKind::Field { base, .. } | ExprKind::Index { base, .. } => is_place(base),
        _ => false,
    }
}

pub(super) fn suffix_ty(s: ast::IntSuffix, c: &CommonTypes) -> Ty {
    use ast::IntSuffix::*;
    match s {
        I8 => c.i8,
        I16 => c.i16,
        I32 => c.i32,
        I64 => c.i64,
        I128 => c.i128,
        Isize => c.isize,
        U8 => c.u8,
        U16 => c.u16,
        U32 => c.u32,
        U64 => c.u64,
        U128 => c.u128,
        Usize => c.usize,
    }
}

pub(super) fn lower_binop(op: ast::BinOp) -> BinOp {
    match op {
        ast::BinOp::Add => BinOp::Add,
        ast::BinOp::Sub => BinOp::Sub,
        ast::BinOp::Mul => BinOp::Mul,
        ast::BinOp::Div => BinOp::Div,
        ast::BinOp::Rem => BinOp::Rem,
        ast::BinOp::BitAnd => BinOp::BitAnd,
        ast::BinOp::BitOr => BinOp::BitOr,
        ast::BinOp::BitXor => BinOp::BitXor,
        ast::BinOp::Shl => BinOp::Shl,
        ast::BinOp::Shr => BinOp::Shr,
        ast::BinOp::Eq => BinOp::Eq,
        ast::BinOp::Ne => BinOp::Ne,
        ast::BinOp::Lt => BinOp::Lt,
        ast::BinOp::Le => BinOp::Le,
        ast::BinOp::Gt => BinOp::Gt,
        ast::BinOp::Ge => BinOp::Ge,
        ast::BinOp::And | ast::BinOp::Or => unreachable!("logical operators are handled before lowering"),
    }
}

/// The method of an arithmetic or bit operator's trait.
pub(super) fn op_method(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "add",
        BinOp::Sub => "sub",
        BinOp::Mul => "mul",
        BinOp::Div => "div",
        BinOp::Rem => "rem",
        BinOp::BitAnd => "bitand",
        BinOp::BitOr => "bitor",
        BinOp::BitXor => "bitxor",
        BinOp::Shl => "shl",
        _ => "shr",
    }
}

fn op_verb(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "add",
        BinOp::Sub => "subtract",
        BinOp::Mul => "multiply",
        BinOp::Div => "divide",
        BinOp::Rem => "calculate the remainder of",
        _ => "combine",
    }
}

fn op_prep(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "to",
        BinOp::Sub => "from",
        BinOp::Mul | BinOp::Div => "by",
        BinOp::Rem => "divided by",
        _ => "with",
    }
}

fn op_trait(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "Add",
        BinOp::Sub => "Sub",
        BinOp::Mul => "Mul",
        BinOp::Div => "Div",
        BinOp::Rem => "Rem",
        BinOp::BitAnd => "BitAnd",
        BinOp::BitOr => "BitOr",
        BinOp::BitXor => "BitXor",
        _ => "PartialEq",
    }
}

/// Levenshtein distance, for "a similar name exists" help.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
