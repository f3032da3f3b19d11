//! Who waits for an app call: the driver settles each call it is given through the call's
//! [`Waiter`] when the machine says how it ended (`Action::Settle`).

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

use crate::codec;
use crate::error::to_js;
use tokenward_core::session::Outcome;

/// Who is told how an app call ended ([`Action::Settle`](tokenward_core::session::Action::Settle)).
pub trait Waiter: Sized + 'static {
    /// The waiter of a JS promise (the npm package's calls, and `auth.fetch`'s waits for the
    /// session or a refresh in either front end).
    fn promised(promise: Promised) -> Self;
    /// The call ended with `outcome`.
    fn settle(self, outcome: Outcome<JsValue>);
}

/// A JS promise's `resolve` and `reject`: settled with the outcome as the npm package's API
/// describes it (see `codec`), or rejected with an `AuthError`.
pub struct Promised {
    resolve: Function,
    reject: Function,
}

impl Waiter for Promised {
    fn promised(promise: Promised) -> Self {
        promise
    }

    fn settle(self, outcome: Outcome<JsValue>) {
        let Promised { resolve, reject } = self;
        let (f, value) = match outcome {
            Outcome::Session(s) => (resolve, codec::session(&s)),
            Outcome::NoSession => (resolve, JsValue::NULL),
            Outcome::LoggedOut(o) => (resolve, codec::logout_result(&o)),
            Outcome::Turn | Outcome::Decided => (resolve, JsValue::UNDEFINED),
            Outcome::SignedUp(s) => (resolve, codec::signed_up(s.as_ref())),
            Outcome::Answered(detail) => (resolve, codec::answered(detail.as_deref())),
            Outcome::User(user) => (resolve, user),
            Outcome::Failed(e) => (reject, to_js(&e)),
        };
        let _ = f.call1(&JsValue::NULL, &value);
    }
}

/// A new promise and its waiter.
pub fn promised() -> (Promise, Promised) {
    let (mut resolve, mut reject) = (JsValue::UNDEFINED, JsValue::UNDEFINED);
    // The executor runs before `Promise::new` returns (were it not to, calling `undefined`
    // would only be an ignored error).
    let promise = Promise::new(&mut |res, rej| (resolve, reject) = (res.into(), rej.into()));
    let promised = Promised {
        resolve: resolve.unchecked_into(),
        reject: reject.unchecked_into(),
    };
    (promise, promised)
}
