//! `AuthError` → a real JavaScript `Error` with `name`, `code`, `status` and `detail`.

use alloc::string::String;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::set;
use tokenward_core::error::AuthError;

/// Builds the JS error: `err instanceof Error`, `err.name === "AuthError"`.
pub fn to_js(e: &AuthError) -> JsValue {
    let err: JsValue = js_sys::Error::new(&e.message).into();
    set(&err, "name", &JsValue::from_str("AuthError"));
    set(&err, "code", &JsValue::from_str(e.code()));
    set(
        &err,
        "status",
        &e.status.map_or(JsValue::UNDEFINED, JsValue::from),
    );
    set(
        &err,
        "detail",
        &e.detail
            .as_deref()
            .map_or(JsValue::UNDEFINED, JsValue::from_str),
    );
    if !e.fields.is_empty() {
        let fields = js_sys::Object::new();
        for (name, messages) in e.fields.iter().filter(|(n, _)| n != "__proto__") {
            let list: js_sys::Array = messages.iter().map(|m| JsValue::from_str(m)).collect();
            set(&fields, name, &list);
        }
        set(&err, "fields", &fields);
    }
    err
}

/// The `code` of a JS value thrown or rejected by the SDK.
pub fn code_of(v: &JsValue) -> Option<String> {
    Reflect::get(v, &JsValue::from_str("code"))
        .ok()?
        .as_string()
}
