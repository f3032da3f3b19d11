//! Unit tests of the session machine, with a fake clock.
use super::*;
use alloc::string::ToString;
use alloc::vec::Vec;

const LIFE: Ms = 300_000;

fn grant(iat: u64, life_s: u64) -> Grant {
    Grant {
        token: Secret::new("t".to_string()),
        claims: Claims {
            exp: Some(iat + life_s),
            iat: Some(iat),
        },
        expiration_ms: None,
    }
}

fn sent(gen: Option<u64>) -> Attempt {
    let mut a = Attempt::default();
    a.sending(gen);
    a
}

fn drain(m: &mut Machine<&'static str>) -> Vec<Action<&'static str>> {
    core::iter::from_fn(|| m.poll_action()).collect()
}

fn kinds(actions: &[Action<&'static str>]) -> Vec<EventKind> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Emit(e) => Some(e.kind),
            _ => None,
        })
        .collect()
}

fn signed_in(now: Ms) -> Machine<&'static str> {
    let mut m = Machine::new(30_000);
    m.login_succeeded(&grant(1_700_000_000, 300), Some("ada"), now);
    drain(&mut m);
    m
}

#[test]
fn login_persists_and_emits_signed_in() {
    let mut m = Machine::new(30_000);
    m.login_succeeded(&grant(1_700_000_000, 300), Some("ada"), 1000);
    let a = drain(&mut m);
    assert_eq!(a[0], Action::Persist);
    assert_eq!(
        a[1],
        Action::Broadcast(Broadcast::Token { signed_in: true })
    );
    assert_eq!(
        a[2],
        Action::Emit(Event {
            kind: EventKind::SignedIn,
            user: Some("ada"),
            source: Source::ThisTab,
            reason: None
        })
    );
    assert_eq!(m.phase(), Phase::Authenticated);
    assert_eq!(m.token().unwrap().gen, 1);
}

#[test]
fn expiry_counts_lifetime_from_receipt_whatever_the_client_clock() {
    // Client clock 5 hours behind the server: exp is "in the future" by 5 h + 5 min, but
    // the token lives 5 minutes from receipt.
    let now = 1_700_000_000_000 - 5 * 3600 * 1000;
    let (exp, life) = expiry(&grant(1_700_000_000, 300).claims, None, now);
    assert_eq!(life, Some(LIFE));
    assert_eq!(exp, Some(now + LIFE - TRUNCATION_MARGIN_MS));
    // Client clock 5 hours ahead: exp is "in the past", the token is still fresh.
    let now = 1_700_000_000_000 + 5 * 3600 * 1000;
    let (exp, _) = expiry(&grant(1_700_000_000, 300).claims, None, now);
    assert!(exp.unwrap() > now);
}

#[test]
fn expiry_uses_access_expiration_when_sent() {
    let c = Claims {
        exp: Some(1_700_000_300),
        iat: Some(1_700_000_000),
    };
    let (_, life) = expiry(&c, Some(1_700_000_060_000), 5);
    assert_eq!(life, Some(60_000));
    // No iat: the client clock is all there is.
    let c = Claims {
        exp: Some(1_700_000_300),
        iat: None,
    };
    assert_eq!(
        expiry(&c, None, 1_700_000_000_000),
        (Some(1_700_000_300_000), Some(300_000))
    );
    assert_eq!(expiry(&Claims::default(), None, 5), (None, None));
}

#[test]
fn proactive_refresh_is_due_leeway_before_expiry() {
    let m = signed_in(0);
    let expires = LIFE - TRUNCATION_MARGIN_MS;
    assert_eq!(m.poll_timeout(), Some(expires - 30_000));
}

#[test]
fn leeway_longer_than_lifetime_cannot_loop() {
    let mut m: Machine<&str> = Machine::new(3_600_000);
    m.login_succeeded(&grant(1_700_000_000, 4), None, 0);
    drain(&mut m);
    // 4 s token, 1 h leeway: refresh at half the lifetime, not "immediately".
    let at = m.poll_timeout().unwrap();
    assert_eq!(at, 3000 - 2000);
    m.handle_timeout(at);
    let Some(Action::StartRefresh(id)) = m.poll_action() else {
        panic!("refresh due")
    };
    m.refresh_succeeded(id, &grant(1_700_000_001, 4), None, at);
    drain(&mut m);
    // The next one is again half a lifetime later, not now.
    assert_eq!(m.poll_timeout(), Some(at + 1000));
}

#[test]
fn concurrent_callers_share_one_flight() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    for _ in 0..20 {
        assert_eq!(m.begin_refresh(), Ticket::Join(id));
    }
    assert_eq!(m.poll_timeout(), None, "no timer while a flight is out");
    assert_eq!(
        m.refresh_succeeded(id, &grant(1_700_000_100, 300), None, 10),
        Applied::Yes
    );
    assert_eq!(kinds(&drain(&mut m)), [EventKind::Refreshed]);
    assert_eq!(m.token().unwrap().gen, 2);
    assert!(matches!(m.begin_refresh(), Ticket::Start(FlightId(2))));
}

#[test]
fn rejection_ends_the_session_once_and_blocks_refresh() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.refresh_failed(id, Failure::Rejected, 5);
    let a = drain(&mut m);
    assert_eq!(kinds(&a), [EventKind::Expired]);
    assert!(a.contains(&Action::ClearStorage));
    assert_eq!(m.phase(), Phase::SignedOut);
    assert!(m.token().is_none() && m.user().is_none());
    assert_eq!(m.begin_refresh(), Ticket::Refused);
    assert_eq!(m.unauthorized(&mut sent(Some(1))), Retry::No);
    // A late duplicate report changes nothing.
    assert_eq!(m.refresh_failed(id, Failure::Rejected, 6), Applied::Stale);
    assert!(drain(&mut m).is_empty());
}

#[test]
fn no_session_on_a_fresh_page_is_not_an_expiry() {
    let mut m: Machine<&str> = Machine::new(30_000);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.refresh_failed(id, Failure::Rejected, 5);
    assert_eq!(kinds(&drain(&mut m)), []);
    assert_eq!(m.phase(), Phase::SignedOut);
}

#[test]
fn transient_failure_keeps_the_session_and_backs_off() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.refresh_failed(id, Failure::Transient, 100);
    assert!(kinds(&drain(&mut m)).is_empty());
    assert_eq!(m.phase(), Phase::Authenticated);
    assert!(m.token().is_some());
    assert_eq!(m.poll_timeout(), Some(100 + RETRY_MIN_MS));
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.refresh_failed(id, Failure::Transient, 2000);
    assert_eq!(m.poll_timeout(), Some(2000 + 2 * RETRY_MIN_MS));
    for _ in 0..40 {
        let Ticket::Start(id) = m.begin_refresh() else {
            panic!()
        };
        m.refresh_failed(id, Failure::Transient, 2000);
    }
    assert_eq!(m.poll_timeout(), Some(2000 + RETRY_MAX_MS));
}

#[test]
fn logout_during_refresh_discards_the_result() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    let bearer = m.logout(10);
    assert!(bearer.is_some());
    let a = drain(&mut m);
    assert_eq!(kinds(&a), [EventKind::SignedOut]);
    assert!(a.contains(&Action::RememberLogout));
    assert!(
        a.contains(&Action::CancelRefresh(id)),
        "its answer would set cookies again"
    );
    assert_eq!(
        m.refresh_succeeded(id, &grant(1_700_000_100, 300), None, 20),
        Applied::Stale
    );
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.phase(), Phase::SignedOut);
    assert!(m.token().is_none());
}

#[test]
fn logout_never_offers_an_expired_bearer() {
    let mut m = signed_in(0);
    assert!(m.logout(LIFE).is_none());
    let mut m = signed_in(0);
    assert!(m
        .logout(LIFE - TRUNCATION_MARGIN_MS - LOGOUT_BEARER_MARGIN_MS)
        .is_none());
    let mut m = signed_in(0);
    assert!(m.logout(1000).is_some());
}

#[test]
fn login_supersedes_a_refresh_in_flight() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.login_succeeded(&grant(1_700_000_050, 300), Some("bob"), 5);
    assert_eq!(
        m.refresh_succeeded(id, &grant(1_700_000_040, 300), None, 6),
        Applied::Stale
    );
    assert_eq!(m.user(), Some(&"bob"));
}

#[test]
fn unauthorized_with_an_older_token_retries_with_the_current_one() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.refresh_succeeded(id, &grant(1_700_000_100, 300), None, 5);
    assert_eq!(m.unauthorized(&mut sent(Some(1))), Retry::WithCurrent);
    assert_eq!(m.unauthorized(&mut sent(Some(2))), Retry::AfterRefresh);
    assert_eq!(m.unauthorized(&mut sent(None)), Retry::WithCurrent);
    let fresh: Machine<&str> = Machine::new(0);
    assert_eq!(fresh.unauthorized(&mut sent(None)), Retry::AfterRefresh);
}

#[test]
fn a_request_is_retried_at_most_once() {
    let m = signed_in(0);
    let mut a = sent(Some(1));
    assert_eq!(m.unauthorized(&mut a), Retry::AfterRefresh);
    a.sending(Some(2));
    assert_eq!(m.unauthorized(&mut a), Retry::No);
    assert!(a.retried());
}

#[test]
fn restore_adopts_only_unexpired_records() {
    let rec = TokenRecord {
        value: Secret::new("t".to_string()),
        expires_at: Some(1000),
        lifetime: Some(LIFE),
    };
    let mut m: Machine<&str> = Machine::new(0);
    assert!(!m.restore_record(rec.clone(), None, 1000));
    assert_eq!(m.phase(), Phase::Unknown);
    assert!(m.restore_record(rec, Some("ada"), 999));
    assert_eq!(m.user(), Some(&"ada"));
    let a = drain(&mut m);
    assert_eq!(kinds(&a), [EventKind::SignedIn]);
}

#[test]
fn expired_token_wants_a_refresh_before_send() {
    let m = signed_in(0);
    assert!(!m.wants_refresh_before_send(1000));
    assert!(m.wants_refresh_before_send(LIFE));
    let fresh: Machine<&str> = Machine::new(0);
    assert!(!fresh.wants_refresh_before_send(0));
}

#[test]
fn logout_is_durable_until_the_server_confirms() {
    let mut m = signed_in(0);
    m.logout(10);
    drain(&mut m);
    assert!(m.logout_pending());
    m.server_logout_done();
    assert_eq!(drain(&mut m), [Action::ForgetLogout]);
    assert!(!m.logout_pending());
    m.server_logout_done();
    assert!(drain(&mut m).is_empty(), "forgotten once");
}

#[test]
fn a_pending_logout_found_at_start_up_blocks_restore_until_login() {
    let mut m: Machine<&str> = Machine::new(0);
    m.logout_pending_found();
    assert_eq!(m.phase(), Phase::SignedOut);
    assert_eq!(m.begin_refresh(), Ticket::Refused);
    m.login_succeeded(&grant(1_700_000_000, 300), None, 0);
    let a = drain(&mut m);
    assert_eq!(a[0], Action::ForgetLogout);
    assert!(!m.logout_pending());
    assert_eq!(m.phase(), Phase::Authenticated);
}

fn record(value: &str, expires_at: Ms) -> TokenRecord {
    TokenRecord {
        value: Secret::new(value.to_string()),
        expires_at: Some(expires_at),
        lifetime: Some(LIFE),
    }
}

fn events(actions: &[Action<&'static str>]) -> Vec<(EventKind, Source)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Emit(e) => Some((e.kind, e.source)),
            _ => None,
        })
        .collect()
}

#[test]
fn local_changes_are_broadcast() {
    let mut m: Machine<&str> = Machine::new(0);
    m.login_succeeded(&grant(1_700_000_000, 300), None, 0);
    assert!(drain(&mut m).contains(&Action::Broadcast(Broadcast::Token { signed_in: true })));
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.refresh_succeeded(id, &grant(1_700_000_010, 300), None, 10);
    assert!(drain(&mut m).contains(&Action::Broadcast(Broadcast::Token { signed_in: false })));
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.refresh_failed(id, Failure::Rejected, 20);
    assert!(drain(&mut m).contains(&Action::Broadcast(Broadcast::Expired)));
    m.login_succeeded(&grant(1_700_000_030, 300), None, 30);
    drain(&mut m);
    m.logout(40);
    assert!(drain(&mut m).contains(&Action::Broadcast(Broadcast::SignedOut)));
}

#[test]
fn a_newer_token_from_another_tab_is_adopted_an_older_one_ignored() {
    let mut m = signed_in(0);
    let ours = m.token().unwrap().expires_at.unwrap();
    m.remote_token(record("older", ours - 1), None, false, 10);
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.token().unwrap().value.expose(), "t");
    m.remote_token(record("newer", ours + 5000), Some("ada"), false, 10);
    let a = drain(&mut m);
    assert_eq!(events(&a), [(EventKind::Refreshed, Source::OtherTab)]);
    assert!(
        !a.iter().any(|x| matches!(x, Action::Broadcast(_))),
        "no echo"
    );
    assert_eq!(m.token().unwrap().value.expose(), "newer");
    assert_eq!(m.token().unwrap().gen, 2);
    // An expired one is ignored.
    m.remote_token(record("stale", 5), None, false, 10);
    assert_eq!(m.token().unwrap().value.expose(), "newer");
}

#[test]
fn a_fresh_tab_is_signed_in_by_another_tabs_token() {
    let mut m: Machine<&str> = Machine::new(0);
    m.remote_token(record("x", 100_000), Some("ada"), false, 10);
    assert_eq!(
        events(&drain(&mut m)),
        [(EventKind::SignedIn, Source::OtherTab)]
    );
    assert_eq!(m.phase(), Phase::Authenticated);
}

#[test]
fn a_signed_out_tab_follows_a_login_but_not_a_refresh() {
    let mut m = signed_in(0);
    m.logout(10);
    drain(&mut m);
    m.remote_token(record("refreshed", 100_000), None, false, 20);
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.phase(), Phase::SignedOut);
    m.remote_token(record("login", 100_000), Some("bob"), true, 20);
    assert_eq!(
        events(&drain(&mut m)),
        [(EventKind::SignedIn, Source::OtherTab)]
    );
    assert_eq!(m.user(), Some(&"bob"));
    assert!(!m.logout_pending());
}

#[test]
fn sign_out_and_expiry_propagate_once_and_cancel_the_flight() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    m.remote_signed_out();
    let a = drain(&mut m);
    assert_eq!(events(&a), [(EventKind::SignedOut, Source::OtherTab)]);
    assert!(a.contains(&Action::CancelRefresh(id)));
    assert!(
        !a.contains(&Action::RememberLogout),
        "the other tab talks to the server"
    );
    m.remote_signed_out();
    m.remote_expired();
    assert!(drain(&mut m).is_empty());
    let mut m = signed_in(0);
    m.remote_expired();
    assert_eq!(
        events(&drain(&mut m)),
        [(EventKind::Expired, Source::OtherTab)]
    );
    assert_eq!(m.begin_refresh(), Ticket::Refused);
}

#[test]
fn a_flight_that_gets_the_lock_after_another_tab_refreshed_adopts_its_token() {
    let mut m = signed_in(0);
    let Ticket::Start(id) = m.begin_refresh() else {
        panic!()
    };
    // Nothing new yet: the request is needed.
    assert!(!m.adopt_in_flight(id, 10));
    assert_eq!(m.flight(), Some(id));
    let ours = m.token().unwrap().expires_at.unwrap();
    m.remote_token(record("theirs", ours + LIFE), None, false, 10);
    drain(&mut m);
    assert!(m.adopt_in_flight(id, 10));
    assert_eq!(m.flight(), None);
    assert_eq!(m.token().unwrap().value.expose(), "theirs");
    // A stale flight adopts nothing.
    assert!(!m.adopt_in_flight(id, 10));
}
