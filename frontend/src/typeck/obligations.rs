//! Generic items used inside a body: instantiation, trait obligations and projections.
//!
//! Every use of a generic function, ADT or method gets fresh inference variables for its
//! parameters; its bounds, substituted, become obligations to prove once inference knows
//! enough, and associated types in its signature become projections that are normalized as
//! soon as their trait reference can be selected (until then they stand for a fresh variable).
//! `select_where_possible` runs whenever the checker needs a type to be known (method lookup,
//! the end of the body); `report_obligations` then reports what does not hold (E0277) or was
//! never decided (E0283). Selection itself is `crate::traits`.

use super::expr::BodyChecker;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, Predicate, TraitRef};
use crate::span::Span;
use crate::traits::Selection;
use crate::ty::{AdtId, Ty, TyKind};

/// A bound a body relies on: `trait_ref` must hold, because of the use at `span`.
pub(crate) struct Obligation {
    pub(crate) trait_ref: TraitRef,
    pub(crate) span: Span,
}

/// An associated type that stands for the variable `var` until its trait ref can be selected.
pub(crate) struct PendingProjection {
    pub(crate) trait_ref: TraitRef,
    pub(crate) name: String,
    pub(crate) var: Ty,
    pub(crate) span: Span,
}

impl BodyChecker<'_, '_> {
    /// Fresh inference variables for every parameter of `generics`.
    pub(super) fn fresh_substs(&mut self, generics: &hir::Generics) -> Vec<Ty> {
        (0..generics.params.len()).map(|_| self.infer.new_var(&mut self.cx.tys)).collect()
    }

    /// The arguments of an ADT named by a path segment: the written ones, or fresh variables.
    pub(super) fn adt_args(&mut self, adt: AdtId, args: Option<&ast::GenericArgs>, span: Span) -> Vec<Ty> {
        let n = self.cx.adts[adt.index()].generics.params.len();
        if n == 0 && args.is_none() {
            return Vec::new();
        }
        let (module, self_ty) = (self.module, self.self_ty);
        let infer = &mut self.infer;
        super::resolve::lower_generic_args(self.cx, args, n, span, module, self_ty, &mut |cx, _, _| {
            infer.new_var(&mut cx.tys)
        })
    }

    /// The type of field `field` of `variant` of `Adt(adt, args)`.
    pub(super) fn field_ty(&mut self, adt: AdtId, args: &[Ty], variant: usize, field: usize) -> Ty {
        let t = self.cx.adts[adt.index()].variants[variant].fields[field].ty;
        let t = self.cx.tys.subst(t, args);
        self.normalize(t, Span::default())
    }

    /// `t` with `substs` for the parameters and its projections normalized.
    pub(super) fn instantiate(&mut self, t: Ty, substs: &[Ty], span: Span) -> Ty {
        let t = self.cx.tys.subst(t, substs);
        self.normalize(t, span)
    }

    /// Adds `generics`' bounds, substituted, as obligations of the use at `span`.
    pub(super) fn register_bounds(&mut self, generics: &hir::Generics, substs: &[Ty], span: Span) {
        for p in &generics.predicates {
            match p {
                Predicate::Implements(tr) => {
                    let args = tr.args.iter().map(|t| self.instantiate(*t, substs, span)).collect();
                    self.obligations.push(Obligation { trait_ref: TraitRef { trait_id: tr.trait_id, args }, span });
                }
                Predicate::AssocEq { trait_ref, name, ty } => {
                    let args = trait_ref.args.iter().map(|t| self.instantiate(*t, substs, span)).collect();
                    let tr = TraitRef { trait_id: trait_ref.trait_id, args };
                    let want = self.instantiate(*ty, substs, span);
                    let got = self.project(tr, name, span);
                    self.demand(want, got, span);
                }
            }
        }
    }

    /// Replaces the projections in `t` by their normalized types (or placeholder variables).
    pub(super) fn normalize(&mut self, t: Ty, span: Span) -> Ty {
        if !self.has_projection(t) {
            return t;
        }
        if let TyKind::Projection { trait_id, args, name } = self.cx.tys.kind(t).clone() {
            let args = args.into_iter().map(|a| self.normalize(a, span)).collect();
            return self.project(TraitRef { trait_id, args }, &name, span);
        }
        let mut parts = Vec::new();
        self.cx.tys.map_components(t, &mut |x| {
            parts.push(x);
            x
        });
        let normalized: Vec<Ty> = parts.into_iter().map(|x| self.normalize(x, span)).collect();
        let mut it = normalized.into_iter();
        self.cx.tys.map_components(t, &mut |x| it.next().unwrap_or(x))
    }

    fn has_projection(&self, t: Ty) -> bool {
        match self.cx.tys.kind(t) {
            TyKind::Projection { .. } => true,
            TyKind::Tuple(ts) => ts.iter().any(|x| self.has_projection(*x)),
            TyKind::Ref(x, _) | TyKind::RawPtr(x, _) | TyKind::Array(x, _) | TyKind::Slice(x) => {
                self.has_projection(*x)
            }
            TyKind::FnPtr(ps, r) => ps.iter().any(|x| self.has_projection(*x)) || self.has_projection(*r),
            TyKind::Adt(_, args) => args.iter().any(|x| self.has_projection(*x)),
            _ => false,
        }
    }

    /// The associated type `name` of `tr`: known now, a projection on a parameter, or a variable
    /// that a later `select_where_possible` binds.
    pub(super) fn project(&mut self, tr: TraitRef, name: &str, span: Span) -> Ty {
        let tr = self.resolve_trait_ref(&tr);
        if let Some(t) = self.cx.tables().normalize(&tr, name, &self.cx.env) {
            return self.normalize(t, span);
        }
        let self_ty = self.infer.shallow_resolve(&self.cx.tys, tr.self_ty());
        if !self.cx.tys.has_infer(self_ty) && !matches!(self.kind(self_ty), TyKind::Error) {
            if matches!(self.kind(self_ty), TyKind::Param { .. } | TyKind::Projection { .. }) {
                // A parameter's associated type stays abstract.
                return self.cx.tys.intern(TyKind::Projection {
                    trait_id: tr.trait_id,
                    args: tr.args,
                    name: name.into(),
                });
            }
        }
        let var = self.infer.new_var(&mut self.cx.tys);
        self.projections.push(PendingProjection { trait_ref: tr, name: name.to_string(), var, span });
        var
    }

    fn resolve_trait_ref(&self, tr: &TraitRef) -> TraitRef {
        TraitRef {
            trait_id: tr.trait_id,
            args: tr.args.iter().map(|t| self.infer.resolve_known(&self.cx.tys, *t)).collect(),
        }
    }

    /// Proves what can be proved and normalizes what can be normalized, letting a unique
    /// matching impl decide inference variables; repeats while that makes progress.
    pub(super) fn select_where_possible(&mut self) {
        loop {
            let mut progress = false;
            let pending = std::mem::take(&mut self.projections);
            for p in pending {
                let tr = self.resolve_trait_ref(&p.trait_ref);
                match self.cx.tables().normalize(&tr, &p.name, &self.cx.env) {
                    Some(t) => {
                        let t = self.normalize(t, p.span);
                        self.unify(p.var, t);
                        progress = true;
                    }
                    None => {
                        // A parameter's associated type (the self type became one after the
                        // projection was made) stays abstract, as `project` makes it.
                        let self_ty = self.infer.shallow_resolve(&self.cx.tys, tr.self_ty());
                        if matches!(self.kind(self_ty), TyKind::Param { .. } | TyKind::Projection { .. })
                            && !tr.args.iter().any(|t| self.cx.tys.has_infer(*t))
                        {
                            let abstract_ty = self.cx.tys.intern(TyKind::Projection {
                                trait_id: tr.trait_id,
                                args: tr.args.clone(),
                                name: p.name.clone(),
                            });
                            self.unify(p.var, abstract_ty);
                            progress = true;
                        } else {
                            self.projections.push(PendingProjection { trait_ref: tr, ..p });
                        }
                    }
                }
            }
            let obligations = std::mem::take(&mut self.obligations);
            for o in obligations {
                let tr = self.resolve_trait_ref(&o.trait_ref);
                if self.relate_builtin_or_bound(&tr) {
                    progress = true;
                }
                let tr = self.resolve_trait_ref(&tr);
                match self.cx.tables().select(&tr, &self.cx.env) {
                    Selection::Impl(id, substs) if tr.args.iter().any(|t| self.cx.tys.has_infer(*t)) => {
                        // One impl could apply: its header decides the variables.
                        let header = self.cx.impls[id.index()].trait_ref.clone().expect("trait impl");
                        for (h, g) in header.args.iter().zip(&tr.args) {
                            let h = self.cx.tys.subst(*h, &substs);
                            if !self.cx.tys.has_params(h) || matches!(self.kind(h), TyKind::Param { .. }) {
                                self.unify(h, *g);
                            }
                        }
                        self.register_impl_bounds(id, &substs, o.span);
                        progress = true;
                    }
                    Selection::Impl(..) | Selection::Param | Selection::Builtin => {
                        if self.cx.tables().is_auto_trait(tr.trait_id) && self.mentions_coroutine(tr.self_ty()) {
                            self.auto_obligations.push((tr, o.span));
                        }
                        progress = true;
                    }
                    Selection::Ambiguous | Selection::None => self.obligations.push(Obligation { trait_ref: tr, ..o }),
                }
            }
            if !progress {
                break;
            }
        }
    }

    /// Lets a goal's other arguments be decided by what must provide it: a closure's parameter
    /// tuple for a call trait, or the one bound of the environment on the same self type
    /// (`F: Fn(i32)` makes `F: Fn<(?x,)>` have `?x = i32`). Returns whether it bound anything.
    fn relate_builtin_or_bound(&mut self, tr: &TraitRef) -> bool {
        if tr.args.len() < 2 || !tr.args[1..].iter().any(|t| self.cx.tys.has_infer(*t)) {
            return false;
        }
        let lang = &self.cx.lang;
        let is_call = [lang.fn_, lang.fn_mut, lang.fn_once].contains(&Some(tr.trait_id));
        if let TyKind::Closure { params, .. } = self.cx.tys.kind(tr.self_ty()).clone() {
            if is_call {
                let tuple = self.cx.tys.intern(TyKind::Tuple(params));
                return self.unify(tuple, tr.args[1]);
            }
            return false;
        }
        let mut matching = Vec::new();
        for p in &self.cx.env {
            if let Predicate::Implements(b) = p {
                for e in self.cx.tables().elaborate(b) {
                    if e.trait_id == tr.trait_id && e.self_ty() == tr.self_ty() && !matching.contains(&e) {
                        matching.push(e);
                    }
                }
            }
        }
        if matching.len() != 1 {
            return false;
        }
        let b = matching.pop().expect("one");
        let mut any = false;
        for (x, y) in b.args.iter().zip(&tr.args).skip(1) {
            any |= self.unify(*x, *y);
        }
        any
    }

    fn register_impl_bounds(&mut self, id: hir::ImplId, substs: &[Ty], span: Span) {
        let g = self.cx.impls[id.index()].generics.clone();
        for p in &g.predicates {
            if let Predicate::Implements(tr) = p {
                let args = tr.args.iter().map(|t| self.cx.tys.subst(*t, substs)).collect();
                self.obligations.push(Obligation { trait_ref: TraitRef { trait_id: tr.trait_id, args }, span });
            }
        }
    }

    /// At the end of the body (after literal defaults): every obligation left is an error.
    pub(super) fn report_obligations(&mut self) {
        self.select_where_possible();
        let (i32_ty, f64_ty) = (self.c().i32, self.c().f64);
        // Literal defaults may decide what was ambiguous (`5.describe()` with `impl Describe for i32`).
        for o in &mut self.obligations {
            o.trait_ref.args = o.trait_ref.args.iter().map(|t| self.infer.resolve_known(&self.cx.tys, *t)).collect();
        }
        let any_int = self.obligations.iter().any(|o| o.trait_ref.args.iter().any(|t| self.cx.tys.has_infer(*t)));
        if any_int {
            let args: Vec<Ty> = self.obligations.iter().flat_map(|o| o.trait_ref.args.clone()).collect();
            for t in args {
                self.infer.resolve(&self.cx.tys, t, i32_ty, f64_ty);
            }
            self.select_where_possible();
        }
        let left = std::mem::take(&mut self.obligations);
        let mut reported = std::collections::HashSet::new();
        for o in left {
            let tr = self.resolve_trait_ref(&o.trait_ref);
            if tr.args.iter().any(|t| matches!(self.kind(*t), TyKind::Error)) || !reported.insert((o.span, tr.clone()))
            {
                continue;
            }
            match self.cx.tables().select(&tr, &self.cx.env) {
                Selection::Impl(..) | Selection::Param | Selection::Builtin => {}
                Selection::Ambiguous => {
                    let d = Diagnostic::error("E0283", "type annotations needed", o.span, "cannot infer type")
                        .with_note(format!("cannot satisfy `{}`", self.show_trait_ref(&tr)));
                    self.err(d);
                }
                Selection::None => {
                    let d = self.unsatisfied(&tr, o.span);
                    self.err(d);
                }
            }
        }
        for p in std::mem::take(&mut self.projections) {
            let tr = self.resolve_trait_ref(&p.trait_ref);
            if let Some(t) = self.cx.tables().normalize(&tr, &p.name, &self.cx.env) {
                self.unify(p.var, t);
            }
        }
    }

    /// E0277 for `tr`, with a note naming the missing impl.
    pub(super) fn unsatisfied(&self, tr: &TraitRef, span: Span) -> Diagnostic {
        if self.cx.tables().is_auto_trait(tr.trait_id) {
            return self.not_thread_safe(tr, span);
        }
        let self_ty = self.display(tr.self_ty());
        let tname = self.cx.traits[tr.trait_id.index()].name.clone();
        let mut d = Diagnostic::error(
            "E0277",
            format!("the trait bound `{self_ty}: {}` is not satisfied", self.show_trait_path(tr)),
            span,
            format!("the trait `{tname}` is not implemented for `{self_ty}`"),
        );
        if matches!(self.kind(tr.self_ty()), TyKind::Param { .. }) {
            d = d.with_help(format!("consider restricting type parameter `{self_ty}` with trait `{tname}`"));
        } else {
            d = d.with_note(format!(
                "add `impl {} for {self_ty}` or use a type that implements `{tname}`",
                self.show_trait_path(tr)
            ));
        }
        d
    }

    /// Whether `t` has an async fn's future in it, whose `Send`/`Sync` type checking cannot
    /// decide (it depends on what the future holds across `.await`s).
    fn mentions_coroutine(&self, t: Ty) -> bool {
        let t = self.infer.resolve_known(&self.cx.tys, t);
        if let TyKind::Coroutine { .. } = self.kind(t) {
            return true;
        }
        let mut parts = Vec::new();
        self.cx.tys.map_components(t, &mut |x| {
            parts.push(x);
            x
        });
        parts.into_iter().any(|x| self.mentions_coroutine(x))
    }

    /// The body's recorded `Send`/`Sync` goals on futures, with inference variables resolved.
    pub(super) fn take_auto_obligations(&mut self) -> Vec<(TraitRef, Span)> {
        let (i32_ty, f64_ty) = (self.c().i32, self.c().f64);
        let mut out: Vec<(TraitRef, Span)> = Vec::new();
        for (tr, span) in std::mem::take(&mut self.auto_obligations) {
            let args = tr.args.iter().map(|t| self.infer.resolve(&self.cx.tys, *t, i32_ty, f64_ty)).collect();
            let tr = TraitRef { trait_id: tr.trait_id, args };
            if !out.contains(&(tr.clone(), span)) {
                out.push((tr, span));
            }
        }
        out
    }

    /// E0277 for `Send`/`Sync`, naming the part of the type that is not (as rustc words it).
    fn not_thread_safe(&self, tr: &TraitRef, span: Span) -> Diagnostic {
        let tables = self.cx.tables();
        let path = tables.auto_trait_culprit(tr.trait_id, tr.self_ty(), &self.cx.env);
        let (culprit_trait, culprit) = *path.last().expect("the goal itself");
        let what = |t| if Some(t) == self.cx.lang.sync { "shared" } else { "sent" };
        let (cn, tn) = (self.display(culprit), self.cx.traits[culprit_trait.index()].name.clone());
        let msg = format!("`{cn}` cannot be {} between threads safely", what(culprit_trait));
        let mut d = Diagnostic::error("E0277", msg.clone(), span, msg);
        if culprit != tr.self_ty() {
            d = d.with_note(format!(
                "within `{}`, the trait `{tn}` is not implemented for `{cn}`",
                self.display(tr.self_ty())
            ));
        }
        if matches!(self.kind(culprit), TyKind::Param { .. }) {
            d = d.with_help(format!("consider restricting type parameter `{cn}` with `{tn}`"));
        } else if tr.trait_id == culprit_trait && Some(tr.trait_id) == self.cx.lang.send {
            d = d.with_help("it is required because the value may run on another worker thread (`spawn`, `spawn_blocking`): use `Arc` rather than `Rc`, and atomics or locks rather than `Cell`/`RefCell`");
        }
        d
    }

    fn show_trait_path(&self, tr: &TraitRef) -> String {
        let name = &self.cx.traits[tr.trait_id.index()].name;
        if tr.args.len() == 1 {
            return name.clone();
        }
        let args: Vec<String> = tr.args[1..].iter().map(|t| self.display(*t)).collect();
        format!("{name}<{}>", args.join(", "))
    }

    fn show_trait_ref(&self, tr: &TraitRef) -> String {
        format!("{}: {}", self.display(tr.self_ty()), self.show_trait_path(tr))
    }
}
