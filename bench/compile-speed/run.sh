#!/usr/bin/env bash
# Compile-speed benchmark: the same generated 10,000-line program (valid AetherLang and Rust)
# compiled and linked at -O0 by aetherc and by rustc, side by side; prints both times and the ratio
# and checks that both executables print the same result.
# Usage: bench/compile-speed/run.sh [LINES] [AETHERC]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lines=${1:-10000}
aetherc=${2:-$here/../../target/release/aetherc}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 "$here/gen.py" "$lines" > "$work/prog.ae"
cp "$work/prog.ae" "$work/prog.rs"
echo "program: $(wc -l < "$work/prog.ae") lines"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
best() { local b=999999 x; for _ in 1 2 3; do x=$(t "$@"); b=$(echo "if ($x < $b) $x else $b" | bc); done; echo "$b"; }
ta=$(best "$aetherc" -O0 "$work/prog.ae" -o "$work/prog_ae")
tr=$(best rustc -C opt-level=0 --edition 2021 -A warnings "$work/prog.rs" -o "$work/prog_rs")
ra=$("$work/prog_ae"); rr=$("$work/prog_rs")
[ "$ra" = "$rr" ] || { echo "outputs differ: aetherc $ra, rustc $rr"; exit 1; }
printf 'aetherc -O0: %.3f s\nrustc -C opt-level=0: %.3f s\nratio (rustc / aetherc): %.2fx\n' "$ta" "$tr" "$(echo "$tr / $ta" | bc -l)"
