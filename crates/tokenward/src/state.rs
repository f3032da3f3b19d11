//! What an [`AuthClient`] knows now: the session, its status, the token, the user, the
//! expiry. Each reads the machine at once; none sends a request.

use serde::de::DeserializeOwned;

use crate::client::AuthClient;
use crate::types::{self, Session, Status};
use tokenward_core::session::State;
use tokenward_web::reading;

impl AuthClient {
    /// The session held now (its token may be due for a refresh, which is under way then),
    /// its user read as `U` (`None` when it does not deserialize as `U`).
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// if let Some(session) = auth.session::<User>() {
    ///     println!("signed in as {:?}", session.user.map(|u| u.username));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn session<U: DeserializeOwned + 'static>(&self) -> Option<Session<U>> {
        self.driver().read(|m| {
            let token = m.token()?;
            Some(Session {
                access_token: token.value.expose().to_owned(),
                user: m.user().and_then(|u| types::user(u).ok()),
                expires_at: token.expires_at.map(|e| m.wall(e) as f64),
            })
        })
    }

    /// Whether a session is held (a transient refresh failure does not end it).
    ///
    /// ```no_run
    /// # fn run(auth: tokenward::AuthClient) {
    /// if !auth.is_authenticated() { /* show the login link */ }
    /// # }
    /// ```
    pub fn is_authenticated(&self) -> bool {
        self.driver().read(|m| m.token().is_some())
    }

    /// Signed in, signed out, or unknown (the server could not be asked yet).
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// use tokenward::Status;
    /// match auth.status() {
    ///     Status::SignedIn => {}
    ///     Status::SignedOut => { /* the login page */ }
    ///     Status::Unknown => { /* a spinner: the client is still asking */ }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn status(&self) -> Status {
        match self.driver().read(|m| m.state()) {
            State::SignedIn => Status::SignedIn,
            State::SignedOut => Status::SignedOut,
            State::Unknown => Status::Unknown,
        }
    }

    /// The access token while it is valid.
    ///
    /// ```no_run
    /// # fn run(auth: tokenward::AuthClient) {
    /// // For a transport that is not fetch (a WebSocket's first message); prefer `fetch`.
    /// let token: Option<String> = auth.access_token();
    /// # }
    /// ```
    pub fn access_token(&self) -> Option<String> {
        self.driver().read(|m| {
            let now = m.time_at(reading());
            m.live_token(now).map(|t| t.value.expose().to_owned())
        })
    }

    /// The signed-in user as `U` (`None` signed out, or when it does not deserialize as `U`).
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # fn run(auth: tokenward::AuthClient) {
    /// let name = auth.user::<User>().map(|u| u.username).unwrap_or_default();
    /// # }
    /// ```
    pub fn user<U: DeserializeOwned + 'static>(&self) -> Option<U> {
        let user = self.driver().read(|m| m.user().cloned())?;
        types::user(&user).ok()
    }

    /// When the access token expires: an estimate by the server's clock, at most a second
    /// early, in ms since the epoch on this device's clock.
    ///
    /// ```no_run
    /// # fn run(auth: tokenward::AuthClient) {
    /// let left_ms = auth.expires_at().map(|at| at - js_sys::Date::now());
    /// # }
    /// ```
    pub fn expires_at(&self) -> Option<f64> {
        self.driver()
            .read(|m| m.token().and_then(|t| t.expires_at).map(|e| m.wall(e)))
            .map(|e| e as f64)
    }
}
