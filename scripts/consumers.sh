#!/usr/bin/env bash
# Builds the consumer apps of tests/consumers/ (React, Vue and Svelte with Vite; Next.js with
# the app router) against the packed package, as users install it: `npm pack pkg/`, one
# `npm install` of the tarball and the frameworks into target/consumers/ (npm's cache makes
# the next one fast), `tsc --strict` on the React app, then the four builds (`next build`
# renders the page on the server), after the server-side import and render tests
# (ssr.test.mjs, in Node). Needs pkg/ (scripts/build.sh). Run by scripts/test.sh.
#   scripts/consumers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
dest=target/consumers
mkdir -p "$dest"
for d in react vue svelte next; do rm -rf "${dest:?}/$d"; done
cp -r tests/consumers/. "$dest/"
rm -f "$dest"/tokenward-*.tgz
npm pack ./pkg --pack-destination "$dest" --loglevel=error >/dev/null
cd "$dest"
rm -rf node_modules/tokenward
npm install --no-audit --no-fund --no-package-lock --loglevel=error
node_modules/.bin/tsc -p react/tsconfig.json
echo "consumers: the React app type-checks against the package (tsc --strict)"
node --test ssr.test.mjs
# React's development build: StrictMode mounts, unmounts and remounts every effect there (the
# binding must still make one client and restore once); production builds skip that.
NODE_ENV=development APP=react node_modules/.bin/vite build --mode development
for app in vue svelte; do
  APP=$app node_modules/.bin/vite build
done
# One plain entry through esbuild, Rollup and webpack 5. The module carries its machine (no
# .wasm to copy); doctor()'s module is loaded on demand: esbuild and Rollup (without an asset
# plugin) leave it alone, so it is copied beside the bundle (kept external: its .wasm has the
# package's .wasm's name), as their users do; webpack emits it itself.
for b in esbuild rollup webpack; do
  rm -rf "bundlers/dist-$b" && mkdir -p "bundlers/dist-$b"
  cp bundlers/index.html "bundlers/dist-$b/"
done
node_modules/.bin/esbuild bundlers/main.js --bundle --format=esm --log-level=warning \
  --external:./doctor/* --outdir=bundlers/dist-esbuild
node_modules/.bin/rollup -c bundlers/rollup.config.mjs --silent
node_modules/.bin/webpack --config bundlers/webpack.config.mjs --no-stats
for b in esbuild rollup; do
  cp -r node_modules/tokenward/doctor "bundlers/dist-$b/"
done
(cd next && NEXT_TELEMETRY_DISABLED=1 NEXT_PUBLIC_TOKENWARD_API=http://127.0.0.1:8008 \
  ../node_modules/.bin/next build >../next-build.log 2>&1) || { tail -40 next-build.log; exit 1; }
echo "consumers: built react/dist, vue/dist, svelte/dist, next/.next and bundlers/dist-{esbuild,rollup,webpack}"
