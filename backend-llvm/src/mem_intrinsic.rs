//! The standard library's memory intrinsics (`extern "rust-intrinsic"` in `std/lib.ae`) as LLVM
//! instructions and runtime calls.
//!
//! Sizes and alignments are the layouts' (zero-sized types have size 0 and their own
//! alignment); allocation goes through the runtime's allocator (`aether_rt_alloc` and friends,
//! which abort when memory runs out), so the allocation counter sees every heap block; element
//! pointers advance by whole elements (`getelementptr` on `T`); `copy` is `memmove`;
//! `drop_in_place` calls the type's drop glue; fat pointers (`&[T]`, `&str`) are `{ ptr, len }`.

use aether_frontend::hir::MemIntrinsic;
use aether_frontend::ty::{Ty, TyKind};
use aether_middle::mir::{Operand, Place};
use inkwell::values::BasicValueEnum;

use crate::codegen::{FnCx, UnwindTarget};
use crate::runtime_fn::RuntimeFunction;
use crate::BackendError;

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    pub(crate) fn mem_intrinsic(
        &mut self,
        which: MemIntrinsic,
        t: Ty,
        args: &[Operand],
        destination: &Place,
        unwind: UnwindTarget,
    ) -> Result<(), BackendError> {
        let result: Option<BasicValueEnum<'ctx>> = match which {
            MemIntrinsic::SizeOf => Some(self.cg.usize_const(self.cg.layouts.size_of(t)).into()),
            MemIntrinsic::AlignOf => Some(self.cg.usize_const(self.cg.layouts.align_of(t) as u64).into()),
            MemIntrinsic::SizeOfVal | MemIntrinsic::AlignOfVal => {
                let p = self.sized_operand(&args[0])?;
                Some(self.size_or_align_of_val(t, p, which == MemIntrinsic::SizeOfVal)?)
            }
            MemIntrinsic::Alloc | MemIntrinsic::AllocZeroed | MemIntrinsic::Realloc | MemIntrinsic::Dealloc => {
                let rf = match which {
                    MemIntrinsic::Alloc => RuntimeFunction::Alloc,
                    MemIntrinsic::AllocZeroed => RuntimeFunction::AllocZeroed,
                    MemIntrinsic::Realloc => RuntimeFunction::Realloc,
                    _ => RuntimeFunction::Dealloc,
                };
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.sized_operand(a)?.into());
                }
                let f = self.cg.runtime(rf);
                let call = self.b().build_call(f, &vals, "")?;
                call.try_as_basic_value().basic()
            }
            MemIntrinsic::PtrRead => {
                let p = self.sized_operand(&args[0])?.into_pointer_value();
                self.load_value(p, t)?
            }
            MemIntrinsic::PtrWrite => {
                let p = self.sized_operand(&args[0])?.into_pointer_value();
                self.store_operand(p, &args[1])?;
                None
            }
            MemIntrinsic::PtrAdd => {
                let p = self.sized_operand(&args[0])?.into_pointer_value();
                let n = self.sized_operand(&args[1])?.into_int_value();
                match self.cg.layouts.llvm_type(t) {
                    // Zero-sized elements: every element is at the same address.
                    None => Some(p.into()),
                    Some(et) => Some(unsafe { self.b().build_gep(et, p, &[n], "")? }.into()),
                }
            }
            MemIntrinsic::Copy => {
                let src = self.sized_operand(&args[0])?.into_pointer_value();
                let dst = self.sized_operand(&args[1])?.into_pointer_value();
                let n = self.sized_operand(&args[2])?.into_int_value();
                let size = self.cg.usize_const(self.cg.layouts.size_of(t));
                if self.cg.layouts.size_of(t) > 0 {
                    let bytes = self.b().build_int_mul(n, size, "")?;
                    let align = self.cg.layouts.align_of(t);
                    self.b()
                        .build_memmove(dst, align, src, align, bytes)
                        .map_err(|e| BackendError::Internal(e.to_string()))?;
                }
                None
            }
            MemIntrinsic::DropInPlace if matches!(self.cg.krate.tys.kind(t), TyKind::Dynamic { .. }) => {
                let fat = self.sized_operand(&args[0])?;
                self.drop_object(fat, unwind)?;
                None
            }
            MemIntrinsic::DropInPlace => {
                if self.cg.needs_drop.needs_drop(t) {
                    let p = self.sized_operand(&args[0])?.into_pointer_value();
                    let glue = self.cg.drop_glue(t)?;
                    self.call(glue, &[p.into()], unwind)?;
                }
                None
            }
            MemIntrinsic::Forget => None,
            MemIntrinsic::SliceFromRawParts | MemIntrinsic::SliceFromRawPartsMut | MemIntrinsic::StrFromRawParts => {
                let p = self.sized_operand(&args[0])?;
                let n = self.sized_operand(&args[1])?;
                let fat = self.cg.layouts.fat_ptr_type();
                let v = self.b().build_insert_value(fat.get_undef(), p, 0, "")?;
                let v = self.b().build_insert_value(v, n, 1, "")?;
                Some(v.into_struct_value().into())
            }
            MemIntrinsic::SliceAsPtr | MemIntrinsic::StrAsPtr => {
                let fat = self.sized_operand(&args[0])?.into_struct_value();
                Some(self.b().build_extract_value(fat, 0, "")?)
            }
        };
        let dest_ty = self.place_ty(destination);
        if let (Some(v), false) =
            (result, self.cg.layouts.is_zst(dest_ty) || *self.cg.krate.tys.kind(dest_ty) == TyKind::Never)
        {
            let pr = self.place(destination)?;
            self.store_value(pr.ptr, v, dest_ty)?;
        }
        Ok(())
    }
}
