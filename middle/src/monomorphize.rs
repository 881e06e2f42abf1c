//! Monomorphization: one concrete function per generic instance.
//!
//! Takes the checked [`hir::Crate`] and rewrites it in place so that every function body the
//! MIR builder sees is concrete. Starting from every non-generic function of the program with a
//! body (the standard library's functions are compiled only when reached), each body is copied
//! with its types
//! substituted and its associated types normalized; each call of a generic function becomes a
//! call of an instance, a new `FnDef` appended to `krate.fns` and deduplicated by
//! `(function, arguments)`; each call of a trait method is resolved to the impl's method (or the
//! trait's default body) for the concrete `Self`, and every type with a `Drop` impl that the
//! code holds gets its `drop` instance recorded in `krate.drop_impls`. Generic functions keep no body
//! afterwards, so later stages only ever see instances. Relies on type checking having proved
//! every trait obligation, so selection on concrete types finds exactly one impl.

use std::collections::{HashMap, HashSet};

use aether_frontend::hir::{self, ExprKind, FnId, TraitRef};
use aether_frontend::traits::{Selection, TraitTables};
use aether_frontend::ty::{Ty, TyInterner, TyKind};

/// An error that type checking should have prevented (reported as an internal error).
#[derive(Debug)]
pub struct MonoError(pub String);

/// Instantiates every generic function the program reaches; see the module documentation.
pub fn monomorphize(krate: &mut hir::Crate) -> Result<(), MonoError> {
    let mut m = Mono {
        instances: HashMap::new(),
        queue: Vec::new(),
        done: HashSet::new(),
        lib_queue: Vec::new(),
        drop_seen: HashSet::new(),
    };
    let roots: Vec<FnId> = (0..krate.fns.len())
        .map(|i| FnId(i as u32))
        .filter(|&f| krate.fn_def(f).generics.is_empty() && krate.fn_def(f).body.is_some() && !krate.fn_def(f).lib)
        .collect();
    m.done.extend(roots.iter().copied());
    for f in roots {
        let body = krate.fns[f.index()].body.take().expect("roots have bodies");
        let body = m.instantiate_body(krate, body, &[])?;
        krate.fns[f.index()].body = Some(body);
    }
    loop {
        // Library functions without generics, reached from instantiated code.
        if let Some(f) = m.lib_queue.pop() {
            let body = krate.fns[f.index()].body.take().expect("queued library functions have bodies");
            let body = m.instantiate_body(krate, body, &[])?;
            krate.fns[f.index()].body = Some(body);
            continue;
        }
        let Some((id, origin, substs)) = m.queue.pop() else { break };
        let body = krate.fns[origin.index()]
            .body
            .clone()
            .ok_or_else(|| MonoError(format!("`{}` is called but has no body", krate.fns[origin.index()].path)))?;
        let body = m.instantiate_body(krate, body, &substs)?;
        krate.fns[id.index()].body = Some(body);
    }
    // Only instances and reached functions are code now.
    for (i, f) in krate.fns.iter_mut().enumerate() {
        if !f.generics.is_empty() || (f.lib && !m.done.contains(&FnId(i as u32))) {
            f.body = None;
        }
    }
    Ok(())
}

struct Mono {
    /// `(function, arguments)` to the instance's function.
    instances: HashMap<(FnId, Vec<Ty>), FnId>,
    /// Instances whose bodies remain to be made: (instance, generic function, arguments).
    queue: Vec<(FnId, FnId, Vec<Ty>)>,
    /// Non-generic functions whose bodies are (being) rewritten.
    done: HashSet<FnId>,
    /// Non-generic library functions reached but not yet rewritten.
    lib_queue: Vec<FnId>,
    /// Types whose drop impls are registered.
    drop_seen: HashSet<Ty>,
}

impl Mono {
    fn instantiate_body(
        &mut self,
        krate: &mut hir::Crate,
        mut body: hir::Body,
        substs: &[Ty],
    ) -> Result<hir::Body, MonoError> {
        for l in &mut body.locals {
            l.ty = concrete(krate, l.ty, substs);
            self.register_drop(krate, l.ty)?;
        }
        self.expr(krate, &mut body.value, substs)?;
        Ok(body)
    }

    fn expr(&mut self, krate: &mut hir::Crate, e: &mut hir::Expr, substs: &[Ty]) -> Result<(), MonoError> {
        e.ty = concrete(krate, e.ty, substs);
        self.register_drop(krate, e.ty)?;
        match &mut e.kind {
            ExprKind::Call { callee, substs: call_substs, .. }
                if matches!(krate.fn_def(*callee).linkage, hir::Linkage::Intrinsic(_)) =>
            {
                // Intrinsics are expanded where they are called, for their type argument.
                let cs: Vec<Ty> = call_substs.iter().map(|t| concrete(krate, *t, substs)).collect();
                if krate.fn_def(*callee).linkage == hir::Linkage::Intrinsic(hir::MemIntrinsic::DropInPlace) {
                    if let Some(&t) = cs.first() {
                        self.register_drop(krate, t)?;
                    }
                }
                *call_substs = cs;
            }
            ExprKind::Call { callee, substs: call_substs, args } => {
                let cs: Vec<Ty> = call_substs.iter().map(|t| concrete(krate, *t, substs)).collect();
                match resolve_callee(krate, *callee, cs)? {
                    Some((f, s)) => {
                        *callee = self.instance(krate, f, s);
                        call_substs.clear();
                    }
                    None => {
                        // `Clone::clone` of a tuple or array of `Copy` elements: a copy.
                        let arg = args.pop().ok_or_else(|| MonoError("`clone` without a receiver".into()))?;
                        e.kind = ExprKind::Deref(Box::new(arg));
                    }
                }
            }
            ExprKind::Match { arms, .. } => {
                for a in arms.iter_mut() {
                    pat(krate, &mut a.pat, substs);
                }
            }
            ExprKind::Let { pat: p, .. } => pat(krate, p, substs),
            ExprKind::Block(b) => {
                for s in b.stmts.iter_mut() {
                    if let hir::Stmt::Let { pat: p, .. } = s {
                        pat(krate, p, substs);
                    }
                }
            }
            _ => {}
        }
        let mut result = Ok(());
        e.for_each_child_mut(|c| {
            if result.is_ok() {
                result = self.expr(krate, c, substs);
            }
        });
        result
    }

    /// Makes sure every type with a `Drop` impl that a value of `t` contains has its `drop`
    /// instance in `krate.drop_impls` (drop glue calls them).
    fn register_drop(&mut self, krate: &mut hir::Crate, t: Ty) -> Result<(), MonoError> {
        if !self.drop_seen.insert(t) {
            return Ok(());
        }
        match krate.tys.kind(t).clone() {
            TyKind::Tuple(ts) => ts.into_iter().try_for_each(|x| self.register_drop(krate, x)),
            TyKind::Array(e, _) => self.register_drop(krate, e),
            TyKind::Adt(id, args) => {
                if let Some(drop_trait) = krate.lang.drop {
                    let tables = TraitTables::of(krate);
                    if let Selection::Impl(imp, impl_substs) =
                        tables.select(&TraitRef { trait_id: drop_trait, args: vec![t] }, &[])
                    {
                        let m = krate
                            .impl_def(imp)
                            .method("drop")
                            .ok_or_else(|| MonoError("`Drop` impl without `drop`".into()))?;
                        let inst = self.instance(krate, m, impl_substs);
                        krate.drop_impls.insert(t, inst);
                    }
                }
                let fields: Vec<Ty> =
                    krate.adt(id).variants.iter().flat_map(|v| v.fields.iter().map(|f| f.ty)).collect();
                for f in fields {
                    let ft = krate.tys.subst(f, &args);
                    self.register_drop(krate, ft)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The function to call for `f` with `substs`: `f` itself when not generic, else its
    /// instance (created on first use).
    fn instance(&mut self, krate: &mut hir::Crate, f: FnId, substs: Vec<Ty>) -> FnId {
        if krate.fn_def(f).generics.is_empty() {
            if krate.fn_def(f).body.is_some() && self.done.insert(f) {
                self.lib_queue.push(f);
            }
            return f;
        }
        if let Some(&id) = self.instances.get(&(f, substs.clone())) {
            return id;
        }
        let def = krate.fn_def(f);
        let shown: Vec<String> = substs.iter().map(|t| krate.tys.display(*t).to_string()).collect();
        let inst = hir::FnDef {
            name: def.name.clone(),
            path: format!("{}<{}>", def.path, shown.join(", ")),
            span: def.span,
            generics: hir::Generics::default(),
            params: def.params.iter().map(|t| concrete(krate, *t, &substs)).collect(),
            ret: concrete(krate, def.ret, &substs),
            trait_id: None,
            impl_id: def.impl_id,
            lib: false,
            linkage: def.linkage,
            inline: def.inline,
            body: None,
        };
        let id = FnId(krate.fns.len() as u32);
        krate.fns.push(inst);
        self.instances.insert((f, substs.clone()), id);
        self.queue.push((id, f, substs));
        id
    }
}

/// For a trait method, the impl's method (or the trait's default) that `substs` select; `None`
/// for a method of a built-in impl (`Clone::clone` of a tuple or array).
fn resolve_callee(krate: &hir::Crate, f: FnId, substs: Vec<Ty>) -> Result<Option<(FnId, Vec<Ty>)>, MonoError> {
    let def = krate.fn_def(f);
    let Some(tid) = def.trait_id else { return Ok(Some((f, substs))) };
    let ntrait = krate.trait_def(tid).generics.params.len();
    let tr = TraitRef { trait_id: tid, args: substs[..ntrait].to_vec() };
    let tables = TraitTables::of(krate);
    match tables.select(&tr, &[]) {
        Selection::Impl(imp, impl_substs) => match krate.impl_def(imp).method(&def.name) {
            Some(m) => {
                let mut s = impl_substs;
                s.extend_from_slice(&substs[ntrait..]);
                Ok(Some((m, s)))
            }
            // The trait's default body, with `Self` and the trait's parameters concrete.
            None => Ok(Some((f, substs))),
        },
        Selection::Builtin if def.name == "clone" => Ok(None),
        other => Err(MonoError(format!(
            "no unique impl of `{}` for `{}` ({other:?})",
            krate.trait_def(tid).name,
            krate.tys.display(tr.self_ty())
        ))),
    }
}

fn pat(krate: &hir::Crate, p: &mut hir::Pat, substs: &[Ty]) {
    p.ty = concrete(krate, p.ty, substs);
    match &mut p.kind {
        hir::PatKind::Binding { sub: Some(s), .. } | hir::PatKind::Deref(s) => pat(krate, s, substs),
        hir::PatKind::Tuple(ps) | hir::PatKind::Or(ps) => ps.iter_mut().for_each(|x| pat(krate, x, substs)),
        hir::PatKind::Adt { fields, .. } => fields.iter_mut().for_each(|(_, x)| pat(krate, x, substs)),
        hir::PatKind::Slice { prefix, middle, suffix } => {
            prefix.iter_mut().chain(suffix.iter_mut()).for_each(|x| pat(krate, x, substs));
            if let Some(m) = middle {
                pat(krate, m, substs);
            }
        }
        _ => {}
    }
}

/// `t` with `substs` for its parameters and every associated type resolved.
fn concrete(krate: &hir::Crate, t: Ty, substs: &[Ty]) -> Ty {
    let t = krate.tys.subst(t, substs);
    normalize(krate, &krate.tys, t)
}

fn normalize(krate: &hir::Crate, tys: &TyInterner, t: Ty) -> Ty {
    match tys.kind(t) {
        TyKind::Projection { trait_id, args, name } => {
            let args: Vec<Ty> = args.iter().map(|a| normalize(krate, tys, *a)).collect();
            let tr = TraitRef { trait_id: *trait_id, args };
            let tables = TraitTables { traits: &krate.traits, impls: &krate.impls, tys, lang: &krate.lang };
            match tables.normalize(&tr, name, &[]) {
                Some(n) => normalize(krate, tys, n),
                None => tys.intern(TyKind::Projection { trait_id: tr.trait_id, args: tr.args, name: name.clone() }),
            }
        }
        _ if !has_projection(tys, t) => t,
        _ => tys.map_components(t, &mut |x| normalize(krate, tys, x)),
    }
}

fn has_projection(tys: &TyInterner, t: Ty) -> bool {
    match tys.kind(t) {
        TyKind::Projection { .. } => true,
        TyKind::Tuple(ts) => ts.iter().any(|x| has_projection(tys, *x)),
        TyKind::Ref(x, _) | TyKind::RawPtr(x, _) | TyKind::Array(x, _) | TyKind::Slice(x) => has_projection(tys, *x),
        TyKind::FnPtr(ps, r) => ps.iter().any(|x| has_projection(tys, *x)) || has_projection(tys, *r),
        TyKind::Adt(_, args) => args.iter().any(|x| has_projection(tys, *x)),
        _ => false,
    }
}
