//! The one error type of the SDK.
//!
//! Messages are `&'static str` (or a short string built by concatenation): no `format!` and no
//! `Display` machinery, which would pull float and string formatting into the wasm build.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// What went wrong, as a stable code. [`ErrorCode::as_str`] is the `code` field in JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ErrorCode {
    /// The configuration (or another argument from the caller) is wrong.
    Config,
    /// The login endpoint rejected the credentials (400/401).
    InvalidCredentials,
    /// The login endpoint refused an account whose e-mail address is not verified yet.
    EmailNotVerified,
    /// The server rejected the refresh cookie: the session is over.
    SessionExpired,
    /// The request did not reach the server or its answer did not reach us.
    Network,
    /// The request took longer than `timeoutMs`.
    Timeout,
    /// A later `login()` or `logout()` superseded the call.
    Aborted,
    /// The server answered with an unexpected status (5xx, or a 403 such as a CSRF failure).
    Server,
    /// The server answered 2xx with a body the SDK cannot use.
    BadResponse,
    /// Web Storage failed.
    Storage,
    /// The server refused the submitted fields (a 400 of sign-up, a password or profile
    /// call); `fields` says which and why.
    InvalidInput,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::Config,
        ErrorCode::InvalidCredentials,
        ErrorCode::EmailNotVerified,
        ErrorCode::SessionExpired,
        ErrorCode::Network,
        ErrorCode::Timeout,
        ErrorCode::Aborted,
        ErrorCode::Server,
        ErrorCode::BadResponse,
        ErrorCode::Storage,
        ErrorCode::InvalidInput,
    ];

    /// The code spelled `name` (as [`ErrorCode::as_str`] writes it).
    pub fn named(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Config => "config",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::EmailNotVerified => "email_not_verified",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
            ErrorCode::Server => "server",
            ErrorCode::BadResponse => "bad_response",
            ErrorCode::Storage => "storage",
            ErrorCode::InvalidInput => "invalid_input",
        }
    }

    /// Transient failures keep the session: a later attempt may succeed.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorCode::Network | ErrorCode::Timeout | ErrorCode::Server | ErrorCode::BadResponse
        )
    }
}

/// The server's field errors: each field (or `non_field_errors`) with its messages, in the
/// order the server sent them.
pub type FieldErrors = Vec<(String, Vec<String>)>;

/// An SDK error: a code, a message for developers, the HTTP status when there was a response,
/// the server's own message and its field errors when it sent them.
///
/// Never carries a token: messages are written by the SDK, and `detail` only ever holds the
/// server's error text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    /// The stable code.
    pub code: ErrorCode,
    /// A sentence for developers.
    pub message: Cow<'static, str>,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The server's own message (e.g. dj-rest-auth's `non_field_errors`).
    pub detail: Option<String>,
    /// The server's field errors (`invalid_input`, `invalid_credentials`); empty otherwise.
    pub fields: FieldErrors,
}

impl AuthError {
    /// An error with a static message.
    pub fn new(code: ErrorCode, message: &'static str) -> Self {
        AuthError {
            code,
            message: Cow::Borrowed(message),
            status: None,
            detail: None,
            fields: Vec::new(),
        }
    }

    /// A `config` error naming the offending key: `"<key>: <what>"`.
    pub fn config(key: &str, what: &str) -> Self {
        let mut message = String::with_capacity(key.len() + what.len() + 2);
        message.push_str(key);
        message.push_str(": ");
        message.push_str(what);
        AuthError {
            code: ErrorCode::Config,
            message: Cow::Owned(message),
            status: None,
            detail: None,
            fields: Vec::new(),
        }
    }

    /// Adds the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds the server's message.
    pub fn with_detail(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }

    /// Adds the server's field errors.
    pub fn with_fields(mut self, fields: FieldErrors) -> Self {
        self.fields = fields;
        self
    }

    /// The code as JavaScript sees it.
    pub fn code(&self) -> &'static str {
        self.code.as_str()
    }
}

#[cfg(test)]
#[path = "tests/error.rs"]
mod tests;
