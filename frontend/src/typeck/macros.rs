//! Built-in macros: `print!`-style output, `panic!`/`unreachable!`/`todo!`/`unimplemented!`,
//! `assert!`/`assert_eq!`/`assert_ne!`, `matches!`, and derived `Debug` output.
//!
//! Takes parsed macro calls (templates already split into pieces by the parser) and produces
//! `ExprKind::Print` / `ExprKind::Panic` with typed arguments, reproducing rustc's messages
//! exactly (`assertion failed: COND`, `assertion `left == right` failed\n  left: L\n right: R`,
//! ..). `assert!`'s condition text is printed from the AST the way `stringify!` prints tokens.
//! `{:?}`/`{:#?}` of tuples, arrays, structs and enums with `#[derive(Debug)]` is expanded at
//! compile time into a sequence of `Print`s over field projections (enums through a `match` on
//! the variant), with `{:#?}`'s indentation computed from the nesting depth.

use std::collections::HashMap;

use super::expr::{is_place, BodyChecker};
use super::unsupported;
use crate::ast::{self, FormatArgRef, FormatMacro, FormatPiece};
use crate::diagnostics::Diagnostic;
use crate::hir::{self, ExprKind, FmtCount, Literal, PrintPiece, Stream};
use crate::span::Span;
use crate::ty::{InferTy, Mutability, Ty, TyKind};

/// Print statements being assembled for one `print!` with composite `Debug` arguments.
struct Emit {
    stream: Stream,
    stmts: Vec<hir::Stmt>,
    args: Vec<hir::Expr>,
    pieces: Vec<PrintPiece>,
}

impl Emit {
    fn lit(&mut self, s: &str) {
        if let Some(PrintPiece::Literal(l)) = self.pieces.last_mut() {
            l.push_str(s);
        } else {
            self.pieces.push(PrintPiece::Literal(s.to_string()));
        }
    }
}

impl BodyChecker<'_, '_> {
    pub(super) fn check_macro(&mut self, m: &ast::MacroCall, expected: Option<Ty>, span: Span) -> hir::Expr {
        let unit = self.c().unit;
        match &m.kind {
            ast::MacroKind::Format { kind, args, .. }
                if matches!(
                    kind,
                    FormatMacro::Print | FormatMacro::Println | FormatMacro::Eprint | FormatMacro::Eprintln
                ) =>
            {
                let stream = if matches!(kind, FormatMacro::Print | FormatMacro::Println) {
                    Stream::Stdout
                } else {
                    Stream::Stderr
                };
                let newline = matches!(kind, FormatMacro::Println | FormatMacro::Eprintln);
                let (args, mut pieces) = match args {
                    Some(fa) => self.check_format_args(fa),
                    None => (Vec::new(), Vec::new()),
                };
                if newline {
                    pieces.push(PrintPiece::Literal("\n".to_string()));
                }
                self.lower_print(stream, args, pieces, span, unit)
            }
            ast::MacroKind::Format { kind, args, .. }
                if matches!(
                    kind,
                    FormatMacro::Panic | FormatMacro::Unreachable | FormatMacro::Todo | FormatMacro::Unimplemented
                ) =>
            {
                let (prefix, bare) = match kind {
                    FormatMacro::Panic => ("", "explicit panic"),
                    FormatMacro::Unreachable => {
                        ("internal error: entered unreachable code: ", "internal error: entered unreachable code")
                    }
                    FormatMacro::Todo => ("not yet implemented: ", "not yet implemented"),
                    _ => ("not implemented: ", "not implemented"),
                };
                let (args, pieces) = match args {
                    Some(fa) => {
                        let (a, mut p) = self.check_format_args(fa);
                        if !prefix.is_empty() {
                            p.insert(0, PrintPiece::Literal(prefix.to_string()));
                        }
                        (a, p)
                    }
                    None => (Vec::new(), vec![PrintPiece::Literal(bare.to_string())]),
                };
                self.panic_expr(args, pieces, span)
            }
            ast::MacroKind::Assert { cond, msg } => {
                let b = self.c().bool;
                let c = self.check_expr(cond, Some(b));
                self.demand(b, c.ty, c.span);
                let (args, pieces) = match msg {
                    Some(fa) => self.check_format_args(fa),
                    None => (Vec::new(), vec![PrintPiece::Literal(format!("assertion failed: {}", expr_text(cond)))]),
                };
                let panic = self.panic_expr(args, pieces, span);
                let not = self.mk(ExprKind::Unary { op: hir::UnOp::Not, operand: Box::new(c) }, b, cond.span);
                self.mk(ExprKind::If { cond: Box::new(not), then: Box::new(panic), else_: None }, unit, span)
            }
            ast::MacroKind::AssertCmp { eq, left, right, msg } => {
                self.check_assert_cmp(*eq, left, right, msg.as_ref(), span)
            }
            ast::MacroKind::Matches { expr, pat, guard } => {
                let b = self.c().bool;
                let s = self.check_expr(expr, None);
                self.scopes.push(Default::default());
                let p = self.check_pat_top(pat, s.ty);
                let g = guard.as_ref().map(|g| {
                    let e = self.check_expr(g, Some(b));
                    self.demand(b, e.ty, e.span);
                    e
                });
                self.scopes.pop();
                let t = self.mk(ExprKind::Lit(Literal::Bool(true)), b, span);
                let f = self.mk(ExprKind::Lit(Literal::Bool(false)), b, span);
                let st = s.ty;
                let arms = vec![
                    hir::Arm { pat: p, guard: g, body: t, span },
                    hir::Arm { pat: hir::Pat { kind: hir::PatKind::Wild, ty: st, span }, guard: None, body: f, span },
                ];
                self.mk(ExprKind::Match { scrutinee: Box::new(s), arms }, b, span)
            }
            ast::MacroKind::Format { kind: FormatMacro::Format, args, .. } => {
                let Some((s, stmts)) = self.new_string_buffer(span) else {
                    self.err(unsupported("`format!` without the standard library's `String`", m.name_span));
                    return self.error_expr(span);
                };
                let (s_local, buf) = s;
                let mut stmts = stmts;
                let (args, pieces) = match args {
                    Some(fa) => self.check_format_args(fa),
                    None => (Vec::new(), Vec::new()),
                };
                let print = self.lower_print(Stream::Buf(buf), args, pieces, span, unit);
                stmts.push(hir::Stmt::Expr(print));
                let st = self.locals[s_local.index()].ty;
                let result = self.mk(ExprKind::Local(s_local), st, span);
                self.mk(ExprKind::Block(hir::Block { stmts, expr: Some(Box::new(result)) }), st, span)
            }
            ast::MacroKind::Format {
                kind: kind @ (FormatMacro::Write | FormatMacro::Writeln),
                dest: Some(dest),
                args,
            } => self.check_write(*kind == FormatMacro::Writeln, dest, args.as_ref(), m.name_span, span),
            ast::MacroKind::VecList(elems) => self.check_vec_list(elems, expected, m.name_span, span),
            ast::MacroKind::Join(futs) => self.check_join(futs, m.name_span, span),
            ast::MacroKind::Pin(e) => self.check_pin(e, span),
            ast::MacroKind::Defer(body) => self.check_defer(body, span),
            ast::MacroKind::VecRepeat(value, count) => {
                let Some(vec_adt) = self.std_adt("std::vec::Vec") else {
                    self.err(unsupported("`vec!` without the standard library's `Vec`", m.name_span));
                    return self.error_expr(span);
                };
                let Some(from_elem) = self.inherent_fn(vec_adt, "from_elem") else { return self.error_expr(span) };
                let elem = self.infer.new_var(&mut self.cx.tys);
                let vt = self.intern(TyKind::Adt(vec_adt, vec![elem]));
                let substs = self.method_substs(from_elem, vt, None, span);
                let v = self.check_expr(value, Some(elem));
                let usize_ty = self.c().usize;
                let n = self.check_expr(count, Some(usize_ty));
                self.call_hir(from_elem, substs, vec![v, n], span)
            }
            ast::MacroKind::Format { kind, .. } => {
                self.err(unsupported(&format!("`{}!`", kind.name()), m.name_span));
                self.error_expr(span)
            }
            _ => {
                self.err(unsupported("this macro", m.name_span));
                self.error_expr(span)
            }
        }
    }

    /// Panic messages are formatted by the runtime in one go: composite `Debug` arguments,
    /// which need expansion into several prints, are not possible there yet.
    /// A panic with a formatted message. The runtime formats primitive arguments itself; a
    /// message with compound, generic or hand-formatted arguments is formatted into a `String`
    /// first (as `format!` would) and the panic prints that.
    fn panic_expr(&mut self, args: Vec<hir::Expr>, pieces: Vec<PrintPiece>, span: Span) -> hir::Expr {
        let never = self.c().never;
        let needs = pieces.iter().any(|p| {
            matches!(p, PrintPiece::Arg { index, .. }
                if self.is_composite(args[*index].ty)
                    || matches!(self.kind(args[*index].ty), TyKind::Param { .. } | TyKind::Projection { .. } | TyKind::Dynamic { .. }))
        });
        if !needs {
            return self.mk(ExprKind::Panic { args, pieces }, never, span);
        }
        let (Some(((s, p), mut stmts)), Some(string_adt)) =
            (self.new_string_buffer(span), self.std_adt("std::string::String"))
        else {
            return self.mk(ExprKind::Panic { args, pieces }, never, span);
        };
        let Some(as_str) = self.inherent_fn(string_adt, "as_str") else { return self.error_expr(span) };
        let unit = self.c().unit;
        let print = self.lower_print(Stream::Buf(p), args, pieces, span, unit);
        stmts.push(hir::Stmt::Expr(print));
        let st = self.locals[s.index()].ty;
        let sr = self.intern(TyKind::Ref(st, Mutability::Not));
        let place = self.mk(ExprKind::Local(s), st, span);
        let r = self.mk(ExprKind::Ref { mutable: false, place: Box::new(place) }, sr, span);
        let text = self.call_hir(as_str, Vec::new(), vec![r], span);
        let spec = ast::FormatSpec { ty: ast::FormatType::Display, ..Default::default() };
        let piece = PrintPiece::Arg { index: 0, spec, width: None, precision: None };
        let panic = self.mk(ExprKind::Panic { args: vec![text], pieces: vec![piece] }, never, span);
        self.mk(ExprKind::Block(hir::Block { stmts, expr: Some(Box::new(panic)) }), never, span)
    }

    fn check_assert_cmp(
        &mut self,
        eq: bool,
        left: &ast::Expr,
        right: &ast::Expr,
        msg: Option<&ast::FormatArgs>,
        span: Span,
    ) -> hir::Expr {
        let (unit, b) = (self.c().unit, self.c().bool);
        let l = self.check_expr(left, None);
        let r = self.check_expr(right, Some(l.ty));
        let (lt, rt) = (l.ty, r.ty);
        let lv = self.new_local("<left_val>", lt, false, left.span, true);
        let rv = self.new_local("<right_val>", rt, false, right.span, true);
        let mut stmts = vec![self.hidden_let(lv, l), self.hidden_let(rv, r)];
        let le = self.mk(ExprKind::Local(lv), lt, left.span);
        let re = self.mk(ExprKind::Local(rv), rt, right.span);
        let str_cmp = self.is_str_ref(lt);
        let (le2, re2) = if str_cmp { (le, re) } else { (self.auto_deref_operand(le), self.auto_deref_operand(re)) };
        let op = if eq { ast::BinOp::Eq } else { ast::BinOp::Ne };
        let hop = if eq { hir::BinOp::Eq } else { hir::BinOp::Ne };
        let cmp = self.binop(op, hop, le2, re2, span);
        let sym = if eq { "==" } else { "!=" };
        let head = format!("assertion `left {sym} right` failed");
        let (mut args, mut pieces) = match msg {
            Some(fa) => {
                let (a, mut p) = self.check_format_args(fa);
                p.insert(0, PrintPiece::Literal(format!("{head}: ")));
                (a, p)
            }
            None => (Vec::new(), vec![PrintPiece::Literal(head)]),
        };
        let debug = ast::FormatSpec { ty: ast::FormatType::Debug, ..Default::default() };
        for (label, local, ty, sp) in [("\n  left: ", lv, lt, left.span), ("\n right: ", rv, rt, right.span)] {
            match pieces.last_mut() {
                Some(PrintPiece::Literal(l)) => l.push_str(label),
                _ => pieces.push(PrintPiece::Literal(label.to_string())),
            }
            let mut e = self.mk(ExprKind::Local(local), ty, sp);
            if !self.is_str_ref(ty) {
                e = self.auto_deref_operand(e);
            }
            pieces.push(PrintPiece::Arg { index: args.len(), spec: debug.clone(), width: None, precision: None });
            args.push(e);
        }
        let n = args.len();
        self.check_formattable(&args[n - 2], ast::FormatType::Debug);
        self.check_formattable(&args[n - 1], ast::FormatType::Debug);
        let panic = self.panic_expr(args, pieces, span);
        let not = self.mk(ExprKind::Unary { op: hir::UnOp::Not, operand: Box::new(cmp) }, b, span);
        let iff = self.mk(ExprKind::If { cond: Box::new(not), then: Box::new(panic), else_: None }, unit, span);
        stmts.push(hir::Stmt::Expr(iff));
        self.mk(ExprKind::Block(hir::Block { stmts, expr: None }), unit, span)
    }

    pub(super) fn is_composite(&self, t: Ty) -> bool {
        match self.kind(t) {
            TyKind::Ref(inner, _) => self.is_composite(inner),
            TyKind::Tuple(_) => true,
            TyKind::Array(..) | TyKind::Adt(..) | TyKind::Slice(..) => true,
            _ => false,
        }
    }

    /// A `Print`, expanded into several when a `{:?}` argument is a tuple, array or ADT.
    fn lower_print(
        &mut self,
        stream: Stream,
        args: Vec<hir::Expr>,
        pieces: Vec<PrintPiece>,
        span: Span,
        unit: Ty,
    ) -> hir::Expr {
        // Composite `{:?}` arguments expand; `{}` of a `String`/`Box` goes through `Deref`;
        // generic and hand-formatted values go through their `Display`/`Debug` impls.
        let needs = pieces.iter().any(|p| {
            matches!(p, PrintPiece::Arg { index, .. }
                if self.is_composite(args[*index].ty)
                    || matches!(self.kind(args[*index].ty), TyKind::Param { .. } | TyKind::Projection { .. } | TyKind::Dynamic { .. }))
        });
        if !needs {
            return self.mk(ExprKind::Print { stream, args, pieces }, unit, span);
        }
        // Evaluate every argument once, in order, into a temporary (a reference for places).
        let mut em = Emit { stream, stmts: Vec::new(), args: Vec::new(), pieces: Vec::new() };
        let mut access: Vec<hir::Expr> = Vec::new();
        for (i, a) in args.into_iter().enumerate() {
            let (ty, sp) = (a.ty, a.span);
            if is_place(&a) {
                let rt = self.intern(TyKind::Ref(ty, Mutability::Not));
                let l = self.new_local(&format!("<arg{i}>"), rt, false, sp, true);
                let r = self.mk(ExprKind::Ref { mutable: false, place: Box::new(a) }, rt, sp);
                em.stmts.push(self.hidden_let(l, r));
                let le = self.mk(ExprKind::Local(l), rt, sp);
                access.push(self.mk(ExprKind::Deref(Box::new(le)), ty, sp));
            } else {
                let l = self.new_local(&format!("<arg{i}>"), ty, false, sp, true);
                em.stmts.push(self.hidden_let(l, a));
                access.push(self.mk(ExprKind::Local(l), ty, sp));
            }
        }
        for p in pieces {
            match p {
                PrintPiece::Literal(s) => em.lit(&s),
                PrintPiece::Arg { index, spec, width, precision } => {
                    let fix = |this: &mut Emit, c: Option<FmtCount>| match c {
                        Some(FmtCount::Arg(j)) => {
                            this.args.push(copy_access(&access[j]));
                            Some(FmtCount::Arg(this.args.len() - 1))
                        }
                        other => other,
                    };
                    let e = copy_access(&access[index]);
                    let is_debug = matches!(spec.ty, ast::FormatType::Debug);
                    let e = if is_debug { e } else { self.deref_for_fmt(e) };
                    // A parameter or an object: formatted through the trait (a vtable call for an
                    // object, `{}` of a `Box<dyn Error>`).
                    let generic = matches!(
                        self.kind(e.ty),
                        TyKind::Param { .. } | TyKind::Projection { .. } | TyKind::Dynamic { .. }
                    );
                    if is_debug && (self.is_composite(e.ty) || generic) {
                        self.debug(&mut em, e, &spec, 0);
                    } else if !is_debug && (generic || self.user_display(e.ty)) {
                        // Format into a buffer first (this flushes the pieces so far), then the
                        // counts, then the piece printing the buffer.
                        let Some(s) = self.fmt_through_trait(&mut em, e, &spec, false) else { continue };
                        let (width, precision) = (fix(&mut em, width), fix(&mut em, precision));
                        let mut shown = spec.clone();
                        shown.ty = ast::FormatType::Display;
                        shown.alternate = false;
                        em.pieces.push(PrintPiece::Arg { index: em.args.len(), spec: shown, width, precision });
                        em.args.push(s);
                    } else {
                        let (width, precision) = (fix(&mut em, width), fix(&mut em, precision));
                        em.pieces.push(PrintPiece::Arg { index: em.args.len(), spec, width, precision });
                        em.args.push(e);
                    }
                }
            }
        }
        self.flush(&mut em, span);
        self.mk(ExprKind::Block(hir::Block { stmts: em.stmts, expr: None }), unit, span)
    }

    fn flush(&mut self, em: &mut Emit, span: Span) {
        if em.pieces.is_empty() {
            return;
        }
        let unit = self.c().unit;
        let p = self.mk(
            ExprKind::Print {
                stream: em.stream,
                args: std::mem::take(&mut em.args),
                pieces: std::mem::take(&mut em.pieces),
            },
            unit,
            span,
        );
        em.stmts.push(hir::Stmt::Expr(p));
    }

    /// Appends the derived-`Debug` output of the place `e` (indentation level `depth`).
    fn debug(&mut self, em: &mut Emit, e: hir::Expr, spec: &ast::FormatSpec, depth: usize) {
        let span = e.span;
        match self.kind(e.ty) {
            TyKind::Ref(inner, _) if !matches!(self.kind(inner), TyKind::Str) => {
                let d = self.mk(ExprKind::Deref(Box::new(e)), inner, span);
                self.debug(em, d, spec, depth)
            }
            TyKind::Tuple(ts) if !ts.is_empty() => {
                let items: Vec<hir::Expr> = ts.iter().enumerate().map(|(i, t)| field_access(&e, i, *t)).collect();
                self.debug_list(
                    em,
                    "",
                    "(",
                    ")",
                    items.into_iter().map(|x| (None, x)).collect(),
                    spec,
                    depth,
                    ts.len() == 1,
                );
            }
            TyKind::Array(t, n) => {
                let usize_ty = self.c().usize;
                let items: Vec<hir::Expr> = (0..n)
                    .map(|i| {
                        let idx = self.mk(ExprKind::Lit(Literal::Int(i as u128)), usize_ty, span);
                        self.mk(ExprKind::Index { base: Box::new(copy_access(&e)), index: Box::new(idx) }, t, span)
                    })
                    .collect();
                self.debug_list(em, "", "[", "]", items.into_iter().map(|x| (None, x)).collect(), spec, depth, false);
            }
            TyKind::Slice(elem) => self.debug_slice(em, e, elem, spec, depth),
            TyKind::Str => {
                // A `str` place (a `String` dereferenced): formatted through a reference.
                let t = self.intern(TyKind::Ref(e.ty, crate::ty::Mutability::Not));
                let r = self.mk(ExprKind::Ref { mutable: false, place: Box::new(e) }, t, span);
                self.debug(em, r, spec, depth)
            }
            TyKind::Adt(a, _)
                if !self.cx.adts[a.index()].derives.iter().any(|d| d == "Debug")
                    && self.implements(self.cx.lang.deref, e.ty) =>
            {
                // `Vec`, `String`, `Box`: formatted as what they dereference to.
                let d = self.overloaded_deref(e, span);
                self.debug(em, d, spec, depth)
            }
            TyKind::Param { .. } | TyKind::Projection { .. } | TyKind::Closure { .. } | TyKind::Dynamic { .. } => {
                self.debug_through_trait(em, e, spec)
            }
            TyKind::Adt(a, _)
                if !self.cx.adts[a.index()].derives.iter().any(|d| d == "Debug")
                    && self.implements(self.cx.lang.debug, e.ty) =>
            {
                // A hand-written `impl Debug`.
                self.debug_through_trait(em, e, spec)
            }
            // A recursive type (`Box<Tree>` inside `Tree`) is expanded once; inner occurrences
            // go through its derived impl, which expands it again at run time.
            TyKind::Adt(..) if self.debug_stack.contains(&e.ty) => self.debug_through_trait(em, e, spec),
            TyKind::Adt(a, targs) => {
                self.debug_stack.push(e.ty);
                self.debug_adt(em, e, a, targs, spec, depth);
                self.debug_stack.pop();
            }
            _ => {
                em.pieces.push(PrintPiece::Arg {
                    index: em.args.len(),
                    spec: spec.clone(),
                    width: literal_count(&spec.width),
                    precision: literal_count(&spec.precision),
                });
                em.args.push(e);
            }
        }
    }

    /// The derived-`Debug` output of a struct or enum place `e`.
    fn debug_adt(
        &mut self,
        em: &mut Emit,
        e: hir::Expr,
        a: crate::ty::AdtId,
        targs: Vec<Ty>,
        spec: &ast::FormatSpec,
        depth: usize,
    ) {
        let span = e.span;
        let adt = &self.cx.adts[a.index()];
        let tys = &self.cx.tys;
        if !adt.derives.iter().any(|d| d == "Debug") {
            let name = adt.name.clone();
            self.err(
                Diagnostic::error(
                    "E0277",
                    format!("`{name}` doesn't implement `Debug`"),
                    span,
                    format!("`{name}` cannot be formatted using `{{:?}}`"),
                )
                .with_help(format!("the trait `Debug` is not implemented for `{name}`"))
                .with_note(format!("add `#[derive(Debug)]` to `{name}` or manually `impl Debug for {name}`")),
            );
            return;
        }
        if !adt.is_enum {
            let var = &adt.variants[0];
            let (name, ctor) = (var.name.clone(), var.ctor);
            let fields: Vec<(String, Ty)> =
                var.fields.iter().map(|f| (f.name.clone(), tys.subst(f.ty, &targs))).collect();
            let items =
                fields.iter().enumerate().map(|(i, (n, t))| (Some(n.clone()), field_access(&e, i, *t))).collect();
            self.debug_fields(em, &name, ctor, items, spec, depth);
            return;
        }
        // Enums: a `match` with one arm per variant, fields bound by reference.
        let variants: Vec<(String, hir::CtorKind, Vec<(String, Ty)>)> = adt
            .variants
            .iter()
            .map(|v| {
                (v.name.clone(), v.ctor, v.fields.iter().map(|f| (f.name.clone(), tys.subst(f.ty, &targs))).collect())
            })
            .collect();
        self.flush(em, span);
        let unit = self.c().unit;
        let mut arms = Vec::new();
        for (vi, (vname, ctor, fields)) in variants.into_iter().enumerate() {
            let mut sub = Emit { stream: em.stream, stmts: Vec::new(), args: Vec::new(), pieces: Vec::new() };
            let mut pfields = Vec::new();
            let mut items = Vec::new();
            for (fi, (fname, fty)) in fields.iter().enumerate() {
                let rt = self.intern(TyKind::Ref(*fty, Mutability::Not));
                let l = self.new_local(&format!("<field{fi}>"), rt, false, span, true);
                pfields.push((
                    fi as u32,
                    hir::Pat {
                        kind: hir::PatKind::Binding { local: l, by_ref: Some(false), sub: None },
                        ty: *fty,
                        span,
                    },
                ));
                let le = self.mk(ExprKind::Local(l), rt, span);
                items.push((Some(fname.clone()), self.mk(ExprKind::Deref(Box::new(le)), *fty, span)));
            }
            self.debug_fields(&mut sub, &vname, ctor, items, spec, depth);
            self.flush(&mut sub, span);
            let body = self.mk(ExprKind::Block(hir::Block { stmts: sub.stmts, expr: None }), unit, span);
            let pat = hir::Pat {
                kind: hir::PatKind::Adt { adt: a, variant: hir::VariantIdx(vi as u32), fields: pfields },
                ty: e.ty,
                span,
            };
            arms.push(hir::Arm { pat, guard: None, body, span });
        }
        let m = self.mk(ExprKind::Match { scrutinee: Box::new(e), arms }, unit, span);
        em.stmts.push(hir::Stmt::Expr(m));
    }

    fn debug_fields(
        &mut self,
        em: &mut Emit,
        name: &str,
        ctor: hir::CtorKind,
        items: Vec<(Option<String>, hir::Expr)>,
        spec: &ast::FormatSpec,
        depth: usize,
    ) {
        if items.is_empty() {
            em.lit(name);
            return;
        }
        match ctor {
            hir::CtorKind::Named => self.debug_list(em, name, " {", "}", items, spec, depth, false),
            _ => self.debug_list(
                em,
                name,
                "(",
                ")",
                items.into_iter().map(|(_, x)| (None, x)).collect(),
                spec,
                depth,
                false,
            ),
        }
    }

    /// `name open item, item close`, or the pretty form with one item per line.
    #[allow(clippy::too_many_arguments)]
    fn debug_list(
        &mut self,
        em: &mut Emit,
        name: &str,
        open: &str,
        close: &str,
        items: Vec<(Option<String>, hir::Expr)>,
        spec: &ast::FormatSpec,
        depth: usize,
        one_tuple: bool,
    ) {
        let pad = |d: usize| "    ".repeat(d);
        em.lit(name);
        if items.is_empty() {
            em.lit(open.trim());
            em.lit(close);
            return;
        }
        if spec.alternate {
            em.lit(&format!("{open}\n"));
            for (label, x) in items {
                em.lit(&pad(depth + 1));
                if let Some(l) = label {
                    em.lit(&format!("{l}: "));
                }
                self.debug(em, x, spec, depth + 1);
                em.lit(",\n");
            }
            em.lit(&format!("{}{close}", pad(depth)));
        } else {
            let named = open == " {";
            em.lit(if named { " { " } else { open });
            let n = items.len();
            for (i, (label, x)) in items.into_iter().enumerate() {
                if let Some(l) = label {
                    em.lit(&format!("{l}: "));
                }
                self.debug(em, x, spec, depth);
                if i + 1 < n {
                    em.lit(", ");
                }
            }
            if one_tuple {
                em.lit(",");
            }
            em.lit(if named { " }" } else { close });
        }
    }

    /// An ADT of the standard library by path.
    pub(super) fn std_adt(&self, path: &str) -> Option<crate::ty::AdtId> {
        self.cx.adts.iter().position(|a| a.path == path).map(|i| crate::ty::AdtId(i as u32))
    }

    pub(super) fn inherent_fn(&self, adt: crate::ty::AdtId, name: &str) -> Option<hir::FnId> {
        match self.cx.inherent.get(&adt).and_then(|m| m.get(name)) {
            Some((super::AssocRes::Fn(f), _, _)) => Some(*f),
            _ => None,
        }
    }

    /// A call of `fid` with `substs` and already-checked arguments (coerced to the parameters).
    pub(super) fn call_hir(&mut self, fid: hir::FnId, substs: Vec<Ty>, args: Vec<hir::Expr>, span: Span) -> hir::Expr {
        let g = self.cx.fns[fid.index()].generics.clone();
        let (params, ret) = (self.cx.fns[fid.index()].params.clone(), self.cx.fns[fid.index()].ret);
        let params: Vec<Ty> = params.into_iter().map(|p| self.instantiate(p, &substs, span)).collect();
        let ret = self.instantiate(ret, &substs, span);
        self.register_bounds(&g, &substs, span);
        let args = args.into_iter().zip(params).map(|(a, p)| self.coerce(a, p)).collect();
        self.mk(ExprKind::Call { callee: fid, substs, args }, ret, span)
    }

    /// `let mut <s> = String::new(); let <p> = &mut <s> as *mut String;`: a string to format
    /// into and the pointer formatting appends through.
    fn new_string_buffer(&mut self, span: Span) -> Option<((hir::LocalId, hir::LocalId), Vec<hir::Stmt>)> {
        let string_adt = self.std_adt("std::string::String")?;
        let new_fn = self.inherent_fn(string_adt, "new")?;
        let st = self.intern(TyKind::Adt(string_adt, Vec::new()));
        let s = self.new_local("<fmt>", st, true, span, true);
        let init = self.call_hir(new_fn, Vec::new(), Vec::new(), span);
        let mut stmts = vec![self.hidden_let(s, init)];
        let p = self.buffer_pointer(self.mk(ExprKind::Local(s), st, span), span);
        let (pl, pstmt) = p;
        stmts.push(pstmt);
        Some(((s, pl), stmts))
    }

    /// `let <p> = &mut place as *mut String;`
    fn buffer_pointer(&mut self, place: hir::Expr, span: Span) -> (hir::LocalId, hir::Stmt) {
        let st = place.ty;
        let rt = self.intern(TyKind::Ref(st, crate::ty::Mutability::Mut));
        let pt = self.intern(TyKind::RawPtr(st, crate::ty::Mutability::Mut));
        let r = self.mk(ExprKind::Ref { mutable: true, place: Box::new(place) }, rt, span);
        let cast = self.mk(ExprKind::PtrCast(Box::new(r)), pt, span);
        let p = self.new_local("<fmtbuf>", pt, false, span, true);
        (p, self.hidden_let(p, cast))
    }

    /// `write!(dest, ..)` / `writeln!` into a `String` (or `&mut String`): appends, and is
    /// `Ok(())` (a `std::fmt::Result`).
    fn check_write(
        &mut self,
        newline: bool,
        dest: &ast::Expr,
        args: Option<&ast::FormatArgs>,
        name_span: Span,
        span: Span,
    ) -> hir::Expr {
        let mut d = self.check_expr(dest, None);
        while let TyKind::Ref(t, _) = self.kind(d.ty) {
            let s = d.span;
            d = self.mk(ExprKind::Deref(Box::new(d)), t, s);
        }
        let string_adt = self.std_adt("std::string::String");
        let formatter_adt = self.std_adt("std::fmt::Formatter");
        if let (TyKind::Adt(a, _), Some(sa)) = (self.kind(d.ty), string_adt) {
            if Some(a) == formatter_adt {
                // `write!(f, ..)` in a `fmt` impl: append to the formatter's buffer.
                let st = self.intern(TyKind::Adt(sa, Vec::new()));
                let pt = self.intern(TyKind::RawPtr(st, Mutability::Mut));
                let buf_field =
                    self.mk(ExprKind::Field { base: Box::new(d), variant: hir::VariantIdx(0), field: 0 }, pt, span);
                let p = self.new_local("<fmtbuf>", pt, false, span, true);
                let pstmt = self.hidden_let(p, buf_field);
                return self.finish_write(newline, p, pstmt, args, span);
            }
        }
        let is_string = matches!(self.kind(d.ty), TyKind::Adt(a, _) if Some(a) == string_adt);
        let result_adt = self.std_adt("std::result::Result");
        let error_adt = self.std_adt("std::fmt::Error");
        let (Some(result_adt), Some(error_adt), true) = (result_adt, error_adt, is_string) else {
            if !self.is_error(d.ty) {
                self.err(unsupported(&format!("`write!` to a `{}`", self.display(d.ty)), name_span));
            }
            return self.error_expr(span);
        };
        self.check_mut_borrow(&d, dest.span);
        let (p, pstmt) = self.buffer_pointer(d, span);
        let _ = (result_adt, error_adt);
        self.finish_write(newline, p, pstmt, args, span)
    }

    /// The rest of `write!`: format into the buffer `p` points to; the value is `Ok(())`.
    fn finish_write(
        &mut self,
        newline: bool,
        p: hir::LocalId,
        pstmt: hir::Stmt,
        args: Option<&ast::FormatArgs>,
        span: Span,
    ) -> hir::Expr {
        let unit = self.c().unit;
        let (Some(result_adt), Some(error_adt)) =
            (self.std_adt("std::result::Result"), self.std_adt("std::fmt::Error"))
        else {
            return self.error_expr(span);
        };
        let (args, mut pieces) = match args {
            Some(fa) => self.check_format_args(fa),
            None => (Vec::new(), Vec::new()),
        };
        if newline {
            pieces.push(PrintPiece::Literal("\n".to_string()));
        }
        let print = self.lower_print(Stream::Buf(p), args, pieces, span, unit);
        let err_ty = self.intern(TyKind::Adt(error_adt, Vec::new()));
        let rt = self.intern(TyKind::Adt(result_adt, vec![unit, err_ty]));
        let ok = self.cx.adts[result_adt.index()].variants.iter().position(|v| v.name == "Ok").unwrap_or(0);
        let u = self.unit_expr(span);
        let ok = self.mk(
            ExprKind::Adt { adt: result_adt, variant: hir::VariantIdx(ok as u32), fields: vec![(0, u)], base: None },
            rt,
            span,
        );
        self.mk(
            ExprKind::Block(hir::Block { stmts: vec![pstmt, hir::Stmt::Expr(print)], expr: Some(Box::new(ok)) }),
            rt,
            span,
        )
    }

    /// `vec![a, b, c]`: `Vec::with_capacity(3)` and a `push` per element.
    fn check_vec_list(&mut self, elems: &[ast::Expr], expected: Option<Ty>, name_span: Span, span: Span) -> hir::Expr {
        let Some(vec_adt) = self.std_adt("std::vec::Vec") else {
            self.err(unsupported("`vec!` without the standard library's `Vec`", name_span));
            return self.error_expr(span);
        };
        let (Some(with_cap), Some(push)) =
            (self.inherent_fn(vec_adt, "with_capacity"), self.inherent_fn(vec_adt, "push"))
        else {
            return self.error_expr(span);
        };
        // The expected `Vec<T>` says what the elements are converted to (`Box<dyn Trait>`).
        let elem = match expected.map(|t| self.kind(t)) {
            Some(TyKind::Adt(a, args)) if a == vec_adt && args.len() == 1 => args[0],
            _ => self.infer.new_var(&mut self.cx.tys),
        };
        let vt = self.intern(TyKind::Adt(vec_adt, vec![elem]));
        let usize_ty = self.c().usize;
        let substs = self.method_substs(with_cap, vt, None, span);
        let n = self.mk(ExprKind::Lit(Literal::Int(elems.len() as u128)), usize_ty, span);
        let init = self.call_hir(with_cap, substs, vec![n], span);
        let v = self.new_local("<vec>", vt, true, span, true);
        let mut stmts = vec![self.hidden_let(v, init)];
        for e in elems {
            let x = self.check_expr(e, Some(elem));
            let x = self.coerce(x, elem);
            let substs = self.method_substs(push, vt, None, span);
            let rt = self.intern(TyKind::Ref(vt, crate::ty::Mutability::Mut));
            let place = self.mk(ExprKind::Local(v), vt, span);
            let r = self.mk(ExprKind::Ref { mutable: true, place: Box::new(place) }, rt, span);
            let call = self.call_hir(push, substs, vec![r, x], e.span);
            stmts.push(hir::Stmt::Expr(call));
        }
        let result = self.mk(ExprKind::Local(v), vt, span);
        self.mk(ExprKind::Block(hir::Block { stmts, expr: Some(Box::new(result)) }), vt, span)
    }

    /// `join!(a, b, ..)`: `std::join_n::joinN(a, b, ..)`, a future of the tuple of outputs
    /// (awaited by the caller: `join!(a, b).await`).
    fn check_join(&mut self, futs: &[ast::Expr], name_span: Span, span: Span) -> hir::Expr {
        let n = futs.len();
        let max = crate::std_lib::MAX_JOIN;
        if n == 0 || n > max {
            let msg = if n == 0 {
                "`join!` needs at least one future".to_string()
            } else {
                format!("`join!` takes at most {max} futures, not {n}")
            };
            let mut d = Diagnostic::error("E9010", msg, name_span, "");
            if n > max {
                d = d
                    .with_help(format!("join more futures with `join_all(vec![..])`, or nest `join!`s of up to {max}"));
            }
            self.err(d);
            for e in futs {
                self.check_expr(e, None);
            }
            return self.error_expr(span);
        }
        let path = format!("std::join_n::join{n}");
        let Some(fid) = self.cx.fns.iter().position(|f| f.path == path).map(|i| hir::FnId(i as u32)) else {
            self.err(unsupported("`join!` without the standard library", name_span));
            return self.error_expr(span);
        };
        let g = self.cx.fns[fid.index()].generics.clone();
        let substs = self.fresh_substs(&g);
        let args: Vec<hir::Expr> = futs.iter().map(|e| self.check_expr(e, None)).collect();
        self.call_hir(fid, substs, args, span)
    }

    /// Whether `{}` of a value of type `t` calls a `Display` impl (an ADT that has one and is
    /// not printed through `Deref`).
    fn user_display(&self, t: Ty) -> bool {
        let t = self.resolved(t);
        matches!(self.kind(t), TyKind::Adt(..)) && self.implements(self.cx.lang.display, t)
    }

    /// Formats `e` through its `Display` (or `Debug`) impl into a fresh `String`, then prints
    /// that string with the placeholder's width, fill and alignment:
    /// `let mut <buf> = String::new(); Trait::fmt(&e, &mut Formatter::new(&mut <buf>, #));`.
    /// Returns the `&str` of the formatted text (the caller prints it), after the statements
    /// that make it.
    fn fmt_through_trait(
        &mut self,
        em: &mut Emit,
        e: hir::Expr,
        spec: &ast::FormatSpec,
        debug: bool,
    ) -> Option<hir::Expr> {
        let span = e.span;
        let tr = if debug { self.cx.lang.debug } else { self.cx.lang.display };
        let (tr, string_adt, fmt_adt) =
            (tr?, self.std_adt("std::string::String")?, self.std_adt("std::fmt::Formatter")?);
        let (new_string, as_str, new_fmt) = (
            self.inherent_fn(string_adt, "new")?,
            self.inherent_fn(string_adt, "as_str")?,
            self.inherent_fn(fmt_adt, "new")?,
        );
        let fmt_fn = self.cx.traits[tr.index()].methods.iter().find(|(n, _)| n == "fmt").map(|(_, f)| *f)?;
        self.flush(em, span);
        let st = self.intern(TyKind::Adt(string_adt, Vec::new()));
        let buf = self.new_local("<fmt>", st, true, span, true);
        let init = self.call_hir(new_string, Vec::new(), Vec::new(), span);
        em.stmts.push(self.hidden_let(buf, init));
        let (p, pstmt) = self.buffer_pointer(self.mk(ExprKind::Local(buf), st, span), span);
        em.stmts.push(pstmt);
        let ft = self.intern(TyKind::Adt(fmt_adt, Vec::new()));
        let bool_ty = self.c().bool;
        let alt = self.mk(ExprKind::Lit(Literal::Bool(spec.alternate)), bool_ty, span);
        let pt = self.locals[p.index()].ty;
        let pe = self.mk(ExprKind::Local(p), pt, span);
        let finit = self.call_hir(new_fmt, Vec::new(), vec![pe, alt], span);
        let f = self.new_local("<formatter>", ft, true, span, true);
        em.stmts.push(self.hidden_let(f, finit));
        if let (Some(ast::FormatCount::Literal(n)), Some(set)) =
            (&spec.precision, self.inherent_fn(fmt_adt, "set_precision"))
        {
            // `f.set_precision(n)`: the impl decides what a precision means.
            let usize_ty = self.c().usize;
            let fr = self.intern(TyKind::Ref(ft, Mutability::Mut));
            let fplace = self.mk(ExprKind::Local(f), ft, span);
            let fref = self.mk(ExprKind::Ref { mutable: true, place: Box::new(fplace) }, fr, span);
            let n = self.mk(ExprKind::Lit(Literal::Int(*n as u128)), usize_ty, span);
            let call = self.call_hir(set, Vec::new(), vec![fref, n], span);
            em.stmts.push(hir::Stmt::Expr(call));
        }
        let et = e.ty;
        let er = self.intern(TyKind::Ref(et, Mutability::Not));
        let fr = self.intern(TyKind::Ref(ft, Mutability::Mut));
        let eref = self.mk(ExprKind::Ref { mutable: false, place: Box::new(e) }, er, span);
        let fplace = self.mk(ExprKind::Local(f), ft, span);
        let fref = self.mk(ExprKind::Ref { mutable: true, place: Box::new(fplace) }, fr, span);
        let call = self.call_hir(fmt_fn, vec![et], vec![eref, fref], span);
        em.stmts.push(hir::Stmt::Expr(call));
        let sr = self.intern(TyKind::Ref(st, Mutability::Not));
        let bplace = self.mk(ExprKind::Local(buf), st, span);
        let bref = self.mk(ExprKind::Ref { mutable: false, place: Box::new(bplace) }, sr, span);
        Some(self.call_hir(as_str, Vec::new(), vec![bref], span))
    }

    /// A `{:?}` leaf printed through its `Debug` impl.
    fn debug_through_trait(&mut self, em: &mut Emit, e: hir::Expr, spec: &ast::FormatSpec) {
        if let Some(s) = self.fmt_through_trait(em, e, spec, true) {
            let mut shown = spec.clone();
            shown.ty = ast::FormatType::Display;
            shown.alternate = false;
            // The width pads the whole text; a precision is the impl's to use (ours ignore it).
            shown.precision = None;
            em.pieces.push(PrintPiece::Arg {
                index: em.args.len(),
                spec: shown,
                width: literal_count(&spec.width),
                precision: None,
            });
            em.args.push(s);
        }
    }

    /// For `{}`: a value of a type that dereferences to something printable (`String`, `Box<T>`)
    /// is printed as its target.
    fn deref_for_fmt(&mut self, mut e: hir::Expr) -> hir::Expr {
        loop {
            let span = e.span;
            match self.kind(e.ty) {
                TyKind::Ref(inner, _) if matches!(self.kind(inner), TyKind::Adt(..)) => {
                    e = self.mk(ExprKind::Deref(Box::new(e)), inner, span);
                }
                TyKind::Adt(..) if self.implements(self.cx.lang.deref, e.ty) => e = self.overloaded_deref(e, span),
                TyKind::Str => {
                    let t = self.intern(TyKind::Ref(e.ty, crate::ty::Mutability::Not));
                    return self.mk(ExprKind::Ref { mutable: false, place: Box::new(e) }, t, span);
                }
                _ => return e,
            }
        }
    }

    /// `{:?}` of a slice place: `[a, b]` (or one element per line with `{:#?}`), by a loop over
    /// the elements.
    fn debug_slice(&mut self, em: &mut Emit, e: hir::Expr, elem: Ty, spec: &ast::FormatSpec, depth: usize) {
        let span = e.span;
        self.flush(em, span);
        let c = self.c();
        let (usize_ty, bool_ty, unit, never) = (c.usize, c.bool, c.unit, c.never);
        let slice_ty = e.ty;
        let sref = self.intern(TyKind::Ref(slice_ty, crate::ty::Mutability::Not));
        let sl = self.new_local("<slice>", sref, false, span, true);
        let r = self.mk(ExprKind::Ref { mutable: false, place: Box::new(e) }, sref, span);
        em.stmts.push(self.hidden_let(sl, r));
        let i = self.new_local("<i>", usize_ty, true, span, true);
        let int = |this: &Self, v: u128| this.mk(ExprKind::Lit(Literal::Int(v)), usize_ty, span);
        let local = |this: &Self, l: hir::LocalId, t: Ty| this.mk(ExprKind::Local(l), t, span);
        let zero = int(self, 0);
        em.stmts.push(self.hidden_let(i, zero));
        let len = |this: &Self| {
            this.mk(
                ExprKind::Intrinsic { name: hir::IntrinsicFn::SliceLen, args: vec![local(this, sl, sref)] },
                usize_ty,
                span,
            )
        };
        let block =
            |this: &Self, stmts: Vec<hir::Stmt>| this.mk(ExprKind::Block(hir::Block { stmts, expr: None }), unit, span);
        let loop_id = hir::LoopId(self.next_loop);
        self.next_loop += 1;
        let mut body = Emit { stream: em.stream, stmts: Vec::new(), args: Vec::new(), pieces: Vec::new() };
        // if i >= len { break }
        let cond = self.mk(
            ExprKind::Binary { op: hir::BinOp::Ge, lhs: Box::new(local(self, i, usize_ty)), rhs: Box::new(len(self)) },
            bool_ty,
            span,
        );
        let brk = self.mk(ExprKind::Break { target: loop_id, value: None }, never, span);
        let then = block(self, vec![hir::Stmt::Expr(brk)]);
        body.stmts.push(hir::Stmt::Expr(self.mk(
            ExprKind::If { cond: Box::new(cond), then: Box::new(then), else_: None },
            unit,
            span,
        )));
        let pad = |d: usize| "    ".repeat(d);
        if spec.alternate {
            body.lit(&pad(depth + 1));
        } else {
            let mut sep = Emit { stream: em.stream, stmts: Vec::new(), args: Vec::new(), pieces: Vec::new() };
            sep.lit(", ");
            self.flush(&mut sep, span);
            let not_first = self.mk(
                ExprKind::Binary {
                    op: hir::BinOp::Gt,
                    lhs: Box::new(local(self, i, usize_ty)),
                    rhs: Box::new(int(self, 0)),
                },
                bool_ty,
                span,
            );
            let then = block(self, sep.stmts);
            body.stmts.push(hir::Stmt::Expr(self.mk(
                ExprKind::If { cond: Box::new(not_first), then: Box::new(then), else_: None },
                unit,
                span,
            )));
        }
        let place = self.mk(ExprKind::Deref(Box::new(local(self, sl, sref))), slice_ty, span);
        let x =
            self.mk(ExprKind::Index { base: Box::new(place), index: Box::new(local(self, i, usize_ty)) }, elem, span);
        self.debug(&mut body, x, spec, if spec.alternate { depth + 1 } else { depth });
        if spec.alternate {
            body.lit(",\n");
        }
        self.flush(&mut body, span);
        let inc = self.mk(
            ExprKind::AssignOp {
                op: hir::BinOp::Add,
                place: Box::new(local(self, i, usize_ty)),
                value: Box::new(int(self, 1)),
            },
            unit,
            span,
        );
        body.stmts.push(hir::Stmt::Expr(inc));
        let lp = self.mk(ExprKind::Loop { body: Box::new(block(self, body.stmts)), id: loop_id }, unit, span);
        // Empty: `[]`; else `[` elements `]`.
        let mut empty = Emit { stream: em.stream, stmts: Vec::new(), args: Vec::new(), pieces: Vec::new() };
        empty.lit("[]");
        self.flush(&mut empty, span);
        let mut full = Emit { stream: em.stream, stmts: Vec::new(), args: Vec::new(), pieces: Vec::new() };
        full.lit(if spec.alternate { "[\n" } else { "[" });
        self.flush(&mut full, span);
        full.stmts.push(hir::Stmt::Expr(lp));
        full.lit(&if spec.alternate { format!("{}]", pad(depth)) } else { "]".to_string() });
        self.flush(&mut full, span);
        let is_empty = self.mk(
            ExprKind::Binary { op: hir::BinOp::Eq, lhs: Box::new(len(self)), rhs: Box::new(int(self, 0)) },
            bool_ty,
            span,
        );
        let (t, f) = (block(self, empty.stmts), block(self, full.stmts));
        em.stmts.push(hir::Stmt::Expr(self.mk(
            ExprKind::If { cond: Box::new(is_empty), then: Box::new(t), else_: Some(Box::new(f)) },
            unit,
            span,
        )));
    }

    pub(super) fn check_format_args(&mut self, fa: &ast::FormatArgs) -> (Vec<hir::Expr>, Vec<hir::PrintPiece>) {
        let mut args: Vec<hir::Expr> = fa.args.iter().map(|a| self.check_expr(&a.expr, None)).collect();
        let mut captured: HashMap<String, usize> = HashMap::new();
        let mut pieces = Vec::new();
        for piece in &fa.pieces {
            match piece {
                FormatPiece::Literal(s) => pieces.push(hir::PrintPiece::Literal(s.clone())),
                FormatPiece::Placeholder(ph) => {
                    let Some(index) = self.format_arg_index(fa, &ph.arg, ph.span, &mut args, &mut captured) else {
                        continue;
                    };
                    let mut count = |this: &mut Self, c: &Option<ast::FormatCount>| -> Option<hir::FmtCount> {
                        match c {
                            None => None,
                            Some(ast::FormatCount::Literal(n)) => Some(hir::FmtCount::Literal(*n)),
                            Some(ast::FormatCount::Arg(r)) => {
                                this.format_count_arg(fa, r, ph.span, &mut args, &mut captured)
                            }
                            Some(ast::FormatCount::Star(i)) => {
                                this.format_count_arg(fa, &FormatArgRef::Next(*i), ph.span, &mut args, &mut captured)
                            }
                        }
                    };
                    let width = count(self, &ph.spec.width);
                    let precision = count(self, &ph.spec.precision);
                    pieces.push(hir::PrintPiece::Arg { index, spec: ph.spec.clone(), width, precision });
                }
            }
        }
        // `&T` formats as `T` (the standard library's `impl Display for &T`): read through
        // references to scalars; composite values are expanded through references already.
        for a in args.iter_mut() {
            loop {
                let t = self.resolved(a.ty);
                let TyKind::Ref(inner, _) = self.cx.tys.kind(t).clone() else { break };
                let inner = self.resolved(inner);
                if matches!(self.cx.tys.kind(inner), TyKind::Str) || self.is_composite(inner) {
                    break;
                }
                let span = a.span;
                let placeholder = hir::Expr { kind: hir::ExprKind::Lit(hir::Literal::Unit), ty: t, span };
                let e = std::mem::replace(a, placeholder);
                *a = hir::Expr { kind: hir::ExprKind::Deref(Box::new(e)), ty: inner, span };
            }
        }
        for p in &pieces {
            if let hir::PrintPiece::Arg { index, spec, .. } = p {
                self.check_formattable(&args[*index], spec.ty);
            }
        }
        (args, pieces)
    }

    /// The argument a placeholder or count refers to; a name not among the named arguments is
    /// an identifier captured from the scope (appended to `args` once).
    fn format_arg_index(
        &mut self,
        fa: &ast::FormatArgs,
        r: &FormatArgRef,
        span: Span,
        args: &mut Vec<hir::Expr>,
        captured: &mut HashMap<String, usize>,
    ) -> Option<usize> {
        let explicit = fa.args.len();
        match r {
            FormatArgRef::Next(i) | FormatArgRef::Index(i) => {
                // The parser reported references past the arguments already.
                if *i >= explicit {
                    return None;
                }
                Some(*i)
            }
            FormatArgRef::Name(n) => {
                if let Some(i) = fa.args.iter().position(|a| a.name.as_ref().is_some_and(|x| &x.name == n)) {
                    Some(i)
                } else if let Some(&i) = captured.get(n) {
                    Some(i)
                } else if let Some(id) = self.lookup_local(n) {
                    args.push(self.mk(ExprKind::Local(id), self.locals[id.index()].ty, span));
                    captured.insert(n.clone(), args.len() - 1);
                    Some(args.len() - 1)
                } else {
                    self.cx.sink.push(Diagnostic::error(
                        "E0425",
                        format!("cannot find value `{n}` in this scope"),
                        span,
                        "not found in this scope",
                    ));
                    None
                }
            }
        }
    }

    /// A `width$`/`.prec$`/`.*` argument: it must be a `usize`.
    fn format_count_arg(
        &mut self,
        fa: &ast::FormatArgs,
        r: &FormatArgRef,
        span: Span,
        args: &mut Vec<hir::Expr>,
        captured: &mut HashMap<String, usize>,
    ) -> Option<hir::FmtCount> {
        let i = self.format_arg_index(fa, r, span, args, captured)?;
        let usize_ty = self.c().usize;
        let (t, s) = (args[i].ty, args[i].span);
        self.demand(usize_ty, t, s);
        Some(hir::FmtCount::Arg(i))
    }

    /// Reports E0277 when a value cannot be formatted with the placeholder's trait.
    pub(super) fn check_formattable(&mut self, arg: &hir::Expr, ty: ast::FormatType) {
        use ast::FormatType as F;
        let mut t = self.resolved(arg.ty);
        if !matches!(ty, F::Debug | F::DebugLowerHex | F::DebugUpperHex) {
            // `{}` of a `String` or `Box<T>` prints what it dereferences to.
            loop {
                match self.kind(t) {
                    TyKind::Ref(inner, _) if matches!(self.kind(inner), TyKind::Adt(..)) => t = inner,
                    TyKind::Adt(..) if self.implements(self.cx.lang.deref, t) => {
                        let tr = hir::TraitRef { trait_id: self.cx.lang.deref.expect("checked"), args: vec![t] };
                        let target = self.project(tr, "Target", arg.span);
                        t = self.resolved(target);
                    }
                    _ => break,
                }
            }
        }
        let k = self.cx.tys.kind(t).clone();
        let is_str =
            matches!(&k, TyKind::Ref(inner, _) if *self.cx.tys.kind(*inner) == TyKind::Str) || k == TyKind::Str;
        let int = matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(InferTy::Int(_)));
        let float = matches!(k, TyKind::Float(_) | TyKind::Infer(InferTy::Float(_)));
        if self.is_error(t) || matches!(ty, F::Debug | F::DebugLowerHex | F::DebugUpperHex) && self.is_composite(t) {
            // Checked (derive present) when the output is expanded.
            return;
        }
        let (ok, trait_name) = match ty {
            F::Display => (int || float || is_str || matches!(k, TyKind::Bool | TyKind::Char), "std::fmt::Display"),
            F::Debug | F::DebugLowerHex | F::DebugUpperHex => {
                (int || float || is_str || matches!(k, TyKind::Bool | TyKind::Char), "std::fmt::Debug")
            }
            F::LowerHex => (int, "std::fmt::LowerHex"),
            F::UpperHex => (int, "std::fmt::UpperHex"),
            F::Octal => (int, "std::fmt::Octal"),
            F::Binary => (int, "std::fmt::Binary"),
            F::LowerExp => (int || float, "std::fmt::LowerExp"),
            F::UpperExp => (int || float, "std::fmt::UpperExp"),
        };
        if matches!(k, TyKind::Error | TyKind::Never) {
            return;
        }
        // A generic value with the trait as a bound: printable once concrete (primitives and
        // strings; monomorphization reports the rest).
        let generic_ok = matches!(k, TyKind::Param { .. } | TyKind::Projection { .. } | TyKind::Adt(..))
            && match ty {
                F::Display => self.implements(self.cx.lang.display, t),
                F::Debug | F::DebugLowerHex | F::DebugUpperHex => self.implements(self.cx.lang.debug, t),
                _ => false,
            };
        // An object whose trait has the formatting trait as a supertrait (`dyn Error`).
        let object_ok = matches!(k, TyKind::Dynamic { .. })
            && match ty {
                F::Display => self.cx.lang.display,
                F::Debug | F::DebugLowerHex | F::DebugUpperHex => self.cx.lang.debug,
                _ => None,
            }
            .is_some_and(|tr| {
                let goal = hir::TraitRef { trait_id: tr, args: vec![t] };
                self.cx.tables().select(&goal, &self.cx.env) == crate::traits::Selection::Builtin
            });
        let generic_ok = generic_ok || object_ok;
        if !ok && !generic_ok {
            let tn = self.display(t);
            self.cx.sink.push(
                Diagnostic::error(
                    "E0277",
                    format!("`{tn}` doesn't implement `{trait_name}`"),
                    arg.span,
                    format!(
                        "`{tn}` cannot be formatted with `{}`",
                        trait_name.rsplit("::").next().unwrap_or(trait_name)
                    ),
                )
                .with_help(format!("the trait `{trait_name}` is not implemented for `{tn}`")),
            );
        }
    }
}

/// A copy of an argument access path (a local, or a dereference of one, with projections).
/// Field `i` (of type `ty`) of the struct or tuple place `e` (variant 0), re-reading `e`.
/// A width or precision written as a number (`{:8?}`), which applies to each leaf of a
/// composite `{:?}` as Rust's formatter passes it on; one taken from an argument (`{:1$?}`)
/// is not applied there.
fn literal_count(c: &Option<ast::FormatCount>) -> Option<FmtCount> {
    match c {
        Some(ast::FormatCount::Literal(n)) => Some(FmtCount::Literal(*n)),
        _ => None,
    }
}

fn field_access(e: &hir::Expr, i: usize, ty: Ty) -> hir::Expr {
    let kind = ExprKind::Field { base: Box::new(copy_access(e)), variant: hir::VariantIdx(0), field: i as u32 };
    hir::Expr { kind, ty, span: e.span }
}

fn copy_access(e: &hir::Expr) -> hir::Expr {
    // Accesses are places (locals, projections) or pure calls (`Deref::deref`): re-evaluating
    // them reads the same value.
    e.clone()
}

/// The source text of an expression as `stringify!` prints it (for `assert!` messages).
pub(super) fn expr_text(e: &ast::Expr) -> String {
    use ast::ExprKind as K;
    let path = |p: &ast::Path| {
        let s = p.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
        if p.global {
            format!("::{s}")
        } else {
            s
        }
    };
    let list = |xs: &[ast::Expr]| xs.iter().map(expr_text).collect::<Vec<_>>().join(", ");
    match &e.kind {
        K::Lit(l) => match &l.kind {
            ast::LitKind::Int { value, suffix } => {
                format!("{value}{}", suffix.map(|s| format!("{s:?}").to_lowercase()).unwrap_or_default())
            }
            ast::LitKind::Float { text, suffix } => {
                format!("{text}{}", suffix.map(|s| format!("{s:?}").to_lowercase()).unwrap_or_default())
            }
            ast::LitKind::Bool(b) => b.to_string(),
            ast::LitKind::Char(c) => format!("{c:?}"),
            ast::LitKind::Byte(b) => format!("b{:?}", *b as char),
            ast::LitKind::Str(s) => format!("{s:?}"),
            ast::LitKind::ByteStr(_) => "b\"..\"".into(),
        },
        K::Path(p) => path(p),
        K::Unary(op, x) => format!(
            "{}{}",
            match op {
                ast::UnOp::Neg => "-",
                ast::UnOp::Not => "!",
                ast::UnOp::Deref => "*",
            },
            expr_text(x)
        ),
        K::Binary(op, l, r) => format!("{} {} {}", expr_text(l), op.as_str(), expr_text(r)),
        K::Assign(l, r) => format!("{} = {}", expr_text(l), expr_text(r)),
        K::AssignOp(op, l, r) => format!("{} {}= {}", expr_text(l), op.as_str(), expr_text(r)),
        K::Cast(x, _) => format!("{} as _", expr_text(x)),
        K::Call(f, args) => format!("{}({})", expr_text(f), list(args)),
        K::MethodCall { receiver, method, args } => {
            format!("{}.{}({})", expr_text(receiver), method.ident.name, list(args))
        }
        K::Field(b, n) => format!("{}.{}", expr_text(b), n.name),
        K::TupleField(b, i, _) => format!("{}.{i}", expr_text(b)),
        K::Index(b, i) => format!("{}[{}]", expr_text(b), expr_text(i)),
        K::Paren(x) => format!("({})", expr_text(x)),
        K::Tuple(xs) => format!("({})", list(xs)),
        K::Array(xs) => format!("[{}]", list(xs)),
        K::Ref { mutable, expr } => format!("&{}{}", if *mutable { "mut " } else { "" }, expr_text(expr)),
        K::Macro(m) => match &m.kind {
            ast::MacroKind::Matches { expr, .. } => format!("matches!({}, ..)", expr_text(expr)),
            _ => "..!(..)".into(),
        },
        _ => "..".into(),
    }
}
