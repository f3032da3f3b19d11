//! The logout exchange: what to do with each answer of the logout endpoint.
//!
//! dj-rest-auth's logout view always sends the cookie deletions, whatever its status; but two
//! things can stop the request *before* the view runs, and then nothing is cleared:
//! - a Bearer the server refuses (401 `token_not_valid`): resend without it;
//! - in configs b and c, the HttpOnly access cookie with no valid Bearer makes Django check
//!   CSRF (403): resend with a fresh Bearer obtained from the refresh cookie (a valid Bearer
//!   skips the check), or with a minted CSRF cookie when none is left.
//!
//! Only an answer that proves the view ran confirms that the cookies were cleared: a 2xx, or
//! the 401 the view gives when there was no valid refresh cookie (config c). Anything else — a
//! throttled 429, a 404 or 405 from a proxy, a 5xx — leaves the logout pending: it is retried
//! later, and until then the session cannot come back from the cookie.

use alloc::string::String;

use super::error::AuthError;
use super::outcome::{
    classify, csrf_cookie_missing, error_for, logout_warning, BodyFacts, Endpoint, Verdict,
};

/// How the logout ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutOutcome {
    /// The server answered 2xx (`LogoutResult.serverConfirmed`).
    pub server_confirmed: bool,
    /// `LogoutResult.warning`: the server's "nothing was revoked", or why it failed.
    pub warning: Option<String>,
    /// The view ran, so the server sent its cookie deletions: the durable "logout pending"
    /// flag can be forgotten.
    pub cookies_cleared: bool,
}

/// The next step of the exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogoutStep {
    /// Done.
    Finished(LogoutOutcome),
    /// Resend without the Bearer the server refused.
    ResendWithoutBearer,
    /// Obtain a Bearer from the refresh cookie and resend with it.
    ResendWithFreshBearer {
        /// When no Bearer can be had, resend with a minted CSRF cookie (Django said the CSRF
        /// cookie is not set).
        mint: bool,
        /// How the logout ends when neither helps.
        otherwise: LogoutOutcome,
    },
}

/// Decides the next step after one logout request.
///
/// `sent_bearer`: the request carried a Bearer. `had_fresh_bearer`: that Bearer was already
/// obtained from the refresh cookie for this logout (so another would not help).
pub fn next_step(
    reply: Result<(u16, &BodyFacts), &AuthError>,
    sent_bearer: bool,
    had_fresh_bearer: bool,
) -> LogoutStep {
    let (status, facts) = match reply {
        Ok(r) => r,
        Err(e) => {
            return LogoutStep::Finished(LogoutOutcome {
                server_confirmed: false,
                warning: Some(String::from(&*e.message)),
                cookies_cleared: false,
            })
        }
    };
    let failed = |verdict, cleared| {
        let e = error_for(Endpoint::Logout, verdict, status, facts);
        LogoutOutcome {
            server_confirmed: false,
            warning: Some(e.detail.unwrap_or_else(|| String::from(&*e.message))),
            cookies_cleared: cleared,
        }
    };
    match classify(Endpoint::Logout, status, facts) {
        Verdict::Ok => LogoutStep::Finished(LogoutOutcome {
            server_confirmed: true,
            warning: logout_warning(facts),
            cookies_cleared: true,
        }),
        Verdict::StaleCredential if sent_bearer && !had_fresh_bearer => {
            LogoutStep::ResendWithoutBearer
        }
        v @ (Verdict::Csrf | Verdict::StaleCredential) if !had_fresh_bearer => {
            LogoutStep::ResendWithFreshBearer {
                mint: v == Verdict::Csrf && csrf_cookie_missing(facts),
                otherwise: failed(v, false),
            }
        }
        // The view itself answered 401 (config c: no, bad or blacklisted refresh cookie): it
        // sent the cookie deletions first.
        v @ Verdict::Server if status == 401 => LogoutStep::Finished(failed(v, true)),
        v => LogoutStep::Finished(failed(v, false)),
    }
}

#[cfg(test)]
mod tests {
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
            LogoutStep::ResendWithFreshBearer { mint: true, .. }
        ));
        let origin = detail(
            "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
            None,
        );
        let LogoutStep::ResendWithFreshBearer { mint, otherwise } =
            next_step(Ok((403, &origin)), false, false)
        else {
            panic!()
        };
        assert!(!mint, "a minted cookie cannot fix a refused origin");
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
            LogoutStep::ResendWithFreshBearer { mint: false, .. }
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
                finished(next_step(Ok((status, &BodyFacts::default())), false, false))
                    .cookies_cleared
            );
        }
    }
}
