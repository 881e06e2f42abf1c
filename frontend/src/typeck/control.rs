//! Control flow in a body: blocks and `let` statements (with patterns and `let`-`else`), `if`
//! and `if let` (let chains become `ExprKind::Let` inside the `If` condition), `while`/`while
//! let`, `loop`, labelled blocks, `for` loops, `match`, `break`/`continue`/`return`.
//!
//! Relies on `pat` for patterns and produces the HIR shapes MIR building expects: `while` is a
//! `loop` around an `if` with a `break` in its `else`; a labelled block `'a: { .. }` is a `loop`
//! whose body breaks out with the block's value; `for` over an integer range or an array/slice
//! is desugared into `loop`/`if`/`Index` with hidden locals (names starting with `<`), and the
//! counter is advanced before the body so that `continue` works; `a..=b` stops without
//! overflowing at the type's maximum.

use super::expr::{BodyChecker, LoopCtx};
use super::unsupported;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, BinOp, ExprKind, IntrinsicFn, Literal, LoopId};
use crate::span::Span;
use crate::ty::{InferTy, Mutability, Ty, TyKind};

impl BodyChecker<'_, '_> {
    pub(super) fn check_block_expr(
        &mut self,
        block: &ast::Block,
        expected: Option<Ty>,
        label: Option<&ast::Lifetime>,
    ) -> hir::Expr {
        if let Some(l) = label {
            // `'a: { .. }` is `'a: loop { break 'a { .. } }`.
            let id = self.push_loop(Some(l), true, true);
            if let Some(e) = expected {
                self.loops.last_mut().expect("pushed").break_ty = Some(e);
            }
            let (b, ty) = self.check_block(block, expected);
            let ctx = self.loops.pop().expect("pushed above");
            let inner = self.mk(ExprKind::Block(b), ty, block.span);
            let result_ty = match ctx.break_ty {
                Some(t) if !self.is_never(ty) => {
                    self.demand(t, ty, block.span);
                    t
                }
                Some(t) => t,
                None => ty,
            };
            let never = self.c().never;
            let brk = self.mk(ExprKind::Break { target: id, value: Some(Box::new(inner)) }, never, block.span);
            return self.mk(ExprKind::Loop { body: Box::new(brk), id }, result_ty, block.span);
        }
        let (b, ty) = self.check_block(block, expected);
        self.mk(ExprKind::Block(b), ty, block.span)
    }

    pub(super) fn check_block(&mut self, block: &ast::Block, expected: Option<Ty>) -> (hir::Block, Ty) {
        self.scopes.push(Default::default());
        self.block_depth += 1;
        let pinned_outside = self.pinned.len();
        let mut stmts = Vec::new();
        let mut diverges = false;
        for stmt in &block.stmts {
            match &stmt.kind {
                ast::StmtKind::Let { pat, ty, init, else_block } => {
                    let s = self.check_let(pat, ty.as_ref(), init.as_ref(), else_block.as_ref(), stmt.span);
                    if let hir::Stmt::Let { init: Some(i), .. } = &s {
                        diverges |= self.is_never(i.ty);
                    }
                    stmts.extend(self.pinned.drain(pinned_outside..));
                    stmts.push(s);
                }
                ast::StmtKind::Expr { expr, semi } => {
                    // A block-like expression statement without `;` must have type `()`.
                    let unit = self.c().unit;
                    let e = if *semi { self.check_expr(expr, None) } else { self.check_expr(expr, Some(unit)) };
                    if !*semi && !self.is_never(e.ty) && !self.is_error(e.ty) {
                        self.demand(unit, e.ty, e.span);
                    }
                    diverges |= self.is_never(e.ty);
                    stmts.extend(self.pinned.drain(pinned_outside..));
                    stmts.push(hir::Stmt::Expr(e));
                }
                ast::StmtKind::Item(item) => self.err(unsupported("items inside function bodies", item.span)),
                ast::StmtKind::Empty => {}
            }
        }
        let (tail, ty) = match &block.expr {
            Some(e) => {
                let e = self.check_expr(e, expected);
                let ty = if diverges && !self.is_never(e.ty) { e.ty } else { e.ty };
                stmts.extend(self.pinned.drain(pinned_outside..));
                (Some(Box::new(e)), ty)
            }
            None if diverges => (None, self.c().never),
            None => {
                if let Some(exp) = expected {
                    let unit = self.c().unit;
                    if !self.is_never(exp) && !self.unify(exp, unit) {
                        let e = self.display(exp);
                        let mut d = Diagnostic::error(
                            "E0308",
                            "mismatched types",
                            block.span,
                            format!("expected `{e}`, found `()`"),
                        );
                        if let Some(last) = block.stmts.last() {
                            if matches!(last.kind, ast::StmtKind::Expr { semi: true, .. }) {
                                d = d.with_help("remove the `;` after the last expression to return its value");
                            }
                        }
                        self.err(d);
                    }
                }
                (None, self.c().unit)
            }
        };
        self.scopes.pop();
        self.block_depth -= 1;
        (hir::Block { stmts, expr: tail }, ty)
    }

    fn check_let(
        &mut self,
        pat: &ast::Pat,
        ty: Option<&ast::Ty>,
        init: Option<&ast::Expr>,
        else_block: Option<&ast::Block>,
        span: Span,
    ) -> hir::Stmt {
        let declared = ty.map(|t| self.lower_ty(t));
        let init = init.map(|e| {
            let x = self.check_expr(e, declared);
            match declared {
                Some(d) => self.coerce(x, d),
                None => x,
            }
        });
        let ty = match (declared, &init) {
            (Some(d), _) => d,
            (None, Some(e)) => e.ty,
            (None, None) => self.infer.new_var(&mut self.cx.tys),
        };
        // The `else` block sees the scope before the pattern's bindings.
        let else_block = else_block.map(|b| {
            let never = self.c().never;
            let e = self.check_block_expr(b, Some(never), None);
            if !self.is_never(e.ty) && !self.is_error(e.ty) {
                let found = self.display(e.ty);
                self.err(
                    Diagnostic::error(
                        "E0308",
                        "`else` clause of `let...else` does not diverge",
                        b.span,
                        format!("expected `!`, found `{found}`"),
                    )
                    .with_help("try adding a diverging expression, such as `return` or `panic!(..)`"),
                );
            }
            Box::new(e)
        });
        let hp = self.check_pat_top_with_init(pat, ty, init.is_some());
        if init.is_none() && else_block.is_some() {
            self.err(Diagnostic::error("E9006", "`let...else` needs an initializer", span, ""));
        }
        hir::Stmt::Let { pat: hp, init, else_block, span }
    }

    /// An `if`/`while` condition: a boolean, or a let chain (`let P = e && c && let Q = f`).
    /// Bindings go into the current (caller-pushed) scope.
    fn check_cond(&mut self, cond: &ast::Expr) -> hir::Expr {
        match &cond.kind {
            ast::ExprKind::Let(pat, scrutinee) => {
                let s = self.check_expr(scrutinee, None);
                let p = self.check_pat_top(pat, s.ty);
                let b = self.c().bool;
                self.mk(ExprKind::Let { pat: Box::new(p), scrutinee: Box::new(s) }, b, cond.span)
            }
            ast::ExprKind::Binary(ast::BinOp::And, l, r) if contains_let(cond) => {
                let l = self.check_cond(l);
                let r = self.check_cond(r);
                let b = self.c().bool;
                self.mk(ExprKind::Logical { and: true, lhs: Box::new(l), rhs: Box::new(r) }, b, cond.span)
            }
            ast::ExprKind::Paren(inner) if contains_let(inner) => self.check_cond(inner),
            _ => {
                let b = self.c().bool;
                let c = self.check_expr(cond, Some(b));
                self.demand(b, c.ty, c.span);
                c
            }
        }
    }

    pub(super) fn check_if(
        &mut self,
        cond: &ast::Expr,
        then: &ast::Block,
        else_: Option<&ast::Expr>,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        self.scopes.push(Default::default());
        let c = self.check_cond(cond);
        let unit = self.c().unit;
        let Some(else_) = else_ else {
            let t = self.check_block_expr(then, Some(unit), None);
            self.scopes.pop();
            if !self.is_never(t.ty) && !self.is_error(t.ty) && !self.unify(unit, t.ty) {
                let found = self.display(t.ty);
                self.err(
                    Diagnostic::error(
                        "E0317",
                        "`if` may be missing an `else` clause",
                        span,
                        format!("expected `()`, found `{found}`"),
                    )
                    .with_note("`if` expressions without `else` evaluate to `()`")
                    .with_help("consider adding an `else` block that evaluates to the expected type"),
                );
            }
            return self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(t), else_: None }, unit, span);
        };
        let t = self.check_block_expr(then, expected, None);
        self.scopes.pop();
        let t = match expected {
            Some(x) => self.try_unsize(t, x).unwrap_or_else(|t| t),
            None => t,
        };
        let expect_else = if self.is_never(t.ty) { expected } else { Some(t.ty) };
        let e = self.check_expr(else_, expect_else);
        let e = match expect_else {
            Some(x) => self.try_unsize(e, x).unwrap_or_else(|e| e),
            None => e,
        };
        let ty = if self.is_never(t.ty) {
            e.ty
        } else {
            if !self.is_never(e.ty) && !self.unify(t.ty, e.ty) {
                let (a, b) = (self.display(t.ty), self.display(e.ty));
                self.err(
                    Diagnostic::error(
                        "E0308",
                        "`if` and `else` have incompatible types",
                        e.span,
                        format!("expected `{a}`, found `{b}`"),
                    )
                    .with_label(t.span, "expected because of this"),
                );
            }
            t.ty
        };
        self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(t), else_: Some(Box::new(e)) }, ty, span)
    }

    pub(super) fn push_loop(&mut self, label: Option<&ast::Lifetime>, is_loop: bool, is_block: bool) -> LoopId {
        let id = LoopId(self.next_loop);
        self.next_loop += 1;
        self.loops.push(LoopCtx { id, label: label.map(|l| l.name.clone()), is_loop, is_block, break_ty: None });
        id
    }

    pub(super) fn check_while(
        &mut self,
        cond: &ast::Expr,
        body: &ast::Block,
        label: Option<&ast::Lifetime>,
        span: Span,
    ) -> hir::Expr {
        // `while c { b }` is `loop { if c { b } else { break } }`.
        let id = self.push_loop(label, false, false);
        self.scopes.push(Default::default());
        let c = self.check_cond(cond);
        let unit = self.c().unit;
        let b = self.check_block_expr(body, Some(unit), None);
        self.scopes.pop();
        self.loops.pop();
        let never = self.c().never;
        let brk = self.mk(ExprKind::Break { target: id, value: None }, never, cond.span);
        let iff =
            self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(b), else_: Some(Box::new(brk)) }, unit, span);
        self.mk(ExprKind::Loop { body: Box::new(iff), id }, unit, span)
    }

    pub(super) fn check_loop(
        &mut self,
        body: &ast::Block,
        label: Option<&ast::Lifetime>,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let id = self.push_loop(label, true, false);
        if let Some(e) = expected {
            self.loops.last_mut().expect("just pushed").break_ty = Some(e);
        }
        let unit = self.c().unit;
        let b = self.check_block_expr(body, Some(unit), None);
        let ctx = self.loops.pop().expect("pushed above");
        // Without a `break`, a `loop` never finishes.
        let ty = if loop_has_break(&b, id) { ctx.break_ty.unwrap_or(unit) } else { self.c().never };
        self.mk(ExprKind::Loop { body: Box::new(b), id }, ty, span)
    }

    fn find_loop(&mut self, label: Option<&ast::Lifetime>, span: Span, kw: &str) -> Option<usize> {
        match label {
            None => {
                let found = self.loops.iter().rposition(|l| !l.is_block);
                if found.is_none() {
                    self.err(Diagnostic::error(
                        "E0268",
                        format!("`{kw}` outside of a loop"),
                        span,
                        format!("cannot `{kw}` outside of a loop"),
                    ));
                }
                found
            }
            Some(l) => {
                let found = self.loops.iter().rposition(|c| c.label.as_deref() == Some(l.name.as_str()));
                if found.is_none() {
                    self.err(Diagnostic::error(
                        "E0426",
                        format!("use of undeclared label `{}`", l.name),
                        l.span,
                        format!("undeclared label `{}`", l.name),
                    ));
                }
                found
            }
        }
    }

    pub(super) fn check_continue(&mut self, label: Option<&ast::Lifetime>, span: Span) -> hir::Expr {
        let Some(i) = self.find_loop(label, span, "continue") else { return self.error_expr(span) };
        if self.loops[i].is_block {
            self.err(Diagnostic::error(
                "E0696",
                "`continue` pointing to a labeled block",
                span,
                "labeled blocks cannot be `continue`'d",
            ));
            return self.error_expr(span);
        }
        let never = self.c().never;
        self.mk(ExprKind::Continue { target: self.loops[i].id }, never, span)
    }

    pub(super) fn check_break(
        &mut self,
        label: Option<&ast::Lifetime>,
        value: Option<&ast::Expr>,
        span: Span,
    ) -> hir::Expr {
        let Some(i) = self.find_loop(label, span, "break") else {
            if let Some(v) = value {
                self.check_expr(v, None);
            }
            return self.error_expr(span);
        };
        let (id, is_loop, break_ty) = (self.loops[i].id, self.loops[i].is_loop, self.loops[i].break_ty);
        let unit = self.c().unit;
        let value = match value {
            Some(v) if !is_loop => {
                self.check_expr(v, None);
                self.err(
                    Diagnostic::error(
                        "E0571",
                        "`break` with value from a `while` loop",
                        span,
                        "can only break with a value inside `loop` or breakable block",
                    )
                    .with_help("use `break` on its own without a value inside this loop"),
                );
                None
            }
            Some(v) => {
                let e = self.check_expr(v, break_ty);
                let e = match break_ty {
                    Some(t) => self.coerce(e, t),
                    None => {
                        self.loops[i].break_ty = Some(e.ty);
                        e
                    }
                };
                Some(Box::new(e))
            }
            None => {
                if is_loop {
                    match break_ty {
                        Some(t) => {
                            self.demand(t, unit, span);
                        }
                        None => self.loops[i].break_ty = Some(unit),
                    }
                }
                None
            }
        };
        let never = self.c().never;
        self.mk(ExprKind::Break { target: id, value }, never, span)
    }

    pub(super) fn check_return(&mut self, value: Option<&ast::Expr>, span: Span) -> hir::Expr {
        let ret = self.ret_ty;
        let value = match value {
            Some(v) => {
                let v = self.check_expr(v, Some(ret));
                Some(Box::new(self.coerce(v, ret)))
            }
            None => {
                let unit = self.c().unit;
                self.demand(ret, unit, span);
                None
            }
        };
        let never = self.c().never;
        self.mk(ExprKind::Return(value), never, span)
    }

    pub(super) fn check_match(
        &mut self,
        scrutinee: &ast::Expr,
        arms: &[ast::Arm],
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let s = self.check_expr(scrutinee, None);
        let mut result: Option<Ty> = expected;
        let mut first_span: Option<Span> = None;
        let mut all_never = true;
        let mut out = Vec::new();
        for arm in arms {
            self.scopes.push(Default::default());
            let p = self.check_pat_top(&arm.pat, s.ty);
            let guard = arm.guard.as_ref().map(|g| {
                let b = self.c().bool;
                let e = self.check_expr(g, Some(b));
                self.demand(b, e.ty, e.span);
                e
            });
            let body = self.check_expr(&arm.body, result);
            self.scopes.pop();
            let body = if self.is_never(body.ty) {
                body
            } else {
                all_never = false;
                // An arm may unsize into the expected object type (`Box<dyn Shape>`).
                let body = match result {
                    Some(t) => self.try_unsize(body, t).unwrap_or_else(|b| b),
                    None => body,
                };
                match result {
                    Some(t) => {
                        if !self.unify(t, body.ty) {
                            let (a, b) = (self.display(t), self.display(body.ty));
                            let mut d = Diagnostic::error(
                                "E0308",
                                "`match` arms have incompatible types",
                                body.span,
                                format!("expected `{a}`, found `{b}`"),
                            );
                            if let Some(fs) = first_span {
                                d = d.with_label(fs, format!("this is found to be of type `{a}`"));
                            }
                            self.err(d);
                        }
                        body
                    }
                    None => {
                        result = Some(body.ty);
                        first_span = Some(body.span);
                        body
                    }
                }
            };
            out.push(hir::Arm { pat: p, guard, body, span: arm.span });
        }
        let ty = if all_never { self.c().never } else { result.unwrap_or(self.c().unit) };
        self.mk(ExprKind::Match { scrutinee: Box::new(s), arms: out }, ty, span)
    }

    /// `for pat in iter { body }` over integer ranges and arrays/slices (by value or reference).
    pub(super) fn check_for(
        &mut self,
        pat: &ast::Pat,
        iter: &ast::Expr,
        body: &ast::Block,
        label: Option<&ast::Lifetime>,
        span: Span,
    ) -> hir::Expr {
        let c = self.c();
        let mut stmts = Vec::new();
        // Describe the iteration: a counter `cur` and how to get the element and the bound.
        enum Kind {
            Range { inclusive: bool },
            Seq { mutable: Option<bool>, len: Option<u64> },
        }
        let (kind, elem_ty, seq) = match &iter.kind {
            ast::ExprKind::Range { lo: Some(lo), hi: Some(hi), inclusive } => {
                let l = self.check_expr(lo, None);
                let h = self.check_expr(hi, Some(l.ty));
                self.demand(l.ty, h.ty, h.span);
                let t = l.ty;
                if !self.cx.tys.is_integral(self.resolved(t)) && !self.is_error(t) {
                    let tn = self.display(t);
                    self.err(Diagnostic::error(
                        "E0277",
                        format!("the trait bound `{tn}: Step` is not satisfied"),
                        iter.span,
                        format!("the trait `Step` is not implemented for `{tn}`"),
                    ));
                }
                let cur = self.new_local("<cur>", t, true, lo.span, true);
                let end = self.new_local("<end>", t, false, hi.span, true);
                stmts.push(self.hidden_let(cur, l));
                stmts.push(self.hidden_let(end, h));
                (Kind::Range { inclusive: *inclusive }, t, Some((cur, end)))
            }
            ast::ExprKind::Range { .. } => {
                self.err(unsupported("`for` over this kind of range", iter.span));
                return self.error_expr(span);
            }
            _ => {
                let e = self.check_expr(iter, None);
                let (kind, elem) = match self.kind(e.ty) {
                    TyKind::Array(t, n) => (Kind::Seq { mutable: None, len: Some(n) }, t),
                    TyKind::Ref(inner, m) if matches!(self.kind(inner), TyKind::Array(..) | TyKind::Slice(_)) => {
                        match self.kind(inner) {
                            TyKind::Array(t, n) => (Kind::Seq { mutable: Some(m == Mutability::Mut), len: Some(n) }, t),
                            TyKind::Slice(t) => (Kind::Seq { mutable: Some(m == Mutability::Mut), len: None }, t),
                            _ => unreachable!("matched above"),
                        }
                    }
                    TyKind::Error => return self.error_expr(span),
                    _ => return self.for_into_iter(pat, e, body, label, span),
                };
                let seq_ty = e.ty;
                let seq = self.new_local("<seq>", seq_ty, false, iter.span, true);
                stmts.push(self.hidden_let(seq, e));
                let cur = self.new_local("<idx>", c.usize, true, iter.span, true);
                let zero = self.mk(ExprKind::Lit(Literal::Int(0)), c.usize, iter.span);
                stmts.push(self.hidden_let(cur, zero));
                (kind, elem, Some((cur, seq)))
            }
        };
        let (cur, other) = seq.expect("set in every branch");
        let sp = iter.span;
        let local = |this: &Self, id| this.mk(ExprKind::Local(id), this.locals[id.index()].ty, sp);
        let int = |this: &Self, v: u128, t: Ty| this.mk(ExprKind::Lit(Literal::Int(v)), t, sp);
        let bin = |this: &Self, op: BinOp, a: hir::Expr, b: hir::Expr, t: Ty| {
            this.mk(ExprKind::Binary { op, lhs: Box::new(a), rhs: Box::new(b) }, t, sp)
        };
        // For `..=`, a `<done>` flag stops the loop without incrementing past the end.
        let done = if let Kind::Range { inclusive: true } = kind {
            let d = self.new_local("<done>", c.bool, true, sp, true);
            let gt = bin(self, BinOp::Gt, local(self, cur), local(self, other), c.bool);
            stmts.push(self.hidden_let(d, gt));
            Some(d)
        } else {
            None
        };
        let (elem_value, elem_value_ty, cond) = match kind {
            Kind::Range { inclusive } => {
                let cond = match (inclusive, done) {
                    (true, Some(d)) => {
                        self.mk(ExprKind::Unary { op: hir::UnOp::Not, operand: Box::new(local(self, d)) }, c.bool, sp)
                    }
                    _ => bin(self, BinOp::Lt, local(self, cur), local(self, other), c.bool),
                };
                (local(self, cur), elem_ty, cond)
            }
            Kind::Seq { mutable, len } => {
                let seq_e = local(self, other);
                let len_e = match len {
                    Some(n) => int(self, n as u128, c.usize),
                    None => {
                        self.mk(ExprKind::Intrinsic { name: IntrinsicFn::SliceLen, args: vec![seq_e] }, c.usize, sp)
                    }
                };
                let cond = bin(self, BinOp::Lt, local(self, cur), len_e, c.usize);
                let cond = hir::Expr { ty: c.bool, ..cond };
                let base = local(self, other);
                let base = match mutable {
                    None => base,
                    Some(_) => {
                        let inner = match self.kind(base.ty) {
                            TyKind::Ref(t, _) => t,
                            _ => unreachable!("reference sequence"),
                        };
                        self.mk(ExprKind::Deref(Box::new(base)), inner, sp)
                    }
                };
                let idx =
                    self.mk(ExprKind::Index { base: Box::new(base), index: Box::new(local(self, cur)) }, elem_ty, sp);
                match mutable {
                    None => (idx, elem_ty, cond),
                    Some(m) => {
                        let rt = self.intern(TyKind::Ref(elem_ty, if m { Mutability::Mut } else { Mutability::Not }));
                        (self.mk(ExprKind::Ref { mutable: m, place: Box::new(idx) }, rt, sp), rt, cond)
                    }
                }
            }
        };
        let id = self.push_loop(label, false, false);
        self.scopes.push(Default::default());
        let hp = self.check_pat_top(pat, elem_value_ty);
        let unit = c.unit;
        let user_body = self.check_block_expr(body, Some(unit), None);
        self.scopes.pop();
        self.loops.pop();
        // Advance before the body: `continue` then needs no special handling.
        let advance = match done {
            Some(d) => {
                let eq = bin(self, BinOp::Eq, local(self, cur), local(self, other), c.bool);
                let set = self.mk(
                    ExprKind::Assign {
                        place: Box::new(local(self, d)),
                        value: Box::new(self.mk(ExprKind::Lit(Literal::Bool(true)), c.bool, sp)),
                    },
                    unit,
                    sp,
                );
                let one = int(self, 1, elem_ty);
                let inc = self.mk(
                    ExprKind::AssignOp { op: BinOp::Add, place: Box::new(local(self, cur)), value: Box::new(one) },
                    unit,
                    sp,
                );
                self.mk(ExprKind::If { cond: Box::new(eq), then: Box::new(set), else_: Some(Box::new(inc)) }, unit, sp)
            }
            None => {
                let t = self.locals[cur.index()].ty;
                let one = int(self, 1, t);
                self.mk(
                    ExprKind::AssignOp { op: BinOp::Add, place: Box::new(local(self, cur)), value: Box::new(one) },
                    unit,
                    sp,
                )
            }
        };
        let then = hir::Block {
            stmts: vec![
                hir::Stmt::Let { pat: hp, init: Some(elem_value), else_block: None, span: pat.span },
                hir::Stmt::Expr(advance),
                hir::Stmt::Expr(user_body),
            ],
            expr: None,
        };
        let then = self.mk(ExprKind::Block(then), unit, body.span);
        let never = c.never;
        let brk = self.mk(ExprKind::Break { target: id, value: None }, never, sp);
        let iff = self.mk(
            ExprKind::If { cond: Box::new(cond), then: Box::new(then), else_: Some(Box::new(brk)) },
            unit,
            span,
        );
        let lp = self.mk(ExprKind::Loop { body: Box::new(iff), id }, unit, span);
        self.mk(ExprKind::Block(hir::Block { stmts, expr: Some(Box::new(lp)) }), unit, span)
    }

    /// `for pat in e` over anything that implements `IntoIterator`:
    /// `{ let mut it = IntoIterator::into_iter(e); loop { match it.next() { Some(pat) => body, None => break } } }`.
    fn for_into_iter(
        &mut self,
        pat: &ast::Pat,
        e: hir::Expr,
        body: &ast::Block,
        label: Option<&ast::Lifetime>,
        span: Span,
    ) -> hir::Expr {
        let lang = self.cx.lang.clone();
        let (Some(into_iter_tr), Some(iter_tr)) = (lang.into_iterator, lang.iterator) else {
            return self.not_iterator(e, span);
        };
        if !self.implements_with_args(into_iter_tr, e.ty) {
            return self.not_iterator(e, span);
        }
        let c = self.c();
        let sp = e.span;
        let into_iter = self.overloaded_call_by_value(into_iter_tr, "into_iter", e, span);
        let it_ty = into_iter.ty;
        let it = self.new_local("<iter>", it_ty, true, sp, true);
        let mut stmts = vec![self.hidden_let(it, into_iter)];
        let it_place = self.mk(ExprKind::Local(it), it_ty, sp);
        let next = self.overloaded_call(iter_tr, "next", it_place, vec![], true, sp);
        let opt_ty = next.ty;
        let elem_ty = match self.kind(opt_ty) {
            TyKind::Adt(_, args) if args.len() == 1 => args[0],
            _ => self.infer.new_var(&mut self.cx.tys),
        };
        let id = self.push_loop(label, false, false);
        self.scopes.push(Default::default());
        let hp = self.check_pat_top(pat, elem_ty);
        let unit = c.unit;
        let user_body = self.check_block_expr(body, Some(unit), None);
        self.scopes.pop();
        self.loops.pop();
        let Some(option_adt) = self.std_adt("std::option::Option") else { return self.error_expr(span) };
        let variant = |name: &str, this: &Self| {
            hir::VariantIdx(
                this.cx.adts[option_adt.index()].variants.iter().position(|v| v.name == name).unwrap_or(0) as u32
            )
        };
        let some_pat = hir::Pat {
            kind: hir::PatKind::Adt { adt: option_adt, variant: variant("Some", self), fields: vec![(0, hp)] },
            ty: opt_ty,
            span: sp,
        };
        let none_pat = hir::Pat { kind: hir::PatKind::Wild, ty: opt_ty, span: sp };
        let never = c.never;
        let brk = self.mk(ExprKind::Break { target: id, value: None }, never, sp);
        let arms = vec![
            hir::Arm { pat: some_pat, guard: None, body: user_body, span: sp },
            hir::Arm { pat: none_pat, guard: None, body: brk, span: sp },
        ];
        let m = self.mk(ExprKind::Match { scrutinee: Box::new(next), arms }, unit, sp);
        let lp = self.mk(ExprKind::Loop { body: Box::new(m), id }, unit, span);
        stmts.push(hir::Stmt::Expr(lp));
        self.mk(ExprKind::Block(hir::Block { stmts, expr: None }), unit, span)
    }

    fn not_iterator(&mut self, e: hir::Expr, span: Span) -> hir::Expr {
        let tn = self.display(e.ty);
        if matches!(
            self.kind(e.ty),
            TyKind::Adt(..)
                | TyKind::Int(_)
                | TyKind::Uint(_)
                | TyKind::Bool
                | TyKind::Char
                | TyKind::Float(_)
                | TyKind::Tuple(_)
        ) {
            self.err(
                Diagnostic::error(
                    "E0277",
                    format!("`{tn}` is not an iterator"),
                    e.span,
                    format!("`{tn}` is not an iterator"),
                )
                .with_help(format!("the trait `Iterator` is not implemented for `{tn}`")),
            );
        } else {
            self.err(unsupported(&format!("`for` loops over `{tn}`"), e.span));
        }
        self.error_expr(span)
    }

    pub(super) fn hidden_let(&self, local: hir::LocalId, init: hir::Expr) -> hir::Stmt {
        let span = init.span;
        let ty = self.locals[local.index()].ty;
        let pat = hir::Pat { kind: hir::PatKind::Binding { local, by_ref: None, sub: None }, ty, span };
        hir::Stmt::Let { pat, init: Some(init), else_block: None, span }
    }
}

fn contains_let(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Let(..) => true,
        ast::ExprKind::Binary(ast::BinOp::And, l, r) => contains_let(l) || contains_let(r),
        ast::ExprKind::Paren(i) => contains_let(i),
        _ => false,
    }
}

fn loop_has_break(e: &hir::Expr, id: LoopId) -> bool {
    let mut found = false;
    visit(e, &mut |x| {
        if let ExprKind::Break { target, .. } = x.kind {
            found |= target == id;
        }
    });
    found
}

/// Calls `f` on every expression of the tree, parents first.
pub(super) fn visit<'a>(e: &'a hir::Expr, f: &mut impl FnMut(&'a hir::Expr)) {
    f(e);
    e.for_each_child(|c| visit(c, f));
}

impl BodyChecker<'_, '_> {
    /// `e?` on a `Result` (in a function returning `Result`: the error converted by `From`)
    /// or an `Option` (in one returning `Option`):
    /// `match e { Ok(v) => v, Err(err) => return Err(From::from(err)) }`.
    pub(super) fn check_try(&mut self, inner: &ast::Expr, span: Span) -> hir::Expr {
        let e = self.check_expr(inner, None);
        if self.is_error(e.ty) {
            return self.error_expr(span);
        }
        let (result_adt, option_adt) = (self.std_adt("std::result::Result"), self.std_adt("std::option::Option"));
        let t = self.resolved(e.ty);
        let (adt, args) = match self.kind(t) {
            TyKind::Adt(a, args) if Some(a) == result_adt || Some(a) == option_adt => (a, args),
            _ => {
                let tn = self.display(t);
                self.err(
                    Diagnostic::error(
                        "E0277",
                        format!("the `?` operator can only be applied to values that implement `Try`"),
                        span,
                        format!("the `?` operator cannot be applied to type `{tn}`"),
                    )
                    .with_help(format!("the trait `Try` is not implemented for `{tn}`")),
                );
                return self.error_expr(span);
            }
        };
        let is_result = Some(adt) == result_adt;
        let mut ret = self.resolved(self.ret_ty);
        if matches!(self.kind(ret), TyKind::Infer(InferTy::Var(_))) {
            // A closure or async block whose type nothing has decided yet returns what `?`
            // propagates: `Result<_, E>` with the operand's `E`, or `Option<_>`.
            let v = self.infer.new_var(&mut self.cx.tys);
            let mut family = vec![v];
            if is_result {
                family.push(args[1]);
            }
            let t = self.intern(TyKind::Adt(adt, family));
            self.unify(ret, t);
            ret = self.resolved(ret);
        }
        let ret_ok = matches!(self.kind(ret), TyKind::Adt(a, _) if a == adt);
        if !ret_ok {
            let what = if is_result { "Result" } else { "Option" };
            self.err(
                Diagnostic::error(
                    "E0277",
                    format!("the `?` operator can only be used in a function that returns `Result` or `Option`"),
                    span,
                    format!("cannot use the `?` operator in a function that returns `{}`", self.display(ret)),
                )
                .with_help(format!("change the function's return type to a `{what}`")),
            );
            return self.error_expr(span);
        }
        let variant = |this: &Self, name: &str| {
            hir::VariantIdx(this.cx.adts[adt.index()].variants.iter().position(|v| v.name == name).unwrap_or(0) as u32)
        };
        let value_ty = args[0];
        let v = self.new_local("<try_value>", value_ty, false, span, true);
        let ok_name = if is_result { "Ok" } else { "Some" };
        let ok_pat = hir::Pat {
            kind: hir::PatKind::Adt {
                adt,
                variant: variant(self, ok_name),
                fields: vec![(
                    0,
                    hir::Pat { kind: hir::PatKind::Binding { local: v, by_ref: None, sub: None }, ty: value_ty, span },
                )],
            },
            ty: t,
            span,
        };
        let ok_arm_body = self.mk(ExprKind::Local(v), value_ty, span);
        let never = self.c().never;
        let (fail_pat, fail_value) = if is_result {
            let err_ty = args[1];
            let ret_err = match self.kind(ret) {
                TyKind::Adt(_, ra) => ra[1],
                _ => err_ty,
            };
            let err_local = self.new_local("<try_err>", err_ty, false, span, true);
            let pat = hir::Pat {
                kind: hir::PatKind::Adt {
                    adt,
                    variant: variant(self, "Err"),
                    fields: vec![(
                        0,
                        hir::Pat {
                            kind: hir::PatKind::Binding { local: err_local, by_ref: None, sub: None },
                            ty: err_ty,
                            span,
                        },
                    )],
                },
                ty: t,
                span,
            };
            // `From::from(err)`: the identity impl when the types agree.
            let from_tr = self
                .cx
                .traits
                .iter()
                .position(|tr| tr.path == "std::convert::From")
                .map(|i| crate::ty::TraitId(i as u32));
            let err_e = self.mk(ExprKind::Local(err_local), err_ty, span);
            let converted = match from_tr
                .and_then(|tr| self.cx.traits[tr.index()].methods.iter().find(|(n, _)| n == "from").map(|(_, f)| *f))
            {
                Some(from_fn) => {
                    let substs = vec![ret_err, err_ty];
                    self.call_hir(from_fn, substs, vec![err_e], span)
                }
                None => err_e,
            };
            let ret_args = match self.kind(ret) {
                TyKind::Adt(_, ra) => ra,
                _ => args.clone(),
            };
            let ret_t = self.intern(TyKind::Adt(adt, ret_args));
            let err_v = self.mk(
                ExprKind::Adt { adt, variant: variant(self, "Err"), fields: vec![(0, converted)], base: None },
                ret_t,
                span,
            );
            (pat, err_v)
        } else {
            let pat = hir::Pat {
                kind: hir::PatKind::Adt { adt, variant: variant(self, "None"), fields: vec![] },
                ty: t,
                span,
            };
            let none =
                self.mk(ExprKind::Adt { adt, variant: variant(self, "None"), fields: vec![], base: None }, ret, span);
            (pat, none)
        };
        let ret_e = self.mk(ExprKind::Return(Some(Box::new(fail_value))), never, span);
        let arms = vec![
            hir::Arm { pat: ok_pat, guard: None, body: ok_arm_body, span },
            hir::Arm { pat: fail_pat, guard: None, body: ret_e, span },
        ];
        self.mk(ExprKind::Match { scrutinee: Box::new(e), arms }, value_ty, span)
    }
}
