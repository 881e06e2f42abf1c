//! Coroutine frames at the runtime's ABI: the drop glue of a frame, and `async fn main`.
//!
//! A frame's glue calls the frame's drop function (the coroutine transform's, which drops what
//! the frame holds in its state). For `async fn main`, the C `main` builds main's frame and
//! hands it to `aether_rt_main_async` with an `AetherFutureVTable` (layout in aether_rt.h): the
//! vtable's `poll` is a wrapper with the runtime's signature, `bool (void *frame, AetherContext
//! *cx, void *out)`, around the compiled `fn(&mut Frame, &mut Context) -> Poll<T>`.
//!
//! The standard library asks for the vtable of any future type `F` with the `future_vtable`
//! intrinsic (`spawn`, `block_on`): its `poll` is the instance of `std::executor::poll_erased`
//! that monomorphization recorded (`hir::Crate::future_vtables`), an AetherLang function with
//! the C signature (its `bool` result gets `zeroext`, as a C compiler's would); the drops are
//! the drop glue of `F` and of `F::Output`, or null when they have none.

use inkwell::module::Linkage;
use inkwell::types::BasicType;
use inkwell::values::{BasicValueEnum, FunctionValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};

use aether_frontend::hir::FnId;
use aether_frontend::ty::{Ty, TyKind};

use crate::codegen::CodegenCx;
use crate::layout::AdtLayout;
use crate::runtime_fn::RuntimeFunction;
use crate::BackendError;

impl<'ctx> CodegenCx<'ctx, '_> {
    /// The drop function of the frame type `t`.
    pub(crate) fn frame_drop_fn(&self, t: Ty) -> Result<FunctionValue<'ctx>, BackendError> {
        let fns = self.krate.coroutines.get(&t).ok_or_else(|| {
            BackendError::Internal(format!("no coroutine functions for `{}`", self.krate.tys.display(t)))
        })?;
        self.function(fns.drop)
    }

    /// The C `main` of `async fn main`: `aether_rt_main_async(argc, argv, &VT, &frame, &out)`.
    pub(crate) fn define_async_c_main(&mut self, entry: FnId) -> Result<(), BackendError> {
        let frame_ty = self.krate.fn_def(entry).ret;
        let fns = *self
            .krate
            .coroutines
            .get(&frame_ty)
            .ok_or_else(|| BackendError::Internal("`async fn main` has no coroutine".into()))?;
        let output = self.krate.fn_def(entry).async_output.unwrap_or(self.krate.common.unit);
        if !self.krate.tys.is_unit(output) {
            return Err(BackendError::Unsupported("`async fn main` returning a value".into()));
        }
        let poll = self.poll_wrapper(fns.poll)?;
        let drop = self.function(fns.drop)?;
        let ptr = self.cx.ptr_type(AddressSpace::default());
        let align = self.layouts.align_of(frame_ty) as u64;
        let vt = self.future_vtable_const(
            "aether.main.vtable",
            poll,
            Some(drop),
            None,
            (self.layouts.size_of(frame_ty), align),
            (0, 1),
        );

        let i32t = self.cx.i32_type();
        let main = self.module.add_function("main", i32t.fn_type(&[i32t.into(), ptr.into()], false), None);
        let b = self.cx.create_builder();
        b.position_at_end(self.cx.append_basic_block(main, "start"));
        let frame_llvm =
            self.layouts.llvm_type(frame_ty).ok_or_else(|| BackendError::Internal("empty frame".into()))?;
        let slot = b.build_alloca(frame_llvm, "main.frame")?;
        if let Some(inst) = slot.as_instruction() {
            inst.set_alignment(align as u32).map_err(|e| BackendError::Internal(e.to_string()))?;
        }
        let out = b.build_alloca(self.cx.i8_type(), "main.out")?;
        let ctor = self.function(entry)?;
        let frame = b.build_call(ctor, &[], "frame")?;
        if let Some(v) = frame.try_as_basic_value().basic() {
            b.build_store(slot, v)?;
        }
        let argc = main.get_nth_param(0).expect("argc");
        let argv = main.get_nth_param(1).expect("argv");
        let rt = self.runtime(RuntimeFunction::MainAsync);
        let code = b.build_call(rt, &[argc.into(), argv.into(), vt.into(), slot.into(), out.into()], "code")?;
        let code = code.try_as_basic_value().basic().ok_or_else(|| BackendError::Internal("a status".into()))?;
        b.build_return(Some(&code))?;
        Ok(())
    }

    /// The runtime's vtable of the future type `f` (made on first use): see the module comment.
    pub(crate) fn future_vtable(&mut self, f: Ty) -> Result<PointerValue<'ctx>, BackendError> {
        if let Some(v) = self.future_vtables.get(&f) {
            return Ok(*v);
        }
        let info = *self.krate.future_vtables.get(&f).ok_or_else(|| {
            BackendError::Internal(format!("no future vtable recorded for `{}`", self.krate.tys.display(f)))
        })?;
        let poll = self.function(info.poll)?;
        let zeroext = inkwell::attributes::Attribute::get_named_enum_kind_id("zeroext");
        poll.add_attribute(inkwell::attributes::AttributeLoc::Return, self.cx.create_enum_attribute(zeroext, 0));
        let drop_frame = if self.needs_drop.needs_drop(f) { Some(self.drop_glue(f)?) } else { None };
        let drop_output =
            if self.needs_drop.needs_drop(info.output) { Some(self.drop_glue(info.output)?) } else { None };
        let frame = (self.layouts.size_of(f), self.layouts.align_of(f) as u64);
        let output = (self.layouts.size_of(info.output), self.layouts.align_of(info.output) as u64);
        let name = format!("future_vtable<{}>", self.krate.tys.display(f));
        let vt = self.future_vtable_const(&name, poll, drop_frame, drop_output, frame, output);
        self.future_vtables.insert(f, vt);
        Ok(vt)
    }

    /// A private constant `AetherFutureVTable` (layout in aether_rt.h): poll, drop_frame,
    /// drop_output (null when `None`), frame size and alignment, output size and alignment.
    fn future_vtable_const(
        &mut self,
        name: &str,
        poll: FunctionValue<'ctx>,
        drop_frame: Option<FunctionValue<'ctx>>,
        drop_output: Option<FunctionValue<'ctx>>,
        frame: (u64, u64),
        output: (u64, u64),
    ) -> PointerValue<'ctx> {
        let ptr = self.cx.ptr_type(AddressSpace::default());
        let usize_t = self.layouts.usize_type();
        let fn_ptr = |f: Option<FunctionValue<'ctx>>| -> BasicValueEnum<'ctx> {
            match f {
                Some(f) => f.as_global_value().as_pointer_value().into(),
                None => ptr.const_null().into(),
            }
        };
        let init = self.cx.const_struct(
            &[
                fn_ptr(Some(poll)),
                fn_ptr(drop_frame),
                fn_ptr(drop_output),
                usize_t.const_int(frame.0, false).into(),
                usize_t.const_int(frame.1.max(1), false).into(),
                usize_t.const_int(output.0, false).into(),
                usize_t.const_int(output.1.max(1), false).into(),
            ],
            false,
        );
        let g = self.module.add_global(init.get_type(), None, name);
        g.set_initializer(&init);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        g.as_pointer_value()
    }

    /// `bool wrapper(void *frame, AetherContext *cx, void *out)` around a compiled poll
    /// function returning `Poll<()>`: ready when the tag is `Ready`'s.
    fn poll_wrapper(&mut self, poll: FnId) -> Result<FunctionValue<'ctx>, BackendError> {
        let ptr = self.cx.ptr_type(AddressSpace::default());
        let bool_t = self.cx.bool_type();
        let f = self.module.add_function(
            &format!("{}.c_poll", crate::codegen::symbol_name(self.krate.fn_def(poll))),
            bool_t.fn_type(&[ptr.into(), ptr.into(), ptr.into()], false),
            Some(Linkage::Internal),
        );
        self.add_fn_attr(f, "uwtable", 2);
        let zeroext = inkwell::attributes::Attribute::get_named_enum_kind_id("zeroext");
        f.add_attribute(inkwell::attributes::AttributeLoc::Return, self.cx.create_enum_attribute(zeroext, 0));
        let b = self.cx.create_builder();
        b.position_at_end(self.cx.append_basic_block(f, "start"));
        let inner = self.function(poll)?;
        let frame: PointerValue = f.get_nth_param(0).expect("frame").into_pointer_value();
        let cx = f.get_nth_param(1).expect("cx").into_pointer_value();
        let r = b.build_call(inner, &[frame.into(), cx.into()], "r")?;
        let poll_ty = self.krate.fn_def(poll).ret;
        let ready_tag = match (self.krate.tys.kind(poll_ty), self.layouts.adt_layout(poll_ty)) {
            (TyKind::Adt(..), AdtLayout::Enum(e)) => e.tag_value(e.variants[0].discr),
            _ => return Err(BackendError::Internal("a poll function returns `Poll`".into())),
        };
        let tag = match r.try_as_basic_value().basic() {
            Some(BasicValueEnum::IntValue(t)) => t,
            Some(BasicValueEnum::StructValue(s)) => b.build_extract_value(s, 0, "tag")?.into_int_value(),
            _ => return Err(BackendError::Internal("an unexpected `Poll` value".into())),
        };
        let ready = b.build_int_compare(IntPredicate::EQ, tag, ready_tag, "ready")?;
        b.build_return(Some(&ready))?;
        let _ = ready_tag.get_type().as_basic_type_enum();
        Ok(f)
    }
}
