//! `Send`/`Sync` of futures, decided once their frames are laid out (E0277).
//!
//! Takes the monomorphized crate's `auto_obligations` (goals such as `F: Send` for the future
//! given to `spawn`, which type checking proved assuming every async fn's future is `Send`)
//! and the frames the coroutine transform built, and proves each goal again with a coroutine's
//! auto traits decided by what its frame holds across `.await`s: its saved locals, including
//! the frames of the futures it is awaiting. So a value dropped before an `.await` does not
//! count, as in rustc since it moved this analysis to MIR. A failing goal is reported at the
//! use that needed it, naming the value and the `.await` that holds it, innermost future first.
//! Relies on the frames being keyed by the same (concrete) coroutine types the goals mention.

use std::collections::HashMap;

use aether_frontend::diagnostics::Diagnostic;
use aether_frontend::hir::{Crate, TraitRef};
use aether_frontend::traits::{Selection, TraitTables};
use aether_frontend::ty::{Ty, TyKind};

use crate::coroutine::FrameLayout;
use crate::mir::{Body, Program};

/// E0277 for each recorded `Send`/`Sync` goal on a future that does not hold.
pub fn check(krate: &Crate, mir: &Program) -> Vec<Diagnostic> {
    let witness = |t: Ty| -> Vec<Ty> { mir.frames.get(&t).map_or(Vec::new(), held_types) };
    let tables = TraitTables { coroutine_witness: Some(&witness), ..TraitTables::of(krate) };
    let sources: HashMap<_, &Body> = mir.coroutine_sources.iter().map(|b| (b.fn_id, b)).collect();
    let mut out = Vec::new();
    for (goal, span) in &krate.auto_obligations {
        if tables.select(goal, &[]) != Selection::None {
            continue;
        }
        out.push(report(krate, &tables, mir, &sources, goal, *span));
    }
    out
}

fn report(
    krate: &Crate,
    tables: &TraitTables,
    mir: &Program,
    sources: &HashMap<aether_frontend::hir::FnId, &Body>,
    goal: &TraitRef,
    span: aether_frontend::span::Span,
) -> Diagnostic {
    let tys = &krate.tys;
    let path = tables.auto_trait_culprit(goal.trait_id, goal.self_ty(), &[]);
    let (culprit_trait, culprit) = *path.last().expect("the goal itself");
    let trait_name = |t: aether_frontend::ty::TraitId| krate.traits[t.index()].name.clone();
    let verb = |t| if Some(t) == krate.lang.sync { "shared" } else { "sent" };
    let tn = trait_name(goal.trait_id);
    // The innermost future on the path, and the value of its frame that leads to the culprit.
    let mut held: Option<(&FrameLayout, usize, aether_frontend::ty::TraitId)> = None;
    for pair in path.windows(2) {
        let (_, outer) = pair[0];
        let (inner_trait, inner) = pair[1];
        if let (TyKind::Coroutine { .. }, Some(layout)) = (tys.kind(outer), mir.frames.get(&outer)) {
            let holds_value = |i: &usize| layout.values.iter().any(|v| v.contains(i));
            if let Some(i) = (0..layout.saved.len()).find(|i| layout.saved[*i].ty == inner && holds_value(i)) {
                held = Some((layout, i, inner_trait));
            }
        }
    }
    // Type checking proved the goal with futures assumed `Send`, so the path passes through one.
    let what = match path.iter().find_map(|(_, t)| mir.frames.get(t)) {
        Some(l) => display_name(&l.name),
        None => format!("`{}`", tys.display(goal.self_ty())),
    };
    let mut d = Diagnostic::error(
        "E0277",
        format!("future cannot be {} between threads safely", verb(goal.trait_id)),
        span,
        format!("{what} is not `{tn}`"),
    );
    d = d.with_note(format!(
        "within `{}`, the trait `{}` is not implemented for `{}`",
        tys.display(goal.self_ty()),
        trait_name(culprit_trait),
        tys.display(culprit)
    ));
    if let Some((layout, i, held_trait)) = held {
        let s = &layout.saved[i];
        let name = s.name.clone().unwrap_or_else(|| "a temporary".into());
        let value = if s.name.is_some() { format!("`{name}`") } else { name };
        // The first suspension point where the frame holds the value (`holds` starts with the
        // unresumed state).
        let point = layout.values.iter().enumerate().skip(1).find(|(_, h)| h.contains(&i)).map(|(k, _)| k - 1);
        match point.and_then(|k| layout.points.get(k)) {
            Some(at) => {
                d = d.with_label(*at, format!("{value} is held across this `.await`"));
            }
            None if s.is_arg => {
                d = d.with_note(format!("{value} is captured or passed in, and the future holds it until it runs"));
            }
            None => {}
        }
        if let Some(decl) = sources.get(&layout.fns.ctor).and_then(|b| b.locals.get(s.local.index())) {
            if s.name.is_some() {
                d = d.with_label(
                    decl.span,
                    format!("{value} has type `{}`, which is not `{}`", tys.display(s.ty), trait_name(held_trait)),
                );
            }
        }
    }
    d.with_help(format!(
        "a spawned task may run on any worker thread: drop the value before the `.await`, or use a `{}` type (`Arc` rather than `Rc`, atomics or locks rather than `Cell`/`RefCell`)",
        trait_name(culprit_trait)
    ))
}

/// The types of the values a frame may hold in some state (a value moved out before every
/// `.await` is not held).
fn held_types(layout: &FrameLayout) -> Vec<Ty> {
    let mut held: Vec<usize> = layout.values.iter().flatten().copied().collect();
    held.sort_unstable();
    held.dedup();
    held.into_iter().map(|k| layout.saved[k].ty).collect()
}

/// "future returned by `f`", or for `main::{async#0}` "the async block in `main`".
fn display_name(path: &str) -> String {
    match path.rsplit_once("::{async#") {
        Some((owner, _)) => format!("the async block in `{owner}`"),
        None => format!("future returned by `{path}`"),
    }
}
