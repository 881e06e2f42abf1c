//! Rvalues and assignments.
//!
//! Scalar rvalues (arithmetic, casts, references, lengths, discriminants) are computed as SSA
//! values and stored into the destination. Aggregates and `[x; n]` are built in place: each
//! field is stored straight into the destination's memory (then, for an enum variant, the
//! tag), so no large SSA aggregate is ever formed. Integer arithmetic follows Rust: wrapping
//! (overflow is checked by the MIR's `Assert`s where enabled), shift amounts masked to the
//! width, float-to-int casts saturating.

use aether_frontend::hir::VariantIdx;
use aether_frontend::ty::{Ty, TyKind};
use aether_middle::mir::*;
use inkwell::intrinsics::Intrinsic as LlvmIntrinsic;
use inkwell::values::{BasicValueEnum, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

use crate::codegen::FnCx;
use crate::place::PlaceRef;
use crate::BackendError;

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    pub(crate) fn assign(&mut self, place: &Place, rv: &Rvalue) -> Result<(), BackendError> {
        let dest_ty = self.place_ty(place);
        match rv {
            Rvalue::Aggregate(kind, ops) => {
                let dest = self.place(place)?;
                self.aggregate(dest, *kind, ops)
            }
            Rvalue::Repeat(op, n) => {
                let dest = self.place(place)?;
                self.repeat(dest, op, *n)
            }
            Rvalue::CheckedBinaryOp(op, l, r) => {
                // The `(T, bool)` result is stored field by field: an aggregate `store` is one
                // of the instructions FastISel cannot select, sending the whole block through
                // SelectionDAG at -O0.
                let (value, flag) = self.checked_binary(*op, l, r)?;
                let dest = self.place(place)?;
                let flag = self.b().build_int_z_extend(flag, self.cg.cx.i8_type(), "")?;
                for (i, v) in [(0, value), (1, flag)] {
                    let (st, idx) = self
                        .cg
                        .layouts
                        .field(dest_ty, None, i)
                        .ok_or_else(|| BackendError::Internal("checked result field is zero-sized".into()))?;
                    let p = self.b().build_struct_gep(st, dest.ptr, idx, "")?;
                    let align = if i == 0 { self.cg.layouts.align_of(self.operand_ty(l)) } else { 1 };
                    let st = self.b().build_store(p, v)?;
                    st.set_alignment(align).map_err(|e| BackendError::Internal(format!("{e:?}")))?;
                }
                Ok(())
            }
            Rvalue::Use(op) => {
                if self.cg.layouts.is_zst(dest_ty) {
                    return Ok(());
                }
                let dest = self.place(place)?;
                self.store_operand(dest.ptr, op)
            }
            _ => {
                let Some(v) = self.rvalue(rv, dest_ty)? else { return Ok(()) };
                if self.cg.layouts.is_zst(dest_ty) {
                    return Ok(());
                }
                let dest = self.place(place)?;
                self.store_value(dest.ptr, v, dest_ty)
            }
        }
    }

    /// The SSA value of a scalar rvalue (not `Aggregate`/`Repeat`, which `assign` builds in
    /// place), or `None` if it is zero-sized.
    fn rvalue(&mut self, rv: &Rvalue, dest_ty: Ty) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        match rv {
            Rvalue::Use(o) => self.operand(o),
            Rvalue::BinaryOp(op, l, r) => {
                let ty = self.operand_ty(l);
                let rty = self.operand_ty(r);
                let lv = self.sized_operand(l)?;
                let rv = self.sized_operand(r)?;
                Ok(Some(self.binary(*op, lv, rv, ty, rty)?))
            }
            Rvalue::CheckedBinaryOp(..) => unreachable!("checked operations are stored field by field by `assign`"),
            Rvalue::UnaryOp(op, o) => {
                let ty = self.operand_ty(o);
                let v = self.sized_operand(o)?;
                Ok(Some(match (op, self.cg.krate.tys.kind(ty)) {
                    (UnOp::Neg, TyKind::Float(_)) => self.b().build_float_neg(v.into_float_value(), "")?.into(),
                    (UnOp::Neg, _) => self.b().build_int_neg(v.into_int_value(), "")?.into(),
                    (UnOp::Not, _) => self.b().build_not(v.into_int_value(), "")?.into(),
                }))
            }
            Rvalue::Cast(kind, o, to) => self.cast(*kind, o, *to),
            Rvalue::Ref(_, p) => {
                let pr = self.place(p)?;
                Ok(Some(match pr.meta {
                    Some(meta) => {
                        let fat = self.cg.layouts.fat_ptr_type_of(pr.ty);
                        let agg = self.b().build_insert_value(fat.get_undef(), pr.ptr, 0, "")?;
                        self.b().build_insert_value(agg, meta, 1, "")?.into_struct_value().into()
                    }
                    None => pr.ptr.into(),
                }))
            }
            Rvalue::Len(p) => {
                let pr = self.place(p)?;
                let len = self.place_len(&pr);
                Ok(Some(self.int_to(len, false, dest_ty)?.into()))
            }
            Rvalue::Discriminant(p) => {
                let pr = self.place(p)?;
                Ok(Some(self.read_discriminant(pr, dest_ty)?.into()))
            }
            Rvalue::Aggregate(..) | Rvalue::Repeat(..) => {
                unreachable!("aggregates are built in place by `assign`")
            }
        }
    }

    /// `l op r` with Rust's overflow check: the wrapped result and the `i1` overflow flag.
    fn checked_binary(
        &mut self,
        op: BinOp,
        l: &Operand,
        r: &Operand,
    ) -> Result<(IntValue<'ctx>, IntValue<'ctx>), BackendError> {
        let ty = self.operand_ty(l);
        let signed = self.cg.krate.tys.is_signed(ty);
        let lv = self.int_operand(l)?;
        let rv = self.int_operand(r)?;
        let name = match op {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            _ => unreachable!("only + - * are checked this way"),
        };
        let name = format!("llvm.{}{name}.with.overflow", if signed { "s" } else { "u" });
        let intr = LlvmIntrinsic::find(&name).ok_or_else(|| BackendError::Internal(format!("no intrinsic {name}")))?;
        let f = intr
            .get_declaration(&self.cg.module, &[lv.get_type().into()])
            .ok_or_else(|| BackendError::Internal(format!("cannot declare {name}")))?;
        let r = self.b().build_call(f, &[lv.into(), rv.into()], "")?;
        let r = r
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| BackendError::Internal("overflow intrinsic returns a value".into()))?
            .into_struct_value();
        let value = self.b().build_extract_value(r, 0, "")?.into_int_value();
        let flag = self.b().build_extract_value(r, 1, "")?.into_int_value();
        Ok((value, flag))
    }

    /// An integer resized to the integer type `to` (sign- or zero-extending by `signed`).
    fn int_to(&self, v: IntValue<'ctx>, signed: bool, to: Ty) -> Result<IntValue<'ctx>, BackendError> {
        let t = self
            .cg
            .layouts
            .imm_type(to)
            .filter(|t| t.is_int_type())
            .ok_or_else(|| BackendError::Internal("integer rvalue of a non-integer type".into()))?
            .into_int_type();
        Ok(self.b().build_int_cast_sign_flag(v, t, signed, "")?)
    }

    /// The discriminant of the enum at `pr` (its tag, extended as the tag's signedness says),
    /// as a value of `ty`. Structs have discriminant 0.
    fn read_discriminant(&mut self, pr: PlaceRef<'ctx>, ty: Ty) -> Result<IntValue<'ctx>, BackendError> {
        let Some(el) = self.cg.layouts.enum_layout_of(pr.ty) else {
            return self.int_to(self.cg.cx.i8_type().const_zero(), false, ty);
        };
        // The tag is the first field of `{ tag, union }`, or the whole value: at offset 0.
        let tag = self.b().build_load(el.tag, pr.ptr, "tag")?.into_int_value();
        self.int_to(tag, el.tag_signed, ty)
    }

    /// Writes the tag of `variant` into the enum at the place (structs have no tag).
    pub(crate) fn set_discriminant(&mut self, place: &Place, variant: VariantIdx) -> Result<(), BackendError> {
        let pr = self.place(place)?;
        self.write_tag(pr, variant)
    }

    fn write_tag(&mut self, pr: PlaceRef<'ctx>, variant: VariantIdx) -> Result<(), BackendError> {
        if let Some(el) = self.cg.layouts.enum_layout_of(pr.ty) {
            let v = el.tag_value(el.variants[variant.index()].discr);
            self.b().build_store(pr.ptr, v)?;
        }
        Ok(())
    }

    /// Builds a tuple, array, struct or enum variant in place: fields first, then the tag.
    fn aggregate(&mut self, dest: PlaceRef<'ctx>, kind: AggregateKind, ops: &[Operand]) -> Result<(), BackendError> {
        match kind {
            AggregateKind::Tuple => {
                for (i, o) in ops.iter().enumerate() {
                    if let Some((st, idx)) = self.cg.layouts.field(dest.ty, None, i as u32) {
                        let p = self.b().build_struct_gep(st, dest.ptr, idx, "")?;
                        self.store_operand(p, o)?;
                    }
                }
            }
            AggregateKind::Array(elem) => {
                let Some(et) = self.cg.layouts.llvm_type(elem) else { return Ok(()) };
                for (i, o) in ops.iter().enumerate() {
                    let idx = self.cg.usize_const(i as u64);
                    let p = unsafe { self.b().build_in_bounds_gep(et, dest.ptr, &[idx], "")? };
                    self.store_operand(p, o)?;
                }
            }
            AggregateKind::Adt(_, variant) => {
                let (payload_ptr, v) = match self.cg.layouts.enum_layout_of(dest.ty) {
                    Some(el) => {
                        let p = match el.ty {
                            Some(st) => self.b().build_struct_gep(st, dest.ptr, 1, "")?,
                            None => dest.ptr,
                        };
                        (p, Some(variant))
                    }
                    None => (dest.ptr, None),
                };
                for (i, o) in ops.iter().enumerate() {
                    if let Some((st, idx)) = self.cg.layouts.field(dest.ty, v, i as u32) {
                        let p = self.b().build_struct_gep(st, payload_ptr, idx, "")?;
                        self.store_operand(p, o)?;
                    }
                }
                self.write_tag(dest, variant)?;
            }
        }
        Ok(())
    }

    /// `[op; n]`: a `memset` when the value is all zero bytes, else a loop storing it.
    fn repeat(&mut self, dest: PlaceRef<'ctx>, op: &Operand, n: u64) -> Result<(), BackendError> {
        let elem_ty = self.operand_ty(op);
        let Some(et) = self.cg.layouts.llvm_type(elem_ty) else { return Ok(()) };
        if n == 0 {
            return Ok(());
        }
        let zero = match op {
            Operand::Constant(Constant { value: ConstValue::Scalar(0), .. }) => true,
            Operand::Constant(Constant { value: ConstValue::Float(f), .. }) => f.to_bits() == 0,
            _ => false,
        };
        if zero {
            let size = self.cg.usize_const(self.cg.layouts.size_of(elem_ty) * n);
            let align = self.cg.layouts.align_of(elem_ty);
            self.b()
                .build_memset(dest.ptr, align, self.cg.cx.i8_type().const_zero(), size)
                .map_err(|e| BackendError::Internal(format!("memset: {e}")))?;
            return Ok(());
        }
        // The element is evaluated once (it is an operand) and stored n times.
        let tmp = self.entry_alloca(et, "repeat.elem")?;
        self.store_operand(tmp, op)?;
        let usize_t = self.cg.layouts.usize_type();
        let pre = self.b().get_insert_block().ok_or_else(|| BackendError::Internal("builder has no block".into()))?;
        let body = self.append_block("repeat.body");
        let done = self.append_block("repeat.done");
        self.b().build_unconditional_branch(body)?;
        self.b().position_at_end(body);
        let i = self.b().build_phi(usize_t, "i")?;
        let iv = i.as_basic_value().into_int_value();
        let p = unsafe { self.b().build_in_bounds_gep(et, dest.ptr, &[iv], "")? };
        let align = self.cg.layouts.align_of(elem_ty);
        let size = self.cg.usize_const(self.cg.layouts.size_of(elem_ty));
        self.b()
            .build_memcpy(p, align, tmp, align, size)
            .map_err(|e| BackendError::Internal(format!("memcpy: {e}")))?;
        let next = self.b().build_int_add(iv, usize_t.const_int(1, false), "")?;
        let more = self.b().build_int_compare(IntPredicate::ULT, next, usize_t.const_int(n, false), "")?;
        self.b().build_conditional_branch(more, body, done)?;
        i.add_incoming(&[(&usize_t.const_zero(), pre), (&next, body)]);
        self.b().position_at_end(done);
        Ok(())
    }

    fn cast(&mut self, kind: CastKind, o: &Operand, to: Ty) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        let from = self.operand_ty(o);
        let v = self.sized_operand(o)?;
        let layouts = &self.cg.layouts;
        Ok(Some(match kind {
            CastKind::Numeric => self.numeric_cast(v, from, to)?,
            CastKind::PtrToPtr => match (layouts.is_fat_ptr(from), layouts.is_fat_ptr(to)) {
                (true, false) => self.b().build_extract_value(v.into_struct_value(), 0, "")?,
                (false, true) => {
                    return Err(BackendError::Unsupported(format!(
                        "casting the thin pointer `{}` to the fat pointer `{}`",
                        self.cg.krate.tys.display(from),
                        self.cg.krate.tys.display(to)
                    )))
                }
                _ => v,
            },
            CastKind::PtrToInt => {
                let p = if layouts.is_fat_ptr(from) {
                    self.b().build_extract_value(v.into_struct_value(), 0, "")?.into_pointer_value()
                } else {
                    v.into_pointer_value()
                };
                let it = layouts
                    .imm_type(to)
                    .filter(|t| t.is_int_type())
                    .ok_or_else(|| BackendError::Internal("pointer cast to a non-integer".into()))?;
                self.b().build_ptr_to_int(p, it.into_int_type(), "")?.into()
            }
            CastKind::IntToPtr => {
                let pt = layouts.ptr_type();
                self.b().build_int_to_ptr(v.into_int_value(), pt, "")?.into()
            }
            CastKind::Unsize => self.unsize(v, from, to)?,
        }))
    }

    pub(crate) fn binary(
        &mut self,
        op: BinOp,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
        ty: Ty,
        rty: Ty,
    ) -> Result<BasicValueEnum<'ctx>, BackendError> {
        let tys = &self.cg.krate.tys;
        if let TyKind::Float(_) = tys.kind(ty) {
            let (a, b) = (l.into_float_value(), r.into_float_value());
            let bld = &self.cg.builder;
            let pred =
                |p| -> Result<BasicValueEnum<'ctx>, BackendError> { Ok(bld.build_float_compare(p, a, b, "")?.into()) };
            return match op {
                BinOp::Add => Ok(bld.build_float_add(a, b, "")?.into()),
                BinOp::Sub => Ok(bld.build_float_sub(a, b, "")?.into()),
                BinOp::Mul => Ok(bld.build_float_mul(a, b, "")?.into()),
                BinOp::Div => Ok(bld.build_float_div(a, b, "")?.into()),
                BinOp::Rem => Ok(bld.build_float_rem(a, b, "")?.into()),
                BinOp::Eq => pred(FloatPredicate::OEQ),
                BinOp::Ne => pred(FloatPredicate::UNE),
                BinOp::Lt => pred(FloatPredicate::OLT),
                BinOp::Le => pred(FloatPredicate::OLE),
                BinOp::Gt => pred(FloatPredicate::OGT),
                BinOp::Ge => pred(FloatPredicate::OGE),
                _ => Err(BackendError::Internal(format!("float operation {op:?}"))),
            };
        }
        let signed = tys.is_signed(ty);
        let (a, mut b) = (l.into_int_value(), r.into_int_value());
        let bld = &self.cg.builder;
        if matches!(op, BinOp::Shl | BinOp::Shr) {
            // Rust masks the shift amount to the width (overflow was checked before if enabled);
            // the amount may have another integer type.
            let width = a.get_type().get_bit_width();
            let rsigned = tys.is_signed(rty);
            b = bld.build_int_cast_sign_flag(b, a.get_type(), rsigned, "")?;
            b = bld.build_and(b, a.get_type().const_int(width as u64 - 1, false), "")?;
        }
        let cmp = |p| -> Result<BasicValueEnum<'ctx>, BackendError> { Ok(bld.build_int_compare(p, a, b, "")?.into()) };
        let s = |sp, up| if signed { sp } else { up };
        Ok(match op {
            BinOp::Add => bld.build_int_add(a, b, "")?.into(),
            BinOp::Sub => bld.build_int_sub(a, b, "")?.into(),
            BinOp::Mul => bld.build_int_mul(a, b, "")?.into(),
            BinOp::Div if signed => bld.build_int_signed_div(a, b, "")?.into(),
            BinOp::Div => bld.build_int_unsigned_div(a, b, "")?.into(),
            BinOp::Rem if signed => bld.build_int_signed_rem(a, b, "")?.into(),
            BinOp::Rem => bld.build_int_unsigned_rem(a, b, "")?.into(),
            BinOp::BitAnd => bld.build_and(a, b, "")?.into(),
            BinOp::BitOr => bld.build_or(a, b, "")?.into(),
            BinOp::BitXor => bld.build_xor(a, b, "")?.into(),
            BinOp::Shl => bld.build_left_shift(a, b, "")?.into(),
            BinOp::Shr => bld.build_right_shift(a, b, signed, "")?.into(),
            BinOp::Eq => cmp(IntPredicate::EQ)?,
            BinOp::Ne => cmp(IntPredicate::NE)?,
            BinOp::Lt => cmp(s(IntPredicate::SLT, IntPredicate::ULT))?,
            BinOp::Le => cmp(s(IntPredicate::SLE, IntPredicate::ULE))?,
            BinOp::Gt => cmp(s(IntPredicate::SGT, IntPredicate::UGT))?,
            BinOp::Ge => cmp(s(IntPredicate::SGE, IntPredicate::UGE))?,
        })
    }

    /// `as` between numeric types, bool and char, with Rust's semantics.
    fn numeric_cast(
        &mut self,
        v: BasicValueEnum<'ctx>,
        from: Ty,
        to: Ty,
    ) -> Result<BasicValueEnum<'ctx>, BackendError> {
        let tys = &self.cg.krate.tys;
        let to_lt =
            self.cg.layouts.imm_type(to).ok_or_else(|| BackendError::Internal("cast to a zero-sized type".into()))?;
        let from_float = matches!(tys.kind(from), TyKind::Float(_));
        let to_float = matches!(tys.kind(to), TyKind::Float(_));
        // bool and char are unsigned for widening.
        let from_signed = tys.is_signed(from);
        let to_signed = tys.is_signed(to);
        let bld = &self.cg.builder;
        Ok(match (from_float, to_float) {
            (false, false) => {
                bld.build_int_cast_sign_flag(v.into_int_value(), to_lt.into_int_type(), from_signed, "")?.into()
            }
            (false, true) if from_signed => {
                bld.build_signed_int_to_float(v.into_int_value(), to_lt.into_float_type(), "")?.into()
            }
            (false, true) => bld.build_unsigned_int_to_float(v.into_int_value(), to_lt.into_float_type(), "")?.into(),
            (true, true) => bld.build_float_cast(v.into_float_value(), to_lt.into_float_type(), "")?.into(),
            (true, false) => {
                // Rust's float-to-int casts saturate (NaN becomes 0).
                let name = if to_signed { "llvm.fptosi.sat" } else { "llvm.fptoui.sat" };
                let intr =
                    LlvmIntrinsic::find(name).ok_or_else(|| BackendError::Internal(format!("no intrinsic {name}")))?;
                let f = intr
                    .get_declaration(&self.cg.module, &[to_lt, v.get_type()])
                    .ok_or_else(|| BackendError::Internal(format!("cannot declare {name}")))?;
                let r = bld.build_call(f, &[v.into()], "")?;
                r.try_as_basic_value()
                    .basic()
                    .ok_or_else(|| BackendError::Internal("saturating cast returns a value".into()))?
            }
        })
    }
}
