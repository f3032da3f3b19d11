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
mod tests {
    use super::*;

    #[test]
    fn a_sign_up_that_exposed_the_refresh_token_is_a_warning() {
        assert!(findings(&Probes::default()).is_empty());
        let p = Probes {
            sign_up_refresh_in_body: true,
            ..Probes::default()
        };
        let f = findings(&p);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].level, f[0].code),
            (Level::Warning, "sign_up_refresh_in_body")
        );
        assert!(f[0]
            .fix
            .as_deref()
            .is_some_and(|x| x.contains("get_response_data")));
    }
}
