//! Which types have drop glue.
//!
//! Takes the monomorphized crate (concrete types only; `hir::Crate::drop_impls` filled by
//! monomorphization) and answers whether dropping a value of a type does anything: it does when
//! the type has a `Drop` impl or contains (by value, not behind a pointer) a type that does.
//! Tuples and arrays contain their elements; references and raw pointers own nothing, and
//! neither does `std::mem::MaybeUninit` (its user decides when its value is dropped). Used by
//! MIR building (which places to drop), drop elaboration and the backend's drop glue.

use std::cell::RefCell;
use std::collections::HashMap;

use aether_frontend::hir;
use aether_frontend::ty::{Ty, TyKind};

/// Memoized answers for one crate.
pub struct NeedsDrop<'a> {
    krate: &'a hir::Crate,
    cache: RefCell<HashMap<Ty, bool>>,
}

impl<'a> NeedsDrop<'a> {
    pub fn new(krate: &'a hir::Crate) -> NeedsDrop<'a> {
        NeedsDrop { krate, cache: RefCell::new(HashMap::new()) }
    }

    pub fn needs_drop(&self, t: Ty) -> bool {
        if let Some(&b) = self.cache.borrow().get(&t) {
            return b;
        }
        let tys = &self.krate.tys;
        let b = match tys.kind(t) {
            TyKind::Tuple(ts) | TyKind::Closure { upvars: ts, .. } => ts.iter().any(|x| self.needs_drop(*x)),
            TyKind::Array(e, n) => *n > 0 && self.needs_drop(*e),
            // What an object holds is known only to its vtable (whose glue may do nothing).
            TyKind::Dynamic { .. } => true,
            // A suspended frame may hold values; its drop function knows which.
            TyKind::Coroutine { .. } => true,
            // `MaybeUninit<T>` never drops what it may hold.
            TyKind::Adt(id, _) if Some(*id) == self.krate.lang.maybe_uninit => false,
            TyKind::Adt(id, args) => {
                self.krate.drop_impls.contains_key(&t)
                    || self
                        .krate
                        .adt(*id)
                        .variants
                        .iter()
                        .any(|v| v.fields.iter().any(|f| self.needs_drop(tys.subst(f.ty, args))))
            }
            _ => false,
        };
        self.cache.borrow_mut().insert(t, b);
        b
    }
}
