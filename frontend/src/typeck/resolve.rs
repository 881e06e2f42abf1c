//! Path resolution: `use` imports, the prelude, visibility, and written types.
//!
//! Takes paths as written (`a::b::C`, `self::x`, `super::f`, `crate::m::T`, `Enum::Variant`,
//! `Type::assoc`, `u64::MAX`) and the module they appear in, and produces a [`PathRes`]: an item,
//! or an associated name on a type that `methods` looks up. Names are found in the module's own
//! items and imports, then its glob imports, then the prelude (primitive types, `std`; the
//! generic prelude items `Option`/`Vec`/.. resolve to "not supported yet"). Private items of
//! other modules are E0603. `resolve_imports` runs the `use` declarations to a fixed point before
//! any body is checked; `lower_ty` turns written types into interned ones.

use super::{unsupported, AliasId, Binding, Cx, ModuleId, Res, Vis};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir;
use crate::span::Span;
use crate::ty::{Mutability, Ty, TyKind};

/// One leaf of a `use` tree, with the full path spelled out.
pub(crate) struct UseImport<'a> {
    module: ModuleId,
    global: bool,
    segments: Vec<&'a ast::Ident>,
    /// `None` for `use a::*`.
    name: Option<&'a ast::Ident>,
    glob: bool,
    vis: Vis,
    span: Span,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ns {
    Type,
    Value,
}

/// What a path names.
#[derive(Clone, Debug)]
pub(crate) enum PathRes {
    Item(Res),
    /// `T::name` where `T` is a type and `name` is not an enum variant: an associated item.
    Assoc {
        self_ty: Ty,
        name: ast::Ident,
    },
    /// `Trait::name`: a trait's associated item, `Self` unknown.
    TraitItem {
        trait_id: crate::ty::TraitId,
        name: ast::Ident,
    },
    /// `Adt::name` (or `Adt::<A>::name`) where `name` is not a variant: an associated item of the
    /// ADT named by segment `type_seg`, whose generic arguments the caller lowers.
    AdtAssoc {
        adt: crate::ty::AdtId,
        type_seg: usize,
        name: ast::Ident,
    },
}

/// Why a path did not resolve; `report` turns it into a diagnostic.
#[derive(Debug)]
pub(crate) enum PathError {
    /// Segment `seg` was not found (in module `in_module`, or in scope when `None`).
    NotFound {
        seg: usize,
        in_module: Option<ModuleId>,
    },
    Private {
        seg: usize,
        binding: Binding,
    },
    /// Segment `seg` names something that has no items (`f::x`).
    NotAModule {
        seg: usize,
    },
    TooManySupers {
        seg: usize,
    },
    /// A standard-library path other than the few the compiler provides.
    Std,
    /// `Alias::item` where the alias has generic parameters.
    GenericAlias,
}

pub(crate) fn flatten_use<'a>(
    cx: &mut Cx<'a>,
    tree: &'a ast::UseTree,
    prefix: &[&'a ast::Ident],
    module: ModuleId,
    vis: Vis,
    out: &mut Vec<UseImport<'a>>,
) {
    let mut segs: Vec<&ast::Ident> = prefix.to_vec();
    segs.extend(tree.prefix.segments.iter().map(|s| &s.ident));
    let global = tree.prefix.global;
    match &tree.kind {
        ast::UseTreeKind::Simple { rename } => {
            let Some(last) = segs.pop() else { return };
            // `use a::{self}` imports `a` itself.
            let (last, segs) = if last.name == "self" && !segs.is_empty() {
                let l = segs.pop().expect("checked non-empty");
                (l, segs)
            } else {
                (last, segs)
            };
            let mut full = segs;
            full.push(last);
            let name = rename.as_ref().unwrap_or(last);
            out.push(UseImport { module, global, segments: full, name: Some(name), glob: false, vis, span: tree.span });
        }
        ast::UseTreeKind::Glob => {
            out.push(UseImport { module, global, segments: segs, name: None, glob: true, vis, span: tree.span })
        }
        ast::UseTreeKind::Nested(children) => {
            for c in children {
                flatten_use(cx, c, &segs, module, vis, out);
            }
        }
    }
}

/// Resolves the imports to a fixed point (an import may name what another one brings), then
/// reports the ones that never resolved (E0432).
pub(crate) fn resolve_imports(cx: &mut Cx, mut pending: Vec<UseImport>) {
    loop {
        let before = pending.len();
        let mut still = Vec::new();
        for imp in pending {
            if !try_import(cx, &imp, false) {
                still.push(imp);
            }
        }
        pending = still;
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    for imp in &pending {
        try_import(cx, imp, true);
    }
}

fn try_import(cx: &mut Cx, imp: &UseImport, report: bool) -> bool {
    let idents: Vec<ast::Ident> = imp.segments.iter().map(|i| (*i).clone()).collect();
    if imp.glob {
        match walk(cx, imp.module, imp.global, &idents, Ns::Type, None) {
            Ok(PathRes::Item(r @ (Res::Mod(_) | Res::Adt(_)))) => {
                cx.modules[imp.module.0 as usize].globs.push((r, imp.vis));
                true
            }
            Ok(_) => {
                if report {
                    cx.sink.push(Diagnostic::error(
                        "E0432",
                        "unresolved import",
                        imp.span,
                        "cannot glob-import this item",
                    ));
                }
                report
            }
            Err(e) => {
                if report {
                    report_import_error(cx, imp, &idents, e);
                }
                report
            }
        }
    } else {
        let name = imp.name.expect("simple imports have a name");
        let mut found = false;
        let mut first_err = None;
        for ns in [Ns::Type, Ns::Value] {
            match walk(cx, imp.module, imp.global, &idents, ns, None) {
                Ok(PathRes::Item(res)) => {
                    found = true;
                    let m = &mut cx.modules[imp.module.0 as usize];
                    let map = if ns == Ns::Type { &mut m.types } else { &mut m.values };
                    if let Some(prev) = map.get(&name.name) {
                        if prev.res != res {
                            let prev = prev.span;
                            cx.sink.push(
                                Diagnostic::error(
                                    "E0252",
                                    format!("the name `{}` is defined multiple times", name.name),
                                    name.span,
                                    format!("`{}` reimported here", name.name),
                                )
                                .with_label(prev, format!("previous definition of `{}` here", name.name))
                                .with_help(format!(
                                    "you can use `as` to change the binding name of the import: `{} as Other{}`",
                                    name.name, name.name
                                )),
                            );
                        }
                    } else {
                        map.insert(name.name.clone(), Binding { res, vis: imp.vis, span: name.span });
                    }
                }
                Ok(PathRes::Assoc { .. } | PathRes::AdtAssoc { .. } | PathRes::TraitItem { .. }) => {}
                Err(e) => {
                    if first_err.is_none() || matches!(e, PathError::Private { .. }) {
                        first_err = Some(e);
                    }
                }
            }
        }
        if found {
            return true;
        }
        if report {
            match first_err {
                Some(e) => report_import_error(cx, imp, &idents, e),
                None => cx.sink.push(Diagnostic::error(
                    "E0432",
                    "unresolved import",
                    imp.span,
                    "associated items cannot be imported",
                )),
            }
        }
        report
    }
}

fn report_import_error(cx: &mut Cx, imp: &UseImport, idents: &[ast::Ident], e: PathError) {
    let path_text = idents.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("::");
    match e {
        PathError::NotFound { seg, .. } => {
            let at = &idents[seg];
            let label = if seg + 1 == idents.len() {
                let parent =
                    if seg == 0 { "the crate root".to_string() } else { format!("`{}`", idents[seg - 1].name) };
                format!("no `{}` in {parent}", at.name)
            } else {
                format!("use of undeclared crate or module `{}`", at.name)
            };
            cx.sink.push(Diagnostic::error("E0432", format!("unresolved import `{path_text}`"), at.span, label));
        }
        other => report(cx, other, idents, imp.span, Ns::Type),
    }
}

fn describe(res: Res) -> &'static str {
    match res {
        Res::Mod(_) => "module",
        Res::Adt(_) => "type",
        Res::Variant(..) => "variant",
        Res::Fn(_) => "function",
        Res::Const(_) => "constant",
        Res::Static(_) => "static",
        Res::Alias(_) => "type alias",
        Res::Prim(_) => "builtin type",
        Res::Intrinsic(_) => "function",
        Res::Trait(_) => "trait",
    }
}

/// Reports a failed resolution of the path `idents` (written at `span`).
pub(crate) fn report(cx: &mut Cx, e: PathError, idents: &[ast::Ident], span: Span, ns: Ns) {
    let text = idents.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("::");
    let e_hint = match e {
        PathError::NotFound { seg: 0, in_module: None } => std_import_hint(&idents[0].name),
        _ => None,
    };
    let d = match e {
        PathError::NotFound { seg, in_module } => {
            let at = &idents[seg];
            let last = seg + 1 == idents.len();
            let scope = match in_module {
                None => "this scope".to_string(),
                Some(m) if m == ModuleId(0) => "the crate root".to_string(),
                Some(m) => format!("module `{}`", cx.module(m).path.rsplit("::").next().unwrap_or("")),
            };
            if !last {
                let capital = at.name.starts_with(|c: char| c.is_uppercase());
                let what = if capital { "type" } else { "crate or module" };
                let msg = match in_module {
                    Some(_) => format!("failed to resolve: could not find `{}` in `{}`", at.name, idents[seg - 1].name),
                    None => format!("failed to resolve: use of undeclared {what} `{}`", at.name),
                };
                let label = match in_module {
                    Some(_) => format!("could not find `{}` in `{}`", at.name, idents[seg - 1].name),
                    None => format!("use of undeclared {what} `{}`", at.name),
                };
                Diagnostic::error("E0433", msg, at.span, label)
            } else if ns == Ns::Type {
                Diagnostic::error(
                    "E0412",
                    format!("cannot find type `{}` in {scope}", at.name),
                    at.span,
                    format!("not found in {scope}"),
                )
            } else {
                Diagnostic::error(
                    "E0425",
                    format!("cannot find value `{}` in {scope}", at.name),
                    at.span,
                    format!("not found in {scope}"),
                )
            }
        }
        PathError::Private { seg, binding } => {
            let at = &idents[seg];
            let what = describe(binding.res);
            Diagnostic::error("E0603", format!("{what} `{}` is private", at.name), at.span, format!("private {what}"))
                .with_label(binding.span, format!("the {what} `{}` is defined here", at.name))
                .with_help(format!("consider making `{}` public with `pub`", at.name))
        }
        PathError::NotAModule { seg } => {
            let at = &idents[seg];
            Diagnostic::error(
                "E0433",
                format!("failed to resolve: `{}` is not a module or type", at.name),
                at.span,
                format!("`{}` is not a module or type", at.name),
            )
        }
        PathError::TooManySupers { seg } => Diagnostic::error(
            "E0433",
            "failed to resolve: there are too many leading `super` keywords",
            idents[seg].span,
            "there are too many leading `super` keywords",
        ),
        PathError::Std => unsupported(&format!("`{text}` from the standard library"), span),
        PathError::GenericAlias => unsupported("associated items through a generic type alias", span),
    };
    let d = match &e_hint {
        Some(path) => d.with_help(format!("consider importing it: `use {path};`")),
        None => d,
    };
    cx.sink.push(d);
}

/// The binding of `name` in `module` (its own items and imports, then its globs), if any.
pub(crate) fn lookup_in(cx: &Cx, module: ModuleId, name: &str, ns: Ns, depth: u32) -> Option<Binding> {
    let m = cx.module(module);
    let map = if ns == Ns::Type { &m.types } else { &m.values };
    if let Some(b) = map.get(name) {
        return Some(*b);
    }
    if depth > 8 {
        return None;
    }
    for &(g, vis) in &m.globs {
        match g {
            Res::Mod(gm) => {
                if let Some(b) = lookup_in(cx, gm, name, ns, depth + 1) {
                    if cx.is_visible(b.vis, module) {
                        return Some(Binding { vis, ..b });
                    }
                }
            }
            Res::Adt(a) => {
                let adt = &cx.adts[a.index()];
                if let Some(i) = adt.variants.iter().position(|v| v.name == name).filter(|_| adt.is_enum) {
                    return Some(Binding {
                        res: Res::Variant(a, crate::hir::VariantIdx(i as u32)),
                        vis,
                        span: adt.variants[i].span,
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the standard library keeps a type that is not in the prelude, for the help of an
/// unresolved name (as rustc's "consider importing this struct").
fn std_import_hint(name: &str) -> Option<&'static str> {
    const PATHS: &[&str] = &[
        "std::rc::Rc",
        "std::rc::Weak",
        "std::sync::Arc",
        "std::cell::Cell",
        "std::cell::RefCell",
        "std::fs::File",
        "std::sync::atomic::AtomicBool",
        "std::sync::atomic::AtomicI32",
        "std::sync::atomic::AtomicI64",
        "std::sync::atomic::AtomicU64",
        "std::sync::atomic::AtomicUsize",
    ];
    PATHS.iter().find(|p| p.rsplit("::").next() == Some(name)).copied()
}

/// Resolves `segments` from `module`. `self_ty` is the `Self` type inside an `impl`.
pub(crate) fn walk(
    cx: &Cx,
    module: ModuleId,
    global: bool,
    segments: &[ast::Ident],
    ns: Ns,
    self_ty: Option<Ty>,
) -> Result<PathRes, PathError> {
    let n = segments.len();
    let mut cur: Res;
    let first = &segments[0];
    let mut start = 1;
    if global {
        cur = Res::Mod(ModuleId(0));
        start = 0;
    } else {
        cur = match first.name.as_str() {
            "crate" if cx.in_std(module) => Res::Mod(cx.std_module),
            "crate" => Res::Mod(ModuleId(0)),
            "self" if n > 1 => Res::Mod(module),
            "super" => Res::Mod(cx.module(module).parent.ok_or(PathError::TooManySupers { seg: 0 })?),
            "Self" if self_ty.is_some() => Res::Prim(self_ty.expect("checked")),
            name => {
                let this_ns = if n == 1 { ns } else { Ns::Type };
                let param = cx.scope.iter().rev().find(|(p, _)| p == name).map(|(_, t)| *t);
                if let Some(t) = param.filter(|_| this_ns == Ns::Type) {
                    Res::Prim(t)
                } else if let Some(b) = lookup_in(cx, module, name, this_ns, 0) {
                    b.res
                } else if this_ns == Ns::Type && name == "std" {
                    Res::Mod(cx.std_module)
                } else if let Some(t) = super::primitive_ty(name, &cx.common).filter(|_| this_ns == Ns::Type) {
                    Res::Prim(t)
                } else if let Some(b) = cx.prelude.and_then(|p| lookup_in(cx, p, name, this_ns, 0)) {
                    b.res
                } else {
                    return Err(PathError::NotFound { seg: 0, in_module: None });
                }
            }
        };
    }
    for i in start..n {
        let seg = &segments[i];
        let last = i + 1 == n;
        let this_ns = if last { ns } else { Ns::Type };
        cur = match cur {
            Res::Mod(m) => {
                if seg.name == "super" {
                    Res::Mod(cx.module(m).parent.ok_or(PathError::TooManySupers { seg: i })?)
                } else if seg.name == "self" && i == 0 {
                    Res::Mod(module)
                } else {
                    match lookup_in(cx, m, &seg.name, this_ns, 0) {
                        Some(b) => {
                            if !cx.is_visible(b.vis, module) {
                                return Err(PathError::Private { seg: i, binding: b });
                            }
                            b.res
                        }
                        None if m == cx.std_module || cx.module(m).path.starts_with("std::") => {
                            return Err(PathError::Std)
                        }
                        None => return Err(PathError::NotFound { seg: i, in_module: Some(m) }),
                    }
                }
            }
            Res::Adt(a) => {
                let adt = &cx.adts[a.index()];
                if adt.is_enum {
                    if let Some(v) = adt.variants.iter().position(|v| v.name == seg.name) {
                        if !last {
                            return Err(PathError::NotAModule { seg: i });
                        }
                        return Ok(PathRes::Item(Res::Variant(a, crate::hir::VariantIdx(v as u32))));
                    }
                }
                if !last {
                    return Err(PathError::NotAModule { seg: i });
                }
                return Ok(PathRes::AdtAssoc { adt: a, type_seg: i - 1, name: seg.clone() });
            }
            Res::Alias(al) if last && !cx.aliases[al.0 as usize].generics.params.is_empty() => {
                return Err(PathError::GenericAlias)
            }
            Res::Prim(_) | Res::Alias(_) if last => {
                let t = match cur {
                    Res::Alias(al) => cx.aliases[al.0 as usize].ty.unwrap_or(cx.common.error),
                    Res::Prim(t) => t,
                    _ => unreachable!("matched above"),
                };
                if let TyKind::Adt(a, _) = cx.tys.kind(t) {
                    let a = *a;
                    let adt = &cx.adts[a.index()];
                    if let Some(v) = adt.variants.iter().position(|v| v.name == seg.name).filter(|_| adt.is_enum) {
                        return Ok(PathRes::Item(Res::Variant(a, crate::hir::VariantIdx(v as u32))));
                    }
                }
                return Ok(PathRes::Assoc { self_ty: t, name: seg.clone() });
            }
            Res::Trait(t) if last => return Ok(PathRes::TraitItem { trait_id: t, name: seg.clone() }),
            _ => return Err(PathError::NotAModule { seg: i - 1 }),
        };
    }
    Ok(PathRes::Item(cur))
}

/// Resolves a written path and reports failures; `None` after an error.
pub(crate) fn resolve_path(
    cx: &mut Cx,
    module: ModuleId,
    path: &ast::Path,
    ns: Ns,
    self_ty: Option<Ty>,
) -> Option<PathRes> {
    if path.qself.is_some() {
        cx.sink.push(unsupported("qualified paths (`<T as Trait>::x`)", path.span));
        return None;
    }
    let idents: Vec<ast::Ident> = path.segments.iter().map(|s| s.ident.clone()).collect();
    match walk(cx, module, path.global, &idents, ns, self_ty) {
        Ok(r) => Some(r),
        Err(e) => {
            report(cx, e, &idents, path.span, ns);
            None
        }
    }
}

/// The type an alias stands for, lowering it on first use (E0391 on a cycle).
pub(crate) fn alias_ty(cx: &mut Cx, id: AliasId) -> Ty {
    let a = &cx.aliases[id.0 as usize];
    if let Some(t) = a.ty {
        return t;
    }
    if a.in_progress {
        let span = a.ast.span;
        cx.sink.push(Diagnostic::error(
            "E0391",
            "cycle detected when expanding type alias",
            span,
            "the alias refers to itself",
        ));
        return cx.common.error;
    }
    cx.aliases[id.0 as usize].in_progress = true;
    let (ast, module) = (cx.aliases[id.0 as usize].ast, cx.aliases[id.0 as usize].module);
    // Only the alias's own parameters are in scope (it may be lowered while an item's are).
    let generics = cx.aliases[id.0 as usize].generics.clone();
    let saved = super::generics::enter(cx, &generics);
    let t = lower_ty(cx, ast, module, None);
    super::generics::leave(cx, saved);
    cx.aliases[id.0 as usize].ty = Some(t);
    t
}

/// `base::name` as a type: the associated type `name` of a trait `base` implements. Inside an
/// `impl` of a trait, `Self::Item` is the impl's own choice; otherwise the trait comes from the
/// bounds in scope, and the result is a projection unless an impl or bound decides it.
fn assoc_ty(cx: &mut Cx, base: Ty, name: &ast::Ident) -> Ty {
    if let Some((_, t)) = cx.impl_assoc.iter().find(|(n, _)| *n == name.name).filter(|_| Some(base) == cx.impl_self) {
        return *t;
    }
    let mut candidates = Vec::new();
    for p in &cx.env {
        if let hir::Predicate::Implements(tr) = p {
            for t in cx.traits_with_supers(tr) {
                if t.self_ty() == base
                    && cx.traits[t.trait_id.index()].assoc_types.iter().any(|(n, _)| *n == name.name)
                    && !candidates.contains(&t)
                {
                    candidates.push(t);
                }
            }
        }
    }
    if let Some(tr) = cx.impl_trait.clone().filter(|tr| tr.self_ty() == base) {
        if candidates.is_empty() && cx.traits[tr.trait_id.index()].assoc_types.iter().any(|(n, _)| *n == name.name) {
            candidates.push(tr);
        }
    }
    match candidates.len() {
        1 => {
            let tr = candidates.pop().expect("one candidate");
            cx.projection(tr, &name.name)
        }
        0 => {
            let tn = cx.tys.display(base).to_string();
            cx.sink.push(
                Diagnostic::error(
                    "E0220",
                    format!("associated type `{}` not found for `{tn}`", name.name),
                    name.span,
                    "associated type not found",
                )
                .with_help(format!("add a bound naming a trait with the associated type `{}`", name.name)),
            );
            cx.common.error
        }
        _ => {
            cx.sink.push(Diagnostic::error(
                "E0221",
                format!("ambiguous associated type `{}` in bounds of `{}`", name.name, cx.tys.display(base)),
                name.span,
                "ambiguous associated type",
            ));
            cx.common.error
        }
    }
}

/// E0038 when trait `tid` cannot be used as `dyn Trait`: a method (its own or a supertrait's)
/// without a receiver, with type parameters of its own, or mentioning `Self` outside the
/// receiver (rustc's "dyn compatibility" rules, without the `where Self: Sized` escape). A
/// by-value `self` is allowed, as in Rust: such a method just cannot be called on the object.
fn dyn_incompatibility(cx: &Cx, tid: crate::ty::TraitId, span: Span) -> Option<Diagnostic> {
    let self_param = cx.tys.intern(TyKind::Param { index: 0, name: "Self".into() });
    let own = hir::TraitRef { trait_id: tid, args: vec![self_param] };
    for sup in cx.traits_with_supers(&own) {
        // A supertrait taking `Self` as an argument (`PartialEq<Self>`) is as bad as a method.
        if sup.trait_id != tid && sup.args[1..].contains(&self_param) {
            let tn = cx.traits[tid.index()].name.clone();
            return Some(
                Diagnostic::error(
                    "E0038",
                    format!("the trait `{tn}` is not dyn compatible"),
                    span,
                    format!("`{tn}` is not dyn compatible"),
                )
                .with_note(format!(
                    "...because it uses `Self` as a type parameter of its supertrait `{}`",
                    cx.traits[sup.trait_id.index()].name
                )),
            );
        }
        if sup.trait_id != tid {
            if let Some(d) = dyn_incompatibility_own(cx, sup.trait_id, span) {
                return Some(d);
            }
        }
    }
    dyn_incompatibility_own(cx, tid, span)
}

fn dyn_incompatibility_own(cx: &Cx, tid: crate::ty::TraitId, span: Span) -> Option<Diagnostic> {
    let td = &cx.traits[tid.index()];
    let self_ty = cx.tys.intern(TyKind::Param { index: 0, name: "Self".into() });
    let mentions_self = |t: Ty| -> bool {
        fn walk(tys: &crate::ty::TyInterner, t: Ty, s: Ty) -> bool {
            if t == s {
                return true;
            }
            // `Self::Output` is a type the object names (`dyn Fn(A) -> R`'s `R`).
            if matches!(tys.kind(t), TyKind::Projection { args, .. } if args.first() == Some(&s)) {
                return false;
            }
            let mut found = false;
            tys.map_components(t, &mut |x| {
                found |= walk(tys, x, s);
                x
            });
            found
        }
        walk(&cx.tys, t, self_ty)
    };
    for (name, fid) in &td.methods {
        let f = &cx.fns[fid.index()];
        let info = &cx.fn_info[fid.index()];
        // Left out of the vtable (so allowed): `self` by value and `where Self: Sized`.
        let sized_self = f.generics.predicates.iter().any(|p| {
            matches!(p, hir::Predicate::Implements(tr)
                if tr.args.first() == Some(&self_ty) && cx.traits[tr.trait_id.index()].name == "Sized")
        });
        if sized_self || info.self_kind == Some(super::SelfKind::Value) {
            continue;
        }
        let why = match info.self_kind {
            None => Some(format!("associated function `{name}` has no `self` parameter")),
            _ if f.generics.params.len() > f.generics.parent_count => {
                Some(format!("method `{name}` has generic type parameters"))
            }
            _ if f.params.iter().skip(1).any(|p| mentions_self(*p)) => {
                Some(format!("method `{name}` references the `Self` type in its parameters"))
            }
            _ if mentions_self(f.ret) => Some(format!("method `{name}` references the `Self` type in its return type")),
            _ => None,
        };
        if let Some(why) = why {
            let tn = td.name.clone();
            return Some(
                Diagnostic::error("E0038", format!("the trait `{tn}` is not dyn compatible"), span, format!("`{tn}` is not dyn compatible"))
                    .with_label(f.span, format!("...because {why}"))
                    .with_note("a trait is dyn compatible only if its methods take `&self` or `&mut self`, have no type parameters, and do not use `Self` otherwise"),
            );
        }
    }
    None
}

/// `dyn Trait<A, Name = T> + Send + 'a`: the first trait is the principal one; auto traits
/// (`Send`, `Sync`, `Unpin`) and lifetimes constrain nothing a value needs here, so they are
/// dropped; any other additional trait is E0225. Every associated type must be bound (E0191),
/// and the trait must be dyn compatible (E0038).
fn lower_dyn(cx: &mut Cx, bounds: &[ast::GenericBound], span: Span, module: ModuleId, self_ty: Option<Ty>) -> Ty {
    let is_auto =
        |p: &ast::Path| p.segments.last().is_some_and(|s| matches!(s.ident.name.as_str(), "Send" | "Sync" | "Unpin"));
    let mut principal: Option<(hir::TraitRef, Vec<hir::Predicate>)> = None;
    for b in bounds {
        let ast::GenericBound::Trait { path, maybe: false, .. } = b else { continue };
        if is_auto(path) {
            continue;
        }
        if principal.is_some() {
            cx.sink.push(
                Diagnostic::error(
                    "E0225",
                    "only auto traits can be used as additional traits in a trait object",
                    path.span,
                    "additional non-auto trait",
                )
                .with_help(
                    "consider creating a new trait with all of these as supertraits and using that trait here instead",
                ),
            );
            return cx.common.error;
        }
        // The trait's `Self` while lowering its arguments: arguments cannot mention it.
        let placeholder = cx.tys.intern(TyKind::Param { index: u32::MAX, name: "Self".into() });
        let mut extra = Vec::new();
        let Some(tr) = super::generics::lower_trait_ref(cx, placeholder, path, module, self_ty, &mut extra) else {
            return cx.common.error;
        };
        if let Some(d) = dyn_incompatibility(cx, tr.trait_id, path.span) {
            cx.sink.push(d);
            return cx.common.error;
        }
        principal = Some((tr, extra));
    }
    let Some((tr, extra)) = principal else {
        cx.sink.push(Diagnostic::error(
            "E0224",
            "at least one trait is required for an object type",
            span,
            "no trait named here",
        ));
        return cx.common.error;
    };
    let mut assoc: Vec<(String, Ty)> = Vec::new();
    for p in extra {
        if let hir::Predicate::AssocEq { name, ty, .. } = p {
            if !assoc.iter().any(|(n, _)| *n == name) {
                assoc.push((name, ty));
            }
        }
    }
    // Every associated type of the trait and its supertraits must be named.
    let mut missing = Vec::new();
    for sup in cx.traits_with_supers(&tr) {
        for (name, _) in &cx.traits[sup.trait_id.index()].assoc_types {
            if !assoc.iter().any(|(n, _)| n == name) && !missing.contains(name) {
                missing.push(name.clone());
            }
        }
    }
    if !missing.is_empty() {
        let tn = cx.traits[tr.trait_id.index()].name.clone();
        let list = missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        cx.sink.push(
            Diagnostic::error(
                "E0191",
                format!(
                    "the value of the associated type{} {list} in `{tn}` must be specified",
                    if missing.len() > 1 { "s" } else { "" }
                ),
                span,
                "associated types must be specified",
            )
            .with_help(format!(
                "specify the associated type{}: `dyn {tn}<{}>`",
                if missing.len() > 1 { "s" } else { "" },
                missing.iter().map(|n| format!("{n} = Type")).collect::<Vec<_>>().join(", ")
            )),
        );
        return cx.common.error;
    }
    // Binding order is the trait's declaration order, so equal objects intern equal.
    let order: Vec<String> = cx
        .traits_with_supers(&tr)
        .iter()
        .flat_map(|s| cx.traits[s.trait_id.index()].assoc_types.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
        .collect();
    assoc.sort_by_key(|(n, _)| order.iter().position(|o| o == n));
    cx.tys.intern(TyKind::Dynamic { trait_id: tr.trait_id, args: tr.args[1..].to_vec(), assoc })
}

/// Converts a written type to a semantic one (outside bodies: `_` is not allowed).
pub(crate) fn lower_ty(cx: &mut Cx, t: &ast::Ty, module: ModuleId, self_ty: Option<Ty>) -> Ty {
    lower_ty_with(cx, t, module, self_ty, &mut |cx, span, hole| {
        let d = match hole {
            Hole::Written => Diagnostic::error(
                "E0121",
                "the placeholder `_` is not allowed within types on item signatures",
                span,
                "not allowed in type signatures",
            ),
            Hole::MissingArgs(n) => Diagnostic::error(
                "E0107",
                "missing generics for this type",
                span,
                format!("expected {n} generic argument{}", if n == 1 { "" } else { "s" }),
            ),
        };
        cx.sink.push(d);
        cx.common.error
    })
}

/// A type the program leaves for inference.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Hole {
    /// `_`
    Written,
    /// The generic arguments of a type written without them (`Vec` for `Vec<_>`): one call each.
    MissingArgs(usize),
}

/// Supplies the type of a [`Hole`]: an inference variable in bodies, an error in signatures.
pub(crate) type InferFn<'f> = dyn FnMut(&mut Cx, Span, Hole) -> Ty + 'f;

/// Lowers the generic arguments written on a path segment for an item with `count` parameters
/// (after `skip` inherited ones); missing arguments come from `infer`.
pub(crate) fn lower_generic_args(
    cx: &mut Cx,
    args: Option<&ast::GenericArgs>,
    count: usize,
    span: Span,
    module: ModuleId,
    self_ty: Option<Ty>,
    infer: &mut InferFn,
) -> Vec<Ty> {
    let mut out = Vec::new();
    match args {
        Some(ast::GenericArgs::AngleBracketed { args, span: aspan }) => {
            for a in args {
                match a {
                    ast::GenericArg::Type(t) => out.push(lower_ty_with(cx, t, module, self_ty, infer)),
                    ast::GenericArg::Lifetime(_) => {}
                    _ => cx.sink.push(unsupported("this kind of generic argument", *aspan)),
                }
            }
            if out.len() != count {
                cx.sink.push(Diagnostic::error(
                    "E0107",
                    format!(
                        "this item takes {count} generic argument{} but {} generic argument{} supplied",
                        if count == 1 { "" } else { "s" },
                        out.len(),
                        if out.len() == 1 { " was" } else { "s were" }
                    ),
                    *aspan,
                    format!("expected {count}"),
                ));
                out.resize(count, cx.common.error);
            }
        }
        Some(ast::GenericArgs::Parenthesized { span, .. }) => {
            cx.sink.push(Diagnostic::error(
                "E0214",
                "parenthesized type parameters may only be used with a `Fn` trait",
                *span,
                "only `Fn` traits may use parentheses",
            ));
            out.resize(count, cx.common.error);
        }
        None => {
            for _ in 0..count {
                let t = infer(cx, span, Hole::MissingArgs(count));
                out.push(t);
            }
        }
    }
    out
}

/// Converts a written type; `infer` supplies the type of each `_` and of omitted arguments.
pub(crate) fn lower_ty_with(
    cx: &mut Cx,
    t: &ast::Ty,
    module: ModuleId,
    self_ty: Option<Ty>,
    infer: &mut InferFn,
) -> Ty {
    let rec = |cx: &mut Cx, x: &ast::Ty, infer: &mut InferFn| lower_ty_with(cx, x, module, self_ty, infer);
    match &t.kind {
        ast::TyKind::Paren(inner) => rec(cx, inner, infer),
        ast::TyKind::Never => cx.common.never,
        ast::TyKind::Infer => infer(cx, t.span, Hole::Written),
        ast::TyKind::Tuple(elems) => {
            let elems = elems.iter().map(|e| rec(cx, e, infer)).collect();
            cx.tys.intern(TyKind::Tuple(elems))
        }
        ast::TyKind::Ref { mutable, ty, .. } => {
            let inner = rec(cx, ty, infer);
            cx.tys.intern(TyKind::Ref(inner, if *mutable { Mutability::Mut } else { Mutability::Not }))
        }
        ast::TyKind::Ptr { mutable, ty } => {
            let inner = rec(cx, ty, infer);
            cx.tys.intern(TyKind::RawPtr(inner, if *mutable { Mutability::Mut } else { Mutability::Not }))
        }
        ast::TyKind::Slice(ty) => {
            let inner = rec(cx, ty, infer);
            cx.tys.intern(TyKind::Slice(inner))
        }
        ast::TyKind::Array(ty, len) => {
            let inner = rec(cx, ty, infer);
            let usize_ty = cx.common.usize;
            match super::consts::eval_standalone(cx, len, module, usize_ty) {
                Some(crate::hir::ConstVal::Int(n)) => cx.tys.intern(TyKind::Array(inner, n as u64)),
                _ => cx.common.error,
            }
        }
        ast::TyKind::BareFn(f) => {
            if f.abi.is_some() || f.variadic {
                cx.sink.push(unsupported("`extern` function pointer types", t.span));
                return cx.common.error;
            }
            let params = f.params.iter().map(|p| rec(cx, p, infer)).collect();
            let ret = match &f.ret {
                Some(r) => rec(cx, r, infer),
                None => cx.common.unit,
            };
            cx.tys.intern(TyKind::FnPtr(params, ret))
        }
        ast::TyKind::Path(p) => match resolve_path(cx, module, p, Ns::Type, self_ty) {
            Some(PathRes::Item(Res::Prim(t))) => {
                if let Some(a) = p.segments.last().and_then(|s| s.args.as_ref()) {
                    let span = match a {
                        ast::GenericArgs::AngleBracketed { span, .. }
                        | ast::GenericArgs::Parenthesized { span, .. } => *span,
                    };
                    cx.sink.push(Diagnostic::error(
                        "E0109",
                        "type arguments are not allowed on this type",
                        span,
                        "type argument not allowed",
                    ));
                }
                t
            }
            Some(PathRes::Item(Res::Adt(a))) => {
                let n = cx.adts[a.index()].generics.params.len();
                let last = p.segments.last().expect("paths have a segment");
                let args = lower_generic_args(cx, last.args.as_ref(), n, t.span, module, self_ty, infer);
                cx.tys.intern(TyKind::Adt(a, args))
            }
            Some(PathRes::Item(Res::Alias(a))) => {
                let t = alias_ty(cx, a);
                let n = cx.aliases[a.0 as usize].generics.params.len();
                if n == 0 {
                    t
                } else {
                    let last = p.segments.last().expect("paths have a segment");
                    let args = lower_generic_args(cx, last.args.as_ref(), n, p.span, module, self_ty, infer);
                    cx.tys.subst(t, &args)
                }
            }
            Some(PathRes::TraitItem { name, .. }) => {
                cx.sink.push(Diagnostic::error(
                    "E0223",
                    "ambiguous associated type",
                    p.span,
                    format!("use fully-qualified syntax: `<Type as Trait>::{}`", name.name),
                ));
                cx.common.error
            }
            Some(PathRes::Item(Res::Trait(_))) => {
                cx.sink.push(
                    Diagnostic::error("E0782", "expected a type, found a trait", p.span, "a trait, not a type")
                        .with_help("use `impl Trait` for a generic argument, or `dyn Trait` for a trait object"),
                );
                cx.common.error
            }
            Some(PathRes::Item(r)) => {
                let last = p.segments.last().expect("paths have a segment");
                cx.sink.push(Diagnostic::error(
                    "E0573",
                    format!("expected type, found {} `{}`", describe(r), last.ident.name),
                    p.span,
                    "not a type",
                ));
                cx.common.error
            }
            Some(PathRes::Assoc { self_ty: base, name }) => assoc_ty(cx, base, &name),
            Some(PathRes::AdtAssoc { adt, type_seg, name }) => {
                let n = cx.adts[adt.index()].generics.params.len();
                let args =
                    lower_generic_args(cx, p.segments[type_seg].args.as_ref(), n, t.span, module, self_ty, infer);
                let base = cx.tys.intern(TyKind::Adt(adt, args));
                assoc_ty(cx, base, &name)
            }
            None => cx.common.error,
        },
        ast::TyKind::ImplTrait(bounds) => match cx.impl_arg_next {
            // An argument-position `impl Trait` is an anonymous generic parameter.
            Some(i) => {
                cx.impl_arg_next = Some(i + 1);
                let p = cx.tys.intern(TyKind::Param { index: i, name: format!("impl#{i}") });
                let mut preds = std::mem::take(&mut cx.impl_arg_preds);
                for b in bounds {
                    super::generics::lower_bound(cx, p, b, module, self_ty, &mut preds);
                }
                cx.impl_arg_preds = preds;
                p
            }
            None => {
                cx.sink.push(Diagnostic::error(
                    "E0562",
                    "`impl Trait` is not allowed here",
                    t.span,
                    "`impl Trait` is only allowed in function parameter and return types",
                ));
                cx.common.error
            }
        },
        ast::TyKind::DynTrait(bounds) => lower_dyn(cx, bounds, t.span, module, self_ty),
    }
}
