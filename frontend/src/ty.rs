//! Semantic types. Types are interned in a [`TyInterner`]: a [`Ty`] is a small copyable index, and
//! two equal types always have the same index, so comparing types is comparing integers.
//! Inference variables (`TyKind::Infer`) appear only inside the type checker; every type that
//! reaches HIR consumers is fully resolved.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// A struct or enum of the crate (index into `hir::Crate::adts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AdtId(pub u32);

impl AdtId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A trait of the crate or the standard library (index into `hir::Crate::traits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraitId(pub u32);

impl TraitId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An interned type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ty(u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    I128,
    Isize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UintTy {
    U8,
    U16,
    U32,
    U64,
    U128,
    Usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatTy {
    F32,
    F64,
}

impl IntTy {
    pub fn bits(self, pointer_bits: u32) -> u32 {
        match self {
            IntTy::I8 => 8,
            IntTy::I16 => 16,
            IntTy::I32 => 32,
            IntTy::I64 => 64,
            IntTy::I128 => 128,
            IntTy::Isize => pointer_bits,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            IntTy::I8 => "i8",
            IntTy::I16 => "i16",
            IntTy::I32 => "i32",
            IntTy::I64 => "i64",
            IntTy::I128 => "i128",
            IntTy::Isize => "isize",
        }
    }
}

impl UintTy {
    pub fn bits(self, pointer_bits: u32) -> u32 {
        match self {
            UintTy::U8 => 8,
            UintTy::U16 => 16,
            UintTy::U32 => 32,
            UintTy::U64 => 64,
            UintTy::U128 => 128,
            UintTy::Usize => pointer_bits,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            UintTy::U8 => "u8",
            UintTy::U16 => "u16",
            UintTy::U32 => "u32",
            UintTy::U64 => "u64",
            UintTy::U128 => "u128",
            UintTy::Usize => "usize",
        }
    }
}

/// An inference variable's identity inside one function's type checking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InferTy {
    /// Any type.
    Var(u32),
    /// An integer literal's type: some integer type, `i32` if nothing decides.
    Int(u32),
    /// A float literal's type: `f32` or `f64`, `f64` if nothing decides.
    Float(u32),
}

/// Which call traits a closure implements: `Fn` ⊂ `FnMut` ⊂ `FnOnce` (a `Fn` closure is all
/// three).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClosureKind {
    Fn,
    FnMut,
    FnOnce,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutability {
    Not,
    Mut,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TyKind {
    Bool,
    Char,
    Int(IntTy),
    Uint(UintTy),
    Float(FloatTy),
    /// `str` (unsized; appears behind references).
    Str,
    /// `()` is the empty tuple.
    Tuple(Vec<Ty>),
    Never,
    Ref(Ty, Mutability),
    RawPtr(Ty, Mutability),
    Array(Ty, u64),
    Slice(Ty),
    /// A function pointer `fn(A) -> R`.
    FnPtr(Vec<Ty>, Ty),
    /// A struct or enum with its generic arguments.
    Adt(AdtId, Vec<Ty>),
    /// A generic parameter of the item being checked: `index` is its position in the item's
    /// generics (an impl's or trait's parameters first; in a trait, `Self` is 0).
    Param {
        index: u32,
        name: String,
    },
    /// The type of one closure expression (`id`): its signature, which call traits it
    /// implements, and its captured values (`upvars`, the fields of its environment: the value
    /// itself, or a reference for a capture by reference).
    Closure {
        id: u32,
        params: Vec<Ty>,
        ret: Ty,
        kind: ClosureKind,
        upvars: Vec<Ty>,
    },
    /// A trait object `dyn Trait<A, Name = T>` (unsized; appears behind pointers): `args` are the
    /// trait's parameters after `Self`, `assoc` binds the associated types of the trait and its
    /// supertraits by name (`dyn Fn(i32) -> i32` binds `Output`). Auto traits (`+ Send`) add
    /// nothing a value needs, so they are not kept.
    Dynamic {
        trait_id: TraitId,
        args: Vec<Ty>,
        assoc: Vec<(String, Ty)>,
    },
    /// The future an `async fn` call returns: `def` is the async fn (a `hir::FnId` index),
    /// `args` its generic arguments, `output` what awaiting it gives. Its layout (the coroutine
    /// frame) is decided by the coroutine transform in `middle`.
    Coroutine {
        def: u32,
        args: Vec<Ty>,
        output: Ty,
    },
    /// An associated type of a trait not yet known to be a concrete type: `<T as Iterator>::Item`.
    /// `args[0]` is the `Self` type, the rest are the trait's parameters.
    Projection {
        trait_id: TraitId,
        args: Vec<Ty>,
        name: String,
    },
    Infer(InferTy),
    /// A type that failed to check; unifies with everything so one error does not cascade.
    Error,
}

/// Owns every type of a compilation. Interning takes `&self` (the table only grows), so every
/// stage, the backend's layout code included, can build the types it substitutes.
pub struct TyInterner {
    kinds: elsa::FrozenVec<Box<TyKind>>,
    map: RefCell<HashMap<TyKind, Ty>>,
    /// Projections on concrete types and what they normalize to, recorded by
    /// monomorphization: interning such a projection again gives the normalized type, so a
    /// field type substituted later (`<I as Iterator>::Item` in `Peekable<I>`, for layouts
    /// and drop glue) is the concrete type too.
    normalized: RefCell<HashMap<TyKind, Ty>>,
    /// The name of each ADT and trait, for displaying types.
    adt_names: Vec<String>,
    trait_names: Vec<String>,
}

impl fmt::Debug for TyInterner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TyInterner({} types)", self.kinds.len())
    }
}

/// Types every stage needs by name, interned up front.
#[derive(Clone, Copy, Debug)]
pub struct CommonTypes {
    pub unit: Ty,
    pub bool: Ty,
    pub char: Ty,
    pub never: Ty,
    pub str: Ty,
    pub static_str: Ty,
    pub i8: Ty,
    pub i16: Ty,
    pub i32: Ty,
    pub i64: Ty,
    pub i128: Ty,
    pub isize: Ty,
    pub u8: Ty,
    pub u16: Ty,
    pub u32: Ty,
    pub u64: Ty,
    pub u128: Ty,
    pub usize: Ty,
    pub f32: Ty,
    pub f64: Ty,
    pub error: Ty,
}

impl TyInterner {
    pub fn new() -> (TyInterner, CommonTypes) {
        let t = TyInterner {
            kinds: elsa::FrozenVec::new(),
            map: RefCell::new(HashMap::new()),
            normalized: RefCell::new(HashMap::new()),
            adt_names: Vec::new(),
            trait_names: Vec::new(),
        };
        let str = t.intern(TyKind::Str);
        let common = CommonTypes {
            unit: t.intern(TyKind::Tuple(Vec::new())),
            bool: t.intern(TyKind::Bool),
            char: t.intern(TyKind::Char),
            never: t.intern(TyKind::Never),
            str,
            static_str: t.intern(TyKind::Ref(str, Mutability::Not)),
            i8: t.intern(TyKind::Int(IntTy::I8)),
            i16: t.intern(TyKind::Int(IntTy::I16)),
            i32: t.intern(TyKind::Int(IntTy::I32)),
            i64: t.intern(TyKind::Int(IntTy::I64)),
            i128: t.intern(TyKind::Int(IntTy::I128)),
            isize: t.intern(TyKind::Int(IntTy::Isize)),
            u8: t.intern(TyKind::Uint(UintTy::U8)),
            u16: t.intern(TyKind::Uint(UintTy::U16)),
            u32: t.intern(TyKind::Uint(UintTy::U32)),
            u64: t.intern(TyKind::Uint(UintTy::U64)),
            u128: t.intern(TyKind::Uint(UintTy::U128)),
            usize: t.intern(TyKind::Uint(UintTy::Usize)),
            f32: t.intern(TyKind::Float(FloatTy::F32)),
            f64: t.intern(TyKind::Float(FloatTy::F64)),
            error: t.intern(TyKind::Error),
        };
        // MIR's checked arithmetic produces `(T, bool)` for every integer type; interning the
        // pairs up front lets later stages use a shared interner.
        for int in [
            common.i8,
            common.i16,
            common.i32,
            common.i64,
            common.i128,
            common.isize,
            common.u8,
            common.u16,
            common.u32,
            common.u64,
            common.u128,
            common.usize,
        ] {
            t.intern(TyKind::Tuple(vec![int, common.bool]));
        }
        (t, common)
    }

    /// Records the display name of the next ADT (ADT ids are dense, in declaration order).
    pub fn add_adt_name(&mut self, name: impl Into<String>) -> AdtId {
        self.adt_names.push(name.into());
        AdtId(self.adt_names.len() as u32 - 1)
    }

    /// Records the display name of the next trait (trait ids are dense, in declaration order).
    pub fn add_trait_name(&mut self, name: impl Into<String>) -> TraitId {
        self.trait_names.push(name.into());
        TraitId(self.trait_names.len() as u32 - 1)
    }

    pub fn trait_name(&self, id: TraitId) -> &str {
        self.trait_names.get(id.index()).map(String::as_str).unwrap_or("<trait>")
    }

    /// The interned type of `kind`, if it was interned.
    pub fn lookup(&self, kind: &TyKind) -> Option<Ty> {
        self.map.borrow().get(kind).copied()
    }

    pub fn intern(&self, kind: TyKind) -> Ty {
        if let TyKind::Projection { .. } = kind {
            if let Some(&t) = self.normalized.borrow().get(&kind) {
                return t;
            }
        }
        let mut map = self.map.borrow_mut();
        if let Some(&t) = map.get(&kind) {
            return t;
        }
        let t = Ty(self.kinds.len() as u32);
        self.kinds.push(Box::new(kind.clone()));
        map.insert(kind, t);
        t
    }

    /// Records that the projection `p` (on concrete types) normalizes to `to` (see
    /// `normalized`).
    pub fn record_normalized(&self, p: Ty, to: Ty) {
        if let TyKind::Projection { .. } = self.kind(p) {
            self.normalized.borrow_mut().insert(self.kind(p).clone(), to);
        }
    }

    pub fn kind(&self, t: Ty) -> &TyKind {
        &self.kinds[t.0 as usize]
    }

    /// `t` with every direct component type replaced by `f(component)`.
    pub fn map_components(&self, t: Ty, f: &mut dyn FnMut(Ty) -> Ty) -> Ty {
        let kind = match self.kind(t) {
            TyKind::Tuple(ts) => TyKind::Tuple(ts.iter().map(|x| f(*x)).collect()),
            TyKind::Ref(x, m) => TyKind::Ref(f(*x), *m),
            TyKind::RawPtr(x, m) => TyKind::RawPtr(f(*x), *m),
            TyKind::Array(x, n) => TyKind::Array(f(*x), *n),
            TyKind::Slice(x) => TyKind::Slice(f(*x)),
            TyKind::FnPtr(ps, r) => TyKind::FnPtr(ps.iter().map(|x| f(*x)).collect(), f(*r)),
            TyKind::Adt(id, args) => TyKind::Adt(*id, args.iter().map(|x| f(*x)).collect()),
            TyKind::Projection { trait_id, args, name } => TyKind::Projection {
                trait_id: *trait_id,
                args: args.iter().map(|x| f(*x)).collect(),
                name: name.clone(),
            },
            TyKind::Dynamic { trait_id, args, assoc } => TyKind::Dynamic {
                trait_id: *trait_id,
                args: args.iter().map(|x| f(*x)).collect(),
                assoc: assoc.iter().map(|(n, x)| (n.clone(), f(*x))).collect(),
            },
            TyKind::Coroutine { def, args, output } => {
                TyKind::Coroutine { def: *def, args: args.iter().map(|x| f(*x)).collect(), output: f(*output) }
            }
            TyKind::Closure { id, params, ret, kind, upvars } => TyKind::Closure {
                id: *id,
                params: params.iter().map(|x| f(*x)).collect(),
                ret: f(*ret),
                kind: *kind,
                upvars: upvars.iter().map(|x| f(*x)).collect(),
            },
            _ => return t,
        };
        self.intern(kind)
    }

    /// Replaces each generic parameter `Param { index: i }` of `t` with `args[i]`. Parameters
    /// beyond `args` stay (a method's own parameters while only the impl's are known).
    pub fn subst(&self, t: Ty, args: &[Ty]) -> Ty {
        if args.is_empty() || !self.has_params(t) {
            return t;
        }
        match self.kind(t) {
            TyKind::Param { index, .. } => args.get(*index as usize).copied().unwrap_or(t),
            _ => self.map_components(t, &mut |x| self.subst(x, args)),
        }
    }

    /// Whether `t` mentions a generic parameter (so it differs between instances).
    pub fn has_params(&self, t: Ty) -> bool {
        match self.kind(t) {
            TyKind::Param { .. } => true,
            TyKind::Tuple(ts) => ts.iter().any(|x| self.has_params(*x)),
            TyKind::Ref(x, _) | TyKind::RawPtr(x, _) | TyKind::Array(x, _) | TyKind::Slice(x) => self.has_params(*x),
            TyKind::FnPtr(ps, r) => ps.iter().any(|x| self.has_params(*x)) || self.has_params(*r),
            TyKind::Adt(_, args) | TyKind::Projection { args, .. } => args.iter().any(|x| self.has_params(*x)),
            TyKind::Dynamic { args, assoc, .. } => {
                args.iter().any(|x| self.has_params(*x)) || assoc.iter().any(|(_, x)| self.has_params(*x))
            }
            TyKind::Coroutine { args, output, .. } => {
                args.iter().any(|x| self.has_params(*x)) || self.has_params(*output)
            }
            TyKind::Closure { params, ret, upvars, .. } => {
                params.iter().chain(upvars).any(|x| self.has_params(*x)) || self.has_params(*ret)
            }
            _ => false,
        }
    }

    /// Whether `t` mentions an inference variable.
    pub fn has_infer(&self, t: Ty) -> bool {
        match self.kind(t) {
            TyKind::Infer(_) => true,
            TyKind::Tuple(ts) => ts.iter().any(|x| self.has_infer(*x)),
            TyKind::Ref(x, _) | TyKind::RawPtr(x, _) | TyKind::Array(x, _) | TyKind::Slice(x) => self.has_infer(*x),
            TyKind::FnPtr(ps, r) => ps.iter().any(|x| self.has_infer(*x)) || self.has_infer(*r),
            TyKind::Adt(_, args) | TyKind::Projection { args, .. } => args.iter().any(|x| self.has_infer(*x)),
            TyKind::Dynamic { args, assoc, .. } => {
                args.iter().any(|x| self.has_infer(*x)) || assoc.iter().any(|(_, x)| self.has_infer(*x))
            }
            TyKind::Coroutine { args, output, .. } => {
                args.iter().any(|x| self.has_infer(*x)) || self.has_infer(*output)
            }
            TyKind::Closure { params, ret, upvars, .. } => {
                params.iter().chain(upvars).any(|x| self.has_infer(*x)) || self.has_infer(*ret)
            }
            _ => false,
        }
    }

    /// For an unsizing conversion from `from` to `to` (`&T` to `&dyn Trait`, `&[T; N]` to `&[T]`,
    /// `Box<T>` to `Box<dyn Trait>`): the pointee before and after. `None` when `to` is not an
    /// unsized version of `from`.
    pub fn unsize_pointees(&self, from: Ty, to: Ty) -> Option<(Ty, Ty)> {
        let unsized_target = |a: Ty, b: Ty| match (self.kind(a), self.kind(b)) {
            (TyKind::Dynamic { .. }, _) => false,
            (_, TyKind::Dynamic { .. }) => true,
            (TyKind::Array(..), TyKind::Slice(_)) => true,
            _ => false,
        };
        match (self.kind(from), self.kind(to)) {
            (TyKind::Ref(a, _), TyKind::Ref(b, _))
            | (TyKind::RawPtr(a, _), TyKind::RawPtr(b, _))
            | (TyKind::Ref(a, _), TyKind::RawPtr(b, _)) => unsized_target(*a, *b).then_some((*a, *b)),
            // A smart pointer (`Box<T>`): the argument that becomes unsized.
            (TyKind::Adt(i, xs), TyKind::Adt(j, ys)) if i == j && xs.len() == ys.len() => {
                let mut diff = xs.iter().zip(ys).filter(|(x, y)| x != y);
                let (a, b) = diff.next()?;
                (diff.next().is_none() && matches!(self.kind(*b), TyKind::Dynamic { .. }) && unsized_target(*a, *b))
                    .then_some((*a, *b))
            }
            _ => None,
        }
    }

    pub fn is_unit(&self, t: Ty) -> bool {
        matches!(self.kind(t), TyKind::Tuple(v) if v.is_empty())
    }

    pub fn is_integral(&self, t: Ty) -> bool {
        matches!(self.kind(t), TyKind::Int(_) | TyKind::Uint(_) | TyKind::Infer(InferTy::Int(_)))
    }

    pub fn is_signed(&self, t: Ty) -> bool {
        matches!(self.kind(t), TyKind::Int(_))
    }

    /// Displays a type as the user would write it (`&str`, `(i32, bool)`, `{integer}`).
    pub fn display(&self, t: Ty) -> TyDisplay<'_> {
        TyDisplay { tys: self, ty: t }
    }
}

pub struct TyDisplay<'a> {
    tys: &'a TyInterner,
    ty: Ty,
}

impl fmt::Display for TyDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = |t: Ty| TyDisplay { tys: self.tys, ty: t };
        match self.tys.kind(self.ty) {
            TyKind::Bool => write!(f, "bool"),
            TyKind::Char => write!(f, "char"),
            TyKind::Int(i) => write!(f, "{}", i.name()),
            TyKind::Uint(u) => write!(f, "{}", u.name()),
            TyKind::Float(FloatTy::F32) => write!(f, "f32"),
            TyKind::Float(FloatTy::F64) => write!(f, "f64"),
            TyKind::Str => write!(f, "str"),
            TyKind::Tuple(ts) => {
                write!(f, "(")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", d(*t))?;
                }
                if ts.len() == 1 {
                    write!(f, ",")?;
                }
                write!(f, ")")
            }
            TyKind::Never => write!(f, "!"),
            TyKind::Ref(t, Mutability::Not) => write!(f, "&{}", d(*t)),
            TyKind::Ref(t, Mutability::Mut) => write!(f, "&mut {}", d(*t)),
            TyKind::RawPtr(t, Mutability::Not) => write!(f, "*const {}", d(*t)),
            TyKind::RawPtr(t, Mutability::Mut) => write!(f, "*mut {}", d(*t)),
            TyKind::Array(t, n) => write!(f, "[{}; {}]", d(*t), n),
            TyKind::Slice(t) => write!(f, "[{}]", d(*t)),
            TyKind::FnPtr(args, ret) => {
                write!(f, "fn(")?;
                for (i, t) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", d(*t))?;
                }
                write!(f, ")")?;
                if !self.tys.is_unit(*ret) {
                    write!(f, " -> {}", d(*ret))?;
                }
                Ok(())
            }
            TyKind::Adt(id, args) => {
                write!(f, "{}", self.tys.adt_names.get(id.index()).map(String::as_str).unwrap_or("<adt>"))?;
                if !args.is_empty() {
                    write!(f, "<")?;
                    for (i, t) in args.iter().enumerate() {
                        if i > 0 {
                            write!(f, ", ")?;
                        }
                        write!(f, "{}", d(*t))?;
                    }
                    write!(f, ">")?;
                }
                Ok(())
            }
            TyKind::Param { name, .. } => write!(f, "{name}"),
            TyKind::Coroutine { output, .. } => write!(f, "impl Future<Output = {}>", d(*output)),
            TyKind::Dynamic { trait_id, args, assoc } => {
                let name = self.tys.trait_name(*trait_id);
                let list = |f: &mut fmt::Formatter<'_>, ts: &mut dyn Iterator<Item = Ty>| -> fmt::Result {
                    for (i, t) in ts.enumerate() {
                        if i > 0 {
                            write!(f, ", ")?;
                        }
                        write!(f, "{}", d(t))?;
                    }
                    Ok(())
                };
                // `dyn Fn(A) -> R` is written with the call sugar.
                let sugar_args = match (name, args.first().map(|a| self.tys.kind(*a))) {
                    ("Fn" | "FnMut" | "FnOnce", Some(TyKind::Tuple(ins))) if args.len() == 1 => Some(ins),
                    _ => None,
                };
                if let Some(ins) = sugar_args {
                    write!(f, "dyn {name}(")?;
                    list(f, &mut ins.iter().copied())?;
                    write!(f, ")")?;
                    match assoc.iter().find(|(n, _)| n == "Output") {
                        Some((_, r)) if !self.tys.is_unit(*r) => write!(f, " -> {}", d(*r)),
                        _ => Ok(()),
                    }
                } else {
                    write!(f, "dyn {name}")?;
                    if !args.is_empty() || !assoc.is_empty() {
                        write!(f, "<")?;
                        list(f, &mut args.iter().copied())?;
                        for (i, (n, t)) in assoc.iter().enumerate() {
                            if i > 0 || !args.is_empty() {
                                write!(f, ", ")?;
                            }
                            write!(f, "{n} = {}", d(*t))?;
                        }
                        write!(f, ">")?;
                    }
                    Ok(())
                }
            }
            TyKind::Closure { id, .. } => write!(f, "{{closure#{id}}}"),
            TyKind::Projection { trait_id, args, name } => {
                if args.len() == 1 {
                    write!(f, "<{} as {}>::{}", d(args[0]), self.tys.trait_name(*trait_id), name)
                } else {
                    write!(f, "<{} as {}<", d(args[0]), self.tys.trait_name(*trait_id))?;
                    for (i, t) in args[1..].iter().enumerate() {
                        if i > 0 {
                            write!(f, ", ")?;
                        }
                        write!(f, "{}", d(*t))?;
                    }
                    write!(f, ">>::{name}")
                }
            }
            TyKind::Infer(InferTy::Int(_)) => write!(f, "{{integer}}"),
            TyKind::Infer(InferTy::Float(_)) => write!(f, "{{float}}"),
            TyKind::Infer(InferTy::Var(_)) => write!(f, "_"),
            TyKind::Error => write!(f, "{{error}}"),
        }
    }
}
