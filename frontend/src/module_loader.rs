//! The crate loader: a root file's [`FileId`] to the whole crate's AST, reading the file of every
//! `mod m;` (`m.ae` or `m/mod.ae`, in the directory Rust would use) into the source map, parsing
//! it, and putting its items into the `ModDef`. Problems (a missing module file, a file that is
//! not UTF-8) are diagnostics.

use crate::ast::{Item, ItemKind, SourceFile};
use crate::diagnostics::{Diagnostic, DiagnosticSink};
use crate::parse::parse_file;
use crate::span::{FileId, SourceMap, Span};
use std::path::{Path, PathBuf};

/// Deeper module nesting than this is taken to be a cycle (through symbolic links).
const MAX_DEPTH: usize = 64;

/// Reads a source file into the source map. A file that is not UTF-8 is added with its text
/// decoded lossily, so that the error can point at the first bad byte, and `None` is returned.
/// `at` is the span to blame when the file cannot be read at all.
pub fn read_source_file(
    sources: &mut SourceMap,
    path: &Path,
    at: Option<Span>,
    sink: &mut DiagnosticSink,
) -> Option<FileId> {
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            let msg = format!("couldn't read `{name}`: {e}");
            let span = at.unwrap_or_else(|| {
                let id = sources.add(name.clone(), "");
                Span::new(id, 0, 0)
            });
            sink.push(Diagnostic::error("E0007", msg, span, ""));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(sources.add(name, text)),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(name.clone(), text);
            sink.push(
                Diagnostic::error(
                    "E0007",
                    format!("`{name}` is not valid UTF-8"),
                    Span::new(id, bad, bad + '\u{FFFD}'.len_utf8()),
                    "invalid UTF-8 here",
                )
                .with_note(format!("the first invalid byte is at byte offset {bad}"))
                .with_help("AetherLang source files must be UTF-8"),
            );
            None
        }
    }
}

/// Parses the crate rooted at `root` and every file module it declares, recursively.
pub fn load_crate(sources: &mut SourceMap, root: FileId, sink: &mut DiagnosticSink) -> SourceFile {
    let mut file = parse_file(sources, root, sink);
    let dir = Path::new(&sources.get(root).name).parent().map(Path::to_path_buf).unwrap_or_default();
    load_items(sources, &mut file.items, &dir, 0, sink);
    file
}

/// Fills every `mod m;` among `items`, whose module files live in `dir`.
fn load_items(sources: &mut SourceMap, items: &mut [Item], dir: &Path, depth: usize, sink: &mut DiagnosticSink) {
    for item in items {
        let item_span = item.span;
        let ItemKind::Mod(m) = &mut item.kind else { continue };
        let child_dir = dir.join(&m.name.name);
        if let Some(inner) = &mut m.items {
            load_items(sources, inner, &child_dir, depth + 1, sink);
            continue;
        }
        if depth >= MAX_DEPTH {
            sink.push(Diagnostic::error("E0583", "module nesting is too deep", item_span, "while loading this module"));
            continue;
        }
        let name = &m.name.name;
        let candidates: [PathBuf; 2] = [dir.join(format!("{name}.ae")), child_dir.join("mod.ae")];
        let Some(path) = candidates.iter().find(|p| p.is_file()) else {
            sink.push(
                Diagnostic::error("E0583", format!("file not found for module `{name}`"), item_span, "").with_help(
                    format!(
                        "to create the module `{name}`, create file \"{}\" or \"{}\"",
                        candidates[0].display(),
                        candidates[1].display()
                    ),
                ),
            );
            m.items = Some(Vec::new());
            continue;
        };
        let mut loaded = Vec::new();
        if let Some(id) = read_source_file(sources, path, Some(item_span), sink) {
            loaded = parse_file(sources, id, sink).items;
            load_items(sources, &mut loaded, &child_dir, depth + 1, sink);
        }
        m.items = Some(loaded);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::ModDef;

    fn mod_items<'a>(items: &'a [Item], name: &str) -> &'a [Item] {
        items
            .iter()
            .find_map(|i| match &i.kind {
                ItemKind::Mod(ModDef { name: n, items: Some(items) }) if n.name == name => Some(items.as_slice()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no module {name}"))
    }

    #[test]
    fn loads_nested_modules_like_rust() {
        let dir = std::env::temp_dir().join(format!("aether-modules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/inner")).unwrap();
        std::fs::create_dir_all(dir.join("b")).unwrap();
        std::fs::write(dir.join("main.ae"), "mod a; mod b; mod c { mod d; } fn main() {}").unwrap();
        std::fs::write(dir.join("a.ae"), "mod inner; pub fn fa() {}").unwrap();
        std::fs::write(dir.join("a/inner.ae"), "pub fn deep() {}").unwrap();
        std::fs::write(dir.join("b/mod.ae"), "pub fn fb() {}").unwrap();
        std::fs::create_dir_all(dir.join("c")).unwrap();
        std::fs::write(dir.join("c/d.ae"), "fn fd() {}").unwrap();
        std::fs::write(dir.join("bad.ae"), b"fn f() {}\n// caf\xe9\n").unwrap();

        let mut sources = SourceMap::new();
        let mut sink = DiagnosticSink::new();
        let root = read_source_file(&mut sources, &dir.join("main.ae"), None, &mut sink).unwrap();
        let krate = load_crate(&mut sources, root, &mut sink);
        assert!(sink.diagnostics.is_empty(), "{}", sink.render(&sources, false));
        assert_eq!(mod_items(mod_items(&krate.items, "a"), "inner").len(), 1);
        assert_eq!(mod_items(&krate.items, "b").len(), 1);
        assert_eq!(mod_items(mod_items(&krate.items, "c"), "d").len(), 1);

        std::fs::write(dir.join("main.ae"), "mod missing;\nfn main() {}").unwrap();
        let root = read_source_file(&mut sources, &dir.join("main.ae"), None, &mut sink).unwrap();
        load_crate(&mut sources, root, &mut sink);
        let d = &sink.diagnostics[0];
        assert_eq!((d.code, d.message.as_str()), ("E0583", "file not found for module `missing`"));
        assert!(d.help[0].contains("missing.ae"), "{:?}", d.help);

        let mut sink = DiagnosticSink::new();
        assert!(read_source_file(&mut sources, &dir.join("bad.ae"), None, &mut sink).is_none());
        assert_eq!(sink.diagnostics[0].code, "E0007");
        assert_eq!(sink.diagnostics[0].primary.span.lo, 16);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
