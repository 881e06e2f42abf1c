//! DWARF debug info for `-g`.
//!
//! One `DICompileUnit` (language Rust, producer `aetherc`) per module, named after the root
//! source file; one `DISubprogram` per function body at the line of its span; a `DILocation`
//! on every instruction, taken from the span of the MIR statement or terminator that produced
//! it (so the line table steps through statements as gdb expects); and a `dbg.declare` record
//! for the stack slot of every user-named local (parameters as `DW_TAG_formal_parameter`), with
//! its type when it is one of: integer, float, `bool`, `char` (basic types), reference or raw
//! pointer to such a type (pointer types), tuple or struct of them (structure types with their
//! members at the layout's offsets). Locals of other types (enums, arrays, fat pointers) still
//! get line information but no variable yet. Module flags: "Dwarf Version" 4 and
//! "Debug Info Version" (LLVM's current metadata version).

use std::cell::RefCell;
use std::collections::HashMap;

use aether_frontend::span::{FileId, SourceMap, Span};
use aether_frontend::ty::{FloatTy, Ty, TyKind};
use inkwell::context::Context;
use inkwell::debug_info::{
    AsDIScope, DICompileUnit, DIFile, DIFlags, DIFlagsConstants, DIScope, DISubprogram, DIType, DWARFEmissionKind,
    DWARFSourceLanguage, DebugInfoBuilder,
};
use inkwell::module::{FlagBehavior, Module};
use inkwell::values::AsValueRef;
use inkwell::AddressSpace;

use crate::codegen::FnCx;
use crate::layout::AdtLayout;
use crate::BackendError;

const DW_ATE_BOOLEAN: u32 = 0x02;
const DW_ATE_FLOAT: u32 = 0x04;
const DW_ATE_SIGNED: u32 = 0x05;
const DW_ATE_UNSIGNED: u32 = 0x08;
const DW_ATE_UTF: u32 = 0x10;

pub(crate) struct DebugCx<'ctx> {
    pub builder: DebugInfoBuilder<'ctx>,
    pub unit: DICompileUnit<'ctx>,
    files: RefCell<HashMap<FileId, DIFile<'ctx>>>,
    types: RefCell<HashMap<Ty, Option<DIType<'ctx>>>>,
}

/// The debug scope of the function being generated.
pub(crate) struct FnDebug<'ctx> {
    pub subprogram: DISubprogram<'ctx>,
    pub file: FileId,
}

fn split_path(name: &str) -> (String, String) {
    let p = std::path::Path::new(name);
    let file = p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| name.to_string());
    let dir = p.parent().map(|d| d.to_string_lossy().into_owned()).filter(|d| !d.is_empty());
    let dir = dir.unwrap_or_else(|| {
        std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| ".".into())
    });
    (file, dir)
}

impl<'ctx> DebugCx<'ctx> {
    pub fn new(module: &Module<'ctx>, sources: &SourceMap, module_name: &str) -> DebugCx<'ctx> {
        let root = sources.files().next().map(|(_, f)| f.name.clone()).unwrap_or_else(|| module_name.to_string());
        let (file, dir) = split_path(&root);
        let cx = module.get_context();
        let i32t = cx.i32_type();
        module.add_basic_value_flag("Dwarf Version", FlagBehavior::Warning, i32t.const_int(4, false));
        module.add_basic_value_flag(
            "Debug Info Version",
            FlagBehavior::Warning,
            i32t.const_int(inkwell::debug_info::debug_metadata_version() as u64, false),
        );
        let (builder, unit) = module.create_debug_info_builder(
            true,
            DWARFSourceLanguage::Rust,
            &file,
            &dir,
            "aetherc",
            false,
            "",
            0,
            "",
            DWARFEmissionKind::Full,
            0,
            false,
            false,
            "",
            "",
        );
        DebugCx { builder, unit, files: RefCell::new(HashMap::new()), types: RefCell::new(HashMap::new()) }
    }

    pub fn finish(&self, _module: &Module<'ctx>, _cx: &'ctx Context) {
        self.builder.finalize();
    }

    fn file(&self, sources: &SourceMap, id: FileId) -> DIFile<'ctx> {
        *self.files.borrow_mut().entry(id).or_insert_with(|| {
            let (file, dir) = split_path(&sources.get(id).name);
            self.builder.create_file(&file, &dir)
        })
    }
}

impl<'c, 'ctx, 'a> FnCx<'c, 'ctx, 'a> {
    /// Creates the function's `DISubprogram` (when debug info is on).
    pub(crate) fn start_debug_info(&mut self) -> Option<FnDebug<'ctx>> {
        let d = self.cg.debug.as_ref()?;
        let span = self.body.span;
        let file = d.file(self.cg.sources, span.file);
        let (line, _) = self.cg.sources.get(span.file).line_col(span.lo);
        let def = self.cg.krate.fn_def(self.body.fn_id);
        let ty = d.builder.create_subroutine_type(file, None, &[], DIFlags::ZERO);
        let linkage = self.func.get_name().to_string_lossy().into_owned();
        let sp = d.builder.create_function(
            file.as_debug_info_scope(),
            &def.name,
            Some(&linkage),
            file,
            line,
            ty,
            def.linkage == aether_frontend::hir::Linkage::Internal,
            true,
            line,
            DIFlags::PROTOTYPED,
            false,
        );
        self.func.set_subprogram(sp);
        Some(FnDebug { subprogram: sp, file: span.file })
    }

    /// Makes the following instructions belong to `span`'s line and column.
    pub(crate) fn set_debug_location(&self, span: Span) {
        let (Some(d), Some(fd)) = (&self.cg.debug, &self.debug) else { return };
        // Spans of a function are in its file; one from elsewhere would name a wrong line.
        let span = if span.file == fd.file { span } else { self.body.span };
        let (line, col) = self.cg.sources.get(span.file).line_col(span.lo);
        let loc = d.builder.create_debug_location(self.cg.cx, line, col, fd.subprogram.as_debug_info_scope(), None);
        self.cg.builder.set_current_debug_location(loc);
    }

    /// Declares the user-named locals to the debugger (their stack slots).
    pub(crate) fn declare_debug_locals(&mut self) -> Result<(), BackendError> {
        let (Some(d), Some(fd)) = (&self.cg.debug, &self.debug) else { return Ok(()) };
        let scope: DIScope = fd.subprogram.as_debug_info_scope();
        let file = d.file(self.cg.sources, fd.file);
        let block = self.b().get_insert_block().ok_or_else(|| BackendError::Internal("builder has no block".into()))?;
        for (i, decl) in self.body.locals.iter().enumerate() {
            let (Some(name), Some(slot)) = (&decl.name, self.slots[i]) else { continue };
            let Some(ty) = self.di_type(decl.ty) else { continue };
            let span = if decl.span.file == fd.file { decl.span } else { self.body.span };
            let (line, col) = self.cg.sources.get(span.file).line_col(span.lo);
            let var = if (1..=self.body.arg_count).contains(&i) {
                d.builder.create_parameter_variable(scope, name, i as u32, file, line, ty, true, DIFlags::ZERO)
            } else {
                d.builder.create_auto_variable(scope, name, file, line, ty, true, DIFlags::ZERO, 0)
            };
            let loc = d.builder.create_debug_location(self.cg.cx, line, col, scope, None);
            // inkwell's `insert_declare_at_end` treats the debug record LLVM 19+ returns as an
            // instruction (and asserts that it is one); call the C API and ignore the record.
            let expr = d.builder.create_expression(Vec::new());
            unsafe {
                inkwell::llvm_sys::debuginfo::LLVMDIBuilderInsertDeclareRecordAtEnd(
                    d.builder.as_mut_ptr(),
                    slot.as_value_ref(),
                    var.as_mut_ptr(),
                    expr.as_mut_ptr(),
                    loc.as_mut_ptr(),
                    block.as_mut_ptr(),
                );
            }
        }
        Ok(())
    }

    /// The debug type of `t`, for the kinds listed in the module documentation.
    fn di_type(&self, t: Ty) -> Option<DIType<'ctx>> {
        let d = self.cg.debug.as_ref()?;
        if let Some(known) = d.types.borrow().get(&t) {
            return *known;
        }
        let tys = &self.cg.krate.tys;
        let layouts = &self.cg.layouts;
        let bits = layouts.size_of(t) * 8;
        let name = tys.display(t).to_string();
        let basic = |enc: u32| d.builder.create_basic_type(&name, bits, enc, DIFlags::ZERO).ok().map(|b| b.as_type());
        let ty = match tys.kind(t) {
            TyKind::Bool => basic(DW_ATE_BOOLEAN),
            TyKind::Char => basic(DW_ATE_UTF),
            TyKind::Int(_) => basic(DW_ATE_SIGNED),
            TyKind::Uint(_) => basic(DW_ATE_UNSIGNED),
            TyKind::Float(FloatTy::F32 | FloatTy::F64) => basic(DW_ATE_FLOAT),
            TyKind::Ref(inner, _) | TyKind::RawPtr(inner, _) if !layouts.is_fat_ptr(t) => {
                let pointee = self.di_type(*inner)?;
                Some(
                    d.builder
                        .create_pointer_type(&name, pointee, bits, layouts.align_of(t) * 8, AddressSpace::default())
                        .as_type(),
                )
            }
            TyKind::Tuple(elems) if !elems.is_empty() => {
                let fields: Vec<(String, Ty)> = elems.iter().enumerate().map(|(i, e)| (format!("__{i}"), *e)).collect();
                self.di_struct(t, &name, &fields)
            }
            TyKind::Adt(id, args) => match layouts.adt_layout(t) {
                AdtLayout::Struct { ty: Some(_), .. } => {
                    let def = self.cg.krate.adt(*id);
                    let fields: Vec<(String, Ty)> = def.variants[0]
                        .fields
                        .iter()
                        .map(|f| (f.name.clone(), self.cg.krate.tys.subst(f.ty, args)))
                        .collect();
                    self.di_struct(t, &name, &fields)
                }
                _ => None,
            },
            _ => None,
        };
        d.types.borrow_mut().insert(t, ty);
        ty
    }

    fn di_struct(&self, t: Ty, name: &str, fields: &[(String, Ty)]) -> Option<DIType<'ctx>> {
        let d = self.cg.debug.as_ref()?;
        let fd = self.debug.as_ref()?;
        let file = d.file(self.cg.sources, fd.file);
        let layouts = &self.cg.layouts;
        let scope = d.unit.as_debug_info_scope();
        let mut members = Vec::new();
        for (i, (fname, fty)) in fields.iter().enumerate() {
            let Some((st, idx)) = layouts.field(t, None, i as u32) else { continue };
            let offset = layouts.td.offset_of_element(&st, idx)?;
            let mty = self.di_type(*fty)?;
            members.push(
                d.builder
                    .create_member_type(
                        scope,
                        fname,
                        file,
                        0,
                        layouts.size_of(*fty) * 8,
                        layouts.align_of(*fty) * 8,
                        offset * 8,
                        DIFlags::ZERO,
                        mty,
                    )
                    .as_type(),
            );
        }
        let st = d.builder.create_struct_type(
            scope,
            name,
            file,
            0,
            layouts.size_of(t) * 8,
            layouts.align_of(t) * 8,
            DIFlags::ZERO,
            None,
            &members,
            0,
            None,
            name,
        );
        Some(st.as_type())
    }
}
