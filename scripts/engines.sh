#!/usr/bin/env bash
# Runs the browser suites (the npm package's tests/browser, run by the crate of its machine,
# and the Rust API's crates/tokenward/tests/browser.rs; wasm-bindgen-test) in one engine against the reference
# backend in each given configuration, and records the passing run in artifacts/engines.json
# (CONTRIBUTING.md's engines table, scripts/tables.mjs; major versions, so that a browser's
# security update does not change it). The engine's WebDriver capabilities come
# from tests/engines/ENGINE.json (copied to webdriver.json, where the runner reads them).
#   scripts/engines.sh chromium|firefox|webkit CONFIG... [-- test-name-filter]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
engine=$1
shift
configs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do configs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
filter=${1:-}
trap 'stop_backends; rm -f webdriver.json' EXIT

unset CHROMEDRIVER GECKODRIVER SAFARIDRIVER
wrap=()
case $engine in
  chromium)
    export CHROMEDRIVER=/usr/bin/chromedriver
    version="Chromium $(chromium --version | awk '{print $2}' | cut -d. -f1)"
    driver="ChromeDriver $(chromedriver --version | awk '{print $2}' | cut -d. -f1)" ;;
  firefox)
    export GECKODRIVER=$HOME/.cargo/bin/geckodriver
    version="Firefox ESR $(firefox-esr --version | awk '{print $3}' | cut -d. -f1)"
    # awk reads all of it: geckodriver panics when its output pipe closes early.
    driver="geckodriver $("$GECKODRIVER" --version | awk 'NR == 1 {print $2}')" ;;
  webkit)
    export SAFARIDRIVER=/usr/bin/WebKitWebDriver
    version="WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 | cut -d. -f1,2)"
    driver="WebKitWebDriver (MiniBrowser, under Xvfb)"
    wrap=(xvfb-run -a) ;;
  *) echo "unknown engine: $engine" >&2; exit 2 ;;
esac
# The package under test (tests/browser/shell.rs loads it), unless scripts/test.sh has just
# built it (TOKENWARD_BUILT=1).
[ "${TOKENWARD_BUILT:-}" = 1 ] || scripts/build.sh web pkg >/dev/null
cp "tests/engines/$engine.json" webdriver.json
export WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:8000
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=120
total=0
for config in "${configs[@]}"; do
  echo "-- $engine, config $config"
  # The backend in this configuration, and two of config c for auth.fetch's tests
  # (tests/browser/fetch.rs): SessionAuthentication first (a refused token is a 403), and
  # SIMPLE_JWT["AUTH_HEADER_TYPES"] = ("JWT",).
  launch_backend "$config" 8001 TEST_HOOKS=1 ACCESS_LIFETIME_SECONDS=8
  launch_backend c 8011 TEST_HOOKS=1 AUTH_ORDER=session-first DB_PATH="$PWD/artifacts/db-c-8011.sqlite3"
  launch_backend c 8012 TEST_HOOKS=1 AUTH_HEADER_TYPES=JWT DB_PATH="$PWD/artifacts/db-c-8012.sqlite3"
  for port in 8001 8011 8012; do wait_backend $port; done
  # The npm package's suite, then the Rust API's (crates/tokenward/tests/browser.rs).
  for crate in tokenward-machine tokenward; do
    out=$("${wrap[@]}" cargo test -p $crate --target wasm32-unknown-unknown --test browser -- $filter 2>&1 | tee /dev/stderr) || true
    # A browser that hangs while loading the test page (before any test ran) is retried once;
    # a failing test is not. (Measured: with five JS snippets the page's module requests stall
    # in wasm-bindgen-test-runner's server about every other run — one request sits unread —
    # and with four never in six: keep the snippets few.)
    if grep -q "Failed to detect test as having been run" <<<"$out" && ! grep -q "^test " <<<"$out"; then
      echo "$engine, config $config, $crate: the page never loaded its tests; once more" >&2
      out=$("${wrap[@]}" cargo test -p $crate --target wasm32-unknown-unknown --test browser -- $filter 2>&1 | tee /dev/stderr) || true
    fi
    passed=$(grep -oE 'test result: ok\. [0-9]+ passed' <<<"$out" | awk '{print $4}')
    [ -n "$passed" ] || { echo "$engine, config $config, $crate: the suite did not pass" >&2; exit 1; }
    total=$((total + passed))
  done
  stop_backends
done
node -e '
  const fs = require("fs"), f = "artifacts/engines.json";
  const [engine, version, driver, configs, total] = process.argv.slice(1);
  const data = fs.existsSync(f) ? JSON.parse(fs.readFileSync(f)) : {
    head: ["engine", "version", "driver", "backend configs", "browser tests passed"],
    rows: [],
  };
  data.rows = data.rows.filter((r) => r[0] !== engine);
  data.rows.push([engine, version, driver, configs, total]);
  fs.writeFileSync(f, JSON.stringify(data, null, 1));' \
  "$engine" "$version" "$driver" "${configs[*]}" "$total"
