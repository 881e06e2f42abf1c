//! Trait objects: vtables, the unsizing casts that make `&dyn Trait`/`Box<dyn Trait>`, calls
//! through vtables, and the size, alignment and drop of a value known only by its vtable.
//!
//! A vtable is a private constant of pointer-sized words: `[drop glue, size, align, method..]`,
//! the methods in `TraitTables::vtable_methods` order (the instances monomorphization recorded
//! in `hir::Crate::vtables`; a null word for a method an object cannot call). Types without
//! drop glue share one empty glue function, so dropping an object never branches. A pointer
//! to an object is `{ data ptr, vtable ptr }`. A method is called with the data pointer as its
//! receiver (the implementation's `&self` is a thin pointer to the concrete type).

use inkwell::module::Linkage;
use inkwell::types::BasicType;
use inkwell::values::{BasicValue, BasicValueEnum, FunctionValue, PointerValue};
use inkwell::AddressSpace;

use aether_frontend::hir::FnId;
use aether_frontend::traits::TraitTables;
use aether_frontend::ty::{Mutability, Ty, TyKind};
use aether_middle::mir::{Operand, Place};

use crate::codegen::{CodegenCx, FnCx, UnwindTarget};
use crate::BackendError;

/// The vtable words before the methods.
const HEADER_WORDS: u32 = 3;
const SIZE_WORD: u32 = 1;
const ALIGN_WORD: u32 = 2;

impl<'ctx> CodegenCx<'ctx, '_> {
    /// The vtable of the sized type `src` as the object type `obj` (made on first use).
    pub(crate) fn vtable(&mut self, src: Ty, obj: Ty) -> Result<PointerValue<'ctx>, BackendError> {
        if let Some(v) = self.vtables.get(&(src, obj)) {
            return Ok(*v);
        }
        let entries = self.krate.vtables.get(&(src, obj)).cloned().ok_or_else(|| {
            BackendError::Internal(format!(
                "no vtable recorded for `{}` as `{}`",
                self.krate.tys.display(src),
                self.krate.tys.display(obj)
            ))
        })?;
        let ptr_t = self.cx.ptr_type(AddressSpace::default());
        let glue = if self.needs_drop.needs_drop(src) { self.drop_glue(src)? } else { self.noop_glue() };
        let mut words: Vec<BasicValueEnum<'ctx>> = vec![
            glue.as_global_value().as_pointer_value().into(),
            self.usize_const(self.layouts.size_of(src)).into(),
            self.usize_const(self.layouts.align_of(src) as u64).into(),
        ];
        for e in entries {
            words.push(match e {
                Some(f) => self.function(f)?.as_global_value().as_pointer_value().into(),
                None => ptr_t.const_null().into(),
            });
        }
        let init = self.cx.const_struct(&words, false);
        let name = format!("vtable<{} as {}>", self.krate.tys.display(src), self.krate.tys.display(obj));
        let g = self.module.add_global(init.get_type(), None, &name);
        g.set_initializer(&init);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        let p = g.as_pointer_value();
        self.vtables.insert((src, obj), p);
        Ok(p)
    }

    /// The drop glue of types that need none (a vtable's first word is never null).
    fn noop_glue(&mut self) -> FunctionValue<'ctx> {
        if let Some(f) = self.module.get_function("drop_glue_noop") {
            return f;
        }
        let ptr_t = self.cx.ptr_type(AddressSpace::default());
        let f = self.module.add_function(
            "drop_glue_noop",
            self.cx.void_type().fn_type(&[ptr_t.into()], false),
            Some(Linkage::Internal),
        );
        let b = self.cx.create_builder();
        b.position_at_end(self.cx.append_basic_block(f, "start"));
        b.build_return(None).expect("positioned");
        f
    }
}

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    /// An unsizing cast of the value `v` from `from` to `to`: the pointer gets the length of
    /// the array or the vtable of the object as its second word; a smart pointer (`Box<T>`,
    /// whose one field is the pointer) gets it inside.
    pub(crate) fn unsize(
        &mut self,
        v: BasicValueEnum<'ctx>,
        from: Ty,
        to: Ty,
    ) -> Result<BasicValueEnum<'ctx>, BackendError> {
        let tys = &self.cg.krate.tys;
        let (src, dst) = tys.unsize_pointees(from, to).ok_or_else(|| {
            BackendError::Internal(format!("`{}` does not unsize to `{}`", tys.display(from), tys.display(to)))
        })?;
        let meta: BasicValueEnum<'ctx> = match (tys.kind(src), tys.kind(dst)) {
            (TyKind::Array(_, n), TyKind::Slice(_)) => self.cg.usize_const(*n).into(),
            (_, TyKind::Dynamic { .. }) => self.cg.vtable(src, dst)?.into(),
            _ => return Err(BackendError::Internal("unsizing to a type that is neither slice nor object".into())),
        };
        let fat_t = self.cg.layouts.fat_ptr_type_of(dst);
        let thin = match v {
            BasicValueEnum::PointerValue(p) => p,
            BasicValueEnum::StructValue(s) => self.b().build_extract_value(s, 0, "")?.into_pointer_value(),
            _ => return Err(BackendError::Internal("unsizing a value that holds no pointer".into())),
        };
        let fat = self.b().build_insert_value(fat_t.get_undef(), thin, 0, "")?;
        let fat = self.b().build_insert_value(fat, meta, 1, "")?.into_struct_value();
        let target =
            self.cg.layouts.llvm_type(to).ok_or_else(|| BackendError::Internal("zero-sized pointer".into()))?;
        if target == fat_t.as_basic_type_enum() {
            return Ok(fat.into());
        }
        // `Box<dyn Trait>`: a struct around the fat pointer.
        let outer = target.into_struct_type();
        Ok(self.b().build_insert_value(outer.get_undef(), fat, 0, "")?.into_struct_value().into())
    }

    /// Word `i` of a vtable, as a pointer or a `usize`.
    fn vtable_word(
        &mut self,
        vtable: PointerValue<'ctx>,
        i: u32,
        as_ptr: bool,
    ) -> Result<BasicValueEnum<'ctx>, BackendError> {
        let word_t: inkwell::types::BasicTypeEnum<'ctx> =
            if as_ptr { self.cg.layouts.ptr_type().into() } else { self.cg.layouts.usize_type().into() };
        let idx = self.cg.cx.i32_type().const_int(i as u64, false);
        let at = unsafe { self.b().build_in_bounds_gep(word_t, vtable, &[idx], "")? };
        let v = self.b().build_load(word_t, at, "")?;
        // Vtables never change: let LLVM hoist and merge the loads.
        if let Some(inst) = v.as_instruction_value() {
            let md = self.cg.cx.metadata_node(&[]);
            let kind = self.cg.cx.get_kind_id("invariant.load");
            inst.set_metadata(md, kind).map_err(|e| BackendError::Internal(e.to_string()))?;
        }
        Ok(v)
    }

    /// Splits a pointer to an object into its data pointer and vtable.
    fn split_object(
        &mut self,
        fat: BasicValueEnum<'ctx>,
    ) -> Result<(PointerValue<'ctx>, PointerValue<'ctx>), BackendError> {
        let s = fat.into_struct_value();
        let data = self.b().build_extract_value(s, 0, "")?.into_pointer_value();
        let vt = self.b().build_extract_value(s, 1, "")?.into_pointer_value();
        Ok((data, vt))
    }

    /// A call of vtable slot `slot` of the object the first argument points to.
    pub(crate) fn virtual_call(
        &mut self,
        method: FnId,
        substs: &[Ty],
        slot: u32,
        args: &[Operand],
        destination: &Place,
        unwind: UnwindTarget,
    ) -> Result<(), BackendError> {
        let krate = self.cg.krate;
        let tables = TraitTables::of(krate);
        let def = krate.fn_def(method);
        let sig = |t: Ty| tables.normalize_deep(krate.tys.subst(t, substs), &[], 0);
        // The receiver is the data pointer: a thin `&()` stands for it in the signature.
        let unit = krate.common.unit;
        let thin = krate.tys.intern(TyKind::Ref(unit, Mutability::Not));
        let mut params: Vec<Ty> = def.params.iter().map(|p| sig(*p)).collect();
        if let Some(first) = params.first_mut() {
            *first = thin;
        }
        let ret = sig(def.ret);
        let fn_t = self.cg.fn_type(&params, ret);
        let recv = self.sized_operand(&args[0])?;
        let (data, vt) = self.split_object(recv)?;
        let f = self.vtable_word(vt, HEADER_WORDS + slot, true)?.into_pointer_value();
        let mut vals: Vec<BasicValueEnum<'ctx>> = vec![data.into()];
        for a in &args[1..] {
            if let Some(v) = self.operand(a)? {
                vals.push(v);
            }
        }
        let call = self.call_indirect(fn_t, f, &vals, unwind)?;
        if let Some(v) = call.try_as_basic_value().basic() {
            let dest_ty = self.place_ty(destination);
            let pr = self.place(destination)?;
            self.store_value(pr.ptr, v, dest_ty)?;
        }
        Ok(())
    }

    /// `drop_in_place` of an object: its vtable's glue on its data.
    pub(crate) fn drop_object(&mut self, fat: BasicValueEnum<'ctx>, unwind: UnwindTarget) -> Result<(), BackendError> {
        let (data, vt) = self.split_object(fat)?;
        let glue = self.vtable_word(vt, 0, true)?.into_pointer_value();
        let ptr_t = self.cg.layouts.ptr_type();
        let fn_t = self.cg.cx.void_type().fn_type(&[ptr_t.into()], false);
        self.call_indirect(fn_t, glue, &[data.into()], unwind)?;
        Ok(())
    }

    /// `size_of_val`/`align_of_val` of what the pointer `p` (to a `t`) points to.
    pub(crate) fn size_or_align_of_val(
        &mut self,
        t: Ty,
        p: BasicValueEnum<'ctx>,
        size: bool,
    ) -> Result<BasicValueEnum<'ctx>, BackendError> {
        let tys = &self.cg.krate.tys;
        Ok(match tys.kind(t).clone() {
            TyKind::Dynamic { .. } => {
                let (_, vt) = self.split_object(p)?;
                self.vtable_word(vt, if size { SIZE_WORD } else { ALIGN_WORD }, false)?
            }
            TyKind::Slice(_) | TyKind::Str => {
                let elem = match tys.kind(t) {
                    TyKind::Slice(e) => *e,
                    _ => self.cg.krate.common.u8,
                };
                if !size {
                    return Ok(self.cg.usize_const(self.cg.layouts.align_of(elem) as u64).into());
                }
                let len = self.b().build_extract_value(p.into_struct_value(), 1, "")?.into_int_value();
                let esize = self.cg.usize_const(self.cg.layouts.size_of(elem));
                self.b().build_int_mul(len, esize, "")?.into()
            }
            _ if size => self.cg.usize_const(self.cg.layouts.size_of(t)).into(),
            _ => self.cg.usize_const(self.cg.layouts.align_of(t) as u64).into(),
        })
    }
}
