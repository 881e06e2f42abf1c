//! Item collection: builds the module tree and declares every item of the crate.
//!
//! Takes the crate's AST and fills the [`Cx`] tables in phases, because items may refer to each
//! other in any order: first every item gets an ID and a name in its module's type or value
//! namespace (E0428 on duplicates), then `use` declarations are resolved (`resolve::resolve_imports`),
//! then field types, signatures, `const`/`static` types and inherent `impl` blocks are lowered,
//! which needs the names. Returns the functions whose bodies remain to be checked. Relies on
//! `resolve` for paths and types and on `consts` for enum discriminants.

use super::resolve::{self, UseImport};
use super::{generics, impls};
use super::{
    unsupported, AliasDef, AliasId, Binding, ConstDef, ConstId, ConstState, Cx, FnInfo, Module, ModuleId, PendingFn,
    Res, SelfKind, Vis,
};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, CtorKind, FnId, IntrinsicFn, Linkage, StaticId, VariantIdx};
use crate::ty::{AdtId, Mutability, TraitId, Ty, TyKind};
use std::collections::HashMap;

/// Work left after names are declared.
#[derive(Default)]
struct Deferred<'a> {
    adts: Vec<(AdtId, ModuleId, &'a ast::Item)>,
    fns: Vec<(FnId, ModuleId, &'a ast::FnSig, Option<&'a ast::FnDecl>)>,
    consts: Vec<(ConstId, &'a ast::Ty)>,
    statics: Vec<(StaticId, ModuleId, &'a ast::Ty)>,
    impls: Vec<(ModuleId, &'a ast::ImplDef, &'a ast::Item)>,
    traits: Vec<(TraitId, ModuleId, &'a ast::TraitDef)>,
    uses: Vec<UseImport<'a>>,
}

pub(crate) fn collect_crate<'a>(
    cx: &mut Cx<'a>,
    file: &'a ast::SourceFile,
    std: &'a ast::SourceFile,
) -> Vec<PendingFn<'a>> {
    let root = new_module(cx, None, String::new());
    build_std(cx);
    let mut d = Deferred::default();
    declare_items(cx, &std.items, cx.std_module, &mut d);
    cx.prelude = match cx.modules[cx.std_module.0 as usize].types.get("prelude").map(|b| b.res) {
        Some(Res::Mod(m)) => Some(m),
        _ => None,
    };
    declare_items(cx, &file.items, root, &mut d);
    resolve::resolve_imports(cx, std::mem::take(&mut d.uses));
    for i in 0..cx.aliases.len() {
        resolve::alias_ty(cx, AliasId(i as u32));
    }
    impls::find_lang_traits(cx);
    for &(id, module, t) in &d.traits {
        impls::lower_trait_header(cx, id, module, t);
    }
    for &(id, module, item) in &d.adts {
        lower_adt(cx, id, module, item);
    }
    for &(id, t) in &d.consts {
        let (module, self_ty) = (cx.consts[id.0 as usize].module, cx.consts[id.0 as usize].self_ty);
        cx.consts[id.0 as usize].ty = resolve::lower_ty(cx, t, module, self_ty);
    }
    for &(id, module, t) in &d.statics {
        cx.statics[id.index()].ty = resolve::lower_ty(cx, t, module, None);
    }
    let mut pending = Vec::new();
    // Trait methods first: signatures naming `dyn Trait` check the trait's methods.
    for &(id, module, t) in &d.traits {
        impls::collect_trait_items(cx, id, module, t, &mut pending);
    }
    for &(id, module, sig, decl) in &d.fns {
        lower_sig(cx, id, module, sig, None, None);
        if let Some(decl) = decl.filter(|d| d.body.is_some()) {
            pending.push(PendingFn { id, module, self_ty: None, decl });
        }
    }
    let headers: Vec<_> =
        d.impls.iter().map(|&(module, imp, item)| impls::lower_impl_header(cx, module, imp, item)).collect();
    for (&(module, imp, _), header) in d.impls.iter().zip(headers) {
        if let Some(id) = header {
            impls::collect_impl_items(cx, id, module, imp, &mut pending);
        }
    }
    super::coherence::check_overlap(cx);
    super::coherence::check_supertraits(cx);
    for &(id, module, item) in &d.adts {
        if let ast::ItemKind::Enum(e) = &item.kind {
            enum_discriminants(cx, id, module, e);
        }
    }
    pending
}

fn new_module(cx: &mut Cx, parent: Option<ModuleId>, path: String) -> ModuleId {
    let id = ModuleId(cx.modules.len() as u32);
    cx.modules.push(Module { parent, path, types: HashMap::new(), values: HashMap::new(), globs: Vec::new() });
    id
}

/// The parts of `std` the core language needs, as a synthetic module tree outside the crate.
/// Other `std` paths resolve to "not supported yet".
fn build_std(cx: &mut Cx) {
    let std = new_module(cx, None, "std".into());
    cx.std_module = std;
    let process = new_module(cx, Some(std), "std::process".into());
    let b = |res| Binding { res, vis: Vis::Public, span: Default::default() };
    cx.modules[std.0 as usize].types.insert("process".into(), b(Res::Mod(process)));
    cx.modules[process.0 as usize].values.insert("exit".into(), b(Res::Intrinsic(IntrinsicFn::ProcessExit)));
}

pub(crate) fn vis_of(v: &ast::Visibility, module: ModuleId, cx: &Cx) -> Vis {
    match v {
        ast::Visibility::Private => Vis::Module(module),
        ast::Visibility::Public(_) => Vis::Public,
        ast::Visibility::Restricted(p, _) => match p.segments.first().map(|s| s.ident.name.as_str()) {
            Some("crate") => Vis::Module(ModuleId(0)),
            Some("self") => Vis::Module(module),
            Some("super") => Vis::Module(cx.module(module).parent.unwrap_or(module)),
            _ => Vis::Public,
        },
    }
}

pub(crate) fn child_path(cx: &Cx, module: ModuleId, name: &str) -> String {
    let p = &cx.module(module).path;
    if p.is_empty() {
        name.to_string()
    } else {
        format!("{p}::{name}")
    }
}

/// Adds `name` to a namespace of `module`; E0428 when it is there already.
pub(crate) fn define(cx: &mut Cx, module: ModuleId, type_ns: bool, name: &ast::Ident, b: Binding) -> bool {
    let m = &mut cx.modules[module.0 as usize];
    let ns = if type_ns { &mut m.types } else { &mut m.values };
    if let Some(prev) = ns.get(&name.name) {
        let prev = prev.span;
        cx.sink.push(
            Diagnostic::error(
                "E0428",
                format!("the name `{}` is defined multiple times", name.name),
                name.span,
                format!("`{}` redefined here", name.name),
            )
            .with_label(prev, format!("previous definition of `{}` here", name.name))
            .with_note(format!(
                "`{}` must be defined only once in the {} namespace of this module",
                name.name,
                if type_ns { "type" } else { "value" }
            )),
        );
        return false;
    }
    ns.insert(name.name.clone(), b);
    true
}

pub(crate) fn has_attr(item_attrs: &[ast::Attribute], name: &str) -> bool {
    item_attrs.iter().any(|a| matches!(&a.meta, ast::Meta::Word(p) if super::path_is(p, name)))
}

fn derives(attrs: &[ast::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs {
        if let ast::Meta::List(p, items) = &a.meta {
            if super::path_is(p, "derive") {
                for m in items {
                    if let ast::Meta::Word(p) = m {
                        if let Some(s) = p.segments.last() {
                            out.push(s.ident.name.clone());
                        }
                    }
                }
            }
        }
    }
    out
}

pub(crate) fn new_fn(cx: &mut Cx, name: &ast::Ident, path: String, linkage: Linkage, inline: bool) -> FnId {
    let id = FnId(cx.fns.len() as u32);
    let error = cx.common.error;
    cx.fns.push(hir::FnDef {
        name: name.name.clone(),
        path,
        span: name.span,
        generics: hir::Generics::default(),
        params: Vec::new(),
        ret: error,
        trait_id: None,
        impl_id: None,
        lib: false,
        track_caller: false,
        async_output: None,
        linkage,
        inline,
        body: None,
    });
    cx.fn_info.push(FnInfo { self_kind: None, self_ty: None, is_unsafe: false });
    id
}

fn declare_items<'a>(cx: &mut Cx<'a>, items: &'a [ast::Item], module: ModuleId, d: &mut Deferred<'a>) {
    for item in items {
        let vis = vis_of(&item.vis, module, cx);
        match &item.kind {
            ast::ItemKind::Fn(decl) => {
                let sig = &decl.sig;
                let no_mangle = has_attr(&item.attrs, "no_mangle");
                let linkage = match (&sig.abi, no_mangle) {
                    (Some(abi), _) if abi.value != "C" => {
                        cx.sink.push(unsupported(&format!("the `extern \"{}\"` ABI", abi.value), abi.span));
                        Linkage::Internal
                    }
                    (_, true) => Linkage::ExportC,
                    _ => Linkage::Internal,
                };
                let path = child_path(cx, module, &sig.name.name);
                let id = new_fn(cx, &sig.name, path, linkage, has_attr(&item.attrs, "inline"));
                cx.fns[id.index()].track_caller = has_attr(&item.attrs, "track_caller");
                if has_attr(&item.attrs, "test") {
                    cx.tests.push(id);
                }
                if define(cx, module, false, &sig.name, Binding { res: Res::Fn(id), vis, span: sig.name.span }) {
                    d.fns.push((id, module, sig, Some(decl)));
                }
            }
            ast::ItemKind::Mod(m) => {
                let path = child_path(cx, module, &m.name.name);
                let child = new_module(cx, Some(module), path);
                if define(cx, module, true, &m.name, Binding { res: Res::Mod(child), vis, span: m.name.span }) {
                    if let Some(items) = &m.items {
                        declare_items(cx, items, child, d);
                    }
                }
            }
            ast::ItemKind::ExternBlock(block) if block.abi.value == "rust-intrinsic" && cx.in_std(module) => {
                for fi in &block.items {
                    let fvis = vis_of(&fi.vis, module, cx);
                    let ast::ForeignItemKind::Fn(sig) = &fi.kind else { continue };
                    let Some(which) = hir::MemIntrinsic::from_name(&sig.name.name) else {
                        cx.sink.push(unsupported(&format!("the intrinsic `{}`", sig.name.name), sig.name.span));
                        continue;
                    };
                    let path = child_path(cx, module, &sig.name.name);
                    let id = new_fn(cx, &sig.name, path, Linkage::Intrinsic(which), false);
                    let b = Binding { res: Res::Fn(id), vis: fvis, span: sig.name.span };
                    if define(cx, module, false, &sig.name, b) {
                        d.fns.push((id, module, sig, None));
                    }
                }
            }
            ast::ItemKind::ExternBlock(block) => {
                let linkage = match block.abi.value.as_str() {
                    "C" => Linkage::ImportC,
                    "C-unwind" => Linkage::ImportCUnwind,
                    other => {
                        cx.sink.push(unsupported(&format!("`extern \"{other}\"` blocks"), block.abi.span));
                        continue;
                    }
                };
                for fi in &block.items {
                    let fvis = vis_of(&fi.vis, module, cx);
                    match &fi.kind {
                        ast::ForeignItemKind::Fn(sig) => {
                            let id = new_fn(cx, &sig.name, sig.name.name.clone(), linkage, false);
                            cx.fn_info[id.index()].is_unsafe = true;
                            cx.fns[id.index()].lib = cx.in_std(module);
                            let b = Binding { res: Res::Fn(id), vis: fvis, span: sig.name.span };
                            if define(cx, module, false, &sig.name, b) {
                                d.fns.push((id, module, sig, None));
                            }
                        }
                        _ => cx.sink.push(unsupported("this kind of foreign item", fi.span)),
                    }
                }
            }
            ast::ItemKind::Struct(s) => {
                let id = new_adt(cx, &s.name, module, false, item, &s.generics);
                if define(cx, module, true, &s.name, Binding { res: Res::Adt(id), vis, span: s.name.span }) {
                    // Tuple and unit structs also name their constructor in the value namespace.
                    if !matches!(s.data, ast::VariantData::Named(_)) {
                        let b = Binding { res: Res::Variant(id, VariantIdx(0)), vis, span: s.name.span };
                        define(cx, module, false, &s.name, b);
                    }
                    d.adts.push((id, module, item));
                }
            }
            ast::ItemKind::Enum(e) => {
                let id = new_adt(cx, &e.name, module, true, item, &e.generics);
                if define(cx, module, true, &e.name, Binding { res: Res::Adt(id), vis, span: e.name.span }) {
                    d.adts.push((id, module, item));
                }
            }
            ast::ItemKind::Const(c) => {
                let id = ConstId(cx.consts.len() as u32);
                let error = cx.common.error;
                cx.consts.push(ConstDef {
                    name: c.name.name.clone(),
                    ty: error,
                    module,
                    self_ty: None,
                    expr: c.value.as_ref(),
                    span: c.name.span,
                    state: ConstState::NotYet,
                });
                if c.value.is_none() {
                    cx.sink.push(
                        Diagnostic::error("E9004", "free constant item without body", item.span, "")
                            .with_help("provide a definition for the constant: `= <expr>;`"),
                    );
                }
                if define(cx, module, false, &c.name, Binding { res: Res::Const(id), vis, span: c.name.span }) {
                    d.consts.push((id, &c.ty));
                }
            }
            ast::ItemKind::Static(s) => {
                let id = StaticId(cx.statics.len() as u32);
                let error = cx.common.error;
                cx.statics.push(hir::StaticDef {
                    name: s.name.name.clone(),
                    path: child_path(cx, module, &s.name.name),
                    ty: error,
                    mutable: s.mutable,
                    value: hir::ConstVal::Bool(false),
                    span: s.name.span,
                });
                cx.static_exprs.push((s.value.as_ref(), module));
                if define(cx, module, false, &s.name, Binding { res: Res::Static(id), vis, span: s.name.span }) {
                    d.statics.push((id, module, &s.ty));
                }
            }
            ast::ItemKind::TypeAlias(a) => {
                let generics = generics::declare_params(cx, None, &a.generics);
                let id = AliasId(cx.aliases.len() as u32);
                cx.aliases.push(AliasDef { module, ast: &a.ty, generics, ty: None, in_progress: false });
                define(cx, module, true, &a.name, Binding { res: Res::Alias(id), vis, span: a.name.span });
            }
            ast::ItemKind::Use(tree) => resolve::flatten_use(cx, tree, &[], module, vis, &mut d.uses),
            ast::ItemKind::Impl(imp) => d.impls.push((module, imp, item)),
            ast::ItemKind::Trait(t) => {
                let id = impls::declare_trait(cx, t, child_path(cx, module, &t.name.name));
                if define(cx, module, true, &t.name, Binding { res: Res::Trait(id), vis, span: t.name.span }) {
                    d.traits.push((id, module, t));
                }
            }
        }
    }
}

fn new_adt(
    cx: &mut Cx,
    name: &ast::Ident,
    module: ModuleId,
    is_enum: bool,
    item: &ast::Item,
    generics: &ast::Generics,
) -> AdtId {
    let id = cx.tys.add_adt_name(name.name.clone());
    let ds = derives(&item.attrs);
    let is_copy = ds.iter().any(|d| d == "Copy");
    let generics = generics::declare_params(cx, None, generics);
    // Variant names are known now, so that `use Enum::Variant` resolves before fields are lowered.
    let variants = match &item.kind {
        ast::ItemKind::Enum(e) => e
            .variants
            .iter()
            .map(|v| hir::VariantDef {
                name: v.name.name.clone(),
                ctor: CtorKind::Unit,
                fields: Vec::new(),
                discr: 0,
                span: v.name.span,
            })
            .collect(),
        _ => Vec::new(),
    };
    cx.adts.push(hir::AdtDef {
        name: name.name.clone(),
        path: child_path(cx, module, &name.name),
        span: name.span,
        is_enum,
        variants,
        generics,
        derives: ds,
        is_copy,
    });
    cx.adt_module.push(module);
    id
}

fn lower_fields(
    cx: &mut Cx,
    data: &ast::VariantData,
    module: ModuleId,
    self_ty: Ty,
    in_enum: bool,
) -> (CtorKind, Vec<hir::FieldDef>) {
    let (ctor, fields) = match data {
        ast::VariantData::Named(f) => (CtorKind::Named, f.as_slice()),
        ast::VariantData::Tuple(f) => (CtorKind::Tuple, f.as_slice()),
        ast::VariantData::Unit => (CtorKind::Unit, &[][..]),
    };
    let mut seen: HashMap<String, crate::span::Span> = HashMap::new();
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let ty = resolve::lower_ty(cx, &f.ty, module, Some(self_ty));
        let name = f.name.as_ref().map(|n| n.name.clone()).unwrap_or_else(|| i.to_string());
        if let Some(n) = &f.name {
            if let Some(prev) = seen.insert(n.name.clone(), n.span) {
                cx.sink.push(
                    Diagnostic::error(
                        "E0124",
                        format!("field `{}` is already declared", n.name),
                        n.span,
                        "field already declared",
                    )
                    .with_label(prev, format!("`{}` first declared here", n.name)),
                );
            }
        }
        // Enum variant fields are as public as the enum.
        let public = in_enum || !matches!(f.vis, ast::Visibility::Private);
        out.push(hir::FieldDef { name, ty, public, span: f.span });
    }
    (ctor, out)
}

fn lower_adt(cx: &mut Cx, id: AdtId, module: ModuleId, item: &ast::Item) {
    let mut g = cx.adts[id.index()].generics.clone();
    let saved = generics::enter(cx, &g);
    let params = generics::param_tys(cx, &g);
    let self_ty = cx.tys.intern(TyKind::Adt(id, params));
    // Bounds on the parameters let field types name associated types (`I::Item`).
    let ast_generics = match &item.kind {
        ast::ItemKind::Struct(s) => Some(&s.generics),
        ast::ItemKind::Enum(e) => Some(&e.generics),
        _ => None,
    };
    if let Some(ag) = ast_generics {
        generics::lower_predicates(cx, &mut g, ag, module, Some(self_ty));
        cx.adts[id.index()].generics.predicates = g.predicates.clone();
    }
    cx.adts[id.index()].variants.clear();
    match &item.kind {
        ast::ItemKind::Struct(s) => {
            let (ctor, fields) = lower_fields(cx, &s.data, module, self_ty, false);
            cx.adts[id.index()].variants.push(hir::VariantDef {
                name: s.name.name.clone(),
                ctor,
                fields,
                discr: 0,
                span: s.name.span,
            });
        }
        ast::ItemKind::Enum(e) => {
            let mut seen: HashMap<String, crate::span::Span> = HashMap::new();
            for (i, v) in e.variants.iter().enumerate() {
                if let Some(prev) = seen.insert(v.name.name.clone(), v.name.span) {
                    cx.sink.push(
                        Diagnostic::error(
                            "E0428",
                            format!("the name `{}` is defined multiple times", v.name.name),
                            v.name.span,
                            format!("`{}` redefined here", v.name.name),
                        )
                        .with_label(prev, format!("previous definition of `{}` here", v.name.name)),
                    );
                }
                let (ctor, fields) = lower_fields(cx, &v.data, module, self_ty, true);
                cx.adts[id.index()].variants.push(hir::VariantDef {
                    name: v.name.name.clone(),
                    ctor,
                    fields,
                    discr: i as i128,
                    span: v.name.span,
                });
            }
        }
        _ => unreachable!("only structs and enums are ADTs"),
    }
    generics::leave(cx, saved);
    check_recursive(cx, id);
}

/// E0072: a struct or enum that contains itself without indirection has infinite size.
fn check_recursive(cx: &mut Cx, id: AdtId) {
    fn contains(cx: &Cx, t: Ty, target: AdtId, seen: &mut Vec<AdtId>) -> bool {
        match cx.tys.kind(t) {
            TyKind::Adt(a, _) => {
                if *a == target {
                    return true;
                }
                if seen.contains(a) || a.index() >= cx.adts.len() {
                    return false;
                }
                seen.push(*a);
                cx.adts[a.index()].variants.iter().flat_map(|v| &v.fields).any(|f| contains(cx, f.ty, target, seen))
            }
            TyKind::Tuple(ts) => ts.iter().any(|t| contains(cx, *t, target, seen)),
            TyKind::Array(t, _) => contains(cx, *t, target, seen),
            _ => false,
        }
    }
    let fields: Vec<Ty> = cx.adts[id.index()].variants.iter().flat_map(|v| v.fields.iter().map(|f| f.ty)).collect();
    if fields.iter().any(|f| contains(cx, *f, id, &mut Vec::new())) {
        let a = &cx.adts[id.index()];
        let what = if a.is_enum { "enum" } else { "struct" };
        let d = Diagnostic::error(
            "E0072",
            format!("recursive type `{}` has infinite size", a.name),
            a.span,
            "recursive without indirection",
        )
        .with_help(format!("insert some indirection (e.g., a `Box` or a reference) to break the cycle in this {what}"));
        cx.sink.push(d);
    }
}

fn enum_discriminants(cx: &mut Cx, id: AdtId, module: ModuleId, e: &ast::EnumDef) {
    let isize_ty = cx.common.isize;
    let mut next: i128 = 0;
    let mut seen: HashMap<i128, crate::span::Span> = HashMap::new();
    for (i, v) in e.variants.iter().enumerate() {
        if let Some(expr) = &v.discriminant {
            if let Some(hir::ConstVal::Int(bits)) = super::consts::eval_standalone(cx, expr, module, isize_ty) {
                next = bits as i64 as i128;
            }
        }
        if let Some(prev) = seen.insert(next, v.name.span) {
            cx.sink.push(
                Diagnostic::error(
                    "E0081",
                    "discriminant value assigned more than once",
                    v.name.span,
                    format!("`{next}` assigned here"),
                )
                .with_label(prev, format!("`{next}` assigned here")),
            );
        }
        cx.adts[id.index()].variants[i].discr = next;
        next = next.wrapping_add(1);
    }
}

/// How many `impl Trait` types a written type contains.
fn count_impl_trait(t: &ast::Ty) -> usize {
    match &t.kind {
        ast::TyKind::ImplTrait(_) => 1,
        ast::TyKind::Ref { ty, .. } | ast::TyKind::Ptr { ty, .. } | ast::TyKind::Slice(ty) | ast::TyKind::Paren(ty) => {
            count_impl_trait(ty)
        }
        ast::TyKind::Array(ty, _) => count_impl_trait(ty),
        ast::TyKind::Tuple(ts) => ts.iter().map(count_impl_trait).sum(),
        _ => 0,
    }
}

/// Lowers a function's signature: its generics (after `parent`'s), parameter and return types.
pub(crate) fn lower_sig(
    cx: &mut Cx,
    id: FnId,
    module: ModuleId,
    sig: &ast::FnSig,
    self_ty: Option<Ty>,
    parent: Option<&hir::Generics>,
) {
    let mut g = generics::declare_params(cx, parent, &sig.generics);
    // Each argument-position `impl Trait` becomes one more (unnameable) type parameter.
    let impl_args: usize = sig
        .params
        .iter()
        .map(|p| match &p.kind {
            ast::ParamKind::Normal { ty, .. } => count_impl_trait(ty),
            _ => 0,
        })
        .sum();
    let first_impl_arg = g.params.len() as u32;
    for k in 0..impl_args {
        g.params.push(hir::GenericParamDef { name: format!("impl#{}", first_impl_arg as usize + k), span: sig.span });
    }
    let saved = generics::enter(cx, &g);
    generics::lower_predicates(cx, &mut g, &sig.generics, module, self_ty);
    cx.impl_arg_next = Some(first_impl_arg);
    let mut params = Vec::new();
    let mut self_kind = None;
    for (i, p) in sig.params.iter().enumerate() {
        match &p.kind {
            ast::ParamKind::Normal { ty, .. } => params.push(resolve::lower_ty(cx, ty, module, self_ty)),
            ast::ParamKind::SelfParam(sp) => {
                let Some(st) = self_ty.filter(|_| i == 0) else {
                    cx.sink.push(
                        Diagnostic::error(
                            "E0424",
                            "`self` parameter is only allowed in associated functions",
                            p.span,
                            "not semantically valid as function parameter",
                        )
                        .with_note("associated functions are those in `impl` or `trait` definitions"),
                    );
                    params.push(cx.common.error);
                    continue;
                };
                let (kind, ty) = match sp {
                    ast::SelfParam::Value { .. } => (SelfKind::Value, st),
                    ast::SelfParam::Ref { mutable: false, .. } => {
                        (SelfKind::Ref, cx.tys.intern(TyKind::Ref(st, Mutability::Not)))
                    }
                    ast::SelfParam::Ref { mutable: true, .. } => {
                        (SelfKind::RefMut, cx.tys.intern(TyKind::Ref(st, Mutability::Mut)))
                    }
                    ast::SelfParam::Typed { ty, .. } => {
                        let t = resolve::lower_ty(cx, ty, module, self_ty);
                        let k = match cx.tys.kind(t) {
                            _ if t == st => SelfKind::Value,
                            TyKind::Ref(x, Mutability::Not) if *x == st => SelfKind::Ref,
                            TyKind::Ref(x, Mutability::Mut) if *x == st => SelfKind::RefMut,
                            _ => {
                                cx.sink.push(unsupported("this `self` type", ty.span));
                                SelfKind::Value
                            }
                        };
                        (k, t)
                    }
                };
                self_kind = Some(kind);
                params.push(ty);
            }
        }
    }
    if sig.variadic {
        cx.sink.push(unsupported("variadic functions", sig.span));
    }
    cx.impl_arg_next = None;
    g.predicates.extend(std::mem::take(&mut cx.impl_arg_preds));
    cx.env = g.predicates.clone();
    let ret = match &sig.ret {
        // `-> impl Trait`: the body decides the type (see `check_crate`).
        Some(ast::Ty { kind: ast::TyKind::ImplTrait(bounds), .. }) => {
            let hidden = super::opaque_placeholder(&cx.tys);
            let mut preds = Vec::new();
            for b in bounds {
                generics::lower_bound(cx, hidden, b, module, self_ty, &mut preds);
            }
            cx.opaque.insert(id, preds);
            hidden
        }
        Some(t) => resolve::lower_ty(cx, t, module, self_ty),
        None => cx.common.unit,
    };
    generics::leave(cx, saved);
    // `async fn f(..) -> T` returns a future of `T`: calling it only builds the frame.
    let (ret, async_output) = if sig.is_async {
        let args = generics::param_tys(cx, &g);
        (cx.tys.intern(TyKind::Coroutine { def: id.0, args, output: ret }), Some(ret))
    } else {
        (ret, None)
    };
    let f = &mut cx.fns[id.index()];
    f.generics = g;
    f.params = params;
    f.ret = ret;
    f.async_output = async_output;
    let info = &mut cx.fn_info[id.index()];
    info.self_kind = self_kind;
    info.self_ty = self_ty;
    info.is_unsafe |= sig.is_unsafe;
}
