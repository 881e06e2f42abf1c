//! The standard library's AetherLang source, embedded in the compiler.
//!
//! `std/lib.ae` holds the core library, `std/alloc.ae` the heap types, `std/iter.ae` iterators,
//! `std/hash.ae`, `std/impls.ae`, `std/slice.ae`, `std/str.ae` and `std/collections.ae` hashing,
//! comparisons, slice and string methods and the collections; `std/error.ae` the `Error` trait,
//! `std/future.ae` `Future`, `Poll` and `Context`; `std/cell.ae` (`Cell`, `RefCell`),
//! `std/rc.ae` (`Rc`), `std/fs.ae` (`std::io`, `std::fs`) and `std/sync.ae` (`Arc`, atomics) the
//! shared-ownership, file and thread-safe types; `std/time.ae` (`Duration`, `Instant`, `sleep`)
//! and `std/task.ae` (`spawn`, `JoinHandle`, `block_on`, `join_all`) the async library. The
//! impls of the marker and comparison traits for the primitive types, the atomic integer types
//! and `join!`'s `Join1`..`Join8` are the same text for each type or count, so they are
//! generated here and appended.
//! [`load`] adds the whole source to the program's source map (as `<std>/lib.ae`, so that
//! diagnostics can point into it) and parses it.

use crate::ast;
use crate::diagnostics::DiagnosticSink;
use crate::parse::parse_file;
use crate::span::SourceMap;

const LIB: &str = include_str!("../std/lib.ae");
const ALLOC: &str = include_str!("../std/alloc.ae");
const ITER: &str = include_str!("../std/iter.ae");
const HASH: &str = include_str!("../std/hash.ae");
const IMPLS: &str = include_str!("../std/impls.ae");
const SLICE: &str = include_str!("../std/slice.ae");
const STR: &str = include_str!("../std/str.ae");
const COLLECTIONS: &str = include_str!("../std/collections.ae");
const ERROR: &str = include_str!("../std/error.ae");
const FUTURE: &str = include_str!("../std/future.ae");
const CELL: &str = include_str!("../std/cell.ae");
const RC: &str = include_str!("../std/rc.ae");
const FS: &str = include_str!("../std/fs.ae");
const SYNC: &str = include_str!("../std/sync.ae");
const TIME: &str = include_str!("../std/time.ae");
const TASK: &str = include_str!("../std/task.ae");
const CHANNEL: &str = include_str!("../std/channel.ae");
const PIN: &str = include_str!("../std/pin.ae");
const DEFER: &str = include_str!("../std/defer.ae");

/// The most futures one `join!` takes (`Join1`..`JoinN` are generated).
pub const MAX_JOIN: usize = 8;

const INTS: [&str; 12] = ["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize"];

/// The library's full source text.
pub fn source() -> String {
    let mut s = String::from(LIB);
    s.push_str(ALLOC);
    s.push_str(ITER);
    s.push_str(HASH);
    s.push_str(IMPLS);
    s.push_str(SLICE);
    s.push_str(STR);
    s.push_str(COLLECTIONS);
    s.push_str(ERROR);
    s.push_str(FUTURE);
    s.push_str(CELL);
    s.push_str(RC);
    s.push_str(FS);
    s.push_str(SYNC);
    s.push_str(TIME);
    s.push_str(TASK);
    s.push_str(CHANNEL);
    s.push_str(PIN);
    s.push_str(DEFER);
    s.push_str(&atomic_ints());
    s.push_str(&join_tuples());
    s.push_str("\n// Generated impls for the primitive types.\n");
    s.push_str("mod primitive_impls {\n    use super::prelude::*;\n    use super::fmt::{Display, Debug};\n");
    let scalars = INTS.iter().copied().chain(["f32", "f64", "bool", "char"]);
    for t in scalars {
        s.push_str(&format!(
            "    impl Copy for {t} {{}}\n    impl Clone for {t} {{ fn clone(&self) -> {t} {{ *self }} }}\n    \
             impl PartialEq for {t} {{ fn eq(&self, o: &{t}) -> bool {{ *self == *o }} }}\n    \
             impl PartialOrd for {t} {{ fn lt(&self, o: &{t}) -> bool {{ *self < *o }} fn le(&self, o: &{t}) -> bool {{ *self <= *o }} }}\n    \
             impl Display for {t} {{ fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result {{ write!(f, \"{{}}\", *self) }} }}\n    \
             impl Debug for {t} {{ fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result {{ write!(f, \"{{:?}}\", *self) }} }}\n"
        ));
        if !t.starts_with('f') {
            s.push_str(&format!("    impl Eq for {t} {{}}\n    impl Ord for {t} {{}}\n"));
        }
    }
    for t in INTS {
        s.push_str(&format!("    impl Default for {t} {{ fn default() -> {t} {{ 0 }} }}\n"));
    }
    // Ranges of integers iterate (through `Step`); `Sum`/`Product` of numbers and of references.
    for t in INTS {
        s.push_str(&format!(
            "    impl super::iter::Step for {t} {{ fn forward(self) -> {t} {{ self + 1 }} fn backward(self) -> {t} {{ self - 1 }} }}\n"
        ));
    }
    for t in INTS.iter().copied().chain(["f32", "f64"]) {
        let zero = if t.starts_with('f') { "0.0" } else { "0" };
        let one = if t.starts_with('f') { "1.0" } else { "1" };
        for (tr, m, op, init) in [("Sum", "sum", "+", zero), ("Product", "product", "*", one)] {
            s.push_str(&format!(
                "    impl super::iter::{tr}<{t}> for {t} {{ fn {m}<I: super::iter::Iterator<Item = {t}>>(iter: I) -> {t} {{ \
                 iter.fold({init}, |acc: {t}, x: {t}| acc {op} x) }} }}\n    \
                 impl<'a> super::iter::{tr}<&'a {t}> for {t} {{ fn {m}<I: super::iter::Iterator<Item = &'a {t}>>(iter: I) -> {t} {{ \
                 iter.fold({init}, |acc: {t}, x: &'a {t}| acc {op} *x) }} }}\n"
            ));
        }
    }
    // Checked arithmetic on the integer types (wrapping arithmetic is built in).
    for t in INTS {
        let signed = t.starts_with('i');
        let add_ok = if signed { "(o >= 0) == (r >= self)" } else { "r >= self" };
        let sub_ok = if signed { "(o >= 0) == (r <= self)" } else { "o <= self" };
        let min_guard = if signed {
            format!("if o == -1 {{ return if self == {t}::MIN {{ None }} else {{ Some(0 - self) }}; }}")
        } else {
            String::new()
        };
        let div_bad = if signed { format!("o == 0 || (self == {t}::MIN && o == -1)") } else { "o == 0".to_string() };
        s.push_str(&format!(
            "    impl {t} {{\n        \
             pub fn checked_add(self, o: {t}) -> Option<{t}> {{ let r = self.wrapping_add(o); if {add_ok} {{ Some(r) }} else {{ None }} }}\n        \
             pub fn checked_sub(self, o: {t}) -> Option<{t}> {{ let r = self.wrapping_sub(o); if {sub_ok} {{ Some(r) }} else {{ None }} }}\n        \
             pub fn checked_mul(self, o: {t}) -> Option<{t}> {{ if self == 0 || o == 0 {{ return Some(0); }} {min_guard} let r = self.wrapping_mul(o); if r / o == self {{ Some(r) }} else {{ None }} }}\n        \
             pub fn checked_div(self, o: {t}) -> Option<{t}> {{ if {div_bad} {{ None }} else {{ Some(self / o) }} }}\n        \
             pub fn checked_rem(self, o: {t}) -> Option<{t}> {{ if {div_bad} {{ None }} else {{ Some(self % o) }} }}\n    \
             }}\n"
        ));
    }
    // Tuples: `Default` and `Debug` (formatting is built in), for up to six elements
    // (comparisons: std/impls.ae).
    for n in 1..=6usize {
        let names: Vec<String> = (0..n).map(|i| format!("T{i}")).collect();
        let tuple = format!("({}{})", names.join(", "), if n == 1 { "," } else { "" });
        let bound = |tr: &str| names.iter().map(|t| format!("{t}: {tr}")).collect::<Vec<_>>().join(", ");
        let defaults: Vec<String> = names.iter().map(|t| format!("{t}::default()")).collect();
        s.push_str(&format!(
            "    impl<{}> Default for {tuple} {{ fn default() -> {tuple} {{ ({}{}) }} }}\n",
            bound("Default"),
            defaults.join(", "),
            if n == 1 { "," } else { "" }
        ));
        s.push_str(&format!(
            "    impl<{}> Debug for {tuple} {{ fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result {{ \
             if f.alternate() {{ write!(f, \"{{:#?}}\", self) }} else {{ write!(f, \"{{:?}}\", self) }} }} }}\n",
            bound("Debug")
        ));
    }
    // Arithmetic operator traits, so that generic code can add `T: Add<Output = T>`.
    for t in INTS.iter().copied().chain(["f32", "f64"]) {
        for (tr, m, op) in
            [("Add", "add", "+"), ("Sub", "sub", "-"), ("Mul", "mul", "*"), ("Div", "div", "/"), ("Rem", "rem", "%")]
        {
            s.push_str(&format!(
                "    impl super::ops::{tr} for {t} {{ type Output = {t}; fn {m}(self, o: {t}) -> {t} {{ self {op} o }} }}\n"
            ));
        }
        if !t.starts_with('u') {
            s.push_str(&format!(
                "    impl super::ops::Neg for {t} {{ type Output = {t}; fn neg(self) -> {t} {{ -self }} }}\n"
            ));
        }
    }
    s.push_str(
        "    impl Default for f32 { fn default() -> f32 { 0.0 } }\n    \
         impl Default for f64 { fn default() -> f64 { 0.0 } }\n    \
         impl Default for bool { fn default() -> bool { false } }\n    \
         impl Default for char { fn default() -> char { '\\0' } }\n    \
         impl Default for () { fn default() -> () { () } }\n    \
         impl Debug for () { fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result { f.write_str(\"()\") } }\n    \
         impl Display for str { fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result { f.write_str(self) } }\n    \
         impl Debug for str { fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result { write!(f, \"{:?}\", self) } }\n    \
         impl<'a, T: Display> Display for &'a T { fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result { Display::fmt(*self, f) } }\n    \
         impl<'a, T: Debug> Debug for &'a T { fn fmt(&self, f: &mut super::fmt::Formatter) -> super::fmt::Result { Debug::fmt(*self, f) } }\n    \
         impl<'a, T> super::ops::Deref for &'a T { type Target = T; fn deref(&self) -> &T { *self } }\n    \
         impl<'a, T> Copy for &'a T {}\n    impl<'a, T> Clone for &'a T { fn clone(&self) -> &'a T { *self } }\n    \
         impl<'a, T: PartialEq> PartialEq for &'a T { fn eq(&self, o: &&'a T) -> bool { (**self).eq(*o) } }\n    \
         impl<'a, T: PartialOrd> PartialOrd for &'a T {\n        \
         fn lt(&self, o: &&'a T) -> bool { (**self).lt(*o) }\n        \
         fn le(&self, o: &&'a T) -> bool { (**self).le(*o) }\n    }\n",
    );
    // `Hash` (std/hash.ae): integers as their bytes, `bool` as a `u8`, `char` as a `u32`, as Rust.
    for t in INTS {
        s.push_str(&format!(
            "    impl super::hash::Hash for {t} {{ fn hash<H: super::hash::Hasher>(&self, state: &mut H) {{ state.write_{t}(*self) }} }}\n"
        ));
    }
    s.push_str(
        "    impl super::hash::Hash for bool { fn hash<H: super::hash::Hasher>(&self, state: &mut H) { state.write_u8(*self as u8) } }\n    \
         impl super::hash::Hash for char { fn hash<H: super::hash::Hasher>(&self, state: &mut H) { state.write_u32(*self as u32) } }\n",
    );
    s.push_str("}\n");
    s
}

/// `join!(a, b, ..)`'s futures, the same text for each count: `joinN(a, b, ..)` makes a
/// `JoinN` holding each future in place as a `MaybeDone` (std/task.ae); each poll polls the
/// unfinished ones, and when all are done the output is the tuple of their outputs in order.
fn join_tuples() -> String {
    let mut s = String::from(
        "\n// Generated: the futures of `join!`.\npub mod join_n {\n    use super::future::Future;\n    \
         use super::join::MaybeDone;\n    use super::task::{Context, Poll};\n",
    );
    for n in 1..=MAX_JOIN {
        let names: Vec<String> = (0..n).map(|i| format!("F{i}")).collect();
        let fields: Vec<String> = (0..n).map(|i| format!("f{i}")).collect();
        let params = names.iter().map(|t| format!("{t}: Future")).collect::<Vec<_>>().join(", ");
        let args = names.join(", ");
        let comma = if n == 1 { "," } else { "" };
        let out = format!("({}{comma})", names.iter().map(|t| format!("{t}::Output")).collect::<Vec<_>>().join(", "));
        let decl =
            names.iter().zip(&fields).map(|(t, f)| format!("{f}: MaybeDone<{t}>")).collect::<Vec<_>>().join(", ");
        let fn_params = names.iter().zip(&fields).map(|(t, f)| format!("{f}: {t}")).collect::<Vec<_>>().join(", ");
        let init = fields.iter().map(|f| format!("{f}: MaybeDone::Future({f})")).collect::<Vec<_>>().join(", ");
        let polls: String =
            fields.iter().map(|f| format!("            if !self.{f}.poll_done(cx) {{ done = false; }}\n")).collect();
        let takes = fields.iter().map(|f| format!("self.{f}.take()")).collect::<Vec<_>>().join(", ");
        s.push_str(&format!(
            "    /// The future of `join!` with {n} operand(s).\n    pub struct Join{n}<{params}> {{ {decl} }}\n    \
             pub fn join{n}<{params}>({fn_params}) -> Join{n}<{args}> {{ Join{n} {{ {init} }} }}\n    \
             impl<{params}> Future for Join{n}<{args}> {{\n        type Output = {out};\n        \
             fn poll(&mut self, cx: &mut Context) -> Poll<{out}> {{\n            let mut done = true;\n{polls}            \
             if !done {{ return Poll::Pending; }}\n            Poll::Ready(({takes}{comma}))\n        }}\n    }}\n"
        ));
    }
    s.push_str("}\n");
    s
}

/// `std::sync::atomic`'s integer types (`AtomicI8` .. `AtomicUsize`, re-exported by
/// `std/sync.ae`), the same text for each integer type. Each method matches on its `Ordering`
/// and passes the intrinsic a constant in each arm (see `std/sync.ae`).
fn atomic_ints() -> String {
    const ORDS: [(&str, u8); 5] = [("Relaxed", 0), ("Release", 1), ("Acquire", 2), ("AcqRel", 3), ("SeqCst", 4)];
    // `match order { .. }` calling `call(k)` with the ordering's constant in each arm.
    let rmw = |call: &dyn Fn(u8) -> String| {
        let arms: Vec<String> = ORDS.iter().map(|(o, k)| format!("Ordering::{o} => {}", call(*k))).collect();
        format!("match order {{ {} }}", arms.join(", "))
    };
    let mut s = String::from(
        "\n// Generated: the atomic integer types of `std::sync::atomic`.\nmod atomic_ints {\n    \
         use super::atomic_intrinsics::*;\n    use super::sync::atomic::Ordering;\n    \
         use super::fmt::{Debug, Formatter};\n",
    );
    for t in ["i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize"] {
        let a = format!("Atomic{}{}", t[..1].to_uppercase(), &t[1..]);
        let load = "match order { Ordering::Relaxed => atomic_load(p, 0), Ordering::Acquire => atomic_load(p, 2), \
             Ordering::SeqCst => atomic_load(p, 4), Ordering::Release => panic!(\"there is no such thing as a release load\"), \
             Ordering::AcqRel => panic!(\"there is no such thing as an acquire-release load\") }";
        let store = "match order { Ordering::Relaxed => atomic_store(p, v, 0), Ordering::Release => atomic_store(p, v, 1), \
             Ordering::SeqCst => atomic_store(p, v, 4), Ordering::Acquire => panic!(\"there is no such thing as an acquire store\"), \
             Ordering::AcqRel => panic!(\"there is no such thing as an acquire-release store\") }";
        // A failure ordering that releases panicked already; the success ordering is
        // strengthened to include the failure one (as the backend would).
        let cxchg = "match (success, failure) { (Ordering::Relaxed, Ordering::Relaxed) => atomic_cxchg(p, current, new, 0, 0), \
             (Ordering::SeqCst, _) | (_, Ordering::SeqCst) => atomic_cxchg(p, current, new, 4, 4), \
             (Ordering::Relaxed, _) | (Ordering::Acquire, _) => atomic_cxchg(p, current, new, 2, 2), \
             (Ordering::Release, Ordering::Relaxed) => atomic_cxchg(p, current, new, 1, 0), \
             _ => atomic_cxchg(p, current, new, 3, 2) }";
        s.push_str(&format!(
            "    /// An integer shared between threads, changed by atomic operations.\n    \
             pub struct {a} {{ v: {t} }}\n    impl {a} {{\n        \
             pub fn new(v: {t}) -> {a} {{ {a} {{ v: v }} }}\n        \
             fn p(&self) -> *mut {t} {{ &self.v as *const {t} as *mut {t} }}\n        \
             pub fn get_mut(&mut self) -> &mut {t} {{ &mut self.v }}\n        \
             pub fn into_inner(self) -> {t} {{ self.v }}\n        \
             pub fn load(&self, order: Ordering) -> {t} {{ let p = self.p() as *const {t}; {load} }}\n        \
             pub fn store(&self, v: {t}, order: Ordering) {{ let p = self.p(); {store} }}\n        \
             pub fn compare_exchange(&self, current: {t}, new: {t}, success: Ordering, failure: Ordering) -> Result<{t}, {t}> {{\n            \
             check_failure(failure);\n            let p = self.p();\n            let prev = {cxchg};\n            \
             if prev == current {{ Ok(prev) }} else {{ Err(prev) }}\n        }}\n        \
             /// As `compare_exchange` (which never fails spuriously; the weak one may).\n        \
             pub fn compare_exchange_weak(&self, current: {t}, new: {t}, success: Ordering, failure: Ordering) -> Result<{t}, {t}> {{ \
             self.compare_exchange(current, new, success, failure) }}\n        \
             /// `f`'s new value for the current one, retried until no other thread changed it between.\n        \
             pub fn fetch_update<F: FnMut({t}) -> Option<{t}>>(&self, set_order: Ordering, fetch_order: Ordering, mut f: F) -> Result<{t}, {t}> {{\n            \
             let mut prev = self.load(fetch_order);\n            while let Some(next) = f(prev) {{\n                \
             match self.compare_exchange_weak(prev, next, set_order, fetch_order) {{ Ok(x) => return Ok(x), Err(p) => prev = p, }}\n            \
             }}\n            Err(prev)\n        }}\n        \
             pub fn fetch_max(&self, v: {t}, order: Ordering) -> {t} {{ \
             match self.fetch_update(order, Ordering::Relaxed, |x| if v > x {{ Some(v) }} else {{ None }}) {{ Ok(x) => x, Err(x) => x }} }}\n        \
             pub fn fetch_min(&self, v: {t}, order: Ordering) -> {t} {{ \
             match self.fetch_update(order, Ordering::Relaxed, |x| if v < x {{ Some(v) }} else {{ None }}) {{ Ok(x) => x, Err(x) => x }} }}\n"
        ));
        for (m, intr) in [
            ("swap", "atomic_xchg"),
            ("fetch_add", "atomic_fetch_add"),
            ("fetch_sub", "atomic_fetch_sub"),
            ("fetch_and", "atomic_fetch_and"),
            ("fetch_or", "atomic_fetch_or"),
            ("fetch_xor", "atomic_fetch_xor"),
        ] {
            let body = rmw(&|k| format!("{intr}(p, v, {k})"));
            s.push_str(&format!(
                "        pub fn {m}(&self, v: {t}, order: Ordering) -> {t} {{ let p = self.p(); {body} }}\n"
            ));
        }
        s.push_str(&format!(
            "    }}\n    impl Default for {a} {{ fn default() -> {a} {{ {a}::new(0) }} }}\n    \
             impl From<{t}> for {a} {{ fn from(v: {t}) -> {a} {{ {a}::new(v) }} }}\n    \
             impl Debug for {a} {{ fn fmt(&self, f: &mut Formatter) -> super::fmt::Result {{ Debug::fmt(&self.load(Ordering::Relaxed), f) }} }}\n"
        ));
    }
    s.push_str("}\n");
    s
}

/// Adds the library to `sources` and parses it.
pub fn load(sources: &mut SourceMap, sink: &mut DiagnosticSink) -> ast::SourceFile {
    let id = sources.add("<std>/lib.ae", source());
    parse_file(sources, id, sink)
}
