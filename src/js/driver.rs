//! The driver: carries out what the session machine asks for, and feeds it what happened.
//!
//! Every input goes through [`Inner::input`] (one [`Input`] to [`Machine::handle`]), which
//! always drains the machine's actions afterwards and re-arms its one timer, so no call site
//! can forget a step. The driver holds
//! no record of a flight: only the app's pending promises (by [`OpId`]), the lock guard and
//! the timer. No `RefCell` borrow is held across an `.await` or a call into JS.

use alloc::string::String;
use alloc::vec::Vec;

use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};

use js_sys::{Array, Function, Promise, JSON};
use wasm_bindgen::prelude::*;

use tokenward_core::error::AuthError;
use tokenward_core::outcome::Endpoint;
use tokenward_core::session::{
    Action, Call, Delay, Input, Machine, OpId, Options, Outcome, Payload, Reply, ReqId, Request,
    Snapshot, CONSULTED,
};
use tokenward_web::channel::Channel;
use tokenward_web::codec::{self, Message};
use tokenward_web::config::Config;
use tokenward_web::endpoint;
use tokenward_web::error::to_js;
use tokenward_web::events::{page_state, Listener};
use tokenward_web::locks::{self, LockGuard};
use tokenward_web::storage::Store;
use tokenward_web::timer::Timeout;
use tokenward_web::{fetch, http};
use tokenward_web::{log, reading};

pub(super) struct Inner {
    pub(super) cfg: Config,
    /// The config object as given (for the doctor module, see `doctor.rs`).
    pub(super) config: JsValue,
    machine: RefCell<Machine<JsValue>>,
    /// The app's promises the machine has not settled yet: (op, resolve, reject).
    pending: RefCell<Vec<(OpId, Function, Function)>>,
    /// The `FormData` of calls not settled yet (`Payload::Form`).
    forms: RefCell<Vec<(OpId, JsValue)>>,
    next_op: Cell<u32>,
    /// `onChange` subscribers (see page.js).
    pub(super) subscribers: Array,
    /// The machine's timer and the moment it is armed for.
    timer: RefCell<Option<(u64, Timeout)>>,
    store: Store,
    /// Durable "logout not yet confirmed by the server" flag.
    logout_flag: Store,
    /// The cross-tab lock while held.
    lock: RefCell<Option<LockGuard>>,
    /// `tokenward:<storageKey>:refresh`
    lock_name: String,
    /// visibilitychange / online / pageshow: catch up after sleep or a background tab.
    listeners: RefCell<Vec<Listener>>,
    /// To the other tabs (`crossTab`).
    channel: RefCell<Option<Channel>>,
    closed: Cell<bool>,
    /// The `Authorization` value of the current token as a JS string, by generation: built
    /// once per token, not per request (see [`Inner::bearer`]).
    bearer: RefCell<Option<(u64, JsValue)>>,
    /// Resolves `auth.fetch` URLs against `baseUrl` (net.js keeps the ones seen).
    pub(super) urls: fetch::Resolver,
    /// `Inner::answer_fetch` as a JS function, for net.js to call with the answers `auth.fetch`
    /// does not hand over at once (owned by JS: a request in flight keeps it callable after
    /// `free()`, when it answers without a retry).
    pub(super) answer: JsValue,
    /// The statuses of answers net.js hands to `answer` (`CONSULTED`), as a JS array.
    pub(super) consulted: js_sys::Array,
    me: Weak<Inner>,
}

impl Inner {
    /// The shell for `cfg`: storage opened, listeners and the cross-tab channel set up.
    pub(super) fn start(cfg: Config, config: JsValue) -> Rc<Inner> {
        let store = Store::open(cfg.storage, &cfg.storage_key, cfg.debug);
        let mut flag_key = cfg.storage_key.clone();
        flag_key.push_str(":logout-pending");
        let logout_flag = Store::open_flag(&flag_key, cfg.debug);
        let mut lock_name = String::from("tokenward:");
        lock_name.push_str(&cfg.storage_key);
        let channel_name = lock_name.clone();
        lock_name.push_str(":refresh");
        let opts = Options {
            leeway: cfg.leeway_ms,
            timeout: cfg.timeout_ms,
            cross_tab: cfg.cross_tab,
            user_lookup: cfg.url(Endpoint::User).is_some(),
            seed: (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64,
            page: page_state(),
        };
        let machine = Machine::new(opts, logout_flag.get().is_some(), reading());
        let urls = fetch::resolver(&cfg.base);
        let inner = Rc::new_cyclic(|me: &Weak<Inner>| Inner {
            cfg,
            config,
            machine: RefCell::new(machine),
            pending: RefCell::new(Vec::new()),
            forms: RefCell::new(Vec::new()),
            next_op: Cell::new(0),
            subscribers: Array::new(),
            timer: RefCell::new(None),
            store,
            logout_flag,
            lock: RefCell::new(None),
            lock_name,
            listeners: RefCell::new(Vec::new()),
            channel: RefCell::new(None),
            closed: Cell::new(false),
            bearer: RefCell::new(None),
            urls,
            answer: {
                let me = me.clone();
                let answer =
                    move |result: JsValue, prepared, include, gen: JsValue| match me.upgrade() {
                        Some(inner) => inner.answer_fetch(&result, prepared, include, &gen),
                        None => match fetch::answered(&result) {
                            Ok(res) => Promise::resolve(&JsValue::from(res)),
                            Err(e) => Promise::reject(&e.into_js()),
                        },
                    };
                Closure::<dyn FnMut(JsValue, JsValue, bool, JsValue) -> Promise>::new(answer)
                    .into_js_value()
            },
            consulted: fetch::statuses(&CONSULTED),
            me: me.clone(),
        });
        for name in ["visibilitychange", "online", "offline", "pageshow"] {
            let me = inner.me.clone();
            let listener = Listener::on_global(name, move || {
                if let Some(inner) = me.upgrade() {
                    inner.input(Input::Wake(page_state()));
                }
            });
            inner.listeners.borrow_mut().extend(listener);
        }
        if inner.cfg.cross_tab {
            let me = inner.me.clone();
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
        inner
    }

    /// `free()`: stops the timer, the listeners and the channel. Requests in flight finish
    /// and settle their promises.
    pub(super) fn close(&self) {
        self.closed.set(true);
        self.timer.borrow_mut().take();
        self.listeners.borrow_mut().clear();
        self.channel.borrow_mut().take();
    }

    pub(super) fn debug(&self, message: &str) {
        log::debug(self.cfg.debug, message);
    }

    /// Reads the machine (the borrow ends with `f`).
    pub(super) fn read<R>(&self, f: impl FnOnce(&Machine<JsValue>) -> R) -> R {
        f(&self.machine.borrow())
    }

    /// Feeds the machine one input, then carries out everything it asks for.
    pub(super) fn input(&self, input: Input<JsValue>) {
        let jumped = {
            let mut m = self.machine.borrow_mut();
            let before = m.clock_evidence().1;
            m.handle(input, reading());
            if m.bearer().is_none() {
                self.bearer.borrow_mut().take();
            }
            m.clock_evidence().1 != before
        };
        if jumped {
            self.debug(
                "the device's clock jumped (asleep, or set): timing follows the monotonic clock",
            );
        }
        self.drain();
    }

    /// An app call: its promise, settled by the machine through `Action::Settle`.
    pub(super) fn call(&self, call: Call<JsValue>) -> Promise {
        let op = self.op();
        self.call_as(op, call)
    }

    /// An app call whose body is the app's `FormData`, held until the call settles: `make`
    /// builds the call around its [`Payload::Form`].
    pub(super) fn call_with_form(
        &self,
        form: JsValue,
        make: impl FnOnce(Payload) -> Call<JsValue>,
    ) -> Promise {
        let op = self.op();
        self.forms.borrow_mut().push((op, form));
        self.call_as(op, make(Payload::Form(op)))
    }

    /// The `FormData` of call `op` (`undefined` once it settled).
    fn form_of(&self, op: OpId) -> JsValue {
        let forms = self.forms.borrow();
        let form = forms.iter().find(|(o, _)| *o == op).map(|(_, f)| f.clone());
        form.unwrap_or(JsValue::UNDEFINED)
    }

    fn op(&self) -> OpId {
        let op = OpId(self.next_op.get());
        self.next_op.set(op.0.wrapping_add(1));
        op
    }

    fn call_as(&self, op: OpId, call: Call<JsValue>) -> Promise {
        let mut fns = None;
        let promise = Promise::new(&mut |resolve, reject| fns = Some((resolve, reject)));
        if let Some((resolve, reject)) = fns {
            self.pending.borrow_mut().push((op, resolve, reject));
        }
        self.input(Input::Call(op, call));
        promise
    }

    /// Carries out the machine's queued actions, then re-arms the timer.
    fn drain(&self) {
        loop {
            // The borrow ends with this statement: subscribers may call back into the SDK.
            let action = self.machine.borrow_mut().poll_action();
            let Some(action) = action else {
                break;
            };
            match action {
                Action::Send(id, request) => self.send(id, request),
                Action::AcquireLock(wait) => self.acquire_lock(wait),
                Action::ReleaseLock => drop(self.lock.borrow_mut().take()),
                Action::Settle(op, outcome) => self.settle(op, outcome),
                Action::Emit(event) => {
                    self.debug(event.kind.as_str());
                    if codec::emit(&self.subscribers, event) > 0 {
                        self.debug("an onChange callback threw; the others still run");
                    }
                }
                Action::Persist(s) => self.persist(&s),
                Action::ClearStorage => self.store.remove(),
                Action::Broadcast(b) => {
                    if let Some(channel) = self.channel.borrow().as_ref() {
                        channel.post(&codec::message(&b, channel.private()));
                    }
                }
                Action::RememberLogout => self.logout_flag.set("1"),
                Action::ForgetLogout => self.logout_flag.remove(),
            }
        }
        self.arm_timer();
    }

    fn settle(&self, op: OpId, outcome: Outcome<JsValue>) {
        self.forms.borrow_mut().retain(|(o, _)| *o != op);
        let fns = {
            let mut pending = self.pending.borrow_mut();
            let i = pending.iter().position(|(o, _, _)| *o == op);
            i.map(|i| pending.swap_remove(i))
        };
        let Some((_, resolve, reject)) = fns else {
            return;
        };
        let (f, value) = match outcome {
            Outcome::Session(s) => (resolve, codec::session(&s)),
            Outcome::NoSession => (resolve, JsValue::NULL),
            Outcome::LoggedOut(o) => (resolve, codec::logout_result(&o)),
            Outcome::Turn | Outcome::Decided => (resolve, JsValue::UNDEFINED),
            Outcome::SignedUp(s) => (resolve, codec::signed_up(s.as_ref())),
            Outcome::Answered(detail) => (resolve, codec::answered(detail.as_deref())),
            Outcome::User(user) => (resolve, user),
            Outcome::Failed(e) => (reject, to_js(&e)),
        };
        let _ = f.call1(&JsValue::NULL, &value);
    }

    fn arm_timer(&self) {
        if self.closed.get() {
            return;
        }
        let (due, now) = self.read(|m| (m.poll_timeout(), m.time_at(reading())));
        let mut slot = self.timer.borrow_mut();
        match due {
            None => *slot = None,
            Some(at) if slot.as_ref().is_some_and(|(a, _)| *a == at) => {}
            Some(at) => {
                let me = self.me.clone();
                let timeout = Timeout::new(Delay::until(at, now), move || {
                    if let Some(inner) = me.upgrade() {
                        inner.timer.borrow_mut().take();
                        inner.input(Input::Timeout);
                    }
                });
                *slot = Some((at, timeout));
            }
        }
    }

    fn acquire_lock(&self, wait: Delay) {
        let Some(me) = self.me.upgrade() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            match locks::acquire(&me.lock_name, wait).await {
                Ok(acquired) => {
                    *me.lock.borrow_mut() = Some(acquired.guard);
                    me.input(Input::LockAcquired(acquired.waited));
                }
                Err(_) => me.input(Input::LockFailed),
            }
        });
    }

    fn send(&self, id: ReqId, request: Request) {
        let Some(me) = self.me.upgrade() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let reply = me.request(&request).await;
            me.input(Input::Reply(id, reply));
        });
    }

    /// Sends one of the SDK's requests and reads its reply as the machine needs it.
    pub(super) async fn request(&self, r: &Request) -> Result<Reply<JsValue>, AuthError> {
        let form = match r.payload {
            Payload::Form(op) => Some(self.form_of(op)),
            _ => None,
        };
        endpoint::send(&self.cfg, r, form.as_ref()).await
    }

    /// The CSRF header of a request with `method` (see `endpoint::csrf_header`).
    pub(super) fn csrf(&self, method: &str) -> Option<(&str, String)> {
        endpoint::csrf_header(&self.cfg, method)
    }

    /// The current token's generation and `Authorization` value for `auth.fetch`
    /// (`undefined` without a token; the cached string is dropped with the token).
    pub(super) fn bearer(&self) -> (Option<u64>, JsValue) {
        let mut cache = self.bearer.borrow_mut();
        self.read(|m| match m.bearer() {
            None => {
                *cache = None;
                (None, JsValue::UNDEFINED)
            }
            Some((gen, token)) => match &*cache {
                Some((g, v)) if *g == gen => (Some(gen), v.clone()),
                _ => {
                    let v = http::bearer(&self.cfg.auth_scheme, Some(token));
                    *cache = Some((gen, v.clone()));
                    (Some(gen), v)
                }
            },
        })
    }

    fn persist(&self, s: &Snapshot<JsValue>) {
        if !self.store.persistent() {
            return;
        }
        match JSON::stringify(&codec::record(s))
            .ok()
            .and_then(|s| s.as_string())
        {
            Some(text) => self.store.set(&text),
            None => {
                self.debug("the user object cannot be stored as JSON");
                self.store.remove();
            }
        }
    }

    /// What storage holds for `restore()` (nothing in memory mode).
    pub(super) fn load(&self) -> Option<Snapshot<JsValue>> {
        codec::read_record(&JSON::parse(&self.store.get()?).ok()?)
    }

    /// A message from another tab. Anything malformed is ignored.
    fn on_remote(&self, message: &JsValue) {
        if self.closed.get() {
            return;
        }
        match codec::read_message(message) {
            Some(Message::Token(sent, signed_in)) => {
                // The storage-event fallback carries no token: read it from Web Storage.
                if let Some(snapshot) = sent.or_else(|| self.load()) {
                    self.input(Input::RemoteToken(snapshot, signed_in));
                }
            }
            Some(Message::User(sent)) => {
                if let Some(snapshot) = sent.or_else(|| self.load()) {
                    self.input(Input::RemoteUser(snapshot));
                }
            }
            Some(Message::SignedOut) => self.input(Input::RemoteSignedOut),
            Some(Message::Expired) => self.input(Input::RemoteExpired),
            None => {}
        }
    }
}
