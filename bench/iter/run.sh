#!/usr/bin/env bash
# Iterator benchmarks: each program here is valid AetherLang and Rust; it is compiled by
# `aetherc -O3` and by `rustc -O` (same source), both executables run side by side (best of 3),
# their outputs compared, and the times and the ratio printed.
# Usage: bench/iter/run.sh [AETHERC]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
aetherc=${1:-$here/../../target/release/aetherc}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
best() { local b=999999 x; for _ in 1 2 3; do x=$(t "$@"); b=$(echo "if ($x < $b) $x else $b" | bc); done; echo "$b"; }
for src in "$here"/*.ae; do
  name=$(basename "$src" .ae)
  cp "$src" "$work/$name.rs"
  "$aetherc" -O3 "$src" -o "$work/${name}_ae"
  rustc -O --edition 2021 -A warnings "$work/$name.rs" -o "$work/${name}_rs"
  ra=$("$work/${name}_ae"); rr=$("$work/${name}_rs")
  [ "$ra" = "$rr" ] || { echo "$name: outputs differ: aetherc $ra, rustc $rr"; exit 1; }
  ta=$(best "$work/${name}_ae"); tr=$(best "$work/${name}_rs")
  printf '%s: aetherc -O3 %.3f s, rustc -O %.3f s, ratio (aetherc / rustc) %.2fx\n' "$name" "$ta" "$tr" "$(echo "$ta / $tr" | bc -l)"
done
