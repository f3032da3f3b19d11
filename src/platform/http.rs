//! fetch, in one place: credentials, the abort guard (timeout + the caller's `AbortSignal`),
//! body reading and the few body facts the core needs.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, Request, RequestCredentials, RequestInit, Response,
};

use super::timer::Timeout;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::outcome::BodyFacts;
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
) -> Result<Reply, AuthError> {
    let guard = Abort::new(timeout_ms, None)?;
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

/// Response field names (`fields` in the config).
pub struct Fields {
    /// The access token.
    pub access: String,
    /// Its expiry (ISO 8601 date or seconds since the epoch).
    pub access_expiration: String,
    /// The user object.
    pub user: String,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// The user object of a login reply (an object, else `None`).
pub fn user_of(json: &JsValue, fields: &Fields) -> Option<JsValue> {
    let u = get(json, &fields.user);
    (u.is_object() && !Array::is_array(&u)).then_some(u)
}

/// Reads the facts the core needs out of a parsed body.
pub fn facts(json: &JsValue, fields: &Fields) -> BodyFacts {
    let access_expiration_ms = {
        let v = get(json, &fields.access_expiration);
        let ms = match v.as_string() {
            Some(s) => js_sys::Date::parse(&s),
            None => v.as_f64().map_or(f64::NAN, |secs| secs * 1000.0),
        };
        (ms.is_finite() && ms > 0.0).then_some(ms as u64)
    };
    BodyFacts {
        json: !json.is_undefined(),
        access: get(json, &fields.access).as_string().map(Secret::new),
        access_expiration_ms,
        refresh_in_body: get(json, "refresh")
            .as_string()
            .is_some_and(|s| !s.is_empty()),
        detail: detail_of(json),
        code: get(json, "code").as_string(),
    }
}

/// The server's message: `detail`, else `non_field_errors[0]`, else the first field error as
/// `"field: message"`.
fn detail_of(json: &JsValue) -> Option<String> {
    fn first_text(v: &JsValue) -> Option<String> {
        v.as_string()
            .or_else(|| v.dyn_ref::<Array>().and_then(|a| a.get(0).as_string()))
    }
    if !json.is_object() {
        return None;
    }
    if let Some(d) = first_text(&get(json, "detail")) {
        return Some(d);
    }
    if let Some(d) = first_text(&get(json, "non_field_errors")) {
        return Some(d);
    }
    // DRF field errors: {"password": ["This field is required."]}. Arrays only, so that a
    // string member (such as a token) can never become a "detail".
    let obj: &Object = json.unchecked_ref();
    Object::keys(obj).iter().find_map(|k| {
        let key = k.as_string()?;
        let msg = get(json, &key).dyn_ref::<Array>()?.get(0).as_string()?;
        let mut s = key;
        s.push_str(": ");
        s.push_str(&msg);
        Some(s)
    })
}
