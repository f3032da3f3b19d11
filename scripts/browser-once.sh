#!/usr/bin/env bash
# Runs the browser tests once against the backend in one configuration (default c).
#   scripts/browser-once.sh [a|b|c] [test-name-filter]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
trap stop_backends EXIT
start_backend "${1:-c}" 8001 TEST_HOOKS=1 ACCESS_LIFETIME_SECONDS=8
WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:8000 CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --test browser -- ${2:-}
