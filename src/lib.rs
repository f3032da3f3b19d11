//! # tokenward (the npm package)
//!
//! An auth SDK for single-page apps whose API keeps the refresh token in an **HttpOnly
//! cookie** (dj-rest-auth + simplejwt), compiled to WebAssembly and published on npm as
//! `tokenward`; the JavaScript API is [`AuthClient`](js::AuthClient) (see the README).
//!
//! ```js
//! import init, { AuthClient } from "tokenward";
//! await init();
//! const auth = new AuthClient({ baseUrl: "https://api.example.com" });
//! await auth.restore();                       // Session | null
//! const res = await auth.fetch("/api/me/");   // Bearer attached, refreshed and retried on 401
//! ```
//!
//! The crates of the workspace: `tokenward-core` (every decision: the session machine,
//! claims, replies, outcomes, doctor's judgement; pure, tested natively), `tokenward-web`
//! (the browser: fetch, storage, timers, locks, channels, and what crosses to JavaScript),
//! this one (the `#[wasm_bindgen]` surface over `tokenward-web`'s driver), `tokenward-npm`
//! (links this one into the package's `.wasm`), `tokenward-doctor` (`doctor()`'s probes) and
//! `tokenward-doctor-module` (`doctor()`'s module, loaded on first use), and `tokenward` (the
//! Rust API).
#![cfg_attr(feature = "npm", no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs, clippy::await_holding_refcell_ref)]

extern crate alloc;

#[cfg(target_arch = "wasm32")]
pub mod js;

pub use tokenward_core::error::{AuthError, ErrorCode};
