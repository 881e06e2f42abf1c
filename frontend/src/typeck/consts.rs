//! Compile-time evaluation of `const` items, `static` initializers, array lengths, enum
//! discriminants and pattern constants.
//!
//! Takes an initializer expression, checks it as a body of its own with [`BodyChecker`] (so
//! that it gets the same typing rules as runtime code), then folds the typed HIR into a
//! [`ConstVal`]. Integer arithmetic follows the operand type's width and reports overflow and
//! division by zero as E0080; calls are E0015 and statics E0013, as in rustc. Constants are
//! evaluated on first use, so they may refer to each other in any order (a cycle is E0391).

use super::expr::BodyChecker;
use super::{ConstId, ConstState, Cx, ModuleId};
use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::hir::{self, BinOp, ConstVal, ExprKind, Literal, UnOp, VariantIdx};
use crate::span::Span;
use crate::ty::{FloatTy, Ty, TyKind};

/// Evaluates every `const` and `static` (so that errors in unused ones are reported too).
pub(crate) fn eval_all(cx: &mut Cx) {
    for i in 0..cx.consts.len() {
        const_value(cx, ConstId(i as u32));
    }
    for i in 0..cx.statics.len() {
        let (expr, module) = cx.static_exprs[i];
        let ty = cx.statics[i].ty;
        let Some(expr) = expr else {
            let span = cx.statics[i].span;
            cx.sink.push(
                Diagnostic::error("E9004", "free static item without body", span, "")
                    .with_help("provide a definition for the static: `= <expr>;`"),
            );
            continue;
        };
        if let Some(v) = eval_standalone_as(cx, expr, module, None, ty, "statics") {
            cx.statics[i].value = v;
        }
    }
}

/// The value of a constant, evaluating it now if needed; `None` after an error.
pub(crate) fn const_value(cx: &mut Cx, id: ConstId) -> Option<ConstVal> {
    let c = &cx.consts[id.0 as usize];
    match &c.state {
        ConstState::Done(v) => return Some(v.clone()),
        ConstState::Failed => return None,
        ConstState::InProgress => {
            let (span, name) = (c.span, c.name.clone());
            cx.sink.push(Diagnostic::error(
                "E0391",
                format!("cycle detected when evaluating constant `{name}`"),
                span,
                "the constant's value depends on itself",
            ));
            cx.consts[id.0 as usize].state = ConstState::Failed;
            return None;
        }
        ConstState::NotYet => {}
    }
    let (expr, module, self_ty, ty) = (c.expr, c.module, c.self_ty, c.ty);
    cx.consts[id.0 as usize].state = ConstState::InProgress;
    let v = expr.and_then(|e| eval_standalone_as(cx, e, module, self_ty, ty, "constants"));
    // A cycle reported inside leaves the state `Failed`; keep it.
    if matches!(cx.consts[id.0 as usize].state, ConstState::InProgress) {
        cx.consts[id.0 as usize].state = match &v {
            Some(v) => ConstState::Done(v.clone()),
            None => ConstState::Failed,
        };
    }
    v
}

/// Checks and evaluates `expr` as a constant of type `ty` written in `module`.
pub(crate) fn eval_standalone(cx: &mut Cx, expr: &ast::Expr, module: ModuleId, ty: Ty) -> Option<ConstVal> {
    eval_standalone_as(cx, expr, module, None, ty, "constants")
}

fn eval_standalone_as(
    cx: &mut Cx,
    expr: &ast::Expr,
    module: ModuleId,
    self_ty: Option<Ty>,
    ty: Ty,
    what: &str,
) -> Option<ConstVal> {
    let errors = cx.sink.error_count();
    let e = BodyChecker::new(cx, module, self_ty).check_const_expr(expr, ty);
    if cx.sink.error_count() > errors {
        return None;
    }
    match eval(cx, &e) {
        Ok(v) => Some(v),
        Err(EvalError::NotConst(span, msg, code)) => {
            let d = match code {
                "E0015" => Diagnostic::error("E0015", format!("{msg} in {what}"), span, "").with_note(format!(
                    "calls in {what} are limited to constant functions, tuple structs and tuple variants"
                )),
                _ => Diagnostic::error(code, format!("{msg}"), span, "")
                    .with_help(format!("{what} are evaluated at compile time")),
            };
            cx.sink.push(d);
            None
        }
        Err(EvalError::Failed(span, msg)) => {
            cx.sink.push(Diagnostic::error("E0080", format!("evaluation of constant value failed"), span, msg));
            None
        }
    }
}

pub(crate) enum EvalError {
    /// Not a constant expression: span, message, code.
    NotConst(Span, String, &'static str),
    /// A constant expression that fails (overflow, division by zero, index out of bounds).
    Failed(Span, String),
}

fn int_info(cx: &Cx, t: Ty) -> Option<(bool, u32)> {
    match cx.tys.kind(t) {
        TyKind::Int(i) => Some((true, i.bits(64))),
        TyKind::Uint(u) => Some((false, u.bits(64))),
        _ => None,
    }
}

pub(crate) fn mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The signed value of `bits` in a `width`-bit two's complement integer.
pub(crate) fn sext(bits: u128, width: u32) -> i128 {
    if width >= 128 {
        bits as i128
    } else {
        let shift = 128 - width;
        ((bits << shift) as i128) >> shift
    }
}

/// Folds a typed HIR expression to a value.
pub(crate) fn eval(cx: &mut Cx, e: &hir::Expr) -> Result<ConstVal, EvalError> {
    let span = e.span;
    Ok(match &e.kind {
        ExprKind::Lit(l) => match l {
            Literal::Int(v) => ConstVal::Int(*v),
            Literal::Float(f) => ConstVal::Float(*f),
            Literal::Bool(b) => ConstVal::Bool(*b),
            Literal::Char(c) => ConstVal::Char(*c),
            Literal::Str(s) => ConstVal::Str(s.clone()),
            Literal::Unit => ConstVal::Aggregate { variant: VariantIdx(0), fields: Vec::new() },
        },
        ExprKind::Const(v) => v.clone(),
        ExprKind::Unary { op, operand } => {
            let v = eval(cx, operand)?;
            match (op, v, int_info(cx, e.ty)) {
                (UnOp::Neg, ConstVal::Int(x), Some((signed, w))) => {
                    if signed && x == 1u128 << (w - 1) {
                        return Err(EvalError::Failed(span, "attempt to negate with overflow".into()));
                    }
                    ConstVal::Int((x as i128).wrapping_neg() as u128 & mask(w))
                }
                (UnOp::Not, ConstVal::Int(x), Some((_, w))) => ConstVal::Int(!x & mask(w)),
                (UnOp::Neg, ConstVal::Float(f), _) => ConstVal::Float(-f),
                (UnOp::Not, ConstVal::Bool(b), _) => ConstVal::Bool(!b),
                _ => return Err(EvalError::NotConst(span, "unsupported constant operation".into(), "E0015")),
            }
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let (a, b) = (eval(cx, lhs)?, eval(cx, rhs)?);
            binary(cx, *op, a, b, lhs.ty, span)?
        }
        ExprKind::Logical { and, lhs, rhs } => {
            let a = matches!(eval(cx, lhs)?, ConstVal::Bool(true));
            if a != *and {
                ConstVal::Bool(a)
            } else {
                eval(cx, rhs)?
            }
        }
        ExprKind::Cast(x) => {
            let v = eval(cx, x)?;
            cast(cx, v, x.ty, e.ty)
        }
        ExprKind::Tuple(xs) | ExprKind::Array(xs) => {
            let fields = xs.iter().map(|x| eval(cx, x)).collect::<Result<_, _>>()?;
            ConstVal::Aggregate { variant: VariantIdx(0), fields }
        }
        ExprKind::Repeat { value, count } => {
            let v = eval(cx, value)?;
            ConstVal::Aggregate { variant: VariantIdx(0), fields: vec![v; *count as usize] }
        }
        ExprKind::Adt { adt, variant, fields, base } => {
            let n = cx.adts[adt.index()].variants[variant.index()].fields.len();
            let mut out: Vec<Option<ConstVal>> = vec![None; n];
            for (i, x) in fields {
                out[*i as usize] = Some(eval(cx, x)?);
            }
            if let Some(b) = base {
                if let ConstVal::Aggregate { fields: bf, .. } = eval(cx, b)? {
                    for (i, slot) in out.iter_mut().enumerate() {
                        if slot.is_none() {
                            *slot = bf.get(i).cloned();
                        }
                    }
                }
            }
            ConstVal::Aggregate {
                variant: *variant,
                fields: out.into_iter().map(|x| x.unwrap_or(ConstVal::Bool(false))).collect(),
            }
        }
        ExprKind::Field { base, field, .. } => match eval(cx, base)? {
            ConstVal::Aggregate { fields, .. } => fields.get(*field as usize).cloned().unwrap_or(ConstVal::Bool(false)),
            _ => return Err(EvalError::NotConst(span, "unsupported field access".into(), "E0015")),
        },
        ExprKind::Index { base, index } => {
            let b = eval(cx, base)?;
            let ConstVal::Int(i) = eval(cx, index)? else { unreachable!("indices are usize") };
            match b {
                ConstVal::Aggregate { fields, .. } => match fields.get(i as usize) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(EvalError::Failed(
                            span,
                            format!("index out of bounds: the length is {} but the index is {i}", fields.len()),
                        ))
                    }
                },
                _ => return Err(EvalError::NotConst(span, "unsupported indexing".into(), "E0015")),
            }
        }
        ExprKind::Block(b) if b.stmts.is_empty() => match &b.expr {
            Some(x) => eval(cx, x)?,
            None => ConstVal::Aggregate { variant: VariantIdx(0), fields: Vec::new() },
        },
        ExprKind::If { cond, then, else_: Some(els) } => {
            if matches!(eval(cx, cond)?, ConstVal::Bool(true)) {
                eval(cx, then)?
            } else {
                eval(cx, els)?
            }
        }
        ExprKind::Call { callee, .. } => {
            let name = cx.fns[callee.index()].name.clone();
            return Err(EvalError::NotConst(span, format!("cannot call non-const fn `{name}`"), "E0015"));
        }
        ExprKind::Static(_) => {
            return Err(EvalError::NotConst(span, "constants cannot refer to statics".into(), "E0013"))
        }
        ExprKind::Panic { .. } => return Err(EvalError::Failed(span, "evaluation panicked".into())),
        _ => return Err(EvalError::NotConst(span, "this expression is not supported in a constant".into(), "E0015")),
    })
}

fn binary(cx: &Cx, op: BinOp, a: ConstVal, b: ConstVal, ty: Ty, span: Span) -> Result<ConstVal, EvalError> {
    let fail = |m: &str| EvalError::Failed(span, m.to_string());
    Ok(match (a, b) {
        (ConstVal::Int(x), ConstVal::Int(y)) => {
            let (signed, w) = int_info(cx, ty).unwrap_or((true, 32));
            let (sx, sy) = (sext(x, w), sext(y, w));
            if op.is_comparison() {
                let ord = if signed { sx.cmp(&sy) } else { x.cmp(&y) };
                return Ok(ConstVal::Bool(cmp(op, ord)));
            }
            let in_range = |v: i128| -> bool {
                if w >= 128 {
                    return true;
                }
                if signed {
                    v >= -(1i128 << (w - 1)) && v < (1i128 << (w - 1))
                } else {
                    v >= 0 && (v as u128) <= mask(w)
                }
            };
            let res: Option<i128> = match op {
                BinOp::Add => {
                    if signed {
                        sx.checked_add(sy)
                    } else {
                        (x as i128).checked_add(y as i128)
                    }
                }
                BinOp::Sub => {
                    if signed {
                        sx.checked_sub(sy)
                    } else {
                        (x as i128).checked_sub(y as i128)
                    }
                }
                BinOp::Mul => {
                    if signed {
                        sx.checked_mul(sy)
                    } else {
                        (x as i128).checked_mul(y as i128)
                    }
                }
                BinOp::Div | BinOp::Rem => {
                    if y == 0 {
                        return Err(fail(if op == BinOp::Div {
                            "attempt to divide by zero"
                        } else {
                            "attempt to calculate the remainder with a divisor of zero"
                        }));
                    }
                    if signed {
                        if op == BinOp::Div {
                            sx.checked_div(sy)
                        } else {
                            sx.checked_rem(sy)
                        }
                    } else {
                        Some(if op == BinOp::Div { (x / y) as i128 } else { (x % y) as i128 })
                    }
                }
                BinOp::BitAnd => return Ok(ConstVal::Int(x & y)),
                BinOp::BitOr => return Ok(ConstVal::Int(x | y)),
                BinOp::BitXor => return Ok(ConstVal::Int(x ^ y)),
                BinOp::Shl | BinOp::Shr => {
                    if y >= w as u128 {
                        return Err(fail("attempt to shift with overflow"));
                    }
                    let r = if op == BinOp::Shl {
                        x << y
                    } else if signed {
                        (sx >> y) as u128
                    } else {
                        x >> y
                    };
                    return Ok(ConstVal::Int(r & mask(w)));
                }
                _ => unreachable!("comparisons handled above"),
            };
            let what = match op {
                BinOp::Add => "add",
                BinOp::Sub => "subtract",
                BinOp::Mul => "multiply",
                BinOp::Div => "divide",
                _ => "calculate the remainder",
            };
            match res.filter(|v| in_range(*v)) {
                Some(v) => ConstVal::Int(v as u128 & mask(w)),
                None => return Err(fail(&format!("attempt to {what} with overflow"))),
            }
        }
        (ConstVal::Float(x), ConstVal::Float(y)) => {
            if op.is_comparison() {
                return Ok(ConstVal::Bool(match op {
                    BinOp::Eq => x == y,
                    BinOp::Ne => x != y,
                    BinOp::Lt => x < y,
                    BinOp::Le => x <= y,
                    BinOp::Gt => x > y,
                    _ => x >= y,
                }));
            }
            let r = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
                _ => x % y,
            };
            let f32 = matches!(cx.tys.kind(ty), TyKind::Float(FloatTy::F32));
            ConstVal::Float(if f32 { r as f32 as f64 } else { r })
        }
        (ConstVal::Bool(x), ConstVal::Bool(y)) => ConstVal::Bool(match op {
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            _ => cmp(op, x.cmp(&y)),
        }),
        (ConstVal::Char(x), ConstVal::Char(y)) => ConstVal::Bool(cmp(op, x.cmp(&y))),
        _ => return Err(EvalError::NotConst(span, "unsupported constant operation".into(), "E0015")),
    })
}

fn cmp(op: BinOp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Eq => o == Equal,
        BinOp::Ne => o != Equal,
        BinOp::Lt => o == Less,
        BinOp::Le => o != Greater,
        BinOp::Gt => o == Greater,
        _ => o != Less,
    }
}

/// `v as to` with Rust's semantics (truncation, sign extension, saturating float to int).
pub(crate) fn cast(cx: &Cx, v: ConstVal, from: Ty, to: Ty) -> ConstVal {
    let to_int = int_info(cx, to);
    match (v, to_int) {
        (ConstVal::Int(x), Some((_, w))) => {
            let fw = int_info(cx, from);
            let wide = match fw {
                Some((true, fw)) => sext(x, fw) as u128,
                _ => x,
            };
            ConstVal::Int(wide & mask(w))
        }
        (ConstVal::Int(x), None) if matches!(cx.tys.kind(to), TyKind::Float(_)) => {
            let f = match int_info(cx, from) {
                Some((true, fw)) => sext(x, fw) as f64,
                _ => x as f64,
            };
            ConstVal::Float(if matches!(cx.tys.kind(to), TyKind::Float(FloatTy::F32)) { f as f32 as f64 } else { f })
        }
        (ConstVal::Int(x), None) if *cx.tys.kind(to) == TyKind::Char => {
            ConstVal::Char(char::from_u32(x as u32).unwrap_or('\0'))
        }
        (ConstVal::Float(f), Some((signed, w))) => {
            let v: u128 = if f.is_nan() {
                0
            } else if signed {
                let (lo, hi) = (-(2f64.powi(w as i32 - 1)), 2f64.powi(w as i32 - 1) - 1.0);
                (f.clamp(lo, hi).trunc() as i128) as u128 & mask(w)
            } else {
                f.clamp(0.0, 2f64.powi(w as i32) - 1.0).trunc() as u128
            };
            ConstVal::Int(v)
        }
        (ConstVal::Float(f), None) => {
            ConstVal::Float(if matches!(cx.tys.kind(to), TyKind::Float(FloatTy::F32)) { f as f32 as f64 } else { f })
        }
        (ConstVal::Bool(b), Some(_)) => ConstVal::Int(b as u128),
        (ConstVal::Char(c), Some((_, w))) => ConstVal::Int(c as u128 & mask(w)),
        (v, _) => v,
    }
}
