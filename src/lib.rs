//! # tokenward
//!
//! An auth SDK for single-page apps whose API keeps the refresh token in an **HttpOnly
//! cookie** (dj-rest-auth + simplejwt). Compiled to WebAssembly and published on npm; the
//! JavaScript API is [`AuthClient`](js::AuthClient) (see the README).
//!
//! ```js
//! import init, { AuthClient } from "tokenward";
//! await init();
//! const auth = new AuthClient({ baseUrl: "https://api.example.com" });
//! await auth.restore();                       // Session | null
//! const res = await auth.fetch("/api/me/");   // Bearer attached, refreshed and retried on 401
//! ```
//!
//! Layers:
//! - [`core`]: pure Rust — JWT claims, reply classification, the session state machine,
//!   errors. Tested natively.
//! - `platform` (wasm only): the only `web-sys` code — fetch with timeout/abort, Web Storage,
//!   timers.
//! - `js` (wasm only): the `#[wasm_bindgen]` surface.
#![forbid(unsafe_code)]
#![warn(missing_docs, clippy::await_holding_refcell_ref)]

extern crate alloc;

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
mod platform;

pub use crate::core::error::{AuthError, ErrorCode};
