//! Drop elaboration: `Drop` terminators that run exactly when a value is owned.
//!
//! Takes a body as MIR building leaves it: a `Drop` of every local with drop glue where its
//! scope ends (and of the old value before an assignment), whether or not the local still holds
//! a value, and calls whose unwinding just continues. Produces a body in which every `Drop` of a
//! local runs only if the local is initialized: a drop of a local that is never initialized
//! there disappears, one of a local that always is stays, and one that depends on the path (a
//! value moved on one branch only) tests a boolean drop flag kept in step with initialization.
//! Calls, asserts and drops that may unwind while locals are initialized get cleanup blocks that
//! drop them (newest first) and resume unwinding. Two forward analyses decide "maybe
//! initialized" and "maybe uninitialized" per local, where a move out of the local (whole or a
//! part of it, not through a pointer) makes it uninitialized: after a partial move the rest is
//! not dropped (a leak, never a double drop). Relies on the builder's `StorageDead` following
//! each scope-end `Drop`, and on call targets being blocks of their own.

use std::collections::HashMap;

use crate::bitset::BitSet;
use crate::dataflow::{self, Analysis, Direction};
use crate::mir::*;
use crate::needs_drop::NeedsDrop;
use aether_frontend::span::Span;
use aether_frontend::ty::Ty;

/// Elaborates the drops of `body`; see the module documentation.
pub fn elaborate_drops(body: &mut Body, nd: &NeedsDrop, bool_ty: Ty) {
    let n = body.locals.len();
    let mut tracked = BitSet::new_empty(n);
    for (i, l) in body.locals.iter().enumerate().skip(1) {
        if nd.needs_drop(l.ty) {
            tracked.insert(Local(i as u32));
        }
    }
    if tracked.is_empty() {
        return;
    }
    let init = dataflow::solve(body, MaybeInit { tracked: tracked.clone(), init: true });
    let uninit = dataflow::solve(body, MaybeInit { tracked: tracked.clone(), init: false });

    // Decide every drop of a local, and which locals need flags.
    enum Plan {
        Remove,
        Keep,
        Flag,
    }
    let mut plans: Vec<(BasicBlock, Plan)> = Vec::new();
    let mut flagged: BitSet<Local> = BitSet::new_empty(n);
    // The locals to drop when each unwinding terminator unwinds.
    let mut cleanups: Vec<(BasicBlock, Vec<(Local, bool)>)> = Vec::new();
    for (bi, data) in body.blocks.iter().enumerate() {
        let b = BasicBlock(bi as u32);
        let loc = Location { block: b, statement_index: data.statements.len() };
        if let TerminatorKind::Drop { place, .. } = &data.terminator.kind {
            if place.projection.is_empty() && tracked.contains(place.local) {
                let l = place.local;
                let (mi, mu) = (init.state_before(loc).contains(l), uninit.state_before(loc).contains(l));
                let plan = match (mi, mu) {
                    (false, _) => Plan::Remove,
                    (true, false) => Plan::Keep,
                    (true, true) => {
                        flagged.insert(l);
                        Plan::Flag
                    }
                };
                plans.push((b, plan));
            }
        }
        if data.is_cleanup {
            continue;
        }
        let unwinds = matches!(
            &data.terminator.kind,
            TerminatorKind::Call { unwind: UnwindAction::Continue, .. }
                | TerminatorKind::Assert { unwind: UnwindAction::Continue, .. }
                | TerminatorKind::Drop { unwind: UnwindAction::Continue, .. }
        );
        if unwinds {
            let live_init = init.state_after(loc);
            let maybe_uninit = uninit.state_after(loc);
            let mut to_drop: Vec<(Local, bool)> =
                live_init.iter().filter(|l| tracked.contains(*l)).map(|l| (l, maybe_uninit.contains(l))).collect();
            to_drop.sort_by_key(|(l, _)| std::cmp::Reverse(l.index()));
            for (l, flag) in &to_drop {
                if *flag {
                    flagged.insert(*l);
                }
            }
            if !to_drop.is_empty() {
                cleanups.push((b, to_drop));
            }
        }
    }

    // Drop flags: false at entry, set where the local is initialized, cleared where it is not.
    let mut flags: HashMap<Local, Local> = HashMap::new();
    for l in flagged.iter() {
        body.locals.push(LocalDecl { ty: bool_ty, name: None, mutable: true, span: Span::default() });
        flags.insert(l, Local(body.locals.len() as u32 - 1));
    }
    if !flags.is_empty() {
        insert_flag_updates(body, &flags, &tracked, bool_ty);
    }
    body.drop_flags = flags.iter().map(|(l, f)| (*l, *f)).collect();
    body.drop_flags.sort();

    // Rewrite the drops. A flagged drop moves to a block of its own (`relocated`).
    let mut relocated: HashMap<BasicBlock, BasicBlock> = HashMap::new();
    for (b, plan) in plans {
        let data = &mut body.blocks[b.index()];
        let TerminatorKind::Drop { place, target, unwind } = data.terminator.kind.clone() else { continue };
        match plan {
            Plan::Keep => {}
            Plan::Remove => data.terminator.kind = TerminatorKind::Goto { target },
            Plan::Flag => {
                let flag = flags[&place.local];
                let span = data.terminator.span;
                let drop_block = new_block(body, TerminatorKind::Drop { place, target, unwind }, span, false);
                body.blocks[b.index()].terminator.kind = switch_on(flag, drop_block, target);
                relocated.insert(b, drop_block);
            }
        }
    }

    // Cleanup chains, shared between terminators that drop the same locals.
    let mut chains: HashMap<Vec<(Local, bool)>, BasicBlock> = HashMap::new();
    for (b, to_drop) in cleanups {
        let b = relocated.get(&b).copied().unwrap_or(b);
        let unwinds = matches!(
            body.blocks[b.index()].terminator.kind,
            TerminatorKind::Call { .. } | TerminatorKind::Assert { .. } | TerminatorKind::Drop { .. }
        );
        if !unwinds {
            // A drop that elaboration removed.
            continue;
        }
        let head = match chains.get(&to_drop) {
            Some(h) => *h,
            None => {
                let h = build_chain(body, &to_drop, &flags);
                chains.insert(to_drop, h);
                h
            }
        };
        match &mut body.blocks[b.index()].terminator.kind {
            TerminatorKind::Call { unwind, .. }
            | TerminatorKind::Assert { unwind, .. }
            | TerminatorKind::Drop { unwind, .. } => *unwind = UnwindAction::Cleanup(head),
            _ => {}
        }
    }
}

fn new_block(body: &mut Body, kind: TerminatorKind, span: Span, is_cleanup: bool) -> BasicBlock {
    body.blocks.push(BasicBlockData { statements: Vec::new(), terminator: Terminator { kind, span }, is_cleanup });
    BasicBlock(body.blocks.len() as u32 - 1)
}

fn switch_on(flag: Local, if_set: BasicBlock, otherwise: BasicBlock) -> TerminatorKind {
    TerminatorKind::SwitchInt {
        discr: Operand::Copy(Place::local(flag)),
        targets: vec![(0, otherwise)],
        otherwise: if_set,
    }
}

/// Cleanup blocks dropping `to_drop` in order, then resuming the unwinding.
fn build_chain(body: &mut Body, to_drop: &[(Local, bool)], flags: &HashMap<Local, Local>) -> BasicBlock {
    let mut next = new_block(body, TerminatorKind::UnwindResume, Span::default(), true);
    for (l, flagged) in to_drop.iter().rev() {
        let drop = TerminatorKind::Drop { place: Place::local(*l), target: next, unwind: UnwindAction::Continue };
        let d = new_block(body, drop, Span::default(), true);
        next = if *flagged { new_block(body, switch_on(flags[l], d, next), Span::default(), true) } else { d };
    }
    next
}

fn set_flag(flag: Local, value: bool, bool_ty: Ty) -> Statement {
    Statement {
        kind: StatementKind::Assign(
            Place::local(flag),
            Rvalue::Use(Operand::Constant(Constant { ty: bool_ty, value: ConstValue::Scalar(value as u128) })),
        ),
        span: Span::default(),
    }
}

/// The local a statement or terminator moves out of (wholly or partly, not through a pointer).
fn moved_local(op: &Operand) -> Option<Local> {
    match op {
        Operand::Move(p) if !p.projection.contains(&PlaceElem::Deref) => Some(p.local),
        _ => None,
    }
}

fn rvalue_moves(rv: &Rvalue, f: &mut impl FnMut(Local)) {
    let mut op = |o: &Operand| {
        if let Some(l) = moved_local(o) {
            f(l)
        }
    };
    match rv {
        Rvalue::Use(o) | Rvalue::UnaryOp(_, o) | Rvalue::Cast(_, o, _) | Rvalue::Repeat(o, _) => op(o),
        Rvalue::BinaryOp(_, a, b) | Rvalue::CheckedBinaryOp(_, a, b) => {
            op(a);
            op(b);
        }
        Rvalue::Aggregate(_, ops) => ops.iter().for_each(op),
        Rvalue::Ref(..) | Rvalue::Len(_) | Rvalue::Discriminant(_) => {}
    }
}

/// Keeps each flag equal to "the local holds a value" on every path.
fn insert_flag_updates(body: &mut Body, flags: &HashMap<Local, Local>, tracked: &BitSet<Local>, bool_ty: Ty) {
    let nblocks = body.blocks.len();
    let mut call_targets: Vec<(BasicBlock, Local)> = Vec::new();
    for bi in 0..nblocks {
        let old = std::mem::take(&mut body.blocks[bi].statements);
        let mut out = Vec::with_capacity(old.len());
        for st in old {
            let mut after = Vec::new();
            match &st.kind {
                StatementKind::Assign(place, rv) => {
                    rvalue_moves(rv, &mut |l| {
                        if let Some(f) = flags.get(&l) {
                            after.push(set_flag(*f, false, bool_ty));
                        }
                    });
                    if place.projection.is_empty() {
                        if let Some(f) = flags.get(&place.local) {
                            after.push(set_flag(*f, true, bool_ty));
                        }
                    }
                }
                StatementKind::StorageDead(l) | StatementKind::StorageLive(l) => {
                    if let Some(f) = flags.get(l) {
                        after.push(set_flag(*f, false, bool_ty));
                    }
                }
                _ => {}
            }
            out.push(st);
            out.extend(after);
        }
        body.blocks[bi].statements = out;
        let term = body.blocks[bi].terminator.kind.clone();
        match &term {
            TerminatorKind::Call { args, destination, target, .. } => {
                for a in args {
                    if let Some(f) = moved_local(a).and_then(|l| flags.get(&l)) {
                        body.blocks[bi].statements.push(set_flag(*f, false, bool_ty));
                    }
                }
                if let (Some(t), true) = (target, destination.projection.is_empty()) {
                    if flags.contains_key(&destination.local) {
                        call_targets.push((*t, destination.local));
                    }
                }
            }
            TerminatorKind::Drop { place, .. } if place.projection.is_empty() && tracked.contains(place.local) => {
                // Dropped: no longer owned, whichever way the drop ends.
                if let Some(f) = flags.get(&place.local) {
                    let stmt = set_flag(*f, false, bool_ty);
                    for s in term_successors(&term) {
                        body.blocks[s.index()].statements.insert(0, stmt.clone());
                    }
                }
            }
            _ => {}
        }
    }
    for (t, l) in call_targets {
        body.blocks[t.index()].statements.insert(0, set_flag(flags[&l], true, bool_ty));
    }
    // Arguments start owned; every other local starts empty.
    let entry: Vec<Statement> =
        flags.iter().map(|(l, f)| set_flag(*f, (1..=body.arg_count).contains(&l.index()), bool_ty)).collect();
    let first = &mut body.blocks[0].statements;
    for (i, s) in entry.into_iter().enumerate() {
        first.insert(i, s);
    }
}

fn term_successors(t: &TerminatorKind) -> Vec<BasicBlock> {
    let mut out = Vec::new();
    dataflow::for_each_edge(t, |b, _| out.push(b));
    out
}

/// "Maybe initialized" (`init: true`) or "maybe uninitialized" (`init: false`) per tracked
/// local.
pub(crate) struct MaybeInit {
    pub(crate) tracked: BitSet<Local>,
    pub(crate) init: bool,
}

impl MaybeInit {
    fn make_init(&self, state: &mut BitSet<Local>, l: Local) {
        if self.tracked.contains(l) {
            if self.init {
                state.insert(l);
            } else {
                state.remove(l);
            }
        }
    }

    fn make_uninit(&self, state: &mut BitSet<Local>, l: Local) {
        if self.tracked.contains(l) {
            if self.init {
                state.remove(l);
            } else {
                state.insert(l);
            }
        }
    }
}

impl Analysis for MaybeInit {
    const DIRECTION: Direction = Direction::Forward;

    fn initialize_start_block(&self, body: &Body, state: &mut BitSet<Local>) {
        for l in self.tracked.iter() {
            let is_arg = (1..=body.arg_count).contains(&l.index());
            if is_arg == self.init {
                state.insert(l);
            }
        }
    }

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, _loc: Location) {
        match &stmt.kind {
            StatementKind::Assign(place, rv) => {
                rvalue_moves(rv, &mut |l| self.make_uninit(state, l));
                if place.projection.is_empty() {
                    self.make_init(state, place.local);
                }
            }
            StatementKind::StorageLive(l) | StatementKind::StorageDead(l) => self.make_uninit(state, *l),
            _ => {}
        }
    }

    fn apply_terminator_effect(&self, state: &mut BitSet<Local>, term: &Terminator, _loc: Location) {
        match &term.kind {
            TerminatorKind::Call { args, .. } => {
                for a in args {
                    if let Some(l) = moved_local(a) {
                        self.make_uninit(state, l);
                    }
                }
            }
            TerminatorKind::Drop { place, .. } if place.projection.is_empty() => self.make_uninit(state, place.local),
            _ => {}
        }
    }

    fn apply_call_return_effect(&self, state: &mut BitSet<Local>, destination: &Place) {
        if destination.projection.is_empty() {
            self.make_init(state, destination.local);
        }
    }
}
