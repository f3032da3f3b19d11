//! Tests of `login`.

use super::*;
use crate::error::ErrorCode;
use crate::outcome::testing::{detail, token_facts};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.s";

#[test]
fn a_token_finishes_the_exchange() {
    let ok = token_facts(JWT);
    let LoginStep::Finished(Ok(g)) = next_step(Ok((200, &ok)), false) else {
        panic!("signed in")
    };
    assert_eq!(g.token.expose(), JWT);
    // 200 without a usable token.
    let LoginStep::Finished(Err(e)) = next_step(Ok((200, &BodyFacts::default())), false) else {
        panic!("refused")
    };
    assert_eq!(e.code(), "bad_response");
}

#[test]
fn wrong_credentials_and_server_trouble_finish_with_their_error() {
    let wrong = detail("Unable to log in with provided credentials.", None);
    let LoginStep::Finished(Err(e)) = next_step(Ok((400, &wrong)), false) else {
        panic!()
    };
    assert_eq!(e.code(), "invalid_credentials");
    assert_eq!(
        e.detail.as_deref(),
        Some("Unable to log in with provided credentials.")
    );
    let LoginStep::Finished(Err(e)) = next_step(Ok((503, &BodyFacts::default())), false) else {
        panic!()
    };
    assert_eq!(e.code(), "server");
    let net = AuthError::new(ErrorCode::Network, "down");
    assert_eq!(next_step(Err(&net), false), LoginStep::Finished(Err(net)));
}

#[test]
fn the_access_cookie_in_the_way_gets_a_fresh_bearer_once() {
    let missing = detail("CSRF Failed: CSRF cookie not set.", None);
    let LoginStep::ResendWithFreshBearer {
        no_bearer,
        otherwise,
    } = next_step(Ok((403, &missing)), false)
    else {
        panic!()
    };
    assert_eq!(
        no_bearer,
        NoBearer::MintCsrfCookie,
        "a minted cookie fixes a missing one"
    );
    assert_eq!(otherwise.status, Some(403));
    // A refused origin: a Bearer helps (Django then skips CSRF), a minted cookie cannot.
    let origin = detail(
        "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
        None,
    );
    assert!(matches!(
        next_step(Ok((403, &origin)), false),
        LoginStep::ResendWithFreshBearer {
            no_bearer: NoBearer::GiveUp,
            ..
        }
    ));
    // A refused access cookie.
    let stale = detail(
        "Given token not valid for any token type",
        Some("token_not_valid"),
    );
    assert!(matches!(
        next_step(Ok((401, &stale)), false),
        LoginStep::ResendWithFreshBearer {
            no_bearer: NoBearer::GiveUp,
            ..
        }
    ));
    // Already resent once: finished.
    let LoginStep::Finished(Err(e)) = next_step(Ok((403, &missing)), true) else {
        panic!()
    };
    assert_eq!(e.code(), "server");
}
