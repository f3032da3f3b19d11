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
#[path = "../tests/doctor_timing.rs"]
mod tests;
