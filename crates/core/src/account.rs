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
use super::outcome::{classify, csrf_cookie_missing, error_for, BodyFacts, Endpoint, Verdict};

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
    /// access cookie rode along: resend once with a fresh token (or a minted CSRF cookie when
    /// `mint` and no token can be had); `otherwise` when that cannot be done.
    Fresh {
        /// Django said the CSRF cookie is not set (the one refusal a minted cookie fixes).
        mint: bool,
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
                mint: v == Verdict::Csrf && csrf_cookie_missing(facts),
                otherwise: error_for(endpoint, v, status, facts),
            }
        }
        v => AccountStep::Finished(Err(error_for(endpoint, v, status, facts))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::testing::{detail, token_facts};
    use alloc::string::ToString;
    use alloc::vec;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.s";

    fn finished(s: AccountStep) -> Result<Done, AuthError> {
        match s {
            AccountStep::Finished(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn e_mail_verification_answers() {
        let ok = detail("ok", None);
        for call in [AccountCall::VerifyEmail, AccountCall::ResendEmail] {
            assert_eq!(
                finished(next_step(call, Ok((200, &ok)), false)),
                Ok(Done::Detail(Some("ok".to_string())))
            );
        }
        let e = finished(next_step(
            AccountCall::VerifyEmail,
            Ok((404, &detail("Not found.", None))),
            false,
        ))
        .unwrap_err();
        assert_eq!((e.code(), e.status), ("invalid_input", Some(404)));
        assert_eq!(
            e.fields,
            vec![("key".to_string(), vec!["Not found.".to_string()])]
        );
        let mut required = detail("x", None);
        required.detail = None;
        required.field_errors = vec![(
            "email".to_string(),
            vec!["This field is required.".to_string()],
        )];
        let e = finished(next_step(
            AccountCall::ResendEmail,
            Ok((400, &required)),
            false,
        ))
        .unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        // A 404 of another call is the server's.
        let e = finished(next_step(
            AccountCall::ResendEmail,
            Ok((404, &detail("Not found.", None))),
            false,
        ))
        .unwrap_err();
        assert_eq!(e.code(), "server");
    }

    #[test]
    fn sign_up_with_tokens_signs_in_and_without_them_waits_for_verification() {
        let mut tokens = token_facts(JWT);
        tokens.refresh_in_body = true;
        let up = AccountCall::SignUp;
        assert_eq!(
            finished(next_step(up, Ok((201, &tokens)), false)),
            Ok(Done::SignIn)
        );
        let sent = detail("Verification e-mail sent.", None);
        assert_eq!(
            finished(next_step(up, Ok((201, &sent)), false)),
            Ok(Done::VerificationSent)
        );
        // The same in another language, and a 204.
        let sent = detail("E-Mail zur Bestätigung gesendet.", None);
        assert_eq!(
            finished(next_step(up, Ok((201, &sent)), false)),
            Ok(Done::VerificationSent)
        );
        let empty = BodyFacts::default();
        assert_eq!(
            finished(next_step(up, Ok((204, &empty)), false)),
            Ok(Done::VerificationSent)
        );
        // A custom view answering with the user only: the account is active.
        let json = BodyFacts {
            json: true,
            ..BodyFacts::default()
        };
        assert_eq!(
            finished(next_step(up, Ok((201, &json)), false)),
            Ok(Done::SignIn)
        );
    }

    #[test]
    fn a_400_is_invalid_input_with_every_field_error() {
        let mut f = detail(
            "email: A user is already registered with this e-mail address.",
            None,
        );
        f.field_errors = vec![
            (
                "email".to_string(),
                vec!["A user is already registered with this e-mail address.".to_string()],
            ),
            (
                "password1".to_string(),
                vec![
                    "This password is too short.".to_string(),
                    "This password is too common.".to_string(),
                ],
            ),
        ];
        for call in [
            AccountCall::SignUp,
            AccountCall::ChangePassword,
            AccountCall::RequestReset,
            AccountCall::ConfirmReset,
            AccountCall::UpdateUser,
        ] {
            let e = finished(next_step(call, Ok((400, &f)), false)).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{call:?}");
            assert_eq!(e.status, Some(400));
            assert_eq!(e.fields, f.field_errors);
        }
    }

    #[test]
    fn the_access_cookie_in_the_way_gets_one_fresh_credential() {
        let missing = detail("CSRF Failed: CSRF cookie not set.", None);
        let step = next_step(AccountCall::RequestReset, Ok((403, &missing)), false);
        assert!(matches!(step, AccountStep::Fresh { mint: true, .. }));
        let token_missing = detail("CSRF Failed: CSRF token missing.", None);
        let step = next_step(AccountCall::ConfirmReset, Ok((403, &token_missing)), false);
        assert!(matches!(step, AccountStep::Fresh { mint: false, .. }));
        let stale = detail(
            "Given token not valid for any token type",
            Some("token_not_valid"),
        );
        let step = next_step(AccountCall::ChangePassword, Ok((401, &stale)), false);
        assert!(matches!(step, AccountStep::Fresh { mint: false, .. }));
        // Already fresh: the error.
        let e = finished(next_step(
            AccountCall::ChangePassword,
            Ok((401, &stale)),
            true,
        ));
        assert_eq!(e.unwrap_err().code(), "server");
        // No session at the server for a call that needs one.
        let none = detail("Authentication credentials were not provided.", None);
        let e = finished(next_step(AccountCall::UpdateUser, Ok((401, &none)), true));
        assert_eq!(e.unwrap_err().code(), "session_expired");
    }

    #[test]
    fn other_answers() {
        let ok = detail("New password has been saved.", None);
        assert_eq!(
            finished(next_step(
                AccountCall::ChangePassword,
                Ok((200, &ok)),
                false
            )),
            Ok(Done::Detail(Some(
                "New password has been saved.".to_string()
            )))
        );
        let user = BodyFacts {
            json: true,
            ..BodyFacts::default()
        };
        assert_eq!(
            finished(next_step(AccountCall::UpdateUser, Ok((200, &user)), false)),
            Ok(Done::User)
        );
        let throttled = detail("Request was throttled.", None);
        let e = finished(next_step(
            AccountCall::RequestReset,
            Ok((429, &throttled)),
            false,
        ));
        assert_eq!(e.unwrap_err().code(), "server");
        let e = finished(next_step(
            AccountCall::SignUp,
            Ok((404, &BodyFacts::default())),
            false,
        ));
        assert_eq!(e.unwrap_err().status, Some(404));
    }
}
