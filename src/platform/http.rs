//! fetch, in one place: credentials, the abort guard (timeout + the caller's `AbortSignal`),
//! body reading and the few body facts the core needs.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::Cell;

use js_sys::{Array, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, Request, RequestCredentials, RequestInit, Response,
};

use super::get;
use super::timer::Timeout;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::reply::{Body, FieldNames, Member};
use crate::core::secret::Secret;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker).
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &Request) -> Promise;
}

/// Ties one request to an `AbortController`: aborted when the timeout fires, when the caller's
/// signal fires, or when the guard is dropped before [`Abort::disarm`] (a dropped future
/// cancels its request). Which of these happened is recorded in flags, not guessed from the
/// error text.
pub struct Abort {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    caller: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    _timer: Timeout,
    armed: bool,
}

impl Abort {
    /// Starts the clock.
    ///
    /// # Errors
    /// `aborted` when the caller's signal has already fired; `network` when the browser has no
    /// `AbortController`.
    pub fn new(timeout_ms: u64, caller: Option<AbortSignal>) -> Result<Abort, AuthError> {
        if caller.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(aborted());
        }
        let controller = AbortController::new()
            .map_err(|_| AuthError::new(ErrorCode::Network, "AbortController is unavailable"))?;
        let timed_out = Rc::new(Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let timed_out = timed_out.clone();
            Timeout::new(timeout_ms, move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let caller = caller.map(|signal| {
            let controller = controller.clone();
            let on_abort = Closure::<dyn FnMut()>::new(move || controller.abort());
            let _ =
                signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            (signal, on_abort)
        });
        Ok(Abort {
            controller,
            timed_out,
            caller,
            _timer: timer,
            armed: true,
        })
    }

    /// The signal to put on the request.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Sends `request` (built with [`Abort::signal`]).
    ///
    /// # Errors
    /// `timeout`, `aborted` or `network`.
    pub async fn fetch(&self, request: &Request) -> Result<Response, AuthError> {
        match JsFuture::from(global_fetch(request)).await {
            Ok(r) => r
                .dyn_into::<Response>()
                .map_err(|_| AuthError::new(ErrorCode::Network, "fetch returned no Response")),
            Err(_) => Err(self.failure()),
        }
    }

    /// Reads the body as text.
    ///
    /// # Errors
    /// As [`Abort::fetch`].
    pub async fn text(&self, response: &Response) -> Result<String, AuthError> {
        let promise = response.text().map_err(|_| self.failure())?;
        match JsFuture::from(promise).await {
            Ok(t) => Ok(t.as_string().unwrap_or_default()),
            Err(_) => Err(self.failure()),
        }
    }

    fn failure(&self) -> AuthError {
        if self.timed_out.get() {
            AuthError::new(ErrorCode::Timeout, "the request timed out (timeoutMs)")
        } else if self.caller.as_ref().is_some_and(|(s, _)| s.aborted()) {
            aborted()
        } else {
            AuthError::new(
                ErrorCode::Network,
                "the request failed: server unreachable or blocked by CORS",
            )
        }
    }

    /// The request is done: stop the timer and leave the response body alone.
    pub fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        if self.armed {
            self.controller.abort();
        }
        if let Some((signal, on_abort)) = &self.caller {
            let _ = signal
                .remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
    }
}

fn aborted() -> AuthError {
    AuthError::new(
        ErrorCode::Aborted,
        "the request was aborted by its AbortSignal",
    )
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
    let doc = Reflect::get(&js_sys::global(), &JsValue::from_str("document")).ok()?;
    let cookies = Reflect::get(&doc, &JsValue::from_str("cookie"))
        .ok()?
        .as_string()?;
    cookies.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_owned())
    })
}

/// Mints a CSRF cookie the API will receive, for Django's double-submit check, and returns
/// its value; `None` when this page cannot set a cookie that reaches the API's host.
///
/// Used only when Django demands CSRF (an alive HttpOnly access cookie, no valid Bearer) and
/// no refresh cookie is left to obtain a Bearer: dj-rest-auth sets no `csrftoken` cookie, and
/// Django accepts any well-formed token whose cookie and header match (plus a trusted Origin).
/// A cookie reaches the API when both share the host, or via a parent domain of both.
pub fn mint_csrf_cookie(name: &str, api_url: &str) -> Option<String> {
    let global = js_sys::global();
    let doc = Reflect::get(&global, &JsValue::from_str("document")).ok()?;
    let location = Reflect::get(&global, &JsValue::from_str("location")).ok()?;
    let page_host = Reflect::get(&location, &JsValue::from_str("hostname"))
        .ok()?
        .as_string()?;
    let api_host = web_sys::Url::new(api_url).ok()?.hostname();
    let token = random_token()?;
    let mut domains: Vec<Option<&str>> = Vec::new();
    if page_host == api_host {
        domains.push(None);
    }
    // Parent domains of the page's host (never a bare TLD) that contain the API's host.
    let mut rest = page_host.as_str();
    while let Some((_, parent)) = rest.split_once('.') {
        if parent.contains('.')
            && (api_host == parent || api_host.ends_with(&[".", parent].concat()))
        {
            domains.push(Some(parent));
        }
        rest = parent;
    }
    for domain in domains {
        let mut cookie = String::from(name);
        cookie.push('=');
        cookie.push_str(&token);
        cookie.push_str("; path=/; SameSite=Lax");
        if let Some(d) = domain {
            cookie.push_str("; domain=");
            cookie.push_str(d);
        }
        let _ = Reflect::set(
            &doc,
            &JsValue::from_str("cookie"),
            &JsValue::from_str(&cookie),
        );
        if read_cookie(name).as_deref() == Some(token.as_str()) {
            return Some(token);
        }
    }
    None
}

/// 32 random characters from `[A-Za-z0-9]` (the form Django expects of a CSRF secret), from
/// `crypto.getRandomValues`.
fn random_token() -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    let get_random = Reflect::get(&crypto, &JsValue::from_str("getRandomValues"))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let bytes = js_sys::Uint8Array::new_with_length(32);
    get_random.call1(&crypto, &bytes).ok()?;
    Some(
        bytes
            .to_vec()
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect(),
    )
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
    /// Sets the headers on `headers`.
    pub fn apply(&self, headers: &Headers) -> Result<(), AuthError> {
        let bad = |_| AuthError::new(ErrorCode::Config, "a header value is not valid");
        if let Some(bearer) = self.bearer {
            let mut v = String::with_capacity(bearer.expose().len() + 7);
            v.push_str("Bearer ");
            v.push_str(bearer.expose());
            headers.set("Authorization", &v).map_err(bad)?;
        }
        if let Some((name, value)) = &self.csrf {
            headers.set(name, value).map_err(bad)?;
        }
        Ok(())
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
    timeout_ms: u64,
    cancel: Option<AbortSignal>,
) -> Result<Reply, AuthError> {
    let guard = Abort::new(timeout_ms, cancel)?;
    let headers =
        Headers::new().map_err(|_| AuthError::new(ErrorCode::Network, "Headers unavailable"))?;
    let _ = headers.set("Accept", "application/json");
    if body.is_some() {
        let _ = headers.set("Content-Type", "application/json");
    }
    extra.apply(&headers)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::Include);
    init.set_headers(&headers);
    init.set_signal(Some(&guard.signal()));
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|_| AuthError::new(ErrorCode::Config, "an endpoint URL is not valid"))?;
    let response = guard.fetch(&request).await?;
    let text = guard.text(&response).await?;
    guard.disarm();
    let json = JSON::parse(&text).unwrap_or(JsValue::UNDEFINED);
    Ok(Reply {
        status: response.status(),
        json,
    })
}

/// A `GET` of `url` for `doctor()`: `include` credentials, or `omit` them, or an opaque
/// `no-cors` request. Resolves to the status (0 for an opaque answer).
///
/// # Errors
/// `network` / `timeout` when the browser got (or may read) no answer.
pub async fn probe(
    url: &str,
    credentials: RequestCredentials,
    no_cors: bool,
    timeout_ms: u64,
) -> Result<u16, AuthError> {
    let guard = Abort::new(timeout_ms, None)?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_credentials(credentials);
    init.set_signal(Some(&guard.signal()));
    if no_cors {
        let _ = Reflect::set(
            &init,
            &JsValue::from_str("mode"),
            &JsValue::from_str("no-cors"),
        );
    }
    let request = Request::new_with_str_and_init(url, &init)
        .map_err(|_| AuthError::new(ErrorCode::Config, "an endpoint URL is not valid"))?;
    let response = guard.fetch(&request).await?;
    guard.disarm();
    Ok(response.status())
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
            Member::List(a.get(0).as_string())
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

/// The user object of a login reply (an object, else `None`).
pub fn user_of(json: &JsValue, fields: &FieldNames) -> Option<JsValue> {
    let u = get(json, &fields.user);
    (u.is_object() && !Array::is_array(&u)).then_some(u)
}
