//! The SDK's own requests (login, refresh, logout, the user, the account calls), as the session
//! machine asks for them ([`Request`]): method and URL from the config, the body, the
//! `Authorization` and CSRF headers, a CSRF cookie minted when the machine says so; the reply
//! read into what the machine needs.

use js_sys::Promise;
use tokenward_core::error::AuthError;
use tokenward_core::outcome::{header_safe, Endpoint};
use tokenward_core::session::{Payload, Reply, Request};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::codec;
use crate::config::Config;
use crate::http::{self, Extra, Sent};
use crate::log;

/// Starts `r` with `credentials: "include"`; `form` is the app's `FormData` when the payload
/// is [`Payload::Form`]. The promise never rejects: its result is read by [`reply`] (a request
/// that cannot be made resolves to its failure, `config` for the user endpoint when it is
/// `null`).
pub fn start(cfg: &Config, r: &Request, form: Option<&JsValue>) -> Promise {
    let method = r.endpoint.method();
    let Some(url) = r.url.as_deref().or(cfg.url(r.endpoint)) else {
        let e = AuthError::config("endpoints.user", "is null");
        return Promise::resolve(&http::failed(&e));
    };
    if r.mint_csrf {
        if let (Some((cookie, _)), Some(login)) = (&cfg.csrf, cfg.url(Endpoint::Login)) {
            log::debug(
                cfg.debug,
                "no refresh cookie for a Bearer: minting a CSRF cookie",
            );
            http::mint_csrf_cookie(cookie, login);
        }
    }
    let none = JsValue::UNDEFINED;
    let body = match &r.payload {
        Payload::Nothing => Sent::None,
        Payload::Empty => Sent::Json("{}"),
        Payload::Credentials(c) => Sent::Json(c.expose()),
        Payload::Form(_) => Sent::Form(form.unwrap_or(&none)),
    };
    let extra = Extra {
        bearer: http::bearer(&cfg.auth_scheme, r.bearer.as_ref()),
        csrf: csrf_header(cfg, method),
    };
    http::start(method, url, &body, &extra, r.timeout)
}

/// The reply to a request to `endpoint` from its [`start`]'s result, read into what the machine
/// needs.
///
/// # Errors
/// `network`, `timeout`, `config`.
pub fn reply(
    cfg: &Config,
    endpoint: Endpoint,
    result: &JsValue,
) -> Result<Reply<JsValue>, AuthError> {
    Ok(codec::reply(endpoint, http::reply(result)?, &cfg.fields))
}

/// Sends `r` ([`start`]) and reads its reply ([`reply`]).
///
/// # Errors
/// As [`reply`].
pub async fn send(
    cfg: &Config,
    r: &Request,
    form: Option<&JsValue>,
) -> Result<Reply<JsValue>, AuthError> {
    let result = JsFuture::from(start(cfg, r, form)).await;
    reply(cfg, r.endpoint, &result.unwrap_or(JsValue::UNDEFINED))
}

/// The CSRF header for an unsafe `method`, when the configured cookie is readable and its
/// value can be a header (Django's own are; without the header, Django's refusal says why).
pub fn csrf_header<'a>(cfg: &'a Config, method: &str) -> Option<(&'a str, alloc::string::String)> {
    let (cookie, header) = cfg.csrf.as_ref()?;
    if !http::is_unsafe(method) {
        return None;
    }
    http::read_cookie(cookie)
        .filter(|v| header_safe(v))
        .map(|v| (header.as_str(), v))
}
