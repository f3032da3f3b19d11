#!/usr/bin/env bash
# Builds the npm package into pkg/ (--target web by default; bundler: WebAssembly ES module
# integration) with the pinned nightly of scripts/lib.sh: core and alloc rebuilt with
# -Cpanic=immediate-abort, so no panic message or formatting code is linked.
# - The main module: the session machine's .wasm (crates/machine, no wasm-bindgen) and the
#   shell around it, hand-written JavaScript (js/, with the snippets of crates/web/src/),
#   bundled by esbuild into tokenward.js.
# - doctor/: the doctor module that `doctor()` loads on demand (wasm-pack over
#   crates/doctor-module, which links crates/doctor as a cdylib of its own: LTO, docs/size.md),
#   its import/export names shortened (scripts/minify-names.mjs).
# Each .wasm is shrunk with binaryen 132 from npm (Debian's binaryen 108 breaks wasm-bindgen
# 0.2.130 output) and stripped of the sections only tools read (debug names, producers, target
# features); the JS is minified (esbuild, then terser's compressor and mangler: 3 % less
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

# shrink IN OUT: wasm-opt's passes, and the sections only tools read stripped.
shrink() {
  wasm-opt "${WASM_OPT_FLAGS[@]}" --strip-debug --strip-producers --strip-target-features "$1" -o "$2"
}

rm -rf "$out" && mkdir -p "$out"
# The session machine: target/machine/machine.wasm (also what tests/shell and the browser
# tests load).
RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN CARGO_TARGET_DIR=$PWD/target/machine RUSTFLAGS="$NPM_RUSTFLAGS" \
  cargo build -p tokenward-machine --release --target wasm32-unknown-unknown --features npm \
  -Zbuild-std=core,alloc -q
shrink target/machine/wasm32-unknown-unknown/release/tokenward_machine.wasm target/machine/machine.wasm
cp target/machine/machine.wasm "$out/tokenward_bg.wasm"
if [ "$target" = web ]; then
  # The module carries the machine (js/tokenward.js, unpacked()): zlib-deflated by zopfli
  # (1.1 KB smaller than gzip -9), in base64, as the bundle's last line; one request instead of
  # two (docs/size.md).
  packed="const TOKENWARD_MACHINE=\"$(zopfli --zlib -c target/machine/machine.wasm | base64 -w0)\";"
  esbuild js/tokenward.js --bundle --format=esm --log-level=warning --external:./doctor/* \
    --outfile="$out/tokenward.js"
  minify "$out/tokenward.js"
  printf '\n%s\n' "$packed" >>"$out/tokenward.js"
  # The same shell as a classic script, for the browser tests (tests/browser/shell.rs loads it
  # with the package's .wasm). Its init() has no import.meta: the tests use initSync(), and
  # init() with the machine it carries.
  esbuild js/tokenward.js --bundle --format=iife --global-name=tokenward --log-level=error \
    --outfile=target/shell/tokenward.iife.js
  printf '\n%s\n' "$packed" >>target/shell/tokenward.iife.js
else
  # The .wasm imports ./tokenward_bg.js (the shell); tokenward.js links the two.
  esbuild js/bundler.js --bundle --format=esm --log-level=warning --external:./doctor/* \
    --outfile="$out/tokenward_bg.js"
  minify "$out/tokenward_bg.js"
  cat >"$out/tokenward.js" <<'JS'
import * as wasm from "./tokenward_bg.wasm";
import { link } from "./tokenward_bg.js";
link(wasm);
export { AuthClient, isAuthError } from "./tokenward_bg.js";
JS
fi
cp js/tokenward.d.ts "$out/tokenward.d.ts"
# The bundler build links the .wasm itself: no init().
[ "$target" = web ] || sed -i '/^\/\*\* Where the module/,$d' "$out/tokenward.d.ts"

# The doctor module, in doctor/ (two files).
doctor=$(realpath -m "$out/doctor")
RUSTUP_TOOLCHAIN=$NPM_TOOLCHAIN CARGO_TARGET_DIR=$PWD/target/npm-doctor RUSTFLAGS="$NPM_RUSTFLAGS" \
  wasm-pack build crates/doctor-module --release --target "$target" --out-dir "$doctor" \
  --out-name tokenward -- --features npm -Zbuild-std=core,alloc >/dev/null
shrink "$doctor/tokenward_bg.wasm" "$doctor/tokenward_bg.wasm"
node scripts/minify-names.mjs "$doctor"
for js in $(find "$doctor" -name '*.js'); do
  if [ "$target" = web ]; then
    # The glue hands the snippets to the .wasm itself: bundle them in, one file.
    minify "$js" --bundle --external:./tokenward_bg.wasm --external:./tokenward_bg.js
  else
    minify "$js"
  fi
done
if [ "$target" = web ]; then
  rm -rf "$doctor/snippets"
  # The doctor module carries its .wasm too (js/doctor.js unpacks it): one request, not two.
  packed=$(zopfli --zlib -c "$doctor/tokenward_bg.wasm" | base64 -w0)
  printf '\nexport const TOKENWARD_DOCTOR="%s";\n' "$packed" >>"$doctor/tokenward.js"
fi
(cd "$doctor" && rm -f package.json README.md LICENSE .gitignore ./*.d.ts)

cp docs/npm-README.md "$out/README.md"
cp LICENSE "$out/LICENSE"
if [ "$target" = web ]; then
  # The entry with createAuthClient, and the framework bindings (bindings/*.ts), compiled
  # against the declarations; imports stay relative, so bundlers share one module.
  rm -rf target/bindings && mkdir -p target/bindings
  cp bindings/*.ts "$out/tokenward.d.ts" target/bindings/
  tsc -p bindings/tsconfig.json --outDir "$out"
  for js in index store react vue svelte; do
    minify "$out/$js.js"
  done
fi
node -e '
  const fs = require("fs"), [p, target] = process.argv.slice(1);
  const web = target === "web";
  const pkg = {
    name: "tokenward",
    type: "module",
    description: "An auth SDK for single-page apps whose API keeps the refresh token in an HttpOnly cookie (dj-rest-auth + simplejwt): a session machine in Rust compiled to WebAssembly, and a small JavaScript shell.",
    version: "0.1.0",
    license: "MIT",
    repository: { type: "git", url: "https://github.com/tokenward/tokenward" },
    files: ["tokenward_bg.wasm", "tokenward.js", "tokenward.d.ts", "doctor/"],
    keywords: ["auth", "jwt", "wasm", "dj-rest-auth", "refresh-token"],
  };
  if (web) {
    // The main entry and one subpath per binding, types first; the doctor module stays a
    // relative import of the module. React, Vue and Svelte are optional peers.
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
  } else {
    pkg.files.push("tokenward_bg.js");
    pkg.module = "tokenward.js";
    pkg.types = "tokenward.d.ts";
    pkg.sideEffects = ["./tokenward.js"];
  }
  fs.writeFileSync(p, JSON.stringify(pkg, null, 2) + "\n");' "$out/package.json" "$target"
if [ "$target" = web ]; then
  echo "built $out/ (--target web): the machine $(wc -c < "$out/tokenward_bg.wasm") bytes, the module" \
    "carrying it $(gzip -9c "$out/tokenward.js" | wc -c) gzipped; the doctor module" \
    "$(gzip -9c "$out/doctor/tokenward.js" | wc -c) gzipped"
else
  echo "built $out/ (--target bundler): $(wc -c < "$out/tokenward_bg.wasm") bytes wasm," \
    "$(gzip -9c "$out/tokenward_bg.wasm" | wc -c) gzipped; doctor module" \
    "$(gzip -9c "$out/doctor/tokenward_bg.wasm" | wc -c) gzipped"
fi
