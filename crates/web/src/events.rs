//! Listeners on the global object (`window`) that are removed when dropped, and the page's
//! state (visible, online) the session machine is told about.

use wasm_bindgen::prelude::*;

use tokenward_core::session::PageState;

#[wasm_bindgen(module = "/src/page.js")]
extern "C" {
    #[wasm_bindgen(js_name = pageState)]
    fn page_bits() -> u32;
    #[wasm_bindgen(js_name = listen)]
    fn js_listen(names: &str, callback: &JsValue) -> Option<js_sys::Function>;
}

/// Whether the page is visible and the browser online, now.
pub fn page_state() -> PageState {
    let bits = page_bits();
    PageState {
        visible: bits & 1 != 0,
        online: bits & 2 != 0,
    }
}

/// Listeners on the global object. Dropping them removes them.
pub struct Listeners {
    stop: js_sys::Function,
}

impl Listeners {
    /// Calls `f` on every event named in `names` (space-separated) at the global object (or
    /// bubbling up to it); `None` where the global object is not an `EventTarget`.
    pub fn on_global(names: &str, mut f: impl FnMut() + 'static) -> Option<Listeners> {
        // Owned by JS once converted; removed (and collectable) when the listeners are dropped.
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |_| f()).into_js_value();
        js_listen(names, &callback).map(|stop| Listeners { stop })
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        let _ = self.stop.call0(&JsValue::NULL);
    }
}
