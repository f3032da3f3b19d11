//! The queue's work as types: one struct per kind of job, each with the stages it can be in
//! (a stage of one kind cannot be given to another), and a superseded job as a state of its
//! own that can only learn from its request's answer. No behaviour here: each kind's steps are
//! in the room named for it (`login`, `refresh`, `logout`, `account`), the queue in `queue`.

use alloc::string::String;

use super::io::{Payload, ReqId};
use super::Ms;
use super::TokenRecord;
use crate::account::AccountCall;
use crate::error::AuthError;
use crate::login::NoBearer;
use crate::logout::LogoutOutcome;
use crate::secret::Secret;

/// A job's id: the app calls it settles wait on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct JobId(pub(super) u32);

/// One unit of cookie-setting work.
#[derive(Debug)]
pub(super) struct Job {
    pub(super) id: JobId,
    pub(super) work: Work,
}

/// What a job does, by kind.
#[derive(Debug)]
pub(super) enum Work {
    Login(Login),
    Refresh(Refresh),
    Logout(Logout),
    Account(Account),
    /// `doctor()`'s cycle, run by the shell while it holds the queue.
    Doctor(DoctorStage),
    /// A later call replaced its purpose while its request was on the wire: the answer is
    /// waited for (it may set cookies the next request must see) and learnt from, but never
    /// applied, persisted, broadcast or emitted. Its callers were settled when it was
    /// superseded.
    Draining {
        req: ReqId,
        learns: Learns,
    },
}

/// What a superseded job still learns from its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Learns {
    /// A login's grant: the cookies' freshest token, and a session no call asks for.
    LoginGrant,
    /// A refresh's grant (a refresh, or one obtaining a Bearer): the cookies' freshest token.
    RefreshGrant,
    /// A sign-up's answer: whether it exposed the refresh token in its body.
    SignUpBody,
    /// Nothing (the user look-up of a login).
    Nothing,
}

/// `login()` / `loginWith()`, or the login after an active sign-up.
#[derive(Debug)]
pub(super) struct Login {
    pub(super) credentials: Secret,
    /// `loginWith()`'s endpoint, else `endpoints.login`.
    pub(super) at: Option<String>,
    pub(super) exchange: Exchange<AuthError>,
    pub(super) stage: LoginStage,
}

/// Where a login stands.
#[derive(Debug)]
pub(super) enum LoginStage {
    Queued,
    Sent(ReqId),
    /// The refresh that obtains a Bearer for the resend (Django's CSRF check).
    GettingBearer(ReqId),
    /// Signed in at the server: the user is looked up before the session is applied.
    LookingUp(ReqId, TokenRecord),
}

/// A refresh: `refresh()`, one `auth.fetch` or `restore()` waits for, or this machine's own.
#[derive(Debug)]
pub(super) struct Refresh {
    /// The token generation when it was queued: a newer token by the time it may send (from
    /// another tab, or a login before it) makes the request unnecessary.
    pub(super) base_gen: u64,
    /// Resent once already after a refusal (a rotation race with another tab).
    pub(super) resent: bool,
    /// Another tab held the lock before this job got it.
    pub(super) after_another_tab: bool,
    pub(super) stage: RefreshStage,
}

/// Where a refresh stands.
#[derive(Debug)]
pub(super) enum RefreshStage {
    Queued,
    /// Lets another tab's broadcast arrive before deciding to send.
    Grace(Ms),
    Sent(ReqId),
    /// Refreshed: the user is looked up before the session is applied.
    LookingUp(ReqId, TokenRecord),
}

/// The server call of `logout()`.
#[derive(Debug)]
pub(super) struct Logout {
    pub(super) exchange: Exchange<LogoutOutcome>,
    pub(super) stage: ExchangeStage,
}

/// A sign-up, a password, profile or e-mail call ([`crate::account`]).
#[derive(Debug)]
pub(super) struct Account {
    pub(super) call: AccountCall,
    pub(super) body: Payload,
    /// How its requests get past Django's CSRF check while signed out (as a login's).
    pub(super) exchange: Exchange<AuthError>,
    /// A sign-up: the credentials of the login that follows it.
    pub(super) then_login: Option<Secret>,
    pub(super) stage: ExchangeStage,
}

/// Where a logout or an account call stands.
#[derive(Debug)]
pub(super) enum ExchangeStage {
    Queued,
    Sent(ReqId),
    /// The refresh that obtains a Bearer for the resend (Django's CSRF check).
    GettingBearer(ReqId),
}

/// Where `doctor()`'s cycle stands.
#[derive(Debug)]
pub(super) enum DoctorStage {
    Queued,
    /// Its turn came: its requests set and clear the cookies until it reports.
    Examining,
}

/// Where a login, logout or account exchange stands with its credentials.
#[derive(Debug)]
pub(super) struct Exchange<F> {
    /// The Bearer its request carries.
    pub(super) bearer: Option<Secret>,
    /// Already resent with a fresh Bearer or a minted CSRF cookie.
    pub(super) fresh: bool,
    /// While a Bearer is being obtained: what to do when none can be had, and how the
    /// exchange ends if that does not help either.
    pub(super) fallback: Option<(NoBearer, F)>,
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

/// How an exchange goes on after the refresh that was to obtain its Bearer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Resend {
    /// With the Bearer that refresh brought.
    WithBearer,
    /// With a minted double-submit CSRF cookie (there was no refresh cookie).
    WithMintedCsrfCookie,
    /// Nothing helps: it ends with its fallback.
    GiveUp,
}

impl<F> Exchange<F> {
    /// The Bearer refresh answered (`bearer`: the token it brought, if any).
    pub(super) fn after_bearer(&mut self, bearer: Option<Secret>) -> Resend {
        self.fresh = true;
        let mint = matches!(self.fallback, Some((NoBearer::MintCsrfCookie, _)));
        match bearer {
            Some(b) => {
                self.bearer = Some(b);
                Resend::WithBearer
            }
            None if mint => {
                self.bearer = None;
                Resend::WithMintedCsrfCookie
            }
            None => Resend::GiveUp,
        }
    }
}

impl Job {
    /// A request of it is on the wire (then it is not dropped, and the lock stays).
    pub(super) fn on_wire(&self) -> Option<ReqId> {
        match &self.work {
            Work::Login(l) => match l.stage {
                LoginStage::Sent(r) | LoginStage::GettingBearer(r) => Some(r),
                LoginStage::LookingUp(r, _) => Some(r),
                LoginStage::Queued => None,
            },
            Work::Refresh(r) => match r.stage {
                RefreshStage::Sent(q) | RefreshStage::LookingUp(q, _) => Some(q),
                RefreshStage::Queued | RefreshStage::Grace(_) => None,
            },
            Work::Logout(Logout { stage, .. }) | Work::Account(Account { stage, .. }) => {
                match stage {
                    ExchangeStage::Sent(r) | ExchangeStage::GettingBearer(r) => Some(*r),
                    ExchangeStage::Queued => None,
                }
            }
            Work::Doctor(_) => None,
            Work::Draining { req, .. } => Some(*req),
        }
    }

    /// Its purpose still stands.
    pub(super) fn is_live(&self) -> bool {
        !matches!(self.work, Work::Draining { .. })
    }

    pub(super) fn is_live_logout(&self) -> bool {
        matches!(self.work, Work::Logout(_))
    }

    pub(super) fn is_refresh(&self) -> bool {
        matches!(self.work, Work::Refresh(_))
    }

    pub(super) fn is_examining(&self) -> bool {
        matches!(self.work, Work::Doctor(DoctorStage::Examining))
    }

    /// A later login or logout supersedes it: a login, refresh or sign-up (not a logout,
    /// which must reach the server, nor `doctor()`'s cycle, which reports when it is over, nor
    /// a password, profile or e-mail call, which reports what the server did).
    pub(super) fn supersedable(&self) -> bool {
        match &self.work {
            Work::Login(_) | Work::Refresh(_) => true,
            Work::Account(a) => a.call == AccountCall::SignUp,
            Work::Logout(_) | Work::Doctor(_) | Work::Draining { .. } => false,
        }
    }

    /// When its grace period ends (a refresh letting another tab's broadcast arrive).
    pub(super) fn grace_until(&self) -> Option<Ms> {
        match &self.work {
            Work::Refresh(Refresh {
                stage: RefreshStage::Grace(t),
                ..
            }) => Some(*t),
            _ => None,
        }
    }

    /// It may proceed now: queued, or its grace period is over.
    pub(super) fn ready(&self, now: Ms) -> bool {
        match &self.work {
            Work::Login(l) => matches!(l.stage, LoginStage::Queued),
            Work::Refresh(r) => match r.stage {
                RefreshStage::Queued => true,
                RefreshStage::Grace(t) => t <= now,
                _ => false,
            },
            Work::Logout(Logout { stage, .. }) | Work::Account(Account { stage, .. }) => {
                matches!(stage, ExchangeStage::Queued)
            }
            Work::Doctor(stage) => matches!(stage, DoctorStage::Queued),
            Work::Draining { .. } => false,
        }
    }

    /// What it becomes when superseded: draining its request, or `None` (dropped) when
    /// nothing of it is on the wire.
    pub(super) fn superseded(self) -> Option<Job> {
        let learns = match &self.work {
            Work::Login(l) => match l.stage {
                LoginStage::Sent(_) => Learns::LoginGrant,
                LoginStage::GettingBearer(_) => Learns::RefreshGrant,
                LoginStage::LookingUp(..) | LoginStage::Queued => Learns::Nothing,
            },
            Work::Refresh(_) => Learns::RefreshGrant,
            Work::Account(a) => match a.stage {
                ExchangeStage::Sent(_) => Learns::SignUpBody,
                _ => Learns::RefreshGrant,
            },
            _ => Learns::Nothing,
        };
        let req = self.on_wire()?;
        Some(Job {
            id: self.id,
            work: Work::Draining { req, learns },
        })
    }
}

impl Login {
    pub(super) fn new(credentials: Secret, at: Option<String>) -> Login {
        Login {
            credentials,
            at,
            exchange: Exchange::default(),
            stage: LoginStage::Queued,
        }
    }
}

impl Refresh {
    pub(super) fn new(base_gen: u64) -> Refresh {
        Refresh {
            base_gen,
            resent: false,
            after_another_tab: false,
            stage: RefreshStage::Queued,
        }
    }
}

impl Logout {
    pub(super) fn new() -> Logout {
        Logout {
            exchange: Exchange::default(),
            stage: ExchangeStage::Queued,
        }
    }
}

impl Account {
    pub(super) fn new(call: AccountCall, body: Payload, then_login: Option<Secret>) -> Account {
        Account {
            call,
            body,
            exchange: Exchange::default(),
            then_login,
            stage: ExchangeStage::Queued,
        }
    }
}
