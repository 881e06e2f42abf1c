//! A small builder for hand-written HIR crates and MIR bodies, and helpers that compile them
//! with the backend, link them with the runtime and run them.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use aether_backend_llvm::{compile, Artifacts, OptLevel, Options, Wanted};
use aether_frontend::hir::{self, AdtDef, Crate, FieldDef, FnDef, FnId, Linkage, StaticDef, VariantDef};
use aether_frontend::span::{FileId, SourceMap, Span};
use aether_frontend::ty::{Ty, TyInterner, TyKind};
use aether_middle::mir::*;

pub struct TestCrate {
    pub krate: Crate,
    pub bodies: Vec<Option<Body>>,
    pub sources: SourceMap,
}

pub fn span() -> Span {
    Span::new(FileId(0), 0, 1)
}

/// A span at column 5 of line `line` (1-based) of the test source, which has 20 lines of 10
/// bytes (with the newline).
pub fn line(line: u32) -> Span {
    let lo = ((line - 1) * 10 + 4) as usize;
    Span::new(FileId(0), lo, lo + 1)
}

impl TestCrate {
    pub fn new() -> TestCrate {
        let (tys, common) = TyInterner::new();
        let mut sources = SourceMap::new();
        let text: String = (0..20).map(|i| format!("line {i:>4}\n")).collect();
        sources.add("tests/prog.ae", text);
        TestCrate {
            krate: Crate {
                fns: Vec::new(),
                adts: Vec::new(),
                statics: Vec::new(),
                traits: Vec::new(),
                impls: Vec::new(),
                lang: Default::default(),
                drop_impls: Default::default(),
                vtables: Default::default(),
                coroutines: Default::default(),
                future_vtables: Default::default(),
                auto_obligations: Vec::new(),
                entry: None,
                tests: Vec::new(),
                tys,
                common,
            },
            bodies: Vec::new(),
            sources,
        }
    }

    pub fn ty(&mut self, k: TyKind) -> Ty {
        self.krate.tys.intern(k)
    }

    pub fn c(&self) -> aether_frontend::ty::CommonTypes {
        self.krate.common
    }

    /// Adds a struct (`is_enum` false, one variant) or an enum.
    pub fn adt(&mut self, name: &str, is_enum: bool, variants: Vec<(&str, i128, Vec<Ty>)>) -> Ty {
        let id = self.krate.tys.add_adt_name(name);
        self.krate.adts.push(AdtDef {
            name: name.into(),
            path: name.into(),
            span: span(),
            is_enum,
            generics: Default::default(),
            variants: variants
                .into_iter()
                .map(|(n, discr, fields)| VariantDef {
                    name: n.into(),
                    ctor: hir::CtorKind::Tuple,
                    fields: fields
                        .into_iter()
                        .enumerate()
                        .map(|(i, ty)| FieldDef { name: i.to_string(), ty, public: true, span: span() })
                        .collect(),
                    discr,
                    span: span(),
                })
                .collect(),
            derives: Vec::new(),
            is_copy: true,
        });
        self.ty(TyKind::Adt(id, Vec::new()))
    }

    pub fn static_(&mut self, name: &str, ty: Ty, mutable: bool, value: hir::ConstVal) -> hir::StaticId {
        self.krate.statics.push(StaticDef { name: name.into(), path: name.into(), ty, mutable, value, span: span() });
        hir::StaticId(self.krate.statics.len() as u32 - 1)
    }

    /// Declares a function; give it a body with [`TestCrate::define`].
    pub fn func(&mut self, name: &str, params: Vec<Ty>, ret: Ty, linkage: Linkage) -> FnId {
        let has_body = linkage != Linkage::ImportC;
        let unit = self.krate.common.unit;
        self.krate.fns.push(FnDef {
            name: name.into(),
            path: name.into(),
            span: span(),
            generics: Default::default(),
            params,
            ret,
            trait_id: None,
            impl_id: None,
            lib: false,
            track_caller: false,
            async_output: None,
            linkage,
            inline: false,
            body: has_body.then(|| hir::Body {
                locals: Vec::new(),
                params: Vec::new(),
                value: hir::Expr { kind: hir::ExprKind::Lit(hir::Literal::Unit), ty: unit, span: span() },
                captured_by_ref: Vec::new(),
                exit_awaits: Vec::new(),
                auto_obligations: Vec::new(),
            }),
        });
        self.bodies.push(None);
        FnId(self.krate.fns.len() as u32 - 1)
    }

    pub fn define(&mut self, f: FnId, body: Body) {
        self.bodies[f.index()] = Some(body);
    }

    pub fn compile(&self, opts: Options, wanted: Wanted) -> Result<Artifacts, aether_backend_llvm::BackendError> {
        let program = Program {
            bodies: self.bodies.iter().map(|b| b.clone_body()).collect(),
            frames: Default::default(),
            coroutine_sources: Vec::new(),
        };
        compile(&self.krate, &program, &self.sources, "prog", &opts, wanted)
    }

    pub fn ir(&self) -> String {
        self.compile(opts(), Wanted { llvm_ir: true, ..Wanted::default() }).expect("compiles").llvm_ir.unwrap()
    }

    /// Compiles (also `-O2`, which must verify too), links with the runtime and `extra_c`
    /// sources, runs; `None` when the runtime archive is not built.
    pub fn run(&self, extra_c: &str) -> Option<Output> {
        self.compile(Options { opt_level: OptLevel::O2, ..opts() }, Wanted { object: true, ..Wanted::default() })
            .expect("compiles at -O2");
        let art = self.compile(opts(), Wanted { object: true, ..Wanted::default() }).expect("compiles");
        let runtime = runtime_archive()?;
        let dir = tempfile::tempdir().unwrap();
        let obj = dir.path().join("prog.o");
        std::fs::write(&obj, art.object.unwrap()).unwrap();
        let exe = dir.path().join("prog");
        let mut cmd = Command::new("cc");
        cmd.arg(&obj);
        if !extra_c.is_empty() {
            let c = dir.path().join("extra.c");
            std::fs::write(&c, extra_c).unwrap();
            cmd.arg(&c);
        }
        cmd.arg(&runtime).args(["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"]).arg("-o").arg(&exe);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "link failed: {}", String::from_utf8_lossy(&out.stderr));
        let out = Command::new(&exe).output().unwrap();
        Some(Output {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code(),
        })
    }
}

#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

pub fn opts() -> Options {
    Options {
        opt_level: OptLevel::O0,
        target: None,
        cpu: None,
        debug_info: false,
        overflow_checks: true,
        test_harness: false,
    }
}

/// The runtime staticlib that `cargo build` of the workspace leaves in the target directory.
pub fn runtime_archive() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or(manifest.join("../target"));
    for p in [target.join("debug/libaether_runtime.a"), target.join("release/libaether_runtime.a")] {
        if p.is_file() {
            return Some(p);
        }
    }
    eprintln!("note: no libaether_runtime.a under {}; not running the program", target.display());
    None
}

trait CloneBody {
    fn clone_body(&self) -> Option<Body>;
}

impl CloneBody for Option<Body> {
    fn clone_body(&self) -> Option<Body> {
        self.as_ref().map(|b| Body {
            fn_id: b.fn_id,
            locals: b.locals.clone(),
            arg_count: b.arg_count,
            blocks: b.blocks.clone(),
            span: b.span,
            drop_flags: b.drop_flags.clone(),
        })
    }
}

/// Builds one MIR body.
pub struct BodyBuilder {
    pub body: Body,
}

impl BodyBuilder {
    /// A body whose return type is `ret` and parameters `params`.
    pub fn new(f: FnId, ret: Ty, params: &[Ty]) -> BodyBuilder {
        let mut locals = vec![LocalDecl { ty: ret, name: None, mutable: true, span: span() }];
        for (i, p) in params.iter().enumerate() {
            locals.push(LocalDecl { ty: *p, name: Some(format!("p{i}")), mutable: false, span: span() });
        }
        BodyBuilder {
            body: Body {
                fn_id: f,
                locals,
                arg_count: params.len(),
                blocks: Vec::new(),
                span: line(1),
                drop_flags: Vec::new(),
            },
        }
    }

    pub fn local(&mut self, ty: Ty, name: Option<&str>) -> Local {
        self.body.locals.push(LocalDecl { ty, name: name.map(Into::into), mutable: true, span: line(2) });
        Local(self.body.locals.len() as u32 - 1)
    }

    /// Adds a block; returns its id.
    pub fn block(&mut self, statements: Vec<StatementKind>, terminator: TerminatorKind) -> BasicBlock {
        self.block_at(statements, terminator, false, span())
    }

    pub fn block_at(
        &mut self,
        statements: Vec<StatementKind>,
        terminator: TerminatorKind,
        cleanup: bool,
        sp: Span,
    ) -> BasicBlock {
        self.body.blocks.push(BasicBlockData {
            statements: statements.into_iter().map(|kind| Statement { kind, span: sp }).collect(),
            terminator: Terminator { kind: terminator, span: sp },
            is_cleanup: cleanup,
        });
        BasicBlock(self.body.blocks.len() as u32 - 1)
    }

    fn raw_block(&mut self, statements: Vec<Statement>, terminator: TerminatorKind, sp: Span) {
        self.body.blocks.push(BasicBlockData {
            statements,
            terminator: Terminator { kind: terminator, span: sp },
            is_cleanup: false,
        });
    }

    pub fn finish(self) -> Body {
        self.body
    }
}

pub fn copy(l: Local) -> Operand {
    Operand::Copy(Place::local(l))
}

pub fn place(l: Local, proj: Vec<PlaceElem>) -> Place {
    Place { local: l, projection: proj }
}

pub fn int(ty: Ty, v: u128) -> Operand {
    Operand::Constant(Constant { ty, value: ConstValue::Scalar(v) })
}

pub fn str_op(tc: &TestCrate, s: &str) -> Operand {
    Operand::Constant(Constant { ty: tc.krate.common.static_str, value: ConstValue::Str(s.into()) })
}

pub fn assign(l: Place, rv: Rvalue) -> StatementKind {
    StatementKind::Assign(l, rv)
}

/// `print!("{}", op)` of an integer to stdout, continuing at `next`.
pub fn fmt_int(tc: &TestCrate, op: Operand, signed: bool, bits: u32, dest: Place, next: BasicBlock) -> TerminatorKind {
    TerminatorKind::Call {
        callee: Callee::Intrinsic(Intrinsic::Fmt(FmtValueKind::Int { signed, bits }, FmtSpec::default())),
        args: vec![int(tc.krate.common.u32, 1), op],
        destination: dest,
        target: Some(next),
        unwind: UnwindAction::Continue,
    }
}

pub fn write_str(tc: &TestCrate, s: &str, dest: Place, next: BasicBlock) -> TerminatorKind {
    TerminatorKind::Call {
        callee: Callee::Intrinsic(Intrinsic::WriteStr),
        args: vec![int(tc.krate.common.u32, 1), str_op(tc, s)],
        destination: dest,
        target: Some(next),
        unwind: UnwindAction::Continue,
    }
}

/// A straight-line body builder: statements accumulate in the current block until a
/// terminator closes it; calls continue in the next block.
pub struct Seq {
    pub b: BodyBuilder,
    pending: Vec<Statement>,
    u32_ty: Ty,
    pub sp: Span,
}

impl Seq {
    pub fn new(tc: &TestCrate, f: FnId, ret: Ty, params: &[Ty]) -> Seq {
        Seq { b: BodyBuilder::new(f, ret, params), pending: Vec::new(), u32_ty: tc.krate.common.u32, sp: span() }
    }

    pub fn local(&mut self, ty: Ty) -> Local {
        self.b.local(ty, None)
    }

    pub fn named(&mut self, ty: Ty, name: &str) -> Local {
        self.b.local(ty, Some(name))
    }

    pub fn stmt(&mut self, s: StatementKind) -> &mut Self {
        self.pending.push(Statement { kind: s, span: self.sp });
        self
    }

    pub fn assign(&mut self, p: Place, rv: Rvalue) -> &mut Self {
        self.stmt(StatementKind::Assign(p, rv))
    }

    /// The id the next block will get.
    pub fn next_id(&self) -> BasicBlock {
        BasicBlock(self.b.body.blocks.len() as u32)
    }

    /// Closes the current block with `t`, built knowing the following block's id.
    pub fn term(&mut self, t: impl FnOnce(BasicBlock) -> TerminatorKind) -> &mut Self {
        let next = BasicBlock(self.next_id().0 + 1);
        let statements = std::mem::take(&mut self.pending);
        self.b.raw_block(statements, t(next), self.sp);
        self
    }

    /// A call continuing in the next block, with a discarded unit result.
    pub fn call(&mut self, callee: Callee, args: Vec<Operand>, dest: Place) -> &mut Self {
        self.term(|next| TerminatorKind::Call {
            callee,
            args,
            destination: dest,
            target: Some(next),
            unwind: UnwindAction::Continue,
        })
    }

    fn stream(&self) -> Operand {
        int(self.u32_ty, 1)
    }

    pub fn print_int(&mut self, op: Operand, signed: bool, bits: u32) -> &mut Self {
        let s = self.stream();
        let k = FmtValueKind::Int { signed, bits };
        self.call(Callee::Intrinsic(Intrinsic::Fmt(k, FmtSpec::default())), vec![s, op], Place::local(Local(0)))
    }

    pub fn print_f64(&mut self, op: Operand) -> &mut Self {
        let s = self.stream();
        let k = FmtValueKind::Float { bits: 64 };
        self.call(Callee::Intrinsic(Intrinsic::Fmt(k, FmtSpec::default())), vec![s, op], Place::local(Local(0)))
    }

    pub fn print_f32(&mut self, op: Operand) -> &mut Self {
        let s = self.stream();
        let k = FmtValueKind::Float { bits: 32 };
        self.call(Callee::Intrinsic(Intrinsic::Fmt(k, FmtSpec::default())), vec![s, op], Place::local(Local(0)))
    }

    pub fn print_str(&mut self, tc: &TestCrate, s: &str) -> &mut Self {
        let st = self.stream();
        self.call(Callee::Intrinsic(Intrinsic::WriteStr), vec![st, str_op(tc, s)], Place::local(Local(0)))
    }

    pub fn ret(&mut self) -> &mut Self {
        let statements = std::mem::take(&mut self.pending);
        self.b.raw_block(statements, TerminatorKind::Return, self.sp);
        self
    }

    pub fn finish(self) -> Body {
        assert!(self.pending.is_empty(), "statements after the last terminator");
        self.b.finish()
    }
}
