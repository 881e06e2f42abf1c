//! AetherLang runtime.
