//! The account calls as jobs: sign-up ends in a login (never in the sign-up's own tokens),
//! the password and profile calls go out with the session's token, get one fresh credential,
//! and keep their place in the queue.
use super::*;
use crate::account::AccountCall::{ChangePassword, RequestReset, UpdateUser};
use crate::outcome::Endpoint::{
    Login, Logout, PasswordChange, PasswordReset, Profile, Refresh, Register,
};
use alloc::string::ToString;
use alloc::vec;

fn stale() -> crate::outcome::BodyFacts {
    detail(
        "Given token not valid for any token type",
        Some("token_not_valid"),
    )
}

#[test]
fn sign_up_signs_in_with_the_same_credentials_and_never_uses_its_own_tokens() {
    let mut s = Shell::new(opts());
    let op = s.sign_up();
    s.grant(false);
    assert!(s.pending(Register));
    let theirs = s.token(300);
    let mut body = token_facts(&theirs);
    body.refresh_in_body = true;
    s.answer(Register, 201, body, Some("ada"));
    assert!(
        s.pending(Login),
        "then a login, which sets the HttpOnly cookies"
    );
    let login = s.sent.last().unwrap();
    assert_eq!(
        login.payload,
        Payload::Credentials(Secret::new(
            r#"{"username":"ada","password":"pw"}"#.to_string()
        ))
    );
    assert!(
        s.take_events().is_empty(),
        "not signed in by the sign-up's tokens"
    );
    let t = s.ok(Login, ADA);
    let Some(Outcome::SignedUp(Some(session))) = s.outcome(op) else {
        panic!("{:?}", s.outcome(op))
    };
    assert_eq!(session.record.value.expose(), t);
    assert_ne!(s.current(), Some(theirs));
    assert_eq!(s.take_events(), [(EventKind::SignedIn, Source::ThisTab)]);
    assert!(s.m.sign_up_exposed_refresh(), "for doctor()");
    assert!(s.wire.is_empty() && !s.lock_held());
}

#[test]
fn sign_up_with_mandatory_verification_stays_signed_out() {
    let mut s = Shell::new(opts());
    let op = s.sign_up();
    s.grant(false);
    s.answer(
        Register,
        201,
        detail("Verification e-mail sent.", None),
        None,
    );
    assert_eq!(s.outcome(op), Some(&Outcome::SignedUp(None)));
    assert!(s.wire.is_empty() && !s.lock_held() && s.take_events().is_empty());
    not_signed_in(&s);
}

#[test]
fn sign_up_field_errors_and_a_failed_login_after_it() {
    let mut s = Shell::new(opts());
    let op = s.sign_up();
    s.grant(false);
    let mut f = detail("password1: This password is too common.", None);
    f.field_errors = vec![(
        "password1".to_string(),
        vec!["This password is too common.".to_string()],
    )];
    s.answer(Register, 400, f.clone(), None);
    let Some(Outcome::Failed(e)) = s.outcome(op) else {
        panic!()
    };
    assert_eq!((e.code(), &e.fields), ("invalid_input", &f.field_errors));
    assert!(!s.pending(Login));

    let mut s = Shell::new(opts());
    let op = s.sign_up();
    s.grant(false);
    let t = s.token(300);
    s.answer(Register, 201, token_facts(&t), None);
    s.answer(
        Login,
        400,
        detail("Unable to log in with provided credentials.", None),
        None,
    );
    let Some(Outcome::Failed(e)) = s.outcome(op) else {
        panic!()
    };
    assert_eq!(e.code(), "invalid_credentials");
    assert!(e.message.contains("account was created"));
    not_signed_in(&s);
}

#[test]
fn a_sign_up_is_superseded_as_a_login_is() {
    let mut s = Shell::new(opts());
    let op = s.sign_up();
    s.grant(false);
    let out = s.logout();
    assert_eq!(s.code(op), Some("aborted"));
    let t = s.token(300);
    s.answer(Register, 201, token_facts(&t), None);
    assert!(!s.pending(Login), "its login is never sent");
    assert!(s.pending(Logout));
    s.answer(Logout, 200, detail("Successfully logged out.", None), None);
    assert!(matches!(s.outcome(out), Some(Outcome::LoggedOut(_))));
    not_signed_in(&s);
}

#[test]
fn a_password_change_refreshes_once_after_a_refused_token_and_is_resent() {
    let mut s = Shell::new(opts());
    let old = s.signed_in();
    s.take_events();
    let op = s.account(ChangePassword);
    s.grant(false);
    assert_eq!(s.last_bearer(), Some(old.clone()));
    s.answer(PasswordChange, 401, stale(), None);
    assert!(s.pending(Refresh), "a refresh in front of it");
    let fresh = s.ok(Refresh, None);
    assert_eq!(s.take_events(), [(EventKind::Refreshed, Source::ThisTab)]);
    assert_eq!(s.last_bearer(), Some(fresh));
    assert_eq!(s.sent.last().unwrap().endpoint, PasswordChange);
    // Refused again: the error, no loop.
    s.answer(PasswordChange, 401, stale(), None);
    assert_eq!(s.code(op), Some("server"));
    assert!(s.wire.is_empty() && !s.lock_held());

    let op = s.account(ChangePassword);
    s.grant(false);
    s.answer(
        PasswordChange,
        200,
        detail("New password has been saved.", None),
        None,
    );
    assert_eq!(
        s.outcome(op),
        Some(&Outcome::Answered(Some(
            "New password has been saved.".to_string()
        )))
    );
    assert!(s.m.token().is_some(), "the session stays");
}

#[test]
fn a_call_that_needs_a_session_rejects_when_signed_out_and_survives_a_later_logout() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.logout();
    s.grant(false);
    s.answer(Logout, 200, detail("Successfully logged out.", None), None);
    let n = s.sent.len();
    let op = s.account(ChangePassword);
    assert_eq!(s.code(op), Some("session_expired"));
    assert_eq!(s.sent.len(), n, "nothing sent");

    // changePassword() then logout() before the lock: both go out, in that order.
    let mut s = Shell::new(opts());
    let t = s.signed_in();
    let op = s.account(ChangePassword);
    let out = s.logout();
    s.grant(false);
    assert_eq!(s.sent.last().unwrap().endpoint, PasswordChange);
    assert_eq!(
        s.last_bearer(),
        Some(t),
        "the token the cookies were issued with"
    );
    s.answer(
        PasswordChange,
        200,
        detail("New password has been saved.", None),
        None,
    );
    assert!(matches!(s.outcome(op), Some(Outcome::Answered(_))));
    assert!(s.pending(Logout));
    s.answer(Logout, 200, detail("Successfully logged out.", None), None);
    assert!(matches!(s.outcome(out), Some(Outcome::LoggedOut(_))));
}

#[test]
fn a_reset_request_signed_out_gets_past_the_csrf_check_as_a_login() {
    let mut s = Shell::new(opts());
    let op = s.account(RequestReset);
    s.grant(false);
    assert_eq!(s.last_bearer(), None);
    s.answer(
        PasswordReset,
        403,
        detail("CSRF Failed: CSRF cookie not set.", None),
        None,
    );
    s.refuse_refresh("No valid refresh token found.");
    let resent = s.sent.last().unwrap();
    assert!(resent.endpoint == PasswordReset && resent.mint_csrf);
    s.answer(
        PasswordReset,
        200,
        detail("Password reset e-mail has been sent.", None),
        None,
    );
    assert!(matches!(s.outcome(op), Some(Outcome::Answered(Some(_)))));
    not_signed_in(&s);
}

#[test]
fn update_user_changes_the_user_here_and_in_the_other_tabs() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.take_events();
    let op = s.account(UpdateUser);
    s.grant(false);
    assert_eq!(s.sent.last().unwrap().endpoint, Profile);
    s.answer(Profile, 200, json(), Some("ada lovelace"));
    assert_eq!(s.outcome(op), Some(&Outcome::User("ada lovelace")));
    assert_eq!(s.m.user(), Some(&"ada lovelace"));
    assert_eq!(
        s.stored.as_ref().and_then(|st| st.user),
        Some("ada lovelace")
    );
    assert_eq!(s.take_events(), [(EventKind::UserUpdated, Source::ThisTab)]);
    let Some(Broadcast::User(shared)) = s.broadcasts.last().cloned() else {
        panic!()
    };
    // The other tab.
    let mut other = Shell::new(opts());
    other.signed_in();
    other.take_events();
    other.input(Input::RemoteUser(shared.clone()));
    assert_eq!(other.m.user(), Some(&"ada lovelace"));
    assert_eq!(
        other.take_events(),
        [(EventKind::UserUpdated, Source::OtherTab)]
    );
    // Signed out there: nothing.
    let mut out = Shell::new(opts());
    out.input(Input::RemoteUser(shared));
    assert!(out.take_events().is_empty());
    not_signed_in(&out);
}

#[test]
fn login_with_goes_to_its_own_endpoint_as_a_login() {
    let mut s = Shell::new(opts());
    let body = Secret::new(r#"{"access_token":"x"}"#.to_string());
    let op = s.call(Call::LoginWith(
        body,
        "https://api.test/auth/google/".to_string(),
    ));
    s.grant(false);
    let r = s.sent.last().unwrap();
    assert_eq!(
        (r.endpoint, r.url.as_deref()),
        (Login, Some("https://api.test/auth/google/"))
    );
    s.answer(
        Login,
        403,
        detail("CSRF Failed: CSRF cookie not set.", None),
        None,
    );
    let t = s.ok(Refresh, None);
    let resent = s.sent.last().unwrap();
    assert_eq!(resent.url.as_deref(), Some("https://api.test/auth/google/"));
    assert_eq!(
        resent.bearer.as_ref().map(|b| b.expose().to_string()),
        Some(t)
    );
    s.ok(Login, ADA);
    assert!(s.session_token(op).is_some());
}
