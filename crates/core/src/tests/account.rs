//! Tests of `account`.

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
    assert!(matches!(
        step,
        AccountStep::Fresh {
            no_bearer: NoBearer::MintCsrfCookie,
            ..
        }
    ));
    let token_missing = detail("CSRF Failed: CSRF token missing.", None);
    let step = next_step(AccountCall::ConfirmReset, Ok((403, &token_missing)), false);
    assert!(matches!(
        step,
        AccountStep::Fresh {
            no_bearer: NoBearer::GiveUp,
            ..
        }
    ));
    let stale = detail(
        "Given token not valid for any token type",
        Some("token_not_valid"),
    );
    let step = next_step(AccountCall::ChangePassword, Ok((401, &stale)), false);
    assert!(matches!(
        step,
        AccountStep::Fresh {
            no_bearer: NoBearer::GiveUp,
            ..
        }
    ));
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
