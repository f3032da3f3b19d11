//! # tokenward-web
//!
//! The browser half of the Rust API's shell and of the npm package's doctor module: the only
//! code that touches `web-sys`. (The npm package's own shell is JavaScript, `js/`, over
//! `tokenward-machine`; it shares this crate's JS snippets.) Each piece is small and owns one browser API: [`http`] (fetch
//! with timeout and abort), [`storage`] (Web Storage with a memory fallback), [`timer`] (a
//! `setTimeout` that cancels on drop), [`events`] (global listeners, the page's state),
//! [`fetch`] (`auth.fetch`'s requests), [`driver`] (the shell that carries out what the
//! session machine asks for, with `auth.fetch` on top: both front ends use it),
//! [`locks`] and [`channel`] (cross-tab), [`log`]; and what crosses to JavaScript: the config
//! object ([`config`]), the objects the machine's inputs and outcomes become ([`codec`]), errors
//! ([`error`]), the SDK's own requests ([`endpoint`]). The mechanics of a request, of
//! `document.cookie`, of Web Storage, of the page's events, of the channel to the other tabs
//! and of a Web Locks acquisition are small JS snippets (`net.js`, `page.js`, `config.js`)
//! called once each: every web-sys call costs an import in the .wasm and a function in the
//! glue. The .wasm runs no future: what it waits for answers through a JS promise into a
//! closure (`deliver`), and `auth.fetch`'s slow path awaits in net.js. Every decision stays
//! in `tokenward-core`.
#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs, clippy::await_holding_refcell_ref)]

extern crate alloc;

pub mod channel;
pub mod codec;
pub mod config;
pub mod doctor;
pub mod driver;
pub mod endpoint;
pub mod error;
pub mod events;
pub mod fetch;
pub mod http;
mod intercept;
pub mod locks;
pub mod log;
pub mod storage;
pub mod timer;
pub mod waiter;

use wasm_bindgen::JsValue;

use tokenward_core::session::Reading;

/// `obj[key]`, or `undefined` when `obj` is not an object (never throws into Rust: a throwing
/// getter also gives `undefined`).
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `obj[key] = value`, ignoring failures (frozen objects).
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(obj, &JsValue::from_str(key), value);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/net.js")]
extern "C" {
    /// See net.js.
    fn deliver(promise: &js_sys::Promise, done: &JsValue);
}

/// The clocks the session machine reads at every input: `Date.now()` and
/// `performance.now()`, in whole ms.
pub fn reading() -> Reading {
    Reading {
        wall: js_sys::Date::now() as u64,
        mono: performance_now() as u64,
    }
}

/// The npm build's runtime (feature `npm`, for the cdylibs of the package): an abort-only
/// panic handler and a small allocator. No panic is reachable from JS, storage or network input
/// (every such input is checked and becomes an `AuthError`), and the formatting machinery and
/// dlmalloc would cost several KB (docs/size.md).
#[cfg(all(feature = "npm", target_arch = "wasm32"))]
mod npm {
    #[panic_handler]
    fn panic(_: &::core::panic::PanicInfo) -> ! {
        ::core::arch::wasm32::unreachable()
    }

    // SAFETY: wasm32 without the atomics feature is single-threaded, which is what
    // `AssumeSingleThreaded` requires.
    #[global_allocator]
    #[allow(unsafe_code)]
    static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
        unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
}
