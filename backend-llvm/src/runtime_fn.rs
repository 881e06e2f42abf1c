//! Every function of the runtime's C ABI that generated code calls, with its LLVM type.
//!
//! This enum is the backend's half of the ABI; `runtime-c/aether_rt.h` is the other half and the
//! reference. A test (`tests/runtime_abi.rs`) checks that each name here is declared in the
//! header. Functions are declared in a module on first use.

use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::types::{BasicMetadataTypeEnum, FunctionType};
use inkwell::values::FunctionValue;
use inkwell::AddressSpace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuntimeFunction {
    /// `int32_t aether_rt_start(int32_t argc, char **argv, void (*user_main)(void))`
    Start,
    /// `void aether_rt_stdout_write(const uint8_t *p, size_t n)`
    StdoutWrite,
    /// `void aether_rt_stderr_write(const uint8_t *p, size_t n)`
    StderrWrite,
    /// `void aether_rt_print_i64(uint32_t stream, int64_t v)`
    PrintI64,
    /// `void aether_rt_print_u64(uint32_t stream, uint64_t v)`
    PrintU64,
    /// `void aether_rt_print_i128(uint32_t stream, uint64_t lo, uint64_t hi)`
    PrintI128,
    /// `void aether_rt_print_u128(uint32_t stream, uint64_t lo, uint64_t hi)`
    PrintU128,
    /// `void aether_rt_print_f64(uint32_t stream, double v)`
    PrintF64,
    /// `void aether_rt_print_f32(uint32_t stream, float v)`
    PrintF32,
    /// `void aether_rt_print_bool(uint32_t stream, bool v)`
    PrintBool,
    /// `void aether_rt_print_char(uint32_t stream, uint32_t c)`
    PrintChar,
    /// `void aether_rt_print_str_debug(uint32_t stream, const uint8_t *p, size_t n)`
    PrintStrDebug,
    /// `void aether_rt_print_char_debug(uint32_t stream, uint32_t c)`
    PrintCharDebug,
    /// `void aether_rt_panic(const uint8_t *msg, size_t msg_len, const uint8_t *file, size_t file_len, uint32_t line, uint32_t col)`
    Panic,
}

impl RuntimeFunction {
    pub const ALL: &'static [RuntimeFunction] = &[
        RuntimeFunction::Start,
        RuntimeFunction::StdoutWrite,
        RuntimeFunction::StderrWrite,
        RuntimeFunction::PrintI64,
        RuntimeFunction::PrintU64,
        RuntimeFunction::PrintI128,
        RuntimeFunction::PrintU128,
        RuntimeFunction::PrintF64,
        RuntimeFunction::PrintF32,
        RuntimeFunction::PrintBool,
        RuntimeFunction::PrintChar,
        RuntimeFunction::PrintStrDebug,
        RuntimeFunction::PrintCharDebug,
        RuntimeFunction::Panic,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RuntimeFunction::Start => "aether_rt_start",
            RuntimeFunction::StdoutWrite => "aether_rt_stdout_write",
            RuntimeFunction::StderrWrite => "aether_rt_stderr_write",
            RuntimeFunction::PrintI64 => "aether_rt_print_i64",
            RuntimeFunction::PrintU64 => "aether_rt_print_u64",
            RuntimeFunction::PrintI128 => "aether_rt_print_i128",
            RuntimeFunction::PrintU128 => "aether_rt_print_u128",
            RuntimeFunction::PrintF64 => "aether_rt_print_f64",
            RuntimeFunction::PrintF32 => "aether_rt_print_f32",
            RuntimeFunction::PrintBool => "aether_rt_print_bool",
            RuntimeFunction::PrintChar => "aether_rt_print_char",
            RuntimeFunction::PrintStrDebug => "aether_rt_print_str_debug",
            RuntimeFunction::PrintCharDebug => "aether_rt_print_char_debug",
            RuntimeFunction::Panic => "aether_rt_panic",
        }
    }

    /// Whether the function can unwind into its caller (only panics do).
    pub fn may_unwind(self) -> bool {
        matches!(self, RuntimeFunction::Panic | RuntimeFunction::Start)
    }

    pub fn never_returns(self) -> bool {
        matches!(self, RuntimeFunction::Panic)
    }

    fn fn_type<'ctx>(self, cx: &'ctx Context, usize_bits: u32) -> FunctionType<'ctx> {
        let ptr: BasicMetadataTypeEnum = cx.ptr_type(AddressSpace::default()).into();
        let size: BasicMetadataTypeEnum = crate::layout::int_type(cx, usize_bits).into();
        let i32t: BasicMetadataTypeEnum = cx.i32_type().into();
        let i64t: BasicMetadataTypeEnum = cx.i64_type().into();
        let void = cx.void_type();
        match self {
            RuntimeFunction::Start => cx.i32_type().fn_type(&[i32t, ptr, ptr], false),
            RuntimeFunction::StdoutWrite | RuntimeFunction::StderrWrite => void.fn_type(&[ptr, size], false),
            RuntimeFunction::PrintI64 | RuntimeFunction::PrintU64 => void.fn_type(&[i32t, i64t], false),
            RuntimeFunction::PrintI128 | RuntimeFunction::PrintU128 => void.fn_type(&[i32t, i64t, i64t], false),
            RuntimeFunction::PrintF64 => void.fn_type(&[i32t, cx.f64_type().into()], false),
            RuntimeFunction::PrintF32 => void.fn_type(&[i32t, cx.f32_type().into()], false),
            RuntimeFunction::PrintBool => void.fn_type(&[i32t, cx.bool_type().into()], false),
            RuntimeFunction::PrintChar | RuntimeFunction::PrintCharDebug => void.fn_type(&[i32t, i32t], false),
            RuntimeFunction::PrintStrDebug => void.fn_type(&[i32t, ptr, size], false),
            RuntimeFunction::Panic => void.fn_type(&[ptr, size, ptr, size, i32t, i32t], false),
        }
    }

    /// The function's declaration in `module`, added on first use.
    pub fn get<'ctx>(self, cx: &'ctx Context, module: &Module<'ctx>, usize_bits: u32) -> FunctionValue<'ctx> {
        if let Some(f) = module.get_function(self.name()) {
            return f;
        }
        let f = module.add_function(self.name(), self.fn_type(cx, usize_bits), None);
        let kind = |name: &str| inkwell::attributes::Attribute::get_named_enum_kind_id(name);
        if !self.may_unwind() {
            f.add_attribute(inkwell::attributes::AttributeLoc::Function, cx.create_enum_attribute(kind("nounwind"), 0));
        }
        if self.never_returns() {
            f.add_attribute(inkwell::attributes::AttributeLoc::Function, cx.create_enum_attribute(kind("noreturn"), 0));
            f.add_attribute(inkwell::attributes::AttributeLoc::Function, cx.create_enum_attribute(kind("cold"), 0));
        }
        f
    }
}
