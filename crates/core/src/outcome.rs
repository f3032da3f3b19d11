//! (endpoint, status, body facts) → what happened. The table in docs/guide.md, "Outcomes".
//!
//! The shell parses bodies with the browser's `JSON.parse` and hands over only the facts
//! below; every decision about what a reply *means* is made here, natively tested.

use alloc::string::String;

use super::claims::{Claims, ClaimsError};
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

    /// The config's endpoint table, as the shells' config readers (config.js) take it: each
    /// of [`Endpoint::CONFIGURED`] in slot order, its key and dj-rest-auth's documented path,
    /// relative to `baseUrl` (so that a base with a path prefix, `https://x/api/`, gives
    /// `https://x/api/dj-rest-auth/login/`), "key path key path …". One string rather than a
    /// function per column: no shell has to build it (0.3 KB gzipped of the package's .wasm,
    /// docs/size.md).
    pub const TABLE: &'static str = concat!(
        "login dj-rest-auth/login/ ",
        "refresh dj-rest-auth/token/refresh/ ",
        "logout dj-rest-auth/logout/ ",
        "user dj-rest-auth/user/ ",
        "register dj-rest-auth/registration/ ",
        "passwordChange dj-rest-auth/password/change/ ",
        "passwordReset dj-rest-auth/password/reset/ ",
        "passwordResetConfirm dj-rest-auth/password/reset/confirm/ ",
        "verifyEmail dj-rest-auth/registration/verify-email/ ",
        "resendEmail dj-rest-auth/registration/resend-email/",
    );

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
    /// Its time claims, read by the body's parser ([`crate::reply::Body::jwt_claims`]); `None`
    /// without an access token.
    pub claims: Option<Result<Claims, ClaimsError>>,
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
        let Some(Ok(claims)) = facts.claims else {
            return Err(AuthError::new(
                ErrorCode::BadResponse,
                "the access token is not a readable JWT",
            )
            .with_status(status));
        };
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
#[path = "tests/testing.rs"]
pub(crate) mod testing;

#[cfg(test)]
#[path = "tests/outcome.rs"]
mod tests;
