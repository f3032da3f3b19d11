//! `auth.fetch`'s requests: the caller's input and init read once ([`prepare`]), sent as a
//! copy with the SDK's headers under the caller's `AbortSignal` ([`send_fetch`],
//! [`send_request`]), handed to `fetch` untouched when they are not the SDK's to authorise
//! ([`pass_through`]), and those that wait for the session or a refresh first handed to
//! net.js's `retry` ([`retry`]; its steps are `intercept`'s). Mechanics in net.js.

use alloc::string::String;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Response};

use crate::http::{failure, request, Extra, Outcome};
use tokenward_core::error::AuthError;
use tokenward_core::session::Delay;

#[wasm_bindgen(module = "/src/net.js")]
extern "C" {
    /// See net.js.
    #[wasm_bindgen(js_name = prepare)]
    fn js_prepare(input: &JsValue, init: &JsValue, urls: &Resolver) -> Outcome;
    /// See net.js.
    pub type Resolver;
    /// See net.js.
    #[wasm_bindgen(js_name = resolver)]
    pub fn resolver(base: &str) -> Resolver;
    /// See net.js.
    #[wasm_bindgen(js_name = sendFetch)]
    #[allow(clippy::too_many_arguments)]
    fn js_send_fetch(
        prepared: &JsValue,
        include: bool,
        bearer: &JsValue,
        headers: &Array,
        timeout_ms: f64,
        consult: &Array,
        ask: &JsValue,
        gen: &JsValue,
    ) -> Promise;
    /// See net.js.
    #[wasm_bindgen(js_name = retry)]
    fn js_retry(ask: &JsValue, prepared: &JsValue, include: bool) -> Promise;
    /// See net.js.
    #[wasm_bindgen(js_name = passThrough)]
    fn js_pass_through(input: &JsValue, init: &JsValue, prepared: &JsValue) -> Promise;

}

/// A caller's `fetch(input, init)`, with what the SDK decides on.
pub struct Prepared {
    /// net.js's object it was read from (handed back with an answer, see [`send_fetch`]).
    pub js: JsValue,
    /// What net.js sends: the absolute URL, or a `Request` (sent as a copy, so that it stays
    /// usable for a retry).
    pub request: JsValue,
    /// The origin of its URL.
    pub origin: String,
    /// Its URL without query and fragment.
    pub path: String,
    /// Its method.
    pub method: String,
    /// Its `AbortSignal`.
    pub signal: Option<AbortSignal>,
    /// Whether it carries its own `Authorization` header.
    pub authorization: bool,
    /// Whether the caller chose `credentials` (in `init`, or by passing a `Request`).
    pub credentials: bool,
    /// `init.timeoutMs`, when given (0: none).
    pub timeout: Option<u64>,
}

/// Why `auth.fetch` has no `Response` for the caller: the SDK's error, or the caller's
/// `AbortSignal` (rejected with its `reason`, as `fetch` does).
pub enum Failed {
    /// The SDK's own failure (`timeout`, `network`, `config`, ...).
    Auth(AuthError),
    /// The caller aborted: the signal's reason.
    Aborted(JsValue),
}

impl Failed {
    /// The rejection value: the `AuthError`, or the caller's abort reason as it is.
    pub fn into_js(self) -> JsValue {
        match self {
            Failed::Auth(e) => crate::error::to_js(&e),
            Failed::Aborted(reason) => reason,
        }
    }
}

impl From<AuthError> for Failed {
    fn from(e: AuthError) -> Failed {
        Failed::Auth(e)
    }
}

/// Builds the caller's request, relative URLs resolved by `urls` (a [`resolver`] of the
/// client's base URL).
///
/// # Errors
/// `config` with the browser's reason.
pub fn prepare(input: &JsValue, init: &JsValue, urls: &Resolver) -> Result<Prepared, AuthError> {
    let p = js_prepare(input, init, urls);
    failure(&p)?;
    Ok(Prepared::read(p.into()))
}

impl Prepared {
    /// Reads net.js's prepared object (from [`prepare`], or handed back by an answer).
    pub fn read(js: JsValue) -> Prepared {
        let p: &Outcome = js.unchecked_ref();
        Prepared {
            request: p.request(),
            origin: p.origin().unwrap_or_default(),
            path: p.path().unwrap_or_default(),
            method: p.method().unwrap_or_default(),
            signal: p.signal(),
            authorization: p.authorization(),
            credentials: p.credentials(),
            timeout: p.timeout().map(|t| t as u64),
            js,
        }
    }
}

/// The failure of an `auth.fetch` result: the caller's abort with its reason, else as
/// [`failure`].
fn fetch_failure(result: &Outcome) -> Result<(), Failed> {
    if result.error().as_deref() == Some("aborted") {
        return Err(Failed::Aborted(result.reason()));
    }
    Ok(failure(result)?)
}

/// Sends a copy of the caller's request with `extra` headers (and `credentials: "include"`
/// when `include`), under `timeout` (0: none) and the request's own signal: the promise of
/// net.js's result (see [`answered`]). The response body is left to the caller (and to its
/// signal).
pub fn send_request(req: &Prepared, include: bool, extra: &Extra<'_>, timeout: Delay) -> Promise {
    request(
        &req.request,
        &JsValue::UNDEFINED,
        include,
        extra,
        timeout,
        req.signal.as_ref(),
        false,
    )
}

/// `auth.fetch`'s request, sent at once: a copy of `req` with `extra` headers (and
/// `credentials: "include"` when `include`), under `timeout` (0: none) and the request's own
/// signal. The promise resolves to the `Response` itself, unless it failed or answered a
/// status of `consult` (a JS array of numbers, see [`statuses`]); then net.js's `retry` takes
/// it over with `ask` (see `intercept`).
#[allow(clippy::too_many_arguments)]
pub fn send_fetch(
    req: &Prepared,
    include: bool,
    extra: &Extra<'_>,
    timeout: Delay,
    consult: &Array,
    ask: &JsValue,
    gen: Option<u64>,
) -> Promise {
    let gen = gen.map_or(JsValue::UNDEFINED, |g| JsValue::from_f64(g as f64));
    js_send_fetch(
        &req.js,
        include,
        &extra.bearer,
        &extra.pairs(),
        f64::from(timeout.get()),
        consult,
        ask,
        &gen,
    )
}

/// `auth.fetch`'s request that waits for the session or a refresh first: net.js's `retry`
/// with `ask` (see `intercept`).
pub fn retry(ask: &JsValue, req: &Prepared, include: bool) -> Promise {
    js_retry(ask, &req.js, include)
}

/// `list` as a JS array of numbers (for [`send_fetch`]; made once, not per call).
pub fn statuses(list: &[u16]) -> Array {
    list.iter().map(|s| JsValue::from(*s)).collect()
}

/// A request that is not the SDK's to authorise, handed to `fetch` as the caller made it (see
/// net.js): no header, no timeout, no change of credentials.
pub fn pass_through(input: &JsValue, init: &JsValue, req: &Prepared) -> Promise {
    js_pass_through(input, init, &req.js)
}

/// What a result of [`send_request`] or [`send_fetch`] says: the `Response`, or why there
/// is none.
///
/// # Errors
/// The caller's abort; `timeout`, `network`, or `config`.
pub fn answered(result: &JsValue) -> Result<Response, Failed> {
    let result = crate::http::outcome(result.clone());
    fetch_failure(&result)?;
    Ok(result.response())
}
