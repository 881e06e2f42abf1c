//! Trait objects in bodies: the unsizing coercion that makes one (`&T` to `&dyn Trait`,
//! `Box<T>` to `Box<dyn Trait>`), and calling a `dyn Fn..` object.
//!
//! Takes checked expressions and produces `ExprKind::PtrCast`s whose source and target differ
//! by an unsized pointee (`TyInterner::unsize_pointees` names them again for MIR and the
//! backend, which build the vtable). The coercion commits as soon as the target pointee is an
//! object and the source pointee is a sized type; whether the type implements the trait is an
//! obligation like any other (E0277 if not), and the object's associated-type bindings must
//! equal the type's.

use super::expr::BodyChecker;
use super::obligations::Obligation;
use crate::hir::{self, ExprKind, TraitRef};
use crate::ty::{InferTy, Ty, TyKind};

impl BodyChecker<'_, '_> {
    /// `e` converted to `target` by unsizing its pointee into a trait object, or `e` back when
    /// that is not the conversion asked for.
    pub(super) fn try_unsize(&mut self, e: hir::Expr, target: Ty) -> Result<hir::Expr, hir::Expr> {
        let from = self.infer.resolve_known(&self.cx.tys, e.ty);
        let to = self.infer.resolve_known(&self.cx.tys, target);
        let pointee = |t: Ty| match self.cx.tys.kind(t) {
            TyKind::Ref(p, m) | TyKind::RawPtr(p, m) => Some((*p, *m, matches!(self.cx.tys.kind(t), TyKind::Ref(..)))),
            _ => None,
        };
        let (src, obj) = match (pointee(from), pointee(to)) {
            // `&mut T` to `&dyn`, `&T` to `*const dyn`; never shared to mutable.
            (Some((a, ma, _)), Some((b, mb, _)))
                if !(ma == crate::ty::Mutability::Not && mb == crate::ty::Mutability::Mut) =>
            {
                (a, b)
            }
            (None, None) => match (self.cx.tys.kind(from), self.cx.tys.kind(to)) {
                (TyKind::Adt(i, xs), TyKind::Adt(j, ys)) if i == j && self.is_smart_pointer(*i) => (xs[0], ys[0]),
                _ => return Err(e),
            },
            _ => return Err(e),
        };
        let TyKind::Dynamic { trait_id, args, assoc } = self.cx.tys.kind(obj).clone() else { return Err(e) };
        if matches!(self.kind(src), TyKind::Dynamic { .. } | TyKind::Infer(InferTy::Var(_)) | TyKind::Error) {
            return Err(e);
        }
        let span = e.span;
        let mut full = vec![src];
        full.extend(args);
        let tr = TraitRef { trait_id, args: full };
        self.obligations.push(Obligation { trait_ref: tr.clone(), span });
        // The object's bindings are the type's associated types (`Output` of a closure).
        for (name, want) in assoc {
            let owner = self
                .cx
                .traits_with_supers(&tr)
                .into_iter()
                .find(|t| self.cx.traits[t.trait_id.index()].assoc_types.iter().any(|(n, _)| *n == name));
            if let Some(owner) = owner {
                let got = self.project(owner, &name, span);
                self.demand(want, got, span);
            }
        }
        Ok(self.mk(ExprKind::PtrCast(Box::new(e)), to, span))
    }

    /// Whether a struct is a smart pointer the coercion sees through (`Box<T>`, `Rc<T>`,
    /// `Arc<T>`): one type parameter and one field, a raw pointer to it, so that the struct is
    /// laid out as the pointer and unsizing it is unsizing the pointer.
    fn is_smart_pointer(&self, adt: crate::ty::AdtId) -> bool {
        let def = &self.cx.adts[adt.index()];
        if def.is_enum || def.generics.params.len() != 1 || def.variants.len() != 1 {
            return false;
        }
        match def.variants[0].fields.as_slice() {
            [f] => matches!(self.cx.tys.kind(f.ty), TyKind::RawPtr(p, _)
                if matches!(self.cx.tys.kind(*p), TyKind::Param { index: 0, .. })),
            _ => false,
        }
    }

    /// The call trait (`Fn`, `FnMut`, `FnOnce`) of an object type `dyn Fn(A) -> R`, with its
    /// argument tuple and result.
    pub(super) fn object_call_sig(&self, t: Ty) -> Option<(crate::ty::TraitId, Ty, Ty)> {
        let TyKind::Dynamic { trait_id, args, assoc } = self.cx.tys.kind(t) else { return None };
        let lang = &self.cx.lang;
        if ![lang.fn_, lang.fn_mut, lang.fn_once].contains(&Some(*trait_id)) {
            return None;
        }
        let out = assoc.iter().find(|(n, _)| n == "Output").map(|x| x.1)?;
        Some((*trait_id, *args.first()?, out))
    }
}

impl BodyChecker<'_, '_> {
    /// `<t as Deref>::Target` when an impl decides it.
    pub(super) fn deref_target_of(&self, t: Ty) -> Option<Ty> {
        let deref = self.cx.lang.deref?;
        let t = self.infer.resolve_known(&self.cx.tys, t);
        let tr = TraitRef { trait_id: deref, args: vec![t] };
        self.cx.tables().normalize(&tr, "Target", &self.cx.env)
    }
}
