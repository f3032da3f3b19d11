//! Tests of `logout`.

use super::*;
use crate::error::ErrorCode;
use crate::outcome::testing::detail;

fn finished(step: LogoutStep) -> LogoutOutcome {
    match step {
        LogoutStep::Finished(o) => o,
        other => panic!("not finished: {other:?}"),
    }
}

#[test]
fn config_a_confirms_with_the_nothing_revoked_warning() {
    let f = detail("Neither cookies or blacklist are enabled, so the token has not been deleted server side. Please make sure the token is deleted client side.", None);
    let o = finished(next_step(Ok((200, &f)), true, false));
    assert!(o.server_confirmed && o.cookies_cleared);
    assert!(o.warning.unwrap().starts_with("Neither cookies"));
}

#[test]
fn configs_b_and_c_confirm_without_warning() {
    let f = detail("Successfully logged out.", None);
    assert_eq!(
        finished(next_step(Ok((200, &f)), false, false)),
        LogoutOutcome {
            server_confirmed: true,
            warning: None,
            cookies_cleared: true
        }
    );
}

#[test]
fn csrf_failure_gets_a_fresh_bearer_once() {
    let f = detail("CSRF Failed: CSRF cookie not set.", None);
    assert!(matches!(
        next_step(Ok((403, &f)), false, false),
        LogoutStep::ResendWithFreshBearer {
            no_bearer: NoBearer::MintCsrfCookie,
            ..
        }
    ));
    let origin = detail(
        "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
        None,
    );
    let LogoutStep::ResendWithFreshBearer {
        no_bearer,
        otherwise,
    } = next_step(Ok((403, &origin)), false, false)
    else {
        panic!()
    };
    assert_eq!(
        no_bearer,
        NoBearer::GiveUp,
        "a minted cookie cannot fix a refused origin"
    );
    assert!(!otherwise.cookies_cleared);
    let o = finished(next_step(Ok((403, &f)), true, true));
    assert!(!o.server_confirmed && !o.cookies_cleared);
    assert_eq!(
        o.warning.as_deref(),
        Some("CSRF Failed: CSRF cookie not set.")
    );
}

#[test]
fn a_refused_bearer_is_dropped_then_replaced() {
    let f = detail(
        "Given token not valid for any token type",
        Some("token_not_valid"),
    );
    assert_eq!(
        next_step(Ok((401, &f)), true, false),
        LogoutStep::ResendWithoutBearer
    );
    // Without a Bearer the access cookie was refused: try a fresh Bearer.
    assert!(matches!(
        next_step(Ok((401, &f)), false, false),
        LogoutStep::ResendWithFreshBearer {
            no_bearer: NoBearer::GiveUp,
            ..
        }
    ));
    assert!(!finished(next_step(Ok((401, &f)), true, true)).cookies_cleared);
}

#[test]
fn config_c_without_a_cookie_still_cleared_the_cookies() {
    let f = detail("Refresh token was not included in request data.", None);
    let o = finished(next_step(Ok((401, &f)), false, false));
    assert!(!o.server_confirmed);
    assert!(o.cookies_cleared);
    assert_eq!(
        o.warning.as_deref(),
        Some("Refresh token was not included in request data.")
    );
}

#[test]
fn unreachable_or_failing_servers_leave_the_logout_pending() {
    let e = AuthError::new(ErrorCode::Network, "the request failed");
    let o = finished(next_step(Err(&e), false, false));
    assert_eq!(o.warning.as_deref(), Some("the request failed"));
    assert!(!o.cookies_cleared);
    let o = finished(next_step(Ok((502, &BodyFacts::default())), false, false));
    assert!(!o.server_confirmed && !o.cookies_cleared);
}

#[test]
fn only_an_answer_of_the_view_confirms_that_the_cookies_are_gone() {
    // Throttled (dj-rest-auth's logout view has a throttle scope), or refused by a proxy:
    // the view never ran, nothing was cleared.
    let throttled = detail(
        "Request was throttled. Expected available in 3 seconds.",
        None,
    );
    for status in [429, 404, 405, 400, 403, 500] {
        let o = finished(next_step(Ok((status, &throttled)), false, true));
        assert!(!o.server_confirmed && !o.cookies_cleared, "{status}");
    }
    let o = finished(next_step(Ok((429, &throttled)), false, false));
    assert_eq!(
        o.warning.as_deref(),
        Some("Request was throttled. Expected available in 3 seconds.")
    );
    for status in [200, 204] {
        assert!(
            finished(next_step(Ok((status, &BodyFacts::default())), false, false)).cookies_cleared
        );
    }
}
