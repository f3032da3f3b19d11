//! The app's calls: `login()`, `logout()`, `refresh()` (and the refreshes `auth.fetch` waits
//! for), `restore()`; and how each one's promise settles.
//!
//! | the app calls | while in flight | then |
//! |---|---|---|
//! | `login()` | a login or refresh | they are superseded (a login rejects `aborted`, a refresh caller too); the new login goes after whatever is on the wire |
//! | `login()` | a logout | the logout is sent first, then the login |
//! | `logout()` | anything but a logout | signed out at once; they are superseded (a login rejects `aborted`, a refresh caller `session_expired`); the server call goes after whatever is on the wire |
//! | `logout()` | a logout | joins it |
//! | `refresh()` | a refresh | joins it |
//! | `refresh()` | a login | waits for it, and takes its token when it signs in |
//! | `restore()` | anything | waits for it, then answers from the session it leaves |

use alloc::string::String;
use alloc::vec::Vec;

use super::event::{Action, OpId, Outcome, ReqId, Snapshot};
use super::jobs::{signed_out, Job, JobKind, Lookup};
use super::{Broadcast, EventKind, Machine, Ms, Phase, State};
use crate::error::{AuthError, ErrorCode};
use crate::outcome::header_safe;
use crate::secret::Secret;

/// What an app call is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Want {
    /// `login()`, `loginWith()`: its own job.
    Login,
    /// `signUp()`: its own job (a sign-up, then a login).
    SignUp,
    /// A password or profile call: its own job.
    Account,
    /// `refresh()`, or a refresh `auth.fetch` waits for before sending: a fresh token.
    Token,
    /// A refresh `auth.fetch` waits for after a 401: a fresh token (see `REFRESH_FLOOR_MS`).
    Retry,
    /// `restore()`: the session, once what it waits for is done.
    Restore,
    /// `logout()`: the server's answer.
    Logout,
    /// `doctor()`: its turn at the queue.
    Turn,
    /// `auth.fetch`: the session being decided (see `fetch`).
    Decided,
}

/// What a waiter is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum On {
    Job(u32),
    Lookup(ReqId),
    /// Nothing deciding the session any more (see `fetch`).
    Decision,
}

/// An app call waiting for a job or a look-up, and when it gives up.
#[derive(Debug)]
pub(super) struct Waiter {
    op: OpId,
    want: Want,
    on: On,
    deadline: Option<Ms>,
}

impl Waiter {
    pub(super) fn deadline(&self) -> Option<Ms> {
        self.deadline
    }

    pub(super) fn want(&self) -> Want {
        self.want
    }

    pub(super) fn on(&self) -> On {
        self.on
    }

    pub(super) fn op(&self) -> OpId {
        self.op
    }
}

fn aborted() -> AuthError {
    AuthError::new(
        ErrorCode::Aborted,
        "superseded by a later login() or logout()",
    )
}

fn signed_out_meanwhile() -> AuthError {
    AuthError::new(
        ErrorCode::SessionExpired,
        "signed out while the refresh was in flight",
    )
}

impl<U: Clone> Machine<U> {
    /// `login(credentials)`: `credentials` is the JSON body to send.
    pub fn login(&mut self, op: OpId, credentials: Secret, now: Ms) {
        self.sign_in_job(op, Want::Login, JobKind::login(credentials, None), now);
    }

    /// `loginWith(url, body)`: a login at another endpoint that answers like `LoginView`
    /// (social login, a custom view), with everything `login()` does.
    pub fn login_with(&mut self, op: OpId, body: Secret, url: String, now: Ms) {
        self.sign_in_job(op, Want::Login, JobKind::login(body, Some(url)), now);
    }

    /// Queues a job that signs in (a login, a sign-up): it supersedes every job but a logout,
    /// whose callers reject `aborted`; a `restore()` waits for the new job instead.
    pub(super) fn sign_in_job(&mut self, op: OpId, want: Want, kind: JobKind, now: Ms) {
        let taken = self.take_superseded(&|j| j.supersedable());
        // A logout this page knows was never confirmed goes first: in config c it revokes the
        // old session's refresh token, which the login's cookies are about to replace.
        let queued = self.jobs.iter().any(|j| j.is_live_logout());
        if self.logout_pending() && !queued {
            self.push_job(JobKind::logout());
        }
        let job = self.push_job(kind);
        // Given up after one wait for the queue and one request (the job runs on: a late
        // success still signs in, with its event).
        let deadline = now.saturating_add(self.opts.timeout.saturating_mul(2));
        self.wait(op, want, On::Job(job), Some(deadline));
        for w in taken {
            match w.want {
                // restore() waits for the new login instead.
                Want::Restore => self.wait(w.op, Want::Restore, On::Job(job), None),
                _ => self.settle(w.op, Outcome::Failed(aborted())),
            }
        }
        self.pump(now);
    }

    /// `logout()`: signed out here at once; the server call is queued after whatever is on
    /// the wire, and its answer settles `op`.
    pub fn logout(&mut self, op: OpId, now: Ms) {
        self.end_locally(true);
        let job = match self.last_live_job() {
            Some(j) if matches!(j.kind, JobKind::Logout { .. }) => j.id,
            _ => self.push_job(JobKind::logout()),
        };
        self.wait(op, Want::Logout, On::Job(job), None);
        self.pump(now);
    }

    /// `doctor({ credentials })` asks for its turn: its cycle sets and clears the cookies, so it
    /// waits for what is on the wire and holds the queue (and the cross-tab lock) until
    /// [`Machine::examined`]. A later login waits for it too.
    pub fn doctor(&mut self, op: OpId, now: Ms) {
        let job = self.push_job(JobKind::Doctor);
        self.wait(op, Want::Turn, On::Job(job), None);
        self.pump(now);
    }

    /// `doctor()`'s cycle is over. When it signed in, it replaced this client's session and
    /// then logged out: this client follows, as after `logout()`; when that logout did not
    /// reach the view (`cleared`), it stays pending.
    pub fn examined(&mut self, signed_in: bool, cleared: bool, now: Ms) {
        let job = self.jobs.iter().position(|j| j.is_examining());
        let job = job.and_then(|i| self.jobs.remove(i));
        if signed_in {
            self.end_locally(!cleared);
        }
        if let Some(job) = job {
            // `restore()` calls that waited for it ask again of the session it left.
            self.end_waiters(On::Job(job.id), now, &|_, _| None);
        }
        self.pump(now);
    }

    /// Signs out locally: every job but a logout is superseded, state and storage are
    /// cleared, other tabs told and `signedOut` emitted.
    pub(super) fn end_locally(&mut self, remember: bool) {
        let taken = self.take_superseded(&|j| j.supersedable());
        let had_session = self.state() == State::SignedIn;
        self.clear(remember);
        if remember {
            // Before the request goes out, so that closing the page mid-request is covered
            // too; forgotten when the server confirms.
            self.actions.push_back(Action::RememberLogout);
        }
        self.actions
            .push_back(Action::Broadcast(Broadcast::SignedOut));
        if had_session {
            self.emit(EventKind::SignedOut, None);
        }
        for w in taken {
            let outcome = match w.want {
                Want::Login | Want::SignUp => Outcome::Failed(aborted()),
                Want::Token | Want::Retry => Outcome::Failed(signed_out_meanwhile()),
                _ => Outcome::NoSession,
            };
            self.settle(w.op, outcome);
        }
    }

    /// `refresh()`, or a refresh `auth.fetch` waits for before sending: joins the refresh in
    /// flight, waits for a login in flight, or starts one. Gives up after `timeoutMs` (the
    /// request runs on).
    pub fn refresh(&mut self, op: OpId, now: Ms) {
        self.refresh_for(op, Want::Token, now);
    }

    /// The refresh `auth.fetch` waits for after a 401, as [`Machine::refresh`]; the token it
    /// brings is not refreshed again after a 401 for [`super::REFRESH_FLOOR_MS`].
    pub fn refresh_after_401(&mut self, op: OpId, now: Ms) {
        self.refresh_for(op, Want::Retry, now);
    }

    fn refresh_for(&mut self, op: OpId, want: Want, now: Ms) {
        let deadline = Some(now.saturating_add(self.opts.timeout));
        let last = self
            .last_live_job()
            .map(|j| (j.id, j.is_refresh(), j.is_live_logout()));
        match last {
            Some((id, true, _)) => self.wait(op, want, On::Job(id), deadline),
            Some((_, _, true)) => self.settle(op, Outcome::Failed(signed_out())),
            None if self.state() == State::SignedOut => {
                self.settle(op, Outcome::Failed(signed_out()))
            }
            // After a login in flight: its token will answer this refresh without a request.
            _ => {
                let job = self.push_job(JobKind::refresh(self.gen));
                self.wait(op, want, On::Job(job), deadline);
            }
        }
        self.pump(now);
    }

    /// `doctor()`'s turn has come: its waiter on `job` is settled; a `restore()` waiting on the
    /// same job waits on, for the session the cycle leaves.
    pub(super) fn give_turn(&mut self, job: u32) {
        for w in self.take_waiters(&|w| w.on == On::Job(job) && w.want == Want::Turn) {
            self.settle(w.op, Outcome::Turn);
        }
    }

    /// Whether an app call waits on `job` for `want`.
    pub(super) fn awaited_for(&self, job: u32, want: Want) -> bool {
        self.waiters
            .iter()
            .any(|w| w.on == On::Job(job) && w.want == want)
    }

    /// `restore()` on page load. `stored` is what storage holds (nothing in memory mode).
    pub fn restore(&mut self, op: OpId, stored: Option<Snapshot<U>>, now: Ms) {
        self.restore_inner(op, stored, now);
        self.pump(now);
    }

    fn restore_inner(&mut self, op: OpId, stored: Option<Snapshot<U>>, now: Ms) {
        if let Some(job) = self.last_live_job() {
            let (id, refresh) = (job.id, job.is_refresh());
            let deadline = refresh.then(|| now.saturating_add(self.opts.timeout));
            self.wait(op, Want::Restore, On::Job(id), deadline);
            return;
        }
        match self.phase {
            Phase::SignedOut {
                logout_unconfirmed: true,
            } => {
                // An earlier logout never reached the server: finish it instead of bringing the
                // session back from the cookie it was meant to clear (given up after
                // `timeoutMs`, as a restore by refresh is; the logout runs on).
                let job = self.push_job(JobKind::logout());
                let deadline = now.saturating_add(self.opts.timeout);
                self.wait(op, Want::Restore, On::Job(job), Some(deadline));
            }
            Phase::SignedOut { .. } => self.settle(op, Outcome::NoSession),
            Phase::SignedIn { .. } if self.live_token(now).is_some() => self.answer_with_user(op),
            // Expired meanwhile (a sleeping laptop): a fresh one from the cookie.
            Phase::SignedIn { .. } => self.restore_by_refresh(op, now),
            Phase::Unknown { .. } => match stored.map(|s| self.on_machine_clock(s)) {
                Some(s) if s.record.live_at(now) && header_safe(s.record.value.expose()) => {
                    self.sign_in(s.record, s.user, None);
                    self.emit(EventKind::SignedIn, Some("restored"));
                    self.answer_with_user(op);
                }
                unusable => {
                    if unusable.is_some() {
                        self.actions.push_back(Action::ClearStorage);
                    }
                    self.restore_by_refresh(op, now);
                }
            },
        }
    }

    /// `restore()` from the cookie: a refresh, given up after `timeoutMs`.
    fn restore_by_refresh(&mut self, op: OpId, now: Ms) {
        let job = self.push_job(JobKind::refresh(self.gen));
        let deadline = Some(now.saturating_add(self.opts.timeout));
        self.wait(op, Want::Restore, On::Job(job), deadline);
    }

    /// Settles `op` with the session, after looking its user up when it has none.
    fn answer_with_user(&mut self, op: OpId) {
        let Some(token) = self.token() else {
            return self.settle(op, Outcome::NoSession);
        };
        if !self.opts.user_lookup || self.user().is_some() {
            let s = self.snapshot().map_or(Outcome::NoSession, Outcome::Session);
            return self.settle(op, s);
        }
        let (gen, bearer) = (token.gen, token.value.clone());
        let req = match self.lookups.iter().find(|l| l.gen == gen) {
            Some(l) => l.req,
            None => {
                let req = self.send_lookup(bearer);
                self.lookups.push(Lookup { req, gen });
                req
            }
        };
        self.wait(op, Want::Restore, On::Lookup(req), None);
    }

    pub(super) fn wait(&mut self, op: OpId, want: Want, on: On, deadline: Option<Ms>) {
        self.waiters.push(Waiter {
            op,
            want,
            on,
            deadline,
        });
    }

    pub(super) fn settle(&mut self, op: OpId, outcome: Outcome<U>) {
        self.actions.push_back(Action::Settle(op, outcome));
    }

    /// Settles the waiters on `on`: `outcome` gives each its result; `None` makes a
    /// `restore()` ask again of the session as it now stands.
    pub(super) fn end_waiters(
        &mut self,
        on: On,
        now: Ms,
        outcome: &dyn Fn(&Self, Want) -> Option<Outcome<U>>,
    ) {
        for w in self.take_waiters(&|w| w.on == on) {
            match (outcome(self, w.want), w.want) {
                (Some(o), _) => self.settle(w.op, o),
                (None, Want::Restore) => self.restore_inner(w.op, None, now),
                (None, _) => self.settle(w.op, Outcome::Failed(signed_out())),
            }
        }
    }

    /// Callers past their deadline give up with `timeout` (what they wait for runs on).
    pub(super) fn expire_waiters(&mut self, now: Ms) {
        for w in self.take_waiters(&|w| w.deadline.is_some_and(|d| d <= now)) {
            let message = match w.want {
                Want::Login | Want::SignUp => {
                    "no answer in time (2 × timeoutMs): the queue or the server is slow; \
                     a later success still signs in"
                }
                _ => "no answer in time (timeoutMs): the request runs on",
            };
            let e = AuthError::new(ErrorCode::Timeout, message);
            self.settle(w.op, Outcome::Failed(e));
        }
    }

    /// Marks the live jobs whose kind `hit` selects as superseded, drops every user look-up
    /// (the session they were for is being replaced), and hands back their waiters for the
    /// caller to settle.
    pub(super) fn take_superseded(&mut self, hit: &dyn Fn(&Job) -> bool) -> Vec<Waiter> {
        let mut ids = Vec::new();
        for j in self.jobs.iter_mut() {
            if !j.superseded && hit(j) {
                j.superseded = true;
                ids.push(j.id);
            }
        }
        self.lookups.clear();
        self.take_waiters(&|w| match w.on {
            On::Job(id) => ids.contains(&id),
            On::Lookup(_) => true,
            On::Decision => false,
        })
    }

    /// Removes and returns the waiters `pick` selects, in order.
    pub(super) fn take_waiters(&mut self, pick: &dyn Fn(&Waiter) -> bool) -> Vec<Waiter> {
        let (taken, rest) = core::mem::take(&mut self.waiters)
            .into_iter()
            .partition(|w| pick(w));
        self.waiters = rest;
        taken
    }

    /// Settles waiters taken by [`Machine::take_superseded`] from the session as it now
    /// stands (after another tab's sign-in or sign-out).
    pub(super) fn answer_taken(&mut self, taken: Vec<Waiter>, now: Ms) {
        for w in taken {
            match w.want {
                Want::Restore => self.restore_inner(w.op, None, now),
                Want::Logout => {
                    let o = super::jobs::not_confirmed(
                        "another tab signed in before this logout reached the server",
                    );
                    self.settle(w.op, Outcome::LoggedOut(o));
                }
                _ => {
                    let o = self.session_or_failure(w.want);
                    let o = o.unwrap_or(Outcome::Failed(signed_out_meanwhile()));
                    self.settle(w.op, o);
                }
            }
        }
    }
}
