//! Saved locals across "suspension" points (here, calls), their conflicts, and slot sharing.

mod common;

use aether_middle::mir::*;
use aether_middle::storage;
use aether_middle::storage_conflicts::{self, LocalLayout};
use common::*;

/// _2 = _1; A: _4 = g() ; _5 = _2 + _4; [dead _4, _2]; _3 = _5; B: _6 = g(); _0 = _3 + _6.
/// With `overlap`, `_3` is written before `_2`'s last read instead.
fn two_suspensions(overlap: bool) -> Mir {
    let mut m = Mir::new(7, 1);
    m.block(vec![live(2), assign(p(2), Rvalue::Use(copy(1))), live(4)], call(vec![], 4, 1, None));
    let bb1 = if overlap {
        vec![live(3), assign(p(3), Rvalue::Use(copy(4))), m.add(5, 2, 4), dead(4), dead(2), m.add(3, 3, 5)]
    } else {
        vec![m.add(5, 2, 4), dead(4), dead(2), live(3), assign(p(3), Rvalue::Use(copy(5)))]
    };
    m.block(bb1, call(vec![], 6, 2, None));
    m.block(vec![m.add(0, 3, 6), dead(3)], ret());
    m
}

fn points(m: &Mir) -> Vec<Location> {
    (0..2).map(|b| loc(b, m.body.blocks[b as usize].statements.len())).collect()
}

fn layout(l: Local) -> LocalLayout {
    match l.0 {
        2 => LocalLayout { size: 32, align: 8 },
        3 => LocalLayout { size: 16, align: 8 },
        _ => LocalLayout { size: 8, align: 8 },
    }
}

#[test]
fn locals_never_live_together_share_a_slot() {
    let m = two_suspensions(false);
    let c = storage_conflicts::compute(&m.body, &points(&m));
    // `_2` survives A, `_3` survives B; the argument is read before A only, and the calls'
    // destinations are written by the calls, so none of those is saved.
    assert_eq!(ls(c.saved()), vec![2, 3]);
    assert!(!c.conflicts(Local(2), Local(3)));
    let a = storage_conflicts::assign_slots(&c, layout);
    assert_eq!(a.slots.len(), 1);
    assert_eq!(a.slots[0].locals, vec![Local(2), Local(3)]);
    assert_eq!((a.slots[0].offset, a.slots[0].size, a.size, a.align), (0, 32, 32, 8));
    assert_eq!(a.slot_of[2], Some(0));
    assert_eq!(a.slot_of[3], Some(0));
    assert_eq!(a.slot_of[1], None);
}

#[test]
fn overlapping_locals_get_separate_slots() {
    let m = two_suspensions(true);
    let c = storage_conflicts::compute(&m.body, &points(&m));
    assert_eq!(ls(c.saved()), vec![2, 3]);
    assert!(c.conflicts(Local(2), Local(3)) && c.conflicts(Local(3), Local(2)));
    assert_eq!(c.conflicts_of(Local(2)).collect::<Vec<_>>(), vec![Local(3)]);
    let a = storage_conflicts::assign_slots(&c, layout);
    let slots: Vec<(u64, u64, Vec<Local>)> = a.slots.iter().map(|s| (s.offset, s.size, s.locals.clone())).collect();
    assert_eq!(slots, vec![(0, 32, vec![Local(2)]), (32, 16, vec![Local(3)])]);
    assert_eq!(a.size, 48);
}

#[test]
fn a_whole_move_lets_source_and_destination_share_bytes() {
    // _2 survives A; `_3 = move _2` right after; _3 survives B. Never both needed before or
    // after a statement, and the move reads _2 before it writes _3: they may share bytes (a
    // future created earlier and moved into an await's temporary stays in place).
    let mut m = Mir::new(6, 0);
    m.block(vec![live(2), m.set_const(2, 1), live(4)], call(vec![], 4, 1, None));
    m.block(vec![live(3), assign(p(3), Rvalue::Use(mv(2))), dead(2)], call(vec![copy(4)], 5, 2, None));
    m.block(vec![m.add(0, 3, 5), dead(3), dead(4)], ret());
    let pts = points(&m);
    let req = storage::requires_storage(&m.body);
    assert_eq!(ls(&req.before(loc(1, 1))), vec![2, 4]);
    assert_eq!(ls(&req.after(loc(1, 1))), vec![3, 4]);
    let c = storage_conflicts::conflicts(&req, storage_conflicts::saved_locals(&req, &pts));
    assert_eq!(ls(c.saved()), vec![2, 3]);
    assert!(!c.conflicts(Local(2), Local(3)));
}

#[test]
fn a_move_into_a_borrowed_destination_conflicts() {
    // `_3` is borrowed before `_3 = move _2` (its bytes are in use there): no sharing.
    let mut m = Mir::new(6, 0);
    m.block(
        vec![live(2), m.set_const(2, 1), live(3), live(4), assign(p(4), Rvalue::Ref(Mutability::Mut, p(3)))],
        call(vec![], 5, 1, None),
    );
    m.block(vec![assign(p(3), Rvalue::Use(mv(2))), dead(2)], call(vec![copy(5)], 5, 2, None));
    m.block(vec![m.add(0, 3, 5), dead(4), dead(3)], ret());
    let c = storage_conflicts::conflicts(
        &storage::requires_storage(&m.body),
        storage_conflicts::saved_locals(&storage::requires_storage(&m.body), &points(&m)),
    );
    assert!(c.conflicts(Local(2), Local(3)));
}

#[test]
fn a_borrowed_local_stays_saved_and_conflicting() {
    // _2 is borrowed into _3 before A and read through _3 after B only; _4 lives across B.
    let mut m = Mir::new(7, 0);
    let deref3 = proj(3, vec![PlaceElem::Deref]);
    m.block(
        vec![live(2), m.set_const(2, 1), live(3), assign(p(3), Rvalue::Ref(Mutability::Not, p(2)))],
        call(vec![], 5, 1, None),
    );
    m.block(vec![live(4), assign(p(4), Rvalue::Use(copy(5)))], call(vec![], 6, 2, None));
    m.block(
        vec![assign(p(0), Rvalue::BinaryOp(BinOp::Add, Operand::Copy(deref3), copy(4))), dead(4), dead(3), dead(2)],
        ret(),
    );
    let c = storage_conflicts::compute(&m.body, &points(&m));
    assert_eq!(ls(c.saved()), vec![2, 3, 4]);
    assert!(c.conflicts(Local(2), Local(4)));
    assert!(c.conflicts(Local(3), Local(4)));
    assert!(c.conflicts(Local(2), Local(3)));
}

#[test]
fn liveness_through_loops_and_no_points() {
    // No points: nothing is saved.
    let m = two_suspensions(false);
    let c = storage_conflicts::compute(&m.body, &[]);
    assert!(c.saved().is_empty());
    let a = storage_conflicts::assign_slots(&c, layout);
    assert_eq!((a.slots.len(), a.size, a.align), (0, 0, 1));

    // A loop around a call: `_2`, read after the loop, and the argument `_1`, read by every
    // iteration, live across the call; `_3`, a per-iteration temporary moved into the call,
    // and the call's destination `_4`, read only after it, do not.
    let mut m = Mir::new(5, 1);
    m.block(vec![live(2), m.set_const(2, 0)], goto(1));
    m.block(vec![live(3), m.add(3, 2, 1)], call(vec![mv(3)], 4, 2, None));
    m.block(vec![dead(3)], branch(4, 1, 3));
    m.block(vec![assign(p(0), Rvalue::Use(copy(2))), dead(2)], ret());
    let c = storage_conflicts::compute(&m.body, &[loc(1, 2)]);
    assert_eq!(ls(c.saved()), vec![1, 2]);
    assert!(c.conflicts(Local(1), Local(2)));
}
