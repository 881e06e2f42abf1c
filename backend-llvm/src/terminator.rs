//! Terminators, calls, checks and unwinding.
//!
//! Unwinding follows `aether_rt.h` (section UNWINDING): a `Call`, `Assert` or `Drop` whose
//! unwind action is `Cleanup(bb)` becomes an `invoke` whose unwind edge is a landing pad
//! (`landingpad { ptr, i32 } cleanup`, one per cleanup block) that saves the exception in a
//! stack slot and branches to `bb`; `UnwindResume` at the end of the cleanup chain reloads it
//! and `resume`s. A function with landing pads (or `resume`) names
//! `personality ptr @aether_rt_eh_personality`. `UnwindAction::Continue` and `Unreachable` are
//! plain calls: the unwinder passes through the frame using its unwind table (every function
//! with a body is `uwtable`; none is `nounwind` unless it is `extern "C"`). Calls to runtime
//! functions that never unwind are plain calls whatever the MIR says.
//!
//! `extern "C"` exports must not let a panic escape (Rust aborts with "panic in a function that
//! cannot unwind"): in them, `Continue` means a landing pad that calls `aether_rt_abort`, and
//! `UnwindResume` aborts the same way.
//!
//! `Drop`: a call of the type's drop glue (`drop_glue.rs`) with the place's address, an `invoke`
//! when the drop may unwind into a cleanup block; a branch for types without glue.

use aether_frontend::hir::Linkage as HirLinkage;
use aether_frontend::span::Span;
use aether_middle::mir::*;
use inkwell::basic_block::BasicBlock as LlvmBlock;
use inkwell::values::{BasicValueEnum, CallSiteValue, FunctionValue, IntValue};
use inkwell::IntPredicate;

use crate::codegen::{FnCx, UnwindTarget};
use crate::layout::const_u128;
use crate::runtime_fn::RuntimeFunction;
use crate::BackendError;

/// What Rust prints when a panic would unwind out of an `extern "C"` function.
const CANNOT_UNWIND: &str = "panic in a function that cannot unwind";

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    pub(crate) fn terminator(&mut self, t: &Terminator) -> Result<(), BackendError> {
        match &t.kind {
            TerminatorKind::Goto { target } => {
                self.b().build_unconditional_branch(self.blocks[target.index()])?;
            }
            TerminatorKind::SwitchInt { discr, targets, otherwise } => {
                let v = self.int_operand(discr)?;
                let it = v.get_type();
                // A two-way switch (every `if` and `while`) is a `br`: at -O0 FastISel selects
                // `br` but hands each `switch` block to SelectionDAG, which is several times
                // slower, and the optimizer turns such a `switch` into this `br` anyway.
                if let [(val, b)] = targets.as_slice() {
                    let case = self.blocks[b.index()];
                    let other = self.blocks[otherwise.index()];
                    let is_bool = it.get_bit_width() == 1;
                    let (cond, on_true, on_false) = match (is_bool, *val) {
                        // `switchInt(c) -> [0: else, otherwise: then]`: branch on `c` itself.
                        (true, 0) => (v, other, case),
                        (true, _) => (v, case, other),
                        _ => (self.b().build_int_compare(IntPredicate::EQ, v, const_u128(it, *val), "")?, case, other),
                    };
                    self.b().build_conditional_branch(cond, on_true, on_false)?;
                    return Ok(());
                }
                let cases: Vec<(IntValue, LlvmBlock)> =
                    targets.iter().map(|(val, b)| (const_u128(it, *val), self.blocks[b.index()])).collect();
                self.b().build_switch(v, self.blocks[otherwise.index()], &cases)?;
            }
            TerminatorKind::Return => {
                if let Some(abi) = self.cg.fn_abis.get(&self.body.fn_id).cloned() {
                    return self.return_c(&abi);
                }
                let ret_ty = self.body.local_decl(Local::RETURN_PLACE).ty;
                match self.slots[0] {
                    Some(slot) => {
                        let v = self
                            .load_value(slot, ret_ty)?
                            .ok_or_else(|| BackendError::Internal("sized return place".into()))?;
                        self.b().build_return(Some(&v))?;
                    }
                    None => {
                        self.b().build_return(None)?;
                    }
                }
            }
            TerminatorKind::Unreachable => {
                self.b().build_unreachable()?;
            }
            TerminatorKind::Yield { .. } => {
                return Err(BackendError::Internal("a `yield` survived the coroutine transform".into()))
            }
            TerminatorKind::UnwindResume => {
                if self.nounwind_boundary {
                    return self.abort(CANNOT_UNWIND);
                }
                let personality = self.cg.runtime(RuntimeFunction::EhPersonality);
                self.func.set_personality_function(personality);
                let slot = self.exn_slot()?;
                let lp = self.b().build_load(self.lp_type(), slot, "exn")?;
                self.b().build_resume(lp)?;
            }
            TerminatorKind::Assert { cond, expected, msg, target, unwind } => {
                let c = self.int_operand(cond)?;
                let panic_bb = self.append_block("panic");
                let ok = self.blocks[target.index()];
                if *expected {
                    self.b().build_conditional_branch(c, ok, panic_bb)?;
                } else {
                    self.b().build_conditional_branch(c, panic_bb, ok)?;
                }
                self.b().position_at_end(panic_bb);
                let unwind = self.unwind_target(*unwind);
                match msg {
                    AssertKind::BoundsCheck { len, index } => {
                        let usize_t = self.cg.layouts.usize_type();
                        let index = self.int_operand(index)?;
                        let index = self.b().build_int_cast_sign_flag(index, usize_t, false, "")?;
                        let len = self.int_operand(len)?;
                        let len = self.b().build_int_cast_sign_flag(len, usize_t, false, "")?;
                        self.panic_call(RuntimeFunction::PanicBounds, vec![index.into(), len.into()], t.span, unwind)?;
                    }
                    other => {
                        let m = other.message();
                        let p = self.cg.string_ptr(m);
                        let n = self.cg.usize_const(m.len() as u64);
                        self.panic_call(RuntimeFunction::Panic, vec![p.into(), n.into()], t.span, unwind)?;
                    }
                }
                self.b().build_unreachable()?;
            }
            TerminatorKind::Call { callee, args, destination, target, unwind } => {
                let unwind = self.unwind_target(*unwind);
                match callee {
                    Callee::Fn(id) => {
                        let f = self.cg.function(*id)?;
                        if let Some(abi) = self.cg.fn_abis.get(id).cloned() {
                            // `extern "C"` functions never unwind into us (they are
                            // `nounwind`); `extern "C-unwind"` ones may.
                            let may_unwind = self.cg.krate.fn_def(*id).linkage == HirLinkage::ImportCUnwind;
                            self.call_c(&abi, f, args, destination, may_unwind.then_some(unwind))?;
                        } else {
                            let mut vals: Vec<BasicValueEnum> = Vec::new();
                            for a in args {
                                if let Some(v) = self.operand(a)? {
                                    vals.push(v);
                                }
                            }
                            let call = self.call(f, &vals, unwind)?;
                            if let Some(v) = call.try_as_basic_value().basic() {
                                let dest_ty = self.place_ty(destination);
                                let pr = self.place(destination)?;
                                self.store_value(pr.ptr, v, dest_ty)?;
                            }
                        }
                    }
                    Callee::Intrinsic(i) => self.intrinsic(*i, args, destination, t.span, unwind)?,
                    Callee::Virtual { method, substs, slot } => {
                        self.virtual_call(*method, substs, *slot, args, destination, unwind)?
                    }
                }
                self.finish_call(*target)?;
            }
            TerminatorKind::Drop { place, target, unwind } => {
                let ty = self.place_ty(place);
                if self.cg.needs_drop.needs_drop(ty) {
                    let pr = self.place(place)?;
                    let glue = self.cg.drop_glue(ty)?;
                    let u = self.unwind_target(*unwind);
                    self.call(glue, &[pr.ptr.into()], u)?;
                }
                self.b().build_unconditional_branch(self.blocks[target.index()])?;
            }
        }
        Ok(())
    }

    /// Ends a call's block: to the return target, or `unreachable` for a diverging callee.
    fn finish_call(&mut self, target: Option<BasicBlock>) -> Result<(), BackendError> {
        match target {
            Some(tb) => self.b().build_unconditional_branch(self.blocks[tb.index()])?,
            None => self.b().build_unreachable()?,
        };
        Ok(())
    }

    pub(crate) fn unwind_target(&self, u: UnwindAction) -> UnwindTarget {
        match u {
            UnwindAction::Cleanup(bb) => UnwindTarget::Cleanup(bb),
            UnwindAction::Continue if self.nounwind_boundary => UnwindTarget::Abort,
            UnwindAction::Continue | UnwindAction::Unreachable => UnwindTarget::Caller,
        }
    }

    /// Calls `f`; an `invoke` when unwinding has somewhere to go in this frame. The builder is
    /// left in the block where the call returned.
    pub(crate) fn call(
        &mut self,
        f: FunctionValue<'ctx>,
        args: &[BasicValueEnum<'ctx>],
        unwind: UnwindTarget,
    ) -> Result<CallSiteValue<'ctx>, BackendError> {
        match self.landing_pad(unwind)? {
            Some(pad) => {
                let cont = self.append_block("cont");
                let call = self.b().build_invoke(f, args, cont, pad, "")?;
                self.b().position_at_end(cont);
                Ok(call)
            }
            None => {
                let args: Vec<_> = args.iter().map(|a| (*a).into()).collect();
                Ok(self.b().build_call(f, &args, "")?)
            }
        }
    }

    /// Calls the function `f` points to, of type `fn_t`; as `call` does.
    pub(crate) fn call_indirect(
        &mut self,
        fn_t: inkwell::types::FunctionType<'ctx>,
        f: inkwell::values::PointerValue<'ctx>,
        args: &[BasicValueEnum<'ctx>],
        unwind: UnwindTarget,
    ) -> Result<CallSiteValue<'ctx>, BackendError> {
        match self.landing_pad(unwind)? {
            Some(pad) => {
                let cont = self.append_block("cont");
                let call = self.b().build_indirect_invoke(fn_t, f, args, cont, pad, "")?;
                self.b().position_at_end(cont);
                Ok(call)
            }
            None => {
                let args: Vec<_> = args.iter().map(|a| (*a).into()).collect();
                Ok(self.b().build_indirect_call(fn_t, f, &args, "")?)
            }
        }
    }

    /// Calls a panicking runtime function with `args` followed by the location of `span`. The
    /// call never returns; the caller ends the block.
    pub(crate) fn panic_call(
        &mut self,
        rf: RuntimeFunction,
        mut args: Vec<BasicValueEnum<'ctx>>,
        span: Span,
        unwind: UnwindTarget,
    ) -> Result<(), BackendError> {
        let (file, line, col) = self.cg.sources.location(span);
        let fl = self.cg.string_ptr(&file);
        let i32t = self.cg.cx.i32_type();
        args.extend::<[BasicValueEnum<'ctx>; 4]>([
            fl.into(),
            self.cg.usize_const(file.len() as u64).into(),
            i32t.const_int(line as u64, false).into(),
            i32t.const_int(col as u64, false).into(),
        ]);
        let f = self.cg.runtime(rf);
        self.call(f, &args, unwind)?;
        Ok(())
    }

    /// `aether_rt_abort(msg)`; the block ends there.
    fn abort(&mut self, msg: &str) -> Result<(), BackendError> {
        let f = self.cg.runtime(RuntimeFunction::Abort);
        let p = self.cg.string_ptr(msg);
        let n = self.cg.usize_const(msg.len() as u64);
        self.b().build_call(f, &[p.into(), n.into()], "")?;
        self.b().build_unreachable()?;
        Ok(())
    }

    fn lp_type(&self) -> inkwell::types::StructType<'ctx> {
        let cx = self.cg.cx;
        cx.struct_type(&[self.cg.layouts.ptr_type().into(), cx.i32_type().into()], false)
    }

    fn exn_slot(&mut self) -> Result<inkwell::values::PointerValue<'ctx>, BackendError> {
        if let Some(s) = self.exn_slot {
            return Ok(s);
        }
        let s = self.entry_alloca(self.lp_type().into(), "exn.slot")?;
        self.exn_slot = Some(s);
        Ok(s)
    }

    /// The landing pad for `t` (created on first use), or `None` to let unwinding continue.
    fn landing_pad(&mut self, t: UnwindTarget) -> Result<Option<LlvmBlock<'ctx>>, BackendError> {
        if t == UnwindTarget::Caller {
            return Ok(None);
        }
        if let Some(b) = self.landing_pads.get(&t) {
            return Ok(Some(*b));
        }
        let saved = self.b().get_insert_block().ok_or_else(|| BackendError::Internal("builder has no block".into()))?;
        let pad = self.append_block(match t {
            UnwindTarget::Cleanup(_) => "lpad",
            _ => "terminate",
        });
        let personality = self.cg.runtime(RuntimeFunction::EhPersonality);
        self.func.set_personality_function(personality);
        self.b().position_at_end(pad);
        let lp = self.b().build_landing_pad(self.lp_type(), personality, &[], true, "lp")?;
        match t {
            UnwindTarget::Cleanup(bb) => {
                let slot = self.exn_slot()?;
                self.b().build_store(slot, lp)?;
                self.b().build_unconditional_branch(self.blocks[bb.index()])?;
            }
            UnwindTarget::Abort => self.abort(CANNOT_UNWIND)?,
            UnwindTarget::Caller => unreachable!("handled above"),
        }
        self.b().position_at_end(saved);
        self.landing_pads.insert(t, pad);
        Ok(Some(pad))
    }
}
