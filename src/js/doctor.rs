//! `auth.doctor(options?)`: the doctor module (`crates/doctor`, `doctor/` in the package) is
//! loaded on the first call (doctor.js) and runs its probes with this client's config;
//! `tokenward_core::doctor` judges them. Pages that never call it do not download it.
//!
//! With `options.credentials` the module runs a throwaway login → refresh → logout cycle,
//! after which the browser (and this client) is signed out: that cycle takes its turn in this
//! client's queue.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use tokenward_core::session::{Call, Input};

use super::driver::Inner;

/// What a credentialed cycle did to the browser's session.
#[derive(Clone, Copy, Default)]
pub(super) struct Cycle {
    /// The throwaway login succeeded: the cookies of any earlier session were replaced.
    signed_in: bool,
    /// The logout that ended it reached the view, which deleted the cookies (a 2xx, or the
    /// view's own 401: see `core::logout`).
    cleared: bool,
}

impl Inner {
    /// `doctor()`: the report. A credentialed cycle sets and clears the cookies, so it takes
    /// its turn in this client's queue (nothing of this client's overlaps it, and with
    /// `crossTab` no other tab's either); after it this client is signed out too.
    pub(super) async fn doctor(&self, options: Option<Object>) -> JsValue {
        let credentialed = options
            .as_ref()
            .is_some_and(|o| tokenward_web::get(o, "credentials").is_object());
        if credentialed {
            let _ = wasm_bindgen_futures::JsFuture::from(self.call(Call::Doctor)).await;
        }
        let exposed = self.read(|m| m.sign_up_exposed_refresh());
        let (report, cycle) = self.examine(options, exposed).await;
        if credentialed {
            self.input(Input::Examined {
                signed_in: cycle.signed_in,
                cleared: cycle.cleared,
            });
        }
        report
    }
}

#[wasm_bindgen(module = "/src/js/doctor.js")]
extern "C" {
    /// See doctor.js.
    #[wasm_bindgen(js_name = loadDoctor)]
    fn load_doctor(config: &JsValue, options: &JsValue, exposed: bool) -> js_sys::Promise;
}

impl Inner {
    /// Runs the doctor module on this client's config: `{ report, signedIn, cleared }`.
    /// `exposed`: a sign-up of this client answered with the refresh token in its body.
    async fn examine(&self, options: Option<Object>, exposed: bool) -> (JsValue, Cycle) {
        let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
        let result = load_doctor(&self.config, &options, exposed);
        let result = wasm_bindgen_futures::JsFuture::from(result)
            .await
            .unwrap_or(JsValue::UNDEFINED);
        let get = |k: &str| tokenward_web::get(&result, k);
        let cycle = Cycle {
            signed_in: get("signedIn").is_truthy(),
            cleared: get("cleared").is_truthy(),
        };
        (get("report"), cycle)
    }
}
