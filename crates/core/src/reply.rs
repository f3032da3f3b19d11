//! Reading a reply body: parsed JSON (by the browser's `JSON.parse`) → [`BodyFacts`].
//!
//! The shell implements [`Body`] over a `JsValue`; the rules — which field is the server's
//! message, how the expiry is written — live here and are tested natively with every body shape
//! dj-rest-auth and simplejwt produce.

use alloc::string::String;
use alloc::vec::Vec;

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
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use proptest::prelude::*;

    /// A tiny JSON object for tests: (key, member) pairs.
    struct Obj(Vec<(&'static str, Member)>);

    impl Body for Obj {
        fn is_json(&self) -> bool {
            true
        }
        fn is_object(&self) -> bool {
            true
        }
        fn member(&self, key: &str) -> Member {
            self.0
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(Member::Missing, |(_, v)| v.clone())
        }
        fn keys(&self) -> Vec<String> {
            self.0.iter().map(|(k, _)| k.to_string()).collect()
        }
    }

    struct NotObject(bool);

    impl Body for NotObject {
        fn is_json(&self) -> bool {
            self.0
        }
        fn is_object(&self) -> bool {
            false
        }
        fn member(&self, _: &str) -> Member {
            Member::Missing
        }
        fn keys(&self) -> Vec<String> {
            Vec::new()
        }
    }

    fn text(s: &str) -> Member {
        Member::Text(s.to_string())
    }

    fn list(s: &str) -> Member {
        Member::List(vec![s.to_string()])
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.s";

    #[test]
    fn login_200() {
        let f = facts(
            &Obj(vec![
                ("access", text(JWT)),
                ("refresh", text("")),
                ("user", Member::Other),
            ]),
            &FieldNames::default(),
        );
        assert_eq!(f.access.as_ref().map(Secret::expose), Some(JWT));
        assert!(!f.refresh_in_body, "HttpOnly: refresh is \"\"");
        assert_eq!(f.detail, None);
        assert_eq!(f.access_expiration_ms, None);
    }

    #[test]
    fn login_200_with_the_refresh_token_in_the_body() {
        let f = facts(
            &Obj(vec![("access", text(JWT)), ("refresh", text("eyJr.x.y"))]),
            &FieldNames::default(),
        );
        assert!(f.refresh_in_body);
        assert_eq!(f.detail, None, "a token is never a detail");
    }

    #[test]
    fn login_400_wrong_password_and_missing_field() {
        let f = facts(
            &Obj(vec![(
                "non_field_errors",
                list("Unable to log in with provided credentials."),
            )]),
            &FieldNames::default(),
        );
        assert_eq!(
            f.detail.as_deref(),
            Some("Unable to log in with provided credentials.")
        );
        let f = facts(
            &Obj(vec![
                ("username", Member::Other),
                ("password", list("This field is required.")),
            ]),
            &FieldNames::default(),
        );
        assert_eq!(
            f.detail.as_deref(),
            Some("password: This field is required.")
        );
    }

    #[test]
    fn refresh_200_with_access_expiration() {
        let f = facts(
            &Obj(vec![
                ("access", text(JWT)),
                ("access_expiration", text("2023-11-14T22:18:20.123456Z")),
            ]),
            &FieldNames::default(),
        );
        assert_eq!(f.access_expiration_ms, Some(1_700_000_300_123));
    }

    #[test]
    fn refresh_401_and_protected_401() {
        let f = facts(
            &Obj(vec![
                ("detail", text("Token is blacklisted")),
                ("code", text("token_not_valid")),
            ]),
            &FieldNames::default(),
        );
        assert_eq!(f.detail.as_deref(), Some("Token is blacklisted"));
        assert_eq!(f.code.as_deref(), Some("token_not_valid"));
        assert_eq!(f.access, None);
        let f = facts(
            &Obj(vec![
                ("detail", text("Given token not valid for any token type")),
                ("code", text("token_not_valid")),
                ("messages", Member::List(vec![])),
            ]),
            &FieldNames::default(),
        );
        assert_eq!(
            f.detail.as_deref(),
            Some("Given token not valid for any token type")
        );
    }

    #[test]
    fn logout_and_csrf_details() {
        for d in [
            "Successfully logged out.",
            "CSRF Failed: CSRF cookie not set.",
            "Refresh token was not included in request data.",
        ] {
            let f = facts(&Obj(vec![("detail", text(d))]), &FieldNames::default());
            assert_eq!(f.detail.as_deref(), Some(d));
        }
    }

    #[test]
    fn custom_field_names() {
        let names = FieldNames {
            access: "token".to_string(),
            access_expiration: "expires".to_string(),
            user: "me".to_string(),
        };
        let f = facts(
            &Obj(vec![
                ("token", text(JWT)),
                ("expires", Member::Number(1_700_000_300.0)),
            ]),
            &names,
        );
        assert!(f.access.is_some());
        assert_eq!(f.access_expiration_ms, Some(1_700_000_300_000));
    }

    #[test]
    fn non_objects_have_no_facts() {
        assert_eq!(
            facts(&NotObject(false), &FieldNames::default()),
            BodyFacts::default()
        );
        let f = facts(&NotObject(true), &FieldNames::default());
        assert!(f.json && f.access.is_none() && f.detail.is_none());
        // Wrong types are ignored, not errors.
        let f = facts(
            &Obj(vec![
                ("access", Member::Number(5.0)),
                ("detail", Member::Other),
            ]),
            &FieldNames::default(),
        );
        assert_eq!(f.access, None);
        assert_eq!(f.detail, None);
    }

    #[test]
    fn iso8601_forms() {
        assert_eq!(iso8601_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(iso8601_ms("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(
            iso8601_ms("2023-11-14T22:13:20.5Z"),
            Some(1_700_000_000_500)
        );
        assert_eq!(
            iso8601_ms("2023-11-14T23:13:20+01:00"),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            iso8601_ms("2023-11-14T21:13:20.000-01:00"),
            Some(1_700_000_000_000)
        );
        assert_eq!(iso8601_ms("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        for bad in [
            "",
            "2023-11-14",
            "2023-11-14T22:13:20",
            "2023-11-14T22:13:20.Z",
            "2023-13-14T22:13:20Z",
            "2023-11-14T24:13:20Z",
            "2023-11-14T22:13:20+0100",
            "1969-12-31T23:59:59Z",
            "2023-11-14T22:13:20Zjunk",
            "２０２３-11-14T22:13:20Z",
        ] {
            assert_eq!(iso8601_ms(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn iso8601_never_panics(s in ".{0,40}") {
            let _ = iso8601_ms(&s);
        }

        #[test]
        fn iso8601_agrees_with_days_arithmetic(days in 0i64..100_000, secs in 0i64..86_400) {
            let (y, m, d) = civil_from_days(days);
            let s = alloc::format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                secs / 3600, secs / 60 % 60, secs % 60
            );
            prop_assert_eq!(iso8601_ms(&s), Some(((days * 86_400 + secs) * 1000) as u64));
        }
    }

    /// The inverse of `days_from_civil`, for the property test.
    fn civil_from_days(z: i64) -> (i64, i64, i64) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (if m <= 2 { y + 1 } else { y }, m, d)
    }
}
