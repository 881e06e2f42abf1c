//! Recursive async fns: the awaits that close a cycle are boxed.
//!
//! Takes the typed HIR before monomorphization and produces it with every `.await` of a direct
//! call that stays inside a cycle of the async call graph (`fib` awaiting `fib`, `a` awaiting
//! `b` awaiting `a`) awaiting `Box::new(call)` instead: that callee's frame goes to the heap and
//! the caller's frame holds a pointer, so every frame has a finite size. Only those edges are
//! boxed; every other await keeps its callee inline. The graph is over definitions (generic
//! arguments ignored), which also boxes polymorphic recursion, whose frames would be infinite
//! too. It relies on the standard library's `impl<F: Future + ?Sized> Future for Box<F>`. A
//! recursive future held some other way (in a local, then awaited; joined) is left to the
//! coroutine transform, which keeps it on the heap (`recursive_frames.rs`).

use aether_frontend::hir::{self, ExprKind, FnId};
use aether_frontend::ty::TyKind;

/// Boxes the recursive await edges of `krate` (a no-op without the standard library's `Box`).
pub fn box_recursive_awaits(krate: &mut hir::Crate) {
    let Some((box_adt, box_new)) = box_new(krate) else { return };
    let is_async = |f: FnId, k: &hir::Crate| k.fn_def(f).async_output.is_some();
    // The async call graph: an edge for each awaited direct call of an async fn.
    let n = krate.fns.len();
    let mut edges: Vec<Vec<FnId>> = vec![Vec::new(); n];
    for (i, f) in krate.fns.iter().enumerate() {
        if f.async_output.is_none() {
            continue;
        }
        if let Some(b) = &f.body {
            awaited_calls(&b.value, &mut |g| {
                if is_async(g, krate) {
                    edges[i].push(g);
                }
            });
        }
    }
    let edges: Vec<Vec<usize>> = edges.iter().map(|e| e.iter().map(|g| g.index()).collect()).collect();
    let scc = strongly_connected_indices(&edges);
    for i in 0..n {
        let cyclic = |g: FnId| scc[g.index()] == scc[i];
        if !edges[i].iter().any(|&g| scc[g] == scc[i]) {
            continue;
        }
        let mut body = krate.fns[i].body.take().expect("functions with edges have bodies");
        box_awaits(krate, &mut body.value, &cyclic, box_adt, box_new);
        krate.fns[i].body = Some(body);
    }
}

/// `Box` and `Box::new`.
fn box_new(krate: &hir::Crate) -> Option<(hir::AdtId, FnId)> {
    let adt = hir::AdtId(krate.adts.iter().position(|a| a.path == "std::boxed::Box")? as u32);
    krate.impls.iter().find_map(|imp| match krate.tys.kind(imp.self_ty) {
        TyKind::Adt(a, _) if *a == adt && imp.trait_ref.is_none() => Some((adt, imp.method("new")?)),
        _ => None,
    })
}

fn awaited_calls(e: &hir::Expr, f: &mut impl FnMut(FnId)) {
    if let ExprKind::Await { fut, .. } = &e.kind {
        if let ExprKind::Call { callee, .. } = &fut.kind {
            f(*callee);
        }
    }
    e.for_each_child(|c| awaited_calls(c, f));
}

fn box_awaits(
    krate: &hir::Crate,
    e: &mut hir::Expr,
    cyclic: &impl Fn(FnId) -> bool,
    box_adt: hir::AdtId,
    box_new: FnId,
) {
    e.for_each_child_mut(|c| box_awaits(krate, c, cyclic, box_adt, box_new));
    let ExprKind::Await { fut, substs, .. } = &mut e.kind else { return };
    let ExprKind::Call { callee, .. } = &fut.kind else { return };
    if !cyclic(*callee) {
        return;
    }
    let (fut_ty, span) = (fut.ty, fut.span);
    let boxed_ty = krate.tys.intern(TyKind::Adt(box_adt, vec![fut_ty]));
    let call =
        std::mem::replace(fut.as_mut(), hir::Expr { kind: ExprKind::Tuple(Vec::new()), ty: krate.common.unit, span });
    **fut = hir::Expr {
        kind: ExprKind::Call { callee: box_new, substs: vec![fut_ty], args: vec![call] },
        ty: boxed_ty,
        span,
    };
    *substs = vec![boxed_ty];
}

/// Tarjan's algorithm: the component number of each node.
pub(crate) fn strongly_connected_indices(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'a> {
        edges: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        comp: Vec<usize>,
        comps: usize,
    }
    // Iterative, so deep call chains cannot overflow the compiler's stack.
    fn visit(s: &mut State, root: usize) {
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        s.index[root] = Some(s.next);
        s.low[root] = s.next;
        s.next += 1;
        s.stack.push(root);
        s.on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if let Some(&w) = s.edges[v].get(*i) {
                *i += 1;
                match s.index[w] {
                    None => {
                        s.index[w] = Some(s.next);
                        s.low[w] = s.next;
                        s.next += 1;
                        s.stack.push(w);
                        s.on_stack[w] = true;
                        work.push((w, 0));
                    }
                    Some(wi) if s.on_stack[w] => s.low[v] = s.low[v].min(wi),
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                s.low[parent] = s.low[parent].min(s.low[v]);
            }
            if Some(s.low[v]) == s.index[v] {
                loop {
                    let w = s.stack.pop().expect("the component's nodes are on the stack");
                    s.on_stack[w] = false;
                    s.comp[w] = s.comps;
                    if w == v {
                        break;
                    }
                }
                s.comps += 1;
            }
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        comp: vec![0; n],
        comps: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.comp
}
