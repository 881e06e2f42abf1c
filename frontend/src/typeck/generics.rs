//! Generic parameters and bounds: AST generics to [`hir::Generics`].
//!
//! Takes an item's written parameter list, bounds and `where` clause, plus its parent's generics
//! (an `impl` or `trait`), and produces the item's parameters (parent's first, so `Param { index }`
//! indexes one flat list) and predicates. While an item's signature or body is lowered its
//! parameters are "in scope": [`Cx::scope`] maps their names to `Param` types, which path
//! resolution consults before the module's items. Lifetimes are accepted and ignored (borrow
//! checking is a later stage); `?Sized` is accepted.

use super::resolve::{self, Ns, PathRes};
use super::{unsupported, Cx, ModuleId, Res};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, GenericParamDef, Predicate, TraitRef};
use crate::ty::{Ty, TyKind};

/// The `Param` types of `generics`, by index.
pub(crate) fn param_tys(cx: &Cx, generics: &hir::Generics) -> Vec<Ty> {
    generics
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| cx.tys.intern(TyKind::Param { index: i as u32, name: p.name.clone() }))
        .collect()
}

/// The scope and environment [`enter`] replaced.
pub(crate) struct SavedScope {
    scope: Vec<(String, Ty)>,
    env: Vec<Predicate>,
}

/// Puts `generics`' parameters and bounds in scope (replacing what was there).
pub(crate) fn enter(cx: &mut Cx, generics: &hir::Generics) -> SavedScope {
    let tys = param_tys(cx, generics);
    let scope = generics.params.iter().zip(tys).map(|(p, t)| (p.name.clone(), t)).collect();
    let env = generics.predicates.clone();
    SavedScope { scope: std::mem::replace(&mut cx.scope, scope), env: std::mem::replace(&mut cx.env, env) }
}

pub(crate) fn leave(cx: &mut Cx, saved: SavedScope) {
    cx.scope = saved.scope;
    cx.env = saved.env;
}

/// Declares the parameters of `ast` after `parent`'s (the predicates come later, from
/// [`lower_predicates`], once every parameter can be named).
pub(crate) fn declare_params(cx: &mut Cx, parent: Option<&hir::Generics>, ast: &ast::Generics) -> hir::Generics {
    let mut g = match parent {
        Some(p) => {
            hir::Generics { params: p.params.clone(), parent_count: p.params.len(), predicates: p.predicates.clone() }
        }
        None => hir::Generics::default(),
    };
    for p in &ast.params {
        match p {
            ast::GenericParam::Type { name, default, .. } => {
                if let Some(prev) = g.params[g.parent_count..].iter().find(|q| q.name == name.name) {
                    let prev = prev.span;
                    cx.sink.push(
                        Diagnostic::error(
                            "E0403",
                            format!("the name `{}` is already used for a generic parameter", name.name),
                            name.span,
                            "already used",
                        )
                        .with_label(prev, format!("first use of `{}`", name.name)),
                    );
                }
                if let Some(d) = default {
                    // Traits keep their defaults (`Add<Rhs = Self>`; see `impls.rs`).
                    if !cx.allow_param_defaults {
                        cx.sink.push(unsupported("defaults for generic parameters", d.span));
                    }
                }
                g.params.push(GenericParamDef { name: name.name.clone(), span: name.span });
            }
            ast::GenericParam::Lifetime { .. } => {}
            ast::GenericParam::Const { name, .. } => cx.sink.push(unsupported("const generics", name.span)),
        }
    }
    g
}

/// Adds the bounds written in `ast` (inline and `where`) to `g.predicates`. `g`'s parameters
/// must be in scope.
pub(crate) fn lower_predicates(
    cx: &mut Cx,
    g: &mut hir::Generics,
    ast: &ast::Generics,
    module: ModuleId,
    self_ty: Option<Ty>,
) {
    for p in &ast.params {
        if let ast::GenericParam::Type { name, bounds, .. } = p {
            let t = cx.scope.iter().rev().find(|(n, _)| *n == name.name).map(|(_, t)| *t).unwrap_or(cx.common.error);
            for b in bounds {
                lower_bound(cx, t, b, module, self_ty, &mut g.predicates);
                // Later bounds may name this one's associated types (`F: Fn(I::Item)`).
                cx.env = g.predicates.clone();
            }
        }
    }
    for w in &ast.where_clause {
        if let ast::WherePredicate::Bound { ty, bounds, .. } = w {
            let t = resolve::lower_ty(cx, ty, module, self_ty);
            for b in bounds {
                lower_bound(cx, t, b, module, self_ty, &mut g.predicates);
                cx.env = g.predicates.clone();
            }
        }
    }
    cx.env = g.predicates.clone();
}

/// `bounded: Trait<A, Item = B>` as predicates.
pub(crate) fn lower_bound(
    cx: &mut Cx,
    bounded: Ty,
    b: &ast::GenericBound,
    module: ModuleId,
    self_ty: Option<Ty>,
    out: &mut Vec<Predicate>,
) {
    let ast::GenericBound::Trait { path, maybe, .. } = b else { return };
    if *maybe {
        // `?Sized`: every type we handle behind a pointer may be unsized already.
        return;
    }
    let Some(tr) = lower_trait_ref(cx, bounded, path, module, self_ty, out) else { return };
    if !out.contains(&Predicate::Implements(tr.clone())) {
        out.push(Predicate::Implements(tr));
    }
}

/// Resolves `path` to a trait applied to `self_arg` and the path's arguments. Associated-type
/// bindings (`Item = u32`, `Fn(A) -> R`'s output) become `AssocEq` predicates in `extra`.
pub(crate) fn lower_trait_ref(
    cx: &mut Cx,
    self_arg: Ty,
    path: &ast::Path,
    module: ModuleId,
    self_ty: Option<Ty>,
    extra: &mut Vec<Predicate>,
) -> Option<TraitRef> {
    let tid = match resolve::resolve_path(cx, module, path, Ns::Type, self_ty)? {
        PathRes::Item(Res::Trait(t)) => t,
        _ => {
            cx.sink.push(Diagnostic::error(
                "E0404",
                format!("expected trait, found type `{}`", path_text(path)),
                path.span,
                "not a trait",
            ));
            return None;
        }
    };
    let nparams = cx.traits[tid.index()].generics.params.len();
    let mut args = vec![self_arg];
    let mut bindings = Vec::new();
    match path.segments.last().and_then(|s| s.args.as_ref()) {
        None => {}
        Some(ast::GenericArgs::AngleBracketed { args: ga, .. }) => {
            for a in ga {
                match a {
                    ast::GenericArg::Type(t) => args.push(resolve::lower_ty(cx, t, module, self_ty)),
                    ast::GenericArg::Binding { name, ty } => {
                        bindings.push((name.clone(), resolve::lower_ty(cx, ty, module, self_ty)))
                    }
                    ast::GenericArg::Lifetime(_) => {}
                    ast::GenericArg::Const(e) => cx.sink.push(unsupported("const generics", e.span)),
                    ast::GenericArg::Constraint { name, .. } => {
                        cx.sink.push(unsupported("associated type bounds", name.span))
                    }
                }
            }
        }
        Some(ast::GenericArgs::Parenthesized { inputs, output, .. }) => {
            // `Fn(A, B) -> C` is `Fn<(A, B), Output = C>`.
            let ins = inputs.iter().map(|t| resolve::lower_ty(cx, t, module, self_ty)).collect();
            args.push(cx.tys.intern(TyKind::Tuple(ins)));
            let out = match output {
                Some(t) => resolve::lower_ty(cx, t, module, self_ty),
                None => cx.common.unit,
            };
            bindings.push((ast::Ident { name: "Output".into(), span: path.span }, out));
        }
    }
    // Omitted trailing arguments take the trait's defaults (`Add` is `Add<Self>`).
    while args.len() < nparams {
        match cx.traits[tid.index()].param_defaults.get(args.len()).copied().flatten() {
            Some(d) => {
                let d = cx.tys.subst(d, &args);
                args.push(d);
            }
            None => break,
        }
    }
    if args.len() != nparams {
        let tname = cx.traits[tid.index()].name.clone();
        cx.sink.push(Diagnostic::error(
            "E0107",
            format!(
                "trait takes {} generic argument{} but {} generic argument{} supplied",
                nparams - 1,
                if nparams == 2 { "" } else { "s" },
                args.len() - 1,
                if args.len() == 2 { " was" } else { "s were" }
            ),
            path.span,
            format!("`{tname}` used with the wrong number of arguments"),
        ));
        return None;
    }
    let tr = TraitRef { trait_id: tid, args };
    for (name, ty) in bindings {
        let known = cx
            .traits_with_supers(&tr)
            .into_iter()
            .find(|t| cx.traits[t.trait_id.index()].assoc_types.iter().any(|(n, _)| *n == name.name));
        match known {
            Some(owner) => extra.push(Predicate::AssocEq { trait_ref: owner, name: name.name.clone(), ty }),
            None => cx.sink.push(Diagnostic::error(
                "E0220",
                format!("associated type `{}` not found for `{}`", name.name, cx.traits[tid.index()].name),
                name.span,
                "associated type not found",
            )),
        }
    }
    Some(tr)
}

fn path_text(p: &ast::Path) -> String {
    p.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::")
}
