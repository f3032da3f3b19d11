#!/usr/bin/env bash
# Runs every test of tokenward (the README's test command). Installs what is missing first.
#   scripts/test.sh
# Steps: lint (rustfmt, clippy for the native and wasm32 targets) → native tests of the core →
# the npm package build → browser tests of the npm package and of the Rust API against the
# reference backend (Chromium in configs a, b and c; Firefox and WebKit in config c) →
# end-to-end tests with Playwright (ordering, faults, cross-tab, cross-site, doctor, account
# calls, demo, Vite, the React / Vue / Svelte / Next.js consumers and the bundlers, the Leptos
# example beside a JavaScript page) → the version matrix (tests/matrix/) → the documents'
# generated tables checked against the tests that passed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/lib.sh
trap stop_backends EXIT
log=artifacts/test-output.log
: >"$log"
run() { "$@" 2>&1 | tee -a "$log"; }

echo "== lint"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The browser crates for the web (the core's tests are native: cargo test below).
cargo clippy -p tokenward-core -p tokenward-web -p tokenward-doctor -p tokenward-doctor-module -p tokenward-machine --target wasm32-unknown-unknown -- -D warnings
# The Rust API with its Leptos integration, in the browser and on a server (where it must build
# and do nothing).
cargo clippy -p tokenward --all-targets --features leptos --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p tokenward --features leptos -- -D warnings
# Its documentation (the registry's page): no broken link.
RUSTDOCFLAGS="-D warnings" cargo doc -p tokenward --features leptos --no-deps --target wasm32-unknown-unknown
# The inner crates' documentation, as contributors read it (private items too, whose room
# maps link to private modules): no broken link.
RUSTDOCFLAGS="-D warnings -A rustdoc::private-intra-doc-links" cargo doc -p tokenward-core \
  -p tokenward-web -p tokenward-machine --no-deps --document-private-items --target wasm32-unknown-unknown
# The Leptos example (a workspace of its own, sharing the target directory: see
# scripts/example.sh).
cargo fmt --manifest-path examples/leptos/Cargo.toml -- --check
CARGO_TARGET_DIR=$PWD/target cargo clippy --locked --manifest-path examples/leptos/Cargo.toml \
  --target wasm32-unknown-unknown -- -D warnings
# The npm package's two modules (scripts/build.sh) with their runtime.
cargo clippy -p tokenward-machine -p tokenward-doctor-module --target wasm32-unknown-unknown --features npm --release -- -D warnings

echo "== native tests"
run cargo test --workspace
# The Leptos integration's examples (they compile on the host).
run cargo test -p tokenward --features leptos --doc

echo "== npm package"
scripts/build.sh web pkg
# The browser tests of the package (tests/browser) load what the build made.
cargo clippy -p tokenward-machine --all-targets --target wasm32-unknown-unknown -- -D warnings
scripts/size-budget.sh
node -e 'const p=require("./pkg/package.json"); if (p.name !== "tokenward") { console.error("pkg name:", p.name); process.exit(1) }'
tests/types/check.sh
scripts/build.sh bundler target/pkg-bundler
# The bundler build under WebAssembly ES module integration (Node implements it too).
run node --experimental-wasm-modules --test tests/bundler/
# The JS snippets' cookie mechanics, with a fake document; the package's JS shell over its
# machine, against a fake server.
run node --test tests/snippets/ tests/shell/

echo "== browser tests (Chromium: backend configs a, b, c; Firefox and WebKit: config c)"
rm -f artifacts/engines.json
export TOKENWARD_BUILT=1
run scripts/engines.sh chromium a b c
run scripts/engines.sh firefox c
run scripts/engines.sh webkit c

echo "== end-to-end tests (Playwright + Chromium, backend config c)"
ln -sfn ../pkg www/pkg
vite build --config tests/vite-app/vite.config.mjs
# The Leptos example of the Rust API (tests/e2e/rust.test.mjs).
scripts/example.sh
# The consumer apps (React, Vue, Svelte, Next.js), from the packed package.
run scripts/consumers.sh
python3 -m http.server 8000 --bind 127.0.0.1 >artifacts/site.log 2>&1 &
site_pid=$!
(cd target/consumers/next && NEXT_TELEMETRY_DISABLED=1 exec ../node_modules/.bin/next start \
  -H 127.0.0.1 -p 8010 >../../../artifacts/next.log 2>&1) &
next_pid=$!
trap 'stop_backends; kill $site_pid $next_pid 2>/dev/null || true' EXIT
start_backend c 8001 TEST_HOOKS=1 ACCESS_LIFETIME_SECONDS=6
# For doctor(): configs a and b, and two deliberate misconfigurations.
start_backend c 8002 DB_PATH=db-c-8002.sqlite3 CORS_CREDENTIALS=0 SPA_ORIGINS=http://127.0.0.1:8000
start_backend b 8003 DB_PATH=db-b-8003.sqlite3 CSRF_TRUSTED=0
start_backend a 8004 DB_PATH=db-a-8004.sqlite3
start_backend b 8005 DB_PATH=db-b-8005.sqlite3
# SessionAuthentication first (refused tokens are 403s) and AUTH_HEADER_TYPES=JWT (doctor's
# refused_token_403 and auth_scheme_ignored).
start_backend c 8011 DB_PATH=db-c-8011.sqlite3 TEST_HOOKS=1 AUTH_ORDER=session-first
start_backend c 8012 DB_PATH=db-c-8012.sqlite3 TEST_HOOKS=1 AUTH_HEADER_TYPES=JWT
# A refresh cookie narrowed to the refresh URL (doctor's refresh_cookie_path).
start_backend c 8013 DB_PATH=db-c-8013.sqlite3 TEST_HOOKS=1 REFRESH_COOKIE_PATH=/dj-rest-auth/token/refresh/
# For the account calls: registration without and with mandatory e-mail verification.
start_backend c 8006 DB_PATH=db-c-8006.sqlite3 TEST_HOOKS=1 REGISTRATION=none
start_backend b 8007 DB_PATH=db-b-8007.sqlite3 TEST_HOOKS=1 REGISTRATION=mandatory
# For the consumer apps (the Next.js server on 8010 is an origin of its own).
start_backend c 8008 DB_PATH=db-c-8008.sqlite3 TEST_HOOKS=1 \
  SPA_ORIGINS=http://127.0.0.1:8000,http://127.0.0.1:8010
# Cross-site (the page on localhost, the API on 127.0.0.1): JWT cookies SameSite=None; Secure.
start_backend c 8009 DB_PATH=db-c-8009.sqlite3 COOKIE_SAMESITE=None
run node --test --test-concurrency=1 tests/e2e/
stop_backends

echo "== version matrix (Playwright + Chromium; every row of tests/backend/rows/ in configs a, b, c)"
start_matrix
run node --test tests/matrix/
stop_backends
node scripts/tables.mjs

passed=$(grep -oE 'test result: ok\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
e2e=$(grep -oE '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
echo "all tests: $((passed + e2e)) passed, 0 failed"
