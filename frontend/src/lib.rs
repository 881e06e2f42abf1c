//! AetherLang front end: source text to a checked, typed HIR, with diagnostics.

pub mod ast;
pub mod diagnostics;
pub mod span;
pub mod hir;
pub mod ty;
pub mod typeck;
