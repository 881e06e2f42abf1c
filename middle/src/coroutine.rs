//! The coroutine transform: an async fn's MIR becomes a frame layout and three functions.
//!
//! Takes the MIR of an async body as `mir_build` makes it: `_0` is the body's output `T`, the
//! arguments follow, one local holds the poll's `&mut Context`, and each `.await` whose future
//! is pending ends its block with `Yield { resume }` (drops already elaborated). Produces:
//! - the **frame layout**: the saved locals, those whose bytes must survive a suspension point
//!   (required storage just before and just after a `Yield`, by `storage_conflicts`), plus the
//!   arguments still needed at the first poll (the unresumed state keeps them, so they are not
//!   stored twice: rust-lang/rust#62958), with their storage conflicts (two saved locals that
//!   never need their bytes at the same time may share them: the backend packs them into slots
//!   with `assign_slots`, since it knows the sizes). An awaited future is a saved temporary, so
//!   a callee's frame sits inline in its caller's. A saved local holding a future of its own
//!   recursion (`recursive_frames.rs`) is kept on the heap instead: its field is a pointer,
//!   allocated at its `StorageLive` and freed at its `StorageDead` (`expand_heap_storage`),
//!   null otherwise, with a slot of its own;
//! - **poll** `fn(&mut Frame, &mut Context) -> Poll<T>`: the body with every saved local
//!   replaced by its frame field, a dispatch on the state at entry (0 unresumed, 1 returned, 2
//!   poisoned, 3 + i suspended at point i), each `Yield` storing its state and returning
//!   `Pending`, the return storing `Ready(output)` and state 1, and unwinding poisoning the
//!   frame (state 2). Polling a returned or poisoned frame panics with Rust's messages;
//! - **ctor** (the async fn itself): stores the arguments in the frame, state 0;
//! - **drop** `fn(&mut Frame)`: drops what the frame holds in its state (cancellation): the
//!   arguments when unresumed, the locals required across the point when suspended; then, in
//!   every state (a poisoned frame too), frees the heap-saved locals' blocks that are not null.
//!
//! Frame fields in MIR places: `Field(0, u8)` is the state (`u32` past 253 points), `Field(k + 1, T)` the `k`-th saved
//! local (the backend turns them into byte offsets).

use aether_frontend::hir::{self, AdtId, CoroutineFns, VariantIdx};
use aether_frontend::span::Span;
use aether_frontend::ty::{CommonTypes, Mutability as TyMut, Ty, TyInterner, TyKind};

use crate::bitset::BitSet;
use crate::dataflow;
use crate::drop_elab::MaybeInit;
use crate::mir::*;
use crate::needs_drop::NeedsDrop;
use crate::storage;
use crate::storage_conflicts::{self, StorageConflicts};

pub const UNRESUMED: u32 = 0;
pub const RETURNED: u32 = 1;
pub const POISONED: u32 = 2;
pub const FIRST_SUSPENDED: u32 = 3;

/// A local of the async body kept in the frame.
#[derive(Debug, Clone)]
pub struct SavedLocal {
    /// The local in the body before the transform.
    pub local: Local,
    pub ty: Ty,
    pub name: Option<String>,
    pub is_arg: bool,
    /// Stored behind a pointer in the frame (a recursive future, `recursive_frames.rs`): the
    /// field is a `*mut ty`, allocated at the local's `StorageLive` and freed at its
    /// `StorageDead` (or by the frame's drop), null in between.
    pub on_heap: bool,
}

/// What a coroutine frame holds, independent of the target (the backend lays it out).
#[derive(Debug)]
pub struct FrameLayout {
    pub frame_ty: Ty,
    /// The state word's type (`u8`, or `u32` past 253 suspension points).
    pub state_ty: Ty,
    pub fns: CoroutineFns,
    /// The async fn's path (for `--print frame-layout`).
    pub name: String,
    /// Field `k + 1` of the frame.
    pub saved: Vec<SavedLocal>,
    /// Over the locals of the body before the transform.
    pub conflicts: StorageConflicts,
    /// Per state, unresumed first then each suspension point: the saved fields (indices into
    /// `saved`) that hold values there.
    pub holds: Vec<Vec<usize>>,
    /// Per state, like `holds`: the saved fields that may hold a value there (not those moved
    /// out on every path to the point). Their types decide whether the future is `Send`.
    pub values: Vec<Vec<usize>>,
    /// Where each suspension point is (the `.await`).
    pub points: Vec<Span>,
}

/// The result of transforming one async body.
pub struct Transformed {
    pub ctor: Body,
    pub poll: Body,
    pub drop: Body,
    pub layout: FrameLayout,
}

/// The types the transform builds with.
pub struct CoroutineTypes {
    pub frame: Ty,
    pub frame_ref: Ty,
    pub context_ref: Ty,
    /// `Poll<T>` and its ADT (variant 0 `Ready(T)`, variant 1 `Pending`).
    pub poll: Ty,
    pub poll_adt: AdtId,
    pub common: CommonTypes,
    /// The state word: `u8` while the states fit (almost always), else `u32`.
    pub state: Ty,
}

pub fn transform(
    body: Body,
    cx_local: Local,
    fns: CoroutineFns,
    name: String,
    types: &mut CoroutineTypes,
    needs_drop: &NeedsDrop<'_>,
    tys: &TyInterner,
    heap: Option<&BitSet<Local>>,
) -> Transformed {
    let points: Vec<Location> = body
        .block_ids()
        .filter(|&b| matches!(body.block(b).terminator.kind, TerminatorKind::Yield { .. }))
        .map(|b| Location { block: b, statement_index: body.block(b).statements.len() })
        .collect();
    types.state = if points.len() + FIRST_SUSPENDED as usize <= 256 { types.common.u8 } else { types.common.u32 };
    let types: &CoroutineTypes = types;
    let req = storage::requires_storage(&body);
    let mut saved = storage_conflicts::saved_locals(&req, &points);
    // Arguments the body reads are kept from the call to the first poll.
    let entry_live = req.liveness.entry_set(BasicBlock(0)).clone();
    let args: Vec<Local> = (1..=body.arg_count).map(|i| Local(i as u32)).filter(|a| entry_live.contains(*a)).collect();
    for &a in &args {
        saved.insert(a);
    }
    saved.remove(cx_local);
    // What each state holds: the arguments, then what is required across each point.
    let mut held: Vec<BitSet<Local>> = vec![BitSet::from_elems(body.locals.len(), args.iter().copied())];
    for p in &points {
        let reqs = req.block(p.block);
        let mut across = reqs.points[p.statement_index].clone();
        across.intersect(&reqs.points[p.statement_index + 1]);
        across.intersect(&saved);
        held.push(across);
    }
    let mut conflicts = storage_conflicts::conflicts(&req, saved.clone());
    let on_heap = |l: Local| heap.is_some_and(|h| h.contains(l)) && saved.contains(l);
    // A heap pointer must stay valid (null or allocated) in every state: its own slot.
    for l in saved.iter().filter(|l| on_heap(*l)) {
        conflicts.conflict_with_all(l);
    }
    drop(req);
    // Whether each held local still holds its value at each point: a value moved out on some
    // path is dropped only if its drop flag says it is there.
    let init_at = initialization_at(&body, &points, needs_drop);

    let saved_list: Vec<SavedLocal> = saved
        .iter()
        .map(|l| {
            let d = &body.locals[l.index()];
            SavedLocal {
                local: l,
                ty: d.ty,
                name: d.name.clone(),
                is_arg: l.index() >= 1 && l.index() <= body.arg_count,
                on_heap: on_heap(l),
            }
        })
        .collect();
    let mut field_of: Vec<Option<u32>> = vec![None; body.locals.len()];
    for (k, s) in saved_list.iter().enumerate() {
        field_of[s.local.index()] = Some(k as u32 + 1);
    }
    let holds: Vec<Vec<usize>> = held
        .iter()
        .map(|set| saved_list.iter().enumerate().filter(|(_, s)| set.contains(s.local)).map(|(k, _)| k).collect())
        .collect();
    // How the frame's drop treats each held local in each state.
    let drops: Vec<Vec<(usize, HeldDrop)>> = holds
        .iter()
        .enumerate()
        .map(|(state, held)| {
            held.iter()
                .map(|&k| {
                    let l = saved_list[k].local;
                    let how = match state.checked_sub(1).map(|p| &init_at[p]) {
                        None => HeldDrop::Always,
                        Some((mi, _)) if !mi.contains(l) => HeldDrop::Never,
                        Some((_, mu)) if !mu.contains(l) => HeldDrop::Always,
                        Some(_) => {
                            match body.drop_flags.iter().find(|(x, _)| *x == l).and_then(|(_, f)| field_of[f.index()]) {
                                Some(field) => HeldDrop::IfFlag(field),
                                // No flag kept across the point: leaking beats a double drop.
                                None => HeldDrop::Never,
                            }
                        }
                    };
                    (k, how)
                })
                .collect()
        })
        .collect();
    let values: Vec<Vec<usize>> = holds
        .iter()
        .enumerate()
        .map(|(state, held)| {
            held.iter()
                .copied()
                .filter(|&k| match state.checked_sub(1) {
                    None => true,
                    // Only types with drop glue are tracked (and only they can be moved out of).
                    Some(p) => !needs_drop.needs_drop(saved_list[k].ty) || init_at[p].0.contains(saved_list[k].local),
                })
                .collect()
        })
        .collect();
    let point_spans: Vec<Span> = points.iter().map(|p| body.block(p.block).terminator.span).collect();

    // The field type of each saved local on the heap: a pointer to it.
    let mut heap_ptr: Vec<Option<Ty>> = vec![None; body.locals.len()];
    for s in saved_list.iter().filter(|s| s.on_heap) {
        heap_ptr[s.local.index()] = Some(tys.intern(TyKind::RawPtr(s.ty, TyMut::Mut)));
    }
    let rw = Rewriter { field_of: &field_of, heap_ptr: &heap_ptr, cx_local, types, offset: 3 };
    let poll = rw.poll_body(&body, &points, fns.poll, tys);
    let ctor = ctor_body(&body, &field_of, &heap_ptr, types, fns.ctor, needs_drop);
    let drop = drop_body(&saved_list, &heap_ptr, &drops, types, fns.drop, needs_drop, body.span, tys);
    let layout = FrameLayout {
        frame_ty: types.frame,
        state_ty: types.state,
        fns,
        name,
        saved: saved_list,
        conflicts,
        holds,
        values,
        points: point_spans,
    };
    Transformed { ctor, poll, drop, layout }
}

/// `(*frame).field` in the poll and drop functions (the frame pointer is `_1`).
fn frame_field(field: u32, ty: Ty) -> Place {
    Place { local: Local(1), projection: vec![PlaceElem::Deref, PlaceElem::Field(field, ty)] }
}

/// Where a saved local of type `ty` in frame field `field` lives in the poll and drop
/// functions: the field, or, for a heap-saved local (`heap_ptr` its field's pointer type),
/// what the field points to.
fn saved_place(field: u32, ty: Ty, heap_ptr: Option<Ty>) -> Place {
    match heap_ptr {
        Some(ptr) => Place {
            local: Local(1),
            projection: vec![PlaceElem::Deref, PlaceElem::Field(field, ptr), PlaceElem::Deref],
        },
        None => frame_field(field, ty),
    }
}

fn const_state(types: &CoroutineTypes, v: u32) -> Operand {
    Operand::Constant(Constant { ty: types.state, value: ConstValue::Scalar(v as u128) })
}

fn set_state(types: &CoroutineTypes, state: u32, span: Span) -> Statement {
    Statement { kind: StatementKind::Assign(frame_field(0, types.state), Rvalue::Use(const_state(types, state))), span }
}

struct Rewriter<'a> {
    field_of: &'a [Option<u32>],
    /// Per local of the body: `Some(*mut T)` if it is saved on the heap.
    heap_ptr: &'a [Option<Ty>],
    cx_local: Local,
    types: &'a CoroutineTypes,
    /// Old local `l` is new local `l + offset` (unless saved or the context).
    offset: u32,
}

impl Rewriter<'_> {
    /// Where saved local `l` (field `f`) lives in the poll function.
    fn saved_place(&self, l: Local, f: u32, old: &[LocalDecl]) -> Place {
        saved_place(f, old[l.index()].ty, self.heap_ptr[l.index()])
    }

    fn local(&self, l: Local) -> Local {
        if l == self.cx_local {
            Local(2)
        } else {
            Local(l.0 + self.offset)
        }
    }

    /// The place in the poll function; an `Index` by a saved local reads it into a fresh
    /// temporary first (an index must be a plain local).
    fn place(
        &self,
        p: &Place,
        locals: &mut Vec<LocalDecl>,
        old: &[LocalDecl],
        pre: &mut Vec<Statement>,
        span: Span,
    ) -> Place {
        let mut projection = Vec::new();
        for e in &p.projection {
            projection.push(match e {
                PlaceElem::Index(l) => match self.field_of[l.index()] {
                    Some(f) => {
                        let ty = old[l.index()].ty;
                        locals.push(LocalDecl { ty, name: None, mutable: true, span });
                        let t = Local(locals.len() as u32 - 1);
                        pre.push(Statement {
                            kind: StatementKind::Assign(
                                Place::local(t),
                                Rvalue::Use(Operand::Copy(self.saved_place(*l, f, old))),
                            ),
                            span,
                        });
                        PlaceElem::Index(t)
                    }
                    None => PlaceElem::Index(self.local(*l)),
                },
                other => other.clone(),
            });
        }
        match self.field_of[p.local.index()] {
            Some(f) => {
                let mut full = self.saved_place(p.local, f, old);
                full.projection.extend(projection);
                full
            }
            None => Place { local: self.local(p.local), projection },
        }
    }

    fn operand(
        &self,
        o: &Operand,
        locals: &mut Vec<LocalDecl>,
        old: &[LocalDecl],
        pre: &mut Vec<Statement>,
        span: Span,
    ) -> Operand {
        match o {
            Operand::Copy(p) => Operand::Copy(self.place(p, locals, old, pre, span)),
            Operand::Move(p) => Operand::Move(self.place(p, locals, old, pre, span)),
            Operand::Constant(c) => Operand::Constant(c.clone()),
        }
    }

    fn rvalue(
        &self,
        rv: &Rvalue,
        locals: &mut Vec<LocalDecl>,
        old: &[LocalDecl],
        pre: &mut Vec<Statement>,
        span: Span,
    ) -> Rvalue {
        let op = |o: &Operand, locals: &mut Vec<LocalDecl>, pre: &mut Vec<Statement>| {
            self.operand(o, locals, old, pre, span)
        };
        match rv {
            Rvalue::Use(o) => Rvalue::Use(op(o, locals, pre)),
            Rvalue::BinaryOp(b, x, y) => {
                let x = op(x, locals, pre);
                Rvalue::BinaryOp(*b, x, op(y, locals, pre))
            }
            Rvalue::CheckedBinaryOp(b, x, y) => {
                let x = op(x, locals, pre);
                Rvalue::CheckedBinaryOp(*b, x, op(y, locals, pre))
            }
            Rvalue::UnaryOp(u, x) => Rvalue::UnaryOp(*u, op(x, locals, pre)),
            Rvalue::Cast(k, x, t) => Rvalue::Cast(*k, op(x, locals, pre), *t),
            Rvalue::Ref(m, p) => Rvalue::Ref(*m, self.place(p, locals, old, pre, span)),
            Rvalue::Len(p) => Rvalue::Len(self.place(p, locals, old, pre, span)),
            Rvalue::Discriminant(p) => Rvalue::Discriminant(self.place(p, locals, old, pre, span)),
            Rvalue::Aggregate(k, xs) => Rvalue::Aggregate(*k, xs.iter().map(|x| op(x, locals, pre)).collect()),
            Rvalue::Repeat(x, n) => Rvalue::Repeat(op(x, locals, pre), *n),
        }
    }

    fn poll_body(&self, body: &Body, points: &[Location], fn_id: hir::FnId, tys: &TyInterner) -> Body {
        let types = self.types;
        let span = body.span;
        let mut locals = vec![
            LocalDecl { ty: types.poll, name: None, mutable: true, span },
            LocalDecl { ty: types.frame_ref, name: Some("frame".into()), mutable: false, span },
            LocalDecl { ty: types.context_ref, name: Some("cx".into()), mutable: false, span },
        ];
        locals.extend(body.locals.iter().cloned());
        let mut heap = Vec::new();
        for (i, p) in self.heap_ptr.iter().enumerate() {
            if let (Some(ptr), Some(field)) = (p, self.field_of[i]) {
                let marker = self.local(Local(i as u32));
                locals[marker.index()].ty = *ptr;
                heap.push(HeapSlot { marker, field, ty: body.locals[i].ty, ptr: *ptr });
            }
        }
        let old = &body.locals;
        // Block `b` of the body is block `b + 1`; block 0 dispatches on the state.
        let shift = |b: BasicBlock| BasicBlock(b.0 + 1);
        let mut blocks: Vec<BasicBlockData> = Vec::new();
        blocks.push(BasicBlockData {
            statements: Vec::new(),
            terminator: Terminator { kind: TerminatorKind::Unreachable, span },
            is_cleanup: false,
        });
        let n_old = body.blocks.len() as u32;
        for (bi, data) in body.blocks.iter().enumerate() {
            let mut stmts = Vec::new();
            for s in &data.statements {
                let mut pre = Vec::new();
                let kind = match &s.kind {
                    // A heap-saved local's storage is its allocation: the markers become the
                    // allocation and the free (`expand_heap_storage`).
                    StatementKind::StorageLive(l) if self.heap_ptr[l.index()].is_some() => {
                        StatementKind::StorageLive(self.local(*l))
                    }
                    StatementKind::StorageDead(l) if self.heap_ptr[l.index()].is_some() => {
                        StatementKind::StorageDead(self.local(*l))
                    }
                    StatementKind::StorageLive(l) | StatementKind::StorageDead(l)
                        if self.field_of[l.index()].is_some() || *l == self.cx_local =>
                    {
                        StatementKind::Nop
                    }
                    StatementKind::StorageLive(l) => StatementKind::StorageLive(self.local(*l)),
                    StatementKind::StorageDead(l) => StatementKind::StorageDead(self.local(*l)),
                    StatementKind::Assign(p, rv) => {
                        let rv = self.rvalue(rv, &mut locals, old, &mut pre, s.span);
                        StatementKind::Assign(self.place(p, &mut locals, old, &mut pre, s.span), rv)
                    }
                    StatementKind::SetDiscriminant { place, variant } => StatementKind::SetDiscriminant {
                        place: self.place(place, &mut locals, old, &mut pre, s.span),
                        variant: *variant,
                    },
                    StatementKind::Nop => StatementKind::Nop,
                };
                stmts.extend(pre);
                if !matches!(kind, StatementKind::Nop) {
                    stmts.push(Statement { kind, span: s.span });
                }
            }
            let tspan = data.terminator.span;
            let mut pre = Vec::new();
            let unwind = |u: &UnwindAction| match u {
                UnwindAction::Cleanup(b) => UnwindAction::Cleanup(shift(*b)),
                other => *other,
            };
            let kind = match &data.terminator.kind {
                TerminatorKind::Goto { target } => TerminatorKind::Goto { target: shift(*target) },
                TerminatorKind::SwitchInt { discr, targets, otherwise } => TerminatorKind::SwitchInt {
                    discr: self.operand(discr, &mut locals, old, &mut pre, tspan),
                    targets: targets.iter().map(|(v, b)| (*v, shift(*b))).collect(),
                    otherwise: shift(*otherwise),
                },
                TerminatorKind::Call { callee, args, destination, target, unwind: u } => TerminatorKind::Call {
                    callee: callee.clone(),
                    args: args.iter().map(|a| self.operand(a, &mut locals, old, &mut pre, tspan)).collect(),
                    destination: self.place(destination, &mut locals, old, &mut pre, tspan),
                    target: target.map(shift),
                    unwind: unwind(u),
                },
                TerminatorKind::Assert { cond, expected, msg, target, unwind: u } => TerminatorKind::Assert {
                    cond: self.operand(cond, &mut locals, old, &mut pre, tspan),
                    expected: *expected,
                    msg: match msg {
                        AssertKind::BoundsCheck { len, index } => AssertKind::BoundsCheck {
                            len: self.operand(len, &mut locals, old, &mut pre, tspan),
                            index: self.operand(index, &mut locals, old, &mut pre, tspan),
                        },
                        other => other.clone(),
                    },
                    target: shift(*target),
                    unwind: unwind(u),
                },
                TerminatorKind::Drop { place, target, unwind: u } => TerminatorKind::Drop {
                    place: self.place(place, &mut locals, old, &mut pre, tspan),
                    target: shift(*target),
                    unwind: unwind(u),
                },
                TerminatorKind::Yield { .. } => {
                    let i = points.iter().position(|p| p.block.index() == bi).expect("a yield is a point") as u32;
                    pre.push(set_state(types, FIRST_SUSPENDED + i, tspan));
                    pre.push(Statement {
                        kind: StatementKind::Assign(
                            Place::local(Local(0)),
                            Rvalue::Aggregate(AggregateKind::Adt(types.poll_adt, VariantIdx(1)), Vec::new()),
                        ),
                        span: tspan,
                    });
                    TerminatorKind::Return
                }
                TerminatorKind::Return => {
                    let out = self.place(&Place::local(Local(0)), &mut locals, old, &mut pre, tspan);
                    pre.push(Statement {
                        kind: StatementKind::Assign(
                            Place::local(Local(0)),
                            Rvalue::Aggregate(
                                AggregateKind::Adt(types.poll_adt, VariantIdx(0)),
                                vec![Operand::Move(out)],
                            ),
                        ),
                        span: tspan,
                    });
                    pre.push(set_state(types, RETURNED, tspan));
                    TerminatorKind::Return
                }
                TerminatorKind::UnwindResume => {
                    // A panic leaves the frame poisoned.
                    pre.push(set_state(types, POISONED, tspan));
                    TerminatorKind::UnwindResume
                }
                TerminatorKind::Unreachable => TerminatorKind::Unreachable,
            };
            stmts.extend(pre);
            blocks.push(BasicBlockData {
                statements: stmts,
                terminator: Terminator { kind, span: tspan },
                is_cleanup: data.is_cleanup,
            });
        }
        // The dispatch: state 0 starts the body, 3 + i resumes after point i.
        locals.push(LocalDecl { ty: types.state, name: None, mutable: true, span });
        let state = Local(locals.len() as u32 - 1);
        let mut targets = vec![(UNRESUMED as u128, BasicBlock(1))];
        for (i, p) in points.iter().enumerate() {
            let TerminatorKind::Yield { resume } = body.block(p.block).terminator.kind else {
                unreachable!("a point is a yield")
            };
            targets.push(((FIRST_SUSPENDED + i as u32) as u128, shift(resume)));
        }
        let mut panic_block = |msg: &str| {
            let unit = types.common.unit;
            locals.push(LocalDecl { ty: unit, name: None, mutable: true, span });
            let dest = Local(locals.len() as u32 - 1);
            let s = Operand::Constant(Constant { ty: types.common.static_str, value: ConstValue::Str(msg.into()) });
            blocks.push(BasicBlockData {
                statements: Vec::new(),
                terminator: Terminator {
                    kind: TerminatorKind::Call {
                        callee: Callee::Intrinsic(Intrinsic::Panic),
                        args: vec![s],
                        destination: Place::local(dest),
                        target: None,
                        unwind: UnwindAction::Continue,
                    },
                    span,
                },
                is_cleanup: false,
            });
            BasicBlock(blocks.len() as u32 - 1)
        };
        let returned = panic_block("`async fn` resumed after completion");
        let poisoned = panic_block("`async fn` resumed after panicking");
        targets.push((RETURNED as u128, returned));
        blocks[0].statements.push(Statement {
            kind: StatementKind::Assign(Place::local(state), Rvalue::Use(Operand::Copy(frame_field(0, types.state)))),
            span,
        });
        blocks[0].terminator = Terminator {
            kind: TerminatorKind::SwitchInt { discr: Operand::Move(Place::local(state)), targets, otherwise: poisoned },
            span,
        };
        let _ = n_old;
        let mut poll = Body { fn_id, locals, arg_count: 2, blocks, span, drop_flags: Vec::new() };
        expand_heap_storage(&mut poll, &heap, types, tys);
        poll
    }
}

/// The async fn itself: `_0.state = 0`, each kept argument moved into its field; the others
/// dropped (the body never reads them).
fn ctor_body(
    body: &Body,
    field_of: &[Option<u32>],
    heap_ptr: &[Option<Ty>],
    types: &CoroutineTypes,
    fn_id: hir::FnId,
    needs_drop: &NeedsDrop<'_>,
) -> Body {
    let span = body.span;
    let mut locals = vec![LocalDecl { ty: types.frame, name: None, mutable: true, span }];
    locals.extend(body.locals[1..=body.arg_count].iter().cloned());
    let field = |f: u32, ty: Ty| Place { local: Local(0), projection: vec![PlaceElem::Field(f, ty)] };
    let mut statements = vec![Statement {
        kind: StatementKind::Assign(field(0, types.state), Rvalue::Use(const_state(types, UNRESUMED))),
        span,
    }];
    // Heap-saved locals start unallocated.
    for (i, p) in heap_ptr.iter().enumerate() {
        if let (Some(ptr), Some(f)) = (p, field_of[i]) {
            let zero = Operand::Constant(Constant { ty: types.common.usize, value: ConstValue::Scalar(0) });
            statements.push(Statement {
                kind: StatementKind::Assign(field(f, *ptr), Rvalue::Cast(CastKind::IntToPtr, zero, *ptr)),
                span,
            });
        }
    }
    let mut unread = Vec::new();
    for a in 1..=body.arg_count {
        let ty = body.locals[a].ty;
        match field_of[a] {
            Some(f) => statements.push(Statement {
                kind: StatementKind::Assign(field(f, ty), Rvalue::Use(Operand::Move(Place::local(Local(a as u32))))),
                span,
            }),
            None if needs_drop.needs_drop(ty) => unread.push(Local(a as u32)),
            None => {}
        }
    }
    let mut blocks = vec![BasicBlockData {
        statements,
        terminator: Terminator { kind: TerminatorKind::Return, span },
        is_cleanup: false,
    }];
    chain_drops(&mut blocks, unread.into_iter().rev().map(Place::local).collect(), span);
    Body { fn_id, locals, arg_count: body.arg_count, blocks, span, drop_flags: Vec::new() }
}

/// Replaces block 0's `Return` by drops of `places` in order, then the return.
fn chain_drops(blocks: &mut Vec<BasicBlockData>, places: Vec<Place>, span: Span) {
    let mut from = 0;
    for p in places {
        blocks.push(BasicBlockData {
            statements: Vec::new(),
            terminator: Terminator { kind: TerminatorKind::Return, span },
            is_cleanup: false,
        });
        let next = BasicBlock(blocks.len() as u32 - 1);
        blocks[from].terminator =
            Terminator { kind: TerminatorKind::Drop { place: p, target: next, unwind: UnwindAction::Continue }, span };
        from = next.index();
    }
}

/// How the frame's drop treats a held local in one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HeldDrop {
    /// Initialized on every path to the point.
    Always,
    /// Moved out on every path (its storage is still held).
    Never,
    /// Initialized on some paths: dropped if its drop flag, saved as this frame field, is set.
    IfFlag(u32),
}

/// Per suspension point: the tracked locals maybe initialized and maybe uninitialized there.
fn initialization_at(
    body: &Body,
    points: &[Location],
    needs_drop: &NeedsDrop<'_>,
) -> Vec<(BitSet<Local>, BitSet<Local>)> {
    let n = body.locals.len();
    let tracked = BitSet::from_elems(
        n,
        (1..n).map(|i| Local(i as u32)).filter(|l| needs_drop.needs_drop(body.locals[l.index()].ty)),
    );
    let mi = dataflow::solve(body, MaybeInit { tracked: tracked.clone(), init: true });
    let mu = dataflow::solve(body, MaybeInit { tracked, init: false });
    points.iter().map(|p| (mi.state_before(*p).clone(), mu.state_before(*p).clone())).collect()
}

/// The frame's drop: by state, what it holds, last saved first (a local moved out on some
/// paths only if its saved drop flag is set).
#[allow(clippy::too_many_arguments)]
fn drop_body(
    saved: &[SavedLocal],
    heap_ptr: &[Option<Ty>],
    drops: &[Vec<(usize, HeldDrop)>],
    types: &CoroutineTypes,
    fn_id: hir::FnId,
    needs_drop: &NeedsDrop<'_>,
    span: Span,
    tys: &TyInterner,
) -> Body {
    let mut locals = vec![
        LocalDecl { ty: types.common.unit, name: None, mutable: true, span },
        LocalDecl { ty: types.frame_ref, name: Some("frame".into()), mutable: false, span },
        LocalDecl { ty: types.state, name: None, mutable: true, span },
    ];
    // Whatever the state, the heap-saved locals' allocations are freed last (their values,
    // where held, were dropped first).
    let mut heap = Vec::new();
    for (k, s) in saved.iter().enumerate() {
        if let Some(ptr) = heap_ptr[s.local.index()] {
            locals.push(LocalDecl { ty: ptr, name: None, mutable: true, span });
            let marker = Local(locals.len() as u32 - 1);
            heap.push(HeapSlot { marker, field: k as u32 + 1, ty: s.ty, ptr });
        }
    }
    let place_of = |k: usize| saved_place(k as u32 + 1, saved[k].ty, heap_ptr[saved[k].local.index()]);
    let ret = || BasicBlockData {
        statements: Vec::new(),
        terminator: Terminator { kind: TerminatorKind::Return, span },
        is_cleanup: false,
    };
    let mut blocks = vec![ret(), ret()];
    let done = BasicBlock(1);
    blocks[1].statements =
        heap.iter().map(|h| Statement { kind: StatementKind::StorageDead(h.marker), span }).collect();
    // Each state's drops end by freeing the heap blocks, or return when there are none.
    let heap_empty = heap.is_empty();
    let to_done = || BasicBlockData {
        statements: Vec::new(),
        terminator: Terminator {
            kind: if heap_empty { TerminatorKind::Return } else { TerminatorKind::Goto { target: done } },
            span,
        },
        is_cleanup: false,
    };
    let mut targets = Vec::new();
    for (state, held) in drops.iter().enumerate() {
        let places: Vec<(Place, HeldDrop)> = held
            .iter()
            .rev()
            .filter(|(k, how)| *how != HeldDrop::Never && needs_drop.needs_drop(saved[*k].ty))
            .map(|&(k, how)| (place_of(k), how))
            .collect();
        if places.is_empty() {
            continue;
        }
        let code = if state == 0 { UNRESUMED } else { FIRST_SUSPENDED + state as u32 - 1 };
        let start = BasicBlock(blocks.len() as u32);
        targets.push((code as u128, start));
        // One block per place (a flag test first where needed), each going on to the next;
        // the last returns.
        for (place, how) in places {
            let here = BasicBlock(blocks.len() as u32);
            let next = BasicBlock(here.0 + if matches!(how, HeldDrop::IfFlag(_)) { 2 } else { 1 });
            if let HeldDrop::IfFlag(field) = how {
                let flag = Operand::Copy(frame_field(field, types.common.bool));
                let drop_block = BasicBlock(here.0 + 1);
                blocks.push(BasicBlockData {
                    statements: Vec::new(),
                    terminator: Terminator {
                        kind: TerminatorKind::SwitchInt {
                            discr: flag,
                            targets: vec![(0, next)],
                            otherwise: drop_block,
                        },
                        span,
                    },
                    is_cleanup: false,
                });
            }
            blocks.push(BasicBlockData {
                statements: Vec::new(),
                terminator: Terminator {
                    kind: TerminatorKind::Drop { place, target: next, unwind: UnwindAction::Continue },
                    span,
                },
                is_cleanup: false,
            });
        }
        blocks.push(to_done());
    }
    blocks[0].statements.push(Statement {
        kind: StatementKind::Assign(Place::local(Local(2)), Rvalue::Use(Operand::Copy(frame_field(0, types.state)))),
        span,
    });
    blocks[0].terminator = Terminator {
        kind: TerminatorKind::SwitchInt { discr: Operand::Move(Place::local(Local(2))), targets, otherwise: done },
        span,
    };
    let mut drop = Body { fn_id, locals, arg_count: 1, blocks, span, drop_flags: Vec::new() };
    expand_heap_storage(&mut drop, &heap, types, tys);
    drop
}

/// A heap-saved local in the poll or drop function: `marker` is the local whose
/// `StorageLive`/`StorageDead` stand for allocating and freeing field `field` (a `ptr`, which is
/// `*mut ty`).
struct HeapSlot {
    marker: Local,
    field: u32,
    ty: Ty,
    ptr: Ty,
}

/// Replaces each `StorageLive(marker)` of `heap` by the allocation of its local
/// (`field = alloc(size_of::<T>(), align_of::<T>())`) and each `StorageDead(marker)` by its
/// free (when the field is not null; then null), splitting blocks around the calls.
fn expand_heap_storage(body: &mut Body, heap: &[HeapSlot], types: &CoroutineTypes, tys: &TyInterner) {
    if heap.is_empty() {
        return;
    }
    use aether_frontend::hir::MemIntrinsic;
    let span = body.span;
    let usize_ty = types.common.usize;
    let unit = types.common.unit;
    let raw_ty = tys.intern(TyKind::RawPtr(types.common.u8, TyMut::Mut));
    let mut work: Vec<BasicBlock> = body.block_ids().collect();
    while let Some(b) = work.pop() {
        let found = body.block(b).statements.iter().enumerate().find_map(|(i, s)| match s.kind {
            StatementKind::StorageLive(l) => heap.iter().find(|h| h.marker == l).map(|h| (i, h, true)),
            StatementKind::StorageDead(l) => heap.iter().find(|h| h.marker == l).map(|h| (i, h, false)),
            _ => None,
        });
        let Some((i, h, alloc)) = found else { continue };
        let is_cleanup = body.block(b).is_cleanup;
        // The rest of the block (after the marker) moves to a new block, itself searched again.
        let data = &mut body.blocks[b.index()];
        let rest: Vec<Statement> = data.statements.split_off(i + 1);
        data.statements.pop();
        let term = std::mem::replace(&mut data.terminator, Terminator { kind: TerminatorKind::Unreachable, span });
        let new_block = |body: &mut Body| {
            body.blocks.push(BasicBlockData {
                statements: Vec::new(),
                terminator: Terminator { kind: TerminatorKind::Unreachable, span },
                is_cleanup,
            });
            BasicBlock(body.blocks.len() as u32 - 1)
        };
        let tail = new_block(body);
        body.blocks[tail.index()].statements = rest;
        body.blocks[tail.index()].terminator = term;
        work.push(tail);
        let temp = |body: &mut Body, ty: Ty| {
            body.locals.push(LocalDecl { ty, name: None, mutable: true, span });
            Local(body.locals.len() as u32 - 1)
        };
        let field = frame_field(h.field, h.ptr);
        let (size, align) = (temp(body, usize_ty), temp(body, usize_ty));
        let mem = |which, ty| Callee::Intrinsic(Intrinsic::Mem(which, ty));
        // `from` calls `callee(args) -> dest` and goes on in a new block, returned.
        let call = |body: &mut Body, from: BasicBlock, callee: Callee, args: Vec<Operand>, dest: Local| {
            let next = new_block(body);
            body.blocks[from.index()].terminator = Terminator {
                kind: TerminatorKind::Call {
                    callee,
                    args,
                    destination: Place::local(dest),
                    target: Some(next),
                    unwind: UnwindAction::Continue,
                },
                span,
            };
            next
        };
        let assign = |body: &mut Body, at: BasicBlock, place: Place, rv: Rvalue| {
            body.blocks[at.index()].statements.push(Statement { kind: StatementKind::Assign(place, rv), span });
        };
        let goto = |body: &mut Body, from: BasicBlock, target: BasicBlock| {
            body.blocks[from.index()].terminator = Terminator { kind: TerminatorKind::Goto { target }, span };
        };
        if alloc {
            let raw = temp(body, raw_ty);
            let b1 = call(body, b, mem(MemIntrinsic::SizeOf, h.ty), Vec::new(), size);
            let b2 = call(body, b1, mem(MemIntrinsic::AlignOf, h.ty), Vec::new(), align);
            let args = vec![Operand::Copy(Place::local(size)), Operand::Copy(Place::local(align))];
            let b3 = call(body, b2, mem(MemIntrinsic::Alloc, unit), args, raw);
            assign(body, b3, field, Rvalue::Cast(CastKind::PtrToPtr, Operand::Move(Place::local(raw)), h.ptr));
            goto(body, b3, tail);
        } else {
            let (addr, raw, done) = (temp(body, usize_ty), temp(body, raw_ty), temp(body, unit));
            assign(
                body,
                b,
                Place::local(addr),
                Rvalue::Cast(CastKind::PtrToInt, Operand::Copy(field.clone()), usize_ty),
            );
            let free = new_block(body);
            body.blocks[b.index()].terminator = Terminator {
                kind: TerminatorKind::SwitchInt {
                    discr: Operand::Move(Place::local(addr)),
                    targets: vec![(0, tail)],
                    otherwise: free,
                },
                span,
            };
            let b1 = call(body, free, mem(MemIntrinsic::SizeOf, h.ty), Vec::new(), size);
            let b2 = call(body, b1, mem(MemIntrinsic::AlignOf, h.ty), Vec::new(), align);
            assign(body, b2, Place::local(raw), Rvalue::Cast(CastKind::PtrToPtr, Operand::Copy(field.clone()), raw_ty));
            let args = vec![
                Operand::Move(Place::local(raw)),
                Operand::Copy(Place::local(size)),
                Operand::Copy(Place::local(align)),
            ];
            let b3 = call(body, b2, mem(MemIntrinsic::Dealloc, unit), args, done);
            let zero = Operand::Constant(Constant { ty: usize_ty, value: ConstValue::Scalar(0) });
            assign(body, b3, field, Rvalue::Cast(CastKind::IntToPtr, zero, h.ptr));
            goto(body, b3, tail);
        }
    }
}
