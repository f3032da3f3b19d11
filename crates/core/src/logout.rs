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
pub use super::login::NoBearer;
use super::outcome::{classify, error_for, logout_warning, BodyFacts, Endpoint, Verdict};

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
        /// When no Bearer can be had.
        no_bearer: NoBearer,
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
                no_bearer: NoBearer::for_refusal(v, facts),
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
#[path = "tests/logout.rs"]
mod tests;
