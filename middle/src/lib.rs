//! AetherLang mid-level IR: MIR data structures, MIR building from typed HIR, and MIR passes.

pub mod mir;
pub mod mir_build;
pub mod pretty;
