//! Formatting: Rust's format mini-language for primitive values (`aether_rt_fmt_*`, driven by an
//! `AetherFmtSpec`) and the plain `{}` printers (`aether_rt_print_*`).
//!
//! Output is produced by `core::fmt` itself, so it matches rustc byte for byte: the spec's flags, alignment,
//! width and precision are turned into one of the literal format strings `{:<+#0w$.p$}` (all combinations
//! are spelled out by a macro, width and precision passed at run time), and the value is wrapped so that
//! the formatter reaches the trait the spec's type selects (`Display`, `Debug`, `LowerHex`, ..). The fill
//! character is the one thing `format!` cannot take at run time; when it is not a space we format twice,
//! with and without the width, to learn how much padding `core::fmt` applies (none at all for the types
//! that ignore width, like `str`'s `Debug`), and write that many fill characters at the requested
//! alignment (for numbers with the `0` flag Rust ignores fill and alignment, and so do we).
//!
//! Invariant: a spec the compiler should have rejected (unknown enum value, a type not defined for the
//! value, width or precision above 65535, which Rust reports as a panic at the macro's location) ends the
//! process with a runtime error rather than printing something else than rustc would.

use std::fmt;

use crate::buf::AetherBuf;

/// How one `{..}` placeholder formats its value: the C struct `AetherFmtSpec`.
///
/// Layout (16 bytes, alignment 4): `fill` u32 at 0, `align` u8 at 4, `flags` u8 at 5, `ty` u8 at 6,
/// `reserved` u8 at 7 (must be 0), `width` u32 at 8, `precision` i32 at 12.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AetherFmtSpec {
    /// Fill character (a Unicode scalar value); `' '` when the placeholder names none.
    pub fill: u32,
    /// One of the `ALIGN_*` constants.
    pub align: u8,
    /// Bitset of the `FLAG_*` constants.
    pub flags: u8,
    /// One of the `TY_*` constants.
    pub ty: u8,
    /// Must be 0.
    pub reserved: u8,
    /// Minimum width in characters; 0 when none. At most [`MAX_WIDTH`].
    pub width: u32,
    /// Precision; -1 when none. At most [`MAX_WIDTH`].
    pub precision: i32,
}

/// No alignment given: the type's default (left for `str`, `char`, `bool`; right for numbers).
pub const ALIGN_UNKNOWN: u8 = 0;
/// `<`
pub const ALIGN_LEFT: u8 = 1;
/// `>`
pub const ALIGN_RIGHT: u8 = 2;
/// `^`
pub const ALIGN_CENTER: u8 = 3;

/// `+`: always print the sign of numbers.
pub const FLAG_PLUS: u8 = 1;
/// `-`: accepted and ignored, as in Rust.
pub const FLAG_MINUS: u8 = 2;
/// `#`: alternate form (`0x` prefixes, pretty `{:#?}`).
pub const FLAG_ALTERNATE: u8 = 4;
/// `0`: sign-aware zero padding of numbers.
pub const FLAG_ZERO: u8 = 8;

/// `{}`
pub const TY_DISPLAY: u8 = 0;
/// `{:?}`
pub const TY_DEBUG: u8 = 1;
/// `{:x}`
pub const TY_LOWER_HEX: u8 = 2;
/// `{:X}`
pub const TY_UPPER_HEX: u8 = 3;
/// `{:o}`
pub const TY_OCTAL: u8 = 4;
/// `{:b}`
pub const TY_BINARY: u8 = 5;
/// `{:e}`
pub const TY_LOWER_EXP: u8 = 6;
/// `{:E}`
pub const TY_UPPER_EXP: u8 = 7;
/// `{:x?}`
pub const TY_DEBUG_LOWER_HEX: u8 = 8;
/// `{:X?}`
pub const TY_DEBUG_UPPER_HEX: u8 = 9;

/// Largest width or precision Rust accepts (larger run-time values panic in `format!`).
pub const MAX_WIDTH: u32 = u16::MAX as u32;

impl AetherFmtSpec {
    /// The spec of a plain `{}`.
    pub const DISPLAY: AetherFmtSpec = AetherFmtSpec {
        fill: ' ' as u32,
        align: ALIGN_UNKNOWN,
        flags: 0,
        ty: TY_DISPLAY,
        reserved: 0,
        width: 0,
        precision: -1,
    };
}

const TY_NAMES: [&str; 10] = ["", "?", "x", "X", "o", "b", "e", "E", "x?", "X?"];

/// Formats through the function it holds, handing it the formatter that the format string configured.
struct Via<'a>(&'a dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result);

impl fmt::Display for Via<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

macro_rules! with_prec {
    ($w:ident, $v:ident, $width:ident, $prec:ident, $pre:expr) => {
        match $prec {
            Some(p) => write!($w, concat!("{:", $pre, "w$.p$}"), $v, w = $width, p = p),
            None => write!($w, concat!("{:", $pre, "w$}"), $v, w = $width),
        }
    };
}
macro_rules! with_zero {
    ($w:ident, $v:ident, $width:ident, $prec:ident, $s:ident, $pre:expr) => {
        if $s.zero {
            with_prec!($w, $v, $width, $prec, concat!($pre, "0"))
        } else {
            with_prec!($w, $v, $width, $prec, $pre)
        }
    };
}
macro_rules! with_alt {
    ($w:ident, $v:ident, $width:ident, $prec:ident, $s:ident, $pre:expr) => {
        if $s.alt {
            with_zero!($w, $v, $width, $prec, $s, concat!($pre, "#"))
        } else {
            with_zero!($w, $v, $width, $prec, $s, $pre)
        }
    };
}
macro_rules! with_plus {
    ($w:ident, $v:ident, $width:ident, $prec:ident, $s:ident, $pre:expr) => {
        if $s.plus {
            with_alt!($w, $v, $width, $prec, $s, concat!($pre, "+"))
        } else {
            with_alt!($w, $v, $width, $prec, $s, $pre)
        }
    };
}

/// The parts of a spec that go into the literal format string.
#[derive(Clone, Copy)]
struct Flags {
    align: u8,
    plus: bool,
    alt: bool,
    zero: bool,
}

/// Writes `v` formatted as `{:<align><+><#><0>width$.prec$}` (the flags from `s`).
fn write_spec(w: &mut dyn fmt::Write, v: &Via<'_>, s: Flags, width: usize, prec: Option<usize>) -> fmt::Result {
    match s.align {
        ALIGN_LEFT => with_plus!(w, v, width, prec, s, "<"),
        ALIGN_RIGHT => with_plus!(w, v, width, prec, s, ">"),
        ALIGN_CENTER => with_plus!(w, v, width, prec, s, "^"),
        _ => with_plus!(w, v, width, prec, s, ""),
    }
}

/// Checks the parts of `spec` that do not depend on the value; returns the fill character.
fn validate(spec: &AetherFmtSpec) -> char {
    let bad = |what: String| -> ! { crate::process::fatal(&format!("invalid AetherFmtSpec {spec:?}: {what}")) };
    if spec.align > ALIGN_CENTER {
        bad(format!("unknown align {}", spec.align));
    }
    if spec.flags & !(FLAG_PLUS | FLAG_MINUS | FLAG_ALTERNATE | FLAG_ZERO) != 0 {
        bad(format!("unknown flags {:#x}", spec.flags));
    }
    if spec.reserved != 0 {
        bad("reserved byte is not 0".to_owned());
    }
    if spec.width > MAX_WIDTH || spec.precision > MAX_WIDTH as i32 || spec.precision < -1 {
        bad("width or precision out of range (the compiler must panic with \"Formatting argument out of range\")"
            .to_owned());
    }
    match char::from_u32(spec.fill) {
        Some(c) => c,
        None => bad("fill is not a Unicode scalar value".to_owned()),
    }
}

/// Formats with `spec` through `v` into `w`. `numeric` selects numbers' rules: right alignment by default,
/// and the `0` flag overriding fill and alignment.
fn format_spec(w: &mut dyn fmt::Write, spec: &AetherFmtSpec, numeric: bool, v: &Via<'_>) {
    let fill = validate(spec);
    let flags = Flags {
        align: spec.align,
        plus: spec.flags & FLAG_PLUS != 0,
        alt: spec.flags & FLAG_ALTERNATE != 0,
        zero: spec.flags & FLAG_ZERO != 0,
    };
    let width = spec.width as usize;
    let prec = usize::try_from(spec.precision).ok();
    let done = if width == 0 || fill == ' ' || (numeric && flags.zero) {
        write_spec(w, v, flags, width, prec)
    } else {
        let mut padded = String::new();
        let mut bare = String::new();
        let _ = write_spec(&mut padded, v, flags, width, prec);
        let _ = write_spec(&mut bare, v, flags, 0, prec);
        let pad = padded.chars().count() - bare.chars().count();
        let align = match spec.align {
            ALIGN_UNKNOWN if numeric => ALIGN_RIGHT,
            ALIGN_UNKNOWN => ALIGN_LEFT,
            a => a,
        };
        let (pre, post) = match align {
            ALIGN_LEFT => (0, pad),
            ALIGN_RIGHT => (pad, 0),
            _ => (pad / 2, pad - pad / 2),
        };
        (0..pre)
            .try_for_each(|_| w.write_char(fill))
            .and_then(|()| w.write_str(&bare))
            .and_then(|()| (0..post).try_for_each(|_| w.write_char(fill)))
    };
    if done.is_err() {
        crate::process::fatal("a formatting trait implementation returned an error");
    }
}

fn unsupported(ty: u8, what: &str) -> ! {
    match TY_NAMES.get(ty as usize) {
        Some(t) => crate::process::fatal(&format!("format type `{t}` is not supported for {what}")),
        None => crate::process::fatal(&format!("unknown format type {ty}")),
    }
}

trait Int:
    fmt::Display + fmt::Debug + fmt::LowerHex + fmt::UpperHex + fmt::Octal + fmt::Binary + fmt::LowerExp + fmt::UpperExp
{
}
impl<T> Int for T where
    T: fmt::Display
        + fmt::Debug
        + fmt::LowerHex
        + fmt::UpperHex
        + fmt::Octal
        + fmt::Binary
        + fmt::LowerExp
        + fmt::UpperExp
{
}

fn fmt_int<T: Int>(w: &mut dyn fmt::Write, spec: &AetherFmtSpec, v: T) {
    let f: &dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result = match spec.ty {
        TY_DISPLAY => &|f| fmt::Display::fmt(&v, f),
        TY_DEBUG => &|f| fmt::Debug::fmt(&v, f),
        // `{:x?}` on an integer is its `LowerHex`, as `impl Debug for iN` does.
        TY_LOWER_HEX | TY_DEBUG_LOWER_HEX => &|f| fmt::LowerHex::fmt(&v, f),
        TY_UPPER_HEX | TY_DEBUG_UPPER_HEX => &|f| fmt::UpperHex::fmt(&v, f),
        TY_OCTAL => &|f| fmt::Octal::fmt(&v, f),
        TY_BINARY => &|f| fmt::Binary::fmt(&v, f),
        TY_LOWER_EXP => &|f| fmt::LowerExp::fmt(&v, f),
        TY_UPPER_EXP => &|f| fmt::UpperExp::fmt(&v, f),
        t => unsupported(t, "integers"),
    };
    format_spec(w, spec, true, &Via(f));
}

fn fmt_float<T: fmt::Display + fmt::Debug + fmt::LowerExp + fmt::UpperExp>(
    w: &mut dyn fmt::Write,
    spec: &AetherFmtSpec,
    v: T,
) {
    let f: &dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result = match spec.ty {
        TY_DISPLAY => &|f| fmt::Display::fmt(&v, f),
        // Floats' `Debug` ignores the `x?` flags.
        TY_DEBUG | TY_DEBUG_LOWER_HEX | TY_DEBUG_UPPER_HEX => &|f| fmt::Debug::fmt(&v, f),
        TY_LOWER_EXP => &|f| fmt::LowerExp::fmt(&v, f),
        TY_UPPER_EXP => &|f| fmt::UpperExp::fmt(&v, f),
        t => unsupported(t, "floats"),
    };
    format_spec(w, spec, true, &Via(f));
}

/// `str`, `char` and `bool`: `Display` and `Debug` only (`x?` is `Debug` for them).
fn fmt_text<T: fmt::Display + fmt::Debug + ?Sized>(w: &mut dyn fmt::Write, spec: &AetherFmtSpec, v: &T, what: &str) {
    let f: &dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result = match spec.ty {
        TY_DISPLAY => &|f| fmt::Display::fmt(v, f),
        TY_DEBUG | TY_DEBUG_LOWER_HEX | TY_DEBUG_UPPER_HEX => &|f| fmt::Debug::fmt(v, f),
        t => unsupported(t, what),
    };
    format_spec(w, spec, false, &Via(f));
}

fn int_from_bits_i(v: i64, bits: u32, w: &mut dyn fmt::Write, spec: &AetherFmtSpec) {
    match bits {
        8 => fmt_int(w, spec, v as i8),
        16 => fmt_int(w, spec, v as i16),
        32 => fmt_int(w, spec, v as i32),
        64 => fmt_int(w, spec, v),
        _ => crate::process::fatal(&format!("aether_rt_fmt_i64: invalid bit width {bits}")),
    }
}

fn int_from_bits_u(v: u64, bits: u32, w: &mut dyn fmt::Write, spec: &AetherFmtSpec) {
    match bits {
        8 => fmt_int(w, spec, v as u8),
        16 => fmt_int(w, spec, v as u16),
        32 => fmt_int(w, spec, v as u32),
        64 => fmt_int(w, spec, v),
        _ => crate::process::fatal(&format!("aether_rt_fmt_u64: invalid bit width {bits}")),
    }
}

fn u128_of(lo: u64, hi: u64) -> u128 {
    ((hi as u128) << 64) | lo as u128
}

fn char_of(c: u32) -> char {
    char::from_u32(c).unwrap_or_else(|| crate::process::fatal(&format!("{c:#x} is not a Unicode scalar value")))
}

fn str_of<'a>(p: *const u8, n: usize) -> &'a str {
    // SAFETY: the exported callers' contracts.
    let b = unsafe { crate::bytes(p, n) };
    std::str::from_utf8(b).unwrap_or_else(|e| crate::process::fatal(&format!("str argument is not UTF-8: {e}")))
}

/// Resolves a spec pointer (NULL = plain `{}`).
///
/// # Safety
/// `spec` must be NULL or point to a valid `AetherFmtSpec`.
unsafe fn spec_of<'a>(spec: *const AetherFmtSpec) -> &'a AetherFmtSpec {
    if spec.is_null() {
        &AetherFmtSpec::DISPLAY
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { &*spec }
    }
}

/// Runs `f` with a writer for `(stream, buf)` and the resolved spec.
///
/// # Safety
/// The contract shared by the `aether_rt_fmt_*` functions.
unsafe fn fmt_to(
    stream: u32,
    buf: *mut AetherBuf,
    spec: *const AetherFmtSpec,
    f: impl FnOnce(&mut dyn fmt::Write, &AetherFmtSpec),
) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let spec = spec_of(spec);
        crate::io::with_dest(stream, buf, |w| f(w, spec))
    }
}

/// Formats the low `bits` (8, 16, 32 or 64) bits of `v` as a signed integer of that width.
///
/// # Safety
/// Destination contract: `stream` 0 needs `buf` pointing to a valid `AetherBuf`, 1 and 2 ignore it;
/// `spec` is NULL (plain `{}`) or points to a valid `AetherFmtSpec`.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_i64(
    stream: u32,
    buf: *mut AetherBuf,
    spec: *const AetherFmtSpec,
    v: i64,
    bits: u32,
) {
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| int_from_bits_i(v, bits, w, s)) }
}

/// Formats the low `bits` (8, 16, 32 or 64) bits of `v` as an unsigned integer of that width.
///
/// # Safety
/// As [`aether_rt_fmt_i64`].
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_u64(
    stream: u32,
    buf: *mut AetherBuf,
    spec: *const AetherFmtSpec,
    v: u64,
    bits: u32,
) {
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| int_from_bits_u(v, bits, w, s)) }
}

/// Formats the `i128` whose two's-complement halves are `lo` and `hi`.
///
/// # Safety
/// As [`aether_rt_fmt_i64`].
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_i128(
    stream: u32,
    buf: *mut AetherBuf,
    spec: *const AetherFmtSpec,
    lo: u64,
    hi: u64,
) {
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| fmt_int(w, s, u128_of(lo, hi) as i128)) }
}

/// Formats the `u128` whose halves are `lo` and `hi`.
///
/// # Safety
/// As [`aether_rt_fmt_i64`].
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_u128(
    stream: u32,
    buf: *mut AetherBuf,
    spec: *const AetherFmtSpec,
    lo: u64,
    hi: u64,
) {
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| fmt_int(w, s, u128_of(lo, hi))) }
}

/// Formats an `f64`.
///
/// # Safety
/// As [`aether_rt_fmt_i64`].
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_f64(stream: u32, buf: *mut AetherBuf, spec: *const AetherFmtSpec, v: f64) {
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| fmt_float(w, s, v)) }
}

/// Formats an `f32`.
///
/// # Safety
/// As [`aether_rt_fmt_i64`].
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_f32(stream: u32, buf: *mut AetherBuf, spec: *const AetherFmtSpec, v: f32) {
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| fmt_float(w, s, v)) }
}

/// Formats the UTF-8 string of `n` bytes at `p` (NULL allowed when `n == 0`).
///
/// # Safety
/// As [`aether_rt_fmt_i64`]; `p` must point to `n` readable bytes of valid UTF-8, not inside `*buf`'s block.
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_str(
    stream: u32,
    buf: *mut AetherBuf,
    spec: *const AetherFmtSpec,
    p: *const u8,
    n: usize,
) {
    let v = str_of(p, n);
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| fmt_text(w, s, v, "str")) }
}

/// Formats the `char` `c` (a Unicode scalar value).
///
/// # Safety
/// As [`aether_rt_fmt_i64`].
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_char(stream: u32, buf: *mut AetherBuf, spec: *const AetherFmtSpec, c: u32) {
    let v = char_of(c);
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| fmt_text(w, s, &v, "char")) }
}

/// Formats a `bool`.
///
/// # Safety
/// As [`aether_rt_fmt_i64`].
#[no_mangle]
pub unsafe extern "C" fn aether_rt_fmt_bool(stream: u32, buf: *mut AetherBuf, spec: *const AetherFmtSpec, v: bool) {
    // SAFETY: forwarded contract.
    unsafe { fmt_to(stream, buf, spec, |w, s| fmt_text(w, s, &v, "bool")) }
}

/// Prints `v` as `{}` does to stream 1 (stdout) or 2 (stderr).
fn print(stream: u32, v: impl fmt::Display) {
    if stream != 1 && stream != 2 {
        crate::process::fatal(&format!("aether_rt_print_*: invalid stream {stream} (1 = stdout, 2 = stderr)"));
    }
    // SAFETY: streams 1 and 2 do not use the buffer.
    unsafe {
        crate::io::with_dest(stream, std::ptr::null_mut(), |w| {
            if write!(w, "{v}").is_err() {
                crate::process::fatal("a formatting trait implementation returned an error");
            }
        })
    }
}

/// Prints an `i64` as `{}` does to `stream` (1 = stdout, 2 = stderr).
#[no_mangle]
pub extern "C" fn aether_rt_print_i64(stream: u32, v: i64) {
    print(stream, v)
}

/// Prints a `u64` as `{}` does.
#[no_mangle]
pub extern "C" fn aether_rt_print_u64(stream: u32, v: u64) {
    print(stream, v)
}

/// Prints the `i128` with halves `lo`, `hi` as `{}` does.
#[no_mangle]
pub extern "C" fn aether_rt_print_i128(stream: u32, lo: u64, hi: u64) {
    print(stream, u128_of(lo, hi) as i128)
}

/// Prints the `u128` with halves `lo`, `hi` as `{}` does.
#[no_mangle]
pub extern "C" fn aether_rt_print_u128(stream: u32, lo: u64, hi: u64) {
    print(stream, u128_of(lo, hi))
}

/// Prints `true` or `false`.
#[no_mangle]
pub extern "C" fn aether_rt_print_bool(stream: u32, v: bool) {
    print(stream, v)
}

/// Prints an `f64` as `{}` does (shortest round-trip digits, never an exponent: `1`, `0.1`, `1e21` as
/// `1000000000000000000000`, `NaN`, `inf`, `-0`).
#[no_mangle]
pub extern "C" fn aether_rt_print_f64(stream: u32, v: f64) {
    print(stream, v)
}

/// Prints an `f32` as `{}` does.
#[no_mangle]
pub extern "C" fn aether_rt_print_f32(stream: u32, v: f32) {
    print(stream, v)
}

/// Prints the `char` `c` (a Unicode scalar value) UTF-8 encoded.
#[no_mangle]
pub extern "C" fn aether_rt_print_char(stream: u32, c: u32) {
    print(stream, char_of(c))
}
