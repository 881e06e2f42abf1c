#!/usr/bin/env bash
# Runs the whole test suite (installing what the build needs first, when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo test --workspace --no-fail-fast
