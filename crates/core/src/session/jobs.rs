//! Jobs: the cookie-setting work (login, refresh, logout) as a queue of one, and the steps of
//! each job as replies come back.
//!
//! A job's requests go out one at a time and only while it is the head of the queue (and this
//! tab holds the cross-tab lock). Login and logout are exchanges decided by the pure
//! `next_step` functions of [`crate::login`] and [`crate::logout`]; a refresh may be
//! resent once after a refusal, but only with evidence of another tab that may have rotated the
//! cookie (the lock was held by another tab first, or another tab was heard from).

use alloc::string::String;

use super::event::{Action, Payload, ReqId, Request};
use super::steps::Next;
use super::{Delay, Failure, Machine, Ms, State, TokenRecord, REFRESH_LIMIT_FACTOR};
use crate::account::AccountCall;
use crate::error::{AuthError, ErrorCode};
use crate::logout::LogoutOutcome;
use crate::outcome::{BodyFacts, Endpoint};
use crate::secret::Secret;

/// A Bearer is only sent to logout when it is valid for at least this long (an expired one
/// makes dj-rest-auth answer 401 before the view runs, and then it clears no cookies).
const LOGOUT_BEARER_MARGIN_MS: Ms = 5000;

/// A reply to one of the SDK's requests, as the shell read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<U> {
    /// HTTP status.
    pub status: u16,
    /// What the body says.
    pub facts: BodyFacts,
    /// The user object: the user field of a login reply, or the body of a user look-up.
    pub user: Option<U>,
}

/// One unit of cookie-setting work.
#[derive(Debug)]
pub(super) struct Job {
    pub(super) id: u32,
    pub(super) kind: JobKind,
    pub(super) stage: Stage,
    /// A later call replaced this job's purpose: its waiters were settled, and it stays only
    /// while a request of it is on the wire. Its result is never applied.
    pub(super) superseded: bool,
}

#[derive(Debug)]
pub(super) enum JobKind {
    Login {
        credentials: Secret,
        /// `loginWith()`'s endpoint, else `endpoints.login`.
        at: Option<String>,
        exchange: Exchange<AuthError>,
    },
    /// A sign-up, a password or a profile call ([`crate::account`]).
    Account {
        call: AccountCall,
        body: Payload,
        /// How its requests get past Django's CSRF check while signed out (as a login's).
        exchange: Exchange<AuthError>,
        /// A sign-up: the credentials of the login that follows it.
        then_login: Option<Secret>,
    },
    Refresh {
        /// The token generation when the job was queued: a newer token by the time the job
        /// may send (from another tab, or a login before it) makes the request unnecessary.
        base_gen: u64,
        /// Resent once already after a refusal.
        retried: bool,
        /// Another tab held the lock before this job got it.
        lock_waited: bool,
    },
    Logout {
        exchange: Exchange<LogoutOutcome>,
    },
    /// `doctor()`'s credentialed cycle, run by the shell while it holds the queue.
    Doctor,
}

impl JobKind {
    pub(super) fn login(credentials: Secret, at: Option<String>) -> JobKind {
        JobKind::Login {
            credentials,
            at,
            exchange: Exchange::default(),
        }
    }

    pub(super) fn account(call: AccountCall, body: Payload, then_login: Option<Secret>) -> JobKind {
        JobKind::Account {
            call,
            body,
            exchange: Exchange::default(),
            then_login,
        }
    }

    pub(super) fn refresh(base_gen: u64) -> JobKind {
        JobKind::Refresh {
            base_gen,
            retried: false,
            lock_waited: false,
        }
    }

    pub(super) fn logout() -> JobKind {
        JobKind::Logout {
            exchange: Exchange::default(),
        }
    }
}

/// Where a login or logout exchange stands.
#[derive(Debug)]
pub(super) struct Exchange<F> {
    pub(super) bearer: Option<Secret>,
    /// Already resent with a fresh Bearer or a minted CSRF cookie.
    pub(super) fresh: bool,
    /// While a Bearer is being obtained: whether to mint a CSRF cookie if none can be had,
    /// and how the exchange ends if that does not help either.
    pub(super) fallback: Option<(bool, F)>,
}

impl<F> Default for Exchange<F> {
    fn default() -> Self {
        Exchange {
            bearer: None,
            fresh: false,
            fallback: None,
        }
    }
}

#[derive(Debug)]
pub(super) enum Stage {
    /// Waiting to be the head and to hold the lock.
    Queued,
    /// Lets another tab's broadcast arrive before deciding to send (a refresh only).
    Grace(Ms),
    /// A cookie-setting request is on the wire: the job's own (`bearer: false`) or the refresh
    /// that obtains a Bearer for it.
    Wire { req: ReqId, bearer: bool },
    /// The new session's user is being looked up before the result is applied.
    Lookup { req: ReqId, record: TokenRecord },
    /// `doctor()`'s cycle runs: its requests set and clear the cookies.
    Examining,
}

impl Job {
    /// A cookie-setting request of the job may be out: it is not dropped, and the lock stays.
    pub(super) fn on_wire(&self) -> bool {
        matches!(self.stage, Stage::Wire { .. } | Stage::Examining)
    }

    pub(super) fn is_examining(&self) -> bool {
        matches!(self.stage, Stage::Examining)
    }

    /// A later login or logout supersedes it: a login, refresh or sign-up (not a logout,
    /// which must reach the server, nor `doctor()`'s cycle, which reports when it is over, nor
    /// a password or profile call, which reports what the server did).
    pub(super) fn supersedable(&self) -> bool {
        match &self.kind {
            JobKind::Logout { .. } | JobKind::Doctor => false,
            JobKind::Account { call, .. } => *call == AccountCall::SignUp,
            JobKind::Login { .. } | JobKind::Refresh { .. } => true,
        }
    }

    pub(super) fn grace_until(&self) -> Option<Ms> {
        match self.stage {
            Stage::Grace(t) if !self.superseded => Some(t),
            _ => None,
        }
    }

    pub(super) fn queued_or_grace_over(&self, now: Ms) -> bool {
        match self.stage {
            Stage::Queued => true,
            Stage::Grace(t) => t <= now,
            _ => false,
        }
    }

    pub(super) fn is_live_logout(&self) -> bool {
        !self.superseded && matches!(self.kind, JobKind::Logout { .. })
    }

    pub(super) fn is_refresh(&self) -> bool {
        matches!(self.kind, JobKind::Refresh { .. })
    }

    /// The lock was granted after another tab held it: a refresh gives that tab's broadcast a
    /// moment to arrive.
    pub(super) fn after_waited_lock(&mut self, until: Ms) {
        if let (JobKind::Refresh { lock_waited, .. }, Stage::Queued) = (&mut self.kind, &self.stage)
        {
            *lock_waited = true;
            self.stage = Stage::Grace(until);
        }
    }
}

/// A user look-up outside a job: the session of generation `gen` has no user.
#[derive(Debug)]
pub(super) struct Lookup {
    pub(super) req: ReqId,
    pub(super) gen: u64,
}

impl<U: Clone> Machine<U> {
    /// Queues a job; returns its id.
    pub(super) fn push_job(&mut self, kind: JobKind) -> u32 {
        let id = self.next_id();
        self.jobs.push_back(Job {
            id,
            kind,
            stage: Stage::Queued,
            superseded: false,
        });
        id
    }

    /// The last job that was not superseded.
    pub(super) fn last_live_job(&self) -> Option<&Job> {
        self.jobs.iter().rev().find(|j| !j.superseded)
    }

    /// Asks the shell to send `request`; returns its id.
    pub(super) fn send(&mut self, request: Request) -> ReqId {
        let id = ReqId(self.next_id());
        self.actions.push_back(Action::Send(id, request));
        id
    }

    pub(super) fn request(
        &self,
        endpoint: Endpoint,
        payload: Payload,
        bearer: Option<Secret>,
    ) -> Request {
        let factor = if endpoint == Endpoint::Refresh {
            REFRESH_LIMIT_FACTOR
        } else {
            1
        };
        Request {
            endpoint,
            url: None,
            payload,
            bearer,
            mint_csrf: false,
            timeout: Delay::ms(self.opts.timeout.saturating_mul(factor)),
        }
    }

    /// The user look-up with `bearer`.
    pub(super) fn send_lookup(&mut self, bearer: Secret) -> ReqId {
        let r = self.request(Endpoint::User, Payload::Nothing, Some(bearer));
        self.send(r)
    }

    /// Sends the main request of a login or logout job (again).
    pub(super) fn send_main(&mut self, job: &mut Job, mint_csrf: bool) {
        let request = match &job.kind {
            JobKind::Login {
                credentials,
                at,
                exchange,
                ..
            } => Request {
                url: at.clone(),
                ..self.request(
                    Endpoint::Login,
                    Payload::Credentials(credentials.clone()),
                    exchange.bearer.clone(),
                )
            },
            JobKind::Account {
                call,
                body,
                exchange,
                ..
            } => self.request(call.endpoint(), body.clone(), exchange.bearer.clone()),
            JobKind::Logout { exchange } => {
                self.request(Endpoint::Logout, Payload::Empty, exchange.bearer.clone())
            }
            JobKind::Refresh { .. } | JobKind::Doctor => {
                self.request(Endpoint::Refresh, Payload::Empty, None)
            }
        };
        let req = self.send(Request {
            mint_csrf,
            ..request
        });
        job.stage = Stage::Wire { req, bearer: false };
    }

    /// The head job may proceed (it is queued or its grace is over, and the lock is held).
    pub(super) fn advance_head(&mut self, now: Ms) {
        let Some(mut job) = self.jobs.pop_front() else {
            return;
        };
        let next = match &mut job.kind {
            JobKind::Refresh { base_gen, .. }
                if self.adoptable(*base_gen, now) || self.state() == State::SignedOut =>
            {
                // Another tab refreshed (or a login before this job signed in): no request.
                // Or signed out meanwhile (a login before this job failed after a logout).
                self.end_job_waiters(job.id, now, &|m, want| m.session_or_failure(want));
                Next::Done
            }
            JobKind::Logout { exchange } => {
                exchange.bearer = self
                    .jar
                    .as_ref()
                    .filter(|j| j.live_at(now.saturating_add(LOGOUT_BEARER_MARGIN_MS)))
                    .map(|j| j.value.clone());
                self.send_main(&mut job, false);
                Next::Continue
            }
            JobKind::Doctor => {
                self.give_turn(job.id);
                job.stage = Stage::Examining;
                Next::Continue
            }
            JobKind::Account { .. } => self.start_account(&mut job, now),
            _ => {
                self.send_main(&mut job, false);
                Next::Continue
            }
        };
        match next {
            Next::Continue => self.jobs.push_front(job),
            // Not from the start of a job.
            Next::Behind(_) | Next::Done => {}
        }
    }

    /// Whether a refresh queued at generation `base_gen` is answered by a newer token that is
    /// live and not itself due for refresh.
    fn adoptable(&self, base_gen: u64, now: Ms) -> bool {
        self.gen > base_gen
            && self.live_token(now).is_some()
            && self.refresh_at().is_none_or(|at| at > now)
    }

    /// The reply to request `id`.
    pub fn reply(&mut self, id: ReqId, reply: Result<Reply<U>, AuthError>, now: Ms) {
        if let Some(i) = self.lookups.iter().position(|l| l.req == id) {
            let lookup = self.lookups.swap_remove(i);
            self.lookup_answered(lookup, reply, now);
        } else if self.jobs.front().is_some_and(|j| j.waits_for(id)) {
            if let Some(mut job) = self.jobs.pop_front() {
                match self.step(&mut job, reply, now) {
                    Next::Continue => self.jobs.push_front(job),
                    Next::Behind(first) => {
                        self.jobs.push_front(job);
                        let id = self.next_id();
                        self.jobs.push_front(Job {
                            id,
                            kind: first,
                            stage: Stage::Queued,
                            superseded: false,
                        });
                    }
                    Next::Done => {}
                }
            }
        }
        self.pump(now);
    }

    /// The head job fails without an answer (the cross-tab lock could not be had).
    pub(super) fn fail_head(&mut self, e: AuthError, now: Ms) {
        let Some(job) = self.jobs.pop_front() else {
            return;
        };
        if job.superseded {
            return;
        }
        match job.kind {
            JobKind::Login { .. } => self.login_failed(job.id, e, now),
            JobKind::Account { call, .. } => self.account_failed(job.id, call, e, now),
            JobKind::Refresh { .. } => self.refresh_failed(job.id, Failure::Transient, e, now),
            JobKind::Logout { .. } => self.logged_out(job.id, not_confirmed(&e.message), now),
            // Its turn all the same (a diagnosis is not worth failing for a lock); a
            // `restore()` waiting on it asks again.
            JobKind::Doctor => {
                self.give_turn(job.id);
                self.end_job_waiters(job.id, now, &|_, _| None);
            }
        }
    }
}

impl Job {
    pub(super) fn waits_for(&self, id: ReqId) -> bool {
        match self.stage {
            Stage::Wire { req, .. } | Stage::Lookup { req, .. } => req == id,
            _ => false,
        }
    }
}

/// A logout the server did not confirm, and why.
pub(super) fn not_confirmed(why: &str) -> LogoutOutcome {
    LogoutOutcome {
        server_confirmed: false,
        warning: Some(String::from(why)),
        cookies_cleared: false,
    }
}

/// The error of a refresh asked for while signed out.
pub(super) fn signed_out() -> AuthError {
    AuthError::new(ErrorCode::SessionExpired, "signed out: sign in again")
}
