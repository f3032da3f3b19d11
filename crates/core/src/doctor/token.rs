//! How the API reads the access token: a made-up token sent to the user endpoint with the
//! configured scheme shows whether the server looks at the header at all (`authScheme` against
//! `SIMPLE_JWT["AUTH_HEADER_TYPES"]`), and whether it refuses a bad token with 401 or 403 (DRF
//! answers 403 when the first authentication class has no `WWW-Authenticate` header).

use alloc::vec::Vec;

use super::{finding, Finding, Level, Probes};

/// simplejwt's `code` for a token it refuses.
const TOKEN_NOT_VALID: &str = "token_not_valid";

/// The findings about the token probe.
pub fn findings(probes: &Probes) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some((scheme, answer)) = &probes.refused_token else {
        return out;
    };
    let Some((status, facts)) = answer else {
        return out;
    };
    let read = facts.code.as_deref() == Some(TOKEN_NOT_VALID);
    match status {
        401 | 403 if !read => out.push(finding(
            Level::Error,
            "auth_scheme_ignored",
            &[
                "The API ignored the Authorization header \"",
                scheme,
                " …\": a request with a made-up token was answered as one without credentials, \
                 so auth.fetch's calls reach it anonymously.",
            ],
            Some(&[
                "Set authScheme in the AuthClient config to the first of \
                 SIMPLE_JWT[\"AUTH_HEADER_TYPES\"] (\"JWT\" in djoser-era projects), or add \"",
                scheme,
                "\" to that setting.",
            ]),
        )),
        403 => out.push(finding(
            Level::Info,
            "refused_token_403",
            &[
                "The API refuses an invalid or expired token with 403, not 401: the first class \
                 of DEFAULT_AUTHENTICATION_CLASSES sends no WWW-Authenticate header (as \
                 SessionAuthentication, DRF's default first). tokenward treats a 403 whose body \
                 says \"token_not_valid\" as a refused token (one refresh, one retry) and leaves \
                 every other 403 to the app.",
            ],
            Some(&[
                "Nothing to do for tokenward. To get 401s, put the JWT class \
                 (dj_rest_auth.jwt_auth.JWTCookieAuthentication) first in \
                 REST_FRAMEWORK[\"DEFAULT_AUTHENTICATION_CLASSES\"].",
            ]),
        )),
        _ => {}
    }
    out
}

#[cfg(test)]
#[path = "../tests/doctor_token.rs"]
mod tests;
