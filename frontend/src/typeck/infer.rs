//! Type inference variables and unification for one function body.
//!
//! Variables are created by the checker for unknown types (`let x;`) and for literals whose type
//! depends on use (`1` is some integer, `1.0` some float). `unify` binds variables structurally;
//! `resolve` replaces bound variables by their values and applies Rust's literal defaults
//! (`i32`, `f64`) to what nothing decided.

use crate::ty::{InferTy, Ty, TyInterner, TyKind};

#[derive(Clone, Default)]
pub struct InferCtxt {
    /// The binding of each variable, by its number.
    bindings: Vec<Option<Ty>>,
}

impl InferCtxt {
    fn fresh(&mut self) -> u32 {
        self.bindings.push(None);
        self.bindings.len() as u32 - 1
    }

    pub fn new_var(&mut self, tys: &mut TyInterner) -> Ty {
        let v = self.fresh();
        tys.intern(TyKind::Infer(InferTy::Var(v)))
    }

    pub fn new_int_var(&mut self, tys: &mut TyInterner) -> Ty {
        let v = self.fresh();
        tys.intern(TyKind::Infer(InferTy::Int(v)))
    }

    pub fn new_float_var(&mut self, tys: &mut TyInterner) -> Ty {
        let v = self.fresh();
        tys.intern(TyKind::Infer(InferTy::Float(v)))
    }

    /// Follows bindings until a non-variable or an unbound variable.
    pub fn shallow_resolve(&self, tys: &TyInterner, mut t: Ty) -> Ty {
        while let TyKind::Infer(InferTy::Var(v) | InferTy::Int(v) | InferTy::Float(v)) = tys.kind(t) {
            match self.bindings[*v as usize] {
                Some(b) => t = b,
                None => break,
            }
        }
        t
    }

    /// Makes `a` and `b` the same type, or reports that they cannot be.
    pub fn unify(&mut self, tys: &mut TyInterner, a: Ty, b: Ty) -> Result<(), ()> {
        let a = self.shallow_resolve(tys, a);
        let b = self.shallow_resolve(tys, b);
        if a == b {
            return Ok(());
        }
        let (ka, kb) = (tys.kind(a).clone(), tys.kind(b).clone());
        match (ka, kb) {
            (TyKind::Error, _) | (_, TyKind::Error) => Ok(()),
            (TyKind::Infer(InferTy::Var(v)), _) => self.bind(v, b),
            (_, TyKind::Infer(InferTy::Var(v))) => self.bind(v, a),
            (TyKind::Infer(InferTy::Int(v)), TyKind::Infer(InferTy::Int(_)))
            | (TyKind::Infer(InferTy::Float(v)), TyKind::Infer(InferTy::Float(_))) => self.bind(v, b),
            (TyKind::Infer(InferTy::Int(v)), TyKind::Int(_) | TyKind::Uint(_)) => self.bind(v, b),
            (TyKind::Int(_) | TyKind::Uint(_), TyKind::Infer(InferTy::Int(v))) => self.bind(v, a),
            (TyKind::Infer(InferTy::Float(v)), TyKind::Float(_)) => self.bind(v, b),
            (TyKind::Float(_), TyKind::Infer(InferTy::Float(v))) => self.bind(v, a),
            (TyKind::Tuple(xs), TyKind::Tuple(ys)) if xs.len() == ys.len() => {
                for (x, y) in xs.into_iter().zip(ys) {
                    self.unify(tys, x, y)?;
                }
                Ok(())
            }
            (TyKind::Ref(x, mx), TyKind::Ref(y, my)) | (TyKind::RawPtr(x, mx), TyKind::RawPtr(y, my)) if mx == my => {
                self.unify(tys, x, y)
            }
            (TyKind::Array(x, n), TyKind::Array(y, m)) if n == m => self.unify(tys, x, y),
            (TyKind::Adt(a, xs), TyKind::Adt(b, ys)) if a == b && xs.len() == ys.len() => {
                for (x, y) in xs.into_iter().zip(ys) {
                    self.unify(tys, x, y)?;
                }
                Ok(())
            }
            (
                TyKind::Closure { id: i1, params: p1, ret: r1, upvars: u1, .. },
                TyKind::Closure { id: i2, params: p2, ret: r2, upvars: u2, .. },
            ) if i1 == i2 && p1.len() == p2.len() && u1.len() == u2.len() => {
                for (x, y) in p1.into_iter().zip(p2).chain(u1.into_iter().zip(u2)) {
                    self.unify(tys, x, y)?;
                }
                self.unify(tys, r1, r2)
            }
            (
                TyKind::Projection { trait_id: t1, args: xs, name: n1 },
                TyKind::Projection { trait_id: t2, args: ys, name: n2 },
            ) if t1 == t2 && n1 == n2 => {
                for (x, y) in xs.into_iter().zip(ys) {
                    self.unify(tys, x, y)?;
                }
                Ok(())
            }
            (TyKind::Slice(x), TyKind::Slice(y)) => self.unify(tys, x, y),
            (
                TyKind::Coroutine { def: d1, args: xs, output: o1 },
                TyKind::Coroutine { def: d2, args: ys, output: o2 },
            ) if d1 == d2 && xs.len() == ys.len() => {
                for (x, y) in xs.into_iter().zip(ys) {
                    self.unify(tys, x, y)?;
                }
                self.unify(tys, o1, o2)
            }
            (
                TyKind::Dynamic { trait_id: t1, args: xs, assoc: a1 },
                TyKind::Dynamic { trait_id: t2, args: ys, assoc: a2 },
            ) if t1 == t2 && xs.len() == ys.len() && a1.len() == a2.len() => {
                for (x, y) in xs.into_iter().zip(ys) {
                    self.unify(tys, x, y)?;
                }
                for ((n1, x), (n2, y)) in a1.into_iter().zip(a2) {
                    if n1 != n2 {
                        return Err(());
                    }
                    self.unify(tys, x, y)?;
                }
                Ok(())
            }
            (TyKind::FnPtr(xs, xr), TyKind::FnPtr(ys, yr)) if xs.len() == ys.len() => {
                for (x, y) in xs.into_iter().zip(ys) {
                    self.unify(tys, x, y)?;
                }
                self.unify(tys, xr, yr)
            }
            _ => Err(()),
        }
    }

    fn bind(&mut self, v: u32, t: Ty) -> Result<(), ()> {
        self.bindings[v as usize] = Some(t);
        Ok(())
    }

    /// Replaces every bound variable in `t` by its value, leaving unbound ones (no defaults).
    pub fn resolve_known(&self, tys: &TyInterner, t: Ty) -> Ty {
        let t = self.shallow_resolve(tys, t);
        if !tys.has_infer(t) {
            return t;
        }
        tys.map_components(t, &mut |x| self.resolve_known(tys, x))
    }

    /// Replaces every variable in `t` by its value; unbound integer and float variables take
    /// their defaults and stay bound to them; other unbound variables become `Error` (the caller
    /// reports "type annotations needed" where that matters).
    pub fn resolve(&mut self, tys: &TyInterner, t: Ty, i32_ty: Ty, f64_ty: Ty) -> Ty {
        self.resolve_shared(tys, t, i32_ty, f64_ty)
    }

    fn resolve_shared(&mut self, tys: &TyInterner, t: Ty, i32_ty: Ty, f64_ty: Ty) -> Ty {
        let t = self.shallow_resolve(tys, t);
        match tys.kind(t) {
            TyKind::Infer(InferTy::Int(v)) => {
                self.bindings[*v as usize] = Some(i32_ty);
                i32_ty
            }
            TyKind::Infer(InferTy::Float(v)) => {
                self.bindings[*v as usize] = Some(f64_ty);
                f64_ty
            }
            TyKind::Infer(InferTy::Var(_)) => tys.intern(TyKind::Error),
            _ if !tys.has_infer(t) => t,
            _ => tys.map_components(t, &mut |x| self.resolve_shared(tys, x, i32_ty, f64_ty)),
        }
    }
}
