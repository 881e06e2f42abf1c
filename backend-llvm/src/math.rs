//! The standard library's numeric intrinsics (`abs`, `pow`, `min`, `max`, wrapping and saturating
//! arithmetic, float rounding, `sqrt`) and `process::exit`, as LLVM instructions and intrinsics.
//!
//! Integer semantics are Rust's: `abs` of `MIN` and `pow` overflow panic ("attempt to negate /
//! multiply with overflow") when overflow checks are on and wrap otherwise; `pow` squares only as
//! often as Rust's algorithm does, so it overflows exactly when Rust's does. Float `min`/`max`
//! return the non-NaN operand (LLVM's `minnum`/`maxnum`), `round` rounds half away from zero.

use aether_frontend::hir::IntrinsicFn;
use aether_frontend::span::Span;
use aether_frontend::ty::TyKind;
use aether_middle::mir::Operand;
use inkwell::intrinsics::Intrinsic as LlvmIntrinsic;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValueEnum, IntValue};
use inkwell::IntPredicate;

use crate::codegen::{FnCx, UnwindTarget};
use crate::runtime_fn::RuntimeFunction;
use crate::BackendError;

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    pub(crate) fn hir_intrinsic(
        &mut self,
        h: IntrinsicFn,
        args: &[Operand],
        span: Span,
        unwind: UnwindTarget,
    ) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        let ty = self.operand_ty(&args[0]);
        let v = self.sized_operand(&args[0])?;
        let signed = self.cg.krate.tys.is_signed(ty);
        let is_float = matches!(self.cg.krate.tys.kind(ty), TyKind::Float(_));
        let arg = |this: &mut Self, i: usize| this.sized_operand(&args[i]);
        let r: BasicValueEnum<'ctx> = match h {
            IntrinsicFn::SqrtF64 | IntrinsicFn::SqrtF32 => self.llvm_call("llvm.sqrt", &[v.get_type()], &[v])?,
            IntrinsicFn::SliceLen => self.b().build_extract_value(v.into_struct_value(), 1, "")?,
            IntrinsicFn::ProcessExit => {
                let f = self.cg.runtime(RuntimeFunction::Exit);
                // The call's block ends with `unreachable` (the MIR call has no return target).
                self.b().build_call(f, &[v.into()], "")?;
                return Ok(None);
            }
            IntrinsicFn::Abs if is_float => self.llvm_call("llvm.fabs", &[v.get_type()], &[v])?,
            IntrinsicFn::Abs => {
                let x = v.into_int_value();
                if !signed {
                    return Ok(Some(v));
                }
                let it = x.get_type();
                if self.cg.overflow_checks {
                    let bits = it.get_bit_width();
                    let min = if bits <= 64 {
                        it.const_int(1u64 << (bits - 1), false)
                    } else {
                        it.const_int_arbitrary_precision(&[0, 1u64 << 63])
                    };
                    let is_min = self.b().build_int_compare(IntPredicate::EQ, x, min, "")?;
                    self.overflow_check(is_min, "attempt to negate with overflow", span, unwind)?;
                }
                let neg = self.b().build_int_neg(x, "")?;
                let is_neg = self.b().build_int_compare(IntPredicate::SLT, x, it.const_zero(), "")?;
                self.b().build_select(is_neg, neg, x, "")?
            }
            IntrinsicFn::Pow if is_float => {
                let e = arg(self, 1)?;
                self.llvm_call("llvm.powi", &[v.get_type(), e.get_type()], &[v, e])?
            }
            IntrinsicFn::Pow => {
                let e = arg(self, 1)?.into_int_value();
                self.int_pow(v.into_int_value(), e, signed, span, unwind)?.into()
            }
            IntrinsicFn::Powf => {
                let e = arg(self, 1)?;
                self.llvm_call("llvm.pow", &[v.get_type()], &[v, e])?
            }
            IntrinsicFn::Min | IntrinsicFn::Max if is_float => {
                let b = arg(self, 1)?;
                let name = if h == IntrinsicFn::Min { "llvm.minnum" } else { "llvm.maxnum" };
                self.llvm_call(name, &[v.get_type()], &[v, b])?
            }
            IntrinsicFn::Min | IntrinsicFn::Max => {
                let (a, b) = (v.into_int_value(), arg(self, 1)?.into_int_value());
                let pred = match (h == IntrinsicFn::Min, signed) {
                    (true, true) => IntPredicate::SLT,
                    (true, false) => IntPredicate::ULT,
                    (false, true) => IntPredicate::SGT,
                    (false, false) => IntPredicate::UGT,
                };
                let pick_a = self.b().build_int_compare(pred, a, b, "")?;
                self.b().build_select(pick_a, a, b, "")?
            }
            IntrinsicFn::WrappingAdd | IntrinsicFn::WrappingSub | IntrinsicFn::WrappingMul => {
                let (a, b) = (v.into_int_value(), arg(self, 1)?.into_int_value());
                match h {
                    IntrinsicFn::WrappingAdd => self.b().build_int_add(a, b, "")?.into(),
                    IntrinsicFn::WrappingSub => self.b().build_int_sub(a, b, "")?.into(),
                    _ => self.b().build_int_mul(a, b, "")?.into(),
                }
            }
            IntrinsicFn::SaturatingAdd | IntrinsicFn::SaturatingSub => {
                let b = arg(self, 1)?;
                let name = match (h == IntrinsicFn::SaturatingAdd, signed) {
                    (true, true) => "llvm.sadd.sat",
                    (true, false) => "llvm.uadd.sat",
                    (false, true) => "llvm.ssub.sat",
                    (false, false) => "llvm.usub.sat",
                };
                self.llvm_call(name, &[v.get_type()], &[v, b])?
            }
            IntrinsicFn::Floor => self.llvm_call("llvm.floor", &[v.get_type()], &[v])?,
            IntrinsicFn::Ceil => self.llvm_call("llvm.ceil", &[v.get_type()], &[v])?,
            IntrinsicFn::Round => self.llvm_call("llvm.round", &[v.get_type()], &[v])?,
            IntrinsicFn::Trunc => self.llvm_call("llvm.trunc", &[v.get_type()], &[v])?,
        };
        Ok(Some(r))
    }

    /// Calls an overloaded LLVM intrinsic.
    fn llvm_call(
        &mut self,
        name: &str,
        overloads: &[BasicTypeEnum<'ctx>],
        args: &[BasicValueEnum<'ctx>],
    ) -> Result<BasicValueEnum<'ctx>, BackendError> {
        let intr = LlvmIntrinsic::find(name).ok_or_else(|| BackendError::Internal(format!("no intrinsic {name}")))?;
        let f = intr
            .get_declaration(&self.cg.module, overloads)
            .ok_or_else(|| BackendError::Internal(format!("cannot declare {name}")))?;
        let args: Vec<_> = args.iter().map(|a| (*a).into()).collect();
        let r = self.b().build_call(f, &args, "")?;
        r.try_as_basic_value().basic().ok_or_else(|| BackendError::Internal(format!("{name} returns a value")))
    }

    /// Panics with `msg` at `span` when `overflowed` is true; continues in a new block otherwise.
    fn overflow_check(
        &mut self,
        overflowed: IntValue<'ctx>,
        msg: &str,
        span: Span,
        unwind: UnwindTarget,
    ) -> Result<(), BackendError> {
        let (panic_bb, ok_bb) = (self.append_block("overflow"), self.append_block("no_overflow"));
        self.b().build_conditional_branch(overflowed, panic_bb, ok_bb)?;
        self.b().position_at_end(panic_bb);
        let m = self.cg.string_ptr(msg);
        let n = self.cg.usize_const(msg.len() as u64);
        self.panic_call(RuntimeFunction::Panic, vec![m.into(), n.into()], span, unwind)?;
        self.b().build_unreachable()?;
        self.b().position_at_end(ok_bb);
        Ok(())
    }

    /// `base.pow(exp)` as Rust computes it: square-and-multiply, squaring only while more bits
    /// of the exponent remain, so that overflow is reported exactly when Rust reports it.
    fn int_pow(
        &mut self,
        base: IntValue<'ctx>,
        exp: IntValue<'ctx>,
        signed: bool,
        span: Span,
        unwind: UnwindTarget,
    ) -> Result<IntValue<'ctx>, BackendError> {
        let it = base.get_type();
        let et = exp.get_type();
        let bool_t = self.cg.cx.bool_type();
        let mul_name = if signed { "llvm.smul.with.overflow" } else { "llvm.umul.with.overflow" };
        let (head, body, tail) =
            (self.append_block("pow_head"), self.append_block("pow_body"), self.append_block("pow_tail"));
        // exp == 0: the result is 1, without touching the base.
        let (zero_bb, nonzero_bb, done) =
            (self.append_block("pow_zero"), self.append_block("pow_nonzero"), self.append_block("pow_done"));
        let is_zero = self.b().build_int_compare(IntPredicate::EQ, exp, et.const_zero(), "")?;
        self.b().build_conditional_branch(is_zero, zero_bb, nonzero_bb)?;
        self.b().position_at_end(zero_bb);
        self.b().build_unconditional_branch(done)?;
        self.b().position_at_end(nonzero_bb);
        self.b().build_unconditional_branch(head)?;
        // head: phi acc, base, exp, overflowed; loop while exp > 1.
        self.b().position_at_end(head);
        let acc = self.b().build_phi(it, "acc")?;
        let b = self.b().build_phi(it, "base")?;
        let e = self.b().build_phi(et, "exp")?;
        let of = self.b().build_phi(bool_t, "of")?;
        acc.add_incoming(&[(&it.const_int(1, false), nonzero_bb)]);
        b.add_incoming(&[(&base, nonzero_bb)]);
        e.add_incoming(&[(&exp, nonzero_bb)]);
        of.add_incoming(&[(&bool_t.const_zero(), nonzero_bb)]);
        let (accv, bv, ev, ofv) = (
            acc.as_basic_value().into_int_value(),
            b.as_basic_value().into_int_value(),
            e.as_basic_value().into_int_value(),
            of.as_basic_value().into_int_value(),
        );
        let more = self.b().build_int_compare(IntPredicate::UGT, ev, et.const_int(1, false), "")?;
        self.b().build_conditional_branch(more, body, tail)?;
        // body: if exp & 1 { acc *= base }; exp >>= 1; base *= base.
        self.b().position_at_end(body);
        let odd = self.b().build_and(ev, et.const_int(1, false), "")?;
        let odd = self.b().build_int_compare(IntPredicate::NE, odd, et.const_zero(), "")?;
        let m1 = self.llvm_call(mul_name, &[it.into()], &[accv.into(), bv.into()])?.into_struct_value();
        let prod = self.b().build_extract_value(m1, 0, "")?.into_int_value();
        let prod_of = self.b().build_extract_value(m1, 1, "")?.into_int_value();
        let new_acc = self.b().build_select(odd, prod, accv, "")?.into_int_value();
        let acc_of = self.b().build_and(odd, prod_of, "")?;
        let new_e = self.b().build_right_shift(ev, et.const_int(1, false), false, "")?;
        let m2 = self.llvm_call(mul_name, &[it.into()], &[bv.into(), bv.into()])?.into_struct_value();
        let sq = self.b().build_extract_value(m2, 0, "")?.into_int_value();
        let sq_of = self.b().build_extract_value(m2, 1, "")?.into_int_value();
        let of1 = self.b().build_or(ofv, acc_of, "")?;
        let new_of = self.b().build_or(of1, sq_of, "")?;
        let body_end = self.b().get_insert_block().unwrap_or(body);
        self.b().build_unconditional_branch(head)?;
        acc.add_incoming(&[(&new_acc, body_end)]);
        b.add_incoming(&[(&sq, body_end)]);
        e.add_incoming(&[(&new_e, body_end)]);
        of.add_incoming(&[(&new_of, body_end)]);
        // tail: acc * base (the last, highest bit of the exponent).
        self.b().position_at_end(tail);
        let m3 = self.llvm_call(mul_name, &[it.into()], &[accv.into(), bv.into()])?.into_struct_value();
        let fin = self.b().build_extract_value(m3, 0, "")?.into_int_value();
        let fin_of = self.b().build_extract_value(m3, 1, "")?.into_int_value();
        let any_of = self.b().build_or(ofv, fin_of, "")?;
        if self.cg.overflow_checks {
            self.overflow_check(any_of, "attempt to multiply with overflow", span, unwind)?;
        }
        let tail_end = self.b().get_insert_block().unwrap_or(tail);
        self.b().build_unconditional_branch(done)?;
        self.b().position_at_end(done);
        let r = self.b().build_phi(it, "pow")?;
        r.add_incoming(&[(&it.const_int(1, false), zero_bb), (&fin, tail_end)]);
        Ok(r.as_basic_value().into_int_value())
    }
}
