//! A generic dataflow framework over MIR bodies, with states that are bit sets of locals.
//!
//! Takes a [`Body`] and an [`Analysis`] (a direction, a start state, and the transfer functions of
//! statements, terminators and CFG edges); produces [`Results`]: the fixpoint state at the start
//! and end of every block, from which a [`ResultsCursor`] recomputes the state before or after any
//! statement or terminator. The join is union, so every analysis is a "may" analysis whose
//! bottom is the empty set (all analyses the coroutine transform needs are of that kind). Edges
//! are those of [`TerminatorKind::successors`], unwind edges included: a local live on the
//! cleanup path of a call is live across the call. A `Call`'s return edge gets its own
//! transfer function ([`Analysis::apply_call_return_effect`]) because the destination is written
//! only when the callee returns, not when it unwinds.
//!
//! Forward analyses visit only blocks reachable from the entry (the unreachable ones keep the
//! empty state and cannot pollute reachable ones); backward analyses visit every block.
//! The worklist starts in reverse post-order (forward) or post-order (backward), so acyclic
//! bodies converge in one pass and loops in a few.
//!
//! The end of the file holds [`visit_statement`]/[`visit_terminator`], which classify each local
//! a statement or terminator touches ([`Access`]); the analyses in `liveness.rs` and `storage.rs`
//! are written on them.

use crate::bitset::BitSet;
use crate::mir::*;

/// Which way an analysis propagates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// The kind of a CFG edge out of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// A jump, switch target, assert or drop continuation.
    Normal,
    /// A `Call`'s return to its `target` (the destination has been written).
    CallReturn,
    /// An unwind into a cleanup block.
    Unwind,
}

/// Calls `f` for each outgoing edge of a terminator, in `successors()` order.
pub fn for_each_edge(term: &TerminatorKind, mut f: impl FnMut(BasicBlock, EdgeKind)) {
    let unwind = |u: &UnwindAction, f: &mut dyn FnMut(BasicBlock, EdgeKind)| {
        if let UnwindAction::Cleanup(b) = u {
            f(*b, EdgeKind::Unwind);
        }
    };
    match term {
        TerminatorKind::Goto { target } | TerminatorKind::Yield { resume: target } => f(*target, EdgeKind::Normal),
        TerminatorKind::SwitchInt { targets, otherwise, .. } => {
            targets.iter().for_each(|(_, b)| f(*b, EdgeKind::Normal));
            f(*otherwise, EdgeKind::Normal);
        }
        TerminatorKind::Call { target, unwind: u, .. } => {
            if let Some(t) = target {
                f(*t, EdgeKind::CallReturn);
            }
            unwind(u, &mut f);
        }
        TerminatorKind::Assert { target, unwind: u, .. } | TerminatorKind::Drop { target, unwind: u, .. } => {
            f(*target, EdgeKind::Normal);
            unwind(u, &mut f);
        }
        TerminatorKind::Return | TerminatorKind::UnwindResume | TerminatorKind::Unreachable => {}
    }
}

/// A dataflow problem over bit sets of a body's locals, joined by union.
///
/// Effects are always described in program order of the MIR ("this statement kills X"); the
/// solver applies them in the analysis's direction (backward analyses apply a block's
/// terminator first, then its statements last to first).
pub trait Analysis {
    const DIRECTION: Direction;

    /// The state on entry to the body (forward analyses only; backward ones start empty at
    /// every exit).
    fn initialize_start_block(&self, _body: &Body, _state: &mut BitSet<Local>) {}

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, loc: Location);

    fn apply_terminator_effect(&self, state: &mut BitSet<Local>, term: &Terminator, loc: Location);

    /// The effect of a `Call`'s return edge, after the terminator's own effect in program
    /// order. The default does nothing.
    fn apply_call_return_effect(&self, _state: &mut BitSet<Local>, _destination: &Place) {}
}

/// The fixpoint of an analysis over one body.
pub struct Results<'a, A: Analysis> {
    body: &'a Body,
    analysis: A,
    /// Per block, the state before its first statement (program order).
    entry: Vec<BitSet<Local>>,
    /// Per block, the state after its terminator's effect (program order). For backward
    /// analyses it is the join of the successors' entries through the edges' effects; for
    /// forward analyses it precedes the edges' effects.
    exit: Vec<BitSet<Local>>,
}

/// Runs `analysis` over `body` to its fixpoint.
pub fn solve<A: Analysis>(body: &Body, analysis: A) -> Results<'_, A> {
    let n = body.blocks.len();
    let domain = body.locals.len();
    let mut results =
        Results { body, analysis, entry: vec![BitSet::new_empty(domain); n], exit: vec![BitSet::new_empty(domain); n] };
    if n == 0 {
        return results;
    }
    match A::DIRECTION {
        Direction::Forward => results.solve_forward(),
        Direction::Backward => results.solve_backward(),
    }
    results
}

/// Post-order of the blocks reachable from the entry, and which blocks are reachable.
fn postorder(body: &Body) -> (Vec<BasicBlock>, Vec<bool>) {
    let n = body.blocks.len();
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    // Iterative DFS: each stack entry is a block and the successors still to visit.
    let mut stack: Vec<(BasicBlock, Vec<BasicBlock>)> = Vec::new();
    visited[0] = true;
    stack.push((BasicBlock(0), body.successors(BasicBlock(0))));
    while let Some((b, succs)) = stack.last_mut() {
        match succs.pop() {
            Some(s) if !visited[s.index()] => {
                visited[s.index()] = true;
                let next = body.successors(s);
                stack.push((s, next));
            }
            Some(_) => {}
            None => {
                order.push(*b);
                stack.pop();
            }
        }
    }
    (order, visited)
}

fn apply_call_return<A: Analysis>(analysis: &A, state: &mut BitSet<Local>, term: &TerminatorKind) {
    if let TerminatorKind::Call { destination, .. } = term {
        analysis.apply_call_return_effect(state, destination);
    }
}

/// A FIFO of blocks without duplicates.
struct WorkQueue {
    queue: std::collections::VecDeque<BasicBlock>,
    queued: BitSet<BasicBlock>,
}

impl WorkQueue {
    fn new(n: usize, initial: impl IntoIterator<Item = BasicBlock>) -> Self {
        let mut q = WorkQueue { queue: Default::default(), queued: BitSet::new_empty(n) };
        initial.into_iter().for_each(|b| q.push(b));
        q
    }

    fn push(&mut self, b: BasicBlock) {
        if self.queued.insert(b) {
            self.queue.push_back(b);
        }
    }

    fn pop(&mut self) -> Option<BasicBlock> {
        let b = self.queue.pop_front()?;
        self.queued.remove(b);
        Some(b)
    }
}

impl<'a, A: Analysis> Results<'a, A> {
    fn solve_forward(&mut self) {
        let body = self.body;
        let (mut order, reachable) = postorder(body);
        order.reverse();
        self.analysis.initialize_start_block(body, &mut self.entry[0]);
        let mut queue = WorkQueue::new(body.blocks.len(), order);
        let mut state = BitSet::new_empty(body.locals.len());
        let mut scratch = state.clone();
        while let Some(b) = queue.pop() {
            state.clone_from(&self.entry[b.index()]);
            self.apply_block_forward(b, &mut state);
            let term = &body.block(b).terminator;
            let (analysis, entry) = (&self.analysis, &mut self.entry);
            for_each_edge(&term.kind, |succ, kind| {
                let out = if kind == EdgeKind::CallReturn {
                    scratch.clone_from(&state);
                    apply_call_return(analysis, &mut scratch, &term.kind);
                    &scratch
                } else {
                    &state
                };
                if entry[succ.index()].union(out) {
                    queue.push(succ);
                }
            });
            self.exit[b.index()].clone_from(&state);
        }
        // Unreachable blocks were never visited: give them the exit their (empty) entry implies,
        // so that `exit_set` and cursors agree everywhere.
        for (i, r) in reachable.iter().enumerate() {
            if !r {
                let b = BasicBlock(i as u32);
                state.clone_from(&self.entry[i]);
                self.apply_block_forward(b, &mut state);
                self.exit[i].clone_from(&state);
            }
        }
    }

    fn solve_backward(&mut self) {
        let body = self.body;
        let n = body.blocks.len();
        let mut preds: Vec<Vec<BasicBlock>> = vec![Vec::new(); n];
        for b in body.block_ids() {
            for_each_edge(&body.block(b).terminator.kind, |s, _| preds[s.index()].push(b));
        }
        let (order, reachable) = postorder(body);
        let unreachable = (0..n).filter(|&i| !reachable[i]).map(|i| BasicBlock(i as u32));
        let mut queue = WorkQueue::new(n, order.into_iter().chain(unreachable));
        let mut state = BitSet::new_empty(body.locals.len());
        let mut scratch = state.clone();
        while let Some(b) = queue.pop() {
            self.join_successors(b, &mut state, &mut scratch);
            self.exit[b.index()].clone_from(&state);
            self.apply_block_backward(b, &mut state);
            if self.entry[b.index()] != state {
                self.entry[b.index()].clone_from(&state);
                preds[b.index()].iter().for_each(|&p| queue.push(p));
            }
        }
    }

    /// Backward: the union of the successors' entry states, each through its edge's effect.
    fn join_successors(&self, b: BasicBlock, state: &mut BitSet<Local>, scratch: &mut BitSet<Local>) {
        state.clear();
        let term = &self.body.block(b).terminator.kind;
        for_each_edge(term, |succ, kind| {
            if kind == EdgeKind::CallReturn {
                scratch.clone_from(&self.entry[succ.index()]);
                apply_call_return(&self.analysis, scratch, term);
                state.union(scratch);
            } else {
                state.union(&self.entry[succ.index()]);
            }
        });
    }

    fn apply_block_forward(&self, b: BasicBlock, state: &mut BitSet<Local>) {
        let data = self.body.block(b);
        for (i, s) in data.statements.iter().enumerate() {
            self.analysis.apply_statement_effect(state, s, Location { block: b, statement_index: i });
        }
        let loc = Location { block: b, statement_index: data.statements.len() };
        self.analysis.apply_terminator_effect(state, &data.terminator, loc);
    }

    fn apply_block_backward(&self, b: BasicBlock, state: &mut BitSet<Local>) {
        let data = self.body.block(b);
        let loc = Location { block: b, statement_index: data.statements.len() };
        self.analysis.apply_terminator_effect(state, &data.terminator, loc);
        for (i, s) in data.statements.iter().enumerate().rev() {
            self.analysis.apply_statement_effect(state, s, Location { block: b, statement_index: i });
        }
    }

    /// Applies the effect of statement or terminator `i` of block `b` (program order).
    fn apply_item(&self, b: BasicBlock, i: usize, state: &mut BitSet<Local>) {
        let data = self.body.block(b);
        let loc = Location { block: b, statement_index: i };
        match data.statements.get(i) {
            Some(s) => self.analysis.apply_statement_effect(state, s, loc),
            None => self.analysis.apply_terminator_effect(state, &data.terminator, loc),
        }
    }

    pub fn body(&self) -> &'a Body {
        self.body
    }

    pub fn analysis(&self) -> &A {
        &self.analysis
    }

    /// The state before the first statement of `b`.
    pub fn entry_set(&self, b: BasicBlock) -> &BitSet<Local> {
        &self.entry[b.index()]
    }

    /// The state after the terminator of `b` (see the field's comment for the edge effects).
    pub fn exit_set(&self, b: BasicBlock) -> &BitSet<Local> {
        &self.exit[b.index()]
    }

    /// A cursor for querying states inside blocks.
    pub fn cursor(&self) -> ResultsCursor<'_, 'a, A> {
        ResultsCursor {
            results: self,
            state: BitSet::new_empty(self.body.locals.len()),
            block: BasicBlock(0),
            point: 0,
            valid: false,
        }
    }

    /// The state before the statement or terminator at `loc`. Costs up to a block's length;
    /// use a cursor for many queries.
    pub fn state_before(&self, loc: Location) -> BitSet<Local> {
        let mut c = self.cursor();
        c.seek_before(loc);
        c.state.clone()
    }

    /// The state after the statement or terminator at `loc`.
    pub fn state_after(&self, loc: Location) -> BitSet<Local> {
        let mut c = self.cursor();
        c.seek_after(loc);
        c.state.clone()
    }

    /// The states at every point of block `b` in program order: element `i` is the state before
    /// item `i` (statement `i`, or the terminator when `i` is the number of statements), and the
    /// last element is the state after the terminator. Linear in the block's length whatever
    /// the direction, for walks that need several analyses in step.
    pub fn block_states(&self, b: BasicBlock) -> Vec<BitSet<Local>> {
        let len = self.body.block(b).statements.len() + 1;
        let mut states = Vec::with_capacity(len + 1);
        match A::DIRECTION {
            Direction::Forward => {
                let mut s = self.entry[b.index()].clone();
                for i in 0..len {
                    states.push(s.clone());
                    self.apply_item(b, i, &mut s);
                }
                states.push(s);
            }
            Direction::Backward => {
                let mut s = self.exit[b.index()].clone();
                for i in (0..len).rev() {
                    states.push(s.clone());
                    self.apply_item(b, i, &mut s);
                }
                states.push(s);
                states.reverse();
            }
        }
        states
    }
}

/// Recomputes states inside blocks from a block's boundary state. Seeking in the analysis's
/// direction within one block is incremental (forward analyses: to later points; backward: to
/// earlier ones); any other seek restarts from the block boundary.
pub struct ResultsCursor<'r, 'a, A: Analysis> {
    results: &'r Results<'a, A>,
    state: BitSet<Local>,
    block: BasicBlock,
    /// Which point of `block` `state` describes: point `i` is before item `i`; the point after
    /// the terminator is the number of statements + 1.
    point: usize,
    valid: bool,
}

impl<A: Analysis> ResultsCursor<'_, '_, A> {
    /// Moves to the point before the statement or terminator at `loc`.
    pub fn seek_before(&mut self, loc: Location) -> &BitSet<Local> {
        self.seek(loc.block, loc.statement_index);
        &self.state
    }

    /// Moves to the point after the statement or terminator at `loc` (after a terminator: the
    /// block's exit state).
    pub fn seek_after(&mut self, loc: Location) -> &BitSet<Local> {
        self.seek(loc.block, loc.statement_index + 1);
        &self.state
    }

    /// The state at the current point.
    pub fn get(&self) -> &BitSet<Local> {
        &self.state
    }

    pub fn contains(&self, l: Local) -> bool {
        self.state.contains(l)
    }

    fn seek(&mut self, b: BasicBlock, point: usize) {
        let r = self.results;
        let last = r.body.block(b).statements.len() + 1;
        assert!(point <= last, "{b} has no statement {}", point.saturating_sub(1));
        match A::DIRECTION {
            Direction::Forward => {
                if !(self.valid && self.block == b && self.point <= point) {
                    self.state.clone_from(&r.entry[b.index()]);
                    self.point = 0;
                }
                while self.point < point {
                    r.apply_item(b, self.point, &mut self.state);
                    self.point += 1;
                }
            }
            Direction::Backward => {
                if !(self.valid && self.block == b && self.point >= point) {
                    self.state.clone_from(&r.exit[b.index()]);
                    self.point = last;
                }
                while self.point > point {
                    self.point -= 1;
                    r.apply_item(b, self.point, &mut self.state);
                }
            }
        }
        self.block = b;
        self.valid = true;
    }
}

// ---------------------------------------------------------------------------------------------
// Which locals a statement or terminator touches, and how
// ---------------------------------------------------------------------------------------------

/// How a statement or terminator touches a local.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Its value, or part of it, is read: an operand, `Len`, `Discriminant`, a dropped place, a
    /// pointer dereferenced by a place (whatever is done with the pointee), an `Index` local.
    Read,
    /// Its address is taken (`&`, `&mut`, raw pointers) by an `Rvalue::Ref` of a place that does
    /// not go through a `Deref`: the local's own bytes may be reached later through the result.
    Borrow,
    /// The whole local is overwritten (an assignment to the bare local).
    Write,
    /// Part of the local is overwritten (a field, element, discriminant); the rest survives.
    PartialWrite,
}

/// Reports the locals `place` touches when it is accessed as `access` (`Read`, `Borrow` or
/// `Write`): a place through a `Deref` reads its base local (the pointer) instead; a write to a
/// projection is partial; every `Index` local is read.
pub fn visit_place(place: &Place, access: Access, f: &mut impl FnMut(Local, Access)) {
    let through_deref = place.projection.contains(&PlaceElem::Deref);
    let base = match access {
        _ if through_deref => Access::Read,
        Access::Write | Access::PartialWrite if !place.projection.is_empty() => Access::PartialWrite,
        a => a,
    };
    f(place.local, base);
    for elem in &place.projection {
        if let PlaceElem::Index(i) = elem {
            f(*i, Access::Read);
        }
    }
}

pub fn visit_operand(op: &Operand, f: &mut impl FnMut(Local, Access)) {
    match op {
        Operand::Copy(p) | Operand::Move(p) => visit_place(p, Access::Read, f),
        Operand::Constant(_) => {}
    }
}

pub fn visit_rvalue(rv: &Rvalue, f: &mut impl FnMut(Local, Access)) {
    match rv {
        Rvalue::Use(o) | Rvalue::UnaryOp(_, o) | Rvalue::Cast(_, o, _) | Rvalue::Repeat(o, _) => visit_operand(o, f),
        Rvalue::BinaryOp(_, a, b) | Rvalue::CheckedBinaryOp(_, a, b) => {
            visit_operand(a, f);
            visit_operand(b, f);
        }
        Rvalue::Ref(_, p) => visit_place(p, Access::Borrow, f),
        Rvalue::Len(p) | Rvalue::Discriminant(p) => visit_place(p, Access::Read, f),
        Rvalue::Aggregate(_, ops) => ops.iter().for_each(|o| visit_operand(o, f)),
    }
}

/// Reports every local a statement touches: the destination first, then the operands.
/// `StorageLive`/`StorageDead` touch no bytes and report nothing.
pub fn visit_statement(stmt: &Statement, mut f: impl FnMut(Local, Access)) {
    match &stmt.kind {
        StatementKind::Assign(place, rv) => {
            visit_place(place, Access::Write, &mut f);
            visit_rvalue(rv, &mut f);
        }
        StatementKind::SetDiscriminant { place, .. } => visit_place(place, Access::PartialWrite, &mut f),
        StatementKind::StorageLive(_) | StatementKind::StorageDead(_) | StatementKind::Nop => {}
    }
}

/// Reports every local a terminator touches, except the write of a `Call`'s destination: that
/// happens on the return edge (see [`Analysis::apply_call_return_effect`]); the reads needed to
/// find the destination (a pointer it goes through, its indices) are reported, since they
/// happen before the call.
pub fn visit_terminator(term: &Terminator, mut f: impl FnMut(Local, Access)) {
    match &term.kind {
        TerminatorKind::SwitchInt { discr, .. } => visit_operand(discr, &mut f),
        TerminatorKind::Call { args, destination, .. } => {
            args.iter().for_each(|a| visit_operand(a, &mut f));
            let mut g = |l: Local, a: Access| {
                if a == Access::Read {
                    f(l, a)
                }
            };
            visit_place(destination, Access::Write, &mut g);
        }
        TerminatorKind::Assert { cond, msg, .. } => {
            visit_operand(cond, &mut f);
            if let AssertKind::BoundsCheck { len, index } = msg {
                visit_operand(len, &mut f);
                visit_operand(index, &mut f);
            }
        }
        // The caller reads the return place.
        TerminatorKind::Return => f(Local::RETURN_PLACE, Access::Read),
        TerminatorKind::Drop { place, .. } => visit_place(place, Access::Read, &mut f),
        TerminatorKind::Goto { .. }
        | TerminatorKind::Yield { .. }
        | TerminatorKind::UnwindResume
        | TerminatorKind::Unreachable => {}
    }
}
