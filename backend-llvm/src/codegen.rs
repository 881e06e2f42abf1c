//! MIR to LLVM IR.
//!
//! Takes the MIR of every function and fills an LLVM module: one LLVM function per MIR body,
//! one LLVM block per MIR block, one stack slot (`alloca`, all in the entry block so that
//! mem2reg/SROA turn them into SSA values) per non-zero-sized local. Intrinsics become calls
//! into the runtime (see [`RuntimeFunction`]); failed `Assert`s call `aether_rt_panic` with the
//! source location, which unwinds. The program's `fn main` is wrapped in a C `main` that hands
//! it to `aether_rt_start`.

use std::collections::HashMap;

use aether_frontend::hir::{self, FnId, Linkage as HirLinkage};
use aether_frontend::span::{SourceMap, Span};
use aether_frontend::ty::{Ty, TyKind};
use aether_middle::mir::{self, *};
use inkwell::basic_block::BasicBlock as LlvmBlock;
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::intrinsics::Intrinsic as LlvmIntrinsic;
use inkwell::module::{Linkage, Module};
use inkwell::types::{BasicMetadataTypeEnum, BasicType};
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FunctionValue, IntValue, PointerValue};
use inkwell::{AddressSpace, FloatPredicate, IntPredicate};

use crate::layout::Layouts;
use crate::runtime_fn::RuntimeFunction;
use crate::BackendError;

pub struct CodegenCx<'ctx, 'a> {
    cx: &'ctx Context,
    pub module: Module<'ctx>,
    builder: Builder<'ctx>,
    krate: &'a hir::Crate,
    program: &'a Program,
    sources: &'a SourceMap,
    layouts: Layouts<'ctx, 'a>,
    fns: Vec<Option<FunctionValue<'ctx>>>,
    strings: HashMap<String, PointerValue<'ctx>>,
}

/// The LLVM symbol of an internal function: unique per crate path, and never clashing with C
/// names such as `main`.
pub fn symbol_name(f: &hir::FnDef) -> String {
    match f.linkage {
        HirLinkage::Internal => {
            format!("_AE{}", f.path.split("::").map(|s| format!("{}{s}", s.len())).collect::<String>())
        }
        HirLinkage::ExportC | HirLinkage::ImportC => f.name.clone(),
    }
}

impl<'ctx, 'a> CodegenCx<'ctx, 'a> {
    pub fn new(
        cx: &'ctx Context,
        module_name: &str,
        krate: &'a hir::Crate,
        program: &'a Program,
        sources: &'a SourceMap,
        usize_bits: u32,
    ) -> CodegenCx<'ctx, 'a> {
        CodegenCx {
            cx,
            module: cx.create_module(module_name),
            builder: cx.create_builder(),
            krate,
            program,
            sources,
            layouts: Layouts { cx, tys: &krate.tys, usize_bits },
            fns: Vec::new(),
            strings: HashMap::new(),
        }
    }

    /// Declares every function, then defines the bodies and the C `main`.
    pub fn codegen_program(&mut self) -> Result<(), BackendError> {
        for f in &self.krate.fns {
            let ty = self.fn_type(&f.params, f.ret);
            let linkage = match f.linkage {
                HirLinkage::Internal => Some(Linkage::Internal),
                HirLinkage::ExportC | HirLinkage::ImportC => None,
            };
            let fv = self.module.add_function(&symbol_name(f), ty, linkage);
            if *self.krate.tys.kind(f.ret) == TyKind::Never {
                self.add_fn_attr(fv, "noreturn", 0);
            }
            if f.body.is_some() {
                // Panics unwind through every compiled frame: always emit unwind tables
                // (value 2 is `uwtable(async)`).
                self.add_fn_attr(fv, "uwtable", 2);
            }
            self.fns.push(Some(fv));
        }
        for (i, body) in self.program.bodies.iter().enumerate() {
            if let Some(body) = body {
                let fv = self.fns[i].expect("declared above");
                FnCx::new(self, fv, body).codegen()?;
            }
        }
        if let Some(entry) = self.krate.entry {
            self.define_c_main(entry)?;
        }
        Ok(())
    }

    fn add_fn_attr(&self, f: FunctionValue<'ctx>, name: &str, value: u64) {
        let kind = inkwell::attributes::Attribute::get_named_enum_kind_id(name);
        f.add_attribute(inkwell::attributes::AttributeLoc::Function, self.cx.create_enum_attribute(kind, value));
    }

    fn fn_type(&self, params: &[Ty], ret: Ty) -> inkwell::types::FunctionType<'ctx> {
        let ps: Vec<BasicMetadataTypeEnum> =
            params.iter().filter_map(|p| self.layouts.llvm_type(*p)).map(Into::into).collect();
        match self.layouts.llvm_type(ret) {
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
        let user_main = self.fns[entry.index()].expect("declared").as_global_value().as_pointer_value();
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

    fn runtime(&self, f: RuntimeFunction) -> FunctionValue<'ctx> {
        f.get(self.cx, &self.module, self.layouts.usize_bits)
    }

    /// A pointer to a private constant holding the bytes of `s`.
    fn string_ptr(&mut self, s: &str) -> PointerValue<'ctx> {
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

    fn usize_const(&self, v: u64) -> IntValue<'ctx> {
        crate::layout::int_type(self.cx, self.layouts.usize_bits).const_int(v, false)
    }

    fn str_value(&mut self, s: &str) -> BasicValueEnum<'ctx> {
        let p = self.string_ptr(s);
        let len = self.usize_const(s.len() as u64);
        self.layouts.fat_ptr_type().const_named_struct(&[p.into(), len.into()]).into()
    }
}

/// Code generation state for one function body.
struct FnCx<'c, 'ctx, 'a> {
    cg: &'c mut CodegenCx<'ctx, 'a>,
    func: FunctionValue<'ctx>,
    body: &'a Body,
    slots: Vec<Option<PointerValue<'ctx>>>,
    blocks: Vec<LlvmBlock<'ctx>>,
}

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    fn new(cg: &'c mut CodegenCx<'ctx, 'a>, func: FunctionValue<'ctx>, body: &'a Body) -> FnCx<'c, 'ctx, 'a> {
        FnCx { cg, func, body, slots: Vec::new(), blocks: Vec::new() }
    }

    fn b(&self) -> &Builder<'ctx> {
        &self.cg.builder
    }

    fn codegen(mut self) -> Result<(), BackendError> {
        let cx = self.cg.cx;
        let start = cx.append_basic_block(self.func, "start");
        self.blocks =
            (0..self.body.blocks.len()).map(|i| cx.append_basic_block(self.func, &format!("bb{i}"))).collect();
        self.cg.builder.position_at_end(start);
        for (i, d) in self.body.locals.iter().enumerate() {
            let slot = match self.cg.layouts.llvm_type(d.ty) {
                Some(t) => Some(self.b().build_alloca(t, &local_name(i, d))?),
                None => None,
            };
            self.slots.push(slot);
        }
        let mut param_index = 0;
        for a in self.body.args() {
            if let Some(slot) = self.slots[a.index()] {
                let v = self
                    .func
                    .get_nth_param(param_index)
                    .ok_or_else(|| BackendError::Internal("parameter count".into()))?;
                param_index += 1;
                self.b().build_store(slot, v)?;
            }
        }
        self.b().build_unconditional_branch(self.blocks[0])?;
        for (i, bb) in self.body.blocks.iter().enumerate() {
            self.cg.builder.position_at_end(self.blocks[i]);
            for s in &bb.statements {
                self.statement(s)?;
            }
            self.terminator(&bb.terminator)?;
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Places and operands
    // -----------------------------------------------------------------------------------------

    fn place_ty(&self, p: &Place) -> Ty {
        let mut t = self.body.local_decl(p.local).ty;
        for e in &p.projection {
            t = match e {
                PlaceElem::Field(_, ft) => *ft,
                // `place_ptr` rejects the other projections before any value is used.
                _ => t,
            };
        }
        t
    }

    /// The address of a place, or `None` for a zero-sized place.
    fn place_ptr(&mut self, p: &Place) -> Result<Option<PointerValue<'ctx>>, BackendError> {
        let Some(mut ptr) = self.slots[p.local.index()] else { return Ok(None) };
        let mut t = self.body.local_decl(p.local).ty;
        for e in &p.projection {
            match e {
                PlaceElem::Field(i, ft) => {
                    let Some(idx) = self.cg.layouts.field_index(t, *i) else { return Ok(None) };
                    let st = self.cg.layouts.llvm_type(t).expect("a tuple with a sized field is sized");
                    ptr = self.b().build_struct_gep(st, ptr, idx, "")?;
                    t = *ft;
                }
                _ => return Err(BackendError::Unsupported(format!("place projection {e:?}"))),
            }
        }
        Ok(Some(ptr))
    }

    fn operand_ty(&self, o: &Operand) -> Ty {
        match o {
            Operand::Copy(p) | Operand::Move(p) => self.place_ty(p),
            Operand::Constant(c) => c.ty,
        }
    }

    /// The value of an operand, or `None` if it is zero-sized.
    fn operand(&mut self, o: &Operand) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        match o {
            Operand::Copy(p) | Operand::Move(p) => {
                let t = self.place_ty(p);
                let Some(lt) = self.cg.layouts.llvm_type(t) else { return Ok(None) };
                let Some(ptr) = self.place_ptr(p)? else { return Ok(None) };
                Ok(Some(self.b().build_load(lt, ptr, "")?))
            }
            Operand::Constant(c) => self.constant(c),
        }
    }

    fn constant(&mut self, c: &Constant) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        let Some(lt) = self.cg.layouts.llvm_type(c.ty) else { return Ok(None) };
        Ok(Some(match &c.value {
            ConstValue::Scalar(v) => {
                let it = lt.into_int_type();
                if it.get_bit_width() <= 64 {
                    it.const_int(*v as u64, false).into()
                } else {
                    it.const_int_arbitrary_precision(&[*v as u64, (*v >> 64) as u64]).into()
                }
            }
            ConstValue::Float(f) => lt.into_float_type().const_float(*f).into(),
            ConstValue::Str(s) => self.cg.str_value(s),
            ConstValue::ZeroSized => return Ok(None),
            ConstValue::Aggregate(_) | ConstValue::StaticAddr(_) => {
                return Err(BackendError::Unsupported("aggregate and static constants".into()))
            }
        }))
    }

    fn int_operand(&mut self, o: &Operand) -> Result<IntValue<'ctx>, BackendError> {
        match self.operand(o)? {
            Some(v) => Ok(v.into_int_value()),
            None => Err(BackendError::Internal("integer operand is zero-sized".into())),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Statements
    // -----------------------------------------------------------------------------------------

    fn statement(&mut self, s: &Statement) -> Result<(), BackendError> {
        match &s.kind {
            StatementKind::Assign(place, rv) => {
                let dest_ty = self.place_ty(place);
                let Some(v) = self.rvalue(rv, dest_ty)? else { return Ok(()) };
                if let Some(ptr) = self.place_ptr(place)? {
                    self.b().build_store(ptr, v)?;
                }
            }
            // Stack slots live for the whole function; lifetimes are left to LLVM's analyses.
            StatementKind::StorageLive(_) | StatementKind::StorageDead(_) | StatementKind::Nop => {}
            StatementKind::SetDiscriminant { .. } => {
                return Err(BackendError::Unsupported("enum discriminants".into()))
            }
        }
        Ok(())
    }

    fn rvalue(&mut self, rv: &Rvalue, dest_ty: Ty) -> Result<Option<BasicValueEnum<'ctx>>, BackendError> {
        match rv {
            Rvalue::Use(o) => self.operand(o),
            Rvalue::BinaryOp(op, l, r) => {
                let ty = self.operand_ty(l);
                let lv = self.operand(l)?.ok_or_else(|| BackendError::Internal("zero-sized operand".into()))?;
                let rv = self.operand(r)?.ok_or_else(|| BackendError::Internal("zero-sized operand".into()))?;
                let rty = self.operand_ty(r);
                Ok(Some(self.binary(*op, lv, rv, ty, rty)?))
            }
            Rvalue::CheckedBinaryOp(op, l, r) => {
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
                let intr =
                    LlvmIntrinsic::find(&name).ok_or_else(|| BackendError::Internal(format!("no intrinsic {name}")))?;
                let f = intr
                    .get_declaration(&self.cg.module, &[lv.get_type().into()])
                    .ok_or_else(|| BackendError::Internal(format!("cannot declare {name}")))?;
                let r = self.b().build_call(f, &[lv.into(), rv.into()], "")?;
                Ok(r.try_as_basic_value().basic())
            }
            Rvalue::UnaryOp(op, o) => {
                let ty = self.operand_ty(o);
                let v = self.operand(o)?.ok_or_else(|| BackendError::Internal("zero-sized operand".into()))?;
                Ok(Some(match (op, self.cg.krate.tys.kind(ty)) {
                    (UnOp::Neg, TyKind::Float(_)) => self.b().build_float_neg(v.into_float_value(), "")?.into(),
                    (UnOp::Neg, _) => self.b().build_int_neg(v.into_int_value(), "")?.into(),
                    (UnOp::Not, _) => self.b().build_not(v.into_int_value(), "")?.into(),
                }))
            }
            Rvalue::Cast(CastKind::Numeric, o, to) => {
                let from = self.operand_ty(o);
                let v = self.operand(o)?.ok_or_else(|| BackendError::Internal("zero-sized operand".into()))?;
                Ok(Some(self.numeric_cast(v, from, *to)?))
            }
            Rvalue::Aggregate(AggregateKind::Tuple, ops) => {
                let Some(lt) = self.cg.layouts.llvm_type(dest_ty) else { return Ok(None) };
                let st = lt.into_struct_type();
                let mut agg: inkwell::values::AggregateValueEnum = st.get_undef().into();
                let mut idx = 0;
                for o in ops {
                    if let Some(v) = self.operand(o)? {
                        agg = self.b().build_insert_value(agg, v, idx, "")?;
                        idx += 1;
                    }
                }
                Ok(Some(agg.into_struct_value().into()))
            }
            _ => Err(BackendError::Unsupported(format!("rvalue {rv:?}"))),
        }
    }

    fn binary(
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
            self.cg.layouts.llvm_type(to).ok_or_else(|| BackendError::Internal("cast to a zero-sized type".into()))?;
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

    // -----------------------------------------------------------------------------------------
    // Terminators
    // -----------------------------------------------------------------------------------------

    fn terminator(&mut self, t: &Terminator) -> Result<(), BackendError> {
        match &t.kind {
            TerminatorKind::Goto { target } => {
                self.b().build_unconditional_branch(self.blocks[target.index()])?;
            }
            TerminatorKind::SwitchInt { discr, targets, otherwise } => {
                let v = self.int_operand(discr)?;
                let it = v.get_type();
                let cases: Vec<(IntValue, LlvmBlock)> = targets
                    .iter()
                    .map(|(val, b)| {
                        let c = if it.get_bit_width() <= 64 {
                            it.const_int(*val as u64, false)
                        } else {
                            it.const_int_arbitrary_precision(&[*val as u64, (*val >> 64) as u64])
                        };
                        (c, self.blocks[b.index()])
                    })
                    .collect();
                self.b().build_switch(v, self.blocks[otherwise.index()], &cases)?;
            }
            TerminatorKind::Return => {
                let ret_ty = self.body.local_decl(Local::RETURN_PLACE).ty;
                match self.cg.layouts.llvm_type(ret_ty) {
                    Some(lt) => {
                        let slot = self.slots[0].expect("a sized return place has a slot");
                        let v = self.b().build_load(lt, slot, "")?;
                        self.b().build_return(Some(&v))?;
                    }
                    None => {
                        self.b().build_return(None)?;
                    }
                }
            }
            TerminatorKind::Unreachable => {
                self.b().build_unreachable()?;
            }
            TerminatorKind::Drop { .. } => return Err(BackendError::Unsupported("drops".into())),
            TerminatorKind::UnwindResume => {
                return Err(BackendError::Internal("cleanup blocks are not generated yet".into()));
            }
            TerminatorKind::Assert { cond, expected, msg, target, .. } => {
                let c = self.int_operand(cond)?;
                let panic_bb = self.cg.cx.append_basic_block(self.func, "panic");
                let ok = self.blocks[target.index()];
                if *expected {
                    self.b().build_conditional_branch(c, ok, panic_bb)?;
                } else {
                    self.b().build_conditional_branch(c, panic_bb, ok)?;
                }
                self.b().position_at_end(panic_bb);
                self.panic(msg.message(), t.span)?;
            }
            TerminatorKind::Call { callee, args, destination, target, .. } => {
                let result = match callee {
                    Callee::Fn(id) => {
                        let f = self.cg.fns[id.index()].expect("every function is declared");
                        let mut vals: Vec<BasicMetadataValueEnum> = Vec::new();
                        for a in args {
                            if let Some(v) = self.operand(a)? {
                                vals.push(v.into());
                            }
                        }
                        let call = self.b().build_call(f, &vals, "")?;
                        call.try_as_basic_value().basic()
                    }
                    Callee::Intrinsic(i) => {
                        self.intrinsic(*i, args)?;
                        None
                    }
                };
                if let (Some(v), Some(ptr)) = (result, self.place_ptr(destination)?) {
                    self.b().build_store(ptr, v)?;
                }
                match target {
                    Some(tb) => {
                        self.b().build_unconditional_branch(self.blocks[tb.index()])?;
                    }
                    None => {
                        self.b().build_unreachable()?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Calls `aether_rt_panic` with `msg` and the location of `span`; the block ends there.
    fn panic(&mut self, msg: &str, span: Span) -> Result<(), BackendError> {
        let (file, line, col) = self.cg.sources.location(span);
        let f = self.cg.runtime(RuntimeFunction::Panic);
        let m = self.cg.string_ptr(msg);
        let fl = self.cg.string_ptr(&file);
        let i32t = self.cg.cx.i32_type();
        let args: Vec<BasicMetadataValueEnum> = vec![
            m.into(),
            self.cg.usize_const(msg.len() as u64).into(),
            fl.into(),
            self.cg.usize_const(file.len() as u64).into(),
            i32t.const_int(line as u64, false).into(),
            i32t.const_int(col as u64, false).into(),
        ];
        self.b().build_call(f, &args, "")?;
        self.b().build_unreachable()?;
        Ok(())
    }

    fn intrinsic(&mut self, i: mir::Intrinsic, args: &[Operand]) -> Result<(), BackendError> {
        let stream = match &args[0] {
            Operand::Constant(Constant { value: ConstValue::Scalar(s), .. }) => *s as u64,
            _ => return Err(BackendError::Internal("print stream must be a constant".into())),
        };
        let i32t = self.cg.cx.i32_type();
        let stream_v: BasicMetadataValueEnum = i32t.const_int(stream, false).into();
        let null: BasicMetadataValueEnum = self.cg.cx.ptr_type(AddressSpace::default()).const_null().into();
        let value =
            self.operand(&args[1])?.ok_or_else(|| BackendError::Internal("printed value is zero-sized".into()))?;
        let (rf, call_args): (RuntimeFunction, Vec<BasicMetadataValueEnum>) = match i {
            mir::Intrinsic::WriteStr => {
                let sv = value.into_struct_value();
                let p = self.b().build_extract_value(sv, 0, "")?;
                let n = self.b().build_extract_value(sv, 1, "")?;
                let rf = if stream == 1 { RuntimeFunction::StdoutWrite } else { RuntimeFunction::StderrWrite };
                (rf, vec![p.into(), n.into()])
            }
            mir::Intrinsic::Fmt(kind, spec) => {
                let spec_ptr: BasicMetadataValueEnum =
                    self.fmt_spec(&spec, &args[2..])?.map(Into::into).unwrap_or(null);
                let mut a = vec![stream_v, null, spec_ptr];
                let rf = match kind {
                    FmtValueKind::Int { signed, bits } if bits > 64 => {
                        let v = value.into_int_value();
                        let i64t = self.cg.cx.i64_type();
                        let lo = self.b().build_int_truncate(v, i64t, "")?;
                        let shifted = self.b().build_right_shift(v, v.get_type().const_int(64, false), false, "")?;
                        let hi = self.b().build_int_truncate(shifted, i64t, "")?;
                        a.extend::<[BasicMetadataValueEnum; 2]>([lo.into(), hi.into()]);
                        if signed {
                            RuntimeFunction::FmtI128
                        } else {
                            RuntimeFunction::FmtU128
                        }
                    }
                    FmtValueKind::Int { signed, bits } => {
                        a.extend::<[BasicMetadataValueEnum; 2]>([
                            value.into(),
                            i32t.const_int(bits as u64, false).into(),
                        ]);
                        if signed {
                            RuntimeFunction::FmtI64
                        } else {
                            RuntimeFunction::FmtU64
                        }
                    }
                    FmtValueKind::Float { bits } => {
                        a.push(value.into());
                        if bits == 32 {
                            RuntimeFunction::FmtF32
                        } else {
                            RuntimeFunction::FmtF64
                        }
                    }
                    FmtValueKind::Str => {
                        let sv = value.into_struct_value();
                        let p = self.b().build_extract_value(sv, 0, "")?;
                        let n = self.b().build_extract_value(sv, 1, "")?;
                        a.extend::<[BasicMetadataValueEnum; 2]>([p.into(), n.into()]);
                        RuntimeFunction::FmtStr
                    }
                    FmtValueKind::Char => {
                        a.push(value.into());
                        RuntimeFunction::FmtChar
                    }
                    FmtValueKind::Bool => {
                        a.push(value.into());
                        RuntimeFunction::FmtBool
                    }
                };
                (rf, a)
            }
            mir::Intrinsic::Panic | mir::Intrinsic::PanicBuf => {
                return Err(BackendError::Unsupported("panic intrinsics".into()))
            }
        };
        let f = self.cg.runtime(rf);
        self.b().build_call(f, &call_args, "")?;
        Ok(())
    }

    /// A pointer to the runtime's `AetherFmtSpec` for `spec` (layout in aether_rt.h: fill u32,
    /// align u8, flags u8, ty u8, reserved u8, width u32, precision i32), or `None` for a plain
    /// `{}`. Constant specs are private globals; specs with counts from operands are built in a
    /// stack slot.
    fn fmt_spec(&mut self, spec: &FmtSpec, counts: &[Operand]) -> Result<Option<PointerValue<'ctx>>, BackendError> {
        use aether_frontend::ast::{FormatAlign, FormatType};
        if spec.is_default() {
            return Ok(None);
        }
        let cx = self.cg.cx;
        let (i8t, i32t) = (cx.i8_type(), cx.i32_type());
        let st = cx.struct_type(
            &[i32t.into(), i8t.into(), i8t.into(), i8t.into(), i8t.into(), i32t.into(), i32t.into()],
            false,
        );
        let align = match spec.align {
            None => 0,
            Some(FormatAlign::Left) => 1,
            Some(FormatAlign::Right) => 2,
            Some(FormatAlign::Center) => 3,
        };
        let flags = (spec.plus as u64) | (spec.alternate as u64) << 2 | (spec.zero_pad as u64) << 3;
        let ty = match spec.ty {
            FormatType::Display => 0,
            FormatType::Debug => 1,
            FormatType::LowerHex => 2,
            FormatType::UpperHex => 3,
            FormatType::Octal => 4,
            FormatType::Binary => 5,
            FormatType::LowerExp => 6,
            FormatType::UpperExp => 7,
            FormatType::DebugLowerHex => 8,
            FormatType::DebugUpperHex => 9,
        };
        let lit = |c: &Option<SpecCount>, none: u64| match c {
            Some(SpecCount::Literal(n)) => *n as u64,
            _ => none,
        };
        let fields = [
            i32t.const_int(spec.fill.unwrap_or(' ') as u64, false),
            i8t.const_int(align, false),
            i8t.const_int(flags, false),
            i8t.const_int(ty, false),
            i8t.const_int(0, false),
            i32t.const_int(lit(&spec.width, 0), false),
            i32t.const_int(lit(&spec.precision, u32::MAX as u64), true),
        ];
        let values: Vec<BasicValueEnum> = fields.iter().map(|f| (*f).into()).collect();
        let constant = st.const_named_struct(&values);
        let dynamic = [spec.width, spec.precision].iter().any(|c| *c == Some(SpecCount::Operand));
        if !dynamic {
            let g = self.cg.module.add_global(st, None, "fmt.spec");
            g.set_initializer(&constant);
            g.set_constant(true);
            g.set_linkage(Linkage::Private);
            g.set_unnamed_addr(true);
            return Ok(Some(g.as_pointer_value()));
        }
        let slot = self.entry_alloca(st.into(), "fmt.spec")?;
        self.b().build_store(slot, constant)?;
        let mut next = counts.iter();
        for (field, count) in [(5u32, spec.width), (6, spec.precision)] {
            if count == Some(SpecCount::Operand) {
                let op = next.next().ok_or_else(|| BackendError::Internal("missing format count operand".into()))?;
                let v = self.int_operand(op)?;
                // Checked against u16::MAX in MIR, so the truncation is exact.
                let v = self.b().build_int_truncate_or_bit_cast(v, i32t, "")?;
                let p = self.b().build_struct_gep(st, slot, field, "")?;
                self.b().build_store(p, v)?;
            }
        }
        Ok(Some(slot))
    }

    /// A stack slot in the function's entry block, so it is allocated once per call.
    fn entry_alloca(
        &mut self,
        t: inkwell::types::BasicTypeEnum<'ctx>,
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
}

fn local_name(i: usize, d: &LocalDecl) -> String {
    match &d.name {
        Some(n) => n.clone(),
        None => format!("_{i}"),
    }
}
