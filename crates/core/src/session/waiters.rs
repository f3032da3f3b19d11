//! The app calls waiting for something — a job, a user look-up, the session being decided — and
//! how each one settles, exactly once: with what it waited for, when it gives up (its
//! deadline), or when a later call supersedes what it waited for.

use alloc::vec::Vec;

use super::io::{Action, OpId, Outcome, ReqId};
use super::job::JobId;
use super::{Machine, Ms};
use crate::error::{AuthError, ErrorCode};

/// What an app call is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Want {
    /// `login()`, `loginWith()`: its own job.
    Login,
    /// `signUp()`: its own job (a sign-up, then a login).
    SignUp,
    /// A password, profile or e-mail call: its own job.
    Account,
    /// `refresh()`, or a refresh `auth.fetch` waits for before sending: a fresh token.
    Token,
    /// A refresh `auth.fetch` waits for after a refused token: a fresh token (see
    /// `REFRESH_FLOOR_MS`).
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
    Job(JobId),
    Lookup(ReqId),
    /// Nothing deciding the session any more (see `fetch`).
    Decision,
}

/// An app call waiting, and when it gives up.
#[derive(Debug)]
pub(super) struct Waiter {
    pub(super) op: OpId,
    pub(super) want: Want,
    pub(super) on: On,
    pub(super) deadline: Option<Ms>,
}

/// The waiting app calls, in the order they came.
#[derive(Debug, Default)]
pub(super) struct Waiters {
    list: Vec<Waiter>,
}

impl Waiters {
    pub(super) fn add(&mut self, op: OpId, want: Want, on: On, deadline: Option<Ms>) {
        self.list.push(Waiter {
            op,
            want,
            on,
            deadline,
        });
    }

    /// Removes and returns the waiters `pick` selects, in order.
    pub(super) fn take(&mut self, pick: &dyn Fn(&Waiter) -> bool) -> Vec<Waiter> {
        let (taken, rest) = core::mem::take(&mut self.list)
            .into_iter()
            .partition(|w| pick(w));
        self.list = rest;
        taken
    }

    /// Whether an app call waits on `job` for `want`.
    pub(super) fn awaited_for(&self, job: JobId, want: Want) -> bool {
        self.list
            .iter()
            .any(|w| w.on == On::Job(job) && w.want == want)
    }

    /// Whether an app call waits for `want`, on anything.
    pub(super) fn any(&self, want: &dyn Fn(Want) -> bool) -> bool {
        self.list.iter().any(|w| want(w.want))
    }

    pub(super) fn deadlines(&self) -> impl Iterator<Item = Ms> + '_ {
        self.list.iter().filter_map(|w| w.deadline)
    }
}

impl<U: Clone> Machine<U> {
    pub(super) fn wait(&mut self, op: OpId, want: Want, on: On, deadline: Option<Ms>) {
        self.waiters.add(op, want, on, deadline);
    }

    pub(super) fn settle(&mut self, op: OpId, outcome: Outcome<U>) {
        self.actions.push(Action::Settle(op, outcome));
    }

    /// Settles the waiters on `on`: `outcome` gives each its result; `None` makes a
    /// `restore()` ask again of the session as it now stands.
    pub(super) fn end_waiters(
        &mut self,
        on: On,
        now: Ms,
        outcome: &dyn Fn(&Self, Want) -> Option<Outcome<U>>,
    ) {
        for w in self.waiters.take(&|w| w.on == on) {
            match (outcome(self, w.want), w.want) {
                (Some(o), _) => self.settle(w.op, o),
                (None, Want::Restore) => self.restore_again(w.op, now),
                (None, _) => self.settle(w.op, Outcome::Failed(signed_out())),
            }
        }
    }

    /// Settles the waiters of `job` (see [`Machine::end_waiters`]).
    pub(super) fn end_job_waiters(
        &mut self,
        job: JobId,
        now: Ms,
        outcome: &dyn Fn(&Self, Want) -> Option<Outcome<U>>,
    ) {
        self.end_waiters(On::Job(job), now, outcome);
    }

    /// Callers past their deadline give up with `timeout` (what they wait for runs on).
    pub(super) fn expire_waiters(&mut self, now: Ms) {
        for w in self.waiters.take(&|w| w.deadline.is_some_and(|d| d <= now)) {
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

    /// Supersedes the live jobs `hit` selects (see [`super::queue::Queue::supersede`]), drops
    /// every user look-up (the session they were for is being replaced), and hands back their
    /// waiters for the caller to settle.
    pub(super) fn take_superseded(
        &mut self,
        hit: &dyn Fn(&super::job::Job) -> bool,
    ) -> Vec<Waiter> {
        let ids = self.queue.supersede(hit);
        self.lookups.clear();
        self.waiters.take(&|w| match w.on {
            On::Job(id) => ids.contains(&id),
            On::Lookup(_) => true,
            On::Decision => false,
        })
    }

    /// Settles waiters taken by [`Machine::take_superseded`] from the session as it now
    /// stands (after another tab's sign-in or sign-out).
    pub(super) fn answer_taken(&mut self, taken: Vec<Waiter>, now: Ms) {
        for w in taken {
            match w.want {
                Want::Restore => self.restore_again(w.op, now),
                Want::Logout => {
                    let o = super::logout::not_confirmed(
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

/// The error of a call that needs a session while signed out.
pub(super) fn signed_out() -> AuthError {
    AuthError::new(ErrorCode::SessionExpired, "signed out: sign in again")
}

pub(super) fn aborted() -> AuthError {
    AuthError::new(
        ErrorCode::Aborted,
        "superseded by a later login() or logout()",
    )
}

pub(super) fn signed_out_meanwhile() -> AuthError {
    AuthError::new(
        ErrorCode::SessionExpired,
        "signed out while the refresh was in flight",
    )
}
