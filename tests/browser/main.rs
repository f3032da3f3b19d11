//! Browser tests: the npm package's `AuthClient` (its JS shell over its machine, loaded by
//! `shell.rs`) in headless browsers against the real reference backend (dj-rest-auth +
//! simplejwt), cross-origin with credentials. The crate of the machine runs them.
//!
//! Run them with `scripts/test.sh`, which starts the backend in each of the three
//! configurations (a, b, c) in turn and runs this file once per configuration; in one engine,
//! `scripts/engines.sh ENGINE CONFIG`. By hand, after `scripts/build.sh`:
//!
//! ```sh
//! TOKENWARD_CONFIG=c TEST_HOOKS=1 ACCESS_LIFETIME_SECONDS=8 tests/backend/serve.sh 8001 &
//! WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:8000 CHROMEDRIVER=/usr/bin/chromedriver \
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p tokenward-machine --target wasm32-unknown-unknown --test browser
//! ```
//!
//! The test page must be served from `http://127.0.0.1:8000` (the backend's CORS origin);
//! `TOKENWARD_BACKEND` (compile time) overrides the backend URL.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod helpers;
mod shell;

mod fetch;
mod foundation;
mod logout;
mod session;
mod tabs;
