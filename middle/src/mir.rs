//! The MIR data structures: each function body is a control-flow graph of basic blocks over
//! typed places.
//!
//! A [`Body`] owns its locals (`_0` is the return place, then the arguments, then user variables
//! and temporaries) and its basic blocks. Statements only move data between places; everything
//! that transfers control (branches, calls, drops, checks, returns) is a block's [`Terminator`].
//! Storage of each non-argument local is bracketed by `StorageLive`/`StorageDead`, so analyses
//! (liveness, storage conflicts for coroutine frame layout) can see exactly when a local's bytes
//! are in use.

use aether_frontend::hir::{AdtId, FnId, StaticId, VariantIdx};
use aether_frontend::span::Span;
use aether_frontend::ty::Ty;

macro_rules! index_type {
    ($(#[$m:meta])* $name:ident, $prefix:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

index_type!(
    /// A local of a body: `_0` is the return place.
    Local,
    "_"
);
index_type!(
    /// A basic block of a body.
    BasicBlock,
    "bb"
);

impl Local {
    pub const RETURN_PLACE: Local = Local(0);
}

/// A program point: statement `statement_index` of `block`, or the block's terminator when
/// `statement_index` equals the number of statements. Dataflow results are queried "before" or
/// "after" a location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub block: BasicBlock,
    pub statement_index: usize,
}

impl Location {
    /// The first statement (or terminator) of the entry block.
    pub const START: Location = Location { block: BasicBlock(0), statement_index: 0 };
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.block, self.statement_index)
    }
}

/// All MIR of a program.
#[derive(Debug)]
pub struct Program {
    /// One body per function with a body, indexed like the HIR crate's functions; `None` for
    /// functions declared in `extern` blocks.
    pub bodies: Vec<Option<Body>>,
    /// The frame of each async fn future type (see `coroutine.rs`).
    pub frames: std::collections::HashMap<Ty, crate::coroutine::FrameLayout>,
    /// The bodies of async fns before the coroutine transform (for `--emit=mir`), by ctor.
    pub coroutine_sources: Vec<Body>,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub fn_id: FnId,
    pub locals: Vec<LocalDecl>,
    pub arg_count: usize,
    pub blocks: Vec<BasicBlockData>,
    pub span: Span,
    /// `(local, flag)`: the boolean drop flag drop elaboration keeps for a local whose
    /// initialization depends on the path (the coroutine transform's frame drop reads them).
    pub drop_flags: Vec<(Local, Local)>,
}

impl Body {
    pub fn args(&self) -> impl Iterator<Item = Local> {
        (1..=self.arg_count).map(|i| Local(i as u32))
    }

    pub fn local_decl(&self, l: Local) -> &LocalDecl {
        &self.locals[l.index()]
    }

    pub fn block(&self, b: BasicBlock) -> &BasicBlockData {
        &self.blocks[b.index()]
    }

    pub fn block_ids(&self) -> impl Iterator<Item = BasicBlock> {
        (0..self.blocks.len()).map(|i| BasicBlock(i as u32))
    }

    /// Successors of each block, in block order (for dataflow analyses).
    pub fn successors(&self, b: BasicBlock) -> Vec<BasicBlock> {
        self.block(b).terminator.kind.successors()
    }
}

#[derive(Debug, Clone)]
pub struct LocalDecl {
    pub ty: Ty,
    /// The user's name for a variable; `None` for temporaries.
    pub name: Option<String>,
    pub mutable: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct BasicBlockData {
    pub statements: Vec<Statement>,
    pub terminator: Terminator,
    /// A block only reached while unwinding (a landing pad's chain).
    pub is_cleanup: bool,
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum StatementKind {
    Assign(Place, Rvalue),
    /// Writes the tag of enum variant `variant` into `place` (after its fields are written).
    SetDiscriminant {
        place: Place,
        variant: VariantIdx,
    },
    StorageLive(Local),
    StorageDead(Local),
    Nop,
}

/// A memory location: a local with a path of projections into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    pub local: Local,
    pub projection: Vec<PlaceElem>,
}

impl Place {
    pub fn local(l: Local) -> Place {
        Place { local: l, projection: Vec::new() }
    }

    pub fn return_place() -> Place {
        Place::local(Local::RETURN_PLACE)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PlaceElem {
    /// Through a reference or raw pointer (or, for a `Box`, its pointer).
    Deref,
    /// A field of a tuple, struct or variant (after a `Downcast` for enums), with its type.
    Field(u32, Ty),
    /// `place[local]` of an array or slice; the index was bounds-checked before.
    Index(Local),
    /// `place[offset]`, or `place[len - offset]` when `from_end` (slice patterns).
    ConstantIndex { offset: u64, from_end: bool },
    /// `place[from..len - to]` of a slice or array (slice patterns' rest), with the result type.
    Subslice { from: u64, to: u64, ty: Ty },
    /// Views an enum as one of its variants (for field access).
    Downcast(VariantIdx),
}

#[derive(Debug, Clone)]
pub enum Operand {
    /// Reads the place, leaving it usable (`Copy` types).
    Copy(Place),
    /// Reads the place and ends ownership of its value.
    Move(Place),
    Constant(Constant),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    pub ty: Ty,
    pub value: ConstValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConstValue {
    /// An integer, bool (0/1) or char of the constant's type, as raw bits.
    Scalar(u128),
    Float(f64),
    /// A `&'static str`.
    Str(String),
    /// The zero-sized value of `()` and of function items.
    ZeroSized,
    /// An aggregate built at compile time (a `const` of tuple, array or ADT type).
    Aggregate(aether_frontend::hir::ConstVal),
    /// The address of a `static` (a `&T`/`*const T` constant).
    StaticAddr(StaticId),
}

/// MIR's binary operators are HIR's (the logical ones are control flow by then).
pub use aether_frontend::hir::BinOp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastKind {
    /// Between integer, float, bool and char types, with Rust's `as` semantics (float to int
    /// saturates).
    Numeric,
    /// Reference to raw pointer, raw pointer to raw pointer (same pointee size class).
    PtrToPtr,
    /// Raw pointer to integer (`as usize`).
    PtrToInt,
    /// Integer to raw pointer.
    IntToPtr,
    /// `&[T; N]` to `&[T]`: adds the length; `&T` (or `Box<T>`) to `&dyn Trait`: adds the
    /// vtable of `T` as `Trait` (`TyInterner::unsize_pointees` names the two pointees).
    Unsize,
}

#[derive(Debug, Clone)]
pub enum Rvalue {
    Use(Operand),
    BinaryOp(BinOp, Operand, Operand),
    /// Computes `(result, overflowed)`: a two-field tuple; followed by an `Assert` on field 1.
    CheckedBinaryOp(BinOp, Operand, Operand),
    UnaryOp(UnOp, Operand),
    Cast(CastKind, Operand, Ty),
    /// `&place` / `&mut place` (and raw pointers to places).
    Ref(Mutability, Place),
    /// The length of an array or slice place.
    Len(Place),
    /// The discriminant value of an enum place (`VariantDef::discr`, as an `isize`), not the
    /// variant index.
    Discriminant(Place),
    /// A tuple, array or ADT value built from operands (fields in declaration order).
    Aggregate(AggregateKind, Vec<Operand>),
    /// `[op; n]`
    Repeat(Operand, u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    Not,
    Mut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateKind {
    Tuple,
    /// An array of the element type.
    Array(Ty),
    /// A struct or an enum variant (the tag is written as part of the aggregate).
    Adt(AdtId, VariantIdx),
}

/// What a `Call` calls.
#[derive(Debug, Clone, PartialEq)]
pub enum Callee {
    Fn(FnId),
    /// A trait method called on a trait object: the function in vtable slot `slot` (counted
    /// after the header words) of the first argument, a pointer to an object. `method` is the
    /// trait's method and `substs` its arguments (`Self` the object type): they give the
    /// signature.
    Virtual {
        method: FnId,
        substs: Vec<Ty>,
        slot: u32,
    },
    /// An operation the compiler knows; the backend implements it (inline or by a runtime call).
    Intrinsic(Intrinsic),
}

/// Operations with a fixed meaning that the backend implements.
///
/// Formatting intrinsics take a destination first: a `u32` constant stream (1 stdout, 2 stderr)
/// or a `*mut` pointer to a message buffer (the runtime's `AetherBuf`, as `panic!` builds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Intrinsic {
    /// `(dest, s: &str)`: writes a string.
    WriteStr,
    /// `(dest, value, [width: usize], [precision: usize])`: formats a primitive value as one
    /// `{..}` placeholder does; counts taken from arguments follow the value, width first.
    Fmt(FmtValueKind, FmtSpec),
    /// `(msg: &str)`: panics with a constant message at the call's span. Never returns.
    Panic,
    /// `(msg: *mut buffer)`: panics with the formatted message in the buffer (which the runtime
    /// takes over) at the call's span. Never returns.
    PanicBuf,
    /// `(a: &str, b: &str) -> bool`: byte equality (string patterns).
    StrEq,
    /// A standard-library intrinsic of the HIR, with its arguments and result as written.
    Hir(aether_frontend::hir::IntrinsicFn),
    /// A memory intrinsic of the standard library's `extern "rust-intrinsic"` block, with its
    /// type argument (`()` for the non-generic ones).
    Mem(aether_frontend::hir::MemIntrinsic, Ty),
}

impl Intrinsic {
    pub fn name(self) -> String {
        match self {
            Intrinsic::WriteStr => "write_str".into(),
            Intrinsic::Fmt(k, spec) => format!("fmt_{}::<{}>", k.name(), spec.describe()),
            Intrinsic::Panic => "panic".into(),
            Intrinsic::PanicBuf => "panic_buf".into(),
            Intrinsic::StrEq => "str_eq".into(),
            Intrinsic::Hir(i) => format!("{i:?}"),
            Intrinsic::Mem(i, _) => format!("{i:?}"),
        }
    }
}

/// The kind of primitive a `Fmt` intrinsic formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FmtValueKind {
    /// An integer of `bits` bits; values of up to 64 bits are passed widened to 64.
    Int {
        signed: bool,
        bits: u32,
    },
    Float {
        bits: u32,
    },
    Str,
    Char,
    Bool,
}

impl FmtValueKind {
    pub fn name(self) -> String {
        match self {
            FmtValueKind::Int { signed: true, bits } => format!("i{bits}"),
            FmtValueKind::Int { signed: false, bits } => format!("u{bits}"),
            FmtValueKind::Float { bits } => format!("f{bits}"),
            FmtValueKind::Str => "str".into(),
            FmtValueKind::Char => "char".into(),
            FmtValueKind::Bool => "bool".into(),
        }
    }
}

/// One placeholder's formatting options (Rust's `std::fmt` spec), with counts resolved.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FmtSpec {
    pub fill: Option<char>,
    pub align: Option<aether_frontend::ast::FormatAlign>,
    pub plus: bool,
    pub alternate: bool,
    pub zero_pad: bool,
    pub ty: aether_frontend::ast::FormatType,
    pub width: Option<SpecCount>,
    pub precision: Option<SpecCount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecCount {
    Literal(u32),
    /// Taken from the intrinsic's next count operand.
    Operand,
}

impl FmtSpec {
    pub fn is_default(&self) -> bool {
        *self == FmtSpec::default()
    }

    /// The spec as written in a template, for MIR dumps: `{:*^+#08.3x}`.
    pub fn describe(&self) -> String {
        use aether_frontend::ast::{FormatAlign, FormatType};
        let mut s = String::from("{:");
        if let Some(a) = self.align {
            if let Some(f) = self.fill {
                s.push(f);
            }
            s.push(match a {
                FormatAlign::Left => '<',
                FormatAlign::Center => '^',
                FormatAlign::Right => '>',
            });
        }
        if self.plus {
            s.push('+');
        }
        if self.alternate {
            s.push('#');
        }
        if self.zero_pad {
            s.push('0');
        }
        let count = |c: &SpecCount| match c {
            SpecCount::Literal(n) => n.to_string(),
            SpecCount::Operand => "$".into(),
        };
        if let Some(w) = &self.width {
            s.push_str(&count(w));
        }
        if let Some(p) = &self.precision {
            s.push('.');
            s.push_str(&count(p));
        }
        s.push_str(match self.ty {
            FormatType::Display => "",
            FormatType::Debug => "?",
            FormatType::DebugLowerHex => "x?",
            FormatType::DebugUpperHex => "X?",
            FormatType::LowerHex => "x",
            FormatType::UpperHex => "X",
            FormatType::Octal => "o",
            FormatType::Binary => "b",
            FormatType::LowerExp => "e",
            FormatType::UpperExp => "E",
        });
        s.push('}');
        s
    }
}

/// Why an `Assert` panics.
#[derive(Debug, Clone)]
pub enum AssertKind {
    /// Arithmetic overflow of the operation.
    Overflow(BinOp),
    /// `-x` of the minimum value.
    OverflowNeg,
    DivisionByZero,
    RemainderByZero,
    /// A width or precision taken from an argument exceeds what `std::fmt` allows.
    FormatArgOutOfRange,
    /// `index < len` failed: Rust's "index out of bounds" message with both values.
    BoundsCheck {
        len: Operand,
        index: Operand,
    },
}

impl AssertKind {
    /// The panic message, exactly as Rust prints it.
    pub fn message(&self) -> &'static str {
        match self {
            AssertKind::Overflow(BinOp::Add) => "attempt to add with overflow",
            AssertKind::Overflow(BinOp::Sub) => "attempt to subtract with overflow",
            AssertKind::Overflow(BinOp::Mul) => "attempt to multiply with overflow",
            AssertKind::Overflow(BinOp::Div) => "attempt to divide with overflow",
            AssertKind::Overflow(BinOp::Rem) => "attempt to calculate the remainder with overflow",
            AssertKind::Overflow(BinOp::Shl) => "attempt to shift left with overflow",
            AssertKind::Overflow(BinOp::Shr) => "attempt to shift right with overflow",
            AssertKind::Overflow(_) => "attempt to compute with overflow",
            AssertKind::OverflowNeg => "attempt to negate with overflow",
            AssertKind::DivisionByZero => "attempt to divide by zero",
            AssertKind::RemainderByZero => "attempt to calculate the remainder with a divisor of zero",
            AssertKind::FormatArgOutOfRange => "Formatting argument out of range",
            AssertKind::BoundsCheck { .. } => "index out of bounds",
        }
    }
}

/// Where control goes if a call or check unwinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnwindAction {
    /// Nothing to clean up in this frame: keep unwinding.
    Continue,
    /// Cannot unwind (the callee never panics).
    Unreachable,
    /// Run this cleanup block, which ends in `UnwindResume`.
    Cleanup(BasicBlock),
}

#[derive(Debug, Clone)]
pub struct Terminator {
    pub kind: TerminatorKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum TerminatorKind {
    Goto {
        target: BasicBlock,
    },
    /// Jumps to the target of the first value equal to `discr`, else to `otherwise`.
    SwitchInt {
        discr: Operand,
        targets: Vec<(u128, BasicBlock)>,
        otherwise: BasicBlock,
    },
    Call {
        callee: Callee,
        args: Vec<Operand>,
        destination: Place,
        /// `None` when the callee never returns.
        target: Option<BasicBlock>,
        unwind: UnwindAction,
    },
    /// Panics with `msg` unless `cond == expected`.
    Assert {
        cond: Operand,
        expected: bool,
        msg: AssertKind,
        target: BasicBlock,
        unwind: UnwindAction,
    },
    Return,
    /// A suspension point of a coroutine body (an `.await` whose future is pending): the
    /// coroutine transform makes it a return of `Poll::Pending`, and a later poll continues at
    /// `resume`. Only coroutine bodies before the transform have it.
    Yield {
        resume: BasicBlock,
    },
    /// Continues unwinding after a cleanup block.
    UnwindResume,
    Unreachable,
    /// Runs the destructor of the value in `place` (elaborated: only where the value is
    /// initialized), then continues at `target`.
    Drop {
        place: Place,
        target: BasicBlock,
        unwind: UnwindAction,
    },
}

impl TerminatorKind {
    pub fn successors(&self) -> Vec<BasicBlock> {
        let unwind = |u: &UnwindAction| match u {
            UnwindAction::Cleanup(b) => Some(*b),
            _ => None,
        };
        match self {
            TerminatorKind::Goto { target } | TerminatorKind::Yield { resume: target } => vec![*target],
            TerminatorKind::SwitchInt { targets, otherwise, .. } => {
                targets.iter().map(|(_, b)| *b).chain(std::iter::once(*otherwise)).collect()
            }
            TerminatorKind::Call { target, unwind: u, .. } => target.iter().copied().chain(unwind(u)).collect(),
            TerminatorKind::Assert { target, unwind: u, .. } => std::iter::once(*target).chain(unwind(u)).collect(),
            TerminatorKind::Drop { target, unwind: u, .. } => std::iter::once(*target).chain(unwind(u)).collect(),
            TerminatorKind::Return | TerminatorKind::UnwindResume | TerminatorKind::Unreachable => Vec::new(),
        }
    }
}
