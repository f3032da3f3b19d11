//! Tests of `claims`.

use super::*;
use crate::reply::{Body, Member};
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use proptest::prelude::*;

fn jwt(payload: &str) -> String {
    let mut t = String::from("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.");
    t.push_str(&URL_SAFE_NO_PAD.encode(payload));
    t.push_str(".c2ln");
    t
}

#[test]
fn reads_a_simplejwt_access_token() {
    // A real token from the reference backend (config c, 3 s lifetime).
    let t = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzk1Nzk1OTg3LCJpYXQiOjE3OTU3OTU5ODQsImp0aSI6ImZlYjJlOGJmNzZjMTRkYTg5ZDk0YWQyODVkYjQxMDk5IiwidXNlcl9pZCI6IjEifQ.S";
    let c = decode(t).unwrap();
    assert_eq!(c.exp, Some(1_795_795_987));
    assert_eq!(c.iat, Some(1_795_795_984));
    assert_eq!(c.lifetime_ms(), Some(3000));
}

#[test]
fn padded_and_unpadded_payloads_agree() {
    let body = r#"{"exp":1700000300,"iat":1700000000}"#;
    let unpadded = jwt(body);
    let mut padded = String::from("h.");
    padded.push_str(&URL_SAFE.encode(body));
    padded.push_str(".s");
    assert_eq!(decode(&unpadded), decode(&padded));
    assert_eq!(decode(&unpadded).unwrap().exp, Some(1_700_000_300));
}

#[test]
fn nested_values_and_whitespace_are_skipped() {
    let c = decode(&jwt(
        r#" { "a" : [1, {"exp": 5}, "x\"y"], "n": null, "t": true, "f": -1.5e3, "exp" : 1700000300.75 } "#,
    ))
    .unwrap();
    assert_eq!(c.exp, Some(1_700_000_300));
    assert_eq!(c.iat, None);
    assert_eq!(c.lifetime_ms(), None);
}

#[test]
fn missing_time_claims_are_none_not_errors() {
    assert_eq!(decode(&jwt("{}")).unwrap(), Claims::default());
    assert_eq!(decode(&jwt(r#"{"sub":"1"}"#)).unwrap(), Claims::default());
}

#[test]
fn malformed_tokens_are_errors() {
    let cases: &[(&str, ClaimsError)] = &[
        ("", ClaimsError::NotAJwt),
        ("abc", ClaimsError::NotAJwt),
        ("a.b", ClaimsError::NotAJwt),
        ("a.b.c.d", ClaimsError::NotAJwt),
        (".e30.", ClaimsError::NotAJwt),
        ("h..s", ClaimsError::NotAJwt),
        ("h.!!!.s", ClaimsError::BadBase64),
        ("h.e30xx.s", ClaimsError::BadBase64),
    ];
    for (t, want) in cases {
        assert_eq!(decode(t), Err(*want), "{t:?}");
    }
}

#[test]
fn non_json_payloads_are_errors() {
    for body in [
        "not json",
        "[1,2]",
        "{",
        r#"{"exp":1"#,
        r#"{"exp":1}x"#,
        r#"{"exp" 1}"#,
        r#"{exp:1}"#,
        "{\"a\":\"\u{1}\"}",
        r#"{"a":tru}"#,
        r#"{"a":1,}"#,
    ] {
        assert_eq!(decode(&jwt(body)), Err(ClaimsError::BadJson), "{body:?}");
    }
}

#[test]
fn bad_time_claims_are_errors() {
    for body in [
        r#"{"exp":"1700000000"}"#,
        r#"{"exp":-1}"#,
        r#"{"exp":1e9}"#,
        r#"{"exp":99999999999999999999999}"#,
        r#"{"iat":100000000001}"#,
        r#"{"exp":null}"#,
    ] {
        assert_eq!(
            decode(&jwt(body)),
            Err(ClaimsError::BadTimeClaim),
            "{body:?}"
        );
    }
}

#[test]
fn huge_and_deep_tokens_are_refused_quickly() {
    let huge = "a".repeat(MAX_TOKEN_LEN + 1);
    assert_eq!(decode(&huge), Err(ClaimsError::NotAJwt));
    let deep = "[".repeat(2000);
    let mut body = String::from(r#"{"a":"#);
    body.push_str(&deep);
    body.push('}');
    assert_eq!(decode(&jwt(&body)), Err(ClaimsError::BadJson));
}

#[test]
fn lifetime_never_underflows() {
    let c = Claims {
        exp: Some(10),
        iat: Some(20),
    };
    assert_eq!(c.lifetime_ms(), Some(0));
}

/// A payload as a JSON parser gave it: its members, or `None` when it is not an object.
struct Parsed(Option<Vec<(&'static str, Member)>>);

impl Body for Parsed {
    fn is_json(&self) -> bool {
        self.0.is_some()
    }
    fn is_object(&self) -> bool {
        self.0.is_some()
    }
    fn member(&self, key: &str) -> Member {
        let mut members = self.0.iter().flatten();
        let found = members.rfind(|(k, _)| *k == key);
        found.map_or(Member::Missing, |(_, m)| m.clone())
    }
    fn keys(&self) -> Vec<String> {
        self.0
            .iter()
            .flatten()
            .map(|(k, _)| k.to_string())
            .collect()
    }
}

#[test]
fn the_payload_segment_is_checked_before_any_parser_sees_it() {
    let t = jwt(r#"{"exp":1700000300}"#);
    let payload = t.split('.').nth(1).unwrap();
    assert_eq!(payload_segment(&t), Ok(payload));
    assert_eq!(
        payload_segment("h.eyJ9==.s"),
        Ok("eyJ9=="),
        "padding allowed"
    );
    for not_a_jwt in ["", "a.b", "a.b.c.d", ".b.c", "a..c"] {
        assert_eq!(
            payload_segment(not_a_jwt),
            Err(ClaimsError::NotAJwt),
            "{not_a_jwt:?}"
        );
    }
    let huge = jwt(&"x".repeat(MAX_TOKEN_LEN));
    assert_eq!(payload_segment(&huge), Err(ClaimsError::NotAJwt));
    // Standard base64, or anything else a lenient decoder (`atob`) would take.
    for bad in ["h.ab+c.s", "h.ab/c.s", "h.ab=c.s", "h.ab c.s", "h.\u{e9}.s"] {
        assert_eq!(payload_segment(bad), Err(ClaimsError::BadBase64), "{bad:?}");
    }
}

#[test]
fn a_payload_parsed_elsewhere_is_judged_by_the_same_rules() {
    let time = |m: Member| from_payload(&Parsed(Some(vec![("exp", m)])));
    assert_eq!(
        from_payload(&Parsed(Some(vec![
            ("exp", Member::Number(1_700_000_300.0)),
            ("iat", Member::Number(1_700_000_000.0)),
            ("jti", Member::Text("x".to_string())),
        ]))),
        Ok(Claims {
            exp: Some(1_700_000_300),
            iat: Some(1_700_000_000)
        })
    );
    assert_eq!(from_payload(&Parsed(Some(vec![]))), Ok(Claims::default()));
    assert_eq!(
        time(Member::Number(1.9)).unwrap().exp,
        Some(1),
        "a fraction is dropped"
    );
    // `JSON.parse` reads 1e9 as the number it is (the core's own parser refuses the form).
    assert_eq!(time(Member::Number(1e9)).unwrap().exp, Some(1_000_000_000));
    assert_eq!(
        time(Member::Number(MAX_SECS as f64)).unwrap().exp,
        Some(MAX_SECS)
    );
    for bad in [
        Member::Text("1700000000".to_string()),
        Member::Number(-1.0),
        Member::Number(MAX_SECS as f64 + 1.0),
        Member::Number(1e23),
        Member::Other,
        Member::List(vec![]),
    ] {
        assert_eq!(time(bad.clone()), Err(ClaimsError::BadTimeClaim), "{bad:?}");
    }
    assert_eq!(from_payload(&Parsed(None)), Err(ClaimsError::BadJson));
}

proptest! {
    #[test]
    fn never_panics_on_any_string(s in ".{0,300}") {
        let _ = decode(&s);
    }

    #[test]
    fn never_panics_on_any_payload(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut t = String::from("h.");
        t.push_str(&URL_SAFE_NO_PAD.encode(&bytes));
        t.push_str(".s");
        let _ = decode(&t);
    }

    #[test]
    fn base64url_agrees_with_the_base64_crate(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let encoded = URL_SAFE_NO_PAD.encode(&bytes);
        prop_assert_eq!(base64url_decode(encoded.as_bytes()), Some(bytes.clone()));
        prop_assert_eq!(base64url_decode(URL_SAFE.encode(&bytes).as_bytes()), Some(bytes));
    }

    #[test]
    fn base64url_rejects_what_the_crate_rejects(s in "[A-Za-z0-9_=+/-]{0,40}") {
        let ours = base64url_decode(s.as_bytes());
        let strict = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        )
        .decode(s.trim_end_matches('='));
        prop_assert_eq!(ours, strict.ok());
    }

    #[test]
    fn round_trips_any_time_claims(exp in 0u64..MAX_SECS, iat in 0u64..MAX_SECS) {
        let mut body = String::from(r#"{"token_type":"access","exp":"#);
        body.push_str(&exp.to_string());
        body.push_str(r#","iat":"#);
        body.push_str(&iat.to_string());
        body.push('}');
        let c = decode(&jwt(&body)).unwrap();
        prop_assert_eq!(c.exp, Some(exp));
        prop_assert_eq!(c.iat, Some(iat));
    }
}
