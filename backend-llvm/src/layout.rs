//! Memory layout: semantic types to LLVM types, sizes and alignments.
//!
//! The rules (sizes and alignments of the LLVM types come from the target's data layout, so
//! they match C's for the same target):
//!
//! - Zero-sized types (`()`, `!`, empty structs, tuples and arrays of ZSTs, `[T; 0]`, enums
//!   without variants) have no LLVM type: locals of those types get no stack slot, values of
//!   them are never loaded or stored, and parameters and return values of those types are left
//!   out of signatures.
//! - Scalars: integers are `iN`, `char` is `i32`, `f32`/`f64` are `float`/`double`. `bool` is
//!   `i1` as an SSA value (comparisons, branch conditions, arguments and returns) but `i8` in
//!   memory (stack slots, fields, array elements, statics), as rustc does: C reads a `bool`
//!   byte, and LLVM leaves the upper bits of a stored `i1` unspecified. Loads truncate and
//!   stores zero-extend ([`Layouts::llvm_type`] is the memory type, [`Layouts::imm_type`] the
//!   SSA one); aggregates always hold the memory form.
//! - `&T`, `&mut T`, `*const T`, `*mut T` and `fn` pointers are a thin `ptr`; references and
//!   raw pointers to `[T]` or `str` are fat: `{ ptr, usize }` (data pointer, then the length).
//! - Tuples and structs are LLVM structs of their non-zero-sized fields **in declaration
//!   order**. rustc reorders fields to minimize padding (its `repr(Rust)` layout is
//!   unspecified); we do not, so every struct has C's `repr(C)` layout. Structs are named
//!   LLVM types (`%geometry::Point`) for readable IR.
//! - Arrays are LLVM arrays of the element's memory type.
//! - Enums are niche-free tagged unions: the tag is the smallest integer type (`i8`, `i16`,
//!   `i32`, `i64`, `i128`) holding every discriminant (signed when one is negative), and stores
//!   the discriminant value itself (explicit `= N` respected, so `as` casts read it), never a
//!   variant index. Each variant's fields form a payload struct (`%E::V`, declaration order,
//!   ZSTs omitted); the enum is `{ tag, [N x iK] }` where `iK` is an integer with the largest
//!   payload alignment and `N x K` bytes cover the largest payload, so the union starts at the
//!   first offset after the tag aligned for every payload and the size and alignment are those
//!   of a C `struct { tag; union { payloads } }`. A field of variant `v` is reached by
//!   `Downcast(v)` (the address of the union) followed by a field of `%E::V`. An enum none of
//!   whose variants carries data is just the tag; every enum with variants has a tag, even a
//!   one-variant one (rustc would omit it), and no niche (`Option<&T>` is two words, not one).

use std::cell::RefCell;
use std::collections::HashMap;

use aether_frontend::hir::{self, AdtDef, VariantIdx};
use aether_frontend::ty::{FloatTy, IntTy, Mutability, Ty, TyInterner, TyKind, UintTy};
use inkwell::context::Context;
use inkwell::targets::TargetData;
use inkwell::types::{BasicType, BasicTypeEnum, IntType, StructType};
use inkwell::AddressSpace;

pub struct Layouts<'ctx, 'a> {
    pub cx: &'ctx Context,
    pub tys: &'a TyInterner,
    pub adts: &'a [AdtDef],
    pub td: TargetData,
    pub usize_bits: u32,
    adt_cache: RefCell<HashMap<Ty, AdtLayout<'ctx>>>,
    /// The coroutine frames the transform described (empty for unit tests without MIR).
    pub frames: Option<&'a HashMap<Ty, aether_middle::coroutine::FrameLayout>>,
    frame_cache: RefCell<HashMap<Ty, FrameLlvm<'ctx>>>,
    frames_in_progress: RefCell<Vec<Ty>>,
}

/// A coroutine frame in LLVM: the slots (`assign_slots` order: decreasing alignment, so no
/// padding) as integer arrays of their alignment, then the state word.
#[derive(Clone, Debug)]
pub struct FrameLlvm<'ctx> {
    pub ty: StructType<'ctx>,
    /// Per frame field (0 = state, k + 1 = saved local k): its struct index.
    pub field_index: Vec<u32>,
    pub slots: aether_middle::storage_conflicts::SlotAssignment,
    /// Offset of the state word.
    pub state_offset: u64,
}

/// The layout of one struct or enum type.
#[derive(Clone, Debug)]
pub enum AdtLayout<'ctx> {
    /// A struct: its LLVM type (`None` when zero-sized) and each field's struct index (`None`
    /// for zero-sized fields).
    Struct { ty: Option<StructType<'ctx>>, fields: Vec<Option<u32>> },
    /// An enum with at least one variant.
    Enum(EnumLayout<'ctx>),
    /// An enum without variants: uninhabited, zero-sized.
    Empty,
}

#[derive(Clone, Debug)]
pub struct EnumLayout<'ctx> {
    pub tag: IntType<'ctx>,
    /// Whether the tag is read sign-extended (some discriminant is negative).
    pub tag_signed: bool,
    /// `{ tag, [N x iK] }`, or `None` when no variant has data (the enum is just the tag).
    pub ty: Option<StructType<'ctx>>,
    pub variants: Vec<VariantLayout<'ctx>>,
}

#[derive(Clone, Debug)]
pub struct VariantLayout<'ctx> {
    /// The payload struct, `None` when the variant carries no data.
    pub payload: Option<StructType<'ctx>>,
    pub fields: Vec<Option<u32>>,
    pub discr: i128,
}

impl<'ctx> EnumLayout<'ctx> {
    /// The LLVM type of the whole enum.
    pub fn llvm_type(&self) -> BasicTypeEnum<'ctx> {
        match self.ty {
            Some(st) => st.into(),
            None => self.tag.into(),
        }
    }

    /// The tag's bits for a discriminant (two's complement, truncated to the tag's width).
    pub fn tag_value(&self, discr: i128) -> inkwell::values::IntValue<'ctx> {
        const_u128(self.tag, discr as u128)
    }
}

impl<'ctx, 'a> Layouts<'ctx, 'a> {
    pub fn new(cx: &'ctx Context, krate: &'a hir::Crate, td: TargetData) -> Layouts<'ctx, 'a> {
        let usize_bits = td.get_pointer_byte_size(None) * 8;
        Layouts {
            cx,
            tys: &krate.tys,
            adts: &krate.adts,
            td,
            usize_bits,
            adt_cache: RefCell::new(HashMap::new()),
            frames: None,
            frame_cache: RefCell::new(HashMap::new()),
            frames_in_progress: RefCell::new(Vec::new()),
        }
    }

    /// These layouts with the program's coroutine frames.
    pub fn with_frames(mut self, frames: &'a HashMap<Ty, aether_middle::coroutine::FrameLayout>) -> Self {
        self.frames = Some(frames);
        self
    }

    /// The memory type of `t`, or `None` if it is zero-sized.
    pub fn llvm_type(&self, t: Ty) -> Option<BasicTypeEnum<'ctx>> {
        let cx = self.cx;
        Some(match self.tys.kind(t) {
            TyKind::Bool => cx.i8_type().into(),
            TyKind::Char => cx.i32_type().into(),
            TyKind::Int(i) => int_type(cx, int_bits(*i, self.usize_bits)).into(),
            TyKind::Uint(u) => int_type(cx, uint_bits(*u, self.usize_bits)).into(),
            TyKind::Float(FloatTy::F32) => cx.f32_type().into(),
            TyKind::Float(FloatTy::F64) => cx.f64_type().into(),
            TyKind::Tuple(elems) | TyKind::Closure { upvars: elems, .. } => {
                let fields: Vec<BasicTypeEnum> = elems.iter().filter_map(|e| self.llvm_type(*e)).collect();
                if fields.is_empty() {
                    return None;
                }
                cx.struct_type(&fields, false).into()
            }
            TyKind::Never => return None,
            TyKind::Ref(inner, _) | TyKind::RawPtr(inner, _) => {
                if self.is_unsized(*inner) {
                    self.fat_ptr_type_of(*inner).into()
                } else {
                    self.ptr_type().into()
                }
            }
            TyKind::Array(elem, n) => match self.llvm_type(*elem) {
                Some(e) if *n > 0 => e.array_type(*n as u32).into(),
                _ => return None,
            },
            TyKind::FnPtr(..) => self.ptr_type().into(),
            TyKind::Coroutine { .. } => self.frame_layout(t).ty.into(),
            TyKind::Adt(..) => match self.adt_layout(t) {
                AdtLayout::Struct { ty, .. } => ty?.into(),
                AdtLayout::Enum(e) => e.llvm_type(),
                AdtLayout::Empty => return None,
            },
            TyKind::Str
            | TyKind::Slice(_)
            | TyKind::Dynamic { .. }
            | TyKind::Infer(_)
            | TyKind::Error
            | TyKind::Param { .. }
            | TyKind::Projection { .. } => {
                unreachable!("type {:?} never reaches code generation as a value", self.tys.kind(t))
            }
        })
    }

    /// The SSA type of values of `t`: the memory type, except `i1` for `bool`.
    pub fn imm_type(&self, t: Ty) -> Option<BasicTypeEnum<'ctx>> {
        match self.tys.kind(t) {
            TyKind::Bool => Some(self.cx.bool_type().into()),
            _ => self.llvm_type(t),
        }
    }

    pub fn is_unsized(&self, t: Ty) -> bool {
        matches!(self.tys.kind(t), TyKind::Str | TyKind::Slice(_) | TyKind::Dynamic { .. })
    }

    /// Whether values of type `t` are two words (a reference or raw pointer to `[T]`/`str`/`dyn`).
    pub fn is_fat_ptr(&self, t: Ty) -> bool {
        match self.tys.kind(t) {
            TyKind::Ref(inner, _) | TyKind::RawPtr(inner, _) => self.is_unsized(*inner),
            _ => false,
        }
    }

    pub fn ptr_type(&self) -> inkwell::types::PointerType<'ctx> {
        self.cx.ptr_type(AddressSpace::default())
    }

    pub fn usize_type(&self) -> IntType<'ctx> {
        int_type(self.cx, self.usize_bits)
    }

    /// `{ ptr, usize }`: a pointer to a slice or `str` with its length.
    pub fn fat_ptr_type(&self) -> StructType<'ctx> {
        self.cx.struct_type(&[self.ptr_type().into(), self.usize_type().into()], false)
    }

    /// The pointer type to the unsized `pointee`: `{ ptr, usize }` for slices and `str`,
    /// `{ ptr, ptr }` (data, vtable) for trait objects.
    pub fn fat_ptr_type_of(&self, pointee: Ty) -> StructType<'ctx> {
        match self.tys.kind(pointee) {
            TyKind::Dynamic { .. } => self.cx.struct_type(&[self.ptr_type().into(), self.ptr_type().into()], false),
            _ => self.fat_ptr_type(),
        }
    }

    pub fn is_zst(&self, t: Ty) -> bool {
        match self.tys.kind(t) {
            TyKind::Str | TyKind::Slice(_) | TyKind::Dynamic { .. } => false,
            _ => self.llvm_type(t).is_none(),
        }
    }

    /// Size in bytes (0 for zero-sized types).
    pub fn size_of(&self, t: Ty) -> u64 {
        self.llvm_type(t).map_or(0, |lt| self.td.get_abi_size(&lt))
    }

    /// ABI alignment in bytes. Zero-sized types keep the alignment of what they are made of
    /// (`[u64; 0]` is 8-aligned), so their dangling addresses are aligned.
    pub fn align_of(&self, t: Ty) -> u32 {
        if let Some(lt) = self.llvm_type(t) {
            return self.td.get_abi_alignment(&lt);
        }
        match self.tys.kind(t) {
            TyKind::Array(e, _) => self.align_of(*e),
            TyKind::Tuple(es) | TyKind::Closure { upvars: es, .. } => {
                es.iter().map(|e| self.align_of(*e)).max().unwrap_or(1)
            }
            TyKind::Adt(id, args) => self.adts[id.index()]
                .variants
                .iter()
                .flat_map(|v| v.fields.iter())
                .map(|f| self.align_of(self.tys.subst(f.ty, args)))
                .max()
                .unwrap_or(1),
            _ => 1,
        }
    }

    /// The element type of an array or slice type.
    pub fn elem_ty(&self, t: Ty) -> Option<Ty> {
        match self.tys.kind(t) {
            TyKind::Array(e, _) | TyKind::Slice(e) => Some(*e),
            _ => None,
        }
    }

    /// The LLVM struct index of field `i` of tuple type `t` (zero-sized fields have none).
    pub fn tuple_field_index(&self, elems: &[Ty], i: u32) -> Option<u32> {
        if self.is_zst(elems[i as usize]) {
            return None;
        }
        Some(elems[..i as usize].iter().filter(|e| !self.is_zst(**e)).count() as u32)
    }

    /// The struct type and the LLVM field index of field `i` of a tuple, struct, or (with
    /// `variant`) enum variant payload; `None` when the field is zero-sized.
    pub fn field(&self, t: Ty, variant: Option<VariantIdx>, i: u32) -> Option<(StructType<'ctx>, u32)> {
        match self.tys.kind(t) {
            TyKind::Tuple(elems) | TyKind::Closure { upvars: elems, .. } => {
                let idx = self.tuple_field_index(elems, i)?;
                Some((self.llvm_type(t)?.into_struct_type(), idx))
            }
            TyKind::Coroutine { .. } => {
                let f = self.frame_layout(t);
                Some((f.ty, f.field_index[i as usize]))
            }
            TyKind::Adt(..) => match (self.adt_layout(t), variant) {
                (AdtLayout::Struct { ty, fields }, _) => Some((ty?, fields[i as usize]?)),
                (AdtLayout::Enum(e), Some(v)) => {
                    let vl = &e.variants[v.index()];
                    Some((vl.payload?, vl.fields[i as usize]?))
                }
                (l, v) => {
                    unreachable!("field {i} of {l:?} (variant {v:?}): MIR projects fields of enums after a Downcast")
                }
            },
            k => unreachable!("field projection on {k:?}"),
        }
    }

    /// The LLVM layout of a coroutine frame (computed once per type): the saved locals packed
    /// into slots by their storage conflicts.
    pub fn frame_layout(&self, t: Ty) -> FrameLlvm<'ctx> {
        if let Some(l) = self.frame_cache.borrow().get(&t) {
            return l.clone();
        }
        let frame = self
            .frames
            .and_then(|f| f.get(&t))
            .unwrap_or_else(|| panic!("no frame layout for `{}`", self.tys.display(t)));
        // A frame that contains itself has no finite size (a recursive async fn).
        if self.frames_in_progress.borrow().contains(&t) {
            panic!("`{}` awaits itself: recursive async fns need boxing, which is not supported yet", frame.name);
        }
        self.frames_in_progress.borrow_mut().push(t);
        let mut sizes: HashMap<aether_middle::mir::Local, (u64, u64)> = HashMap::new();
        for s in &frame.saved {
            // A heap-saved local's field is a pointer to it.
            let ty = if s.on_heap { self.tys.intern(TyKind::RawPtr(s.ty, Mutability::Mut)) } else { s.ty };
            let size = self.size_of(ty);
            let align = self.align_of(ty) as u64;
            sizes.insert(s.local, (size, align));
        }
        self.frames_in_progress.borrow_mut().retain(|x| *x != t);
        let slots = aether_middle::storage_conflicts::assign_slots(&frame.conflicts, |l| {
            let (size, align) = sizes[&l];
            aether_middle::storage_conflicts::LocalLayout { size, align }
        });
        let mut fields: Vec<BasicTypeEnum<'ctx>> = Vec::new();
        for slot in &slots.slots {
            let unit = match slot.align {
                1 | 2 | 4 | 8 | 16 => int_type(self.cx, slot.align as u32 * 8),
                _ => self.cx.i8_type(),
            };
            let n = if slot.align <= 16 { slot.size / slot.align } else { slot.size };
            fields.push(unit.array_type(n as u32).into());
        }
        fields.push(self.llvm_type(frame.state_ty).expect("the state word is sized"));
        let ty = self.cx.opaque_struct_type(&format!("frame<{}>", frame.name));
        ty.set_body(&fields, false);
        let state_index = slots.slots.len() as u32;
        let mut field_index = vec![state_index];
        for s in &frame.saved {
            field_index.push(slots.slot_of[s.local.index()].expect("a saved local has a slot") as u32);
        }
        let state_offset = self.td.offset_of_element(&ty, state_index).unwrap_or(0);
        let l = FrameLlvm { ty, field_index, slots, state_offset };
        self.frame_cache.borrow_mut().insert(t, l.clone());
        l
    }

    /// The layout of an ADT type (computed once per type).
    pub fn adt_layout(&self, t: Ty) -> AdtLayout<'ctx> {
        if let Some(l) = self.adt_cache.borrow().get(&t) {
            return l.clone();
        }
        let TyKind::Adt(id, args) = self.tys.kind(t) else { unreachable!("adt_layout of a non-ADT") };
        let def = &self.adts[id.index()];
        let name = if args.is_empty() { def.path.clone() } else { format!("{}", self.tys.display(t)) };
        // A struct cannot contain itself except behind a pointer (an opaque `ptr`), so this
        // recursion terminates.
        let layout = if !def.is_enum {
            let (ty, fields) = self.payload_struct(&name, &def.variants[0], args);
            AdtLayout::Struct { ty, fields }
        } else if def.variants.is_empty() {
            AdtLayout::Empty
        } else {
            AdtLayout::Enum(self.enum_layout(def, &name, args))
        };
        self.adt_cache.borrow_mut().insert(t, layout.clone());
        layout
    }

    /// A named struct of the variant's non-zero-sized fields in declaration order.
    fn payload_struct(
        &self,
        name: &str,
        v: &hir::VariantDef,
        args: &[Ty],
    ) -> (Option<StructType<'ctx>>, Vec<Option<u32>>) {
        let mut types = Vec::new();
        let mut fields = Vec::new();
        for f in &v.fields {
            match self.llvm_type(self.tys.subst(f.ty, args)) {
                Some(lt) => {
                    fields.push(Some(types.len() as u32));
                    types.push(lt);
                }
                None => fields.push(None),
            }
        }
        if types.is_empty() {
            return (None, fields);
        }
        let st = self.cx.opaque_struct_type(name);
        st.set_body(&types, false);
        (Some(st), fields)
    }

    fn enum_layout(&self, def: &AdtDef, name: &str, args: &[Ty]) -> EnumLayout<'ctx> {
        let min = def.variants.iter().map(|v| v.discr).min().unwrap_or(0);
        let max = def.variants.iter().map(|v| v.discr).max().unwrap_or(0);
        let tag_signed = min < 0;
        let bits = [8u32, 16, 32, 64, 128]
            .into_iter()
            .find(|&b| {
                if b == 128 {
                    return true;
                }
                if tag_signed {
                    min >= -(1i128 << (b - 1)) && max < (1i128 << (b - 1))
                } else {
                    max < (1i128 << b)
                }
            })
            .unwrap_or(128);
        let tag = int_type(self.cx, bits);
        let variants: Vec<VariantLayout> = def
            .variants
            .iter()
            .map(|v| {
                let (payload, fields) = self.payload_struct(&format!("{name}::{}", v.name), v, args);
                VariantLayout { payload, fields, discr: v.discr }
            })
            .collect();
        let payloads: Vec<StructType> = variants.iter().filter_map(|v| v.payload).collect();
        let ty = if payloads.is_empty() {
            None
        } else {
            let size = payloads.iter().map(|p| self.td.get_abi_size(p)).max().unwrap_or(0);
            let align = payloads.iter().map(|p| self.td.get_abi_alignment(p)).max().unwrap_or(1);
            // The union's element: the widest integer whose alignment the payloads need. Every
            // payload alignment is some scalar's, and integers exist for 1, 2, 4, 8 and 16.
            let unit = [128u32, 64, 32, 16, 8]
                .into_iter()
                .map(|b| int_type(self.cx, b))
                .find(|it| self.td.get_abi_alignment(it) <= align && self.td.get_abi_size(it) <= align as u64)
                .unwrap_or(self.cx.i8_type());
            let unit_size = self.td.get_abi_size(&unit);
            let n = size.div_ceil(unit_size);
            let st = self.cx.opaque_struct_type(name);
            st.set_body(&[tag.into(), unit.array_type(n as u32).into()], false);
            Some(st)
        };
        EnumLayout { tag, tag_signed, ty, variants }
    }

    /// The enum layout of `t`, which MIR guarantees is an enum with variants.
    pub fn enum_layout_of(&self, t: Ty) -> Option<EnumLayout<'ctx>> {
        match self.tys.kind(t) {
            TyKind::Adt(..) => match self.adt_layout(t) {
                AdtLayout::Enum(e) => Some(e),
                _ => None,
            },
            _ => None,
        }
    }
}

pub fn int_bits(i: IntTy, usize_bits: u32) -> u32 {
    i.bits(usize_bits)
}

pub fn uint_bits(u: UintTy, usize_bits: u32) -> u32 {
    u.bits(usize_bits)
}

/// LLVM's integer type of a width Rust has.
pub fn int_type(cx: &Context, bits: u32) -> IntType<'_> {
    match bits {
        1 => cx.bool_type(),
        8 => cx.i8_type(),
        16 => cx.i16_type(),
        32 => cx.i32_type(),
        64 => cx.i64_type(),
        128 => cx.i128_type(),
        _ => unreachable!("no integer type has {bits} bits"),
    }
}

/// An integer constant of up to 128 bits (truncated to the type's width).
pub fn const_u128(t: IntType<'_>, v: u128) -> inkwell::values::IntValue<'_> {
    if t.get_bit_width() <= 64 {
        t.const_int(v as u64, false)
    } else {
        t.const_int_arbitrary_precision(&[v as u64, (v >> 64) as u64])
    }
}
