//! `pin!(e)` and `defer! { .. }`: values kept in hidden locals of the enclosing block.
//!
//! Takes the macro's operand and produces `Pin { pointer: &mut hidden }`, where `hidden` is a new
//! local initialized with the operand by a `let` that `check_block` places just before the
//! statement holding the macro: the value lives, unmoved, until the end of that block (Rust's
//! temporary lifetime extension for `let p = pin!(e);`). The operand is therefore evaluated
//! before the rest of its statement. `defer! { body }` keeps a guard the same way,
//! `Defer::new(|| body)` (`std/defer.ae`), whose drop runs the body. In an async body the guard
//! is `AsyncDefer::new(async { body })`, so the body may `.await`, and `Body::exit_awaits` asks
//! MIR building to await it wherever the scope is left normally (its drop, on unwinding and
//! cancellation, runs the body without suspending). Outside a block's statements (a closure's
//! expression body) there is no such place, and either macro is reported.

use super::expr::BodyChecker;
use super::unsupported;
use crate::ast;
use crate::hir::{self, ExprKind};
use crate::span::Span;
use crate::ty::{Mutability, TyKind};

impl BodyChecker<'_, '_> {
    pub(super) fn check_pin(&mut self, e: &ast::Expr, span: Span) -> hir::Expr {
        let value = self.check_expr(e, None);
        let Some(pin) = self.std_adt("std::pin::Pin") else {
            self.err(unsupported("`pin!` without the standard library's `Pin`", span));
            return self.error_expr(span);
        };
        if self.block_depth == 0 {
            self.err(
                unsupported("`pin!` outside a block's statements", span)
                    .with_help("write it in a statement, as in `let mut fut = pin!(fut);`"),
            );
            return self.error_expr(span);
        }
        let t = value.ty;
        let hidden = self.new_local("<pinned>", t, true, span, true);
        let init = self.hidden_let(hidden, value);
        self.pinned.push(init);
        let rt = self.intern(TyKind::Ref(t, Mutability::Mut));
        let place = self.mk(ExprKind::Local(hidden), t, span);
        let r = self.mk(ExprKind::Ref { mutable: true, place: Box::new(place) }, rt, span);
        let pt = self.intern(TyKind::Adt(pin, vec![rt]));
        self.mk(ExprKind::Adt { adt: pin, variant: hir::VariantIdx(0), fields: vec![(0, r)], base: None }, pt, span)
    }
}

impl BodyChecker<'_, '_> {
    /// `defer! { body }`: a hidden guard local, declared where the macro stands, whose drop
    /// runs `|| body` (so it runs where a local declared there is dropped, on every exit,
    /// unwinding and cancellation included). The statement itself is `()`.
    pub(super) fn check_defer(&mut self, body: &ast::Block, span: Span) -> hir::Expr {
        if self.block_depth == 0 {
            self.err(unsupported("`defer!` outside a block's statements", span));
            return self.error_expr(span);
        }
        if self.in_async {
            return self.check_async_defer(body, span);
        }
        let Some(defer) = self.std_adt("std::defer::Defer") else {
            self.err(unsupported("`defer!` without the standard library's `Defer`", span));
            return self.error_expr(span);
        };
        let Some(new) = self.inherent_fn(defer, "new") else { return self.error_expr(span) };
        let closure = ast::Expr {
            kind: ast::ExprKind::Closure(Box::new(ast::Closure {
                is_async: false,
                is_move: false,
                params: Vec::new(),
                ret: None,
                body: ast::Expr { kind: ast::ExprKind::Block(body.clone(), None), span: body.span },
                head_span: span,
            })),
            span: body.span,
        };
        let c = self.check_expr(&closure, None);
        self.declare_defer_guard(new, c, span);
        self.mk(ExprKind::Lit(hir::Literal::Unit), self.c().unit, span)
    }

    /// `defer! { body }` in an async body: the guard `AsyncDefer::new(async { body })`, awaited
    /// on the scope's normal exits (`exit_awaits`).
    fn check_async_defer(&mut self, body: &ast::Block, span: Span) -> hir::Expr {
        let unit = self.c().unit;
        let Some(defer) = self.std_adt("std::defer::AsyncDefer") else {
            self.err(unsupported("`defer!` in async code without the standard library's `AsyncDefer`", span));
            return self.error_expr(span);
        };
        let (Some(new), Some(poll)) = (self.inherent_fn(defer, "new"), self.future_poll()) else {
            return self.error_expr(span);
        };
        let fut = self.check_async_body(usize::MAX, None, body.span, |this, output| {
            let value = this.check_block_expr(body, Some(unit), None);
            let value = this.coerce(value, unit);
            this.unify(output, unit);
            value
        });
        let guard = self.declare_defer_guard(new, fut, span);
        self.exit_awaits.push((guard, poll));
        self.mk(ExprKind::Lit(hir::Literal::Unit), unit, span)
    }

    /// The hidden local `<defer>`, initialized with `new(arg)` by a `let` just before the
    /// statement holding the macro.
    fn declare_defer_guard(&mut self, new: hir::FnId, arg: hir::Expr, span: Span) -> hir::LocalId {
        let guard = self.call_hir(new, vec![arg.ty], vec![arg], span);
        // Mutable: an async guard is polled in place through `&mut`.
        let hidden = self.new_local("<defer>", guard.ty, true, span, true);
        let init = self.hidden_let(hidden, guard);
        self.pinned.push(init);
        hidden
    }
}
