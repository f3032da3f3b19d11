//! When a token expires on the machine's clock, from all the evidence; and when to refresh it.
//!
//! `exp` and `iat` are server clock, in whole seconds (truncated). What the machine needs is
//! how long a token it just received has left. The rules:
//!
//! - **The offset.** Every token with an `iat`, received at machine time `r`, bounds the
//!   server-minus-machine offset θ from below: `iat − r ≤ θ` (it was issued before it arrived,
//!   and `iat` is truncated down). The largest bound seen is the estimate, within the round trip
//!   plus one second of θ when it came from a fresh `iat`. A stale `iat` — simplejwt ≤ 5.5.0
//!   copies the refresh token's into every refreshed access token — gives a smaller bound and
//!   never wins. The expiry is then `exp − θ`, minus a margin for the truncation.
//! - **The lifetime.** A login reply's `iat` is fresh on every server (the pair is made
//!   together): its `exp − iat` is the lifetime the server gives, and no token just issued
//!   has more left than that, whatever either clock does. This bound survives the device's
//!   clock being set, which the offset does not.
//! - The expiry is the earliest these give. Until a login was seen (a page restored from the
//!   cookie by a refresh), the best bound may come from a stale `iat`: the client clock, when
//!   plausible (by it the fresh token is not already expired), is taken into the minimum too.
//! - **Contradiction.** The server issues only unexpired tokens. A new token that the offset
//!   says arrived expired proves the offset stale (the device's clock was set meanwhile): it is
//!   dropped and rebuilt from this token.
//! - **No `iat`.** The client clock if plausible; else the lifetime is unknown: the token is
//!   sent anyway, refreshed after a 401 (at most once per [`REFRESH_FLOOR_MS`] for a token
//!   from a refresh), and never refreshed proactively. A clock opinion never withholds a token
//!   the server just issued.
//!
//! `expiresAt` is therefore an estimate that is never later than the truth by more than the
//! round trip of the token the offset came from (or the client clock's error, when nothing
//! better is known), and at most a second earlier.

use super::Ms;
use crate::claims::Claims;

/// `iat` and `exp` are whole seconds: the margin taken off an expiry (at most a quarter of
/// what is left).
const TRUNCATION_MARGIN_MS: Ms = 1000;

/// A token that came from a refresh is not refreshed again after a 401 before it is this old:
/// a server that refuses tokens as fast as it issues them cannot be helped by refreshing, and
/// the app's requests must not turn into a refresh storm.
pub const REFRESH_FLOOR_MS: Ms = 2000;

/// What the tokens seen so far say about the server's clock and lifetimes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    /// The best lower bound of server minus machine time, ms.
    offset: Option<i64>,
    /// The shortest `exp − iat` of a login's token, ms: the lifetime the server gives.
    lifetime: Option<Ms>,
}

/// A token's timing on the machine's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Expiry {
    /// When it expires; `None` when nothing plausible says.
    pub at: Option<Ms>,
    /// How long it had left when received (for the leeway cap).
    pub lifetime: Option<Ms>,
}

impl Timing {
    /// The estimated server-minus-machine offset, ms, when an `iat` was seen.
    pub fn offset(&self) -> Option<i64> {
        self.offset
    }

    /// A token just issued by the server (a login or refresh reply) was received at `received`.
    /// `expiration_ms` is the reply's `access_expiration`, used only for a token without `exp`:
    /// dj-rest-auth computes it as "now + lifetime" when it answers, after the token was made,
    /// so it is later than the `exp` the server checks (by up to a second and the time the
    /// view took).
    pub fn observe(
        &mut self,
        claims: &Claims,
        expiration_ms: Option<Ms>,
        from_login: bool,
        received: Ms,
    ) -> Expiry {
        let Some(exp) = claims.exp.map(|s| s.saturating_mul(1000)).or(expiration_ms) else {
            return Expiry::default();
        };
        let (exp, r) = (exp as i64, received as i64);
        // A fresh token that the offset says arrived expired: the offset is stale.
        if self.offset.is_some_and(|o| exp - o <= r) {
            self.offset = None;
        }
        if let Some(iat) = claims.iat.map(|s| s.saturating_mul(1000) as i64) {
            let bound = iat.saturating_sub(r);
            if self.offset.is_none_or(|o| bound > o) {
                self.offset = Some(bound);
            }
            if from_login && exp > iat {
                // Both are truncated, and simplejwt stamps them from two moments microseconds
                // apart (the refresh token's for exp, the access token's for iat): across a
                // second boundary exp − iat is a second short. The lifetime is at most this.
                let life = (exp - iat) as Ms + TRUNCATION_MARGIN_MS;
                self.lifetime = Some(self.lifetime.map_or(life, |l| l.min(life)));
            }
        }
        let by_offset = self.offset.map(|o| exp - o - r);
        let by_lifetime = self.lifetime.map(|l| l as i64);
        let by_clock = Some(exp - r).filter(|left| *left > 0 && self.lifetime.is_none());
        let Some(left) = [by_offset, by_lifetime, by_clock]
            .into_iter()
            .flatten()
            .min()
            .filter(|left| *left > 0)
        else {
            // Implausible by every clock: unknown.
            return Expiry::default();
        };
        let left = left as Ms;
        let margin = TRUNCATION_MARGIN_MS.min(left / 4);
        Expiry {
            at: Some(received.saturating_add(left - margin)),
            lifetime: Some(left),
        }
    }
}

/// The proactive refresh moment of a token expiring at `expires`: `leeway` before, where the
/// leeway is capped at half the lifetime so that a leeway longer than the lifetime cannot loop.
pub fn refresh_at(expires: Ms, lifetime: Option<Ms>, leeway: Ms) -> Option<Ms> {
    let leeway = match lifetime {
        Some(life) => leeway.min(life / 2),
        None => leeway,
    };
    Some(expires.saturating_sub(leeway))
}
