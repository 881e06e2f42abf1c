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
index_type!(
    /// A variant of an ADT (index into [`AdtDef::variants`]; structs have one, variant 0).
    VariantIdx
);
index_type!(
    /// A `static` item (index into [`Crate::statics`]).
    StaticId
);

index_type!(
    /// An `impl` block, inherent or of a trait (index into [`Crate::impls`]).
    ImplId
);

pub use crate::ty::{AdtId, TraitId};

/// The whole checked program.
#[derive(Debug)]
pub struct Crate {
    pub fns: Vec<FnDef>,
    /// Structs and enums.
    pub adts: Vec<AdtDef>,
    pub statics: Vec<StaticDef>,
    pub traits: Vec<TraitDef>,
    pub impls: Vec<ImplDef>,
    /// The standard library's traits the compiler relies on (operators, `Copy`, `Drop`, ..).
    pub lang: LangTraits,
    /// After monomorphization: the `Drop::drop` instance of each type with a `Drop` impl.
    pub drop_impls: std::collections::HashMap<Ty, FnId>,
    /// After monomorphization: the vtable of each (sized type, object type) pair the program
    /// unsizes, its methods in `TraitTables::vtable_methods` order (`None` for a method an object
    /// cannot call: one taking `self` by value).
    pub vtables: std::collections::HashMap<(Ty, Ty), Vec<Option<FnId>>>,
    /// After monomorphization: the functions of each (concrete) async fn future type.
    pub coroutines: std::collections::HashMap<Ty, CoroutineFns>,
    /// After monomorphization: for each future type `F` whose `future_vtable::<F>()` the code
    /// asks for, the instance of `std::task::poll_erased::<F>` (the vtable's `poll`) and
    /// `F::Output` (whose layout and drop glue the vtable describes).
    pub future_vtables: std::collections::HashMap<Ty, FutureVTableInfo>,
    /// After monomorphization: `Send`/`Sync` goals on types holding futures, with the use that
    /// needs each; they hold only if what the futures keep across `.await`s does, which
    /// `middle::send_check` decides once the frames are laid out.
    pub auto_obligations: Vec<(TraitRef, Span)>,
    /// `fn main`, when the crate has one.
    pub entry: Option<FnId>,
    /// The `#[test]` functions, in source order.
    pub tests: Vec<FnId>,
    pub tys: TyInterner,
    pub common: CommonTypes,
}

impl Crate {
    pub fn fn_def(&self, id: FnId) -> &FnDef {
        &self.fns[id.index()]
    }

    pub fn adt(&self, id: AdtId) -> &AdtDef {
        &self.adts[id.index()]
    }

    pub fn trait_def(&self, id: TraitId) -> &TraitDef {
        &self.traits[id.index()]
    }

    pub fn impl_def(&self, id: ImplId) -> &ImplDef {
        &self.impls[id.index()]
    }

    /// The types of the fields of `variant` of `Adt(adt, args)`.
    pub fn field_tys(&self, adt: AdtId, args: &[Ty], variant: VariantIdx) -> Vec<Ty> {
        self.adt(adt).variant(variant).fields.iter().map(|f| self.tys.subst(f.ty, args)).collect()
    }
}

/// The generic parameters of an item. An item nested in an `impl` or `trait` has the parent's
/// parameters first (a trait's parameter 0 is `Self`); `Param { index }` types index this list.
#[derive(Clone, Debug, Default)]
pub struct Generics {
    pub params: Vec<GenericParamDef>,
    /// How many of `params` belong to the enclosing `impl` or `trait`.
    pub parent_count: usize,
    /// Bounds from the parameter list and the `where` clause (the parent's included).
    pub predicates: Vec<Predicate>,
}

impl Generics {
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct GenericParamDef {
    pub name: String,
    pub span: Span,
}

/// A trait applied to types: `args[0]` is the `Self` type, the rest are the trait's parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TraitRef {
    pub trait_id: TraitId,
    pub args: Vec<Ty>,
}

impl TraitRef {
    pub fn self_ty(&self) -> Ty {
        self.args[0]
    }
}

/// A requirement a generic item states about its parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// `T: Trait<A>`
    Implements(TraitRef),
    /// `T: Iterator<Item = u32>`: the associated type `name` of the trait ref is `ty`.
    AssocEq { trait_ref: TraitRef, name: String, ty: Ty },
}

#[derive(Debug)]
pub struct TraitDef {
    pub name: String,
    pub path: String,
    pub span: Span,
    /// `Self` is parameter 0.
    pub generics: Generics,
    /// Supertraits, in terms of the trait's parameters.
    pub supertraits: Vec<TraitRef>,
    /// Methods and associated functions in declaration order (their bodies are the defaults).
    pub methods: Vec<(String, FnId)>,
    /// Associated types, with their defaults.
    pub assoc_types: Vec<(String, Option<Ty>)>,
    /// The default of each parameter (`Rhs = Self`), in terms of the earlier ones.
    pub param_defaults: Vec<Option<Ty>>,
    /// Bounds written on the associated types (`type IntoIter: Iterator<Item = Self::Item>`),
    /// about projections of `Self` in terms of the trait's parameters.
    pub assoc_predicates: Vec<Predicate>,
}

#[derive(Debug)]
pub struct ImplDef {
    pub generics: Generics,
    /// `None` for an inherent impl.
    pub trait_ref: Option<TraitRef>,
    pub self_ty: Ty,
    pub methods: Vec<(String, FnId)>,
    /// `type Item = T;`
    pub assoc_types: Vec<(String, Ty)>,
    pub span: Span,
    /// `impl !Sync for Cell<T> {}`: the type does not implement the (auto) trait.
    pub negative: bool,
}

impl ImplDef {
    pub fn method(&self, name: &str) -> Option<FnId> {
        self.methods.iter().find(|(n, _)| n == name).map(|(_, f)| *f)
    }

    pub fn assoc_ty(&self, name: &str) -> Option<Ty> {
        self.assoc_types.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }
}

/// The functions behind one async fn future type: `ctor` is the async fn itself (called, it
/// builds the frame), `poll` (`fn(&mut Frame, &mut Context) -> Poll<T>`) and `drop` (`fn(&mut
/// Frame)`, dropping what the frame holds in its state) have no HIR body: the coroutine
/// transform makes their MIR from the async fn's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoroutineFns {
    pub ctor: FnId,
    pub poll: FnId,
    pub drop: FnId,
}

/// What the runtime's vtable of one future type is made of (see `Crate::future_vtables`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FutureVTableInfo {
    pub poll: FnId,
    pub output: Ty,
}

/// Traits of the standard library the compiler names (operators, markers, formatting).
#[derive(Clone, Debug, Default)]
pub struct LangTraits {
    pub copy: Option<TraitId>,
    pub clone: Option<TraitId>,
    pub drop: Option<TraitId>,
    pub sized: Option<TraitId>,
    pub partial_eq: Option<TraitId>,
    pub partial_ord: Option<TraitId>,
    pub display: Option<TraitId>,
    pub debug: Option<TraitId>,
    pub iterator: Option<TraitId>,
    pub into_iterator: Option<TraitId>,
    pub fn_once: Option<TraitId>,
    pub fn_mut: Option<TraitId>,
    pub fn_: Option<TraitId>,
    pub deref: Option<TraitId>,
    pub deref_mut: Option<TraitId>,
    pub index: Option<TraitId>,
    pub index_mut: Option<TraitId>,
    /// `std::future::Future`: `.await` polls through it.
    pub future: Option<TraitId>,
    /// `std::marker::Send` and `Sync`: auto traits, decided from a type's parts unless an impl
    /// (positive or negative) of the type's ADT says otherwise (`traits.rs`).
    pub send: Option<TraitId>,
    pub sync: Option<TraitId>,
    /// `std::mem::MaybeUninit`: holds a `T` it never drops (no drop glue whatever `T` is).
    pub maybe_uninit: Option<AdtId>,
    /// `Add`, `Sub`, .. by operator (`BinOp as usize` for the arithmetic and bit operators).
    pub ops: Vec<(BinOp, TraitId)>,
}

/// A struct (one variant) or an enum.
#[derive(Debug)]
pub struct AdtDef {
    pub name: String,
    pub path: String,
    pub span: Span,
    pub is_enum: bool,
    pub variants: Vec<VariantDef>,
    pub generics: Generics,
    /// The traits named in `#[derive(..)]`, in order (`Debug`, `Clone`, `Copy`, ..).
    pub derives: Vec<String>,
    /// `Copy` (derived): values are copied, not moved.
    pub is_copy: bool,
}

impl AdtDef {
    pub fn variant(&self, v: VariantIdx) -> &VariantDef {
        &self.variants[v.index()]
    }
}

#[derive(Debug)]
pub struct VariantDef {
    pub name: String,
    pub ctor: CtorKind,
    pub fields: Vec<FieldDef>,
    /// The discriminant value (enums: explicit `= N` or the previous plus one; structs: 0).
    pub discr: i128,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtorKind {
    /// `S { a: T }`
    Named,
    /// `S(T)`
    Tuple,
    /// `S`
    Unit,
}

#[derive(Debug)]
pub struct FieldDef {
    /// The field's name; `"0"`, `"1"`.. for tuple fields.
    pub name: String,
    pub ty: Ty,
    pub public: bool,
    pub span: Span,
}

#[derive(Debug)]
pub struct StaticDef {
    pub name: String,
    pub path: String,
    pub ty: Ty,
    pub mutable: bool,
    /// The initializer, evaluated at compile time.
    pub value: ConstVal,
    pub span: Span,
}

/// A value computed at compile time: `const` items, `static` initializers, literal patterns.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstVal {
    /// An integer, as raw bits of its type (two's complement, truncated to the width).
    Int(u128),
    Float(f64),
    Bool(bool),
    Char(char),
    /// A `&'static str`.
    Str(String),
    /// A tuple, array, or struct/enum value (fields in declaration order).
    Aggregate {
        variant: VariantIdx,
        fields: Vec<ConstVal>,
    },
}

#[derive(Debug)]
pub struct FnDef {
    /// The item's own name.
    pub name: String,
    /// The path from the crate root (`geometry::shapes::square`), unique in the crate.
    pub path: String,
    pub span: Span,
    pub generics: Generics,
    pub params: Vec<Ty>,
    pub ret: Ty,
    /// Set for a method declared in a trait (its body, if any, is the default).
    pub trait_id: Option<TraitId>,
    /// Set for a function of an `impl` block.
    pub impl_id: Option<ImplId>,
    /// Defined by the standard library: compiled only where the program uses it.
    pub lib: bool,
    pub linkage: Linkage,
    /// `#[inline]`
    pub inline: bool,
    /// `#[track_caller]`: its panics (and bounds checks) report the caller's location.
    pub track_caller: bool,
    /// For an `async fn`: what its future gives (the body's type); `ret` is then the future,
    /// a `TyKind::Coroutine`.
    pub async_output: Option<Ty>,
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
    /// Declared in an `extern "C-unwind"` block: as `ImportC`, but a call may unwind (a panic
    /// raised by code the function calls back, such as the runtime's `block_on` polling a
    /// future), so calls are `invoke`s reaching the caller's cleanups.
    ImportCUnwind,
    /// Declared in the standard library's `extern "rust-intrinsic"` block: the compiler
    /// implements each call inline.
    Intrinsic(MemIntrinsic),
}

/// The memory and pointer intrinsics the standard library is written on. The generic ones act
/// on their type argument `T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemIntrinsic {
    /// `size_of<T>() -> usize`, `align_of<T>() -> usize`
    SizeOf,
    AlignOf,
    /// `size_of_val<T>(p: *const T) -> usize`, `align_of_val`: of the value `p` points to (for
    /// a trait object, read from its vtable; for a slice, from its length).
    SizeOfVal,
    AlignOfVal,
    /// `alloc(size, align) -> *mut u8` (aborts when out of memory), `alloc_zeroed`,
    /// `realloc(p, old_size, align, new_size) -> *mut u8`, `dealloc(p, size, align)`.
    Alloc,
    AllocZeroed,
    Realloc,
    Dealloc,
    /// `ptr_read<T>(p: *const T) -> T`, `ptr_write<T>(p: *mut T, v: T)`.
    PtrRead,
    PtrWrite,
    /// `ptr_add<T>(p: *mut T, n: usize) -> *mut T` (elements, not bytes).
    PtrAdd,
    /// `copy<T>(src: *const T, dst: *mut T, n: usize)`: `memmove` of `n` elements.
    Copy,
    /// `drop_in_place<T>(p: *mut T)`: runs `T`'s drop glue.
    DropInPlace,
    /// `forget<T>(v: T)`: consumes `v` without dropping it.
    Forget,
    /// `slice_from_raw_parts<T>(p: *const T, len) -> &[T]`, and the `&mut` one.
    SliceFromRawParts,
    SliceFromRawPartsMut,
    /// `str_from_raw_parts(p: *const u8, len) -> &str` (the bytes must be UTF-8).
    StrFromRawParts,
    /// `slice_as_ptr<T>(s: &[T]) -> *const T`, `str_as_ptr(s: &str) -> *const u8`.
    SliceAsPtr,
    StrAsPtr,
    /// Atomic operations on an integer `T` at `p` (`std/sync.ae`). The last arguments are
    /// memory orderings as `u8` constants: 0 relaxed, 1 release, 2 acquire, 3 acq_rel,
    /// 4 seq_cst (a non-constant ordering is seq_cst, which is valid for every request).
    /// `atomic_load<T>(p: *const T, ord) -> T`, `atomic_store<T>(p: *mut T, v: T, ord)`.
    AtomicLoad,
    AtomicStore,
    /// `atomic_xchg<T>(p, v, ord) -> T` and `atomic_fetch_add`/`sub`/`and`/`or`/`xor`: the
    /// read-modify-write operations, returning the previous value.
    AtomicXchg,
    AtomicFetchAdd,
    AtomicFetchSub,
    AtomicFetchAnd,
    AtomicFetchOr,
    AtomicFetchXor,
    /// `atomic_cxchg<T>(p, current, new, success, failure) -> T`: a strong compare-and-swap,
    /// returning the previous value (the swap happened when it equals `current`).
    AtomicCxchg,
    /// `atomic_fence(ord)`.
    AtomicFence,
    /// `uninit<T>() -> T`: a value whose bytes are unspecified (`MaybeUninit::uninit`).
    Uninit,
    /// `future_vtable<F>() -> *const u8`: the runtime's `AetherFutureVTable` for the future
    /// type `F` (a private constant per `F`; see `Crate::future_vtables`).
    FutureVTable,
    /// `drop_glue_fn<T>() -> *const u8`: the address of `T`'s drop glue (`void (void *)`, for
    /// the runtime to drop values it holds, such as a channel's elements), null when `T` needs
    /// no drop.
    DropGlueFn,
}

impl MemIntrinsic {
    pub fn from_name(name: &str) -> Option<MemIntrinsic> {
        Some(match name {
            "size_of" => MemIntrinsic::SizeOf,
            "align_of" => MemIntrinsic::AlignOf,
            "size_of_val" => MemIntrinsic::SizeOfVal,
            "align_of_val" => MemIntrinsic::AlignOfVal,
            "alloc" => MemIntrinsic::Alloc,
            "alloc_zeroed" => MemIntrinsic::AllocZeroed,
            "realloc" => MemIntrinsic::Realloc,
            "dealloc" => MemIntrinsic::Dealloc,
            "ptr_read" => MemIntrinsic::PtrRead,
            "ptr_write" => MemIntrinsic::PtrWrite,
            "ptr_add" => MemIntrinsic::PtrAdd,
            "copy" => MemIntrinsic::Copy,
            "drop_in_place" => MemIntrinsic::DropInPlace,
            "forget" => MemIntrinsic::Forget,
            "slice_from_raw_parts" => MemIntrinsic::SliceFromRawParts,
            "slice_from_raw_parts_mut" => MemIntrinsic::SliceFromRawPartsMut,
            "str_from_raw_parts" => MemIntrinsic::StrFromRawParts,
            "slice_as_ptr" => MemIntrinsic::SliceAsPtr,
            "str_as_ptr" => MemIntrinsic::StrAsPtr,
            "atomic_load" => MemIntrinsic::AtomicLoad,
            "atomic_store" => MemIntrinsic::AtomicStore,
            "atomic_xchg" => MemIntrinsic::AtomicXchg,
            "atomic_fetch_add" => MemIntrinsic::AtomicFetchAdd,
            "atomic_fetch_sub" => MemIntrinsic::AtomicFetchSub,
            "atomic_fetch_and" => MemIntrinsic::AtomicFetchAnd,
            "atomic_fetch_or" => MemIntrinsic::AtomicFetchOr,
            "atomic_fetch_xor" => MemIntrinsic::AtomicFetchXor,
            "atomic_cxchg" => MemIntrinsic::AtomicCxchg,
            "atomic_fence" => MemIntrinsic::AtomicFence,
            "uninit" => MemIntrinsic::Uninit,
            "future_vtable" => MemIntrinsic::FutureVTable,
            "drop_glue_fn" => MemIntrinsic::DropGlueFn,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Body {
    pub locals: Vec<LocalDecl>,
    /// The parameters, in order; they are the first locals.
    pub params: Vec<LocalId>,
    pub value: Expr,
    /// In an async block's function: `(local, param)` pairs saying that the enclosing body's
    /// `local`, which the block borrowed, is `*param` here.
    pub captured_by_ref: Vec<(LocalId, LocalId)>,
    /// The guards of async `defer!`s (`std::defer::AsyncDefer`), with `Future::poll`: MIR
    /// building awaits each where its scope is left normally instead of dropping it.
    pub exit_awaits: Vec<(LocalId, FnId)>,
    /// `Send`/`Sync` goals on types holding futures that type checking assumed (see
    /// `Crate::auto_obligations`), in the body's generic terms.
    pub auto_obligations: Vec<(TraitRef, Span)>,
}

impl Body {
    pub fn local(&self, id: LocalId) -> &LocalDecl {
        &self.locals[id.index()]
    }
}

#[derive(Clone, Debug)]
pub struct LocalDecl {
    pub name: String,
    pub ty: Ty,
    pub mutable: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
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

#[derive(Clone, Debug)]
pub enum ExprKind {
    Lit(Literal),
    Local(LocalId),
    /// A call of a function item with its generic arguments; a trait method's callee is the
    /// trait's declaration (`substs[0]` is `Self`), which monomorphization resolves to an impl.
    Call {
        callee: FnId,
        substs: Vec<Ty>,
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
    /// `panic!`, `unreachable!`, `todo!`, `unimplemented!` and failed `assert!`s: formats the
    /// message (same shape as `Print`) and panics at the expression's span. Type `!`.
    Panic {
        args: Vec<Expr>,
        pieces: Vec<PrintPiece>,
    },
    /// A compile-time value (a `const` item's use, a folded constant expression).
    Const(ConstVal),
    /// A `static` item, as a place.
    Static(StaticId),
    /// Field `field` of a struct, tuple or (after a variant check) enum variant `variant`.
    /// A place when `base` is one.
    Field {
        base: Box<Expr>,
        variant: VariantIdx,
        field: u32,
    },
    /// `*e`: a place. `e` is a reference or raw pointer (raw only in `unsafe`).
    Deref(Box<Expr>),
    /// `base[index]` on an array or slice (references already dereferenced): a bounds-checked
    /// place.
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// `&place` / `&mut place`.
    Ref {
        mutable: bool,
        place: Box<Expr>,
    },
    /// A pointer cast or coercion that changes only the type: `&T` to `*const T`, `&[T; N]` to
    /// `&[T]` (unsizing), `*const T` to `usize`. The target type is the expression's type.
    PtrCast(Box<Expr>),
    /// `fut.await` inside an async body: polls `fut` with `poll` (`Future::poll`, instantiated
    /// with `substs`: the future's type) until it is ready, suspending the coroutine while it is
    /// pending. The value is the future's output.
    Await {
        fut: Box<Expr>,
        poll: FnId,
        substs: Vec<Ty>,
    },
    Tuple(Vec<Expr>),
    Array(Vec<Expr>),
    /// `[value; count]`
    Repeat {
        value: Box<Expr>,
        count: u64,
    },
    /// A struct literal, tuple-struct or enum-variant constructor: the given fields (by index),
    /// then the remaining ones from `base` (`..base`).
    Adt {
        adt: AdtId,
        variant: VariantIdx,
        fields: Vec<(u32, Expr)>,
        base: Option<Box<Expr>>,
    },
    /// `match scrutinee { arms }`; arms are checked exhaustive and in order.
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<Arm>,
    },
    /// `let pat = scrutinee` as (part of) an `if` condition: true when the pattern matches,
    /// binding its variables for the `then` branch. Appears only as an `If` condition or an
    /// operand of `Logical { and: true }` inside one (let chains).
    Let {
        pat: Box<Pat>,
        scrutinee: Box<Expr>,
    },
    /// A closure expression: builds the environment from the captured locals (moved, or
    /// borrowed as `Capture::by_ref` says). The body is checked with the enclosing body (it
    /// names the parameters' and the captured locals' `LocalId`s of that body); monomorphization
    /// turns it into a function of its own.
    Closure {
        params: Vec<Pat>,
        body: Box<Expr>,
        captures: Vec<Capture>,
    },
    /// A compiler intrinsic called from the standard library (`sqrt`, memory, ..).
    Intrinsic {
        name: IntrinsicFn,
        args: Vec<Expr>,
    },
}

/// A local of the enclosing body that a closure captures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capture {
    pub local: LocalId,
    /// `None`: moved (or copied) into the closure; `Some(m)`: borrowed.
    pub by_ref: Option<crate::ty::Mutability>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
    /// Appends to the buffer a local points to (`*mut String`: `format!`, `write!`).
    Buf(LocalId),
}

#[derive(Clone, Debug)]
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

#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub expr: Option<Box<Expr>>,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// `let pat: ty = init else { else_block };`: the pattern is irrefutable unless there is
    /// an `else` block (which has type `!`).
    Let {
        pat: Pat,
        init: Option<Expr>,
        else_block: Option<Box<Expr>>,
        span: Span,
    },
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub struct Arm {
    pub pat: Pat,
    pub guard: Option<Expr>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Pat {
    pub kind: PatKind,
    /// The type of the value matched (after any implicit dereferences, see `Deref`).
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatKind {
    Wild,
    /// Binds the matched value (by copy/move, or by reference with `ref`/`ref mut` and Rust's
    /// default binding modes), then matches `sub` (`x @ sub`).
    Binding {
        local: LocalId,
        by_ref: Option<bool>,
        sub: Option<Box<Pat>>,
    },
    /// Equal to a constant (integer, char, bool, float, `&str`).
    Const(ConstVal),
    /// `lo..=hi`, `lo..hi`, `lo..`, `..=hi` over integers or chars.
    Range {
        lo: Option<ConstVal>,
        hi: Option<ConstVal>,
        inclusive: bool,
    },
    /// Tuple fields in order (`..` already expanded to wildcards).
    Tuple(Vec<Pat>),
    /// A struct, or an enum variant, with patterns for some fields (by index).
    Adt {
        adt: AdtId,
        variant: VariantIdx,
        fields: Vec<(u32, Pat)>,
    },
    /// Matches through a reference: `&p`, or an implicit dereference of default binding modes.
    Deref(Box<Pat>),
    Or(Vec<Pat>),
    /// `[a, b, rest @ .., z]` on arrays and slices.
    Slice {
        prefix: Vec<Pat>,
        middle: Option<Box<Pat>>,
        suffix: Vec<Pat>,
    },
}

/// Intrinsics the standard library is written on top of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntrinsicFn {
    SqrtF64,
    SqrtF32,
    /// The length of a slice or `str` (behind a reference).
    SliceLen,
    /// `std::process::exit(code: i32) -> !`: flushes stdout and exits with `code`.
    ProcessExit,
    /// `x.abs()` on a signed integer (wraps `MIN` to itself in release, panics with "attempt to
    /// negate with overflow" when overflow checks are on) or on a float (clears the sign bit).
    Abs,
    /// `x.pow(e: u32)` on an integer (overflow as for `*`), `x.powi(e: i32)` on a float.
    Pow,
    /// `x.powf(e)` on a float.
    Powf,
    /// `a.min(b)` / `a.max(b)` on integers and floats (floats: the non-NaN operand wins).
    Min,
    Max,
    /// `a.wrapping_add(b)`, `a.wrapping_sub(b)`, `a.wrapping_mul(b)`: two's complement wrapping.
    WrappingAdd,
    WrappingSub,
    WrappingMul,
    /// `a.saturating_add(b)`, `a.saturating_sub(b)`: clamped to the type's range.
    SaturatingAdd,
    SaturatingSub,
    /// `x.floor()`, `x.ceil()`, `x.round()` (half away from zero), `x.trunc()` on floats.
    Floor,
    Ceil,
    Round,
    Trunc,
}

/// The one definition of an expression's children, for the shared and mutable visitors.
macro_rules! visit_children {
    ($kind:expr, $f:ident, $iter:ident $(, $m:tt)?) => {
            match $kind {
                ExprKind::Lit(_)
                | ExprKind::Local(_)
                | ExprKind::Continue { .. }
                | ExprKind::Const(_)
                | ExprKind::Static(_) => {}
                ExprKind::Call { args, .. }
                | ExprKind::Print { args, .. }
                | ExprKind::Panic { args, .. }
                | ExprKind::Tuple(args)
                | ExprKind::Array(args)
                | ExprKind::Intrinsic { args, .. } => args.$iter().for_each($f),
                ExprKind::Binary { lhs, rhs, .. } | ExprKind::Logical { lhs, rhs, .. } => {
                    $f(lhs);
                    $f(rhs);
                }
                ExprKind::Assign { place, value } | ExprKind::AssignOp { place, value, .. } => {
                    $f(place);
                    $f(value);
                }
                ExprKind::Index { base, index } => {
                    $f(base);
                    $f(index);
                }
                ExprKind::Unary { operand: x, .. }
                | ExprKind::Cast(x)
                | ExprKind::Deref(x)
                | ExprKind::PtrCast(x)
                | ExprKind::Await { fut: x, .. }
                | ExprKind::Field { base: x, .. }
                | ExprKind::Ref { place: x, .. }
                | ExprKind::Repeat { value: x, .. }
                | ExprKind::Loop { body: x, .. }
                | ExprKind::Closure { body: x, .. }
                | ExprKind::Let { scrutinee: x, .. } => $f(x),
                ExprKind::Break { value, .. } | ExprKind::Return(value) => {
                    if let Some(v) = value {
                        $f(v);
                    }
                }
                ExprKind::Block(b) => {
                    for s in &$($m)? b.stmts {
                        match s {
                            Stmt::Let { init, else_block, .. } => {
                                if let Some(i) = init {
                                    $f(i);
                                }
                                if let Some(e) = else_block {
                                    $f(e);
                                }
                            }
                            Stmt::Expr(x) => $f(x),
                        }
                    }
                    if let Some(x) = &$($m)? b.expr {
                        $f(x);
                    }
                }
                ExprKind::If { cond, then, else_ } => {
                    $f(cond);
                    $f(then);
                    if let Some(x) = else_ {
                        $f(x);
                    }
                }
                ExprKind::Adt { fields, base, .. } => {
                    fields.$iter().for_each(|(_, x)| $f(x));
                    if let Some(b) = base {
                        $f(b);
                    }
                }
                ExprKind::Match { scrutinee, arms } => {
                    $f(scrutinee);
                    for a in arms {
                        if let Some(g) = &$($m)? a.guard {
                            $f(g);
                        }
                        $f(&$($m)? a.body);
                    }
                }
            }
    };
}

impl Expr {
    /// Calls `f` on each direct sub-expression, in evaluation order.
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        visit_children!(&self.kind, f, iter)
    }

    /// Calls `f` on each direct sub-expression, mutably, in evaluation order.
    pub fn for_each_child_mut(&mut self, mut f: impl FnMut(&mut Expr)) {
        visit_children!(&mut self.kind, f, iter_mut, mut)
    }
}
