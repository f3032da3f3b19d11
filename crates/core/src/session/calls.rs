//! The app's calls — `login()`, `loginWith()`, `signUp()`, the account calls, `logout()`,
//! `refresh()` (and the refreshes `auth.fetch` waits for), `restore()`, `doctor()` — what each
//! queues, what it joins, and how its promise settles.
//!
//! | the app calls | while in flight | then |
//! |---|---|---|
//! | `login()` | a login or refresh | they are superseded (a login rejects `aborted`, a refresh caller too); the new login goes after whatever is on the wire |
//! | `login()` | a logout (or one pending) | the logout is sent first, then the login |
//! | `logout()` | anything but a logout | signed out at once; they are superseded (a login rejects `aborted`, a refresh caller `session_expired`); the server call goes after whatever is on the wire |
//! | `logout()` | a logout | joins it |
//! | `refresh()` | a refresh | joins it |
//! | `refresh()` | a login | waits for it, and takes its token when it signs in |
//! | `restore()` | anything | waits for it, then answers from the session it leaves |

use super::io::{Action, Broadcast, Call, OpId, Outcome, ReqId, Snapshot};
use super::job::{Account, DoctorStage, Job, JobId, Login, Logout, Refresh, Work};
use super::waiters::{aborted, signed_out, signed_out_meanwhile, On, Want};
use super::{EventKind, Machine, Ms, Phase, State};
use crate::account::AccountCall;
use crate::outcome::header_safe;

/// A user look-up outside a job: the session of generation `gen` has no user.
#[derive(Debug)]
pub(super) struct Lookup {
    pub(super) req: ReqId,
    pub(super) gen: u64,
}

impl<U: Clone> Machine<U> {
    /// One app call.
    pub(super) fn call(&mut self, op: OpId, call: Call<U>, now: Ms) {
        match call {
            Call::Login(credentials) => {
                self.sign_in_job(op, Want::Login, Login::new(credentials, None).into(), now)
            }
            // A login at another endpoint that answers like `LoginView` (social login, a
            // custom view), with everything `login()` does.
            Call::LoginWith(body, url) => {
                self.sign_in_job(op, Want::Login, Login::new(body, Some(url)).into(), now)
            }
            Call::SignUp { fields, login } => {
                let fields = super::io::Payload::Credentials(fields);
                let job = Account::new(AccountCall::SignUp, fields, Some(login));
                self.sign_in_job(op, Want::SignUp, Work::Account(job), now)
            }
            Call::Account(call, body) => self.account_call(op, call, body, now),
            Call::Logout => self.logout(op, now),
            Call::Refresh => self.refresh_for(op, Want::Token, now),
            Call::RefreshAfter401 => self.refresh_for(op, Want::Retry, now),
            Call::Restore(stored) => {
                self.restore(op, stored, now);
                self.pump(now);
            }
            Call::Doctor => {
                // Its cycle sets and clears the cookies: it waits for what is on the wire and
                // holds the queue (and the cross-tab lock) until it reports; a later login
                // waits for it too.
                let job = self.push(Work::Doctor(DoctorStage::Queued));
                self.wait(op, Want::Turn, On::Job(job), None);
                self.pump(now);
            }
            Call::AwaitSession => self.await_session(op),
        }
    }

    /// Queues a job that signs in (a login, a sign-up): it supersedes every job but a logout,
    /// whose callers reject `aborted`; a `restore()` waits for the new job instead.
    fn sign_in_job(&mut self, op: OpId, want: Want, work: Work, now: Ms) {
        let taken = self.take_superseded(&|j| j.supersedable());
        // A logout this page knows was never confirmed goes first: in config c it revokes the
        // old session's refresh token, which the login's cookies are about to replace.
        let queued = self.queue.iter().any(Job::is_live_logout);
        if self.logout_pending() && !queued {
            self.push(Work::Logout(Logout::new()));
        }
        let job = self.push(work);
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

    /// A password, profile or e-mail call. One that needs a session rejects at once while
    /// signed out.
    fn account_call(&mut self, op: OpId, call: AccountCall, body: super::io::Payload, now: Ms) {
        if call.endpoint().needs_session() && self.state() == State::SignedOut {
            return self.settle(op, Outcome::Failed(signed_out()));
        }
        let job = self.push(Work::Account(Account::new(call, body, None)));
        self.wait(op, Want::Account, On::Job(job), None);
        self.pump(now);
    }

    /// `logout()`: signed out here at once; the server call is queued after whatever is on
    /// the wire, and its answer settles `op`.
    fn logout(&mut self, op: OpId, now: Ms) {
        self.end_locally(true);
        let job = match self.queue.last_live() {
            Some(j) if j.is_live_logout() => j.id,
            _ => self.push(Work::Logout(Logout::new())),
        };
        self.wait(op, Want::Logout, On::Job(job), None);
        self.pump(now);
    }

    /// `doctor()`'s cycle is over. When it signed in, it replaced this client's session and
    /// then logged out: this client follows, as after `logout()`; when that logout did not
    /// reach the view (`cleared`), it stays pending.
    pub(super) fn examined(&mut self, signed_in: bool, cleared: bool, now: Ms) {
        let job = self.queue.examining().and_then(|id| self.queue.remove(id));
        if signed_in {
            // The cycle replaced this session's cookies: a refresh queued behind it ends with
            // the session; a login or sign-up the app asked for after `doctor()` waited for the
            // cycle, and now goes on.
            self.end_locally_superseding(!cleared, &Job::is_refresh);
        }
        if let Some(job) = job {
            // `restore()` calls that waited for it ask again of the session it left.
            self.end_job_waiters(job.id, now, &|_, _| None);
        }
        self.pump(now);
    }

    /// Signs out locally: every job but a logout is superseded, state and storage are
    /// cleared, other tabs told and `signedOut` emitted; `remember`: a logout awaits the
    /// server, durably.
    pub(super) fn end_locally(&mut self, remember: bool) {
        self.end_locally_superseding(remember, &Job::supersedable);
    }

    /// [`Machine::end_locally`], superseding only the jobs `which` picks.
    fn end_locally_superseding(&mut self, remember: bool, which: &dyn Fn(&Job) -> bool) {
        let taken = self.take_superseded(which);
        let had_session = self.state() == State::SignedIn;
        self.clear(remember);
        if remember {
            // Before the request goes out, so that closing the page mid-request is covered
            // too; forgotten when the server confirms.
            self.actions.push(Action::RememberLogout);
        }
        self.actions.push(Action::Broadcast(Broadcast::SignedOut));
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

    /// `refresh()` (`want`: a token), or a refresh `auth.fetch` waits for (before sending, or
    /// after a refused token): joins the refresh in flight, waits for a login in flight, or
    /// starts one. Gives up after `timeoutMs` (the request runs on).
    fn refresh_for(&mut self, op: OpId, want: Want, now: Ms) {
        let deadline = Some(now.saturating_add(self.opts.timeout));
        let last = self
            .queue
            .last_live()
            .map(|j| (j.id, j.is_refresh(), j.is_live_logout()));
        match last {
            Some((id, true, _)) => self.wait(op, want, On::Job(id), deadline),
            Some((_, _, true)) => self.settle(op, Outcome::Failed(signed_out())),
            None if self.state() == State::SignedOut => {
                self.settle(op, Outcome::Failed(signed_out()))
            }
            // After a login in flight: its token will answer this refresh without a request.
            _ => {
                let job = self.push(Work::Refresh(Refresh::new(self.gen)));
                self.wait(op, want, On::Job(job), deadline);
            }
        }
        self.pump(now);
    }

    /// `doctor()`'s turn has come: its waiter on `job` is settled; a `restore()` waiting on the
    /// same job waits on, for the session the cycle leaves.
    pub(super) fn give_turn(&mut self, job: JobId) {
        for w in self
            .waiters
            .take(&|w| w.on == On::Job(job) && w.want == Want::Turn)
        {
            self.settle(w.op, Outcome::Turn);
        }
    }

    /// A `restore()` asks again of the session as it now stands (what it waited for is done).
    pub(super) fn restore_again(&mut self, op: OpId, now: Ms) {
        self.restore(op, None, now);
    }

    /// `restore()` on page load. `stored` is what storage holds (nothing in memory mode).
    fn restore(&mut self, op: OpId, stored: Option<Snapshot<U>>, now: Ms) {
        if let Some(job) = self.queue.last_live() {
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
                let job = self.push(Work::Logout(Logout::new()));
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
                        self.actions.push(Action::ClearStorage);
                    }
                    self.restore_by_refresh(op, now);
                }
            },
        }
    }

    /// `restore()` from the cookie: a refresh, given up after `timeoutMs`.
    fn restore_by_refresh(&mut self, op: OpId, now: Ms) {
        let job = self.push(Work::Refresh(Refresh::new(self.gen)));
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
}

impl From<Login> for Work {
    fn from(l: Login) -> Work {
        Work::Login(l)
    }
}
