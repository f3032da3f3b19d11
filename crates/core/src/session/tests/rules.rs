//! Unit tests of the session machine, through the fake shell of `harness`: one test per rule,
//! and the orderings that went wrong when the flows lived outside the machine.
use super::*;
use crate::outcome::BodyFacts;
use crate::outcome::Endpoint::{Login, Refresh, User};
use alloc::string::ToString;
use alloc::vec;

#[test]
fn login_persists_broadcasts_emits_and_settles() {
    let mut s = Shell::new(opts());
    let op = s.login();
    assert!(
        s.lock_wanted() && s.wire.is_empty(),
        "the login waits for the lock"
    );
    s.grant(false);
    assert!(s.pending(Login));
    let t = s.ok(Login, ADA);
    assert_eq!(s.session_token(op), Some(t.clone()));
    assert_eq!(s.current(), Some(t.clone()));
    assert_eq!(s.m.user(), Some(&"ada"));
    assert_eq!(s.take_events(), [(EventKind::SignedIn, Source::ThisTab)]);
    assert_eq!(s.stored.as_ref().unwrap().record.value.expose(), t);
    assert!(matches!(
        s.broadcasts[..],
        [Broadcast::Token {
            signed_in: true,
            ..
        }]
    ));
    assert!(!s.lock_held(), "the lock is let go when the queue is empty");
}

#[test]
fn a_login_reply_without_a_user_is_completed_by_a_look_up_first() {
    let mut s = Shell::new(opts());
    let op = s.login();
    s.grant(false);
    s.ok(Login, None);
    assert!(s.pending(User) && s.outcome(op).is_none());
    assert!(s.events.is_empty(), "signedIn waits for the user");
    s.answer(User, 200, json(), Some("ada"));
    assert_eq!(s.m.user(), Some(&"ada"));
    assert!(matches!(s.outcome(op), Some(Outcome::Session(x)) if x.user == Some("ada")));
}

#[test]
fn an_anonymous_restore_sends_one_refresh() {
    let mut s = Shell::new(opts());
    let op = s.restore();
    s.grant(false);
    s.refuse_refresh("No valid refresh token found.");
    assert_eq!(s.outcome(op), Some(&Outcome::NoSession));
    assert_eq!(s.sent.len(), 1, "no retry without evidence of another tab");
    assert!(s.events.is_empty(), "no session is not an expiry");
    assert_eq!(s.m.state(), State::SignedOut);
    // And a refresh() then is refused without a request.
    let r = s.refresh();
    assert_eq!(s.code(r), Some("session_expired"));
    assert_eq!(s.sent.len(), 1);
}

#[test]
fn a_refusal_after_another_tab_was_heard_from_is_retried_once() {
    let mut s = Shell::new(opts());
    s.signed_in();
    // Another tab refreshed (its token is older than ours, so not adopted): a peer exists.
    let older = s.their_record("x", 1000);
    s.other_tab_shares(older, None, false);
    let op = s.refresh();
    s.grant(false);
    s.refuse_refresh("Token is blacklisted");
    assert!(
        s.outcome(op).is_none() && s.wire.is_empty(),
        "a grace period first"
    );
    s.advance(ADOPT_GRACE_MS);
    assert!(
        s.pending(Refresh),
        "retried with the cookie the browser now holds"
    );
    let t = s.ok(Refresh, None);
    assert_eq!(s.session_token(op), Some(t));
    // A second refusal in a row is final.
    let op = s.refresh();
    s.grant(false);
    s.refuse_refresh("Token is blacklisted");
    s.advance(ADOPT_GRACE_MS);
    s.refuse_refresh("Token is blacklisted");
    assert_eq!(s.code(op), Some("session_expired"));
}

#[test]
fn a_refused_refresh_ends_the_session_with_one_expired_event() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.take_events();
    let (a, b) = (s.refresh(), s.refresh());
    s.grant(false);
    assert_eq!(s.wire.len(), 1, "concurrent callers share one request");
    s.refuse_refresh("Token is expired");
    for op in [a, b] {
        assert_eq!(s.code(op), Some("session_expired"));
    }
    assert_eq!(s.take_events(), [(EventKind::Expired, Source::ThisTab)]);
    assert!(s.broadcasts.contains(&Broadcast::Expired));
    not_signed_in(&s);
    assert!(s.stored.is_none());
    assert_eq!(
        s.m.answered(401, None, &mut Attempt::default(), s.now),
        Retry::No
    );
}

#[test]
fn transient_failures_keep_the_session_and_back_off() {
    let mut s = Shell::new(opts());
    let t = s.signed_in();
    let op = s.refresh();
    s.grant(false);
    s.answer(Refresh, 503, BodyFacts::default(), None);
    assert_eq!(s.code(op), Some("server"));
    assert_eq!(s.current(), Some(t.clone()));
    let retry = s.m.poll_timeout().unwrap() - s.now;
    assert!(
        (RETRY_MIN_MS / 2..=RETRY_MIN_MS).contains(&retry),
        "{retry}"
    );
    let op = s.refresh();
    s.grant(false);
    s.fail(Refresh, AuthError::new(ErrorCode::Network, "down"));
    assert_eq!(s.code(op), Some("network"));
    let retry = s.m.poll_timeout().unwrap() - s.now;
    assert!(
        (RETRY_MIN_MS..=2 * RETRY_MIN_MS).contains(&retry),
        "doubled: {retry}"
    );
    // A 200 without a usable token is transient too.
    let op = s.refresh();
    s.grant(false);
    s.answer(Refresh, 200, detail("ok", None), None);
    assert_eq!(s.code(op), Some("bad_response"));
    assert_eq!(s.current(), Some(t));
}

#[test]
fn a_waiter_gives_up_at_timeout_ms_while_the_refresh_runs_on() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let op = s.refresh();
    s.grant(false);
    let (_, r) = s.wire[0].clone();
    assert_eq!(
        r.timeout,
        Delay::ms(4 * 15_000),
        "a refresh runs up to 4 × timeoutMs"
    );
    s.advance(15_000);
    assert_eq!(s.code(op), Some("timeout"));
    assert!(s.pending(Refresh), "the request itself is not cut short");
    let t = s.ok(Refresh, None);
    assert_eq!(s.current(), Some(t), "its late answer is still applied");
}

#[test]
fn every_timer_is_clamped_to_what_set_timeout_honours() {
    let mut s = Shell::new(Options {
        timeout: 2_147_483_647,
        ..opts()
    });
    let op = s.login();
    assert!(s.lock_wanted());
    s.grant(false);
    s.ok(Login, ADA);
    s.refresh();
    s.grant(false);
    for r in &s.sent {
        assert!(r.timeout <= Delay::MAX);
    }
    assert_eq!(s.sent.last().unwrap().timeout, Delay::MAX);
    assert!(s.session_token(op).is_some());
    let lock_waits: Vec<Delay> = {
        let mut m: M = Machine::new(
            Options {
                timeout: u64::MAX / 2,
                ..opts()
            },
            false,
            Reading::default(),
        );
        m.handle(Input::Call(OpId(1), Call::Refresh), Reading::default());
        core::iter::from_fn(|| m.poll_action())
            .filter_map(|a| match a {
                Action::AcquireLock(d) => Some(d),
                _ => None,
            })
            .collect()
    };
    assert_eq!(lock_waits, vec![Delay::MAX]);
}

#[test]
fn a_stored_token_that_is_not_a_header_value_is_cleared_and_the_cookie_asked() {
    let mut s = Shell::new(opts());
    let mut record = s.their_record("stored", 300_000);
    record.value = Secret::new("eyJ.e30.s\r\nX-Injected: 1".to_string());
    s.stored = Some(Snapshot { record, user: ADA });
    s.restore();
    assert_ne!(s.m.state(), State::SignedIn);
    assert!(s.stored.is_none());
    s.grant(false);
    assert!(s.pending(Refresh));
}

#[test]
fn restore_after_the_token_expired_in_this_page_refreshes_it() {
    let mut s = Shell::new(opts());
    let old = s.signed_in();
    s.now += 400_000; // asleep past the expiry; no timer fired
    let op = s.restore();
    s.grant(false);
    let t = s.ok(Refresh, None);
    assert_ne!(t, old);
    assert_eq!(s.session_token(op), Some(t));
    assert_eq!(s.m.user(), Some(&"ada"), "the user is kept");
}

#[test]
fn an_expired_stored_token_is_cleared_and_the_cookie_asked() {
    let mut s = Shell::new(opts());
    s.stored = Some(Snapshot {
        record: TokenRecord {
            value: Secret::new(jwt(1, 1, "old")),
            expires_at: Some(s.now - 1),
            lifetime: Some(300_000),
        },
        user: Some("ada"),
    });
    s.restore();
    assert!(s.stored.is_none());
    s.grant(false);
    assert!(s.pending(Refresh));
}

#[test]
fn proactive_refresh_is_due_leeway_before_expiry_and_never_loops() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let at = s.m.poll_timeout().unwrap();
    assert_eq!(at, s.now + 300_000 - 1000 - 30_000);
    s.advance(at - s.now);
    s.grant(false);
    assert!(s.pending(Refresh));
    assert_eq!(s.m.poll_timeout(), None, "no timer while a refresh is out");
    s.ok(Refresh, None);
    assert!(s.m.poll_timeout().unwrap() > s.now);
    // A leeway longer than the lifetime: half the lifetime.
    let mut s = Shell::new(Options {
        leeway: 3_600_000,
        ..opts()
    });
    let op = s.login();
    s.grant(false);
    let t = s.token(4);
    s.answer(Login, 200, token_facts(&t), ADA);
    assert!(s.session_token(op).is_some());
    assert_eq!(s.m.poll_timeout(), Some(s.now + 1000));
}

#[test]
fn a_refresh_that_waited_for_the_lock_adopts_the_token_another_tab_sent() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let op = s.refresh();
    s.grant(true);
    assert!(s.wire.is_empty(), "a grace period for the broadcast");
    let theirs = s.their_record("theirs", 300_000);
    s.other_tab_shares(theirs.clone(), None, false);
    s.advance(ADOPT_GRACE_MS);
    assert!(s.sent.iter().all(|r| r.endpoint != Refresh), "no request");
    assert_eq!(s.session_token(op), Some(theirs.value.expose().to_string()));
    assert!(!s.lock_held());
}

#[test]
fn sign_out_and_expiry_in_another_tab_are_followed_once() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.take_events();
    let op = s.refresh();
    s.input(Input::RemoteSignedOut);
    s.drain();
    assert_eq!(s.code(op), Some("session_expired"));
    assert_eq!(s.take_events(), [(EventKind::SignedOut, Source::OtherTab)]);
    s.input(Input::RemoteSignedOut);
    s.input(Input::RemoteExpired);
    s.drain();
    assert!(s.events.is_empty());
    not_signed_in(&s);
    assert!(!s.logout_flag, "the other tab talks to the server");
}

#[test]
fn a_signed_out_tab_follows_a_login_but_not_a_refresh() {
    let mut s = Shell::new(opts());
    s.signed_in();
    s.logout();
    s.take_events();
    let r = s.their_record("r", 300_000);
    s.other_tab_shares(r, None, false);
    not_signed_in(&s);
    let r = s.their_record("l", 300_000);
    s.other_tab_shares(r, Some("bob"), true);
    assert_eq!(s.take_events(), [(EventKind::SignedIn, Source::OtherTab)]);
    // An expired or malformed token from another tab is ignored.
    let mut bad = s.their_record("x", 300_000);
    bad.value = Secret::new("a\nb".to_string());
    s.other_tab_shares(bad, None, true);
    assert!(s.events.is_empty());
}

#[test]
fn without_cross_tab_no_lock_is_asked() {
    let mut s = Shell::new(Options {
        cross_tab: false,
        ..opts()
    });
    s.login();
    assert!(!s.lock_wanted() && s.pending(Login));
    s.ok(Login, ADA);
    s.refresh();
    assert!(s.pending(Refresh));
}

/// The page as the shell reports it.
fn page(visible: bool, online: bool) -> Input<&'static str> {
    Input::Wake(PageState { visible, online })
}

#[test]
fn a_restore_the_server_could_not_answer_is_retried_until_an_answer_decides_it() {
    let mut s = Shell::new(opts());
    let op = s.restore();
    s.grant(false);
    s.fail(Refresh, AuthError::new(ErrorCode::Network, "down"));
    assert_eq!(s.code(op), Some("network"), "restore() says why");
    assert_eq!(s.m.state(), State::Unknown, "unknown, not signed out");
    assert_eq!(s.m.unreachable().map(|e| e.code()), Some("network"));
    let wait = s.m.poll_timeout().unwrap() - s.now;
    assert!((RETRY_MIN_MS / 2..=RETRY_MIN_MS).contains(&wait), "{wait}");
    // It tries on its own: a 503, then a longer wait.
    s.advance(wait);
    s.grant(false);
    s.answer(Refresh, 503, BodyFacts::default(), None);
    assert_eq!(s.m.unreachable().map(|e| e.code()), Some("server"));
    let wait = s.m.poll_timeout().unwrap() - s.now;
    assert!((RETRY_MIN_MS..=2 * RETRY_MIN_MS).contains(&wait), "{wait}");
    // Hidden: no timed retry at all.
    s.input(page(false, true));
    assert_eq!(s.m.poll_timeout(), None);
    s.advance(600_000);
    assert!(s.wire.is_empty() && !s.lock_wanted());
    // Visible again: at once.
    s.input(page(true, true));
    s.grant(false);
    assert!(s.pending(Refresh));
    s.ok(Refresh, None);
    s.answer(User, 200, json(), ADA);
    assert_eq!(s.m.state(), State::SignedIn);
    assert_eq!(s.take_events(), [(EventKind::SignedIn, Source::ThisTab)]);
    assert!(s.m.unreachable().is_none() && s.m.poll_timeout() > Some(s.now + 60_000));
}

#[test]
fn offline_no_retry_online_one_at_once_and_a_burst_of_events_is_one_request() {
    let mut s = Shell::new(opts());
    s.restore();
    s.grant(false);
    s.fail(Refresh, AuthError::new(ErrorCode::Timeout, "slow"));
    s.input(page(true, false));
    s.advance(600_000);
    assert!(s.wire.is_empty() && !s.lock_wanted(), "never while offline");
    for _ in 0..5 {
        s.input(page(true, true));
        s.input(page(true, false));
    }
    s.input(page(true, true));
    s.grant(false);
    assert_eq!(s.sent.iter().filter(|r| r.endpoint == Refresh).count(), 2);
    // The server says there is no session: signed out, and the app hears it (no restore()
    // call is waiting any more).
    s.refuse_refresh("No valid refresh token found.");
    assert_eq!(s.m.state(), State::SignedOut);
    assert_eq!(s.take_events(), [(EventKind::SignedOut, Source::ThisTab)]);
    assert_eq!(s.m.poll_timeout(), None, "nothing more to try");
}

#[test]
fn an_anonymous_visitors_restore_emits_nothing_and_plans_nothing() {
    let mut s = Shell::new(opts());
    let op = s.restore();
    s.grant(false);
    s.refuse_refresh("No valid refresh token found.");
    assert_eq!(s.outcome(op), Some(&Outcome::NoSession));
    assert!(s.events.is_empty(), "restore() said it");
    assert_eq!(s.m.poll_timeout(), None);
}

#[test]
fn a_login_gives_up_at_twice_timeout_ms_and_a_late_success_still_signs_in() {
    let mut s = Shell::new(opts());
    let op = s.login();
    assert!(s.lock_wanted(), "another tab holds the lock");
    s.advance(30_000);
    assert_eq!(s.code(op), Some("timeout"));
    assert_eq!(
        s.m.fetch_gate(s.now),
        Gate::Send,
        "nothing decides any more"
    );
    s.grant(true);
    s.ok(Login, ADA);
    assert_eq!(s.m.state(), State::SignedIn);
    assert_eq!(s.take_events(), [(EventKind::SignedIn, Source::ThisTab)]);
    // A restore that finishes a pending logout gives up at timeoutMs.
    let mut s = Shell::with(Machine::new(opts(), true, Reading::default()));
    let op = s.restore();
    s.advance(15_000);
    assert_eq!(s.code(op), Some("timeout"));
    assert!(s.m.logout_pending());
}
