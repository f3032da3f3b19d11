//! A cross-tab mutex for the requests that set or clear the session cookies (login, refresh,
//! logout): the Web Locks API (acquired by locks.js), or — where it is
//! missing (older browsers, some webviews) or refused (opaque origins) — a best-effort lease in
//! `localStorage`.
//!
//! The lock is released when its [`LockGuard`] drops, and by the browser when the holding tab
//! closes (Web Locks), or when the lease expires (fallback): a tab closed mid-refresh never
//! wedges the others.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::get;
use super::storage::Store;
use super::timer::sleep;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::session::Delay;

/// Holds the lock; dropping it releases it.
pub struct LockGuard {
    release: Release,
}

enum Release {
    /// Resolves the promise the Web Locks callback returned.
    WebLock(Function),
    /// Removes the lease if it is still ours.
    Lease {
        store: Store,
        mine: String,
    },
    None,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        match &self.release {
            Release::WebLock(resolve) => {
                let _ = resolve.call0(&JsValue::NULL);
            }
            Release::Lease { store, mine } => {
                if store.get().as_deref() == Some(mine.as_str()) {
                    store.remove();
                }
            }
            Release::None => {}
        }
    }
}

/// How the lock was obtained.
pub struct Acquired {
    /// The guard.
    pub guard: LockGuard,
    /// Another tab held it first: its result may be arriving (check before refreshing).
    pub waited: bool,
}

#[wasm_bindgen(module = "/src/platform/locks.js")]
extern "C" {
    /// See locks.js.
    #[wasm_bindgen(js_name = acquire)]
    fn web_lock(name: &str, wait_ms: f64) -> Promise;
}

/// Acquires the cross-tab lock `name`, waiting at most `wait`. Without Web Locks, or where
/// the browser refuses them (an opaque origin), the lease below stands in.
///
/// # Errors
/// `timeout` when another tab held it for longer than `wait`.
pub async fn acquire(name: &str, wait: Delay, debug: bool) -> Result<Acquired, AuthError> {
    let wait_ms = u64::from(wait.get());
    let got = JsFuture::from(web_lock(name, wait_ms as f64))
        .await
        .unwrap_or(JsValue::NULL);
    if let Ok(release) = get(&got, "release").dyn_into::<Function>() {
        return Ok(Acquired {
            guard: LockGuard {
                release: Release::WebLock(release),
            },
            waited: get(&got, "waited").is_truthy(),
        });
    }
    if get(&got, "error").as_string().as_deref() == Some("timeout") {
        return Err(AuthError::new(
            ErrorCode::Timeout,
            "timed out waiting for another tab's refresh",
        ));
    }
    lease(name, wait_ms, debug).await
}

/// The fallback: a lease `"<owner> <until>"` in `localStorage`, written, then confirmed after a
/// pause (two tabs writing at once both see the last writer). Best effort: storage events are
/// not atomic, so a narrow race remains; the lease bounds how long a dead tab blocks others.
async fn lease(name: &str, wait_ms: u64, debug: bool) -> Result<Acquired, AuthError> {
    let store = Store::open_flag(name, debug);
    if !store.persistent() {
        return Ok(Acquired {
            guard: LockGuard {
                release: Release::None,
            },
            waited: false,
        });
    }
    let start = js_sys::Date::now();
    let mut mine = owner_id();
    mine.push(' ');
    mine.push_str(&number(start + wait_ms as f64));
    let mut waited = false;
    loop {
        let now = js_sys::Date::now();
        let free = match store.get() {
            None => true,
            Some(v) => v
                .bytes()
                .position(|b| b == b' ')
                .map(|i| js_sys::Number::parse_float(&v[i + 1..]))
                .is_none_or(|t| t.is_nan() || t < now),
        };
        if free {
            store.set(&mine);
            sleep(30).await;
            if store.get().as_deref() == Some(mine.as_str()) {
                return Ok(Acquired {
                    guard: LockGuard {
                        release: Release::Lease { store, mine },
                    },
                    waited,
                });
            }
        }
        if now - start > wait_ms as f64 {
            return Err(AuthError::new(
                ErrorCode::Timeout,
                "timed out waiting for another tab's refresh",
            ));
        }
        waited = true;
        sleep(50).await;
    }
}

/// A random id for this page (lease owner).
fn owner_id() -> String {
    number(js_sys::Math::random() * 1e15)
}

/// An integer as decimal text, formatted by JavaScript (no float formatting in wasm).
fn number(x: f64) -> String {
    js_sys::Number::from(js_sys::Math::floor(x))
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}
