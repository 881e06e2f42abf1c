//! The dataflow framework itself: forward edge effects, reachability, cursors.

mod common;

use aether_middle::bitset::BitSet;
use aether_middle::dataflow::{self, Access, Analysis, Direction};
use aether_middle::mir::*;
use aether_middle::{liveness, storage};
use common::*;

/// "Maybe assigned": a whole write gens; a call's destination gens on its return edge only.
struct MaybeAssigned;

impl Analysis for MaybeAssigned {
    const DIRECTION: Direction = Direction::Forward;

    fn initialize_start_block(&self, body: &Body, state: &mut BitSet<Local>) {
        body.args().for_each(|a| {
            state.insert(a);
        });
    }

    fn apply_statement_effect(&self, state: &mut BitSet<Local>, stmt: &Statement, _: Location) {
        dataflow::visit_statement(stmt, |l, a| {
            if a == Access::Write {
                state.insert(l);
            }
        });
    }

    fn apply_terminator_effect(&self, _: &mut BitSet<Local>, _: &Terminator, _: Location) {}

    fn apply_call_return_effect(&self, state: &mut BitSet<Local>, destination: &Place) {
        state.insert(destination.local);
    }
}

#[test]
fn forward_call_return_edge_and_unwind_edge() {
    let mut m = Mir::new(4, 1);
    m.block(vec![m.set_const(2, 0)], call(vec![copy(1)], 3, 1, Some(2)));
    m.block(vec![], ret());
    m.cleanup_block(vec![], TerminatorKind::UnwindResume);
    let r = dataflow::solve(&m.body, MaybeAssigned);
    assert_eq!(ls(r.entry_set(BasicBlock(0))), vec![1]);
    // The exit of the call block precedes the edges: the destination is not written yet.
    assert_eq!(ls(r.exit_set(BasicBlock(0))), vec![1, 2]);
    assert_eq!(ls(r.entry_set(BasicBlock(1))), vec![1, 2, 3]);
    assert_eq!(ls(r.entry_set(BasicBlock(2))), vec![1, 2]);
    assert_eq!(ls(&r.state_after(loc(0, 0))), vec![1, 2]);
}

#[test]
fn forward_join_over_a_loop_and_unreachable_blocks_stay_empty() {
    // bb0 -> bb1 <-> bb2, bb1 -> bb3; bb4 (unreachable) writes _4 and jumps into bb3.
    let mut m = Mir::new(6, 1);
    m.block(vec![m.set_const(2, 0)], goto(1));
    m.block(vec![], branch(1, 2, 3));
    m.block(vec![m.set_const(3, 0)], goto(1));
    m.block(vec![], ret());
    m.block(vec![m.set_const(4, 0)], goto(3));
    let r = dataflow::solve(&m.body, MaybeAssigned);
    assert_eq!(ls(r.entry_set(BasicBlock(1))), vec![1, 2, 3]);
    assert_eq!(ls(r.entry_set(BasicBlock(3))), vec![1, 2, 3]);
    assert_eq!(ls(r.entry_set(BasicBlock(4))), Vec::<u32>::new());
    assert_eq!(ls(r.exit_set(BasicBlock(4))), vec![4]);
}

fn loop_body() -> Mir {
    let mut m = Mir::new(6, 1);
    m.block(vec![live(2), m.set_const(2, 0), live(3), m.set_const(3, 0)], goto(1));
    m.block(vec![live(4), assign(p(4), Rvalue::BinaryOp(BinOp::Lt, copy(2), copy(1)))], branch(4, 2, 3));
    m.block(
        vec![dead(4), live(5), m.add(5, 3, 2), assign(p(3), Rvalue::Use(copy(5))), dead(5), m.add(2, 2, 1)],
        goto(1),
    );
    m.block(vec![dead(4), assign(p(0), Rvalue::Use(copy(3))), dead(3), dead(2)], ret());
    m
}

/// Seeks every point of every block in a scrambled order and compares with `block_states`.
fn check_cursor<A: Analysis>(r: &dataflow::Results<'_, A>) {
    let body = r.body();
    let mut c = r.cursor();
    let mut points: Vec<(u32, usize)> = Vec::new();
    for b in 0..body.blocks.len() as u32 {
        for i in 0..=body.blocks[b as usize].statements.len() + 1 {
            points.push((b, i));
        }
    }
    // A fixed permutation that goes both ways inside blocks and between them.
    let n = points.len();
    let order: Vec<usize> = (0..n).map(|k| (k * 7 + 3) % n).collect();
    assert!(!n.is_multiple_of(7));
    for k in order.into_iter().chain(0..n).chain((0..n).rev()) {
        let (b, i) = points[k];
        let expect = &r.block_states(BasicBlock(b))[i];
        let got = if i == 0 { c.seek_before(loc(b, 0)).clone() } else { c.seek_after(loc(b, i - 1)).clone() };
        assert_eq!(&got, expect, "bb{b} point {i}");
        if i <= body.blocks[b as usize].statements.len() {
            assert_eq!(&r.state_before(loc(b, i)), expect);
        }
    }
    for b in body.block_ids() {
        let states = r.block_states(b);
        assert_eq!(&states[0], r.entry_set(b));
        assert_eq!(states.last().unwrap(), r.exit_set(b));
    }
}

#[test]
fn cursors_agree_with_block_states_in_both_directions() {
    let m = loop_body();
    check_cursor(&liveness::compute(&m.body));
    check_cursor(&storage::maybe_storage_live(&m.body));
    check_cursor(&dataflow::solve(&m.body, MaybeAssigned));
}

#[test]
fn edges_follow_successors() {
    let term = call(vec![], 1, 4, Some(7));
    let mut edges = Vec::new();
    dataflow::for_each_edge(&term, |b, k| edges.push((b.0, k)));
    assert_eq!(edges, vec![(4, dataflow::EdgeKind::CallReturn), (7, dataflow::EdgeKind::Unwind)]);
    let term = TerminatorKind::Assert {
        cond: copy(1),
        expected: true,
        msg: AssertKind::DivisionByZero,
        target: BasicBlock(2),
        unwind: UnwindAction::Cleanup(BasicBlock(5)),
    };
    let mut edges = Vec::new();
    dataflow::for_each_edge(&term, |b, k| edges.push((b.0, k)));
    assert_eq!(edges, vec![(2, dataflow::EdgeKind::Normal), (5, dataflow::EdgeKind::Unwind)]);
    assert_eq!(edges.iter().map(|e| BasicBlock(e.0)).collect::<Vec<_>>(), term.successors());
}
