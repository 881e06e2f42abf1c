//! Liveness of locals: which locals hold a value that some path may still read.
//!
//! Takes a [`Body`]; produces, through the backward dataflow solver of `dataflow.rs`, the set of
//! live locals before and after every statement and terminator. A local is live at a point if
//! some path from it reads the local before overwriting it whole. Relies on the access
//! classification of [`dataflow::visit_statement`]/[`dataflow::visit_terminator`]:
//! - reads (`Copy`/`Move` operands, `Len`, `Discriminant`, borrows, drops, a pointer a place
//!   dereferences, an `Index` local, `_0` at `Return`) make a local live;
//! - only a write of the bare local (`_1 = ..`) kills it: a write to a projection (`_1.0 = ..`,
//!   `SetDiscriminant`) leaves the rest of the value, which may still be read;
//! - a `Call`'s destination is written on the return edge only, so a local live on the unwind
//!   path stays live across the call;
//! - `StorageLive`/`StorageDead` have no effect (storage is `storage.rs`'s business).
//!
//! Liveness ignores borrows after they are taken: a local read only through a reference is
//! dead once the reference is made. The "maybe borrowed" analysis of `storage.rs` covers that.

use crate::bitset::BitSet;
use crate::dataflow::{self, Access, Analysis, Direction, Results};
use crate::mir::*;

/// The liveness analysis (use [`compute`]).
pub struct MaybeLiveLocals;

/// Liveness results: block boundary states plus cursors for any point.
pub type Liveness<'a> = Results<'a, MaybeLiveLocals>;

/// Computes the liveness of every local of `body`.
pub fn compute(body: &Body) -> Liveness<'_> {
    dataflow::solve(body, MaybeLiveLocals)
}

fn gen_reads(state: &mut BitSet<Local>) -> impl FnMut(Local, Access) + '_ {
    |l, a| match a {
        Access::Read | Access::Borrow => {
            state.insert(l);
        }
        // Handled before the reads (a backward analysis kills the definition first).
        Access::Write | Access::PartialWrite => {}
    }
}

impl Analysis for MaybeLiveLocals {
    const DIRECTION: Direction = Direction::Backward;

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, _loc: Location) {
        // In program order the statement reads its operands and then writes its destination,
        // so backward the write's kill comes first: `_1 = _1 + 1` keeps `_1` live before it.
        if let StatementKind::Assign(place, _) = &stmt.kind {
            if place.projection.is_empty() {
                state.remove(place.local);
            }
        }
        dataflow::visit_statement(stmt, gen_reads(state));
    }

    fn apply_terminator_effect(&self, state: &mut BitSet<Local>, term: &Terminator, _loc: Location) {
        dataflow::visit_terminator(term, gen_reads(state));
    }

    fn apply_call_return_effect(&self, state: &mut BitSet<Local>, destination: &Place) {
        if destination.projection.is_empty() {
            state.remove(destination.local);
        }
    }
}

impl Liveness<'_> {
    /// The locals live just before the statement or terminator at `loc` (those it reads
    /// included). Costs up to the block's length; use [`Results::cursor`] to walk a block.
    pub fn live_before(&self, loc: Location) -> BitSet<Local> {
        self.state_before(loc)
    }

    /// The locals live just after the statement or terminator at `loc`. After a terminator this
    /// is the union of the successors' entries through the edges; for a `Call` that point
    /// precedes the destination's write (it happens on the return edge), so the destination is
    /// live there only if its old value may still be read (on the unwind path, or after a
    /// partial write).
    pub fn live_after(&self, loc: Location) -> BitSet<Local> {
        self.state_after(loc)
    }
}
