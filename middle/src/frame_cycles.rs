//! Frames that contain themselves: E0733.
//!
//! Takes the frame layouts the coroutine transform produced and reports each frame that holds,
//! inline and transitively (through struct, enum, tuple, array and closure fields and nested
//! frames, not through pointers), a value of its own type: such a future would be infinitely
//! large. `async_recursion.rs` boxes the awaits that close a cycle and the transform keeps the
//! other recursive locals on the heap (`recursive_frames.rs`), so this remains only for a
//! recursive future passed in as an argument. Heap-saved locals are pointers, not contents.

use std::collections::HashMap;

use aether_frontend::diagnostics::Diagnostic;
use aether_frontend::hir;
use aether_frontend::ty::{Ty, TyKind};

use crate::coroutine::FrameLayout;

/// One E0733 per frame type on a cycle, in a stable order.
pub fn check(krate: &hir::Crate, frames: &HashMap<Ty, FrameLayout>) -> Vec<Diagnostic> {
    let mut order: Vec<&FrameLayout> = frames.values().collect();
    order.sort_by_key(|f| f.fns.ctor.0);
    let mut out = Vec::new();
    for f in order {
        let mut seen = Vec::new();
        let cyclic = f.saved.iter().any(|s| !s.on_heap && contains(krate, frames, s.ty, f.frame_ty, &mut seen));
        if cyclic {
            let def = krate.fn_def(f.fns.ctor);
            out.push(
                Diagnostic::error(
                    "E0733",
                    "recursion in an async fn requires boxing",
                    def.span,
                    "recursive `async fn`",
                )
                .with_note(
                    "a recursive `async fn` call must introduce indirection such as `Box::new` to avoid an \
                         infinitely sized future",
                )
                .with_help(
                    "create the recursive future inside the async fn (aetherc then boxes it) rather than passing it in",
                ),
            );
        }
    }
    out
}

/// Whether a value of type `t` holds a `target` frame inline.
fn contains(krate: &hir::Crate, frames: &HashMap<Ty, FrameLayout>, t: Ty, target: Ty, seen: &mut Vec<Ty>) -> bool {
    if t == target {
        return true;
    }
    if seen.contains(&t) {
        return false;
    }
    seen.push(t);
    let tys = &krate.tys;
    match tys.kind(t).clone() {
        TyKind::Tuple(ts) | TyKind::Closure { upvars: ts, .. } => {
            ts.into_iter().any(|x| contains(krate, frames, x, target, seen))
        }
        TyKind::Array(e, n) => n > 0 && contains(krate, frames, e, target, seen),
        TyKind::Adt(adt, args) => krate.adts[adt.index()]
            .variants
            .iter()
            .flat_map(|v| v.fields.iter())
            .any(|fd| contains(krate, frames, tys.subst(fd.ty, &args), target, seen)),
        TyKind::Coroutine { .. } => match frames.get(&t) {
            Some(f) => f.saved.iter().any(|s| !s.on_heap && contains(krate, frames, s.ty, target, seen)),
            None => false,
        },
        _ => false,
    }
}
