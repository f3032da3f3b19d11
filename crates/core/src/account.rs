//! The account calls: `signUp()`, `changePassword()`, `requestPasswordReset()`,
//! `confirmPasswordReset()`, `updateUser()`, `verifyEmail()` and `resendVerificationEmail()` —
//! what each answer of their endpoints means.
//!
//! Measured against dj-rest-auth 7.2.0 with django-allauth 65.22.1 (docs/servers.md): sign-up
//! answers 201 with `access`, `refresh` and `user` in the body and sets no JWT cookie (so the
//! SDK signs in with the same credentials to get the HttpOnly session, and never keeps that
//! refresh token); with mandatory e-mail verification it answers 201 `{"detail": …}` (or 204)
//! and no tokens. Field errors are 400 `{"field": ["message", …]}`. While an HttpOnly access
//! cookie is alive Django checks CSRF on them as on login, and a refused cookie or Bearer is a
//! 401 `token_not_valid` before the view runs: a fresh credential gets them through.

use alloc::string::String;
use alloc::vec;

use super::error::{AuthError, ErrorCode};
use super::login::NoBearer;
use super::outcome::{classify, error_for, BodyFacts, Endpoint, Verdict};

/// Which account call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountCall {
    /// `signUp(fields)`: `POST endpoints.register`.
    SignUp,
    /// `changePassword(fields)`: `POST endpoints.passwordChange`.
    ChangePassword,
    /// `requestPasswordReset(email)`: `POST endpoints.passwordReset`.
    RequestReset,
    /// `confirmPasswordReset(fields)`: `POST endpoints.passwordResetConfirm`.
    ConfirmReset,
    /// `updateUser(patch)`: `PATCH endpoints.user`.
    UpdateUser,
    /// `verifyEmail(key)`: `POST endpoints.verifyEmail`.
    VerifyEmail,
    /// `resendVerificationEmail(email)`: `POST endpoints.resendEmail`.
    ResendEmail,
}

impl AccountCall {
    /// Its endpoint.
    pub fn endpoint(self) -> Endpoint {
        match self {
            AccountCall::SignUp => Endpoint::Register,
            AccountCall::ChangePassword => Endpoint::PasswordChange,
            AccountCall::RequestReset => Endpoint::PasswordReset,
            AccountCall::ConfirmReset => Endpoint::PasswordResetConfirm,
            AccountCall::UpdateUser => Endpoint::Profile,
            AccountCall::VerifyEmail => Endpoint::VerifyEmail,
            AccountCall::ResendEmail => Endpoint::ResendEmail,
        }
    }
}

/// The sign-up fields that become the credentials of the login after it (dj-rest-auth's
/// `RegisterSerializer` → `LoginSerializer`): `(sign-up field, login field)`.
pub const LOGIN_FROM_SIGN_UP: [(&str, &str); 3] = [
    ("username", "username"),
    ("email", "email"),
    ("password1", "password"),
];

/// How an account call went, when the server accepted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    /// The account exists and is active: sign in with the same credentials (the sign-up's own
    /// tokens are never used — its refresh token came in the body, not as a cookie).
    SignIn,
    /// The account waits for its e-mail to be verified: no session.
    VerificationSent,
    /// Done; the server's message.
    Detail(Option<alloc::string::String>),
    /// The profile was updated: the body is the user.
    User,
}

/// The next step of an account call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountStep {
    /// Done: how, or the error to reject the call with.
    Finished(Result<Done, AuthError>),
    /// The credential that rode along was refused, or Django checked CSRF because the HttpOnly
    /// access cookie rode along: resend once with a fresh token (or as `no_bearer` says when
    /// no token can be had); `otherwise` when that cannot be done.
    Fresh {
        /// When no token can be had.
        no_bearer: NoBearer,
        /// The error when no fresh credential helps.
        otherwise: AuthError,
    },
}

/// Decides the next step of `call` after one request. `had_fresh`: the request was already a
/// resend with a fresh credential.
pub fn next_step(
    call: AccountCall,
    reply: Result<(u16, &BodyFacts), &AuthError>,
    had_fresh: bool,
) -> AccountStep {
    let (status, facts) = match reply {
        Ok(r) => r,
        Err(e) => return AccountStep::Finished(Err(e.clone())),
    };
    let endpoint = call.endpoint();
    match classify(endpoint, status, facts) {
        Verdict::Ok => AccountStep::Finished(Ok(match call {
            // Tokens or not, no verification notice: the account is active.
            AccountCall::SignUp
                if facts.access.is_none() && (status == 204 || facts.detail.is_some()) =>
            {
                Done::VerificationSent
            }
            AccountCall::SignUp => Done::SignIn,
            AccountCall::UpdateUser => Done::User,
            _ => Done::Detail(facts.detail.clone()),
        })),
        // allauth's view knows no such key (wrong, used, or expired): the key is the field.
        Verdict::Server if call == AccountCall::VerifyEmail && status == 404 => {
            let why = facts
                .detail
                .clone()
                .unwrap_or_else(|| String::from("Not found."));
            AccountStep::Finished(Err(AuthError::new(
                ErrorCode::InvalidInput,
                "the verification key is unknown, already used or expired",
            )
            .with_status(status)
            .with_detail(facts.detail.clone())
            .with_fields(vec![(String::from("key"), vec![why])])))
        }
        v @ (Verdict::Csrf | Verdict::StaleCredential | Verdict::Rejected) if !had_fresh => {
            AccountStep::Fresh {
                no_bearer: NoBearer::for_refusal(v, facts),
                otherwise: error_for(endpoint, v, status, facts),
            }
        }
        v => AccountStep::Finished(Err(error_for(endpoint, v, status, facts))),
    }
}

#[cfg(test)]
#[path = "tests/account.rs"]
mod tests;
