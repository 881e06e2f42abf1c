#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine, builds aetherc, then compiles and runs an example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release
target/release/aetherc -O3 examples/hello.ae -o target/hello
target/hello
