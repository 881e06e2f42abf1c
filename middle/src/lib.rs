//! AetherLang mid-level IR.
