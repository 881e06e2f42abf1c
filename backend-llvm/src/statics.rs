//! Constants and statics: compile-time values (`hir::ConstVal`) as LLVM constants.
//!
//! A `static` is a global of its type's memory layout, initialized from its `ConstVal`:
//! `static mut` globals are writable, the others are `constant` (LLVM may assume they never
//! change, and the linker puts them in read-only memory). Internal linkage, mangled like
//! functions (`_AE` + path). Aggregate constants used as operands (`ConstValue::Aggregate`)
//! become private `unnamed_addr constant` globals that code loads or copies from.
//!
//! The initializer of an aggregate has exactly the bytes the layout says (see
//! [`crate::layout`]). Tuples and structs whose fields all have their natural LLVM types are
//! plain struct constants. An enum variant cannot be a constant of the enum's `{ tag, [N x
//! iK] }` type (the union holds a different struct per variant), so enum constants, and any
//! aggregate containing one, are *packed* anonymous structs with explicit zero padding placed
//! at the offsets the target data layout gives for the real type, and tail padding up to its
//! size. Globals get the real type's alignment.

use aether_frontend::hir::{ConstVal, StaticId};
use aether_frontend::ty::{Ty, TyKind};
use inkwell::module::Linkage;
use inkwell::types::{BasicTypeEnum, StructType};
use inkwell::values::{BasicValue, BasicValueEnum, GlobalValue};

use crate::codegen::{mangle, CodegenCx};
use crate::layout::{const_u128, AdtLayout};
use crate::BackendError;

impl<'ctx, 'a> CodegenCx<'ctx, 'a> {
    /// Defines a global for every `static` of the crate.
    /// Defines the program's statics; the standard library's are defined on first use
    /// ([`Self::static_global`]), so that programs not using them carry none.
    pub(crate) fn define_statics(&mut self) -> Result<(), BackendError> {
        self.statics = vec![None; self.krate.statics.len()];
        for i in 0..self.krate.statics.len() {
            if !self.krate.statics[i].path.starts_with("std::") {
                self.define_static(i)?;
            }
        }
        Ok(())
    }

    fn define_static(&mut self, i: usize) -> Result<GlobalValue<'ctx>, BackendError> {
        {
            let s = &self.krate.statics[i];
            let init = match self.layouts.llvm_type(s.ty) {
                Some(_) => self.const_value(s.ty, &s.value)?,
                // A zero-sized static still has an address; give it no bytes.
                None => self.cx.const_struct(&[], false).into(),
            };
            let g = self.module.add_global(init.get_type(), None, &mangle(&s.path));
            g.set_initializer(&init);
            g.set_constant(!s.mutable);
            g.set_linkage(Linkage::Internal);
            g.set_alignment(self.layouts.align_of(s.ty));
            self.statics[i] = Some(g);
            Ok(g)
        }
    }

    /// The global of static `id` (defined now if it is a library static not used before).
    pub(crate) fn static_global(&mut self, id: StaticId) -> Result<GlobalValue<'ctx>, BackendError> {
        match self.statics[id.index()] {
            Some(g) => Ok(g),
            None => self.define_static(id.index()),
        }
    }

    /// A private constant global holding `cv` as a value of `ty` (one per distinct value).
    pub(crate) fn const_global(&mut self, ty: Ty, cv: &ConstVal) -> Result<GlobalValue<'ctx>, BackendError> {
        if let Some((_, _, g)) = self.const_globals.iter().find(|(t, v, _)| *t == ty && v == cv) {
            return Ok(*g);
        }
        let init = self.const_value(ty, cv)?;
        let g = self.module.add_global(init.get_type(), None, &format!("const.{}", self.const_globals.len()));
        g.set_initializer(&init);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        g.set_alignment(self.layouts.align_of(ty));
        self.const_globals.push((ty, cv.clone(), g));
        Ok(g)
    }

    /// `cv` as an LLVM constant with the memory layout of `ty` (possibly a packed struct of the
    /// same size rather than `ty`'s own LLVM type, see the module documentation). `ty` must not
    /// be zero-sized.
    pub(crate) fn const_value(&mut self, ty: Ty, cv: &ConstVal) -> Result<BasicValueEnum<'ctx>, BackendError> {
        let lt =
            self.layouts.llvm_type(ty).ok_or_else(|| BackendError::Internal("constant of a zero-sized type".into()))?;
        let mismatch =
            || BackendError::Internal(format!("constant {cv:?} does not have type {}", self.krate.tys.display(ty)));
        Ok(match (self.krate.tys.kind(ty).clone(), cv) {
            (TyKind::Int(_) | TyKind::Uint(_), ConstVal::Int(v)) => const_u128(lt.into_int_type(), *v).into(),
            (TyKind::Bool, ConstVal::Bool(b)) => lt.into_int_type().const_int(*b as u64, false).into(),
            (TyKind::Char, ConstVal::Char(c)) => lt.into_int_type().const_int(*c as u64, false).into(),
            (TyKind::Float(_), ConstVal::Float(f)) => lt.into_float_type().const_float(*f).into(),
            (TyKind::Ref(..) | TyKind::RawPtr(..), ConstVal::Str(s)) => self.str_value(s),
            (TyKind::Tuple(elems), ConstVal::Aggregate { fields, .. }) if fields.len() == elems.len() => {
                let mut vals = Vec::new();
                for (i, (t, f)) in elems.iter().zip(fields).enumerate() {
                    if let Some(idx) = self.layouts.tuple_field_index(&elems, i as u32) {
                        vals.push((idx, self.const_value(*t, f)?));
                    }
                }
                self.const_struct(lt.into_struct_type(), vals)
            }
            (TyKind::Array(elem, n), ConstVal::Aggregate { fields, .. }) if fields.len() as u64 == n => {
                let vals: Vec<BasicValueEnum> =
                    fields.iter().map(|f| self.const_value(elem, f)).collect::<Result<_, _>>()?;
                let elem_lt =
                    self.layouts.llvm_type(elem).ok_or_else(|| BackendError::Internal("array of ZSTs".into()))?;
                if vals.iter().all(|v| v.get_type() == elem_lt) {
                    const_array(elem_lt, &vals)
                } else {
                    // Element constants of a packed type have the element's size, so packing
                    // them back to back keeps the array's stride.
                    self.cx.const_struct(&vals, true).into()
                }
            }
            (TyKind::Adt(..), ConstVal::Aggregate { variant, fields }) => match self.layouts.adt_layout(ty) {
                AdtLayout::Struct { ty: Some(st), fields: map } => {
                    let def_fields: Vec<Ty> = self.adt_field_tys(ty, 0);
                    if def_fields.len() != fields.len() {
                        return Err(mismatch());
                    }
                    let mut vals = Vec::new();
                    for ((t, f), idx) in def_fields.iter().zip(fields).zip(&map) {
                        if let Some(idx) = idx {
                            vals.push((*idx, self.const_value(*t, f)?));
                        }
                    }
                    self.const_struct(st, vals)
                }
                AdtLayout::Enum(el) => {
                    let vl = el.variants.get(variant.index()).ok_or_else(mismatch)?.clone();
                    let tag = el.tag_value(vl.discr);
                    let Some(enum_st) = el.ty else { return Ok(tag.into()) };
                    let payload = match vl.payload {
                        Some(pst) => {
                            let def_fields = self.adt_field_tys(ty, variant.index());
                            if def_fields.len() != fields.len() {
                                return Err(mismatch());
                            }
                            let mut vals = Vec::new();
                            for ((t, f), idx) in def_fields.iter().zip(fields).zip(&vl.fields) {
                                if let Some(idx) = idx {
                                    vals.push((*idx, self.const_value(*t, f)?));
                                }
                            }
                            Some(self.const_struct(pst, vals))
                        }
                        None => None,
                    };
                    let mut elems = vec![(0u64, tag.as_basic_value_enum())];
                    if let Some(p) = payload {
                        let off = self.layouts.td.offset_of_element(&enum_st, 1).ok_or_else(mismatch)?;
                        elems.push((off, p));
                    }
                    self.packed(elems, self.layouts.td.get_abi_size(&enum_st))
                }
                _ => return Err(mismatch()),
            },
            _ => return Err(mismatch()),
        })
    }

    fn adt_field_tys(&self, ty: Ty, variant: usize) -> Vec<Ty> {
        let TyKind::Adt(id, args) = self.krate.tys.kind(ty) else { unreachable!("adt_field_tys of a non-ADT") };
        self.krate.field_tys(*id, args, aether_frontend::hir::VariantIdx(variant as u32))
    }

    /// A constant of struct type `st` from its (LLVM index, value) fields: `st` itself when
    /// every value has its field's type, else a packed struct with the same layout.
    fn const_struct(&self, st: StructType<'ctx>, vals: Vec<(u32, BasicValueEnum<'ctx>)>) -> BasicValueEnum<'ctx> {
        let natural = vals.len() as u32 == st.count_fields()
            && vals.iter().all(|(i, v)| st.get_field_type_at_index(*i) == Some(v.get_type()));
        if natural {
            let vs: Vec<BasicValueEnum> = vals.into_iter().map(|(_, v)| v).collect();
            return st.const_named_struct(&vs).into();
        }
        let elems =
            vals.into_iter().map(|(i, v)| (self.layouts.td.offset_of_element(&st, i).unwrap_or(0), v)).collect();
        self.packed(elems, self.layouts.td.get_abi_size(&st))
    }

    /// A packed struct placing each value at its byte offset, zero-filling the gaps and the
    /// tail up to `size` bytes.
    fn packed(&self, elems: Vec<(u64, BasicValueEnum<'ctx>)>, size: u64) -> BasicValueEnum<'ctx> {
        let i8t = self.cx.i8_type();
        let mut out: Vec<BasicValueEnum> = Vec::new();
        let mut at = 0u64;
        for (off, v) in elems {
            if off > at {
                out.push(i8t.array_type((off - at) as u32).const_zero().into());
            }
            at = off + self.layouts.td.get_abi_size(&v.get_type());
            out.push(v);
        }
        if size > at {
            out.push(i8t.array_type((size - at) as u32).const_zero().into());
        }
        self.cx.const_struct(&out, true).into()
    }
}

/// `[vals]` as a constant array of `elem`.
fn const_array<'ctx>(elem: BasicTypeEnum<'ctx>, vals: &[BasicValueEnum<'ctx>]) -> BasicValueEnum<'ctx> {
    match elem {
        BasicTypeEnum::IntType(t) => t.const_array(&vals.iter().map(|v| v.into_int_value()).collect::<Vec<_>>()),
        BasicTypeEnum::FloatType(t) => t.const_array(&vals.iter().map(|v| v.into_float_value()).collect::<Vec<_>>()),
        BasicTypeEnum::PointerType(t) => {
            t.const_array(&vals.iter().map(|v| v.into_pointer_value()).collect::<Vec<_>>())
        }
        BasicTypeEnum::StructType(t) => t.const_array(&vals.iter().map(|v| v.into_struct_value()).collect::<Vec<_>>()),
        BasicTypeEnum::ArrayType(t) => t.const_array(&vals.iter().map(|v| v.into_array_value()).collect::<Vec<_>>()),
        BasicTypeEnum::VectorType(t) => t.const_array(&vals.iter().map(|v| v.into_vector_value()).collect::<Vec<_>>()),
        BasicTypeEnum::ScalableVectorType(t) => {
            t.const_array(&vals.iter().map(|v| v.into_scalable_vector_value()).collect::<Vec<_>>())
        }
    }
    .into()
}
