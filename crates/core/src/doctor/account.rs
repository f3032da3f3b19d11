//! What the account calls of this page showed: a sign-up that answered with the refresh token
//! in its body.

use alloc::vec::Vec;

use super::{finding, Finding, Level, Probes};

/// The findings about sign-up.
pub fn findings(probes: &Probes) -> Vec<Finding> {
    let mut out = Vec::new();
    if probes.sign_up_refresh_in_body {
        out.push(finding(
            Level::Warning,
            "sign_up_refresh_in_body",
            &[
                "A sign-up in this page was answered with the refresh token in its JSON body and \
               no refresh cookie: dj-rest-auth's RegisterView never applies JWT_AUTH_HTTPONLY to \
               its reply. Any script on the page (an injected one too) could read that token, \
               and it stays valid until it expires. tokenward did not keep it: signUp() signed \
               in again with the same credentials, so the session lives in the HttpOnly cookie.",
            ],
            Some(&[
                "Serve sign-up with a RegisterView subclass whose get_response_data() leaves \
                    out \"refresh\" (route it before dj_rest_auth.registration.urls), or blacklist \
                    that token (rest_framework_simplejwt.token_blacklist) in it.",
            ]),
        ));
    }
    out
}

#[cfg(test)]
#[path = "../tests/doctor_account.rs"]
mod tests;
