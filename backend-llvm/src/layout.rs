//! Memory layout: semantic types to LLVM types.
//!
//! Zero-sized types (`()`, `!`, tuples of them) have no LLVM type: locals of those types get no
//! stack slot, and parameters and return values of those types are left out of signatures.
//! Scalars map to LLVM's (`bool` is `i1`, `char` is `i32`), `&str` is `{ ptr, usize }`, and a
//! tuple is an LLVM struct of its non-zero-sized fields in order (`field_index` maps a tuple
//! field to its struct index).

use aether_frontend::ty::{FloatTy, IntTy, Ty, TyInterner, TyKind, UintTy};
use inkwell::context::Context;
use inkwell::types::{BasicType, BasicTypeEnum};
use inkwell::AddressSpace;

pub struct Layouts<'ctx, 'a> {
    pub cx: &'ctx Context,
    pub tys: &'a TyInterner,
    pub usize_bits: u32,
}

impl<'ctx> Layouts<'ctx, '_> {
    /// The LLVM type of `t`, or `None` if it is zero-sized.
    pub fn llvm_type(&self, t: Ty) -> Option<BasicTypeEnum<'ctx>> {
        let cx = self.cx;
        Some(match self.tys.kind(t) {
            TyKind::Bool => cx.bool_type().into(),
            TyKind::Char => cx.i32_type().into(),
            TyKind::Int(i) => int_type(cx, int_bits(*i, self.usize_bits)).into(),
            TyKind::Uint(u) => int_type(cx, uint_bits(*u, self.usize_bits)).into(),
            TyKind::Float(FloatTy::F32) => cx.f32_type().into(),
            TyKind::Float(FloatTy::F64) => cx.f64_type().into(),
            TyKind::Tuple(elems) => {
                let fields: Vec<BasicTypeEnum> = elems.iter().filter_map(|e| self.llvm_type(*e)).collect();
                if fields.is_empty() {
                    return None;
                }
                cx.struct_type(&fields, false).into()
            }
            TyKind::Never => return None,
            TyKind::Ref(inner, _) | TyKind::RawPtr(inner, _) => {
                if matches!(self.tys.kind(*inner), TyKind::Str | TyKind::Slice(_)) {
                    self.fat_ptr_type().into()
                } else {
                    cx.ptr_type(AddressSpace::default()).into()
                }
            }
            TyKind::Array(elem, n) => match self.llvm_type(*elem) {
                Some(e) => e.array_type(*n as u32).into(),
                None => return None,
            },
            TyKind::FnPtr(..) => cx.ptr_type(AddressSpace::default()).into(),
            // Struct and enum layouts come with the next change; nothing reaches here until the
            // MIR builder lowers ADTs, and codegen reports them as unsupported first.
            TyKind::Adt(..) => return None,
            TyKind::Str | TyKind::Slice(_) | TyKind::Infer(_) | TyKind::Error => {
                unreachable!("type {:?} never reaches code generation", self.tys.kind(t))
            }
        })
    }

    pub fn fat_ptr_type(&self) -> inkwell::types::StructType<'ctx> {
        let ptr = self.cx.ptr_type(AddressSpace::default());
        self.cx.struct_type(&[ptr.into(), int_type(self.cx, self.usize_bits).into()], false)
    }

    /// The LLVM struct index of field `i` of tuple type `t` (zero-sized fields have none).
    pub fn field_index(&self, t: Ty, i: u32) -> Option<u32> {
        let TyKind::Tuple(elems) = self.tys.kind(t) else { unreachable!("field projection on a non-tuple") };
        if self.llvm_type(elems[i as usize]).is_none() {
            return None;
        }
        Some(elems[..i as usize].iter().filter(|e| self.llvm_type(**e).is_some()).count() as u32)
    }

    pub fn is_zst(&self, t: Ty) -> bool {
        self.llvm_type(t).is_none()
    }
}

pub fn int_bits(i: IntTy, usize_bits: u32) -> u32 {
    i.bits(usize_bits)
}

pub fn uint_bits(u: UintTy, usize_bits: u32) -> u32 {
    u.bits(usize_bits)
}

/// LLVM's integer type of a width Rust has.
pub fn int_type(cx: &Context, bits: u32) -> inkwell::types::IntType<'_> {
    match bits {
        1 => cx.bool_type(),
        8 => cx.i8_type(),
        16 => cx.i16_type(),
        32 => cx.i32_type(),
        64 => cx.i64_type(),
        128 => cx.i128_type(),
        _ => unreachable!("no integer type has {bits} bits"),
    }
}
