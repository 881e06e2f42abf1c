//! `.await`: the one suspension point of async bodies.
//!
//! Takes the awaited expression and produces `ExprKind::Await` with `Future::poll` for its type
//! (the future of an `async fn` implements `Future` built in; any other type needs an impl).
//! Outside an async body it is E0728; awaiting what is not a future is E0277.

use super::expr::BodyChecker;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, ExprKind, TraitRef};
use crate::span::Span;
use crate::ty::{InferTy, TyKind};

impl BodyChecker<'_, '_> {
    pub(super) fn check_await(&mut self, inner: &ast::Expr, span: Span) -> hir::Expr {
        let fut = self.check_expr(inner, None);
        if !self.in_async {
            self.err(
                Diagnostic::error(
                    "E0728",
                    "`await` is only allowed inside `async` functions and blocks",
                    span,
                    "only allowed inside `async` functions and blocks",
                )
                .with_help(if self.closure_in_async {
                    "a closure is not async: make it return an async block, `|..| async { .. }`"
                } else {
                    "make the enclosing function `async fn`"
                }),
            );
            return self.error_expr(span);
        }
        if self.is_error(fut.ty) {
            return self.error_expr(span);
        }
        let Some(future) = self.cx.lang.future else {
            self.err(super::unsupported("`.await` without the standard library's `Future`", span));
            return self.error_expr(span);
        };
        let mut t = self.infer.resolve_known(&self.cx.tys, fut.ty);
        if matches!(self.cx.tys.kind(t), TyKind::Infer(InferTy::Var(_))) {
            self.select_where_possible();
            t = self.infer.resolve_known(&self.cx.tys, t);
        }
        let goal = TraitRef { trait_id: future, args: vec![t] };
        if self.cx.tables().select(&goal, &self.cx.env) == crate::traits::Selection::None {
            let tn = self.display(t);
            self.err(
                Diagnostic::error(
                    "E0277",
                    format!("`{tn}` is not a future"),
                    inner.span,
                    format!("`{tn}` is not a future"),
                )
                .with_help(format!("the trait `Future` is not implemented for `{tn}`"))
                .with_note("`.await` needs a value of a type that implements `Future`"),
            );
            return self.error_expr(span);
        }
        self.obligations.push(super::obligations::Obligation { trait_ref: goal.clone(), span });
        let output = self.project(goal, "Output", span);
        let Some(poll) = self.future_poll() else {
            return self.error_expr(span);
        };
        self.mk(ExprKind::Await { fut: Box::new(fut), poll, substs: vec![t] }, output, span)
    }

    /// `Future::poll`, which `.await` (and an async `defer!` guard's exit) polls through.
    pub(super) fn future_poll(&self) -> Option<hir::FnId> {
        let future = self.cx.lang.future?;
        self.cx.traits[future.index()].methods.iter().find(|(n, _)| n == "poll").map(|m| m.1)
    }
}
