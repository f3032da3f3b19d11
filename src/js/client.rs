//! `AuthClient`: the exported class. A thin shell over [`Machine`]: it performs the requests
//! the machine asks for, feeds it what happened and carries out its actions.
//!
//! Every exported method takes `&self` over an `Rc<Inner>` (an exported `&mut self` async
//! method would keep the object borrowed across `.await`, wasm-bindgen #4440), and no
//! `RefCell` borrow is held across an `.await`.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;

use js_sys::{Array, Function, Object, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Response};

use super::config::Config;
use super::error::{code_of, to_js};
use crate::core::error::{AuthError, ErrorCode};
use crate::core::logout::{self, LogoutStep};
use crate::core::outcome::{classify, error_for, BodyFacts, Endpoint, Grant, Verdict};
use crate::core::reply;
use crate::core::secret::Secret;
use crate::core::session::{
    Action, Applied, Attempt, Broadcast, Event, Failure, FlightId, Machine, Retry, Ticket,
    TokenRecord,
};
use crate::platform::channel::Channel;
use crate::platform::events::Listener;
use crate::platform::http::{self, Extra, Prepared, Reply};
use crate::platform::locks;
use crate::platform::storage::Store;
use crate::platform::timer::sleep;
use crate::platform::timer::Timeout;
use crate::platform::{get, log, now, set};

/// How much longer than `timeoutMs` a refresh request may run before it is aborted.
const REFRESH_LIMIT_FACTOR: u64 = 4;

/// How long a flight that waited for the cross-tab lock lets the previous holder's broadcast
/// arrive before deciding it must refresh itself.
const ADOPT_GRACE_MS: u64 = 40;

#[wasm_bindgen(module = "/src/js/events.js")]
extern "C" {
    /// See events.js.
    fn subscribe(list: &Array, callback: &Function) -> Function;
    /// See events.js.
    #[wasm_bindgen(js_name = emit)]
    fn js_emit(list: &Array, kind: &str, user: &JsValue, source: &str, reason: Option<&str>)
        -> u32;
}

/// The auth client. See the README for the API.
#[wasm_bindgen]
pub struct AuthClient {
    inner: Rc<Inner>,
}

/// A refresh request in flight.
struct Flight {
    id: FlightId,
    /// Shared by every waiter. It never rejects: it resolves to a `Session` or to an
    /// `AuthError` object (so that no rejection goes unhandled).
    promise: Promise,
    /// Aborts the request when the machine drops the flight (logout, login).
    cancel: AbortController,
}

pub(super) struct Inner {
    pub(super) cfg: Config,
    /// The config object as given (for the doctor module, see `doctor.rs`).
    #[cfg_attr(not(feature = "lazy-doctor"), allow(dead_code))]
    pub(super) config: JsValue,
    pub(super) machine: RefCell<Machine<JsValue>>,
    /// The refresh in flight, shared by every waiter.
    flight: RefCell<Option<Flight>>,
    /// `onChange` subscribers (see events.js).
    subscribers: Array,
    /// The proactive-refresh timer and the moment it is armed for.
    timer: RefCell<Option<(u64, Timeout)>>,
    store: Store,
    /// Durable "logout not yet confirmed by the server" flag.
    logout_flag: Store,
    /// visibilitychange / online / pageshow: catch up after sleep or a background tab.
    listeners: RefCell<Vec<Listener>>,
    /// To the other tabs (`crossTab`).
    channel: RefCell<Option<Channel>>,
    /// `tokenward:<storageKey>:refresh`
    lock_name: String,
    closed: Cell<bool>,
    me: Weak<Inner>,
}

#[wasm_bindgen]
impl AuthClient {
    /// `new AuthClient(config)`.
    ///
    /// # Errors
    /// An `AuthError` with code `config` naming the offending key.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthConfig")] config: JsValue,
    ) -> Result<AuthClient, JsValue> {
        let cfg = Config::parse(&config)?;
        let store = Store::open(cfg.storage, &cfg.storage_key, cfg.debug);
        let mut flag_key = cfg.storage_key.clone();
        flag_key.push_str(":logout-pending");
        let logout_flag = Store::open_flag(&flag_key, cfg.debug);
        let mut lock_name = String::from("tokenward:");
        lock_name.push_str(&cfg.storage_key);
        let channel_name = lock_name.clone();
        lock_name.push_str(":refresh");
        let inner = Rc::new_cyclic(|me| Inner {
            machine: RefCell::new(Machine::new(cfg.leeway_ms)),
            cfg,
            config,
            flight: RefCell::new(None),
            subscribers: Array::new(),
            timer: RefCell::new(None),
            store,
            logout_flag,
            listeners: RefCell::new(Vec::new()),
            channel: RefCell::new(None),
            lock_name,
            closed: Cell::new(false),
            me: me.clone(),
        });
        if inner.logout_flag.get().is_some() {
            inner.machine.borrow_mut().logout_pending_found();
        }
        inner.listen();
        if inner.cfg.cross_tab {
            let me = Rc::downgrade(&inner);
            let channel = Channel::open(&channel_name, inner.cfg.debug, move |message| {
                if let Some(inner) = me.upgrade() {
                    inner.on_remote(&message);
                }
            });
            if channel.is_none() {
                inner.debug("no BroadcastChannel or localStorage: tabs are not coordinated");
            }
            *inner.channel.borrow_mut() = channel;
        }
        Ok(AuthClient { inner })
    }

    /// Signs in: POSTs `credentials` as JSON to the login endpoint.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] credentials: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { inner.login(credentials).await.map_err(JsValue::from) })
    }

    /// On page load: reuses a stored unexpired token, else refreshes from the cookie; `null`
    /// when there is no session.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session | null>")]
    pub fn restore(&self) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { inner.restore().await })
    }

    /// Refreshes now; concurrent callers share one request.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn refresh(&self) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { inner.refreshed().await })
    }

    /// Signs out: local state is cleared and `signedOut` emitted before this returns; the
    /// promise (which never rejects) reports what the server said.
    #[wasm_bindgen(unchecked_return_type = "Promise<LogoutResult>")]
    pub fn logout(&self) -> Promise {
        let bearer = self.inner.machine.borrow_mut().logout(now());
        self.inner.step();
        let inner = self.inner.clone();
        spawn(async move { Ok(inner.server_logout(bearer).await) })
    }

    /// Like `window.fetch`, with the access token for `authorizedOrigins`, and one shared
    /// refresh and one retry on 401.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInfo | URL")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: Option<Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            inner
                .fetch(input, init)
                .await
                .map(JsValue::from)
                .map_err(JsValue::from)
        })
    }

    /// Probes the server and reports misconfiguration in plain words, naming the setting to
    /// change. `options.credentials` adds a throwaway login → refresh → logout cycle, after
    /// which the browser is signed out. Never rejects.
    #[wasm_bindgen(unchecked_return_type = "Promise<DoctorReport>")]
    pub fn doctor(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "DoctorOptions")] options: Option<Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { Ok(inner.doctor(options).await) })
    }

    /// Subscribes to `AuthEvent`s; returns the unsubscribe function (idempotent).
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: AuthEvent) => void")] callback: Function,
    ) -> JsValue {
        subscribe(&self.inner.subscribers, &callback).into()
    }

    /// The access token while it is valid.
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> Option<String> {
        let m = self.inner.machine.borrow();
        m.live_token(now()).map(|t| t.value.expose().to_owned())
    }

    /// Whether a session is held (a transient refresh failure does not end it).
    #[wasm_bindgen(getter, js_name = isAuthenticated)]
    pub fn is_authenticated(&self) -> bool {
        self.inner.machine.borrow().token().is_some()
    }

    /// The signed-in user, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown> | null")]
    pub fn user(&self) -> JsValue {
        self.inner
            .machine
            .borrow()
            .user()
            .cloned()
            .unwrap_or(JsValue::NULL)
    }

    /// When the access token expires (ms since the epoch, local clock), or `null`.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> Option<f64> {
        let m = self.inner.machine.borrow();
        m.token().and_then(|t| t.expires_at).map(|e| e as f64)
    }
}

impl AuthClient {
    /// The shared state (for the doctor module's entry point).
    #[cfg_attr(not(feature = "doctor-module"), allow(dead_code))]
    pub(super) fn inner(&self) -> &Rc<Inner> {
        &self.inner
    }
}

impl Drop for AuthClient {
    /// `free()`: stops the timer; requests still in flight finish without side effects on
    /// timers.
    fn drop(&mut self) {
        self.inner.closed.set(true);
        self.inner.timer.borrow_mut().take();
        self.inner.listeners.borrow_mut().clear();
        self.inner.channel.borrow_mut().take();
    }
}

impl Inner {
    fn rc(&self) -> Option<Rc<Inner>> {
        self.me.upgrade()
    }

    fn debug(&self, message: &str) {
        log::debug(self.cfg.debug, message);
    }

    fn csrf(&self, method: &str) -> Option<(&str, String)> {
        let (cookie, header) = self.cfg.csrf.as_ref()?;
        if !http::is_unsafe(method) {
            return None;
        }
        http::read_cookie(cookie).map(|v| (header.as_str(), v))
    }

    /// Carries out the machine's queued actions, then re-arms the timer.
    pub(super) fn step(&self) {
        loop {
            // The borrow ends with this statement: subscribers may call back into the SDK.
            let action = self.machine.borrow_mut().poll_action();
            match action {
                None => break,
                Some(Action::Emit(event)) => self.emit(event),
                Some(Action::Persist) => self.persist(),
                Some(Action::ClearStorage) => self.store.remove(),
                Some(Action::CancelRefresh(id)) => {
                    let flight = self.flight.borrow_mut().take_if(|f| f.id == id);
                    if let Some(f) = flight {
                        f.cancel.abort();
                    }
                }
                Some(Action::Broadcast(b)) => self.broadcast(b),
                Some(Action::RememberLogout) => self.logout_flag.set("1"),
                Some(Action::ForgetLogout) => self.logout_flag.remove(),
                Some(Action::StartRefresh(id)) => {
                    self.debug("proactive refresh");
                    if let Some(me) = self.rc() {
                        let _ = me.launch(id);
                    }
                }
            }
        }
        self.arm_timer();
    }

    /// Tells the other tabs. A token travels only over `BroadcastChannel` (never written to
    /// storage by the channel); the storage-event fallback sends signals only, and receivers
    /// read the token from Web Storage when the client persists it there.
    fn broadcast(&self, b: Broadcast) {
        let channel = self.channel.borrow();
        let Some(channel) = channel.as_ref() else {
            return;
        };
        let msg = match b {
            // The token only over BroadcastChannel, never through the storage-event fallback.
            Broadcast::Token { .. } if channel.private() => self.record_obj(),
            _ => None,
        }
        .unwrap_or_else(Object::new);
        set(&msg, "v", &JsValue::from(1));
        match b {
            Broadcast::Token { signed_in } => {
                set(&msg, "kind", &JsValue::from_str("token"));
                set(&msg, "signedIn", &JsValue::from_bool(signed_in));
            }
            Broadcast::SignedOut => set(&msg, "kind", &JsValue::from_str("signedOut")),
            Broadcast::Expired => set(&msg, "kind", &JsValue::from_str("expired")),
        }
        channel.post(&msg);
    }

    /// A message from another tab. Anything malformed is ignored.
    fn on_remote(&self, message: &JsValue) {
        if self.closed.get() || !message.is_object() {
            return;
        }
        let get = |k: &str| get(message, k);
        let kind = get("kind").as_string();
        match kind.as_deref() {
            Some("token") => {
                let signed_in = get("signedIn").as_bool().unwrap_or(false);
                let sent = record_from(message);
                // The storage-event fallback carries no token: read it from Web Storage.
                let Some((record, user)) = sent.or_else(|| self.load()) else {
                    return;
                };
                self.machine
                    .borrow_mut()
                    .remote_token(record, user, signed_in, now());
            }
            Some("signedOut") => self.machine.borrow_mut().remote_signed_out(),
            Some("expired") => self.machine.borrow_mut().remote_expired(),
            _ => return,
        }
        self.step();
    }

    /// Timers are throttled in background tabs and stop during sleep: on wake-up, check
    /// whether a refresh is due (and retry a logout the server has not confirmed).
    fn listen(&self) {
        for name in ["visibilitychange", "online", "pageshow"] {
            let me = self.me.clone();
            let listener = Listener::on_global(name, move || {
                if let Some(inner) = me.upgrade() {
                    inner.wake();
                }
            });
            self.listeners.borrow_mut().extend(listener);
        }
    }

    fn wake(self: Rc<Self>) {
        if self.closed.get() {
            return;
        }
        self.machine.borrow_mut().handle_timeout(now());
        self.step();
        if self.machine.borrow().logout_pending() {
            wasm_bindgen_futures::spawn_local(async move {
                self.server_logout(None).await;
            });
        }
    }

    fn arm_timer(&self) {
        if self.closed.get() {
            return;
        }
        let due = self.machine.borrow().poll_timeout();
        let mut slot = self.timer.borrow_mut();
        match due {
            None => *slot = None,
            Some(at) if slot.as_ref().is_some_and(|(a, _)| *a == at) => {}
            Some(at) => {
                let me = self.me.clone();
                let timeout = Timeout::new(at.saturating_sub(now()), move || {
                    if let Some(inner) = me.upgrade() {
                        inner.timer.borrow_mut().take();
                        inner.machine.borrow_mut().handle_timeout(now());
                        inner.step();
                    }
                });
                *slot = Some((at, timeout));
            }
        }
    }

    fn emit(&self, event: Event<JsValue>) {
        self.debug(event.kind.as_str());
        let threw = js_emit(
            &self.subscribers,
            event.kind.as_str(),
            &event.user.unwrap_or(JsValue::NULL),
            event.source.as_str(),
            event.reason,
        );
        if threw > 0 {
            self.debug("an onChange callback threw; the others still run");
        }
    }

    fn persist(&self) {
        if !self.store.persistent() {
            return;
        }
        let Some(obj) = self.record_obj() else {
            self.store.remove();
            return;
        };
        match JSON::stringify(&obj).ok().and_then(|s| s.as_string()) {
            Some(s) => self.store.set(&s),
            None => self.debug("the user object cannot be stored as JSON"),
        }
    }

    /// The current token and user as stored and broadcast:
    /// `{ v: 1, token, expiresAt, lifetime, user }`.
    fn record_obj(&self) -> Option<Object> {
        let m = self.machine.borrow();
        let t = m.token()?;
        let obj = Object::new();
        set(&obj, "v", &JsValue::from(1));
        set(&obj, "token", &JsValue::from_str(t.value.expose()));
        set(&obj, "expiresAt", &opt_num(t.expires_at));
        set(&obj, "lifetime", &opt_num(t.lifetime));
        set(&obj, "user", m.user().unwrap_or(&JsValue::NULL));
        Some(obj)
    }

    fn load(&self) -> Option<(TokenRecord, Option<JsValue>)> {
        let v = JSON::parse(&self.store.get()?).ok()?;
        if get(&v, "v").as_f64() != Some(1.0) {
            return None;
        }
        record_from(&v)
    }

    fn session(&self) -> JsValue {
        let m = self.machine.borrow();
        let Some(t) = m.token() else {
            return JsValue::NULL;
        };
        let obj = Object::new();
        set(&obj, "accessToken", &JsValue::from_str(t.value.expose()));
        set(&obj, "user", &m.user().cloned().unwrap_or(JsValue::NULL));
        set(&obj, "expiresAt", &opt_num(t.expires_at));
        obj.into()
    }

    pub(super) async fn call(
        &self,
        endpoint: Endpoint,
        body: Option<&str>,
        bearer: Option<&Secret>,
    ) -> Result<(Reply, BodyFacts), AuthError> {
        self.call_with(endpoint, body, bearer, None).await
    }

    /// [`Inner::call`], aborted early when `cancel` fires.
    async fn call_with(
        &self,
        endpoint: Endpoint,
        body: Option<&str>,
        bearer: Option<&Secret>,
        cancel: Option<AbortSignal>,
    ) -> Result<(Reply, BodyFacts), AuthError> {
        let (method, url) = match endpoint {
            Endpoint::Login => ("POST", self.cfg.login.as_str()),
            Endpoint::Refresh => ("POST", self.cfg.refresh.as_str()),
            Endpoint::Logout => ("POST", self.cfg.logout.as_str()),
            Endpoint::User => ("GET", self.cfg.user.as_deref().unwrap_or_default()),
        };
        let extra = Extra {
            bearer,
            csrf: self.csrf(method),
        };
        // A refresh is never cut short at `timeoutMs`: with rotation (config c) the server may
        // already have blacklisted the old refresh cookie, and only this response carries the
        // new one. Waiters give up at `timeoutMs` (see `refreshed`); the request itself runs
        // until REFRESH_LIMIT_FACTOR × timeoutMs, and the flight stays open until then, so no
        // second refresh goes out with the old cookie meanwhile.
        let timeout = match endpoint {
            Endpoint::Refresh => self.cfg.timeout_ms.saturating_mul(REFRESH_LIMIT_FACTOR),
            _ => self.cfg.timeout_ms,
        };
        let reply = http::call(method, url, body, &extra, timeout, cancel.as_ref()).await?;
        let facts = reply::facts(&http::JsBody(&reply.json), &self.cfg.fields);
        Ok((reply, facts))
    }

    /// One refresh outside the session machine, only to obtain a Bearer that lets a login or
    /// logout past Django's CSRF check (a valid Bearer header skips it).
    pub(super) async fn bearer_from_cookie(&self) -> Option<Secret> {
        let (reply, facts) = self.call(Endpoint::Refresh, Some("{}"), None).await.ok()?;
        if classify(Endpoint::Refresh, reply.status, &facts) != Verdict::Ok {
            return None;
        }
        Grant::from_facts(&facts, reply.status)
            .ok()
            .map(|g| g.token)
    }

    /// No refresh cookie left for a Bearer: mint a CSRF cookie for the resend (see
    /// [`http::mint_csrf_cookie`]). Returns whether one is now readable.
    fn mint_csrf(&self) -> bool {
        let Some((cookie, _)) = &self.cfg.csrf else {
            return false;
        };
        self.debug("no refresh cookie for a Bearer: minting a CSRF cookie");
        http::mint_csrf_cookie(cookie, &self.cfg.login)
    }

    /// GET the user endpoint with `bearer`.
    async fn fetch_user(&self, bearer: &Secret) -> Option<JsValue> {
        self.cfg.user.as_ref()?;
        let (reply, _) = self.call(Endpoint::User, None, Some(bearer)).await.ok()?;
        ((200..300).contains(&reply.status) && reply.json.is_object()).then_some(reply.json)
    }

    /// Fills in the user when the session has a token but no user.
    async fn ensure_user(&self) {
        let token = {
            let m = self.machine.borrow();
            if m.user().is_some() {
                return;
            }
            m.token().map(|t| t.value.clone())
        };
        if let Some(token) = token {
            let user = self.fetch_user(&token).await;
            let mut m = self.machine.borrow_mut();
            // Only if the session is still the one the user was fetched for.
            if user.is_some() && m.token().is_some_and(|t| t.value == token) {
                m.set_user(user);
            }
            drop(m);
            self.step();
        }
    }

    async fn login(self: Rc<Self>, credentials: JsValue) -> Result<JsValue, AuthError> {
        if !credentials.is_object() {
            return Err(AuthError::config(
                "credentials",
                "must be an object such as { username, password }",
            ));
        }
        let body = JSON::stringify(&credentials)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| AuthError::config("credentials", "cannot be sent as JSON"))?;
        let mut bearer = None;
        for attempt in 0..2 {
            let (reply, facts) = self
                .call(Endpoint::Login, Some(&body), bearer.as_ref())
                .await?;
            match classify(Endpoint::Login, reply.status, &facts) {
                Verdict::Ok => {
                    let grant = Grant::from_facts(&facts, reply.status)?;
                    let mut user = http::user_of(&reply.json, &self.cfg.fields);
                    if user.is_none() {
                        user = self.fetch_user(&grant.token).await;
                    }
                    self.machine
                        .borrow_mut()
                        .login_succeeded(&grant, user, now());
                    self.step();
                    return Ok(self.session());
                }
                // An alive HttpOnly access cookie made Django check CSRF (or was refused):
                // get a fresh token from the refresh cookie and resend with it as Bearer.
                v @ (Verdict::Csrf | Verdict::StaleCredential) if attempt == 0 => {
                    self.debug("login: the access cookie got in the way; retrying with a Bearer");
                    bearer = self.bearer_from_cookie().await;
                    if bearer.is_none() && !(v == Verdict::Csrf && self.mint_csrf()) {
                        return Err(error_for(Endpoint::Login, v, reply.status, &facts));
                    }
                }
                v => return Err(error_for(Endpoint::Login, v, reply.status, &facts)),
            }
        }
        Err(AuthError::new(ErrorCode::Server, "login failed"))
    }

    /// The shared refresh promise: joins the flight in flight or starts one.
    fn shared_refresh(self: &Rc<Self>) -> Result<Promise, AuthError> {
        let ticket = self.machine.borrow_mut().begin_refresh();
        match ticket {
            Ticket::Start(id) => Ok(self.launch(id)),
            Ticket::Join(id) => match &*self.flight.borrow() {
                Some(f) if f.id == id => Ok(f.promise.clone()),
                _ => Err(AuthError::new(ErrorCode::Server, "refresh state lost")),
            },
            Ticket::Refused => Err(AuthError::new(
                ErrorCode::SessionExpired,
                "signed out: sign in again",
            )),
        }
    }

    /// Sends the refresh request of flight `id`; every waiter shares the returned promise.
    fn launch(self: &Rc<Self>, id: FlightId) -> Promise {
        let cancel = AbortController::new().ok();
        let signal = cancel.as_ref().map(AbortController::signal);
        let me = self.clone();
        let promise = spawn(async move {
            let result = me.run_flight(id, signal).await;
            {
                let mut slot = me.flight.borrow_mut();
                if slot.as_ref().is_some_and(|f| f.id == id) {
                    *slot = None;
                }
            }
            Ok(result.unwrap_or_else(|e| to_js(&e)))
        });
        if let Some(cancel) = cancel {
            *self.flight.borrow_mut() = Some(Flight {
                id,
                promise: promise.clone(),
                cancel,
            });
        }
        promise
    }

    /// One refresh request: the outcome, as the machine classifies failures.
    async fn refresh_request(
        &self,
        cancel: Option<AbortSignal>,
    ) -> Result<Grant, (Failure, AuthError)> {
        let (reply, facts) = self
            .call_with(Endpoint::Refresh, Some("{}"), None, cancel)
            .await
            .map_err(|e| (Failure::Transient, e))?;
        match classify(Endpoint::Refresh, reply.status, &facts) {
            Verdict::Ok => {
                Grant::from_facts(&facts, reply.status).map_err(|e| (Failure::Transient, e))
            }
            v => Err((
                if v == Verdict::Rejected {
                    Failure::Rejected
                } else {
                    Failure::Transient
                },
                error_for(Endpoint::Refresh, v, reply.status, &facts),
            )),
        }
    }

    /// The flight `id`: the cross-tab lock, then (unless another tab's fresh token arrived
    /// meanwhile) the request, then the machine's verdict. The lock is released after the
    /// result has been applied and broadcast.
    async fn run_flight(
        &self,
        id: FlightId,
        cancel: Option<AbortSignal>,
    ) -> Result<JsValue, AuthError> {
        let mut _lock = None;
        if self.cfg.cross_tab {
            let wait = self.cfg.timeout_ms.saturating_mul(REFRESH_LIMIT_FACTOR + 1);
            match locks::acquire(&self.lock_name, wait, self.cfg.debug).await {
                Ok(acquired) => {
                    if acquired.waited {
                        // The holder broadcast its token just before releasing the lock.
                        sleep(ADOPT_GRACE_MS).await;
                    }
                    _lock = Some(acquired.guard);
                }
                Err(e) => {
                    self.machine
                        .borrow_mut()
                        .refresh_failed(id, Failure::Transient, now());
                    self.step();
                    return Err(e);
                }
            }
            if self.adopted(id) {
                return Ok(self.session());
            }
        }
        let mut outcome = self.refresh_request(cancel.clone()).await;
        if self.cfg.cross_tab && matches!(outcome, Err((Failure::Rejected, _))) {
            // A lost race is not a sign-out: a tab without the lock (an older version, a
            // failed lock) may have rotated the cookie just before. Adopt its token if it
            // arrives, else try once more with the cookie the browser now holds.
            sleep(ADOPT_GRACE_MS).await;
            if self.adopted(id) {
                return Ok(self.session());
            }
            self.debug("refresh refused; retrying once with the current cookie");
            outcome = self.refresh_request(cancel).await;
        }
        let applied = match &outcome {
            Ok(grant) => {
                // A session without a user (restored from the cookie): look it up first, so
                // that the `signedIn` event and the session carry it.
                let user = if self.machine.borrow().user().is_none() {
                    self.fetch_user(&grant.token).await
                } else {
                    None
                };
                self.machine
                    .borrow_mut()
                    .refresh_succeeded(id, grant, user, now())
            }
            Err((failure, _)) => self
                .machine
                .borrow_mut()
                .refresh_failed(id, *failure, now()),
        };
        self.step();
        match (applied, outcome) {
            (Applied::Yes, Ok(_)) => Ok(self.session()),
            (Applied::Yes, Err((_, e))) => Err(e),
            // A login or logout happened meanwhile: the result was dropped.
            (Applied::Stale, _) => self.current_or_signed_out(),
        }
    }

    /// Whether flight `id` ended without a request: another tab's token arrived, or the
    /// flight was dropped (logout, login) while it waited for the lock.
    fn adopted(&self, id: FlightId) -> bool {
        let adopted = {
            let mut m = self.machine.borrow_mut();
            m.adopt_in_flight(id, now()) || m.flight() != Some(id)
        };
        if adopted {
            self.debug("refresh: adopted another tab's token");
            self.step();
        }
        adopted
    }

    fn current_or_signed_out(&self) -> Result<JsValue, AuthError> {
        if self.machine.borrow().live_token(now()).is_some() {
            Ok(self.session())
        } else {
            Err(AuthError::new(
                ErrorCode::SessionExpired,
                "signed out while the refresh was in flight",
            ))
        }
    }

    /// Waits for the shared refresh, at most `timeoutMs`; `Ok(session)` or `Err(AuthError)`.
    async fn refreshed(self: Rc<Self>) -> Result<JsValue, JsValue> {
        let shared = self.shared_refresh()?;
        let mut timer = None;
        let ms = self.cfg.timeout_ms;
        let deadline = Promise::new(&mut |resolve, _| {
            timer = Some(Timeout::new(ms, move || {
                let e = AuthError::new(ErrorCode::Timeout, "the refresh timed out (timeoutMs)");
                let _ = resolve.call1(&JsValue::NULL, &to_js(&e));
            }));
        });
        let v = JsFuture::from(Promise::race(&Array::of2(&shared, &deadline))).await?;
        drop(timer);
        if v.is_instance_of::<js_sys::Error>() {
            Err(v)
        } else {
            Ok(v)
        }
    }

    async fn restore(self: Rc<Self>) -> Result<JsValue, JsValue> {
        if self.machine.borrow().logout_pending() {
            // An earlier logout never reached the server: finish it instead of bringing the
            // session back from the cookie it was meant to clear.
            self.debug("restore: finishing an unconfirmed logout");
            self.server_logout(None).await;
            return Ok(JsValue::NULL);
        }
        let at = now();
        if self.machine.borrow().live_token(at).is_some() {
            self.ensure_user().await;
            return Ok(self.session());
        }
        if let Some((record, mut user)) = self.load() {
            if record.expires_at.is_none_or(|e| e > at) {
                if user.is_none() {
                    user = self.fetch_user(&record.value).await;
                }
                let adopted = self
                    .machine
                    .borrow_mut()
                    .restore_record(record, user, now());
                self.step();
                if adopted {
                    return Ok(self.session());
                }
            }
            self.store.remove();
        }
        match self.clone().refreshed().await {
            Ok(session) => Ok(session),
            Err(e) if code_of(&e).as_deref() == Some(ErrorCode::SessionExpired.as_str()) => {
                Ok(JsValue::NULL)
            }
            Err(e) => Err(e),
        }
    }

    /// The server half of `logout()`: see [`logout::next_step`]. Never fails.
    async fn server_logout(self: Rc<Self>, mut bearer: Option<Secret>) -> JsValue {
        let mut fresh = false;
        let outcome = loop {
            let reply = self
                .call(Endpoint::Logout, Some("{}"), bearer.as_ref())
                .await;
            let step = logout::next_step(
                reply.as_ref().map(|(r, f)| (r.status, f)),
                bearer.is_some(),
                fresh,
            );
            match step {
                LogoutStep::Finished(o) => break o,
                LogoutStep::ResendWithoutBearer => bearer = None,
                LogoutStep::ResendWithFreshBearer => {
                    self.debug("logout: the access cookie got in the way; retrying with a Bearer");
                    fresh = true;
                    bearer = self.bearer_from_cookie().await;
                    if bearer.is_none() {
                        self.mint_csrf();
                    }
                }
            }
        };
        if outcome.cookies_cleared {
            self.machine.borrow_mut().server_logout_done();
            self.step();
        }
        let obj = Object::new();
        set(
            &obj,
            "serverConfirmed",
            &JsValue::from_bool(outcome.server_confirmed),
        );
        if let Some(w) = outcome.warning {
            set(&obj, "warning", &JsValue::from_str(&w));
        }
        obj.into()
    }

    async fn fetch(
        self: Rc<Self>,
        input: JsValue,
        init: Option<Object>,
    ) -> Result<Response, AuthError> {
        let init: JsValue = init.map_or(JsValue::UNDEFINED, Into::into);
        let req = http::prepare(&input, &init, &self.cfg.base)?;
        if !self.cfg.is_authorized(&req.url)
            || self.cfg.is_auth_endpoint(&req.url)
            || req.authorization
        {
            // Not ours to authorise: sent as the caller built it.
            let none = Extra {
                bearer: None,
                csrf: None,
            };
            return http::send_request(&req, false, &none, self.cfg.timeout_ms).await;
        }
        // Credentials: "include" unless the caller chose.
        let include = !req.credentials;

        if self.machine.borrow().wants_refresh_before_send(now()) {
            self.debug("fetch: token expired, refreshing first");
            let _ = self.clone().refreshed().await;
        }
        // Bounded: the machine answers `Retry::No` to an attempt that was already retried.
        let mut attempt = Attempt::default();
        loop {
            let res = self.send_api(&req, include, &mut attempt).await?;
            if res.status() != 401 {
                return Ok(res);
            }
            let decision = self.machine.borrow().unauthorized(&mut attempt);
            match decision {
                Retry::No => return Ok(res),
                Retry::WithCurrent => self.debug("fetch: 401 for an older token; resending"),
                Retry::AfterRefresh => {
                    self.debug("fetch: 401, refreshing and retrying once");
                    if self.clone().refreshed().await.is_err() {
                        return Ok(res);
                    }
                }
            }
        }
    }

    /// Sends a copy of `req` with the current token, recorded in `attempt`.
    async fn send_api(
        &self,
        req: &Prepared,
        include: bool,
        attempt: &mut Attempt,
    ) -> Result<Response, AuthError> {
        let (gen, token) = {
            let m = self.machine.borrow();
            match m.live_token(now()) {
                Some(t) => (Some(t.gen), Some(t.value.clone())),
                None => (None, None),
            }
        };
        let extra = Extra {
            bearer: token.as_ref(),
            csrf: self.csrf(&req.method),
        };
        attempt.sending(gen);
        http::send_request(req, include, &extra, self.cfg.timeout_ms).await
    }
}

/// Runs `future` as a JS promise. One non-generic instantiation of `future_to_promise` for
/// every exported async method (each generic instantiation cost 2.5–5.5 KB of wasm).
pub(super) fn spawn(future: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let boxed: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(future);
    wasm_bindgen_futures::future_to_promise(boxed)
}

/// Reads a record written by [`Inner::record_obj`] (from storage or another tab). Anything
/// malformed is `None`.
fn record_from(v: &JsValue) -> Option<(TokenRecord, Option<JsValue>)> {
    let get = |k: &str| get(v, k);
    let token = get("token").as_string().filter(|t| !t.is_empty())?;
    let num = |k: &str| {
        get(k)
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map(|n| n as u64)
    };
    let user = get("user");
    Some((
        TokenRecord {
            value: Secret::new(token),
            expires_at: num("expiresAt"),
            lifetime: num("lifetime"),
        },
        user.is_object().then_some(user),
    ))
}

fn opt_num(v: Option<u64>) -> JsValue {
    v.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
}
