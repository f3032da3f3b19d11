#!/usr/bin/env bash
# Builds the npm package into pkg/ (wasm-pack, --target web by default) with the pinned
# nightly of scripts/lib.sh: core and alloc rebuilt with -Cpanic=immediate-abort, so no panic
# message or formatting code is linked. Two modules, each with the cargo feature `npm` and each
# linked by a cdylib-only crate (LTO: docs/size.md): the SDK (crates/npm over the root crate,
# tokenward-js) and, in doctor/, the doctor module that `doctor()` loads on demand
# (crates/doctor-module over crates/doctor). Each .wasm is shrunk with binaryen 132 from npm
# (Debian's binaryen 108 breaks wasm-bindgen 0.2.130 output) and stripped of the sections only
# tools read (debug names, producers, target features), its import/export names shortened
# (scripts/minify-names.mjs), and its JS glue bundled by esbuild with the wasm-bindgen
# snippets (src/**/*.js) and minified (esbuild, then terser's compressor and mangler: 3 % less
# gzipped than esbuild's alone, docs/size.md).
#   scripts/build.sh [web|bundler] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
target=${1:-web}
out=${2:-pkg}

# minify FILE [ESBUILD_ARGS...]: esbuild, then terser (safe options only), in place.
minify() {
  local js=$1
  shift
  esbuild "$js" --minify --format=esm --log-level=warning "$@" --outfile="$js" --allow-overwrite
  terser "$js" --module --compress passes=2 --mangle -o "$js.min"
  mv "$js.min" "$js"
}

# module CRATE_DIR OUT_DIR CARGO_TARGET_DIR
module() {
  local dir
  dir=$(realpath -m "$2")
  RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN CARGO_TARGET_DIR=$PWD/$3 RUSTFLAGS="$NPM_RUSTFLAGS" \
    wasm-pack build "$1" --release --target "$target" --out-dir "$dir" --out-name tokenward \
    -- --features npm -Zbuild-std=core,alloc >/dev/null
  wasm-opt "${WASM_OPT_FLAGS[@]}" --strip-debug --strip-producers --strip-target-features \
    "$dir/tokenward_bg.wasm" -o "$dir/tokenward_bg.wasm"
  node scripts/minify-names.mjs "$dir"
  if [ "$target" = web ]; then
    # The glue hands the snippets to the .wasm itself: bundle them in, one file.
    for js in "$dir"/*.js; do
      minify "$js" --bundle --external:./tokenward_bg.wasm --external:./tokenward_bg.js \
        --external:./doctor/*
    done
    rm -rf "$dir/snippets"
  else
    # With ES module integration the .wasm imports the snippets by path: they stay files,
    # and the doctor loader's import is made relative to where its snippet lives.
    for js in $(find "$dir" -name '*.js'); do
      rel=$(realpath -m --relative-to="$(dirname "$js")" "$out/doctor/tokenward.js")
      sed -i "s#\"./doctor/tokenward.js\"#\"$rel\"#" "$js"
      minify "$js"
    done
  fi
}

rm -rf "$out/doctor"
module crates/npm "$out" target/npm
module crates/doctor-module "$out/doctor" target/npm-doctor
# The declarations compile with TypeScript's default lib: wasm-bindgen's `[Symbol.dispose]()`
# needs ESNext.Disposable, so it is left out of them (the method itself stays, for `using`).
sed -i '/^ *\[Symbol\.dispose\](): void;$/d' "$out/tokenward.d.ts"
# The doctor module ships as two files inside the package.
(cd "$out/doctor" && rm -f package.json README.md LICENSE .gitignore ./*.d.ts)
cp docs/npm-README.md "$out/README.md"
if [ "$target" = web ]; then
  # The entry with createAuthClient, and the framework bindings (bindings/*.ts), compiled
  # against this build's declarations; imports stay relative, so bundlers share one module.
  rm -rf target/bindings && mkdir -p target/bindings
  cp bindings/*.ts "$out/tokenward.d.ts" target/bindings/
  tsc -p bindings/tsconfig.json --outDir "$out"
  for js in index store react vue svelte; do
    minify "$out/$js.js"
  done
fi
node -e '
  const fs = require("fs"), p = process.argv[1], pkg = JSON.parse(fs.readFileSync(p));
  const web = process.argv[2] === "web";
  pkg.name = "tokenward"; // the crate is tokenward-js (the Rust API crate is tokenward)
  pkg.files = [...pkg.files.filter((f) => !web || f !== "snippets"), "doctor/"];
  if (web) {
    // The main entry and one subpath per binding, types first; the doctor module stays a
    // relative import of the glue. React, Vue and Svelte are optional peers.
    const entry = (name) => ({ types: `./${name}.d.ts`, default: `./${name}.js` });
    pkg.exports = {
      ".": entry("index"),
      "./react": entry("react"),
      "./vue": entry("vue"),
      "./svelte": entry("svelte"),
      "./tokenward_bg.wasm": "./tokenward_bg.wasm",
      "./package.json": "./package.json",
    };
    pkg.main = "index.js";
    pkg.types = "index.d.ts";
    pkg.sideEffects = false;
    for (const n of ["index", "store", "react", "vue", "svelte"]) pkg.files.push(`${n}.js`, `${n}.d.ts`);
    pkg.peerDependencies = { react: ">=18", vue: ">=3.3", svelte: ">=4" };
    pkg.peerDependenciesMeta = { react: { optional: true }, vue: { optional: true }, svelte: { optional: true } };
  }
  fs.writeFileSync(p, JSON.stringify(pkg, null, 2) + "\n");' "$out/package.json" "$target"
echo "built $out/ (--target $target): $(wc -c < "$out/tokenward_bg.wasm") bytes wasm," \
  "$(gzip -9c "$out/tokenward_bg.wasm" | wc -c) gzipped; doctor module" \
  "$(gzip -9c "$out/doctor/tokenward_bg.wasm" | wc -c) gzipped"
