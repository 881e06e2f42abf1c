#!/usr/bin/env bash
# Runs the whole test suite (installing what the build needs first, when it is missing), then
# prints one closing line totalling every test binary's results: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
log=$(mktemp); trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --all-targets --no-fail-fast 2>&1 | tee "$log" || status=$?
awk '/^test result: / { p += $4; f += $6 } END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
