//! Checking one function body: AST expressions to typed HIR expressions.
//!
//! Works bidirectionally: `check_expr` takes the type the context expects (when it knows one) so
//! that literals and empty blocks get the right type without a later fix-up, then `demand` unifies
//! the expected and actual types and reports E0308 on a mismatch. The never type `!` coerces to
//! every type. When the body is done, `finalize` replaces inference variables by their values and
//! applies the literal defaults, and checks that integer literals fit their final types.

use std::collections::HashMap;

use super::infer::InferCtxt;
use super::{unsupported, ItemEnv, ModuleId, PathError};
use crate::ast::{self, FormatArgRef, FormatMacro, FormatPiece};
use crate::diagnostics::{Diagnostic, DiagnosticSink};
use crate::hir::{self, BinOp, ExprKind, FnId, Literal, LocalId, LoopId, UnOp};
use crate::span::Span;
use crate::ty::{CommonTypes, InferTy, Ty, TyInterner, TyKind};

struct LoopCtx {
    id: LoopId,
    label: Option<String>,
    /// `loop` can break with a value; `while` and `for` cannot (E0571).
    is_loop: bool,
    /// The type of the `loop`'s value, fixed by the first `break`.
    break_ty: Option<Ty>,
}

pub(crate) struct BodyChecker<'a> {
    env: &'a ItemEnv,
    fns: &'a [hir::FnDef],
    module: ModuleId,
    tys: &'a mut TyInterner,
    common: &'a CommonTypes,
    sink: &'a mut DiagnosticSink,
    infer: InferCtxt,
    locals: Vec<hir::LocalDecl>,
    /// For each local: whether it was initialized where declared (E0384 needs it).
    initialized_at_decl: Vec<bool>,
    scopes: Vec<HashMap<String, LocalId>>,
    loops: Vec<LoopCtx>,
    next_loop: u32,
    ret_ty: Ty,
}

impl<'a> BodyChecker<'a> {
    pub(crate) fn new(
        env: &'a ItemEnv,
        fns: &'a [hir::FnDef],
        module: ModuleId,
        tys: &'a mut TyInterner,
        common: &'a CommonTypes,
        sink: &'a mut DiagnosticSink,
    ) -> BodyChecker<'a> {
        BodyChecker {
            env,
            fns,
            module,
            tys,
            common,
            sink,
            infer: InferCtxt::default(),
            locals: Vec::new(),
            initialized_at_decl: Vec::new(),
            scopes: vec![HashMap::new()],
            loops: Vec::new(),
            next_loop: 0,
            ret_ty: common.unit,
        }
    }

    pub(crate) fn check_fn(mut self, decl: &ast::FnDecl, params: &[Ty], ret: Ty) -> hir::Body {
        self.ret_ty = ret;
        let mut param_ids = Vec::new();
        for (p, &ty) in decl.sig.params.iter().zip(params) {
            let ast::ParamKind::Normal { pat, .. } = &p.kind else { continue };
            match &pat.kind {
                ast::PatKind::Ident { by_ref: false, mutable, name, sub: None } => {
                    param_ids.push(self.declare_local(name, ty, *mutable, true));
                }
                ast::PatKind::Wild => param_ids.push(self.new_local("_", ty, false, pat.span, true)),
                _ => {
                    self.sink.push(unsupported("patterns in parameters", pat.span));
                    param_ids.push(self.new_local("_", ty, false, pat.span, true));
                }
            }
        }
        let body = decl.body.as_ref().expect("only functions with bodies are checked");
        let value = self.check_block_expr(body, Some(ret));
        let value = self.coerce_final(value, ret);
        let mut body = hir::Body { locals: std::mem::take(&mut self.locals), params: param_ids, value };
        self.finalize(&mut body);
        body
    }

    // -----------------------------------------------------------------------------------------
    // Locals and scopes
    // -----------------------------------------------------------------------------------------

    fn new_local(&mut self, name: &str, ty: Ty, mutable: bool, span: Span, initialized: bool) -> LocalId {
        let id = LocalId(self.locals.len() as u32);
        self.locals.push(hir::LocalDecl { name: name.to_string(), ty, mutable, span });
        self.initialized_at_decl.push(initialized);
        id
    }

    fn declare_local(&mut self, name: &ast::Ident, ty: Ty, mutable: bool, initialized: bool) -> LocalId {
        let id = self.new_local(&name.name, ty, mutable, name.span, initialized);
        self.scopes.last_mut().expect("a scope is always open").insert(name.name.clone(), id);
        id
    }

    fn lookup_local(&self, name: &str) -> Option<LocalId> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    // -----------------------------------------------------------------------------------------
    // Type relations
    // -----------------------------------------------------------------------------------------

    fn resolved(&self, t: Ty) -> Ty {
        self.infer.shallow_resolve(self.tys, t)
    }

    fn is_never(&self, t: Ty) -> bool {
        *self.tys.kind(self.resolved(t)) == TyKind::Never
    }

    fn display(&self, t: Ty) -> String {
        let t = self.resolved(t);
        self.tys.display(t).to_string()
    }

    /// Requires `actual` to be usable where `expected` is wanted; reports E0308 otherwise.
    fn demand(&mut self, expected: Ty, actual: Ty, span: Span) -> bool {
        if self.is_never(actual) {
            return true;
        }
        if self.infer.unify(self.tys, expected, actual).is_ok() {
            return true;
        }
        let (e, a) = (self.display(expected), self.display(actual));
        self.sink.push(Diagnostic::error("E0308", "mismatched types", span, format!("expected `{e}`, found `{a}`")));
        false
    }

    /// A checked expression whose value must have type `ty` (a body's value, a branch).
    fn coerce_final(&mut self, e: hir::Expr, ty: Ty) -> hir::Expr {
        let span = e.span;
        self.demand(ty, e.ty, span);
        e
    }

    fn mk(&self, kind: ExprKind, ty: Ty, span: Span) -> hir::Expr {
        hir::Expr { kind, ty, span }
    }

    fn error_expr(&self, span: Span) -> hir::Expr {
        self.mk(ExprKind::Lit(Literal::Unit), self.common.error, span)
    }

    // -----------------------------------------------------------------------------------------
    // Blocks and statements
    // -----------------------------------------------------------------------------------------

    fn check_block_expr(&mut self, block: &ast::Block, expected: Option<Ty>) -> hir::Expr {
        let (b, ty) = self.check_block(block, expected);
        self.mk(ExprKind::Block(b), ty, block.span)
    }

    fn check_block(&mut self, block: &ast::Block, expected: Option<Ty>) -> (hir::Block, Ty) {
        self.scopes.push(HashMap::new());
        let mut stmts = Vec::new();
        let mut diverges = false;
        for stmt in &block.stmts {
            match &stmt.kind {
                ast::StmtKind::Let { pat, ty, init, else_block } => {
                    if let Some(e) = else_block {
                        self.sink.push(unsupported("`let`-`else`", e.span));
                    }
                    if let Some(s) = self.check_let(pat, ty.as_ref(), init.as_ref(), stmt.span) {
                        if let hir::Stmt::Let { init: Some(i), .. } = &s {
                            diverges |= self.is_never(i.ty);
                        }
                        stmts.push(s);
                    }
                }
                ast::StmtKind::Expr { expr, semi } => {
                    // A block-like expression statement without `;` must have type `()`.
                    let e =
                        if *semi { self.check_expr(expr, None) } else { self.check_expr(expr, Some(self.common.unit)) };
                    diverges |= self.is_never(e.ty);
                    stmts.push(hir::Stmt::Expr(e));
                }
                ast::StmtKind::Item(item) => self.sink.push(unsupported("items inside function bodies", item.span)),
                ast::StmtKind::Empty => {}
            }
        }
        let (tail, ty) = match &block.expr {
            Some(e) => {
                let e = self.check_expr(e, expected);
                let ty = e.ty;
                (Some(Box::new(e)), ty)
            }
            None if diverges => (None, self.common.never),
            None => {
                if let Some(exp) = expected {
                    if !self.is_never(exp) && self.infer.unify(self.tys, exp, self.common.unit).is_err() {
                        let e = self.display(exp);
                        let mut d = Diagnostic::error(
                            "E0308",
                            "mismatched types",
                            block.span,
                            format!("expected `{e}`, found `()`"),
                        );
                        if let Some(last) = block.stmts.last() {
                            if matches!(last.kind, ast::StmtKind::Expr { semi: true, .. }) {
                                d = d.with_help("remove the `;` after the last expression to return its value");
                            }
                        }
                        self.sink.push(d);
                    }
                }
                (None, self.common.unit)
            }
        };
        self.scopes.pop();
        (hir::Block { stmts, expr: tail }, ty)
    }

    fn check_let(
        &mut self,
        pat: &ast::Pat,
        ty: Option<&ast::Ty>,
        init: Option<&ast::Expr>,
        span: Span,
    ) -> Option<hir::Stmt> {
        let declared = ty.map(|t| super::lower_ty(t, self.tys, self.common, self.sink));
        let init = init.map(|e| {
            let e = self.check_expr(e, declared);
            if let Some(d) = declared {
                self.demand(d, e.ty, e.span);
            }
            e
        });
        let ty = match (declared, &init) {
            (Some(d), _) => d,
            (None, Some(e)) => e.ty,
            (None, None) => self.infer.new_var(self.tys),
        };
        let local = match &pat.kind {
            ast::PatKind::Ident { by_ref: false, mutable, name, sub: None } => {
                self.declare_local(name, ty, *mutable, init.is_some())
            }
            ast::PatKind::Wild => self.new_local("_", ty, false, pat.span, init.is_some()),
            _ => {
                self.sink.push(unsupported("this pattern in `let`", pat.span));
                return None;
            }
        };
        let pat = hir::Pat { kind: hir::PatKind::Binding { local, by_ref: None, sub: None }, ty, span: pat.span };
        Some(hir::Stmt::Let { pat, init, else_block: None, span })
    }

    // -----------------------------------------------------------------------------------------
    // Expressions
    // -----------------------------------------------------------------------------------------

    fn check_expr(&mut self, expr: &ast::Expr, expected: Option<Ty>) -> hir::Expr {
        let span = expr.span;
        match &expr.kind {
            ast::ExprKind::Paren(inner) => self.check_expr(inner, expected),
            ast::ExprKind::Lit(lit) => self.check_lit(lit, expected),
            ast::ExprKind::Path(path) => self.check_path_value(path, span),
            ast::ExprKind::Block(b, None) => self.check_block_expr(b, expected),
            ast::ExprKind::Unary(op, operand) => self.check_unary(*op, operand, expected, span),
            ast::ExprKind::Binary(op, l, r) => self.check_binary(*op, l, r, expected, span),
            ast::ExprKind::Assign(place, value) => self.check_assign(None, place, value, span),
            ast::ExprKind::AssignOp(op, place, value) => self.check_assign(Some(*op), place, value, span),
            ast::ExprKind::Cast(e, t) => self.check_cast(e, t, span),
            ast::ExprKind::Call(callee, args) => self.check_call(callee, args, span),
            ast::ExprKind::If { cond, then, else_ } => self.check_if(cond, then, else_.as_deref(), expected, span),
            ast::ExprKind::While { cond, body, label } => self.check_while(cond, body, label.as_ref(), span),
            ast::ExprKind::Loop { body, label } => self.check_loop(body, label.as_ref(), expected, span),
            ast::ExprKind::Break { label, value } => self.check_break(label.as_ref(), value.as_deref(), span),
            ast::ExprKind::Continue { label } => match self.find_loop(label.as_ref(), span, "continue") {
                Some(i) => self.mk(ExprKind::Continue { target: self.loops[i].id }, self.common.never, span),
                None => self.error_expr(span),
            },
            ast::ExprKind::Return(value) => {
                let ret = self.ret_ty;
                let value = match value {
                    Some(v) => {
                        let v = self.check_expr(v, Some(ret));
                        self.demand(ret, v.ty, v.span);
                        Some(Box::new(v))
                    }
                    None => {
                        self.demand(ret, self.common.unit, span);
                        None
                    }
                };
                self.mk(ExprKind::Return(value), self.common.never, span)
            }
            ast::ExprKind::Macro(m) => self.check_macro(m, span),
            ast::ExprKind::Tuple(elems) if elems.is_empty() => {
                self.mk(ExprKind::Lit(Literal::Unit), self.common.unit, span)
            }
            _ => {
                self.sink.push(unsupported("this expression", span));
                self.error_expr(span)
            }
        }
    }

    fn check_lit(&mut self, lit: &ast::Lit, expected: Option<Ty>) -> hir::Expr {
        let c = *self.common;
        let (value, ty) = match &lit.kind {
            ast::LitKind::Int { value, suffix } => {
                let ty = match suffix {
                    Some(s) => suffix_ty(*s, &c),
                    None => match expected.map(|e| self.resolved(e)) {
                        // A float context makes `1` an error in Rust too; keep the literal an integer.
                        Some(e) if matches!(self.tys.kind(e), TyKind::Int(_) | TyKind::Uint(_)) => e,
                        _ => self.infer.new_int_var(self.tys),
                    },
                };
                (Literal::Int(*value), ty)
            }
            ast::LitKind::Float { text, suffix } => {
                let ty = match suffix {
                    Some(ast::FloatSuffix::F32) => c.f32,
                    Some(ast::FloatSuffix::F64) => c.f64,
                    None => self.infer.new_float_var(self.tys),
                };
                let v: f64 = text.parse().unwrap_or(f64::NAN);
                (Literal::Float(v), ty)
            }
            ast::LitKind::Bool(b) => (Literal::Bool(*b), c.bool),
            ast::LitKind::Char(ch) => (Literal::Char(*ch), c.char),
            ast::LitKind::Byte(b) => (Literal::Int(*b as u128), c.u8),
            ast::LitKind::Str(s) => (Literal::Str(s.clone()), c.static_str),
            ast::LitKind::ByteStr(_) => {
                self.sink.push(unsupported("byte string literals", lit.span));
                return self.error_expr(lit.span);
            }
        };
        self.mk(ExprKind::Lit(value), ty, lit.span)
    }

    fn check_path_value(&mut self, path: &ast::Path, span: Span) -> hir::Expr {
        if path.qself.is_none() && !path.global && path.segments.len() == 1 && path.segments[0].args.is_none() {
            let name = &path.segments[0].ident.name;
            if let Some(id) = self.lookup_local(name) {
                return self.mk(ExprKind::Local(id), self.locals[id.index()].ty, span);
            }
        }
        match self.resolve_fn(path, "value") {
            Some(_) => {
                self.sink.push(unsupported("functions used as values", span));
                self.error_expr(span)
            }
            None => self.error_expr(span),
        }
    }

    /// Resolves a path naming a function; reports E0425/E0433 and returns `None` on failure.
    fn resolve_fn(&mut self, path: &ast::Path, what: &str) -> Option<FnId> {
        if path.qself.is_some() || path.segments.iter().any(|s| s.args.is_some()) {
            self.sink.push(unsupported("generic or qualified paths", path.span));
            return None;
        }
        match self.env.resolve_fn_path(self.module, path) {
            Ok(id) => Some(id),
            Err(PathError::NoItem) => {
                let last = path.segments.last().expect("paths have a segment");
                let d = Diagnostic::error(
                    "E0425",
                    format!("cannot find {what} `{}` in this scope", last.ident.name),
                    last.ident.span,
                    "not found in this scope",
                );
                let d = match self.similar_name(&last.ident.name) {
                    Some(s) => d.with_help(format!("a local variable or function with a similar name exists: `{s}`")),
                    None => d,
                };
                self.sink.push(d);
                None
            }
            Err(PathError::NoModule(i) | PathError::TooManySupers(i)) => {
                let seg = &path.segments[i];
                self.sink.push(Diagnostic::error(
                    "E0433",
                    format!("failed to resolve: use of undeclared crate or module `{}`", seg.ident.name),
                    seg.ident.span,
                    format!("use of undeclared crate or module `{}`", seg.ident.name),
                ));
                None
            }
        }
    }

    /// A name in scope within edit distance 2 of `name`, for "did you mean" help.
    fn similar_name(&self, name: &str) -> Option<String> {
        let locals = self.scopes.iter().flat_map(|s| s.keys());
        let fns = self.env.modules[self.module.0 as usize].fns.keys();
        locals
            .chain(fns)
            .filter(|c| c.as_str() != name && edit_distance(c, name) <= 2.min(name.len() / 2 + 1))
            .min_by_key(|c| edit_distance(c, name))
            .cloned()
    }

    fn check_unary(&mut self, op: ast::UnOp, operand: &ast::Expr, expected: Option<Ty>, span: Span) -> hir::Expr {
        match op {
            ast::UnOp::Deref => {
                self.sink.push(unsupported("dereferencing", span));
                self.error_expr(span)
            }
            ast::UnOp::Neg | ast::UnOp::Not => {
                let e = self.check_expr(operand, expected);
                let t = self.resolved(e.ty);
                let ok = match (op, self.tys.kind(t)) {
                    (_, TyKind::Error | TyKind::Never) => true,
                    (
                        ast::UnOp::Neg,
                        TyKind::Int(_) | TyKind::Float(_) | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_)),
                    ) => true,
                    (
                        ast::UnOp::Not,
                        TyKind::Int(_) | TyKind::Uint(_) | TyKind::Bool | TyKind::Infer(InferTy::Int(_)),
                    ) => true,
                    _ => false,
                };
                let sym = if op == ast::UnOp::Neg { "-" } else { "!" };
                if !ok {
                    let tn = self.display(t);
                    let mut d = Diagnostic::error(
                        "E0600",
                        format!("cannot apply unary operator `{sym}` to type `{tn}`"),
                        span,
                        format!("cannot apply unary operator `{sym}`"),
                    );
                    if matches!(self.tys.kind(t), TyKind::Uint(_)) {
                        d = d.with_note("unsigned values cannot be negated");
                    }
                    self.sink.push(d);
                    return self.error_expr(span);
                }
                let hop = if op == ast::UnOp::Neg { UnOp::Neg } else { UnOp::Not };
                let ty = e.ty;
                self.mk(ExprKind::Unary { op: hop, operand: Box::new(e) }, ty, span)
            }
        }
    }

    fn check_binary(
        &mut self,
        op: ast::BinOp,
        l: &ast::Expr,
        r: &ast::Expr,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let c = *self.common;
        if matches!(op, ast::BinOp::And | ast::BinOp::Or) {
            let lhs = self.check_expr(l, Some(c.bool));
            self.demand(c.bool, lhs.ty, lhs.span);
            let rhs = self.check_expr(r, Some(c.bool));
            self.demand(c.bool, rhs.ty, rhs.span);
            let kind = ExprKind::Logical { and: op == ast::BinOp::And, lhs: Box::new(lhs), rhs: Box::new(rhs) };
            return self.mk(kind, c.bool, span);
        }
        let hop = lower_binop(op);
        let operand_expect = if hop.is_comparison() { None } else { expected };
        let lhs = self.check_expr(l, operand_expect);
        let is_shift = matches!(hop, BinOp::Shl | BinOp::Shr);
        let rhs = if is_shift { self.check_expr(r, None) } else { self.check_expr(r, Some(lhs.ty)) };
        let lt = self.resolved(lhs.ty);
        let operand_ok = |k: &TyKind| match hop {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                matches!(
                    k,
                    TyKind::Int(_)
                        | TyKind::Uint(_)
                        | TyKind::Float(_)
                        | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_))
                )
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
                matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Bool | TyKind::Infer(InferTy::Int(_)))
            }
            BinOp::Shl | BinOp::Shr => matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(InferTy::Int(_))),
            _ => matches!(
                k,
                TyKind::Int(_)
                    | TyKind::Uint(_)
                    | TyKind::Float(_)
                    | TyKind::Bool
                    | TyKind::Char
                    | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_))
            ),
        };
        let lk = self.tys.kind(lt).clone();
        if matches!(lk, TyKind::Error) || self.is_never(lt) {
            return self.error_expr(span);
        }
        if !operand_ok(&lk) {
            let tn = self.display(lt);
            self.sink.push(
                Diagnostic::error(
                    "E0369",
                    format!("binary operation `{}` cannot be applied to type `{tn}`", op.as_str()),
                    span,
                    "",
                )
                .with_label(lhs.span, format!("`{tn}`")),
            );
            return self.error_expr(span);
        }
        if is_shift {
            let rt = self.resolved(rhs.ty);
            if !operand_ok(self.tys.kind(rt)) && !matches!(self.tys.kind(rt), TyKind::Error | TyKind::Never) {
                let (a, b) = (self.display(lt), self.display(rt));
                self.sink.push(Diagnostic::error(
                    "E0277",
                    format!("no implementation for `{a} {} {b}`", op.as_str()),
                    rhs.span,
                    format!("no implementation for `{a} {} {b}`", op.as_str()),
                ));
            }
        } else if self.infer.unify(self.tys, lhs.ty, rhs.ty).is_err() && !self.is_never(rhs.ty) {
            let (a, b) = (self.display(lhs.ty), self.display(rhs.ty));
            self.sink.push(Diagnostic::error(
                "E0308",
                "mismatched types",
                rhs.span,
                format!("expected `{a}`, found `{b}`"),
            ));
        }
        let ty = if hop.is_comparison() { c.bool } else { lhs.ty };
        self.mk(ExprKind::Binary { op: hop, lhs: Box::new(lhs), rhs: Box::new(rhs) }, ty, span)
    }

    fn check_assign(&mut self, op: Option<ast::BinOp>, place: &ast::Expr, value: &ast::Expr, span: Span) -> hir::Expr {
        let unit = self.common.unit;
        let place_e = match &place.kind {
            ast::ExprKind::Path(p) if p.segments.len() == 1 && !p.global && p.qself.is_none() => {
                let name = &p.segments[0].ident.name;
                match self.lookup_local(name) {
                    Some(id) => {
                        let decl = &self.locals[id.index()];
                        if !decl.mutable && (self.initialized_at_decl[id.index()] || op.is_some()) {
                            let first = decl.span;
                            self.sink.push(
                                Diagnostic::error(
                                    "E0384",
                                    format!("cannot assign twice to immutable variable `{name}`"),
                                    span,
                                    "cannot assign twice to immutable variable",
                                )
                                .with_label(first, format!("first assignment to `{name}`"))
                                .with_help(format!("consider making this binding mutable: `mut {name}`")),
                            );
                        } else if !decl.mutable {
                            // Deferred initialization `let x; x = 1;` happens once.
                            self.initialized_at_decl[id.index()] = true;
                        }
                        self.mk(ExprKind::Local(id), self.locals[id.index()].ty, place.span)
                    }
                    None => {
                        let e = self.check_path_value(p, place.span);
                        if e.ty != self.common.error {
                            self.invalid_lhs(place.span, span);
                        }
                        return self.mk(ExprKind::Lit(Literal::Unit), unit, span);
                    }
                }
            }
            _ => {
                self.invalid_lhs(place.span, span);
                return self.mk(ExprKind::Lit(Literal::Unit), unit, span);
            }
        };
        match op {
            None => {
                let v = self.check_expr(value, Some(place_e.ty));
                self.demand(place_e.ty, v.ty, v.span);
                self.mk(ExprKind::Assign { place: Box::new(place_e), value: Box::new(v) }, unit, span)
            }
            Some(op) => {
                // Type the operation as the binary one, then keep the place named once.
                let bin = self.check_binary(op, place, value, None, span);
                match bin.kind {
                    ExprKind::Binary { op, rhs, .. } => {
                        self.mk(ExprKind::AssignOp { op, place: Box::new(place_e), value: rhs }, unit, span)
                    }
                    _ => self.mk(ExprKind::Lit(Literal::Unit), unit, span),
                }
            }
        }
    }

    fn invalid_lhs(&mut self, lhs: Span, whole: Span) {
        self.sink.push(
            Diagnostic::error("E0070", "invalid left-hand side of assignment", whole, "")
                .with_label(lhs, "cannot assign to this expression"),
        );
    }

    fn check_cast(&mut self, e: &ast::Expr, t: &ast::Ty, span: Span) -> hir::Expr {
        let target = super::lower_ty(t, self.tys, self.common, self.sink);
        let e = self.check_expr(e, None);
        let from = self.resolved(e.ty);
        let numeric = |k: &TyKind| {
            matches!(
                k,
                TyKind::Int(_)
                    | TyKind::Uint(_)
                    | TyKind::Float(_)
                    | TyKind::Infer(InferTy::Int(_) | InferTy::Float(_))
            )
        };
        let (fk, tk) = (self.tys.kind(from).clone(), self.tys.kind(target).clone());
        let ok = match (&fk, &tk) {
            (TyKind::Error, _) | (_, TyKind::Error) | (TyKind::Never, _) => true,
            (a, b) if numeric(a) && numeric(b) => true,
            (TyKind::Bool | TyKind::Char, TyKind::Int(_) | TyKind::Uint(_)) => true,
            (TyKind::Uint(ty::UintTy::U8), TyKind::Char) => true,
            _ => from == target,
        };
        if !ok {
            let (a, b) = (self.display(from), self.display(target));
            let code = if numeric(&tk) { "E0606" } else { "E0605" };
            self.sink.push(Diagnostic::error(code, format!("casting `{a}` as `{b}` is invalid"), span, ""));
            return self.error_expr(span);
        }
        self.mk(ExprKind::Cast(Box::new(e)), target, span)
    }

    fn check_call(&mut self, callee: &ast::Expr, args: &[ast::Expr], span: Span) -> hir::Expr {
        let ast::ExprKind::Path(path) = &callee.kind else {
            self.sink.push(unsupported("calling this kind of expression", callee.span));
            return self.error_expr(span);
        };
        if path.segments.len() == 1 && !path.global {
            if let Some(id) = self.lookup_local(&path.segments[0].ident.name) {
                let ty = self.display(self.locals[id.index()].ty);
                self.sink.push(Diagnostic::error(
                    "E0618",
                    format!("expected function, found `{ty}`"),
                    callee.span,
                    "not a function",
                ));
                return self.error_expr(span);
            }
        }
        let Some(fid) = self.resolve_fn(path, "function") else {
            for a in args {
                self.check_expr(a, None);
            }
            return self.error_expr(span);
        };
        let f = &self.fns[fid.index()];
        let (params, ret, fspan) = (f.params.clone(), f.ret, f.span);
        if params.len() != args.len() {
            let plural = |n: usize, w: &str| if n == 1 { format!("1 {w}") } else { format!("{n} {w}s") };
            let took = plural(params.len(), "argument");
            let given = plural(args.len(), "argument");
            let was = if args.len() == 1 { "was" } else { "were" };
            self.sink.push(
                Diagnostic::error(
                    "E0061",
                    format!("this function takes {took} but {given} {was} supplied"),
                    callee.span,
                    format!("expected {took}, found {}", args.len()),
                )
                .with_label(fspan, "function defined here"),
            );
        }
        let mut hargs = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let expect = params.get(i).copied();
            let e = self.check_expr(a, expect);
            if let Some(p) = expect {
                self.demand(p, e.ty, e.span);
            }
            hargs.push(e);
        }
        if params.len() != args.len() {
            return self.error_expr(span);
        }
        self.mk(ExprKind::Call { callee: fid, args: hargs }, ret, span)
    }

    fn check_cond(&mut self, cond: &ast::Expr) -> hir::Expr {
        if let ast::ExprKind::Let(..) = cond.kind {
            self.sink.push(unsupported("`if let` and `while let`", cond.span));
            return self.error_expr(cond.span);
        }
        let c = self.check_expr(cond, Some(self.common.bool));
        self.demand(self.common.bool, c.ty, c.span);
        c
    }

    fn check_if(
        &mut self,
        cond: &ast::Expr,
        then: &ast::Block,
        else_: Option<&ast::Expr>,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let c = self.check_cond(cond);
        let Some(else_) = else_ else {
            let t = self.check_block_expr(then, Some(self.common.unit));
            let unit = self.common.unit;
            if !self.is_never(t.ty) && self.infer.unify(self.tys, unit, t.ty).is_err() {
                let found = self.display(t.ty);
                self.sink.push(
                    Diagnostic::error(
                        "E0317",
                        "`if` may be missing an `else` clause",
                        span,
                        format!("expected `()`, found `{found}`"),
                    )
                    .with_note("`if` expressions without `else` evaluate to `()`")
                    .with_help("consider adding an `else` block that evaluates to the expected type"),
                );
            }
            return self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(t), else_: None }, unit, span);
        };
        let t = self.check_block_expr(then, expected);
        let expect_else = if self.is_never(t.ty) { expected } else { Some(t.ty) };
        let e = self.check_expr(else_, expect_else);
        let ty = if self.is_never(t.ty) {
            e.ty
        } else {
            if !self.is_never(e.ty) && self.infer.unify(self.tys, t.ty, e.ty).is_err() {
                let (a, b) = (self.display(t.ty), self.display(e.ty));
                self.sink.push(
                    Diagnostic::error(
                        "E0308",
                        "`if` and `else` have incompatible types",
                        e.span,
                        format!("expected `{a}`, found `{b}`"),
                    )
                    .with_label(t.span, "expected because of this"),
                );
            }
            t.ty
        };
        self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(t), else_: Some(Box::new(e)) }, ty, span)
    }

    fn push_loop(&mut self, label: Option<&ast::Lifetime>, is_loop: bool) -> LoopId {
        let id = LoopId(self.next_loop);
        self.next_loop += 1;
        self.loops.push(LoopCtx { id, label: label.map(|l| l.name.clone()), is_loop, break_ty: None });
        id
    }

    fn check_while(
        &mut self,
        cond: &ast::Expr,
        body: &ast::Block,
        label: Option<&ast::Lifetime>,
        span: Span,
    ) -> hir::Expr {
        // `while c { b }` is `loop { if c { b } else { break } }`.
        let id = self.push_loop(label, false);
        let c = self.check_cond(cond);
        let b = self.check_block_expr(body, Some(self.common.unit));
        self.loops.pop();
        let (unit, never) = (self.common.unit, self.common.never);
        let brk = self.mk(ExprKind::Break { target: id, value: None }, never, cond.span);
        let iff =
            self.mk(ExprKind::If { cond: Box::new(c), then: Box::new(b), else_: Some(Box::new(brk)) }, unit, span);
        self.mk(ExprKind::Loop { body: Box::new(iff), id }, unit, span)
    }

    fn check_loop(
        &mut self,
        body: &ast::Block,
        label: Option<&ast::Lifetime>,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let id = self.push_loop(label, true);
        if let Some(e) = expected {
            self.loops.last_mut().expect("just pushed").break_ty = Some(e);
        }
        let b = self.check_block_expr(body, Some(self.common.unit));
        let ctx = self.loops.pop().expect("pushed above");
        // Without a `break`, a `loop` never finishes.
        let has_break = loop_has_break(&b, id);
        let ty = if has_break { ctx.break_ty.unwrap_or(self.common.unit) } else { self.common.never };
        self.mk(ExprKind::Loop { body: Box::new(b), id }, ty, span)
    }

    fn find_loop(&mut self, label: Option<&ast::Lifetime>, span: Span, kw: &str) -> Option<usize> {
        match label {
            None => {
                if self.loops.is_empty() {
                    self.sink.push(Diagnostic::error(
                        "E0268",
                        format!("`{kw}` outside of a loop"),
                        span,
                        format!("cannot `{kw}` outside of a loop"),
                    ));
                    return None;
                }
                Some(self.loops.len() - 1)
            }
            Some(l) => {
                let found = self.loops.iter().rposition(|c| c.label.as_deref() == Some(l.name.as_str()));
                if found.is_none() {
                    self.sink.push(Diagnostic::error(
                        "E0426",
                        format!("use of undeclared label `{}`", l.name),
                        l.span,
                        format!("undeclared label `{}`", l.name),
                    ));
                }
                found
            }
        }
    }

    fn check_break(&mut self, label: Option<&ast::Lifetime>, value: Option<&ast::Expr>, span: Span) -> hir::Expr {
        let Some(i) = self.find_loop(label, span, "break") else {
            if let Some(v) = value {
                self.check_expr(v, None);
            }
            return self.error_expr(span);
        };
        let (id, is_loop, break_ty) = (self.loops[i].id, self.loops[i].is_loop, self.loops[i].break_ty);
        let value = match value {
            Some(v) if !is_loop => {
                self.check_expr(v, None);
                self.sink.push(
                    Diagnostic::error(
                        "E0571",
                        "`break` with value from a `while` loop",
                        span,
                        "can only break with a value inside `loop` or breakable block",
                    )
                    .with_help("use `break` on its own without a value inside this `while` loop"),
                );
                None
            }
            Some(v) => {
                let e = self.check_expr(v, break_ty);
                match break_ty {
                    Some(t) => {
                        self.demand(t, e.ty, e.span);
                    }
                    None => self.loops[i].break_ty = Some(e.ty),
                }
                Some(Box::new(e))
            }
            None => {
                if is_loop {
                    match break_ty {
                        Some(t) => {
                            self.demand(t, self.common.unit, span);
                        }
                        None => self.loops[i].break_ty = Some(self.common.unit),
                    }
                }
                None
            }
        };
        self.mk(ExprKind::Break { target: id, value }, self.common.never, span)
    }

    fn check_macro(&mut self, m: &ast::MacroCall, span: Span) -> hir::Expr {
        let unit = self.common.unit;
        match &m.kind {
            ast::MacroKind::Format { kind, args, .. }
                if matches!(
                    kind,
                    FormatMacro::Print | FormatMacro::Println | FormatMacro::Eprint | FormatMacro::Eprintln
                ) =>
            {
                let stream = if matches!(kind, FormatMacro::Print | FormatMacro::Println) {
                    hir::Stream::Stdout
                } else {
                    hir::Stream::Stderr
                };
                let newline = matches!(kind, FormatMacro::Println | FormatMacro::Eprintln);
                let (args, mut pieces) = match args {
                    Some(fa) => self.check_format_args(fa),
                    None => (Vec::new(), Vec::new()),
                };
                if newline {
                    pieces.push(hir::PrintPiece::Literal("\n".to_string()));
                }
                self.mk(ExprKind::Print { stream, args, pieces }, unit, span)
            }
            ast::MacroKind::Format { kind, .. } => {
                self.sink.push(unsupported(&format!("`{}!`", kind.name()), m.name_span));
                self.error_expr(span)
            }
            _ => {
                self.sink.push(unsupported("this macro", m.name_span));
                self.error_expr(span)
            }
        }
    }

    fn check_format_args(&mut self, fa: &ast::FormatArgs) -> (Vec<hir::Expr>, Vec<hir::PrintPiece>) {
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
                    self.sink.push(Diagnostic::error(
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
        let usize_ty = self.common.usize;
        let (t, s) = (args[i].ty, args[i].span);
        self.demand(usize_ty, t, s);
        Some(hir::FmtCount::Arg(i))
    }

    /// Reports E0277 when a value cannot be formatted with the placeholder's trait.
    fn check_formattable(&mut self, arg: &hir::Expr, ty: ast::FormatType) {
        use ast::FormatType as F;
        let t = self.resolved(arg.ty);
        let k = self.tys.kind(t).clone();
        let is_str = matches!(&k, TyKind::Ref(inner, _) if *self.tys.kind(*inner) == TyKind::Str);
        let int = matches!(k, TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(InferTy::Int(_)));
        let float = matches!(k, TyKind::Float(_) | TyKind::Infer(InferTy::Float(_)));
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
        if !ok {
            let tn = self.display(t);
            self.sink.push(
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

    // -----------------------------------------------------------------------------------------
    // Finalization
    // -----------------------------------------------------------------------------------------

    fn finalize(&mut self, body: &mut hir::Body) {
        let (i32_ty, f64_ty) = (self.common.i32, self.common.f64);
        for l in &mut body.locals {
            let t = self.infer.resolve(self.tys, l.ty, i32_ty, f64_ty);
            if *self.tys.kind(t) == TyKind::Error && *self.tys.kind(l.ty) != TyKind::Error {
                self.sink.push(
                    Diagnostic::error("E0282", "type annotations needed", l.span, "")
                        .with_help(format!("consider giving `{}` an explicit type", l.name)),
                );
            }
            l.ty = t;
        }
        self.finalize_expr(&mut body.value);
    }

    fn finalize_expr(&mut self, e: &mut hir::Expr) {
        let (i32_ty, f64_ty) = (self.common.i32, self.common.f64);
        e.ty = self.infer.resolve(self.tys, e.ty, i32_ty, f64_ty);
        // `-128i8` is a literal of the negated value, as in rustc.
        if let ExprKind::Unary { op: UnOp::Neg, operand } = &mut e.kind {
            if let ExprKind::Lit(Literal::Int(v)) = operand.kind {
                if let Some(bits) = int_bits(self.tys.kind(e.ty)) {
                    let min_mag = 1u128 << (bits - 1);
                    if v > min_mag {
                        self.literal_out_of_range(e.span, e.ty, &format!("-{v}"));
                    }
                    let neg = (v as i128).wrapping_neg() as u128 & mask(bits);
                    e.kind = ExprKind::Lit(Literal::Int(neg));
                    return;
                }
            }
        }
        match &mut e.kind {
            ExprKind::Lit(Literal::Int(v)) => {
                let k = self.tys.kind(e.ty).clone();
                let max = match k {
                    TyKind::Int(i) => (1u128 << (i.bits(64) - 1)) - 1,
                    TyKind::Uint(u) => mask(u.bits(64)),
                    _ => u128::MAX,
                };
                if *v > max {
                    let v = *v;
                    self.literal_out_of_range(e.span, e.ty, &v.to_string());
                }
            }
            ExprKind::Lit(Literal::Float(f)) if *self.tys.kind(e.ty) == TyKind::Float(ty::FloatTy::F32) => {
                *f = *f as f32 as f64;
            }
            _ => e.for_each_child_mut(|c| self.finalize_expr(c)),
        }
    }

    fn literal_out_of_range(&mut self, span: Span, ty: Ty, text: &str) {
        let tn = self.tys.display(ty).to_string();
        self.sink.push(
            Diagnostic::error("E9002", format!("literal out of range for `{tn}`"), span, "")
                .with_note(format!("the literal `{text}` does not fit into the type `{tn}`")),
        );
    }
}

use crate::ty;

fn int_bits(k: &TyKind) -> Option<u32> {
    match k {
        TyKind::Int(i) => Some(i.bits(64)),
        _ => None,
    }
}

fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

fn suffix_ty(s: ast::IntSuffix, c: &CommonTypes) -> Ty {
    use ast::IntSuffix::*;
    match s {
        I8 => c.i8,
        I16 => c.i16,
        I32 => c.i32,
        I64 => c.i64,
        I128 => c.i128,
        Isize => c.isize,
        U8 => c.u8,
        U16 => c.u16,
        U32 => c.u32,
        U64 => c.u64,
        U128 => c.u128,
        Usize => c.usize,
    }
}

fn lower_binop(op: ast::BinOp) -> BinOp {
    match op {
        ast::BinOp::Add => BinOp::Add,
        ast::BinOp::Sub => BinOp::Sub,
        ast::BinOp::Mul => BinOp::Mul,
        ast::BinOp::Div => BinOp::Div,
        ast::BinOp::Rem => BinOp::Rem,
        ast::BinOp::BitAnd => BinOp::BitAnd,
        ast::BinOp::BitOr => BinOp::BitOr,
        ast::BinOp::BitXor => BinOp::BitXor,
        ast::BinOp::Shl => BinOp::Shl,
        ast::BinOp::Shr => BinOp::Shr,
        ast::BinOp::Eq => BinOp::Eq,
        ast::BinOp::Ne => BinOp::Ne,
        ast::BinOp::Lt => BinOp::Lt,
        ast::BinOp::Le => BinOp::Le,
        ast::BinOp::Gt => BinOp::Gt,
        ast::BinOp::Ge => BinOp::Ge,
        ast::BinOp::And | ast::BinOp::Or => unreachable!("logical operators are handled before lowering"),
    }
}

fn loop_has_break(e: &hir::Expr, id: LoopId) -> bool {
    let mut found = false;
    visit(e, &mut |x| {
        if let ExprKind::Break { target, .. } = x.kind {
            found |= target == id;
        }
    });
    found
}

/// Calls `f` on every expression of the tree, parents first.
fn visit<'a>(e: &'a hir::Expr, f: &mut impl FnMut(&'a hir::Expr)) {
    f(e);
    e.for_each_child(|c| visit(c, f));
}

/// Levenshtein distance, for "a similar name exists" help.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
