#!/usr/bin/env bash
# Builds the Leptos example (examples/leptos) into target/examples/leptos/: cargo for
# wasm32-unknown-unknown, then the wasm-bindgen CLI (no other build tool). Serve the
# repository and open /target/examples/leptos/index.html (?api=<backend URL>).
#   scripts/example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/examples/leptos
# A target directory of its own: the doctor crate is also a cdylib, so its rlib has no hash in
# its name and a build of this workspace would overwrite the one of the main workspace.
CARGO_TARGET_DIR=$PWD/target/example cargo build --locked --manifest-path examples/leptos/Cargo.toml \
  --target wasm32-unknown-unknown
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  target/example/wasm32-unknown-unknown/debug/tokenward_leptos_example.wasm
cp examples/leptos/index.html "$out/"
echo "built $out/"
