//! The rules for the requests `auth.fetch` sends with the access token:
//!
//! - **The session being decided comes first.** While the app waits for a `restore()`,
//!   `login()`, `loginWith()` or `signUp()`, an authorised request is not sent with what the
//!   tab holds now (nothing after a reload, the old user's token during a switch): it waits
//!   ([`Gate::Wait`], then [`Call::AwaitSession`](super::Call::AwaitSession)) and goes out
//!   with what the decision produced — or with no token, when it ended signed out.
//! - Refresh first when the token has expired by the machine's estimate.
//! - After a refusal of the token — a 401, or a 403 whose body says simplejwt's
//!   `token_not_valid` (DRF answers 403 when the first authentication class has no
//!   `WWW-Authenticate` header, as `SessionAuthentication` first) — resend once: with the
//!   current token when the request went out with an older one, else after a refresh.

use super::waiters::{On, Want};
use super::{Machine, Ms, Outcome, State, REFRESH_FLOOR_MS};
use crate::secret::Secret;

/// One API request, as the retry rule sees it: the token generation it went out with, and
/// whether it was already retried (at most once).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attempt {
    sent_with: Option<u64>,
    retried: bool,
}

impl Attempt {
    /// Records the generation of the token the request is being sent with (`None`: none).
    pub fn sending(&mut self, gen: Option<u64>) {
        self.sent_with = gen;
    }

    /// An attempt a shell kept outside the machine between two steps (net.js's `retry`): sent
    /// with the token of generation `sent_with`, and whether it is itself the one resend.
    pub fn resumed(sent_with: Option<u64>, resent: bool) -> Attempt {
        Attempt {
            sent_with,
            retried: resent,
        }
    }

    /// Whether the request was already retried.
    pub fn retried(&self) -> bool {
        self.retried
    }
}

/// May an authorised request go out now?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Yes, with the current token ([`Machine::bearer`]), or none.
    Send,
    /// Not before the session being decided is: wait for
    /// [`Call::AwaitSession`](super::Call::AwaitSession) to settle, then ask again.
    Wait,
    /// Not before a refresh (the token has expired): `refresh()`, then send.
    RefreshFirst,
}

/// What the machine needs to see of an answer to judge it ([`Machine::answered`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consult {
    /// Nothing: the answer is the caller's as it is.
    No,
    /// Its status (a 401).
    Status,
    /// Its status and the `code` of its JSON body (a 403: a refused token, or a permission
    /// refusal that is the app's).
    Body,
}

/// Which answers to `auth.fetch` the machine may retry; the shell hands every other one to the
/// caller without asking (one crossing less per call).
pub fn consult(status: u16) -> Consult {
    match status {
        401 => Consult::Status,
        403 => Consult::Body,
        _ => Consult::No,
    }
}

/// The statuses [`consult`] asks about, for the shell's fast path.
pub const CONSULTED: [u16; 2] = [401, 403];

/// simplejwt's `code` for a token it refuses.
const TOKEN_NOT_VALID: &str = "token_not_valid";

/// What to do about the API's answer to a request `auth.fetch` sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// The request went out with an older token than the current one: resend with the current.
    WithCurrent,
    /// Refresh (or join the refresh in flight), then resend.
    AfterRefresh,
    /// Hand the response to the caller (not a refusal of the token, already retried, or
    /// signed out).
    No,
}

impl<U: Clone> Machine<U> {
    /// Whether the app waits for a call that decides the session: a `restore()`, a login or a
    /// sign-up whose promise has not settled.
    pub fn deciding(&self) -> bool {
        self.waiters
            .any(&|w| matches!(w, Want::Restore | Want::Login | Want::SignUp))
    }

    /// Whether an authorised request may go out at `now` (see the module docs).
    pub fn fetch_gate(&self, now: Ms) -> Gate {
        if self.deciding() {
            Gate::Wait
        } else if self.token().is_some() && self.live_token(now).is_none() {
            Gate::RefreshFirst
        } else {
            Gate::Send
        }
    }

    /// `auth.fetch` waits for the session being decided: settled with
    /// [`Outcome::Decided`] at once when nothing is, else when the last deciding call settles.
    pub(super) fn await_session(&mut self, op: super::OpId) {
        if self.deciding() {
            self.wait(op, Want::Decided, On::Decision, None);
        } else {
            self.settle(op, Outcome::Decided);
        }
    }

    /// Settles the requests waiting for the session once nothing decides it any more (after
    /// every input).
    pub(super) fn release_decided(&mut self) {
        if !self.deciding() {
            for w in self.waiters.take(&|w| w.on == On::Decision) {
                self.settle(w.op, Outcome::Decided);
            }
        }
    }

    /// The token `auth.fetch` sends: the current one, whatever the estimate of its expiry says
    /// (the server decides; a clock opinion never withholds a token), with its generation.
    pub fn bearer(&self) -> Option<(u64, &Secret)> {
        self.token().map(|t| (t.gen, &t.value))
    }

    /// The API answered `attempt` with `status` (and, for a 403, a body whose `code` is
    /// `code`) at `now`. Only a refused token is retried, each request at most once; and a
    /// token that a refresh made for a refusal brought less than [`REFRESH_FLOOR_MS`] ago is
    /// not refreshed again (a server that refuses tokens as fast as it issues them cannot be
    /// helped, and the app's requests must not become a refresh storm).
    pub fn answered(
        &self,
        status: u16,
        code: Option<&str>,
        attempt: &mut Attempt,
        now: Ms,
    ) -> Retry {
        let refused = match consult(status) {
            Consult::Status => true,
            Consult::Body => code == Some(TOKEN_NOT_VALID),
            Consult::No => false,
        };
        if !refused || attempt.retried {
            return Retry::No;
        }
        let decision = match (self.token(), attempt.sent_with) {
            (Some(t), Some(g)) if t.gen > g => Retry::WithCurrent,
            (Some(_), None) => Retry::WithCurrent,
            (Some(t), _) if t.after_401_at.is_some_and(|at| now < at + REFRESH_FLOOR_MS) => {
                Retry::No
            }
            _ if self.state() == State::SignedOut => Retry::No,
            _ => Retry::AfterRefresh,
        };
        attempt.retried = decision != Retry::No;
        decision
    }
}
