#!/usr/bin/env bash
# The benchmark (docs/benchmarks.md, the README's "Figures"): builds the release package, then prints one table —
# size (wasm + glue, raw and gzip -9), per-request overhead of auth.fetch, its own CPU per call
# with fetch stubbed (beside axios with an interceptor and ky with a hook), a 50-request
# refresh storm (and the same through axios + axios-auth-refresh), init time against supabase
# auth-js — followed by twiggy's top contributors to the .wasm. Not a pass/fail test.
#   scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/lib.sh
scripts/build.sh web pkg
mkdir -p target/bench
esbuild tests/bench/entries.mjs --bundle --minify --format=iife --global-name=axiosBundle \
  --log-level=warning --outfile=target/bench/axios.js
esbuild tests/bench/supabase-entry.mjs --bundle --minify --format=esm \
  --log-level=warning --outfile=target/bench/supabase.js
python3 -m http.server 8000 --bind 127.0.0.1 >artifacts/bench-site.log 2>&1 &
site_pid=$!
trap 'stop_backends; kill $site_pid 2>/dev/null || true' EXIT
start_backend c 8001 TEST_HOOKS=1 ACCESS_LIFETIME_SECONDS=300
node tests/bench/bench.mjs
echo "Top contributors to the .wasm (twiggy):"
scripts/size-report.sh 15
