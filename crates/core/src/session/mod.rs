//! The session state machine: every decision about tokens, requests, their order, retries and
//! events, with no I/O and no clock of its own (sans-IO, in the manner of quinn-proto).
//!
//! The shell feeds it the app's calls ([`ops`]), replies, lock grants, other tabs' messages
//! ([`remote`]) and the time (ms on the local wall clock), and carries out the [`Action`]s it
//! queues ([`Machine::poll_action`]); it arms one timer for [`Machine::poll_timeout`].
//! `U` is the user object (a `JsValue` in the browser).
//!
//! # Operations and their order
//! - Requests that can set or clear the session cookies (login, refresh, logout) are *jobs*
//!   in one queue: only the head's request is ever on the wire, and with `crossTab` only while
//!   this tab holds the cross-tab lock, so they never overlap, in a tab or across tabs.
//! - The latest call the app made wins. A login supersedes every job but a logout; a logout
//!   supersedes every job but another logout. A superseded job's promise settles at once
//!   (a login with `aborted`); a request of it already on the wire is waited for (its answer
//!   may set cookies the next request must see) and then dropped: never applied, persisted,
//!   broadcast or emitted.
//! - `restore()` and `refresh()` join what is in flight instead of starting a parallel flow.
//!
//! # Invariants
//! - A token exists only in [`Phase::SignedIn`]; a pending logout only in
//!   [`Phase::SignedOut`].
//! - After a logout or a definitive rejection no refresh starts until the next sign-in.
//! - Expiry is judged on the local clock from the token's lifetime counted from receipt
//!   ([`timing`]).

use alloc::collections::VecDeque;
use alloc::vec::Vec;

mod account;
mod apply;
mod backoff;
mod clock;
mod event;
mod fetch;
mod jobs;
mod ops;
mod remote;
mod steps;
mod timing;

pub use backoff::{Backoff, RETRY_MAX_MS, RETRY_MIN_MS};
pub use clock::{Clock, Reading};
pub use event::{
    Action, Broadcast, Call, Delay, Event, EventKind, Input, OpId, Outcome, Payload, ReqId,
    Request, Snapshot, Source,
};
pub use fetch::{consult, Attempt, Consult, Gate, Retry, CONSULTED};
pub use jobs::Reply;
pub use timing::{Expiry, Timing, REFRESH_FLOOR_MS};

use super::error::{AuthError, ErrorCode};
use super::secret::Secret;

/// Milliseconds since the epoch, on the local wall clock (`Date.now()`).
pub type Ms = u64;

/// A refresh may run this many times `timeoutMs` before it is given up: with rotation the
/// server may already have replaced the refresh cookie, and only this answer carries the new
/// one. Callers still give up at `timeoutMs`.
const REFRESH_LIMIT_FACTOR: u64 = 4;

/// How long this tab waits for the cross-tab lock: longer than any request of another tab.
const LOCK_WAIT_FACTOR: u64 = REFRESH_LIMIT_FACTOR + 1;

/// How long a refresh that waited for the lock (or was refused right after another tab was
/// heard from) lets that tab's broadcast arrive before deciding to send a request itself.
const ADOPT_GRACE_MS: Ms = 40;

/// What the shell tells the machine about its configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// `refreshLeewayMs`.
    pub leeway: Ms,
    /// `timeoutMs`.
    pub timeout: Ms,
    /// `crossTab`: cookie-setting requests go out under the cross-tab lock.
    pub cross_tab: bool,
    /// A user endpoint is configured (`endpoints.user` is not `null`).
    pub user_lookup: bool,
    /// Randomness from the shell, for the jitter of retries ([`Backoff`]).
    pub seed: u64,
    /// The page when the machine starts (later changes come as [`Input::Wake`]).
    pub page: PageState,
}

/// What the page is like, as the shell reports it ([`Input::Wake`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageState {
    /// `document.visibilityState === "visible"`.
    pub visible: bool,
    /// `navigator.onLine`.
    pub online: bool,
}

impl Default for PageState {
    fn default() -> Self {
        PageState {
            visible: true,
            online: true,
        }
    }
}

/// The access token the session holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The token itself (redacted in `Debug`).
    pub value: Secret,
    /// Increases with every new token; a request remembers the generation it was sent with.
    pub gen: u64,
    /// When it expires, on the local clock; `None` when the token says nothing.
    pub expires_at: Option<Ms>,
    /// How long it had left when received, when known.
    pub lifetime: Option<Ms>,
    /// When a refresh that a 401 asked for brought it.
    pub after_401_at: Option<Ms>,
}

/// What can be persisted, broadcast and later restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// The token.
    pub value: Secret,
    /// When it expires: machine time inside the machine, wall time in a [`Snapshot`] (what
    /// storage, other tabs and the app see).
    pub expires_at: Option<Ms>,
    /// How long it had left when received, for the leeway rule.
    pub lifetime: Option<Ms>,
}

impl TokenRecord {
    /// Whether it is unexpired at `now` (a token without `exp` counts as unexpired).
    pub fn live_at(&self, now: Ms) -> bool {
        self.expires_at.is_none_or(|e| e > now)
    }
}

/// Where the session stands. A token exists only while signed in.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase<U> {
    /// Fresh page: a refresh cookie may or may not exist. Refreshing is allowed.
    Unknown {
        /// The last try to decide it (a refresh from the cookie) could not reach the server
        /// (network, timeout, 5xx): why. The machine keeps trying ([`Backoff`]) until an answer
        /// decides it.
        unreachable: Option<AuthError>,
    },
    /// Signed in.
    SignedIn {
        /// The token.
        token: Token,
        /// The user, when known.
        user: Option<U>,
    },
    /// Signed out (by `logout()`, another tab, or the server refusing the refresh cookie): no
    /// refresh starts until the next sign-in.
    SignedOut {
        /// A `logout()` whose server call has not been confirmed yet: durable (mirrored in
        /// storage), so that the session cannot come back from the cookie it was to clear.
        logout_unconfirmed: bool,
    },
}

/// [`Phase`] without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// [`Phase::Unknown`].
    Unknown,
    /// [`Phase::SignedIn`].
    SignedIn,
    /// [`Phase::SignedOut`].
    SignedOut,
}

/// How a refresh ended, as far as the session is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 400/401 from the refresh endpoint: the cookie is gone, expired or revoked.
    Rejected,
    /// Network, timeout, 5xx, 403, an unusable body: try again later; the session stays.
    Transient,
}

/// The cross-tab lock, as this tab holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lock {
    Free,
    Wanted,
    Held,
}

/// The session state machine. See the module docs.
#[derive(Debug)]
pub struct Machine<U> {
    opts: Options,
    clock: Clock,
    /// What the tokens say about the server's clock.
    timing: Timing,
    phase: Phase<U>,
    gen: u64,
    /// After a transient failure: when the refresh is tried again.
    backoff: Backoff,
    /// Visible and online, as the shell last said.
    page: PageState,
    /// Cookie-setting work, in the order the app asked for it ([`jobs`]).
    jobs: VecDeque<jobs::Job>,
    lock: Lock,
    /// User look-ups outside a job (`restore()` of a session without a user).
    lookups: Vec<jobs::Lookup>,
    /// App calls waiting for a job or a look-up.
    waiters: Vec<ops::Waiter>,
    next_id: u32,
    /// Another tab of this storage key was heard from: a refused refresh may be a rotation
    /// race with it.
    peers_seen: bool,
    /// The freshest token the browser's cookies were issued with, superseded or not: the
    /// Bearer that gets a logout past Django's CSRF check.
    jar: Option<TokenRecord>,
    /// A superseded login succeeded at the server: the cookies now belong to a session no
    /// call asks for any more. If the login that superseded it fails, that session is ended
    /// (its reply is never applied, and the client must not keep one the cookies no longer
    /// back).
    orphaned: bool,
    /// A sign-up answered with the refresh token in its body (for `doctor()`).
    refresh_exposed: bool,
    actions: VecDeque<Action<U>>,
}

impl<U: Clone> Machine<U> {
    /// A machine for a fresh page, started at the clocks' reading `at`. `logout_unconfirmed`:
    /// storage says an earlier `logout()` never reached the server (then the session stays
    /// signed out until the next sign-in).
    pub fn new(opts: Options, logout_unconfirmed: bool, at: Reading) -> Self {
        Machine {
            opts,
            clock: Clock::start(at),
            timing: Timing::default(),
            phase: if logout_unconfirmed {
                Phase::SignedOut {
                    logout_unconfirmed: true,
                }
            } else {
                Phase::Unknown { unreachable: None }
            },
            gen: 0,
            backoff: Backoff::new(opts.seed),
            page: opts.page,
            jobs: VecDeque::new(),
            lock: Lock::Free,
            lookups: Vec::new(),
            waiters: Vec::new(),
            next_id: 0,
            peers_seen: false,
            jar: None,
            orphaned: false,
            refresh_exposed: false,
            actions: VecDeque::new(),
        }
    }

    /// Where the session stands.
    pub fn phase(&self) -> &Phase<U> {
        &self.phase
    }

    /// [`Machine::phase`] without its data.
    pub fn state(&self) -> State {
        match self.phase {
            Phase::Unknown { .. } => State::Unknown,
            Phase::SignedIn { .. } => State::SignedIn,
            Phase::SignedOut { .. } => State::SignedOut,
        }
    }

    /// The current token, whatever its expiry.
    pub fn token(&self) -> Option<&Token> {
        match &self.phase {
            Phase::SignedIn { token, .. } => Some(token),
            _ => None,
        }
    }

    /// The current token if it is unexpired at `now` (tokens without `exp` count as unexpired).
    pub fn live_token(&self, now: Ms) -> Option<&Token> {
        self.token()
            .filter(|t| t.expires_at.is_none_or(|e| e > now))
    }

    /// The signed-in user.
    pub fn user(&self) -> Option<&U> {
        match &self.phase {
            Phase::SignedIn { user, .. } => user.as_ref(),
            _ => None,
        }
    }

    /// Whether a `logout()` still waits for the server's confirmation.
    pub fn logout_pending(&self) -> bool {
        matches!(
            self.phase,
            Phase::SignedOut {
                logout_unconfirmed: true
            }
        )
    }

    /// The session as handed to the app, stored and broadcast (wall time), when signed in.
    pub fn snapshot(&self) -> Option<Snapshot<U>> {
        match &self.phase {
            Phase::SignedIn { token, user } => Some(Snapshot {
                record: TokenRecord {
                    value: token.value.clone(),
                    expires_at: token.expires_at.map(|t| self.clock.to_wall(t)),
                    lifetime: token.lifetime,
                },
                user: user.clone(),
            }),
            _ => None,
        }
    }

    /// A snapshot from storage or another tab, on the machine's clock.
    fn on_machine_clock(&self, mut s: Snapshot<U>) -> Snapshot<U> {
        s.record.expires_at = s.record.expires_at.map(|w| self.clock.from_wall(w));
        s
    }

    /// The machine time at the reading `at` (for the getters and `auth.fetch`, between inputs).
    pub fn time_at(&self, at: Reading) -> Ms {
        self.clock.at(at)
    }

    /// Machine time `t` on the wall clock (`expiresAt`).
    pub fn wall(&self, t: Ms) -> Ms {
        self.clock.to_wall(t)
    }

    /// What the tokens said about the server's clock, and how many wall-clock jumps were seen
    /// (for `doctor()` and traces).
    pub fn clock_evidence(&self) -> (Option<i64>, u32) {
        (self.timing.offset(), self.clock.jumps())
    }

    /// Feeds one input, read at `at` (the single entry point the shell uses; the methods it
    /// dispatches to are public for tests and take machine time).
    pub fn handle(&mut self, input: Input<U>, at: Reading) {
        let now = self.clock.tick(at);
        match input {
            Input::Call(op, Call::Login(credentials)) => self.login(op, credentials, now),
            Input::Call(op, Call::LoginWith(body, url)) => self.login_with(op, body, url, now),
            Input::Call(op, Call::SignUp { fields, login }) => self.sign_up(op, fields, login, now),
            Input::Call(op, Call::Account(call, body)) => self.account(op, call, body, now),
            Input::Call(op, Call::Logout) => self.logout(op, now),
            Input::Call(op, Call::Refresh) => self.refresh(op, now),
            Input::Call(op, Call::RefreshAfter401) => self.refresh_after_401(op, now),
            Input::Call(op, Call::Restore(stored)) => self.restore(op, stored, now),
            Input::Reply(id, reply) => self.reply(id, reply, now),
            Input::LockAcquired(waited) => self.lock_acquired(waited, now),
            Input::LockFailed => self.lock_failed(now),
            Input::Timeout => self.handle_timeout(now),
            Input::Wake(page) => self.wake(page, now),
            Input::RemoteToken(snapshot, signed_in) => self.remote_token(snapshot, signed_in, now),
            Input::RemoteSignedOut => self.remote_signed_out(now),
            Input::RemoteExpired => self.remote_expired(now),
            Input::RemoteUser(snapshot) => self.remote_user(snapshot, now),
            Input::Call(op, Call::Doctor) => self.doctor(op, now),
            Input::Call(op, Call::AwaitSession) => self.await_session(op),
            Input::Examined { signed_in, cleared } => self.examined(signed_in, cleared, now),
        }
        self.release_decided();
    }

    /// The next queued effect.
    pub fn poll_action(&mut self) -> Option<Action<U>> {
        self.actions.pop_front()
    }

    /// When [`Machine::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<Ms> {
        let deadlines = self.waiters.iter().filter_map(ops::Waiter::deadline);
        let grace = self.jobs.front().and_then(jobs::Job::grace_until);
        deadlines.chain(grace).chain(self.refresh_due()).min()
    }

    /// When a refresh of this tab's own is due, when none is queued: the proactive one (or its
    /// retry) of a session held, or the next try to decide a session the server could not be
    /// asked about — only while the page is visible and online.
    fn refresh_due(&self) -> Option<Ms> {
        if !self.idle() {
            return None;
        }
        match &self.phase {
            Phase::SignedIn { .. } => self.backoff.due().or_else(|| self.refresh_at()),
            Phase::Unknown {
                unreachable: Some(_),
            } if self.page.visible && self.page.online => self.backoff.due(),
            _ => None,
        }
    }

    /// The timer fired (or the page woke up: visible, online, pageshow): callers past their
    /// deadline give up, a grace period ends, a refresh starts when one is due.
    pub fn handle_timeout(&mut self, now: Ms) {
        self.expire_waiters(now);
        if self.refresh_due().is_some_and(|at| at <= now) {
            self.backoff.trying();
            self.push_job(jobs::JobKind::refresh(self.gen));
        }
        self.pump(now);
    }

    /// The page woke up (visible, online, pageshow), or went hidden or offline: a retry waiting
    /// out a failure is hurried when the page became visible or came back online,
    /// [`Machine::handle_timeout`] runs, and a logout the server has not confirmed is tried
    /// again.
    pub fn wake(&mut self, page: PageState, now: Ms) {
        let was = core::mem::replace(&mut self.page, page);
        let back = (page.visible && !was.visible) || (page.online && !was.online);
        if back && page.visible && page.online {
            self.backoff.hurry(now);
        }
        // Not behind a login: its cookies will replace the ones the logout was to clear. Not
        // from a page going hidden (it may be unloading: its request and lock would be cut
        // off mid-way).
        if self.logout_pending() && self.idle() && page.online && page.visible {
            self.push_job(jobs::JobKind::logout());
        }
        self.handle_timeout(now);
    }

    /// Why the session could not be decided, while the machine keeps trying.
    pub fn unreachable(&self) -> Option<&AuthError> {
        match &self.phase {
            Phase::Unknown { unreachable } => unreachable.as_ref(),
            _ => None,
        }
    }

    /// No live job is queued: the session is not about to change by this tab's hand.
    fn idle(&self) -> bool {
        self.jobs.iter().all(|j| j.superseded)
    }

    /// The proactive refresh moment: `leeway` before expiry, where the leeway is capped at half
    /// the token's lifetime so that a leeway longer than the lifetime cannot loop.
    fn refresh_at(&self) -> Option<Ms> {
        let t = self.token()?;
        timing::refresh_at(t.expires_at?, t.lifetime, self.opts.leeway)
    }

    fn next_id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    /// Carries the queue forward: drops superseded jobs that wait for nothing, asks for the
    /// lock, starts the head job, ends a grace period that is over, and lets the lock go when
    /// the queue is empty. Called after every input.
    fn pump(&mut self, now: Ms) {
        while let Some(head) = self.jobs.front() {
            if head.superseded && !head.on_wire() {
                self.jobs.pop_front();
                continue;
            }
            if !head.queued_or_grace_over(now) {
                break;
            }
            if self.opts.cross_tab && self.lock != Lock::Held {
                if self.lock == Lock::Free {
                    self.lock = Lock::Wanted;
                    let wait = Delay::ms(self.opts.timeout.saturating_mul(LOCK_WAIT_FACTOR));
                    self.actions.push_back(Action::AcquireLock(wait));
                }
                break;
            }
            self.advance_head(now);
        }
        if self.jobs.is_empty() && self.lock == Lock::Held {
            self.lock = Lock::Free;
            self.actions.push_back(Action::ReleaseLock);
        }
    }

    /// The cross-tab lock was granted; `waited`: another tab held it first (its broadcast may
    /// be arriving).
    pub fn lock_acquired(&mut self, waited: bool, now: Ms) {
        if self.lock != Lock::Wanted {
            // Not asked for (any more): let it go.
            self.actions.push_back(Action::ReleaseLock);
            return;
        }
        self.lock = Lock::Held;
        if waited {
            if let Some(head) = self.jobs.front_mut() {
                head.after_waited_lock(now + ADOPT_GRACE_MS);
            }
        }
        self.pump(now);
    }

    /// The cross-tab lock could not be had (another tab held it for longer than the wait):
    /// the head job fails as if its request had timed out.
    pub fn lock_failed(&mut self, now: Ms) {
        if self.lock != Lock::Wanted {
            return;
        }
        self.lock = Lock::Free;
        let e = AuthError::new(
            ErrorCode::Timeout,
            "timed out waiting for another tab's request",
        );
        self.fail_head(e, now);
        self.pump(now);
    }

    fn push_event(&mut self, source: Source, kind: EventKind, reason: Option<&'static str>) {
        let user = self.user().cloned();
        self.actions.push_back(Action::Emit(Event {
            kind,
            user,
            source,
            reason,
        }));
    }

    fn emit(&mut self, kind: EventKind, reason: Option<&'static str>) {
        self.push_event(Source::ThisTab, kind, reason);
    }
}

#[cfg(test)]
mod accounts;
#[cfg(test)]
mod exchanges;
#[cfg(test)]
mod harness;
#[cfg(test)]
mod order;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
