//! The login exchange: what to do with each answer of a login endpoint (`login()`, and the
//! doctor's credentialed cycle).
//!
//! In configs b and c an alive HttpOnly access cookie rides along with the login request.
//! Django then checks CSRF (403), or refuses the cookie when the token in it is no longer
//! valid (401 `token_not_valid`), before the view runs. A valid Bearer header makes Django
//! authenticate by the header instead, so the login is resent with a Bearer obtained from the
//! refresh cookie; when no refresh cookie is left and Django said the CSRF cookie is missing,
//! a double-submit CSRF cookie minted by the page gets the resend through.

use super::error::AuthError;
use super::outcome::{
    classify, csrf_cookie_missing, error_for, BodyFacts, Endpoint, Grant, Verdict,
};

/// The next step of the exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginStep {
    /// Done: the grant, or the error to reject `login()` with.
    Finished(Result<Grant, AuthError>),
    /// The browser's access cookie got in the way: obtain a Bearer from the refresh cookie and
    /// resend with it.
    ResendWithFreshBearer {
        /// When no Bearer can be had, resend with a minted CSRF cookie (Django said the CSRF
        /// cookie is not set, the one refusal such a cookie fixes).
        mint: bool,
        /// The error when neither helps.
        otherwise: AuthError,
    },
}

/// Decides the next step after one login request. `had_fresh`: the request was already a
/// resend with a fresh Bearer or a minted cookie (another would not help).
pub fn next_step(reply: Result<(u16, &BodyFacts), &AuthError>, had_fresh: bool) -> LoginStep {
    let (status, facts) = match reply {
        Ok(r) => r,
        Err(e) => return LoginStep::Finished(Err(e.clone())),
    };
    match classify(Endpoint::Login, status, facts) {
        Verdict::Ok => LoginStep::Finished(Grant::from_facts(facts, status)),
        v @ (Verdict::Csrf | Verdict::StaleCredential) if !had_fresh => {
            LoginStep::ResendWithFreshBearer {
                mint: v == Verdict::Csrf && csrf_cookie_missing(facts),
                otherwise: error_for(Endpoint::Login, v, status, facts),
            }
        }
        v => LoginStep::Finished(Err(error_for(Endpoint::Login, v, status, facts))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::outcome::testing::detail;
    use crate::secret::Secret;
    use alloc::string::ToString;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.s";

    #[test]
    fn a_token_finishes_the_exchange() {
        let ok = BodyFacts {
            json: true,
            access: Some(Secret::new(JWT.to_string())),
            ..BodyFacts::default()
        };
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
        let LoginStep::ResendWithFreshBearer { mint, otherwise } =
            next_step(Ok((403, &missing)), false)
        else {
            panic!()
        };
        assert!(mint, "a minted cookie fixes a missing one");
        assert_eq!(otherwise.status, Some(403));
        // A refused origin: a Bearer helps (Django then skips CSRF), a minted cookie cannot.
        let origin = detail(
            "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
            None,
        );
        assert!(matches!(
            next_step(Ok((403, &origin)), false),
            LoginStep::ResendWithFreshBearer { mint: false, .. }
        ));
        // A refused access cookie.
        let stale = detail(
            "Given token not valid for any token type",
            Some("token_not_valid"),
        );
        assert!(matches!(
            next_step(Ok((401, &stale)), false),
            LoginStep::ResendWithFreshBearer { mint: false, .. }
        ));
        // Already resent once: finished.
        let LoginStep::Finished(Err(e)) = next_step(Ok((403, &missing)), true) else {
            panic!()
        };
        assert_eq!(e.code(), "server");
    }
}
