//! Tests of `outcome`.

use super::testing::token_facts;
use super::*;

fn detail(d: &str) -> BodyFacts {
    testing::detail(d, None)
}

fn token_not_valid(d: &str) -> BodyFacts {
    testing::detail(d, Some("token_not_valid"))
}

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.s";

#[test]
fn a_login_refused_for_an_unverified_e_mail_says_so() {
    let unverified = detail("E-mail is not verified.");
    let v = classify(Endpoint::Login, 400, &unverified);
    let e = error_for(Endpoint::Login, v, 400, &unverified);
    assert_eq!(e.code(), "email_not_verified");
    assert_eq!(e.detail.as_deref(), Some("E-mail is not verified."));
    let wrong = detail("Unable to log in with provided credentials.");
    let e = error_for(Endpoint::Login, v, 400, &wrong);
    assert_eq!(e.code(), "invalid_credentials");
}

#[test]
fn every_configured_endpoint_has_its_own_key_slot_and_path() {
    // The table: each endpoint's key and path, in slot order.
    let table: alloc::vec::Vec<&str> = Endpoint::TABLE.split(' ').collect();
    assert_eq!(table.len(), 2 * Endpoint::CONFIGURED.len());
    for (i, e) in Endpoint::CONFIGURED.iter().enumerate() {
        assert_eq!(e.slot(), i);
        assert_eq!(table[2 * i], e.key());
        let path = table[2 * i + 1];
        assert!(
            path.starts_with("dj-rest-auth/") && path.ends_with('/'),
            "{path}"
        );
    }
    assert_eq!(Endpoint::Profile.slot(), Endpoint::User.slot());
    assert_eq!(Endpoint::Profile.key(), "user");
    assert_eq!(
        (Endpoint::User.method(), Endpoint::Profile.method()),
        ("GET", "PATCH")
    );
    assert_eq!(Endpoint::VerifyEmail.method(), "POST");
}

#[test]
fn login_replies() {
    let ok = token_facts(JWT);
    assert_eq!(classify(Endpoint::Login, 200, &ok), Verdict::Ok);
    let g = Grant::from_facts(&ok, 200).unwrap();
    assert_eq!(g.claims.lifetime_ms(), Some(300_000));

    // Wrong password: 400 non_field_errors.
    let wrong = detail("Unable to log in with provided credentials.");
    assert_eq!(classify(Endpoint::Login, 400, &wrong), Verdict::Rejected);
    let e = error_for(Endpoint::Login, Verdict::Rejected, 400, &wrong);
    assert_eq!(e.code(), "invalid_credentials");
    assert_eq!(e.status, Some(400));
    assert_eq!(
        e.detail.as_deref(),
        Some("Unable to log in with provided credentials.")
    );

    // Missing field: 400 {"password": [...]}.
    assert_eq!(
        classify(
            Endpoint::Login,
            400,
            &detail("password: This field is required.")
        ),
        Verdict::Rejected
    );
    // An alive access cookie without a CSRF token (configs b and c).
    let csrf = detail("CSRF Failed: CSRF cookie not set.");
    assert_eq!(classify(Endpoint::Login, 403, &csrf), Verdict::Csrf);
    assert_eq!(
        error_for(Endpoint::Login, Verdict::Csrf, 403, &csrf).code(),
        "server"
    );
    // A refused access cookie/Bearer is not a credentials problem.
    assert_eq!(
        classify(
            Endpoint::Login,
            401,
            &token_not_valid("Given token not valid for any token type")
        ),
        Verdict::StaleCredential
    );
    assert_eq!(
        classify(Endpoint::Login, 500, &BodyFacts::default()),
        Verdict::Server
    );
    assert_eq!(
        classify(Endpoint::Login, 404, &BodyFacts::default()),
        Verdict::Server
    );
}

#[test]
fn refresh_replies() {
    for d in [
        "No valid refresh token found.",
        "Token is invalid",
        "Token is expired",
        "Token is blacklisted",
    ] {
        let f = token_not_valid(d);
        assert_eq!(
            classify(Endpoint::Refresh, 401, &f),
            Verdict::Rejected,
            "{d}"
        );
        let e = error_for(Endpoint::Refresh, Verdict::Rejected, 401, &f);
        assert_eq!(e.code(), "session_expired");
        assert_eq!(e.detail.as_deref(), Some(d));
    }
    // {"refresh": ""} → 400 "This field may not be blank."
    assert_eq!(
        classify(
            Endpoint::Refresh,
            400,
            &detail("refresh: This field may not be blank.")
        ),
        Verdict::Rejected
    );
    // 403 and 5xx are configuration / server trouble, never expiry.
    let csrf = detail(
        "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
    );
    assert_eq!(classify(Endpoint::Refresh, 403, &csrf), Verdict::Csrf);
    assert_eq!(
        classify(Endpoint::Refresh, 403, &detail("Forbidden")),
        Verdict::Server
    );
    assert_eq!(
        classify(Endpoint::Refresh, 502, &BodyFacts::default()),
        Verdict::Server
    );
    let e = error_for(
        Endpoint::Refresh,
        Verdict::Server,
        502,
        &BodyFacts::default(),
    );
    assert_eq!(e.code(), "server");
    assert!(e.code.is_transient());
}

#[test]
fn logout_replies() {
    let a = detail("Neither cookies or blacklist are enabled, so the token has not been deleted server side. Please make sure the token is deleted client side.");
    assert_eq!(classify(Endpoint::Logout, 200, &a), Verdict::Ok);
    assert!(logout_warning(&a).unwrap().starts_with("Neither cookies"));
    assert_eq!(logout_warning(&detail("Successfully logged out.")), None);
    // Config c without a refresh cookie: 401, no code.
    assert_eq!(
        classify(
            Endpoint::Logout,
            401,
            &detail("Refresh token was not included in request data.")
        ),
        Verdict::Server
    );
    // A stale Bearer: refused before the view.
    assert_eq!(
        classify(
            Endpoint::Logout,
            401,
            &token_not_valid("Given token not valid for any token type")
        ),
        Verdict::StaleCredential
    );
    assert_eq!(
        classify(
            Endpoint::Logout,
            403,
            &detail("CSRF Failed: CSRF cookie not set.")
        ),
        Verdict::Csrf
    );
}

#[test]
fn unusable_bodies_are_bad_response() {
    let cases = [
        BodyFacts::default(),
        token_facts(""),
        token_facts("not-a-jwt"),
        // The claims unread (a body built by hand): never a grant.
        BodyFacts {
            claims: None,
            ..token_facts(JWT)
        },
    ];
    for f in cases {
        let e = Grant::from_facts(&f, 200).unwrap_err();
        assert_eq!(e.code(), "bad_response");
        assert_eq!(e.status, Some(200));
    }
}

#[test]
fn a_token_that_is_not_a_header_value_is_a_bad_response() {
    for t in [
        "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.s\n",
        "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.s s",
        "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.\u{e9}",
    ] {
        let e = Grant::from_facts(&token_facts(t), 200).unwrap_err();
        assert_eq!(e.code(), "bad_response", "{t:?}");
        assert!(!e.message.contains("eyJ"));
    }
    assert!(header_safe(JWT));
}

#[test]
fn only_a_missing_csrf_cookie_can_be_fixed_by_minting_one() {
    assert!(csrf_cookie_missing(&detail(
        "CSRF Failed: CSRF cookie not set."
    )));
    for d in [
        "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
        "CSRF Failed: CSRF token missing.",
        "CSRF Failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
    ] {
        assert!(!csrf_cookie_missing(&detail(d)), "{d}");
    }
    assert!(!csrf_cookie_missing(&BodyFacts::default()));
}

#[test]
fn errors_never_carry_the_token() {
    let e = Grant::from_facts(&token_facts("abc.def"), 200).unwrap_err();
    let shown = alloc::format!("{e:?}");
    assert!(!shown.contains("abc.def"));
}
