//! Where the session stands: the phase (unknown, signed in with a token, signed out), the
//! token and the record of it that is stored, broadcast and restored.

use crate::error::AuthError;
use crate::secret::Secret;

use super::Ms;

/// The access token the session holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The token itself (redacted in `Debug`).
    pub value: Secret,
    /// Increases with every new token; a request remembers the generation it was sent with.
    pub gen: u64,
    /// When it expires, on the local clock; `None` when the token says nothing.
    pub expires_at: Option<Ms>,
    /// How long it had left when received, when known.
    pub lifetime: Option<Ms>,
    /// When a refresh that a 401 asked for brought it.
    pub after_401_at: Option<Ms>,
}

/// What can be persisted, broadcast and later restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// The token.
    pub value: Secret,
    /// When it expires: machine time inside the machine, wall time in a [`Snapshot`](super::Snapshot) (what
    /// storage, other tabs and the app see).
    pub expires_at: Option<Ms>,
    /// How long it had left when received, for the leeway rule.
    pub lifetime: Option<Ms>,
}

impl TokenRecord {
    /// Whether it is unexpired at `now` (a token without `exp` counts as unexpired).
    pub fn live_at(&self, now: Ms) -> bool {
        self.expires_at.is_none_or(|e| e > now)
    }
}

/// Where the session stands. A token exists only while signed in.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase<U> {
    /// Fresh page: a refresh cookie may or may not exist. Refreshing is allowed.
    Unknown {
        /// The last try to decide it (a refresh from the cookie) could not reach the server
        /// (network, timeout, 5xx): why. The machine keeps trying ([`Backoff`](super::backoff::Backoff)) until an answer
        /// decides it.
        unreachable: Option<AuthError>,
    },
    /// Signed in.
    SignedIn {
        /// The token.
        token: Token,
        /// The user, when known.
        user: Option<U>,
    },
    /// Signed out (by `logout()`, another tab, or the server refusing the refresh cookie): no
    /// refresh starts until the next sign-in.
    SignedOut {
        /// A `logout()` whose server call has not been confirmed yet: durable (mirrored in
        /// storage), so that the session cannot come back from the cookie it was to clear.
        logout_unconfirmed: bool,
    },
}

/// [`Phase`] without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// [`Phase::Unknown`].
    Unknown,
    /// [`Phase::SignedIn`].
    SignedIn,
    /// [`Phase::SignedOut`].
    SignedOut,
}

/// How a refresh ended, as far as the session is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 400/401 from the refresh endpoint: the cookie is gone, expired or revoked.
    Rejected,
    /// Network, timeout, 5xx, 403, an unusable body: try again later; the session stays.
    Transient,
}
