//! Fuzzing of everything that reads untrusted input: JWTs, reply bodies, dates, statuses,
//! and the decisions made on them. Property tests that only assert "no panic" (and a few
//! cheap sanity properties); `cargo test` runs 256 cases each, `scripts/fuzz.sh` a million.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::claims;
use super::claims::Claims;
use super::doctor::{diagnose, Probes, Reach, Stamps};
use super::login;
use super::logout::next_step;
use super::outcome::{classify, error_for, BodyFacts, Endpoint, Grant};
use super::reply::{facts, iso8601_ms, Body, FieldNames, Member};
use super::secret::Secret;
use super::session::{
    Call, Input, Machine, OpId, Options, PageState, Reading, Reply, ReqId, Snapshot, TokenRecord,
    Waited,
};

/// A body of arbitrary members.
#[derive(Debug, Clone)]
struct AnyBody {
    json: bool,
    object: bool,
    members: Vec<(String, Member)>,
}

impl Body for AnyBody {
    fn is_json(&self) -> bool {
        self.json
    }
    fn is_object(&self) -> bool {
        self.object
    }
    fn member(&self, key: &str) -> Member {
        self.members
            .iter()
            .find(|(k, _)| k == key)
            .map_or(Member::Missing, |(_, v)| v.clone())
    }
    fn keys(&self) -> Vec<String> {
        self.members.iter().map(|(k, _)| k.clone()).collect()
    }
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::from("access")),
        Just(String::from("access_expiration")),
        Just(String::from("refresh")),
        Just(String::from("detail")),
        Just(String::from("code")),
        Just(String::from("non_field_errors")),
        ".{0,12}",
    ]
}

fn member() -> impl Strategy<Value = Member> {
    prop_oneof![
        Just(Member::Missing),
        ".{0,80}".prop_map(Member::Text),
        any::<f64>().prop_map(Member::Number),
        proptest::collection::vec(".{0,40}", 0..3).prop_map(Member::List),
        Just(Member::Other),
    ]
}

fn body() -> impl Strategy<Value = AnyBody> {
    (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec((key(), member()), 0..8),
    )
        .prop_map(|(json, object, members)| AnyBody {
            json,
            object,
            members,
        })
}

fn endpoint() -> impl Strategy<Value = Endpoint> {
    prop_oneof![
        Just(Endpoint::Login),
        Just(Endpoint::Refresh),
        Just(Endpoint::Logout),
        Just(Endpoint::User),
    ]
}

/// A JWT-shaped string with an arbitrary payload, or arbitrary text.
fn token_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,200}",
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(|payload| {
            use base64::Engine;
            let mut t = String::from("eyJhbGciOiJIUzI1NiJ9.");
            t.push_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload));
            t.push_str(".sig");
            t
        }),
        "[A-Za-z0-9_.=-]{0,300}",
    ]
}

proptest! {
    #[test]
    fn fuzz_jwt_decoding(t in token_text()) {
        if let Ok(c) = claims::decode(&t) {
            let _ = c.lifetime_ms();
        }
    }

    #[test]
    fn fuzz_iso8601(s in prop_oneof![".{0,40}", "[0-9T:Z+.-]{0,32}"]) {
        if iso8601_ms(&s).is_some() {
            prop_assert!(s.len() >= 20);
        }
    }

    #[test]
    fn fuzz_reply_parsing_and_classification(b in body(), status in any::<u16>(), e in endpoint()) {
        let f = facts(&b, &FieldNames::default());
        let v = classify(e, status, &f);
        let _ = error_for(e, v, status, &f);
        let _ = Grant::from_facts(&f, status);
        // The same body as a token's payload another parser decoded: judged, never a panic.
        if let Ok(c) = claims::from_payload(&b) {
            prop_assert!(c.exp.is_none_or(|s| s <= 100_000_000_000));
        }
        let _ = next_step(Ok((status, &f)), status % 2 == 0, status % 3 == 0);
        let _ = login::next_step(Ok((status, &f)), status % 2 == 0);
    }

    #[test]
    fn fuzz_doctor(
        reach in proptest::option::of(prop_oneof![
            any::<u16>().prop_map(Reach::Readable),
            Just(Reach::CredentialsRefused),
            Just(Reach::OriginRefused),
            Just(Reach::Unreachable),
        ]),
        answers in proptest::collection::vec(proptest::option::of(proptest::option::of((any::<u16>(), body()))), 5),
        origin in ".{0,30}",
        stamps in proptest::option::of((any::<[Option<u64>; 4]>(), any::<u64>(), any::<bool>())),
        exposed in any::<bool>(),
    ) {
        let answer = |i: usize| answers[i].clone().map(|a| a.map(|(s, b)| (s, facts(&b, &FieldNames::default()))));
        let p = Probes {
            reach,
            login: answer(0),
            refresh: answer(1),
            logout_cookie_only: answer(2),
            logout_bearer: answer(3),
            stamps: stamps.map(|([a, b, c, d], received, refreshed)| Stamps {
                login: Claims { iat: a, exp: b },
                login_received: received,
                refresh: refreshed.then_some(Claims { iat: c, exp: d }),
            }),
            sign_up_refresh_in_body: exposed,
            refused_token: answer(4).map(|a| (origin.clone(), a)),
        };
        let _ = diagnose(&p, &origin, "http://api/");
    }

    #[test]
    fn fuzz_stored_and_remote_records(value in ".{0,64}", expires in proptest::option::of(any::<u64>()), lifetime in proptest::option::of(any::<u64>()), now in any::<u64>(), signed_in in any::<bool>()) {
        let opts = Options {
        leeway: 30_000, timeout: 15_000, cross_tab: true, user_lookup: true, seed: 1, page: PageState::default() };
        let mut m: Machine<()> = Machine::new(opts, false, Reading::default());
        let record = TokenRecord { value: Secret::new(value.clone()), expires_at: expires, lifetime };
        let snapshot = Snapshot { record, user: None };
        let at = Reading { wall: now, mono: now };
        m.handle(Input::Call(OpId(1), Call::Restore(Some(snapshot.clone()))), at);
        m.handle(Input::RemoteToken(snapshot, signed_in), at);
        m.handle(Input::LockAcquired(Waited::ForAnotherTab), at);
        let _ = m.poll_timeout();
        m.handle(Input::Timeout, at);
        while m.poll_action().is_some() {}
        // Whatever the input, a token never shows in Debug output.
        if value.chars().count() >= 12 {
            let shown = format!("{:?}", m);
            prop_assert!(!shown.contains(&value));
        }
    }
}

#[test]
fn debug_of_token_holding_types_is_redacted() {
    let t = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.c2ln";
    let grant = Grant {
        token: Secret::new(String::from(t)),
        claims: claims::decode(t).unwrap(),
        expiration_ms: None,
    };
    let facts = BodyFacts {
        access: Some(Secret::new(String::from(t))),
        claims: Some(claims::decode(t)),
        ..BodyFacts::default()
    };
    let opts = Options {
        seed: 1,
        page: PageState::default(),
        leeway: 0,
        timeout: 1000,
        cross_tab: false,
        user_lookup: false,
    };
    let mut m: Machine<&str> = Machine::new(opts, false, Reading::default());
    let credentials = Secret::new(String::from(r#"{"password":"eyJpw"}"#));
    m.handle(
        Input::Call(OpId(1), Call::Login(credentials)),
        Reading::default(),
    );
    let mut shown = alloc::vec![format!("{m:?}")];
    shown.extend(core::iter::from_fn(|| m.poll_action()).map(|a| format!("{a:?}")));
    let reply = Reply {
        status: 200,
        facts: facts.clone(),
        user: Some("ada"),
    };
    shown.push(format!("{reply:?}"));
    m.handle(Input::Reply(ReqId(2), Ok(reply)), Reading::default());
    shown.extend(core::iter::from_fn(|| m.poll_action()).map(|a| format!("{a:?}")));
    shown.extend([
        format!("{grant:?}"),
        format!("{facts:?}"),
        format!("{m:?}"),
        format!("{:?}", m.token()),
        format!("{:?}", m.snapshot()),
    ]);
    assert!(m.token().is_some(), "signed in");
    for shown in shown {
        assert!(!shown.contains("eyJ"), "{shown}");
    }
}
