//! Aggregate expressions of a body: struct and enum-variant literals with named fields
//! (`..base`, E0560 unknown field, E0062 repeated field, E0063 missing fields), tuples, arrays
//! and `[value; count]` (the count is evaluated by `consts`). Expected types flow into the
//! elements so that literals get their types without a later fix-up; each element is a
//! coercion site.

use std::collections::HashMap;

use super::expr::BodyChecker;
use super::resolve::{self, Ns, PathRes};
use super::Res;
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, ExprKind, VariantIdx};
use crate::span::Span;
use crate::ty::{Ty, TyKind};

impl BodyChecker<'_, '_> {
    // -----------------------------------------------------------------------------------------
    // Aggregates
    // -----------------------------------------------------------------------------------------

    pub(super) fn check_struct_lit(
        &mut self,
        path: &ast::Path,
        fields: &[ast::FieldInit],
        base: Option<&ast::Expr>,
        span: Span,
    ) -> hir::Expr {
        let self_ty = self.self_ty;
        let res = resolve::resolve_path(self.cx, self.module, path, Ns::Type, self_ty);
        // `Self { .. }` and aliases name the type with its arguments.
        let mut via_ty = None;
        let target = match res {
            Some(PathRes::Item(Res::Adt(a))) if !self.cx.adts[a.index()].is_enum => Some((a, VariantIdx(0))),
            Some(PathRes::Item(Res::Variant(a, v))) => Some((a, v)),
            Some(PathRes::Item(Res::Prim(t))) | Some(PathRes::Assoc { self_ty: t, .. }) if matches!(self.kind(t), TyKind::Adt(a, _) if !self.cx.adts[a.index()].is_enum) =>
            {
                let TyKind::Adt(a, _) = self.kind(t) else { unreachable!("checked") };
                via_ty = Some(t);
                Some((a, VariantIdx(0)))
            }
            Some(PathRes::Item(Res::Alias(al))) if !self.cx.aliases[al.0 as usize].generics.params.is_empty() => {
                self.err(super::unsupported("struct literals through a generic type alias", path.span));
                for f in fields {
                    self.check_expr(&f.expr, None);
                }
                return self.error_expr(span);
            }
            Some(PathRes::Item(Res::Alias(al))) => match self.cx.aliases[al.0 as usize].ty {
                Some(t) if matches!(self.kind(t), TyKind::Adt(a, _) if !self.cx.adts[a.index()].is_enum) => {
                    let TyKind::Adt(a, _) = self.kind(t) else { unreachable!("checked") };
                    via_ty = Some(t);
                    Some((a, VariantIdx(0)))
                }
                _ => None,
            },
            None => {
                for f in fields {
                    self.check_expr(&f.expr, None);
                }
                return self.error_expr(span);
            }
            _ => None,
        };
        let Some((adt, v)) = target else {
            let name = path.segments.iter().map(|s| s.ident.name.as_str()).collect::<Vec<_>>().join("::");
            self.err(Diagnostic::error(
                "E0574",
                format!("expected struct, variant or union type, found `{name}`"),
                path.span,
                "not a struct",
            ));
            return self.error_expr(span);
        };
        let targs = match via_ty.map(|t| self.kind(t)) {
            Some(TyKind::Adt(_, args)) => args,
            _ => self.adt_args(adt, self.variant_args_segment(path), span),
        };
        let ty = self.intern(TyKind::Adt(adt, targs.clone()));
        let nf = self.cx.adts[adt.index()].variants[v.index()].fields.len();
        let ftys: Vec<Ty> = (0..nf).map(|i| self.field_ty(adt, &targs, v.index(), i)).collect();
        let var = &self.cx.adts[adt.index()].variants[v.index()];
        let defs: Vec<(String, Ty)> = var.fields.iter().zip(ftys).map(|(f, t)| (f.name.clone(), t)).collect();
        let vname = if self.cx.adts[adt.index()].is_enum {
            format!("{}::{}", self.cx.adts[adt.index()].name, var.name)
        } else {
            var.name.clone()
        };
        let is_enum = self.cx.adts[adt.index()].is_enum;
        let mut out: Vec<(u32, hir::Expr)> = Vec::new();
        let mut seen: HashMap<String, Span> = HashMap::new();
        for f in fields {
            let idx = defs.iter().position(|(n, _)| *n == f.name.name);
            if let Some(prev) = seen.insert(f.name.name.clone(), f.name.span) {
                self.err(
                    Diagnostic::error(
                        "E0062",
                        format!("field `{}` specified more than once", f.name.name),
                        f.name.span,
                        "used more than once",
                    )
                    .with_label(prev, "first use of field"),
                );
            }
            match idx {
                Some(i) => {
                    let e = self.check_expr(&f.expr, Some(defs[i].1));
                    let e = self.coerce(e, defs[i].1);
                    out.push((i as u32, e));
                }
                None => {
                    self.check_expr(&f.expr, None);
                    let what = if is_enum { "variant" } else { "struct" };
                    let mut d = Diagnostic::error(
                        "E0560",
                        format!("{what} `{vname}` has no field named `{}`", f.name.name),
                        f.name.span,
                        if is_enum {
                            "field does not exist".to_string()
                        } else {
                            format!("`{vname}` does not have this field")
                        },
                    );
                    let missing: Vec<&String> =
                        defs.iter().map(|(n, _)| n).filter(|n| !seen.contains_key(*n)).collect();
                    if !missing.is_empty() {
                        d = d.with_note(format!(
                            "available fields are: {}",
                            missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        ));
                    }
                    self.err(d);
                }
            }
        }
        let base = base.map(|b| {
            let e = self.check_expr(b, Some(ty));
            Box::new(self.coerce(e, ty))
        });
        if base.is_none() {
            let missing: Vec<&String> = defs.iter().map(|(n, _)| n).filter(|n| !seen.contains_key(*n)).collect();
            if !missing.is_empty() {
                let list = match missing.len() {
                    1 => format!("field `{}`", missing[0]),
                    2 => format!("fields `{}` and `{}`", missing[0], missing[1]),
                    3 => format!("fields `{}`, `{}` and `{}`", missing[0], missing[1], missing[2]),
                    n => format!(
                        "fields `{}`, `{}`, `{}` and {} other fields",
                        missing[0],
                        missing[1],
                        missing[2],
                        n - 3
                    ),
                };
                self.err(Diagnostic::error(
                    "E0063",
                    format!("missing {list} in initializer of `{vname}`"),
                    path.span,
                    format!("missing {list}"),
                ));
            }
        }
        self.mk(ExprKind::Adt { adt, variant: v, fields: out, base }, ty, span)
    }

    pub(super) fn check_tuple(&mut self, elems: &[ast::Expr], expected: Option<Ty>, span: Span) -> hir::Expr {
        let exp: Vec<Option<Ty>> = match expected.map(|e| self.kind(e)) {
            Some(TyKind::Tuple(ts)) if ts.len() == elems.len() => ts.into_iter().map(Some).collect(),
            _ => vec![None; elems.len()],
        };
        if elems.is_empty() {
            return self.unit_expr(span);
        }
        let mut out = Vec::new();
        for (e, x) in elems.iter().zip(exp) {
            let h = self.check_expr(e, x);
            let h = match x {
                Some(t) => self.coerce(h, t),
                None => h,
            };
            out.push(h);
        }
        let ty = self.intern(TyKind::Tuple(out.iter().map(|e| e.ty).collect()));
        self.mk(ExprKind::Tuple(out), ty, span)
    }

    pub(super) fn check_array(&mut self, elems: &[ast::Expr], expected: Option<Ty>, span: Span) -> hir::Expr {
        let mut elem_ty = match expected.map(|e| self.kind(e)) {
            Some(TyKind::Array(t, _)) => t,
            _ => self.infer.new_var(&mut self.cx.tys),
        };
        let mut out = Vec::new();
        for (i, e) in elems.iter().enumerate() {
            let h = self.check_expr(e, Some(elem_ty));
            if i == 0 && self.is_never(elem_ty) {
                elem_ty = h.ty;
            }
            let h = self.coerce(h, elem_ty);
            out.push(h);
        }
        let ty = self.intern(TyKind::Array(elem_ty, elems.len() as u64));
        self.mk(ExprKind::Array(out), ty, span)
    }

    pub(super) fn check_repeat(
        &mut self,
        value: &ast::Expr,
        count: &ast::Expr,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let elem_expect = match expected.map(|e| self.kind(e)) {
            Some(TyKind::Array(t, _)) => Some(t),
            _ => None,
        };
        let v = self.check_expr(value, elem_expect);
        let usize_ty = self.c().usize;
        let module = self.module;
        let n = match super::consts::eval_standalone(self.cx, count, module, usize_ty) {
            Some(hir::ConstVal::Int(n)) => n as u64,
            _ => return self.error_expr(span),
        };
        let ty = self.intern(TyKind::Array(v.ty, n));
        self.mk(ExprKind::Repeat { value: Box::new(v), count: n }, ty, span)
    }
}

impl BodyChecker<'_, '_> {
    /// `a..b` / `a..=b` as a value: a `std::ops::Range` / `RangeInclusive`.
    pub(super) fn check_range_value(
        &mut self,
        lo: &ast::Expr,
        hi: &ast::Expr,
        inclusive: bool,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let path = if inclusive { "std::ops::RangeInclusive" } else { "std::ops::Range" };
        let Some(adt) = self.std_adt(path) else { return self.error_expr(span) };
        let elem_expect = match expected.map(|t| self.kind(t)) {
            Some(TyKind::Adt(a, args)) if a == adt => args.first().copied(),
            _ => None,
        };
        let l = self.check_expr(lo, elem_expect);
        let h = self.check_expr(hi, Some(l.ty));
        self.demand(l.ty, h.ty, h.span);
        let ty = self.intern(TyKind::Adt(adt, vec![l.ty]));
        let mut fields = vec![(0, l), (1, h)];
        if inclusive {
            let b = self.c().bool;
            fields.push((2, self.mk(ExprKind::Lit(hir::Literal::Bool(false)), b, span)));
        }
        self.mk(ExprKind::Adt { adt, variant: VariantIdx(0), fields, base: None }, ty, span)
    }
}
