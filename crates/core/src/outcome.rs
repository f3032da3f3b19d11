//! (endpoint, status, body facts) → what happened. The table in the README's "Outcomes".
//!
//! The shell parses bodies with the browser's `JSON.parse` and hands over only the facts
//! below; every decision about what a reply *means* is made here, natively tested.

use alloc::string::String;

use super::claims::{self, Claims};
use super::error::{AuthError, ErrorCode, FieldErrors};
use super::secret::Secret;

/// The SDK's own endpoints. Each has a config key (`endpoints.<key>`), a default path and a
/// method; [`Endpoint::User`] and [`Endpoint::Profile`] are one URL (`endpoints.user`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `endpoints.login`
    Login,
    /// `endpoints.refresh`
    Refresh,
    /// `endpoints.logout`
    Logout,
    /// `endpoints.user` (`GET`: the user look-up)
    User,
    /// `endpoints.register` (`signUp()`)
    Register,
    /// `endpoints.passwordChange`
    PasswordChange,
    /// `endpoints.passwordReset`
    PasswordReset,
    /// `endpoints.passwordResetConfirm`
    PasswordResetConfirm,
    /// `endpoints.verifyEmail` (`verifyEmail()`)
    VerifyEmail,
    /// `endpoints.resendEmail` (`resendVerificationEmail()`)
    ResendEmail,
    /// `endpoints.user` with `PATCH` (`updateUser()`)
    Profile,
}

impl Endpoint {
    /// The endpoints with a config key of their own, in the order of the config's docs
    /// ([`Endpoint::Profile`] is `user`'s URL).
    pub const CONFIGURED: [Endpoint; 10] = [
        Endpoint::Login,
        Endpoint::Refresh,
        Endpoint::Logout,
        Endpoint::User,
        Endpoint::Register,
        Endpoint::PasswordChange,
        Endpoint::PasswordReset,
        Endpoint::PasswordResetConfirm,
        Endpoint::VerifyEmail,
        Endpoint::ResendEmail,
    ];

    /// Its key in `endpoints`.
    pub fn key(self) -> &'static str {
        match self {
            Endpoint::Login => "login",
            Endpoint::Refresh => "refresh",
            Endpoint::Logout => "logout",
            Endpoint::User | Endpoint::Profile => "user",
            Endpoint::Register => "register",
            Endpoint::PasswordChange => "passwordChange",
            Endpoint::PasswordReset => "passwordReset",
            Endpoint::PasswordResetConfirm => "passwordResetConfirm",
            Endpoint::VerifyEmail => "verifyEmail",
            Endpoint::ResendEmail => "resendEmail",
        }
    }

    /// dj-rest-auth's documented path, relative to `baseUrl` (so that a base with a path
    /// prefix, `https://x/api/`, gives `https://x/api/dj-rest-auth/login/`).
    pub fn default_path(self) -> &'static str {
        match self {
            Endpoint::Login => "dj-rest-auth/login/",
            Endpoint::Refresh => "dj-rest-auth/token/refresh/",
            Endpoint::Logout => "dj-rest-auth/logout/",
            Endpoint::User | Endpoint::Profile => "dj-rest-auth/user/",
            Endpoint::Register => "dj-rest-auth/registration/",
            Endpoint::PasswordChange => "dj-rest-auth/password/change/",
            Endpoint::PasswordReset => "dj-rest-auth/password/reset/",
            Endpoint::PasswordResetConfirm => "dj-rest-auth/password/reset/confirm/",
            Endpoint::VerifyEmail => "dj-rest-auth/registration/verify-email/",
            Endpoint::ResendEmail => "dj-rest-auth/registration/resend-email/",
        }
    }

    /// Its HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Endpoint::User => "GET",
            Endpoint::Profile => "PATCH",
            _ => "POST",
        }
    }

    /// Its slot among [`Endpoint::CONFIGURED`].
    pub fn slot(self) -> usize {
        match self {
            Endpoint::Login => 0,
            Endpoint::Refresh => 1,
            Endpoint::Logout => 2,
            Endpoint::User | Endpoint::Profile => 3,
            Endpoint::Register => 4,
            Endpoint::PasswordChange => 5,
            Endpoint::PasswordReset => 6,
            Endpoint::PasswordResetConfirm => 7,
            Endpoint::VerifyEmail => 8,
            Endpoint::ResendEmail => 9,
        }
    }

    /// The calls that act on the signed-in user: sent with the session's token, and a 401
    /// means the server has no session for them.
    pub fn needs_session(self) -> bool {
        matches!(self, Endpoint::PasswordChange | Endpoint::Profile)
    }

    /// login, refresh and logout: `auth.fetch` never intercepts them.
    pub fn sets_session_cookies(self) -> bool {
        matches!(self, Endpoint::Login | Endpoint::Refresh | Endpoint::Logout)
    }
}

/// What the shell read from a reply's body. Every field is optional: bodies can be anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyFacts {
    /// The body parsed as JSON (an object, array or scalar).
    pub json: bool,
    /// The access-token field, when it is a string.
    pub access: Option<Secret>,
    /// The access-expiration field, parsed to ms since the epoch (server clock).
    pub access_expiration_ms: Option<u64>,
    /// A non-empty `refresh` string: the server puts the refresh token in the body, readable
    /// by scripts (HttpOnly is off). Reported by `doctor()`, never stored.
    pub refresh_in_body: bool,
    /// The server's message: `detail`, else the first `non_field_errors` entry, else the first
    /// field error as `"field: message"`.
    pub detail: Option<String>,
    /// The server's machine-readable `code` (simplejwt: `token_not_valid`).
    pub code: Option<String>,
    /// Every member that is a list of messages (`{"password1": ["This password is too
    /// common."]}`, `non_field_errors`): the field errors of a 400.
    pub field_errors: FieldErrors,
}

/// A usable access token with its time claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The access token.
    pub token: Secret,
    /// Its `exp` / `iat`.
    pub claims: Claims,
    /// `access_expiration` from the body (server clock), when sent.
    pub expiration_ms: Option<u64>,
}

impl Grant {
    /// Checks a reply's token: present, non-empty, a JWT whose time claims make sense.
    ///
    /// # Errors
    /// `bad_response` when the field is missing or not a readable JWT.
    pub fn from_facts(facts: &BodyFacts, status: u16) -> Result<Grant, AuthError> {
        let Some(token) = facts.access.as_ref().filter(|t| !t.expose().is_empty()) else {
            return Err(AuthError::new(
                ErrorCode::BadResponse,
                "the reply has no access token (check `fields.access`)",
            )
            .with_status(status));
        };
        if !header_safe(token.expose()) {
            // `Headers.set` would throw, with a message that may quote the token.
            return Err(AuthError::new(
                ErrorCode::BadResponse,
                "the access token is not a valid header value",
            )
            .with_status(status));
        }
        let claims = claims::decode(token.expose()).map_err(|_| {
            AuthError::new(
                ErrorCode::BadResponse,
                "the access token is not a readable JWT",
            )
            .with_status(status)
        })?;
        Ok(Grant {
            token: token.clone(),
            claims,
            expiration_ms: facts.access_expiration_ms,
        })
    }
}

/// What a reply means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx.
    Ok,
    /// The credentials (login) or the refresh cookie (refresh) were refused: 400 / 401.
    Rejected,
    /// A 401 `token_not_valid` from login / logout / user: the *credential the browser sent
    /// along* (a Bearer header or the HttpOnly access cookie) was refused before the view ran.
    StaleCredential,
    /// 403 with a "CSRF Failed" detail: the request carried the HttpOnly access cookie and no
    /// valid Bearer, so Django checked CSRF.
    Csrf,
    /// 400 from an account endpoint: the submitted fields were refused.
    Invalid,
    /// Any other status: 5xx, 403 for another reason, 404, ...
    Server,
}

const TOKEN_NOT_VALID: &str = "token_not_valid";

/// Classifies a reply of one of the SDK's endpoints.
pub fn classify(endpoint: Endpoint, status: u16, facts: &BodyFacts) -> Verdict {
    let token_not_valid = facts.code.as_deref() == Some(TOKEN_NOT_VALID);
    match status {
        200..=299 => Verdict::Ok,
        403 if facts
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("CSRF Failed")) =>
        {
            Verdict::Csrf
        }
        401 if token_not_valid && endpoint != Endpoint::Refresh => Verdict::StaleCredential,
        400 | 401 if matches!(endpoint, Endpoint::Login | Endpoint::Refresh) => Verdict::Rejected,
        401 if endpoint.needs_session() => Verdict::Rejected,
        400 if endpoint != Endpoint::Logout && endpoint != Endpoint::User => Verdict::Invalid,
        _ => Verdict::Server,
    }
}

/// The error for a non-`Ok` verdict of `endpoint`.
pub fn error_for(
    endpoint: Endpoint,
    verdict: Verdict,
    status: u16,
    facts: &BodyFacts,
) -> AuthError {
    let (code, message) = match (endpoint, verdict) {
        (Endpoint::Login, Verdict::Rejected) if email_not_verified(facts) => (
            ErrorCode::EmailNotVerified,
            "the account's e-mail address is not verified yet (see verifyEmail())",
        ),
        (Endpoint::Login, Verdict::Rejected) => (
            ErrorCode::InvalidCredentials,
            "the server refused the credentials",
        ),
        (Endpoint::Refresh, Verdict::Rejected) => (
            ErrorCode::SessionExpired,
            "the server refused the refresh cookie: the session is over",
        ),
        (_, Verdict::Rejected) => (
            ErrorCode::SessionExpired,
            "the server has no session for this call: sign in again",
        ),
        (_, Verdict::Invalid) => (
            ErrorCode::InvalidInput,
            "the server refused the submitted fields (see `fields`)",
        ),
        (_, Verdict::Csrf) => (
            ErrorCode::Server,
            "CSRF check failed: add the SPA origin to CSRF_TRUSTED_ORIGINS, or see doctor()",
        ),
        (_, Verdict::StaleCredential) => (
            ErrorCode::Server,
            "the server refused the access token the browser sent along",
        ),
        _ if status >= 500 => (ErrorCode::Server, "the server failed (5xx)"),
        _ => (
            ErrorCode::Server,
            "the server answered with an unexpected status",
        ),
    };
    let e = AuthError::new(code, message)
        .with_status(status)
        .with_detail(facts.detail.clone());
    match code {
        ErrorCode::InvalidInput | ErrorCode::InvalidCredentials => {
            e.with_fields(facts.field_errors.clone())
        }
        _ => e,
    }
}

/// dj-rest-auth's login refusal (400, as `non_field_errors`) for an account whose e-mail
/// address allauth's mandatory verification has not seen verified. English only: dj-rest-auth
/// translates it where a translation is active, and then it reads as `invalid_credentials`.
pub const EMAIL_NOT_VERIFIED: &str = "E-mail is not verified.";

/// Whether a login refusal says the e-mail address is not verified.
pub fn email_not_verified(facts: &BodyFacts) -> bool {
    facts.detail.as_deref() == Some(EMAIL_NOT_VERIFIED)
}

/// Whether `token` can travel in an `Authorization: Bearer` header: printable ASCII without
/// spaces (a JWT is base64url and dots). Anything else would make `Headers.set` throw.
pub fn header_safe(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// Whether a CSRF refusal says Django found no CSRF cookie, the one case a double-submit
/// cookie minted by the page can fix (not "Origin checking failed", not a bad token).
pub fn csrf_cookie_missing(facts: &BodyFacts) -> bool {
    facts
        .detail
        .as_deref()
        .is_some_and(|d| d.starts_with("CSRF Failed: CSRF cookie not set"))
}

/// Whether a CSRF failure was Django refusing the page's origin (not in
/// `CSRF_TRUSTED_ORIGINS`), rather than a missing token.
pub fn csrf_origin_refused(detail: &str) -> bool {
    [
        "CSRF Failed: Origin checking failed",
        "CSRF Failed: Referer checking failed",
    ]
    .iter()
    .any(|p| detail.starts_with(p))
}

/// dj-rest-auth's logout detail (config c) when the refresh cookie did not reach the view: it
/// deleted the cookies and revoked nothing (every version since 6.0).
pub const REFRESH_COOKIE_MISSING_PREFIX: &str = "Refresh token was not included in cookie data";

/// dj-rest-auth's logout detail when nothing was revoked server side (config a).
pub const NOTHING_REVOKED_PREFIX: &str = "Neither cookies or blacklist are enabled";

/// The `LogoutResult.warning` for a 2xx logout reply: the server's detail when it says nothing
/// was revoked.
pub fn logout_warning(facts: &BodyFacts) -> Option<String> {
    facts
        .detail
        .as_deref()
        .filter(|d| d.starts_with(NOTHING_REVOKED_PREFIX))
        .map(String::from)
}

/// Reply bodies as the tests of the core's modules need them.
#[cfg(test)]
pub(crate) mod testing {
    use super::{BodyFacts, Secret};
    use alloc::string::ToString;

    /// An error reply: `detail`, and simplejwt's `code` when given.
    pub fn detail(d: &str, code: Option<&str>) -> BodyFacts {
        BodyFacts {
            json: true,
            detail: Some(d.to_string()),
            code: code.map(str::to_string),
            ..BodyFacts::default()
        }
    }

    /// A reply carrying `token`.
    pub fn token_facts(token: &str) -> BodyFacts {
        BodyFacts {
            json: true,
            access: Some(Secret::new(token.to_string())),
            ..BodyFacts::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn detail(d: &str) -> BodyFacts {
        testing::detail(d, None)
    }

    fn token_not_valid(d: &str) -> BodyFacts {
        testing::detail(d, Some("token_not_valid"))
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.s";

    #[test]
    fn a_login_refused_for_an_unverified_e_mail_says_so() {
        let unverified = detail("E-mail is not verified.");
        let v = classify(Endpoint::Login, 400, &unverified);
        let e = error_for(Endpoint::Login, v, 400, &unverified);
        assert_eq!(e.code(), "email_not_verified");
        assert_eq!(e.detail.as_deref(), Some("E-mail is not verified."));
        let wrong = detail("Unable to log in with provided credentials.");
        let e = error_for(Endpoint::Login, v, 400, &wrong);
        assert_eq!(e.code(), "invalid_credentials");
    }

    #[test]
    fn every_configured_endpoint_has_its_own_key_slot_and_path() {
        for (i, e) in Endpoint::CONFIGURED.iter().enumerate() {
            assert_eq!(e.slot(), i);
            assert!(
                e.default_path().starts_with("dj-rest-auth/") && e.default_path().ends_with('/')
            );
        }
        assert_eq!(Endpoint::Profile.slot(), Endpoint::User.slot());
        assert_eq!(Endpoint::Profile.key(), "user");
        assert_eq!(
            (Endpoint::User.method(), Endpoint::Profile.method()),
            ("GET", "PATCH")
        );
        assert_eq!(Endpoint::VerifyEmail.method(), "POST");
    }

    #[test]
    fn login_replies() {
        let ok = BodyFacts {
            json: true,
            access: Some(Secret::new(JWT.to_string())),
            ..BodyFacts::default()
        };
        assert_eq!(classify(Endpoint::Login, 200, &ok), Verdict::Ok);
        let g = Grant::from_facts(&ok, 200).unwrap();
        assert_eq!(g.claims.lifetime_ms(), Some(300_000));

        // Wrong password: 400 non_field_errors.
        let wrong = detail("Unable to log in with provided credentials.");
        assert_eq!(classify(Endpoint::Login, 400, &wrong), Verdict::Rejected);
        let e = error_for(Endpoint::Login, Verdict::Rejected, 400, &wrong);
        assert_eq!(e.code(), "invalid_credentials");
        assert_eq!(e.status, Some(400));
        assert_eq!(
            e.detail.as_deref(),
            Some("Unable to log in with provided credentials.")
        );

        // Missing field: 400 {"password": [...]}.
        assert_eq!(
            classify(
                Endpoint::Login,
                400,
                &detail("password: This field is required.")
            ),
            Verdict::Rejected
        );
        // An alive access cookie without a CSRF token (configs b and c).
        let csrf = detail("CSRF Failed: CSRF cookie not set.");
        assert_eq!(classify(Endpoint::Login, 403, &csrf), Verdict::Csrf);
        assert_eq!(
            error_for(Endpoint::Login, Verdict::Csrf, 403, &csrf).code(),
            "server"
        );
        // A refused access cookie/Bearer is not a credentials problem.
        assert_eq!(
            classify(
                Endpoint::Login,
                401,
                &token_not_valid("Given token not valid for any token type")
            ),
            Verdict::StaleCredential
        );
        assert_eq!(
            classify(Endpoint::Login, 500, &BodyFacts::default()),
            Verdict::Server
        );
        assert_eq!(
            classify(Endpoint::Login, 404, &BodyFacts::default()),
            Verdict::Server
        );
    }

    #[test]
    fn refresh_replies() {
        for d in [
            "No valid refresh token found.",
            "Token is invalid",
            "Token is expired",
            "Token is blacklisted",
        ] {
            let f = token_not_valid(d);
            assert_eq!(
                classify(Endpoint::Refresh, 401, &f),
                Verdict::Rejected,
                "{d}"
            );
            let e = error_for(Endpoint::Refresh, Verdict::Rejected, 401, &f);
            assert_eq!(e.code(), "session_expired");
            assert_eq!(e.detail.as_deref(), Some(d));
        }
        // {"refresh": ""} → 400 "This field may not be blank."
        assert_eq!(
            classify(
                Endpoint::Refresh,
                400,
                &detail("refresh: This field may not be blank.")
            ),
            Verdict::Rejected
        );
        // 403 and 5xx are configuration / server trouble, never expiry.
        let csrf = detail(
            "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
        );
        assert_eq!(classify(Endpoint::Refresh, 403, &csrf), Verdict::Csrf);
        assert_eq!(
            classify(Endpoint::Refresh, 403, &detail("Forbidden")),
            Verdict::Server
        );
        assert_eq!(
            classify(Endpoint::Refresh, 502, &BodyFacts::default()),
            Verdict::Server
        );
        let e = error_for(
            Endpoint::Refresh,
            Verdict::Server,
            502,
            &BodyFacts::default(),
        );
        assert_eq!(e.code(), "server");
        assert!(e.code.is_transient());
    }

    #[test]
    fn logout_replies() {
        let a = detail("Neither cookies or blacklist are enabled, so the token has not been deleted server side. Please make sure the token is deleted client side.");
        assert_eq!(classify(Endpoint::Logout, 200, &a), Verdict::Ok);
        assert!(logout_warning(&a).unwrap().starts_with("Neither cookies"));
        assert_eq!(logout_warning(&detail("Successfully logged out.")), None);
        // Config c without a refresh cookie: 401, no code.
        assert_eq!(
            classify(
                Endpoint::Logout,
                401,
                &detail("Refresh token was not included in request data.")
            ),
            Verdict::Server
        );
        // A stale Bearer: refused before the view.
        assert_eq!(
            classify(
                Endpoint::Logout,
                401,
                &token_not_valid("Given token not valid for any token type")
            ),
            Verdict::StaleCredential
        );
        assert_eq!(
            classify(
                Endpoint::Logout,
                403,
                &detail("CSRF Failed: CSRF cookie not set.")
            ),
            Verdict::Csrf
        );
    }

    #[test]
    fn unusable_bodies_are_bad_response() {
        let cases = [
            BodyFacts::default(),
            BodyFacts {
                json: true,
                access: Some(Secret::new(String::new())),
                ..BodyFacts::default()
            },
            BodyFacts {
                json: true,
                access: Some(Secret::new("not-a-jwt".to_string())),
                ..BodyFacts::default()
            },
        ];
        for f in cases {
            let e = Grant::from_facts(&f, 200).unwrap_err();
            assert_eq!(e.code(), "bad_response");
            assert_eq!(e.status, Some(200));
        }
    }

    #[test]
    fn a_token_that_is_not_a_header_value_is_a_bad_response() {
        for t in [
            "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.s\n",
            "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.s s",
            "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.\u{e9}",
        ] {
            let f = BodyFacts {
                json: true,
                access: Some(Secret::new(t.to_string())),
                ..BodyFacts::default()
            };
            let e = Grant::from_facts(&f, 200).unwrap_err();
            assert_eq!(e.code(), "bad_response", "{t:?}");
            assert!(!e.message.contains("eyJ"));
        }
        assert!(header_safe(JWT));
    }

    #[test]
    fn only_a_missing_csrf_cookie_can_be_fixed_by_minting_one() {
        assert!(csrf_cookie_missing(&detail(
            "CSRF Failed: CSRF cookie not set."
        )));
        for d in [
            "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.",
            "CSRF Failed: CSRF token missing.",
            "CSRF Failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
        ] {
            assert!(!csrf_cookie_missing(&detail(d)), "{d}");
        }
        assert!(!csrf_cookie_missing(&BodyFacts::default()));
    }

    #[test]
    fn errors_never_carry_the_token() {
        let f = BodyFacts {
            json: true,
            access: Some(Secret::new("abc.def".to_string())),
            ..BodyFacts::default()
        };
        let e = Grant::from_facts(&f, 200).unwrap_err();
        let shown = alloc::format!("{e:?}");
        assert!(!shown.contains("abc.def"));
    }
}
