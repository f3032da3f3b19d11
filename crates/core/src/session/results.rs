//! What finished jobs do to the session: signed in, refreshed, refused or logged out, and the
//! waiters of the job that did it settled. Only a live job's results get here: a superseded
//! job's never do (it drains, see `job`).

use super::calls::Lookup;
use super::io::{Action, Outcome, Snapshot};
use super::job::{JobId, Logout, Work};
use super::waiters::{signed_out, On, Want};
use super::{Broadcast, EventKind, Failure, Machine, Ms, Phase, State, Token, TokenRecord};
use crate::error::AuthError;
use crate::logout::LogoutOutcome;
use crate::outcome::{BodyFacts, Grant};

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

impl<U: Clone> Machine<U> {
    /// `record` (machine time) becomes the current token, one generation newer, for `user`;
    /// `after_401_at`: when a refresh that a 401 asked for brought it.
    pub(super) fn sign_in(
        &mut self,
        record: TokenRecord,
        user: Option<U>,
        after_401_at: Option<Ms>,
    ) {
        if self.logout_pending() {
            // The cookies now belong to this session: the old one's logout has nothing left
            // to clear in this browser.
            self.actions.push(Action::ForgetLogout);
        }
        self.gen += 1;
        self.jar = Some(record.clone());
        self.orphaned = false;
        self.backoff.reset();
        self.phase = Phase::SignedIn {
            token: Token {
                value: record.value,
                gen: self.gen,
                expires_at: record.expires_at,
                lifetime: record.lifetime,
                after_401_at,
            },
            user,
        };
    }

    /// A grant just received at `now` (from a login: `from_login`) as a record on the
    /// machine's clock; its claims feed the timing evidence (see `timing`).
    pub(super) fn observe(&mut self, grant: &Grant, from_login: bool, now: Ms) -> TokenRecord {
        let e = self
            .timing
            .observe(&grant.claims, grant.expiration_ms, from_login, now);
        TokenRecord {
            value: grant.token.clone(),
            expires_at: e.at,
            lifetime: e.lifetime,
        }
    }

    /// Persists the session as it now stands (the one way to): the snapshot, when signed in.
    pub(super) fn persist(&mut self) -> Option<Snapshot<U>> {
        let snapshot = self.snapshot()?;
        self.actions.push(Action::Persist(snapshot.clone()));
        Some(snapshot)
    }

    /// Persists and broadcasts the session (after a login, a refresh or a restore).
    pub(super) fn share(&mut self, signed_in: bool) {
        if let Some(snapshot) = self.persist() {
            self.actions.push(Action::Broadcast(Broadcast::Token {
                snapshot,
                signed_in,
            }));
        }
    }

    /// Forgets the session: signed out, nothing stored, no refresh planned.
    pub(super) fn clear(&mut self, logout_unconfirmed: bool) {
        self.phase = Phase::SignedOut { logout_unconfirmed };
        self.orphaned = false;
        self.backoff.reset();
        self.actions.push(Action::ClearStorage);
    }

    pub(super) fn logged_in(&mut self, job: JobId, record: TokenRecord, user: Option<U>, now: Ms) {
        // The cookies are this session's now: a pending logout any tab remembered (one closed
        // before the server confirmed it, say) has nothing left to end, and must not end this
        // one on the next page load.
        if !self.logout_pending() {
            self.actions.push(Action::ForgetLogout);
        }
        self.sign_in(record, user, None);
        self.share(true);
        self.emit(EventKind::SignedIn, None);
        self.end_job_waiters(job, now, &|m, want| match want {
            Want::Restore => None,
            _ => m.session_or_failure(want),
        });
    }

    pub(super) fn login_failed(&mut self, job: JobId, mut e: AuthError, now: Ms) {
        if self.waiters.awaited_for(job, Want::SignUp) {
            e.message = "the account was created, but signing in with the same credentials \
                         failed (pass them as signUp(fields, { credentials }))"
                .into();
        }
        self.end_job_waiters(job, now, &|_, want| match want {
            Want::Restore => None,
            _ => Some(Outcome::Failed(e.clone())),
        });
        self.end_orphaned();
    }

    /// A sign-in job ended without signing in. If a login it superseded had succeeded, the
    /// cookies belong to a session no call asks for: it is ended, here and at the server (its
    /// token is the Bearer).
    pub(super) fn end_orphaned(&mut self) {
        if core::mem::take(&mut self.orphaned) {
            self.end_locally(true);
            self.push(Work::Logout(Logout::new()));
        }
    }

    pub(super) fn refreshed(&mut self, job: JobId, record: TokenRecord, user: Option<U>, now: Ms) {
        let was = self.state();
        let user = user.or_else(|| self.user().cloned());
        let after_401 = self.waiters.awaited_for(job, Want::Retry);
        self.sign_in(record, user, after_401.then_some(now));
        self.share(false);
        if was == State::SignedIn {
            self.emit(EventKind::Refreshed, None);
        } else {
            self.emit(EventKind::SignedIn, Some("restored"));
        }
        self.end_job_waiters(job, now, &|m, want| m.session_or_failure(want));
    }

    pub(super) fn refresh_failed(&mut self, job: JobId, failure: Failure, e: AuthError, now: Ms) {
        match failure {
            Failure::Transient => {
                // The session is kept, or stays undecided: try again later.
                self.backoff.failed(now);
                if let Phase::Unknown { unreachable } = &mut self.phase {
                    *unreachable = Some(e.clone());
                }
            }
            Failure::Rejected => {
                let was = self.state();
                // Nobody asked (a retry of this machine's own, or a restore() that gave up
                // waiting): the app hears it from an event.
                let unasked = !self.waiters.awaited_for(job, Want::Restore);
                self.jar = None;
                self.clear(false);
                if was == State::SignedIn {
                    self.actions
                        .push(Action::Broadcast(super::Broadcast::Expired));
                    self.emit(EventKind::Expired, Some("refresh_rejected"));
                } else if was == State::Unknown && unasked {
                    self.emit(EventKind::SignedOut, Some("no_session"));
                }
            }
        }
        self.end_job_waiters(job, now, &|_, want| match (want, failure) {
            (Want::Restore, Failure::Rejected) => Some(Outcome::NoSession),
            _ => Some(Outcome::Failed(e.clone())),
        });
    }

    pub(super) fn logged_out(&mut self, job: JobId, outcome: LogoutOutcome, now: Ms) {
        // Cleared, or to be cleared by the pending logout.
        self.orphaned = false;
        if outcome.cookies_cleared {
            self.jar = None;
            if self.logout_pending() {
                self.phase = Phase::SignedOut {
                    logout_unconfirmed: false,
                };
                self.actions.push(Action::ForgetLogout);
            }
        }
        self.end_job_waiters(job, now, &|_, want| match want {
            Want::Logout => Some(Outcome::LoggedOut(outcome.clone())),
            _ => Some(Outcome::NoSession),
        });
    }

    /// The user look-up of a session that had none answered.
    pub(super) fn lookup_answered(
        &mut self,
        lookup: Lookup,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) {
        let user = super::login::looked_up(reply);
        let current = self.token().is_some_and(|t| t.gen == lookup.gen);
        if let (true, Some(u), Phase::SignedIn { user: slot, .. }) =
            (current, user, &mut self.phase)
        {
            *slot = Some(u);
            self.persist();
        }
        // Another session meanwhile: ask again of that one.
        self.end_waiters(On::Lookup(lookup.req), now, &|m, _| {
            current.then(|| m.snapshot().map_or(Outcome::NoSession, Outcome::Session))
        });
    }

    /// A `Session` for the app, or why there is none.
    pub(super) fn session_or_failure(&self, want: Want) -> Option<Outcome<U>> {
        Some(match self.snapshot() {
            Some(s) if want == Want::SignUp => Outcome::SignedUp(Some(s)),
            Some(s) => Outcome::Session(s),
            None if want == Want::Restore => Outcome::NoSession,
            None => Outcome::Failed(signed_out()),
        })
    }
}
