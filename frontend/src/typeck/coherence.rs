//! Coherence: no two impls of a trait may apply to the same type (E0119), and a trait impl's
//! type implements the trait's supertraits (E0277).
//!
//! Takes the crate's collected impls (headers and bounds lowered) and reports each pair of
//! impls of one trait that could both apply, as `TraitTables::impls_may_overlap` decides (a
//! bound known to fail for the overlapping types keeps them apart, as `From<E: Error> for
//! Box<dyn Error>` and `From<T> for T` are). Selection relies on this: a goal without inference
//! variables then has at most one impl.

use super::Cx;
use crate::diagnostics::Diagnostic;
use crate::hir::ImplId;

pub(crate) fn check_overlap(cx: &mut Cx) {
    let mut by_trait: std::collections::HashMap<crate::ty::TraitId, Vec<ImplId>> = Default::default();
    for (i, imp) in cx.impls.iter().enumerate() {
        if let Some(tr) = &imp.trait_ref {
            by_trait.entry(tr.trait_id).or_default().push(ImplId(i as u32));
        }
    }
    let mut found = Vec::new();
    let tables = cx.tables();
    for impls in by_trait.values() {
        for (k, &a) in impls.iter().enumerate() {
            for &b in &impls[k + 1..] {
                if tables.impls_may_overlap(a, b) {
                    found.push((a, b));
                }
            }
        }
    }
    found.sort();
    for (a, b) in found {
        let (first, second) = (&cx.impls[a.index()], &cx.impls[b.index()]);
        let tr = first.trait_ref.as_ref().expect("trait impls");
        let tn = cx.traits[tr.trait_id.index()].name.clone();
        let ty = cx.tys.display(second.self_ty).to_string();
        let d = Diagnostic::error(
            "E0119",
            format!("conflicting implementations of trait `{tn}` for type `{ty}`"),
            second.span,
            format!("conflicting implementation for `{ty}`"),
        )
        .with_label(first.span, "first implementation here");
        cx.sink.push(d);
    }
}

/// Each trait impl's self type must implement the trait's supertraits (under the impl's
/// bounds): `impl Error for S` needs `S: Debug + Display`.
pub(crate) fn check_supertraits(cx: &mut Cx) {
    let mut errors = Vec::new();
    let tables = cx.tables();
    for imp in &cx.impls {
        let Some(tr) = &imp.trait_ref else { continue };
        for sup in &cx.traits[tr.trait_id.index()].supertraits {
            let goal = crate::hir::TraitRef {
                trait_id: sup.trait_id,
                args: sup.args.iter().map(|t| cx.tys.subst(*t, &tr.args)).collect(),
            };
            if tables.select(&goal, &imp.generics.predicates) == crate::traits::Selection::None {
                errors.push((imp.span, goal, tr.trait_id));
            }
        }
    }
    for (span, goal, of) in errors {
        let ty = cx.tys.display(goal.self_ty()).to_string();
        let sup = cx.traits[goal.trait_id.index()].name.clone();
        let tn = cx.traits[of.index()].name.clone();
        cx.sink.push(
            Diagnostic::error(
                "E0277",
                format!("the trait bound `{ty}: {sup}` is not satisfied"),
                span,
                format!("the trait `{sup}` is not implemented for `{ty}`"),
            )
            .with_note(format!("`{sup}` is a supertrait of `{tn}`: implementing `{tn}` requires it"))
            .with_help(format!("implement `{sup}` for `{ty}` (or derive it)")),
        );
    }
}
