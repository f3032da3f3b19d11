//! fetch, in one place: credentials, headers, the timeout and the caller's `AbortSignal`
//! (mechanics in net.js, one import per request), and the few body facts the core needs.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::{get, set};
use crate::core::error::{AuthError, ErrorCode};
use crate::core::reply::{Body, Member};
use crate::core::secret::Secret;
use crate::core::session::Delay;

#[wasm_bindgen(module = "/src/platform/net.js")]
extern "C" {
    /// See net.js.
    #[wasm_bindgen(js_name = prepare)]
    fn js_prepare(input: &JsValue, init: &JsValue, base: &str) -> JsValue;
    /// See net.js.
    #[wasm_bindgen(js_name = readCookie)]
    fn js_read_cookie(name: &str) -> Option<String>;
    /// See net.js.
    #[wasm_bindgen(js_name = mintCookie)]
    fn js_mint_cookie(name: &str, api_url: &str) -> bool;
    /// See net.js.
    #[wasm_bindgen(js_name = send)]
    fn js_send(
        input: &JsValue,
        init: &Object,
        headers: &Array,
        timeout_ms: f64,
        signal: Option<&AbortSignal>,
        read: bool,
    ) -> Promise;
}

/// A caller's `fetch(input, init)` as a `Request`, with what the SDK decides on.
pub struct Prepared {
    /// The request (sent as a copy, so it stays usable for a retry).
    pub request: JsValue,
    /// Its absolute URL.
    pub url: String,
    /// Its method.
    pub method: String,
    /// Its `AbortSignal`.
    pub signal: Option<AbortSignal>,
    /// Whether it carries its own `Authorization` header.
    pub authorization: bool,
    /// Whether the caller chose `credentials` (in `init`, or by passing a `Request`).
    pub credentials: bool,
}

/// Builds the caller's request, relative URLs resolved against `base`.
///
/// # Errors
/// `config` with the browser's reason.
pub fn prepare(input: &JsValue, init: &JsValue, base: &str) -> Result<Prepared, AuthError> {
    let p = js_prepare(input, init, base);
    failure(&p)?;
    Ok(Prepared {
        request: get(&p, "request"),
        url: get(&p, "url").as_string().unwrap_or_default(),
        method: get(&p, "method").as_string().unwrap_or_default(),
        signal: get(&p, "signal").dyn_into().ok(),
        authorization: get(&p, "authorization").is_truthy(),
        credentials: get(&p, "credentials").is_truthy(),
    })
}

/// The `AuthError` of a failed net.js result.
fn failure(result: &JsValue) -> Result<(), AuthError> {
    let error = get(result, "error").as_string();
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
                message: get(result, "message")
                    .as_string()
                    .unwrap_or_default()
                    .into(),
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

/// One request through net.js: the result object, or the `AuthError` of its failure.
async fn send(
    input: &JsValue,
    init: &Object,
    headers: &Array,
    timeout: Delay,
    signal: Option<&AbortSignal>,
    read: bool,
) -> Result<JsValue, AuthError> {
    let promise = js_send(input, init, headers, f64::from(timeout.get()), signal, read);
    let result = JsFuture::from(promise).await.unwrap_or(JsValue::UNDEFINED);
    failure(&result)?;
    Ok(result)
}

/// Sends a copy of the caller's request with `extra` headers (and `credentials: "include"`
/// when `include`), under `timeout` and the request's own signal. The response body is
/// left to the caller.
///
/// # Errors
/// `timeout`, `aborted`, `network`, or `config` when the request cannot be copied (a body
/// already read) or a header is invalid.
pub async fn send_request(
    req: &Prepared,
    include: bool,
    extra: &Extra<'_>,
    timeout: Delay,
) -> Result<Response, AuthError> {
    let init = Object::new();
    if include {
        set(&init, "credentials", &JsValue::from_str("include"));
    }
    let headers = Array::new();
    extra.push_to(&headers);
    let result = send(
        &req.request,
        &init,
        &headers,
        timeout,
        req.signal.as_ref(),
        false,
    )
    .await?;
    Ok(get(&result, "response").unchecked_into())
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
    /// `Authorization: Bearer …`
    pub bearer: Option<&'a Secret>,
    /// (header, value) of the CSRF token.
    pub csrf: Option<(&'a str, String)>,
}

impl Extra<'_> {
    /// Appends the headers to `out` as `name, value` for net.js.
    pub fn push_to(&self, out: &Array) {
        if let Some(bearer) = self.bearer {
            let mut v = String::with_capacity(bearer.expose().len() + 7);
            v.push_str("Bearer ");
            v.push_str(bearer.expose());
            out.push(&JsValue::from_str("Authorization"));
            out.push(&JsValue::from_str(&v));
        }
        if let Some((name, value)) = &self.csrf {
            out.push(&JsValue::from_str(name));
            out.push(&JsValue::from_str(value));
        }
    }
}

/// A reply to one of the SDK's own calls: status, the parsed body (or `undefined`), its facts.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `JSON.parse` of the body, or `undefined` when it was not JSON.
    pub json: JsValue,
}

/// Sends one of the SDK's own requests with `credentials: "include"`, a JSON body and the
/// given headers, and reads the whole reply under the same timeout.
///
/// # Errors
/// `network`, `timeout`.
pub async fn call(
    method: &str,
    url: &str,
    body: Option<&str>,
    extra: &Extra<'_>,
    timeout: Delay,
) -> Result<Reply, AuthError> {
    let headers = Array::of2(
        &JsValue::from_str("Accept"),
        &JsValue::from_str("application/json"),
    );
    extra.push_to(&headers);
    let init = Object::new();
    set(&init, "method", &JsValue::from_str(method));
    set(&init, "credentials", &JsValue::from_str("include"));
    if let Some(b) = body {
        headers.push(&JsValue::from_str("Content-Type"));
        headers.push(&JsValue::from_str("application/json"));
        set(&init, "body", &JsValue::from_str(b));
    }
    let result = send(
        &JsValue::from_str(url),
        &init,
        &headers,
        timeout,
        None,
        true,
    )
    .await?;
    Ok(Reply {
        status: status_of(&result),
        json: get(&result, "json"),
    })
}

fn status_of(result: &JsValue) -> u16 {
    get(result, "status").as_f64().unwrap_or(0.0) as u16
}

#[cfg(not(feature = "lazy-doctor"))]
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
    let result = send(
        &JsValue::from_str(url),
        &init,
        &Array::new(),
        timeout,
        None,
        false,
    )
    .await?;
    Ok(status_of(&result))
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
