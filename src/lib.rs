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
#![cfg_attr(feature = "npm", no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs, clippy::await_holding_refcell_ref)]

extern crate alloc;

pub mod core;
/// What `std`'s prelude gives, for the `no_std` npm build.
#[allow(unused_imports)]
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}
#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
mod platform;

pub use crate::core::error::{AuthError, ErrorCode};

/// The npm build aborts on panic without formatting a message: no panic is reachable from
/// JS, storage or network input (every such input is checked and becomes an `AuthError`), and
/// the formatting machinery would cost several KB.
#[cfg(all(feature = "npm", target_arch = "wasm32"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

// SAFETY: wasm32 without the atomics feature is single-threaded, which is what
// `AssumeSingleThreaded` requires.
#[cfg(all(feature = "npm", target_arch = "wasm32"))]
#[global_allocator]
#[allow(unsafe_code)]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
