//! Snapshot tests: the AST dump of representative programs, and the rendered diagnostics of
//! malformed ones. Review changes with `cargo insta review` (or `INSTA_UPDATE=always`).

use aether_frontend::ast_pretty::print_ast;
use aether_frontend::diagnostics::DiagnosticSink;
use aether_frontend::module_loader::read_source_file;
use aether_frontend::parse::parse_file;
use aether_frontend::span::SourceMap;

fn dump(src: &str) -> String {
    let mut sources = SourceMap::new();
    let file = sources.add("test.ae", src);
    let mut sink = DiagnosticSink::new();
    let tree = parse_file(&sources, file, &mut sink);
    assert!(sink.diagnostics.is_empty(), "{}", sink.render(&sources, false));
    print_ast(&tree, &sources)
}

fn diagnostics(src: &str) -> String {
    let mut sources = SourceMap::new();
    let file = sources.add("bad.ae", src);
    let mut sink = DiagnosticSink::new();
    parse_file(&sources, file, &mut sink);
    sink.render(&sources, false)
}

#[test]
fn ast_expressions_and_precedence() {
    insta::assert_snapshot!(dump(
        r#"
fn main() {
    let a = 1 + 2 * 3 - 4 / 5 % 6;
    let b = x as u64 * 2 << 1 & mask | flag ^ 3;
    let c = !done && a < b || -x as i32 >= y;
    let d = &mut v[i].field.0.1;
    let e = *p.method::<u8>(1, 2)?.await;
    let f = a..=b;
    let g = ..;
    x += 1;
    y = z = 3;
    if c {} -1;
    let h = if x { 1 } else if y { 2 } else { 3 };
    'outer: for (i, item) in list.iter().enumerate() {
        while let Some(top) = stack.pop() {
            if top > 3 { continue 'outer; }
            break 'outer;
        }
    }
    let r = loop { break 7 };
    let k = match v {
        0 | 1 => "small",
        2..=9 if v != 5 => "digit",
        -5..0 => "negative",
        Point { x, y: 0, .. } => "on axis",
        Some(ref mut inner @ 1..) => "some",
        [first, .., last] => "slice",
        &(a, b) => "pair",
        _ => { "other" }
    };
    let s = Point { x: 1, y, ..Default::default() };
    let arr = [0u8; 1024];
    let t = (1,);
    unsafe { ptr.read() }
}
"#
    ));
}

#[test]
fn ast_items() {
    insta::assert_snapshot!(dump(
        r#"
#![allow(dead_code)]
use std::collections::{HashMap, hash_map::Entry as E, self};
use crate::a::*;
pub(crate) const MAX: usize = 10;
static mut COUNTER: u32 = 0;
type Pair<T> = (T, T);
#[derive(Debug, Clone, PartialEq)]
pub struct Point<T: Copy + Default = i32> where T: 'static { pub x: T, y: T }
struct Unit;
struct Wrapper<'a>(pub &'a str, Vec<Vec<u8>>);
enum Shape { Circle { r: f64 }, Square(f64), Empty = 3 }
pub trait Area: Debug + Clone {
    type Output: Copy;
    const SIDES: u32 = 0;
    fn area(&self) -> Self::Output;
    fn scale(&mut self, k: f64) { }
}
impl<T> Area for Point<T> where T: Copy {
    type Output = f64;
    fn area(&self) -> f64 { 0.0 }
}
unsafe impl Send for Unit {}
impl !Sync for Unit {}
impl<'a, F: for<'b> Fn(&'b u8) -> bool + ?Sized> Filter<'a> for Box<F> {}
fn generic<T: Iterator<Item = u32>, const N: usize>(xs: [T; N], f: impl Fn(u32) -> u32) -> Box<dyn Error + Send + Sync> where T: Clone { todo!() }
pub async fn fetch(url: &str) -> Result<String, Error> { Ok(String::new()) }
const fn zero() -> i32 { 0 }
#[no_mangle]
pub extern "C" fn exported(x: i32) -> i32 { x }
extern "C" {
    fn printf(fmt: *const u8, ...) -> i32;
    static errno: i32;
}
extern "Rust" {
    async fn tokio_spawn<F>(future: F) -> JoinHandle<F::Output> where F: Future + Send + 'static;
}
mod inline { pub fn f() -> <Vec<u8> as IntoIterator>::Item { 0 } }
mod on_disk;
fn ptr(f: fn(i32) -> i32, g: unsafe extern "C" fn(*mut u8), n: !) {}
"#
    ));
}

#[test]
fn ast_async_and_macros() {
    insta::assert_snapshot!(dump(
        r#"
async fn main() -> Result<(), Box<dyn Error>> {
    let (a, b) = join!(f(), g()).await;
    let data = async_try {
        let a = risky().await?;
        a + 1
    }.catch(|e: SpecificError| {
        handle(e).await
    }).await?;
    let winner = select! {
        v = fast() => format!("fast {}", v),
        _ = sleep(Duration::from_millis(10)), if ready => { None }
        else => unreachable!(),
    };
    defer! { cleanup().await; }
    spawn(async move { work().await });
    let c = || async { 1 };
    let d = move |x: u32, (y, z): (u8, u8)| -> u32 { x };
    assert!(ok, "failed: {}", why);
    assert_eq!(a, b);
    assert_ne!(a, b, "{a:?} vs {b:#?}");
    let v = vec![1, 2, 3];
    let w = vec![0; n];
    let m = matches!(x, Some(1..=3) | None if flag);
    write!(f, "{:>8} {:*^10} {:+} {:08.3} {:#X} {:o} {:b} {:e} {:.*} {:w$} {{}}", a, b, c, d, e, g, h, i, 3, j, k, w = 5)?;
    println!();
    eprintln!("{0} {0:?} {name}", x, name = y);
    panic!("boom");
    Ok(())
}
"#
    ));
}

#[test]
fn ast_conformance_program() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/async/14_async_try.ae");
    let text = std::fs::read_to_string(path).unwrap();
    insta::assert_snapshot!(dump(&text));
}

#[test]
fn ast_empty_file() {
    insta::assert_snapshot!(dump(""));
    assert_eq!(diagnostics(""), "");
}

#[test]
fn diag_missing_semicolons() {
    insta::assert_snapshot!(diagnostics("fn main() {\n    let x = 1\n    let y = 2;\n    foo(x)\n    bar(y);\n}\n"));
}

#[test]
fn diag_unbalanced_braces() {
    insta::assert_snapshot!(diagnostics("fn main() {\n    if x {\n        y();\n\nfn other() {}\n"));
}

#[test]
fn diag_mismatched_delimiter() {
    insta::assert_snapshot!(diagnostics("fn main() {\n    let v = (1 + 2;\n    let w = [3, 4);\n}\n"));
}

#[test]
fn diag_extra_closing_brace() {
    insta::assert_snapshot!(diagnostics("fn a() {}\n}\nfn b() { let = 1; }\n"));
}

#[test]
fn diag_stray_tokens() {
    insta::assert_snapshot!(diagnostics("fn main() {\n    let x = 1 ~ 2;\n    let y = $;\n}\nstruct S { a: u8, , }\n"));
}

#[test]
fn diag_truncated_file() {
    insta::assert_snapshot!(diagnostics("fn main() {\n    let s = \"unterminated\n"));
    insta::assert_snapshot!("truncated_in_expression", diagnostics("fn f() -> i32 { 1 +"));
    insta::assert_snapshot!("truncated_comment", diagnostics("fn f() {}\n/* never closed"));
}

#[test]
fn diag_bad_format_strings() {
    insta::assert_snapshot!(diagnostics(
        "fn main() {\n    println!(\"{:q}\", 1);\n    println!(\"tab\\t{\", 1);\n    println!(\"a } b\");\n    println!(\"{} {}\", 1);\n    format!(\"{}\", 1, 2);\n    println!(x);\n}\n"
    ));
}

#[test]
fn diag_several_independent_errors() {
    insta::assert_snapshot!(diagnostics(
        "fn a() {\n    let x = ;\n    x + 1\n}\n\nfn b(x: i32 {\n}\n\nstruct S { a: }\n\nfn c() -> u8 {\n    foo!(1, 2);\n    match x { 1 => 2 3 => 4 }\n    1 < 2 < 3\n}\n"
    ));
}

#[test]
fn diag_expected_kinds() {
    insta::assert_snapshot!(diagnostics(
        "fn f(x: ) {}\nfn g() { let = 3; }\nfn h() { let a: Vec<u8> = vec![1 2]; }\nimpl X { 3 }\nfn k() { x.0x1; }\n"
    ));
}

#[test]
fn diag_conformance_syntax_error() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance/errors/11_syntax_error.ae");
    let text = std::fs::read_to_string(path).unwrap();
    let mut sources = SourceMap::new();
    let file = sources.add("11_syntax_error.ae", text);
    let mut sink = DiagnosticSink::new();
    parse_file(&sources, file, &mut sink);
    insta::assert_snapshot!(sink.render(&sources, false));
}

#[test]
fn diag_invalid_utf8() {
    let dir = std::env::temp_dir().join(format!("aether-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.ae");
    std::fs::write(&path, b"fn main() {\n    // caf\xe9\n}\n").unwrap();
    let mut sources = SourceMap::new();
    let mut sink = DiagnosticSink::new();
    assert!(read_source_file(&mut sources, &path, None, &mut sink).is_none());
    let rendered = sink.render(&sources, false).replace(&dir.display().to_string(), "DIR");
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(rendered);
}
