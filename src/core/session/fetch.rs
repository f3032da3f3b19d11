//! The rules for the requests `auth.fetch` sends with the access token: refresh first when
//! the token has expired, and after a 401 resend once — with the current token when the
//! request went out with an older one, else after a refresh.

use super::{Machine, Ms, State, REFRESH_FLOOR_MS};
use crate::core::secret::Secret;

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

    /// Whether the request was already retried.
    pub fn retried(&self) -> bool {
        self.retried
    }
}

/// What to do about the API's answer to a request `auth.fetch` sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// The request went out with an older token than the current one: resend with the current.
    WithCurrent,
    /// Refresh (or join the refresh in flight), then resend.
    AfterRefresh,
    /// Hand the response to the caller (not a 401, already retried, or signed out).
    No,
}

/// The only status [`Machine::answered`] may retry: any other answer goes to the caller as it
/// is, so the shell hands it over without asking (one crossing less per call).
pub const RETRIED_STATUS: u16 = 401;

impl<U: Clone> Machine<U> {
    /// Whether a request should wait for a refresh before it goes out: the token is expired
    /// (or about to be) by the machine's estimate.
    pub fn wants_refresh_before_send(&self, now: Ms) -> bool {
        self.token().is_some() && self.live_token(now).is_none()
    }

    /// The token `auth.fetch` sends: the current one, whatever the estimate of its expiry says
    /// (the server decides; a clock opinion never withholds a token), with its generation.
    pub fn bearer(&self) -> Option<(u64, &Secret)> {
        self.token().map(|t| (t.gen, &t.value))
    }

    /// The API answered `attempt` with `status` at `now`. Only a 401 is retried, each request
    /// at most once; and a token that a refresh made for a 401 brought less than
    /// [`REFRESH_FLOOR_MS`] ago is not refreshed again (a server that refuses tokens as fast as
    /// it issues them cannot be helped, and the app's requests must not become a refresh
    /// storm).
    pub fn answered(&self, status: u16, attempt: &mut Attempt, now: Ms) -> Retry {
        if status != RETRIED_STATUS || attempt.retried {
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
