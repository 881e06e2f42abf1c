//! `aetherc --print frame-layout`: each coroutine frame as the target lays it out.
//!
//! For every async fn future of the program (sorted by name): size and alignment, the states
//! (unresumed, returned, poisoned, one per suspension point with its source line), every saved
//! local with its offset and size, which locals share a slot, where the state word is, and the
//! futures that were boxed (only recursive ones: the awaits that close a cycle of async fns,
//! and the locals holding a future of their own recursion; every other future is inline).

use std::fmt::Write;

use inkwell::context::Context;

use aether_frontend::hir;
use aether_frontend::span::SourceMap;
use aether_frontend::ty::TyKind;
use aether_middle::coroutine::FIRST_SUSPENDED;
use aether_middle::mir::Program;

use crate::layout::Layouts;
use crate::{pipeline, BackendError, Options};

pub fn frame_layout_report(
    krate: &hir::Crate,
    program: &Program,
    sources: &SourceMap,
    opts: &Options,
) -> Result<String, BackendError> {
    let tm = pipeline::target_machine(opts.target.as_deref(), opts.cpu.as_deref(), opts.opt_level)?;
    let context = Context::create();
    let layouts = Layouts::new(&context, krate, pipeline::target_data(&tm)).with_frames(&program.frames);
    let mut frames: Vec<_> = program.frames.values().collect();
    frames.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = String::new();
    let tys = &krate.tys;
    for f in frames {
        let l = layouts.frame_layout(f.frame_ty);
        let (size, align) = (layouts.size_of(f.frame_ty), layouts.align_of(f.frame_ty));
        let _ = writeln!(out, "async fn {}: {size} bytes, align {align}", f.name);
        let mut states = vec!["0 unresumed".to_string(), "1 returned".to_string(), "2 poisoned".to_string()];
        for (i, sp) in f.points.iter().enumerate() {
            let (file, line, col) = sources.location(*sp);
            states.push(format!("{} suspended at {file}:{line}:{col}", FIRST_SUSPENDED + i as u32));
        }
        let _ = writeln!(out, "  states: {}", states.join(", "));
        let _ = writeln!(out, "  state word: {}, offset {}", tys.display(f.state_ty), l.state_offset);
        for (k, s) in f.saved.iter().enumerate() {
            let slot = l.slots.slot_of[s.local.index()].expect("saved locals have slots");
            let offset = l.slots.slots[slot].offset;
            let name = match (&s.name, s.is_arg) {
                (Some(n), true) => format!("{n} (argument)"),
                (Some(n), false) => n.clone(),
                (None, _) => format!("<temporary {}>", s.local.index()),
            };
            let held: Vec<String> = f
                .holds
                .iter()
                .enumerate()
                .filter(|(_, h)| h.contains(&k))
                .map(|(st, _)| if st == 0 { "0".to_string() } else { (FIRST_SUSPENDED as usize + st - 1).to_string() })
                .collect();
            let (ty, size) = (tys.display(s.ty), layouts.size_of(s.ty));
            let place = if s.on_heap {
                format!("{ty} on the heap (pointer at offset {offset}, size {size})")
            } else {
                format!("{ty}, offset {offset}, size {size}")
            };
            let _ = writeln!(out, "  {name}: {place}, slot {slot}, held in states [{}]", held.join(", "));
        }
        for (i, slot) in l.slots.slots.iter().enumerate() {
            if slot.locals.len() > 1 {
                let names: Vec<String> = slot
                    .locals
                    .iter()
                    .map(|loc| {
                        f.saved
                            .iter()
                            .find(|s| s.local == *loc)
                            .and_then(|s| s.name.clone())
                            .unwrap_or_else(|| format!("<temporary {}>", loc.index()))
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "  slot {i} (offset {}, {} bytes) is shared by {}",
                    slot.offset,
                    slot.size,
                    names.join(", ")
                );
            }
        }
        // A saved `Box<coroutine>` is a recursive await that `async_recursion` boxed.
        let mut boxed = Vec::new();
        for s in &f.saved {
            let TyKind::Adt(adt, args) = tys.kind(s.ty) else { continue };
            if krate.adts[adt.index()].path != "std::boxed::Box" {
                continue;
            }
            if let Some(&inner) = args.first() {
                if let TyKind::Coroutine { def, .. } = tys.kind(inner) {
                    let callee = &krate.fn_def(hir::FnId(*def)).name;
                    let name = s.name.clone().unwrap_or_else(|| format!("<temporary {}>", s.local.index()));
                    boxed.push(format!(
                        "{name}: `{callee}`'s future ({} bytes on the heap), a recursive call",
                        layouts.size_of(inner)
                    ));
                }
            }
        }
        for s in f.saved.iter().filter(|s| s.on_heap) {
            let name = s.name.clone().unwrap_or_else(|| format!("<temporary {}>", s.local.index()));
            boxed.push(format!(
                "{name}: `{}` ({} bytes on the heap), holds a future of its own recursion",
                tys.display(s.ty),
                layouts.size_of(s.ty)
            ));
        }
        if boxed.is_empty() {
            let _ = writeln!(out, "  boxed futures: none");
        } else {
            let _ = writeln!(out, "  boxed futures:");
            for b in boxed {
                let _ = writeln!(out, "    {b}");
            }
        }
    }
    if out.is_empty() {
        out.push_str("no async functions\n");
    }
    Ok(out)
}
