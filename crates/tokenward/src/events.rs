//! [`AuthClient::on_change`]: the session's events, as a subscription guard.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::AuthClient;
use crate::types::AuthEvent;

/// A subscription of [`AuthClient::on_change`]: dropping it unsubscribes.
///
/// ```no_run
/// # fn run(auth: tokenward::AuthClient) {
/// struct Page { _events: tokenward::Subscription } // unsubscribes when the page is dropped
/// # fn show(_: &str) {}
/// let page = Page { _events: auth.on_change(|e| show(&format!("{:?}", e.kind))) };
/// # }
/// ```
#[must_use = "dropping the subscription unsubscribes at once"]
pub struct Subscription {
    unsubscribe: Function,
    _callback: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let _ = self.unsubscribe.call0(&JsValue::NULL);
    }
}

impl AuthClient {
    /// Calls `callback` with every [`AuthEvent`] of this session (this tab's and the other
    /// tabs', Rust or JavaScript) until the returned guard is dropped. A callback may call
    /// the client.
    ///
    /// ```no_run
    /// # fn run(auth: tokenward::AuthClient) {
    /// use tokenward::EventKind;
    /// let subscription = auth.on_change(|event| {
    ///     if event.kind == EventKind::Expired {
    ///         // back to the login page
    ///     }
    /// });
    /// // … keep `subscription` as long as the callback should run.
    /// # drop(subscription); }
    /// ```
    pub fn on_change(&self, callback: impl Fn(&AuthEvent) + 'static) -> Subscription {
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            if let Some(event) = AuthEvent::read(&event) {
                callback(&event);
            }
        });
        let function: &Function = callback.as_ref().unchecked_ref();
        let unsubscribe = tokenward_web::codec::subscribe(&self.driver().subscribers, function);
        Subscription {
            unsubscribe,
            _callback: callback,
        }
    }
}
