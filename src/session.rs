//! One compilation: the validated options and the pipeline that runs the stages in order.
//!
//! Diagnostics from every stage are collected in one sink and rendered once; a stage only runs
//! when the stages before it reported no errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aether_backend_llvm as backend;
use aether_frontend::diagnostics::{Diagnostic, DiagnosticSink};
use aether_frontend::span::SourceMap;
use clap::ValueEnum;

use crate::{runtime_archive, Action, BuildArgs};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitKind {
    /// An executable.
    Exe,
    /// An object file.
    Obj,
    /// Assembly.
    Asm,
    /// LLVM IR, after optimization.
    #[value(name = "llvm-ir")]
    LlvmIr,
    /// LLVM bitcode.
    #[value(name = "llvm-bc")]
    LlvmBc,
    /// MIR, the compiler's control-flow-graph IR.
    Mir,
    /// The abstract syntax tree.
    Ast,
}

impl EmitKind {
    fn extension(self) -> &'static str {
        match self {
            EmitKind::Exe => "",
            EmitKind::Obj => "o",
            EmitKind::Asm => "s",
            EmitKind::LlvmIr => "ll",
            EmitKind::LlvmBc => "bc",
            EmitKind::Mir => "mir",
            EmitKind::Ast => "ast",
        }
    }

    fn is_text(self) -> bool {
        matches!(self, EmitKind::Asm | EmitKind::LlvmIr | EmitKind::Mir | EmitKind::Ast)
    }
}

pub struct Session {
    file: PathBuf,
    output: Option<PathBuf>,
    emit: Vec<EmitKind>,
    backend: backend::Options,
    /// `--print frame-layout`: print the coroutine frames instead of compiling.
    print_frame_layout: bool,
}

impl Session {
    /// Validates the command line: anything not implemented is refused here, by name.
    pub fn from_args(args: BuildArgs) -> Result<Session, String> {
        let file = args.file.ok_or("no input file given (usage: aetherc [OPTIONS] FILE.ae)")?;
        let mut cpu = None;
        for c in &args.codegen {
            match c.split_once('=') {
                Some(("target-cpu", v)) if !v.is_empty() => cpu = Some(v.to_string()),
                Some((k, _)) => return Err(format!("unknown codegen option `{k}` (supported: target-cpu=NAME)")),
                None => return Err(format!("codegen option `{c}` needs a value: -C {c}=VALUE")),
            }
        }
        let print_frame_layout = match args.print.as_deref() {
            None => false,
            Some("frame-layout") => true,
            Some(p) => return Err(format!("unknown `--print` kind `{p}` (known: frame-layout)")),
        };
        let mut emit = args.emit.clone();
        emit.dedup();
        if emit.is_empty() {
            emit.push(EmitKind::Exe);
        }
        // The embedded runtime is built for the compiler's own target, which LLVM may spell
        // differently (`x86_64-pc-linux-gnu` for `x86_64-unknown-linux-gnu`).
        let host = runtime_archive::host_triple();
        if emit.contains(&EmitKind::Exe) {
            if let Some(t) = &args.target {
                if t != host && *t != backend::host_triple() {
                    return Err(format!(
                        "cannot link an executable for `{t}`: aetherc has a runtime library for the host (`{host}`) only; \
                         use `--emit=obj` (or asm, llvm-ir, llvm-bc) and link it with that target's runtime"
                    ));
                }
            }
        }
        let overflow_checks = matches!(args.opt, crate::OptArg::O0);
        Ok(Session {
            file,
            output: args.output,
            emit,
            backend: backend::Options {
                opt_level: args.opt.into(),
                target: args.target,
                cpu,
                debug_info: args.debug,
                overflow_checks,
                test_harness: false,
            },
            print_frame_layout,
        })
    }

    pub fn run(self, action: Action) -> ExitCode {
        match action {
            Action::Check => self.check(),
            Action::Build => self.build(),
            Action::Run(args) => self.build_and_run(args),
            Action::Test => {
                let mut s = self;
                s.backend.test_harness = true;
                s.build_and_run(Vec::new())
            }
        }
    }

    fn stem(&self) -> String {
        self.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "main".into())
    }

    /// Reads and parses the crate; on syntax errors, renders them and returns `None`.
    fn parse(&self, sources: &mut SourceMap) -> Option<aether_frontend::ast::SourceFile> {
        let mut sink = DiagnosticSink::new();
        let ast = aether_frontend::module_loader::read_source_file(sources, &self.file, None, &mut sink)
            .map(|root| aether_frontend::module_loader::load_crate(sources, root, &mut sink));
        if !sink.diagnostics.is_empty() {
            sink.emit_all(sources);
        }
        if sink.has_errors() {
            return None;
        }
        ast
    }

    /// Parses, expands `#[derive(..)]` and checks the program; on errors, renders them and
    /// returns `None`. With `--emit=ast`, also returns the dump of the tree as parsed (before
    /// expansion, as `--emit=ast` alone prints it).
    fn front(&self, sources: &mut SourceMap) -> Option<(Option<String>, aether_frontend::hir::Crate)> {
        let mut ast = self.parse(sources)?;
        let dump = self.emit.contains(&EmitKind::Ast).then(|| aether_frontend::ast_pretty::print_ast(&ast, sources));
        let mut sink = DiagnosticSink::new();
        let expansions = aether_frontend::derive::expand(&mut ast, sources, &mut sink);
        let krate = aether_frontend::typeck::check_crate(&ast, sources, &mut sink);
        expansions.annotate(&mut sink.diagnostics);
        if krate.entry.is_none() && !self.backend.test_harness && !sink.has_errors() {
            sink.push(
                Diagnostic::error("E0601", "`main` function not found in crate", ast.span.shrink_to_lo(), "")
                    .with_help("add `fn main() { }` to the file"),
            );
        }
        if !sink.diagnostics.is_empty() {
            sink.emit_all(sources);
        }
        if sink.has_errors() {
            return None;
        }
        Some((dump, krate))
    }

    fn check(self) -> ExitCode {
        let mut sources = SourceMap::new();
        // Checking includes the MIR-based checks (moves), so the middle end runs too.
        let Some((_, mut krate)) = self.front(&mut sources) else { return ExitCode::from(1) };
        match self.middle(&mut krate, &sources) {
            Ok(_) => ExitCode::SUCCESS,
            Err(code) => code,
        }
    }

    /// Monomorphization, MIR building and the MIR checks; diagnostics are rendered here.
    fn middle(
        &self,
        krate: &mut aether_frontend::hir::Crate,
        sources: &SourceMap,
    ) -> Result<aether_middle::mir::Program, ExitCode> {
        aether_middle::async_recursion::box_recursive_awaits(krate);
        match aether_middle::monomorphize::monomorphize(krate) {
            Ok(()) => {}
            Err(aether_middle::monomorphize::MonoError(msg, Some(span))) => {
                let mut sink = DiagnosticSink::new();
                sink.push(aether_frontend::typeck::unsupported_diagnostic(&msg, span));
                sink.emit_all(sources);
                return Err(ExitCode::from(1));
            }
            Err(e) => panic!("monomorphization failed after type checking succeeded: {}", e.0),
        }
        let overflow_checks = self.backend.overflow_checks;
        let mir =
            aether_middle::mir_build::build_program(krate, aether_middle::mir_build::BuildOptions { overflow_checks });
        let mut sink = DiagnosticSink::new();
        for d in aether_middle::frame_cycles::check(krate, &mir.frames) {
            sink.push(d);
        }
        sink.extend(aether_middle::send_check::check(krate, &mir));
        // Async bodies are checked as built, before the coroutine transform moved their locals
        // into the frame.
        for body in mir.bodies.iter().flatten().chain(&mir.coroutine_sources) {
            if !krate.fn_def(body.fn_id).lib {
                for d in aether_middle::pinning::check(body, &krate.tys) {
                    sink.push(d);
                }
            }
        }
        for body in mir.bodies.iter().flatten() {
            if !krate.fn_def(body.fn_id).lib {
                let init = aether_middle::move_check::check_init(body);
                let moves = aether_middle::move_check::check_moves(body, &krate.tys);
                for d in init.into_iter().chain(moves) {
                    if !sink.diagnostics.iter().any(|x| x.primary.span == d.primary.span) {
                        sink.push(d);
                    }
                }
            }
        }
        if !sink.diagnostics.is_empty() {
            sink.emit_all(sources);
            return Err(ExitCode::from(1));
        }
        Ok(mir)
    }

    fn build(self) -> ExitCode {
        match self.build_into(None) {
            Ok(_) => ExitCode::SUCCESS,
            Err(code) => code,
        }
    }

    /// Runs the pipeline and writes every requested output. `exe_path` overrides where the
    /// executable goes (for `aetherc run`). Returns the executable's path when one was linked.
    fn build_into(&self, exe_path: Option<&Path>) -> Result<Option<PathBuf>, ExitCode> {
        let mut sources = SourceMap::new();
        let failed = || ExitCode::from(1);
        if self.emit == [EmitKind::Ast] {
            // `--emit=ast` needs only a parse.
            let ast = self.parse(&mut sources).ok_or_else(failed)?;
            self.write_output(EmitKind::Ast, aether_frontend::ast_pretty::print_ast(&ast, &sources).as_bytes())?;
            return Ok(None);
        }
        let (dump, mut krate) = self.front(&mut sources).ok_or_else(failed)?;
        if let Some(dump) = dump {
            self.write_output(EmitKind::Ast, dump.as_bytes())?;
        }
        let mir = self.middle(&mut krate, &sources)?;
        if self.print_frame_layout {
            let report = backend::frame_layout_report(&krate, &mir, &sources, &self.backend).map_err(|e| {
                eprintln!("error: {e}");
                ExitCode::from(101)
            })?;
            print!("{report}");
            return Ok(None);
        }
        if self.emit.contains(&EmitKind::Mir) {
            self.write_output(EmitKind::Mir, aether_middle::pretty::print_program(&krate, &mir).as_bytes())?;
        }
        let wants = |k| {
            self.emit.contains(&k) || (k == EmitKind::Obj && (self.emit.contains(&EmitKind::Exe) || exe_path.is_some()))
        };
        let wanted = backend::Wanted {
            llvm_ir: wants(EmitKind::LlvmIr),
            bitcode: wants(EmitKind::LlvmBc),
            asm: wants(EmitKind::Asm),
            object: wants(EmitKind::Obj),
        };
        if !(wanted.llvm_ir || wanted.bitcode || wanted.asm || wanted.object) {
            return Ok(None);
        }
        if krate.entry.is_none()
            && !self.backend.test_harness
            && (self.emit.contains(&EmitKind::Exe) || exe_path.is_some())
        {
            eprintln!("error[E0601]: `main` function not found in crate `{}`", self.stem());
            return Err(failed());
        }
        let artifacts = backend::compile(&krate, &mir, &sources, &self.stem(), &self.backend, wanted).map_err(|e| {
            eprintln!("error: {e}");
            match e {
                backend::BackendError::Internal(_) => ExitCode::from(101),
                _ => failed(),
            }
        })?;
        if let Some(ir) = &artifacts.llvm_ir {
            self.write_output(EmitKind::LlvmIr, ir.as_bytes())?;
        }
        if let Some(bc) = &artifacts.bitcode {
            self.write_output(EmitKind::LlvmBc, bc)?;
        }
        if let Some(asm) = &artifacts.asm {
            self.write_output(EmitKind::Asm, asm)?;
        }
        let object = artifacts.object.as_deref();
        if self.emit.contains(&EmitKind::Obj) {
            self.write_output(EmitKind::Obj, object.unwrap_or_default())?;
        }
        if !(self.emit.contains(&EmitKind::Exe) || exe_path.is_some()) {
            return Ok(None);
        }
        let out = match exe_path {
            Some(p) => p.to_path_buf(),
            None => self.output_path(EmitKind::Exe),
        };
        link(object.unwrap_or_default(), &out).map_err(|e| {
            eprintln!("error: {e}");
            failed()
        })?;
        Ok(Some(out))
    }

    fn build_and_run(self, args: Vec<String>) -> ExitCode {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: cannot create a temporary directory: {e}");
                return ExitCode::from(1);
            }
        };
        let exe = dir.path().join(self.stem());
        if let Err(code) = self.build_into(Some(&exe)) {
            return code;
        }
        match std::process::Command::new(&exe).args(&args).status() {
            Ok(status) => match status.code() {
                Some(c) => ExitCode::from(c as u8),
                None => {
                    // Killed by a signal: report it the way a shell would.
                    #[cfg(unix)]
                    {
                        use std::os::unix::process::ExitStatusExt;
                        if let Some(sig) = status.signal() {
                            eprintln!("error: process terminated by signal {sig}");
                            return ExitCode::from((128 + sig) as u8);
                        }
                    }
                    ExitCode::from(1)
                }
            },
            Err(e) => {
                eprintln!("error: could not run `{}`: {e}", exe.display());
                ExitCode::from(1)
            }
        }
    }

    /// Where an output of kind `k` goes when written to a file.
    fn output_path(&self, k: EmitKind) -> PathBuf {
        let several_files = self.emit.iter().filter(|e| !e.is_text() || self.output.is_some()).count() > 1;
        match &self.output {
            Some(o) if !several_files => o.clone(),
            Some(o) => o.with_extension(k.extension()),
            None => PathBuf::from(self.stem()).with_extension(k.extension()),
        }
    }

    /// Writes a textual output to stdout when no `-o` was given, else to its file.
    fn write_output(&self, k: EmitKind, bytes: &[u8]) -> Result<(), ExitCode> {
        if k.is_text() && self.output.is_none() {
            let mut out = std::io::stdout().lock();
            return out.write_all(bytes).and_then(|_| out.flush()).map_err(|e| {
                eprintln!("error: cannot write to standard output: {e}");
                ExitCode::from(1)
            });
        }
        let path = self.output_path(k);
        std::fs::write(&path, bytes).map_err(|e| {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            ExitCode::from(1)
        })
    }
}

/// Links an object (bytes) with the embedded runtime into an executable at `out`.
fn link(object: &[u8], out: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let obj = dir.path().join("main.o");
    std::fs::write(&obj, object).map_err(|e| format!("cannot write `{}`: {e}", obj.display()))?;
    let rt = runtime_archive::write_to(dir.path()).map_err(|e| format!("cannot write the runtime library: {e}"))?;
    let linker = std::env::var("AETHERC_LINKER").unwrap_or_else(|_| "cc".into());
    backend::link::link_executable(&obj, &rt, runtime_archive::NATIVE_LIBS, out, &linker).map_err(|e| e.to_string())
}
