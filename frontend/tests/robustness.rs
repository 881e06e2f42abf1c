//! Robustness and speed: huge and deeply nested inputs must parse (or be rejected with a
//! diagnostic) without a panic or a stack overflow, in reasonable time.

use aether_frontend::diagnostics::DiagnosticSink;
use aether_frontend::parse::{parse_file, with_big_stack};
use aether_frontend::span::SourceMap;
use std::time::{Duration, Instant};

/// Parses `src`, drops the tree on a big stack (a deep tree drops recursively) and returns the
/// number of diagnostics and the time taken.
fn parse(src: String) -> (usize, std::time::Duration) {
    with_big_stack(move || {
        let mut sources = SourceMap::new();
        let file = sources.add("big.ae", src);
        let mut sink = DiagnosticSink::new();
        let start = Instant::now();
        let tree = parse_file(&sources, file, &mut sink);
        let took = start.elapsed();
        assert!(tree.items.len() <= 1_000_000);
        drop(tree);
        (sink.diagnostics.len(), took)
    })
}

/// Parses `src` and renders its diagnostics as `aetherc check` does; returns the number of
/// diagnostics, the size of the report and the time both took.
fn check(src: String) -> (usize, usize, Duration) {
    with_big_stack(move || {
        let mut sources = SourceMap::new();
        let file = sources.add("bad.ae", src);
        let mut sink = DiagnosticSink::new();
        let start = Instant::now();
        let tree = parse_file(&sources, file, &mut sink);
        let report = sink.render(&sources, false);
        let took = start.elapsed();
        drop(tree);
        (sink.diagnostics.len(), report.len(), took)
    })
}

/// `n` tokens picked from a fixed list by a fixed pseudo-random sequence, `per_line` to a line.
fn garbage(n: usize, per_line: usize) -> String {
    const TOKENS: &[&str] = &[
        "fn", "let", "{", "}", "(", ")", "[", "]", ";", ",", "x", "1", "+", "=", "if", "else", "match", "=>", ".",
        "::", "<", ">", "\"s\"", "struct", "impl", "for", "in", "|", "&", "mut", "#", "!", "?", "@", "while", "loop",
        "return", "'a", ":", "->", "..", "*", "-", "~", "$", "println!", "foo!",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut out = String::with_capacity(n * 4);
    for i in 0..n {
        // xorshift64: deterministic, and no dependency for it.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push_str(TOKENS[(state % TOKENS.len() as u64) as usize]);
        out.push(if (i + 1) % per_line == 0 { '\n' } else { ' ' });
    }
    out
}

#[test]
fn pathological_inputs_are_reported_quickly() {
    // Each once took minutes or more (rendering 3,000 labels on one line is cubic), or printed
    // megabytes. The limits are for a slow machine in a debug build; each takes well under a
    // second here.
    let n = 3000;
    let cases: Vec<(&str, String)> = vec![
        ("unclosed braces", format!("fn main() {{ {} }}", "{".repeat(n))),
        ("unclosed parentheses", format!("fn main() {{ {} }}", "(".repeat(n))),
        ("unclosed brackets", format!("fn main() {{ {} }}", "[".repeat(n))),
        ("unclosed mixed", format!("fn main() {{ {} }}", "([{".repeat(n / 3))),
        ("unclosed mixed, mismatched", format!("fn main() {{ {} }}", "{([".repeat(n / 3))),
        ("unclosed ifs", format!("fn main() {{ {} }}", "if true { ".repeat(n))),
        ("unclosed functions, one per line", "fn main() {\n".repeat(n)),
        ("unclosed at top level", "{".repeat(n)),
        ("stray closing braces", format!("fn main() {{}} {}", "}".repeat(n))),
        ("stray closing braces, one per line", format!("fn main() {{}}\n{}", "}\n".repeat(n))),
        ("stray mixed closers", format!("fn main() {{ {} }}", ")]".repeat(n / 2))),
        ("unknown characters", format!("fn main() {{ {} }}", "~ ".repeat(n))),
        ("garbage on one line", garbage(100_000, usize::MAX)),
        ("garbage, ten tokens a line", garbage(100_000, 10)),
    ];
    for (name, src) in cases {
        let size = src.len();
        let (diags, report, took) = check(src);
        eprintln!("{name}: {size} bytes, {diags} diagnostics, {report}-byte report in {took:?}");
        assert!(diags > 0, "{name}: no diagnostic");
        assert!(diags <= 100, "{name}: {diags} diagnostics");
        // The report is a few copies of the input at most, never a copy per error.
        assert!(report <= (1 << 20) + 8 * size, "{name}: a {report}-byte report");
        assert!(took < Duration::from_secs(10), "{name}: {took:?}");
    }
}

#[test]
fn errors_deep_inside_nested_code_are_handled_quickly() {
    // Error recovery used to cost time proportional to the parser's stack for each dropped token
    // and each error (the first case took 72 s), and the lexer searched its whole stack of open
    // delimiters for each stray closer.
    let n = 10_000;
    let braces =
        |inner: &str, depth: usize| format!("fn main() {{ {}{inner}{} }}", "{".repeat(depth), "}".repeat(depth));
    let cases: Vec<(&str, String)> = vec![
        ("tokens nothing accepts, in deep blocks", braces(&" =".repeat(n), n)),
        ("an error in deep parentheses in deep blocks", braces(&format!("{} = {}", "(".repeat(n), ")".repeat(n)), n)),
        ("stray closers in deep blocks", braces(&" ) ]".repeat(3 * n), 3 * n)),
        ("an error per statement in deep blocks", braces(&" x y".repeat(2 * n), 2 * n)),
        ("junk in deep modules", format!("{}{}{}", "mod a { ".repeat(n), " let = x ; ( ) ".repeat(n), "}".repeat(n))),
        ("junk in an impl", format!("impl X {{ {} }}", " let = x ; ( ) ".repeat(n))),
    ];
    for (name, src) in cases {
        let size = src.len();
        let (diags, report, took) = check(src);
        eprintln!("{name}: {size} bytes, {diags} diagnostics, {report}-byte report in {took:?}");
        assert!(diags > 0, "{name}: no diagnostic");
        assert!(took < Duration::from_secs(10), "{name}: {took:?}");
    }
}

#[test]
fn parsing_stops_after_too_many_errors_in_deep_code() {
    let depth = 20_000;
    let src = format!("fn main() {{ {}{}{} }}", "{".repeat(depth), " x y".repeat(depth), "}".repeat(depth));
    let mut sources = SourceMap::new();
    let file = sources.add("bad.ae", src);
    let mut sink = DiagnosticSink::new();
    parse_file(&sources, file, &mut sink);
    let messages: Vec<&str> = sink.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages[0], "expected `;` or `}`, found identifier `y`");
    assert_eq!(messages[1], "too many syntax errors in nested code: parsing stopped here");
}

#[test]
fn at_most_a_hundred_diagnostics_per_file() {
    let src = format!("fn main() {{}}\n{}", "}\n".repeat(3000));
    let mut sources = SourceMap::new();
    let file = sources.add("bad.ae", src);
    let mut sink = DiagnosticSink::new();
    parse_file(&sources, file, &mut sink);
    assert_eq!(sink.diagnostics.len(), 100);
    let last = sink.diagnostics.last().unwrap();
    assert_eq!(last.primary.span.lo, 13 + 2 * 99);
    assert_eq!(last.notes, ["2900 more errors in this file are not shown"]);
}

/// A function of about 10 lines using most of the syntax.
fn function(i: usize) -> String {
    format!(
        r#"pub async fn work_{i}<T: Clone + Send>(xs: &[T], n: usize) -> Result<Vec<T>, Box<dyn Error>> {{
    let mut out = Vec::with_capacity(n * 2 + 1);
    for (j, x) in xs.iter().enumerate().filter(|(k, _)| k % 3 != 0) {{
        if j as u64 >= {i} && n > 0 {{ out.push(x.clone()); }} else {{ continue; }}
    }}
    match out.len() {{ 0 => return Err(format!("empty {{}}", n).into()), k if k > 10 => {{}} _ => (), }}
    let total: u32 = [1u32, 2, 3].iter().map(|v| v << 2).sum::<u32>().pow(2);
    println!("{{}} {{:>8.2}} {{total}}", out.len(), 1.5f64);
    Ok(out)
}}
"#
    )
}

#[test]
fn ten_thousand_lines() {
    let src: String = (0..1000).map(function).collect();
    let lines = src.lines().count();
    assert_eq!(lines, 10_000);
    let (n, took) = parse(src);
    assert_eq!(n, 0);
    eprintln!("parse time for {lines} lines: {took:?}");
}

#[test]
fn ten_megabytes() {
    let mut src = String::with_capacity(10 << 20);
    let mut i = 0;
    while src.len() < 10 << 20 {
        src.push_str(&function(i));
        i += 1;
    }
    let size = src.len();
    let (n, took) = parse(src);
    assert_eq!(n, 0);
    eprintln!("parse time for {size} bytes: {took:?}");
    assert!(took.as_secs() < 120, "{took:?}");
}

#[test]
fn deep_nesting() {
    let depth = 10_000;
    let parens = format!("fn main() {{ let x = {}1{}; }}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(parse(parens).0, 0);
    let blocks = format!("fn main() {{ {} }}", "{".repeat(depth) + &"}".repeat(depth));
    assert_eq!(parse(blocks).0, 0);
    let unary = format!("fn main() {{ let x = {}1; }}", "-".repeat(depth));
    assert_eq!(parse(unary).0, 0);
    let chain = format!("fn main() {{ let x = 1{}; }}", " + 1".repeat(100_000));
    assert_eq!(parse(chain).0, 0);
    let ifs = format!("fn main() {{ {} }}", "if a { ".repeat(depth) + &"} ".repeat(depth));
    assert_eq!(parse(ifs).0, 0);
    // Unbalanced and deep: a diagnostic, not a crash.
    let open = format!("fn main() {{ let x = {}1; }}", "(".repeat(depth));
    assert!(parse(open).0 > 0);
}

#[test]
fn garbage_does_not_panic() {
    // Every prefix of a real program, and some byte soup.
    let program = function(7);
    for end in (0..program.len()).filter(|&e| program.is_char_boundary(e)) {
        parse(program[..end].to_string());
    }
    let soup: String = (0..20_000u32).map(|i| char::from_u32((i * 7919) % 0x7f).unwrap_or(' ')).collect();
    assert!(parse(soup).0 > 0);
}
