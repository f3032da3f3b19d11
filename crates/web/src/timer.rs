//! A `setTimeout` that is cleared when dropped (as gloo-timers' `Timeout`).

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use tokenward_core::session::Delay;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// A pending callback. Dropping it cancels the callback.
pub struct Timeout {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Calls `f` after `delay` (clamped to what `setTimeout` honours), unless dropped first.
    pub fn new(delay: Delay, f: impl FnOnce() + 'static) -> Timeout {
        let callback = Closure::once(f);
        let id = set_timeout(callback.as_ref().unchecked_ref(), f64::from(delay.get()));
        Timeout {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// Resolves after `ms` milliseconds (the doctor's probes wait between steps).
pub async fn sleep(ms: u64) {
    let mut timer = None;
    let done = js_sys::Promise::new(&mut |resolve, _| {
        timer = Some(Timeout::new(Delay::ms(ms), move || {
            let _ = resolve.call0(&JsValue::NULL);
        }));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(timer);
}
