//! MIR to LLVM IR: the module and the per-function driver.
//!
//! Takes the MIR of every function and fills an LLVM module: one LLVM function per MIR body,
//! one LLVM block per MIR block, one stack slot (`alloca`, all in the entry block so that
//! mem2reg/SROA turn them into SSA values) per non-zero-sized local. Statements are generated
//! here; places ([`crate::place`]), rvalues ([`crate::rvalue`]), terminators and unwinding
//! ([`crate::terminator`]), runtime intrinsics ([`crate::intrinsic`]), constants and statics
//! ([`crate::statics`]), the C ABI ([`crate::abi`]) and debug info ([`crate::debuginfo`]) have
//! their own modules, all as methods of [`FnCx`] or [`CodegenCx`]. The program's `fn main` is
//! wrapped in a C `main` that hands it to `aether_rt_start`.

use std::collections::HashMap;

use aether_frontend::hir::{self, FnId, Linkage as HirLinkage};
use aether_frontend::span::SourceMap;
use aether_frontend::ty::{Ty, TyKind};
use aether_middle::mir::*;
use inkwell::basic_block::BasicBlock as LlvmBlock;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::targets::TargetData;
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum};
use inkwell::values::{BasicValue, BasicValueEnum, FunctionValue, GlobalValue, IntValue, PointerValue};
use inkwell::AddressSpace;

use crate::abi::FnAbi;
use crate::debuginfo::{DebugCx, FnDebug};
use crate::layout::Layouts;
use crate::runtime_fn::RuntimeFunction;
use crate::BackendError;

pub struct CodegenCx<'ctx, 'a> {
    pub(crate) cx: &'ctx Context,
    pub module: Module<'ctx>,
    pub(crate) builder: Builder<'ctx>,
    pub(crate) krate: &'a hir::Crate,
    pub(crate) program: &'a Program,
    pub(crate) sources: &'a SourceMap,
    pub(crate) layouts: Layouts<'ctx, 'a>,
    /// Each function by `FnId`; `None` for generic functions (only their instances are code).
    pub(crate) fns: Vec<Option<FunctionValue<'ctx>>>,
    /// The C ABI of each `extern "C"` function (imports and exports), by `FnId`.
    pub(crate) fn_abis: HashMap<FnId, FnAbi<'ctx>>,
    /// Each static by `StaticId`; `None` until defined (library statics are defined on use).
    pub(crate) statics: Vec<Option<GlobalValue<'ctx>>>,
    pub(crate) strings: HashMap<String, PointerValue<'ctx>>,
    /// Private constant globals of aggregate constants, by type and value.
    pub(crate) const_globals: Vec<(Ty, hir::ConstVal, GlobalValue<'ctx>)>,
    pub(crate) debug: Option<DebugCx<'ctx>>,
    /// The target triple, for the C ABI's rules.
    pub(crate) triple: String,
    /// Whether integer intrinsics (`abs`, `pow`) panic on overflow.
    pub(crate) overflow_checks: bool,
    pub(crate) needs_drop: aether_middle::needs_drop::NeedsDrop<'a>,
    /// Drop glue made so far, by type (see `drop_glue.rs`).
    pub(crate) glue: HashMap<Ty, FunctionValue<'ctx>>,
    /// Vtables made so far, by (sized type, object type) (see `vtable.rs`).
    pub(crate) vtables: HashMap<(Ty, Ty), PointerValue<'ctx>>,
    /// The runtime's future vtables made so far, by future type (see `coroutine_abi.rs`).
    pub(crate) future_vtables: HashMap<Ty, PointerValue<'ctx>>,
}

/// The LLVM symbol of an internal function: unique per crate path, and never clashing with C
/// names such as `main`.
pub fn symbol_name(f: &hir::FnDef) -> String {
    match f.linkage {
        HirLinkage::Internal => mangle(&f.path),
        HirLinkage::ExportC | HirLinkage::ImportC | HirLinkage::ImportCUnwind | HirLinkage::Intrinsic(_) => {
            f.name.clone()
        }
    }
}

/// `a::b` becomes `_AE1a1b`.
pub fn mangle(path: &str) -> String {
    format!("_AE{}", path.split("::").map(|s| format!("{}{s}", s.len())).collect::<String>())
}

impl<'ctx, 'a> CodegenCx<'ctx, 'a> {
    /// `td` is the target's data layout (sizes, alignments, pointer width); `triple` selects
    /// the C calling convention rules; `debug_info` emits DWARF.
    pub fn new(
        cx: &'ctx Context,
        module_name: &str,
        krate: &'a hir::Crate,
        program: &'a Program,
        sources: &'a SourceMap,
        td: TargetData,
        triple: &str,
        debug_info: bool,
    ) -> CodegenCx<'ctx, 'a> {
        let module = cx.create_module(module_name);
        let debug = if debug_info { Some(DebugCx::new(&module, sources, module_name)) } else { None };
        CodegenCx {
            cx,
            module,
            builder: cx.create_builder(),
            krate,
            program,
            sources,
            layouts: Layouts::new(cx, krate, td).with_frames(&program.frames),
            fns: Vec::new(),
            fn_abis: HashMap::new(),
            statics: Vec::new(),
            strings: HashMap::new(),
            const_globals: Vec::new(),
            debug,
            triple: triple.to_string(),
            overflow_checks: false,
            needs_drop: aether_middle::needs_drop::NeedsDrop::new(krate),
            glue: HashMap::new(),
            vtables: HashMap::new(),
            future_vtables: HashMap::new(),
        }
    }

    /// Declares every function and static, then defines the bodies and the C `main` (which runs
    /// `fn main`, or the `#[test]` functions when `test_harness`).
    pub fn codegen_program(&mut self, test_harness: bool) -> Result<(), BackendError> {
        self.define_statics()?;
        // The library's C imports are declared only when called.
        let mut called = std::collections::HashSet::new();
        for body in self.program.bodies.iter().flatten() {
            for data in &body.blocks {
                if let aether_middle::mir::TerminatorKind::Call { callee: aether_middle::mir::Callee::Fn(id), .. } =
                    &data.terminator.kind
                {
                    called.insert(*id);
                }
            }
        }
        let coroutine_polls: std::collections::HashSet<FnId> = self.krate.coroutines.values().map(|c| c.poll).collect();
        for (i, f) in self.krate.fns.iter().enumerate() {
            let import = matches!(f.linkage, HirLinkage::ImportC | HirLinkage::ImportCUnwind);
            if f.lib && import && !called.contains(&FnId(i as u32)) {
                self.fns.push(None);
                continue;
            }
            // Generic functions, unused library functions and intrinsics have no code.
            if !f.generics.is_empty()
                || (f.lib && f.body.is_none() && !import)
                || matches!(f.linkage, HirLinkage::Intrinsic(_))
            {
                self.fns.push(None);
                continue;
            }
            let fv = match f.linkage {
                HirLinkage::Internal | HirLinkage::Intrinsic(_) => {
                    let ty = self.fn_type(&f.params, f.ret);
                    self.module.add_function(&symbol_name(f), ty, Some(Linkage::Internal))
                }
                HirLinkage::ExportC | HirLinkage::ImportC | HirLinkage::ImportCUnwind => {
                    let abi = self.c_abi(f)?;
                    let fv = match self.module.get_function(&f.name) {
                        // Declared by the runtime's table or twice in `extern` blocks: one
                        // declaration, which must agree.
                        Some(existing) if existing.get_type() == abi.fn_type => existing,
                        Some(_) => {
                            return Err(BackendError::Unsupported(format!(
                                "`{}` is declared with two different signatures",
                                f.name
                            )))
                        }
                        None => self.module.add_function(&f.name, abi.fn_type, None),
                    };
                    abi.apply_attributes(self, fv);
                    self.fn_abis.insert(FnId(i as u32), abi);
                    fv
                }
            };
            if *self.krate.tys.kind(f.ret) == TyKind::Never {
                self.add_fn_attr(fv, "noreturn", 0);
            }
            match f.linkage {
                // A C function cannot unwind into us (Rust's `extern "C"` is `nounwind` too);
                // exports catch unwinding at their boundary (see `terminator.rs`).
                HirLinkage::ImportC | HirLinkage::ExportC => self.add_fn_attr(fv, "nounwind", 0),
                HirLinkage::ImportCUnwind | HirLinkage::Internal | HirLinkage::Intrinsic(_) => {}
            }
            if f.body.is_some() {
                // Panics unwind through every compiled frame: always emit unwind tables
                // (value 2 is `uwtable(async)`).
                self.add_fn_attr(fv, "uwtable", 2);
            }
            // `#[inline]`, and coroutine polls: an awaited frame's poll is best inlined into its
            // parent's, where its state checks fold away.
            if f.inline || coroutine_polls.contains(&FnId(i as u32)) {
                self.add_fn_attr(fv, "inlinehint", 0);
            }
            self.fns.push(Some(fv));
        }
        for (i, body) in self.program.bodies.iter().enumerate() {
            if let Some(body) = body {
                let fv = self.fns[i].ok_or_else(|| BackendError::Internal("a generic function has a body".into()))?;
                FnCx::new(self, fv, body).codegen()?;
            }
        }
        if test_harness {
            self.define_test_main()?;
        } else if let Some(entry) = self.krate.entry {
            if self.krate.fn_def(entry).async_output.is_some() {
                self.define_async_c_main(entry)?;
            } else {
                self.define_c_main(entry)?;
            }
        }
        if let Some(d) = &self.debug {
            d.finish(&self.module, self.cx);
        }
        Ok(())
    }

    /// The LLVM function of a (non-generic) function.
    pub(crate) fn function(&self, id: FnId) -> Result<FunctionValue<'ctx>, BackendError> {
        self.fns[id.index()].ok_or_else(|| {
            BackendError::Internal(format!("`{}` is generic and has no code", self.krate.fn_def(id).path))
        })
    }

    pub(crate) fn add_fn_attr(&self, f: FunctionValue<'ctx>, name: &str, value: u64) {
        let kind = inkwell::attributes::Attribute::get_named_enum_kind_id(name);
        f.add_attribute(inkwell::attributes::AttributeLoc::Function, self.cx.create_enum_attribute(kind, value));
    }

    /// The LLVM type of an internal function: SSA types of the non-zero-sized parameters, and
    /// the return value's (aggregates are passed as first-class values; LLVM lowers them).
    pub(crate) fn fn_type(&self, params: &[Ty], ret: Ty) -> inkwell::types::FunctionType<'ctx> {
        let ps: Vec<BasicMetadataTypeEnum> =
            params.iter().filter_map(|p| self.layouts.imm_type(*p)).map(Into::into).collect();
        match self.layouts.imm_type(ret) {
            Some(r) => r.fn_type(&ps, false),
            None => self.cx.void_type().fn_type(&ps, false),
        }
    }

    fn define_c_main(&mut self, entry: FnId) -> Result<(), BackendError> {
        let i32t = self.cx.i32_type();
        let ptr = self.cx.ptr_type(AddressSpace::default());
        let main = self.module.add_function("main", i32t.fn_type(&[i32t.into(), ptr.into()], false), None);
        let bb = self.cx.append_basic_block(main, "start");
        self.builder.position_at_end(bb);
        let start = self.runtime(RuntimeFunction::Start);
        let user_main = self.function(entry)?.as_global_value().as_pointer_value();
        let argc = main.get_nth_param(0).expect("argc");
        let argv = main.get_nth_param(1).expect("argv");
        let code = self.builder.build_call(start, &[argc.into(), argv.into(), user_main.into()], "code")?;
        let code = code
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| BackendError::Internal("aether_rt_start returns a value".into()))?;
        self.builder.build_return(Some(&code))?;
        Ok(())
    }

    /// The C `main` of a test build: a constant table of `AetherTest { name, name_len, func }`
    /// (layout in aether_rt.h) handed to `aether_rt_run_tests`.
    fn define_test_main(&mut self) -> Result<(), BackendError> {
        let i32t = self.cx.i32_type();
        let ptr = self.cx.ptr_type(AddressSpace::default());
        let size = crate::layout::int_type(self.cx, self.layouts.usize_bits);
        let entry_ty = self.cx.struct_type(&[ptr.into(), size.into(), ptr.into()], false);
        let mut entries = Vec::new();
        for &id in &self.krate.tests {
            let f = self.krate.fn_def(id);
            let name = self.string_ptr(&f.path);
            let func = self.function(id)?.as_global_value().as_pointer_value();
            entries.push(entry_ty.const_named_struct(&[
                name.into(),
                size.const_int(f.path.len() as u64, false).into(),
                func.into(),
            ]));
        }
        let table_ty = entry_ty.array_type(entries.len() as u32);
        let table = self.module.add_global(table_ty, None, "aether.tests");
        table.set_initializer(&entry_ty.const_array(&entries));
        table.set_constant(true);
        table.set_linkage(Linkage::Private);
        let main = self.module.add_function("main", i32t.fn_type(&[i32t.into(), ptr.into()], false), None);
        let bb = self.cx.append_basic_block(main, "start");
        self.builder.position_at_end(bb);
        let run = self.runtime(RuntimeFunction::RunTests);
        let argc = main.get_nth_param(0).expect("argc");
        let argv = main.get_nth_param(1).expect("argv");
        let count = size.const_int(entries.len() as u64, false);
        let args = [argc.into(), argv.into(), table.as_pointer_value().into(), count.into()];
        let code = self.builder.build_call(run, &args, "code")?;
        let code = code
            .try_as_basic_value()
            .basic()
            .ok_or_else(|| BackendError::Internal("aether_rt_run_tests returns a value".into()))?;
        self.builder.build_return(Some(&code))?;
        Ok(())
    }

    pub(crate) fn runtime(&self, f: RuntimeFunction) -> FunctionValue<'ctx> {
        f.get(self.cx, &self.module, self.layouts.usize_bits)
    }

    /// A pointer to a private constant holding the bytes of `s`.
    pub(crate) fn string_ptr(&mut self, s: &str) -> PointerValue<'ctx> {
        if let Some(p) = self.strings.get(s) {
            return *p;
        }
        let arr = self.cx.const_string(s.as_bytes(), false);
        let g = self.module.add_global(arr.get_type(), None, &format!("str.{}", self.strings.len()));
        g.set_initializer(&arr);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        g.set_alignment(1);
        let p = g.as_pointer_value();
        self.strings.insert(s.to_string(), p);
        p
    }

    pub(crate) fn usize_const(&self, v: u64) -> IntValue<'ctx> {
        self.layouts.usize_type().const_int(v, false)
    }

    pub(crate) fn str_value(&mut self, s: &str) -> BasicValueEnum<'ctx> {
        let p = self.string_ptr(s);
        let len = self.usize_const(s.len() as u64);
        self.layouts.fat_ptr_type().const_named_struct(&[p.into(), len.into()]).into()
    }
}

/// Where a call or check goes when its callee unwinds, in LLVM terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum UnwindTarget {
    /// Keep unwinding into the caller: a plain `call`.
    Caller,
    /// A landing pad that runs the MIR cleanup block.
    Cleanup(BasicBlock),
    /// A landing pad that aborts: unwinding must not leave an `extern "C"` export.
    Abort,
}

/// Code generation state for one function body.
pub(crate) struct FnCx<'c, 'ctx, 'a> {
    pub(crate) cg: &'c mut CodegenCx<'ctx, 'a>,
    pub(crate) func: FunctionValue<'ctx>,
    pub(crate) body: &'a Body,
    pub(crate) slots: Vec<Option<PointerValue<'ctx>>>,
    pub(crate) blocks: Vec<LlvmBlock<'ctx>>,
    /// Landing pads created so far, by where they lead.
    pub(crate) landing_pads: HashMap<UnwindTarget, LlvmBlock<'ctx>>,
    /// The `{ ptr, i32 }` a landing pad caught, for `resume` at the end of the cleanup.
    pub(crate) exn_slot: Option<PointerValue<'ctx>>,
    /// The function is an `extern "C"` export: unwinding out of it aborts.
    pub(crate) nounwind_boundary: bool,
    pub(crate) debug: Option<FnDebug<'ctx>>,
}

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    fn new(cg: &'c mut CodegenCx<'ctx, 'a>, func: FunctionValue<'ctx>, body: &'a Body) -> FnCx<'c, 'ctx, 'a> {
        let nounwind_boundary = cg.krate.fn_def(body.fn_id).linkage == HirLinkage::ExportC;
        FnCx {
            cg,
            func,
            body,
            slots: Vec::new(),
            blocks: Vec::new(),
            landing_pads: HashMap::new(),
            exn_slot: None,
            nounwind_boundary,
            debug: None,
        }
    }

    pub(crate) fn b(&self) -> &Builder<'ctx> {
        &self.cg.builder
    }

    fn codegen(mut self) -> Result<(), BackendError> {
        let cx = self.cg.cx;
        let start = cx.append_basic_block(self.func, "start");
        self.blocks =
            (0..self.body.blocks.len()).map(|i| cx.append_basic_block(self.func, &format!("bb{i}"))).collect();
        self.cg.builder.position_at_end(start);
        self.debug = self.start_debug_info();
        self.set_debug_location(self.body.span);
        for (i, d) in self.body.locals.iter().enumerate() {
            let slot = match self.cg.layouts.llvm_type(d.ty) {
                Some(t) => {
                    let slot = self.b().build_alloca(t, &local_name(i, d))?;
                    let align = self.cg.layouts.align_of(d.ty);
                    if let Some(inst) = slot.as_instruction() {
                        inst.set_alignment(align).map_err(|e| BackendError::Internal(format!("{e:?}")))?;
                    }
                    Some(slot)
                }
                None => None,
            };
            self.slots.push(slot);
        }
        self.store_params()?;
        self.declare_debug_locals()?;
        self.b().build_unconditional_branch(self.blocks[0])?;
        for (i, bb) in self.body.blocks.iter().enumerate() {
            self.cg.builder.position_at_end(self.blocks[i]);
            for s in &bb.statements {
                self.set_debug_location(s.span);
                self.statement(s)?;
            }
            self.set_debug_location(bb.terminator.span);
            self.terminator(&bb.terminator)?;
        }
        Ok(())
    }

    /// Moves the incoming parameters into their stack slots.
    fn store_params(&mut self) -> Result<(), BackendError> {
        if let Some(abi) = self.cg.fn_abis.get(&self.body.fn_id).cloned() {
            return self.store_c_params(&abi);
        }
        let mut param_index = 0;
        for a in self.body.args() {
            let ty = self.body.local_decl(a).ty;
            if let Some(slot) = self.slots[a.index()] {
                let v = self
                    .func
                    .get_nth_param(param_index)
                    .ok_or_else(|| BackendError::Internal("parameter count".into()))?;
                param_index += 1;
                self.store_value(slot, v, ty)?;
            }
        }
        Ok(())
    }

    /// Stores an SSA value of type `ty` at `ptr` (zero-extending `bool`s to their byte).
    pub(crate) fn store_value(
        &mut self,
        ptr: PointerValue<'ctx>,
        v: BasicValueEnum<'ctx>,
        ty: Ty,
    ) -> Result<(), BackendError> {
        let v = self.to_mem(v, ty)?;
        self.store_scalars(ptr, v, self.cg.layouts.align_of(ty))
    }

    /// Stores `v` at `ptr` (aligned to `align`), a small aggregate as one store per scalar:
    /// LLVM forwards and eliminates those, not first-class aggregate stores (a frame built by
    /// value and then read field by field, as every inlined await does, stays opaque otherwise).
    fn store_scalars(
        &mut self,
        ptr: PointerValue<'ctx>,
        v: BasicValueEnum<'ctx>,
        align: u32,
    ) -> Result<(), BackendError> {
        let internal = |e: &dyn std::fmt::Debug| BackendError::Internal(format!("{e:?}"));
        let lt = v.get_type();
        let fields = match lt {
            BasicTypeEnum::StructType(st) if !st.is_packed() && st.count_fields() <= 16 => st.count_fields(),
            BasicTypeEnum::ArrayType(at) if at.len() <= 16 => at.len(),
            _ => {
                let st = self.b().build_store(ptr, v)?;
                st.set_alignment(align).map_err(|e| internal(&e))?;
                return Ok(());
            }
        };
        for i in 0..fields {
            let offset = match lt {
                BasicTypeEnum::StructType(st) => self.cg.layouts.td.offset_of_element(&st, i).unwrap_or(0),
                _ => self.cg.layouts.td.get_abi_size(&lt.into_array_type().get_element_type()) * i as u64,
            };
            // The field is aligned to what both the aggregate and its offset guarantee.
            let field_align = if offset == 0 { align } else { align.min(1u32 << offset.trailing_zeros().min(31)) };
            let fv = match v {
                BasicValueEnum::StructValue(sv) => self.b().build_extract_value(sv, i, "")?,
                BasicValueEnum::ArrayValue(av) => self.b().build_extract_value(av, i, "")?,
                _ => unreachable!("aggregate types have aggregate values"),
            };
            let i8t = self.cg.cx.i8_type();
            let off = self.cg.cx.i64_type().const_int(offset, false);
            // SAFETY: the offset is inside the aggregate stored at `ptr`.
            let fp = unsafe { self.b().build_in_bounds_gep(i8t, ptr, &[off], "")? };
            self.store_scalars(fp, fv, field_align)?;
        }
        Ok(())
    }

    /// Loads a value of type `ty` from `ptr` as an SSA value (`bool` truncated to `i1`), or
    /// `None` for a zero-sized type.
    pub(crate) fn load_value(
        &mut self,
        ptr: PointerValue<'ctx>,
        ty: Ty,
    ) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        let Some(lt) = self.cg.layouts.llvm_type(ty) else { return Ok(None) };
        let v = self.b().build_load(lt, ptr, "")?;
        if let Some(inst) = v.as_instruction_value() {
            inst.set_alignment(self.cg.layouts.align_of(ty)).map_err(|e| BackendError::Internal(format!("{e:?}")))?;
        }
        if *self.cg.krate.tys.kind(ty) == TyKind::Bool {
            // Only 0 and 1 are valid `bool` bytes; `range` metadata would let LLVM use that,
            // but the truncation alone is what correctness needs.
            return Ok(Some(self.b().build_int_truncate(v.into_int_value(), self.cg.cx.bool_type(), "")?.into()));
        }
        Ok(Some(v))
    }

    /// An SSA value in its memory form: `i1` becomes `i8`.
    pub(crate) fn to_mem(&mut self, v: BasicValueEnum<'ctx>, ty: Ty) -> Result<BasicValueEnum<'ctx>, BackendError> {
        if *self.cg.krate.tys.kind(ty) == TyKind::Bool
            && v.is_int_value()
            && v.into_int_value().get_type().get_bit_width() == 1
        {
            return Ok(self.b().build_int_z_extend(v.into_int_value(), self.cg.cx.i8_type(), "")?.into());
        }
        Ok(v)
    }

    // -----------------------------------------------------------------------------------------
    // Statements
    // -----------------------------------------------------------------------------------------

    fn statement(&mut self, s: &Statement) -> Result<(), BackendError> {
        match &s.kind {
            StatementKind::Assign(place, rv) => self.assign(place, rv)?,
            StatementKind::SetDiscriminant { place, variant } => self.set_discriminant(place, *variant)?,
            // Stack slots live for the whole function; lifetimes are left to LLVM's analyses.
            StatementKind::StorageLive(_) | StatementKind::StorageDead(_) | StatementKind::Nop => {}
        }
        Ok(())
    }

    /// A stack slot in the function's entry block, so it is allocated once per call.
    pub(crate) fn entry_alloca(
        &mut self,
        t: BasicTypeEnum<'ctx>,
        name: &str,
    ) -> Result<PointerValue<'ctx>, BackendError> {
        let b = self.cg.cx.create_builder();
        let start =
            self.func.get_first_basic_block().ok_or_else(|| BackendError::Internal("function has no entry".into()))?;
        match start.get_first_instruction() {
            Some(i) => b.position_before(&i),
            None => b.position_at_end(start),
        }
        Ok(b.build_alloca(t, name)?)
    }

    /// A new block after the current one (for control flow inside one MIR construct).
    pub(crate) fn append_block(&self, name: &str) -> LlvmBlock<'ctx> {
        self.cg.cx.append_basic_block(self.func, name)
    }
}

fn local_name(i: usize, d: &LocalDecl) -> String {
    match &d.name {
        Some(n) => n.clone(),
        None => format!("_{i}"),
    }
}
