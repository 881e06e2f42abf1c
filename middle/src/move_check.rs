//! Use-after-move (E0382) and use-before-initialization (E0381) checking on MIR.
//!
//! Takes a built body (drops already elaborated) and reports every use of a named local that may
//! have been moved out of on some path to it: a read, borrow or partial write of the local (or
//! of a place based on it) where a forward "maybe moved" analysis says a move of the whole local
//! reaches without a reassignment in between. Moves of a part of a local (a field) are not
//! tracked here, so the pass never reports a use that Rust accepts; drops are not uses (drop
//! elaboration already made them conditional). Temporaries the compiler introduced are never
//! reported. Relies on MIR spans being the source spans of the statements' expressions.

use aether_frontend::diagnostics::Diagnostic;
use aether_frontend::span::Span;
use aether_frontend::ty::{Mutability, TyInterner, TyKind};

use crate::bitset::BitSet;
use crate::dataflow::{self, Access, Analysis, Direction};
use crate::mir::*;

/// The E0381 diagnostics of `body`: a named local read (or partly written) where some path
/// reaches without an assignment since its declaration.
pub fn check_init(body: &Body) -> Vec<Diagnostic> {
    let n = body.locals.len();
    let mut tracked = BitSet::new_empty(n);
    for (i, l) in body.locals.iter().enumerate().skip(body.arg_count + 1) {
        if l.name.as_deref().is_some_and(|s| !s.starts_with('<')) {
            tracked.insert(Local(i as u32));
        }
    }
    if tracked.is_empty() {
        return Vec::new();
    }
    let uninit = dataflow::solve(body, MaybeUninit { tracked });
    let mut out = Vec::new();
    let mut reported = BitSet::new_empty(n);
    for_each_use(&uninit, |state, l, span| {
        if state.contains(l) && reported.insert(l) {
            let name = body.locals[l.index()].name.clone().unwrap_or_default();
            out.push(
                Diagnostic::error(
                    "E0381",
                    format!("used binding `{name}` is possibly-uninitialized"),
                    span,
                    format!("`{name}` used here but it is possibly-uninitialized"),
                )
                .with_label(body.locals[l.index()].span, "binding declared here but left uninitialized")
                .with_help(format!("assign `{name}` a value on every path before using it")),
            );
        }
    });
    out
}

/// Calls `f` with the analysis state before each read, borrow or partial write of a local
/// (drops excluded: elaboration made them conditional), and the span of the statement.
fn for_each_use<A: Analysis>(results: &dataflow::Results<'_, A>, mut f: impl FnMut(&BitSet<Local>, Local, Span)) {
    let body = results.body();
    for b in body.block_ids() {
        let data = body.block(b);
        for i in 0..=data.statements.len() {
            let loc = Location { block: b, statement_index: i };
            let state = results.state_before(loc);
            let span = match data.statements.get(i) {
                Some(s) => s.span,
                None => data.terminator.span,
            };
            let mut check = |l: Local, a: Access| {
                if a != Access::Write {
                    f(&state, l, span);
                }
            };
            match data.statements.get(i) {
                Some(s) => dataflow::visit_statement(s, &mut check),
                None => match &data.terminator.kind {
                    TerminatorKind::Drop { .. } => {}
                    _ => dataflow::visit_terminator(&data.terminator, &mut check),
                },
            }
        }
    }
}

/// "Maybe never assigned since its storage began".
struct MaybeUninit {
    tracked: BitSet<Local>,
}

impl Analysis for MaybeUninit {
    const DIRECTION: Direction = Direction::Forward;

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, _loc: Location) {
        match &stmt.kind {
            StatementKind::Assign(place, _) if place.projection.is_empty() => {
                state.remove(place.local);
            }
            StatementKind::StorageLive(l) if self.tracked.contains(*l) => {
                state.insert(*l);
            }
            StatementKind::StorageDead(l) => {
                state.remove(*l);
            }
            _ => {}
        }
    }

    fn apply_terminator_effect(&self, _state: &mut BitSet<Local>, _term: &Terminator, _loc: Location) {}

    fn apply_call_return_effect(&self, state: &mut BitSet<Local>, destination: &Place) {
        if destination.projection.is_empty() {
            state.remove(destination.local);
        }
    }
}

/// The E0382 diagnostics of `body`.
pub fn check_moves(body: &Body, tys: &TyInterner) -> Vec<Diagnostic> {
    let n = body.locals.len();
    let mut tracked = BitSet::new_empty(n);
    for (i, l) in body.locals.iter().enumerate().skip(1) {
        // `&mut` references are reborrowed, not moved, when passed on (`v.push(x)` with
        // `v: &mut Vec<_>`): MIR moves them, Rust's rules do not count it.
        let reborrowed = matches!(tys.kind(l.ty), TyKind::Ref(_, Mutability::Mut));
        if l.name.as_deref().is_some_and(|s| !s.starts_with('<')) && !reborrowed {
            tracked.insert(Local(i as u32));
        }
    }
    if tracked.is_empty() {
        return Vec::new();
    }
    // Where each local is moved (the first move in block order names the "moved here" label).
    let mut move_span: Vec<Option<Span>> = vec![None; n];
    let mut any_move = false;
    for data in &body.blocks {
        for st in &data.statements {
            if let StatementKind::Assign(_, rv) = &st.kind {
                rvalue_operands(rv, &mut |o| record_move(o, &tracked, &mut move_span, &mut any_move, st.span));
            }
        }
        if let TerminatorKind::Call { args, .. } = &data.terminator.kind {
            for a in args {
                record_move(a, &tracked, &mut move_span, &mut any_move, data.terminator.span);
            }
        }
    }
    if !any_move {
        return Vec::new();
    }
    let moved = dataflow::solve(body, MaybeMoved { tracked: tracked.clone() });
    let mut out = Vec::new();
    let mut reported = BitSet::new_empty(n);
    for_each_use(&moved, |state, l, span| {
        if !state.contains(l) || !reported.insert(l) {
            return;
        }
        let name = body.locals[l.index()].name.clone().unwrap_or_default();
        let mut d =
            Diagnostic::error("E0382", format!("use of moved value: `{name}`"), span, "value used here after move");
        match move_span[l.index()] {
            Some(ms) if ms == span => {
                d = Diagnostic::error(
                    "E0382",
                    format!("use of moved value: `{name}`"),
                    span,
                    "value moved here, in previous iteration of loop",
                );
            }
            Some(ms) => d = d.with_label(ms, "value moved here"),
            None => {}
        }
        let ty_note = format!("move occurs because `{name}` has a type that does not implement the `Copy` trait");
        out.push(d.with_note(ty_note));
    });
    out
}

fn record_move(o: &Operand, tracked: &BitSet<Local>, spans: &mut [Option<Span>], any: &mut bool, span: Span) {
    if let Operand::Move(p) = o {
        if p.projection.is_empty() && tracked.contains(p.local) {
            *any = true;
            if spans[p.local.index()].is_none() {
                spans[p.local.index()] = Some(span);
            }
        }
    }
}

fn rvalue_operands(rv: &Rvalue, f: &mut impl FnMut(&Operand)) {
    match rv {
        Rvalue::Use(o) | Rvalue::UnaryOp(_, o) | Rvalue::Cast(_, o, _) | Rvalue::Repeat(o, _) => f(o),
        Rvalue::BinaryOp(_, a, b) | Rvalue::CheckedBinaryOp(_, a, b) => {
            f(a);
            f(b);
        }
        Rvalue::Aggregate(_, ops) => ops.iter().for_each(f),
        Rvalue::Ref(..) | Rvalue::Len(_) | Rvalue::Discriminant(_) => {}
    }
}

/// "Maybe moved out": a whole-local move gens, a whole-local write (or new storage) kills.
struct MaybeMoved {
    tracked: BitSet<Local>,
}

impl Analysis for MaybeMoved {
    const DIRECTION: Direction = Direction::Forward;

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, _loc: Location) {
        match &stmt.kind {
            StatementKind::Assign(place, rv) => {
                rvalue_operands(rv, &mut |o| {
                    if let Operand::Move(p) = o {
                        if p.projection.is_empty() && self.tracked.contains(p.local) {
                            state.insert(p.local);
                        }
                    }
                });
                if place.projection.is_empty() {
                    state.remove(place.local);
                }
            }
            StatementKind::StorageLive(l) | StatementKind::StorageDead(l) => {
                state.remove(*l);
            }
            _ => {}
        }
    }

    fn apply_terminator_effect(&self, state: &mut BitSet<Local>, term: &Terminator, _loc: Location) {
        if let TerminatorKind::Call { args, .. } = &term.kind {
            for a in args {
                if let Operand::Move(p) = a {
                    if p.projection.is_empty() && self.tracked.contains(p.local) {
                        state.insert(p.local);
                    }
                }
            }
        }
    }

    fn apply_call_return_effect(&self, state: &mut BitSet<Local>, destination: &Place) {
        if destination.projection.is_empty() {
            state.remove(destination.local);
        }
    }
}
