//! AetherLang LLVM backend.
