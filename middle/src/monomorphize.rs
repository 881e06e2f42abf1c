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
use aether_frontend::span::Span;
use aether_frontend::traits::{Selection, TraitTables};
use aether_frontend::ty::{Mutability, Ty, TyInterner, TyKind};

/// An error found while instantiating: either one type checking should have prevented (an
/// internal error, no span), or a construct this version cannot compile for the concrete types
/// (with the span of the use; reported as E9001).
#[derive(Debug)]
pub struct MonoError(pub String, pub Option<aether_frontend::span::Span>);

impl MonoError {
    fn internal(msg: impl Into<String>) -> MonoError {
        MonoError(msg.into(), None)
    }
}

/// Instantiates every generic function the program reaches; see the module documentation.
pub fn monomorphize(krate: &mut hir::Crate) -> Result<(), MonoError> {
    let mut m = Mono {
        instances: HashMap::new(),
        queue: Vec::new(),
        done: HashSet::new(),
        lib_queue: Vec::new(),
        drop_seen: HashSet::new(),
        closures: HashMap::new(),
        closure_fns: HashMap::new(),
        closure_queue: Vec::new(),
        cur_locals: Vec::new(),
        in_library: false,
        cur_site: None,
    };
    let roots: Vec<FnId> = (0..krate.fns.len())
        .map(|i| FnId(i as u32))
        .filter(|&f| krate.fn_def(f).generics.is_empty() && krate.fn_def(f).body.is_some() && !krate.fn_def(f).lib)
        .collect();
    m.done.extend(roots.iter().copied());
    // A non-generic `#[track_caller]` function is rewritten in place for its plain uses; its
    // per-site instances start from the body as written.
    let originals: HashMap<FnId, hir::Body> = (0..krate.fns.len())
        .map(|i| FnId(i as u32))
        .filter(|&f| krate.fn_def(f).track_caller && krate.fn_def(f).generics.is_empty())
        .filter_map(|f| Some((f, krate.fn_def(f).body.clone()?)))
        .collect();
    for f in roots {
        m.in_library = false;
        m.cur_site = None;
        let body = krate.fns[f.index()].body.take().expect("roots have bodies");
        let body = m.instantiate_body(krate, body, &[])?;
        krate.fns[f.index()].body = Some(body);
    }
    loop {
        // Library functions without generics, reached from instantiated code.
        if let Some(f) = m.lib_queue.pop() {
            m.in_library = krate.fns[f.index()].lib;
            m.cur_site = None;
            let body = krate.fns[f.index()].body.take().expect("queued library functions have bodies");
            let body = m.instantiate_body(krate, body, &[])?;
            krate.fns[f.index()].body = Some(body);
            continue;
        }
        // Closure bodies last: the instance that builds a closure registers it.
        let Some((id, origin, substs, site)) = m.queue.pop() else {
            match m.closure_queue.pop() {
                Some((id, closure_ty, method)) => {
                    let body = m.closure_body(krate, closure_ty, &method)?;
                    krate.fns[id.index()].body = Some(body);
                    continue;
                }
                None => break,
            }
        };
        let written = originals.get(&origin).cloned();
        let body = written.or_else(|| krate.fns[origin.index()].body.clone()).ok_or_else(|| {
            MonoError::internal(format!("`{}` is called but has no body", krate.fns[origin.index()].path))
        })?;
        m.in_library = krate.fns[origin.index()].lib;
        m.cur_site = site;
        let mut body = m.instantiate_body(krate, body, &substs)?;
        if let Some(site) = site {
            report_at(&mut body.value, site);
        }
        krate.fns[id.index()].body = Some(body);
    }
    // Every async fn that is code gets its poll and drop functions (awaited or not).
    let async_fns: Vec<FnId> = (0..krate.fns.len())
        .map(|i| FnId(i as u32))
        .filter(|&f| {
            let d = krate.fn_def(f);
            d.async_output.is_some() && d.generics.is_empty() && d.body.is_some() && (!d.lib || m.done.contains(&f))
        })
        .collect();
    for f in async_fns {
        register_coroutine(krate, f);
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
    /// `(function, arguments, call site of a #[track_caller] function)` to the instance.
    instances: HashMap<(FnId, Vec<Ty>, Option<Span>), FnId>,
    /// Instances whose bodies remain to be made: (instance, generic function, arguments, the
    /// call site its panics report, for `#[track_caller]` functions).
    queue: Vec<(FnId, FnId, Vec<Ty>, Option<Span>)>,
    /// Non-generic functions whose bodies are (being) rewritten.
    done: HashSet<FnId>,
    /// Non-generic library functions reached but not yet rewritten.
    lib_queue: Vec<FnId>,
    /// Types whose drop impls are registered.
    drop_seen: HashSet<Ty>,
    /// Each closure expression met in instantiated code, by its (concrete) closure type.
    closures: HashMap<Ty, ClosureInfo>,
    /// The body function of each (closure type, call method), created on first call.
    closure_fns: HashMap<(Ty, String), FnId>,
    /// Closure body functions whose bodies remain to be made.
    closure_queue: Vec<(FnId, Ty, String)>,
    /// The locals of the body being instantiated (closures inside it share them).
    cur_locals: Vec<hir::LocalDecl>,
    /// Whether the body being instantiated is the standard library's.
    in_library: bool,
    /// The call site the body being instantiated reports (a `#[track_caller]` instance's).
    cur_site: Option<Span>,
}

/// A closure expression after instantiation: what its body function is made of.
struct ClosureInfo {
    locals: Vec<hir::LocalDecl>,
    params: Vec<hir::Pat>,
    body: hir::Expr,
    captures: Vec<hir::Capture>,
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
        for (tr, span) in &body.auto_obligations {
            let args = tr.args.iter().map(|t| concrete(krate, *t, substs)).collect();
            let goal = (hir::TraitRef { trait_id: tr.trait_id, args }, *span);
            if !krate.auto_obligations.contains(&goal) {
                krate.auto_obligations.push(goal);
            }
        }
        // Async `defer!` guards are awaited by MIR building: through their concrete poll.
        for (guard, poll) in &mut body.exit_awaits {
            *poll = self.poll_of(krate, *poll, body.locals[guard.index()].ty)?;
        }
        let saved = std::mem::replace(&mut self.cur_locals, body.locals.clone());
        self.expr(krate, &mut body.value, substs)?;
        self.cur_locals = saved;
        Ok(body)
    }

    /// The function `.await` polls a future of the concrete type `fut` with (`poll` is
    /// `Future::poll`).
    fn poll_of(&mut self, krate: &mut hir::Crate, poll: FnId, fut: Ty) -> Result<FnId, MonoError> {
        Ok(match krate.tys.kind(fut).clone() {
            // An async fn's future: its coroutine's poll function.
            TyKind::Coroutine { def, args, .. } => {
                let inst = self.instance(krate, FnId(def), args);
                register_coroutine(krate, inst).poll
            }
            _ => match resolve_callee(krate, poll, vec![fut])? {
                Some((f, s)) => self.instance(krate, f, s),
                None => return Err(MonoError::internal("a built-in `Future::poll`")),
            },
        })
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
                // The type argument's layout is needed (`size_of::<T>()`), so the projections
                // in its fields must be normalized, and `drop_in_place` needs its drop impls.
                for &t in &cs {
                    self.register_drop(krate, t)?;
                }
                match krate.fn_def(*callee).linkage {
                    hir::Linkage::Intrinsic(hir::MemIntrinsic::FutureVTable) => {
                        let t = *cs.first().ok_or_else(|| MonoError::internal("`future_vtable` without a type"))?;
                        self.register_future_vtable(krate, t)?;
                    }
                    _ => {}
                }
                *call_substs = cs;
            }
            ExprKind::Call { callee, substs: call_substs, args } => {
                let cs: Vec<Ty> = call_substs.iter().map(|t| concrete(krate, *t, substs)).collect();
                let def = krate.fn_def(*callee);
                let closure_call = def
                    .trait_id
                    .is_some_and(|t| [krate.lang.fn_, krate.lang.fn_mut, krate.lang.fn_once].contains(&Some(t)))
                    && matches!(cs.first().map(|t| krate.tys.kind(*t)), Some(TyKind::Closure { .. }));
                if closure_call {
                    let method = def.name.clone();
                    *callee = self.closure_fn(krate, cs[0], &method);
                    call_substs.clear();
                    return self.children(krate, e, substs);
                }
                // `Future::poll` of an async fn's future: the coroutine's poll function.
                if def.trait_id.is_some() && def.trait_id == krate.lang.future {
                    if let Some(TyKind::Coroutine { def: cdef, args: cargs, .. }) =
                        cs.first().map(|t| krate.tys.kind(*t).clone())
                    {
                        let inst = self.instance(krate, FnId(cdef), cargs);
                        *callee = register_coroutine(krate, inst).poll;
                        call_substs.clear();
                        return self.children(krate, e, substs);
                    }
                }
                // A method of a trait object's trait: a call through its vtable (MIR makes it
                // `Callee::Virtual`), so the callee stays the trait's method.
                let virtual_call = def.trait_id.is_some()
                    && cs.first().is_some_and(|t| matches!(krate.tys.kind(*t), TyKind::Dynamic { .. }));
                if virtual_call {
                    *call_substs = cs;
                    return self.children(krate, e, substs);
                }
                match resolve_callee(krate, *callee, cs)? {
                    Some((f, s)) => {
                        // A `#[track_caller]` function called from the program gets an instance
                        // per call site, whose panics report that site.
                        // Inside such an instance, the site passes on to nested ones.
                        let site = if krate.fn_def(f).track_caller {
                            self.cur_site.or((!self.in_library).then_some(e.span))
                        } else {
                            None
                        };
                        *callee = self.instance_at(krate, f, s, site);
                        call_substs.clear();
                    }
                    None => {
                        // `Clone::clone` of a tuple or array of `Copy` elements: a copy.
                        let arg = args.pop().ok_or_else(|| MonoError::internal("`clone` without a receiver"))?;
                        e.kind = ExprKind::Deref(Box::new(arg));
                    }
                }
            }
            ExprKind::Await { poll, substs: await_substs, .. } => {
                let cs: Vec<Ty> = await_substs.iter().map(|t| concrete(krate, *t, substs)).collect();
                let fut = *cs.first().ok_or_else(|| MonoError::internal("`.await` without a future type"))?;
                *poll = self.poll_of(krate, *poll, fut)?;
                await_substs.clear();
            }
            ExprKind::PtrCast(inner) => {
                let from = concrete(krate, inner.ty, substs);
                if let Some((src, obj)) = krate.tys.unsize_pointees(from, e.ty) {
                    self.register_vtable(krate, src, obj)?;
                }
            }
            ExprKind::Match { arms, .. } => {
                for a in arms.iter_mut() {
                    pat(krate, &mut a.pat, substs);
                }
            }
            ExprKind::Let { pat: p, .. } => pat(krate, p, substs),
            ExprKind::Print { args, pieces, .. } | ExprKind::Panic { args, pieces, .. } => {
                // Formatting is built in for primitives and strings: a generic argument must be
                // one of those once concrete (through references), or `()`, which prints as
                // the text `()` (after evaluating the argument).
                for (i, a) in args.iter_mut().enumerate() {
                    if krate.tys.is_unit(concrete(krate, a.ty, substs)) {
                        let span = a.span;
                        let str_ref = krate.tys.intern(TyKind::Ref(krate.common.str, Mutability::Not));
                        let text = hir::Expr { kind: ExprKind::Lit(hir::Literal::Str("()".into())), ty: str_ref, span };
                        let value = std::mem::replace(a, text.clone());
                        *a = hir::Expr {
                            kind: ExprKind::Block(hir::Block {
                                stmts: vec![hir::Stmt::Expr(value)],
                                expr: Some(Box::new(text)),
                            }),
                            ty: str_ref,
                            span,
                        };
                        for p in pieces.iter_mut() {
                            if let hir::PrintPiece::Arg { index, spec, .. } = p {
                                if *index == i {
                                    spec.ty = aether_frontend::ast::FormatType::Display;
                                }
                            }
                        }
                        continue;
                    }
                    let mut t = concrete(krate, a.ty, substs);
                    while let TyKind::Ref(inner, _) = krate.tys.kind(t).clone() {
                        if matches!(krate.tys.kind(inner), TyKind::Str) {
                            break;
                        }
                        let inner_a = std::mem::replace(
                            a,
                            hir::Expr { kind: ExprKind::Lit(hir::Literal::Unit), ty: t, span: a.span },
                        );
                        *a = hir::Expr { kind: ExprKind::Deref(Box::new(inner_a)), ty: inner, span: a.span };
                        t = inner;
                    }
                    let ok = matches!(
                        krate.tys.kind(t),
                        TyKind::Int(_) | TyKind::Uint(_) | TyKind::Float(_) | TyKind::Bool | TyKind::Char
                    ) || matches!(krate.tys.kind(t), TyKind::Ref(i, _) if matches!(krate.tys.kind(*i), TyKind::Str));
                    if !ok {
                        return Err(MonoError(
                            format!("formatting a value of generic type that is `{}` here", krate.tys.display(t)),
                            Some(a.span),
                        ));
                    }
                }
            }
            ExprKind::Closure { params, .. } => {
                for p in params.iter_mut() {
                    pat(krate, p, substs);
                }
            }
            ExprKind::Block(b) => {
                for s in b.stmts.iter_mut() {
                    if let hir::Stmt::Let { pat: p, .. } = s {
                        pat(krate, p, substs);
                    }
                }
            }
            _ => {}
        }
        self.children(krate, e, substs)?;
        if let ExprKind::Closure { params, body, captures } = &e.kind {
            // Instantiated (its body too): remember it for the calls that reach it.
            let info = ClosureInfo {
                locals: self.cur_locals.clone(),
                params: params.clone(),
                body: (**body).clone(),
                captures: captures.clone(),
            };
            self.closures.insert(e.ty, info);
        }
        Ok(())
    }

    fn children(&mut self, krate: &mut hir::Crate, e: &mut hir::Expr, substs: &[Ty]) -> Result<(), MonoError> {
        let mut result = Ok(());
        e.for_each_child_mut(|c| {
            if result.is_ok() {
                result = self.expr(krate, c, substs);
            }
        });
        result
    }

    /// The body function of closure type `closure_ty` for call method `method` (`call`,
    /// `call_mut` or `call_once`): `fn(env: &C | &mut C | C, args: (A, B)) -> R`.
    fn closure_fn(&mut self, krate: &mut hir::Crate, closure_ty: Ty, method: &str) -> FnId {
        if let Some(&f) = self.closure_fns.get(&(closure_ty, method.to_string())) {
            return f;
        }
        let TyKind::Closure { id, params, ret, .. } = krate.tys.kind(closure_ty).clone() else {
            unreachable!("closure_fn of a non-closure type")
        };
        let env_ty = match method {
            "call" => krate.tys.intern(TyKind::Ref(closure_ty, Mutability::Not)),
            "call_mut" => krate.tys.intern(TyKind::Ref(closure_ty, Mutability::Mut)),
            _ => closure_ty,
        };
        let args_ty = krate.tys.intern(TyKind::Tuple(params));
        let def = hir::FnDef {
            name: format!("{{closure#{id}}}"),
            path: format!("{{closure#{id}}}::{method}<{}>", krate.tys.display(closure_ty)),
            span: Default::default(),
            generics: hir::Generics::default(),
            params: vec![env_ty, args_ty],
            ret,
            trait_id: None,
            impl_id: None,
            lib: false,
            track_caller: false,
            async_output: None,
            linkage: hir::Linkage::Internal,
            inline: false,
            body: None,
        };
        let f = FnId(krate.fns.len() as u32);
        krate.fns.push(def);
        self.closure_fns.insert((closure_ty, method.to_string()), f);
        self.closure_queue.push((f, closure_ty, method.to_string()));
        f
    }

    /// Builds a closure body function: the parameters come from the argument tuple, and each
    /// captured local becomes a field of the environment (dereferenced for a capture by
    /// reference).
    fn closure_body(&mut self, krate: &mut hir::Crate, closure_ty: Ty, method: &str) -> Result<hir::Body, MonoError> {
        let info = self.closures.get(&closure_ty).ok_or_else(|| {
            MonoError::internal(format!("the closure `{}` is called but never built", krate.tys.display(closure_ty)))
        })?;
        let TyKind::Closure { params, upvars, .. } = krate.tys.kind(closure_ty).clone() else {
            unreachable!("closure types only")
        };
        let mut locals = info.locals.clone();
        let span = info.body.span;
        let env_ty = krate.fns[self.closure_fns[&(closure_ty, method.to_string())].index()].params[0];
        let args_ty = krate.tys.intern(TyKind::Tuple(params));
        locals.push(hir::LocalDecl { name: "<env>".into(), ty: env_ty, mutable: false, span });
        let env = hir::LocalId(locals.len() as u32 - 1);
        locals.push(hir::LocalDecl { name: "<args>".into(), ty: args_ty, mutable: false, span });
        let args = hir::LocalId(locals.len() as u32 - 1);
        let env_place = match krate.tys.kind(env_ty) {
            TyKind::Ref(..) => hir::Expr {
                kind: ExprKind::Deref(Box::new(hir::Expr { kind: ExprKind::Local(env), ty: env_ty, span })),
                ty: closure_ty,
                span,
            },
            _ => hir::Expr { kind: ExprKind::Local(env), ty: closure_ty, span },
        };
        let mut body = info.body.clone();
        let captures: Vec<(hir::LocalId, Option<Mutability>, Ty, u32)> =
            info.captures.iter().zip(upvars).enumerate().map(|(i, (c, u))| (c.local, c.by_ref, u, i as u32)).collect();
        rewrite_captures(&mut body, &captures, &env_place);
        let tuple_pat = hir::Pat { kind: hir::PatKind::Tuple(info.params.clone()), ty: args_ty, span };
        let init = hir::Expr { kind: ExprKind::Local(args), ty: args_ty, span };
        let ret_ty = body.ty;
        let value = hir::Expr {
            kind: ExprKind::Block(hir::Block {
                stmts: vec![hir::Stmt::Let { pat: tuple_pat, init: Some(init), else_block: None, span }],
                expr: Some(Box::new(body)),
            }),
            ty: ret_ty,
            span,
        };
        for l in &locals {
            self.register_drop(krate, l.ty)?;
        }
        Ok(hir::Body {
            locals,
            params: vec![env, args],
            value,
            captured_by_ref: Vec::new(),
            exit_awaits: Vec::new(),
            auto_obligations: Vec::new(),
        })
    }

    /// Fills the vtable of `src` as the object type `obj` (once per pair): each method's instance
    /// for `src`, and `src`'s drop glue.
    fn register_vtable(&mut self, krate: &mut hir::Crate, src: Ty, obj: Ty) -> Result<(), MonoError> {
        if !matches!(krate.tys.kind(obj), TyKind::Dynamic { .. }) || krate.vtables.contains_key(&(src, obj)) {
            return Ok(());
        }
        self.register_drop(krate, src)?;
        let methods = TraitTables::of(krate).vtable_methods(obj);
        let mut entries = Vec::new();
        for (m, tr) in methods {
            let def = krate.fn_def(m);
            if !TraitTables::of(krate).callable_on_object(def) {
                entries.push(None);
                continue;
            }
            let mut s = tr.args.clone();
            s[0] = src;
            if matches!(krate.tys.kind(src), TyKind::Closure { .. }) {
                let name = def.name.clone();
                entries.push(Some(self.closure_fn(krate, src, &name)));
                continue;
            }
            let entry = match resolve_callee(krate, m, s)? {
                Some((f, fs)) => self.instance(krate, f, fs),
                None => return Err(MonoError::internal("a built-in `clone` in a vtable")),
            };
            entries.push(Some(entry));
        }
        krate.vtables.insert((src, obj), entries);
        Ok(())
    }

    /// Records what the runtime's vtable of the future type `f` needs (once per type): the
    /// instance of `std::executor::poll_erased::<f>` and `f`'s output type, with their drops.
    fn register_future_vtable(&mut self, krate: &mut hir::Crate, f: Ty) -> Result<(), MonoError> {
        if krate.future_vtables.contains_key(&f) {
            return Ok(());
        }
        let future = krate.lang.future.ok_or_else(|| MonoError::internal("no `Future` trait"))?;
        let projection =
            krate.tys.intern(TyKind::Projection { trait_id: future, args: vec![f], name: "Output".into() });
        let output = normalize(krate, &krate.tys, projection);
        if matches!(krate.tys.kind(output), TyKind::Projection { .. }) {
            return Err(MonoError::internal(format!("`{}` is not a future", krate.tys.display(f))));
        }
        let erased = krate
            .fns
            .iter()
            .position(|d| d.path == "std::executor::poll_erased")
            .ok_or_else(|| MonoError::internal("no `std::executor::poll_erased`"))?;
        let poll = self.instance(krate, FnId(erased as u32), vec![f]);
        self.register_drop(krate, f)?;
        self.register_drop(krate, output)?;
        krate.future_vtables.insert(f, hir::FutureVTableInfo { poll, output });
        Ok(())
    }

    /// Makes sure every type with a `Drop` impl that a value of `t` contains has its `drop`
    /// instance in `krate.drop_impls` (drop glue calls them).
    fn register_drop(&mut self, krate: &mut hir::Crate, t: Ty) -> Result<(), MonoError> {
        if !self.drop_seen.insert(t) {
            return Ok(());
        }
        match krate.tys.kind(t).clone() {
            TyKind::Tuple(ts) | TyKind::Closure { upvars: ts, .. } => {
                ts.into_iter().try_for_each(|x| self.register_drop(krate, x))
            }
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
                            .ok_or_else(|| MonoError::internal("`Drop` impl without `drop`"))?;
                        let inst = self.instance(krate, m, impl_substs);
                        krate.drop_impls.insert(t, inst);
                    }
                }
                let fields: Vec<Ty> =
                    krate.adt(id).variants.iter().flat_map(|v| v.fields.iter().map(|f| f.ty)).collect();
                for f in fields {
                    // Normalized (a field of type `<T as Trait>::Assoc`): later substitutions
                    // of the field type then give the concrete type (`TyInterner::normalized`).
                    let ft = concrete(krate, f, &args);
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
        self.instance_at(krate, f, substs, None)
    }

    fn instance_at(&mut self, krate: &mut hir::Crate, f: FnId, substs: Vec<Ty>, site: Option<Span>) -> FnId {
        if krate.fn_def(f).generics.is_empty() && site.is_none() {
            if krate.fn_def(f).body.is_some() && self.done.insert(f) {
                self.lib_queue.push(f);
            }
            return f;
        }
        if let Some(&id) = self.instances.get(&(f, substs.clone(), site)) {
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
            lib: def.lib,
            track_caller: false,
            async_output: def.async_output.map(|t| concrete(krate, t, &substs)),
            linkage: def.linkage,
            inline: def.inline,
            body: None,
        };
        let id = FnId(krate.fns.len() as u32);
        krate.fns.push(inst);
        self.instances.insert((f, substs.clone(), site), id);
        self.done.insert(id);
        self.queue.push((id, f, substs, site));
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
        other => Err(MonoError::internal(format!(
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
            let tables = TraitTables {
                traits: &krate.traits,
                impls: &krate.impls,
                tys,
                lang: &krate.lang,
                adts: &krate.adts,
                coroutine_witness: None,
            };
            match tables.normalize(&tr, name, &[]) {
                Some(n) => {
                    let n = normalize(krate, tys, n);
                    if !tr.args.iter().any(|a| tys.has_params(*a)) {
                        let p =
                            tys.intern(TyKind::Projection { trait_id: tr.trait_id, args: tr.args, name: name.clone() });
                        tys.record_normalized(p, n);
                    }
                    n
                }
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
        TyKind::Closure { params, ret, upvars, .. } => {
            params.iter().chain(upvars).any(|x| has_projection(tys, *x)) || has_projection(tys, *ret)
        }
        TyKind::Ref(x, _) | TyKind::RawPtr(x, _) | TyKind::Array(x, _) | TyKind::Slice(x) => has_projection(tys, *x),
        TyKind::FnPtr(ps, r) => ps.iter().any(|x| has_projection(tys, *x)) || has_projection(tys, *r),
        TyKind::Adt(_, args) => args.iter().any(|x| has_projection(tys, *x)),
        _ => false,
    }
}

/// Replaces each captured local in a closure body by its place in the environment.
fn rewrite_captures(e: &mut hir::Expr, captures: &[(hir::LocalId, Option<Mutability>, Ty, u32)], env: &hir::Expr) {
    if let ExprKind::Local(l) = e.kind {
        if let Some(&(_, by_ref, upvar_ty, i)) = captures.iter().find(|c| c.0 == l) {
            let field = hir::Expr {
                kind: ExprKind::Field { base: Box::new(env.clone()), variant: hir::VariantIdx(0), field: i },
                ty: upvar_ty,
                span: e.span,
            };
            e.kind = match by_ref {
                None => field.kind,
                Some(_) => ExprKind::Deref(Box::new(field)),
            };
            return;
        }
    }
    e.for_each_child_mut(|c| rewrite_captures(c, captures, env));
}

/// The poll and drop functions of the (non-generic) async fn `f`'s future, made on first use.
fn register_coroutine(krate: &mut hir::Crate, f: FnId) -> hir::CoroutineFns {
    let def = krate.fn_def(f);
    let frame = def.ret;
    if let Some(c) = krate.coroutines.get(&frame) {
        return *c;
    }
    let (path, span, output) = (def.path.clone(), def.span, def.async_output.unwrap_or(krate.common.unit));
    let adt = |krate: &hir::Crate, p: &str| {
        krate.adts.iter().position(|a| a.path == p).map(|i| aether_frontend::ty::AdtId(i as u32))
    };
    let poll_ret = match adt(krate, "std::task::Poll") {
        Some(a) => krate.tys.intern(TyKind::Adt(a, vec![output])),
        None => krate.common.unit,
    };
    let cx = match adt(krate, "std::task::Context") {
        Some(a) => krate.tys.intern(TyKind::Ref(krate.tys.intern(TyKind::Adt(a, Vec::new())), Mutability::Mut)),
        None => krate.common.unit,
    };
    let frame_ref = krate.tys.intern(TyKind::Ref(frame, Mutability::Mut));
    let mk = |name: &str, params: Vec<Ty>, ret: Ty| hir::FnDef {
        name: name.to_string(),
        path: format!("{path}::{name}"),
        span,
        generics: hir::Generics::default(),
        params,
        ret,
        trait_id: None,
        impl_id: None,
        // Code whenever the async fn is (its bodies come from the coroutine transform).
        lib: false,
        track_caller: false,
        async_output: None,
        linkage: hir::Linkage::Internal,
        inline: false,
        body: None,
    };
    let poll = mk("{poll}", vec![frame_ref, cx], poll_ret);
    let drop = mk("{drop}", vec![frame_ref], krate.common.unit);
    krate.fns.push(poll);
    krate.fns.push(drop);
    let n = krate.fns.len() as u32;
    let fns = hir::CoroutineFns { ctor: f, poll: FnId(n - 2), drop: FnId(n - 1) };
    krate.coroutines.insert(frame, fns);
    fns
}

/// Makes the panics and bounds checks of a `#[track_caller]` instance report `site`.
fn report_at(e: &mut hir::Expr, site: Span) {
    if matches!(e.kind, ExprKind::Panic { .. } | ExprKind::Index { .. }) {
        e.span = site;
    }
    e.for_each_child_mut(|c| report_at(c, site));
}
