//! `pin!(e)`: a value pinned in the enclosing block.
//!
//! Takes the macro's operand and produces `Pin { pointer: &mut hidden }`, where `hidden` is a new
//! local initialized with the operand by a `let` that `check_block` places just before the
//! statement holding the macro: the value lives, unmoved, until the end of that block (Rust's
//! temporary lifetime extension for `let p = pin!(e);`). The operand is therefore evaluated
//! before the rest of its statement. Outside a block's statements (a closure's expression body)
//! there is no such place, and the macro is reported.

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
            self.err(unsupported("`pin!` outside a block's statements", span).with_help(
                "write it in a statement, as in `let mut fut = pin!(fut);`",
            ));
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
