//! Liveness over hand-built bodies, with exact live sets.

mod common;

use aether_middle::liveness;
use aether_middle::mir::*;
use common::*;

/// Live-before sets of every statement and terminator of block `b`, then the live-after set of
/// the terminator.
fn live_points(l: &liveness::Liveness<'_>, b: u32) -> Vec<Vec<u32>> {
    let n = l.body().blocks[b as usize].statements.len();
    let mut v: Vec<Vec<u32>> = (0..=n).map(|i| ls(&l.live_before(loc(b, i)))).collect();
    v.push(ls(&l.live_after(loc(b, n))));
    v
}

#[test]
fn straight_line() {
    // _0 = ret, _1 = arg
    let mut m = Mir::new(4, 1);
    m.block(
        vec![
            live(2),
            assign(p(2), Rvalue::BinaryOp(BinOp::Add, copy(1), m.int(1))),
            live(3),
            assign(p(3), Rvalue::Use(copy(2))),
            assign(p(0), Rvalue::Use(mv(3))),
            dead(3),
            dead(2),
        ],
        ret(),
    );
    let l = liveness::compute(&m.body);
    let expect: Vec<Vec<u32>> = vec![vec![1], vec![1], vec![2], vec![2], vec![3], vec![0], vec![0], vec![0], vec![]];
    assert_eq!(live_points(&l, 0), expect);
    assert_eq!(ls(l.entry_set(BasicBlock(0))), vec![1]);
    assert_eq!(ls(l.exit_set(BasicBlock(0))), Vec::<u32>::new());
}

#[test]
fn if_else_diamond() {
    let mut m = Mir::new(4, 1);
    m.block(vec![assign(p(2), Rvalue::Use(copy(1)))], branch(1, 1, 2));
    m.block(vec![assign(p(0), Rvalue::Use(copy(2)))], goto(3));
    m.block(vec![assign(p(3), Rvalue::Use(copy(1))), assign(p(0), Rvalue::Use(copy(3)))], goto(3));
    m.block(vec![], ret());
    let l = liveness::compute(&m.body);
    assert_eq!(ls(l.entry_set(BasicBlock(3))), vec![0]);
    assert_eq!(ls(l.entry_set(BasicBlock(1))), vec![2]);
    assert_eq!(ls(l.entry_set(BasicBlock(2))), vec![1]);
    // Both arms' needs meet at the branch; `_2` is defined just before, from `_1`.
    assert_eq!(live_points(&l, 0), vec![vec![1], vec![1, 2], vec![1, 2]]);
    assert_eq!(live_points(&l, 2), vec![vec![1], vec![3], vec![0], vec![0]]);
}

#[test]
fn loop_carries_liveness_around_the_back_edge() {
    // i = 0; acc = 0; while i < n { acc += i; i += 1 } return acc
    // _1 = n, _2 = i, _3 = acc, _4 = cond
    let mut m = Mir::new(5, 1);
    m.block(vec![m.set_const(2, 0), m.set_const(3, 0)], goto(1));
    m.block(vec![assign(p(4), Rvalue::BinaryOp(BinOp::Lt, copy(2), copy(1)))], branch(4, 2, 3));
    m.block(vec![m.add(3, 3, 2), assign(p(2), Rvalue::BinaryOp(BinOp::Add, copy(2), m.int(1)))], goto(1));
    m.block(vec![assign(p(0), Rvalue::Use(copy(3)))], ret());
    let l = liveness::compute(&m.body);
    assert_eq!(live_points(&l, 0), vec![vec![1], vec![1, 2], vec![1, 2, 3], vec![1, 2, 3]]);
    assert_eq!(live_points(&l, 1), vec![vec![1, 2, 3], vec![1, 2, 3, 4], vec![1, 2, 3]]);
    assert_eq!(live_points(&l, 2), vec![vec![1, 2, 3], vec![1, 2, 3], vec![1, 2, 3], vec![1, 2, 3]]);
    assert_eq!(live_points(&l, 3), vec![vec![3], vec![0], vec![]]);
}

#[test]
fn projections_partial_writes_pointers_and_indices() {
    // _1: pointer argument; _2: a pair; _3: an index; _4: an array.
    let mut m = Mir::new(5, 1);
    let (i64_field, idx) = (m.body.locals[0].ty, |l: u32| PlaceElem::Index(Local(l)));
    m.block(
        vec![
            // Writing through `_1` reads the pointer and does not kill it.
            assign(proj(1, vec![PlaceElem::Deref]), Rvalue::Use(m.int(5))),
            // A field write leaves the other field, which is read below.
            assign(proj(2, vec![PlaceElem::Field(0, i64_field)]), Rvalue::Use(m.int(1))),
            // An element write reads the index and keeps the array.
            assign(proj(4, vec![idx(3)]), Rvalue::Use(m.int(7))),
            assign(
                p(0),
                Rvalue::BinaryOp(
                    BinOp::Add,
                    Operand::Copy(proj(2, vec![PlaceElem::Field(1, i64_field)])),
                    Operand::Copy(proj(4, vec![idx(3)])),
                ),
            ),
        ],
        ret(),
    );
    let l = liveness::compute(&m.body);
    assert_eq!(
        live_points(&l, 0),
        vec![vec![1, 2, 3, 4], vec![2, 3, 4], vec![2, 3, 4], vec![2, 3, 4], vec![0], vec![]]
    );
}

#[test]
fn whole_write_kills_and_self_update_keeps() {
    let mut m = Mir::new(3, 1);
    m.block(
        vec![
            m.set_const(2, 1),                  // dead store: overwritten below without a read
            assign(p(2), Rvalue::Use(copy(1))), // kills _2
            m.add(2, 2, 2),                     // reads before it writes
            assign(p(0), Rvalue::Use(copy(2))),
        ],
        ret(),
    );
    let l = liveness::compute(&m.body);
    assert_eq!(live_points(&l, 0), vec![vec![1], vec![1], vec![2], vec![2], vec![0], vec![]]);
}

#[test]
fn borrow_is_a_read_but_later_use_through_the_reference_is_not() {
    // _2 = 1; _3 = &_2; _0 = copy (*_3)
    let mut m = Mir::new(4, 0);
    m.block(
        vec![
            m.set_const(2, 1),
            assign(p(3), Rvalue::Ref(Mutability::Not, p(2))),
            assign(p(0), Rvalue::Use(Operand::Copy(proj(3, vec![PlaceElem::Deref])))),
        ],
        ret(),
    );
    let l = liveness::compute(&m.body);
    assert_eq!(live_points(&l, 0), vec![vec![], vec![2], vec![3], vec![0], vec![]]);
}

/// `_2 = 1; _3 = f(_1) -> bb1 (unwind bb2); bb1: _0 = _3; bb2 (cleanup): drop(_2)`.
fn call_with_cleanup(unwind: bool, cleanup_drops: u32) -> Mir {
    let mut m = Mir::new(4, 1);
    m.block(vec![live(2), m.set_const(2, 1), live(3)], call(vec![copy(1)], 3, 1, if unwind { Some(2) } else { None }));
    m.block(vec![assign(p(0), Rvalue::Use(copy(3))), dead(3), dead(2)], ret());
    m.cleanup_block(
        vec![],
        TerminatorKind::Drop { place: p(cleanup_drops), target: BasicBlock(3), unwind: UnwindAction::Unreachable },
    );
    m.cleanup_block(vec![], TerminatorKind::UnwindResume);
    m
}

#[test]
fn unwind_edges_are_edges() {
    let m = call_with_cleanup(true, 2);
    let l = liveness::compute(&m.body);
    // `_2` is dropped on the unwind path, so it is live across the call; the destination is
    // written on the return edge only, so it is dead before the call and just after it.
    assert_eq!(live_points(&l, 0), vec![vec![1], vec![1], vec![1, 2], vec![1, 2], vec![2]]);
    assert_eq!(ls(l.entry_set(BasicBlock(1))), vec![3]);
    assert_eq!(ls(l.entry_set(BasicBlock(2))), vec![2]);
    assert_eq!(ls(l.entry_set(BasicBlock(3))), Vec::<u32>::new());

    // Without the cleanup edge nothing but the argument is live into the call.
    let m = call_with_cleanup(false, 2);
    let l = liveness::compute(&m.body);
    assert_eq!(live_points(&l, 0), vec![vec![1], vec![1], vec![1], vec![1], vec![]]);
}

#[test]
fn call_destination_is_not_written_on_the_unwind_edge() {
    // The cleanup path reads the destination's old value: nothing writes it on that path, so
    // it is live from the entry (and `_2`, which nothing reads, is not).
    let m = call_with_cleanup(true, 3);
    let l = liveness::compute(&m.body);
    assert_eq!(live_points(&l, 0), vec![vec![1, 3], vec![1, 3], vec![1, 3], vec![1, 3], vec![3]]);
    // With a cleanup edge that reads nothing, the return edge's write kills it.
    let mut m = call_with_cleanup(true, 3);
    m.body.blocks[2].terminator.kind = TerminatorKind::Goto { target: BasicBlock(3) };
    let l = liveness::compute(&m.body);
    assert_eq!(live_points(&l, 0), vec![vec![1], vec![1], vec![1], vec![1], vec![]]);
}

#[test]
fn return_reads_the_return_place_and_unreachable_blocks_are_solved() {
    let mut m = Mir::new(3, 0);
    m.block(vec![m.set_const(0, 1)], ret());
    // bb1 is unreachable; a backward analysis still gives it exact states.
    m.block(vec![assign(p(0), Rvalue::Use(copy(2)))], goto(0));
    let l = liveness::compute(&m.body);
    assert_eq!(live_points(&l, 0), vec![vec![], vec![0], vec![]]);
    assert_eq!(live_points(&l, 1), vec![vec![2], vec![], vec![]]);
}
