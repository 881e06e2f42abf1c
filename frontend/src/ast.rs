//! The abstract syntax tree: what the parser produces, before name resolution.
//!
//! Every node carries the [`Span`] of the source text it came from, so that later stages can point
//! diagnostics at exact places. The tree mirrors the surface syntax closely (parentheses are kept,
//! macros get their own nodes); desugaring happens when the tree is lowered to typed HIR.

use crate::span::Span;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `'a`, `'static`, `'_` (the name includes the quote).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifetime {
    pub name: String,
    pub span: Span,
}

/// One parsed `.ae` file: a module's items.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Inner attributes (`#![..]`) at the top of the file.
    pub attrs: Vec<Attribute>,
    pub items: Vec<Item>,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Attributes and visibility
// ---------------------------------------------------------------------------------------------

/// `#[derive(Debug, Clone)]`, `#[inline]`, `#[no_mangle]`, `#[test]`, `#[path = ".."]`.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub meta: Meta,
    /// `#![..]` rather than `#[..]`.
    pub inner: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Meta {
    /// `#[inline]`
    Word(Path),
    /// `#[derive(Debug, Clone)]`, `#[allow(dead_code)]`
    List(Path, Vec<Meta>),
    /// `#[path = "x.ae"]`
    NameValue(Path, Lit),
    /// A literal inside a list: `#[doc("..")]`.
    Lit(Lit),
}

#[derive(Clone, Debug)]
pub enum Visibility {
    Private,
    /// `pub`
    Public(Span),
    /// `pub(crate)`, `pub(super)`, `pub(self)`, `pub(in path)`
    Restricted(Path, Span),
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct Item {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ItemKind {
    Fn(FnDecl),
    Struct(StructDef),
    Enum(EnumDef),
    Trait(TraitDef),
    Impl(ImplDef),
    Const(ConstItem),
    Static(StaticItem),
    TypeAlias(TypeAlias),
    Use(UseTree),
    Mod(ModDef),
    ExternBlock(ExternBlock),
}

/// A function with or without a body (trait methods and foreign functions have none).
#[derive(Clone, Debug)]
pub struct FnDecl {
    pub sig: FnSig,
    pub body: Option<Block>,
}

#[derive(Clone, Debug)]
pub struct FnSig {
    pub name: Ident,
    pub is_async: bool,
    pub is_unsafe: bool,
    pub is_const: bool,
    /// `extern "C" fn` / `extern "Rust" fn`: the ABI string; `extern fn` means "C".
    pub abi: Option<StrLit>,
    pub generics: Generics,
    pub params: Vec<Param>,
    /// `...` at the end of a foreign function's parameters.
    pub variadic: bool,
    pub ret: Option<Ty>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub attrs: Vec<Attribute>,
    pub kind: ParamKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ParamKind {
    /// `self`, `mut self`, `&self`, `&'a mut self`, `self: Box<Self>`
    SelfParam(SelfParam),
    /// `pat: Ty`
    Normal { pat: Pat, ty: Ty },
}

#[derive(Clone, Debug)]
pub enum SelfParam {
    Value { mutable: bool },
    Ref { lifetime: Option<Lifetime>, mutable: bool },
    Typed { mutable: bool, ty: Ty },
}

#[derive(Clone, Debug, Default)]
pub struct Generics {
    pub params: Vec<GenericParam>,
    pub where_clause: Vec<WherePredicate>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum GenericParam {
    Lifetime { lifetime: Lifetime, bounds: Vec<Lifetime> },
    Type { name: Ident, bounds: Vec<GenericBound>, default: Option<Ty> },
    Const { name: Ident, ty: Ty, default: Option<Expr> },
}

#[derive(Clone, Debug)]
pub enum GenericBound {
    /// `Trait<..>`, `?Sized`, `for<'a> Fn(&'a T)`
    Trait {
        path: Path,
        maybe: bool,
        for_lifetimes: Vec<Lifetime>,
        span: Span,
    },
    Lifetime(Lifetime),
}

#[derive(Clone, Debug)]
pub enum WherePredicate {
    /// `T: Bound + 'a`, `for<'a> F: Fn(&'a u8)`
    Bound { for_lifetimes: Vec<Lifetime>, ty: Ty, bounds: Vec<GenericBound>, span: Span },
    /// `'a: 'b`
    Lifetime { lifetime: Lifetime, bounds: Vec<Lifetime>, span: Span },
}

#[derive(Clone, Debug)]
pub struct StructDef {
    pub name: Ident,
    pub generics: Generics,
    pub data: VariantData,
}

/// The fields of a struct or of an enum variant.
#[derive(Clone, Debug)]
pub enum VariantData {
    /// `{ a: T, b: U }`
    Named(Vec<FieldDef>),
    /// `(T, U)`
    Tuple(Vec<FieldDef>),
    /// nothing
    Unit,
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    /// `None` for tuple fields.
    pub name: Option<Ident>,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: Ident,
    pub generics: Generics,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub attrs: Vec<Attribute>,
    pub name: Ident,
    pub data: VariantData,
    /// `A = 3`
    pub discriminant: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TraitDef {
    pub is_unsafe: bool,
    /// `auto trait`
    pub is_auto: bool,
    pub name: Ident,
    pub generics: Generics,
    pub supertraits: Vec<GenericBound>,
    pub items: Vec<AssocItem>,
}

#[derive(Clone, Debug)]
pub struct ImplDef {
    pub is_unsafe: bool,
    pub generics: Generics,
    /// `impl !Send for T`
    pub negative: bool,
    pub trait_ref: Option<Path>,
    pub self_ty: Ty,
    pub items: Vec<AssocItem>,
}

/// An item inside a `trait` or an `impl`.
#[derive(Clone, Debug)]
pub struct AssocItem {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub kind: AssocItemKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum AssocItemKind {
    Fn(FnDecl),
    /// `const N: usize;` / `const N: usize = 3;`
    Const {
        name: Ident,
        ty: Ty,
        default: Option<Expr>,
    },
    /// `type Output;`, `type Item: Clone;`, `type Output = T;`
    Type {
        name: Ident,
        generics: Generics,
        bounds: Vec<GenericBound>,
        default: Option<Ty>,
    },
}

#[derive(Clone, Debug)]
pub struct ConstItem {
    pub name: Ident,
    pub ty: Ty,
    pub value: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct StaticItem {
    pub mutable: bool,
    pub name: Ident,
    pub ty: Ty,
    pub value: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct TypeAlias {
    pub name: Ident,
    pub generics: Generics,
    pub ty: Ty,
}

/// `use a::b::{c, d as e, f::*};`
#[derive(Clone, Debug)]
pub struct UseTree {
    pub prefix: Path,
    pub kind: UseTreeKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum UseTreeKind {
    /// `use a::b;` / `use a::b as c;`
    Simple { rename: Option<Ident> },
    /// `use a::*;`
    Glob,
    /// `use a::{b, c};`
    Nested(Vec<UseTree>),
}

#[derive(Clone, Debug)]
pub struct ModDef {
    pub name: Ident,
    /// `None` for `mod m;` (the items are in `m.ae` next to the parent).
    pub items: Option<Vec<Item>>,
}

/// `extern "C" { .. }` / `extern "Rust" { .. }`
#[derive(Clone, Debug)]
pub struct ExternBlock {
    pub abi: StrLit,
    pub items: Vec<ForeignItem>,
}

#[derive(Clone, Debug)]
pub struct ForeignItem {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub kind: ForeignItemKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ForeignItemKind {
    Fn(FnSig),
    Static { mutable: bool, name: Ident, ty: Ty },
    Type(Ident),
}

// ---------------------------------------------------------------------------------------------
// Paths and types
// ---------------------------------------------------------------------------------------------

/// `a::b::<T>::c`, `::std::mem`, `<T as Trait>::Assoc`, `Self`, `crate::x`.
#[derive(Clone, Debug)]
pub struct Path {
    /// `<T as Trait>::..`: the qualified self type and the position in `segments` where the
    /// trait path ends (the segments before it name the trait).
    pub qself: Option<Box<QSelf>>,
    /// Starts with `::`.
    pub global: bool,
    pub segments: Vec<PathSegment>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct QSelf {
    pub ty: Ty,
    /// How many leading segments of the path form the trait (`0` for `<T>::x`).
    pub position: usize,
}

#[derive(Clone, Debug)]
pub struct PathSegment {
    /// Includes the keywords `self`, `super`, `crate`, `Self` as names.
    pub ident: Ident,
    pub args: Option<GenericArgs>,
}

#[derive(Clone, Debug)]
pub enum GenericArgs {
    /// `<T, 'a, N, Output = U>`
    AngleBracketed { args: Vec<GenericArg>, span: Span },
    /// `Fn(A, B) -> C`
    Parenthesized { inputs: Vec<Ty>, output: Option<Box<Ty>>, span: Span },
}

#[derive(Clone, Debug)]
pub enum GenericArg {
    Lifetime(Lifetime),
    Type(Ty),
    /// `{ N + 1 }` or a literal.
    Const(Expr),
    /// `Output = T`
    Binding {
        name: Ident,
        ty: Ty,
    },
    /// `Item: Clone`
    Constraint {
        name: Ident,
        bounds: Vec<GenericBound>,
    },
}

#[derive(Clone, Debug)]
pub struct Ty {
    pub kind: TyKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TyKind {
    /// `i32`, `Vec<T>`, `Self`, `<T as Iterator>::Item`
    Path(Path),
    /// `&'a mut T`
    Ref { lifetime: Option<Lifetime>, mutable: bool, ty: Box<Ty> },
    /// `*const T`, `*mut T`
    Ptr { mutable: bool, ty: Box<Ty> },
    /// `()`, `(T,)`, `(T, U)`
    Tuple(Vec<Ty>),
    /// `[T; N]`
    Array(Box<Ty>, Box<Expr>),
    /// `[T]`
    Slice(Box<Ty>),
    /// `!`
    Never,
    /// `_`
    Infer,
    /// `impl Trait + 'a`
    ImplTrait(Vec<GenericBound>),
    /// `dyn Trait + Send`
    DynTrait(Vec<GenericBound>),
    /// `fn(A, B) -> C`, `unsafe extern "C" fn(..)`
    BareFn(Box<BareFnTy>),
    /// `(T)`
    Paren(Box<Ty>),
}

#[derive(Clone, Debug)]
pub struct BareFnTy {
    pub is_unsafe: bool,
    pub abi: Option<StrLit>,
    pub for_lifetimes: Vec<Lifetime>,
    pub params: Vec<Ty>,
    pub variadic: bool,
    pub ret: Option<Ty>,
}

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct Pat {
    pub kind: PatKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatKind {
    /// `_`
    Wild,
    /// `..` inside a tuple, tuple-struct or slice pattern.
    Rest,
    /// `x`, `mut x`, `ref x`, `ref mut x`, `x @ pat`. A lone identifier may also name a unit
    /// struct, unit variant or constant; name resolution decides.
    Ident { by_ref: bool, mutable: bool, name: Ident, sub: Option<Box<Pat>> },
    /// `1`, `-1`, `'a'`, `"s"`, `true`
    Lit(Box<Expr>),
    /// `a..=b`, `a..b`, `a..`, `..=b`; the bounds are literal or path expressions.
    Range { lo: Option<Box<Expr>>, hi: Option<Box<Expr>>, inclusive: bool },
    /// `(a, b, ..)`
    Tuple(Vec<Pat>),
    /// `Some(x)`, `Point(x, ..)`
    TupleStruct { path: Path, pats: Vec<Pat> },
    /// `Point { x, y: 0, .. }`
    Struct { path: Path, fields: Vec<FieldPat>, rest: bool },
    /// `None`, `Color::Red`, `consts::MAX`
    Path(Path),
    /// `a | b`
    Or(Vec<Pat>),
    /// `&p`, `&mut p`
    Ref { mutable: bool, pat: Box<Pat> },
    /// `[a, b, rest @ ..]`
    Slice(Vec<Pat>),
    /// `(p)`
    Paren(Box<Pat>),
}

#[derive(Clone, Debug)]
pub struct FieldPat {
    pub name: Ident,
    /// For shorthand `Point { x, ref mut y }` the pattern is the binding.
    pub pat: Pat,
    pub shorthand: bool,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Statements and blocks
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    /// The trailing expression without a semicolon: the block's value.
    pub expr: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    /// `let pat: ty = init else { .. };`
    Let {
        pat: Pat,
        ty: Option<Ty>,
        init: Option<Expr>,
        else_block: Option<Block>,
    },
    Item(Box<Item>),
    /// An expression statement. `semi` is false for block-like expressions (`if`, `match`,
    /// `loop`, ..) written without a trailing `;` in the middle of a block.
    Expr {
        expr: Expr,
        semi: bool,
    },
    /// A lone `;`.
    Empty,
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Lit(Lit),
    /// `x`, `a::b`, `Vec::<T>::new`, `<T as Default>::default`
    Path(Path),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a = b`
    Assign(Box<Expr>, Box<Expr>),
    /// `a += b` (the operator is the arithmetic one)
    AssignOp(BinOp, Box<Expr>, Box<Expr>),
    /// `e as T`
    Cast(Box<Expr>, Ty),
    /// `f(a, b)`
    Call(Box<Expr>, Vec<Expr>),
    /// `recv.method::<T>(args)`
    MethodCall {
        receiver: Box<Expr>,
        method: PathSegment,
        args: Vec<Expr>,
    },
    /// `e.name`
    Field(Box<Expr>, Ident),
    /// `e.0`
    TupleField(Box<Expr>, u32, Span),
    /// `e[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `a..b`, `a..=b`, `..`, `a..`, `..b`
    Range {
        lo: Option<Box<Expr>>,
        hi: Option<Box<Expr>>,
        inclusive: bool,
    },
    /// `{ .. }`, `'a: { .. }`
    Block(Block, Option<Lifetime>),
    /// `unsafe { .. }`
    Unsafe(Block),
    /// `async { .. }`, `async move { .. }`
    Async {
        is_move: bool,
        block: Block,
    },
    /// `async_try { .. }` (see LANGUAGE.md 1); `.catch(..)` is an ordinary method call on it.
    AsyncTry(Block),
    /// `if cond { .. } else ..`; `if let` has an [`ExprKind::Let`] condition.
    If {
        cond: Box<Expr>,
        then: Block,
        else_: Option<Box<Expr>>,
    },
    /// `let pat = e` in the condition of `if` / `while` (and `&&` chains of them).
    Let(Box<Pat>, Box<Expr>),
    While {
        cond: Box<Expr>,
        body: Block,
        label: Option<Lifetime>,
    },
    Loop {
        body: Block,
        label: Option<Lifetime>,
    },
    For {
        pat: Box<Pat>,
        iter: Box<Expr>,
        body: Block,
        label: Option<Lifetime>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<Arm>,
    },
    Break {
        label: Option<Lifetime>,
        value: Option<Box<Expr>>,
    },
    Continue {
        label: Option<Lifetime>,
    },
    Return(Option<Box<Expr>>),
    /// `e?`
    Try(Box<Expr>),
    /// `e.await`
    Await(Box<Expr>),
    Closure(Box<Closure>),
    /// `Path { a, b: e, ..base }`
    Struct {
        path: Path,
        fields: Vec<FieldInit>,
        base: Option<Box<Expr>>,
    },
    Tuple(Vec<Expr>),
    /// `[a, b, c]`
    Array(Vec<Expr>),
    /// `[e; n]`
    Repeat(Box<Expr>, Box<Expr>),
    /// `&e`, `&mut e`
    Ref {
        mutable: bool,
        expr: Box<Expr>,
    },
    /// `(e)`
    Paren(Box<Expr>),
    /// A built-in macro.
    Macro(Box<MacroCall>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-e`
    Neg,
    /// `!e`
    Not,
    /// `*e`
    Deref,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
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
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

#[derive(Clone, Debug)]
pub struct Arm {
    pub attrs: Vec<Attribute>,
    pub pat: Pat,
    pub guard: Option<Expr>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Closure {
    /// `async |x| ..` (an async closure written with the keyword).
    pub is_async: bool,
    pub is_move: bool,
    pub params: Vec<ClosureParam>,
    pub ret: Option<Ty>,
    pub body: Expr,
    /// The span of `|..|`.
    pub head_span: Span,
}

#[derive(Clone, Debug)]
pub struct ClosureParam {
    pub pat: Pat,
    pub ty: Option<Ty>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldInit {
    pub name: Ident,
    pub expr: Expr,
    pub shorthand: bool,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct Lit {
    pub kind: LitKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LitKind {
    /// `42`, `0xff_u8`: the value (without sign) and the suffix as written.
    Int {
        value: u128,
        suffix: Option<IntSuffix>,
    },
    /// `1.5`, `2e10f32`: the digits as written (underscores removed) so that later stages can
    /// parse them exactly for the final type.
    Float {
        text: String,
        suffix: Option<FloatSuffix>,
    },
    Bool(bool),
    Char(char),
    /// `b'a'`
    Byte(u8),
    /// `"..."` / `r#"..."#` with escapes already processed.
    Str(String),
    /// `b"..."`
    ByteStr(Vec<u8>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntSuffix {
    I8,
    I16,
    I32,
    I64,
    I128,
    Isize,
    U8,
    U16,
    U32,
    U64,
    U128,
    Usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatSuffix {
    F32,
    F64,
}

/// A string literal as used by `extern "C"` and attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Built-in macros
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct MacroCall {
    pub kind: MacroKind,
    /// The span of the macro's name and `!`.
    pub name_span: Span,
}

#[derive(Clone, Debug)]
pub enum MacroKind {
    /// `println!`, `print!`, `eprintln!`, `eprint!`, `format!`, `panic!`, `unreachable!`,
    /// `todo!`, `unimplemented!`, `write!`, `writeln!`.
    Format { kind: FormatMacro, dest: Option<Expr>, args: Option<FormatArgs> },
    /// `assert!(cond)`, `assert!(cond, "fmt", args..)`
    Assert { cond: Expr, msg: Option<FormatArgs> },
    /// `assert_eq!(a, b)`, `assert_ne!(a, b, "fmt", ..)`
    AssertCmp { eq: bool, left: Expr, right: Expr, msg: Option<FormatArgs> },
    /// `vec![a, b]`
    VecList(Vec<Expr>),
    /// `vec![e; n]`
    VecRepeat(Expr, Expr),
    /// `join!(a, b, ..)`: a future of the tuple of outputs.
    Join(Vec<Expr>),
    /// `pin!(e)`: `e` kept in a hidden local of the enclosing block, pinned there.
    Pin(Box<Expr>),
    /// `select! { pat = fut => body, .. }`
    Select(Vec<SelectArm>),
    /// `defer! { .. }`
    Defer(Block),
    /// `matches!(e, pat)` / `matches!(e, pat if guard)`
    Matches { expr: Expr, pat: Pat, guard: Option<Expr> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatMacro {
    Print,
    Println,
    Eprint,
    Eprintln,
    Format,
    Panic,
    Unreachable,
    Todo,
    Unimplemented,
    Write,
    Writeln,
}

impl FormatMacro {
    pub fn name(self) -> &'static str {
        match self {
            FormatMacro::Print => "print",
            FormatMacro::Println => "println",
            FormatMacro::Eprint => "eprint",
            FormatMacro::Eprintln => "eprintln",
            FormatMacro::Format => "format",
            FormatMacro::Panic => "panic",
            FormatMacro::Unreachable => "unreachable",
            FormatMacro::Todo => "todo",
            FormatMacro::Unimplemented => "unimplemented",
            FormatMacro::Write => "write",
            FormatMacro::Writeln => "writeln",
        }
    }
}

/// A format string and its arguments, with the template already parsed into pieces.
#[derive(Clone, Debug)]
pub struct FormatArgs {
    pub template: StrLit,
    pub pieces: Vec<FormatPiece>,
    /// The explicit arguments, positional first and then `name = expr`.
    pub args: Vec<FormatArg>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FormatArg {
    pub name: Option<Ident>,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FormatPiece {
    Literal(String),
    Placeholder(Placeholder),
}

/// `{arg:fill align sign # 0 width .precision type}`
#[derive(Clone, Debug, PartialEq)]
pub struct Placeholder {
    pub arg: FormatArgRef,
    pub spec: FormatSpec,
    /// The span of the `{..}` inside the template literal.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FormatArgRef {
    /// `{}`: the next positional argument (already numbered by the parser).
    Next(usize),
    /// `{0}`
    Index(usize),
    /// `{name}`: a named argument or an identifier captured from the scope.
    Name(String),
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct FormatSpec {
    pub fill: Option<char>,
    pub align: Option<FormatAlign>,
    /// `+`
    pub sign_plus: bool,
    /// `-`
    pub sign_minus: bool,
    /// `#`
    pub alternate: bool,
    /// `0`
    pub zero_pad: bool,
    pub width: Option<FormatCount>,
    pub precision: Option<FormatCount>,
    pub ty: FormatType,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatAlign {
    Left,
    Center,
    Right,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FormatCount {
    Literal(usize),
    /// `width$` / `0$`
    Arg(FormatArgRef),
    /// `.*`: the precision is taken from the next positional argument.
    Star(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FormatType {
    /// `{}`
    #[default]
    Display,
    /// `{:?}`
    Debug,
    /// `{:x?}`
    DebugLowerHex,
    /// `{:X?}`
    DebugUpperHex,
    LowerHex,
    UpperHex,
    Octal,
    Binary,
    LowerExp,
    UpperExp,
}

#[derive(Clone, Debug)]
pub struct SelectArm {
    /// `pat = fut => body`; `None` pattern and future for the `else => body` arm.
    pub pat: Option<Pat>,
    pub fut: Option<Expr>,
    /// `pat = fut, if cond => body`
    pub guard: Option<Expr>,
    pub body: Expr,
    pub span: Span,
}
