//! Storage analyses: when a local's bytes may be in use.
//!
//! Takes a [`Body`] whose non-argument locals are bracketed by `StorageLive`/`StorageDead` (as
//! `mir_build` emits them); produces three forward dataflow results and their combination:
//! - [`MaybeStorageLive`]: the local's storage may be allocated. `StorageLive` gens,
//!   `StorageDead` kills; at entry `_0`, the arguments and every local that no storage statement
//!   mentions are live (they are allocated for the whole body).
//! - [`MaybeBorrowedLocals`]: the local's address may have been taken (`Rvalue::Ref` of a place
//!   that does not go through a `Deref`) since its storage last began. Conservative: a borrow
//!   lasts until `StorageDead`, whatever happens to the reference.
//! - [`RequiresStorage`]: the local's bytes must be kept at a point, i.e. storage live AND (live
//!   OR borrowed), with liveness from `liveness.rs`. This is rustc's `MaybeRequiresStorage` idea,
//!   made sharper by using real liveness: a `Copy` local stops requiring storage after its last
//!   read, not only at `StorageDead` or a move. "During" a statement or terminator, the locals it
//!   reads or writes require storage too, so that a destination never shares bytes with an
//!   operand of the same statement.

use crate::bitset::BitSet;
use crate::dataflow::{self, Access, Analysis, Direction, Results};
use crate::liveness::{self, Liveness};
use crate::mir::*;

/// "Maybe storage live" (forward). Build with [`MaybeStorageLive::new`].
pub struct MaybeStorageLive {
    /// `_0`, the arguments, and locals without storage statements.
    always_live: BitSet<Local>,
}

impl MaybeStorageLive {
    pub fn new(body: &Body) -> MaybeStorageLive {
        let mut always_live = BitSet::new_filled(body.locals.len());
        for data in &body.blocks {
            for s in &data.statements {
                if let StatementKind::StorageLive(l) | StatementKind::StorageDead(l) = s.kind {
                    always_live.remove(l);
                }
            }
        }
        if !body.locals.is_empty() {
            always_live.insert(Local::RETURN_PLACE);
        }
        body.args().for_each(|a| {
            always_live.insert(a);
        });
        MaybeStorageLive { always_live }
    }
}

impl Analysis for MaybeStorageLive {
    const DIRECTION: Direction = Direction::Forward;

    fn initialize_start_block(&self, _body: &Body, state: &mut BitSet<Local>) {
        state.union(&self.always_live);
    }

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, _loc: Location) {
        match stmt.kind {
            StatementKind::StorageLive(l) => {
                state.insert(l);
            }
            StatementKind::StorageDead(l) => {
                state.remove(l);
            }
            _ => {}
        }
    }

    fn apply_terminator_effect(&self, _state: &mut BitSet<Local>, _term: &Terminator, _loc: Location) {}
}

/// Computes "maybe storage live" for `body`.
pub fn maybe_storage_live(body: &Body) -> Results<'_, MaybeStorageLive> {
    dataflow::solve(body, MaybeStorageLive::new(body))
}

/// "Maybe borrowed" (forward).
pub struct MaybeBorrowedLocals;

impl Analysis for MaybeBorrowedLocals {
    const DIRECTION: Direction = Direction::Forward;

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, _loc: Location) {
        if let StatementKind::StorageDead(l) = stmt.kind {
            // The storage is gone: no reference into it may be used any more.
            state.remove(l);
            return;
        }
        dataflow::visit_statement(stmt, |l, a| {
            if a == Access::Borrow {
                state.insert(l);
            }
        });
    }

    // Terminators take no addresses: operands are values, and a `Drop`'s `&mut` to the dropped
    // place does not outlive the drop (the place is read there, which liveness sees).
    fn apply_terminator_effect(&self, _state: &mut BitSet<Local>, _term: &Terminator, _loc: Location) {}
}

/// Computes "maybe borrowed" for `body`.
pub fn maybe_borrowed(body: &Body) -> Results<'_, MaybeBorrowedLocals> {
    dataflow::solve(body, MaybeBorrowedLocals)
}

/// "Requires storage": storage live AND (live OR borrowed), at every point of a body.
pub struct RequiresStorage<'a> {
    pub storage_live: Results<'a, MaybeStorageLive>,
    pub borrowed: Results<'a, MaybeBorrowedLocals>,
    pub liveness: Liveness<'a>,
}

/// What [`RequiresStorage::block`] returns for one block of `n` statements.
pub struct BlockRequirements {
    /// `points[i]`: required before item `i` (statement `i`, or the terminator for `i == n`);
    /// `points[n + 1]`: after the terminator (before a call's destination is written).
    pub points: Vec<BitSet<Local>>,
    /// `during[i]`: required while item `i` executes: before it, after it, and the locals it
    /// touches (not a call's destination: it is written after the call returns).
    pub during: Vec<BitSet<Local>>,
}

/// Runs the three analyses "requires storage" combines.
pub fn requires_storage(body: &Body) -> RequiresStorage<'_> {
    RequiresStorage {
        storage_live: maybe_storage_live(body),
        borrowed: maybe_borrowed(body),
        liveness: liveness::compute(body),
    }
}

impl<'a> RequiresStorage<'a> {
    pub fn body(&self) -> &'a Body {
        self.liveness.body()
    }

    /// The requirements at every point of block `b`, in time linear in the block's length.
    pub fn block(&self, b: BasicBlock) -> BlockRequirements {
        let body = self.body();
        let sl = self.storage_live.block_states(b);
        let bo = self.borrowed.block_states(b);
        let lv = self.liveness.block_states(b);
        let points: Vec<BitSet<Local>> = (0..sl.len())
            .map(|i| {
                let mut s = lv[i].clone();
                s.union(&bo[i]);
                s.intersect(&sl[i]);
                s
            })
            .collect();
        let data = body.block(b);
        let mut touched = BitSet::new_empty(body.locals.len());
        let during = (0..points.len() - 1)
            .map(|i| {
                touched.clear();
                let mut add = |l: Local, _: Access| {
                    touched.insert(l);
                };
                match data.statements.get(i) {
                    Some(s) => dataflow::visit_statement(s, &mut add),
                    // A call's destination is not touched while the call runs: every call reads
                    // its arguments before it returns and the returned value is stored after
                    // (C calls too: through temporaries), so an argument moved into a call may
                    // share bytes with the destination. That is how an argument moved into an
                    // awaited async fn shares its slot with the callee's frame.
                    None => dataflow::visit_terminator(&data.terminator, &mut add),
                }
                // Only locals whose storage exists around the item: a touched local outside its
                // storage is a MIR bug that this analysis should not paper over with bytes.
                let mut storage = sl[i].clone();
                storage.union(&sl[i + 1]);
                touched.intersect(&storage);
                touched.union(&points[i]);
                touched.union(&points[i + 1]);
                // `dest = move src` of whole locals: src's bytes are read before dest's are
                // written, so the two may be the same bytes (as for a call's argument and
                // destination): awaiting a future created earlier moves it into the awaited
                // temporary in place. Unless either is still needed across the move; and not
                // for a block's first statement, whose "before" no earlier item covers.
                if let Some(Statement { kind: StatementKind::Assign(dest, Rvalue::Use(Operand::Move(src))), .. }) =
                    data.statements.get(i)
                {
                    if i > 0
                        && dest.projection.is_empty()
                        && src.projection.is_empty()
                        && dest.local != src.local
                        && !points[i + 1].contains(src.local)
                        && !points[i].contains(dest.local)
                    {
                        touched.remove(src.local);
                    }
                }
                touched.clone()
            })
            .collect();
        BlockRequirements { points, during }
    }

    /// The locals whose bytes must be kept just before the statement or terminator at `loc`.
    pub fn before(&self, loc: Location) -> BitSet<Local> {
        self.block(loc.block).points.swap_remove(loc.statement_index)
    }

    /// The locals whose bytes must be kept just after the statement or terminator at `loc`.
    pub fn after(&self, loc: Location) -> BitSet<Local> {
        self.block(loc.block).points.swap_remove(loc.statement_index + 1)
    }

    /// The locals whose bytes are in use while the statement or terminator at `loc` executes.
    pub fn during(&self, loc: Location) -> BitSet<Local> {
        self.block(loc.block).during.swap_remove(loc.statement_index)
    }
}
