//! The browser shell's I/O: the only code that touches `web-sys`. Each piece is small and
//! owns one browser API: [`http`] (fetch with timeout and abort), [`storage`] (Web Storage
//! with a memory fallback), [`timer`] (a `setTimeout` that cancels on drop), [`events`]
//! (global listeners), [`locks`] and [`channel`] (cross-tab), [`log`]. The mechanics of a
//! request, of `document.cookie` and of a Web Locks acquisition are small JS snippets
//! (`net.js`, `locks.js`) called once each: every web-sys call costs an import in the .wasm
//! and a function in the glue. Every decision stays in Rust.

#[allow(unused_imports)]
use crate::prelude::*;
pub mod channel;
pub mod events;
pub mod http;
pub mod locks;
pub mod log;
pub mod storage;
pub mod timer;

use wasm_bindgen::JsValue;

use crate::core::session::Reading;

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

/// The clocks the session machine reads at every input: `Date.now()` and
/// `performance.now()`, in whole ms.
pub fn reading() -> Reading {
    Reading {
        wall: js_sys::Date::now() as u64,
        mono: performance_now() as u64,
    }
}
