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
mod tests {
    use super::*;
    use crate::outcome::testing::detail;
    use alloc::string::ToString;

    fn probed(status: u16, code: Option<&str>) -> Vec<Finding> {
        let d = if code.is_some() {
            "Given token not valid for any token type"
        } else {
            "Authentication credentials were not provided."
        };
        findings(&Probes {
            refused_token: Some(("Bearer".to_string(), Some((status, detail(d, code))))),
            ..Probes::default()
        })
    }

    #[test]
    fn a_403_for_a_refused_token_is_information_naming_the_class_order() {
        let f = probed(403, Some("token_not_valid"));
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].level, f[0].code), (Level::Info, "refused_token_403"));
        assert!(f[0].message.contains("SessionAuthentication"));
        assert!(f[0]
            .fix
            .as_deref()
            .is_some_and(|x| x.contains("DEFAULT_AUTHENTICATION_CLASSES")));
        assert!(
            probed(401, Some("token_not_valid")).is_empty(),
            "as it should be"
        );
    }

    #[test]
    fn a_header_the_server_ignores_names_auth_header_types() {
        for status in [401, 403] {
            let f = probed(status, None);
            assert_eq!(f.len(), 1, "{status}");
            assert_eq!(
                (f[0].level, f[0].code),
                (Level::Error, "auth_scheme_ignored")
            );
            assert!(f[0].fix.as_deref().unwrap().contains("AUTH_HEADER_TYPES"));
        }
    }

    #[test]
    fn no_probe_or_no_answer_or_another_status_is_no_finding() {
        assert!(findings(&Probes::default()).is_empty());
        assert!(findings(&Probes {
            refused_token: Some(("Bearer".to_string(), None)),
            ..Probes::default()
        })
        .is_empty());
        assert!(probed(404, None).is_empty());
        assert!(probed(200, None).is_empty());
    }
}
