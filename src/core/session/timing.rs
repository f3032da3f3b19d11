//! When a token expires on the local clock, and when to refresh it.

use super::Ms;
use crate::core::claims::Claims;

/// The server truncates `iat` and `exp` to whole seconds, so a token may expire up to this long
/// before `receipt + (exp − iat)`. Applied as a margin (at most a quarter of the lifetime).
const TRUNCATION_MARGIN_MS: Ms = 1000;

/// Local-clock expiry and lifetime of a token received at `now`.
///
/// With `iat`, the lifetime is counted from receipt (server-clock differences cancel out);
/// without it the SDK has only the client clock to compare `exp` with.
pub fn expiry(claims: &Claims, expiration_ms: Option<Ms>, now: Ms) -> (Option<Ms>, Option<Ms>) {
    let iat_ms = claims.iat.map(|s| s * 1000);
    let server_expiry = expiration_ms.or(claims.exp.map(|s| s * 1000));
    match (server_expiry, iat_ms) {
        (Some(exp), Some(iat)) => {
            let life = exp.saturating_sub(iat);
            let margin = TRUNCATION_MARGIN_MS.min(life / 4);
            (Some(now.saturating_add(life - margin)), Some(life))
        }
        (Some(exp), None) => (Some(exp), Some(exp.saturating_sub(now))),
        (None, _) => (None, None),
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const LIFE: Ms = 300_000;

    fn claims(iat: u64, life_s: u64) -> Claims {
        Claims {
            exp: Some(iat + life_s),
            iat: Some(iat),
        }
    }

    #[test]
    fn expiry_counts_lifetime_from_receipt_whatever_the_client_clock() {
        // Client clock 5 hours behind the server: exp is "in the future" by 5 h + 5 min, but
        // the token lives 5 minutes from receipt.
        let now = 1_700_000_000_000 - 5 * 3600 * 1000;
        let (exp, life) = expiry(&claims(1_700_000_000, 300), None, now);
        assert_eq!(life, Some(LIFE));
        assert_eq!(exp, Some(now + LIFE - TRUNCATION_MARGIN_MS));
        // Client clock 5 hours ahead: exp is "in the past", the token is still fresh.
        let now = 1_700_000_000_000 + 5 * 3600 * 1000;
        let (exp, _) = expiry(&claims(1_700_000_000, 300), None, now);
        assert!(exp.unwrap() > now);
    }

    #[test]
    fn expiry_uses_access_expiration_when_sent() {
        let c = claims(1_700_000_000, 300);
        let (_, life) = expiry(&c, Some(1_700_000_060_000), 5);
        assert_eq!(life, Some(60_000));
        // No iat: the client clock is all there is.
        let c = Claims {
            exp: Some(1_700_000_300),
            iat: None,
        };
        assert_eq!(
            expiry(&c, None, 1_700_000_000_000),
            (Some(1_700_000_300_000), Some(300_000))
        );
        assert_eq!(expiry(&Claims::default(), None, 5), (None, None));
    }

    #[test]
    fn the_leeway_is_at_most_half_the_lifetime() {
        assert_eq!(refresh_at(300_000, Some(300_000), 30_000), Some(270_000));
        assert_eq!(refresh_at(4_000, Some(4_000), 3_600_000), Some(2_000));
        assert_eq!(refresh_at(4_000, None, 3_600_000), Some(0));
    }
}
