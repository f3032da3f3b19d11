//! Unit tests of `auth.fetch`'s rules (`fetch`): the wait for the session being decided, a
//! refused token (401, or a 403 that says `token_not_valid`) retried once with the current
//! token or after a refresh, and no second refresh for a token a refresh just brought.

use super::*;
use crate::outcome::Endpoint::{Login, Refresh, User};

#[test]
fn a_401_is_retried_once_with_the_current_token_or_after_a_refresh() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let mut a = Attempt::default();
    a.sending(Some(0));
    assert_eq!(
        s.m.answered(200, None, &mut a, s.now),
        Retry::No,
        "only a 401 is retried"
    );
    assert_eq!(
        s.m.answered(401, None, &mut a, s.now),
        Retry::WithCurrent,
        "sent with an older token"
    );
    assert_eq!(
        s.m.answered(401, None, &mut a, s.now),
        Retry::No,
        "retried once at most"
    );
    let mut b = Attempt::default();
    b.sending(s.m.token().map(|t| t.gen));
    assert_eq!(s.m.answered(401, None, &mut b, s.now), Retry::AfterRefresh);
    assert!(b.retried());
    assert_ne!(s.m.fetch_gate(s.now), Gate::RefreshFirst);
    assert_eq!(s.m.fetch_gate(s.now + 300_000), Gate::RefreshFirst);
}

#[test]
fn an_attempt_kept_by_the_shell_between_steps_is_judged_as_the_one_the_machine_updated() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let gen = s.m.token().map(|t| t.gen);
    // The shell keeps only what it sent with and whether this answer is to the resend.
    let mut first = Attempt::resumed(gen, false);
    let mut kept = Attempt::default();
    kept.sending(gen);
    assert_eq!(first, kept);
    assert_eq!(
        s.m.answered(401, None, &mut first, s.now),
        Retry::AfterRefresh
    );
    assert_eq!(
        first,
        Attempt::resumed(gen, true),
        "the machine marked the retry"
    );
    // The answer to the resend is the caller's, whatever it is.
    let mut resent = Attempt::resumed(gen, true);
    assert_eq!(s.m.answered(401, None, &mut resent, s.now), Retry::No);
    // Sent with an older token: resent with the current one.
    let mut older = Attempt::resumed(gen.map(|g| g.wrapping_sub(1)), false);
    assert_eq!(
        s.m.answered(401, None, &mut older, s.now),
        Retry::WithCurrent
    );
    let mut none = Attempt::resumed(None, false);
    assert_eq!(
        s.m.answered(401, None, &mut none, s.now),
        Retry::WithCurrent
    );
}

#[test]
fn a_token_a_401_refresh_brought_is_not_refreshed_again_on_401_at_once() {
    let mut s = Shell::new(opts());
    s.signed_in();
    // A proactive (or explicit) refresh: its token may be revoked at once and refreshed.
    s.refresh();
    s.grant(false);
    s.ok(Refresh, None);
    let mut a = Attempt::default();
    a.sending(s.m.token().map(|t| t.gen));
    assert_eq!(
        s.m.answered(401, None, &mut a, s.now + 100),
        Retry::AfterRefresh
    );
    // The refresh that 401 asked for.
    s.call(Call::RefreshAfter401);
    s.grant(false);
    s.ok(Refresh, None);
    let gen = s.m.token().map(|t| t.gen);
    let mut b = Attempt::default();
    b.sending(gen);
    assert_eq!(
        s.m.answered(401, None, &mut b, s.now + 500),
        Retry::No,
        "the server refuses tokens as fast as it issues them: no storm"
    );
    let mut c = Attempt::default();
    c.sending(gen);
    assert_eq!(
        s.m.answered(401, None, &mut c, s.now + REFRESH_FLOOR_MS),
        Retry::AfterRefresh
    );
}

#[test]
fn a_revoked_token_from_a_refresh_before_sending_is_refreshed_after_its_401() {
    let mut s = Shell::new(Options {
        leeway: 0,
        cross_tab: false,
        ..opts()
    });
    let op = s.login();
    let t = s.token(5);
    s.answer(Login, 200, token_facts(&t), ADA);
    assert!(s.session_token(op).is_some());
    s.now += 4100;
    assert_eq!(s.m.fetch_gate(s.now), Gate::RefreshFirst);
    let r = s.refresh();
    let t = s.token(5);
    s.answer(Refresh, 200, token_facts(&t), None);
    assert!(s.session_token(r).is_some(), "{:?}", s.settled);
    let mut a = Attempt::default();
    a.sending(s.m.token().map(|t| t.gen));
    assert_eq!(
        s.m.answered(401, None, &mut a, s.now + 50),
        Retry::AfterRefresh
    );
    s.now += 60;
    s.call(Call::RefreshAfter401);
    assert!(s.pending(Refresh), "{:?} {:?}", s.settled, s.m);
}

#[test]
fn a_fetch_waits_for_the_restore_in_flight_and_goes_with_its_token() {
    let mut s = Shell::new(opts());
    assert_eq!(
        s.m.fetch_gate(s.now),
        Gate::Send,
        "nothing decides: anonymous"
    );
    let restore = s.restore();
    assert_eq!(s.m.fetch_gate(s.now), Gate::Wait);
    let waiting = s.call(Call::AwaitSession);
    s.grant(false);
    assert!(s.outcome(waiting).is_none(), "not while the refresh is out");
    s.ok(Refresh, None);
    // The user look-up is part of the restore.
    assert!(s.outcome(waiting).is_none());
    s.answer(User, 200, json(), ADA);
    assert!(s.session_token(restore).is_some());
    assert_eq!(s.outcome(waiting), Some(&Outcome::Decided));
    assert_eq!(s.m.fetch_gate(s.now), Gate::Send);
    assert!(s.m.bearer().is_some(), "it goes with the restored token");
}

#[test]
fn an_anonymous_visitors_fetch_waits_for_one_refresh_answer_no_more() {
    let mut s = Shell::new(opts());
    s.restore();
    let waiting = s.call(Call::AwaitSession);
    s.grant(false);
    s.refuse_refresh("No valid refresh token found.");
    assert_eq!(s.outcome(waiting), Some(&Outcome::Decided));
    assert_eq!(s.m.fetch_gate(s.now), Gate::Send);
    assert!(s.m.bearer().is_none());
    // Nothing decides any more: a later request is not held.
    let later = s.call(Call::AwaitSession);
    assert_eq!(s.outcome(later), Some(&Outcome::Decided));
}

#[test]
fn a_fetch_during_a_login_goes_with_the_new_users_token_or_none() {
    let mut s = Shell::new(opts());
    let old = s.signed_in();
    s.login();
    assert_eq!(
        s.m.fetch_gate(s.now),
        Gate::Wait,
        "not with the old user's token"
    );
    let waiting = s.call(Call::AwaitSession);
    s.grant(false);
    let new = s.ok(Login, ADA);
    assert_eq!(s.outcome(waiting), Some(&Outcome::Decided));
    assert_eq!(s.current(), Some(new.clone()));
    assert_ne!(old, new);
    // A login that logout() supersedes: the request goes, signed out.
    s.login();
    let waiting = s.call(Call::AwaitSession);
    s.logout();
    assert_eq!(s.outcome(waiting), Some(&Outcome::Decided));
    assert!(s.m.bearer().is_none());
    // A wrong password: signed out too.
    s.grant(false);
    let mut s = Shell::new(opts());
    s.login();
    let waiting = s.call(Call::AwaitSession);
    s.grant(false);
    s.answer(Login, 400, detail("Unable to log in.", None), None);
    assert_eq!(s.outcome(waiting), Some(&Outcome::Decided));
}

#[test]
fn a_refused_token_403_is_retried_as_a_401_and_a_permission_403_is_not() {
    let mut s = Shell::new(opts());
    s.signed_in();
    let gen = s.m.token().map(|t| t.gen);
    let mut a = Attempt::default();
    a.sending(gen);
    assert_eq!(
        s.m.answered(403, Some("permission_denied"), &mut a, s.now),
        Retry::No,
        "a permission refusal is the app's"
    );
    assert_eq!(s.m.answered(403, None, &mut a, s.now), Retry::No);
    assert_eq!(
        s.m.answered(403, Some("token_not_valid"), &mut a, s.now),
        Retry::AfterRefresh
    );
    assert_eq!(
        s.m.answered(403, Some("token_not_valid"), &mut a, s.now),
        Retry::No,
        "once"
    );
    assert_eq!(consult(403), Consult::Body);
    assert_eq!(consult(401), Consult::Status);
    assert_eq!(consult(404), Consult::No);
    assert!(CONSULTED.iter().all(|s| consult(*s) != Consult::No));
}
