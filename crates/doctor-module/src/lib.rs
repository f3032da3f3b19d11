//! # tokenward-doctor-module
//!
//! The npm package's `doctor/` module: the page loads it the first time `doctor()` is called
//! (`js/doctor.js` of the npm shell), so that pages which never call it do not download
//! the probes and their texts. One entry point, `runDoctor`, over
//! [`tokenward_doctor::examine`].
#![cfg_attr(feature = "npm", no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

use js_sys::Object;
use tokenward_web::config::Config;
use tokenward_web::set;
use wasm_bindgen::prelude::*;

/// The module's entry point (called by the npm package's doctor.js): the probes on `config`
/// (the client's, as given); resolves to `{ report, signedIn, cleared }`.
///
/// # Errors
/// As `new AuthClient(config)`.
#[wasm_bindgen(js_name = runDoctor)]
pub fn run_doctor(
    config: JsValue,
    options: Option<Object>,
    exposed: bool,
) -> Result<js_sys::Promise, JsValue> {
    let cfg = Config::parse(&config).map_err(|e| tokenward_web::error::to_js(&e))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let examined = tokenward_doctor::examine(&cfg, options, exposed).await;
        let out = Object::new();
        set(&out, "report", &examined.report);
        set(&out, "signedIn", &JsValue::from_bool(examined.signed_in));
        set(&out, "cleared", &JsValue::from_bool(examined.cleared));
        Ok(out.into())
    }))
}
