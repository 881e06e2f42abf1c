//! MIR building: typed HIR bodies to MIR control-flow graphs.
//!
//! Takes a checked [`hir::Crate`] (no errors, every type resolved) and produces one [`Body`] per
//! function. Expressions are lowered "into a destination place" (`expr_into`) or "as an operand"
//! (`as_operand`), as rustc does. Invariants the output keeps: every non-argument local has
//! `StorageLive` before its first use and `StorageDead` on every path out of its scope (including
//! `break`, `continue` and `return`); temporaries die at the end of their statement; arithmetic
//! checks (overflow when `overflow_checks`, division by zero always) are explicit `Assert`s.

use aether_frontend::hir::{self, ExprKind, Literal, LoopId};
use aether_frontend::span::Span;
use aether_frontend::ty::{FloatTy, Mutability, Ty, TyKind};

use crate::mir::*;

/// Options that change the MIR produced.
#[derive(Clone, Copy, Debug)]
pub struct BuildOptions {
    /// Check `+ - *`, `-x` and shifts for overflow (Rust's debug-assertions behaviour).
    pub overflow_checks: bool,
}

/// Builds the MIR of every function of the crate.
pub fn build_program(krate: &hir::Crate, opts: BuildOptions) -> Program {
    let bodies = krate
        .fns
        .iter()
        .enumerate()
        .map(|(i, f)| f.body.as_ref().map(|b| Builder::new(krate, hir::FnId(i as u32), f, b, opts).build(b)))
        .collect();
    Program { bodies }
}

struct LoopScope {
    id: LoopId,
    /// Where `break` goes.
    exit: BasicBlock,
    /// Where `continue` goes.
    head: BasicBlock,
    /// Where a `break value` writes.
    dest: Place,
    /// The scope depth outside the loop: `break`/`continue` end the scopes above it.
    scope_depth: usize,
    /// The temporaries live outside the loop: `break`/`continue` end the ones above it.
    temp_depth: usize,
}

struct Builder<'a> {
    krate: &'a hir::Crate,
    opts: BuildOptions,
    body: Body,
    /// The block being filled; `None` after a diverging expression (code there is unreachable).
    cur: Option<BasicBlock>,
    /// HIR local to MIR local.
    local_map: Vec<Local>,
    /// Locals declared in each open lexical scope, innermost last.
    scopes: Vec<Vec<Local>>,
    /// Live temporaries, oldest first. A statement (or loop body) remembers the length at its
    /// start and kills what was added since when it ends.
    temps: Vec<Local>,
    loops: Vec<LoopScope>,
    return_block: BasicBlock,
}

impl<'a> Builder<'a> {
    fn new(krate: &'a hir::Crate, fn_id: hir::FnId, f: &hir::FnDef, b: &hir::Body, opts: BuildOptions) -> Builder<'a> {
        let mut locals = vec![LocalDecl { ty: f.ret, name: None, mutable: true, span: f.span }];
        for &p in &b.params {
            let d = b.local(p);
            locals.push(LocalDecl { ty: d.ty, name: Some(d.name.clone()), mutable: d.mutable, span: d.span });
        }
        let body = Body { fn_id, locals, arg_count: b.params.len(), blocks: Vec::new(), span: f.span };
        let mut local_map = vec![Local(u32::MAX); b.locals.len()];
        for (i, &p) in b.params.iter().enumerate() {
            local_map[p.index()] = Local(i as u32 + 1);
        }
        let mut builder = Builder {
            krate,
            opts,
            body,
            cur: None,
            local_map,
            scopes: vec![Vec::new()],
            temps: Vec::new(),
            loops: Vec::new(),
            return_block: BasicBlock(0),
        };
        let entry = builder.new_block();
        builder.return_block = builder.new_block();
        builder.cur = Some(entry);
        builder
    }

    fn build(mut self, b: &hir::Body) -> Body {
        let span = b.value.span;
        self.expr_into(Place::return_place(), &b.value);
        self.end_statement(0, span);
        self.end_scope_storage(0);
        self.goto(self.return_block, span);
        self.set_terminator(self.return_block, TerminatorKind::Return, span);
        self.remove_unreachable_blocks();
        self.body
    }

    // -----------------------------------------------------------------------------------------
    // Blocks, statements, locals
    // -----------------------------------------------------------------------------------------

    fn new_block(&mut self) -> BasicBlock {
        self.body.blocks.push(BasicBlockData {
            statements: Vec::new(),
            terminator: Terminator { kind: TerminatorKind::Unreachable, span: Span::default() },
            is_cleanup: false,
        });
        BasicBlock(self.body.blocks.len() as u32 - 1)
    }

    fn push(&mut self, kind: StatementKind, span: Span) {
        if let Some(b) = self.cur {
            self.body.blocks[b.index()].statements.push(Statement { kind, span });
        }
    }

    fn assign(&mut self, place: Place, rv: Rvalue, span: Span) {
        self.push(StatementKind::Assign(place, rv), span);
    }

    fn set_terminator(&mut self, b: BasicBlock, kind: TerminatorKind, span: Span) {
        self.body.blocks[b.index()].terminator = Terminator { kind, span };
    }

    /// Ends the current block with `kind`; code after it is unreachable until a new block starts.
    fn terminate(&mut self, kind: TerminatorKind, span: Span) {
        if let Some(b) = self.cur.take() {
            self.set_terminator(b, kind, span);
        }
    }

    fn goto(&mut self, target: BasicBlock, span: Span) {
        self.terminate(TerminatorKind::Goto { target }, span);
    }

    fn new_temp(&mut self, ty: Ty, span: Span) -> Local {
        self.body.locals.push(LocalDecl { ty, name: None, mutable: true, span });
        let l = Local(self.body.locals.len() as u32 - 1);
        self.push(StatementKind::StorageLive(l), span);
        self.temps.push(l);
        l
    }

    /// Ends the storage of the temporaries created since `depth` (a statement's start).
    fn end_statement(&mut self, depth: usize, span: Span) {
        for t in self.temps.split_off(depth).into_iter().rev() {
            self.push(StatementKind::StorageDead(t), span);
        }
    }

    /// Emits `StorageDead` for every local of scopes at depth >= `depth` (innermost first),
    /// without closing the scopes: used on the paths that leave them early.
    fn end_scope_storage(&mut self, depth: usize) {
        let dead: Vec<Local> = self.scopes[depth..].iter().rev().flat_map(|s| s.iter().rev().copied()).collect();
        for l in dead {
            self.push(StatementKind::StorageDead(l), Span::default());
        }
    }

    fn is_zst(&self, ty: Ty) -> bool {
        match self.krate.tys.kind(ty) {
            TyKind::Tuple(v) => v.iter().all(|t| self.is_zst(*t)),
            TyKind::Never => true,
            _ => false,
        }
    }

    fn unit_const(&self) -> Operand {
        Operand::Constant(Constant { ty: self.krate.common.unit, value: ConstValue::ZeroSized })
    }

    fn const_int(&self, ty: Ty, v: u128) -> Operand {
        Operand::Constant(Constant { ty, value: ConstValue::Scalar(v) })
    }

    // -----------------------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------------------

    /// Evaluates `e` as an operand (a constant, a copy of a local, or a fresh temporary).
    fn as_operand(&mut self, e: &hir::Expr) -> Operand {
        match &e.kind {
            ExprKind::Lit(lit) => self.lit_operand(lit, e.ty),
            ExprKind::Local(id) => Operand::Copy(Place::local(self.local_map[id.index()])),
            _ => {
                let t = self.new_temp(e.ty, e.span);
                self.expr_into(Place::local(t), e);
                Operand::Move(Place::local(t))
            }
        }
    }

    fn lit_operand(&self, lit: &Literal, ty: Ty) -> Operand {
        let value = match lit {
            Literal::Int(v) => ConstValue::Scalar(*v),
            Literal::Float(f) => ConstValue::Float(*f),
            Literal::Bool(b) => ConstValue::Scalar(*b as u128),
            Literal::Char(c) => ConstValue::Scalar(*c as u128),
            Literal::Str(s) => ConstValue::Str(s.clone()),
            Literal::Unit => ConstValue::ZeroSized,
        };
        Operand::Constant(Constant { ty, value })
    }

    /// Evaluates `e` and stores its value in `dest`.
    fn expr_into(&mut self, dest: Place, e: &hir::Expr) {
        let span = e.span;
        match &e.kind {
            ExprKind::Lit(_) | ExprKind::Local(_) => {
                let op = self.as_operand(e);
                self.assign(dest, Rvalue::Use(op), span);
            }
            ExprKind::Block(b) => self.block_into(dest, b, span),
            ExprKind::Call { callee, args } => {
                let args: Vec<Operand> = args.iter().map(|a| self.as_operand(a)).collect();
                let diverges = *self.krate.tys.kind(self.krate.fn_def(*callee).ret) == TyKind::Never;
                self.call(Callee::Fn(*callee), args, dest, diverges, span);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.as_operand(lhs);
                let r = self.as_operand(rhs);
                let rv = self.binary_op(*op, l, r, lhs.ty, span);
                self.assign(dest, rv, span);
            }
            ExprKind::Logical { and, lhs, rhs } => self.logical_into(dest, *and, lhs, rhs, span),
            ExprKind::Unary { op, operand } => {
                let o = self.as_operand(operand);
                if *op == hir::UnOp::Neg && self.opts.overflow_checks {
                    if let TyKind::Int(i) = *self.krate.tys.kind(e.ty) {
                        let min = 1u128 << (i.bits(64) - 1);
                        let is_min = self.new_temp(self.krate.common.bool, span);
                        let min_c = self.const_int(e.ty, min);
                        self.assign(Place::local(is_min), Rvalue::BinaryOp(BinOp::Eq, o.clone(), min_c), span);
                        self.assert(Operand::Move(Place::local(is_min)), false, AssertKind::OverflowNeg, span);
                    }
                }
                let mop = if *op == hir::UnOp::Neg { UnOp::Neg } else { UnOp::Not };
                self.assign(dest, Rvalue::UnaryOp(mop, o), span);
            }
            ExprKind::Cast(inner) => {
                let o = self.as_operand(inner);
                self.assign(dest, Rvalue::Cast(CastKind::Numeric, o, e.ty), span);
            }
            ExprKind::Assign { place, value } => {
                let p = self.as_place(place);
                self.expr_into(p, value);
                self.assign(dest, Rvalue::Use(self.unit_const()), span);
            }
            ExprKind::AssignOp { op, place, value } => {
                let v = self.as_operand(value);
                let p = self.as_place(place);
                let rv = self.binary_op(*op, Operand::Copy(p.clone()), v, place.ty, span);
                self.assign(p, rv, span);
                self.assign(dest, Rvalue::Use(self.unit_const()), span);
            }
            ExprKind::If { cond, then, else_ } => {
                let c = self.as_operand(cond);
                let (then_bb, else_bb, join) = (self.new_block(), self.new_block(), self.new_block());
                self.terminate(
                    TerminatorKind::SwitchInt { discr: c, targets: vec![(0, else_bb)], otherwise: then_bb },
                    cond.span,
                );
                self.cur = Some(then_bb);
                self.expr_into(dest.clone(), then);
                self.goto(join, span);
                self.cur = Some(else_bb);
                match else_ {
                    Some(x) => self.expr_into(dest, x),
                    None => self.assign(dest, Rvalue::Use(self.unit_const()), span),
                }
                self.goto(join, span);
                self.cur = Some(join);
            }
            ExprKind::Loop { body, id } => {
                let (head, exit) = (self.new_block(), self.new_block());
                self.goto(head, span);
                self.cur = Some(head);
                let temp_depth = self.temps.len();
                self.loops.push(LoopScope { id: *id, exit, head, dest, scope_depth: self.scopes.len(), temp_depth });
                // Each iteration is a statement of its own: its temporaries die before the next.
                let t = self.new_temp(body.ty, body.span);
                self.expr_into(Place::local(t), body);
                self.end_statement(temp_depth, span);
                self.goto(head, span);
                self.loops.pop();
                self.cur = Some(exit);
            }
            ExprKind::Break { target, value } => {
                let i = self.loops.iter().rposition(|l| l.id == *target).expect("break targets an enclosing loop");
                let l = &self.loops[i];
                let (exit, ldest, depth, temp_depth) = (l.exit, l.dest.clone(), l.scope_depth, l.temp_depth);
                match value {
                    Some(v) => self.expr_into(ldest, v),
                    None => self.assign(ldest, Rvalue::Use(self.unit_const()), span),
                }
                self.end_temps_and_scopes(temp_depth, depth, span);
                self.goto(exit, span);
            }
            ExprKind::Continue { target } => {
                let i = self.loops.iter().rposition(|l| l.id == *target).expect("continue targets an enclosing loop");
                let (head, depth, temp_depth) =
                    (self.loops[i].head, self.loops[i].scope_depth, self.loops[i].temp_depth);
                self.end_temps_and_scopes(temp_depth, depth, span);
                self.goto(head, span);
            }
            ExprKind::Return(value) => {
                match value {
                    Some(v) => self.expr_into(Place::return_place(), v),
                    None => self.assign(Place::return_place(), Rvalue::Use(self.unit_const()), span),
                }
                self.end_temps_and_scopes(0, 0, span);
                self.goto(self.return_block, span);
            }
            ExprKind::Print { stream, args, pieces } => {
                self.print(*stream, args, pieces, span);
                self.assign(dest, Rvalue::Use(self.unit_const()), span);
            }
            other => unreachable!("the type checker does not produce {other:?} yet"),
        }
    }

    /// On an early exit: kill the temporaries above `temp_depth` and the locals of scopes at
    /// depth >= `scope_depth`, on this path only (the lowering of what follows still sees them).
    fn end_temps_and_scopes(&mut self, temp_depth: usize, scope_depth: usize, span: Span) {
        for t in self.temps[temp_depth..].to_vec().into_iter().rev() {
            self.push(StatementKind::StorageDead(t), span);
        }
        self.end_scope_storage(scope_depth);
    }

    fn as_place(&mut self, e: &hir::Expr) -> Place {
        match &e.kind {
            ExprKind::Local(id) => Place::local(self.local_map[id.index()]),
            _ => {
                let t = self.new_temp(e.ty, e.span);
                self.expr_into(Place::local(t), e);
                Place::local(t)
            }
        }
    }

    fn block_into(&mut self, dest: Place, b: &hir::Block, span: Span) {
        self.scopes.push(Vec::new());
        for s in &b.stmts {
            // Temporaries of an enclosing statement stay live across this block.
            let depth = self.temps.len();
            match s {
                hir::Stmt::Let { pat, init, else_block: None, span } => {
                    let hir::PatKind::Binding { local, by_ref: None, sub: None } = &pat.kind else {
                        unreachable!("only simple bindings reach MIR building so far")
                    };
                    let decl = &self.krate_body_local(*local);
                    self.body.locals.push(LocalDecl {
                        ty: decl.0,
                        name: Some(decl.1.clone()),
                        mutable: decl.2,
                        span: decl.3,
                    });
                    let l = Local(self.body.locals.len() as u32 - 1);
                    self.local_map[local.index()] = l;
                    self.push(StatementKind::StorageLive(l), *span);
                    self.scopes.last_mut().expect("scope open").push(l);
                    if let Some(i) = init {
                        self.expr_into(Place::local(l), i);
                    }
                    self.end_statement(depth, *span);
                }
                hir::Stmt::Let { else_block: Some(_), .. } => unreachable!("let-else does not reach MIR building yet"),
                hir::Stmt::Expr(x) => {
                    if self.is_zst(x.ty) || *self.krate.tys.kind(x.ty) == TyKind::Never {
                        let t = self.new_temp(x.ty, x.span);
                        self.expr_into(Place::local(t), x);
                    } else {
                        let _ = self.as_operand(x);
                    }
                    self.end_statement(depth, x.span);
                }
            }
        }
        let depth = self.temps.len();
        match &b.expr {
            Some(x) => self.expr_into(dest, x),
            None => self.assign(dest, Rvalue::Use(self.unit_const()), span),
        }
        self.end_statement(depth, span);
        let depth = self.scopes.len() - 1;
        self.end_scope_storage(depth);
        self.scopes.pop();
    }

    fn logical_into(&mut self, dest: Place, and: bool, lhs: &hir::Expr, rhs: &hir::Expr, span: Span) {
        let l = self.as_operand(lhs);
        let (eval_rhs, short, join) = (self.new_block(), self.new_block(), self.new_block());
        // `a && b`: if a is false the result is false; `a || b`: if a is true, true.
        let targets = if and { vec![(0, short)] } else { vec![(0, eval_rhs)] };
        let otherwise = if and { eval_rhs } else { short };
        self.terminate(TerminatorKind::SwitchInt { discr: l, targets, otherwise }, lhs.span);
        self.cur = Some(short);
        let b = self.krate.common.bool;
        self.assign(dest.clone(), Rvalue::Use(self.const_int(b, (!and) as u128)), span);
        self.goto(join, span);
        self.cur = Some(eval_rhs);
        self.expr_into(dest, rhs);
        self.goto(join, span);
        self.cur = Some(join);
    }

    fn call(&mut self, callee: Callee, args: Vec<Operand>, dest: Place, diverges: bool, span: Span) {
        let target = if diverges { None } else { Some(self.new_block()) };
        self.terminate(
            TerminatorKind::Call { callee, args, destination: dest, target, unwind: UnwindAction::Continue },
            span,
        );
        self.cur = target;
    }

    fn assert(&mut self, cond: Operand, expected: bool, msg: AssertKind, span: Span) {
        let next = self.new_block();
        self.terminate(
            TerminatorKind::Assert { cond, expected, msg, target: next, unwind: UnwindAction::Continue },
            span,
        );
        self.cur = Some(next);
    }

    /// Lowers an arithmetic or comparison operation, with the checks Rust requires.
    fn binary_op(&mut self, op: hir::BinOp, l: Operand, r: Operand, operand_ty: Ty, span: Span) -> Rvalue {
        let mop = lower_binop(op);
        let tys = &self.krate.tys;
        let int = match *tys.kind(operand_ty) {
            TyKind::Int(i) => Some((true, i.bits(64))),
            TyKind::Uint(u) => Some((false, u.bits(64))),
            _ => None,
        };
        let Some((signed, bits)) = int else { return Rvalue::BinaryOp(mop, l, r) };
        let bool_ty = self.krate.common.bool;
        match mop {
            BinOp::Div | BinOp::Rem => {
                // Division by zero panics at every optimization level, and so does MIN / -1.
                let is_zero = self.new_temp(bool_ty, span);
                let zero = self.const_int(operand_ty, 0);
                self.assign(Place::local(is_zero), Rvalue::BinaryOp(BinOp::Eq, r.clone(), zero), span);
                let kind = if mop == BinOp::Div { AssertKind::DivisionByZero } else { AssertKind::RemainderByZero };
                self.assert(Operand::Move(Place::local(is_zero)), false, kind, span);
                if signed {
                    let (is_m1, is_min, both) =
                        (self.new_temp(bool_ty, span), self.new_temp(bool_ty, span), self.new_temp(bool_ty, span));
                    let m1 = self.const_int(operand_ty, mask(bits));
                    let min = self.const_int(operand_ty, 1u128 << (bits - 1));
                    self.assign(Place::local(is_m1), Rvalue::BinaryOp(BinOp::Eq, r.clone(), m1), span);
                    self.assign(Place::local(is_min), Rvalue::BinaryOp(BinOp::Eq, l.clone(), min), span);
                    self.assign(
                        Place::local(both),
                        Rvalue::BinaryOp(
                            BinOp::BitAnd,
                            Operand::Move(Place::local(is_m1)),
                            Operand::Move(Place::local(is_min)),
                        ),
                        span,
                    );
                    self.assert(Operand::Move(Place::local(both)), false, AssertKind::Overflow(mop), span);
                }
                Rvalue::BinaryOp(mop, l, r)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul if self.opts.overflow_checks => {
                let pair_ty = self.pair_ty(operand_ty);
                let t = self.new_temp(pair_ty, span);
                self.assign(Place::local(t), Rvalue::CheckedBinaryOp(mop, l, r), span);
                let flag = Place { local: t, projection: vec![PlaceElem::Field(1, bool_ty)] };
                self.assert(Operand::Move(flag), false, AssertKind::Overflow(mop), span);
                Rvalue::Use(Operand::Move(Place { local: t, projection: vec![PlaceElem::Field(0, operand_ty)] }))
            }
            BinOp::Shl | BinOp::Shr if self.opts.overflow_checks => {
                // The shift amount may have any integer type; compare it as u128 would overflow
                // nothing, but casting keeps the check in one type.
                let u32_ty = self.krate.common.u32;
                let amount = self.new_temp(u32_ty, span);
                self.assign(Place::local(amount), Rvalue::Cast(CastKind::Numeric, r.clone(), u32_ty), span);
                let too_big = self.new_temp(bool_ty, span);
                let limit = self.const_int(u32_ty, bits as u128);
                self.assign(
                    Place::local(too_big),
                    Rvalue::BinaryOp(BinOp::Ge, Operand::Copy(Place::local(amount)), limit),
                    span,
                );
                self.assert(Operand::Move(Place::local(too_big)), false, AssertKind::Overflow(mop), span);
                Rvalue::BinaryOp(mop, l, r)
            }
            _ => Rvalue::BinaryOp(mop, l, r),
        }
    }

    fn pair_ty(&self, t: Ty) -> Ty {
        // MIR building cannot intern new types (the crate is shared); the interner already
        // holds `(T, bool)` for every integer type, added by `intern_builtin_pairs`.
        let tys = &self.krate.tys;
        tys.lookup(&TyKind::Tuple(vec![t, self.krate.common.bool]))
            .expect("(int, bool) pairs are interned before MIR building")
    }

    fn print(&mut self, stream: hir::Stream, args: &[hir::Expr], pieces: &[hir::PrintPiece], span: Span) {
        let args: Vec<(Operand, Ty)> = args.iter().map(|a| (self.as_operand(a), a.ty)).collect();
        let c = self.krate.common;
        let stream_op = self.const_int(c.u32, if stream == hir::Stream::Stdout { 1 } else { 2 });
        let mut pending = String::new();
        let flush_lit = |this: &mut Self, pending: &mut String| {
            if !pending.is_empty() {
                let s =
                    Operand::Constant(Constant { ty: c.static_str, value: ConstValue::Str(std::mem::take(pending)) });
                let d = this.new_temp(c.unit, span);
                this.call(
                    Callee::Intrinsic(Intrinsic::WriteStr),
                    vec![stream_op.clone(), s],
                    Place::local(d),
                    false,
                    span,
                );
            }
        };
        for p in pieces {
            match p {
                hir::PrintPiece::Literal(s) => pending.push_str(s),
                hir::PrintPiece::Arg { index, spec, width, precision } => {
                    let (op, ty) = args[*index].clone();
                    let plain = *spec == aether_frontend::ast::FormatSpec::default();
                    // Constant strings in plain `{}` print as part of the literal text.
                    if let (true, Operand::Constant(Constant { value: ConstValue::Str(s), .. })) = (plain, &op) {
                        pending.push_str(s);
                        continue;
                    }
                    flush_lit(self, &mut pending);
                    let mut call_args = vec![stream_op.clone()];
                    let (kind, value) = self.fmt_value(op, ty, span);
                    call_args.push(value);
                    let bool_ty = c.bool;
                    let mut count = |this: &mut Self, count: &Option<hir::FmtCount>| match count {
                        None => None,
                        Some(hir::FmtCount::Literal(n)) => Some(SpecCount::Literal((*n).min(u32::MAX as usize) as u32)),
                        Some(hir::FmtCount::Arg(i)) => {
                            let (o, t) = args[*i].clone();
                            // std::fmt refuses counts above u16::MAX with a panic.
                            let too_big = this.new_temp(bool_ty, span);
                            let limit = this.const_int(t, u16::MAX as u128);
                            this.assign(Place::local(too_big), Rvalue::BinaryOp(BinOp::Gt, o.clone(), limit), span);
                            this.assert(
                                Operand::Move(Place::local(too_big)),
                                false,
                                AssertKind::FormatArgOutOfRange,
                                span,
                            );
                            call_args.push(o);
                            Some(SpecCount::Operand)
                        }
                    };
                    let w = count(self, width);
                    let pr = count(self, precision);
                    let fspec = FmtSpec {
                        fill: spec.fill,
                        align: spec.align,
                        plus: spec.sign_plus,
                        alternate: spec.alternate,
                        zero_pad: spec.zero_pad,
                        ty: spec.ty,
                        width: w,
                        precision: pr,
                    };
                    let d = self.new_temp(c.unit, span);
                    self.call(Callee::Intrinsic(Intrinsic::Fmt(kind, fspec)), call_args, Place::local(d), false, span);
                }
            }
        }
        flush_lit(self, &mut pending);
    }

    /// How a value of type `ty` is formatted, and the operand converted for it (integers of up to
    /// 64 bits are widened to 64).
    fn fmt_value(&mut self, op: Operand, ty: Ty, span: Span) -> (FmtValueKind, Operand) {
        let c = self.krate.common;
        let widen = |this: &mut Self, to: Ty| {
            let t = this.new_temp(to, span);
            this.assign(Place::local(t), Rvalue::Cast(CastKind::Numeric, op.clone(), to), span);
            Operand::Move(Place::local(t))
        };
        match *self.krate.tys.kind(ty) {
            TyKind::Int(i) => {
                let bits = i.bits(64);
                let v = if bits >= 64 { op.clone() } else { widen(self, c.i64) };
                (FmtValueKind::Int { signed: true, bits }, v)
            }
            TyKind::Uint(u) => {
                let bits = u.bits(64);
                let v = if bits >= 64 { op.clone() } else { widen(self, c.u64) };
                (FmtValueKind::Int { signed: false, bits }, v)
            }
            TyKind::Float(FloatTy::F64) => (FmtValueKind::Float { bits: 64 }, op),
            TyKind::Float(FloatTy::F32) => (FmtValueKind::Float { bits: 32 }, op),
            TyKind::Bool => (FmtValueKind::Bool, op),
            TyKind::Char => (FmtValueKind::Char, op),
            TyKind::Ref(inner, Mutability::Not) if *self.krate.tys.kind(inner) == TyKind::Str => {
                (FmtValueKind::Str, op)
            }
            ref k => unreachable!("the type checker only accepts formattable types, got {k:?}"),
        }
    }

    fn krate_body_local(&self, id: hir::LocalId) -> (Ty, String, bool, Span) {
        let b = self.krate.fn_def(self.body.fn_id).body.as_ref().expect("building a body");
        let d = b.local(id);
        (d.ty, d.name.clone(), d.mutable, d.span)
    }

    /// Removes blocks no path from the entry reaches (left by code after `return`/`break`),
    /// renumbering the rest.
    fn remove_unreachable_blocks(&mut self) {
        let n = self.body.blocks.len();
        let mut reachable = vec![false; n];
        let mut stack = vec![BasicBlock(0)];
        while let Some(b) = stack.pop() {
            if std::mem::replace(&mut reachable[b.index()], true) {
                continue;
            }
            stack.extend(self.body.successors(b));
        }
        let mut new_index = vec![BasicBlock(u32::MAX); n];
        let mut kept = Vec::new();
        for (i, data) in std::mem::take(&mut self.body.blocks).into_iter().enumerate() {
            if reachable[i] {
                new_index[i] = BasicBlock(kept.len() as u32);
                kept.push(data);
            }
        }
        for data in &mut kept {
            remap_targets(&mut data.terminator.kind, &new_index);
        }
        self.body.blocks = kept;
    }
}

fn remap_targets(k: &mut TerminatorKind, map: &[BasicBlock]) {
    let m = |b: &mut BasicBlock| *b = map[b.index()];
    let mu = |u: &mut UnwindAction| {
        if let UnwindAction::Cleanup(b) = u {
            *b = map[b.index()];
        }
    };
    match k {
        TerminatorKind::Goto { target } => m(target),
        TerminatorKind::SwitchInt { targets, otherwise, .. } => {
            targets.iter_mut().for_each(|(_, b)| m(b));
            m(otherwise);
        }
        TerminatorKind::Call { target, unwind, .. } => {
            if let Some(t) = target {
                m(t);
            }
            mu(unwind);
        }
        TerminatorKind::Assert { target, unwind, .. } => {
            m(target);
            mu(unwind);
        }
        TerminatorKind::Drop { target, unwind, .. } => {
            m(target);
            mu(unwind);
        }
        TerminatorKind::Return | TerminatorKind::UnwindResume | TerminatorKind::Unreachable => {}
    }
}

fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

fn lower_binop(op: hir::BinOp) -> BinOp {
    match op {
        hir::BinOp::Add => BinOp::Add,
        hir::BinOp::Sub => BinOp::Sub,
        hir::BinOp::Mul => BinOp::Mul,
        hir::BinOp::Div => BinOp::Div,
        hir::BinOp::Rem => BinOp::Rem,
        hir::BinOp::BitAnd => BinOp::BitAnd,
        hir::BinOp::BitOr => BinOp::BitOr,
        hir::BinOp::BitXor => BinOp::BitXor,
        hir::BinOp::Shl => BinOp::Shl,
        hir::BinOp::Shr => BinOp::Shr,
        hir::BinOp::Eq => BinOp::Eq,
        hir::BinOp::Ne => BinOp::Ne,
        hir::BinOp::Lt => BinOp::Lt,
        hir::BinOp::Le => BinOp::Le,
        hir::BinOp::Gt => BinOp::Gt,
        hir::BinOp::Ge => BinOp::Ge,
    }
}
