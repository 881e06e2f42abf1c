//! Hand-built MIR bodies for the analysis tests: every local is an `i64` (the analyses never
//! look at types), blocks are appended in order, and small constructors keep bodies readable.

#![allow(dead_code)]

use aether_frontend::hir::FnId;
use aether_frontend::span::Span;
use aether_frontend::ty::{Ty, TyInterner};
use aether_middle::bitset::BitSet;
use aether_middle::mir::*;

pub struct Mir {
    pub body: Body,
    i64: Ty,
}

impl Mir {
    /// A body with `locals` locals (`_0` included), the first `args` after `_0` being arguments.
    pub fn new(locals: usize, args: usize) -> Mir {
        let (_, common) = TyInterner::new();
        let decl = LocalDecl { ty: common.i64, name: None, mutable: true, span: Span::default() };
        let body = Body {
            fn_id: FnId(0),
            locals: vec![decl; locals],
            arg_count: args,
            blocks: Vec::new(),
            span: Span::default(),
            drop_flags: Vec::new(),
        };
        Mir { body, i64: common.i64 }
    }

    pub fn block(&mut self, stmts: Vec<StatementKind>, term: TerminatorKind) -> BasicBlock {
        self.push(stmts, term, false)
    }

    pub fn cleanup_block(&mut self, stmts: Vec<StatementKind>, term: TerminatorKind) -> BasicBlock {
        self.push(stmts, term, true)
    }

    fn push(&mut self, stmts: Vec<StatementKind>, term: TerminatorKind, is_cleanup: bool) -> BasicBlock {
        let statements = stmts.into_iter().map(|kind| Statement { kind, span: Span::default() }).collect();
        let terminator = Terminator { kind: term, span: Span::default() };
        self.body.blocks.push(BasicBlockData { statements, terminator, is_cleanup });
        BasicBlock(self.body.blocks.len() as u32 - 1)
    }

    pub fn int(&self, v: u128) -> Operand {
        Operand::Constant(Constant { ty: self.i64, value: ConstValue::Scalar(v) })
    }

    /// `_l = const v`
    pub fn set_const(&self, l: u32, v: u128) -> StatementKind {
        assign(p(l), Rvalue::Use(self.int(v)))
    }

    /// `_dst = copy _a + copy _b`
    pub fn add(&self, dst: u32, a: u32, b: u32) -> StatementKind {
        assign(p(dst), Rvalue::BinaryOp(BinOp::Add, copy(a), copy(b)))
    }
}

pub fn p(l: u32) -> Place {
    Place::local(Local(l))
}

pub fn proj(l: u32, projection: Vec<PlaceElem>) -> Place {
    Place { local: Local(l), projection }
}

pub fn copy(l: u32) -> Operand {
    Operand::Copy(p(l))
}

pub fn mv(l: u32) -> Operand {
    Operand::Move(p(l))
}

pub fn assign(place: Place, rv: Rvalue) -> StatementKind {
    StatementKind::Assign(place, rv)
}

pub fn live(l: u32) -> StatementKind {
    StatementKind::StorageLive(Local(l))
}

pub fn dead(l: u32) -> StatementKind {
    StatementKind::StorageDead(Local(l))
}

pub fn goto(b: u32) -> TerminatorKind {
    TerminatorKind::Goto { target: BasicBlock(b) }
}

/// Branches on `_l`: to `then` unless it is 0, else to `else_`.
pub fn branch(l: u32, then: u32, else_: u32) -> TerminatorKind {
    TerminatorKind::SwitchInt { discr: copy(l), targets: vec![(0, BasicBlock(else_))], otherwise: BasicBlock(then) }
}

/// `_dest = f(args) -> target`, unwinding to `cleanup` if given.
pub fn call(args: Vec<Operand>, dest: u32, target: u32, cleanup: Option<u32>) -> TerminatorKind {
    TerminatorKind::Call {
        callee: Callee::Fn(FnId(1)),
        args,
        destination: p(dest),
        target: Some(BasicBlock(target)),
        unwind: cleanup.map_or(UnwindAction::Continue, |b| UnwindAction::Cleanup(BasicBlock(b))),
    }
}

pub fn ret() -> TerminatorKind {
    TerminatorKind::Return
}

pub fn loc(block: u32, statement_index: usize) -> Location {
    Location { block: BasicBlock(block), statement_index }
}

/// The elements of a set of locals, as numbers.
pub fn ls(s: &BitSet<Local>) -> Vec<u32> {
    s.iter().map(|l| l.0).collect()
}
