//! A compiler-generated future is never moved after it was polled by hand (E0505).
//!
//! Takes a built body (monomorphized: types are concrete) and reports each move of a named
//! local holding an async fn's or block's future on a path after a mutable borrow of it (which
//! can poll it, by hand or through what it is given to): once polled, a frame may hold
//! references into itself, so it must stay where it is (Rust's `Pin` guarantee, which Rust gets
//! from `poll` taking `Pin<&mut Self>`). `.await` borrows only the compiler's own temporary and
//! never moves it; a future pinned with `pin!` or `Box::pin` is polled through the pin.
//! Temporaries the compiler introduced are never reported.

use std::collections::HashSet;

use aether_frontend::diagnostics::Diagnostic;
use aether_frontend::span::Span;
use aether_frontend::ty::{TyInterner, TyKind};

use crate::mir::*;

/// E0505 for each named local of `body` holding a compiler-generated future that is moved
/// after being borrowed mutably: with `&mut` it can be polled (directly, or by whatever the
/// reference is given to), and the compiler cannot see whether it was.
pub fn check(body: &Body, tys: &TyInterner) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut reported = HashSet::new();
    for b in body.block_ids() {
        let data = body.block(b);
        for (i, s) in data.statements.iter().enumerate() {
            let StatementKind::Assign(_, Rvalue::Ref(Mutability::Mut, p)) = &s.kind else { continue };
            let l = p.local;
            let decl = &body.locals[l.index()];
            let named = decl.name.as_deref().is_some_and(|n| !n.starts_with('<'));
            if !p.projection.is_empty() || !named || !matches!(tys.kind(decl.ty), TyKind::Coroutine { .. }) {
                continue;
            }
            if reported.contains(&l) {
                continue;
            }
            if let Some(at) = first_move_after(body, b, i + 1, l) {
                reported.insert(l);
                let name = decl.name.clone().unwrap_or_default();
                out.push(
                    Diagnostic::error(
                        "E0505",
                        format!("cannot move `{name}` after it may have been polled"),
                        at,
                        "moved here",
                    )
                    .with_label(
                        s.span,
                        format!(
                            "`{name}` is borrowed mutably here, so it may be polled: from then on it must not move"
                        ),
                    )
                    .with_note("once polled, an async fn's or block's future may hold references into itself")
                    .with_help(format!(
                        "move it before borrowing it, or poll it through a pin: `let mut {name} = pin!({name});` and \
                             `{name}.as_mut().poll(cx)`"
                    )),
                );
            }
        }
    }
    out
}

/// The span of a move of the whole of `l` (or of a part of it not behind a pointer) reachable
/// from the start of `from`.
fn first_move_after(body: &Body, block: BasicBlock, statement: usize, l: Local) -> Option<Span> {
    let moves =
        |o: &Operand| matches!(o, Operand::Move(p) if p.local == l && !p.projection.contains(&PlaceElem::Deref));
    let mut seen = HashSet::new();
    let mut work = vec![(block, statement)];
    while let Some((b, first)) = work.pop() {
        if first == 0 && !seen.insert(b) {
            continue;
        }
        let data = body.block(b);
        for s in &data.statements[first..] {
            if let StatementKind::Assign(_, rv) = &s.kind {
                let hit = match rv {
                    Rvalue::Use(o) | Rvalue::UnaryOp(_, o) | Rvalue::Cast(_, o, _) | Rvalue::Repeat(o, _) => moves(o),
                    Rvalue::BinaryOp(_, x, y) | Rvalue::CheckedBinaryOp(_, x, y) => moves(x) || moves(y),
                    Rvalue::Aggregate(_, ops) => ops.iter().any(moves),
                    Rvalue::Ref(..) | Rvalue::Len(_) | Rvalue::Discriminant(_) => false,
                };
                if hit {
                    return Some(s.span);
                }
            }
        }
        if let TerminatorKind::Call { args, .. } = &data.terminator.kind {
            if args.iter().any(moves) {
                return Some(data.terminator.span);
            }
        }
        work.extend(data.terminator.kind.successors().into_iter().map(|b| (b, 0)));
    }
    None
}
