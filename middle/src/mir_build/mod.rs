//! MIR building: typed HIR bodies to MIR control-flow graphs.
//!
//! Takes a checked [`hir::Crate`] (no errors, every type resolved) and produces one [`Body`] per
//! function. Expressions are lowered "into a destination place" (`expr_into`), "as an operand"
//! (`as_operand`) or "as a place" (`as_place`), as rustc does; `match` and `let` patterns are
//! lowered in `matches.rs`, format macros in `fmt.rs`. Invariants the output keeps: every
//! non-argument local has `StorageLive` before its first use and `StorageDead` on every path out
//! of its scope (including `break`, `continue` and `return`); temporaries die at the end of their
//! statement; checks (overflow when `overflow_checks`, division by zero and bounds always) are
//! explicit `Assert`s.

mod awaits;
mod expr;
mod fmt;
mod matches;

use aether_frontend::hir::{self, LoopId};
use aether_frontend::span::Span;
use aether_frontend::ty::{CommonTypes, Mutability as TyMut, Ty, TyInterner, TyKind};

use crate::mir::*;
use crate::needs_drop::NeedsDrop;

/// Options that change the MIR produced.
#[derive(Clone, Copy, Debug)]
pub struct BuildOptions {
    /// Check `+ - *`, `-x` and shifts for overflow (Rust's debug-assertions behaviour).
    pub overflow_checks: bool,
}

/// Builds the MIR of every function of the crate. Interns the few types MIR needs that the
/// program does not spell (pointers to statics, message buffers).
pub fn build_program(krate: &mut hir::Crate, opts: BuildOptions) -> Program {
    let krate: &hir::Crate = krate;
    let hir::Crate { fns, adts, statics, tys, common, .. } = krate;
    let view = HirView {
        fns,
        adts,
        statics,
        common: *common,
        needs_drop: NeedsDrop::new(krate),
        tables: aether_frontend::traits::TraitTables::of(krate),
        context_ref: match adts.iter().position(|a| a.path == "std::task::Context") {
            Some(i) => {
                let cx = tys.intern(TyKind::Adt(hir::AdtId(i as u32), Vec::new()));
                tys.intern(TyKind::Ref(cx, aether_frontend::ty::Mutability::Mut))
            }
            None => common.unit,
        },
    };
    let mut bodies: Vec<Option<Body>> = fns
        .iter()
        .enumerate()
        .map(|(i, f)| f.body.as_ref().map(|b| Builder::new(&view, tys, hir::FnId(i as u32), f, b, opts).build(b)))
        .collect();
    // Async fns: the body built above becomes the frame, the ctor, poll and drop functions.
    let mut frames = std::collections::HashMap::new();
    let mut coroutine_sources = Vec::new();
    let poll_adt = adts.iter().position(|a| a.path == "std::task::Poll").map(|i| hir::AdtId(i as u32));
    // In function order, so that output (`--emit=mir`) is deterministic.
    let mut coroutines: Vec<_> = krate.coroutines.iter().collect();
    coroutines.sort_by_key(|(_, fns_of)| fns_of.ctor);
    // Locals holding a future of their own body's recursion are kept on the heap.
    let heap = {
        let sources: Vec<(Ty, &Body)> = coroutines
            .iter()
            .filter_map(|(frame, fns_of)| bodies[fns_of.ctor.index()].as_ref().map(|b| (**frame, b)))
            .collect();
        crate::recursive_frames::heap_locals(&sources, adts, tys)
    };
    for (frame, fns_of) in coroutines {
        let (Some(poll_adt), Some(source)) = (poll_adt, bodies[fns_of.ctor.index()].take()) else { continue };
        let f = &fns[fns_of.ctor.index()];
        let cx_local = Local(source.arg_count as u32 + 1);
        let mut types = crate::coroutine::CoroutineTypes {
            frame: *frame,
            frame_ref: tys.intern(TyKind::Ref(*frame, TyMut::Mut)),
            context_ref: view.context_ref,
            poll: fns[fns_of.poll.index()].ret,
            poll_adt,
            common: *common,
            state: common.u8,
        };
        coroutine_sources.push(source.clone());
        let t = crate::coroutine::transform(
            source,
            cx_local,
            *fns_of,
            f.path.clone(),
            &mut types,
            &view.needs_drop,
            tys,
            heap.get(frame),
        );
        bodies[fns_of.ctor.index()] = Some(t.ctor);
        bodies[fns_of.poll.index()] = Some(t.poll);
        bodies[fns_of.drop.index()] = Some(t.drop);
        frames.insert(*frame, t.layout);
    }
    Program { bodies, frames, coroutine_sources }
}

/// The parts of the HIR crate MIR building reads.
struct HirView<'a> {
    fns: &'a [hir::FnDef],
    adts: &'a [hir::AdtDef],
    statics: &'a [hir::StaticDef],
    common: CommonTypes,
    needs_drop: NeedsDrop<'a>,
    tables: aether_frontend::traits::TraitTables<'a>,
    /// `&mut std::task::Context` (the unit type without the standard library's futures).
    context_ref: Ty,
}

impl HirView<'_> {
    fn fn_def(&self, id: hir::FnId) -> &hir::FnDef {
        &self.fns[id.index()]
    }

    fn adt(&self, id: hir::AdtId) -> &hir::AdtDef {
        &self.adts[id.index()]
    }
}

struct LoopScope {
    id: LoopId,
    /// Where `break` goes.
    exit: BasicBlock,
    /// Where `continue` goes (`None` for labelled blocks, which cannot be continued).
    head: Option<BasicBlock>,
    /// Where a `break value` writes.
    dest: Place,
    /// The scope depth outside the loop: `break`/`continue` end the scopes above it.
    scope_depth: usize,
    /// The temporaries live outside the loop: `break`/`continue` end the ones above it.
    temp_depth: usize,
}

struct Builder<'a> {
    hir: &'a HirView<'a>,
    tys: &'a TyInterner,
    /// The HIR body being lowered.
    hbody: &'a hir::Body,
    opts: BuildOptions,
    body: Body,
    /// The block being filled; `None` after a diverging expression (code there is unreachable).
    cur: Option<BasicBlock>,
    /// HIR local to MIR local (`None` until the local's declaration is lowered).
    local_map: Vec<Option<Local>>,
    /// Locals declared in each open lexical scope, innermost last.
    scopes: Vec<Vec<Local>>,
    /// Live temporaries, oldest first. A statement (or loop body) remembers the length at its
    /// start and kills what was added since when it ends.
    temps: Vec<Local>,
    loops: Vec<LoopScope>,
    return_block: BasicBlock,
    /// In an async body: the local holding the poll's `&mut Context` (the coroutine transform
    /// makes it the poll function's parameter).
    coroutine_cx: Option<Local>,
}

impl<'a> Builder<'a> {
    /// The type of field `i` of `variant` of `adt_ty` (an `Adt(adt, args)`).
    fn field_ty(&self, adt_ty: Ty, adt: hir::AdtId, variant: hir::VariantIdx, i: u32) -> Ty {
        let args = match self.tys.kind(adt_ty) {
            TyKind::Adt(_, args) => args.clone(),
            _ => Vec::new(),
        };
        self.tys.subst(self.hir.adt(adt).variant(variant).fields[i as usize].ty, &args)
    }

    fn new(
        hir: &'a HirView<'a>,
        tys: &'a TyInterner,
        fn_id: hir::FnId,
        f: &hir::FnDef,
        b: &'a hir::Body,
        opts: BuildOptions,
    ) -> Builder<'a> {
        // An async body returns its output; the coroutine transform wraps it in `Poll`.
        let ret = f.async_output.unwrap_or(f.ret);
        let mut locals = vec![LocalDecl { ty: ret, name: None, mutable: true, span: f.span }];
        for &p in &b.params {
            let d = b.local(p);
            locals.push(LocalDecl { ty: d.ty, name: Some(d.name.clone()), mutable: d.mutable, span: d.span });
        }
        let coroutine_cx = f.async_output.map(|_| {
            locals.push(LocalDecl { ty: hir.context_ref, name: Some("cx".into()), mutable: false, span: f.span });
            Local(locals.len() as u32 - 1)
        });
        let body =
            Body { fn_id, locals, arg_count: b.params.len(), blocks: Vec::new(), span: f.span, drop_flags: Vec::new() };
        let mut local_map = vec![None; b.locals.len()];
        for (i, &p) in b.params.iter().enumerate() {
            local_map[p.index()] = Some(Local(i as u32 + 1));
        }
        let mut builder = Builder {
            hir,
            tys,
            hbody: b,
            opts,
            body,
            cur: None,
            local_map,
            scopes: vec![Vec::new()],
            temps: Vec::new(),
            loops: Vec::new(),
            return_block: BasicBlock(0),
            coroutine_cx,
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
        // The function owns its arguments: drop them on the way out, last first.
        self.cur = Some(self.return_block);
        for a in (1..=self.body.arg_count).rev() {
            let ty = self.body.locals[a].ty;
            self.drop_place(Place::local(Local(a as u32)), ty, span);
        }
        self.terminate(TerminatorKind::Return, span);
        self.remove_unreachable_blocks();
        crate::drop_elab::elaborate_drops(&mut self.body, &self.hir.needs_drop, self.hir.common.bool);
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

    /// Declares the MIR local of a HIR local (a `let` or pattern binding) in the innermost scope.
    fn declare_local(&mut self, id: hir::LocalId, span: Span) -> Local {
        if let Some(l) = self.local_map[id.index()] {
            // Or-pattern alternatives bind the same locals; declare them once.
            return l;
        }
        let d = self.hbody.local(id);
        self.body.locals.push(LocalDecl { ty: d.ty, name: Some(d.name.clone()), mutable: d.mutable, span: d.span });
        let l = Local(self.body.locals.len() as u32 - 1);
        self.local_map[id.index()] = Some(l);
        self.push(StatementKind::StorageLive(l), span);
        self.scopes.last_mut().expect("a scope is open").push(l);
        l
    }

    fn local(&self, id: hir::LocalId) -> Local {
        self.local_map[id.index()].expect("HIR locals are declared before use")
    }

    /// The place a HIR local names: itself, or in an async block's function the borrowed
    /// local behind its reference parameter.
    fn local_place(&self, id: hir::LocalId) -> Place {
        match self.hbody.captured_by_ref.iter().find(|(l, _)| *l == id) {
            Some((_, p)) => Place { local: self.local(*p), projection: vec![PlaceElem::Deref] },
            None => Place::local(self.local(id)),
        }
    }

    /// Drops `place` (of type `ty`) here if its type has drop glue. Whether it still holds a
    /// value (it may have been moved out) is for drop elaboration to decide.
    fn drop_place(&mut self, place: Place, ty: Ty, span: Span) {
        if self.cur.is_none() || !self.hir.needs_drop.needs_drop(ty) {
            return;
        }
        let next = self.new_block();
        self.terminate(TerminatorKind::Drop { place, target: next, unwind: UnwindAction::Continue }, span);
        self.cur = Some(next);
    }

    /// Drops local `l` and ends its storage; an async `defer!` guard is awaited first.
    fn kill_local(&mut self, l: Local, span: Span) {
        if !self.hbody.exit_awaits.is_empty() {
            self.await_defer_guard(l, span);
        }
        let ty = self.body.locals[l.index()].ty;
        self.drop_place(Place::local(l), ty, span);
        self.push(StatementKind::StorageDead(l), span);
    }

    /// Drops and ends the storage of the temporaries created since `depth` (a statement's start).
    fn end_statement(&mut self, depth: usize, span: Span) {
        for t in self.temps.split_off(depth).into_iter().rev() {
            self.kill_local(t, span);
        }
    }

    /// Drops and ends the storage of every local of scopes at depth >= `depth` (innermost
    /// first, each scope's locals in reverse declaration order), without closing the scopes:
    /// also used on the paths that leave them early.
    fn end_scope_storage(&mut self, depth: usize) {
        let dead: Vec<Local> = self.scopes[depth..].iter().rev().flat_map(|s| s.iter().rev().copied()).collect();
        for l in dead {
            self.kill_local(l, Span::default());
        }
    }

    /// Opens a lexical scope; `pop_scope` ends its locals' storage on the fall-through path.
    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        let depth = self.scopes.len() - 1;
        self.end_scope_storage(depth);
        for l in self.scopes.pop().expect("scope open") {
            // A local declared in a closed scope may be declared again (a loop body's `let`).
            if let Some(slot) = self.local_map.iter_mut().find(|m| **m == Some(l)) {
                *slot = None;
            }
        }
    }

    /// On an early exit: kill the temporaries above `temp_depth` and the locals of scopes at
    /// depth >= `scope_depth`, on this path only (the lowering of what follows still sees them).
    fn end_temps_and_scopes(&mut self, temp_depth: usize, scope_depth: usize, span: Span) {
        for t in self.temps[temp_depth..].to_vec().into_iter().rev() {
            self.kill_local(t, span);
        }
        self.end_scope_storage(scope_depth);
    }

    // -----------------------------------------------------------------------------------------
    // Types and constants
    // -----------------------------------------------------------------------------------------

    fn common(&self) -> CommonTypes {
        self.hir.common
    }

    fn is_zst(&self, ty: Ty) -> bool {
        match self.tys.kind(ty) {
            TyKind::Tuple(v) | TyKind::Closure { upvars: v, .. } => v.iter().all(|t| self.is_zst(*t)),
            TyKind::Never => true,
            TyKind::Array(_, 0) => true,
            TyKind::Array(t, _) => self.is_zst(*t),
            TyKind::Adt(id, args) => {
                let def = self.hir.adt(*id);
                !def.is_enum && def.variants[0].fields.iter().all(|f| self.is_zst(self.tys.subst(f.ty, args)))
            }
            _ => false,
        }
    }

    /// Whether values of `ty` are copied rather than moved.
    fn is_copy(&self, ty: Ty) -> bool {
        match self.tys.kind(ty) {
            TyKind::Bool
            | TyKind::Char
            | TyKind::Int(_)
            | TyKind::Uint(_)
            | TyKind::Float(_)
            | TyKind::Never
            | TyKind::RawPtr(..)
            | TyKind::FnPtr(..)
            | TyKind::Ref(_, TyMut::Not) => true,
            TyKind::Tuple(v) => v.iter().all(|t| self.is_copy(*t)),
            TyKind::Closure { upvars, .. } => upvars.iter().all(|t| self.is_copy(*t)),
            TyKind::Array(t, _) => self.is_copy(*t),
            // `Copy` impls (derived or written) decide, with their bounds on the arguments.
            TyKind::Adt(..) => match self.hir.tables.lang.copy {
                Some(copy) => matches!(
                    self.hir.tables.select(&hir::TraitRef { trait_id: copy, args: vec![ty] }, &[]),
                    aether_frontend::traits::Selection::Impl(..)
                ),
                None => false,
            },
            _ => false,
        }
    }

    /// Reads a place: a copy for `Copy` types, a move otherwise.
    fn read(&self, place: Place, ty: Ty) -> Operand {
        if self.is_copy(ty) {
            Operand::Copy(place)
        } else {
            Operand::Move(place)
        }
    }

    fn intern(&mut self, kind: TyKind) -> Ty {
        self.tys.intern(kind)
    }

    fn unit_const(&self) -> Operand {
        Operand::Constant(Constant { ty: self.common().unit, value: ConstValue::ZeroSized })
    }

    fn const_int(&self, ty: Ty, v: u128) -> Operand {
        Operand::Constant(Constant { ty, value: ConstValue::Scalar(v) })
    }

    fn const_operand(&self, v: &hir::ConstVal, ty: Ty) -> Operand {
        let value = match v {
            hir::ConstVal::Int(i) => ConstValue::Scalar(*i),
            hir::ConstVal::Float(f) => ConstValue::Float(*f),
            hir::ConstVal::Bool(b) => ConstValue::Scalar(*b as u128),
            hir::ConstVal::Char(c) => ConstValue::Scalar(*c as u128),
            hir::ConstVal::Str(s) => ConstValue::Str(s.clone()),
            hir::ConstVal::Aggregate { .. } if self.is_zst(ty) => ConstValue::ZeroSized,
            agg @ hir::ConstVal::Aggregate { .. } => ConstValue::Aggregate(agg.clone()),
        };
        Operand::Constant(Constant { ty, value })
    }

    // -----------------------------------------------------------------------------------------
    // Control transfer
    // -----------------------------------------------------------------------------------------

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

    /// Branches on a boolean operand.
    fn branch(&mut self, cond: Operand, then_bb: BasicBlock, else_bb: BasicBlock, span: Span) {
        self.terminate(
            TerminatorKind::SwitchInt { discr: cond, targets: vec![(0, else_bb)], otherwise: then_bb },
            span,
        );
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
        TerminatorKind::Goto { target } | TerminatorKind::Yield { resume: target } => m(target),
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
