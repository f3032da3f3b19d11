#!/usr/bin/env bash
# Top contributors to the optimised .wasm, by function name (twiggy on a build that keeps the
# name section; otherwise identical to scripts/build.sh's).
#   scripts/size-report.sh [N]
# With --machine: the same for the session machine alone behind a byte-stream interface
# (tests/bench/machine: the floor of the package's .wasm if its shell were hand-written JS;
# docs/size.md), and its shipped size.
#   scripts/size-report.sh --machine [N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked -q
# The name section itself is not shipped (the release build strips it): leave it out.
top() { twiggy top -n "$((${1:-25} + 1))" "$2" | grep -v "function names"; }
out=target/size-report
mkdir -p "$out"
if [ "${1:-}" = --machine ]; then
  CARGO_PROFILE_RELEASE_STRIP=none RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN \
    CARGO_TARGET_DIR=$PWD/target/size-report/machine RUSTFLAGS="$NPM_RUSTFLAGS" \
    cargo build --manifest-path tests/bench/machine/Cargo.toml --release \
    --target wasm32-unknown-unknown -Zbuild-std=core,alloc -q
  wasm=target/size-report/machine/wasm32-unknown-unknown/release/tokenward_machine_probe.wasm
  wasm-opt "${WASM_OPT_FLAGS[@]}" --strip-debug --strip-producers --strip-target-features \
    "$wasm" -o "$out/machine.wasm"
  wasm-opt "${WASM_OPT_FLAGS[@]}" -g --strip-dwarf "$wasm" -o "$out/machine-named.wasm"
  echo "the machine alone: $(wc -c < "$out/machine.wasm") bytes," \
    "$(gzip -9c "$out/machine.wasm" | wc -c) gzipped"
  top "${2:-25}" "$out/machine-named.wasm"
  exit
fi
CARGO_PROFILE_RELEASE_STRIP=none CARGO_PROFILE_RELEASE_DEBUG=false \
  RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN CARGO_TARGET_DIR=target/size-report/cargo \
  RUSTFLAGS="$NPM_RUSTFLAGS" \
  cargo build -p tokenward-npm --release --target wasm32-unknown-unknown --features npm \
  -Zbuild-std=core,alloc -q
wasm-bindgen --target web --out-dir "$out" --out-name tokenward --keep-debug \
  target/size-report/cargo/wasm32-unknown-unknown/release/tokenward_npm.wasm
wasm-opt "${WASM_OPT_FLAGS[@]}" -g --strip-dwarf \
  "$out/tokenward_bg.wasm" -o "$out/named.wasm"
top "${1:-25}" "$out/named.wasm"
