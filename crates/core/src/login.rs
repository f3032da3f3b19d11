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

/// What to resend with when no Bearer can be had from the refresh cookie (there is none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoBearer {
    /// A double-submit CSRF cookie minted by the page: Django said the CSRF cookie is not set,
    /// the one refusal such a cookie fixes.
    MintCsrfCookie,
    /// Nothing would help: give up.
    GiveUp,
}

impl NoBearer {
    /// Whether Django's refusal is the one a minted CSRF cookie fixes.
    pub fn for_refusal(verdict: Verdict, facts: &BodyFacts) -> NoBearer {
        if verdict == Verdict::Csrf && csrf_cookie_missing(facts) {
            NoBearer::MintCsrfCookie
        } else {
            NoBearer::GiveUp
        }
    }
}

/// The next step of the exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginStep {
    /// Done: the grant, or the error to reject `login()` with.
    Finished(Result<Grant, AuthError>),
    /// The browser's access cookie got in the way: obtain a Bearer from the refresh cookie and
    /// resend with it.
    ResendWithFreshBearer {
        /// When no Bearer can be had.
        no_bearer: NoBearer,
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
                no_bearer: NoBearer::for_refusal(v, facts),
                otherwise: error_for(Endpoint::Login, v, status, facts),
            }
        }
        v => LoginStep::Finished(Err(error_for(Endpoint::Login, v, status, facts))),
    }
}

#[cfg(test)]
#[path = "tests/login.rs"]
mod tests;
