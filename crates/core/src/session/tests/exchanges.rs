//! The login and logout exchanges as jobs: past Django's CSRF check (a Bearer from the refresh
//! cookie, else a minted CSRF cookie), never with an expired Bearer, and the durable logout
//! that only an answer of the view can confirm.
use super::*;
use crate::outcome::Endpoint::{Login, Logout, Refresh};
use alloc::string::ToString;

#[test]
fn a_throttled_logout_stays_pending_and_is_finished_on_the_next_restore() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let out = s.logout();
    assert!(s.logout_flag, "remembered before the request goes out");
    s.grant(false);
    s.answer(Logout, 429, detail("Request was throttled.", None), None);
    let Some(Outcome::LoggedOut(o)) = s.outcome(out) else {
        panic!()
    };
    assert!(!o.server_confirmed && !o.cookies_cleared);
    assert!(s.logout_flag, "a 429 proves nothing was cleared");
    // Reload: the flag keeps the session from coming back from the cookie.
    let mut r = Shell::with(Machine::new(opts(), true, Reading::default()));
    r.logout_flag = true;
    let op = r.restore();
    r.grant(false);
    assert!(r.pending(Logout) && !r.pending(Refresh));
    r.answer(Logout, 200, detail("Successfully logged out.", None), None);
    assert_eq!(r.outcome(op), Some(&Outcome::NoSession));
    assert!(!r.logout_flag);
    // Signed out in this page; after the next reload the cookie is asked again.
    let again = r.restore();
    assert_eq!(r.outcome(again), Some(&Outcome::NoSession));
    let mut reload = Shell::with(Machine::new(opts(), r.logout_flag, Reading::default()));
    reload.restore();
    reload.grant(false);
    assert!(reload.pending(Refresh));
}

#[test]
fn a_pending_logout_is_retried_on_wake_up() {
    let mut s = Shell::with(Machine::new(opts(), true, Reading::default()));
    s.input(Input::Wake(PageState::default()));
    s.grant(false);
    assert!(s.pending(Logout));
    s.answer(
        Logout,
        401,
        detail("Refresh token was not included in request data.", None),
        None,
    );
    assert!(
        !s.m.logout_pending(),
        "the view's 401: nothing left to clear"
    );
}

#[test]
fn logout_never_sends_an_expired_bearer_and_recovers_from_a_refused_one() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.now += 296_000; // within 5 s of expiry
    s.logout();
    s.grant(false);
    assert_eq!(s.sent.last().unwrap().bearer, None);
    let mut s = Shell::new(opts());
    s.signed_in();
    s.logout();
    s.grant(false);
    assert!(s.sent.last().unwrap().bearer.is_some());
    let refused = detail(
        "Given token not valid for any token type",
        Some("token_not_valid"),
    );
    s.answer(Logout, 401, refused, None);
    assert!(s.pending(Logout));
    assert_eq!(s.sent.last().unwrap().bearer, None, "resent without it");
}

#[test]
fn login_past_an_alive_access_cookie_gets_a_bearer_else_mints_a_csrf_cookie() {
    let csrf = || detail("CSRF Failed: CSRF cookie not set.", None);
    let mut s = Shell::new(opts());
    let op = s.login();
    s.grant(false);
    s.answer(Login, 403, csrf(), None);
    assert!(s.pending(Refresh), "a Bearer from the refresh cookie");
    let bearer = s.ok(Refresh, None);
    let resent = s.sent.last().unwrap().clone();
    assert_eq!(resent.endpoint, Login);
    assert_eq!(resent.bearer.map(|b| b.expose().to_string()), Some(bearer));
    assert!(!resent.mint_csrf);
    s.ok(Login, ADA);
    assert!(s.session_token(op).is_some());
    assert!(
        s.events.iter().all(|e| e.0 == EventKind::SignedIn),
        "the Bearer refresh is no event"
    );

    // No refresh cookie left: a minted CSRF cookie.
    let mut s = Shell::new(opts());
    let op = s.login();
    s.grant(false);
    s.answer(Login, 403, csrf(), None);
    s.refuse_refresh("No valid refresh token found.");
    let resent = s.sent.last().unwrap();
    assert!(resent.endpoint == Login && resent.mint_csrf && resent.bearer.is_none());
    s.ok(Login, ADA);
    assert!(s.session_token(op).is_some());

    // A refused origin: a minted cookie cannot help, so none is minted.
    let mut s = Shell::new(opts());
    let op = s.login();
    s.grant(false);
    let origin =
        "CSRF Failed: Origin checking failed - http://x does not match any trusted origins.";
    s.answer(Login, 403, detail(origin, None), None);
    s.refuse_refresh("No valid refresh token found.");
    assert!(s.wire.is_empty() && !s.sent.iter().any(|r| r.mint_csrf));
    assert_eq!(s.code(op), Some("server"));
    assert!(
        matches!(s.outcome(op), Some(Outcome::Failed(e)) if e.detail.as_deref() == Some(origin))
    );
}

#[test]
fn the_doctors_cycle_waits_for_the_wire_holds_the_queue_and_ends_signed_out() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.take_events();
    let r = s.refresh();
    s.grant(false);
    let turn = s.call(Call::Doctor);
    assert!(s.outcome(turn).is_none(), "not while the refresh is out");
    s.ok(Refresh, None);
    assert!(s.session_token(r).is_some());
    s.take_events();
    assert_eq!(s.outcome(turn), Some(&Outcome::Turn));
    assert!(s.lock_held(), "the queue, and the lock, are the doctor's");
    // Meanwhile the app asks for things: they wait.
    let later = s.refresh();
    let restored = s.restore();
    s.advance(10_000);
    assert!(s.wire.is_empty() && s.outcome(later).is_none());
    // The cycle signed in and out, confirmed.
    s.input(Input::Examined {
        signed_in: true,
        cleared: true,
    });
    assert_eq!(s.take_events(), [(EventKind::SignedOut, Source::ThisTab)]);
    assert!(!s.logout_flag && !s.m.logout_pending());
    assert_eq!(s.code(later), Some("session_expired"));
    assert_eq!(s.outcome(restored), Some(&Outcome::NoSession));
    assert!(s.wire.is_empty() && !s.lock_held());
    // Unconfirmed: the logout stays pending.
    let mut s = Shell::new(opts());
    s.signed_in();
    s.call(Call::Doctor);
    s.grant(false);
    s.input(Input::Examined {
        signed_in: true,
        cleared: false,
    });
    assert!(s.logout_flag && s.m.logout_pending());
    // A cycle whose login failed changes nothing.
    let mut s = Shell::new(opts());
    let t = s.signed_in();
    s.call(Call::Doctor);
    s.grant(false);
    s.input(Input::Examined {
        signed_in: false,
        cleared: false,
    });
    assert_eq!(s.current(), Some(t));
}

#[test]
fn a_login_made_after_doctor_comes_after_its_cycle_and_stays() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let turn = s.call(Call::Doctor);
    s.grant(false);
    assert_eq!(s.outcome(turn), Some(&Outcome::Turn));
    // The app signs in again while the cycle runs: the login waits for it.
    let login = s.login();
    assert!(s.wire.is_empty() && s.outcome(login).is_none());
    s.take_events();
    s.input(Input::Examined {
        signed_in: true,
        cleared: true,
    });
    assert_eq!(s.take_events(), [(EventKind::SignedOut, Source::ThisTab)]);
    assert!(
        s.outcome(login).is_none(),
        "not superseded by the cycle's sign-out"
    );
    s.grant(false);
    let t = s.ok(Login, Some("ada"));
    assert_eq!(s.session_token(login), Some(t.clone()));
    assert_eq!(s.current(), Some(t));
}

#[test]
fn a_login_sends_a_pending_logout_first_and_any_sign_in_ends_the_marker() {
    // This page loaded with the marker: the old session's logout goes first (config c revokes
    // its refresh token), then the login.
    let mut s = Shell::with(Machine::new(opts(), true, Reading::default()));
    s.logout_flag = true;
    let op = s.login();
    s.grant(false);
    assert!(s.pending(Logout) && !s.pending(Login));
    s.answer(Logout, 200, detail("Successfully logged out.", None), None);
    assert!(!s.logout_flag);
    s.ok(Login, ADA);
    assert!(s.session_token(op).is_some());
    // A page that did not load with it (another tab wrote it, then closed): its login ends it.
    let mut s = Shell::new(opts());
    s.logout_flag = true;
    s.signed_in();
    assert!(
        !s.logout_flag,
        "the next load must not log this session out"
    );
}
