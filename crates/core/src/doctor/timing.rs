//! `doctor()` on token timing: a server that copies the refresh token's `iat` into refreshed
//! access tokens (djangorestframework-simplejwt ≤ 5.5.0), and a device clock far from the
//! server's. Neither breaks tokenward (see `session::timing`); both break clients that time
//! tokens by `exp − iat` or by the device's clock.

use alloc::string::String;

use super::{Finding, Level};
use crate::claims::Claims;

/// A device clock this far from the server's is worth a word.
const CLOCK_NOTE_MS: i128 = 60_000;

/// The time claims of the credentialed cycle's tokens: the login's, when it arrived (device
/// clock, ms), and the refresh's, obtained more than a second later.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stamps {
    /// The login reply's token.
    pub login: Claims,
    /// When it arrived, by the device's clock (ms since the epoch).
    pub login_received: u64,
    /// The refresh reply's token, when the refresh succeeded.
    pub refresh: Option<Claims>,
}

/// The timing findings for `stamps`.
pub fn findings(stamps: &Stamps) -> impl Iterator<Item = Finding> {
    let copied = match (stamps.login, stamps.refresh) {
        (
            Claims {
                iat: Some(a),
                exp: Some(ea),
            },
            Some(Claims {
                iat: Some(b),
                exp: Some(eb),
            }),
        ) => a == b && eb > ea,
        _ => false,
    };
    let copied = copied.then(|| Finding {
        level: Level::Warning,
        code: "iat_copied",
        message: String::from("Access tokens from the refresh endpoint carry the refresh token's iat (the login's), as djangorestframework-simplejwt 5.5.0 and older do: a client that times tokens by exp − iat believes they live as long as the session is old. tokenward times them by the login's lifetime and the server's clock, so it copes."),
        fix: Some(String::from("Upgrade djangorestframework-simplejwt to 5.5.1 or later.")),
    });
    let clock = stamps.login.iat.and_then(|iat| {
        // Server minus device, at least (the token was issued before it arrived).
        let offset = i128::from(iat) * 1000 - i128::from(stamps.login_received);
        let (how, by) = if offset > CLOCK_NOTE_MS {
            ("behind", offset)
        } else if offset < -CLOCK_NOTE_MS - 1000 {
            ("ahead of", -offset - 1000)
        } else {
            return None;
        };
        let minutes = u64::try_from((by + 30_000).div_euclid(60_000)).unwrap_or(u64::MAX);
        Some(Finding {
            level: Level::Info,
            code: "clock_off",
            message: [
                "This device's clock is about ",
                &decimal(minutes),
                if minutes == 1 { " minute " } else { " minutes " },
                how,
                " the server's. tokenward times tokens by the server's clock, so that does not matter to it.",
            ]
            .concat(),
            fix: None,
        })
    });
    copied.into_iter().chain(clock)
}

/// `n` in decimal (no `format!` on the wasm path).
fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[i..].iter().map(|&d| char::from(d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    const S: u64 = 1_700_000_000;

    fn claims(iat: u64, exp: u64) -> Claims {
        Claims {
            iat: Some(iat),
            exp: Some(exp),
        }
    }

    fn codes(s: &Stamps) -> Vec<&'static str> {
        findings(s).map(|f| f.code).collect()
    }

    #[test]
    fn a_copied_iat_is_a_warning_naming_the_upgrade() {
        let s = Stamps {
            login: claims(S, S + 300),
            login_received: S * 1000 + 50,
            refresh: Some(claims(S, S + 302)),
        };
        let f: Vec<Finding> = findings(&s).collect();
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].code, f[0].level), ("iat_copied", Level::Warning));
        assert!(f[0].fix.as_deref().unwrap().contains("5.5.1"));
        // 5.5.1: a fresh iat.
        let fresh = Stamps {
            refresh: Some(claims(S + 2, S + 302)),
            ..s
        };
        assert!(codes(&fresh).is_empty());
        // No refresh token to compare with, or no iat: nothing to say.
        assert!(codes(&Stamps { refresh: None, ..s }).is_empty());
    }

    #[test]
    fn a_clock_far_off_is_information_in_minutes() {
        let behind = Stamps {
            login: claims(S, S + 300),
            login_received: S * 1000 - 10 * 60_000,
            refresh: None,
        };
        let f: Vec<Finding> = findings(&behind).collect();
        assert_eq!((f[0].code, f[0].level), ("clock_off", Level::Info));
        assert!(
            f[0].message.contains("about 10 minutes behind"),
            "{}",
            f[0].message
        );
        let ahead = Stamps {
            login_received: S * 1000 + 3 * 3_600_000,
            ..behind
        };
        let f: Vec<Finding> = findings(&ahead).collect();
        assert!(
            f[0].message.contains("about 180 minutes ahead of"),
            "{}",
            f[0].message
        );
        // Within a minute (and the second iat is truncated by): nothing.
        let close = Stamps {
            login_received: S * 1000 + 30_000,
            ..behind
        };
        assert!(codes(&close).is_empty());
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(1234567), "1234567");
    }
}
