//! AetherLang mid-level IR: MIR data structures, MIR building from typed HIR, and MIR passes.

pub mod async_recursion;
pub mod bitset;
pub mod coroutine;
pub mod dataflow;
pub mod drop_elab;
pub mod frame_cycles;
pub mod liveness;
pub mod mir;
pub mod mir_build;
pub mod monomorphize;
pub mod move_check;
pub mod needs_drop;
pub mod pinning;
pub mod pretty;
pub mod recursive_frames;
pub mod send_check;
pub mod storage;
pub mod storage_conflicts;
