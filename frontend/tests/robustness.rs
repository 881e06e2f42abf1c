//! Robustness and speed: huge and deeply nested inputs must parse (or be rejected with a
//! diagnostic) without a panic or a stack overflow, in reasonable time.

use aether_frontend::diagnostics::DiagnosticSink;
use aether_frontend::parse::{parse_file, with_big_stack};
use aether_frontend::span::SourceMap;
use std::time::Instant;

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
