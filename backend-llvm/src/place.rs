//! Places and operands: MIR places to addresses, operands to SSA values.
//!
//! A place evaluates to a [`PlaceRef`]: an address, the place's type, the variant it was
//! downcast to (for enum field projections), and for places of unsized type (`[T]`, `str`,
//! reached by dereferencing a fat pointer or by a `Subslice` of a slice) the length that the
//! fat pointer carried. Zero-sized places have no storage; their address is a dangling pointer
//! aligned for the type (as Rust's `&()`), and nothing is ever loaded from or stored to it.
//! Projections follow [`crate::layout`]: `Field` is a struct GEP into the tuple, struct or
//! variant payload struct, `Downcast` is a GEP to the enum's payload union, indexing is a GEP on
//! the element type (bounds were checked by an earlier `Assert`).

use aether_frontend::hir::VariantIdx;
use aether_frontend::ty::{Ty, TyKind};
use aether_middle::mir::*;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};

use crate::codegen::FnCx;
use crate::BackendError;

/// An evaluated place.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlaceRef<'ctx> {
    pub ptr: PointerValue<'ctx>,
    pub ty: Ty,
    /// Set after `Downcast`: the fields are those of this variant.
    pub variant: Option<VariantIdx>,
    /// The metadata of an unsized place: the length of a `[T]`/`str`, the vtable of a `dyn`.
    pub meta: Option<BasicValueEnum<'ctx>>,
}

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    /// The type of a place, without generating code.
    pub(crate) fn place_ty(&self, p: &Place) -> Ty {
        let tys = &self.cg.krate.tys;
        let mut t = self.body.local_decl(p.local).ty;
        for e in &p.projection {
            t = match e {
                PlaceElem::Deref => match tys.kind(t) {
                    TyKind::Ref(inner, _) | TyKind::RawPtr(inner, _) => *inner,
                    k => unreachable!("Deref of {k:?}"),
                },
                PlaceElem::Field(_, ft) => *ft,
                PlaceElem::Index(_) | PlaceElem::ConstantIndex { .. } => {
                    self.cg.layouts.elem_ty(t).unwrap_or_else(|| unreachable!("indexing a non-array"))
                }
                PlaceElem::Subslice { ty, .. } => *ty,
                PlaceElem::Downcast(_) => t,
            };
        }
        t
    }

    /// A dangling, well-aligned address for a zero-sized place.
    fn dangling(&self, ty: Ty) -> PointerValue<'ctx> {
        let align = self.cg.layouts.align_of(ty) as u64;
        self.cg.layouts.usize_type().const_int(align, false).const_to_pointer(self.cg.layouts.ptr_type())
    }

    /// Evaluates a place to its address.
    pub(crate) fn place(&mut self, p: &Place) -> Result<PlaceRef<'ctx>, BackendError> {
        let ty = self.body.local_decl(p.local).ty;
        let ptr = match self.slots[p.local.index()] {
            Some(s) => s,
            None => self.dangling(ty),
        };
        let mut pr = PlaceRef { ptr, ty, variant: None, meta: None };
        for e in &p.projection {
            pr = self.project(pr, e)?;
        }
        Ok(pr)
    }

    fn project(&mut self, base: PlaceRef<'ctx>, e: &PlaceElem) -> Result<PlaceRef<'ctx>, BackendError> {
        let tys = &self.cg.krate.tys;
        Ok(match e {
            PlaceElem::Deref => {
                let inner = match tys.kind(base.ty) {
                    TyKind::Ref(inner, _) | TyKind::RawPtr(inner, _) => *inner,
                    k => unreachable!("Deref of {k:?}"),
                };
                let v = self
                    .load_value(base.ptr, base.ty)?
                    .ok_or_else(|| BackendError::Internal("pointer value is zero-sized".into()))?;
                if self.cg.layouts.is_unsized(inner) {
                    let sv = v.into_struct_value();
                    let ptr = self.b().build_extract_value(sv, 0, "")?.into_pointer_value();
                    let meta = self.b().build_extract_value(sv, 1, "")?;
                    PlaceRef { ptr, ty: inner, variant: None, meta: Some(meta) }
                } else {
                    PlaceRef { ptr: v.into_pointer_value(), ty: inner, variant: None, meta: None }
                }
            }
            PlaceElem::Field(i, fty) => {
                let ptr = match self.cg.layouts.field(base.ty, base.variant, *i) {
                    Some((st, idx)) => self.b().build_struct_gep(st, base.ptr, idx, "")?,
                    None => self.dangling(*fty),
                };
                PlaceRef { ptr, ty: *fty, variant: None, meta: None }
            }
            PlaceElem::Downcast(v) => {
                let enum_layout = self
                    .cg
                    .layouts
                    .enum_layout_of(base.ty)
                    .unwrap_or_else(|| unreachable!("Downcast of a non-enum {:?}", tys.kind(base.ty)));
                let ptr = match enum_layout.ty {
                    Some(st) => self.b().build_struct_gep(st, base.ptr, 1, "")?,
                    // No variant has data: no field is ever reached through this place.
                    None => base.ptr,
                };
                PlaceRef { ptr, ty: base.ty, variant: Some(*v), meta: None }
            }
            PlaceElem::Index(local) => {
                let idx = self.load_local_int(*local)?;
                self.index(base, idx)?
            }
            PlaceElem::ConstantIndex { offset, from_end } => {
                let off = self.cg.usize_const(*offset);
                let idx = if *from_end {
                    let len = self.place_len(&base);
                    self.b().build_int_sub(len, off, "")?
                } else {
                    off
                };
                self.index(base, idx)?
            }
            PlaceElem::Subslice { from, to, ty } => {
                let elem = self.cg.layouts.elem_ty(base.ty).unwrap_or_else(|| unreachable!("Subslice of a non-array"));
                let ptr = match self.cg.layouts.llvm_type(elem) {
                    Some(et) => {
                        let off = self.cg.usize_const(*from);
                        unsafe { self.b().build_in_bounds_gep(et, base.ptr, &[off], "")? }
                    }
                    None => base.ptr,
                };
                let meta = if self.cg.layouts.is_unsized(*ty) {
                    let len = self.place_len(&base);
                    let cut = self.cg.usize_const(from + to);
                    Some(self.b().build_int_sub(len, cut, "")?.into())
                } else {
                    None
                };
                PlaceRef { ptr, ty: *ty, variant: None, meta }
            }
        })
    }

    fn index(&mut self, base: PlaceRef<'ctx>, idx: IntValue<'ctx>) -> Result<PlaceRef<'ctx>, BackendError> {
        let elem = self.cg.layouts.elem_ty(base.ty).unwrap_or_else(|| unreachable!("indexing a non-array"));
        let ptr = match self.cg.layouts.llvm_type(elem) {
            Some(et) => unsafe { self.b().build_in_bounds_gep(et, base.ptr, &[idx], "")? },
            None => self.dangling(elem),
        };
        Ok(PlaceRef { ptr, ty: elem, variant: None, meta: None })
    }

    /// The length of an array or slice place, as a `usize`.
    pub(crate) fn place_len(&self, p: &PlaceRef<'ctx>) -> IntValue<'ctx> {
        match (self.cg.krate.tys.kind(p.ty), p.meta) {
            (TyKind::Array(_, n), _) => self.cg.usize_const(*n),
            (_, Some(len)) => len.into_int_value(),
            (k, None) => unreachable!("length of {k:?}"),
        }
    }

    /// An index local's value widened or narrowed to `usize`.
    fn load_local_int(&mut self, l: Local) -> Result<IntValue<'ctx>, BackendError> {
        let v = self.operand(&Operand::Copy(Place::local(l)))?;
        let v = v.ok_or_else(|| BackendError::Internal("index is zero-sized".into()))?.into_int_value();
        let signed = self.cg.krate.tys.is_signed(self.body.local_decl(l).ty);
        Ok(self.b().build_int_cast_sign_flag(v, self.cg.layouts.usize_type(), signed, "")?)
    }

    pub(crate) fn operand_ty(&self, o: &Operand) -> Ty {
        match o {
            Operand::Copy(p) | Operand::Move(p) => self.place_ty(p),
            Operand::Constant(c) => c.ty,
        }
    }

    /// The value of an operand, or `None` if it is zero-sized.
    pub(crate) fn operand(&mut self, o: &Operand) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        match o {
            Operand::Copy(p) | Operand::Move(p) => {
                let ty = self.place_ty(p);
                if self.cg.layouts.is_zst(ty) {
                    return Ok(None);
                }
                let pr = self.place(p)?;
                self.load_value(pr.ptr, pr.ty)
            }
            Operand::Constant(c) => self.constant(c),
        }
    }

    pub(crate) fn int_operand(&mut self, o: &Operand) -> Result<IntValue<'ctx>, BackendError> {
        match self.operand(o)? {
            Some(v) => Ok(v.into_int_value()),
            None => Err(BackendError::Internal("integer operand is zero-sized".into())),
        }
    }

    /// An operand that is not zero-sized (MIR guarantees it for arithmetic and the like).
    pub(crate) fn sized_operand(&mut self, o: &Operand) -> Result<BasicValueEnum<'ctx>, BackendError> {
        self.operand(o)?.ok_or_else(|| BackendError::Internal("zero-sized operand".into()))
    }

    /// Writes an operand into memory at `dest` (a place of the operand's type). Aggregates in
    /// memory are copied with `memcpy` rather than loaded as one huge SSA value.
    pub(crate) fn store_operand(&mut self, dest: PointerValue<'ctx>, o: &Operand) -> Result<(), BackendError> {
        let ty = self.operand_ty(o);
        let Some(lt) = self.cg.layouts.llvm_type(ty) else { return Ok(()) };
        if lt.is_struct_type() || lt.is_array_type() {
            let src = match o {
                Operand::Copy(p) | Operand::Move(p) => Some(self.place(p)?.ptr),
                Operand::Constant(c) => match &c.value {
                    ConstValue::Aggregate(cv) => Some(self.cg.const_global(c.ty, cv)?.as_pointer_value()),
                    _ => None,
                },
            };
            if let Some(src) = src {
                let align = self.cg.layouts.align_of(ty);
                let size = self.cg.usize_const(self.cg.layouts.size_of(ty));
                self.b()
                    .build_memcpy(dest, align, src, align, size)
                    .map_err(|e| BackendError::Internal(format!("memcpy: {e}")))?;
                return Ok(());
            }
        }
        if let Some(v) = self.operand(o)? {
            self.store_value(dest, v, ty)?;
        }
        Ok(())
    }

    /// A constant operand's SSA value.
    pub(crate) fn constant(&mut self, c: &Constant) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        let Some(lt) = self.cg.layouts.imm_type(c.ty) else { return Ok(None) };
        Ok(Some(match &c.value {
            // A raw pointer constant is an address (null for 0).
            ConstValue::Scalar(v) if lt.is_pointer_type() => {
                let addr = self.cg.usize_const(*v as u64);
                self.b().build_int_to_ptr(addr, lt.into_pointer_type(), "")?.into()
            }
            ConstValue::Scalar(v) => {
                if !lt.is_int_type() {
                    return Err(BackendError::Internal(format!("scalar constant of type {lt:?}")));
                }
                crate::layout::const_u128(lt.into_int_type(), *v).into()
            }
            ConstValue::Float(f) => lt.into_float_type().const_float(*f).into(),
            ConstValue::Str(s) => self.cg.str_value(s),
            ConstValue::ZeroSized => return Ok(None),
            ConstValue::Aggregate(cv) => {
                // Aggregates live in a private constant global; LLVM folds the load.
                let g = self.cg.const_global(c.ty, cv)?;
                return self.load_value(g.as_pointer_value(), c.ty);
            }
            ConstValue::StaticAddr(id) => {
                let g = self.cg.static_global(*id)?.as_pointer_value();
                if lt.is_struct_type() {
                    return Err(BackendError::Unsupported("the address of a static of unsized type".into()));
                }
                g.into()
            }
        }))
    }
}
