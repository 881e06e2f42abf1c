//! AetherLang front end: source text to a checked, typed HIR, with diagnostics.

pub mod ast;
pub mod ast_pretty;
pub mod derive;
pub mod diagnostics;
pub mod error_codes;
pub mod format_string;
pub mod hir;
pub mod lexer;
pub mod module_loader;
pub mod parse;
pub mod span;
pub mod std_lib;
pub mod token;
pub mod traits;
pub mod ty;
pub mod typeck;
