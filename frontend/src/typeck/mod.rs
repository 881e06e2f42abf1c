//! Name resolution and type checking: AST to typed HIR.
//!
//! Takes the crate's AST (every `mod m;` already loaded) and produces a [`hir::Crate`] in which
//! every name is resolved and every expression has its final type. Errors become diagnostics
//! (rustc's codes where rustc has the same error); after an error the checker goes on with the
//! `Error` type so that one mistake yields one diagnostic. Language features that a later stage
//! of the project implements are reported as `E9001` ("not supported yet") rather than ignored.
//!
//! Items are handled in two passes: `collect` walks the module tree and gives every function an
//! ID and a signature, then each body is checked on its own by [`expr::BodyChecker`].

mod expr;
mod infer;

use std::collections::HashMap;

use crate::ast;
use crate::diagnostics::{Diagnostic, DiagnosticSink};
use crate::hir::{self, FnId, Linkage};
use crate::span::Span;
use crate::ty::{CommonTypes, Mutability, Ty, TyInterner, TyKind};

/// A module of the crate's module tree (index into `Collector::modules`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ModuleId(u32);

struct Module {
    parent: Option<ModuleId>,
    /// Path from the crate root, `""` for the root.
    path: String,
    children: HashMap<String, ModuleId>,
    fns: HashMap<String, FnId>,
}

/// The item-level environment shared by all bodies.
pub(crate) struct ItemEnv {
    modules: Vec<Module>,
}

/// Reports a feature that a later part of the compiler implements.
pub(crate) fn unsupported(what: &str, span: Span) -> Diagnostic {
    Diagnostic::error("E9001", format!("{what} is not supported yet"), span, "not supported yet").with_note(
        "aetherc implements the language in stages; this construct is planned but not available in this version",
    )
}

/// Checks the crate and returns its typed HIR. Diagnostics go to `sink`; the HIR is complete
/// (with `Error` types at the failures) even when there are errors, but must not be lowered then.
pub fn check_crate(file: &ast::SourceFile, sink: &mut DiagnosticSink) -> hir::Crate {
    let (mut tys, common) = TyInterner::new();
    let mut env = ItemEnv {
        modules: vec![Module { parent: None, path: String::new(), children: HashMap::new(), fns: HashMap::new() }],
    };
    let mut pending: Vec<PendingFn> = Vec::new();
    let mut fns: Vec<hir::FnDef> = Vec::new();
    collect_module(&file.items, ModuleId(0), &mut env, &mut fns, &mut pending, &mut tys, &common, sink);

    for p in &pending {
        let fndef = &fns[p.id.index()];
        let (params, ret) = (fndef.params.clone(), fndef.ret);
        let body = expr::BodyChecker::new(&env, &fns, p.module, &mut tys, &common, sink).check_fn(p.decl, &params, ret);
        fns[p.id.index()].body = Some(body);
    }

    let entry = env.modules[0].fns.get("main").copied();
    match entry {
        None if !sink.has_errors() => sink.push(
            Diagnostic::error("E0601", "`main` function not found in crate", file.span.shrink_to_lo(), "")
                .with_help("add `fn main() { }` to the file"),
        ),
        Some(id) => {
            let f = &fns[id.index()];
            if !f.params.is_empty() || !(tys.is_unit(f.ret) || *tys.kind(f.ret) == TyKind::Never) {
                sink.push(
                    Diagnostic::error("E0580", "`main` function has wrong type", f.span, "incorrect signature")
                        .with_note("expected `fn main()`"),
                );
            }
        }
        None => {}
    }
    hir::Crate { fns, adts: Vec::new(), statics: Vec::new(), entry, tests: Vec::new(), tys, common }
}

/// A function whose body is checked after all signatures are known.
struct PendingFn<'a> {
    id: FnId,
    module: ModuleId,
    decl: &'a ast::FnDecl,
}

#[allow(clippy::too_many_arguments)]
fn collect_module<'a>(
    items: &'a [ast::Item],
    module: ModuleId,
    env: &mut ItemEnv,
    fns: &mut Vec<hir::FnDef>,
    pending: &mut Vec<PendingFn<'a>>,
    tys: &mut TyInterner,
    common: &CommonTypes,
    sink: &mut DiagnosticSink,
) {
    let mut first_def: HashMap<String, Span> = HashMap::new();
    let mut define = |name: &ast::Ident, sink: &mut DiagnosticSink| -> bool {
        if let Some(prev) = first_def.get(&name.name) {
            sink.push(
                Diagnostic::error(
                    "E0428",
                    format!("the name `{}` is defined multiple times", name.name),
                    name.span,
                    format!("`{}` redefined here", name.name),
                )
                .with_label(*prev, format!("previous definition of `{}` here", name.name))
                .with_note(format!("`{}` must be defined only once in this module", name.name)),
            );
            return false;
        }
        first_def.insert(name.name.clone(), name.span);
        true
    };
    for item in items {
        match &item.kind {
            ast::ItemKind::Fn(decl) => {
                if !define(&decl.sig.name, sink) {
                    continue;
                }
                let no_mangle =
                    item.attrs.iter().any(|a| matches!(&a.meta, ast::Meta::Word(p) if path_is(p, "no_mangle")));
                let linkage = match (&decl.sig.abi, no_mangle) {
                    (Some(abi), _) if abi.value != "C" => {
                        sink.push(unsupported(&format!("the `extern \"{}\"` ABI", abi.value), abi.span));
                        Linkage::Internal
                    }
                    (_, true) => Linkage::ExportC,
                    _ => Linkage::Internal,
                };
                let Some(id) = declare_fn(&decl.sig, module, linkage, env, fns, tys, common, sink) else { continue };
                if decl.body.is_some() {
                    pending.push(PendingFn { id, module, decl });
                }
            }
            ast::ItemKind::Mod(m) => {
                if !define(&m.name, sink) {
                    continue;
                }
                let parent_path = env.modules[module.0 as usize].path.clone();
                let path = if parent_path.is_empty() {
                    m.name.name.clone()
                } else {
                    format!("{parent_path}::{}", m.name.name)
                };
                let child = ModuleId(env.modules.len() as u32);
                env.modules.push(Module { parent: Some(module), path, children: HashMap::new(), fns: HashMap::new() });
                env.modules[module.0 as usize].children.insert(m.name.name.clone(), child);
                if let Some(items) = &m.items {
                    collect_module(items, child, env, fns, pending, tys, common, sink);
                }
            }
            ast::ItemKind::ExternBlock(block) => {
                if block.abi.value != "C" {
                    sink.push(unsupported(&format!("`extern \"{}\"` blocks", block.abi.value), block.abi.span));
                    continue;
                }
                for fi in &block.items {
                    match &fi.kind {
                        ast::ForeignItemKind::Fn(sig) => {
                            if define(&sig.name, sink) {
                                declare_fn(sig, module, Linkage::ImportC, env, fns, tys, common, sink);
                            }
                        }
                        _ => sink.push(unsupported("this kind of foreign item", fi.span)),
                    }
                }
            }
            ast::ItemKind::Struct(_) => sink.push(unsupported("`struct`", item.span)),
            ast::ItemKind::Enum(_) => sink.push(unsupported("`enum`", item.span)),
            ast::ItemKind::Trait(_) => sink.push(unsupported("`trait`", item.span)),
            ast::ItemKind::Impl(_) => sink.push(unsupported("`impl`", item.span)),
            ast::ItemKind::Const(_) => sink.push(unsupported("`const` items", item.span)),
            ast::ItemKind::Static(_) => sink.push(unsupported("`static` items", item.span)),
            ast::ItemKind::TypeAlias(_) => sink.push(unsupported("`type` aliases", item.span)),
            ast::ItemKind::Use(_) => sink.push(unsupported("`use` declarations", item.span)),
        }
    }
}

fn path_is(p: &ast::Path, name: &str) -> bool {
    p.segments.len() == 1 && p.segments[0].ident.name == name
}

#[allow(clippy::too_many_arguments)]
fn declare_fn(
    sig: &ast::FnSig,
    module: ModuleId,
    linkage: Linkage,
    env: &mut ItemEnv,
    fns: &mut Vec<hir::FnDef>,
    tys: &mut TyInterner,
    common: &CommonTypes,
    sink: &mut DiagnosticSink,
) -> Option<FnId> {
    if sig.is_async {
        sink.push(unsupported("`async fn`", sig.span));
        return None;
    }
    if !sig.generics.params.is_empty() {
        sink.push(unsupported("generic functions", sig.generics.span));
        return None;
    }
    let mut params = Vec::new();
    for p in &sig.params {
        match &p.kind {
            ast::ParamKind::Normal { ty, .. } => params.push(lower_ty(ty, tys, common, sink)),
            ast::ParamKind::SelfParam(_) => {
                sink.push(unsupported("methods", p.span));
                return None;
            }
        }
    }
    let ret = match &sig.ret {
        Some(t) => lower_ty(t, tys, common, sink),
        None => common.unit,
    };
    let id = FnId(fns.len() as u32);
    let module_path = &env.modules[module.0 as usize].path;
    let path = if module_path.is_empty() { sig.name.name.clone() } else { format!("{module_path}::{}", sig.name.name) };
    fns.push(hir::FnDef {
        name: sig.name.name.clone(),
        path,
        span: sig.name.span,
        params,
        ret,
        linkage,
        inline: false,
        body: None,
    });
    env.modules[module.0 as usize].fns.insert(sig.name.name.clone(), id);
    Some(id)
}

/// Converts a written type to a semantic one.
pub(crate) fn lower_ty(t: &ast::Ty, tys: &mut TyInterner, common: &CommonTypes, sink: &mut DiagnosticSink) -> Ty {
    match &t.kind {
        ast::TyKind::Paren(inner) => lower_ty(inner, tys, common, sink),
        ast::TyKind::Never => common.never,
        ast::TyKind::Tuple(elems) => {
            let elems = elems.iter().map(|e| lower_ty(e, tys, common, sink)).collect();
            tys.intern(TyKind::Tuple(elems))
        }
        ast::TyKind::Ref { mutable, ty, .. } => {
            let inner = lower_ty(ty, tys, common, sink);
            if *tys.kind(inner) != TyKind::Str {
                sink.push(unsupported("references to types other than `str`", t.span));
                return common.error;
            }
            tys.intern(TyKind::Ref(inner, if *mutable { Mutability::Mut } else { Mutability::Not }))
        }
        ast::TyKind::Path(p) if p.qself.is_none() && p.segments.len() == 1 && p.segments[0].args.is_none() => {
            let name = p.segments[0].ident.name.as_str();
            match primitive_ty(name, common) {
                Some(ty) => ty,
                None => {
                    sink.push(Diagnostic::error(
                        "E0412",
                        format!("cannot find type `{name}` in this scope"),
                        t.span,
                        "not found in this scope",
                    ));
                    common.error
                }
            }
        }
        _ => {
            sink.push(unsupported("this type", t.span));
            common.error
        }
    }
}

fn primitive_ty(name: &str, c: &CommonTypes) -> Option<Ty> {
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

impl ItemEnv {
    /// Resolves a path to a function, relative to `module`. Returns the reason on failure.
    fn resolve_fn_path(&self, module: ModuleId, path: &ast::Path) -> Result<FnId, PathError> {
        let segs = &path.segments;
        let mut m = if path.global { ModuleId(0) } else { module };
        for (i, seg) in segs[..segs.len() - 1].iter().enumerate() {
            let name = seg.ident.name.as_str();
            m = match name {
                "crate" if i == 0 => ModuleId(0),
                "self" if i == 0 => m,
                "super" => self.modules[m.0 as usize].parent.ok_or(PathError::TooManySupers(i))?,
                _ => *self.modules[m.0 as usize].children.get(name).ok_or(PathError::NoModule(i))?,
            };
        }
        let last = &segs[segs.len() - 1].ident.name;
        self.modules[m.0 as usize].fns.get(last).copied().ok_or(PathError::NoItem)
    }
}

enum PathError {
    /// Segment `i` names no module.
    NoModule(usize),
    /// `super` at segment `i` goes above the crate root.
    TooManySupers(usize),
    /// The last segment names no function.
    NoItem,
}
// x
