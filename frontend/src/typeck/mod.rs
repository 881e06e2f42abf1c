//! Name resolution and type checking: AST to typed HIR.
//!
//! Takes the crate's AST (every `mod m;` already loaded) and produces a [`hir::Crate`] in which
//! every name is resolved and every expression has its final type. Errors become diagnostics
//! (rustc's codes where rustc has the same error); after an error the checker goes on with the
//! `Error` type so that one mistake yields one diagnostic. Language features that a later stage
//! of the project implements are reported as `E9001` ("not supported yet") rather than ignored.
//!
//! The work is split by concern: `collect` builds the module tree and declares every item,
//! `resolve` turns paths into items (imports, prelude, visibility), `consts` evaluates `const`
//! and `static` initializers, and each body is checked by [`expr::BodyChecker`] with help from
//! `pat` (patterns and binding modes), `exhaustiveness` (match checking), `methods` (method
//! lookup, built-in methods) and `macros` (format, panic and assert macros, derived `Debug`).
//! All shared state lives in one [`Cx`] so that a body being checked can evaluate a constant it
//! meets on demand.

mod aggregate;
mod async_block;
mod awaits;
mod calls;
mod closure;
mod coherence;
mod collect;
mod consts;
mod control;
mod exhaustiveness;
mod expr;
mod finalize;
mod generics;
mod impls;
mod infer;
mod macros;
mod methods;
mod objects;
mod obligations;
mod overload;
mod pat;
mod pin;
mod resolve;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::ast;
use crate::diagnostics::{Diagnostic, DiagnosticSink};
use crate::hir::{self, ConstVal, FnId, IntrinsicFn, Predicate, StaticId, TraitRef, VariantIdx};
use crate::span::Span;
use crate::traits::TraitTables;
use crate::ty::{AdtId, CommonTypes, TraitId, Ty, TyInterner, TyKind};

/// A module of the crate's module tree (index into `ItemEnv::modules`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ModuleId(pub(crate) u32);

/// A `const` item or associated const (index into `Cx::consts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ConstId(pub(crate) u32);

/// A `type` alias (index into `Cx::aliases`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AliasId(pub(crate) u32);

/// What a name refers to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Res {
    Mod(ModuleId),
    Adt(AdtId),
    Variant(AdtId, VariantIdx),
    Fn(FnId),
    Const(ConstId),
    Static(StaticId),
    Alias(AliasId),
    Prim(Ty),
    /// A function of the standard library implemented by the compiler (`std::process::exit`).
    Intrinsic(IntrinsicFn),
    Trait(TraitId),
}

/// Who may name an item: everyone, or the code inside a module (and its descendants).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Vis {
    Public,
    Module(ModuleId),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Binding {
    pub(crate) res: Res,
    pub(crate) vis: Vis,
    pub(crate) span: Span,
}

pub(crate) struct Module {
    pub(crate) parent: Option<ModuleId>,
    /// Path from the crate root, `""` for the root.
    pub(crate) path: String,
    pub(crate) types: HashMap<String, Binding>,
    pub(crate) values: HashMap<String, Binding>,
    /// `use m::*;`: the modules (or enums) whose public names are visible here.
    pub(crate) globs: Vec<(Res, Vis)>,
}

/// An associated item of an inherent `impl`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AssocRes {
    Fn(FnId),
    Const(ConstId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SelfKind {
    Value,
    Ref,
    RefMut,
}

/// Facts about a function the HIR does not keep.
#[derive(Clone, Debug)]
pub(crate) struct FnInfo {
    /// For methods: how `self` is taken.
    pub(crate) self_kind: Option<SelfKind>,
    /// The `Self` type inside an `impl`.
    pub(crate) self_ty: Option<Ty>,
    pub(crate) is_unsafe: bool,
}

pub(crate) enum ConstState {
    NotYet,
    InProgress,
    Done(ConstVal),
    Failed,
}

pub(crate) struct ConstDef<'a> {
    pub(crate) name: String,
    pub(crate) ty: Ty,
    pub(crate) module: ModuleId,
    pub(crate) self_ty: Option<Ty>,
    pub(crate) expr: Option<&'a ast::Expr>,
    pub(crate) span: Span,
    pub(crate) state: ConstState,
}

pub(crate) struct AliasDef<'a> {
    pub(crate) module: ModuleId,
    pub(crate) ast: &'a ast::Ty,
    /// `type Result<T> = ..`: the parameters, which `ty` mentions as `Param`s; a use gives
    /// arguments for them (`io::Result<String>`).
    pub(crate) generics: crate::hir::Generics,
    /// `None` until lowered; `Some(error)` while being lowered (cycles).
    pub(crate) ty: Option<Ty>,
    pub(crate) in_progress: bool,
}

/// Everything the checker shares across items.
pub(crate) struct Cx<'a> {
    pub(crate) tys: TyInterner,
    pub(crate) common: CommonTypes,
    pub(crate) sink: &'a mut DiagnosticSink,
    pub(crate) modules: Vec<Module>,
    pub(crate) fns: Vec<hir::FnDef>,
    pub(crate) fn_info: Vec<FnInfo>,
    pub(crate) adts: Vec<hir::AdtDef>,
    /// The module that defines each ADT (field privacy).
    pub(crate) adt_module: Vec<ModuleId>,
    pub(crate) statics: Vec<hir::StaticDef>,
    pub(crate) static_exprs: Vec<(Option<&'a ast::Expr>, ModuleId)>,
    pub(crate) consts: Vec<ConstDef<'a>>,
    pub(crate) aliases: Vec<AliasDef<'a>>,
    pub(crate) inherent: HashMap<AdtId, HashMap<String, (AssocRes, Vis, Span)>>,
    /// The `std` module (the embedded library, plus the compiler's intrinsics).
    pub(crate) std_module: ModuleId,
    /// `std::prelude`, whose names every module sees.
    pub(crate) prelude: Option<ModuleId>,
    /// Local ids for hidden temporaries are never named by users; this counts them for names.
    pub(crate) tests: Vec<FnId>,
    /// Bodies already checked, by function.
    pub(crate) bodies: RefCell<HashMap<FnId, hir::Body>>,
    pub(crate) traits: Vec<hir::TraitDef>,
    pub(crate) impls: Vec<hir::ImplDef>,
    /// Trait methods by name (method lookup considers every trait, as if all were imported).
    pub(crate) trait_methods: HashMap<String, Vec<FnId>>,
    pub(crate) lang: hir::LangTraits,
    /// The generic parameters in scope, by name (see `generics.rs`).
    pub(crate) scope: Vec<(String, Ty)>,
    /// The bounds of the item being lowered or checked (its parameter environment).
    pub(crate) env: Vec<Predicate>,
    /// While lowering a trait impl: its self type, trait and associated types (`Self::Item`).
    pub(crate) impl_self: Option<Ty>,
    pub(crate) impl_trait: Option<TraitRef>,
    pub(crate) impl_assoc: Vec<(String, Ty)>,
    /// Trait methods with a default body.
    pub(crate) trait_defaults: std::collections::HashSet<FnId>,
    /// Inherent impls whose self type is not an ADT (the standard library's, on primitives).
    pub(crate) prim_impls: Vec<hir::ImplId>,
    /// The next closure's number (`TyKind::Closure::id`).
    pub(crate) next_closure: u32,
    /// While lowering a signature's parameters: the next synthetic parameter an argument-position
    /// `impl Trait` becomes, and the bounds collected for them.
    pub(crate) impl_arg_next: Option<u32>,
    pub(crate) impl_arg_preds: Vec<Predicate>,
    /// Functions returning `impl Trait`: the bounds on the hidden type (written about
    /// [`opaque_placeholder`]); their bodies are checked first and decide the type.
    pub(crate) opaque: HashMap<FnId, Vec<Predicate>>,
    /// Set while declaring a trait's parameters, which may have defaults.
    pub(crate) allow_param_defaults: bool,
}

/// The type standing for a function's hidden `impl Trait` return type in its bounds.
pub(crate) fn opaque_placeholder(tys: &TyInterner) -> Ty {
    tys.intern(TyKind::Param { index: u32::MAX - 1, name: "impl Trait".into() })
}

/// E9001 for a construct found unsupported after type checking (monomorphization).
pub fn unsupported_diagnostic(what: &str, span: Span) -> Diagnostic {
    unsupported(what, span)
}

/// Reports a feature that a later part of the compiler implements.
pub(crate) fn unsupported(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error("E9001", format!("not supported yet: {what}"), span, "not supported yet").with_note(
        "aetherc implements the language in stages; this construct is planned but not available in this version",
    )
}

/// Checks the crate and returns its typed HIR. Diagnostics go to `sink`; the HIR is complete
/// (with `Error` types at the failures) even when there are errors, but must not be lowered then.
pub fn check_crate(
    file: &ast::SourceFile,
    sources: &mut crate::span::SourceMap,
    sink: &mut DiagnosticSink,
) -> hir::Crate {
    let mut std_ast = crate::std_lib::load(sources, sink);
    crate::derive::expand(&mut std_ast, sources, sink);
    let (tys, common) = TyInterner::new();
    let mut cx = Cx {
        tys,
        common,
        sink,
        modules: Vec::new(),
        fns: Vec::new(),
        fn_info: Vec::new(),
        adts: Vec::new(),
        adt_module: Vec::new(),
        statics: Vec::new(),
        static_exprs: Vec::new(),
        consts: Vec::new(),
        aliases: Vec::new(),
        inherent: HashMap::new(),
        std_module: ModuleId(0),
        prelude: None,
        tests: Vec::new(),
        bodies: RefCell::new(HashMap::new()),
        traits: Vec::new(),
        impls: Vec::new(),
        trait_methods: HashMap::new(),
        lang: hir::LangTraits::default(),
        scope: Vec::new(),
        env: Vec::new(),
        impl_self: None,
        impl_trait: None,
        impl_assoc: Vec::new(),
        trait_defaults: std::collections::HashSet::new(),
        prim_impls: Vec::new(),
        next_closure: 0,
        impl_arg_next: None,
        impl_arg_preds: Vec::new(),
        opaque: HashMap::new(),
        allow_param_defaults: false,
    };
    let pending = collect::collect_crate(&mut cx, file, &std_ast);
    consts::eval_all(&mut cx);
    // Functions returning `impl Trait` first: their bodies decide their return types.
    let mut pending = pending;
    pending.sort_by_key(|p| !cx.opaque.contains_key(&p.id));
    for p in &pending {
        cx.fns[p.id.index()].lib = cx.in_std(p.module);
        let g = cx.fns[p.id.index()].generics.clone();
        let saved = generics::enter(&mut cx, &g);
        if let Some(imp) = cx.fns[p.id.index()].impl_id {
            let imp = &cx.impls[imp.index()];
            (cx.impl_self, cx.impl_trait, cx.impl_assoc) =
                (Some(imp.self_ty), imp.trait_ref.clone(), imp.assoc_types.clone());
        }
        let body = expr::BodyChecker::new(&mut cx, p.module, p.self_ty).check_fn(p.decl, p.id);
        cx.bodies.borrow_mut().insert(p.id, body);
        (cx.impl_self, cx.impl_trait) = (None, None);
        cx.impl_assoc.clear();
        generics::leave(&mut cx, saved);
    }
    let mut bodies = cx.bodies.take();
    for (i, f) in cx.fns.iter_mut().enumerate() {
        f.body = bodies.remove(&FnId(i as u32));
    }

    let entry = match cx.modules[0].values.get("main").map(|b| b.res) {
        Some(Res::Fn(id)) => Some(id),
        _ => None,
    };
    // `fn main() -> Result<(), E>`: the entry is a wrapper reporting an `Err`.
    let entry = match entry {
        Some(id) => Some(main_result_wrapper(&mut cx, id).unwrap_or(id)),
        None => None,
    };
    // A missing `main` is the driver's to report: a test build needs none.
    match entry {
        Some(id) => {
            let f = &cx.fns[id.index()];
            let ret = f.async_output.unwrap_or(f.ret);
            if !f.params.is_empty() || !(cx.tys.is_unit(ret) || *cx.tys.kind(ret) == TyKind::Never) {
                cx.sink.push(
                    Diagnostic::error("E0580", "`main` function has wrong type", f.span, "incorrect signature")
                        .with_note("expected `fn main()`"),
                );
            }
        }
        None => {}
    }
    hir::Crate {
        fns: cx.fns,
        adts: cx.adts,
        statics: cx.statics,
        traits: cx.traits,
        impls: cx.impls,
        lang: cx.lang,
        drop_impls: Default::default(),
        vtables: Default::default(),
        coroutines: Default::default(),
        future_vtables: Default::default(),
        auto_obligations: Vec::new(),
        entry,
        tests: cx.tests,
        tys: cx.tys,
        common: cx.common,
    }
}

/// For `fn main() -> Result<(), E>` (`E: Debug`): a new entry function whose body is
/// `std::rt::report_main_result(main())`. `None` when `main` returns something else.
fn main_result_wrapper(cx: &mut Cx, main: FnId) -> Option<FnId> {
    let f = &cx.fns[main.index()];
    if !f.params.is_empty() {
        return None;
    }
    let result_adt = cx.adts.iter().position(|a| a.path == "std::result::Result")?;
    let output = f.async_output.unwrap_or(f.ret);
    let TyKind::Adt(adt, args) = cx.tys.kind(output).clone() else { return None };
    if adt.index() != result_adt || args.len() != 2 || !cx.tys.is_unit(args[0]) {
        return None;
    }
    let debug = cx.lang.debug?;
    let goal = hir::TraitRef { trait_id: debug, args: vec![args[1]] };
    if cx.tables().select(&goal, &[]) == crate::traits::Selection::None {
        return None;
    }
    let report = cx.fns.iter().position(|f| f.path == "std::rt::report_main_result").map(|i| FnId(i as u32))?;
    let (span, ret, is_async) = (f.span, f.ret, f.async_output.is_some());
    let unit = cx.common.unit;
    let mut call_main =
        hir::Expr { kind: hir::ExprKind::Call { callee: main, substs: Vec::new(), args: Vec::new() }, ty: ret, span };
    let wrapper_id = FnId(cx.fns.len() as u32);
    let mut wrapper_ret = unit;
    if is_async {
        // `async fn main() -> Result<..>`: the wrapper is async too and awaits main's future.
        let future = cx.lang.future?;
        let poll = cx.traits[future.index()].methods.iter().find(|(n, _)| n == "poll").map(|m| m.1)?;
        call_main = hir::Expr {
            kind: hir::ExprKind::Await { fut: Box::new(call_main), poll, substs: vec![ret] },
            ty: output,
            span,
        };
        wrapper_ret = cx.tys.intern(TyKind::Coroutine { def: wrapper_id.0, args: Vec::new(), output: unit });
    }
    let value = hir::Expr {
        kind: hir::ExprKind::Call { callee: report, substs: vec![args[1]], args: vec![call_main] },
        ty: unit,
        span,
    };
    let wrapper = hir::FnDef {
        name: "main".into(),
        path: "<main>".into(),
        span,
        generics: Default::default(),
        params: Vec::new(),
        ret: wrapper_ret,
        trait_id: None,
        impl_id: None,
        lib: false,
        linkage: hir::Linkage::Internal,
        inline: false,
        track_caller: false,
        async_output: is_async.then_some(unit),
        body: Some(hir::Body {
            locals: Vec::new(),
            params: Vec::new(),
            value,
            captured_by_ref: Vec::new(),
            exit_awaits: Vec::new(),
            auto_obligations: Vec::new(),
        }),
    };
    cx.fns.push(wrapper);
    cx.fn_info.push(FnInfo { self_kind: None, self_ty: None, is_unsafe: false });
    Some(wrapper_id)
}

/// A function whose body is checked after all signatures are known.
pub(crate) struct PendingFn<'a> {
    pub(crate) id: FnId,
    pub(crate) module: ModuleId,
    pub(crate) self_ty: Option<Ty>,
    pub(crate) decl: &'a ast::FnDecl,
}

pub(crate) fn primitive_ty(name: &str, c: &CommonTypes) -> Option<Ty> {
    Some(match name {
        "bool" => c.bool,
        "char" => c.char,
        "str" => c.str,
        "i8" => c.i8,
        "i16" => c.i16,
        "i32" => c.i32,
        "i64" => c.i64,
        "i128" => c.i128,
        "isize" => c.isize,
        "u8" => c.u8,
        "u16" => c.u16,
        "u32" => c.u32,
        "u64" => c.u64,
        "u128" => c.u128,
        "usize" => c.usize,
        "f32" => c.f32,
        "f64" => c.f64,
        _ => return None,
    })
}

impl Cx<'_> {
    pub(crate) fn tables(&self) -> TraitTables<'_> {
        TraitTables {
            traits: &self.traits,
            impls: &self.impls,
            tys: &self.tys,
            lang: &self.lang,
            adts: &self.adts,
            coroutine_witness: None,
        }
    }

    /// `tr` and its supertraits.
    pub(crate) fn traits_with_supers(&self, tr: &TraitRef) -> Vec<TraitRef> {
        self.tables().elaborate(tr)
    }

    /// The associated type `name` of `tr`: decided by a bound or an impl, or left a projection.
    pub(crate) fn projection(&mut self, tr: TraitRef, name: &str) -> Ty {
        if let Some(t) = self.tables().normalize(&tr, name, &self.env) {
            return t;
        }
        self.tys.intern(TyKind::Projection { trait_id: tr.trait_id, args: tr.args, name: name.to_string() })
    }

    pub(crate) fn module(&self, m: ModuleId) -> &Module {
        &self.modules[m.0 as usize]
    }

    /// Whether code in `from` may use an item with visibility `vis`.
    pub(crate) fn is_visible(&self, vis: Vis, from: ModuleId) -> bool {
        match vis {
            Vis::Public => true,
            Vis::Module(owner) => {
                let mut m = Some(from);
                while let Some(x) = m {
                    if x == owner {
                        return true;
                    }
                    m = self.modules[x.0 as usize].parent;
                }
                false
            }
        }
    }
}

fn path_is(p: &ast::Path, name: &str) -> bool {
    p.segments.len() == 1 && p.segments[0].ident.name == name
}
