//! [`AuthClient`]: the calls of the npm package's client, each one input to the shared session
//! machine through the shared driver (`tokenward_web::driver`), with typed answers.

use std::cell::RefCell;
use std::future::Future;
use std::rc::{Rc, Weak};

use futures_channel::oneshot;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::config::{Config, Storage};
use crate::error::AuthError;
use crate::types::{
    self, AccountResult, DoctorReport, LogoutResult, Session, SignUpResult, Status,
};
use tokenward_core::account::{AccountCall, LOGIN_FROM_SIGN_UP};
use tokenward_core::error::ErrorCode;
use tokenward_core::outcome::Endpoint;
use tokenward_core::secret::Secret;
use tokenward_core::session::{Call, Outcome, Payload, State};
use tokenward_web::driver::Driver;
use tokenward_web::waiter::{Promised, Waiter};
use tokenward_web::{http, reading};

/// The auth client of one session: cheap to clone (clones share the session), one per
/// `storage_key` on a page.
///
/// Every call is the npm package's, decided by the same session machine: the same ordering
/// (a later `login` or `logout` supersedes an earlier call), one refresh in flight per session
/// across tabs, timing from the token and the server's clock, a durable logout, and the
/// account calls. See the README's "From Rust".
///
/// Each call starts when it is made, as the npm package's do — its place in the session's
/// order (and `fetch`'s wait for a `restore` in flight) is taken then — and the returned
/// future (`'static`, so it can be spawned) only waits for the outcome: dropping it does not
/// cancel the call.
///
/// ```no_run
/// use serde::{Deserialize, Serialize};
/// use tokenward::{AuthClient, Config};
///
/// #[derive(Deserialize)]
/// struct User { username: String }
/// #[derive(Serialize)]
/// struct Credentials<'a> { username: &'a str, password: &'a str }
///
/// # async fn run() -> Result<(), tokenward::AuthError> {
/// let auth = AuthClient::new(Config::new("https://api.example.com"))?;
/// if auth.restore::<User>().await?.is_none() {
///     let session = auth.login::<User>(&Credentials { username: "ada", password: "…" }).await?;
///     println!("hello {}", session.user.map(|u| u.username).unwrap_or_default());
/// }
/// let reply = auth.fetch(auth.get("api/orders/")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AuthClient {
    shared: Rc<Shared>,
}

/// One session's driver; stopped when the last clone goes.
struct Shared {
    driver: Rc<Driver<Waiting>>,
    config: Config,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.driver.close();
    }
}

/// Who waits for a call: a task of this crate, or a JS promise (`fetch`'s waits).
pub(crate) enum Waiting {
    Promise(Promised),
    Task(oneshot::Sender<Outcome<JsValue>>),
}

impl Waiter for Waiting {
    fn promised(promise: Promised) -> Self {
        Waiting::Promise(promise)
    }

    fn settle(self, outcome: Outcome<JsValue>) {
        match self {
            Waiting::Promise(p) => p.settle(outcome),
            // A caller that dropped its future no longer listens.
            Waiting::Task(tx) => drop(tx.send(outcome)),
        }
    }
}

thread_local! {
    /// The live clients of this page, by storage key.
    static CLIENTS: RefCell<Vec<(String, Weak<Shared>)>> = const { RefCell::new(Vec::new()) };
}

impl AuthClient {
    /// The client of `config`'s session. A second `new` with the same `storage_key` and the
    /// same config returns a clone of the live client (one session per key on a page).
    ///
    /// # Errors
    /// `Config` naming the offending setting (as the npm package's `new AuthClient`), or the
    /// `storage_key` when a live client has it with another config.
    pub fn new(config: Config) -> Result<AuthClient, AuthError> {
        let js = config.to_js();
        let cfg = tokenward_web::config::Config::parse(&js)?;
        let key = cfg.storage_key.clone();
        let live = CLIENTS.with(|c| {
            let mut clients = c.borrow_mut();
            clients.retain(|(_, w)| w.strong_count() > 0);
            let found = clients.iter().find(|(k, _)| *k == key);
            found.and_then(|(_, w)| w.upgrade())
        });
        if let Some(shared) = live {
            if shared.config != config {
                return Err(AuthError::config(
                    "storageKey",
                    "has a live client with another config on this page: clone that client, or use another key",
                ));
            }
            return Ok(AuthClient { shared });
        }
        let shared = Rc::new(Shared {
            driver: Driver::start(cfg, js),
            config,
        });
        CLIENTS.with(|c| c.borrow_mut().push((key, Rc::downgrade(&shared))));
        Ok(AuthClient { shared })
    }

    pub(crate) fn driver(&self) -> &Rc<Driver<Waiting>> {
        &self.shared.driver
    }

    /// The config this client was made with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Starts `call` now (its place in the session's order is taken here); the returned
    /// [`Pending`] waits for its outcome.
    fn begin(&self, call: Call<JsValue>) -> Pending {
        let (tx, rx) = oneshot::channel();
        self.driver().call_for(call, Waiting::Task(tx));
        Pending(rx)
    }

    /// On page load: reuses a stored unexpired token, else refreshes from the cookie; `None`
    /// when there is no session. Joins what is already in flight.
    ///
    /// # Errors
    /// `Network`, `Timeout`, `Server`: the server could not be asked — the session is
    /// [`Status::Unknown`] and the client keeps trying on its own.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// match auth.restore::<User>().await {
    ///     Ok(Some(session)) => { /* signed in: show the app */ }
    ///     Ok(None) => { /* no session: show the login page */ }
    ///     Err(e) => { /* unknown (the network, a 5xx): the client retries on its own */ }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn restore<U: DeserializeOwned + 'static>(
        &self,
    ) -> impl Future<Output = Result<Option<Session<U>>, AuthError>> + 'static {
        let pending = self.begin(Call::Restore(self.driver().load()));
        async move {
            match pending.outcome().await {
                Outcome::Session(s) => Session::read(&s).map(Some),
                Outcome::NoSession => Ok(None),
                other => Err(failure(other)),
            }
        }
    }

    /// Signs in: `POST`s `credentials` as JSON to the login endpoint. A later `login` or
    /// `logout` supersedes it (it then fails with `Aborted`).
    ///
    /// # Errors
    /// `InvalidCredentials` (with the server's `fields`), `EmailNotVerified`, `Config` when
    /// `credentials` is not a JSON object, and the transport's codes.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// # #[derive(serde::Serialize)] struct Credentials<'a> { username: &'a str, password: &'a str }
    /// let session = auth.login::<User>(&Credentials { username: "ada", password: "s3cret" }).await?;
    /// # Ok(()) }
    /// ```
    pub fn login<U: DeserializeOwned + 'static>(
        &self,
        credentials: &impl Serialize,
    ) -> impl Future<Output = Result<Session<U>, AuthError>> + 'static {
        let pending = body(credentials, "credentials").map(|b| self.begin(Call::Login(b)));
        async move { pending?.session().await }
    }

    /// Signs in through another endpoint that answers like dj-rest-auth's `LoginView` (social
    /// login such as `"dj-rest-auth/google/"`): everything `login` does.
    ///
    /// # Errors
    /// As [`AuthClient::login`]; `Config` when `endpoint` is not an http(s) URL.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let session = auth
    ///     .login_with::<User>("dj-rest-auth/google/", &serde_json::json!({ "access_token": "…" }))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn login_with<U: DeserializeOwned + 'static>(
        &self,
        endpoint: &str,
        body: &impl Serialize,
    ) -> impl Future<Output = Result<Session<U>, AuthError>> + 'static {
        let url = http::resolve(endpoint, &self.driver().cfg.base)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .ok_or_else(|| AuthError::config("endpoint", "is not a valid http(s) URL"));
        let pending = url.and_then(|url| {
            let body = self::body(body, "body")?;
            Ok(self.begin(Call::LoginWith(body, url)))
        });
        async move { pending?.session().await }
    }

    /// Refreshes now; concurrent callers (and tabs) share one request.
    ///
    /// # Errors
    /// `SessionExpired` when the server refused the cookie (the session is over), the
    /// transport's codes otherwise (the session is kept).
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let session = auth.refresh::<User>().await?;
    /// # Ok(()) }
    /// ```
    pub fn refresh<U: DeserializeOwned + 'static>(
        &self,
    ) -> impl Future<Output = Result<Session<U>, AuthError>> + 'static {
        self.begin(Call::Refresh).session()
    }

    /// Signs out: local state is cleared and `SignedOut` emitted at once; the result (it
    /// never fails) says what the server did. An unconfirmed logout is finished by the next
    /// page load.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let result = auth.logout().await;
    /// if !result.server_confirmed {
    ///     // Signed out here; the server is told on the next page load.
    /// }
    /// # Ok(()) }
    /// ```
    pub fn logout(&self) -> impl Future<Output = LogoutResult> + 'static {
        let pending = self.begin(Call::Logout);
        async move {
            match pending.outcome().await {
                Outcome::LoggedOut(o) => LogoutResult {
                    server_confirmed: o.server_confirmed,
                    warning: o.warning,
                },
                other => LogoutResult {
                    server_confirmed: false,
                    warning: Some(failure(other).message),
                },
            }
        }
    }

    /// Creates an account: `POST`s `fields` to the register endpoint; an active account is
    /// then signed in with `username`, `email` and `password1` of the fields (as `username`,
    /// `email`, `password`). The sign-up's own tokens are never kept.
    ///
    /// # Errors
    /// `InvalidInput` with the server's `fields`; as [`AuthClient::login`].
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// use tokenward::SignUpResult;
    /// let fields = serde_json::json!({
    ///     "username": "ada", "email": "ada@example.com",
    ///     "password1": "a long passphrase", "password2": "a long passphrase",
    /// });
    /// match auth.sign_up::<User>(&fields).await? {
    ///     SignUpResult::SignedIn(session) => { /* welcome */ }
    ///     SignUpResult::VerificationSent => { /* "check your inbox" */ }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn sign_up<U: DeserializeOwned + 'static>(
        &self,
        fields: &impl Serialize,
    ) -> impl Future<Output = Result<SignUpResult<U>, AuthError>> + 'static {
        let mut login = serde_json::Map::new();
        if let Ok(value) = serde_json::to_value(fields) {
            for (from, to) in LOGIN_FROM_SIGN_UP {
                if let Some(v) = value.get(from).filter(|v| v.is_string()) {
                    login.insert(to.into(), v.clone());
                }
            }
        }
        self.sign_up_with(fields, &login)
    }

    /// [`AuthClient::sign_up`], signing in with `credentials` when the login's fields differ
    /// from the sign-up's.
    ///
    /// # Errors
    /// As [`AuthClient::sign_up`].
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let fields = serde_json::json!({ "email": "ada@example.com", "password1": "…", "password2": "…" });
    /// let login = serde_json::json!({ "email": "ada@example.com", "password": "…" });
    /// auth.sign_up_with::<User>(&fields, &login).await?;
    /// # Ok(()) }
    /// ```
    pub fn sign_up_with<U: DeserializeOwned + 'static>(
        &self,
        fields: &impl Serialize,
        credentials: &impl Serialize,
    ) -> impl Future<Output = Result<SignUpResult<U>, AuthError>> + 'static {
        let call = body(fields, "fields").and_then(|fields| {
            let login = body(credentials, "credentials")?;
            Ok(Call::SignUp { fields, login })
        });
        let pending = call.map(|call| self.begin(call));
        async move {
            match pending?.outcome().await {
                Outcome::SignedUp(Some(s)) => Session::read(&s).map(SignUpResult::SignedIn),
                Outcome::SignedUp(None) => Ok(SignUpResult::VerificationSent),
                other => Err(failure(other)),
            }
        }
    }

    /// An account call with `body` as JSON (`key`: the argument's name, for its error).
    fn account(
        &self,
        call: AccountCall,
        body: &impl Serialize,
        key: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        let pending =
            self::body(body, key).map(|b| self.begin(Call::Account(call, Payload::Credentials(b))));
        async move {
            match pending?.outcome().await {
                Outcome::Answered(detail) => Ok(AccountResult { detail }),
                other => Err(failure(other)),
            }
        }
    }

    /// An account call whose body is `{ key: value }`.
    fn account_with(
        &self,
        call: AccountCall,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        let mut object = serde_json::Map::new();
        object.insert(key.into(), value.into());
        self.account(call, &object, key)
    }

    /// `POST`s `{ old_password, new_password1, new_password2 }` (or what the server's
    /// serializer asks) to the password-change endpoint, signed in.
    ///
    /// # Errors
    /// `InvalidInput` with the server's `fields`.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.change_password(&serde_json::json!({
    ///     "old_password": "…", "new_password1": "…", "new_password2": "…",
    /// }))
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub fn change_password(
        &self,
        fields: &impl Serialize,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account(AccountCall::ChangePassword, fields, "fields")
    }

    /// `POST`s `{ email }` to the password-reset endpoint: the server e-mails a link.
    ///
    /// # Errors
    /// `InvalidInput` for an address the server refuses.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.request_password_reset("ada@example.com").await?;
    /// # Ok(()) }
    /// ```
    pub fn request_password_reset(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account_with(AccountCall::RequestReset, "email", email)
    }

    /// `POST`s `{ uid, token, new_password1, new_password2 }` from the link.
    ///
    /// # Errors
    /// `InvalidInput` with the server's `fields` (a used or wrong token: `fields["token"]`).
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.confirm_password_reset(&serde_json::json!({
    ///     "uid": "MQ", "token": "c5y-…", "new_password1": "…", "new_password2": "…",
    /// }))
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub fn confirm_password_reset(
        &self,
        fields: &impl Serialize,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account(AccountCall::ConfirmReset, fields, "fields")
    }

    /// `POST`s `{ key }`, the key of the verification e-mail's link.
    ///
    /// # Errors
    /// `InvalidInput` with `fields["key"]` for a wrong, used or expired key.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// // The key of the link in the e-mail (allauth's `account-confirm-email/<key>/`).
    /// auth.verify_email("MQ:1u…").await?;
    /// # Ok(()) }
    /// ```
    pub fn verify_email(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account_with(AccountCall::VerifyEmail, "key", key)
    }

    /// `POST`s `{ email }`: the server sends the verification e-mail again.
    ///
    /// # Errors
    /// The transport's codes.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.resend_verification_email("ada@example.com").await?;
    /// # Ok(()) }
    /// ```
    pub fn resend_verification_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account_with(AccountCall::ResendEmail, "email", email)
    }

    /// `PATCH`es the user endpoint with `patch` as JSON; the user the server sends back
    /// becomes `user()` here and in the other tabs (`UserUpdated`).
    ///
    /// # Errors
    /// `Config` without a user endpoint; `InvalidInput` with the server's `fields`.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let user: User = auth.update_user(&serde_json::json!({ "first_name": "Ada" })).await?;
    /// # Ok(()) }
    /// ```
    pub fn update_user<U: DeserializeOwned + 'static>(
        &self,
        patch: &impl Serialize,
    ) -> impl Future<Output = Result<U, AuthError>> + 'static {
        let pending = self.user_endpoint().and_then(|()| {
            let body = body(patch, "patch")?;
            let call = Call::Account(AccountCall::UpdateUser, Payload::Credentials(body));
            Ok(self.begin(call))
        });
        async move { pending?.user().await }
    }

    /// [`AuthClient::update_user`] with a `FormData` (a profile form with a file), sent as
    /// multipart.
    ///
    /// # Errors
    /// As [`AuthClient::update_user`].
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// # let form = web_sys::FormData::new().unwrap();
    /// // A profile form with an avatar, as the browser encodes it.
    /// let user: User = auth.update_user_form(&form).await?;
    /// # Ok(()) }
    /// ```
    pub fn update_user_form<U: DeserializeOwned + 'static>(
        &self,
        form: &web_sys::FormData,
    ) -> impl Future<Output = Result<U, AuthError>> + 'static {
        let pending = self.user_endpoint().map(|()| {
            let (tx, rx) = oneshot::channel();
            let call = |body| Call::Account(AccountCall::UpdateUser, body);
            self.driver()
                .call_with_form(form.into(), call, Waiting::Task(tx));
            Pending(rx)
        });
        async move { pending?.user().await }
    }

    fn user_endpoint(&self) -> Result<(), AuthError> {
        match self.driver().cfg.url(Endpoint::User) {
            Some(_) => Ok(()),
            None => Err(AuthError::config(
                "endpoints.user",
                "is None: update_user needs it",
            )),
        }
    }

    /// Probes the server and reports misconfiguration in plain words, naming the setting to
    /// change. `credentials` adds a throwaway login → refresh → logout cycle, after which the
    /// browser (and this client) is signed out.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let report = auth.doctor(None::<&()>).await;
    /// for finding in &report.findings {
    ///     println!("{:?} {}: {}", finding.level, finding.code, finding.message);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn doctor(&self, credentials: Option<&impl Serialize>) -> DoctorReport {
        let options = credentials.map(|c| serde_json::json!({ "credentials": c }));
        let options: Option<js_sys::Object> = options
            .and_then(|o| js_sys::JSON::parse(&o.to_string()).ok())
            .map(Into::into);
        // A throwaway client's config: it must not disturb this session or the other tabs.
        let probe = self
            .config()
            .clone()
            .storage(Storage::Memory)
            .cross_tab(false);
        let Ok(cfg) = tokenward_web::config::Config::parse(&probe.to_js()) else {
            return DoctorReport::default();
        };
        let credentialed = options.is_some();
        let report = self
            .driver()
            .doctor(credentialed, |exposed| async move {
                tokenward_doctor::examine(&cfg, options, exposed).await
            })
            .await;
        serde_wasm_bindgen::from_value(report).unwrap_or_default()
    }

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
    pub fn access_token(&self) -> Option<String> {
        self.driver().read(|m| {
            let now = m.time_at(reading());
            m.live_token(now).map(|t| t.value.expose().to_owned())
        })
    }

    /// The signed-in user as `U` (`None` signed out, or when it does not deserialize as `U`).
    pub fn user<U: DeserializeOwned + 'static>(&self) -> Option<U> {
        let user = self.driver().read(|m| m.user().cloned())?;
        types::user(&user).ok()
    }

    /// When the access token expires: an estimate by the server's clock, at most a second
    /// early, in ms since the epoch on this device's clock.
    pub fn expires_at(&self) -> Option<f64> {
        self.driver()
            .read(|m| m.token().and_then(|t| t.expires_at).map(|e| m.wall(e)))
            .map(|e| e as f64)
    }
}

/// A call started by [`AuthClient::begin`]: waits for the machine's outcome.
struct Pending(oneshot::Receiver<Outcome<JsValue>>);

impl Pending {
    async fn outcome(self) -> Outcome<JsValue> {
        self.0.await.unwrap_or_else(|_| {
            // Only if the driver went away with the call pending, which a live client prevents.
            let e = tokenward_core::error::AuthError::new(ErrorCode::Aborted, "the client stopped");
            Outcome::Failed(e)
        })
    }

    /// A call that resolves with a session.
    async fn session<U: DeserializeOwned>(self) -> Result<Session<U>, AuthError> {
        match self.outcome().await {
            Outcome::Session(s) => Session::read(&s),
            other => Err(failure(other)),
        }
    }

    /// `update_user`'s user.
    async fn user<U: DeserializeOwned>(self) -> Result<U, AuthError> {
        match self.outcome().await {
            Outcome::User(user) => types::user(&user),
            other => Err(failure(other)),
        }
    }
}

/// `v` as the JSON body of a call: it must serialize to a JSON object.
fn body(v: &impl Serialize, key: &str) -> Result<Secret, AuthError> {
    match serde_json::to_string(v) {
        Ok(text) if text.starts_with('{') => Ok(Secret::new(text)),
        _ => Err(not_json(key)),
    }
}

fn not_json(key: &str) -> AuthError {
    AuthError::config(key, "must serialize to a JSON object")
}

/// The error of an outcome that is not the call's success.
fn failure(outcome: Outcome<JsValue>) -> AuthError {
    match outcome {
        Outcome::Failed(e) => e.into(),
        // The machine settles each call with its own kind of outcome: not reachable.
        _ => AuthError::new(
            ErrorCode::BadResponse,
            "the call ended with another call's outcome",
        ),
    }
}
