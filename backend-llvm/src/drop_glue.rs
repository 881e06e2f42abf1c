//! Drop glue: one LLVM function per type with destructors, `void glue(ptr)`.
//!
//! Takes a concrete type that `NeedsDrop` says has glue and produces (once per type, on first
//! use) the function that destroys a value in place: the type's own `Drop::drop` first (the
//! instance monomorphization recorded in `hir::Crate::drop_impls`), then its fields in
//! declaration order (an enum's fields of the variant its tag names; an array's elements first
//! to last). MIR `Drop` terminators call it; so does the `drop_in_place` intrinsic. Glue is
//! built with its own IR builder, so it can be made while a function body is half emitted.

use inkwell::module::Linkage;
use inkwell::values::{FunctionValue, PointerValue};
use inkwell::AddressSpace;

use aether_frontend::hir::VariantIdx;
use aether_frontend::ty::{Ty, TyKind};

use crate::codegen::CodegenCx;
use crate::layout::AdtLayout;
use crate::BackendError;

impl<'ctx> CodegenCx<'ctx, '_> {
    /// The drop glue of `t` (which must need dropping).
    pub(crate) fn drop_glue(&mut self, t: Ty) -> Result<FunctionValue<'ctx>, BackendError> {
        if let Some(f) = self.glue.get(&t) {
            return Ok(*f);
        }
        let ptr_t = self.cx.ptr_type(AddressSpace::default());
        let fn_t = self.cx.void_type().fn_type(&[ptr_t.into()], false);
        let name = format!("drop_glue<{}>", self.krate.tys.display(t));
        let f = self.module.add_function(&name, fn_t, Some(Linkage::Internal));
        self.add_fn_attr(f, "uwtable", 2);
        self.glue.insert(t, f);
        let b = self.cx.create_builder();
        let entry = self.cx.append_basic_block(f, "start");
        b.position_at_end(entry);
        let p = f.get_nth_param(0).expect("glue takes a pointer").into_pointer_value();
        self.emit_glue_body(&b, f, t, p)?;
        b.build_return(None)?;
        Ok(f)
    }

    fn emit_glue_body(
        &mut self,
        b: &inkwell::builder::Builder<'ctx>,
        f: FunctionValue<'ctx>,
        t: Ty,
        p: PointerValue<'ctx>,
    ) -> Result<(), BackendError> {
        // A frame: its drop function knows what the state holds.
        if let TyKind::Coroutine { .. } = self.krate.tys.kind(t) {
            let df = self.frame_drop_fn(t)?;
            b.build_call(df, &[p.into()], "")?;
            return Ok(());
        }
        if let Some(&user) = self.krate.drop_impls.get(&t) {
            let uf = self.function(user)?;
            b.build_call(uf, &[p.into()], "")?;
        }
        match self.krate.tys.kind(t).clone() {
            TyKind::Tuple(elems) | TyKind::Closure { upvars: elems, .. } => {
                for (i, e) in elems.iter().enumerate() {
                    self.drop_field(b, t, None, i as u32, *e, p)?;
                }
            }
            TyKind::Array(elem, n) => {
                if n == 0 || !self.needs_drop.needs_drop(elem) {
                    return Ok(());
                }
                let glue = self.drop_glue(elem)?;
                let at =
                    self.layouts.llvm_type(t).ok_or_else(|| BackendError::Internal("array glue of a ZST".into()))?;
                let usize_t = crate::layout::int_type(self.cx, self.layouts.usize_bits);
                for i in 0..n {
                    let idx = [usize_t.const_zero(), usize_t.const_int(i, false)];
                    let ep = unsafe { b.build_in_bounds_gep(at, p, &idx, "")? };
                    b.build_call(glue, &[ep.into()], "")?;
                }
            }
            TyKind::Adt(id, args) => match self.layouts.adt_layout(t) {
                AdtLayout::Struct { .. } => {
                    let ftys = self.krate.field_tys(id, &args, VariantIdx(0));
                    for (i, ft) in ftys.into_iter().enumerate() {
                        self.drop_field(b, t, None, i as u32, ft, p)?;
                    }
                }
                AdtLayout::Empty => {}
                AdtLayout::Enum(el) => {
                    let nvariants = self.krate.adt(id).variants.len();
                    let tag = b.build_load(el.tag, p, "tag")?.into_int_value();
                    let done = self.cx.append_basic_block(f, "done");
                    let mut cases = Vec::new();
                    for v in 0..nvariants {
                        let vi = VariantIdx(v as u32);
                        let ftys = self.krate.field_tys(id, &args, vi);
                        if !ftys.iter().any(|ft| self.needs_drop.needs_drop(*ft)) {
                            continue;
                        }
                        let bb = self.cx.append_basic_block(f, "variant");
                        cases.push((el.tag_value(el.variants[v].discr), bb));
                        b.position_at_end(bb);
                        let payload = match el.ty {
                            Some(st) => b.build_struct_gep(st, p, 1, "")?,
                            None => p,
                        };
                        for (i, ft) in ftys.into_iter().enumerate() {
                            self.drop_field(b, t, Some(vi), i as u32, ft, payload)?;
                        }
                        b.build_unconditional_branch(done)?;
                    }
                    // Back in the block that loaded the tag.
                    let switch_block =
                        tag.as_instruction().and_then(|i| i.get_parent()).expect("the tag load has a block");
                    b.position_at_end(switch_block);
                    b.build_switch(tag, done, &cases)?;
                    b.position_at_end(done);
                }
            },
            _ => {}
        }
        Ok(())
    }

    fn drop_field(
        &mut self,
        b: &inkwell::builder::Builder<'ctx>,
        t: Ty,
        variant: Option<VariantIdx>,
        i: u32,
        ft: Ty,
        base: PointerValue<'ctx>,
    ) -> Result<(), BackendError> {
        if !self.needs_drop.needs_drop(ft) {
            return Ok(());
        }
        let Some((st, idx)) = self.layouts.field(t, variant, i) else { return Ok(()) };
        let glue = self.drop_glue(ft)?;
        let fp = b.build_struct_gep(st, base, idx, "")?;
        b.build_call(glue, &[fp.into()], "")?;
        Ok(())
    }
}
