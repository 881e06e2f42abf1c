//! The C calling convention for `extern "C"` imports and `#[no_mangle] extern "C"` exports.
//!
//! Internal functions pass every value as its SSA type (aggregates as first-class LLVM
//! values) and let LLVM lower them: both sides are ours. C functions must match what a C
//! compiler does for the same prototype, which LLVM does not work out from a struct type, so
//! each parameter and the return value is classified here, as clang does:
//!
//! - zero-sized values are left out;
//! - scalars (integers, floats, `bool`, `char`, thin pointers, `fn` pointers, and enums without
//!   data, which are their tag) are passed directly; integers narrower than 32 bits and `bool`
//!   carry `signext`/`zeroext`, as C's promotions require;
//! - structs, tuples and arrays by value follow the target's rules. **x86-64 System V**: more
//!   than 16 bytes go in memory (`byval` arguments, `sret` returns); otherwise each eightbyte is
//!   INTEGER if it holds any integer or pointer and SSE if it holds only floats, and the value is
//!   coerced to one or two registers' worth (`i64`/`iN`, `double`, `float`, `<2 x float>`); an
//!   argument whose registers are not all available (6 INTEGER, 8 SSE) goes in memory as a
//!   whole. **AArch64 (AAPCS64)**: homogeneous float aggregates of 1–4 `float`s or `double`s
//!   are `[N x float]`/`[N x double]`; other aggregates up to 16 bytes are `i64` or `[2 x i64]`;
//!   larger ones are passed as a pointer to a caller-made copy and returned through `sret`;
//! - fat pointers (`&str`, `&[T]`) and enums with data have no C equivalent and are rejected
//!   (E9001), as are aggregates on other targets.
//!
//! Coerced values go through a stack temporary of the coerced type (which may be larger than
//! the value: a 12-byte struct is `{ i64, i32 }`), so no load reads past the value's bytes.

use aether_frontend::hir::FnDef;
use aether_frontend::ty::{Ty, TyKind};
use aether_middle::mir::*;
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::types::{AnyType, BasicMetadataTypeEnum, BasicType, BasicTypeEnum, FunctionType};
use inkwell::values::{BasicValueEnum, CallSiteValue, FunctionValue, PointerValue};

use crate::codegen::{CodegenCx, FnCx};
use crate::layout::AdtLayout;
use crate::BackendError;

#[derive(Clone, Debug)]
pub(crate) enum PassMode<'ctx> {
    /// Zero-sized: not passed.
    Ignore,
    /// As its SSA type.
    Direct,
    /// Reinterpreted as this type (through memory).
    Cast(BasicTypeEnum<'ctx>),
    /// By address: `byval` on x86-64, a plain pointer to a copy on AArch64; `sret` for returns.
    Indirect { byval: bool },
}

#[derive(Clone, Debug)]
pub(crate) struct ArgAbi<'ctx> {
    pub ty: Ty,
    pub mode: PassMode<'ctx>,
    /// `signext`/`zeroext` for narrow integers.
    pub ext: Option<&'static str>,
}

/// How one `extern "C"` function passes its parameters and result.
#[derive(Clone, Debug)]
pub(crate) struct FnAbi<'ctx> {
    pub args: Vec<ArgAbi<'ctx>>,
    pub ret: ArgAbi<'ctx>,
    pub fn_type: FunctionType<'ctx>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Leaf {
    Int,
    F32,
    F64,
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    X86_64SysV,
    Aarch64,
    Other,
}

impl<'ctx, 'a> CodegenCx<'ctx, 'a> {
    fn abi_target(&self) -> Target {
        let t = self.triple.as_str();
        if t.starts_with("x86_64") && !t.contains("windows") {
            Target::X86_64SysV
        } else if t.starts_with("aarch64") || t.starts_with("arm64") {
            Target::Aarch64
        } else {
            Target::Other
        }
    }

    /// The C ABI of `f`.
    pub(crate) fn c_abi(&self, f: &FnDef) -> Result<FnAbi<'ctx>, BackendError> {
        let target = self.abi_target();
        let ret = self.classify(f, f.ret, true, target, &mut (6, 8))?;
        // x86-64: the `sret` pointer takes the first integer register.
        let mut regs = (if matches!(ret.mode, PassMode::Indirect { .. }) { 5 } else { 6 }, 8);
        let args =
            f.params.iter().map(|p| self.classify(f, *p, false, target, &mut regs)).collect::<Result<Vec<_>, _>>()?;
        let mut params: Vec<BasicMetadataTypeEnum> = Vec::new();
        if let PassMode::Indirect { .. } = ret.mode {
            params.push(self.layouts.ptr_type().into());
        }
        for a in &args {
            match &a.mode {
                PassMode::Ignore => {}
                PassMode::Direct => params.push(self.imm(a.ty)?.into()),
                PassMode::Cast(t) => params.push((*t).into()),
                PassMode::Indirect { .. } => params.push(self.layouts.ptr_type().into()),
            }
        }
        let fn_type = match &ret.mode {
            PassMode::Direct => self.imm(ret.ty)?.fn_type(&params, false),
            PassMode::Cast(t) => t.fn_type(&params, false),
            PassMode::Ignore | PassMode::Indirect { .. } => self.cx.void_type().fn_type(&params, false),
        };
        Ok(FnAbi { args, ret, fn_type })
    }

    fn imm(&self, t: Ty) -> Result<BasicTypeEnum<'ctx>, BackendError> {
        self.layouts.imm_type(t).ok_or_else(|| BackendError::Internal("direct ABI value is zero-sized".into()))
    }

    fn classify(
        &self,
        f: &FnDef,
        ty: Ty,
        is_ret: bool,
        target: Target,
        regs: &mut (u32, u32),
    ) -> Result<ArgAbi<'ctx>, BackendError> {
        let tys = &self.krate.tys;
        let unsupported = |what: &str| {
            BackendError::Unsupported(format!(
                "`{}` in the signature of `extern \"C\" fn {}`: {what}",
                tys.display(ty),
                f.name
            ))
        };
        let Some(lt) = self.layouts.llvm_type(ty) else {
            return Ok(ArgAbi { ty, mode: PassMode::Ignore, ext: None });
        };
        let ext = match tys.kind(ty) {
            TyKind::Bool => Some("zeroext"),
            TyKind::Int(_) if lt.into_int_type().get_bit_width() < 32 => Some("signext"),
            TyKind::Uint(_) if lt.into_int_type().get_bit_width() < 32 => Some("zeroext"),
            _ => None,
        };
        let scalar = |regs: &mut (u32, u32), sse: bool| {
            if !is_ret {
                let r = if sse { &mut regs.1 } else { &mut regs.0 };
                *r = r.saturating_sub(1);
            }
            Ok(ArgAbi { ty, mode: PassMode::Direct, ext })
        };
        match tys.kind(ty) {
            TyKind::Bool | TyKind::Char | TyKind::Int(_) | TyKind::Uint(_) | TyKind::FnPtr(..) => {
                return scalar(regs, false)
            }
            TyKind::Float(_) => return scalar(regs, true),
            TyKind::Ref(..) | TyKind::RawPtr(..) if !self.layouts.is_fat_ptr(ty) => return scalar(regs, false),
            TyKind::Ref(..) | TyKind::RawPtr(..) => {
                return Err(unsupported("pointers to slices and `str` are not FFI-safe"))
            }
            TyKind::Adt(..) => match self.layouts.adt_layout(ty) {
                AdtLayout::Enum(e) if e.ty.is_none() => return scalar(regs, false),
                AdtLayout::Enum(_) => return Err(unsupported("enums with data are not FFI-safe")),
                _ => {}
            },
            _ => {}
        }
        // An aggregate.
        let size = self.layouts.td.get_abi_size(&lt);
        let mut leaves = Vec::new();
        self.leaves(lt, 0, &mut leaves);
        let mode = match target {
            Target::X86_64SysV => {
                if size > 16 {
                    PassMode::Indirect { byval: !is_ret }
                } else {
                    let chunks = size.div_ceil(8);
                    let mut types = Vec::new();
                    let (mut ints, mut sses) = (0, 0);
                    for c in 0..chunks {
                        let in_chunk: Vec<(u64, Leaf)> = leaves.iter().copied().filter(|(o, _)| *o / 8 == c).collect();
                        let bytes = (size - c * 8).min(8);
                        if in_chunk.iter().any(|(_, l)| *l == Leaf::Int) || in_chunk.is_empty() {
                            ints += 1;
                            let bits = std::num::NonZeroU32::new((bytes * 8) as u32).expect("a chunk has bytes");
                            let it = self.cx.custom_width_int_type(bits).map_err(|e| unsupported(e))?;
                            types.push(it.as_basic_type_enum());
                        } else {
                            sses += 1;
                            let t: BasicTypeEnum = match in_chunk.as_slice() {
                                [(_, Leaf::F64)] => self.cx.f64_type().into(),
                                [(_, Leaf::F32)] if bytes <= 4 => self.cx.f32_type().into(),
                                [(_, Leaf::F32)] | [(_, Leaf::F32), (_, Leaf::F32)] => {
                                    self.cx.f32_type().vec_type(2).into()
                                }
                                _ => return Err(unsupported("an unexpected mix of floats in an eightbyte")),
                            };
                            types.push(t);
                        }
                    }
                    if !is_ret && (ints > regs.0 || sses > regs.1) {
                        PassMode::Indirect { byval: true }
                    } else {
                        if !is_ret {
                            regs.0 -= ints;
                            regs.1 -= sses;
                        }
                        PassMode::Cast(match types.as_slice() {
                            [one] => *one,
                            _ => self.cx.struct_type(&types, false).into(),
                        })
                    }
                }
            }
            Target::Aarch64 => {
                let first = leaves.first().map(|(_, l)| *l);
                let hfa = match first {
                    Some(k @ (Leaf::F32 | Leaf::F64)) if leaves.len() <= 4 && leaves.iter().all(|(_, l)| *l == k) => {
                        let et: BasicTypeEnum =
                            if k == Leaf::F32 { self.cx.f32_type().into() } else { self.cx.f64_type().into() };
                        let n = leaves.len() as u64;
                        (n * self.layouts.td.get_abi_size(&et) == size).then(|| et.array_type(n as u32).into())
                    }
                    _ => None,
                };
                match hfa {
                    Some(t) => PassMode::Cast(t),
                    None if size <= 8 => PassMode::Cast(self.cx.i64_type().into()),
                    None if size <= 16 => PassMode::Cast(self.cx.i64_type().array_type(2).into()),
                    None => PassMode::Indirect { byval: false },
                }
            }
            Target::Other => {
                return Err(unsupported("aggregates by value are only implemented for x86-64 and AArch64"))
            }
        };
        Ok(ArgAbi { ty, mode, ext: None })
    }

    /// The scalar leaves of a memory type, with their byte offsets.
    fn leaves(&self, t: BasicTypeEnum<'ctx>, at: u64, out: &mut Vec<(u64, Leaf)>) {
        match t {
            BasicTypeEnum::StructType(st) => {
                for (i, ft) in st.get_field_types().into_iter().enumerate() {
                    let off = self.layouts.td.offset_of_element(&st, i as u32).unwrap_or(0);
                    self.leaves(ft, at + off, out);
                }
            }
            BasicTypeEnum::ArrayType(at_) => {
                let et = at_.get_element_type();
                let stride = self.layouts.td.get_abi_size(&et);
                for i in 0..at_.len() as u64 {
                    self.leaves(et, at + i * stride, out);
                }
            }
            BasicTypeEnum::FloatType(ft) => {
                out.push((at, if self.layouts.td.get_abi_size(&ft) == 4 { Leaf::F32 } else { Leaf::F64 }))
            }
            _ => out.push((at, Leaf::Int)),
        }
    }
}

impl<'ctx> FnAbi<'ctx> {
    /// The LLVM parameter index of each MIR argument (`None` for ignored ones), after `sret`.
    fn param_indices(&self) -> Vec<Option<u32>> {
        let mut i = matches!(self.ret.mode, PassMode::Indirect { .. }) as u32;
        self.args
            .iter()
            .map(|a| match a.mode {
                PassMode::Ignore => None,
                _ => {
                    i += 1;
                    Some(i - 1)
                }
            })
            .collect()
    }

    fn attributes(&self, cg: &CodegenCx<'ctx, '_>) -> Vec<(AttributeLoc, Attribute)> {
        let kind = Attribute::get_named_enum_kind_id;
        let mut out = Vec::new();
        let ret_lt = cg.layouts.llvm_type(self.ret.ty);
        match (&self.ret.mode, ret_lt) {
            (PassMode::Indirect { .. }, Some(lt)) => {
                out.push((AttributeLoc::Param(0), cg.cx.create_type_attribute(kind("sret"), lt.as_any_type_enum())));
                out.push((AttributeLoc::Param(0), cg.cx.create_enum_attribute(kind("noalias"), 0)));
            }
            (PassMode::Direct, _) => {
                if let Some(e) = self.ret.ext {
                    out.push((AttributeLoc::Return, cg.cx.create_enum_attribute(kind(e), 0)));
                }
            }
            _ => {}
        }
        for (a, idx) in self.args.iter().zip(self.param_indices()) {
            let Some(idx) = idx else { continue };
            match a.mode {
                PassMode::Direct => {
                    if let Some(e) = a.ext {
                        out.push((AttributeLoc::Param(idx), cg.cx.create_enum_attribute(kind(e), 0)));
                    }
                }
                PassMode::Indirect { byval: true } => {
                    if let Some(lt) = cg.layouts.llvm_type(a.ty) {
                        out.push((
                            AttributeLoc::Param(idx),
                            cg.cx.create_type_attribute(kind("byval"), lt.as_any_type_enum()),
                        ));
                        let align = cg.layouts.align_of(a.ty).max(8) as u64;
                        out.push((AttributeLoc::Param(idx), cg.cx.create_enum_attribute(kind("align"), align)));
                    }
                }
                _ => {}
            }
        }
        out
    }

    pub(crate) fn apply_attributes(&self, cg: &CodegenCx<'ctx, '_>, f: FunctionValue<'ctx>) {
        for (loc, attr) in self.attributes(cg) {
            f.add_attribute(loc, attr);
        }
    }

    fn apply_call_attributes(&self, cg: &CodegenCx<'ctx, '_>, call: CallSiteValue<'ctx>) {
        for (loc, attr) in self.attributes(cg) {
            call.add_attribute(loc, attr);
        }
    }
}

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    /// Copies `size_of(ty)` bytes.
    fn copy_bytes(&mut self, dest: PointerValue<'ctx>, src: PointerValue<'ctx>, ty: Ty) -> Result<(), BackendError> {
        let size = self.cg.usize_const(self.cg.layouts.size_of(ty));
        self.b().build_memcpy(dest, 1, src, 1, size).map_err(|e| BackendError::Internal(format!("memcpy: {e}")))?;
        Ok(())
    }

    /// Calls C function `f` with MIR operands, storing the result into `dest`.
    pub(crate) fn call_c(
        &mut self,
        abi: &FnAbi<'ctx>,
        f: FunctionValue<'ctx>,
        args: &[Operand],
        dest: &Place,
        unwind: Option<crate::codegen::UnwindTarget>,
    ) -> Result<(), BackendError> {
        let mut vals: Vec<BasicValueEnum> = Vec::new();
        let sret = match (&abi.ret.mode, self.cg.layouts.llvm_type(abi.ret.ty)) {
            (PassMode::Indirect { .. }, Some(lt)) => {
                let tmp = self.entry_alloca(lt, "sret")?;
                vals.push(tmp.into());
                Some(tmp)
            }
            _ => None,
        };
        for (a, op) in abi.args.iter().zip(args) {
            match &a.mode {
                PassMode::Ignore => {}
                PassMode::Direct => vals.push(self.sized_operand(op)?),
                PassMode::Cast(t) => {
                    let tmp = self.entry_alloca(*t, "abi.arg")?;
                    let lt = self.cg.layouts.llvm_type(a.ty).expect("a cast argument is sized");
                    let val_tmp = self.entry_alloca(lt, "abi.val")?;
                    self.store_operand(val_tmp, op)?;
                    self.copy_bytes(tmp, val_tmp, a.ty)?;
                    vals.push(self.b().build_load(*t, tmp, "")?);
                }
                PassMode::Indirect { .. } => {
                    let lt = self.cg.layouts.llvm_type(a.ty).expect("an indirect argument is sized");
                    let tmp = self.entry_alloca(lt, "abi.copy")?;
                    self.store_operand(tmp, op)?;
                    vals.push(tmp.into());
                }
            }
        }
        let call = match unwind {
            Some(u) => self.call(f, &vals, u)?,
            None => {
                let args: Vec<_> = vals.iter().map(|v| (*v).into()).collect();
                self.b().build_call(f, &args, "")?
            }
        };
        abi.apply_call_attributes(self.cg, call);
        let dest_ptr = self.place(dest)?.ptr;
        match &abi.ret.mode {
            PassMode::Ignore => {}
            PassMode::Direct => {
                let v = call
                    .try_as_basic_value()
                    .basic()
                    .ok_or_else(|| BackendError::Internal("C call returns a value".into()))?;
                self.store_value(dest_ptr, v, abi.ret.ty)?;
            }
            PassMode::Cast(t) => {
                let v = call
                    .try_as_basic_value()
                    .basic()
                    .ok_or_else(|| BackendError::Internal("C call returns a value".into()))?;
                let tmp = self.entry_alloca(*t, "abi.ret")?;
                self.b().build_store(tmp, v)?;
                self.copy_bytes(dest_ptr, tmp, abi.ret.ty)?;
            }
            PassMode::Indirect { .. } => {
                let tmp = sret.expect("allocated above");
                self.copy_bytes(dest_ptr, tmp, abi.ret.ty)?;
            }
        }
        Ok(())
    }

    /// The prologue of an export: its C parameters into the argument locals' slots.
    pub(crate) fn store_c_params(&mut self, abi: &FnAbi<'ctx>) -> Result<(), BackendError> {
        let locals: Vec<Local> = self.body.args().collect();
        for ((a, idx), local) in abi.args.iter().zip(abi.param_indices()).zip(locals) {
            let (Some(idx), Some(slot)) = (idx, self.slots[local.index()]) else { continue };
            let p = self.func.get_nth_param(idx).ok_or_else(|| BackendError::Internal("parameter count".into()))?;
            match &a.mode {
                PassMode::Ignore => {}
                PassMode::Direct => self.store_value(slot, p, a.ty)?,
                PassMode::Cast(t) => {
                    let tmp = self.entry_alloca(*t, "abi.param")?;
                    self.b().build_store(tmp, p)?;
                    self.copy_bytes(slot, tmp, a.ty)?;
                }
                PassMode::Indirect { .. } => self.copy_bytes(slot, p.into_pointer_value(), a.ty)?,
            }
        }
        Ok(())
    }

    /// `Return` of an export.
    pub(crate) fn return_c(&mut self, abi: &FnAbi<'ctx>) -> Result<(), BackendError> {
        let slot = self.slots[0];
        match (&abi.ret.mode, slot) {
            (PassMode::Direct, Some(slot)) => {
                let v = self.load_value(slot, abi.ret.ty)?.expect("sized");
                self.b().build_return(Some(&v))?;
            }
            (PassMode::Cast(t), Some(slot)) => {
                let tmp = self.entry_alloca(*t, "abi.ret")?;
                self.copy_bytes(tmp, slot, abi.ret.ty)?;
                let v = self.b().build_load(*t, tmp, "")?;
                self.b().build_return(Some(&v))?;
            }
            (PassMode::Indirect { .. }, Some(slot)) => {
                let out = self.func.get_nth_param(0).ok_or_else(|| BackendError::Internal("sret".into()))?;
                self.copy_bytes(out.into_pointer_value(), slot, abi.ret.ty)?;
                self.b().build_return(None)?;
            }
            _ => {
                self.b().build_return(None)?;
            }
        }
        Ok(())
    }
}
