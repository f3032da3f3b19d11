//! `auth.doctor(options?)`: the doctor module (`crates/doctor-module`, `doctor/` in the package) is
//! loaded on the first call (doctor.js) and runs its probes with this client's config;
//! `tokenward_core::doctor` judges them. Pages that never call it do not download it.
//!
//! With `options.credentials` the module runs a throwaway login → refresh → logout cycle,
//! after which the browser (and this client) is signed out: that cycle takes its turn in this
//! client's queue (`Driver::doctor_turn`).

use alloc::rc::Rc;

use js_sys::Object;
use wasm_bindgen::prelude::*;

use tokenward_web::doctor::Examined;
use tokenward_web::driver::Driver;

#[wasm_bindgen(module = "/src/js/doctor.js")]
extern "C" {
    /// See doctor.js.
    #[wasm_bindgen(js_name = runDoctor)]
    fn run_doctor(
        turn: Option<js_sys::Promise>,
        config: &JsValue,
        options: &JsValue,
        exposed: JsValue,
        examined: JsValue,
    ) -> js_sys::Promise;
}

/// `doctor()`: the promise of the report. A credentialed cycle takes its place in the session's
/// order now; doctor.js waits for its turn and for the module, calling back `exposed` when the
/// probes start and `examined` with what they did.
pub(super) fn doctor(driver: &Rc<Driver>, options: Option<Object>) -> js_sys::Promise {
    let credentialed = options
        .as_ref()
        .is_some_and(|o| tokenward_web::get(o, "credentials").is_object());
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    let turn = driver.doctor_turn(credentialed);
    let (d, e) = (Rc::clone(driver), Rc::clone(driver));
    let exposed = Closure::once_into_js(move || d.doctor_exposed());
    // `{ report, signedIn, cleared }` from the module.
    let examined = Closure::once_into_js(move |result: JsValue| {
        let get = |k: &str| tokenward_web::get(&result, k);
        if credentialed {
            e.doctor_examined(&Examined {
                report: JsValue::UNDEFINED,
                signed_in: get("signedIn").is_truthy(),
                cleared: get("cleared").is_truthy(),
            });
        }
    });
    run_doctor(turn, &driver.config, &options, exposed, examined)
}
