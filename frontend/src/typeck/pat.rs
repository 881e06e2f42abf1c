//! Pattern checking: AST patterns against an expected type, to HIR patterns.
//!
//! Implements Rust's default binding modes: a non-reference pattern (struct, tuple, literal,
//! ..) matched against `&T`/`&mut T` gets an implicit `PatKind::Deref` and switches the binding
//! mode to `ref` (or `ref mut` when every peeled reference was `&mut`), so that bindings below
//! it are references. An identifier that names a unit struct, unit variant or constant is a path
//! pattern, otherwise a binding. Or-patterns bind the same locals in every alternative (E0408
//! when they differ). Literal and range bounds are checked as expressions and folded by
//! `consts`. Bindings are declared in the innermost scope once the whole pattern is checked.
//! Refutability and exhaustiveness are checked later, on final types, by `exhaustiveness`.

use std::collections::HashMap;

use super::expr::BodyChecker;
use super::resolve::{self, Ns, PathRes};
use super::{unsupported, Res};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, CtorKind, LocalId, PatKind, VariantIdx};
use crate::span::Span;
use crate::ty::{AdtId, Mutability, Ty, TyKind};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Move,
    Ref(bool),
}

#[derive(Default)]
struct PatCx {
    /// Bindings of the whole pattern, in order.
    bindings: Vec<(String, LocalId, Span)>,
    /// In later alternatives of an or-pattern: the locals of the first one, by name.
    reuse: Option<HashMap<String, LocalId>>,
    initialized: bool,
}

impl BodyChecker<'_, '_> {
    pub(super) fn check_pat_top(&mut self, p: &ast::Pat, ty: Ty) -> hir::Pat {
        self.check_pat_top_with_init(p, ty, true)
    }

    pub(super) fn check_pat_top_with_init(&mut self, p: &ast::Pat, ty: Ty, initialized: bool) -> hir::Pat {
        let mut pc = PatCx { initialized, ..Default::default() };
        let hp = self.check_pat(p, ty, Mode::Move, &mut pc);
        let scope = self.scopes.last_mut().expect("a scope is always open");
        for (name, id, _) in pc.bindings {
            scope.insert(name, id);
        }
        hp
    }

    fn pat(&self, kind: PatKind, ty: Ty, span: Span) -> hir::Pat {
        hir::Pat { kind, ty, span }
    }

    fn wild(&self, ty: Ty, span: Span) -> hir::Pat {
        self.pat(PatKind::Wild, ty, span)
    }

    /// After an error in a pattern: its subpatterns' bindings still exist, with the error type,
    /// so their uses report nothing more. The pattern itself matches anything.
    fn wild_keeping_bindings<'p>(
        &mut self,
        subpatterns: impl IntoIterator<Item = &'p ast::Pat>,
        expected: Ty,
        mode: Mode,
        pc: &mut PatCx,
        span: Span,
    ) -> hir::Pat {
        let error = self.cx.common.error;
        for p in subpatterns {
            if !matches!(p.kind, ast::PatKind::Rest) {
                self.check_pat(p, error, mode, pc);
            }
        }
        self.wild(expected, span)
    }

    /// Peels references off `expected` for a non-reference pattern; returns the peeled type,
    /// the new mode and the number of derefs with each reference type (outermost first).
    fn peel(&mut self, expected: Ty, mut mode: Mode, keep_one_str: bool) -> (Ty, Mode, Vec<Ty>) {
        let mut t = expected;
        let mut refs = Vec::new();
        while let TyKind::Ref(inner, m) = self.kind(t) {
            if keep_one_str && matches!(self.kind(inner), TyKind::Str) {
                break;
            }
            refs.push(t);
            mode = match (mode, m) {
                (Mode::Ref(false), _) => Mode::Ref(false),
                (_, Mutability::Mut) => Mode::Ref(true),
                (_, Mutability::Not) => Mode::Ref(false),
            };
            t = inner;
        }
        (t, mode, refs)
    }

    fn wrap_derefs(&self, mut p: hir::Pat, refs: Vec<Ty>) -> hir::Pat {
        for r in refs.into_iter().rev() {
            let span = p.span;
            p = self.pat(PatKind::Deref(Box::new(p)), r, span);
        }
        p
    }

    fn check_pat(&mut self, p: &ast::Pat, expected: Ty, mode: Mode, pc: &mut PatCx) -> hir::Pat {
        let span = p.span;
        match &p.kind {
            ast::PatKind::Paren(inner) => self.check_pat(inner, expected, mode, pc),
            ast::PatKind::Wild => self.wild(expected, span),
            ast::PatKind::Rest => {
                self.err(
                    Diagnostic::error("E9007", "`..` patterns are not allowed here", span, "")
                        .with_note("only allowed in tuple, tuple struct, and slice patterns"),
                );
                self.wild(expected, span)
            }
            ast::PatKind::Ident { by_ref, mutable, name, sub }
                if sub.is_some() || self.ident_is_binding(&name.name) =>
            {
                let (by_ref_mode, local_ty, decl_mut) = if *by_ref {
                    let rt =
                        self.intern(TyKind::Ref(expected, if *mutable { Mutability::Mut } else { Mutability::Not }));
                    (Some(*mutable), rt, false)
                } else if *mutable {
                    // `mut x` resets the default binding mode to by-value (edition 2021).
                    (None, expected, true)
                } else {
                    match mode {
                        Mode::Move => (None, expected, false),
                        Mode::Ref(m) => {
                            let rt =
                                self.intern(TyKind::Ref(expected, if m { Mutability::Mut } else { Mutability::Not }));
                            (Some(m), rt, false)
                        }
                    }
                };
                let local = self.bind(name, local_ty, decl_mut, pc);
                let sub = sub.as_ref().map(|s| Box::new(self.check_pat(s, expected, mode, pc)));
                self.pat(PatKind::Binding { local, by_ref: by_ref_mode, sub }, expected, span)
            }
            ast::PatKind::Ident { name, .. } => {
                let path = ast::Path {
                    qself: None,
                    global: false,
                    segments: vec![ast::PathSegment { ident: name.clone(), args: None }],
                    span: name.span,
                };
                self.check_path_pat(&path, expected, mode, span)
            }
            ast::PatKind::Path(path) => self.check_path_pat(path, expected, mode, span),
            ast::PatKind::Lit(e) => {
                let is_str = matches!(&e.kind, ast::ExprKind::Lit(ast::Lit { kind: ast::LitKind::Str(_), .. }));
                let (t, _, refs) = self.peel(expected, mode, is_str);
                let v = self.pat_const(e, t);
                let inner = match v {
                    Some(v) => self.pat(PatKind::Const(v), t, span),
                    None => self.wild(t, span),
                };
                self.wrap_derefs(inner, refs)
            }
            ast::PatKind::Range { lo, hi, inclusive } => {
                let (t, _, refs) = self.peel(expected, mode, false);
                if !matches!(
                    self.kind(t),
                    TyKind::Int(_) | TyKind::Uint(_) | TyKind::Char | TyKind::Infer(_) | TyKind::Error
                ) {
                    let tn = self.display(t);
                    self.err(Diagnostic::error(
                        "E0029",
                        "only `char` and numeric types are allowed in range patterns",
                        span,
                        format!("this is of type `{tn}` but it should be `char` or numeric"),
                    ));
                    return self.wild(expected, span);
                }
                let lo_v = lo.as_ref().and_then(|e| self.pat_const(e, t));
                let hi_v = hi.as_ref().and_then(|e| self.pat_const(e, t));
                if let (Some(a), Some(b)) = (&lo_v, &hi_v) {
                    if let Some(ord) = self.compare_consts(a, b, t) {
                        if *inclusive && ord == std::cmp::Ordering::Greater {
                            self.err(Diagnostic::error(
                                "E0030",
                                "lower range bound must be less than or equal to upper",
                                span,
                                "lower bound larger than upper bound",
                            ));
                        } else if !*inclusive && ord != std::cmp::Ordering::Less {
                            self.err(Diagnostic::error("E0579", "lower range bound must be less than upper", span, ""));
                        }
                    }
                }
                let inner = self.pat(PatKind::Range { lo: lo_v, hi: hi_v, inclusive: *inclusive }, t, span);
                self.wrap_derefs(inner, refs)
            }
            ast::PatKind::Tuple(elems) => {
                let (t, mode, refs) = self.peel(expected, mode, false);
                let tys = match self.kind(t) {
                    TyKind::Tuple(ts) => Some(ts),
                    TyKind::Infer(_) => {
                        let has_rest = elems.iter().any(|e| matches!(e.kind, ast::PatKind::Rest));
                        if has_rest {
                            None
                        } else {
                            let ts: Vec<Ty> = elems.iter().map(|_| self.infer.new_var(&mut self.cx.tys)).collect();
                            let tt = self.intern(TyKind::Tuple(ts.clone()));
                            self.unify(t, tt);
                            Some(ts)
                        }
                    }
                    TyKind::Error => None,
                    _ => None,
                };
                let Some(tys) = tys else {
                    if !self.is_error(t) {
                        let tn = self.display(t);
                        self.err(Diagnostic::error(
                            "E0308",
                            "mismatched types",
                            span,
                            format!("expected `{tn}`, found tuple"),
                        ));
                    }
                    return self.wild_keeping_bindings(elems, expected, mode, pc, span);
                };
                let Some(pats) = self.expand_rest(
                    elems,
                    &tys,
                    span,
                    |n, m| format!("expected a tuple with {n} elements, found one with {m} elements"),
                    "E0308",
                ) else {
                    return self.wild_keeping_bindings(elems, expected, mode, pc, span);
                };
                let mut out = Vec::new();
                for (i, pp) in pats.into_iter().enumerate() {
                    out.push(match pp {
                        Some(pp) => self.check_pat(pp, tys[i], mode, pc),
                        None => self.wild(tys[i], span),
                    });
                }
                let inner = self.pat(PatKind::Tuple(out), t, span);
                self.wrap_derefs(inner, refs)
            }
            ast::PatKind::TupleStruct { path, pats } => {
                let (t, mode, refs) = self.peel(expected, mode, false);
                let Some((adt, v)) = self.resolve_ctor_pat(path, CtorKind::Tuple) else {
                    return self.wild_keeping_bindings(pats, expected, mode, pc, span);
                };
                let (adt_ty, targs) = self.pat_adt_ty(adt, path, t, span);
                self.demand_pat(t, adt_ty, span);
                let nf = self.cx.adts[adt.index()].variants[v.index()].fields.len();
                let tys: Vec<Ty> = (0..nf).map(|i| self.field_ty(adt, &targs, v.index(), i)).collect();
                let kind = if self.cx.adts[adt.index()].is_enum { "tuple variant" } else { "tuple struct" };
                let Some(ps) = self.expand_rest(
                    pats,
                    &tys,
                    span,
                    |n, m| {
                        format!(
                            "this pattern has {m} field{}, but the corresponding {kind} has {n} field{}",
                            if m == 1 { "" } else { "s" },
                            if n == 1 { "" } else { "s" }
                        )
                    },
                    "E0023",
                ) else {
                    return self.wild_keeping_bindings(pats, expected, mode, pc, span);
                };
                let mut fields = Vec::new();
                for (i, pp) in ps.into_iter().enumerate() {
                    if let Some(pp) = pp {
                        fields.push((i as u32, self.check_pat(pp, tys[i], mode, pc)));
                    }
                }
                let inner = self.pat(PatKind::Adt { adt, variant: v, fields }, adt_ty, span);
                self.wrap_derefs(inner, refs)
            }
            ast::PatKind::Struct { path, fields, rest } => {
                let (t, mode, refs) = self.peel(expected, mode, false);
                let Some((adt, v)) = self.resolve_struct_pat(path) else {
                    return self.wild_keeping_bindings(fields.iter().map(|f| &f.pat), expected, mode, pc, span);
                };
                let (adt_ty, targs) = self.pat_adt_ty(adt, path, t, span);
                self.demand_pat(t, adt_ty, span);
                let nf = self.cx.adts[adt.index()].variants[v.index()].fields.len();
                let ftys: Vec<Ty> = (0..nf).map(|i| self.field_ty(adt, &targs, v.index(), i)).collect();
                let var = &self.cx.adts[adt.index()].variants[v.index()];
                let defs: Vec<(String, Ty)> = var.fields.iter().zip(ftys).map(|(f, t)| (f.name.clone(), t)).collect();
                let is_enum = self.cx.adts[adt.index()].is_enum;
                let vname = if is_enum {
                    format!("{}::{}", self.cx.adts[adt.index()].name, var.name)
                } else {
                    var.name.clone()
                };
                let mut out = Vec::new();
                let mut seen = Vec::new();
                for f in fields {
                    match defs.iter().position(|(n, _)| *n == f.name.name) {
                        Some(i) => {
                            if seen.contains(&i) {
                                self.err(Diagnostic::error(
                                    "E0025",
                                    format!("field `{}` bound multiple times in the pattern", f.name.name),
                                    f.name.span,
                                    "multiple uses of field",
                                ));
                                continue;
                            }
                            seen.push(i);
                            out.push((i as u32, self.check_pat(&f.pat, defs[i].1, mode, pc)));
                        }
                        None => {
                            let what = if is_enum { "variant" } else { "struct" };
                            self.err(Diagnostic::error(
                                "E0026",
                                format!("{what} `{vname}` does not have a field named `{}`", f.name.name),
                                f.name.span,
                                format!("{what} `{vname}` does not have this field"),
                            ));
                        }
                    }
                }
                if !rest {
                    let missing: Vec<&String> =
                        defs.iter().enumerate().filter(|(i, _)| !seen.contains(i)).map(|(_, (n, _))| n).collect();
                    if !missing.is_empty() {
                        let list = match missing.len() {
                            1 => format!("field `{}`", missing[0]),
                            _ => {
                                let (init, last) = missing.split_at(missing.len() - 1);
                                format!(
                                    "fields {} and `{}`",
                                    init.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                                    last[0]
                                )
                            }
                        };
                        self.err(
                            Diagnostic::error(
                                "E0027",
                                format!("pattern does not mention {list}"),
                                span,
                                format!("missing {list}"),
                            )
                            .with_help("include the missing fields in the pattern, or ignore them with `..`"),
                        );
                    }
                }
                let inner = self.pat(PatKind::Adt { adt, variant: v, fields: out }, adt_ty, span);
                self.wrap_derefs(inner, refs)
            }
            ast::PatKind::Or(alts) => {
                let before = pc.bindings.len();
                let saved = pc.reuse.take();
                let mut out = Vec::new();
                let mut first_names: Vec<String> = Vec::new();
                for (i, a) in alts.iter().enumerate() {
                    let start = pc.bindings.len();
                    let hp = self.check_pat(a, expected, mode, pc);
                    if i == 0 {
                        first_names = pc.bindings[before..].iter().map(|b| b.0.clone()).collect();
                        pc.reuse = Some(pc.bindings[before..].iter().map(|b| (b.0.clone(), b.1)).collect());
                    } else {
                        let names: Vec<String> = pc.bindings[start..].iter().map(|b| b.0.clone()).collect();
                        pc.bindings.truncate(start);
                        for n in first_names.iter().filter(|n| !names.contains(n)) {
                            self.err(Diagnostic::error(
                                "E0408",
                                format!("variable `{n}` is not bound in all patterns"),
                                a.span,
                                format!("pattern doesn't bind `{n}`"),
                            ));
                        }
                        for (n, _, s) in pc.bindings[start..].to_vec() {
                            if !first_names.contains(&n) {
                                self.err(
                                    Diagnostic::error(
                                        "E0408",
                                        format!("variable `{n}` is not bound in all patterns"),
                                        alts[0].span,
                                        format!("pattern doesn't bind `{n}`"),
                                    )
                                    .with_label(s, "variable not in all patterns"),
                                );
                            }
                        }
                    }
                    out.push(hp);
                }
                pc.reuse = saved;
                self.pat(PatKind::Or(out), expected, span)
            }
            ast::PatKind::Ref { mutable, pat } => match self.kind(expected) {
                TyKind::Ref(inner, m) if (m == Mutability::Mut) == *mutable => {
                    let sub = self.check_pat(pat, inner, Mode::Move, pc);
                    self.pat(PatKind::Deref(Box::new(sub)), expected, span)
                }
                TyKind::Error => self.wild(expected, span),
                _ => {
                    let tn = self.display(expected);
                    let want = if *mutable { "&mut _" } else { "&_" };
                    self.err(Diagnostic::error(
                        "E0308",
                        "mismatched types",
                        span,
                        format!("expected `{tn}`, found `{want}`"),
                    ));
                    self.wild(expected, span)
                }
            },
            ast::PatKind::Slice(elems) => {
                let (t, mode, refs) = self.peel(expected, mode, false);
                let (elem, len) = match self.kind(t) {
                    TyKind::Array(e, n) => (e, Some(n)),
                    TyKind::Slice(e) => (e, None),
                    TyKind::Error => return self.wild(expected, span),
                    _ => {
                        let tn = self.display(t);
                        self.err(Diagnostic::error(
                            "E0529",
                            format!("expected an array or slice, found `{tn}`"),
                            span,
                            format!("pattern cannot match with input type `{tn}`"),
                        ));
                        return self.wild(expected, span);
                    }
                };
                let is_rest = |p: &ast::Pat| match &p.kind {
                    ast::PatKind::Rest => true,
                    ast::PatKind::Ident { sub: Some(s), .. } => matches!(s.kind, ast::PatKind::Rest),
                    _ => false,
                };
                let rest_at = elems.iter().position(is_rest);
                let fixed = elems.len() - usize::from(rest_at.is_some());
                if let Some(n) = len {
                    if rest_at.is_none() && fixed as u64 != n {
                        self.err(Diagnostic::error(
                            "E0527",
                            format!(
                                "pattern requires {fixed} element{} but array has {n}",
                                if fixed == 1 { "" } else { "s" }
                            ),
                            span,
                            format!("expected {n} element{}", if n == 1 { "" } else { "s" }),
                        ));
                        return self.wild(expected, span);
                    }
                    if rest_at.is_some() && fixed as u64 > n {
                        self.err(Diagnostic::error(
                            "E0528",
                            format!("pattern requires at least {fixed} elements but array has {n}"),
                            span,
                            format!("pattern cannot match array of {n} elements"),
                        ));
                        return self.wild(expected, span);
                    }
                }
                let (pre, suf) = match rest_at {
                    Some(i) => (&elems[..i], &elems[i + 1..]),
                    None => (&elems[..], &elems[elems.len()..]),
                };
                let prefix: Vec<hir::Pat> = pre.iter().map(|x| self.check_pat(x, elem, mode, pc)).collect();
                let middle = rest_at.map(|i| {
                    let rest_ty = match len {
                        Some(n) => self.intern(TyKind::Array(elem, n - fixed as u64)),
                        None => self.intern(TyKind::Slice(elem)),
                    };
                    match &elems[i].kind {
                        ast::PatKind::Ident { by_ref, mutable, name, .. } => {
                            let (by, lt) = match (by_ref, mode) {
                                (true, _) => (
                                    Some(*mutable),
                                    self.intern(TyKind::Ref(
                                        rest_ty,
                                        if *mutable { Mutability::Mut } else { Mutability::Not },
                                    )),
                                ),
                                (false, Mode::Ref(m)) => (
                                    Some(m),
                                    self.intern(TyKind::Ref(
                                        rest_ty,
                                        if m { Mutability::Mut } else { Mutability::Not },
                                    )),
                                ),
                                (false, Mode::Move) => {
                                    if len.is_none() {
                                        self.err(unsupported("binding a slice's rest by value", elems[i].span));
                                    }
                                    (None, rest_ty)
                                }
                            };
                            let local = self.bind(name, lt, *mutable && !*by_ref, pc);
                            Box::new(self.pat(
                                PatKind::Binding { local, by_ref: by, sub: None },
                                rest_ty,
                                elems[i].span,
                            ))
                        }
                        _ => Box::new(self.wild(rest_ty, elems[i].span)),
                    }
                });
                let suffix: Vec<hir::Pat> = suf.iter().map(|x| self.check_pat(x, elem, mode, pc)).collect();
                let inner = self.pat(PatKind::Slice { prefix, middle, suffix }, t, span);
                self.wrap_derefs(inner, refs)
            }
        }
    }

    fn bind(&mut self, name: &ast::Ident, ty: Ty, mutable: bool, pc: &mut PatCx) -> LocalId {
        if let Some(reuse) = &pc.reuse {
            if let Some(&id) = reuse.get(&name.name) {
                let prev = self.locals[id.index()].ty;
                if !self.unify(prev, ty) {
                    let (a, b) = (self.display(prev), self.display(ty));
                    self.err(
                        Diagnostic::error(
                            "E0308",
                            "mismatched types",
                            name.span,
                            format!("expected `{a}`, found `{b}`"),
                        )
                        .with_note("in the same arm, a binding must have the same type in all alternatives"),
                    );
                }
                pc.bindings.push((name.name.clone(), id, name.span));
                return id;
            }
        }
        if let Some((_, _, prev)) = pc.bindings.iter().find(|b| b.0 == name.name) {
            let prev = *prev;
            self.err(
                Diagnostic::error(
                    "E0416",
                    format!("identifier `{}` is bound more than once in the same pattern", name.name),
                    name.span,
                    "used in a pattern more than once",
                )
                .with_label(prev, "first binding"),
            );
        }
        let id = self.new_local(&name.name, ty, mutable, name.span, pc.initialized);
        pc.bindings.push((name.name.clone(), id, name.span));
        id
    }

    /// Expands `..` in a tuple(-struct) pattern to `None` slots; reports arity mismatches.
    fn expand_rest<'p>(
        &mut self,
        elems: &'p [ast::Pat],
        tys: &[Ty],
        span: Span,
        msg: impl Fn(usize, usize) -> String,
        code: &'static str,
    ) -> Option<Vec<Option<&'p ast::Pat>>> {
        let rest = elems.iter().position(|e| matches!(e.kind, ast::PatKind::Rest));
        let given = elems.len() - usize::from(rest.is_some());
        let ok = match rest {
            Some(_) => given <= tys.len(),
            None => given == tys.len(),
        };
        if !ok {
            let label = format!("expected {} field{}, found {given}", tys.len(), if tys.len() == 1 { "" } else { "s" });
            self.err(Diagnostic::error(code, msg(tys.len(), given), span, label));
            return None;
        }
        let mut out: Vec<Option<&ast::Pat>> = Vec::new();
        match rest {
            None => out.extend(elems.iter().map(Some)),
            Some(i) => {
                out.extend(elems[..i].iter().map(Some));
                out.extend(std::iter::repeat(None).take(tys.len() - given));
                out.extend(elems[i + 1..].iter().map(Some));
            }
        }
        Some(out)
    }

    fn demand_pat(&mut self, expected: Ty, found: Ty, span: Span) {
        if !self.unify(expected, found) {
            let (a, b) = (self.display(expected), self.display(found));
            self.err(
                Diagnostic::error("E0308", "mismatched types", span, format!("expected `{a}`, found `{b}`"))
                    .with_note(format!("this pattern matches values of type `{b}`")),
            );
        }
    }

    fn check_path_pat(&mut self, path: &ast::Path, expected: Ty, mode: Mode, span: Span) -> hir::Pat {
        let (t, _, refs) = self.peel(expected, mode, false);
        let Some(res) = self.resolve_value_path(path) else { return self.wild(expected, span) };
        let inner = match res {
            PathRes::Item(Res::Variant(adt, v)) => {
                let ctor = self.cx.adts[adt.index()].variants[v.index()].ctor;
                if ctor != CtorKind::Unit {
                    let name = path.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
                    let (code, what, fix) = if ctor == CtorKind::Tuple {
                        ("E0532", "tuple variant", format!("`{name}(..)`"))
                    } else {
                        ("E0533", "struct variant", format!("`{name} {{ .. }}`"))
                    };
                    self.err(Diagnostic::error(
                        code,
                        format!("expected unit struct, unit variant or constant, found {what} `{name}`"),
                        span,
                        format!("help: use the {what} pattern syntax instead: {fix}"),
                    ));
                    return self.wild(expected, span);
                }
                let (adt_ty, _) = self.pat_adt_ty(adt, path, t, span);
                self.demand_pat(t, adt_ty, span);
                self.pat(PatKind::Adt { adt, variant: v, fields: Vec::new() }, adt_ty, span)
            }
            PathRes::Item(Res::Const(id)) => {
                let e = self.const_expr(id, span);
                self.demand_pat(t, e.ty, span);
                match e.kind {
                    hir::ExprKind::Const(
                        v @ (hir::ConstVal::Int(_)
                        | hir::ConstVal::Bool(_)
                        | hir::ConstVal::Char(_)
                        | hir::ConstVal::Float(_)
                        | hir::ConstVal::Str(_)),
                    ) => self.pat(PatKind::Const(v), t, span),
                    hir::ExprKind::Const(_) => {
                        self.err(unsupported("constants of aggregate types in patterns", span));
                        self.wild(t, span)
                    }
                    _ => self.wild(t, span),
                }
            }
            PathRes::Assoc { .. } | PathRes::AdtAssoc { .. } => {
                let (self_ty, name) = match res {
                    PathRes::Assoc { self_ty, name } => (self_ty, name),
                    PathRes::AdtAssoc { adt, type_seg, name } => {
                        let targs = self.adt_args(adt, path.segments[type_seg].args.as_ref(), span);
                        (self.intern(TyKind::Adt(adt, targs)), name)
                    }
                    _ => unreachable!("matched above"),
                };
                let e = self.check_assoc_value(self_ty, &name, span);
                self.demand_pat(t, e.ty, span);
                match e.kind {
                    hir::ExprKind::Const(v) => self.pat(PatKind::Const(v), t, span),
                    _ => self.wild(t, span),
                }
            }
            PathRes::TraitItem { .. } => {
                self.err(unsupported("trait items in patterns", span));
                return self.wild(expected, span);
            }
            PathRes::Item(r) => {
                let name = path.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
                let what = match r {
                    Res::Fn(_) => "function",
                    Res::Static(_) => "static",
                    _ => "item",
                };
                self.err(Diagnostic::error(
                    "E0532",
                    format!("expected unit struct, unit variant or constant, found {what} `{name}`"),
                    span,
                    "not a unit struct, unit variant or constant",
                ));
                return self.wild(expected, span);
            }
        };
        self.wrap_derefs(inner, refs)
    }

    fn resolve_ctor_pat(&mut self, path: &ast::Path, want: CtorKind) -> Option<(AdtId, VariantIdx)> {
        let res = self.resolve_value_path(path)?;
        let name = path.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
        match res {
            PathRes::Item(Res::Variant(a, v)) if self.cx.adts[a.index()].variants[v.index()].ctor == want => {
                Some((a, v))
            }
            PathRes::Item(Res::Variant(a, v)) => {
                let ctor = self.cx.adts[a.index()].variants[v.index()].ctor;
                let what = match (ctor, self.cx.adts[a.index()].is_enum) {
                    (CtorKind::Unit, true) => "unit variant",
                    (CtorKind::Unit, false) => "unit struct",
                    (_, true) => "struct variant",
                    _ => "struct",
                };
                self.err(Diagnostic::error(
                    "E0532",
                    format!("expected tuple struct or tuple variant, found {what} `{name}`"),
                    path.span,
                    "not a tuple struct or tuple variant",
                ));
                None
            }
            _ => {
                self.err(Diagnostic::error(
                    "E0532",
                    format!("expected tuple struct or tuple variant, found `{name}`"),
                    path.span,
                    "not a tuple struct or tuple variant",
                ));
                None
            }
        }
    }

    /// The type a struct or variant pattern matches: the ADT with the written arguments or
    /// fresh ones (the expected type decides them).
    fn pat_adt_ty(&mut self, adt: AdtId, path: &ast::Path, expected: Ty, span: Span) -> (Ty, Vec<Ty>) {
        if self.is_error(expected) {
            // After an error, the pattern's bindings are errors too (not unknown types).
            let n = self.cx.adts[adt.index()].generics.params.len();
            let targs = vec![self.cx.common.error; n];
            return (self.intern(TyKind::Adt(adt, targs.clone())), targs);
        }
        let self_args = match self.self_ty.map(|t| self.kind(t)) {
            Some(TyKind::Adt(a, args)) if a == adt && path.segments.first().is_some_and(|s| s.ident.name == "Self") => {
                Some(args)
            }
            _ => None,
        };
        let targs = match self_args {
            Some(a) => a,
            None => self.adt_args(adt, self.variant_args_segment(path), span),
        };
        (self.intern(TyKind::Adt(adt, targs.clone())), targs)
    }

    fn resolve_struct_pat(&mut self, path: &ast::Path) -> Option<(AdtId, VariantIdx)> {
        let self_ty = self.self_ty;
        let res = resolve::resolve_path(self.cx, self.module, path, Ns::Type, self_ty)?;
        let from_ty = |this: &Self, t: Ty| match this.kind(t) {
            TyKind::Adt(a, _) if !this.cx.adts[a.index()].is_enum => Some((a, VariantIdx(0))),
            _ => None,
        };
        let r = match res {
            PathRes::Item(Res::Adt(a)) if !self.cx.adts[a.index()].is_enum => Some((a, VariantIdx(0))),
            PathRes::Item(Res::Variant(a, v)) => Some((a, v)),
            PathRes::Item(Res::Prim(t)) => from_ty(self, t),
            PathRes::Item(Res::Alias(al)) if !self.cx.aliases[al.0 as usize].generics.params.is_empty() => {
                self.err(super::unsupported("patterns through a generic type alias", path.span));
                return None;
            }
            PathRes::Item(Res::Alias(al)) => self.cx.aliases[al.0 as usize].ty.and_then(|t| from_ty(self, t)),
            _ => None,
        };
        if r.is_none() {
            let name = path.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
            self.err(Diagnostic::error(
                "E0574",
                format!("expected struct, variant or union type, found `{name}`"),
                path.span,
                "not a struct, variant or union type",
            ));
        }
        r
    }

    /// A literal or constant bound in a pattern, checked against `t` and folded.
    fn pat_const(&mut self, e: &ast::Expr, t: Ty) -> Option<hir::ConstVal> {
        let x = self.check_expr(e, Some(t));
        if !self.demand(t, x.ty, x.span) || self.is_error(x.ty) {
            return None;
        }
        // Negative literals are folded once the type is final; fold a negation here by hand.
        if let hir::ExprKind::Unary { op: hir::UnOp::Neg, operand } = &x.kind {
            if let hir::ExprKind::Lit(hir::Literal::Int(v)) = operand.kind {
                return Some(hir::ConstVal::Int((v as i128).wrapping_neg() as u128));
            }
        }
        match super::consts::eval(self.cx, &x) {
            Ok(v) => Some(v),
            Err(_) => {
                self.err(Diagnostic::error(
                    "E9008",
                    "this expression is not allowed in a pattern",
                    e.span,
                    "expected a literal or a constant",
                ));
                None
            }
        }
    }

    fn compare_consts(&self, a: &hir::ConstVal, b: &hir::ConstVal, t: Ty) -> Option<std::cmp::Ordering> {
        match (a, b, self.kind(t)) {
            (hir::ConstVal::Int(x), hir::ConstVal::Int(y), TyKind::Int(i)) => {
                let w = i.bits(64);
                Some(
                    super::consts::sext(*x & super::consts::mask(w), w)
                        .cmp(&super::consts::sext(*y & super::consts::mask(w), w)),
                )
            }
            (hir::ConstVal::Int(x), hir::ConstVal::Int(y), TyKind::Uint(_)) => Some(x.cmp(y)),
            (hir::ConstVal::Char(x), hir::ConstVal::Char(y), _) => Some(x.cmp(y)),
            _ => None,
        }
    }
}
