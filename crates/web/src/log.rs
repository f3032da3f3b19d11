//! `console.debug` traces, on when `debug: true`. Only `&'static str` messages and URLs: a token
//! never reaches this module.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = debug)]
    fn console_debug(prefix: &str, message: &str);
}

/// Prints `[tokenward] message` when `on`.
pub fn debug(on: bool, message: &str) {
    if on {
        console_debug("[tokenward]", message);
    }
}
