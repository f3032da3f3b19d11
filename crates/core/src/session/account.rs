//! The account calls as jobs of the queue: `signUp()`, the password calls and `updateUser()`.
//!
//! They follow the ordering rules of every job (one request on the wire, under the cross-tab
//! lock: a password change answers with a new Django session cookie, and a Bearer obtained for
//! one rotates the refresh cookie). A sign-up signs in, so it supersedes and is superseded as a
//! login is; the others report what the server did, so nothing supersedes them.
//!
//! - A call goes out with the session's token, which spares it Django's CSRF check. A call that
//!   needs a session and was made before a later `logout()` signed this tab out goes with the
//!   token the cookies were issued with, as that logout does.
//! - A refused token or a CSRF check is answered once: signed in, by a refresh queued in front
//!   of the call (applied to the session as any refresh); signed out, by the login's exchange
//!   (a Bearer from the refresh cookie, else a minted CSRF cookie).
//! - A sign-up that created an active account is followed by a login with the same
//!   credentials: that login, not the sign-up, sets the HttpOnly cookies, and the sign-up's
//!   refresh token (in its body) is never read beyond noting that it was there.

use super::event::{Action, OpId, Outcome, Payload};
use super::jobs::{signed_out, Job, JobKind, Stage};
use super::ops::{On, Want};
use super::steps::Next;
use super::{Broadcast, EventKind, Machine, Ms, Phase, Reply, Snapshot, Source, State};
use crate::account::{self, AccountCall, AccountStep, Done};
use crate::error::{AuthError, ErrorCode};
use crate::secret::Secret;

impl<U: Clone> Machine<U> {
    /// `signUp(fields)`: `login` is the JSON body of the login that follows an active sign-up.
    pub fn sign_up(&mut self, op: OpId, fields: Secret, login: Secret, now: Ms) {
        let fields = Payload::Credentials(fields);
        let kind = JobKind::account(AccountCall::SignUp, fields, Some(login));
        self.sign_in_job(op, Want::SignUp, kind, now);
    }

    /// A password, profile or e-mail call with its `body`. One that needs a session rejects at
    /// once while signed out.
    pub fn account(&mut self, op: OpId, call: AccountCall, body: Payload, now: Ms) {
        if call.endpoint().needs_session() && self.state() == State::SignedOut {
            return self.settle(op, Outcome::Failed(signed_out()));
        }
        let job = self.push_job(JobKind::account(call, body, None));
        self.wait(op, Want::Account, On::Job(job), None);
        self.pump(now);
    }

    /// Another tab's `updateUser()` changed the user.
    pub fn remote_user(&mut self, snapshot: Snapshot<U>, now: Ms) {
        self.peers_seen = true;
        if let (Some(u), Phase::SignedIn { user, .. }) = (snapshot.user, &mut self.phase) {
            *user = Some(u);
            self.persist();
            self.push_event(Source::OtherTab, EventKind::UserUpdated, None);
        }
        self.pump(now);
    }

    /// Whether a sign-up in this page answered with the refresh token in its body (for
    /// `doctor()`: scripts could read it; tokenward did not keep it).
    pub fn sign_up_exposed_refresh(&self) -> bool {
        self.refresh_exposed
    }

    /// The account job is at the head: sends it.
    pub(super) fn start_account(&mut self, job: &mut Job, now: Ms) -> Next {
        let JobKind::Account { call, exchange, .. } = &mut job.kind else {
            return Next::Done;
        };
        let needs = call.endpoint().needs_session();
        let bearer = match self.token() {
            Some(t) => Some(t.value.clone()),
            None if needs => self
                .jar
                .as_ref()
                .filter(|j| j.live_at(now))
                .map(|j| j.value.clone()),
            None => None,
        };
        if needs && bearer.is_none() {
            let sign_up = *call == AccountCall::SignUp;
            self.end_account(job.id, sign_up, Outcome::Failed(signed_out()), now);
            return Next::Done;
        }
        exchange.bearer = bearer;
        self.send_main(job, false);
        Next::Continue
    }

    pub(super) fn account_answered(
        &mut self,
        job: &mut Job,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        let JobKind::Account {
            call,
            exchange,
            then_login,
            ..
        } = &mut job.kind
        else {
            return Next::Done;
        };
        let call = *call;
        let step = account::next_step(
            call,
            reply.as_ref().map(|r| (r.status, &r.facts)),
            exchange.fresh,
        );
        if call == AccountCall::SignUp {
            self.refresh_exposed |= reply.as_ref().is_ok_and(|r| r.facts.refresh_in_body);
        }
        if job.superseded {
            return Next::Done;
        }
        let outcome = match step {
            AccountStep::Finished(Ok(Done::SignIn)) => {
                let Some(credentials) = then_login.take() else {
                    return Next::Done;
                };
                job.kind = JobKind::login(credentials, None);
                self.send_main(job, false);
                return Next::Continue;
            }
            AccountStep::Finished(Ok(Done::VerificationSent)) => Outcome::SignedUp(None),
            AccountStep::Finished(Ok(Done::Detail(d))) => Outcome::Answered(d),
            AccountStep::Finished(Ok(Done::User)) => match reply.ok().and_then(|r| r.user) {
                Some(u) => {
                    self.user_updated(u.clone());
                    Outcome::User(u)
                }
                None => Outcome::Failed(AuthError::new(
                    ErrorCode::BadResponse,
                    "the profile was updated, but the reply is not a user object",
                )),
            },
            AccountStep::Finished(Err(e)) => Outcome::Failed(e),
            AccountStep::Fresh { mint, otherwise } => {
                exchange.fresh = true;
                if self.state() == State::SignedIn {
                    job.stage = Stage::Queued;
                    return Next::Behind(JobKind::refresh(self.gen));
                }
                if call.endpoint().needs_session() {
                    Outcome::Failed(otherwise)
                } else {
                    exchange.fallback = Some((mint, otherwise));
                    self.send_bearer_refresh(job);
                    return Next::Continue;
                }
            }
        };
        self.end_account(job.id, call == AccountCall::SignUp, outcome, now);
        Next::Done
    }

    /// The account job `job` (of `call`) failed with `e`.
    pub(super) fn account_failed(&mut self, job: u32, call: AccountCall, e: AuthError, now: Ms) {
        self.end_account(job, call == AccountCall::SignUp, Outcome::Failed(e), now);
    }

    /// Settles the account job's caller; a `restore()` waiting behind it asks again. A
    /// sign-up (`sign_up`: whether or not its caller still waits) that ends here did not sign
    /// in (see [`Machine::end_orphaned`]).
    fn end_account(&mut self, job: u32, sign_up: bool, outcome: Outcome<U>, now: Ms) {
        self.end_job_waiters(job, now, &|_, want| match want {
            Want::Restore => None,
            _ => Some(outcome.clone()),
        });
        if sign_up {
            self.end_orphaned();
        }
    }

    /// `updateUser()` answered with `user`: it becomes the session's, here and in the other
    /// tabs (when still signed in).
    fn user_updated(&mut self, u: U) {
        let Phase::SignedIn { user, .. } = &mut self.phase else {
            return;
        };
        *user = Some(u);
        if let Some(s) = self.snapshot() {
            self.actions.push_back(Action::Persist(s.clone()));
            self.actions
                .push_back(Action::Broadcast(Broadcast::User(s)));
        }
        self.emit(EventKind::UserUpdated, None);
    }
}
