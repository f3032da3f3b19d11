#!/usr/bin/env bash
# Builds the Leptos example (examples/leptos) into target/examples/leptos/: cargo for
# wasm32-unknown-unknown, then the wasm-bindgen CLI (no other build tool). Serve the
# repository and open /target/examples/leptos/index.html (?api=<backend URL>).
#   scripts/example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/examples/leptos
# The main workspace's target directory: the libraries both build are shared (none of them is a
# cdylib, whose rlib would have no hash in its name and be overwritten by the other workspace).
CARGO_TARGET_DIR=$PWD/target cargo build --locked --manifest-path examples/leptos/Cargo.toml \
  --target wasm32-unknown-unknown
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  target/wasm32-unknown-unknown/debug/tokenward_leptos_example.wasm
cp examples/leptos/index.html "$out/"
echo "built $out/"
