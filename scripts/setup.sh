#!/usr/bin/env bash
# Installs what building and testing tokenward needs, skipping what is already there:
# the wasm32 target, the npm build's pinned nightly (with rust-src), wasm-bindgen-cli 0.2.130 (must match the crate's pin), wasm-pack 0.15.1,
# Chromium + ChromeDriver, Firefox ESR, WebKitGTK's WebKitWebDriver and Xvfb (Debian),
# geckodriver 0.37.1, npm dev tools (binaryen 132, playwright-core, esbuild, terser), and the reference
# backend's Python venv.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
say() { echo "setup: $*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if ! rustup run "$NPM_TOOLCHAIN" rustc --print sysroot >/dev/null 2>&1 \
  || [ ! -d "$(rustup run "$NPM_TOOLCHAIN" rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  say "installing $NPM_TOOLCHAIN (rust-src) for the npm build"
  rustup toolchain install "$NPM_TOOLCHAIN" --profile minimal -c rust-src -t wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen 0.2.130" ]; then
  say "installing wasm-bindgen-cli 0.2.130"
  cargo install wasm-bindgen-cli --version 0.2.130 --force
fi
if ! wasm-pack --version 2>/dev/null | grep -q '0\.15\.1'; then
  say "installing wasm-pack 0.15.1"
  cargo install wasm-pack --version 0.15.1 --locked --force
fi
# zopfli: scripts/build.sh deflates the machine the module carries with it.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! command -v curl >/dev/null ||
  ! command -v zopfli >/dev/null; then
  say "installing chromium, chromium-driver, curl, zopfli"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver curl zopfli >/dev/null
fi
# The other engines of the browser suite (scripts/engines.sh).
if ! command -v firefox-esr >/dev/null || [ ! -x /usr/bin/WebKitWebDriver ] || ! command -v xvfb-run >/dev/null; then
  say "installing firefox-esr, webkit2gtk-driver, xvfb"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq firefox-esr webkit2gtk-driver xvfb >/dev/null
fi
# grep without -q reads all of it (geckodriver panics when its output pipe closes early).
if ! "$HOME/.cargo/bin/geckodriver" --version 2>/dev/null | grep '^geckodriver 0\.37\.1' >/dev/null; then
  say "installing geckodriver 0.37.1"
  cargo install geckodriver --version 0.37.1 --force
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dev tools"
  npm ci --no-audit --no-fund --loglevel=error
fi
# The reference backend's venv (the newest row of the version matrix); the other rows' venvs
# are made on demand by tests/backend/venv.sh.
if [ "$(cat tests/backend/.venv/.tokenward-stamp 2>/dev/null)" != "$(sha256sum tests/backend/requirements.txt | cut -c1-16)" ]; then
  say "creating the backend venv"
  tests/backend/venv.sh >/dev/null
fi
