#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack, --target web by default, cargo feature `npm`),
# then shrinks the .wasm with binaryen 132 from npm (Debian's binaryen 108 breaks
# wasm-bindgen 0.2.130 output) and minifies the JS glue with esbuild.
#   scripts/build.sh [web|bundler] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-web}
out=${2:-pkg}
wasm-pack build --release --target "$target" --out-dir "$out" --out-name tokenward -- --features npm >/dev/null
node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  --strip-debug --strip-producers "$out/tokenward_bg.wasm" -o "$out/tokenward_bg.wasm"
cp docs/npm-README.md "$out/README.md"
for js in "$out"/*.js; do
  node_modules/.bin/esbuild "$js" --minify --format=esm --log-level=warning --outfile="$js" --allow-overwrite
done
echo "built $out/ (--target $target): $(wc -c < "$out/tokenward_bg.wasm") bytes wasm, $(gzip -9c "$out/tokenward_bg.wasm" | wc -c) gzipped"
