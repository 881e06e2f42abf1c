//! Saved locals, their storage conflicts, and slot sharing: what makes locals that are never
//! live together share bytes in a coroutine frame.
//!
//! Takes a body's [`RequiresStorage`] results and a list of program points (in the coroutine
//! transform, the suspension terminators). Produces:
//! - the saved locals: those whose bytes must survive some point, i.e. required both just
//!   before and just after it (a local only read by the point, or only written by it, such as
//!   an awaited call's destination, need not be kept across);
//! - [`StorageConflicts`]: two saved locals conflict if, at some point of the body (before,
//!   during or after any statement or terminator), both require storage;
//! - [`assign_slots`]: a packing of the saved locals into slots, where the locals of one slot
//!   pairwise do not conflict and so may share bytes, chosen greedily to keep the total small,
//!   with slot offsets (the saved-locals region of a frame).

use crate::bitset::{BitMatrix, BitSet};
use crate::mir::*;
use crate::storage::{self, RequiresStorage};

/// Saved locals and which of them may not share bytes.
#[derive(Debug)]
pub struct StorageConflicts {
    saved: BitSet<Local>,
    /// Symmetric; the diagonal is set for saved locals that require storage anywhere.
    matrix: BitMatrix<Local, Local>,
}

impl StorageConflicts {
    pub fn saved(&self) -> &BitSet<Local> {
        &self.saved
    }

    /// Whether `a` and `b` (distinct saved locals) require storage at a common point.
    pub fn conflicts(&self, a: Local, b: Local) -> bool {
        self.matrix.contains(a, b)
    }

    /// Makes `l` conflict with every other saved local (it gets bytes of its own).
    pub fn conflict_with_all(&mut self, l: Local) {
        let others: Vec<Local> = self.saved.iter().filter(|o| *o != l).collect();
        for o in others {
            self.matrix.insert(l, o);
            self.matrix.insert(o, l);
        }
    }

    /// The saved locals that conflict with `l` (other than `l`).
    pub fn conflicts_of(&self, l: Local) -> impl Iterator<Item = Local> + '_ {
        self.matrix.iter_row(l).filter(move |&o| o != l)
    }
}

/// The locals whose bytes must be kept across some point of `points`.
pub fn saved_locals(req: &RequiresStorage<'_>, points: &[Location]) -> BitSet<Local> {
    let mut saved = BitSet::new_empty(req.body().locals.len());
    let mut sorted = points.to_vec();
    sorted.sort();
    sorted.dedup();
    // One pass over each block that holds points.
    let mut i = 0;
    while i < sorted.len() {
        let b = sorted[i].block;
        let reqs = req.block(b);
        while i < sorted.len() && sorted[i].block == b {
            let k = sorted[i].statement_index;
            let mut across = reqs.points[k].clone();
            across.intersect(&reqs.points[k + 1]);
            saved.union(&across);
            i += 1;
        }
    }
    saved
}

/// Runs the storage analyses over `body` and computes the conflicts of the locals saved across
/// `points`.
pub fn compute(body: &Body, points: &[Location]) -> StorageConflicts {
    let req = storage::requires_storage(body);
    let saved = saved_locals(&req, points);
    conflicts(&req, saved)
}

/// The conflicts among `saved`: the pairs that require storage during a common statement or
/// terminator. Every state is the "during" set of some item (a block's entry precedes its first
/// item, its exit follows the terminator), so these are all the points of the body.
pub fn conflicts(req: &RequiresStorage<'_>, saved: BitSet<Local>) -> StorageConflicts {
    let body = req.body();
    let n = body.locals.len();
    let mut matrix = BitMatrix::new(n, n);
    let mut eligible = BitSet::new_empty(n);
    let mut previous = BitSet::new_empty(n);
    for b in body.block_ids() {
        for during in req.block(b).during {
            eligible.clone_from(&during);
            eligible.intersect(&saved);
            // Consecutive items mostly need the same set; it has been recorded already.
            if eligible == previous {
                continue;
            }
            for l in eligible.iter() {
                matrix.union_row_with(&eligible, l);
            }
            previous.clone_from(&eligible);
        }
    }
    StorageConflicts { saved, matrix }
}

/// A local's size and alignment in bytes (alignment a power of two; size a multiple of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalLayout {
    pub size: u64,
    pub align: u64,
}

/// Bytes shared by pairwise non-conflicting locals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// From the start of the saved-locals region; a multiple of `align`.
    pub offset: u64,
    /// The largest member's size, rounded up to `align`.
    pub size: u64,
    /// The largest member's alignment.
    pub align: u64,
    /// In increasing order.
    pub locals: Vec<Local>,
}

/// Where each saved local lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotAssignment {
    /// In increasing offset order.
    pub slots: Vec<Slot>,
    /// Per local of the body: the index in `slots` of its slot, `None` if it is not saved.
    pub slot_of: Vec<Option<usize>>,
    /// The region's size: the end of the last slot, rounded up to `align`.
    pub size: u64,
    /// The largest slot alignment (1 when there are no slots).
    pub align: u64,
}

fn round_up(x: u64, align: u64) -> u64 {
    x.div_ceil(align) * align
}

/// Packs the saved locals into slots: locals of one slot pairwise do not conflict.
///
/// Greedy, largest first (then most aligned, then lowest local): each local joins the slot that
/// grows least by taking it, among those with no member it conflicts with, preferring the
/// tightest fit on ties and opening a new slot only when every slot would grow by more than the
/// local's own size (i.e. when it conflicts with all of them). Taking the large locals first
/// means later ones mostly fit in existing slots for free. Slots are then laid out by
/// decreasing alignment, which needs no padding between them.
pub fn assign_slots(conflicts: &StorageConflicts, mut layout: impl FnMut(Local) -> LocalLayout) -> SlotAssignment {
    struct Building {
        size: u64,
        align: u64,
        members: BitSet<Local>,
    }
    let n = conflicts.saved.domain_size();
    let mut locals: Vec<(Local, LocalLayout)> = conflicts.saved.iter().map(|l| (l, layout(l))).collect();
    for (l, lay) in &locals {
        assert!(lay.align.is_power_of_two(), "alignment of {l} is {}, not a power of two", lay.align);
    }
    locals.sort_by(|(la, a), (lb, b)| b.size.cmp(&a.size).then(b.align.cmp(&a.align)).then(la.cmp(lb)));
    let mut slots: Vec<Building> = Vec::new();
    for (l, lay) in locals {
        let own = round_up(lay.size, lay.align);
        let mut best: Option<(u64, u64, usize)> = None; // (growth, resulting size, slot)
        for (i, s) in slots.iter().enumerate() {
            if conflicts.matrix.row_intersects(l, &s.members) {
                continue;
            }
            let size = round_up(s.size.max(lay.size), s.align.max(lay.align));
            let key = (size - s.size, size, i);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        match best {
            Some((growth, size, i)) if growth <= own => {
                let s = &mut slots[i];
                s.size = size;
                s.align = s.align.max(lay.align);
                s.members.insert(l);
            }
            _ => slots.push(Building { size: own, align: lay.align, members: BitSet::from_elems(n, [l]) }),
        }
    }
    // Decreasing alignment: every offset stays a multiple of every later slot's alignment.
    // Ties keep creation order (largest first).
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by(|&a, &b| slots[b].align.cmp(&slots[a].align).then(a.cmp(&b)));
    let mut result = SlotAssignment { slots: Vec::new(), slot_of: vec![None; n], size: 0, align: 1 };
    for i in order {
        let s = &slots[i];
        let offset = round_up(result.size, s.align);
        let index = result.slots.len();
        for l in s.members.iter() {
            result.slot_of[l.index()] = Some(index);
        }
        result.slots.push(Slot { offset, size: s.size, align: s.align, locals: s.members.iter().collect() });
        result.size = offset + s.size;
        result.align = result.align.max(s.align);
    }
    result.size = round_up(result.size, result.align);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Conflicts among `n` locals, all saved, from a list of pairs.
    fn conflicts_from(n: usize, pairs: &[(u32, u32)]) -> StorageConflicts {
        let mut matrix = BitMatrix::new(n, n);
        for &(a, b) in pairs {
            matrix.insert(Local(a), Local(b));
            matrix.insert(Local(b), Local(a));
        }
        StorageConflicts { saved: BitSet::new_filled(n), matrix }
    }

    fn lay(size: u64, align: u64) -> LocalLayout {
        LocalLayout { size, align }
    }

    fn summary(a: &SlotAssignment) -> Vec<(u64, u64, u64, Vec<u32>)> {
        a.slots.iter().map(|s| (s.offset, s.size, s.align, s.locals.iter().map(|l| l.0).collect())).collect()
    }

    #[test]
    fn largest_first_and_tightest_fit() {
        // 0: 24/8, 1: 4/4 conflicts with 0 and 2, 2: 16/8, 3: 16/8 conflicts with 2.
        let c = conflicts_from(4, &[(0, 1), (1, 2), (2, 3)]);
        let layouts = [lay(24, 8), lay(4, 4), lay(16, 8), lay(16, 8)];
        let a = assign_slots(&c, |l| layouts[l.index()]);
        // 0 opens slot A; 2 joins A for free; 3 conflicts with 2 and opens slot B (16); 1
        // conflicts with A's members but fits in B for free.
        assert_eq!(summary(&a), vec![(0, 24, 8, vec![0, 2]), (24, 16, 8, vec![1, 3])]);
        assert_eq!((a.size, a.align), (40, 8));
        assert_eq!(a.slot_of, vec![Some(0), Some(1), Some(0), Some(1)]);
    }

    #[test]
    fn alignment_growth_and_decreasing_alignment_layout() {
        // 0: 3 bytes align 1 and 1: 2 bytes align 2 share a slot of 4 bytes (rounded to 2);
        // 2: 1 byte conflicts with both; 3: 8/8 conflicts with everyone.
        let c = conflicts_from(4, &[(0, 2), (1, 2), (3, 0), (3, 1), (3, 2)]);
        let layouts = [lay(3, 1), lay(2, 2), lay(1, 1), lay(8, 8)];
        let a = assign_slots(&c, |l| layouts[l.index()]);
        assert_eq!(summary(&a), vec![(0, 8, 8, vec![3]), (8, 4, 2, vec![0, 1]), (12, 1, 1, vec![2])]);
        assert_eq!((a.size, a.align), (16, 8));
    }

    #[test]
    fn zero_sized_locals_do_not_force_padding() {
        // 0: 8/8; 1 and 2: 9 bytes, align 1; 3: zero-sized, align 8, conflicting with 0 only.
        // Joining 1's or 2's slot would round it up to 16 bytes: 3 gets an empty slot instead.
        let c = conflicts_from(4, &[(0, 1), (0, 2), (1, 2), (3, 0)]);
        let layouts = [lay(8, 8), lay(9, 1), lay(9, 1), lay(0, 8)];
        let a = assign_slots(&c, |l| layouts[l.index()]);
        assert_eq!(summary(&a), vec![(0, 8, 8, vec![0]), (8, 0, 8, vec![3]), (8, 9, 1, vec![1]), (17, 9, 1, vec![2])]);
        assert_eq!(a.size, 32);
    }

    #[test]
    fn no_two_conflicting_locals_share_a_slot_in_a_dense_graph() {
        // A cycle of 7 (odd: needs 3 colours) with varied sizes.
        let pairs: Vec<(u32, u32)> = (0..7).map(|i| (i, (i + 1) % 7)).collect();
        let c = conflicts_from(7, &pairs);
        let a = assign_slots(&c, |l| lay(8 * (1 + l.index() as u64 % 3), 8));
        for s in &a.slots {
            for (i, &x) in s.locals.iter().enumerate() {
                for &y in &s.locals[i + 1..] {
                    assert!(!c.conflicts(x, y), "{x} and {y} share a slot");
                }
            }
        }
        assert_eq!(a.slots.iter().map(|s| s.locals.len()).sum::<usize>(), 7);
        assert_eq!(a.slots.len(), 3);
    }
}
