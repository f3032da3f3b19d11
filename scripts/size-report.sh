#!/usr/bin/env bash
# Top contributors to the package's .wasm (the session machine, crates/machine), by function
# name: twiggy on a build that keeps the name section, otherwise identical to
# scripts/build.sh's; and the JS shell's share of the package, each source minified apart.
#   scripts/size-report.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked -q
out=target/size-report
mkdir -p "$out"
CARGO_PROFILE_RELEASE_STRIP=none RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN \
  CARGO_TARGET_DIR=$PWD/target/size-report/cargo RUSTFLAGS="$NPM_RUSTFLAGS" \
  cargo build -p tokenward-machine --release --target wasm32-unknown-unknown --features npm \
  -Zbuild-std=core,alloc -q
wasm=target/size-report/cargo/wasm32-unknown-unknown/release/tokenward_machine.wasm
wasm-opt "${WASM_OPT_FLAGS[@]}" --strip-debug --strip-producers --strip-target-features \
  "$wasm" -o "$out/machine.wasm"
wasm-opt "${WASM_OPT_FLAGS[@]}" -g --strip-dwarf "$wasm" -o "$out/named.wasm"
echo "the machine: $(wc -c < "$out/machine.wasm") bytes, $(gzip -9c "$out/machine.wasm" | wc -c) gzipped," \
  "$(zopfli --zlib -c "$out/machine.wasm" | wc -c) deflated by zopfli (as the module carries it)"
# The name section itself is not shipped (the release build strips it): leave it out.
twiggy top -n "$((${1:-25} + 1))" "$out/named.wasm" | grep -v "function names"
echo "the JS shell, each file minified apart (gzip -9; the bundle shares names and compresses better):"
for js in js/*.js crates/web/src/net.js crates/web/src/page.js crates/web/src/config.js; do
  esbuild "$js" --minify --format=esm --log-level=error --outfile="$out/one.js"
  echo "  $js $(gzip -9c "$out/one.js" | wc -c)"
done
