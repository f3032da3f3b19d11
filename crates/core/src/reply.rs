//! Reading a reply body: parsed JSON (by the browser's `JSON.parse`) → [`BodyFacts`].
//!
//! The shell implements [`Body`] over a `JsValue`; the rules — which field is the server's
//! message, how the expiry is written — live here and are tested natively with every body shape
//! dj-rest-auth and simplejwt produce.

use alloc::string::String;
use alloc::vec::Vec;

use super::claims::{self, Claims, ClaimsError};
use super::error::FieldErrors;
use super::outcome::BodyFacts;
use super::secret::Secret;

/// One member of a JSON object, as far as the SDK cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    /// Absent or `undefined`.
    Missing,
    /// A string.
    Text(String),
    /// A number.
    Number(f64),
    /// An array: its string elements, in order (anything else in it is skipped).
    List(Vec<String>),
    /// Anything else (object, boolean, null).
    Other,
}

/// A parsed reply body.
pub trait Body {
    /// Whether the body was JSON at all.
    fn is_json(&self) -> bool;
    /// Whether it is a JSON object.
    fn is_object(&self) -> bool;
    /// The member `key` of the object.
    fn member(&self, key: &str) -> Member;
    /// The object's keys, in order.
    fn keys(&self) -> Vec<String>;
    /// The time claims of `token`, the access token this body carries. By default the core's
    /// own decoder; a shell whose bodies come from a JSON parser decodes the payload with it
    /// between [`claims::payload_segment`] and [`claims::from_payload`], which decide.
    ///
    /// # Errors
    /// As [`claims::decode`].
    fn jwt_claims(&self, token: &str) -> Result<Claims, ClaimsError> {
        claims::decode(token)
    }
}

/// Reply field names (`fields` in the config).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldNames {
    /// The access token.
    pub access: String,
    /// Its expiry: an ISO 8601 date (dj-rest-auth) or seconds since the epoch.
    pub access_expiration: String,
    /// The user object.
    pub user: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            access: String::from("access"),
            access_expiration: String::from("access_expiration"),
            user: String::from("user"),
        }
    }
}

/// Reads the facts the core needs.
pub fn facts(body: &impl Body, names: &FieldNames) -> BodyFacts {
    if !body.is_object() {
        return BodyFacts {
            json: body.is_json(),
            ..BodyFacts::default()
        };
    }
    let access = match body.member(&names.access) {
        Member::Text(t) => Some(Secret::new(t)),
        _ => None,
    };
    let claims = access.as_ref().map(|t| body.jwt_claims(t.expose()));
    let access_expiration_ms = match body.member(&names.access_expiration) {
        Member::Text(t) => iso8601_ms(&t),
        Member::Number(secs) if secs.is_finite() && secs > 0.0 && secs < 1e11 => {
            Some((secs * 1000.0) as u64)
        }
        _ => None,
    };
    let refresh_in_body = matches!(body.member("refresh"), Member::Text(t) if !t.is_empty());
    let code = match body.member("code") {
        Member::Text(t) => Some(t),
        _ => None,
    };
    BodyFacts {
        json: true,
        access,
        claims,
        access_expiration_ms,
        refresh_in_body,
        detail: detail(body),
        code,
        field_errors: field_errors(body),
    }
}

/// The members that are lists of messages, as DRF writes validation errors.
fn field_errors(body: &impl Body) -> FieldErrors {
    body.keys()
        .into_iter()
        .filter_map(|key| match body.member(&key) {
            Member::List(l) if !l.is_empty() => Some((key, l)),
            _ => None,
        })
        .collect()
}

/// The server's message: `detail`, else the first `non_field_errors` entry, else the first
/// field error (`{"password": ["This field is required."]}`) as `"password: This field is
/// required."`. Only lists count as field errors, so a string member — a token — can never
/// become a "detail".
fn detail(body: &impl Body) -> Option<String> {
    for key in ["detail", "non_field_errors"] {
        match body.member(key) {
            Member::Text(t) => return Some(t),
            Member::List(l) if !l.is_empty() => return l.into_iter().next(),
            _ => {}
        }
    }
    body.keys()
        .into_iter()
        .find_map(|key| match body.member(&key) {
            Member::List(l) => l.first().map(|msg| {
                let mut s = key;
                s.push_str(": ");
                s.push_str(msg);
                s
            }),
            _ => None,
        })
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` → ms since the epoch. `None` for anything else
/// (a date without a zone is ambiguous and refused).
pub fn iso8601_ms(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..3 {
            millis *= 10;
        }
    }
    let offset_min = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 60 + m;
            if *sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    let ms = secs.checked_mul(1000)?.checked_add(millis)?;
    u64::try_from(ms).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[path = "tests/reply.rs"]
mod tests;
