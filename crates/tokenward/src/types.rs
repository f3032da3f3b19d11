//! What the calls answer: [`Session`], [`LogoutResult`], [`SignUpResult`], [`AccountResult`],
//! [`Status`], and the events of [`AuthClient::on_change`](crate::AuthClient::on_change).

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::error::AuthError;
use tokenward_core::error::ErrorCode;
use tokenward_core::session::Snapshot;

/// A signed-in session: the access token, the user, when the token expires.
///
/// `U` is the app's user type, read with serde from the user object of the server's reply (or
/// of the user look-up); `serde_json::Value` takes any. Its `Debug` output hides the token.
#[derive(Clone, PartialEq)]
pub struct Session<U> {
    /// The access token (in memory or Web Storage, as configured).
    pub access_token: String,
    /// The user, when the server sent one (`None` with `Endpoints::user(None)` and a login
    /// reply without it).
    pub user: Option<U>,
    /// When the access token expires: an estimate (by the server's clock, at most a second
    /// early), in ms since the epoch on this device's clock; `None` when the token does not
    /// say.
    pub expires_at: Option<f64>,
}

impl<U: fmt::Debug> fmt::Debug for Session<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("access_token", &"…")
            .field("user", &self.user)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl<U: DeserializeOwned> Session<U> {
    /// The session of the machine's snapshot, its user read as `U`.
    pub(crate) fn read(s: &Snapshot<JsValue>) -> Result<Session<U>, AuthError> {
        Ok(Session {
            access_token: s.record.value.expose().to_owned(),
            user: s.user.as_ref().map(user).transpose()?,
            expires_at: s.record.expires_at.map(|e| e as f64),
        })
    }
}

/// The user object `v` as `U`.
///
/// # Errors
/// `BadResponse` when the server's user does not have `U`'s shape (the session is kept: the
/// app's type and the server's serializer disagree, which a retry will not change).
pub(crate) fn user<U: DeserializeOwned>(v: &JsValue) -> Result<U, AuthError> {
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| {
        let mut err = AuthError::new(
            ErrorCode::BadResponse,
            "the server's user object does not deserialize into the app's user type",
        );
        err.detail = Some(e.to_string());
        err
    })
}

/// What `logout()` learned from the server. Local state is cleared in any case.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogoutResult {
    /// The server answered 2xx.
    pub server_confirmed: bool,
    /// The server's detail when it revoked nothing, or why it could not be reached.
    pub warning: Option<String>,
}

/// What `sign_up` did.
#[derive(Clone, Debug, PartialEq)]
pub enum SignUpResult<U> {
    /// The account is active and signed in.
    SignedIn(Session<U>),
    /// The server sent a verification e-mail; sign in after [`verify_email`].
    ///
    /// [`verify_email`]: crate::AuthClient::verify_email
    VerificationSent,
}

/// The password and e-mail calls: the server's message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountResult {
    /// dj-rest-auth's `detail` (`"New password has been saved."`).
    pub detail: Option<String>,
}

/// Whether there is a session ([`AuthClient::status`](crate::AuthClient::status)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Signed in.
    SignedIn,
    /// The server said there is no session, or the app signed out.
    SignedOut,
    /// Not asked yet, or the server could not be asked (network, timeout, 5xx): the client
    /// keeps trying on its own and an event tells when it knows.
    Unknown,
}

/// What happened to the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A login succeeded, or a session was restored.
    SignedIn,
    /// A refresh produced a new access token.
    Refreshed,
    /// `logout()` ended the session (here or in another tab).
    SignedOut,
    /// The server refused the refresh cookie: the session is over.
    Expired,
    /// `update_user` changed the user (here or in another tab).
    UserUpdated,
}

/// Which tab caused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// This tab.
    ThisTab,
    /// Another tab of the same app (same `storage_key`), Rust or JavaScript.
    OtherTab,
}

/// An event of [`AuthClient::on_change`](crate::AuthClient::on_change).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthEvent {
    /// What happened.
    pub kind: EventKind,
    /// Which tab caused it.
    pub source: Source,
    /// Why, when it helps (`"restored"`, `"refresh_rejected"`, `"no_session"`).
    pub reason: Option<String>,
}

impl AuthEvent {
    /// The event of the npm package's event object (`{ type, user, source, reason }`).
    pub(crate) fn read(v: &JsValue) -> Option<AuthEvent> {
        let get = |k: &str| tokenward_web::get(v, k).as_string();
        let kind = match get("type")?.as_str() {
            "signedIn" => EventKind::SignedIn,
            "refreshed" => EventKind::Refreshed,
            "signedOut" => EventKind::SignedOut,
            "expired" => EventKind::Expired,
            "userUpdated" => EventKind::UserUpdated,
            _ => return None,
        };
        let source = match get("source")?.as_str() {
            "other_tab" => Source::OtherTab,
            _ => Source::ThisTab,
        };
        Some(AuthEvent {
            kind,
            source,
            reason: get("reason"),
        })
    }
}

/// What `doctor()` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct DoctorReport {
    /// No error-level finding.
    pub ok: bool,
    /// Each finding, in plain words, with the setting to change.
    pub findings: Vec<Finding>,
}

/// One finding of `doctor()`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Finding {
    /// How much it matters.
    pub level: Level,
    /// A stable code (`"cors_credentials"`, `"refresh_cookie_path"`, …).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// What to change.
    pub fix: Option<String>,
}

/// The level of a [`Finding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Sign-in or refresh cannot work.
    Error,
    /// Works, with a risk or a cost.
    Warning,
    /// Worth knowing.
    Info,
}
