//! The driver: carries out what the session machine asks for, and feeds it what happened —
//! the one shell of both front ends (the npm package's `AuthClient`, the Rust crate's).
//!
//! Every input goes through [`Driver::input`] (one [`Input`] to [`Machine::handle`]), which
//! always drains the machine's actions afterwards and re-arms its one timer, so no call site
//! can forget a step. The driver holds no record of a flight: only the app's waiters (by
//! [`OpId`]), the lock guard and the timer. It runs no future: a request or a lock it asks for
//! answers through a JS promise into a closure that feeds the answer back as an input (net.js's
//! `deliver`). No `RefCell` borrow is held across a call into JS.
//!
//! A front end chooses who waits for an app call ([`Waiter`]): the npm package settles JS
//! promises ([`Promised`]); the Rust crate also has waiters of its own, typed futures.

use alloc::string::String;
use alloc::vec::Vec;

use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};

use js_sys::{Array, Promise, JSON};
use wasm_bindgen::prelude::*;

use crate::channel::Channel;
use crate::codec::{self, Message};
use crate::config::Config;
use crate::endpoint;
use crate::events::{page_state, Listeners};
use crate::locks::{self, LockGuard};
use crate::storage::Store;
use crate::timer::Timeout;
use crate::waiter::{promised, Promised, Waiter};
use crate::{deliver, fetch, http};
use crate::{log, reading};
use tokenward_core::outcome::Endpoint;
use tokenward_core::session::{
    Action, Call, Delay, Input, Machine, OpId, Options, Outcome, Payload, ReqId, Request, Snapshot,
    CONSULTED,
};

/// The shell of one client: its machine, the browser resources it drives, and the app's
/// waiters (`W`).
pub struct Driver<W: Waiter = Promised> {
    /// The parsed config.
    pub cfg: Config,
    /// The config object as given (for the doctor module).
    pub config: JsValue,
    machine: RefCell<Machine<JsValue>>,
    /// The app's calls the machine has not settled yet.
    pending: RefCell<Vec<(OpId, W)>>,
    /// The `FormData` of calls not settled yet (`Payload::Form`).
    forms: RefCell<Vec<(OpId, JsValue)>>,
    next_op: Cell<u32>,
    /// `onChange` subscribers (see page.js).
    pub subscribers: Array,
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
    listeners: RefCell<Option<Listeners>>,
    /// To the other tabs (`crossTab`).
    channel: RefCell<Option<Channel>>,
    closed: Cell<bool>,
    /// The `Authorization` value of the current token as a JS string, by generation: built
    /// once per token, not per request (see [`Driver::bearer`]).
    bearer: RefCell<Option<(u64, JsValue)>>,
    /// Resolves `auth.fetch` URLs against `baseUrl` (net.js keeps the ones seen).
    pub(crate) urls: fetch::Resolver,
    /// net.js's way back into this driver for `auth.fetch`'s slow path (see `intercept`).
    pub(crate) ask: JsValue,
    /// This driver while requests of `auth.fetch` are on their slow path (one entry each):
    /// they finish after `free()`.
    pub(crate) held: RefCell<Vec<Rc<Driver<W>>>>,
    /// The statuses of answers net.js hands to `retry` (`CONSULTED`), as a JS array.
    pub(crate) consulted: js_sys::Array,
    me: Weak<Driver<W>>,
}

impl<W: Waiter> Driver<W> {
    /// The shell for `cfg` (`config`: the object it was parsed from): storage opened,
    /// listeners and the cross-tab channel set up.
    pub fn start(cfg: Config, config: JsValue) -> Rc<Driver<W>> {
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
        let inner = Rc::new_cyclic(|me: &Weak<Driver<W>>| Driver {
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
            listeners: RefCell::new(None),
            channel: RefCell::new(None),
            closed: Cell::new(false),
            bearer: RefCell::new(None),
            urls,
            ask: crate::intercept::asker(me.clone()),
            held: RefCell::new(Vec::new()),
            consulted: fetch::statuses(&CONSULTED),
            me: me.clone(),
        });
        let me = inner.me.clone();
        *inner.listeners.borrow_mut() =
            Listeners::on_global("visibilitychange online offline pageshow", move || {
                if let Some(inner) = me.upgrade() {
                    inner.input(Input::Wake(page_state()));
                }
            });
        if inner.cfg.cross_tab {
            let me = inner.me.clone();
            let channel = Channel::open(&channel_name, move |message| {
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

    /// `free()`: stops the timer, the listeners and the channel. Calls in flight finish and
    /// settle their promises (the timer runs on until they have).
    pub fn close(&self) {
        self.closed.set(true);
        // Re-armed (holding the driver) only while calls wait: see `arm_timer`.
        self.timer.borrow_mut().take();
        self.arm_timer();
        self.listeners.borrow_mut().take();
        self.channel.borrow_mut().take();
    }

    /// A `console.debug` trace (with `debug: true`).
    pub fn debug(&self, message: &str) {
        log::debug(self.cfg.debug, message);
    }

    /// Reads the machine (the borrow ends with `f`).
    pub fn read<R>(&self, f: impl FnOnce(&Machine<JsValue>) -> R) -> R {
        f(&self.machine.borrow())
    }

    /// Feeds the machine one input, then carries out everything it asks for.
    pub fn input(&self, input: Input<JsValue>) {
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
    pub fn call(&self, call: Call<JsValue>) -> Promise {
        let (promise, waiter) = promised();
        self.call_for(call, W::promised(waiter));
        promise
    }

    /// An app call, settled through `waiter`.
    pub fn call_for(&self, call: Call<JsValue>, waiter: W) {
        let op = self.op();
        self.call_as(op, call, waiter);
    }

    /// An app call whose body is the app's `FormData`, held until the call settles: `make`
    /// builds the call around its [`Payload::Form`].
    pub fn call_with_form(
        &self,
        form: JsValue,
        make: impl FnOnce(Payload) -> Call<JsValue>,
        waiter: W,
    ) {
        let op = self.op();
        self.forms.borrow_mut().push((op, form));
        self.call_as(op, make(Payload::Form(op)), waiter);
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

    fn call_as(&self, op: OpId, call: Call<JsValue>, waiter: W) {
        self.pending.borrow_mut().push((op, waiter));
        self.input(Input::Call(op, call));
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
        let waiter = {
            let mut pending = self.pending.borrow_mut();
            let i = pending.iter().position(|(o, _)| *o == op);
            i.map(|i| pending.swap_remove(i).1)
        };
        // The borrow has ended: a waiter may call back into the SDK.
        if let Some(waiter) = waiter {
            waiter.settle(outcome);
        }
    }

    /// Arms the machine's timer for its next deadline. After `free()` it runs only while app
    /// calls wait — the machine may need it to finish them (a grace period after another tab's
    /// lock, a backoff) — and then it holds the driver until they have settled.
    fn arm_timer(&self) {
        let closed = self.closed.get();
        if closed && self.pending.borrow().is_empty() {
            self.timer.borrow_mut().take();
            return;
        }
        let (due, now) = self.read(|m| (m.poll_timeout(), m.time_at(reading())));
        let mut slot = self.timer.borrow_mut();
        match due {
            None => *slot = None,
            Some(at) if slot.as_ref().is_some_and(|(a, _)| *a == at) => {}
            Some(at) => {
                let me = self.me.clone();
                let kept = if closed { me.upgrade() } else { None };
                let timeout = Timeout::new(Delay::until(at, now), move || {
                    if let Some(inner) = kept.or_else(|| me.upgrade()) {
                        inner.timer.borrow_mut().take();
                        inner.input(Input::Timeout);
                    }
                });
                *slot = Some((at, timeout));
            }
        }
    }

    /// Asks page.js for the cross-tab lock; what it answers comes back as an input. The
    /// answer holds the driver (as a request does): a lock granted after `free()` is still
    /// released.
    fn acquire_lock(&self, wait: Delay) {
        let Some(me) = self.me.upgrade() else { return };
        let granted = move |got: JsValue| match locks::granted(&got) {
            Ok(acquired) => {
                *me.lock.borrow_mut() = Some(acquired.guard);
                me.input(Input::LockAcquired(acquired.waited));
            }
            Err(_) => me.input(Input::LockFailed),
        };
        deliver(
            &locks::request(&self.lock_name, wait),
            &Closure::once_into_js(granted),
        );
    }

    /// Starts `request`; its reply comes back as an input. The reply holds the driver, so a
    /// request in flight at `free()` still settles its callers.
    fn send(&self, id: ReqId, request: Request) {
        let Some(me) = self.me.upgrade() else { return };
        let form = match request.payload {
            Payload::Form(op) => Some(self.form_of(op)),
            _ => None,
        };
        let sent = endpoint::start(&self.cfg, &request, form.as_ref());
        let endpoint = request.endpoint;
        let replied = move |result: JsValue| {
            let reply = endpoint::reply(&me.cfg, endpoint, &result);
            me.input(Input::Reply(id, reply));
        };
        deliver(&sent, &Closure::once_into_js(replied));
    }

    /// The CSRF header of a request with `method` (see `endpoint::csrf_header`).
    pub fn csrf(&self, method: &str) -> Option<(&str, String)> {
        endpoint::csrf_header(&self.cfg, method)
    }

    /// The current token's generation and `Authorization` value for `auth.fetch`
    /// (`undefined` without a token; the cached string is dropped with the token).
    pub fn bearer(&self) -> (Option<u64>, JsValue) {
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
    pub fn load(&self) -> Option<Snapshot<JsValue>> {
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
