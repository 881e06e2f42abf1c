//! Compiler intrinsics: formatting, printing and panics, as calls into the runtime.
//!
//! Formatting intrinsics take a destination first (see `mir::Intrinsic`): a `u32` constant
//! stream (1 stdout, 2 stderr), or a `*mut` pointer to an `AetherBuf`, which becomes the
//! runtime's (stream 0, buf) destination. `Panic` and `PanicBuf` call `aether_rt_panic` /
//! `aether_rt_panic_buf` with the call's source location; they unwind, so they are `invoke`d
//! when the frame has cleanups. `StrEq` compares lengths, then bytes with `memcmp`; the HIR's
//! numeric intrinsics are in `math.rs`.

use aether_frontend::span::Span;
use aether_middle::mir::{self, *};
use inkwell::module::Linkage;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;

use crate::codegen::{FnCx, UnwindTarget};
use crate::runtime_fn::RuntimeFunction;
use crate::BackendError;

/// Where formatted output goes.
enum Dest<'ctx> {
    /// Stream 1 or 2.
    Stream(u32),
    /// Appended to this `AetherBuf`.
    Buf(PointerValue<'ctx>),
}

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    fn fmt_dest(&mut self, o: &Operand) -> Result<Dest<'ctx>, BackendError> {
        match o {
            Operand::Constant(Constant { value: ConstValue::Scalar(s), .. }) => Ok(Dest::Stream(*s as u32)),
            _ => match self.sized_operand(o)? {
                BasicValueEnum::PointerValue(p) => Ok(Dest::Buf(p)),
                v => Err(BackendError::Internal(format!("format destination {v:?} is neither a stream nor a buffer"))),
            },
        }
    }

    pub(crate) fn intrinsic(
        &mut self,
        i: mir::Intrinsic,
        args: &[Operand],
        destination: &Place,
        span: Span,
        unwind: UnwindTarget,
    ) -> Result<(), BackendError> {
        match i {
            mir::Intrinsic::Mem(which, t) => return self.mem_intrinsic(which, t, args, destination, unwind),
            mir::Intrinsic::StrEq => {
                let v = self.str_eq(&args[0], &args[1])?;
                return self.store_result(destination, v.into());
            }
            mir::Intrinsic::Hir(h) => {
                return match self.hir_intrinsic(h, args, span, unwind)? {
                    Some(v) => self.store_result(destination, v),
                    None => Ok(()),
                };
            }
            mir::Intrinsic::Panic => {
                let msg = self.sized_operand(&args[0])?.into_struct_value();
                let p = self.b().build_extract_value(msg, 0, "")?;
                let n = self.b().build_extract_value(msg, 1, "")?;
                return self.panic_call(RuntimeFunction::Panic, vec![p, n], span, unwind);
            }
            mir::Intrinsic::PanicBuf => {
                let buf = self.sized_operand(&args[0])?;
                return self.panic_call(RuntimeFunction::PanicBuf, vec![buf], span, unwind);
            }
            mir::Intrinsic::WriteStr | mir::Intrinsic::Fmt(..) => {}
        }
        let dest = self.fmt_dest(&args[0])?;
        let i32t = self.cg.cx.i32_type();
        let null: BasicValueEnum = self.cg.layouts.ptr_type().const_null().into();
        let (stream_v, buf_v): (BasicValueEnum, BasicValueEnum) = match dest {
            Dest::Stream(s) => (i32t.const_int(s as u64, false).into(), null),
            Dest::Buf(p) => (i32t.const_zero().into(), p.into()),
        };
        let value = self.sized_operand(&args[1])?;
        let (rf, call_args): (RuntimeFunction, Vec<BasicValueEnum>) = match i {
            mir::Intrinsic::WriteStr => {
                let sv = value.into_struct_value();
                let p = self.b().build_extract_value(sv, 0, "")?;
                let n = self.b().build_extract_value(sv, 1, "")?;
                match dest {
                    Dest::Stream(1) => (RuntimeFunction::StdoutWrite, vec![p, n]),
                    Dest::Stream(2) => (RuntimeFunction::StderrWrite, vec![p, n]),
                    _ => (RuntimeFunction::Write, vec![stream_v, buf_v, p, n]),
                }
            }
            mir::Intrinsic::Fmt(kind, spec) => {
                let spec_ptr: BasicValueEnum = self.fmt_spec(&spec, &args[2..])?.map(Into::into).unwrap_or(null);
                let mut a = vec![stream_v, buf_v, spec_ptr];
                let rf = match kind {
                    FmtValueKind::Int { signed, bits } if bits > 64 => {
                        let v = value.into_int_value();
                        let i64t = self.cg.cx.i64_type();
                        let lo = self.b().build_int_truncate(v, i64t, "")?;
                        let shifted = self.b().build_right_shift(v, v.get_type().const_int(64, false), false, "")?;
                        let hi = self.b().build_int_truncate(shifted, i64t, "")?;
                        a.extend::<[BasicValueEnum; 2]>([lo.into(), hi.into()]);
                        if signed {
                            RuntimeFunction::FmtI128
                        } else {
                            RuntimeFunction::FmtU128
                        }
                    }
                    FmtValueKind::Int { signed, bits } => {
                        // The runtime takes every integer of up to 64 bits widened to 64.
                        let v = value.into_int_value();
                        let v = self.b().build_int_cast_sign_flag(v, self.cg.cx.i64_type(), signed, "")?;
                        a.extend::<[BasicValueEnum; 2]>([v.into(), i32t.const_int(bits as u64, false).into()]);
                        if signed {
                            RuntimeFunction::FmtI64
                        } else {
                            RuntimeFunction::FmtU64
                        }
                    }
                    FmtValueKind::Float { bits } => {
                        a.push(value);
                        if bits == 32 {
                            RuntimeFunction::FmtF32
                        } else {
                            RuntimeFunction::FmtF64
                        }
                    }
                    FmtValueKind::Str => {
                        let sv = value.into_struct_value();
                        let p = self.b().build_extract_value(sv, 0, "")?;
                        let n = self.b().build_extract_value(sv, 1, "")?;
                        a.extend([p, n]);
                        RuntimeFunction::FmtStr
                    }
                    FmtValueKind::Char => {
                        a.push(value);
                        RuntimeFunction::FmtChar
                    }
                    FmtValueKind::Bool => {
                        a.push(value);
                        RuntimeFunction::FmtBool
                    }
                };
                (rf, a)
            }
            mir::Intrinsic::Panic
            | mir::Intrinsic::PanicBuf
            | mir::Intrinsic::StrEq
            | mir::Intrinsic::Hir(_)
            | mir::Intrinsic::Mem(..) => {
                unreachable!("handled above")
            }
        };
        let f = self.cg.runtime(rf);
        let args: Vec<_> = call_args.iter().map(|a| (*a).into()).collect();
        self.b().build_call(f, &args, "")?;
        Ok(())
    }

    fn store_result(&mut self, dest: &Place, v: BasicValueEnum<'ctx>) -> Result<(), BackendError> {
        let ty = self.place_ty(dest);
        if self.cg.layouts.is_zst(ty) {
            return Ok(());
        }
        let pr = self.place(dest)?;
        self.store_value(pr.ptr, v, ty)
    }

    /// `a == b` on `&str`s: equal lengths, then `memcmp` of the bytes (skipped when the lengths
    /// differ, so it never reads past the shorter string).
    fn str_eq(&mut self, a: &Operand, b: &Operand) -> Result<IntValue<'ctx>, BackendError> {
        let a = self.sized_operand(a)?.into_struct_value();
        let b = self.sized_operand(b)?.into_struct_value();
        let (pa, la) = (self.b().build_extract_value(a, 0, "")?, self.b().build_extract_value(a, 1, "")?);
        let (pb, lb) = (self.b().build_extract_value(b, 0, "")?, self.b().build_extract_value(b, 1, "")?);
        let same_len = self.b().build_int_compare(IntPredicate::EQ, la.into_int_value(), lb.into_int_value(), "")?;
        let start = self.b().get_insert_block().ok_or_else(|| BackendError::Internal("builder has no block".into()))?;
        let cmp_bb = self.append_block("streq.bytes");
        let done = self.append_block("streq.done");
        self.b().build_conditional_branch(same_len, cmp_bb, done)?;
        self.b().position_at_end(cmp_bb);
        let usize_t = self.cg.layouts.usize_type();
        let ptr = self.cg.layouts.ptr_type();
        let memcmp = match self.cg.module.get_function("memcmp") {
            Some(f) => f,
            None => {
                let t = self.cg.cx.i32_type().fn_type(&[ptr.into(), ptr.into(), usize_t.into()], false);
                let f = self.cg.module.add_function("memcmp", t, None);
                self.cg.add_fn_attr(f, "nounwind", 0);
                f
            }
        };
        let r = self.b().build_call(memcmp, &[pa.into(), pb.into(), la.into()], "")?;
        let r = r.try_as_basic_value().basic().ok_or_else(|| BackendError::Internal("memcmp returns".into()))?;
        let bytes_eq =
            self.b().build_int_compare(IntPredicate::EQ, r.into_int_value(), self.cg.cx.i32_type().const_zero(), "")?;
        let cmp_end = self.b().get_insert_block().unwrap_or(cmp_bb);
        self.b().build_unconditional_branch(done)?;
        self.b().position_at_end(done);
        let phi = self.b().build_phi(self.cg.cx.bool_type(), "streq")?;
        phi.add_incoming(&[(&self.cg.cx.bool_type().const_zero(), start), (&bytes_eq, cmp_end)]);
        Ok(phi.as_basic_value().into_int_value())
    }

    /// A pointer to the runtime's `AetherFmtSpec` for `spec` (layout in aether_rt.h: fill u32,
    /// align u8, flags u8, ty u8, reserved u8, width u32, precision i32), or `None` for a plain
    /// `{}`. Constant specs are private globals; specs with counts from operands are built in a
    /// stack slot.
    fn fmt_spec(&mut self, spec: &FmtSpec, counts: &[Operand]) -> Result<Option<PointerValue<'ctx>>, BackendError> {
        use aether_frontend::ast::{FormatAlign, FormatType};
        if spec.is_default() {
            return Ok(None);
        }
        let cx = self.cg.cx;
        let (i8t, i32t) = (cx.i8_type(), cx.i32_type());
        let st = cx.struct_type(
            &[i32t.into(), i8t.into(), i8t.into(), i8t.into(), i8t.into(), i32t.into(), i32t.into()],
            false,
        );
        let align = match spec.align {
            None => 0,
            Some(FormatAlign::Left) => 1,
            Some(FormatAlign::Right) => 2,
            Some(FormatAlign::Center) => 3,
        };
        let flags = (spec.plus as u64) | (spec.alternate as u64) << 2 | (spec.zero_pad as u64) << 3;
        let ty = match spec.ty {
            FormatType::Display => 0,
            FormatType::Debug => 1,
            FormatType::LowerHex => 2,
            FormatType::UpperHex => 3,
            FormatType::Octal => 4,
            FormatType::Binary => 5,
            FormatType::LowerExp => 6,
            FormatType::UpperExp => 7,
            FormatType::DebugLowerHex => 8,
            FormatType::DebugUpperHex => 9,
        };
        let lit = |c: &Option<SpecCount>, none: u64| match c {
            Some(SpecCount::Literal(n)) => *n as u64,
            _ => none,
        };
        let fields = [
            i32t.const_int(spec.fill.unwrap_or(' ') as u64, false),
            i8t.const_int(align, false),
            i8t.const_int(flags, false),
            i8t.const_int(ty, false),
            i8t.const_int(0, false),
            i32t.const_int(lit(&spec.width, 0), false),
            i32t.const_int(lit(&spec.precision, u32::MAX as u64), true),
        ];
        let values: Vec<BasicValueEnum> = fields.iter().map(|f| (*f).into()).collect();
        let constant = st.const_named_struct(&values);
        let dynamic = [spec.width, spec.precision].iter().any(|c| *c == Some(SpecCount::Operand));
        if !dynamic {
            let g = self.cg.module.add_global(st, None, "fmt.spec");
            g.set_initializer(&constant);
            g.set_constant(true);
            g.set_linkage(Linkage::Private);
            g.set_unnamed_addr(true);
            return Ok(Some(g.as_pointer_value()));
        }
        let slot = self.entry_alloca(st.into(), "fmt.spec")?;
        self.b().build_store(slot, constant)?;
        let mut next = counts.iter();
        for (field, count) in [(5u32, spec.width), (6, spec.precision)] {
            if count == Some(SpecCount::Operand) {
                let op = next.next().ok_or_else(|| BackendError::Internal("missing format count operand".into()))?;
                let v = self.int_operand(op)?;
                // Checked against u16::MAX in MIR, so the truncation is exact.
                let v = self.b().build_int_truncate_or_bit_cast(v, i32t, "")?;
                let p = self.b().build_struct_gep(st, slot, field, "")?;
                self.b().build_store(p, v)?;
            }
        }
        Ok(Some(slot))
    }
}
