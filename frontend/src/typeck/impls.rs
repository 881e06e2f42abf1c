//! Traits and `impl` blocks: their headers and associated items.
//!
//! Takes the trait and impl declarations the collector found and fills [`Cx::traits`] and
//! [`Cx::impls`]: a trait's parameters (`Self` first), supertraits, associated types and methods
//! (a method with a body is the default); an impl's parameters, self type, trait reference,
//! associated types and methods. Inherent methods are also indexed by their type for method
//! lookup, trait methods by name. Reports missing trait items (E0046), items that are not in the
//! trait (E0407), and inherent impls on types of another crate (E0390/E0116). Runs after every
//! item has a name, trait headers before anything that may name an associated type.

use super::collect::{has_attr, lower_sig, new_fn, vis_of};
use super::generics;
use super::resolve;
use super::{unsupported, AssocRes, ConstDef, ConstId, ConstState, Cx, ModuleId, PendingFn};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, GenericParamDef, ImplId, Linkage, Predicate, TraitRef};
use crate::ty::{TraitId, TyKind};

/// Gives a trait its ID and parameters (`Self` first); the rest waits for [`lower_trait_header`].
pub(crate) fn declare_trait(cx: &mut Cx, t: &ast::TraitDef, path: String) -> TraitId {
    let id = cx.tys.add_trait_name(t.name.name.clone());
    let mut self_only = hir::Generics::default();
    self_only.params.push(GenericParamDef { name: "Self".into(), span: t.name.span });
    cx.allow_param_defaults = true;
    let g = generics::declare_params(cx, Some(&self_only), &t.generics);
    cx.allow_param_defaults = false;
    let g = hir::Generics { parent_count: 0, ..g };
    cx.traits.push(hir::TraitDef {
        name: t.name.name.clone(),
        path,
        span: t.name.span,
        generics: g,
        supertraits: Vec::new(),
        methods: Vec::new(),
        assoc_types: Vec::new(),
        assoc_predicates: Vec::new(),
        param_defaults: Vec::new(),
    });
    if t.is_auto {
        cx.sink.push(unsupported("auto traits", t.name.span));
    }
    id
}

/// Records the standard library's traits the compiler needs by role.
pub(crate) fn find_lang_traits(cx: &mut Cx) {
    use crate::hir::BinOp;
    let by_path = |cx: &Cx, p: &str| cx.traits.iter().position(|t| t.path == p).map(|i| TraitId(i as u32));
    let l = hir::LangTraits {
        copy: by_path(cx, "std::marker::Copy"),
        clone: by_path(cx, "std::clone::Clone"),
        drop: by_path(cx, "std::ops::Drop"),
        sized: by_path(cx, "std::marker::Sized"),
        partial_eq: by_path(cx, "std::cmp::PartialEq"),
        partial_ord: by_path(cx, "std::cmp::PartialOrd"),
        display: by_path(cx, "std::fmt::Display"),
        debug: by_path(cx, "std::fmt::Debug"),
        iterator: by_path(cx, "std::iter::Iterator"),
        into_iterator: by_path(cx, "std::iter::IntoIterator"),
        fn_once: by_path(cx, "std::ops::FnOnce"),
        fn_mut: by_path(cx, "std::ops::FnMut"),
        fn_: by_path(cx, "std::ops::Fn"),
        deref: by_path(cx, "std::ops::Deref"),
        deref_mut: by_path(cx, "std::ops::DerefMut"),
        index: by_path(cx, "std::ops::Index"),
        index_mut: by_path(cx, "std::ops::IndexMut"),
        future: by_path(cx, "std::future::Future"),
        send: by_path(cx, "std::marker::Send"),
        sync: by_path(cx, "std::marker::Sync"),
        maybe_uninit: cx
            .adts
            .iter()
            .position(|a| a.path == "std::mem::MaybeUninit")
            .map(|i| crate::ty::AdtId(i as u32)),
        ops: [
            (BinOp::Add, "Add"),
            (BinOp::Sub, "Sub"),
            (BinOp::Mul, "Mul"),
            (BinOp::Div, "Div"),
            (BinOp::Rem, "Rem"),
            (BinOp::BitAnd, "BitAnd"),
            (BinOp::BitOr, "BitOr"),
            (BinOp::BitXor, "BitXor"),
            (BinOp::Shl, "Shl"),
            (BinOp::Shr, "Shr"),
        ]
        .into_iter()
        .filter_map(|(op, name)| by_path(cx, &format!("std::ops::{name}")).map(|t| (op, t)))
        .collect(),
    };
    cx.lang = l;
}

/// A trait's supertraits, bounds and associated types.
pub(crate) fn lower_trait_header(cx: &mut Cx, id: TraitId, module: ModuleId, t: &ast::TraitDef) {
    let mut g = cx.traits[id.index()].generics.clone();
    let saved = generics::enter(cx, &g);
    let self_ty = generics::param_tys(cx, &g)[0];
    let params = generics::param_tys(cx, &g);
    // Inside the trait, `Self: Trait` holds.
    g.predicates.push(Predicate::Implements(TraitRef { trait_id: id, args: params }));
    let mut sup_preds = Vec::new();
    for b in &t.supertraits {
        generics::lower_bound(cx, self_ty, b, module, Some(self_ty), &mut sup_preds);
    }
    let supers = sup_preds
        .iter()
        .filter_map(|p| match p {
            Predicate::Implements(tr) => Some(tr.clone()),
            _ => None,
        })
        .collect();
    cx.traits[id.index()].supertraits = supers;
    let mut defaults = vec![None];
    for p in &t.generics.params {
        if let ast::GenericParam::Type { default, .. } = p {
            defaults.push(default.as_ref().map(|d| resolve::lower_ty(cx, d, module, Some(self_ty))));
        }
    }
    cx.traits[id.index()].param_defaults = defaults;
    g.predicates.extend(sup_preds);
    // Associated type names first: the where clause and methods may name `Self::Item`.
    let mut assoc = Vec::new();
    for ai in &t.items {
        if let ast::AssocItemKind::Type { name, .. } = &ai.kind {
            assoc.push((name.name.clone(), None));
        }
    }
    cx.traits[id.index()].assoc_types = assoc;
    cx.env = g.predicates.clone();
    generics::lower_predicates(cx, &mut g, &t.generics, module, Some(self_ty));
    let params = generics::param_tys(cx, &g);
    let mut assoc_preds = Vec::new();
    for ai in &t.items {
        if let ast::AssocItemKind::Type { name, bounds, .. } = &ai.kind {
            let proj =
                cx.tys.intern(TyKind::Projection { trait_id: id, args: params.clone(), name: name.name.clone() });
            for b in bounds {
                generics::lower_bound(cx, proj, b, module, Some(self_ty), &mut assoc_preds);
            }
        }
    }
    cx.traits[id.index()].assoc_predicates = assoc_preds;
    for (i, ai) in t.items.iter().enumerate() {
        if let ast::AssocItemKind::Type { default: Some(d), .. } = &ai.kind {
            let ty = resolve::lower_ty(cx, d, module, Some(self_ty));
            let k = t.items[..i].iter().filter(|x| matches!(x.kind, ast::AssocItemKind::Type { .. })).count();
            cx.traits[id.index()].assoc_types[k].1 = Some(ty);
        }
    }
    generics::leave(cx, saved);
    cx.traits[id.index()].generics = g;
}

/// A trait's methods: their signatures, and their default bodies as pending functions.
pub(crate) fn collect_trait_items<'a>(
    cx: &mut Cx<'a>,
    id: TraitId,
    module: ModuleId,
    t: &'a ast::TraitDef,
    pending: &mut Vec<PendingFn<'a>>,
) {
    let g = cx.traits[id.index()].generics.clone();
    let saved = generics::enter(cx, &g);
    let self_ty = generics::param_tys(cx, &g)[0];
    let path = cx.traits[id.index()].path.clone();
    for ai in &t.items {
        match &ai.kind {
            ast::AssocItemKind::Fn(decl) => {
                let name = &decl.sig.name;
                if cx.traits[id.index()].methods.iter().any(|(n, _)| *n == name.name) {
                    cx.sink.push(Diagnostic::error(
                        "E0428",
                        format!("the name `{}` is defined multiple times", name.name),
                        name.span,
                        format!("`{}` redefined here", name.name),
                    ));
                    continue;
                }
                let fid = new_fn(
                    cx,
                    name,
                    format!("{path}::{}", name.name),
                    Linkage::Internal,
                    has_attr(&ai.attrs, "inline"),
                );
                cx.fns[fid.index()].trait_id = Some(id);
                lower_sig(cx, fid, module, &decl.sig, Some(self_ty), Some(&g));
                if decl.body.is_some() {
                    pending.push(PendingFn { id: fid, module, self_ty: Some(self_ty), decl });
                    cx.trait_defaults.insert(fid);
                }
                cx.traits[id.index()].methods.push((name.name.clone(), fid));
                cx.trait_methods.entry(name.name.clone()).or_default().push(fid);
            }
            ast::AssocItemKind::Const { name, .. } => {
                cx.sink.push(unsupported("associated constants in traits", name.span))
            }
            ast::AssocItemKind::Type { .. } => {}
        }
    }
    generics::leave(cx, saved);
}

/// An impl's parameters, self type and trait reference; `None` after an error that makes its
/// items meaningless.
pub(crate) fn lower_impl_header(cx: &mut Cx, module: ModuleId, imp: &ast::ImplDef, item: &ast::Item) -> Option<ImplId> {
    let mut g = generics::declare_params(cx, None, &imp.generics);
    let saved = generics::enter(cx, &g);
    let self_ty = resolve::lower_ty(cx, &imp.self_ty, module, None);
    let mut extra = Vec::new();
    let trait_ref = match &imp.trait_ref {
        Some(p) => match generics::lower_trait_ref(cx, self_ty, p, module, Some(self_ty), &mut extra) {
            Some(tr) => Some(tr),
            None => {
                generics::leave(cx, saved);
                return None;
            }
        },
        None => None,
    };
    generics::lower_predicates(cx, &mut g, &imp.generics, module, Some(self_ty));
    generics::leave(cx, saved);
    if *cx.tys.kind(self_ty) == TyKind::Error {
        return None;
    }
    let auto = trait_ref.as_ref().filter(|tr| cx.tables().is_auto_trait(tr.trait_id));
    // Asserting `Send`/`Sync` is a promise the compiler cannot check: Rust's `unsafe impl`.
    if let Some(tr) = auto {
        if !imp.negative && !imp.is_unsafe {
            let name = cx.traits[tr.trait_id.index()].name.clone();
            cx.sink.push(
                Diagnostic::error(
                    "E0200",
                    format!("the trait `{name}` requires an `unsafe impl` declaration"),
                    item.span,
                    "",
                )
                .with_note(format!("the trait `{name}` enforces invariants that the compiler can't check"))
                .with_help("add `unsafe` to this trait implementation"),
            );
        }
    }
    // Negative impls say a type is not `Send`/`Sync`; other traits have nothing to negate.
    if imp.negative && (auto.is_none() || !imp.items.is_empty()) {
        cx.sink.push(unsupported("negative impls of traits other than `Send` and `Sync`", item.span));
        return None;
    }
    if trait_ref.is_none() && !matches!(cx.tys.kind(self_ty), TyKind::Adt(..)) && !cx.in_std(module) {
        let tn = cx.tys.display(self_ty).to_string();
        cx.sink.push(
            Diagnostic::error(
                "E0390",
                format!("cannot define inherent `impl` for primitive type `{tn}`"),
                imp.self_ty.span,
                "",
            )
            .with_help("consider using an extension trait instead"),
        );
        return None;
    }
    let id = ImplId(cx.impls.len() as u32);
    cx.impls.push(hir::ImplDef {
        generics: g,
        trait_ref,
        self_ty,
        methods: Vec::new(),
        assoc_types: Vec::new(),
        span: item.span,
        negative: imp.negative,
    });
    // Associated types now, so that other impls' signatures can normalize through this one.
    let g = cx.impls[id.index()].generics.clone();
    let saved = generics::enter(cx, &g);
    for ai in &imp.items {
        if let ast::AssocItemKind::Type { name, default, .. } = &ai.kind {
            match default {
                Some(t) => {
                    let ty = resolve::lower_ty(cx, t, module, Some(self_ty));
                    cx.impls[id.index()].assoc_types.push((name.name.clone(), ty));
                }
                None => {
                    cx.sink.push(Diagnostic::error("E9005", "associated type in `impl` without a type", name.span, ""))
                }
            }
        }
    }
    generics::leave(cx, saved);
    Some(id)
}

/// An impl's methods and constants; checks them against the trait.
pub(crate) fn collect_impl_items<'a>(
    cx: &mut Cx<'a>,
    id: ImplId,
    module: ModuleId,
    imp: &'a ast::ImplDef,
    pending: &mut Vec<PendingFn<'a>>,
) {
    let g = cx.impls[id.index()].generics.clone();
    let self_ty = cx.impls[id.index()].self_ty;
    let trait_ref = cx.impls[id.index()].trait_ref.clone();
    let saved = generics::enter(cx, &g);
    cx.impl_self = Some(self_ty);
    cx.impl_trait = trait_ref.clone();
    cx.impl_assoc = cx.impls[id.index()].assoc_types.clone();
    let type_path = match (cx.tys.kind(self_ty), &trait_ref) {
        (TyKind::Adt(a, _), None) => cx.adts[a.index()].path.clone(),
        (_, Some(tr)) => format!("<{} as {}>", cx.tys.display(self_ty), cx.traits[tr.trait_id.index()].path),
        _ => format!("<{}>", cx.tys.display(self_ty)),
    };
    let adt = match cx.tys.kind(self_ty) {
        TyKind::Adt(a, _) => Some(*a),
        _ => None,
    };
    for ai in &imp.items {
        let vis = vis_of(&ai.vis, module, cx);
        let (name, res) = match &ai.kind {
            ast::AssocItemKind::Fn(decl) => {
                let fid = new_fn(
                    cx,
                    &decl.sig.name,
                    format!("{type_path}::{}", decl.sig.name.name),
                    Linkage::Internal,
                    has_attr(&ai.attrs, "inline"),
                );
                cx.fns[fid.index()].track_caller = has_attr(&ai.attrs, "track_caller");
                cx.fns[fid.index()].impl_id = Some(id);
                lower_sig(cx, fid, module, &decl.sig, Some(self_ty), Some(&g));
                if decl.body.is_some() {
                    pending.push(PendingFn { id: fid, module, self_ty: Some(self_ty), decl });
                } else {
                    cx.sink.push(
                        Diagnostic::error("E9005", "associated function in `impl` without body", ai.span, "")
                            .with_help("provide a definition for the function: `{ <body> }`"),
                    );
                }
                if cx.impls[id.index()].method(&decl.sig.name.name).is_some() {
                    duplicate(
                        cx,
                        &decl.sig.name,
                        cx.fns[cx.impls[id.index()].method(&decl.sig.name.name).expect("found").index()].span,
                    );
                    continue;
                }
                cx.impls[id.index()].methods.push((decl.sig.name.name.clone(), fid));
                (&decl.sig.name, AssocRes::Fn(fid))
            }
            ast::AssocItemKind::Const { name, ty, default } => {
                if trait_ref.is_some() {
                    cx.sink.push(unsupported("associated constants in trait impls", name.span));
                    continue;
                }
                let cid = ConstId(cx.consts.len() as u32);
                let t = resolve::lower_ty(cx, ty, module, Some(self_ty));
                cx.consts.push(ConstDef {
                    name: name.name.clone(),
                    ty: t,
                    module,
                    self_ty: Some(self_ty),
                    expr: default.as_ref(),
                    span: name.span,
                    state: ConstState::NotYet,
                });
                (name, AssocRes::Const(cid))
            }
            ast::AssocItemKind::Type { name, .. } => {
                if trait_ref.is_none() {
                    cx.sink.push(Diagnostic::error(
                        "E0658",
                        "inherent associated types are unstable",
                        name.span,
                        "not allowed in inherent impls",
                    ));
                }
                continue;
            }
        };
        match (&trait_ref, adt) {
            (Some(tr), _) => {
                let td = &cx.traits[tr.trait_id.index()];
                if !td.methods.iter().any(|(n, _)| *n == name.name) {
                    let tname = td.name.clone();
                    cx.sink.push(Diagnostic::error(
                        "E0407",
                        format!("method `{}` is not a member of trait `{tname}`", name.name),
                        name.span,
                        format!("not a member of trait `{tname}`"),
                    ));
                }
            }
            (None, Some(adt)) => {
                let items = cx.inherent.entry(adt).or_default();
                if let Some((_, _, prev)) = items.get(&name.name) {
                    let prev = *prev;
                    duplicate(cx, name, prev);
                    continue;
                }
                items.insert(name.name.clone(), (res, vis, name.span));
            }
            (None, None) => {
                // Inherent impls on primitives and slices (the standard library's only): method
                // lookup matches their self types.
                if !cx.prim_impls.contains(&id) {
                    cx.prim_impls.push(id);
                }
            }
        }
    }
    if let Some(tr) = &trait_ref {
        let td = &cx.traits[tr.trait_id.index()];
        let mut missing: Vec<String> = td
            .methods
            .iter()
            .filter(|(n, f)| !cx.trait_defaults.contains(f) && cx.impls[id.index()].method(n).is_none())
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        for (n, default) in &td.assoc_types {
            if default.is_none() && cx.impls[id.index()].assoc_ty(n).is_none() {
                missing.push(format!("`{n}`"));
            }
        }
        if !missing.is_empty() {
            let tname = td.name.clone();
            let span = imp.self_ty.span;
            cx.sink.push(Diagnostic::error(
                "E0046",
                format!("not all trait items implemented, missing: {}", missing.join(", ")),
                span,
                format!("missing {} in implementation of `{tname}`", missing.join(", ")),
            ));
        }
    }
    cx.impl_self = None;
    cx.impl_trait = None;
    cx.impl_assoc.clear();
    generics::leave(cx, saved);
}

fn duplicate(cx: &mut Cx, name: &ast::Ident, prev: crate::span::Span) {
    cx.sink.push(
        Diagnostic::error(
            "E0592",
            format!("duplicate definitions with name `{}`", name.name),
            name.span,
            format!("duplicate definitions for `{}`", name.name),
        )
        .with_label(prev, format!("other definition for `{}`", name.name)),
    );
}

impl Cx<'_> {
    /// Whether `module` is part of the standard library (which may do what user code may not).
    pub(crate) fn in_std(&self, module: ModuleId) -> bool {
        module == self.std_module || self.module(module).path.starts_with("std::")
    }
}
