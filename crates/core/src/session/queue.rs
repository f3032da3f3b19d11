//! The queue of cookie-setting work and the cross-tab lock that guards it, as one owned piece:
//! only the head's request is ever on the wire, and with `crossTab` only while this tab holds
//! the lock, so that login, refresh, logout and the account calls never overlap, in a tab or
//! across tabs.

use alloc::vec::Vec;

use super::io::{Action, Delay, Payload, ReqId, Request};
use super::job::{DoctorStage, Exchange, Job, JobId, Learns, Resend, Work};
use super::{Failure, Machine, Ms, Reply, REFRESH_LIMIT_FACTOR};
use crate::error::AuthError;
use crate::login::LoginStep;
use crate::outcome::Endpoint;
use crate::secret::Secret;

/// The cross-tab lock, as this tab holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lock {
    Free,
    Wanted,
    Held,
}

/// The jobs, in the order the app asked for them, and the lock.
#[derive(Debug)]
pub(super) struct Queue {
    /// A `Vec`, not a `VecDeque`: it holds a few jobs, and the deque's ring costs more code
    /// than inserting at the front does time (docs/size.md).
    jobs: Vec<Job>,
    pub(super) lock: Lock,
}

impl Queue {
    pub(super) fn new() -> Queue {
        Queue {
            jobs: Vec::new(),
            lock: Lock::Free,
        }
    }

    pub(super) fn push(&mut self, job: Job) {
        self.jobs.push(job);
    }

    /// Queues `job` in front of the head (a refresh a password call needs first).
    pub(super) fn push_front(&mut self, job: Job) {
        self.jobs.insert(0, job);
    }

    pub(super) fn head(&self) -> Option<&Job> {
        self.jobs.first()
    }

    /// Takes the head out to work on it; [`Queue::push_front`] puts it back.
    pub(super) fn take_head(&mut self) -> Option<Job> {
        (!self.jobs.is_empty()).then(|| self.jobs.remove(0))
    }

    /// Whether the head waits for the answer to `req`.
    pub(super) fn head_waits_for(&self, req: ReqId) -> bool {
        self.head().and_then(Job::on_wire) == Some(req)
    }

    /// No live job is queued: the session is not about to change by this tab's hand.
    pub(super) fn idle(&self) -> bool {
        !self.jobs.iter().any(Job::is_live)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// The last job whose purpose stands.
    pub(super) fn last_live(&self) -> Option<&Job> {
        self.jobs.iter().rev().find(|j| j.is_live())
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &Job> {
        self.jobs.iter()
    }

    /// Supersedes the live jobs `hit` selects: each drains its request, or is dropped when
    /// nothing of it is on the wire. Their ids.
    pub(super) fn supersede(&mut self, hit: &dyn Fn(&Job) -> bool) -> Vec<JobId> {
        let mut ids = Vec::new();
        let jobs = core::mem::take(&mut self.jobs);
        for job in jobs {
            if job.is_live() && hit(&job) {
                ids.push(job.id);
                self.jobs.extend(job.superseded());
            } else {
                self.jobs.push(job);
            }
        }
        ids
    }

    /// Removes the job `id` (a doctor's cycle that reported).
    pub(super) fn remove(&mut self, id: JobId) -> Option<Job> {
        let i = self.jobs.iter().position(|j| j.id == id)?;
        Some(self.jobs.remove(i))
    }

    /// When the head's grace period ends.
    pub(super) fn grace_until(&self) -> Option<Ms> {
        self.head().and_then(Job::grace_until)
    }

    /// The examining doctor's cycle, if any.
    pub(super) fn examining(&self) -> Option<JobId> {
        self.jobs.iter().find(|j| j.is_examining()).map(|j| j.id)
    }
}

/// How the job at the head goes on after a step. (A value made and taken apart once per step:
/// boxing the job in it would cost an allocation per request.)
#[allow(clippy::large_enum_variant)]
pub(super) enum Next {
    /// It stays at the head.
    Stays(Job),
    /// It goes on after `first`, queued in front of it (a password call after the refresh that
    /// brings it a fresh token).
    After { first: Job, then: Job },
    /// It is over.
    Done,
}

impl<U: Clone> Machine<U> {
    /// Puts the head back as `next` says.
    fn resume(&mut self, next: Next) {
        match next {
            Next::Stays(job) => self.queue.push_front(job),
            Next::After { first, then } => {
                self.queue.push_front(then);
                self.queue.push_front(first);
            }
            Next::Done => {}
        }
    }

    /// The head job may proceed (it is ready, and the lock is held): its first request, or
    /// its end without one.
    pub(super) fn advance_head(&mut self, now: Ms) {
        let Some(job) = self.queue.take_head() else {
            return;
        };
        let next = match job.work {
            Work::Login(l) => self.start_login(job.id, l),
            Work::Refresh(r) => self.start_refresh(job.id, r, now),
            Work::Logout(l) => self.start_logout(job.id, l, now),
            Work::Account(a) => self.start_account(job.id, a, now),
            Work::Doctor(_) => {
                self.give_turn(job.id);
                Next::Stays(Job {
                    id: job.id,
                    work: Work::Doctor(DoctorStage::Examining),
                })
            }
            // Never ready: it waits for its answer.
            work @ Work::Draining { .. } => Next::Stays(Job { id: job.id, work }),
        };
        self.resume(next);
    }

    /// The reply to request `id`: of a user look-up, or of the head job.
    pub(super) fn reply(&mut self, id: ReqId, reply: Result<Reply<U>, AuthError>, now: Ms) {
        if let Some(i) = self.lookups.iter().position(|l| l.req == id) {
            let lookup = self.lookups.swap_remove(i);
            self.lookup_answered(lookup, reply, now);
        } else if self.queue.head_waits_for(id) {
            if let Some(job) = self.queue.take_head() {
                let next = match job.work {
                    Work::Login(l) => self.login_step(job.id, l, reply, now),
                    Work::Refresh(r) => self.refresh_step(job.id, r, reply, now),
                    Work::Logout(l) => self.logout_step(job.id, l, reply, now),
                    Work::Account(a) => self.account_step(job.id, a, reply, now),
                    Work::Draining { learns, .. } => {
                        self.learn(learns, &reply, now);
                        Next::Done
                    }
                    // The doctor's cycle sends its own requests: no reply comes here.
                    work @ Work::Doctor(_) => Next::Stays(Job { id: job.id, work }),
                };
                self.resume(next);
            }
        }
        self.pump(now);
    }

    /// The head job fails without an answer (the cross-tab lock could not be had).
    pub(super) fn fail_head(&mut self, e: AuthError, now: Ms) {
        let Some(job) = self.queue.take_head() else {
            return;
        };
        match job.work {
            Work::Login(_) => self.login_failed(job.id, e, now),
            Work::Account(a) => self.account_failed(job.id, a.call, e, now),
            Work::Refresh(_) => self.refresh_failed(job.id, Failure::Transient, e, now),
            Work::Logout(_) => {
                let o = super::logout::not_confirmed(&e.message);
                self.logged_out(job.id, o, now)
            }
            // Its turn all the same (a diagnosis is not worth failing for a lock); a
            // `restore()` waiting on it asks again.
            Work::Doctor(_) => {
                self.give_turn(job.id);
                self.end_job_waiters(job.id, now, &|_, _| None);
            }
            Work::Draining { .. } => {}
        }
    }

    /// Asks the shell to send `request`; its id.
    pub(super) fn send(&mut self, request: Request) -> ReqId {
        let id = ReqId(self.next_id());
        self.actions.push(Action::Send(id, request));
        id
    }

    /// A request to `endpoint` with this client's timeout (a refresh's: longer, see
    /// `REFRESH_LIMIT_FACTOR`).
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

    /// The refresh that obtains a Bearer for a login, logout or account call's resend.
    pub(super) fn send_bearer_refresh(&mut self) -> ReqId {
        let r = self.request(Endpoint::Refresh, Payload::Empty, None);
        self.send(r)
    }

    /// The answer to the Bearer refresh of `exchange`: the cookies' freshest token is noted,
    /// and how the exchange goes on.
    pub(super) fn bearer_answered<F>(
        &mut self,
        exchange: &mut Exchange<F>,
        reply: &Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Resend {
        let grant = super::refresh::grant_of(reply).ok();
        if let Some(g) = &grant {
            self.jar = Some(self.observe(g, false, now));
        }
        exchange.after_bearer(grant.map(|g| g.token))
    }

    /// What a superseded job learns from its answer (never applied: see [`Work::Draining`]).
    fn learn(&mut self, learns: Learns, reply: &Result<Reply<U>, AuthError>, now: Ms) {
        match learns {
            Learns::LoginGrant => {
                let r = reply.as_ref().map(|r| (r.status, &r.facts));
                if let LoginStep::Finished(Ok(grant)) = crate::login::next_step(r, false) {
                    self.jar = Some(self.observe(&grant, true, now));
                    self.orphaned |= !self.logout_pending();
                }
            }
            Learns::RefreshGrant => {
                if let Ok(g) = super::refresh::grant_of(reply) {
                    self.jar = Some(self.observe(&g, false, now));
                }
            }
            Learns::SignUpBody => {
                self.refresh_exposed |= reply.as_ref().is_ok_and(|r| r.facts.refresh_in_body);
            }
            Learns::Nothing => {}
        }
    }
}
