//! The standard library's memory intrinsics (`extern "rust-intrinsic"` in `std/lib.ae`) as LLVM
//! instructions and runtime calls.
//!
//! Sizes and alignments are the layouts' (zero-sized types have size 0 and their own
//! alignment); allocation goes through the runtime's allocator (`aether_rt_alloc` and friends,
//! which abort when memory runs out), so the allocation counter sees every heap block; element
//! pointers advance by whole elements (`getelementptr` on `T`); `copy` is `memmove`;
//! `drop_in_place` calls the type's drop glue; fat pointers (`&[T]`, `&str`) are `{ ptr, len }`.
//! The atomic intrinsics are LLVM's atomic `load`/`store`, `atomicrmw`, `cmpxchg` and `fence` on
//! integers aligned to their size; their orderings are `u8` constants (see `MemIntrinsic`).
//! `uninit` writes nothing; `future_vtable` is the address of the future type's runtime vtable
//! (`coroutine_abi.rs`).

use aether_frontend::hir::MemIntrinsic;
use aether_frontend::ty::{Ty, TyKind};
use aether_middle::mir::{ConstValue, Constant, Operand, Place};
use inkwell::values::{BasicValue, BasicValueEnum, IntValue, PointerValue};
use inkwell::{AtomicOrdering, AtomicRMWBinOp};

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
            MemIntrinsic::AtomicLoad => {
                let (p, size) = self.atomic_ptr(&args[0], t)?;
                // A load cannot release: the library never asks; seq_cst is stronger anyway.
                let ord = match ordering(&args[1]) {
                    AtomicOrdering::Release | AtomicOrdering::AcquireRelease => AtomicOrdering::SequentiallyConsistent,
                    o => o,
                };
                let lt = self.cg.layouts.llvm_type(t).ok_or_else(|| BackendError::Internal("atomic load".into()))?;
                let v = self.b().build_load(lt, p, "")?;
                let inst = v.as_instruction_value().ok_or_else(|| BackendError::Internal("atomic load".into()))?;
                inst.set_alignment(size).map_err(|e| BackendError::Internal(format!("{e:?}")))?;
                inst.set_atomic_ordering(ord).map_err(|e| BackendError::Internal(format!("{e:?}")))?;
                Some(v)
            }
            MemIntrinsic::AtomicStore => {
                let (p, size) = self.atomic_ptr(&args[0], t)?;
                let ord = match ordering(&args[2]) {
                    AtomicOrdering::Acquire | AtomicOrdering::AcquireRelease => AtomicOrdering::SequentiallyConsistent,
                    o => o,
                };
                let v = self.atomic_int(&args[1])?;
                let inst = self.b().build_store(p, v)?;
                inst.set_alignment(size).map_err(|e| BackendError::Internal(format!("{e:?}")))?;
                inst.set_atomic_ordering(ord).map_err(|e| BackendError::Internal(format!("{e:?}")))?;
                None
            }
            MemIntrinsic::AtomicXchg
            | MemIntrinsic::AtomicFetchAdd
            | MemIntrinsic::AtomicFetchSub
            | MemIntrinsic::AtomicFetchAnd
            | MemIntrinsic::AtomicFetchOr
            | MemIntrinsic::AtomicFetchXor => {
                let op = match which {
                    MemIntrinsic::AtomicXchg => AtomicRMWBinOp::Xchg,
                    MemIntrinsic::AtomicFetchAdd => AtomicRMWBinOp::Add,
                    MemIntrinsic::AtomicFetchSub => AtomicRMWBinOp::Sub,
                    MemIntrinsic::AtomicFetchAnd => AtomicRMWBinOp::And,
                    MemIntrinsic::AtomicFetchOr => AtomicRMWBinOp::Or,
                    _ => AtomicRMWBinOp::Xor,
                };
                let (p, _) = self.atomic_ptr(&args[0], t)?;
                let v = self.atomic_int(&args[1])?;
                Some(self.b().build_atomicrmw(op, p, v, ordering(&args[2]))?.into())
            }
            MemIntrinsic::AtomicCxchg => {
                let (p, _) = self.atomic_ptr(&args[0], t)?;
                let current = self.atomic_int(&args[1])?;
                let new = self.atomic_int(&args[2])?;
                let (success, failure) = cxchg_orderings(ordering(&args[3]), ordering(&args[4]));
                let pair = self.b().build_cmpxchg(p, current, new, success, failure)?;
                Some(self.b().build_extract_value(pair, 0, "")?)
            }
            // The destination keeps whatever bytes it had: nothing reads them before they
            // are written.
            MemIntrinsic::Uninit => None,
            MemIntrinsic::FutureVTable => Some(self.cg.future_vtable(t)?.into()),
            MemIntrinsic::DropGlueFn => {
                let ptr = self.cg.cx.ptr_type(inkwell::AddressSpace::default());
                Some(if self.cg.needs_drop.needs_drop(t) {
                    self.cg.drop_glue(t)?.as_global_value().as_pointer_value().into()
                } else {
                    ptr.const_null().into()
                })
            }
            MemIntrinsic::AtomicFence => {
                // A relaxed fence is not one (Rust panics; the library does first).
                let ord = match ordering(&args[0]) {
                    AtomicOrdering::Monotonic => AtomicOrdering::SequentiallyConsistent,
                    o => o,
                };
                self.b().build_fence(ord, false, "")?;
                None
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

    /// The pointer operand of an atomic intrinsic on `t`, and `t`'s size, which must be that of
    /// an integer LLVM can access atomically (1, 2, 4 or 8 bytes, 16 where the target can).
    fn atomic_ptr(&mut self, p: &Operand, t: Ty) -> Result<(PointerValue<'ctx>, u32), BackendError> {
        let size = self.cg.layouts.size_of(t);
        let int = matches!(self.cg.krate.tys.kind(t), TyKind::Int(_) | TyKind::Uint(_));
        if !int || !matches!(size, 1 | 2 | 4 | 8 | 16) {
            return Err(BackendError::Internal(format!("atomic intrinsic on a non-integer type of {size} bytes")));
        }
        Ok((self.sized_operand(p)?.into_pointer_value(), size as u32))
    }

    fn atomic_int(&mut self, o: &Operand) -> Result<IntValue<'ctx>, BackendError> {
        match self.sized_operand(o)? {
            BasicValueEnum::IntValue(v) => Ok(v),
            v => Err(BackendError::Internal(format!("atomic operand {v:?} is not an integer"))),
        }
    }
}

/// The LLVM ordering an ordering operand asks for: a `u8` constant (0 relaxed, 1 release,
/// 2 acquire, 3 acq_rel, 4 seq_cst, Rust's `Ordering` order); anything else is seq_cst, the
/// strongest, which is valid wherever a weaker one is.
fn ordering(o: &Operand) -> AtomicOrdering {
    match o {
        Operand::Constant(Constant { value: ConstValue::Scalar(k), .. }) => match k {
            0 => AtomicOrdering::Monotonic,
            1 => AtomicOrdering::Release,
            2 => AtomicOrdering::Acquire,
            3 => AtomicOrdering::AcquireRelease,
            _ => AtomicOrdering::SequentiallyConsistent,
        },
        _ => AtomicOrdering::SequentiallyConsistent,
    }
}

/// `cmpxchg`'s orderings: a failure ordering cannot release (Rust panics on one; monotonic is
/// what is left of it), and the success ordering is strengthened to include the failure one
/// (inkwell requires failure <= success, as LLVM did before version 13).
fn cxchg_orderings(success: AtomicOrdering, failure: AtomicOrdering) -> (AtomicOrdering, AtomicOrdering) {
    use AtomicOrdering::*;
    let failure = match failure {
        Release | AcquireRelease => Monotonic,
        f => f,
    };
    let success = match (success, failure) {
        (s, f) if s == f => s,
        (_, SequentiallyConsistent) | (SequentiallyConsistent, _) => SequentiallyConsistent,
        (Monotonic, f) => f,
        (Release, Acquire) | (AcquireRelease, _) => AcquireRelease,
        (s, _) => s,
    };
    (success, failure)
}
