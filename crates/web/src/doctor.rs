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
    /// `doctor()` in this client's queue: a credentialed check (`credentialed`) sets and
    /// clears the cookies, so it takes its turn (nothing of this client's overlaps it, and with
    /// `crossTab` no other tab's either), and after it this client is signed out too.
    /// `examine(exposed)` runs the probes (`exposed`: a sign-up of this client answered with
    /// the refresh token in its body). The cycle's place is taken when this is called; the
    /// future runs the probes.
    pub fn doctor<F>(
        self: &Rc<Self>,
        credentialed: bool,
        examine: impl FnOnce(bool) -> F + 'static,
    ) -> impl core::future::Future<Output = JsValue> + 'static
    where
        F: core::future::Future<Output = Examined> + 'static,
    {
        // The cycle takes its place in the session's order now, as every call does.
        let place =
            credentialed.then(|| wasm_bindgen_futures::JsFuture::from(self.call(Call::Doctor)));
        let driver = Rc::clone(self);
        async move {
            if let Some(place) = place {
                let _ = place.await;
            }
            let exposed = driver.read(|m| m.sign_up_exposed_refresh());
            let examined = examine(exposed).await;
            if credentialed {
                driver.input(Input::Examined {
                    signed_in: examined.signed_in,
                    cleared: examined.cleared,
                });
            }
            examined.report
        }
    }
}
