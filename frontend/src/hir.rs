//! Typed HIR: the output of name resolution and type checking, the input of MIR building.
//!
//! Every name is resolved to an ID (a [`FnId`] or a [`LocalId`]), every expression carries its
//! final type (no inference variables remain), and surface sugar that has one obvious meaning is
//! gone: `while` is a `loop` with a conditional `break`, compound assignment keeps its operator but
//! names its place once, and format macros are split into literal pieces and typed arguments.

use crate::ast::FormatSpec;
use crate::span::Span;
use crate::ty::{CommonTypes, Ty, TyInterner};

macro_rules! index_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// A function of the crate (index into [`Crate::fns`]).
    FnId
);
index_type!(
    /// A local variable or parameter of one body (index into [`Body::locals`]).
    LocalId
);
index_type!(
    /// A loop of one body, the target of `break` and `continue`.
    LoopId
);

/// The whole checked program.
#[derive(Debug)]
pub struct Crate {
    pub fns: Vec<FnDef>,
    /// `fn main`, when the crate has one.
    pub entry: Option<FnId>,
    pub tys: TyInterner,
    pub common: CommonTypes,
}

impl Crate {
    pub fn fn_def(&self, id: FnId) -> &FnDef {
        &self.fns[id.index()]
    }
}

#[derive(Debug)]
pub struct FnDef {
    /// The item's own name.
    pub name: String,
    /// The path from the crate root (`geometry::shapes::square`), unique in the crate.
    pub path: String,
    pub span: Span,
    pub params: Vec<Ty>,
    pub ret: Ty,
    pub linkage: Linkage,
    /// `None` for functions declared in `extern` blocks.
    pub body: Option<Body>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// An ordinary function: internal to the program, mangled name.
    Internal,
    /// `#[no_mangle] pub extern "C" fn`: exported under its own name with the C convention.
    ExportC,
    /// Declared in an `extern "C"` block: defined elsewhere, C convention.
    ImportC,
}

#[derive(Debug)]
pub struct Body {
    pub locals: Vec<LocalDecl>,
    /// The parameters, in order; they are the first locals.
    pub params: Vec<LocalId>,
    pub value: Expr,
}

impl Body {
    pub fn local(&self, id: LocalId) -> &LocalDecl {
        &self.locals[id.index()]
    }
}

#[derive(Debug)]
pub struct LocalDecl {
    pub name: String,
    pub ty: Ty,
    pub mutable: bool,
    pub span: Span,
}

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// An integer of the expression's type; negative values of signed types are stored in two's
    /// complement, truncated to the type's width.
    Int(u128),
    Float(f64),
    Bool(bool),
    Char(char),
    Str(String),
    Unit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Debug)]
pub enum ExprKind {
    Lit(Literal),
    Local(LocalId),
    Call {
        callee: FnId,
        args: Vec<Expr>,
    },
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `&&` (`and: true`) and `||`: short-circuiting.
    Logical {
        and: bool,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    /// `e as T`; the target type is the expression's type.
    Cast(Box<Expr>),
    /// `place = value`; the place is a [`ExprKind::Local`] (more place forms come with ADTs).
    Assign {
        place: Box<Expr>,
        value: Box<Expr>,
    },
    AssignOp {
        op: BinOp,
        place: Box<Expr>,
        value: Box<Expr>,
    },
    Block(Block),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        else_: Option<Box<Expr>>,
    },
    Loop {
        body: Box<Expr>,
        id: LoopId,
    },
    Break {
        target: LoopId,
        value: Option<Box<Expr>>,
    },
    Continue {
        target: LoopId,
    },
    Return(Option<Box<Expr>>),
    /// `print!`/`println!`/`eprint!`/`eprintln!` after the template is split. Every argument
    /// is evaluated once, in order (identifiers captured by the template are appended as extra
    /// arguments); pieces refer to arguments by index.
    Print {
        stream: Stream,
        args: Vec<Expr>,
        pieces: Vec<PrintPiece>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

#[derive(Debug)]
pub enum PrintPiece {
    Literal(String),
    /// Argument `index` formatted with `spec`; the spec's width and precision are given
    /// resolved in `width` and `precision` (the ones inside `spec` are as written).
    Arg {
        index: usize,
        spec: FormatSpec,
        width: Option<FmtCount>,
        precision: Option<FmtCount>,
    },
}

/// A width or precision: written in the template, or taken from a `usize` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FmtCount {
    Literal(usize),
    Arg(usize),
}

#[derive(Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub expr: Option<Box<Expr>>,
}

#[derive(Debug)]
pub enum Stmt {
    Let { local: LocalId, init: Option<Expr>, span: Span },
    Expr(Expr),
}
