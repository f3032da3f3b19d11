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

use super::io::{Action, Outcome, Request};
use super::job::{Account, ExchangeStage, Job, JobId, Login, LoginStage, Refresh, Resend, Work};
use super::queue::Next;
use super::waiters::{signed_out, Want};
use super::{Broadcast, EventKind, Machine, Ms, Phase, Reply, State};
use crate::account::{self, AccountCall, AccountStep, Done};
use crate::error::{AuthError, ErrorCode};

impl<U: Clone> Machine<U> {
    /// The account job is at the head: its request, with the session's token (or, for a call
    /// that needs a session made before a later `logout()`, the token the cookies were issued
    /// with); a call that needs a session and has no token ends here.
    pub(super) fn start_account(&mut self, id: JobId, mut a: Account, now: Ms) -> Next {
        let needs = a.call.endpoint().needs_session();
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
            let sign_up = a.call == AccountCall::SignUp;
            self.end_account(id, sign_up, Outcome::Failed(signed_out()), now);
            return Next::Done;
        }
        a.exchange.bearer = bearer;
        self.send_account(&mut a, false);
        Next::Stays(Job {
            id,
            work: Work::Account(a),
        })
    }

    fn send_account(&mut self, a: &mut Account, mint: bool) {
        let request = Request {
            mint_csrf: mint,
            ..self.request(a.call.endpoint(), a.body.clone(), a.exchange.bearer.clone())
        };
        a.stage = ExchangeStage::Sent(self.send(request));
    }

    fn resend_account(&mut self, id: JobId, mut a: Account, mint: bool) -> Next {
        self.send_account(&mut a, mint);
        Next::Stays(Job {
            id,
            work: Work::Account(a),
        })
    }

    /// The answer to the account call's current request.
    pub(super) fn account_step(
        &mut self,
        id: JobId,
        mut a: Account,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        if let ExchangeStage::GettingBearer(_) = a.stage {
            return match self.bearer_answered(&mut a.exchange, &reply, now) {
                Resend::WithBearer => self.resend_account(id, a, false),
                Resend::WithMintedCsrfCookie => self.resend_account(id, a, true),
                Resend::GiveUp => {
                    let e = a.exchange.fallback.take().map(|(_, e)| e);
                    let e = e.unwrap_or_else(|| AuthError::new(ErrorCode::Server, "failed"));
                    self.account_failed(id, a.call, e, now);
                    Next::Done
                }
            };
        }
        let call = a.call;
        let step = account::next_step(
            call,
            reply.as_ref().map(|r| (r.status, &r.facts)),
            a.exchange.fresh,
        );
        if call == AccountCall::SignUp {
            self.refresh_exposed |= reply.as_ref().is_ok_and(|r| r.facts.refresh_in_body);
        }
        let outcome = match step {
            AccountStep::Finished(Ok(Done::SignIn)) => {
                // The login with the same credentials: it, not the sign-up, sets the cookies.
                let Some(credentials) = a.then_login.take() else {
                    return Next::Done;
                };
                let mut login = Login::new(credentials, None);
                self.send_login(&mut login, false);
                debug_assert!(matches!(login.stage, LoginStage::Sent(_)));
                return Next::Stays(Job {
                    id,
                    work: Work::Login(login),
                });
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
            AccountStep::Fresh {
                no_bearer,
                otherwise,
            } => {
                a.exchange.fresh = true;
                if self.state() == State::SignedIn {
                    // A refresh first, applied to the session as any refresh; then again.
                    a.stage = ExchangeStage::Queued;
                    let first = Job {
                        id: JobId(self.next_id()),
                        work: Work::Refresh(Refresh::new(self.gen)),
                    };
                    let then = Job {
                        id,
                        work: Work::Account(a),
                    };
                    return Next::After { first, then };
                }
                if call.endpoint().needs_session() {
                    Outcome::Failed(otherwise)
                } else {
                    // Signed out: as a login does, a Bearer from the refresh cookie (or a
                    // minted CSRF cookie).
                    a.exchange.fallback = Some((no_bearer, otherwise));
                    a.stage = ExchangeStage::GettingBearer(self.send_bearer_refresh());
                    return Next::Stays(Job {
                        id,
                        work: Work::Account(a),
                    });
                }
            }
        };
        self.end_account(id, call == AccountCall::SignUp, outcome, now);
        Next::Done
    }

    /// The account job `job` (of `call`) failed with `e`.
    pub(super) fn account_failed(&mut self, job: JobId, call: AccountCall, e: AuthError, now: Ms) {
        self.end_account(job, call == AccountCall::SignUp, Outcome::Failed(e), now);
    }

    /// Settles the account job's caller; a `restore()` waiting behind it asks again. A
    /// sign-up (`sign_up`: whether or not its caller still waits) that ends here did not sign
    /// in (see [`Machine::end_orphaned`]).
    fn end_account(&mut self, job: JobId, sign_up: bool, outcome: Outcome<U>, now: Ms) {
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
        if let Some(s) = self.persist() {
            self.actions.push(Action::Broadcast(Broadcast::User(s)));
        }
        self.emit(EventKind::UserUpdated, None);
    }
}
