//! The SDK's own requests (login, refresh, logout, the user, the account calls), as the session
//! machine asks for them ([`Request`]): method and URL from the config, the body, the
//! `Authorization` and CSRF headers, a CSRF cookie minted when the machine says so; the reply
//! read into what the machine needs.

use tokenward_core::error::AuthError;
use tokenward_core::outcome::{header_safe, Endpoint};
use tokenward_core::session::{Payload, Reply, Request};
use wasm_bindgen::JsValue;

use crate::codec;
use crate::config::Config;
use crate::http::{self, Extra, Sent};
use crate::log;

/// Sends `r` with `credentials: "include"`; `form` is the app's `FormData` when the payload
/// is [`Payload::Form`].
///
/// # Errors
/// `network`, `timeout`; `config` for the user endpoint when it is `null`.
pub async fn send(
    cfg: &Config,
    r: &Request,
    form: Option<&JsValue>,
) -> Result<Reply<JsValue>, AuthError> {
    let method = r.endpoint.method();
    let Some(url) = r.url.as_deref().or(cfg.url(r.endpoint)) else {
        return Err(AuthError::config("endpoints.user", "is null"));
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
    let reply = http::call(method, url, &body, &extra, r.timeout).await?;
    Ok(codec::reply(r.endpoint, reply, &cfg.fields))
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
