//! Trait selection and associated-type normalization, shared by the type checker and
//! monomorphization.
//!
//! Takes the crate's traits and impls and answers "which impl provides `T: Trait<A>`?" by
//! matching each impl's header (its parameters as pattern variables) against the goal, then
//! proving the impl's own bounds recursively. A goal may mention inference variables (during type
//! checking): an impl that could match once they are known makes the answer `Ambiguous` rather
//! than wrong. Bounds of the generic item being checked (its "parameter environment") satisfy
//! goals about its parameters. Relies on impls having been checked for overlap, so that a goal
//! without inference variables has at most one matching impl.

use std::cell::RefCell;

use crate::hir::{AdtDef, Crate, ImplDef, ImplId, LangTraits, Predicate, TraitDef, TraitRef};
use crate::ty::{ClosureKind, InferTy, Mutability, TraitId, Ty, TyInterner, TyKind};

/// The tables selection reads.
#[derive(Clone, Copy)]
pub struct TraitTables<'a> {
    pub traits: &'a [TraitDef],
    pub impls: &'a [ImplDef],
    pub tys: &'a TyInterner,
    /// For the impls the language provides itself (`Copy`/`Clone` of tuples and arrays).
    pub lang: &'a LangTraits,
    /// The fields of ADTs, which decide the auto traits `Send` and `Sync`.
    pub adts: &'a [AdtDef],
    /// The types a coroutine (an async fn's future) holds across its `.await`s, which decide its
    /// auto traits. Known only once its frame is laid out (after MIR building); until then, as
    /// during type checking, a coroutine is assumed `Send` and `Sync` and the goal is checked
    /// again later (`middle::send_check`).
    pub coroutine_witness: Option<&'a dyn Fn(Ty) -> Vec<Ty>>,
}

thread_local! {
    /// The auto-trait goals being proved, outermost first: meeting one again (a recursive type)
    /// proves it (coinduction, as rustc does for auto traits).
    static AUTO_GOALS: RefCell<Vec<(TraitId, Ty)>> = const { RefCell::new(Vec::new()) };
}

/// Nesting deeper than this in an auto-trait proof (a type that grows as it recurses) fails it.
const MAX_AUTO_GOALS: usize = 512;

/// What an auto-trait goal depends on.
enum AutoParts {
    /// Decided by the type's kind alone.
    Decided(Selection),
    /// An ADT with impls of the trait (positive or negative): they decide, for these arguments.
    ByImpls(Vec<Ty>),
    /// Holds when each `(trait, part)` does.
    Parts(Vec<(TraitId, Ty)>),
}

/// The answer to a trait goal.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    /// This impl, with these arguments for its generic parameters.
    Impl(ImplId, Vec<Ty>),
    /// A bound of the parameter environment (the goal is about a generic parameter).
    Param,
    /// Built into the language: `Copy` and `Clone` of tuples and arrays whose elements are
    /// `Copy` (cloning is a copy).
    Builtin,
    /// More than one impl could apply until inference variables are known.
    Ambiguous,
    /// Nothing implements it.
    None,
}

/// The outcome of matching a pattern type against a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Match {
    Yes,
    Maybe,
    No,
}

impl Match {
    fn and(self, other: Match) -> Match {
        match (self, other) {
            (Match::No, _) | (_, Match::No) => Match::No,
            (Match::Maybe, _) | (_, Match::Maybe) => Match::Maybe,
            _ => Match::Yes,
        }
    }
}

/// Deeper goals than this are treated as unprovable (guards against `impl<T: Tr> Tr for Box<T>`
/// style recursion on ever-growing types).
const MAX_DEPTH: u32 = 32;

impl<'a> TraitTables<'a> {
    /// The tables of a checked crate.
    pub fn of(krate: &'a Crate) -> TraitTables<'a> {
        TraitTables {
            traits: &krate.traits,
            impls: &krate.impls,
            tys: &krate.tys,
            lang: &krate.lang,
            adts: &krate.adts,
            coroutine_witness: None,
        }
    }

    /// Which impl (or environment bound) proves `goal`.
    pub fn select(&self, goal: &TraitRef, env: &[Predicate]) -> Selection {
        self.select_at(goal, env, 0)
    }

    fn select_at(&self, goal: &TraitRef, env: &[Predicate], depth: u32) -> Selection {
        if depth > MAX_DEPTH {
            return Selection::None;
        }
        if self.env_proves(goal, env) {
            return Selection::Param;
        }
        if let Some(s) = self.builtin(goal, env, depth) {
            return s;
        }
        let mut found: Option<(ImplId, Vec<Ty>)> = None;
        let mut ambiguous = false;
        for (i, imp) in self.impls.iter().enumerate() {
            let Some(tr) = &imp.trait_ref else { continue };
            if tr.trait_id != goal.trait_id || tr.args.len() != goal.args.len() {
                continue;
            }
            let mut binds = vec![None; imp.generics.params.len()];
            let mut m = Match::Yes;
            for (p, g) in tr.args.iter().zip(&goal.args) {
                m = m.and(self.match_ty(*p, *g, &mut binds));
                if m == Match::No {
                    break;
                }
            }
            if m == Match::No {
                continue;
            }
            if imp.negative {
                // `impl !Send for X`: X is not, whatever else could apply.
                return if m == Match::Yes { Selection::None } else { Selection::Ambiguous };
            }
            // Parameters the header leaves open are decided by the impl's associated-type
            // bounds (`impl<B, I, F: FnMut(I::Item) -> B> Iterator for Map<I, F>`: `B` is
            // `F`'s output).
            if binds.iter().any(Option::is_none) && depth < MAX_DEPTH {
                for pred in &imp.generics.predicates {
                    let Predicate::AssocEq { trait_ref, name, ty } = pred else { continue };
                    // Only bounds whose type mentions a parameter still open can decide one
                    // (`I: Iterator<Item = &'a T>` decides `T`).
                    let open = (0..binds.len()).any(|i| {
                        binds[i].is_none()
                            && self.mentions(
                                *ty,
                                self.tys.intern(TyKind::Param {
                                    index: i as u32,
                                    name: imp.generics.params[i].name.clone(),
                                }),
                            )
                    });
                    if !open {
                        continue;
                    }
                    let partial: Vec<Ty> = binds
                        .iter()
                        .zip(&imp.generics.params)
                        .map(|(b, p)| {
                            b.unwrap_or_else(|| {
                                self.tys.intern(TyKind::Param { index: u32::MAX, name: p.name.clone() })
                            })
                        })
                        .collect();
                    let tr = TraitRef {
                        trait_id: trait_ref.trait_id,
                        args: trait_ref.args.iter().map(|t| self.tys.subst(*t, &partial)).collect(),
                    };
                    if tr.args.iter().any(|t| self.has_placeholder(*t)) {
                        continue;
                    }
                    if let Some(t) = self.normalize(&tr, name, env) {
                        let _ = self.match_ty(*ty, t, &mut binds);
                    }
                }
            }
            let substs: Vec<Ty> = binds
                .iter()
                .zip(&imp.generics.params)
                .map(|(b, p)| {
                    b.unwrap_or_else(|| self.tys.intern(TyKind::Param { index: u32::MAX, name: p.name.clone() }))
                })
                .collect();
            // The impl's bounds must hold too (`impl<T: Describe> Describe for Vec<T>`).
            for pred in &imp.generics.predicates {
                if let Predicate::Implements(tr) = pred {
                    let nested = TraitRef {
                        trait_id: tr.trait_id,
                        args: tr.args.iter().map(|t| self.tys.subst(*t, &substs)).collect(),
                    };
                    // An undecided nested bound does not make the impl undecided (the type
                    // checker proves it later, as a separate obligation); one that fails does.
                    if self.select_at(&nested, env, depth + 1) == Selection::None {
                        m = Match::No;
                    }
                    if m == Match::No {
                        break;
                    }
                }
            }
            // One candidate, even if it matches only once inference variables are known,
            // is the answer (its header then decides them); two or more are ambiguous.
            if m != Match::No {
                if found.is_some() {
                    ambiguous = true;
                } else {
                    found = Some((ImplId(i as u32), substs));
                }
            }
        }
        match (found, ambiguous) {
            (Some((id, substs)), false) => Selection::Impl(id, substs),
            (_, true) => Selection::Ambiguous,
            (None, false) => Selection::None,
        }
    }

    /// Whether `t` is `Send` or `Sync`, which a type implements when all its parts do.
    pub fn is_auto_trait(&self, t: TraitId) -> bool {
        self.lang.send == Some(t) || self.lang.sync == Some(t)
    }

    /// `Send`/`Sync` of `goal`'s self type from its parts: the fields of a struct or enum, the
    /// captures of a closure, what a coroutine holds across `.await`s. `&T` is `Send` when `T`
    /// is `Sync`; raw pointers are neither. `None` when impls of the type's ADT decide instead.
    /// Trait objects are taken to be both (`dyn Trait + Send` is not tracked).
    fn auto_trait(&self, goal: &TraitRef, env: &[Predicate], depth: u32) -> Option<Selection> {
        let (tr, t) = (goal.trait_id, goal.self_ty());
        let parts = match self.auto_parts(tr, t, env)? {
            AutoParts::Decided(s) => return Some(s),
            AutoParts::ByImpls(_) => return None,
            AutoParts::Parts(parts) => parts,
        };
        let seen = AUTO_GOALS.with(|g| {
            let g = g.borrow();
            if g.len() > MAX_AUTO_GOALS {
                Some(Selection::None)
            } else if g.contains(&(tr, t)) {
                Some(Selection::Builtin)
            } else {
                None
            }
        });
        if let Some(s) = seen {
            return Some(s);
        }
        AUTO_GOALS.with(|g| g.borrow_mut().push((tr, t)));
        let mut result = Selection::Builtin;
        for (part_trait, part) in parts {
            // Structural steps do not count towards `MAX_DEPTH` (the goal stack bounds them).
            match self.select_at(&TraitRef { trait_id: part_trait, args: vec![part] }, env, depth) {
                Selection::None => {
                    result = Selection::None;
                    break;
                }
                Selection::Ambiguous => result = Selection::Ambiguous,
                _ => {}
            }
        }
        AUTO_GOALS.with(|g| g.borrow_mut().pop());
        Some(result)
    }

    /// What `tr: Send`/`Sync` of `t` depends on (`None` without the standard library's `Sync`).
    fn auto_parts(&self, tr: TraitId, t: Ty, env: &[Predicate]) -> Option<AutoParts> {
        let sync = self.lang.sync?;
        let parts: Vec<(TraitId, Ty)> = match self.tys.kind(t) {
            TyKind::Bool
            | TyKind::Char
            | TyKind::Int(_)
            | TyKind::Uint(_)
            | TyKind::Float(_)
            | TyKind::Str
            | TyKind::Never
            | TyKind::FnPtr(..)
            | TyKind::Dynamic { .. }
            | TyKind::Error => return Some(AutoParts::Decided(Selection::Builtin)),
            TyKind::Infer(InferTy::Var(_)) => return Some(AutoParts::Decided(Selection::Ambiguous)),
            TyKind::Infer(_) => return Some(AutoParts::Decided(Selection::Builtin)),
            // The environment's bounds were tried first.
            TyKind::RawPtr(..) | TyKind::Param { .. } => return Some(AutoParts::Decided(Selection::None)),
            TyKind::Projection { trait_id, args, name } => {
                match self.normalize(&TraitRef { trait_id: *trait_id, args: args.clone() }, name, env) {
                    Some(n) if n != t => vec![(tr, n)],
                    _ => return Some(AutoParts::Decided(Selection::None)),
                }
            }
            TyKind::Ref(inner, Mutability::Not) => vec![(sync, *inner)],
            TyKind::Ref(inner, Mutability::Mut) => vec![(tr, *inner)],
            TyKind::Tuple(ts) => ts.iter().map(|x| (tr, *x)).collect(),
            TyKind::Array(e, _) | TyKind::Slice(e) => vec![(tr, *e)],
            TyKind::Closure { upvars, .. } => upvars.iter().map(|x| (tr, *x)).collect(),
            TyKind::Coroutine { .. } => match self.coroutine_witness {
                Some(witness) => witness(t).into_iter().map(|x| (tr, x)).collect(),
                None => return Some(AutoParts::Decided(Selection::Builtin)),
            },
            TyKind::Adt(id, args) => {
                let explicit = self.impls.iter().any(|imp| {
                    imp.trait_ref.as_ref().is_some_and(|r| r.trait_id == tr)
                        && matches!(self.tys.kind(imp.self_ty), TyKind::Adt(a, _) if a == id)
                });
                if explicit {
                    return Some(AutoParts::ByImpls(args.clone()));
                }
                self.adts[id.index()]
                    .variants
                    .iter()
                    .flat_map(|v| v.fields.iter())
                    .map(|f| (tr, self.tys.subst(f.ty, args)))
                    .collect()
            }
        };
        Some(AutoParts::Parts(parts))
    }

    /// The parts of `t` that keep it from implementing the auto trait `tr`, from `t` to the
    /// innermost (`Rc<u32>` inside a struct), each with the trait it lacks; for diagnostics.
    pub fn auto_trait_culprit(&self, tr: TraitId, t: Ty, env: &[Predicate]) -> Vec<(TraitId, Ty)> {
        let mut cur = (tr, t);
        let mut path = vec![cur];
        for _ in 0..64 {
            let (tr, t) = cur;
            let parts: Vec<(TraitId, Ty)> = match self.auto_parts(tr, t, env) {
                Some(AutoParts::Parts(parts)) => parts,
                // The impl's bounds: `Vec<Rc<u32>>` is not `Send` because `Rc<u32>` is not;
                // `Arc<T>` needs `T` to be both.
                Some(AutoParts::ByImpls(args)) => {
                    let other = if Some(tr) == self.lang.sync {
                        self.lang.send.unwrap_or(tr)
                    } else {
                        self.lang.sync.unwrap_or(tr)
                    };
                    args.iter().flat_map(|a| [(tr, *a), (other, *a)]).collect()
                }
                _ => Vec::new(),
            };
            match parts
                .into_iter()
                .find(|(pt, p)| self.select(&TraitRef { trait_id: *pt, args: vec![*p] }, env) == Selection::None)
            {
                // A coroutine held in its own frame (a boxed recursive call) explains nothing.
                Some(next) if !path.contains(&next) => {
                    cur = next;
                    path.push(next);
                }
                _ => break,
            }
        }
        path
    }

    /// `Copy`/`Clone` of a tuple or array: when every element is `Copy`; the call traits of a
    /// closure: those its kind allows, for its parameter tuple.
    fn builtin(&self, goal: &TraitRef, env: &[Predicate], depth: u32) -> Option<Selection> {
        // Every type is `Sized` but `str`, slices and objects (a parameter is, unless `?Sized`,
        // which is not tracked: such code only reaches unsized types through pointers).
        if Some(goal.trait_id) == self.lang.sized {
            return Some(match self.tys.kind(goal.self_ty()) {
                TyKind::Str | TyKind::Slice(_) | TyKind::Dynamic { .. } => Selection::None,
                TyKind::Infer(InferTy::Var(_)) => Selection::Ambiguous,
                _ => Selection::Builtin,
            });
        }
        if self.is_auto_trait(goal.trait_id) {
            if let Some(s) = self.auto_trait(goal, env, depth) {
                return Some(s);
            }
        }
        // The future of an `async fn` implements `Future` (its poll is the coroutine's).
        if Some(goal.trait_id) == self.lang.future {
            match self.tys.kind(goal.self_ty()) {
                TyKind::Coroutine { .. } => return Some(Selection::Builtin),
                // Not yet known: it may be a coroutine, so no single impl decides it.
                TyKind::Infer(InferTy::Var(_)) => return Some(Selection::Ambiguous),
                _ => {}
            }
        }
        // A trait object implements its trait and the supertraits (through its vtable).
        if let Some(principal) = self.object_principal(goal.self_ty()) {
            let hit = self.elaborate(&principal).iter().any(|t| {
                t.trait_id == goal.trait_id
                    && self.match_all(&t.args[1..], &goal.args[1..], &mut Vec::new()) != Match::No
            });
            if hit {
                return Some(Selection::Builtin);
            }
        }
        if let TyKind::Closure { params, kind, upvars, .. } = self.tys.kind(goal.self_ty()) {
            let needed = if Some(goal.trait_id) == self.lang.fn_ {
                ClosureKind::Fn
            } else if Some(goal.trait_id) == self.lang.fn_mut {
                ClosureKind::FnMut
            } else if Some(goal.trait_id) == self.lang.fn_once {
                ClosureKind::FnOnce
            } else if Some(goal.trait_id) == self.lang.copy || Some(goal.trait_id) == self.lang.clone {
                // A closure is `Copy` when what it captures is (shared references, copies).
                let copy = self.lang.copy?;
                let mut ambiguous = false;
                for u in upvars {
                    match self.select_at(&TraitRef { trait_id: copy, args: vec![*u] }, env, depth + 1) {
                        Selection::None => return Some(Selection::None),
                        Selection::Ambiguous => ambiguous = true,
                        _ => {}
                    }
                }
                return Some(if ambiguous { Selection::Ambiguous } else { Selection::Builtin });
            } else {
                return None;
            };
            if *kind > needed {
                return Some(Selection::None);
            }
            let tuple = self.tys.intern(TyKind::Tuple(params.clone()));
            let m = goal.args.get(1).map_or(Match::Yes, |a| self.match_ty(tuple, *a, &mut Vec::new()));
            return Some(match m {
                Match::No => Selection::None,
                _ => Selection::Builtin,
            });
        }
        let copy = self.lang.copy?;
        if Some(goal.trait_id) != self.lang.copy && Some(goal.trait_id) != self.lang.clone {
            return None;
        }
        let elems: Vec<Ty> = match self.tys.kind(goal.self_ty()) {
            TyKind::Tuple(ts) => ts.clone(),
            TyKind::Array(e, _) => vec![*e],
            _ => return None,
        };
        let mut ambiguous = false;
        for e in elems {
            match self.select_at(&TraitRef { trait_id: copy, args: vec![e] }, env, depth + 1) {
                Selection::None => return Some(Selection::None),
                Selection::Ambiguous => ambiguous = true,
                _ => {}
            }
        }
        Some(if ambiguous { Selection::Ambiguous } else { Selection::Builtin })
    }

    /// The trait a `dyn Trait` type implements through its vtable, as a trait ref whose `Self`
    /// is the object type; `None` for other types.
    pub fn object_principal(&self, t: Ty) -> Option<TraitRef> {
        let TyKind::Dynamic { trait_id, args, .. } = self.tys.kind(t) else { return None };
        let mut full = vec![t];
        full.extend_from_slice(args);
        Some(TraitRef { trait_id: *trait_id, args: full })
    }

    /// The methods of an object type's vtable, in slot order after the three header words (drop
    /// glue, size, align): the principal trait's methods and then each supertrait's, in
    /// declaration order, each with the trait ref (`Self` the object) it belongs to. The one
    /// definition of the layout: monomorphization fills vtables by it and the backend indexes
    /// them by it.
    pub fn vtable_methods(&self, object: Ty) -> Vec<(crate::hir::FnId, TraitRef)> {
        let Some(principal) = self.object_principal(object) else { return Vec::new() };
        self.elaborate(&principal)
            .into_iter()
            .flat_map(|tr| self.traits[tr.trait_id.index()].methods.iter().map(move |(_, f)| (*f, tr.clone())))
            .collect()
    }

    /// Whether impls `a` and `b` of the same trait could both apply to one type (E0119): their
    /// headers unify (each impl's parameters as variables, with the occurs check, so
    /// `Borrow<T> for T` and `Borrow<T> for &T` stay apart), and no bound of either is known to
    /// fail for the types that make them meet.
    pub fn impls_may_overlap(&self, a: ImplId, b: ImplId) -> bool {
        let (ia, ib) = (&self.impls[a.index()], &self.impls[b.index()]);
        let (Some(ta), Some(tb)) = (&ia.trait_ref, &ib.trait_ref) else { return false };
        if ta.trait_id != tb.trait_id || ta.args.len() != tb.args.len() {
            return false;
        }
        // Variables numbered from the top, so they never meet a body's.
        let na = ia.generics.params.len() as u32;
        let vars = |from: u32, n: usize| -> Vec<Ty> {
            (0..n as u32).map(|i| self.tys.intern(TyKind::Infer(InferTy::Var(u32::MAX - from - i)))).collect()
        };
        let (sa, sb) = (vars(0, ia.generics.params.len()), vars(na, ib.generics.params.len()));
        let mut bound: std::collections::HashMap<u32, Ty> = Default::default();
        for (x, y) in ta.args.iter().zip(&tb.args) {
            if !self.unifiable(self.tys.subst(*x, &sa), self.tys.subst(*y, &sb), &mut bound) {
                return false;
            }
        }
        for (imp, s) in [(ia, &sa), (ib, &sb)] {
            for pred in &imp.generics.predicates {
                let Predicate::Implements(tr) = pred else { continue };
                // Variables left open match anything: `None` means no impl could ever apply.
                let args: Vec<Ty> = tr.args.iter().map(|t| self.resolve_vars(self.tys.subst(*t, s), &bound)).collect();
                if self.select(&TraitRef { trait_id: tr.trait_id, args }, &[]) == Selection::None {
                    return false;
                }
            }
        }
        true
    }

    /// First-order unification of two types whose variables are the overlap check's.
    fn unifiable(&self, a: Ty, b: Ty, bound: &mut std::collections::HashMap<u32, Ty>) -> bool {
        let (a, b) = (self.walk_var(a, bound), self.walk_var(b, bound));
        if a == b {
            return true;
        }
        match (self.tys.kind(a), self.tys.kind(b)) {
            (TyKind::Infer(InferTy::Var(v)), _) => self.bind_var(*v, b, bound),
            (_, TyKind::Infer(InferTy::Var(v))) => self.bind_var(*v, a, bound),
            (TyKind::Tuple(xs), TyKind::Tuple(ys)) if xs.len() == ys.len() => {
                xs.clone().iter().zip(ys.clone().iter()).all(|(x, y)| self.unifiable(*x, *y, bound))
            }
            (TyKind::Ref(x, m1), TyKind::Ref(y, m2)) | (TyKind::RawPtr(x, m1), TyKind::RawPtr(y, m2)) if m1 == m2 => {
                self.unifiable(*x, *y, bound)
            }
            (TyKind::Array(x, n1), TyKind::Array(y, n2)) if n1 == n2 => self.unifiable(*x, *y, bound),
            (TyKind::Slice(x), TyKind::Slice(y)) => self.unifiable(*x, *y, bound),
            (TyKind::Adt(i, xs), TyKind::Adt(j, ys)) if i == j => {
                xs.clone().iter().zip(ys.clone().iter()).all(|(x, y)| self.unifiable(*x, *y, bound))
            }
            (
                TyKind::Coroutine { def: d1, args: xs, output: o1 },
                TyKind::Coroutine { def: d2, args: ys, output: o2 },
            ) if d1 == d2 => {
                let (o1, o2) = (*o1, *o2);
                xs.clone().iter().zip(ys.clone().iter()).all(|(x, y)| self.unifiable(*x, *y, bound))
                    && self.unifiable(o1, o2, bound)
            }
            (
                TyKind::Dynamic { trait_id: t1, args: x1, assoc: s1 },
                TyKind::Dynamic { trait_id: t2, args: x2, assoc: s2 },
            ) if t1 == t2 && x1.len() == x2.len() && s1.len() == s2.len() => {
                let (l, r): (Vec<Ty>, Vec<Ty>) = (
                    x1.iter().copied().chain(s1.iter().map(|p| p.1)).collect(),
                    x2.iter().copied().chain(s2.iter().map(|p| p.1)).collect(),
                );
                l.iter().zip(&r).all(|(x, y)| self.unifiable(*x, *y, bound))
            }
            (TyKind::FnPtr(p1, r1), TyKind::FnPtr(p2, r2)) if p1.len() == p2.len() => {
                let (p1, p2, r1, r2) = (p1.clone(), p2.clone(), *r1, *r2);
                p1.iter().zip(&p2).all(|(x, y)| self.unifiable(*x, *y, bound)) && self.unifiable(r1, r2, bound)
            }
            // A projection may be anything.
            (TyKind::Projection { .. }, _) | (_, TyKind::Projection { .. }) => true,
            _ => false,
        }
    }

    fn walk_var(&self, mut t: Ty, bound: &std::collections::HashMap<u32, Ty>) -> Ty {
        while let TyKind::Infer(InferTy::Var(v)) = self.tys.kind(t) {
            match bound.get(v) {
                Some(&x) => t = x,
                None => break,
            }
        }
        t
    }

    fn bind_var(&self, v: u32, t: Ty, bound: &mut std::collections::HashMap<u32, Ty>) -> bool {
        let var = self.tys.intern(TyKind::Infer(InferTy::Var(v)));
        if self.mentions(self.resolve_vars(t, bound), var) {
            return false;
        }
        bound.insert(v, t);
        true
    }

    fn resolve_vars(&self, t: Ty, bound: &std::collections::HashMap<u32, Ty>) -> Ty {
        let t = self.walk_var(t, bound);
        self.tys.map_components(t, &mut |x| self.resolve_vars(x, bound))
    }

    /// Whether method `f` of a trait can be called through a vtable: it takes `&self` or
    /// `&mut self` (not `self`), has no type parameters of its own, and has no `where Self:
    /// Sized`. The others are left out of objects (their vtable slot is empty).
    pub fn callable_on_object(&self, f: &crate::hir::FnDef) -> bool {
        let self_param = |t: Ty| matches!(self.tys.kind(t), TyKind::Param { index: 0, .. });
        let by_ref = f.params.first().is_some_and(|p| match self.tys.kind(*p) {
            TyKind::Ref(inner, _) => self_param(*inner),
            _ => false,
        });
        let own_params = f.generics.params.len() > f.generics.parent_count;
        let sized_self = f.generics.predicates.iter().any(|p| {
            matches!(p, Predicate::Implements(tr) if Some(tr.trait_id) == self.lang.sized && self_param(tr.self_ty()))
        });
        by_ref && !own_params && !sized_self
    }

    /// Whether a bound of `env` (or a supertrait of one) is exactly `goal`.
    /// (An argument of the goal that is an inference variable matches anything: the caller
    /// then relates it to the bound's.)
    fn env_proves(&self, goal: &TraitRef, env: &[Predicate]) -> bool {
        let matches = |t: &TraitRef| {
            t.trait_id == goal.trait_id
                && t.args.len() == goal.args.len()
                && t.args
                    .iter()
                    .zip(&goal.args)
                    .all(|(a, g)| a == g || matches!(self.tys.kind(*g), TyKind::Infer(InferTy::Var(_))))
        };
        self.with_implied(env).iter().any(|p| match p {
            Predicate::Implements(tr) => self.elaborate(tr).iter().any(matches),
            Predicate::AssocEq { .. } => false,
        })
    }

    /// `env` plus what its bounds imply about associated types: `I: IntoIterator` implies
    /// `<I as IntoIterator>::IntoIter: Iterator<Item = <I as IntoIterator>::Item>` (the bounds
    /// written on the trait's associated types).
    pub fn with_implied(&self, env: &[Predicate]) -> Vec<Predicate> {
        let mut out = env.to_vec();
        for p in env {
            let Predicate::Implements(tr) = p else { continue };
            for t in self.elaborate(tr) {
                for ap in &self.traits[t.trait_id.index()].assoc_predicates {
                    let q = match ap {
                        Predicate::Implements(b) => Predicate::Implements(TraitRef {
                            trait_id: b.trait_id,
                            args: b.args.iter().map(|x| self.tys.subst(*x, &t.args)).collect(),
                        }),
                        Predicate::AssocEq { trait_ref, name, ty } => Predicate::AssocEq {
                            trait_ref: TraitRef {
                                trait_id: trait_ref.trait_id,
                                args: trait_ref.args.iter().map(|x| self.tys.subst(*x, &t.args)).collect(),
                            },
                            name: name.clone(),
                            ty: self.tys.subst(*ty, &t.args),
                        },
                    };
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
        }
        out
    }

    /// `t` with every projection in it normalized as far as the impls and `env` allow.
    pub fn normalize_deep(&self, t: Ty, env: &[Predicate], depth: u32) -> Ty {
        if depth > MAX_DEPTH {
            return t;
        }
        if let TyKind::Projection { trait_id, args, name } = self.tys.kind(t) {
            let args: Vec<Ty> = args.iter().map(|a| self.normalize_deep(*a, env, depth + 1)).collect();
            let tr = TraitRef { trait_id: *trait_id, args };
            return match self.normalize(&tr, name, env) {
                Some(n) => n,
                None => {
                    self.tys.intern(TyKind::Projection { trait_id: tr.trait_id, args: tr.args, name: name.clone() })
                }
            };
        }
        self.tys.map_components(t, &mut |x| self.normalize_deep(x, env, depth + 1))
    }

    /// Whether `t` mentions the type `part`.
    fn mentions(&self, t: Ty, part: Ty) -> bool {
        if t == part {
            return true;
        }
        let mut found = false;
        self.tys.map_components(t, &mut |x| {
            found |= self.mentions(x, part);
            x
        });
        found
    }

    /// Whether `t` mentions a parameter selection could not decide.
    fn has_placeholder(&self, t: Ty) -> bool {
        match self.tys.kind(t) {
            TyKind::Param { index, .. } => *index == u32::MAX,
            TyKind::Tuple(ts) => ts.iter().any(|x| self.has_placeholder(*x)),
            TyKind::Ref(x, _) | TyKind::RawPtr(x, _) | TyKind::Array(x, _) | TyKind::Slice(x) => {
                self.has_placeholder(*x)
            }
            TyKind::Adt(_, args) | TyKind::Projection { args, .. } => args.iter().any(|x| self.has_placeholder(*x)),
            TyKind::Dynamic { args, assoc, .. } => {
                args.iter().any(|x| self.has_placeholder(*x)) || assoc.iter().any(|(_, x)| self.has_placeholder(*x))
            }
            _ => false,
        }
    }

    /// `tr` and every supertrait it implies, with the trait's parameters substituted.
    pub fn elaborate(&self, tr: &TraitRef) -> Vec<TraitRef> {
        let mut out = vec![tr.clone()];
        let mut i = 0;
        while i < out.len() && out.len() < 64 {
            let cur = out[i].clone();
            for sup in &self.traits[cur.trait_id.index()].supertraits {
                let s = TraitRef {
                    trait_id: sup.trait_id,
                    args: sup.args.iter().map(|t| self.tys.subst(*t, &cur.args)).collect(),
                };
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            i += 1;
        }
        out
    }

    /// Matches `pattern` (whose `Param`s are the impl's variables, bound in `binds`) against
    /// `ty`.
    fn match_ty(&self, pattern: Ty, ty: Ty, binds: &mut Vec<Option<Ty>>) -> Match {
        let tys = self.tys;
        if let TyKind::Param { index, .. } = tys.kind(pattern) {
            let i = *index as usize;
            if i < binds.len() {
                return match binds[i] {
                    None => {
                        binds[i] = Some(ty);
                        Match::Yes
                    }
                    Some(prev) if prev == ty => Match::Yes,
                    Some(prev) => self.match_ty(prev, ty, &mut Vec::new()),
                };
            }
        }
        // Equal types match, unless the pattern has parameters still to bind (an impl's `T`
        // is not the caller's `T`).
        if pattern == ty && (binds.is_empty() || !tys.has_params(pattern)) {
            return Match::Yes;
        }
        let (pk, tk) = (tys.kind(pattern), tys.kind(ty));
        match (pk, tk) {
            (_, TyKind::Error) | (TyKind::Infer(_), _) => Match::Maybe,
            (TyKind::Int(_) | TyKind::Uint(_), TyKind::Infer(InferTy::Int(_))) => Match::Maybe,
            (TyKind::Float(_), TyKind::Infer(InferTy::Float(_))) => Match::Maybe,
            (_, TyKind::Infer(InferTy::Int(_) | InferTy::Float(_))) => Match::No,
            (_, TyKind::Infer(InferTy::Var(_))) => Match::Maybe,
            // An unnormalized projection could be anything.
            (_, TyKind::Projection { .. }) => Match::Maybe,
            (TyKind::Tuple(a), TyKind::Tuple(b)) if a.len() == b.len() => self.match_all(a, b, binds),
            (TyKind::Ref(a, m1), TyKind::Ref(b, m2)) | (TyKind::RawPtr(a, m1), TyKind::RawPtr(b, m2)) if m1 == m2 => {
                self.match_ty(*a, *b, binds)
            }
            (TyKind::Array(a, n1), TyKind::Array(b, n2)) if n1 == n2 => self.match_ty(*a, *b, binds),
            (TyKind::Slice(a), TyKind::Slice(b)) => self.match_ty(*a, *b, binds),
            (
                TyKind::Dynamic { trait_id: t1, args: a1, assoc: s1 },
                TyKind::Dynamic { trait_id: t2, args: a2, assoc: s2 },
            ) if t1 == t2 && a1.len() == a2.len() && s1.len() == s2.len() => {
                let (b1, b2): (Vec<Ty>, Vec<Ty>) = (s1.iter().map(|x| x.1).collect(), s2.iter().map(|x| x.1).collect());
                self.match_all(a1, a2, binds).and(self.match_all(&b1, &b2, binds))
            }
            (TyKind::Adt(a, xs), TyKind::Adt(b, ys)) if a == b => self.match_all(xs, ys, binds),
            (
                TyKind::Coroutine { def: d1, args: a1, output: o1 },
                TyKind::Coroutine { def: d2, args: a2, output: o2 },
            ) if d1 == d2 && a1.len() == a2.len() => self.match_all(a1, a2, binds).and(self.match_ty(*o1, *o2, binds)),
            (
                TyKind::Closure { id: i1, params: p1, ret: r1, upvars: u1, .. },
                TyKind::Closure { id: i2, params: p2, ret: r2, upvars: u2, .. },
            ) if i1 == i2 && p1.len() == p2.len() && u1.len() == u2.len() => {
                self.match_all(p1, p2, binds).and(self.match_all(u1, u2, binds)).and(self.match_ty(*r1, *r2, binds))
            }
            (TyKind::FnPtr(p1, r1), TyKind::FnPtr(p2, r2)) if p1.len() == p2.len() => {
                self.match_all(p1, p2, binds).and(self.match_ty(*r1, *r2, binds))
            }
            _ => Match::No,
        }
    }

    fn match_all(&self, ps: &[Ty], ts: &[Ty], binds: &mut Vec<Option<Ty>>) -> Match {
        let mut m = Match::Yes;
        for (p, t) in ps.iter().zip(ts) {
            m = m.and(self.match_ty(*p, *t, binds));
            if m == Match::No {
                break;
            }
        }
        m
    }

    /// Matches an inherent impl's self type against `ty`: the impl's arguments, or `None`.
    pub fn match_impl_self(&self, imp: &ImplDef, ty: Ty) -> Option<Vec<Option<Ty>>> {
        let mut binds = vec![None; imp.generics.params.len()];
        match self.match_ty(imp.self_ty, ty, &mut binds) {
            Match::No => None,
            _ => Some(binds),
        }
    }

    /// The associated type `name` of `tr`, if an impl (not the environment) decides it.
    pub fn normalize(&self, tr: &TraitRef, name: &str, env: &[Predicate]) -> Option<Ty> {
        for p in &self.with_implied(env) {
            if let Predicate::AssocEq { trait_ref, name: n, ty } = p {
                if trait_ref == tr && n == name {
                    return Some(*ty);
                }
            }
        }
        if let TyKind::Closure { ret, .. } = self.tys.kind(tr.self_ty()) {
            if Some(tr.trait_id) == self.lang.fn_once && name == "Output" {
                return Some(*ret);
            }
        }
        if let TyKind::Coroutine { output, .. } = self.tys.kind(tr.self_ty()) {
            if Some(tr.trait_id) == self.lang.future && name == "Output" {
                return Some(*output);
            }
        }
        // An object's associated types are the ones its type binds.
        if let TyKind::Dynamic { assoc, .. } = self.tys.kind(tr.self_ty()) {
            if let Some((_, t)) = assoc.iter().find(|(n, _)| n == name) {
                return Some(*t);
            }
        }
        match self.select(tr, env) {
            Selection::Impl(id, substs) => {
                let imp = &self.impls[id.index()];
                let t = imp.assoc_ty(name).or_else(|| {
                    let td = &self.traits[tr.trait_id.index()];
                    td.assoc_types
                        .iter()
                        .find(|(n, _)| n == name)
                        .and_then(|(_, d)| *d)
                        .map(|d| self.tys.subst(d, &tr.args))
                })?;
                Some(self.normalize_deep(self.tys.subst(t, &substs), env, 0))
            }
            _ => None,
        }
    }
}
