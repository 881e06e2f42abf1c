#!/usr/bin/env bash
# Installs what building aetherc needs on Debian/Ubuntu, only when it is missing:
# LLVM 22 (llvm-22-dev, libpolly-22-dev), libzstd-dev, a C compiler (the linker driver), and Rust.
set -euo pipefail
need=()
for p in llvm-22-dev libpolly-22-dev libzstd-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
command -v cc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is not installed; install Rust (https://rustup.rs) and run this again" >&2
  exit 1
fi
