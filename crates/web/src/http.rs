//! fetch for the SDK's own requests, in one place: credentials, headers, the timeout (mechanics
//! in net.js, one import per request), the few body facts the core needs, the URLs and cookies
//! they use. `auth.fetch`'s requests: [`crate::fetch`].

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::{get, set};
use tokenward_core::claims::{self, Claims, ClaimsError};
use tokenward_core::error::{AuthError, ErrorCode};
use tokenward_core::reply::{Body, Member};
use tokenward_core::secret::Secret;
use tokenward_core::session::Delay;

#[wasm_bindgen(module = "/src/net.js")]
extern "C" {
    /// See net.js.
    #[wasm_bindgen(js_name = readCookie)]
    fn js_read_cookie(name: &str) -> Option<String>;
    /// See net.js.
    #[wasm_bindgen(js_name = jwtPayload)]
    fn js_jwt_payload(segment: &str) -> JsValue;
    /// See net.js.
    #[wasm_bindgen(js_name = mintCookie)]
    fn js_mint_cookie(name: &str, api_url: &str) -> bool;
    /// See net.js.
    #[wasm_bindgen(js_name = send)]
    #[allow(clippy::too_many_arguments)]
    fn js_send(
        input: &JsValue,
        init: &JsValue,
        include: bool,
        bearer: &JsValue,
        headers: &Array,
        timeout_ms: f64,
        signal: Option<&AbortSignal>,
        read: bool,
    ) -> Promise;

    /// What net.js answers: `prepare`'s and `send`'s results (or failures) in one shape, read
    /// through getters (no property name crosses as a string).
    pub(crate) type Outcome;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn error(this: &Outcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn message(this: &Outcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn request(this: &Outcome) -> JsValue;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn origin(this: &Outcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn path(this: &Outcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn method(this: &Outcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn signal(this: &Outcome) -> Option<AbortSignal>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn authorization(this: &Outcome) -> bool;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn credentials(this: &Outcome) -> bool;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn timeout(this: &Outcome) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn reason(this: &Outcome) -> JsValue;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn status(this: &Outcome) -> Option<u16>;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn response(this: &Outcome) -> Response;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn json(this: &Outcome) -> JsValue;
}

/// The `AuthError` of a failed net.js result.
pub(crate) fn failure(result: &Outcome) -> Result<(), AuthError> {
    let error = result.error();
    let (code, message) = match error.as_deref() {
        None => return Ok(()),
        Some("timeout") => (ErrorCode::Timeout, "the request timed out (timeoutMs)"),
        Some("aborted") => (
            ErrorCode::Aborted,
            "the request was aborted by its AbortSignal",
        ),
        Some("invalid") => {
            return Err(AuthError {
                code: ErrorCode::Config,
                message: result.message().unwrap_or_default().into(),
                ..AuthError::new(ErrorCode::Config, "")
            })
        }
        Some(_) => (
            ErrorCode::Network,
            "the request failed: server unreachable or blocked by CORS",
        ),
    };
    Err(AuthError::new(code, message))
}

/// One request through net.js: the promise of its result object (failures included; it never
/// rejects).
#[allow(clippy::too_many_arguments)]
pub(crate) fn request(
    input: &JsValue,
    init: &JsValue,
    include: bool,
    extra: &Extra<'_>,
    timeout: Delay,
    signal: Option<&AbortSignal>,
    read: bool,
) -> Promise {
    js_send(
        input,
        init,
        include,
        &extra.bearer,
        &extra.pairs(),
        f64::from(timeout.get()),
        signal,
        read,
    )
}

/// A result of [`request`] as net.js makes them; anything else is a network failure.
pub(crate) fn outcome(v: JsValue) -> Outcome {
    if v.is_object() {
        return v.unchecked_into();
    }
    let failed = Object::new();
    set(&failed, "error", &JsValue::from_str("network"));
    failed.unchecked_into()
}

/// One of the SDK's own requests through net.js: the result object, or the `AuthError` of its
/// failure.
async fn send(
    input: &JsValue,
    init: &JsValue,
    include: bool,
    extra: &Extra<'_>,
    timeout: Delay,
    read: bool,
) -> Result<Outcome, AuthError> {
    let promise = request(input, init, include, extra, timeout, None, read);
    let result = outcome(JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED));
    failure(&result)?;
    Ok(result)
}

/// `url` resolved against `base`, as an absolute href.
pub fn resolve(url: &str, base: &str) -> Option<String> {
    web_sys::Url::new_with_base(url, base)
        .ok()
        .map(|u| u.href())
}

/// `scheme://host[:port]` of an absolute URL.
pub fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

/// `scheme://host[:port]/path` of an absolute URL: the URL without query and fragment.
pub fn without_query(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| {
        let mut s = u.origin();
        s.push_str(&u.pathname());
        s
    })
}

/// The value of a readable cookie of this document (for the CSRF header).
pub fn read_cookie(name: &str) -> Option<String> {
    js_read_cookie(name)
}

/// Mints a CSRF cookie the API will receive, for Django's double-submit check; whether one is
/// now readable (false when this page cannot set a cookie that reaches the API's host).
///
/// The machine asks for it only when Django said the CSRF cookie is not set and no refresh
/// cookie is left to obtain a Bearer: dj-rest-auth sets no `csrftoken` cookie, and Django
/// accepts any well-formed token whose cookie and header match (plus a trusted Origin). A
/// cookie reaches the API when both share the host, or via a parent domain of both. An
/// existing cookie of that name is never replaced. The mechanics (random value,
/// `document.cookie`, `Secure` on https, the domain walk) are in net.js.
pub fn mint_csrf_cookie(name: &str, api_url: &str) -> bool {
    js_mint_cookie(name, api_url)
}

/// Whether a method is unsafe (changes state), i.e. CSRF-checked by Django.
pub fn is_unsafe(method: &str) -> bool {
    !matches!(
        method.to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS" | "TRACE"
    )
}

/// Headers every SDK request may carry.
pub struct Extra<'a> {
    /// The `Authorization` header's value (`Bearer …`), or `undefined`: see [`bearer`].
    pub bearer: JsValue,
    /// (header, value) of the CSRF token.
    pub csrf: Option<(&'a str, String)>,
}

impl Extra<'_> {
    /// The headers besides `Authorization`, as net.js takes them: `[name, value, …]`.
    pub(crate) fn pairs(&self) -> Array {
        let pairs = Array::new();
        if let Some((name, value)) = &self.csrf {
            pairs.push(&JsValue::from_str(name));
            pairs.push(&JsValue::from_str(value));
        }
        pairs
    }
}

/// `<scheme> <token>` (`Bearer …` by default, `authScheme`) as a JS string, for [`Extra`];
/// `undefined` without a token.
pub fn bearer(scheme: &str, token: Option<&Secret>) -> JsValue {
    token.map_or(JsValue::UNDEFINED, |t| {
        let mut v = String::with_capacity(scheme.len() + t.expose().len() + 1);
        v.push_str(scheme);
        v.push(' ');
        v.push_str(t.expose());
        JsValue::from_str(&v)
    })
}

/// A reply to one of the SDK's own calls: status, the parsed body (or `undefined`), its facts.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `JSON.parse` of the body, or `undefined` when it was not JSON.
    pub json: JsValue,
}

/// The body of one of the SDK's own requests.
pub enum Sent<'a> {
    /// None (`GET`).
    None,
    /// JSON text.
    Json(&'a str),
    /// The app's `FormData`: the browser sends it as multipart with its boundary.
    Form(&'a JsValue),
}

/// Starts one of the SDK's own requests with `credentials: "include"`, its body and the given
/// headers; the promise resolves (never rejects) to net.js's result, whole reply read under the
/// same timeout: see [`reply`].
pub fn start(
    method: &str,
    url: &str,
    body: &Sent<'_>,
    extra: &Extra<'_>,
    timeout: Delay,
) -> Promise {
    let init = Object::new();
    set(&init, "method", &JsValue::from_str(method));
    let headers = Object::new();
    set(&headers, "Accept", &JsValue::from_str("application/json"));
    match body {
        Sent::None => {}
        Sent::Json(b) => {
            let json = JsValue::from_str("application/json");
            set(&headers, "Content-Type", &json);
            set(&init, "body", &JsValue::from_str(b));
        }
        Sent::Form(f) => set(&init, "body", f),
    }
    set(&init, "headers", &headers);
    request(
        &JsValue::from_str(url),
        &init,
        true,
        extra,
        timeout,
        None,
        true,
    )
}

/// The reply in a result of [`start`] (anything not an object: a network failure).
///
/// # Errors
/// `network`, `timeout`, `config` (the result of [`failed`]).
pub fn reply(result: &JsValue) -> Result<Reply, AuthError> {
    let result = outcome(result.clone());
    failure(&result)?;
    Ok(Reply {
        status: result.status().unwrap_or(0),
        json: result.json(),
    })
}

/// A result of [`start`] that is the failure `e` (a request that could not be made), for the
/// code that reads the others: [`reply`] gives `e`'s code and message back.
pub fn failed(e: &AuthError) -> JsValue {
    let failed = Object::new();
    set(&failed, "error", &JsValue::from_str("invalid"));
    set(&failed, "message", &JsValue::from_str(&e.message));
    failed.into()
}

/// A `GET` of `url` for `doctor()` without cookies (so that only `extra`'s header can
/// authenticate it): the reply.
///
/// # Errors
/// `network`, `timeout`.
pub async fn probe_reply(url: &str, extra: &Extra<'_>, timeout: Delay) -> Result<Reply, AuthError> {
    let init = Object::new();
    set(&init, "credentials", &JsValue::from_str("omit"));
    let headers = Object::new();
    set(&headers, "Accept", &JsValue::from_str("application/json"));
    set(&init, "headers", &headers);
    let result = send(&JsValue::from_str(url), &init, false, extra, timeout, true).await?;
    Ok(Reply {
        status: result.status().unwrap_or(0),
        json: result.json(),
    })
}

/// A `GET` of `url` for `doctor()`: `include` credentials, or `omit` them, or an opaque
/// `no-cors` request. Resolves to the status (0 for an opaque answer).
///
/// # Errors
/// `network` / `timeout` when the browser got (or may read) no answer.
pub async fn probe(
    url: &str,
    include: bool,
    no_cors: bool,
    timeout: Delay,
) -> Result<u16, AuthError> {
    let init = Object::new();
    set(
        &init,
        "credentials",
        &JsValue::from_str(if include { "include" } else { "omit" }),
    );
    if no_cors {
        set(&init, "mode", &JsValue::from_str("no-cors"));
    }
    let none = Extra {
        bearer: JsValue::UNDEFINED,
        csrf: None,
    };
    let result = send(&JsValue::from_str(url), &init, false, &none, timeout, false).await?;
    Ok(result.status().unwrap_or(0))
}

/// A parsed body, read through `Reflect`.
pub struct JsBody<'a>(pub &'a JsValue);

impl Body for JsBody<'_> {
    fn is_json(&self) -> bool {
        !self.0.is_undefined()
    }

    fn is_object(&self) -> bool {
        self.0.is_object() && !Array::is_array(self.0)
    }

    fn member(&self, key: &str) -> Member {
        let v = get(self.0, key);
        if let Some(s) = v.as_string() {
            Member::Text(s)
        } else if let Some(n) = v.as_f64() {
            Member::Number(n)
        } else if let Some(a) = v.dyn_ref::<Array>() {
            Member::List(a.iter().filter_map(|e| e.as_string()).collect())
        } else if v.is_undefined() {
            Member::Missing
        } else {
            Member::Other
        }
    }

    /// The payload decoded by the browser (`atob`, `JSON.parse`: 0.7 KB gzipped less wasm
    /// than the core's own decoder), judged by the core.
    fn jwt_claims(&self, token: &str) -> Result<Claims, ClaimsError> {
        let segment = claims::payload_segment(token)?;
        claims::from_payload(&JsBody(&js_jwt_payload(segment)))
    }

    fn keys(&self) -> Vec<String> {
        if !self.is_object() {
            return Vec::new();
        }
        Object::keys(self.0.unchecked_ref::<Object>())
            .iter()
            .filter_map(|k| k.as_string())
            .collect()
    }
}
