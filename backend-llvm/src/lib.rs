//! AetherLang code generation: MIR to LLVM IR with inkwell, optimization, object emission and
//! linking.
//!
//! [`compile`] is the entry point. The modules: [`layout`] (types to LLVM types and memory
//! layout), [`codegen`] (the module and the per-function driver), `place`, `rvalue`,
//! `terminator` (with unwinding), `intrinsic` (runtime calls), `statics` (constants and
//! statics), `abi` (the C calling convention), `debuginfo` (DWARF), [`runtime_fn`] (the
//! runtime's C ABI), [`pipeline`] (targets, optimization, emission) and [`link`].

mod abi;
pub mod codegen;
mod coroutine_abi;
mod debuginfo;
mod drop_glue;
mod frame_report;
pub use frame_report::frame_layout_report;
mod intrinsic;
pub mod layout;
pub mod link;
mod math;
mod mem_intrinsic;
pub mod pipeline;
mod place;
pub mod runtime_fn;
mod rvalue;
mod statics;
mod terminator;
mod vtable;

use aether_frontend::hir;
use aether_frontend::span::SourceMap;
use aether_middle::mir::Program;
use inkwell::context::Context;

pub use pipeline::OptLevel;

#[derive(Debug)]
pub enum BackendError {
    UnknownTarget(String, String),
    Link(String),
    /// The program uses a construct this backend does not generate yet (E9001): a limitation
    /// of the compiler, reported like a user-facing error with the construct and its location.
    Unsupported(String),
    /// A bug in the compiler: LLVM rejected what we generated.
    Internal(String),
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackendError::UnknownTarget(t, why) => write!(f, "unknown target triple `{t}`: {why}"),
            BackendError::Link(m) => write!(f, "linking failed: {m}"),
            BackendError::Unsupported(m) => write!(f, "[E9001] not supported by the LLVM backend yet: {m}"),
            BackendError::Internal(m) => write!(f, "internal compiler error: {m}"),
        }
    }
}

impl From<inkwell::builder::BuilderError> for BackendError {
    fn from(e: inkwell::builder::BuilderError) -> Self {
        BackendError::Internal(format!("LLVM builder: {e}"))
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    pub opt_level: OptLevel,
    /// `None` for the host.
    pub target: Option<String>,
    /// `-C target-cpu`.
    pub cpu: Option<String>,
    /// `-g`: emit DWARF debug info (line tables, functions, named locals).
    pub debug_info: bool,
    /// Integer overflow panics (Rust's debug assertions); must match the MIR's build option.
    pub overflow_checks: bool,
    /// Build the `#[test]` runner (`aetherc test`): the C `main` runs the crate's tests instead
    /// of `fn main`.
    pub test_harness: bool,
}

/// What the caller wants out of the backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wanted {
    pub llvm_ir: bool,
    pub bitcode: bool,
    pub asm: bool,
    pub object: bool,
}

#[derive(Debug, Default)]
pub struct Artifacts {
    pub llvm_ir: Option<String>,
    pub bitcode: Option<Vec<u8>>,
    pub asm: Option<Vec<u8>>,
    pub object: Option<Vec<u8>>,
    /// The triple the code was generated for.
    pub triple: String,
}

/// Generates, verifies and optimizes the program's LLVM module and produces what is wanted.
pub fn compile(
    krate: &hir::Crate,
    program: &Program,
    sources: &SourceMap,
    module_name: &str,
    opts: &Options,
    wanted: Wanted,
) -> Result<Artifacts, BackendError> {
    let tm = pipeline::target_machine(opts.target.as_deref(), opts.cpu.as_deref(), opts.opt_level)?;
    let context = Context::create();
    let triple = pipeline::triple_string(&tm.get_triple());
    let mut cg = codegen::CodegenCx::new(
        &context,
        module_name,
        krate,
        program,
        sources,
        pipeline::target_data(&tm),
        &triple,
        opts.debug_info,
    );
    cg.overflow_checks = opts.overflow_checks;
    cg.codegen_program(opts.test_harness)?;
    let module = &cg.module;
    module.set_triple(&tm.get_triple());
    module.set_data_layout(&tm.get_target_data().get_data_layout());
    module.verify().map_err(|e| BackendError::Internal(format!("LLVM module verification failed: {e}")))?;
    pipeline::optimize(module, &tm, opts.opt_level)?;
    let mut out = Artifacts { triple: pipeline::triple_string(&tm.get_triple()), ..Artifacts::default() };
    if wanted.llvm_ir {
        out.llvm_ir = Some(module.print_to_string().to_string());
    }
    if wanted.bitcode {
        out.bitcode = Some(module.write_bitcode_to_memory().as_slice().to_vec());
    }
    if wanted.asm {
        out.asm = Some(pipeline::emit_machine_code(module, &tm, true)?);
    }
    if wanted.object {
        out.object = Some(pipeline::emit_machine_code(module, &tm, false)?);
    }
    Ok(out)
}

/// The host's target triple.
pub fn host_triple() -> String {
    pipeline::triple_string(&inkwell::targets::TargetMachine::get_default_triple())
}
