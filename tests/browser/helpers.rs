//! Shared by the browser tests: the backend's hooks, clients, promise helpers.
#![allow(dead_code)]

use crate::shell::AuthClient;
use js_sys::{Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub const BACKEND: &str = match option_env!("TOKENWARD_BACKEND") {
    Some(b) => b,
    None => "http://127.0.0.1:8001",
};
/// The same server under another origin: must never receive the token.
pub const FOREIGN: &str = "http://localhost:8001";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    pub fn raw_fetch(url: &str, init: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(f: &js_sys::Function, ms: f64);
}

pub fn obj(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

pub fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_str(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

pub async fn sleep(ms: u32) {
    let p = Promise::new(&mut |resolve, _| set_timeout(&resolve, ms as f64));
    JsFuture::from(p).await.unwrap();
}

/// A hook of the backend (`/test/...`), by plain fetch.
pub async fn hook(path: &str, body: Option<&str>) -> JsValue {
    hook_at(BACKEND, path, body).await
}

pub async fn backend_config() -> String {
    get_str(&hook("/test/info/", None).await, "config").unwrap()
}

/// The server stops accepting this access token (the client still believes it valid).
pub async fn revoke(token: &str) {
    hook(
        "/test/revoke-access/",
        Some(&format!(r#"{{"token":"{token}"}}"#)),
    )
    .await;
}

pub async fn reset_counters() {
    hook("/test/counters/reset/", Some("{}")).await;
}

pub async fn count(key: &str) -> u32 {
    count_at(BACKEND, key).await
}

/// Waits until counter `key` reaches `want` or `deadline` (a `Date.now()`) passes, and returns
/// its last value: for requests a timer sends, whose moment a loaded machine may delay.
pub async fn count_by(key: &str, want: u32, deadline: f64) -> u32 {
    loop {
        let n = count(key).await;
        if n >= want || js_sys::Date::now() >= deadline {
            return n;
        }
        sleep(100).await;
    }
}

pub const REFRESH_POST: &str = "POST /dj-rest-auth/token/refresh/";

/// The backend with `SessionAuthentication` first (a refused token is answered 403), and the
/// one with `SIMPLE_JWT["AUTH_HEADER_TYPES"] = ("JWT",)`, both config c (scripts/engines.sh).
pub const SESSION_FIRST: &str = match option_env!("TOKENWARD_BACKEND_SESSION_FIRST") {
    Some(b) => b,
    None => "http://127.0.0.1:8011",
};
pub const JWT_SCHEME: &str = match option_env!("TOKENWARD_BACKEND_JWT_SCHEME") {
    Some(b) => b,
    None => "http://127.0.0.1:8012",
};

/// A hook of the backend at `base`.
pub async fn hook_at(base: &str, path: &str, body: Option<&str>) -> JsValue {
    let init = match body {
        Some(b) => {
            let i = obj(r#"{"method":"POST","headers":{"Content-Type":"application/json"}}"#);
            Reflect::set(&i, &"body".into(), &b.into()).unwrap();
            i
        }
        None => obj("{}"),
    };
    let res: web_sys::Response = JsFuture::from(raw_fetch(&format!("{base}{path}"), &init))
        .await
        .expect("backend reachable")
        .unchecked_into();
    JsFuture::from(res.json().unwrap()).await.unwrap()
}

/// Counter `key` of the backend at `base`.
pub async fn count_at(base: &str, key: &str) -> u32 {
    get(&hook_at(base, "/test/counters/", None).await, key)
        .as_f64()
        .unwrap_or(0.0) as u32
}

/// A JS function of `args` with `body` (for what is easier said in JS: signals, streams).
pub fn js_fn(args: &str, body: &str) -> js_sys::Function {
    js_sys::Function::new_with_args(args, body)
}

/// A client for the backend; `extra` is more config, starting with a comma.
pub fn client_with(extra: &str) -> AuthClient {
    let cfg = format!(r#"{{"baseUrl":"{BACKEND}"{extra}}}"#);
    AuthClient::new(obj(&cfg)).expect("valid config")
}

/// A client with `refreshLeewayMs: 0`: its proactive refresh comes one second before expiry,
/// so that request counts within a test are not disturbed by it.
pub fn client() -> AuthClient {
    client_with(r#","refreshLeewayMs":0"#)
}

pub async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!(
            "rejected: {:?} {:?} {:?}",
            get_str(&e, "code"),
            get_str(&e, "message"),
            get_str(&e, "detail")
        ),
    }
}

pub async fn err(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => panic!("expected a rejection, got {v:?}"),
        Err(e) => e,
    }
}

pub async fn login(c: &AuthClient) -> JsValue {
    ok(c.login(obj(r#"{"username":"demo","password":"tokenward-demo"}"#))).await
}

pub async fn fetch(c: &AuthClient, url: &str) -> web_sys::Response {
    ok(c.fetch(url.into(), None)).await.unchecked_into()
}

pub async fn body(res: &web_sys::Response) -> JsValue {
    JsFuture::from(res.json().unwrap()).await.unwrap()
}

pub fn document_cookie() -> String {
    let doc = get(&js_sys::global(), "document");
    get_str(&doc, "cookie").unwrap_or_default()
}

/// Signs the browser out at the server, whatever state the cookies are in.
pub async fn sign_out_everywhere() {
    let c = client();
    ok(c.logout()).await;
}

pub fn set_document_cookie(value: &str) {
    let doc = get(&js_sys::global(), "document");
    Reflect::set(&doc, &"cookie".into(), &value.into()).unwrap();
}

/// Makes `Date.now()` run `offset_ms` away from the real clock (0 restores it). The SDK's
/// clock is `Date.now()`; `setTimeout` keeps real time, as after a sleep.
pub fn skew_clock(offset_ms: f64) {
    let f = js_sys::Function::new_with_args(
        "offset",
        "const real = globalThis.__twRealNow || (globalThis.__twRealNow = Date.now);
         Date.now = offset === 0 ? real : () => real() + offset;",
    );
    f.call1(&JsValue::NULL, &offset_ms.into()).unwrap();
}

/// Dispatches a bubbling event named `name` at `document` (`on_window`: at `window`).
pub fn dispatch(name: &str, on_window: bool) {
    let f = js_sys::Function::new_with_args(
        "name, onWindow",
        "(onWindow ? window : document).dispatchEvent(new Event(name, { bubbles: true }));",
    );
    f.call2(&JsValue::NULL, &name.into(), &on_window.into())
        .unwrap();
}

/// The next `times` requests to `path` get this answer (`status: None` only delays them).
pub async fn fault(path: &str, status: Option<u16>, body: &str, delay_ms: u32, times: i32) {
    let f = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        Reflect::set(&f, &k.into(), &v).unwrap();
    };
    set("path", path.into());
    set("status", status.map_or(JsValue::NULL, |s| s.into()));
    set("body", body.into());
    set("delay_ms", delay_ms.into());
    set("times", times.into());
    let json = JSON::stringify(&f).unwrap().as_string().unwrap();
    hook("/test/faults/", Some(&json)).await;
}

pub async fn clear_faults() {
    hook("/test/faults/", Some("[]")).await;
}

pub const REFRESH_PATH: &str = "/dj-rest-auth/token/refresh/";
pub const LOGOUT_PATH: &str = "/dj-rest-auth/logout/";

/// Records the events of a client: `(type, source, user?)` as a string each.
pub struct Recorder {
    pub events: js_sys::Array,
    _callback: Closure<dyn FnMut(JsValue)>,
    pub unsubscribe: js_sys::Function,
}

impl Recorder {
    pub fn on(c: &AuthClient) -> Recorder {
        let events = js_sys::Array::new();
        let sink = events.clone();
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let mut s = get_str(&e, "type").unwrap_or_default();
            s.push(':');
            s.push_str(&get_str(&e, "source").unwrap_or_default());
            sink.push(&s.into());
        });
        let unsubscribe = c
            .on_change(callback.as_ref().clone().unchecked_into())
            .unchecked_into();
        Recorder {
            events,
            _callback: callback,
            unsubscribe,
        }
    }

    pub fn list(&self) -> Vec<String> {
        self.events.iter().filter_map(|v| v.as_string()).collect()
    }
}

pub async fn access_lifetime_ms() -> u32 {
    (get(&hook("/test/info/", None).await, "accessLifetime")
        .as_f64()
        .unwrap()
        * 1000.0) as u32
}

/// Every test starts from the real clock, no faults (an earlier failure may have left them) and
/// no CSRF cookie.
pub async fn fresh_start() {
    skew_clock(0.0);
    clear_faults().await;
    set_document_cookie("csrftoken=; path=/; max-age=0");
}

/// A fresh start, then a client signed in whose access token the server has revoked (the
/// counters reset).
pub async fn signed_in_with_a_revoked_token() -> AuthClient {
    fresh_start().await;
    let c = client();
    login(&c).await;
    revoke(&c.access_token().unwrap()).await;
    reset_counters().await;
    c
}
