//! What the calls answer: [`Session`], [`LogoutResult`], [`SignUpResult`], [`AccountResult`],
//! [`Status`], and the events of [`AuthClient::on_change`](crate::AuthClient::on_change).

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::error::AuthError;
use tokenward_core::error::ErrorCode;
use tokenward_core::session::Snapshot;
pub use tokenward_core::session::{EventKind, Source};

/// A signed-in session: the access token, the user, when the token expires.
///
/// `U` is the app's user type, read with serde from the user object of the server's reply (or
/// of the user look-up); `serde_json::Value` takes any. Its `Debug` output hides the token.
///
/// ```no_run
/// # #[derive(Debug, serde::Deserialize)] struct User { username: String }
/// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
/// if let Some(session) = auth.restore::<User>().await? {
///     println!("{session:?}"); // Session { access_token: "…", user: …, expires_at: … }
/// }
/// # Ok(()) }
/// ```
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
///
/// ```no_run
/// # async fn run(auth: tokenward::AuthClient) {
/// # fn show(_: &str) {}
/// let result = auth.logout().await;
/// if !result.server_confirmed {
///     // Signed out here; the server will be told on a later page load.
///     show(&result.warning.unwrap_or_default());
/// }
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogoutResult {
    /// The server answered 2xx.
    pub server_confirmed: bool,
    /// The server's detail when it revoked nothing, or why it could not be reached.
    pub warning: Option<String>,
}

/// What `sign_up` did.
///
/// ```no_run
/// # #[derive(serde::Deserialize)] struct User { username: String }
/// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
/// use tokenward::SignUpResult;
/// let form = serde_json::json!({ "username": "ada", "email": "ada@example.com", "password1": "x", "password2": "x" });
/// match auth.sign_up::<User>(&form).await? {
///     SignUpResult::SignedIn(session) => { /* the app */ }
///     SignUpResult::VerificationSent => { /* "check your inbox" */ }
/// }
/// # Ok(()) }
/// ```
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
///
/// ```no_run
/// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
/// let done = auth.request_password_reset("ada@example.com").await?;
/// let message = done.detail.unwrap_or_else(|| "E-mail sent.".into());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountResult {
    /// dj-rest-auth's `detail` (`"New password has been saved."`).
    pub detail: Option<String>,
}

/// Whether there is a session ([`AuthClient::status`](crate::AuthClient::status)).
///
/// ```no_run
/// # fn run(auth: tokenward::AuthClient) {
/// let unknown = auth.status() == tokenward::Status::Unknown; // show a spinner, not the login page
/// # }
/// ```
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

/// An event of [`AuthClient::on_change`](crate::AuthClient::on_change).
///
/// ```no_run
/// # fn run(auth: tokenward::AuthClient) {
/// use tokenward::{EventKind, Source};
/// let _guard = auth.on_change(|e| {
///     if e.kind == EventKind::SignedOut && e.source == Source::OtherTab { /* go to the login page */ }
/// });
/// # }
/// ```
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
        Some(AuthEvent {
            kind: EventKind::named(&get("type")?)?,
            source: Source::named(&get("source")?)?,
            reason: get("reason"),
        })
    }
}

/// What `doctor()` found.
///
/// ```no_run
/// # async fn run(auth: tokenward::AuthClient) {
/// # fn show(_: &str) {}
/// let report = auth.doctor(None::<&()>).await;
/// for f in report.findings.iter().filter(|f| f.level == tokenward::Level::Error) {
///     show(&format!("{}: {} ({:?})", f.code, f.message, f.fix));
/// }
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct DoctorReport {
    /// No error-level finding.
    pub ok: bool,
    /// Each finding, in plain words, with the setting to change.
    pub findings: Vec<Finding>,
}

/// One finding of `doctor()`.
///
/// ```no_run
/// # async fn run(auth: tokenward::AuthClient) {
/// let report = auth.doctor(None::<&()>).await;
/// let cookie_path_wrong = report.findings.iter().any(|f| f.code == "refresh_cookie_path");
/// # }
/// ```
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
///
/// ```no_run
/// # async fn run(auth: tokenward::AuthClient) {
/// use tokenward::Level;
/// let report = auth.doctor(None::<&()>).await;
/// let warnings = report.findings.iter().filter(|f| f.level == Level::Warning).count();
/// # }
/// ```
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
