//! The orderings of the session-core issue, one test each: what the app calls while
//! something else is in flight, and what must come out (see `ops` for the table).
use super::*;
use crate::outcome::Endpoint::{Login, Logout, Refresh, User};
use alloc::string::ToString;

#[test]
fn switching_account_sends_the_logout_before_the_login() {
    // auth.logout() not awaited, then auth.login(other): the logout's reply must not delete
    // the cookies the login sets.
    let mut s = Shell::new(opts());
    s.signed_in();
    let out = s.logout();
    let login = s.login();
    s.grant(false);
    assert!(s.pending(Logout) && !s.pending(Login), "one at a time");
    s.answer(Logout, 200, detail("Successfully logged out.", None), None);
    assert!(matches!(s.outcome(out), Some(Outcome::LoggedOut(o)) if o.server_confirmed));
    assert!(s.pending(Login), "the login goes after the logout's answer");
    let t = s.ok(Login, Some("bob"));
    assert_eq!(s.current(), Some(t));
    assert_eq!(s.m.user(), Some(&"bob"));
    assert!(s.session_token(login).is_some());
    assert!(
        !s.logout_flag,
        "the new session replaced the old one's cookies"
    );
}

#[test]
fn logout_during_login_ends_signed_out_and_logs_the_new_session_out_at_the_server() {
    let mut s = Shell::new(opts());
    let login = s.login();
    s.grant(false);
    let out = s.logout();
    assert_eq!(
        s.code(login),
        Some("aborted"),
        "a superseded login rejects at once"
    );
    not_signed_in(&s);
    assert!(
        !s.pending(Logout),
        "the logout waits for the login's answer"
    );
    let t = s.ok(Login, ADA);
    not_signed_in(&s);
    assert!(s.events.is_empty(), "the superseded login emits nothing");
    assert!(s.stored.is_none());
    // The logout goes out after the login's cookies exist, with its token as the Bearer that
    // gets it past Django's CSRF check.
    let logout = s.sent.last().unwrap();
    assert_eq!(logout.endpoint, Logout);
    assert_eq!(
        logout.bearer.as_ref().map(|b| b.expose().to_string()),
        Some(t)
    );
    s.answer(Logout, 200, detail("Successfully logged out.", None), None);
    assert!(matches!(s.outcome(out), Some(Outcome::LoggedOut(o)) if o.cookies_cleared));
    assert!(!s.logout_flag);
    not_signed_in(&s);
}

#[test]
fn login_during_a_refresh_drops_the_refresh_result_and_goes_after_it() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let refresh = s.refresh();
    s.grant(false);
    assert!(s.pending(Refresh));
    let login = s.login();
    assert_eq!(s.code(refresh), Some("aborted"));
    assert!(
        !s.pending(Login),
        "never two cookie-setting requests at once"
    );
    // The late refresh reply sets the old session's rotated cookie: dropped.
    let old = s.ok(Refresh, None);
    assert_ne!(s.current(), Some(old));
    assert!(s.pending(Login));
    let t = s.ok(Login, Some("bob"));
    assert_eq!(s.current(), Some(t.clone()));
    assert_eq!(s.session_token(login), Some(t));
    assert_eq!(
        s.take_events(),
        [
            (EventKind::SignedIn, Source::ThisTab),
            (EventKind::SignedIn, Source::ThisTab)
        ]
    );
}

#[test]
fn the_latest_of_two_logins_wins() {
    let mut s = Shell::new(opts());
    let a = s.login();
    s.grant(false);
    let b = s.login();
    assert_eq!(s.code(a), Some("aborted"));
    s.ok(Login, Some("ada"));
    not_signed_in(&s);
    let t = s.ok(Login, Some("bob"));
    assert_eq!(s.session_token(b), Some(t));
    assert_eq!(s.m.user(), Some(&"bob"));
    assert_eq!(s.take_events(), [(EventKind::SignedIn, Source::ThisTab)]);
}

#[test]
fn a_queued_login_that_is_superseded_is_never_sent() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let out = s.logout();
    let a = s.login();
    let b = s.login();
    s.grant(false);
    assert_eq!(s.code(a), Some("aborted"));
    s.answer(Logout, 200, json(), None);
    s.ok(Login, Some("bob"));
    assert!(s.session_token(b).is_some());
    assert!(matches!(s.outcome(out), Some(Outcome::LoggedOut(_))));
    let logins = s.sent.iter().filter(|r| r.endpoint == Login).count();
    assert_eq!(
        logins, 2,
        "the first sign-in and the latest login: the superseded one never went out"
    );
}

#[test]
fn restore_joins_a_refresh_in_flight() {
    let mut s = Shell::new(opts());
    let a = s.restore();
    let b = s.restore();
    let c = s.refresh();
    s.grant(false);
    assert_eq!(s.wire.len(), 1);
    s.ok(Refresh, None);
    assert!(
        s.pending(User),
        "a session from the cookie is completed with its user"
    );
    s.answer(User, 200, json(), Some("ada"));
    for op in [a, b, c] {
        assert!(matches!(s.outcome(op), Some(Outcome::Session(x)) if x.user == Some("ada")));
    }
    assert_eq!(s.take_events(), [(EventKind::SignedIn, Source::ThisTab)]);
    // A second restore reuses the session.
    let d = s.restore();
    assert!(s.session_token(d).is_some());
    assert_eq!(s.sent.iter().filter(|r| r.endpoint == Refresh).count(), 1);
}

#[test]
fn restore_waits_for_a_login_and_answers_with_its_session() {
    let mut s = Shell::new(opts());
    let login = s.login();
    let r = s.restore();
    s.grant(false);
    let t = s.ok(Login, ADA);
    assert_eq!(s.session_token(r), Some(t.clone()));
    assert_eq!(s.session_token(login), Some(t));
    assert!(!s.sent.iter().any(|r| r.endpoint == Refresh));
}

#[test]
fn restore_adopts_a_stored_token_and_never_deletes_another_tabs() {
    let mut s = Shell::new(opts());
    s.stored = Some(Snapshot {
        record: TokenRecord {
            value: Secret::new(jwt(1, 1, "stored")),
            expires_at: Some(s.now + 60_000),
            lifetime: Some(300_000),
        },
        user: None,
    });
    let op = s.restore();
    assert_eq!(s.m.state(), State::SignedIn, "adopted at once");
    assert!(s.pending(User));
    // Another tab refreshes meanwhile and shares its token.
    let newer = s.their_record("newer", 300_000);
    s.other_tab_shares(newer.clone(), Some("ada"), false);
    s.answer(User, 200, json(), Some("ada"));
    assert_eq!(s.current(), Some(newer.value.expose().to_string()));
    assert!(s.stored.is_some(), "the other tab's token stays stored");
    assert!(matches!(s.outcome(op), Some(Outcome::Session(_))));
    assert!(
        s.sent.iter().all(|r| r.endpoint == User),
        "no extra refresh"
    );
}

#[test]
fn another_tabs_refresh_with_the_same_expiry_is_adopted_an_older_one_is_not() {
    // Issued in the same second as ours: the same `exp`, so the same estimate. The tabs must
    // agree on one token (the one storage holds), so a tie is the other tab's.
    let mut s = Shell::new(opts());
    s.signed_in();
    let ours = s.m.snapshot().unwrap().record;
    let same = TokenRecord {
        value: Secret::new(jwt(s.now / 1000, 300, "same-second")),
        ..ours.clone()
    };
    s.other_tab_shares(same.clone(), None, false);
    assert_eq!(s.current(), Some(same.value.expose().to_string()));
    // The same second again, its estimate a few ms earlier: each tab's wall ↔ machine
    // conversions jitter by a millisecond or two, which must not break the tie.
    let jittered = TokenRecord {
        value: Secret::new(jwt(s.now / 1000, 300, "same-second, jittered")),
        expires_at: ours.expires_at.map(|e| e - 3),
        ..ours.clone()
    };
    s.other_tab_shares(jittered.clone(), None, false);
    assert_eq!(s.current(), Some(jittered.value.expose().to_string()));
    let older = TokenRecord {
        value: Secret::new(jwt(s.now / 1000 - 10, 300, "older")),
        expires_at: ours.expires_at.map(|e| e - 10_000),
        ..ours
    };
    s.other_tab_shares(older, None, false);
    assert_eq!(s.current(), Some(jittered.value.expose().to_string()));
}

#[test]
fn a_refresh_after_a_login_in_flight_takes_the_logins_token() {
    let mut s = Shell::new(opts());
    s.login();
    let op = s.refresh();
    s.grant(false);
    let t = s.ok(Login, ADA);
    assert_eq!(s.session_token(op), Some(t));
    assert!(!s.sent.iter().any(|r| r.endpoint == Refresh));
}

#[test]
fn logout_during_a_refresh_discards_it() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.take_events();
    let op = s.refresh();
    s.grant(false);
    s.logout();
    assert_eq!(s.code(op), Some("session_expired"));
    assert_eq!(s.take_events(), [(EventKind::SignedOut, Source::ThisTab)]);
    s.ok(Refresh, None);
    not_signed_in(&s);
    assert!(s.events.is_empty() && s.pending(Logout));
}

#[test]
fn another_tabs_sign_in_supersedes_a_logout_not_yet_sent() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let out = s.logout();
    assert!(
        s.lock_wanted(),
        "waiting for the other tab's login to let go of the lock"
    );
    let theirs = s.their_record("theirs", 300_000);
    s.other_tab_shares(theirs, Some("bob"), true);
    assert_eq!(s.m.user(), Some(&"bob"));
    assert!(matches!(s.outcome(out), Some(Outcome::LoggedOut(o)) if !o.server_confirmed));
    s.grant(true);
    assert!(
        s.sent.iter().all(|r| r.endpoint != Logout),
        "it would end their session"
    );
    assert!(!s.lock_held());
}
