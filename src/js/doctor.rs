//! `auth.doctor(options?)`: the doctor module (`crates/doctor-module`, `doctor/` in the package) is
//! loaded on the first call (doctor.js) and runs its probes with this client's config;
//! `tokenward_core::doctor` judges them. Pages that never call it do not download it.
//!
//! With `options.credentials` the module runs a throwaway login → refresh → logout cycle,
//! after which the browser (and this client) is signed out: that cycle takes its turn in this
//! client's queue (`Driver::doctor`).

use alloc::rc::Rc;

use js_sys::Object;
use wasm_bindgen::prelude::*;

use tokenward_web::doctor::Examined;
use tokenward_web::driver::Driver;

#[wasm_bindgen(module = "/src/js/doctor.js")]
extern "C" {
    /// See doctor.js.
    #[wasm_bindgen(js_name = loadDoctor)]
    fn load_doctor(config: &JsValue, options: &JsValue, exposed: bool) -> js_sys::Promise;
}

/// `doctor()`: the report. A credentialed cycle takes its place in the session's order now.
pub(super) fn doctor(
    driver: &Rc<Driver>,
    options: Option<Object>,
) -> impl core::future::Future<Output = JsValue> + 'static {
    let credentialed = options
        .as_ref()
        .is_some_and(|o| tokenward_web::get(o, "credentials").is_object());
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    let config = driver.config.clone();
    driver.doctor(credentialed, move |exposed| async move {
        // `{ report, signedIn, cleared }` from the module.
        let result = load_doctor(&config, &options, exposed);
        let result = wasm_bindgen_futures::JsFuture::from(result)
            .await
            .unwrap_or(JsValue::UNDEFINED);
        let get = |k: &str| tokenward_web::get(&result, k);
        Examined {
            report: get("report"),
            signed_in: get("signedIn").is_truthy(),
            cleared: get("cleared").is_truthy(),
        }
    })
}
