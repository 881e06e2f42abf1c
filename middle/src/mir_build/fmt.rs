//! Format macros: `print!`-family output and `panic!` messages as sequences of runtime
//! formatting intrinsics.
//!
//! Arguments are evaluated once, in order; each literal piece becomes a `WriteStr` and each
//! placeholder a `Fmt` intrinsic with its spec. Counts taken from arguments are checked against
//! `std::fmt`'s limit first. A `panic!` with arguments formats into a message buffer that the
//! runtime's `PanicBuf` takes over.

use aether_frontend::hir;
use aether_frontend::span::Span;
use aether_frontend::ty::{FloatTy, Mutability, Ty, TyKind};

use super::Builder;
use crate::mir::*;

impl Builder<'_> {
    /// Evaluates the arguments once, in order, then writes the pieces to `stream_op` (a stream
    /// constant or a buffer pointer).
    pub(super) fn format_pieces(
        &mut self,
        stream_op: Operand,
        args: &[hir::Expr],
        pieces: &[hir::PrintPiece],
        span: Span,
    ) {
        let args: Vec<(Operand, Ty)> = args.iter().map(|a| (self.as_operand(a), a.ty)).collect();
        let c = self.common();
        let mut pending = String::new();
        let flush_lit = |this: &mut Self, pending: &mut String| {
            if !pending.is_empty() {
                let s =
                    Operand::Constant(Constant { ty: c.static_str, value: ConstValue::Str(std::mem::take(pending)) });
                let d = this.new_temp(c.unit, span);
                this.call(
                    Callee::Intrinsic(Intrinsic::WriteStr),
                    vec![stream_op.clone(), s],
                    Place::local(d),
                    false,
                    span,
                );
            }
        };
        for p in pieces {
            match p {
                hir::PrintPiece::Literal(s) => pending.push_str(s),
                hir::PrintPiece::Arg { index, spec, width, precision } => {
                    let (op, ty) = args[*index].clone();
                    let plain = *spec == aether_frontend::ast::FormatSpec::default();
                    // Constant strings in plain `{}` print as part of the literal text.
                    if let (true, Operand::Constant(Constant { value: ConstValue::Str(s), .. })) = (plain, &op) {
                        pending.push_str(s);
                        continue;
                    }
                    flush_lit(self, &mut pending);
                    let mut call_args = vec![stream_op.clone()];
                    let (kind, value) = self.fmt_value(op, ty, span);
                    call_args.push(value);
                    let bool_ty = c.bool;
                    let mut count = |this: &mut Self, count: &Option<hir::FmtCount>| match count {
                        None => None,
                        Some(hir::FmtCount::Literal(n)) => Some(SpecCount::Literal((*n).min(u32::MAX as usize) as u32)),
                        Some(hir::FmtCount::Arg(i)) => {
                            let (o, t) = args[*i].clone();
                            // std::fmt refuses counts above u16::MAX with a panic.
                            let too_big = this.new_temp(bool_ty, span);
                            let limit = this.const_int(t, u16::MAX as u128);
                            this.assign(Place::local(too_big), Rvalue::BinaryOp(BinOp::Gt, o.clone(), limit), span);
                            this.assert(
                                Operand::Move(Place::local(too_big)),
                                false,
                                AssertKind::FormatArgOutOfRange,
                                span,
                            );
                            call_args.push(o);
                            Some(SpecCount::Operand)
                        }
                    };
                    let w = count(self, width);
                    let pr = count(self, precision);
                    let fspec = FmtSpec {
                        fill: spec.fill,
                        align: spec.align,
                        plus: spec.sign_plus,
                        alternate: spec.alternate,
                        zero_pad: spec.zero_pad,
                        ty: spec.ty,
                        width: w,
                        precision: pr,
                    };
                    let d = self.new_temp(c.unit, span);
                    self.call(Callee::Intrinsic(Intrinsic::Fmt(kind, fspec)), call_args, Place::local(d), false, span);
                }
            }
        }
        flush_lit(self, &mut pending);
    }

    /// How a value of type `ty` is formatted, and the operand converted for it (integers of up to
    /// 64 bits are widened to 64).
    pub(super) fn fmt_value(&mut self, op: Operand, ty: Ty, span: Span) -> (FmtValueKind, Operand) {
        let c = self.common();
        let widen = |this: &mut Self, to: Ty| {
            let t = this.new_temp(to, span);
            this.assign(Place::local(t), Rvalue::Cast(CastKind::Numeric, op.clone(), to), span);
            Operand::Move(Place::local(t))
        };
        match *self.tys.kind(ty) {
            TyKind::Int(i) => {
                let bits = i.bits(64);
                let v = if bits >= 64 { op.clone() } else { widen(self, c.i64) };
                (FmtValueKind::Int { signed: true, bits }, v)
            }
            TyKind::Uint(u) => {
                let bits = u.bits(64);
                let v = if bits >= 64 { op.clone() } else { widen(self, c.u64) };
                (FmtValueKind::Int { signed: false, bits }, v)
            }
            TyKind::Float(FloatTy::F64) => (FmtValueKind::Float { bits: 64 }, op),
            TyKind::Float(FloatTy::F32) => (FmtValueKind::Float { bits: 32 }, op),
            TyKind::Bool => (FmtValueKind::Bool, op),
            TyKind::Char => (FmtValueKind::Char, op),
            TyKind::Ref(inner, Mutability::Not) if *self.tys.kind(inner) == TyKind::Str => (FmtValueKind::Str, op),
            ref k => unreachable!("the type checker only accepts formattable types, got {k:?}"),
        }
    }

    /// `panic!`-family macros: a constant message panics directly; a formatted one is built in
    /// a buffer `(ptr, len, cap)` (the runtime's `AetherBuf`) first.
    pub(super) fn panic(&mut self, args: &[hir::Expr], pieces: &[hir::PrintPiece], span: Span) {
        let c = self.common();
        let unit = self.new_temp(c.unit, span);
        let constant: Option<String> = pieces
            .iter()
            .map(|p| match p {
                hir::PrintPiece::Literal(s) => Some(s.clone()),
                hir::PrintPiece::Arg { .. } => None,
            })
            .collect();
        if let (Some(msg), true) = (constant, args.is_empty()) {
            let s = Operand::Constant(Constant { ty: c.static_str, value: ConstValue::Str(msg) });
            self.call(Callee::Intrinsic(Intrinsic::Panic), vec![s], Place::local(unit), true, span);
            return;
        }
        let u8_ptr = self.intern(TyKind::RawPtr(c.u8, Mutability::Mut));
        let buf_ty = self.intern(TyKind::Tuple(vec![u8_ptr, c.usize, c.usize]));
        let buf_ref = self.intern(TyKind::RawPtr(buf_ty, Mutability::Mut));
        let buf = self.new_temp(buf_ty, span);
        let zero = |ty| Operand::Constant(Constant { ty, value: ConstValue::Scalar(0) });
        self.assign(
            Place::local(buf),
            Rvalue::Aggregate(AggregateKind::Tuple, vec![zero(u8_ptr), zero(c.usize), zero(c.usize)]),
            span,
        );
        let ptr = self.new_temp(buf_ref, span);
        self.assign(Place::local(ptr), Rvalue::Ref(crate::mir::Mutability::Mut, Place::local(buf)), span);
        self.format_pieces(Operand::Copy(Place::local(ptr)), args, pieces, span);
        self.call(
            Callee::Intrinsic(Intrinsic::PanicBuf),
            vec![Operand::Copy(Place::local(ptr))],
            Place::local(unit),
            true,
            span,
        );
    }
}
