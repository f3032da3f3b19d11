#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack, --target web by default, cargo feature `npm`)
# with the pinned nightly of scripts/lib.sh: core and alloc rebuilt with
# -Cpanic=immediate-abort, so no panic message or formatting code is linked. Then it shrinks
# the .wasm with binaryen 132 from npm (Debian's binaryen 108 breaks wasm-bindgen 0.2.130
# output), shortens the import/export names (scripts/minify-names.mjs) and minifies the JS
# glue with esbuild, net.js bundled in.
#   scripts/build.sh [web|bundler] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
target=${1:-web}
out=${2:-pkg}
RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN CARGO_TARGET_DIR=target/npm \
  RUSTFLAGS="$NPM_RUSTFLAGS" \
  wasm-pack build --release --target "$target" --out-dir "$out" --out-name tokenward \
  -- --features npm -Zbuild-std=core,alloc >/dev/null
node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  --strip-debug --strip-producers "$out/tokenward_bg.wasm" -o "$out/tokenward_bg.wasm"
cp docs/npm-README.md "$out/README.md"
node scripts/minify-names.mjs "$out"
# Minify the glue, with net.js (a wasm-bindgen snippet) bundled in: one file, one request.
for js in "$out"/*.js; do
  esbuild "$js" --bundle --minify --format=esm --log-level=warning \
    --external:./tokenward_bg.wasm --external:./tokenward_bg.js --outfile="$js" --allow-overwrite
done
rm -rf "$out/snippets"
node -e '
  const fs = require("fs"), p = process.argv[1], pkg = JSON.parse(fs.readFileSync(p));
  pkg.files = pkg.files.filter((f) => f !== "snippets");
  fs.writeFileSync(p, JSON.stringify(pkg, null, 2) + "\n");' "$out/package.json"
echo "built $out/ (--target $target): $(wc -c < "$out/tokenward_bg.wasm") bytes wasm, $(gzip -9c "$out/tokenward_bg.wasm" | wc -c) gzipped"
