//! `.await` in MIR: the poll loop around a suspension point.
//!
//! `dest = fut.await` becomes
//!
//! ```text
//!     f = fut                      // the awaited future: a temporary of the async body
//! loop:
//!     r = poll(&mut f, cx)         // `Future::poll` of f's type (a coroutine's poll function)
//!     switchInt(discriminant(r)) -> [0: ready, otherwise: pending]
//! pending:
//!     yield -> [resume: loop]      // the coroutine transform returns `Poll::Pending` here
//! ready:
//!     dest = move (r as Ready).0
//! ```
//!
//! `f` is an ordinary temporary: live across the `yield`, it is saved in the frame, so an
//! awaited coroutine's frame sits inline in its caller's (awaiting allocates nothing). It is
//! dropped as soon as it is ready.
//!
//! An async `defer!` guard (`hir::Body::exit_awaits`) is polled the same way, in place, where its
//! scope is left normally, just before its drop: finished, it has nothing left to run when
//! dropped, and only unwinding and cancellation drop a guard whose body has not run.

use aether_frontend::hir;
use aether_frontend::span::Span;
use aether_frontend::ty::{Ty, TyKind};

use super::Builder;
use crate::mir::*;

impl Builder<'_> {
    pub(super) fn await_into(&mut self, dest: Place, fut: &hir::Expr, poll: hir::FnId, out_ty: Ty, span: Span) {
        if self.coroutine_cx.is_none() {
            // Type checking allows `.await` only in async bodies.
            self.terminate(TerminatorKind::Unreachable, span);
            return;
        }
        let f = self.new_temp(fut.ty, span);
        self.expr_into(Place::local(f), fut);
        if self.cur.is_none() {
            return;
        }
        self.poll_until_ready(dest, Place::local(f), fut.ty, poll, out_ty, span);
        if self.cur.is_none() {
            return;
        }
        // The finished future goes right away (as Rust's `match into_future(e) { mut f => loop
        // .. }` drops its binding), not at the end of the statement: its bytes are free for the
        // next await of the same expression.
        self.drop_place(Place::local(f), fut.ty, span);
        self.push(StatementKind::StorageDead(f), span);
        if let Some(i) = self.temps.iter().rposition(|x| *x == f) {
            self.temps.remove(i);
        }
    }

    /// The poll loop: polls the future at `fut` (of type `fut_ty`, in place) until it is ready,
    /// suspending while it is pending, and moves its output to `dest`.
    fn poll_until_ready(&mut self, dest: Place, fut: Place, fut_ty: Ty, poll: hir::FnId, out_ty: Ty, span: Span) {
        let Some(cx) = self.coroutine_cx else { return };
        let head = self.new_block();
        self.goto(head, span);
        self.cur = Some(head);
        let poll_ty = self.hir.fn_def(poll).ret;
        let fref_ty = self.tys.intern(TyKind::Ref(fut_ty, aether_frontend::ty::Mutability::Mut));
        let fref = self.new_temp(fref_ty, span);
        self.assign(Place::local(fref), Rvalue::Ref(Mutability::Mut, fut), span);
        let r = self.new_temp(poll_ty, span);
        let args = vec![Operand::Move(Place::local(fref)), Operand::Copy(Place::local(cx))];
        self.call(Callee::Fn(poll), args, Place::local(r), false, span);
        let isize_ty = self.hir.common.isize;
        let d = self.new_temp(isize_ty, span);
        self.assign(Place::local(d), Rvalue::Discriminant(Place::local(r)), span);
        let (ready, pending) = (self.new_block(), self.new_block());
        self.terminate(
            TerminatorKind::SwitchInt {
                discr: Operand::Move(Place::local(d)),
                targets: vec![(0, ready)],
                otherwise: pending,
            },
            span,
        );
        // The loop's own temporaries end before suspending and before leaving.
        self.cur = Some(pending);
        for t in [d, r, fref] {
            self.push(StatementKind::StorageDead(t), span);
        }
        self.terminate(TerminatorKind::Yield { resume: head }, span);
        self.cur = Some(ready);
        let TyKind::Adt(_, _) = self.tys.kind(poll_ty) else {
            self.terminate(TerminatorKind::Unreachable, span);
            return;
        };
        let value =
            Place { local: r, projection: vec![PlaceElem::Downcast(hir::VariantIdx(0)), PlaceElem::Field(0, out_ty)] };
        self.assign(dest, Rvalue::Use(Operand::Move(value)), span);
        for t in [d, r, fref] {
            self.push(StatementKind::StorageDead(t), span);
            if let Some(i) = self.temps.iter().rposition(|x| *x == t) {
                self.temps.remove(i);
            }
        }
    }

    /// If `l` is the guard of an async `defer!`, awaits it (running the deferred body) on the
    /// current path.
    pub(super) fn await_defer_guard(&mut self, l: Local, span: Span) {
        if self.cur.is_none() {
            return;
        }
        let Some(&(guard, poll)) =
            self.hbody.exit_awaits.iter().find(|(h, _)| self.local_map.get(h.index()).copied().flatten() == Some(l))
        else {
            return;
        };
        let decl = self.hbody.local(guard);
        let unit = self.hir.common.unit;
        let dest = self.new_temp(unit, span);
        let place = self.local_place(guard);
        self.poll_until_ready(Place::local(dest), place, decl.ty, poll, unit, decl.span);
        self.push(StatementKind::StorageDead(dest), span);
        if let Some(i) = self.temps.iter().rposition(|x| *x == dest) {
            self.temps.remove(i);
        }
    }
}
