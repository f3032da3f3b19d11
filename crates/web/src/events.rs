//! Listeners on the global object (`window`) that are removed when dropped, and the page's
//! state (visible, online) the session machine is told about.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

use tokenward_core::session::PageState;

#[wasm_bindgen(module = "/src/page.js")]
extern "C" {
    #[wasm_bindgen(js_name = pageState)]
    fn page_bits() -> u32;
}

/// Whether the page is visible and the browser online, now.
pub fn page_state() -> PageState {
    let bits = page_bits();
    PageState {
        visible: bits & 1 != 0,
        online: bits & 2 != 0,
    }
}

/// One event listener on the global object. Dropping it removes it.
pub struct Listener {
    target: EventTarget,
    name: &'static str,
    callback: JsValue,
}

impl Listener {
    /// Calls `f` on every `name` event at the global object (or bubbling up to it); `None`
    /// where the global object is not an `EventTarget`.
    pub fn on_global(name: &'static str, mut f: impl FnMut() + 'static) -> Option<Listener> {
        Listener::on_global_event(name, move |_| f())
    }

    /// As [`Listener::on_global`], with the event.
    pub fn on_global_event(
        name: &'static str,
        f: impl FnMut(JsValue) + 'static,
    ) -> Option<Listener> {
        let target = js_sys::global().dyn_into::<EventTarget>().ok()?;
        // Owned by JS once converted; removed (and collectable) when the listener is dropped.
        let callback = Closure::<dyn FnMut(JsValue)>::new(f).into_js_value();
        target
            .add_event_listener_with_callback(name, callback.unchecked_ref())
            .ok()?;
        Some(Listener {
            target,
            name,
            callback,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.name, self.callback.unchecked_ref());
    }
}
