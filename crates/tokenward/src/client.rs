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
use crate::types::{self, DoctorReport, LogoutResult, Session};
use tokenward_core::error::ErrorCode;
use tokenward_core::secret::Secret;
use tokenward_core::session::{Call, Outcome};
use tokenward_web::doctor::Examined;
use tokenward_web::driver::Driver;
use tokenward_web::http;
use tokenward_web::waiter::{Promised, Waiter};

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
    ///
    /// ```no_run
    /// use tokenward::{AuthClient, Config};
    /// # fn run() -> Result<(), tokenward::AuthError> {
    /// let auth = AuthClient::new(Config::new("https://api.example.com"))?;
    /// let same = auth.clone(); // one session
    /// # Ok(()) }
    /// ```
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
    ///
    /// ```no_run
    /// # fn run(auth: tokenward::AuthClient) {
    /// let again = tokenward::AuthClient::new(auth.config().clone()); // the same client
    /// # }
    /// ```
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Starts `call` now (its place in the session's order is taken here); the returned
    /// [`Pending`] waits for its outcome.
    pub(crate) fn begin(&self, call: Call<JsValue>) -> Pending {
        let (tx, rx) = oneshot::channel();
        self.driver().call_for(call, Waiting::Task(tx));
        Pending(rx)
    }

    /// On page load: reuses a stored unexpired token, else refreshes from the cookie; `None`
    /// when there is no session. Joins what is already in flight.
    ///
    /// # Errors
    /// `Network`, `Timeout`, `Server`: the server could not be asked — the session is
    /// [`Status::Unknown`](crate::Status::Unknown) and the client keeps trying on its own.
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

    /// Probes the server and reports misconfiguration in plain words, naming the setting to
    /// change. `credentials` adds a throwaway login → refresh → logout cycle, after which the
    /// browser (and this client) is signed out. Like the other calls it starts when made: a
    /// credentialed cycle takes its place in the session's order then.
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
    pub fn doctor(
        &self,
        credentials: Option<&impl Serialize>,
    ) -> impl Future<Output = DoctorReport> + 'static {
        let options = credentials.map(|c| serde_json::json!({ "credentials": c }));
        let options: Option<js_sys::Object> = options
            .and_then(|o| js_sys::JSON::parse(&o.to_string()).ok())
            .map(Into::into);
        let credentialed = options.is_some();
        // A throwaway client's config: it must not disturb this session or the other tabs.
        let probe = self
            .config()
            .clone()
            .storage(Storage::Memory)
            .cross_tab(false);
        // The config was read once by `new`; only storage and cross-tab changed.
        let cfg = tokenward_web::config::Config::parse(&probe.to_js()).ok();
        let report = self
            .driver()
            .doctor(credentialed, move |exposed| async move {
                match cfg {
                    Some(cfg) => tokenward_doctor::examine(&cfg, options, exposed).await,
                    None => Examined {
                        report: JsValue::UNDEFINED,
                        signed_in: false,
                        cleared: false,
                    },
                }
            });
        async move { serde_wasm_bindgen::from_value(report.await).unwrap_or_default() }
    }
}

/// A call started by [`AuthClient::begin`]: waits for the machine's outcome.
pub(crate) struct Pending(pub(crate) oneshot::Receiver<Outcome<JsValue>>);

impl Pending {
    pub(crate) async fn outcome(self) -> Outcome<JsValue> {
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
    pub(crate) async fn user<U: DeserializeOwned>(self) -> Result<U, AuthError> {
        match self.outcome().await {
            Outcome::User(user) => types::user(&user),
            other => Err(failure(other)),
        }
    }
}

/// `v` as the JSON body of a call: it must serialize to a JSON object.
pub(crate) fn body(v: &impl Serialize, key: &str) -> Result<Secret, AuthError> {
    match serde_json::to_string(v) {
        Ok(text) if text.starts_with('{') => Ok(Secret::new(text)),
        _ => Err(not_json(key)),
    }
}

fn not_json(key: &str) -> AuthError {
    AuthError::config(key, "must serialize to a JSON object")
}

/// The error of an outcome that is not the call's success.
pub(crate) fn failure(outcome: Outcome<JsValue>) -> AuthError {
    match outcome {
        Outcome::Failed(e) => e.into(),
        // The machine settles each call with its own kind of outcome: not reachable.
        _ => AuthError::new(
            ErrorCode::BadResponse,
            "the call ended with another call's outcome",
        ),
    }
}
