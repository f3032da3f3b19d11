//! The session state machine: every decision about tokens, requests, their order, retries and
//! events, with no I/O and no clock of its own (sans-IO, in the manner of quinn-proto).
//!
//! The shell feeds it one [`Input`] at a time through [`Machine::handle`] — the app's calls,
//! replies, lock grants, other tabs' messages, the page's state — with the clocks' reading,
//! carries out the [`Action`]s it queues ([`Machine::poll_action`]), and arms one timer for
//! [`Machine::poll_timeout`]. `U` is the user object (a `JsValue` in the browser).
//!
//! The rooms, in the order a login passes through them: [`calls`] (the app's calls and how
//! each settles) → [`queue`] (the cookie-setting work and its lock; the job types in [`job`])
//! → the steps of each kind of job ([`login`], [`refresh`], [`logout`], [`account`]) →
//! [`results`] (what a finished job does to the session). Beside them: [`waiters`] (the app
//! calls waiting for a job), [`remote`] (other tabs), [`fetch`] (`auth.fetch`'s rules),
//! [`timing`], [`clock`] and [`backoff`]; the types that cross to the shell in [`io`].
//!
//! # Operations and their order
//! - Requests that can set or clear the session cookies (login, refresh, logout, the account
//!   calls) are *jobs* in one queue: only the head's request is ever on the wire, and with
//!   `crossTab` only while this tab holds the cross-tab lock, so they never overlap, in a tab
//!   or across tabs.
//! - The latest call the app made wins. A login supersedes every job but a logout; a logout
//!   supersedes every job but another logout. A superseded job's promise settles at once
//!   (a login with `aborted`); a request of it already on the wire is waited for (its answer
//!   may set cookies the next request must see) and then dropped: never applied, persisted,
//!   broadcast or emitted.
//! - `restore()` and `refresh()` join what is in flight instead of starting a parallel flow.
//!
//! # Invariants
//! - A token exists only in [`Phase::SignedIn`]; a pending logout only in
//!   [`Phase::SignedOut`] (both by type).
//! - After a logout or a definitive rejection no refresh starts until the next sign-in.
//! - Expiry is judged on the machine's clock from the token's lifetime counted from receipt
//!   ([`timing`]).

use alloc::vec::Vec;

mod account;
mod backoff;
mod calls;
mod clock;
mod fetch;
mod io;
mod job;
mod login;
mod logout;
mod phase;
mod queue;
mod refresh;
mod remote;
mod results;
mod timer;
mod timing;
mod waiters;

pub use backoff::{Backoff, RETRY_MAX_MS, RETRY_MIN_MS};
pub use clock::{Clock, Reading};
pub use fetch::{consult, Attempt, Consult, Gate, Retry, CONSULTED};
pub use io::{
    Action, Broadcast, Call, Delay, Event, EventKind, Input, OpId, Outcome, Payload, ReqId,
    Request, Snapshot, Source, Waited,
};
pub use phase::{Failure, Phase, State, Token, TokenRecord};
pub use results::Reply;
pub use timing::{Expiry, Timing, REFRESH_FLOOR_MS};

use crate::error::{AuthError, ErrorCode};
use calls::Lookup;
use job::{JobId, Work};
use queue::{Lock, Queue};
use waiters::Waiters;

/// Milliseconds on the machine's clock: it starts at the wall clock's reading and then follows
/// the monotonic clock, taking the wall clock's steps only when the device slept ([`clock`]).
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
    /// Cookie-setting work, in the order the app asked for it, and the cross-tab lock.
    queue: Queue,
    /// User look-ups outside a job (`restore()` of a session without a user).
    lookups: Vec<Lookup>,
    /// App calls waiting for a job, a look-up or the session.
    waiters: Waiters,
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
    /// The actions for the shell, in order (a few per input: a `Vec`, see `queue`).
    actions: Vec<Action<U>>,
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
            queue: Queue::new(),
            lookups: Vec::new(),
            waiters: Waiters::default(),
            next_id: 0,
            peers_seen: false,
            jar: None,
            orphaned: false,
            refresh_exposed: false,
            actions: Vec::new(),
        }
    }

    /// Feeds one input, read at `at`: the single entry point of the shell.
    pub fn handle(&mut self, input: Input<U>, at: Reading) {
        let now = self.clock.tick(at);
        match input {
            Input::Call(op, call) => self.call(op, call, now),
            Input::Reply(id, reply) => self.reply(id, reply, now),
            Input::LockAcquired(waited) => self.lock_acquired(waited, now),
            Input::LockFailed => self.lock_failed(now),
            Input::Timeout => self.handle_timeout(now),
            Input::Wake(page) => self.wake(page, now),
            Input::RemoteToken(snapshot, signed_in) => self.remote_token(snapshot, signed_in, now),
            Input::RemoteSignedOut => self.remote_signed_out(now),
            Input::RemoteExpired => self.remote_expired(now),
            Input::RemoteUser(snapshot) => self.remote_user(snapshot, now),
            Input::Examined { signed_in, cleared } => self.examined(signed_in, cleared, now),
        }
        self.release_decided();
    }

    /// The next queued effect.
    pub fn poll_action(&mut self) -> Option<Action<U>> {
        (!self.actions.is_empty()).then(|| self.actions.remove(0))
    }

    /// When the shell should next feed [`Input::Timeout`].
    pub fn poll_timeout(&self) -> Option<Ms> {
        let deadlines = self.waiters.deadlines();
        deadlines
            .chain(self.queue.grace_until())
            .chain(self.refresh_due())
            .min()
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

    /// Why the session could not be decided, while the machine keeps trying.
    pub fn unreachable(&self) -> Option<&AuthError> {
        match &self.phase {
            Phase::Unknown { unreachable } => unreachable.as_ref(),
            _ => None,
        }
    }

    /// Whether a sign-up in this page answered with the refresh token in its body (for
    /// `doctor()`: scripts could read it; tokenward did not keep it).
    pub fn sign_up_exposed_refresh(&self) -> bool {
        self.refresh_exposed
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

    fn next_id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    /// Queues a job; its id.
    fn push(&mut self, work: Work) -> JobId {
        let id = JobId(self.next_id());
        self.queue.push(job::Job { id, work });
        id
    }

    /// Carries the queue forward: asks for the lock, starts the head job when it may, and
    /// lets the lock go when the queue is empty. Called after every input that changes it.
    fn pump(&mut self, now: Ms) {
        while let Some(head) = self.queue.head() {
            if !head.ready(now) {
                break;
            }
            if self.opts.cross_tab && self.queue.lock != Lock::Held {
                if self.queue.lock == Lock::Free {
                    self.queue.lock = Lock::Wanted;
                    let wait = Delay::ms(self.opts.timeout.saturating_mul(LOCK_WAIT_FACTOR));
                    self.actions.push(Action::AcquireLock(wait));
                }
                break;
            }
            self.advance_head(now);
        }
        if self.queue.is_empty() && self.queue.lock == Lock::Held {
            self.queue.lock = Lock::Free;
            self.actions.push(Action::ReleaseLock);
        }
    }

    /// The cross-tab lock was granted.
    fn lock_acquired(&mut self, waited: Waited, now: Ms) {
        if self.queue.lock != Lock::Wanted {
            // Not asked for (any more): let it go.
            self.actions.push(Action::ReleaseLock);
            return;
        }
        self.queue.lock = Lock::Held;
        if waited == Waited::ForAnotherTab {
            if let Some(mut head) = self.queue.take_head() {
                if let Work::Refresh(r) = &mut head.work {
                    r.after_lock_waited(now + ADOPT_GRACE_MS);
                }
                self.queue.push_front(head);
            }
        }
        self.pump(now);
    }

    /// The cross-tab lock could not be had (another tab held it for longer than the wait):
    /// the head job fails as if its request had timed out.
    fn lock_failed(&mut self, now: Ms) {
        if self.queue.lock != Lock::Wanted {
            return;
        }
        self.queue.lock = Lock::Free;
        let e = AuthError::new(
            ErrorCode::Timeout,
            "timed out waiting for another tab's request",
        );
        self.fail_head(e, now);
        self.pump(now);
    }

    fn push_event(&mut self, source: Source, kind: EventKind, reason: Option<&'static str>) {
        let user = self.user().cloned();
        self.actions.push(Action::Emit(Event {
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
mod tests;
