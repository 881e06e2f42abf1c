//! The formatting functions against Rust's own `format!`: every spec literal below is formatted both by
//! `format!("{:SPEC}", v)` and by the runtime with the `AetherFmtSpec` that a small parser of Rust's
//! spec grammar (`[[fill]align][sign]['#']['0'][width]['.' precision][type]`, the compiler's job) builds
//! from the same literal, over values covering extremes, signs, NaN, infinities, -0.0, subnormals, f32,
//! Unicode text and escapes. Also checks the plain printers' text, buffer growth, and that an invalid
//! spec ends the process with a runtime error.

use aether_runtime::buf::AetherBuf;
use aether_runtime::fmt::*;

/// Parses the inside of `{:...}` like rustc does.
fn parse(spec: &str) -> AetherFmtSpec {
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let align_of = |c: char| match c {
        '<' => Some(ALIGN_LEFT),
        '^' => Some(ALIGN_CENTER),
        '>' => Some(ALIGN_RIGHT),
        _ => None,
    };
    let mut s = AetherFmtSpec::DISPLAY;
    if chars.len() >= 2 && align_of(chars[1]).is_some() {
        s.fill = chars[0] as u32;
        s.align = align_of(chars[1]).unwrap();
        i = 2;
    } else if let Some(a) = chars.first().and_then(|&c| align_of(c)) {
        s.align = a;
        i = 1;
    }
    if chars.get(i) == Some(&'+') {
        s.flags |= FLAG_PLUS;
        i += 1;
    } else if chars.get(i) == Some(&'-') {
        s.flags |= FLAG_MINUS;
        i += 1;
    }
    if chars.get(i) == Some(&'#') {
        s.flags |= FLAG_ALTERNATE;
        i += 1;
    }
    if chars.get(i) == Some(&'0') {
        s.flags |= FLAG_ZERO;
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        (start != *i).then(|| chars[start..*i].iter().collect::<String>().parse::<u32>().unwrap())
    };
    s.width = digits(&mut i).unwrap_or(0);
    if chars.get(i) == Some(&'.') {
        i += 1;
        s.precision = digits(&mut i).expect("precision digits") as i32;
    }
    let ty: String = chars[i..].iter().collect();
    s.ty = match ty.as_str() {
        "" => TY_DISPLAY,
        "?" => TY_DEBUG,
        "x" => TY_LOWER_HEX,
        "X" => TY_UPPER_HEX,
        "o" => TY_OCTAL,
        "b" => TY_BINARY,
        "e" => TY_LOWER_EXP,
        "E" => TY_UPPER_EXP,
        "x?" => TY_DEBUG_LOWER_HEX,
        "X?" => TY_DEBUG_UPPER_HEX,
        other => panic!("unknown type {other:?} in {spec:?}"),
    };
    s
}

/// Formats a value with the runtime into a fresh buffer.
trait Rt {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec);
    fn rt(&self, spec: &AetherFmtSpec) -> String {
        let mut buf = AetherBuf::new();
        self.call(&mut buf, spec);
        let s = String::from_utf8(buf.as_slice().to_vec()).expect("runtime wrote UTF-8");
        buf.free();
        s
    }
}

macro_rules! rt_signed {
    ($($t:ty => $bits:expr),*) => {$(
        impl Rt for $t {
            fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
                unsafe { aether_rt_fmt_i64(0, buf, spec, *self as i64, $bits) }
            }
        }
    )*};
}
macro_rules! rt_unsigned {
    ($($t:ty => $bits:expr),*) => {$(
        impl Rt for $t {
            fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
                unsafe { aether_rt_fmt_u64(0, buf, spec, *self as u64, $bits) }
            }
        }
    )*};
}
rt_signed!(i8 => 8, i16 => 16, i32 => 32, i64 => 64, isize => 64);
rt_unsigned!(u8 => 8, u16 => 16, u32 => 32, u64 => 64, usize => 64);

impl Rt for i128 {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
        let v = *self as u128;
        unsafe { aether_rt_fmt_i128(0, buf, spec, v as u64, (v >> 64) as u64) }
    }
}
impl Rt for u128 {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
        unsafe { aether_rt_fmt_u128(0, buf, spec, *self as u64, (*self >> 64) as u64) }
    }
}
impl Rt for f64 {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
        unsafe { aether_rt_fmt_f64(0, buf, spec, *self) }
    }
}
impl Rt for f32 {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
        unsafe { aether_rt_fmt_f32(0, buf, spec, *self) }
    }
}
impl Rt for &str {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
        unsafe { aether_rt_fmt_str(0, buf, spec, self.as_ptr(), self.len()) }
    }
}
impl Rt for char {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
        unsafe { aether_rt_fmt_char(0, buf, spec, *self as u32) }
    }
}
impl Rt for bool {
    fn call(&self, buf: *mut AetherBuf, spec: &AetherFmtSpec) {
        unsafe { aether_rt_fmt_bool(0, buf, spec, *self) }
    }
}

/// For each spec literal and each value: runtime output == `format!`. Returns the number of comparisons.
macro_rules! compare {
    ($values:expr; $($spec:literal),* $(,)?) => {{
        let mut n = 0usize;
        for v in $values {
            $(
                let want = format!(concat!("{:", $spec, "}"), v);
                let got = v.rt(&parse($spec));
                assert_eq!(got, want, "value {:?} with spec {:?}", v, $spec);
                n += 1;
            )*
        }
        n
    }};
}

/// Specs every primitive accepts.
macro_rules! compare_common {
    ($values:expr) => {
        compare!($values;
            "", "?", "#?", "5", "<5", "^5", ">5", "*<7", "*^7", "*>7", "─^8", "0>6", " ^6", "+", "-", "+8", "08",
            "+08", "<08", "*^08", "*<+010", "10?", "*^10?", "<12?", "#12?", ".0", ".3", "8.3", "*^+12.3", "+.0",
            "x?", "X?", "*>9x?", "40", "^41", "300",
        )
    };
}

/// Specs integers accept besides the common ones.
macro_rules! compare_int {
    ($values:expr) => {
        compare!($values;
            "x", "X", "#x", "#X", "o", "#o", "b", "#b", "#010b", "08x", "+#x", "*^#12x", "<#8X", "#0130o",
            "e", "E", ".2e", "+12.3E", "*^15e", "015.1e", ".0e", "#x?", "08x?", "+#010X?", "─>70b",
        )
    };
}

/// Specs floats accept besides the common ones.
macro_rules! compare_float {
    ($values:expr) => {
        compare!($values;
            "e", "E", ".3e", "+.2E", "12.3e", "*^15e", "015.3e", ".3?", "+?", "010?", ".1", ".17", "+.5",
            ".30", "020.10", "*<+20.4", "#", "#e", "x?", "+x?", ".0?",
        )
    };
}

fn int_values_signed<T: TryFrom<i128>>() -> Vec<T> {
    let mut out = Vec::new();
    for v in [
        0i128,
        1,
        -1,
        7,
        -7,
        42,
        -42,
        99,
        100,
        127,
        -128,
        255,
        32767,
        -32768,
        65535,
        i32::MAX as i128,
        i32::MIN as i128,
        1_000_000_007,
        i64::MAX as i128,
        i64::MIN as i128,
        u64::MAX as i128,
        i128::MAX,
        i128::MIN,
        10i128.pow(20),
        -(10i128.pow(25)),
    ] {
        if let Ok(x) = T::try_from(v) {
            out.push(x);
        }
    }
    out
}

fn int_values_unsigned<T: TryFrom<u128>>() -> Vec<T> {
    let mut out = Vec::new();
    for v in [
        0u128,
        1,
        7,
        42,
        99,
        100,
        255,
        256,
        65535,
        u32::MAX as u128,
        10u128.pow(12),
        u64::MAX as u128,
        u128::MAX,
        1u128 << 100,
    ] {
        if let Ok(x) = T::try_from(v) {
            out.push(x);
        }
    }
    out
}

#[test]
fn integers_match_format() {
    let mut n = 0;
    macro_rules! signed { ($($t:ty),*) => {$( n += compare_common!(int_values_signed::<$t>()); n += compare_int!(int_values_signed::<$t>()); )*}; }
    macro_rules! unsigned { ($($t:ty),*) => {$( n += compare_common!(int_values_unsigned::<$t>()); n += compare_int!(int_values_unsigned::<$t>()); )*}; }
    signed!(i8, i16, i32, i64, isize, i128);
    unsigned!(u8, u16, u32, u64, usize, u128);
    assert!(n > 5000, "only {n} comparisons");
}

const F64S: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    0.2,
    0.30000000000000004,
    1.5,
    -2.5,
    0.5,
    2.5,
    3.125,
    2.675,
    100.0,
    1e15,
    1e16,
    1e17,
    1e21,
    1e22,
    1e-5,
    1e-7,
    1.5e-10,
    123456789.125,
    9007199254740993.0,
    1e300,
    -1e-300,
    f64::MAX,
    f64::MIN,
    f64::MIN_POSITIVE,
    f64::EPSILON,
    f64::from_bits(1),
    f64::from_bits(0x000f_ffff_ffff_ffff),
    f64::from_bits(1000),
    f64::NAN,
    -f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

const F32S: &[f32] = &[
    0.0,
    -0.0,
    1.0,
    0.1,
    0.2,
    1.5,
    -2.5,
    3.4028235e38,
    -3.4028235e38,
    1.1754944e-38,
    1e-45,
    1.4e-44,
    16777217.0,
    1e10,
    1e-7,
    123.456,
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::EPSILON,
];

#[test]
fn floats_match_format() {
    let mut n = compare_common!(F64S);
    n += compare_float!(F64S);
    n += compare_common!(F32S);
    n += compare_float!(F32S);
    assert!(n > 3000, "only {n} comparisons");
}

#[test]
fn text_matches_format() {
    let strs: &[&str] = &[
        "",
        "a",
        "ab",
        "héllo",
        "日本語です",
        "tab\t\"q\"\\'",
        "\u{0}\u{7f}\u{200b}\u{301}e",
        "  spaced  ",
        "*fill*",
        "line\nbreak",
        "🦀 crab",
    ];
    let chars = ['a', 'é', '日', '\n', '\'', '"', '\\', '\u{0}', '\u{7f}', '\u{301}', '\u{10FFFF}', '*', ' ', '🦀'];
    let mut n = compare_common!(strs);
    n += compare_common!(chars);
    n += compare_common!([true, false].into_iter());
    assert!(n > 800, "only {n} comparisons");
}

#[test]
fn null_spec_is_plain_display() {
    let mut buf = AetherBuf::new();
    unsafe {
        aether_rt_fmt_i64(0, &mut buf, std::ptr::null(), -5, 8);
        aether_rt_fmt_f64(0, &mut buf, std::ptr::null(), 0.1 + 0.2);
        aether_rt_fmt_bool(0, &mut buf, std::ptr::null(), true);
    }
    assert_eq!(buf.as_slice(), b"-50.30000000000000004true");
    buf.free();
}

#[test]
fn low_bits_select_the_integer_width() {
    // Only the low `bits` bits count: 0x1ff as an i8 is -1.
    let spec = parse("");
    let mut buf = AetherBuf::new();
    unsafe {
        aether_rt_fmt_i64(0, &mut buf, &spec, 0x1ff, 8);
        aether_rt_fmt_u64(0, &mut buf, &spec, 0x1_0000_0005, 32);
    }
    assert_eq!(buf.as_slice(), b"-15");
    buf.free();
}

#[test]
fn buffers_grow_and_keep_contents() {
    let mut buf = AetherBuf::new();
    let mut want = String::new();
    for i in 0..5000u64 {
        unsafe {
            aether_rt_fmt_u64(0, &mut buf, std::ptr::null(), i, 64);
            aether_rt_buf_write_str(&mut buf, ",");
        }
        want.push_str(&format!("{i},"));
    }
    assert_eq!(buf.as_slice(), want.as_bytes());
    assert!(buf.cap >= buf.len && buf.cap < 2 * buf.len + 16);
    buf.free();
    assert_eq!((buf.len, buf.cap), (0, 0));
}

unsafe fn aether_rt_buf_write_str(buf: *mut AetherBuf, s: &str) {
    unsafe { aether_runtime::io::aether_rt_write(0, buf, s.as_ptr(), s.len()) }
}

#[test]
fn spec_layout_matches_the_header() {
    assert_eq!(std::mem::size_of::<AetherFmtSpec>(), 16);
    assert_eq!(std::mem::align_of::<AetherFmtSpec>(), 4);
    assert_eq!(std::mem::offset_of!(AetherFmtSpec, fill), 0);
    assert_eq!(std::mem::offset_of!(AetherFmtSpec, align), 4);
    assert_eq!(std::mem::offset_of!(AetherFmtSpec, flags), 5);
    assert_eq!(std::mem::offset_of!(AetherFmtSpec, ty), 6);
    assert_eq!(std::mem::offset_of!(AetherFmtSpec, reserved), 7);
    assert_eq!(std::mem::offset_of!(AetherFmtSpec, width), 8);
    assert_eq!(std::mem::offset_of!(AetherFmtSpec, precision), 12);
    assert_eq!(std::mem::size_of::<AetherBuf>(), 3 * std::mem::size_of::<usize>());
    assert_eq!(std::mem::offset_of!(AetherBuf, len), std::mem::size_of::<usize>());
}

/// Runs this test binary again with only `test`, with `AETHER_RT_CHILD` set, and returns its output.
fn run_child(test: &str) -> std::process::Output {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("AETHER_RT_CHILD", "1")
        .output()
        .unwrap()
}

#[test]
fn invalid_spec_is_a_fatal_runtime_error() {
    if std::env::var_os("AETHER_RT_CHILD").is_some() {
        let mut spec = parse("x");
        spec.width = MAX_WIDTH + 1;
        let mut buf = AetherBuf::new();
        unsafe { aether_rt_fmt_i64(0, &mut buf, &spec, 1, 64) };
        unreachable!("the runtime must abort");
    }
    let out = run_child("invalid_spec_is_a_fatal_runtime_error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("aether runtime error: invalid AetherFmtSpec"), "stderr: {stderr}");
    assert!(stderr.contains("width or precision out of range"), "stderr: {stderr}");
    assert_eq!(out.status.code(), None, "must die of SIGABRT");
}

#[test]
fn type_not_defined_for_the_value_is_a_fatal_runtime_error() {
    if std::env::var_os("AETHER_RT_CHILD").is_some() {
        let mut buf = AetherBuf::new();
        unsafe { aether_rt_fmt_f64(0, &mut buf, &parse("x"), 1.0) };
        unreachable!("the runtime must abort");
    }
    let out = run_child("type_not_defined_for_the_value_is_a_fatal_runtime_error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("aether runtime error: format type `x` is not supported for floats"), "stderr: {stderr}");
    assert_eq!(out.status.code(), None, "must die of SIGABRT");
}
