//! The refresh job: a newer token already here makes it unnecessary (another tab refreshed,
//! or a login before it signed in); otherwise one request from the cookie, resent once after a
//! refusal only with evidence of another tab that may have rotated the cookie (the lock was
//! held by another tab first, or another tab was heard from), and the user look-up before a
//! restored session is applied.

use super::io::Payload;
use super::job::{Job, JobId, Refresh, RefreshStage, Work};
use super::login::looked_up;
use super::queue::Next;
use super::{Failure, Machine, Ms, Reply, State, TokenRecord, ADOPT_GRACE_MS};
use crate::error::AuthError;
use crate::outcome::{classify, error_for, Endpoint, Grant, Verdict};

/// A refresh reply as the session sees it: the grant, or how it failed.
///
/// # Errors
/// [`Failure::Rejected`] for the server's refusal of the cookie (400/401), else
/// [`Failure::Transient`] (network, timeout, 5xx, an unusable body).
pub(super) fn grant_of<U>(
    reply: &Result<Reply<U>, AuthError>,
) -> Result<Grant, (Failure, AuthError)> {
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

impl Refresh {
    /// The lock was granted after another tab held it: that tab's broadcast gets a moment to
    /// arrive.
    pub(super) fn after_lock_waited(&mut self, until: Ms) {
        if let RefreshStage::Queued = self.stage {
            self.after_another_tab = true;
            self.stage = RefreshStage::Grace(until);
        }
    }
}

impl<U: Clone> Machine<U> {
    /// The refresh is at the head: unnecessary, or its request.
    pub(super) fn start_refresh(&mut self, id: JobId, mut r: Refresh, now: Ms) -> Next {
        if self.adoptable(r.base_gen, now) || self.state() == State::SignedOut {
            // Another tab refreshed (or a login before this job signed in): no request. Or
            // signed out meanwhile (a login before this job failed after a logout).
            self.end_job_waiters(id, now, &|m, want| m.session_or_failure(want));
            return Next::Done;
        }
        let request = self.request(Endpoint::Refresh, Payload::Empty, None);
        r.stage = RefreshStage::Sent(self.send(request));
        Next::Stays(Job {
            id,
            work: Work::Refresh(r),
        })
    }

    /// Whether a refresh queued at generation `base_gen` is answered by a newer token that is
    /// live and not itself due for refresh.
    fn adoptable(&self, base_gen: u64, now: Ms) -> bool {
        self.gen > base_gen
            && self.live_token(now).is_some()
            && self.refresh_at().is_none_or(|at| at > now)
    }

    /// The answer to the refresh's request, or to its user look-up.
    pub(super) fn refresh_step(
        &mut self,
        id: JobId,
        mut r: Refresh,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        if let RefreshStage::LookingUp(_, record) = &r.stage {
            let record = record.clone();
            self.refreshed(id, record, looked_up(reply), now);
            return Next::Done;
        }
        let outcome = grant_of(&reply).map(|g| self.observe(&g, false, now));
        if let Ok(record) = &outcome {
            self.jar = Some(record.clone());
        }
        if self.state() == State::SignedOut {
            self.end_job_waiters(id, now, &|m, want| m.session_or_failure(want));
            return Next::Done;
        }
        match outcome {
            Ok(record) => self.refreshed_or_look_up(id, r, record, now),
            // A lost race is not a sign-out: another tab may have rotated the cookie just
            // before. Let its broadcast arrive; without one, try once more with the cookie the
            // browser now holds.
            Err((Failure::Rejected, _))
                if !r.resent && (r.after_another_tab || self.peers_seen) =>
            {
                r.resent = true;
                r.stage = RefreshStage::Grace(now + ADOPT_GRACE_MS);
                Next::Stays(Job {
                    id,
                    work: Work::Refresh(r),
                })
            }
            Err((failure, e)) => {
                self.refresh_failed(id, failure, e, now);
                Next::Done
            }
        }
    }

    /// Applies `record`, after looking the user up when the session has none.
    fn refreshed_or_look_up(
        &mut self,
        id: JobId,
        mut r: Refresh,
        record: TokenRecord,
        now: Ms,
    ) -> Next {
        if self.opts.user_lookup && self.user().is_none() {
            let req = self.send_lookup(record.value.clone());
            r.stage = RefreshStage::LookingUp(req, record);
            return Next::Stays(Job {
                id,
                work: Work::Refresh(r),
            });
        }
        self.refreshed(id, record, None, now);
        Next::Done
    }
}
