//! `doctor()`'s turn in a client's queue: a credentialed check sets and clears the cookies, so
//! it waits for its place like any call, and the client follows what it did.

use alloc::rc::Rc;

use wasm_bindgen::JsValue;

use crate::driver::Driver;
use crate::waiter::Waiter;
use tokenward_core::session::{Call, Input};

/// What `doctor()`'s probes found, and what a credentialed cycle did to the browser's
/// session.
pub struct Examined {
    /// The report (`DoctorReport`).
    pub report: JsValue,
    /// The throwaway login succeeded: the cookies of any earlier session were replaced.
    pub signed_in: bool,
    /// The logout that ended it reached the view, which deleted the cookies (a 2xx, or the
    /// view's own 401: see `tokenward_core::logout`).
    pub cleared: bool,
}

impl<W: Waiter> Driver<W> {
    /// A credentialed check's place in the session's order, taken now (nothing of this client's
    /// overlaps it, and with `crossTab` no other tab's either): the promise of its turn. `None`
    /// for a check that takes no place.
    pub fn doctor_turn(&self, credentialed: bool) -> Option<js_sys::Promise> {
        credentialed.then(|| self.call(Call::Doctor))
    }

    /// What the probes need of this client when their turn comes: whether a sign-up of it was
    /// answered with the refresh token in its body.
    pub fn doctor_exposed(&self) -> bool {
        self.read(|m| m.sign_up_exposed_refresh())
    }

    /// A credentialed cycle is over: this client follows what it did to the cookies (signed
    /// out, like the browser).
    pub fn doctor_examined(&self, examined: &Examined) {
        self.input(Input::Examined {
            signed_in: examined.signed_in,
            cleared: examined.cleared,
        });
    }

    /// `doctor()` in this client's queue, as one future (the Rust crate's): a credentialed
    /// check (`credentialed`) takes its turn ([`Driver::doctor_turn`], when this is called),
    /// `examine(exposed)` runs the probes ([`Driver::doctor_exposed`]), and after a
    /// credentialed cycle this client is signed out too ([`Driver::doctor_examined`]).
    pub fn doctor<F>(
        self: &Rc<Self>,
        credentialed: bool,
        examine: impl FnOnce(bool) -> F + 'static,
    ) -> impl core::future::Future<Output = JsValue> + 'static
    where
        F: core::future::Future<Output = Examined> + 'static,
    {
        let place = self
            .doctor_turn(credentialed)
            .map(wasm_bindgen_futures::JsFuture::from);
        let driver = Rc::clone(self);
        async move {
            if let Some(place) = place {
                let _ = place.await;
            }
            let examined = examine(driver.doctor_exposed()).await;
            if credentialed {
                driver.doctor_examined(&examined);
            }
            examined.report
        }
    }
}
