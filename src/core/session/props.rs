//! Property tests: random interleavings of everything that can happen to a session, checked
//! against the machine's invariants. Run with the other native tests (`cargo test`); set
//! `PROPTEST_CASES` for a longer run.

use super::*;
use alloc::string::ToString;
use alloc::vec::Vec;
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Res {
    Ok,
    Rejected,
    Transient,
}

#[derive(Clone, Debug)]
enum Op {
    Login,
    /// A caller (or a 401) wants a fresh token.
    Refresh,
    /// One of the outstanding refresh requests comes back.
    Complete(usize, Res),
    /// An API request goes out with the current token.
    Send,
    /// One of the outstanding API requests gets a 401.
    Unauthorized(usize),
    /// The timer fires, or the page wakes up (visible, online, pageshow).
    Wake,
    /// The clock moves (seconds to days: sleep, a background tab).
    Advance(u64),
    Logout,
    /// The server confirms an earlier logout.
    LogoutConfirmed,
    /// Another tab sends a token (a login, or a refresh), valid for this long from now.
    RemoteToken(bool, u64),
    /// Another tab signed out.
    RemoteSignedOut,
    /// Another tab saw the refresh cookie refused.
    RemoteExpired,
    /// The flight in flight gets the cross-tab lock.
    LockAcquired,
}

fn op() -> impl Strategy<Value = Op> {
    let res = prop_oneof![Just(Res::Ok), Just(Res::Rejected), Just(Res::Transient)];
    prop_oneof![
        2 => Just(Op::Login),
        3 => Just(Op::Refresh),
        4 => (any::<usize>(), res).prop_map(|(i, r)| Op::Complete(i, r)),
        3 => Just(Op::Send),
        3 => any::<usize>().prop_map(Op::Unauthorized),
        3 => Just(Op::Wake),
        3 => prop_oneof![0u64..5_000, 0u64..400_000, 0u64..200_000_000].prop_map(Op::Advance),
        1 => Just(Op::Logout),
        1 => Just(Op::LogoutConfirmed),
        2 => (any::<bool>(), 0u64..1_000_000).prop_map(|(s, l)| Op::RemoteToken(s, l)),
        1 => Just(Op::RemoteSignedOut),
        1 => Just(Op::RemoteExpired),
        2 => Just(Op::LockAcquired),
    ]
}

struct Harness {
    m: Machine<&'static str>,
    now: Ms,
    /// Server clock minus client clock, ms.
    skew: i64,
    lifetime_s: u64,
    flights: Vec<FlightId>,
    requests: Vec<(Attempt, u32)>,
    /// `logout()` was called and no login succeeded since.
    signed_out: bool,
    /// A refresh was definitively rejected and no login succeeded since.
    rejected: bool,
    expired_events: u32,
    /// The flight in flight before the current step.
    before: Option<FlightId>,
    remote: u32,
}

impl Harness {
    fn grant(&self) -> Grant {
        let server_s = (self.now as i64 + self.skew).max(0) as u64 / 1000;
        Grant {
            token: Secret::new("t".to_string()),
            claims: Claims {
                exp: Some(server_s + self.lifetime_s),
                iat: Some(server_s),
            },
            expiration_ms: None,
        }
    }

    fn started(&mut self, id: FlightId) {
        assert_eq!(
            self.before, None,
            "a second refresh started while one was in flight"
        );
        assert!(!self.signed_out, "refresh started after logout");
        assert!(
            !self.rejected,
            "refresh started after a definitive rejection"
        );
        self.flights.push(id);
    }

    fn apply(&mut self, op: &Op) {
        self.before = self.m.flight();
        match *op {
            Op::Login => {
                let g = self.grant();
                self.m.login_succeeded(&g, Some("ada"), self.now);
                self.signed_out = false;
                self.rejected = false;
                self.expired_events = 0;
            }
            Op::Refresh => match self.m.begin_refresh() {
                Ticket::Start(id) => self.started(id),
                Ticket::Join(id) => assert_eq!(Some(id), self.before),
                Ticket::Refused => assert_eq!(self.m.phase(), Phase::SignedOut),
            },
            Op::Complete(i, res) => {
                if self.flights.is_empty() {
                    return;
                }
                let id = self.flights.remove(i % self.flights.len());
                let current = self.m.flight() == Some(id);
                let applied = match res {
                    Res::Ok => {
                        let g = self.grant();
                        self.m.refresh_succeeded(id, &g, None, self.now)
                    }
                    Res::Rejected => self.m.refresh_failed(id, Failure::Rejected, self.now),
                    Res::Transient => self.m.refresh_failed(id, Failure::Transient, self.now),
                };
                assert_eq!(applied == Applied::Yes, current);
                if current && matches!(res, Res::Ok) {
                    // No refresh loop: a fresh token is never already due for refresh,
                    // whatever the leeway.
                    assert!(
                        self.m.poll_timeout().is_some_and(|d| d > self.now),
                        "a fresh token is due for refresh at once"
                    );
                }
                if current && matches!(res, Res::Rejected) {
                    self.rejected = true;
                }
            }
            Op::Send => {
                let mut a = Attempt::default();
                a.sending(self.m.live_token(self.now).map(|t| t.gen));
                self.requests.push((a, 0));
            }
            Op::Unauthorized(i) => {
                if self.requests.is_empty() {
                    return;
                }
                let i = i % self.requests.len();
                let (mut a, mut retries) = self.requests.remove(i);
                let decision = self.m.unauthorized(&mut a);
                if decision != Retry::No {
                    retries += 1;
                    assert!(retries <= 1, "a request was retried twice");
                    if decision == Retry::AfterRefresh {
                        self.apply(&Op::Refresh);
                    }
                    a.sending(self.m.live_token(self.now).map(|t| t.gen));
                    self.requests.push((a, retries));
                }
            }
            Op::Wake => self.m.handle_timeout(self.now),
            Op::Advance(d) => self.now += d,
            Op::Logout => {
                let current = self.m.live_token(self.now).map(|t| t.value.clone());
                if let Some(b) = self.m.logout(self.now) {
                    assert_eq!(Some(b), current, "logout offers only the live token");
                }
                self.signed_out = true;
            }
            Op::LogoutConfirmed => self.m.server_logout_done(),
            Op::RemoteToken(signed_in, valid_for) => {
                self.remote += 1;
                let record = TokenRecord {
                    value: Secret::new(alloc::format!("remote{}", self.remote)),
                    expires_at: Some(self.now + valid_for),
                    lifetime: Some(valid_for.max(1)),
                };
                let was_out = self.signed_out || self.rejected;
                self.m.remote_token(record, None, signed_in, self.now);
                if signed_in && valid_for > 0 {
                    // A login elsewhere is a new session: signed in again.
                    self.signed_out = false;
                    self.rejected = false;
                    self.expired_events = 0;
                } else if was_out {
                    assert_ne!(
                        self.m.phase(),
                        Phase::Authenticated,
                        "a remote refresh revived a signed-out tab"
                    );
                }
            }
            Op::RemoteSignedOut => {
                self.m.remote_signed_out();
                self.signed_out = true;
            }
            Op::RemoteExpired => {
                let had = self.m.phase() == Phase::Authenticated;
                self.m.remote_expired();
                if had {
                    self.rejected = true;
                }
            }
            Op::LockAcquired => {
                if let Some(id) = self.m.flight() {
                    if self.m.adopt_in_flight(id, self.now) {
                        assert!(self.m.live_token(self.now).is_some());
                        self.flights.retain(|f| *f != id);
                    }
                }
            }
        }
    }

    fn check(&mut self) {
        while let Some(a) = self.m.poll_action() {
            match a {
                Action::StartRefresh(id) => self.started(id),
                Action::Emit(e) => {
                    if self.signed_out || self.rejected {
                        assert!(
                            !matches!(e.kind, EventKind::SignedIn | EventKind::Refreshed),
                            "{:?} after the session ended",
                            e.kind
                        );
                    }
                    if e.kind == EventKind::Expired {
                        self.expired_events += 1;
                        assert_eq!(self.expired_events, 1, "expired emitted twice");
                    }
                }
                _ => {}
            }
        }
        if self.signed_out || self.rejected {
            assert_ne!(self.m.phase(), Phase::Authenticated);
            assert!(self.m.token().is_none() && self.m.user().is_none());
        }
        if self.m.phase() == Phase::Authenticated {
            assert!(self.m.token().is_some());
        }
        // The timer never asks to fire in a loop: after a wake-up at `now`, the next due time
        // is in the future or a flight is out.
        if let Some(due) = self.m.poll_timeout() {
            if due <= self.now {
                self.before = self.m.flight();
                self.m.handle_timeout(self.now);
                assert!(
                    self.m.flight().is_some() || self.m.poll_timeout().is_none_or(|d| d > self.now)
                );
                self.check();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn invariants_hold_under_any_interleaving(
        ops in proptest::collection::vec(op(), 1..80),
        skew in -20_000_000i64..20_000_000,
        lifetime_s in 1u64..900,
        leeway in 0u64..4_000_000,
    ) {
        let mut h = Harness {
            m: Machine::new(leeway),
            now: 1_700_000_000_000,
            skew,
            lifetime_s,
            flights: Vec::new(),
            requests: Vec::new(),
            signed_out: false,
            rejected: false,
            expired_events: 0,
            before: None,
            remote: 0,
        };
        for op in &ops {
            h.apply(op);
            h.check();
        }
    }
}
