//! A cross-tab mutex for the requests that set or clear the session cookies (login, refresh,
//! logout): the Web Locks API, or — where it is missing (plain http pages other than
//! localhost, older browsers, some webviews) or refused (opaque origins) — a lease in
//! `localStorage` that its holder renews while it holds it (both in page.js).
//!
//! The lock is released when its [`LockGuard`] drops; by the browser when the holding tab
//! closes (Web Locks); and, for the lease, on `pagehide`, or at the latest about a second
//! after its page stopped renewing it (a crash): a tab closed mid-refresh never wedges the
//! others.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::get;
use tokenward_core::error::{AuthError, ErrorCode};
use tokenward_core::session::{Delay, Waited};

/// Holds the lock; dropping it releases it.
pub struct LockGuard {
    release: Function,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::NULL);
    }
}

/// How the lock was obtained.
pub struct Acquired {
    /// The guard.
    pub guard: LockGuard,
    /// Whether another tab held it first (its result may be arriving).
    pub waited: Waited,
}

#[wasm_bindgen(module = "/src/page.js")]
extern "C" {
    /// See page.js.
    #[wasm_bindgen(js_name = acquire)]
    fn js_acquire(name: &str, wait_ms: f64) -> Promise;
}

/// Asks for the cross-tab lock `name`, waiting at most `wait`: the promise of page.js's answer,
/// read by [`granted`]. It never rejects.
pub fn request(name: &str, wait: Delay) -> Promise {
    js_acquire(name, f64::from(wait.get()))
}

/// The lock, from what page.js answered to [`request`].
///
/// # Errors
/// `timeout` when another tab held it for longer than the wait.
pub fn granted(got: &JsValue) -> Result<Acquired, AuthError> {
    match get(got, "release").dyn_into::<Function>() {
        Ok(release) => Ok(Acquired {
            guard: LockGuard { release },
            waited: if get(got, "waited").is_truthy() {
                Waited::ForAnotherTab
            } else {
                Waited::No
            },
        }),
        Err(_) => Err(AuthError::new(
            ErrorCode::Timeout,
            "timed out waiting for another tab's request",
        )),
    }
}
