//! Tests of `reply`.

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
