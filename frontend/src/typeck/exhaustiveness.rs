//! Exhaustiveness and usefulness checking of `match` arms and `let` patterns (Maranget's
//! algorithm, "Warnings for pattern matching", 2007).
//!
//! Runs on the finished HIR of a body, when every type is final. Patterns are reduced to
//! constructors applied to sub-patterns: enum variants, `true`/`false`, integer and char ranges
//! (split into disjoint segments against the ranges a column mentions), the single constructor
//! of tuples, structs, references and arrays, slice lengths (fixed ones up to the longest
//! mentioned, then "that many or more"), and opaque constants (strings, floats), which no finite
//! set covers. A `match` that is not exhaustive is E0004 naming up to three missing patterns as
//! rustc writes them; a refutable `let` without `else` is E0005; an arm that no value can reach
//! is an "unreachable pattern" warning. Arms with guards count for reachability only.

use super::consts::{mask, sext};
use super::Cx;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, ConstVal, ExprKind, PatKind};
use crate::ty::{AdtId, Ty, TyKind};

#[derive(Clone, Debug, PartialEq)]
enum Ctor {
    /// Tuples, structs, references, arrays (`Slice` is used for arrays too).
    Single,
    Variant(u32),
    Bool(bool),
    /// An inclusive range of integer (or char) values, in signed 128-bit space.
    Range(i128, i128),
    /// A slice of exactly this length; `var` means "this length or more".
    Slice {
        len: usize,
        var: bool,
    },
    /// A string or float constant: compared by equality, never exhaustive.
    Opaque(String),
    /// Anything not mentioned (the witness for opaque types).
    NonExhaustive,
}

#[derive(Clone, Debug)]
enum DPat {
    Wild,
    Ctor(Ctor, Vec<DPat>),
    Or(Vec<DPat>),
    /// A slice pattern with a rest: prefix and suffix.
    VarSlice(Vec<DPat>, Vec<DPat>),
}

/// Checks every `match` and `let` in a body.
pub(crate) fn check_body(cx: &mut Cx, e: &hir::Expr, locals: &[hir::LocalDecl]) {
    let _ = locals;
    match &e.kind {
        ExprKind::Match { scrutinee, arms } => check_match(cx, scrutinee, arms),
        ExprKind::Block(b) => {
            for s in &b.stmts {
                if let hir::Stmt::Let { pat, else_block: None, .. } = s {
                    check_let(cx, pat);
                }
            }
        }
        _ => {}
    }
    e.for_each_child(|c| check_body(cx, c, locals));
}

fn lower(cx: &Cx, p: &hir::Pat) -> DPat {
    match &p.kind {
        PatKind::Wild => DPat::Wild,
        PatKind::Binding { sub: None, .. } => DPat::Wild,
        PatKind::Binding { sub: Some(s), .. } => lower(cx, s),
        PatKind::Deref(s) => DPat::Ctor(Ctor::Single, vec![lower(cx, s)]),
        PatKind::Tuple(ps) => DPat::Ctor(Ctor::Single, ps.iter().map(|x| lower(cx, x)).collect()),
        PatKind::Or(ps) => DPat::Or(ps.iter().map(|x| lower(cx, x)).collect()),
        PatKind::Adt { adt, variant, fields } => {
            let a = &cx.adts[adt.index()];
            let n = a.variants[variant.index()].fields.len();
            let mut subs = vec![DPat::Wild; n];
            for (i, f) in fields {
                subs[*i as usize] = lower(cx, f);
            }
            let c = if a.is_enum { Ctor::Variant(variant.0) } else { Ctor::Single };
            DPat::Ctor(c, subs)
        }
        PatKind::Const(v) => match const_ctor(cx, v, p.ty) {
            Some(c) => DPat::Ctor(c, Vec::new()),
            None => DPat::Wild,
        },
        PatKind::Range { lo, hi, inclusive } => {
            let (min, max) = domain(cx, p.ty);
            let l = lo.as_ref().and_then(|v| value(cx, v, p.ty)).unwrap_or(min);
            let mut h = hi.as_ref().and_then(|v| value(cx, v, p.ty)).unwrap_or(max);
            if !inclusive && hi.is_some() {
                h -= 1;
            }
            DPat::Ctor(Ctor::Range(l, h), Vec::new())
        }
        PatKind::Slice { prefix, middle, suffix } => {
            let pre: Vec<DPat> = prefix.iter().map(|x| lower(cx, x)).collect();
            let suf: Vec<DPat> = suffix.iter().map(|x| lower(cx, x)).collect();
            match middle {
                None => {
                    let mut all = pre;
                    all.extend(suf);
                    DPat::Ctor(Ctor::Slice { len: all.len(), var: false }, all)
                }
                Some(_) => DPat::VarSlice(pre, suf),
            }
        }
    }
}

fn value(cx: &Cx, v: &ConstVal, t: Ty) -> Option<i128> {
    match v {
        ConstVal::Int(x) => Some(match cx.tys.kind(t) {
            TyKind::Int(i) => sext(*x & mask(i.bits(64)), i.bits(64)),
            _ => (*x).min(i128::MAX as u128) as i128,
        }),
        ConstVal::Char(c) => Some(*c as i128),
        _ => None,
    }
}

fn const_ctor(cx: &Cx, v: &ConstVal, t: Ty) -> Option<Ctor> {
    match v {
        ConstVal::Bool(b) => Some(Ctor::Bool(*b)),
        ConstVal::Int(_) | ConstVal::Char(_) => value(cx, v, t).map(|x| Ctor::Range(x, x)),
        ConstVal::Str(s) => Some(Ctor::Opaque(format!("{s:?}"))),
        ConstVal::Float(f) => Some(Ctor::Opaque(format!("{f:?}"))),
        ConstVal::Aggregate { .. } => None,
    }
}

/// The values of an integer or char type, as a signed 128-bit range.
fn domain(cx: &Cx, t: Ty) -> (i128, i128) {
    match cx.tys.kind(t) {
        TyKind::Int(i) => {
            let b = i.bits(64);
            if b >= 128 {
                (i128::MIN, i128::MAX)
            } else {
                (-(1i128 << (b - 1)), (1i128 << (b - 1)) - 1)
            }
        }
        TyKind::Uint(u) => {
            let b = u.bits(64);
            if b >= 127 {
                (0, i128::MAX)
            } else {
                (0, (1i128 << b) - 1)
            }
        }
        TyKind::Char => (0, 0x10FFFF),
        _ => (0, 0),
    }
}

/// The types of a constructor's fields.
fn sub_tys(cx: &Cx, t: Ty, c: &Ctor) -> Vec<Ty> {
    match (cx.tys.kind(t), c) {
        (TyKind::Tuple(ts), _) => ts.clone(),
        (TyKind::Ref(x, _), _) => vec![*x],
        (TyKind::Adt(a, args), Ctor::Variant(v)) => {
            cx.adts[a.index()].variants[*v as usize].fields.iter().map(|f| cx.tys.subst(f.ty, args)).collect()
        }
        (TyKind::Adt(a, args), Ctor::Single) => {
            cx.adts[a.index()].variants[0].fields.iter().map(|f| cx.tys.subst(f.ty, args)).collect()
        }
        (TyKind::Array(x, _) | TyKind::Slice(x), Ctor::Slice { len, .. }) => vec![*x; *len],
        _ => Vec::new(),
    }
}

fn head_ctors(rows: &[Vec<DPat>]) -> Vec<(Ctor, Option<(usize, usize)>)> {
    let mut out = Vec::new();
    fn add(p: &DPat, out: &mut Vec<(Ctor, Option<(usize, usize)>)>) {
        match p {
            DPat::Ctor(c, _) => out.push((c.clone(), None)),
            DPat::VarSlice(a, b) => {
                out.push((Ctor::Slice { len: a.len() + b.len(), var: true }, Some((a.len(), b.len()))))
            }
            DPat::Or(ps) => ps.iter().for_each(|x| add(x, out)),
            DPat::Wild => {}
        }
    }
    for r in rows {
        add(&r[0], &mut out);
    }
    out
}

/// All constructors of `t`, split against what the column mentions. `None` for types whose
/// values cannot be listed (the column is then complete only with a wildcard).
fn all_ctors(cx: &Cx, t: Ty, col: &[(Ctor, Option<(usize, usize)>)]) -> Option<Vec<Ctor>> {
    Some(match cx.tys.kind(t) {
        TyKind::Bool => vec![Ctor::Bool(false), Ctor::Bool(true)],
        TyKind::Adt(a, _) if cx.adts[a.index()].is_enum => {
            (0..cx.adts[a.index()].variants.len() as u32).map(Ctor::Variant).collect()
        }
        TyKind::Adt(..) | TyKind::Tuple(_) | TyKind::Ref(..) => vec![Ctor::Single],
        TyKind::Never => Vec::new(),
        TyKind::Int(_) | TyKind::Uint(_) | TyKind::Char => {
            let (min, max) = domain(cx, t);
            let mut cuts = vec![min];
            for (c, _) in col {
                if let Ctor::Range(l, h) = c {
                    cuts.push(*l);
                    if *h < max {
                        cuts.push(h + 1);
                    }
                }
            }
            cuts.sort();
            cuts.dedup();
            let mut out = Vec::new();
            for (i, &lo) in cuts.iter().enumerate() {
                let hi = cuts.get(i + 1).map(|n| n - 1).unwrap_or(max);
                out.push(Ctor::Range(lo, hi));
            }
            out
        }
        TyKind::Array(_, n) => vec![Ctor::Slice { len: *n as usize, var: false }],
        TyKind::Slice(_) => {
            let mut max = 0;
            for (c, _) in col {
                if let Ctor::Slice { len, .. } = c {
                    max = max.max(*len);
                }
            }
            let mut out: Vec<Ctor> = (0..=max).map(|len| Ctor::Slice { len, var: false }).collect();
            out.push(Ctor::Slice { len: max + 1, var: true });
            out
        }
        _ => return None,
    })
}

/// Whether head constructor `h` (of a row) covers constructor `c` (of the split set).
fn covers(h: &Ctor, var: Option<(usize, usize)>, c: &Ctor) -> bool {
    match (h, c) {
        (Ctor::Range(l, hh), Ctor::Range(a, b)) => l <= a && b <= hh,
        (Ctor::Slice { len, .. }, Ctor::Slice { len: n, var: cv }) => match var {
            Some((p, s)) => p + s <= *n,
            None => len == n && !cv,
        },
        _ => h == c,
    }
}

/// The rows of the matrix specialized by constructor `c` of arity `arity`.
fn specialize(row: &[DPat], c: &Ctor, arity: usize) -> Vec<Vec<DPat>> {
    let rest = &row[1..];
    let mut out = Vec::new();
    let mk = |subs: Vec<DPat>| {
        let mut r = subs;
        r.extend(rest.iter().cloned());
        r
    };
    match &row[0] {
        DPat::Wild => out.push(mk(vec![DPat::Wild; arity])),
        DPat::Or(ps) => {
            for p in ps {
                let mut r = vec![p.clone()];
                r.extend(rest.iter().cloned());
                out.extend(specialize(&r, c, arity));
            }
        }
        DPat::Ctor(h, subs) => {
            if covers(h, None, c) {
                // After a type error a pattern may not fit its type; keep the arity consistent.
                let mut subs = subs.clone();
                subs.resize(arity, DPat::Wild);
                out.push(mk(subs));
            }
        }
        DPat::VarSlice(pre, suf) => {
            if covers(&Ctor::Slice { len: 0, var: true }, Some((pre.len(), suf.len())), c) {
                let mut subs = pre.clone();
                subs.extend(std::iter::repeat(DPat::Wild).take(arity - pre.len() - suf.len()));
                subs.extend(suf.iter().cloned());
                out.push(mk(subs));
            }
        }
    }
    out
}

#[derive(Clone, Debug)]
enum Witness {
    Wild,
    Ctor(Ctor, Vec<Witness>, Ty),
}

/// Witnesses that `q` is useful with respect to `rows` (empty when it is not useful); `all`
/// asks for every missing constructor at this level, for the E0004 message.
fn useful(cx: &Cx, rows: &[Vec<DPat>], q: &[DPat], tys: &[Ty], all: bool) -> Vec<Vec<Witness>> {
    if q.is_empty() {
        return if rows.is_empty() { vec![Vec::new()] } else { Vec::new() };
    }
    if let DPat::Or(alts) = &q[0] {
        for a in alts {
            let mut q2 = vec![a.clone()];
            q2.extend(q[1..].iter().cloned());
            let w = useful(cx, rows, &q2, tys, all);
            if !w.is_empty() {
                return w;
            }
        }
        return Vec::new();
    }
    let Some(&t) = tys.first() else { return Vec::new() };
    let col = head_ctors(rows);
    let mut q_ctors = head_ctors(&[q.to_vec()]);
    let split = all_ctors(cx, t, &col.iter().chain(q_ctors.iter()).cloned().collect::<Vec<_>>());
    let try_ctor = |c: &Ctor| -> Vec<Vec<Witness>> {
        let st = sub_tys(cx, t, c);
        let arity = st.len();
        let srows: Vec<Vec<DPat>> = rows.iter().flat_map(|r| specialize(r, c, arity)).collect();
        let mut out = Vec::new();
        for sq in specialize(q, c, arity) {
            let mut ntys = st.clone();
            ntys.extend(tys[1..].iter().copied());
            if let Some(w) = useful(cx, &srows, &sq, &ntys, false).into_iter().next() {
                let (subs, rest) = w.split_at(arity);
                let mut r = vec![Witness::Ctor(c.clone(), subs.to_vec(), t)];
                r.extend(rest.iter().cloned());
                out.push(r);
            }
            if !out.is_empty() {
                break;
            }
        }
        out
    };
    match (&q[0], split) {
        (DPat::Ctor(..) | DPat::VarSlice(..), Some(split)) => {
            let (h, var) = q_ctors.remove(0);
            for c in split.iter().filter(|c| covers(&h, var, c)) {
                let w = try_ctor(c);
                if !w.is_empty() {
                    return w;
                }
            }
            Vec::new()
        }
        (DPat::Ctor(h, _), None) => {
            // Opaque constants: useful unless an earlier row has the same constant (or `_`).
            let h = h.clone();
            try_ctor(&h)
        }
        (DPat::VarSlice(..), None) => Vec::new(),
        (DPat::Wild, split) => {
            let missing: Vec<Ctor> = match &split {
                Some(s) => s.iter().filter(|c| !col.iter().any(|(h, v)| covers(h, *v, c))).cloned().collect(),
                None => vec![Ctor::NonExhaustive],
            };
            if missing.is_empty() {
                for c in split.expect("complete sets are listed") {
                    let w = try_ctor(&c);
                    if !w.is_empty() {
                        return w;
                    }
                }
                return Vec::new();
            }
            let default: Vec<Vec<DPat>> =
                rows.iter().filter(|r| matches!(r[0], DPat::Wild)).map(|r| r[1..].to_vec()).collect();
            let ws = useful(cx, &default, &q[1..], &tys[1..], false);
            let Some(w) = ws.into_iter().next() else { return Vec::new() };
            let heads: Vec<Witness> = if col.is_empty() {
                vec![Witness::Wild]
            } else {
                let take = if all { missing.len() } else { 1 };
                missing
                    .iter()
                    .take(take)
                    .map(|c| Witness::Ctor(c.clone(), vec![Witness::Wild; sub_tys(cx, t, c).len()], t))
                    .collect()
            };
            heads
                .into_iter()
                .map(|h| {
                    let mut r = vec![h];
                    r.extend(w.iter().cloned());
                    r
                })
                .collect()
        }
        (DPat::Or(_), _) => unreachable!("or-patterns are expanded above"),
    }
}

fn show(cx: &Cx, w: &Witness) -> String {
    match w {
        Witness::Wild => "_".into(),
        Witness::Ctor(c, subs, t) => {
            let s: Vec<String> = subs.iter().map(|x| show(cx, x)).collect();
            match (cx.tys.kind(*t), c) {
                (TyKind::Tuple(_), _) => {
                    if s.len() == 1 {
                        format!("({},)", s[0])
                    } else {
                        format!("({})", s.join(", "))
                    }
                }
                (TyKind::Ref(..), _) => format!("&{}", s[0]),
                (TyKind::Adt(a, _), Ctor::Variant(v)) => show_adt(cx, *a, *v, &s, true),
                (TyKind::Adt(a, _), _) => show_adt(cx, *a, 0, &s, false),
                (_, Ctor::Bool(b)) => b.to_string(),
                (_, Ctor::Range(l, h)) => show_range(cx, *t, *l, *h),
                (_, Ctor::Slice { var, .. }) => {
                    if *var {
                        let mut x = s;
                        x.push("..".into());
                        format!("[{}]", x.join(", "))
                    } else {
                        format!("[{}]", s.join(", "))
                    }
                }
                (TyKind::Str, _) => "_".into(),
                _ => "_".into(),
            }
        }
    }
}

fn show_adt(cx: &Cx, a: AdtId, v: u32, s: &[String], is_enum: bool) -> String {
    let adt = &cx.adts[a.index()];
    let var = &adt.variants[v as usize];
    let name = if is_enum { format!("{}::{}", adt.name, var.name) } else { adt.name.clone() };
    match var.ctor {
        hir::CtorKind::Unit => name,
        hir::CtorKind::Tuple => format!("{name}({})", s.join(", ")),
        hir::CtorKind::Named => {
            let given: Vec<String> =
                var.fields.iter().zip(s).filter(|(_, x)| *x != "_").map(|(f, x)| format!("{}: {x}", f.name)).collect();
            if given.is_empty() {
                format!("{name} {{ .. }}")
            } else if given.len() == var.fields.len() {
                format!("{name} {{ {} }}", given.join(", "))
            } else {
                format!("{name} {{ {}, .. }}", given.join(", "))
            }
        }
    }
}

fn show_range(cx: &Cx, t: Ty, l: i128, h: i128) -> String {
    let (min, max) = domain(cx, t);
    let tn = cx.tys.display(t).to_string();
    let one = |v: i128| -> String {
        if *cx.tys.kind(t) == TyKind::Char {
            return format!("{:?}", char::from_u32(v as u32).unwrap_or('\0'));
        }
        if v == min && min != 0 {
            format!("{tn}::MIN")
        } else if v == max {
            format!("{tn}::MAX")
        } else {
            format!("{v}_{tn}")
        }
    };
    if l == h {
        one(l)
    } else {
        format!("{}..={}", one(l), one(h))
    }
}

fn list(ws: &[String]) -> String {
    let q: Vec<String> = ws.iter().map(|w| format!("`{w}`")).collect();
    match q.len() {
        1 => format!("pattern {}", q[0]),
        2 => format!("patterns {} and {}", q[0], q[1]),
        3 => format!("patterns {}, {} and {}", q[0], q[1], q[2]),
        n => format!("patterns {}, {}, {} and {} more", q[0], q[1], q[2], n - 3),
    }
}

/// Whether a pattern mentions the error type (checking it would report noise).
fn has_error(cx: &Cx, p: &hir::Pat) -> bool {
    let mut bad = matches!(cx.tys.kind(p.ty), TyKind::Error);
    match &p.kind {
        PatKind::Binding { sub: Some(s), .. } | PatKind::Deref(s) => bad |= has_error(cx, s),
        PatKind::Tuple(ps) | PatKind::Or(ps) => bad |= ps.iter().any(|x| has_error(cx, x)),
        PatKind::Adt { fields, .. } => bad |= fields.iter().any(|(_, x)| has_error(cx, x)),
        PatKind::Slice { prefix, middle, suffix } => {
            bad |= prefix.iter().chain(suffix).any(|x| has_error(cx, x))
                || middle.as_ref().is_some_and(|m| has_error(cx, m))
        }
        _ => {}
    }
    bad
}

fn check_match(cx: &mut Cx, scrutinee: &hir::Expr, arms: &[hir::Arm]) {
    let t = scrutinee.ty;
    if matches!(cx.tys.kind(t), TyKind::Error) || arms.iter().any(|a| has_error(cx, &a.pat)) {
        return;
    }
    let mut rows: Vec<Vec<DPat>> = Vec::new();
    for arm in arms {
        let p = lower(cx, &arm.pat);
        if useful(cx, &rows, &[p.clone()], &[t], false).is_empty() {
            cx.sink.push(
                Diagnostic::warning("W0001", "unreachable pattern", arm.pat.span, "no value can reach this")
                    .with_note("`#[warn(unreachable_patterns)]` on by default"),
            );
        }
        if arm.guard.is_none() {
            rows.push(vec![p]);
        }
    }
    let ws = useful(cx, &rows, &[DPat::Wild], &[t], true);
    if ws.is_empty() {
        return;
    }
    let names: Vec<String> = ws.iter().map(|w| show(cx, &w[0])).collect();
    let l = list(&names);
    let tn = cx.tys.display(t).to_string();
    let help = if arms.is_empty() {
        format!("ensure that all possible cases are being handled by adding a match arm with a wildcard pattern as shown, or multiple match arms: `{} => todo!()`", names[0])
    } else if names.len() == 1 {
        format!("ensure that all possible cases are being handled by adding a match arm with a wildcard pattern or an explicit pattern as shown: `{} => todo!()`", names[0])
    } else {
        format!("ensure that all possible cases are being handled by adding a match arm with a wildcard pattern, a match arm with multiple or-patterns as shown, or multiple match arms: `{} => todo!()`", names.join(" | "))
    };
    cx.sink.push(
        Diagnostic::error(
            "E0004",
            format!("non-exhaustive patterns: {} not covered", l.split_once(' ').map(|x| x.1).unwrap_or(&l)),
            scrutinee.span,
            format!("{l} not covered"),
        )
        .with_note(format!("the matched value is of type `{tn}`"))
        .with_help(help),
    );
}

fn check_let(cx: &mut Cx, pat: &hir::Pat) {
    let t = pat.ty;
    if has_error(cx, pat) {
        return;
    }
    let rows = vec![vec![lower(cx, pat)]];
    let ws = useful(cx, &rows, &[DPat::Wild], &[t], true);
    if ws.is_empty() {
        return;
    }
    let names: Vec<String> = ws.iter().map(|w| show(cx, &w[0])).collect();
    let l = list(&names);
    let tn = cx.tys.display(t).to_string();
    cx.sink.push(
        Diagnostic::error("E0005", "refutable pattern in local binding", pat.span, format!("{l} not covered"))
            .with_note(
                "`let` bindings require an \"irrefutable pattern\", like a `struct` or an `enum` with only one variant",
            )
            .with_note(format!("the matched value is of type `{tn}`"))
            .with_help("you might want to use `let else` to handle the variant that isn't matched"),
    );
}
