//! A cross-tab mutex for refreshes: the Web Locks API, or — where it is missing (older
//! browsers, some webviews) — a best-effort lease in `localStorage`.
//!
//! The lock is released when its [`LockGuard`] drops, and by the browser when the holding tab
//! closes (Web Locks), or when the lease expires (fallback): a tab closed mid-refresh never
//! wedges the others.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use super::storage::Store;
use super::timer::{sleep, Timeout};
use crate::core::error::{AuthError, ErrorCode};

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

/// A promise and its `resolve` (the executor runs synchronously, so it is always `Some`).
fn deferred() -> Option<(Promise, Function)> {
    let mut resolve = None;
    let promise = Promise::new(&mut |r, _| resolve = Some(r));
    resolve.map(|r| (promise, r))
}

fn web_locks() -> Option<(JsValue, Function)> {
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    let request = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

/// One `navigator.locks.request` call. Resolves to the guard, or `None` when `if_available`
/// and the lock is taken.
async fn request(
    locks: &JsValue,
    request: &Function,
    name: &str,
    if_available: bool,
    wait_ms: u64,
) -> Result<Option<LockGuard>, AuthError> {
    let unavailable = || AuthError::new(ErrorCode::Network, "navigator.locks.request failed");
    let (granted, on_granted) = deferred().ok_or_else(unavailable)?;
    let (hold, release) = deferred().ok_or_else(unavailable)?;
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let _ = on_granted.call1(&JsValue::NULL, &lock);
        if lock.is_null() {
            Promise::resolve(&JsValue::UNDEFINED).into()
        } else {
            hold.into()
        }
    });
    let options = Object::new();
    let abort = AbortController::new().ok();
    let _timer = if if_available {
        let _ = Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
        None
    } else {
        abort.as_ref().map(|a| {
            let _ = Reflect::set(&options, &JsValue::from_str("signal"), &a.signal());
            let a = a.clone();
            Timeout::new(wait_ms, move || a.abort())
        })
    };
    let pending = request
        .call3(locks, &JsValue::from_str(name), &options, &callback)
        .map_err(|_| unavailable())?;
    // `pending` rejects only when the wait is aborted, always before this function returns,
    // so the handler below outlives every call of it. Until then `granted` decides: a `Lock`,
    // or `null` for an `ifAvailable` request that found the lock taken.
    let on_abort = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
    let aborted = pending.unchecked_into::<Promise>().catch(&on_abort);
    let first = Promise::race(&js_sys::Array::of2(&granted, &aborted));
    match JsFuture::from(first).await {
        Ok(lock) if lock.is_object() => Ok(Some(LockGuard {
            release: Release::WebLock(release),
        })),
        Ok(lock) if if_available && lock.is_null() => Ok(None),
        _ => Err(AuthError::new(
            ErrorCode::Timeout,
            "timed out waiting for another tab's refresh",
        )),
    }
}

/// Acquires the cross-tab refresh lock `name`, waiting at most `wait_ms`.
///
/// # Errors
/// `timeout` when another tab held it for longer than `wait_ms`.
pub async fn acquire(name: &str, wait_ms: u64, debug: bool) -> Result<Acquired, AuthError> {
    if let Some((locks, req)) = web_locks() {
        if let Some(guard) = request(&locks, &req, name, true, wait_ms).await? {
            return Ok(Acquired {
                guard,
                waited: false,
            });
        }
        let guard = request(&locks, &req, name, false, wait_ms)
            .await?
            .ok_or_else(|| AuthError::new(ErrorCode::Timeout, "lock not granted"))?;
        return Ok(Acquired {
            guard,
            waited: true,
        });
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
                .split_once(' ')
                .map(|(_, t)| js_sys::Number::parse_float(t))
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
