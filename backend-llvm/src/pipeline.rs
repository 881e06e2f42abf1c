//! Targets, optimization pipelines and emission.
//!
//! Creates the LLVM target machine for the requested triple and CPU, runs the new pass manager's
//! standard pipeline for the optimization level (`default<O0>` .. `default<O3>`, `default<Os>`,
//! `default<Oz>`) over a verified module, and writes the module as LLVM IR, bitcode, assembly or
//! an object file.

use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple};
use inkwell::OptimizationLevel;

use crate::BackendError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptLevel {
    O0,
    O1,
    O2,
    O3,
    Os,
    Oz,
}

impl OptLevel {
    /// The new pass manager's pipeline name.
    pub fn pipeline(self) -> &'static str {
        match self {
            OptLevel::O0 => "default<O0>",
            OptLevel::O1 => "default<O1>",
            OptLevel::O2 => "default<O2>",
            OptLevel::O3 => "default<O3>",
            OptLevel::Os => "default<Os>",
            OptLevel::Oz => "default<Oz>",
        }
    }

    fn codegen_level(self) -> OptimizationLevel {
        match self {
            OptLevel::O0 => OptimizationLevel::None,
            OptLevel::O1 => OptimizationLevel::Less,
            OptLevel::O2 | OptLevel::Os | OptLevel::Oz => OptimizationLevel::Default,
            OptLevel::O3 => OptimizationLevel::Aggressive,
        }
    }
}

/// The target machine for `triple` (the host when `None`). `cpu` is an LLVM CPU name, `native`
/// for the host's CPU and features, or `None` for the target's generic CPU.
pub fn target_machine(triple: Option<&str>, cpu: Option<&str>, opt: OptLevel) -> Result<TargetMachine, BackendError> {
    Target::initialize_all(&InitializationConfig::default());
    let triple = match triple {
        Some(t) => TargetTriple::create(t),
        None => TargetMachine::get_default_triple(),
    };
    let target =
        Target::from_triple(&triple).map_err(|e| BackendError::UnknownTarget(triple_string(&triple), e.to_string()))?;
    let (cpu, features) = match cpu {
        Some("native") => {
            (TargetMachine::get_host_cpu_name().to_string(), TargetMachine::get_host_cpu_features().to_string())
        }
        Some(c) => (c.to_string(), String::new()),
        None => (default_cpu(&triple_string(&triple)).to_string(), String::new()),
    };
    target
        .create_target_machine(&triple, &cpu, &features, opt.codegen_level(), RelocMode::PIC, CodeModel::Default)
        .ok_or_else(|| {
            BackendError::UnknownTarget(triple_string(&triple), "LLVM could not create a target machine".into())
        })
}

/// rustc's default CPUs for common targets; LLVM's `generic` otherwise.
fn default_cpu(triple: &str) -> &'static str {
    if triple.starts_with("x86_64") {
        "x86-64"
    } else {
        "generic"
    }
}

/// An owned copy of the target machine's data layout (sizes and alignments for layouts).
pub fn target_data(tm: &TargetMachine) -> inkwell::targets::TargetData {
    let dl = tm.get_target_data().get_data_layout();
    inkwell::targets::TargetData::create(&dl.as_str().to_string_lossy())
}

pub fn triple_string(t: &TargetTriple) -> String {
    t.as_str().to_string_lossy().into_owned()
}

pub fn optimize(module: &Module, tm: &TargetMachine, opt: OptLevel) -> Result<(), BackendError> {
    if opt == OptLevel::O0 {
        // `default<O0>` only runs the always-inliner (and passes keyed to attributes such as
        // coroutines or sanitizers), none of which we emit: the pipeline would change nothing
        // yet costs a walk over every function (~5% of -O0 compile time).
        return Ok(());
    }
    let options = PassBuilderOptions::create();
    options.set_verify_each(false);
    module
        .run_passes(opt.pipeline(), tm, options)
        .map_err(|e| BackendError::Internal(format!("LLVM pass pipeline failed: {e}")))
}

pub fn emit_machine_code(module: &Module, tm: &TargetMachine, asm: bool) -> Result<Vec<u8>, BackendError> {
    let kind = if asm { FileType::Assembly } else { FileType::Object };
    let buf = tm
        .write_to_memory_buffer(module, kind)
        .map_err(|e| BackendError::Internal(format!("LLVM code emission failed: {e}")))?;
    Ok(buf.as_slice().to_vec())
}
