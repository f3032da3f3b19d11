//! Listeners on the global object (`window`) that are removed when dropped.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// One event listener on the global object. Dropping it removes it.
pub struct Listener {
    target: EventTarget,
    name: &'static str,
    callback: Closure<dyn FnMut()>,
}

impl Listener {
    /// Calls `f` on every `name` event at the global object (or bubbling up to it); `None`
    /// where the global object is not an `EventTarget`.
    pub fn on_global(name: &'static str, f: impl FnMut() + 'static) -> Option<Listener> {
        let target = js_sys::global().dyn_into::<EventTarget>().ok()?;
        let callback = Closure::<dyn FnMut()>::new(f);
        target
            .add_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
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
            .remove_event_listener_with_callback(self.name, self.callback.as_ref().unchecked_ref());
    }
}
