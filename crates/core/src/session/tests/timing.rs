//! The token timing rules (`timing`): the expiry from all the evidence, whatever the clocks.

use crate::claims::Claims;
use crate::session::timing::*;
use crate::session::*;

/// Server time of the tests, seconds.
const S: u64 = 1_700_000_000;
const H: i64 = 3_600_000;

fn claims(iat: Option<u64>, exp: u64) -> Claims {
    Claims {
        exp: Some(exp),
        iat,
    }
}

/// Machine time when the server's clock reads `s` seconds, for a client `skew` ms ahead.
fn at(s: u64, skew: i64) -> Ms {
    (s as i64 * 1000 + skew) as Ms
}

#[test]
fn a_fresh_iat_gives_the_expiry_whatever_the_client_clock() {
    for skew in [-5 * H, -600_000, 0, 600_000, 5 * H] {
        let mut t = Timing::default();
        let r = at(S, skew) + 40; // 40 ms round trip
        let e = t.observe(&claims(Some(S), S + 300), None, true, r);
        let truth = at(S + 300, skew);
        let got = e.at.unwrap();
        assert!(
            got <= truth + 40 && got + 1000 >= truth,
            "{skew}: {got} vs {truth}"
        );
        assert_eq!(
            e.lifetime,
            Some(300_000),
            "a round trip cannot be seen in one token"
        );
    }
}

#[test]
fn a_stale_copied_iat_never_wins_after_a_login() {
    let mut t = Timing::default();
    t.observe(&claims(Some(S), S + 5), None, true, at(S, 0) + 30);
    // simplejwt 5.5.0: refreshed tokens carry the login's iat, an hour later.
    let r = at(S + 3600, 0) + 30;
    let e = t.observe(&claims(Some(S), S + 3605), None, false, r);
    let truth = at(S + 3605, 0);
    let got = e.at.unwrap();
    assert!(got <= truth + 30 && got + 1500 >= truth, "{got} vs {truth}");
    // Even with a client clock 10 minutes fast.
    let mut t = Timing::default();
    t.observe(&claims(Some(S), S + 300), None, true, at(S, 600_000));
    let e = t.observe(
        &claims(Some(S), S + 3900),
        None,
        false,
        at(S + 3600, 600_000),
    );
    assert!(e.at.unwrap() <= at(S + 3900, 600_000));
    assert!(e.at.unwrap() + 1500 >= at(S + 3900, 600_000));
}

#[test]
fn without_a_login_a_stale_iat_is_checked_against_a_plausible_client_clock() {
    // A page restored by a refresh: the first token has the login's iat of an hour ago.
    let mut t = Timing::default();
    let e = t.observe(&claims(Some(S - 3600), S + 300), None, false, at(S, 0));
    let truth = at(S + 300, 0);
    assert!(e.at.unwrap() <= truth && e.at.unwrap() + 1000 >= truth);
    // A clock an hour fast is implausible (the token would be expired): the bound is kept,
    // late but never withholding the token.
    let mut t = Timing::default();
    let e = t.observe(&claims(Some(S - 3600), S + 300), None, false, at(S, H));
    assert!(e.at.unwrap() > at(S, H));
}

#[test]
fn no_iat_uses_a_plausible_client_clock_else_nothing() {
    let mut t = Timing::default();
    let e = t.observe(&claims(None, S + 300), None, true, at(S, 0));
    assert!(e.at.unwrap() <= at(S + 300, 0));
    assert_eq!(t.offset(), None);
    // Ten minutes fast: by the client clock the token arrived expired. Unknown, not expired.
    let e = t.observe(&claims(None, S + 300), None, true, at(S, 600_000));
    assert_eq!(e, Expiry::default());
    let e = t.observe(&Claims::default(), None, true, at(S, 0));
    assert_eq!(e, Expiry::default());
}

#[test]
fn a_token_the_estimate_calls_expired_on_arrival_resets_it() {
    let mut t = Timing::default();
    t.observe(&claims(Some(S), S + 300), None, true, at(S, 0));
    // The device's clock was set an hour forward; the server's did not move. A refreshed
    // token (stale iat) arrives: by the old offset it expired long ago.
    let r = at(S + 60, H);
    let e = t.observe(&claims(Some(S), S + 360), None, false, r);
    assert!(t.offset().unwrap() < -H + 120_000, "rebuilt");
    // The login's lifetime still bounds what is left: exactly the truth.
    let truth = at(S + 360, H);
    let got = e.at.unwrap();
    assert!(
        got > r && got <= truth && got + 1000 >= truth,
        "{got} vs {truth}"
    );
}

#[test]
fn the_tightest_bound_wins_over_a_slower_replys() {
    // Restored by refreshes (no login seen), a client clock 10 minutes fast (so it is no
    // help): the first reply took 40 ms, the second 3 s.
    let fast = 600_000;
    let mut t = Timing::default();
    t.observe(&claims(Some(S), S + 300), None, false, at(S, fast) + 40);
    let r = at(S + 100, fast) + 3000;
    let e = t.observe(&claims(Some(S + 100), S + 400), None, false, r);
    let truth = at(S + 400, fast);
    let got = e.at.unwrap();
    assert!(got <= truth + 40 && got + 1000 >= truth, "{got} vs {truth}");
}

#[test]
fn the_shortest_login_lifetime_bounds_every_token() {
    let mut t = Timing::default();
    t.observe(&claims(Some(S), S + 300), None, true, at(S, 0));
    // A token whose own claims (and the offset) would give an hour: a login said 5 min
    // (and up to a second, for the truncation of its claims).
    let e = t.observe(&claims(Some(S + 10), S + 3610), None, false, at(S + 10, 0));
    assert_eq!(e.lifetime, Some(301_000));
    // A login whose exp and iat straddle a second boundary (exp − iat one short): the
    // bound still holds for a token made in the middle of a second.
    let mut t = Timing::default();
    t.observe(&claims(Some(S + 1), S + 300), None, true, at(S + 1, 0));
    let r = at(S + 100, 0) + 999;
    let e = t.observe(&claims(Some(S + 50), S + 400), None, false, r);
    assert!(
        e.at.unwrap() + 1000 >= at(S + 400, 0),
        "at most a second early"
    );
}

#[test]
fn exp_wins_over_access_expiration() {
    // dj-rest-auth's refresh reply: access_expiration = when it answered + the lifetime.
    let mut t = Timing::default();
    let late = Some(at(S + 300, 0) + 900);
    let e = t.observe(&claims(Some(S), S + 300), late, true, at(S, 0));
    assert!(e.at.unwrap() <= at(S + 300, 0));
    // Without exp, it is all there is.
    let e = t.observe(
        &Claims {
            exp: None,
            iat: Some(S),
        },
        late,
        true,
        at(S, 0),
    );
    assert!(e.at.unwrap() <= at(S + 300, 0) + 900);
}

#[test]
fn the_leeway_is_at_most_half_the_lifetime() {
    assert_eq!(refresh_at(300_000, Some(300_000), 30_000), Some(270_000));
    assert_eq!(refresh_at(4_000, Some(4_000), 3_600_000), Some(2_000));
    assert_eq!(refresh_at(4_000, None, 3_600_000), Some(0));
}
