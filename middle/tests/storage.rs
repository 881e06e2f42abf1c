//! Maybe-storage-live, maybe-borrowed and requires-storage over hand-built bodies.

mod common;

use aether_middle::mir::*;
use aether_middle::storage;
use common::*;

#[test]
fn storage_live_follows_storage_statements_on_every_path() {
    // _1 argument; _2 storage-live on one arm only; _3 never mentioned by a storage statement.
    let mut m = Mir::new(4, 1);
    m.block(vec![], branch(1, 1, 2));
    m.block(vec![live(2), m.set_const(2, 1)], goto(3));
    m.block(vec![], goto(3));
    m.block(vec![dead(2), assign(p(0), Rvalue::Use(copy(3)))], ret());
    let r = storage::maybe_storage_live(&m.body);
    assert_eq!(ls(r.entry_set(BasicBlock(0))), vec![0, 1, 3]);
    assert_eq!(ls(&r.state_after(loc(1, 0))), vec![0, 1, 2, 3]);
    assert_eq!(ls(r.entry_set(BasicBlock(2))), vec![0, 1, 3]);
    // "Maybe": live on entry to the join because one predecessor made it live.
    assert_eq!(ls(r.entry_set(BasicBlock(3))), vec![0, 1, 2, 3]);
    assert_eq!(ls(&r.state_after(loc(3, 0))), vec![0, 1, 3]);
}

/// _2 = 1; _3 = &_2; _4 = copy *_3; _5 = &*_3 (a reborrow: borrows nothing of _3);
/// bb1: _0 = copy *_5; StorageDead(_2).
fn borrow_body() -> Mir {
    let mut m = Mir::new(6, 0);
    let deref = |l| proj(l, vec![PlaceElem::Deref]);
    m.block(
        vec![
            live(2),
            m.set_const(2, 1),
            live(3),
            assign(p(3), Rvalue::Ref(Mutability::Not, p(2))),
            live(4),
            assign(p(4), Rvalue::Use(Operand::Copy(deref(3)))),
            live(5),
            assign(p(5), Rvalue::Ref(Mutability::Not, deref(3))),
            dead(4),
            dead(3),
        ],
        goto(1),
    );
    m.block(vec![assign(p(0), Rvalue::Use(Operand::Copy(deref(5)))), dead(5), dead(2)], ret());
    m
}

#[test]
fn borrow_lasts_until_storage_dead() {
    let m = borrow_body();
    let r = storage::maybe_borrowed(&m.body);
    assert_eq!(ls(&r.state_before(loc(0, 3))), Vec::<u32>::new());
    assert_eq!(ls(&r.state_after(loc(0, 3))), vec![2]);
    // The reborrow through `_3` borrows `_3`'s pointee, not `_3`; the death of the reference
    // does not end the borrow (conservative).
    assert_eq!(ls(r.entry_set(BasicBlock(1))), vec![2]);
    assert_eq!(ls(&r.state_before(loc(1, 2))), vec![2]);
    assert_eq!(ls(&r.state_after(loc(1, 2))), Vec::<u32>::new());
}

#[test]
fn a_borrow_keeps_a_local_requiring_storage_after_its_last_direct_use() {
    let m = borrow_body();
    let req = storage::requires_storage(&m.body);
    // Liveness alone lets `_2` die at the borrow...
    assert!(!req.liveness.entry_set(BasicBlock(1)).contains(Local(2)));
    // ...but its bytes are still reachable through `_5`.
    let b1 = req.block(BasicBlock(1));
    assert_eq!(b1.points.iter().map(ls).collect::<Vec<_>>(), vec![vec![2, 5], vec![0, 2], vec![0, 2], vec![0], vec![]]);
    let b0 = req.block(BasicBlock(0));
    assert_eq!(
        b0.points.iter().map(ls).collect::<Vec<_>>(),
        vec![
            vec![],     // StorageLive(_2)
            vec![],     // _2 = 1
            vec![2],    // StorageLive(_3)
            vec![2],    // _3 = &_2
            vec![2, 3], // StorageLive(_4)
            vec![2, 3], // _4 = copy *_3 (`_4` is never read)
            vec![2, 3], // StorageLive(_5)
            vec![2, 3], // _5 = &*_3
            vec![2, 5], // StorageDead(_4)
            vec![2, 5], // StorageDead(_3)
            vec![2, 5], // goto
            vec![2, 5], // after
        ]
    );
    // A dead store still needs its destination's bytes while it executes.
    assert_eq!(ls(&b0.during[5]), vec![2, 3, 4]);
    assert_eq!(ls(&req.during(loc(0, 5))), vec![2, 3, 4]);
    assert_eq!(ls(&req.before(loc(1, 1))), vec![0, 2]);
    assert_eq!(ls(&req.after(loc(1, 1))), vec![0, 2]);
}

#[test]
fn copies_stop_requiring_storage_at_the_last_read_and_whole_moves_share_their_destination() {
    // _2 = 1; _3 = copy _2; _4 = move _3; _0 = copy _4 — all storage-live to the end.
    let mut m = Mir::new(5, 0);
    m.block(
        vec![
            live(2),
            live(3),
            live(4),
            m.set_const(2, 1),
            assign(p(3), Rvalue::Use(copy(2))),
            assign(p(4), Rvalue::Use(mv(3))),
            assign(p(0), Rvalue::Use(copy(4))),
            dead(4),
            dead(3),
            dead(2),
        ],
        ret(),
    );
    let req = storage::requires_storage(&m.body);
    let b = req.block(BasicBlock(0));
    let during: Vec<Vec<u32>> = b.during.iter().map(ls).collect();
    assert_eq!(during[3], vec![2]);
    assert_eq!(during[4], vec![2, 3]);
    // `_4 = move _3` reads _3 before writing _4: the two need not be apart.
    assert_eq!(during[5], vec![4]);
    assert_eq!(during[6], vec![0, 4]);
    assert_eq!(ls(&b.points[5]), vec![3]);
    assert_eq!(ls(&b.points[10]), vec![0]);
}

#[test]
fn call_destination_requires_storage_only_from_the_return_edge() {
    let mut m = Mir::new(4, 1);
    m.block(vec![live(2), m.set_const(2, 1), live(3)], call(vec![copy(1)], 3, 1, None));
    m.block(vec![assign(p(0), Rvalue::BinaryOp(BinOp::Add, copy(2), copy(3))), dead(3), dead(2)], ret());
    let req = storage::requires_storage(&m.body);
    let b = req.block(BasicBlock(0));
    assert_eq!(ls(&b.points[3]), vec![1, 2]);
    // The destination is written after the call returns: an argument moved into the call may
    // share its bytes (construction in place).
    assert_eq!(ls(&b.during[3]), vec![1, 2]);
    // After the call (before the return edge writes it) only `_2` holds a needed value.
    assert_eq!(ls(&b.points[4]), vec![2]);
    assert_eq!(ls(req.storage_live.entry_set(BasicBlock(1))), vec![0, 1, 2, 3]);
    assert_eq!(ls(&req.before(loc(1, 0))), vec![2, 3]);
}
