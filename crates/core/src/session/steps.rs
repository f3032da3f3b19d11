//! The steps of a job after each reply: a login or logout exchange (`login::next_step`,
//! `logout::next_step`), the refresh that obtains a Bearer for one, a refresh and its one
//! resend after a refusal when another tab may have rotated the cookie, and the user look-up
//! before a new session is applied.

use super::jobs::{not_confirmed, Job, JobKind, Stage};
use super::{Failure, Machine, Ms, Payload, Reply, State, TokenRecord, ADOPT_GRACE_MS};
use crate::error::{AuthError, ErrorCode};
use crate::login::{self, LoginStep};
use crate::logout::{self, LogoutStep};
use crate::outcome::{classify, error_for, Endpoint, Grant, Verdict};
use crate::secret::Secret;

/// Whether a job goes on after a step.
pub(super) enum Next {
    Continue,
    /// Goes on after a new job of this kind, queued in front of it (a password call after the
    /// refresh that brings it a fresh token).
    Behind(JobKind),
    Done,
}

/// A refresh reply as the session sees it.
fn refresh_outcome<U>(reply: &Result<Reply<U>, AuthError>) -> Result<Grant, (Failure, AuthError)> {
    let r = reply
        .as_ref()
        .map_err(|e| (Failure::Transient, e.clone()))?;
    match classify(Endpoint::Refresh, r.status, &r.facts) {
        Verdict::Ok => Grant::from_facts(&r.facts, r.status).map_err(|e| (Failure::Transient, e)),
        v => Err((
            if v == Verdict::Rejected {
                Failure::Rejected
            } else {
                Failure::Transient
            },
            error_for(Endpoint::Refresh, v, r.status, &r.facts),
        )),
    }
}

impl<U: Clone> Machine<U> {
    /// One step of the head job after the reply to its request.
    pub(super) fn step(
        &mut self,
        job: &mut Job,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        match job.stage {
            Stage::Lookup { ref record, .. } => {
                let user = reply
                    .ok()
                    .filter(|r| (200..300).contains(&r.status))
                    .and_then(|r| r.user);
                let record = record.clone();
                if !job.superseded {
                    match job.kind {
                        JobKind::Login { .. } => self.logged_in(job.id, record, user, now),
                        _ => self.refreshed(job.id, record, user, now),
                    }
                }
                Next::Done
            }
            Stage::Wire { bearer: true, .. } => self.bearer_obtained(job, reply, now),
            _ => match job.kind {
                JobKind::Login { .. } => self.login_answered(job, reply, now),
                JobKind::Refresh { .. } => self.refresh_answered(job, reply, now),
                JobKind::Logout { .. } => self.logout_answered(job, reply, now),
                JobKind::Account { .. } => self.account_answered(job, reply, now),
                // The doctor's cycle sends its own requests: no reply comes here.
                JobKind::Doctor => Next::Continue,
            },
        }
    }

    /// Looks the user up before applying `record`, when a user is wanted and not known.
    fn apply_or_look_up(
        &mut self,
        job: &mut Job,
        record: TokenRecord,
        user: Option<U>,
        now: Ms,
    ) -> Next {
        let known = user.is_some()
            || (matches!(job.kind, JobKind::Refresh { .. }) && self.user().is_some());
        if self.opts.user_lookup && !known {
            let req = self.send_lookup(record.value.clone());
            job.stage = Stage::Lookup { req, record };
            return Next::Continue;
        }
        match job.kind {
            JobKind::Login { .. } => self.logged_in(job.id, record, user, now),
            _ => self.refreshed(job.id, record, user, now),
        }
        Next::Done
    }

    fn login_answered(
        &mut self,
        job: &mut Job,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        let JobKind::Login { exchange, .. } = &mut job.kind else {
            return Next::Done;
        };
        let step = login::next_step(reply.as_ref().map(|r| (r.status, &r.facts)), exchange.fresh);
        // The grant as a record on this machine's clock (its iat is fresh: a login's).
        let step = match step {
            LoginStep::Finished(Ok(grant)) => Ok(self.observe(&grant, true, now)),
            other => Err(other),
        };
        if let Ok(r) = &step {
            self.jar = Some(r.clone());
            self.orphaned |= job.superseded && !self.logout_pending();
        }
        if job.superseded {
            return Next::Done;
        }
        match step {
            Ok(record) => {
                let user = reply.ok().and_then(|r| r.user);
                self.apply_or_look_up(job, record, user, now)
            }
            Err(LoginStep::Finished(Err(e))) => {
                self.login_failed(job.id, e, now);
                Next::Done
            }
            Err(LoginStep::Finished(Ok(_))) => Next::Done,
            Err(LoginStep::ResendWithFreshBearer { mint, otherwise }) => {
                exchange.fallback = Some((mint, otherwise));
                self.send_bearer_refresh(job);
                Next::Continue
            }
        }
    }

    fn logout_answered(
        &mut self,
        job: &mut Job,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        let JobKind::Logout { exchange } = &mut job.kind else {
            return Next::Done;
        };
        let r = reply.as_ref().map(|r| (r.status, &r.facts));
        match logout::next_step(r, exchange.bearer.is_some(), exchange.fresh) {
            LogoutStep::Finished(outcome) => {
                self.logged_out(job.id, outcome, now);
                Next::Done
            }
            LogoutStep::ResendWithoutBearer => {
                exchange.bearer = None;
                self.send_main(job, false);
                Next::Continue
            }
            LogoutStep::ResendWithFreshBearer { mint, otherwise } => {
                exchange.fallback = Some((mint, otherwise));
                self.send_bearer_refresh(job);
                Next::Continue
            }
        }
    }

    pub(super) fn send_bearer_refresh(&mut self, job: &mut Job) {
        let r = self.request(Endpoint::Refresh, Payload::Empty, None);
        let req = self.send(r);
        job.stage = Stage::Wire { req, bearer: true };
    }

    /// The refresh that was to obtain a Bearer for a login or logout answered: resend with the
    /// Bearer, else with a minted CSRF cookie when that can help, else give up.
    fn bearer_obtained(
        &mut self,
        job: &mut Job,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        let grant = refresh_outcome(&reply).ok();
        if let Some(g) = &grant {
            self.jar = Some(self.observe(g, false, now));
        }
        if job.superseded {
            return Next::Done;
        }
        let bearer = grant.map(|g| g.token);
        let resend = match &mut job.kind {
            JobKind::Login { exchange, .. } => exchange.resend(bearer),
            JobKind::Logout { exchange } => exchange.resend(bearer),
            JobKind::Account { exchange, .. } => exchange.resend(bearer),
            JobKind::Refresh { .. } | JobKind::Doctor => None,
        };
        match resend {
            Some(mint) => {
                self.send_main(job, mint);
                Next::Continue
            }
            None => {
                match &mut job.kind {
                    JobKind::Login { exchange, .. } => {
                        let e = exchange.fallback.take().map(|(_, e)| e);
                        let e =
                            e.unwrap_or_else(|| AuthError::new(ErrorCode::Server, "login failed"));
                        self.login_failed(job.id, e, now);
                    }
                    JobKind::Logout { exchange } => {
                        let o = exchange.fallback.take().map(|(_, o)| o);
                        let o = o.unwrap_or_else(|| not_confirmed("logout failed"));
                        self.logged_out(job.id, o, now);
                    }
                    JobKind::Account { call, exchange, .. } => {
                        let call = *call;
                        let e = exchange.fallback.take().map(|(_, e)| e);
                        let e = e.unwrap_or_else(|| AuthError::new(ErrorCode::Server, "failed"));
                        self.account_failed(job.id, call, e, now);
                    }
                    JobKind::Refresh { .. } | JobKind::Doctor => {}
                }
                Next::Done
            }
        }
    }

    fn refresh_answered(
        &mut self,
        job: &mut Job,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        let outcome = refresh_outcome(&reply).map(|g| self.observe(&g, false, now));
        if let Ok(r) = &outcome {
            self.jar = Some(r.clone());
        }
        if job.superseded {
            return Next::Done;
        }
        if self.state() == State::SignedOut {
            self.end_job_waiters(job.id, now, &|m, want| m.session_or_failure(want));
            return Next::Done;
        }
        let JobKind::Refresh {
            retried,
            lock_waited,
            ..
        } = &mut job.kind
        else {
            return Next::Done;
        };
        match outcome {
            Ok(record) => self.apply_or_look_up(job, record, None, now),
            // A lost race is not a sign-out: another tab may have rotated the cookie just
            // before. Let its broadcast arrive; without one, try once more with the cookie the
            // browser now holds.
            Err((Failure::Rejected, _)) if !*retried && (*lock_waited || self.peers_seen) => {
                *retried = true;
                job.stage = Stage::Grace(now + ADOPT_GRACE_MS);
                Next::Continue
            }
            Err((failure, e)) => {
                self.refresh_failed(job.id, failure, e, now);
                Next::Done
            }
        }
    }
}

impl<F> super::jobs::Exchange<F> {
    /// After the Bearer refresh: `Some(mint)` to resend (with `bearer`, or with a minted CSRF
    /// cookie), `None` to give up with the fallback.
    fn resend(&mut self, bearer: Option<Secret>) -> Option<bool> {
        self.fresh = true;
        let mint = self.fallback.as_ref().is_some_and(|(m, _)| *m);
        match bearer {
            Some(b) => {
                self.bearer = Some(b);
                Some(false)
            }
            None if mint => {
                self.bearer = None;
                Some(true)
            }
            None => None,
        }
    }
}
