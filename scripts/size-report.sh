#!/usr/bin/env bash
# Top contributors to the optimised .wasm, by function name (twiggy on a build that keeps the
# name section; otherwise identical to scripts/build.sh's).
#   scripts/size-report.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
out=target/size-report
mkdir -p "$out"
CARGO_PROFILE_RELEASE_STRIP=none CARGO_PROFILE_RELEASE_DEBUG=false \
  RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN CARGO_TARGET_DIR=target/size-report/cargo \
  RUSTFLAGS="$NPM_RUSTFLAGS" \
  cargo build -p tokenward-npm --release --target wasm32-unknown-unknown --features npm \
  -Zbuild-std=core,alloc -q
wasm-bindgen --target web --out-dir "$out" --out-name tokenward --keep-debug \
  target/size-report/cargo/wasm32-unknown-unknown/release/tokenward_npm.wasm
wasm-opt "${WASM_OPT_FLAGS[@]}" -g --strip-dwarf \
  "$out/tokenward_bg.wasm" -o "$out/named.wasm"
command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked -q
# The name section itself is not shipped (the release build strips it): leave it out.
twiggy top -n "$((${1:-25} + 1))" "$out/named.wasm" | grep -v "function names"
