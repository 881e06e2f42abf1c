//! Expressions: HIR expressions to MIR statements and terminators.
//!
//! Every expression is lowered into a destination place (`expr_into`), as an operand
//! (`as_operand`: constants and copies of locals need no temporary), or as a place
//! (`as_place`: locals, statics, fields, dereferences and bounds-checked indexing stay places so
//! that assignments and borrows reach the original memory). Evaluation order is left to right.

use aether_frontend::hir::{self, ExprKind, Literal};
use aether_frontend::span::Span;
use aether_frontend::ty::{Mutability as TyMut, Ty, TyKind};

use super::{mask, Builder, LoopScope};
use crate::mir::*;

impl Builder<'_> {
    /// Evaluates `e` as an operand (a constant, a read of a place, or a fresh temporary).
    pub(super) fn as_operand(&mut self, e: &hir::Expr) -> Operand {
        match &e.kind {
            ExprKind::Lit(lit) => self.lit_operand(lit, e.ty),
            ExprKind::Const(v) => self.const_operand(v, e.ty),
            ExprKind::Local(_)
            | ExprKind::Static(_)
            | ExprKind::Field { .. }
            | ExprKind::Deref(_)
            | ExprKind::Index { .. } => {
                let p = self.as_place(e);
                self.read(p, e.ty)
            }
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

    /// Evaluates `e` as a place: the memory it denotes for place expressions, else a temporary
    /// holding its value.
    pub(super) fn as_place(&mut self, e: &hir::Expr) -> Place {
        let span = e.span;
        match &e.kind {
            ExprKind::Local(id) => self.local_place(*id),
            ExprKind::Static(id) => {
                let def = &self.hir.statics[id.index()];
                let m = if def.mutable { TyMut::Mut } else { TyMut::Not };
                let ptr_ty = self.intern(TyKind::RawPtr(def.ty, m));
                let t = self.new_temp(ptr_ty, span);
                let addr = Operand::Constant(Constant { ty: ptr_ty, value: ConstValue::StaticAddr(*id) });
                self.assign(Place::local(t), Rvalue::Use(addr), span);
                Place { local: t, projection: vec![PlaceElem::Deref] }
            }
            ExprKind::Field { base, variant, field } => {
                let mut p = self.as_place(base);
                if let TyKind::Adt(adt, _) = self.tys.kind(base.ty) {
                    if self.hir.adt(*adt).is_enum {
                        p.projection.push(PlaceElem::Downcast(*variant));
                    }
                }
                p.projection.push(PlaceElem::Field(*field, e.ty));
                p
            }
            ExprKind::Deref(inner) => {
                let mut p = match &inner.kind {
                    // Dereferencing a place of pointer type needs no copy of the pointer.
                    ExprKind::Local(_) | ExprKind::Field { .. } | ExprKind::Deref(_) | ExprKind::Index { .. } => {
                        self.as_place(inner)
                    }
                    _ => {
                        let op = self.as_operand(inner);
                        let t = self.new_temp(inner.ty, inner.span);
                        self.assign(Place::local(t), Rvalue::Use(op), span);
                        Place::local(t)
                    }
                };
                p.projection.push(PlaceElem::Deref);
                p
            }
            ExprKind::Index { base, index } => {
                let mut p = self.as_place(base);
                let idx_op = self.as_operand(index);
                let usize_ty = self.common().usize;
                let idx = self.new_temp(usize_ty, index.span);
                self.assign(Place::local(idx), Rvalue::Use(idx_op), span);
                let len = match self.tys.kind(base.ty) {
                    TyKind::Array(_, n) => self.const_int(usize_ty, *n as u128),
                    _ => {
                        let l = self.new_temp(usize_ty, span);
                        self.assign(Place::local(l), Rvalue::Len(p.clone()), span);
                        Operand::Copy(Place::local(l))
                    }
                };
                let ok = self.new_temp(self.common().bool, span);
                self.assign(
                    Place::local(ok),
                    Rvalue::BinaryOp(BinOp::Lt, Operand::Copy(Place::local(idx)), len.clone()),
                    span,
                );
                let msg = AssertKind::BoundsCheck { len, index: Operand::Copy(Place::local(idx)) };
                self.assert(Operand::Move(Place::local(ok)), true, msg, span);
                p.projection.push(PlaceElem::Index(idx));
                p
            }
            _ => {
                let t = self.new_temp(e.ty, span);
                self.expr_into(Place::local(t), e);
                Place::local(t)
            }
        }
    }

    /// Evaluates `e` and stores its value in `dest`.
    pub(super) fn expr_into(&mut self, dest: Place, e: &hir::Expr) {
        let span = e.span;
        match &e.kind {
            ExprKind::Lit(_)
            | ExprKind::Const(_)
            | ExprKind::Local(_)
            | ExprKind::Static(_)
            | ExprKind::Field { .. }
            | ExprKind::Deref(_)
            | ExprKind::Index { .. } => {
                let op = self.as_operand(e);
                self.assign(dest, Rvalue::Use(op), span);
            }
            ExprKind::Block(b) => self.block_into(dest, b, span),
            ExprKind::Call { callee, args, substs } => {
                let args: Vec<Operand> = args.iter().map(|a| self.as_operand(a)).collect();
                let diverges = *self.tys.kind(e.ty) == TyKind::Never;
                let callee = match self.hir.fn_def(*callee).linkage {
                    hir::Linkage::Intrinsic(which) => {
                        let t = substs.first().copied().unwrap_or(self.hir.common.unit);
                        Callee::Intrinsic(Intrinsic::Mem(which, t))
                    }
                    _ => match substs.first().map(|t| self.tys.kind(*t)) {
                        // A trait method with an object as `Self`: through the vtable.
                        Some(TyKind::Dynamic { .. }) if self.hir.fn_def(*callee).trait_id.is_some() => {
                            let slot = self
                                .hir
                                .tables
                                .vtable_methods(substs[0])
                                .iter()
                                .position(|(m, _)| m == callee)
                                .expect("an object's method is in its vtable");
                            Callee::Virtual { method: *callee, substs: substs.clone(), slot: slot as u32 }
                        }
                        _ => Callee::Fn(*callee),
                    },
                };
                self.call(callee, args, dest, diverges, span);
            }
            ExprKind::Intrinsic { name, args } => {
                let args: Vec<Operand> = args.iter().map(|a| self.as_operand(a)).collect();
                let diverges = *self.tys.kind(e.ty) == TyKind::Never;
                self.call(Callee::Intrinsic(Intrinsic::Hir(*name)), args, dest, diverges, span);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.as_operand(lhs);
                let r = self.as_operand(rhs);
                let is_str = matches!(self.tys.kind(lhs.ty), TyKind::Ref(t, _) if *self.tys.kind(*t) == TyKind::Str);
                if is_str && matches!(op, hir::BinOp::Eq | hir::BinOp::Ne) {
                    // `&str == &str` compares the bytes.
                    let b = self.hir.common.bool;
                    let eq = self.new_temp(b, span);
                    self.call(Callee::Intrinsic(Intrinsic::StrEq), vec![l, r], Place::local(eq), false, span);
                    let v = Operand::Move(Place::local(eq));
                    let rv = if *op == hir::BinOp::Ne { Rvalue::UnaryOp(UnOp::Not, v) } else { Rvalue::Use(v) };
                    self.assign(dest, rv, span);
                } else {
                    let rv = self.binary_op(*op, l, r, lhs.ty, span);
                    self.assign(dest, rv, span);
                }
            }
            ExprKind::Logical { and, lhs, rhs } => self.logical_into(dest, *and, lhs, rhs, span),
            ExprKind::Unary { op, operand } => {
                let o = self.as_operand(operand);
                if *op == hir::UnOp::Neg && self.opts.overflow_checks {
                    if let TyKind::Int(i) = *self.tys.kind(e.ty) {
                        let min = 1u128 << (i.bits(64) - 1);
                        let is_min = self.new_temp(self.common().bool, span);
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
                let kind = self.cast_kind(inner.ty, e.ty);
                self.assign(dest, Rvalue::Cast(kind, o, e.ty), span);
            }
            ExprKind::Await { fut, poll, .. } => self.await_into(dest, fut, *poll, e.ty, span),
            ExprKind::PtrCast(inner) => {
                let o = self.as_operand(inner);
                let kind = self.cast_kind(inner.ty, e.ty);
                self.assign(dest, Rvalue::Cast(kind, o, e.ty), span);
            }
            ExprKind::Ref { mutable, place } => {
                let p = self.as_place(place);
                let m = if *mutable { Mutability::Mut } else { Mutability::Not };
                self.assign(dest, Rvalue::Ref(m, p), span);
            }
            ExprKind::Assign { place, value } => {
                // The value is evaluated before the place, as in Rust.
                let v = self.as_operand(value);
                let p = self.as_place(place);
                // The old value is dropped after the new one is computed (drop elaboration
                // removes the drop where the place is not initialized).
                self.drop_place(p.clone(), place.ty, span);
                self.assign(p, Rvalue::Use(v), span);
                self.assign(dest, Rvalue::Use(self.unit_const()), span);
            }
            ExprKind::AssignOp { op, place, value } => {
                let v = self.as_operand(value);
                let p = self.as_place(place);
                let rv = self.binary_op(*op, Operand::Copy(p.clone()), v, place.ty, span);
                self.assign(p, rv, span);
                self.assign(dest, Rvalue::Use(self.unit_const()), span);
            }
            ExprKind::Tuple(elems) => {
                let ops = elems.iter().map(|x| self.as_operand(x)).collect();
                self.assign(dest, Rvalue::Aggregate(AggregateKind::Tuple, ops), span);
            }
            ExprKind::Closure { captures, .. } => {
                // The environment: each capture moved in, or a reference to it.
                let upvars = match self.tys.kind(e.ty) {
                    TyKind::Closure { upvars, .. } => upvars.clone(),
                    _ => unreachable!("closure expressions have closure types"),
                };
                let mut ops = Vec::new();
                for (c, ut) in captures.iter().zip(upvars) {
                    let place = self.local_place(c.local);
                    let lt = self.hbody.local(c.local).ty;
                    let op = match c.by_ref {
                        None => self.read(place, lt),
                        Some(m) => {
                            let t = self.new_temp(ut, span);
                            let bk = if m == TyMut::Mut { Mutability::Mut } else { Mutability::Not };
                            self.assign(Place::local(t), Rvalue::Ref(bk, place), span);
                            Operand::Move(Place::local(t))
                        }
                    };
                    ops.push(op);
                }
                self.assign(dest, Rvalue::Aggregate(AggregateKind::Tuple, ops), span);
            }
            ExprKind::Array(elems) => {
                let elem_ty = match self.tys.kind(e.ty) {
                    TyKind::Array(t, _) => *t,
                    _ => unreachable!("array expressions have array types"),
                };
                let ops = elems.iter().map(|x| self.as_operand(x)).collect();
                self.assign(dest, Rvalue::Aggregate(AggregateKind::Array(elem_ty), ops), span);
            }
            ExprKind::Repeat { value, count } => {
                let o = self.as_operand(value);
                self.assign(dest, Rvalue::Repeat(o, *count), span);
            }
            ExprKind::Adt { adt, variant, fields, base } => {
                self.adt_into(dest, e.ty, *adt, *variant, fields, base.as_deref(), span)
            }
            ExprKind::If { cond, then, else_ } => {
                let (then_bb, else_bb, join) = (self.new_block(), self.new_block(), self.new_block());
                // Bindings of `if let` live in a scope that covers the `then` branch only.
                self.push_scope();
                self.cond_branch(cond, then_bb, else_bb);
                self.cur = Some(then_bb);
                self.expr_into(dest.clone(), then);
                self.pop_scope();
                self.goto(join, span);
                self.cur = Some(else_bb);
                // The else path left the condition's bindings' scope too.
                match else_ {
                    Some(x) => self.expr_into(dest, x),
                    None => self.assign(dest, Rvalue::Use(self.unit_const()), span),
                }
                self.goto(join, span);
                self.cur = Some(join);
            }
            ExprKind::Match { scrutinee, arms } => self.match_into(dest, scrutinee, arms, span),
            ExprKind::Let { .. } => unreachable!("`let` expressions appear only in `if` conditions"),
            ExprKind::Loop { body, id } => {
                let (head, exit) = (self.new_block(), self.new_block());
                self.goto(head, span);
                self.cur = Some(head);
                let temp_depth = self.temps.len();
                let scope_depth = self.scopes.len();
                self.loops.push(LoopScope { id: *id, exit, head: Some(head), dest, scope_depth, temp_depth });
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
                let l = &self.loops[i];
                let (head, depth, temp_depth) = (l.head.expect("continue targets a loop"), l.scope_depth, l.temp_depth);
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
                let stream_op = match stream {
                    hir::Stream::Stdout => self.const_int(self.common().u32, 1),
                    hir::Stream::Stderr => self.const_int(self.common().u32, 2),
                    hir::Stream::Buf(l) => Operand::Copy(Place::local(self.local(*l))),
                };
                self.format_pieces(stream_op, args, pieces, span);
                self.assign(dest, Rvalue::Use(self.unit_const()), span);
            }
            ExprKind::Panic { args, pieces } => self.panic(args, pieces, span),
        }
    }

    fn cast_kind(&self, from: Ty, to: Ty) -> CastKind {
        let is_ptr = |t: Ty| matches!(self.tys.kind(t), TyKind::Ref(..) | TyKind::RawPtr(..) | TyKind::FnPtr(..));
        let pointee_is_slice = |t: Ty| match self.tys.kind(t) {
            TyKind::Ref(p, _) | TyKind::RawPtr(p, _) => matches!(self.tys.kind(*p), TyKind::Slice(_) | TyKind::Str),
            _ => false,
        };
        let pointee_is_array = |t: Ty| match self.tys.kind(t) {
            TyKind::Ref(p, _) | TyKind::RawPtr(p, _) => matches!(self.tys.kind(*p), TyKind::Array(..)),
            _ => false,
        };
        if self.tys.unsize_pointees(from, to).is_some() {
            return CastKind::Unsize;
        }
        match (is_ptr(from), is_ptr(to)) {
            (true, true) if pointee_is_array(from) && pointee_is_slice(to) => CastKind::Unsize,
            (true, true) => CastKind::PtrToPtr,
            (true, false) => CastKind::PtrToInt,
            (false, true) => CastKind::IntToPtr,
            (false, false) => CastKind::Numeric,
        }
    }

    /// A struct literal or variant constructor: fields evaluated in the written order, the rest
    /// taken from `base`, then one aggregate in declaration order.
    #[allow(clippy::too_many_arguments)]
    fn adt_into(
        &mut self,
        dest: Place,
        ty: Ty,
        adt: hir::AdtId,
        variant: hir::VariantIdx,
        fields: &[(u32, hir::Expr)],
        base: Option<&hir::Expr>,
        span: Span,
    ) {
        let nfields = self.hir.adt(adt).variant(variant).fields.len();
        let mut ops: Vec<Option<Operand>> = vec![None; nfields];
        for (i, x) in fields {
            ops[*i as usize] = Some(self.as_operand(x));
        }
        if let Some(b) = base {
            let bp = self.as_place(b);
            for (i, slot) in ops.iter_mut().enumerate() {
                if slot.is_none() {
                    let fty = self.field_ty(ty, adt, variant, i as u32);
                    let mut p = bp.clone();
                    p.projection.push(PlaceElem::Field(i as u32, fty));
                    *slot = Some(self.read(p, fty));
                }
            }
        }
        let ops = ops.into_iter().map(|o| o.expect("every field is given or taken from the base")).collect();
        self.assign(dest, Rvalue::Aggregate(AggregateKind::Adt(adt, variant), ops), span);
    }

    pub(super) fn block_into(&mut self, dest: Place, b: &hir::Block, span: Span) {
        self.push_scope();
        for s in &b.stmts {
            // Temporaries of an enclosing statement stay live across this block.
            let depth = self.temps.len();
            match s {
                hir::Stmt::Let { pat, init, else_block, span } => {
                    self.let_stmt(pat, init.as_ref(), else_block.as_deref(), *span);
                    self.end_statement(depth, *span);
                }
                hir::Stmt::Expr(x) => {
                    if self.is_zst(x.ty) || *self.tys.kind(x.ty) == TyKind::Never {
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
        self.pop_scope();
    }

    fn logical_into(&mut self, dest: Place, and: bool, lhs: &hir::Expr, rhs: &hir::Expr, span: Span) {
        let l = self.as_operand(lhs);
        let (eval_rhs, short, join) = (self.new_block(), self.new_block(), self.new_block());
        // `a && b`: if a is false the result is false; `a || b`: if a is true, true.
        if and {
            self.branch(l, eval_rhs, short, lhs.span);
        } else {
            self.branch(l, short, eval_rhs, lhs.span);
        }
        self.cur = Some(short);
        let b = self.common().bool;
        self.assign(dest.clone(), Rvalue::Use(self.const_int(b, (!and) as u128)), span);
        self.goto(join, span);
        self.cur = Some(eval_rhs);
        self.expr_into(dest, rhs);
        self.goto(join, span);
        self.cur = Some(join);
    }

    /// Lowers an `if` condition: jumps to `then_bb` when it holds (with the bindings of its
    /// `let`s made), else to `else_bb`. `&&` chains and `let` are control flow, not values.
    fn cond_branch(&mut self, cond: &hir::Expr, then_bb: BasicBlock, else_bb: BasicBlock) {
        match &cond.kind {
            ExprKind::Logical { and: true, lhs, rhs } if contains_let(cond) => {
                let mid = self.new_block();
                self.cond_branch(lhs, mid, else_bb);
                self.cur = Some(mid);
                self.cond_branch(rhs, then_bb, else_bb);
            }
            ExprKind::Let { pat, scrutinee } => {
                // A temporary scrutinee lives until the end of the enclosing statement, so that
                // by-reference bindings stay valid in the `then` branch.
                let place = self.as_place(scrutinee);
                self.test_and_bind(place, pat, else_bb);
                self.goto(then_bb, cond.span);
            }
            _ => {
                let depth = self.temps.len();
                let mut c = self.as_operand(cond);
                // A condition read through a temporary (`*Index::index(..)`) is copied out
                // before the temporaries die.
                if let Operand::Copy(p) | Operand::Move(p) = &c {
                    if !p.projection.is_empty() && self.temps[depth..].contains(&p.local) {
                        let t = self.new_temp(cond.ty, cond.span);
                        self.assign(Place::local(t), Rvalue::Use(c.clone()), cond.span);
                        c = Operand::Move(Place::local(t));
                    }
                }
                // The condition's own temporary lives until the branch; the others die now.
                let keep = match &c {
                    Operand::Move(p) if p.projection.is_empty() && self.temps[depth..].contains(&p.local) => {
                        Some(p.local)
                    }
                    _ => None,
                };
                match keep {
                    Some(t) => self.end_statement_keeping(depth, t, cond.span),
                    None => self.end_statement(depth, cond.span),
                }
                self.branch(c, then_bb, else_bb, cond.span);
                if let Some(t) = keep {
                    self.temps.retain(|x| *x != t);
                    self.push_storage_dead_on_entry(then_bb, t);
                    self.push_storage_dead_on_entry(else_bb, t);
                }
            }
        }
    }

    /// Like `end_statement`, but keeps `keep` alive.
    fn end_statement_keeping(&mut self, depth: usize, keep: Local, span: Span) {
        let dead: Vec<Local> = self.temps.split_off(depth);
        for t in dead.into_iter().rev() {
            if t == keep {
                self.temps.push(t);
            } else {
                self.push(StatementKind::StorageDead(t), span);
            }
        }
    }

    fn push_storage_dead_on_entry(&mut self, b: BasicBlock, l: Local) {
        self.body.blocks[b.index()]
            .statements
            .insert(0, Statement { kind: StatementKind::StorageDead(l), span: Span::default() });
    }

    /// Lowers an arithmetic or comparison operation, with the checks Rust requires.
    fn binary_op(&mut self, mop: BinOp, l: Operand, r: Operand, operand_ty: Ty, span: Span) -> Rvalue {
        let tys = &self.tys;
        let int = match *tys.kind(operand_ty) {
            TyKind::Int(i) => Some((true, i.bits(64))),
            TyKind::Uint(u) => Some((false, u.bits(64))),
            _ => None,
        };
        let Some((signed, bits)) = int else { return Rvalue::BinaryOp(mop, l, r) };
        let bool_ty = self.common().bool;
        match mop {
            BinOp::Div | BinOp::Rem => {
                // Division by zero panics at every optimization level, and so does MIN / -1. A
                // constant divisor decides both checks at compile time.
                let divisor = match &r {
                    Operand::Constant(Constant { value: ConstValue::Scalar(v), .. }) => Some(*v),
                    _ => None,
                };
                if divisor.is_none_or(|d| d == 0) {
                    let is_zero = self.new_temp(bool_ty, span);
                    let zero = self.const_int(operand_ty, 0);
                    self.assign(Place::local(is_zero), Rvalue::BinaryOp(BinOp::Eq, r.clone(), zero), span);
                    let kind = if mop == BinOp::Div { AssertKind::DivisionByZero } else { AssertKind::RemainderByZero };
                    self.assert(Operand::Move(Place::local(is_zero)), false, kind, span);
                }
                if signed && divisor.is_none_or(|d| d == mask(bits)) {
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
                let u32_ty = self.common().u32;
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

    fn pair_ty(&mut self, t: Ty) -> Ty {
        let b = self.common().bool;
        self.intern(TyKind::Tuple(vec![t, b]))
    }
}

/// Whether a condition contains a `let` (then it is lowered as control flow).
fn contains_let(e: &hir::Expr) -> bool {
    match &e.kind {
        ExprKind::Let { .. } => true,
        ExprKind::Logical { and: true, lhs, rhs } => contains_let(lhs) || contains_let(rhs),
        _ => false,
    }
}
