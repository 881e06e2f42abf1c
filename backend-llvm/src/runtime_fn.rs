//! Every function of the runtime's C ABI that generated code calls, with its LLVM type.
//!
//! This enum is the backend's half of the ABI; `runtime-c/aether_rt.h` is the other half and the
//! reference. A test (`tests/runtime_abi.rs`) checks that each name here is declared in the
//! header. Functions are declared in a module on first use. Some (the arguments, the file
//! functions) are only called by the standard library, through its `extern "C"` blocks.

use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::types::{BasicMetadataTypeEnum, BasicType, BasicTypeEnum, FunctionType};
use inkwell::values::FunctionValue;
use inkwell::AddressSpace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuntimeFunction {
    /// `aether_rt_start`: `int32_t (int32_t argc, char **argv, void (*user_main)(void))`
    Start,
    /// `aether_rt_main_async`: `int32_t (int32_t argc, char **argv, const AetherFutureVTable *vt,
    /// const void *frame, void *out)`
    MainAsync,
    /// `aether_rt_run_tests`: `int32_t (int32_t argc, char **argv, const AetherTest *tests, size_t count)`
    RunTests,
    /// `aether_rt_exit`: `noreturn void (int32_t code)`
    Exit,
    /// `aether_rt_abort`: `noreturn void (const uint8_t *msg, size_t len)`
    Abort,
    /// `aether_rt_argc`: `size_t (void)`
    Argc,
    /// `aether_rt_argv`: `const uint8_t *(size_t i, size_t *len)`
    Argv,
    /// `aether_rt_panic`: `noreturn void (const uint8_t *msg, size_t msg_len, const uint8_t *file, size_t file_len, uint32_t line, uint32_t col)`
    Panic,
    /// `aether_rt_panic_buf`: `noreturn void (AetherBuf *msg, const uint8_t *file, size_t file_len, uint32_t line, uint32_t col)`
    PanicBuf,
    /// `aether_rt_panic_bounds`: `noreturn void (size_t index, size_t len, const uint8_t *file, size_t file_len, uint32_t line, uint32_t col)`
    PanicBounds,
    /// `aether_rt_eh_personality`: `int (int version, int actions, uint64_t exception_class, void *exception, void *context)`
    EhPersonality,
    /// `aether_rt_alloc`: `void *(size_t size, size_t align)`
    Alloc,
    /// `aether_rt_alloc_zeroed`: `void *(size_t size, size_t align)`
    AllocZeroed,
    /// `aether_rt_realloc`: `void *(void *p, size_t old_size, size_t align, size_t new_size)`
    Realloc,
    /// `aether_rt_dealloc`: `void (void *p, size_t size, size_t align)`
    Dealloc,
    /// `aether_rt_alloc_count`: `uint64_t (void)`
    AllocCount,
    /// `aether_rt_buf_write`: `void (AetherBuf *buf, const uint8_t *p, size_t n)`
    BufWrite,
    /// `aether_rt_buf_reserve`: `void (AetherBuf *buf, size_t additional)`
    BufReserve,
    /// `aether_rt_stdout_write`: `void (const uint8_t *p, size_t n)`
    StdoutWrite,
    /// `aether_rt_stderr_write`: `void (const uint8_t *p, size_t n)`
    StderrWrite,
    /// `aether_rt_stdout_flush`: `void (void)`
    StdoutFlush,
    /// `aether_rt_write`: `void (uint32_t stream, AetherBuf *buf, const uint8_t *p, size_t n)`
    Write,
    /// `aether_rt_fmt_i64`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, int64_t v, uint32_t bits)`
    FmtI64,
    /// `aether_rt_fmt_u64`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint64_t v, uint32_t bits)`
    FmtU64,
    /// `aether_rt_fmt_i128`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint64_t lo, uint64_t hi)`
    FmtI128,
    /// `aether_rt_fmt_u128`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint64_t lo, uint64_t hi)`
    FmtU128,
    /// `aether_rt_fmt_f64`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, double v)`
    FmtF64,
    /// `aether_rt_fmt_f32`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, float v)`
    FmtF32,
    /// `aether_rt_fmt_str`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, const uint8_t *p, size_t n)`
    FmtStr,
    /// `aether_rt_fmt_char`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, uint32_t c)`
    FmtChar,
    /// `aether_rt_fmt_bool`: `void (uint32_t stream, AetherBuf *buf, const AetherFmtSpec *spec, bool v)`
    FmtBool,
    /// `aether_rt_print_i64`: `void (uint32_t stream, int64_t v)`
    PrintI64,
    /// `aether_rt_print_u64`: `void (uint32_t stream, uint64_t v)`
    PrintU64,
    /// `aether_rt_print_i128`: `void (uint32_t stream, uint64_t lo, uint64_t hi)`
    PrintI128,
    /// `aether_rt_print_u128`: `void (uint32_t stream, uint64_t lo, uint64_t hi)`
    PrintU128,
    /// `aether_rt_print_bool`: `void (uint32_t stream, bool v)`
    PrintBool,
    /// `aether_rt_print_f64`: `void (uint32_t stream, double v)`
    PrintF64,
    /// `aether_rt_print_f32`: `void (uint32_t stream, float v)`
    PrintF32,
    /// `aether_rt_print_char`: `void (uint32_t stream, uint32_t c)`
    PrintChar,
    /// `aether_rt_fs_read`: `int32_t (const uint8_t *path, size_t path_len, AetherBuf *out)`
    FsRead,
    /// `aether_rt_fs_write`: `int32_t (const uint8_t *path, size_t path_len, const uint8_t *data, size_t len)`
    FsWrite,
    /// `aether_rt_fs_remove_file`: `int32_t (const uint8_t *path, size_t path_len)`
    FsRemoveFile,
    /// `aether_rt_fs_create_dir`: `int32_t (const uint8_t *path, size_t path_len)`
    FsCreateDir,
    /// `aether_rt_fs_remove_dir`: `int32_t (const uint8_t *path, size_t path_len)`
    FsRemoveDir,
    /// `aether_rt_file_open`: `int32_t (const uint8_t *path, size_t path_len, uint32_t flags, int64_t *fd)`
    FileOpen,
    /// `aether_rt_file_read`: `int32_t (int64_t fd, uint8_t *p, size_t cap, size_t *n)`
    FileRead,
    /// `aether_rt_file_write`: `int32_t (int64_t fd, const uint8_t *p, size_t len)`
    FileWrite,
    /// `aether_rt_file_close`: `void (int64_t fd)`
    FileClose,
    /// `aether_rt_os_error_message`: `void (int32_t code, AetherBuf *out)`
    OsErrorMessage,
    /// `aether_rt_os_error_kind`: `uint32_t (int32_t code)`
    OsErrorKind,
    /// `aether_rt_utf8_valid`: `bool (const uint8_t *p, size_t len)`
    Utf8Valid,
}

/// The LLVM-level types the runtime's signatures use.
#[derive(Clone, Copy)]
enum AbiTy {
    I32,
    I64,
    Size,
    Ptr,
    Bool,
    F32,
    F64,
    Void,
}

impl RuntimeFunction {
    pub const ALL: &'static [RuntimeFunction] = &[
        RuntimeFunction::Start,
        RuntimeFunction::MainAsync,
        RuntimeFunction::RunTests,
        RuntimeFunction::Exit,
        RuntimeFunction::Abort,
        RuntimeFunction::Argc,
        RuntimeFunction::Argv,
        RuntimeFunction::Panic,
        RuntimeFunction::PanicBuf,
        RuntimeFunction::PanicBounds,
        RuntimeFunction::EhPersonality,
        RuntimeFunction::Alloc,
        RuntimeFunction::AllocZeroed,
        RuntimeFunction::Realloc,
        RuntimeFunction::Dealloc,
        RuntimeFunction::AllocCount,
        RuntimeFunction::BufWrite,
        RuntimeFunction::BufReserve,
        RuntimeFunction::StdoutWrite,
        RuntimeFunction::StderrWrite,
        RuntimeFunction::StdoutFlush,
        RuntimeFunction::Write,
        RuntimeFunction::FmtI64,
        RuntimeFunction::FmtU64,
        RuntimeFunction::FmtI128,
        RuntimeFunction::FmtU128,
        RuntimeFunction::FmtF64,
        RuntimeFunction::FmtF32,
        RuntimeFunction::FmtStr,
        RuntimeFunction::FmtChar,
        RuntimeFunction::FmtBool,
        RuntimeFunction::PrintI64,
        RuntimeFunction::PrintU64,
        RuntimeFunction::PrintI128,
        RuntimeFunction::PrintU128,
        RuntimeFunction::PrintBool,
        RuntimeFunction::PrintF64,
        RuntimeFunction::PrintF32,
        RuntimeFunction::PrintChar,
        RuntimeFunction::FsRead,
        RuntimeFunction::FsWrite,
        RuntimeFunction::FsRemoveFile,
        RuntimeFunction::FsCreateDir,
        RuntimeFunction::FsRemoveDir,
        RuntimeFunction::FileOpen,
        RuntimeFunction::FileRead,
        RuntimeFunction::FileWrite,
        RuntimeFunction::FileClose,
        RuntimeFunction::OsErrorMessage,
        RuntimeFunction::OsErrorKind,
        RuntimeFunction::Utf8Valid,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RuntimeFunction::Start => "aether_rt_start",
            RuntimeFunction::MainAsync => "aether_rt_main_async",
            RuntimeFunction::RunTests => "aether_rt_run_tests",
            RuntimeFunction::Exit => "aether_rt_exit",
            RuntimeFunction::Abort => "aether_rt_abort",
            RuntimeFunction::Argc => "aether_rt_argc",
            RuntimeFunction::Argv => "aether_rt_argv",
            RuntimeFunction::Panic => "aether_rt_panic",
            RuntimeFunction::PanicBuf => "aether_rt_panic_buf",
            RuntimeFunction::PanicBounds => "aether_rt_panic_bounds",
            RuntimeFunction::EhPersonality => "aether_rt_eh_personality",
            RuntimeFunction::Alloc => "aether_rt_alloc",
            RuntimeFunction::AllocZeroed => "aether_rt_alloc_zeroed",
            RuntimeFunction::Realloc => "aether_rt_realloc",
            RuntimeFunction::Dealloc => "aether_rt_dealloc",
            RuntimeFunction::AllocCount => "aether_rt_alloc_count",
            RuntimeFunction::BufWrite => "aether_rt_buf_write",
            RuntimeFunction::BufReserve => "aether_rt_buf_reserve",
            RuntimeFunction::StdoutWrite => "aether_rt_stdout_write",
            RuntimeFunction::StderrWrite => "aether_rt_stderr_write",
            RuntimeFunction::StdoutFlush => "aether_rt_stdout_flush",
            RuntimeFunction::Write => "aether_rt_write",
            RuntimeFunction::FmtI64 => "aether_rt_fmt_i64",
            RuntimeFunction::FmtU64 => "aether_rt_fmt_u64",
            RuntimeFunction::FmtI128 => "aether_rt_fmt_i128",
            RuntimeFunction::FmtU128 => "aether_rt_fmt_u128",
            RuntimeFunction::FmtF64 => "aether_rt_fmt_f64",
            RuntimeFunction::FmtF32 => "aether_rt_fmt_f32",
            RuntimeFunction::FmtStr => "aether_rt_fmt_str",
            RuntimeFunction::FmtChar => "aether_rt_fmt_char",
            RuntimeFunction::FmtBool => "aether_rt_fmt_bool",
            RuntimeFunction::PrintI64 => "aether_rt_print_i64",
            RuntimeFunction::PrintU64 => "aether_rt_print_u64",
            RuntimeFunction::PrintI128 => "aether_rt_print_i128",
            RuntimeFunction::PrintU128 => "aether_rt_print_u128",
            RuntimeFunction::PrintBool => "aether_rt_print_bool",
            RuntimeFunction::PrintF64 => "aether_rt_print_f64",
            RuntimeFunction::PrintF32 => "aether_rt_print_f32",
            RuntimeFunction::PrintChar => "aether_rt_print_char",
            RuntimeFunction::FsRead => "aether_rt_fs_read",
            RuntimeFunction::FsWrite => "aether_rt_fs_write",
            RuntimeFunction::FsRemoveFile => "aether_rt_fs_remove_file",
            RuntimeFunction::FsCreateDir => "aether_rt_fs_create_dir",
            RuntimeFunction::FsRemoveDir => "aether_rt_fs_remove_dir",
            RuntimeFunction::FileOpen => "aether_rt_file_open",
            RuntimeFunction::FileRead => "aether_rt_file_read",
            RuntimeFunction::FileWrite => "aether_rt_file_write",
            RuntimeFunction::FileClose => "aether_rt_file_close",
            RuntimeFunction::OsErrorMessage => "aether_rt_os_error_message",
            RuntimeFunction::OsErrorKind => "aether_rt_os_error_kind",
            RuntimeFunction::Utf8Valid => "aether_rt_utf8_valid",
        }
    }

    /// Parameter and return types, as in the header.
    fn signature(self) -> (&'static [AbiTy], AbiTy) {
        use AbiTy::*;
        match self {
            RuntimeFunction::Start => (&[I32, Ptr, Ptr], I32),
            RuntimeFunction::MainAsync => (&[I32, Ptr, Ptr, Ptr, Ptr], I32),
            RuntimeFunction::RunTests => (&[I32, Ptr, Ptr, Size], I32),
            RuntimeFunction::Exit => (&[I32], Void),
            RuntimeFunction::Abort => (&[Ptr, Size], Void),
            RuntimeFunction::Argc => (&[], Size),
            RuntimeFunction::Argv => (&[Size, Ptr], Ptr),
            RuntimeFunction::Panic => (&[Ptr, Size, Ptr, Size, I32, I32], Void),
            RuntimeFunction::PanicBuf => (&[Ptr, Ptr, Size, I32, I32], Void),
            RuntimeFunction::PanicBounds => (&[Size, Size, Ptr, Size, I32, I32], Void),
            RuntimeFunction::EhPersonality => (&[I32, I32, I64, Ptr, Ptr], I32),
            RuntimeFunction::Alloc => (&[Size, Size], Ptr),
            RuntimeFunction::AllocZeroed => (&[Size, Size], Ptr),
            RuntimeFunction::Realloc => (&[Ptr, Size, Size, Size], Ptr),
            RuntimeFunction::Dealloc => (&[Ptr, Size, Size], Void),
            RuntimeFunction::AllocCount => (&[], I64),
            RuntimeFunction::BufWrite => (&[Ptr, Ptr, Size], Void),
            RuntimeFunction::BufReserve => (&[Ptr, Size], Void),
            RuntimeFunction::StdoutWrite => (&[Ptr, Size], Void),
            RuntimeFunction::StderrWrite => (&[Ptr, Size], Void),
            RuntimeFunction::StdoutFlush => (&[], Void),
            RuntimeFunction::Write => (&[I32, Ptr, Ptr, Size], Void),
            RuntimeFunction::FmtI64 => (&[I32, Ptr, Ptr, I64, I32], Void),
            RuntimeFunction::FmtU64 => (&[I32, Ptr, Ptr, I64, I32], Void),
            RuntimeFunction::FmtI128 => (&[I32, Ptr, Ptr, I64, I64], Void),
            RuntimeFunction::FmtU128 => (&[I32, Ptr, Ptr, I64, I64], Void),
            RuntimeFunction::FmtF64 => (&[I32, Ptr, Ptr, F64], Void),
            RuntimeFunction::FmtF32 => (&[I32, Ptr, Ptr, F32], Void),
            RuntimeFunction::FmtStr => (&[I32, Ptr, Ptr, Ptr, Size], Void),
            RuntimeFunction::FmtChar => (&[I32, Ptr, Ptr, I32], Void),
            RuntimeFunction::FmtBool => (&[I32, Ptr, Ptr, Bool], Void),
            RuntimeFunction::PrintI64 => (&[I32, I64], Void),
            RuntimeFunction::PrintU64 => (&[I32, I64], Void),
            RuntimeFunction::PrintI128 => (&[I32, I64, I64], Void),
            RuntimeFunction::PrintU128 => (&[I32, I64, I64], Void),
            RuntimeFunction::PrintBool => (&[I32, Bool], Void),
            RuntimeFunction::PrintF64 => (&[I32, F64], Void),
            RuntimeFunction::PrintF32 => (&[I32, F32], Void),
            RuntimeFunction::PrintChar => (&[I32, I32], Void),
            RuntimeFunction::FsRead => (&[Ptr, Size, Ptr], I32),
            RuntimeFunction::FsWrite => (&[Ptr, Size, Ptr, Size], I32),
            RuntimeFunction::FsRemoveFile => (&[Ptr, Size], I32),
            RuntimeFunction::FsCreateDir => (&[Ptr, Size], I32),
            RuntimeFunction::FsRemoveDir => (&[Ptr, Size], I32),
            RuntimeFunction::FileOpen => (&[Ptr, Size, I32, Ptr], I32),
            RuntimeFunction::FileRead => (&[I64, Ptr, Size, Ptr], I32),
            RuntimeFunction::FileWrite => (&[I64, Ptr, Size], I32),
            RuntimeFunction::FileClose => (&[I64], Void),
            RuntimeFunction::OsErrorMessage => (&[I32, Ptr], Void),
            RuntimeFunction::OsErrorKind => (&[I32], I32),
            RuntimeFunction::Utf8Valid => (&[Ptr, Size], Bool),
        }
    }

    /// Whether the function can unwind into its caller (it panics, or runs user code).
    pub fn may_unwind(self) -> bool {
        matches!(
            self,
            RuntimeFunction::Start
                | RuntimeFunction::RunTests
                | RuntimeFunction::Panic
                | RuntimeFunction::PanicBuf
                | RuntimeFunction::PanicBounds
        )
    }

    pub fn never_returns(self) -> bool {
        matches!(
            self,
            RuntimeFunction::Exit
                | RuntimeFunction::Abort
                | RuntimeFunction::Panic
                | RuntimeFunction::PanicBuf
                | RuntimeFunction::PanicBounds
        )
    }

    fn fn_type<'ctx>(self, cx: &'ctx Context, usize_bits: u32) -> FunctionType<'ctx> {
        let (params, ret) = self.signature();
        let basic = |t: AbiTy| -> BasicTypeEnum<'ctx> {
            match t {
                AbiTy::I32 => cx.i32_type().into(),
                AbiTy::I64 => cx.i64_type().into(),
                AbiTy::Size => crate::layout::int_type(cx, usize_bits).into(),
                AbiTy::Ptr => cx.ptr_type(AddressSpace::default()).into(),
                AbiTy::Bool => cx.bool_type().into(),
                AbiTy::F32 => cx.f32_type().into(),
                AbiTy::F64 => cx.f64_type().into(),
                AbiTy::Void => unreachable!("void is only a return type"),
            }
        };
        let ps: Vec<BasicMetadataTypeEnum> = params.iter().map(|p| basic(*p).into()).collect();
        match ret {
            AbiTy::Void => cx.void_type().fn_type(&ps, false),
            r => basic(r).fn_type(&ps, false),
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
