//! `async { .. }` and `async move { .. }`: async blocks become async functions of their own.
//!
//! Takes an async block inside a body being checked and produces a call of a new, synthetic
//! `async fn` whose parameters are the block's captures, so the rest of the compiler (the
//! coroutine transform, frame layout, monomorphization) sees one kind of coroutine. The block
//! is checked inside the enclosing body (sharing its inference variables and locals, as a
//! closure is); capture analysis is the closures' (moved, or borrowed mutably or shared), and a
//! `move` block moves everything it uses. The synthetic function has the enclosing function's
//! generics (the block's future is `Coroutine { def, args: those parameters }`), and once the
//! enclosing body is finalized its body is the block over a copy of the enclosing locals: a
//! value capture is the parameter itself; a borrowed local `l` gets a reference parameter `p`
//! and `Body::captured_by_ref` records that `l` means `*p` there.

use super::expr::BodyChecker;
use super::unsupported;
use crate::ast;
use crate::hir::{self, Capture, ExprKind, FnId, LocalId};
use crate::span::Span;
use crate::ty::{InferTy, Ty, TyKind};

/// An async block checked but not yet made a function: its synthetic function, its body
/// (finalized with the enclosing body), what it captures and the reference parameters of the
/// borrowed captures.
pub(super) struct PendingAsyncBlock {
    def: FnId,
    value: hir::Expr,
    captures: Vec<Capture>,
    ref_params: Vec<Option<LocalId>>,
    /// The async `defer!` guards declared in the block's own body.
    exit_awaits: Vec<(LocalId, FnId)>,
}

impl BodyChecker<'_, '_> {
    pub(super) fn check_async_block(
        &mut self,
        is_move: bool,
        block: &ast::Block,
        expected: Option<Ty>,
        span: Span,
    ) -> hir::Expr {
        let move_from = if is_move { 0 } else { usize::MAX };
        self.check_async_body(move_from, expected, span, |this, output| {
            let value = this.check_block_expr(block, Some(output), None);
            this.coerce(value, output)
        })
    }

    /// An async body checked by `check` (given its output type): the call building its future.
    /// Captured locals numbered `move_from` and up are moved in (all of them for `async move`,
    /// an async closure's parameters for its body).
    pub(super) fn check_async_body(
        &mut self,
        move_from: usize,
        expected: Option<Ty>,
        span: Span,
        check: impl FnOnce(&mut Self, Ty) -> hir::Expr,
    ) -> hir::Expr {
        let Some(owner) = self.owner else {
            self.err(unsupported("`async` blocks outside function bodies", span));
            return self.error_expr(span);
        };
        let outer_locals = self.locals.len();
        let output = self.infer.new_var(&mut self.cx.tys);
        // `return` and `?` leave the block; loops outside are not targets; `.await` is allowed.
        let saved_ret = std::mem::replace(&mut self.ret_ty, output);
        let saved_loops = std::mem::take(&mut self.loops);
        let saved_async = std::mem::replace(&mut self.in_async, true);
        let saved_closure_in_async = std::mem::replace(&mut self.closure_in_async, false);
        let saved_depth = std::mem::replace(&mut self.block_depth, 0);
        let saved_exit_awaits = std::mem::take(&mut self.exit_awaits);
        self.scopes.push(Default::default());
        let value = check(self, output);
        self.scopes.pop();
        let exit_awaits = std::mem::replace(&mut self.exit_awaits, saved_exit_awaits);
        self.ret_ty = saved_ret;
        self.loops = saved_loops;
        self.in_async = saved_async;
        self.closure_in_async = saved_closure_in_async;
        self.block_depth = saved_depth;

        let (captures, _) = self.analyze_captures(&value, outer_locals, move_from);
        // The synthetic function: the enclosing function's generics, signature filled in when
        // the enclosing body is finalized.
        let owner_def = &self.cx.fns[owner.index()];
        let generics = owner_def.generics.clone();
        let def = FnId(self.cx.fns.len() as u32);
        let n = self.cx.next_closure;
        self.cx.next_closure += 1;
        let synthetic = hir::FnDef {
            name: format!("{{async#{n}}}"),
            path: format!("{}::{{async#{n}}}", owner_def.path),
            span,
            generics: generics.clone(),
            params: Vec::new(),
            ret: self.cx.common.unit,
            trait_id: None,
            impl_id: None,
            lib: owner_def.lib,
            linkage: hir::Linkage::Internal,
            inline: false,
            track_caller: false,
            async_output: Some(output),
            body: None,
        };
        let info = super::FnInfo { self_kind: None, self_ty: None, is_unsafe: false };
        self.cx.fns.push(synthetic);
        self.cx.fn_info.push(info);

        let substs = super::generics::param_tys(self.cx, &generics);
        let ty = self.intern(TyKind::Coroutine { def: def.0, args: substs.clone(), output });
        if let Some(e) = expected {
            if matches!(self.kind(e), TyKind::Infer(InferTy::Var(_))) {
                self.unify(e, ty);
            }
        }
        // The call that builds the block's future: each capture moved in, or borrowed.
        let mut args = Vec::new();
        let mut ref_params = Vec::new();
        for c in &captures {
            let lt = self.locals[c.local.index()].ty;
            let local = self.mk(ExprKind::Local(c.local), lt, span);
            match c.by_ref {
                None => {
                    args.push(local);
                    ref_params.push(None);
                }
                Some(m) => {
                    let rt = self.intern(TyKind::Ref(lt, m));
                    let name = format!("<&{}>", self.locals[c.local.index()].name);
                    ref_params.push(Some(self.new_local(&name, rt, false, span, true)));
                    let mutable = m == crate::ty::Mutability::Mut;
                    args.push(self.mk(ExprKind::Ref { mutable, place: Box::new(local) }, rt, span));
                }
            }
        }
        self.async_blocks.push(PendingAsyncBlock { def, value, captures, ref_params, exit_awaits });
        self.mk(ExprKind::Call { callee: def, substs, args }, ty, span)
    }

    /// Gives each async block checked in this body its function: signature and body. Runs after
    /// `finalize`, so `locals` have their final types.
    pub(super) fn define_async_blocks(&mut self, locals: &[hir::LocalDecl]) {
        for mut b in std::mem::take(&mut self.async_blocks) {
            self.finalize_detached(&mut b.value, locals);
            let mut params = Vec::new();
            let mut captured_by_ref = Vec::new();
            for (c, r) in b.captures.iter().zip(&b.ref_params) {
                match r {
                    None => params.push(c.local),
                    Some(p) => {
                        params.push(*p);
                        captured_by_ref.push((c.local, *p));
                    }
                }
            }
            let f = &mut self.cx.fns[b.def.index()];
            f.params = params.iter().map(|p| locals[p.index()].ty).collect();
            let output = b.value.ty;
            f.async_output = Some(output);
            let args = super::generics::param_tys(self.cx, &self.cx.fns[b.def.index()].generics);
            let ret = self.cx.tys.intern(TyKind::Coroutine { def: b.def.0, args, output });
            self.cx.fns[b.def.index()].ret = ret;
            let body = hir::Body {
                locals: locals.to_vec(),
                params,
                value: b.value,
                captured_by_ref,
                exit_awaits: b.exit_awaits,
                auto_obligations: Vec::new(),
            };
            self.cx.bodies.borrow_mut().insert(b.def, body);
        }
    }
}
