//! Parses every ```aether block of the chapter and every conformance program: all must parse
//! without a syntax error, except the one conformance program that is a syntax error on purpose.

use aether_frontend::diagnostics::DiagnosticSink;
use aether_frontend::parse::parse_file;
use aether_frontend::span::SourceMap;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// Parses `text` and returns the rendered diagnostics (empty when there are none).
fn parse(name: &str, text: &str) -> (usize, String) {
    let mut sources = SourceMap::new();
    let file = sources.add(name, text);
    let mut sink = DiagnosticSink::new();
    let tree = parse_file(&sources, file, &mut sink);
    drop(tree);
    (sink.diagnostics.len(), sink.render(&sources, false))
}

/// The ```aether blocks of a markdown file, with the line each starts on.
fn aether_blocks(md: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        match &mut current {
            None if line.trim_start().starts_with("```aether") => current = Some((i + 2, String::new())),
            Some(_) if line.trim_start().starts_with("```") => blocks.push(current.take().unwrap()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn every_chapter_block_parses() {
    let path = shared().join("spec/seed-4.3-async.md");
    let md = std::fs::read_to_string(&path).expect("the chapter");
    let blocks = aether_blocks(&md);
    assert_eq!(blocks.len(), md.matches("```aether").count(), "a block was not closed");
    assert!(blocks.len() >= 28, "only {} blocks found", blocks.len());
    let mut failures = String::new();
    for (line, text) in &blocks {
        let (n, rendered) = parse(&format!("seed-4.3-async.md:{line}"), text);
        if n > 0 {
            failures.push_str(&format!("block at line {line}:\n{rendered}\n"));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

fn ae_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("conformance dir") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            ae_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ae") {
            out.push(path);
        }
    }
}

#[test]
fn every_conformance_program_parses() {
    let mut files = Vec::new();
    ae_files(&shared().join("conformance"), &mut files);
    files.sort();
    assert!(files.len() >= 50, "only {} files found", files.len());
    let mut failures = String::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let (n, rendered) = parse(&f.display().to_string(), &text);
        if f.ends_with("errors/11_syntax_error.ae") {
            assert!(n > 0, "the syntax error was not reported");
            assert!(rendered.contains("error[E0"), "no code in:\n{rendered}");
        } else if n > 0 {
            failures.push_str(&rendered);
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
