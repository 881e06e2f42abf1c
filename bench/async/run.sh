#!/usr/bin/env bash
# Async benchmarks: each AetherLang program here (`aetherc -O3`) runs side by side with its Rust +
# Tokio twin in tokio/src/bin (`cargo build --release`), same worker count (AETHER_WORKERS and
# TOKIO_WORKER_THREADS, default: the CPU count). Outputs must agree; prints the best wall time of 3
# runs, the peak RSS, and the ratio Tokio / aetherc (above 1: we are faster or smaller).
# Then frame_sizes.ae, which is valid Rust too, is compiled by both aetherc and rustc and the
# futures' sizes (size_of_val of an un-polled future: its whole frame) are printed side by side.
# Usage: bench/async/run.sh [AETHERC] [NAME ...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
aetherc=${1:-$here/../../target/release/aetherc}
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(await_chain spawn_join sleepers ping_pong)
workers=${AETHER_WORKERS:-$(nproc)}
export AETHER_WORKERS=$workers TOKIO_WORKER_THREADS=$workers
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$here/tokio" && cargo build --release --quiet)
# Runs "$@" once; prints "seconds peak_kib".
measure() {
  local s e
  s=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >"$work/out"
  e=$(date +%s.%N)
  echo "$(echo "$e - $s" | bc) $(cat "$work/rss")"
}
best() {
  local bt=999999 bm=0 t m
  for _ in 1 2 3; do
    read -r t m < <(measure "$@")
    if (( $(echo "$t < $bt" | bc) )); then bt=$t; fi
    if (( m > bm )); then bm=$m; fi
  done
  echo "$bt $bm"
}
printf '%-12s %10s %10s %8s %12s %12s %8s\n' benchmark aetherc tokio ratio "aether RSS" "tokio RSS" ratio
for name in "${names[@]}"; do
  "$aetherc" -O3 "$here/$name.ae" -o "$work/$name"
  ours=$("$work/$name"); theirs=$("$here/tokio/target/release/$name")
  [ "$ours" = "$theirs" ] || { echo "$name: outputs differ: aetherc '$ours', tokio '$theirs'"; exit 1; }
  read -r ta ma < <(best "$work/$name")
  read -r tt mt < <(best "$here/tokio/target/release/$name")
  printf '%-12s %9.3fs %9.3fs %7.2fx %9d KiB %9d KiB %7.2fx\n' "$name" "$ta" "$tt" "$(echo "$tt / $ta" | bc -l)" \
    "$ma" "$mt" "$(echo "$mt / $ma" | bc -l)"
done

echo
echo "frame sizes in bytes (aetherc / rustc), from frame_sizes.ae:"
"$aetherc" -O3 "$here/frame_sizes.ae" -o "$work/frame_sizes"
cp "$here/frame_sizes.ae" "$work/frame_sizes.rs"
rustc -O --edition 2021 -A warnings "$work/frame_sizes.rs" -o "$work/frame_sizes_rs"
paste -d'|' <("$work/frame_sizes") <("$work/frame_sizes_rs") | sed 's/|/   |   rustc: /'
