//! `#[derive(..)]` expansion followed by type checking: the generated impls check, satisfy the
//! bounds of generic code, and their errors point into the generated file.

use aether_frontend::derive::expand;
use aether_frontend::diagnostics::{DiagnosticSink, Severity};
use aether_frontend::parse::{parse_file, with_big_stack};
use aether_frontend::span::SourceMap;
use aether_frontend::typeck::check_crate;

/// Parses, expands and checks `src`: each error's code and the name of the file it points into
/// (with, for errors in generated files, the text its "in this derive expansion" label covers).
fn check(src: &str) -> Vec<(&'static str, String)> {
    let src = src.to_string();
    with_big_stack(move || {
        let mut sources = SourceMap::new();
        let file = sources.add("test.ae", src);
        let mut sink = DiagnosticSink::new();
        let mut tree = parse_file(&sources, file, &mut sink);
        assert!(!sink.has_errors(), "parse errors: {}", sink.render(&sources, false));
        let expansions = expand(&mut tree, &mut sources, &mut sink);
        check_crate(&tree, &mut sources, &mut sink);
        expansions.annotate(&mut sink.diagnostics);
        sink.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let mut at = sources.get(d.primary.span.file).name.clone();
                for l in d.secondary.iter().filter(|l| l.message == "in this derive expansion") {
                    at += &format!(" from `{}`", &sources.get(l.span.file).text[l.span.range()]);
                }
                (d.code, at)
            })
            .collect()
    })
}

#[test]
fn derived_impls_check_and_satisfy_bounds() {
    let errors = check(
        r#"
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
struct P { x: i32, y: u8 }
#[derive(Clone, PartialEq, PartialOrd, Debug)]
struct W<T>(T);
#[derive(Debug, Clone, PartialEq, PartialOrd, Default)]
enum E<T> { #[default] A, B(T), C { v: W<T> } }
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Never {}
fn need<T: Clone + Copy + PartialOrd + Eq + Ord + Default>(_x: T) {}
fn need2<T: Clone + PartialOrd>(_x: &T) {}
fn main() {
    need(P::default());
    need2(&W(P { x: 1, y: 2 }));
    need2(&E::C { v: W(1.5) });
    let e: E<u8> = Default::default();
    let _b = e.clone() == e;
}
"#,
    );
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn errors_in_generated_impls_point_into_their_file() {
    let errors = check(
        r#"
struct NotClone;
#[derive(Clone)]
struct S { n: NotClone }
#[derive(Default)]
enum E { A, B }
fn main() {}
"#,
    );
    assert_eq!(errors, [("E0665", "test.ae".to_string()), ("E0277", "<derive Clone for S> from `Clone`".to_string())]);
}

#[test]
fn a_type_argument_without_the_trait_is_an_unsatisfied_bound() {
    let errors = check(
        r#"
struct NotEq;
#[derive(PartialEq)]
struct W<T> { x: T }
fn main() { let _b = W { x: NotEq } == W { x: NotEq }; }
"#,
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0], ("E0277", "test.ae".to_string()));
}
