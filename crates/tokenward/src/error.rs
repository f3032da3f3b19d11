//! [`AuthError`]: every failure of the crate, with the npm package's codes.

use std::collections::BTreeMap;
use std::fmt;

use wasm_bindgen::{JsCast, JsValue};

pub use tokenward_core::error::ErrorCode;

/// An error of tokenward: a stable [`ErrorCode`] (the npm package's `code`), a sentence for
/// developers, and what the server said when it answered.
///
/// Never carries a token: `message` is written by tokenward, `detail` and `fields` only ever
/// hold the server's error text.
///
/// ```no_run
/// # async fn run(auth: tokenward::AuthClient) {
/// use tokenward::ErrorCode;
/// # #[derive(serde::Serialize)] struct Credentials { username: String, password: String }
/// # let credentials = Credentials { username: "ada".into(), password: "wrong".into() };
/// match auth.login::<serde_json::Value>(&credentials).await {
///     Ok(_) => {}
///     Err(e) if e.code == ErrorCode::InvalidCredentials => { /* say so by the form */ }
///     Err(e) if e.code.is_transient() => { /* the network or the server: try again */ }
///     Err(e) => eprintln!("{e}"),
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    /// The stable code.
    pub code: ErrorCode,
    /// A sentence for developers (`"timeoutMs: must be a non-negative integer"`).
    pub message: String,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The server's own message (dj-rest-auth's `non_field_errors`, DRF's `detail`).
    pub detail: Option<String>,
    /// The server's field errors (`InvalidInput`, `InvalidCredentials`):
    /// `{"password1": ["This password is too common."]}`; empty otherwise.
    pub fields: BTreeMap<String, Vec<String>>,
}

impl AuthError {
    /// An error with `code` and `message`.
    ///
    /// ```
    /// use tokenward::{AuthError, ErrorCode};
    ///
    /// // An app's own check, reported like the SDK's errors.
    /// let e = AuthError::new(ErrorCode::Config, "the API URL is missing");
    /// assert_eq!(e.to_string(), "config: the API URL is missing");
    /// ```
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AuthError {
        AuthError {
            code,
            message: message.into(),
            status: None,
            detail: None,
            fields: BTreeMap::new(),
        }
    }

    /// A `Config` error naming the offending setting or argument.
    pub(crate) fn config(key: &str, what: &str) -> AuthError {
        AuthError::from(tokenward_core::error::AuthError::config(key, what))
    }

    /// What a JS rejection of the shared driver says: its `AuthError` (code, message, status,
    /// detail, fields), or — for anything else, such as the caller's `AbortSignal` reason —
    /// `Aborted` with the value's message.
    pub(crate) fn from_js(v: &JsValue) -> AuthError {
        let get = |k: &str| tokenward_web::get(v, k);
        let message = get("message").as_string().unwrap_or_default();
        let code = get("code").as_string().and_then(|c| ErrorCode::named(&c));
        let Some(code) = code else {
            let mut e = AuthError::new(ErrorCode::Aborted, "the request was aborted");
            e.detail = Some(message).filter(|m| !m.is_empty());
            return e;
        };
        let mut fields = BTreeMap::new();
        let given = get("fields");
        if given.is_object() {
            for name in js_sys::Object::keys(given.unchecked_ref::<js_sys::Object>()).iter() {
                let Some(name) = name.as_string() else {
                    continue;
                };
                let list = tokenward_web::get(&given, &name);
                let list = list
                    .dyn_ref::<js_sys::Array>()
                    .map(|a| a.iter().filter_map(|m| m.as_string()).collect::<Vec<_>>());
                fields.insert(name, list.unwrap_or_default());
            }
        }
        AuthError {
            code,
            message,
            status: get("status").as_f64().map(|s| s as u16),
            detail: get("detail").as_string(),
            fields,
        }
    }
}

impl From<tokenward_core::error::AuthError> for AuthError {
    fn from(e: tokenward_core::error::AuthError) -> AuthError {
        AuthError {
            code: e.code,
            message: e.message.into_owned(),
            status: e.status,
            detail: e.detail,
            fields: e.fields.into_iter().collect(),
        }
    }
}

impl fmt::Display for AuthError {
    /// `code: message`, then the status and the server's detail when there are any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_code_status_and_detail() {
        let mut e = AuthError::new(ErrorCode::Server, "the server failed");
        e.status = Some(503);
        e.detail = Some("Service unavailable".into());
        assert_eq!(
            e.to_string(),
            "server: the server failed (HTTP 503): Service unavailable"
        );
    }

    #[test]
    fn core_errors_keep_their_fields() {
        let core = tokenward_core::error::AuthError::new(ErrorCode::InvalidInput, "refused")
            .with_status(400)
            .with_fields(vec![("email".into(), vec!["Enter a valid e-mail.".into()])]);
        let e = AuthError::from(core);
        assert_eq!(e.fields["email"], ["Enter a valid e-mail."]);
        assert_eq!(e.status, Some(400));
    }
}
