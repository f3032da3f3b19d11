//! `AuthClient`: the exported class. Each method is one input to the session machine (through
//! the driver) and returns the promise the machine settles; the getters read the machine.
//!
//! Every exported method takes `&self` over an `Rc<Inner>` (an exported `&mut self` async
//! method would keep the object borrowed across `.await`, wasm-bindgen #4440), and no
//! `RefCell` borrow is held across an `.await`.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::future::Future;
use core::pin::Pin;

use js_sys::{Function, Object, Promise, JSON};
use wasm_bindgen::prelude::*;

use super::codec;
use super::config::Config;
use super::driver::Inner;
use super::error::to_js;
use crate::core::error::AuthError;
use crate::core::secret::Secret;
use crate::core::session::Call;
use crate::platform::reading;

/// The auth client. See the README for the API.
#[wasm_bindgen]
pub struct AuthClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl AuthClient {
    /// `new AuthClient(config)`.
    ///
    /// # Errors
    /// An `AuthError` with code `config` naming the offending key.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthConfig")] config: JsValue,
    ) -> Result<AuthClient, JsValue> {
        let cfg = Config::parse(&config)?;
        Ok(AuthClient {
            inner: Inner::start(cfg, config),
        })
    }

    /// Signs in: POSTs `credentials` as JSON to the login endpoint. A later `login()` or
    /// `logout()` supersedes it (it then rejects with `aborted`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] credentials: JsValue,
    ) -> Promise {
        let body = if credentials.is_object() {
            JSON::stringify(&credentials)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| AuthError::config("credentials", "cannot be sent as JSON"))
        } else {
            Err(AuthError::config(
                "credentials",
                "must be an object such as { username, password }",
            ))
        };
        match body {
            Ok(body) => self.inner.call(Call::Login(Secret::new(body))),
            Err(e) => Promise::reject(&to_js(&e)),
        }
    }

    /// On page load: reuses a stored unexpired token, else refreshes from the cookie; `null`
    /// when there is no session. Joins what is already in flight.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session | null>")]
    pub fn restore(&self) -> Promise {
        self.inner.call(Call::Restore(self.inner.load()))
    }

    /// Refreshes now; concurrent callers share one request.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn refresh(&self) -> Promise {
        self.inner.call(Call::Refresh)
    }

    /// Signs out: local state is cleared and `signedOut` emitted before this returns; the
    /// promise (which never rejects) reports what the server said.
    #[wasm_bindgen(unchecked_return_type = "Promise<LogoutResult>")]
    pub fn logout(&self) -> Promise {
        self.inner.call(Call::Logout)
    }

    /// Like `window.fetch`, with the access token for `authorizedOrigins`, and one shared
    /// refresh and one retry on 401.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInfo | URL")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: Option<Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            inner
                .fetch(input, init)
                .await
                .map(JsValue::from)
                .map_err(JsValue::from)
        })
    }

    /// Probes the server and reports misconfiguration in plain words, naming the setting to
    /// change. `options.credentials` adds a throwaway login → refresh → logout cycle, after
    /// which the browser is signed out. Never rejects.
    #[wasm_bindgen(unchecked_return_type = "Promise<DoctorReport>")]
    pub fn doctor(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "DoctorOptions")] options: Option<Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { Ok(inner.doctor(options).await) })
    }

    /// Subscribes to `AuthEvent`s; returns the unsubscribe function (idempotent).
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: AuthEvent) => void")] callback: Function,
    ) -> JsValue {
        codec::subscribe(&self.inner.subscribers, &callback).into()
    }

    /// The access token while it is valid.
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> Option<String> {
        self.inner.read(|m| {
            let now = m.time_at(reading());
            m.live_token(now).map(|t| t.value.expose().to_owned())
        })
    }

    /// Whether a session is held (a transient refresh failure does not end it).
    #[wasm_bindgen(getter, js_name = isAuthenticated)]
    pub fn is_authenticated(&self) -> bool {
        self.inner.read(|m| m.token().is_some())
    }

    /// The signed-in user, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown> | null")]
    pub fn user(&self) -> JsValue {
        self.inner
            .read(|m| m.user().cloned())
            .unwrap_or(JsValue::NULL)
    }

    /// When the access token expires — an estimate by the server's clock, at most a second
    /// early — in ms since the epoch on this device's clock, or `null`.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> Option<f64> {
        self.inner
            .read(|m| m.token().and_then(|t| t.expires_at).map(|e| m.wall(e)))
            .map(|e| e as f64)
    }
}

impl AuthClient {
    /// The shared state (for the doctor module's entry point).
    #[cfg_attr(not(feature = "doctor-module"), allow(dead_code))]
    pub(super) fn inner(&self) -> &Rc<Inner> {
        &self.inner
    }
}

impl Drop for AuthClient {
    /// `free()`: stops the timer, the listeners and the channel; requests still in flight
    /// finish and settle their promises.
    fn drop(&mut self) {
        self.inner.close();
    }
}

/// Runs `future` as a JS promise. One non-generic instantiation of `future_to_promise` for
/// every exported async method (each generic instantiation cost 2.5–5.5 KB of wasm).
pub(super) fn spawn(future: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let boxed: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(future);
    wasm_bindgen_futures::future_to_promise(boxed)
}
