//! Recursive futures held in frames: which saved locals live on the heap.
//!
//! Takes the MIR of every async body before the coroutine transform, by frame type, and
//! produces for each the locals that must not sit inside its frame: those whose type contains,
//! by value, the future of an async body in the same cycle of the "frame contains frame" graph
//! (`let f = rec(n - 1); .. f.await`, `join!(rec(a), rec(b))`). Kept inline, such a frame would
//! contain itself and have no finite size (rustc rejects it, E0733). The transform stores each
//! of those locals behind a pointer in the frame, allocated when its storage begins and freed
//! when it ends, so only the recursive edges allocate. Recursive futures awaited directly were
//! boxed earlier, in HIR (`async_recursion.rs`), and hold no frame by value.
//!
//! The graph has an edge F -> G when some local of F's body contains G's future by value
//! (through tuples, arrays, closure captures and struct/enum fields, not pointers); it
//! over-approximates the frames' contents (a local that is never saved counts), which can only
//! box more, never leave a cycle.

use std::collections::{HashMap, HashSet};

use aether_frontend::hir::AdtDef;
use aether_frontend::ty::{Ty, TyInterner, TyKind};

use crate::bitset::BitSet;
use crate::mir::{Body, Local};

/// For each frame type of `bodies` (frame type, body before the transform) in a cycle, the
/// locals of its body to store behind a pointer.
pub fn heap_locals(bodies: &[(Ty, &Body)], adts: &[AdtDef], tys: &TyInterner) -> HashMap<Ty, BitSet<Local>> {
    let index: HashMap<Ty, usize> = bodies.iter().enumerate().map(|(i, (t, _))| (*t, i)).collect();
    // Per body, per local: the frames it contains by value.
    let contained: Vec<Vec<Vec<usize>>> = bodies
        .iter()
        .map(|(_, b)| {
            b.locals
                .iter()
                .map(|d| {
                    let mut found = Vec::new();
                    futures_in(d.ty, adts, tys, &mut HashSet::new(), &mut found);
                    found.into_iter().filter_map(|t| index.get(&t).copied()).collect()
                })
                .collect()
        })
        .collect();
    let edges: Vec<Vec<usize>> = contained
        .iter()
        .map(|locals| {
            let mut e: Vec<usize> = locals.iter().flatten().copied().collect();
            e.sort_unstable();
            e.dedup();
            e
        })
        .collect();
    let scc = crate::async_recursion::strongly_connected_indices(&edges);
    let mut out = HashMap::new();
    for (i, (frame, body)) in bodies.iter().enumerate() {
        let mut set = BitSet::new_empty(body.locals.len());
        for (l, frames) in contained[i].iter().enumerate() {
            // Not the output, nor the arguments (the caller made those; one that recurses is
            // left to the frame-cycle check).
            if l > body.arg_count && frames.iter().any(|&g| scc[g] == scc[i]) {
                set.insert(Local(l as u32));
            }
        }
        if !set.is_empty() {
            out.insert(*frame, set);
        }
    }
    out
}

/// Pushes the future types `t` contains by value.
fn futures_in(t: Ty, adts: &[AdtDef], tys: &TyInterner, seen: &mut HashSet<Ty>, out: &mut Vec<Ty>) {
    if !seen.insert(t) {
        return;
    }
    match tys.kind(t) {
        TyKind::Coroutine { .. } => out.push(t),
        TyKind::Tuple(ts) => ts.iter().for_each(|x| futures_in(*x, adts, tys, seen, out)),
        TyKind::Array(e, _) => futures_in(*e, adts, tys, seen, out),
        TyKind::Closure { upvars, .. } => upvars.iter().for_each(|x| futures_in(*x, adts, tys, seen, out)),
        TyKind::Adt(id, args) => {
            for v in &adts[id.index()].variants {
                for f in &v.fields {
                    futures_in(tys.subst(f.ty, args), adts, tys, seen, out);
                }
            }
        }
        _ => {}
    }
}
