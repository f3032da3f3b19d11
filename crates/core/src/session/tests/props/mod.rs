//! Property tests: random interleavings of app calls, replies (in any order, with faults),
//! lock grants, time (the device's clock skewed, set forward or back, asleep) and other tabs,
//! against a model of the server — fresh, stale (simplejwt ≤ 5.5.0) or missing `iat` — and the
//! browser's cookie jar. The machine is driven through `handle()` with wall and monotonic
//! readings, as the shell drives it. Run with the other native tests (`cargo test`); set
//! `PROPTEST_CASES` for a longer run.
//!
//! Timing, checked whenever a token from a reply is applied: it is never withheld (not expired
//! on arrival), and its expiry is never later than the truth by more than the truncation margin
//! when the server's `iat` can be trusted (fresh, or a login's was seen).
//!
//! Checked after every step: cookie-setting requests never overlap and go out only under the
//! lock (in `harness`-style asserts here), every call settles at most once, no reply to a
//! request sent before the app's latest login or logout is applied after it, `expired` comes
//! once per session, and no authorised request leaves while the session is being decided: the
//! gate of `auth.fetch` says "send", and a request waiting for the session is let go, only
//! when no `restore()`, login or sign-up of the app is unsettled. Checked once everything in flight has finished: every call settled; the
//! state is the intent of the app's last login or logout; and client and server agree — a
//! signed-in client holds a token of the session the cookie belongs to, and a cookie the
//! client does not use is one its pending logout will clear.

mod checks;
mod ops;
mod server;

use ops::{iat_kind, op, Fault, Iat, Op};

use super::*;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use proptest::prelude::*;

use crate::outcome::{BodyFacts, Endpoint};
use crate::secret::Secret;

/// The app's last login or logout, while no other tab has acted since.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Intent {
    Login(OpId),
    Logout,
}

struct World {
    m: Machine<u32>,
    /// The device's clocks.
    wall: Ms,
    mono: Ms,
    /// Real time, and the server's clock: `real + skew`.
    real: Ms,
    skew: i64,
    iat: Iat,
    lifetime_s: u64,
    /// On the wire: id, request, and its sequence number.
    wire: Vec<(ReqId, Request, u64)>,
    seq: u64,
    /// The session the browser's cookies belong to.
    jar: Option<u32>,
    sessions: u32,
    /// Each session's refresh-token `iat` (seconds): what a stale server copies.
    session_iat: BTreeMap<u32, u64>,
    /// Every token issued: its session, the request that fetched it (`None`: another tab),
    /// and its `exp` (server ms).
    tokens: BTreeMap<String, (u32, Option<u64>, u64)>,
    /// A login reply with a fresh `iat` was observed by the machine.
    login_seen: bool,
    /// The per-action invariants (see [`super::Ledger`]) and the lock's state.
    ledger: Ledger,
    ops: u32,
    settled: BTreeMap<OpId, Outcome<u32>>,
    /// The sequence number of the first request sent after the app's latest login/logout.
    barrier: u64,
    last_token: Option<String>,
    intent: Option<Intent>,
    /// How many logins, sign-ups and logouts the app has asked for.
    intents: u32,
    /// For each `doctor()` whose cycle has not reported, `intents` when it was called: a
    /// sign-in asked for after it comes after its cycle.
    doctors: Vec<u32>,
    /// No `signedIn`/`refreshed` of this tab since the app's logout (until a sign-in).
    signed_out_by_app: bool,
    expired_events: u32,
    /// The doctor's turn came and its cycle has not reported yet.
    examining: bool,
    /// The app's `restore()`, login and sign-up calls not settled yet: the session is being
    /// decided.
    deciding: Vec<OpId>,
    /// `auth.fetch` requests waiting for the session.
    fetches: Vec<OpId>,
    /// The durable "a logout awaits the server's confirmation" marker in `localStorage`,
    /// shared by every tab and page load.
    marker: bool,
    /// Calls of pages that reloaded before they settled.
    lost: Vec<OpId>,
    /// Calls that sign in (logins, sign-ups).
    sign_ins: Vec<OpId>,
    /// The token of the reply being delivered.
    arriving: Option<String>,
}

impl World {
    fn new(
        lifetime_s: u64,
        leeway: Ms,
        cross_tab: bool,
        skew: i64,
        wall_off: i64,
        iat: Iat,
    ) -> World {
        let opts = Options {
            leeway,
            timeout: 15_000,
            cross_tab,
            user_lookup: true,
            seed: 11,
            page: PageState::default(),
        };
        let real = 1_700_000_000_000;
        let wall = (real as i64 + wall_off) as Ms;
        World {
            m: Machine::new(opts, false, Reading { wall, mono: 0 }),
            wall,
            mono: 0,
            real,
            skew,
            iat,
            lifetime_s,
            wire: Vec::new(),
            seq: 0,
            jar: None,
            sessions: 0,
            session_iat: BTreeMap::new(),
            tokens: BTreeMap::new(),
            login_seen: false,
            ledger: Ledger::default(),
            ops: 0,
            settled: BTreeMap::new(),
            barrier: 0,
            last_token: None,
            intent: None,
            intents: 0,
            doctors: Vec::new(),
            signed_out_by_app: false,
            expired_events: 0,
            examining: false,
            deciding: Vec::new(),
            fetches: Vec::new(),
            marker: false,
            lost: Vec::new(),
            sign_ins: Vec::new(),
            arriving: None,
        }
    }

    fn reading(&self) -> Reading {
        Reading {
            wall: self.wall,
            mono: self.mono,
        }
    }

    fn input(&mut self, input: Input<u32>) {
        let at = self.reading();
        self.m.handle(input, at);
        self.drain();
    }

    fn now(&self) -> Ms {
        self.m.time_at(self.reading())
    }

    fn op_id(&mut self) -> OpId {
        self.ops += 1;
        OpId(self.ops)
    }

    fn session_of(&self, token: &Secret) -> u32 {
        self.tokens[token.expose()].0
    }

    fn cookie_request_out(&self) -> bool {
        self.wire.iter().any(|(_, r, _)| r.sets_cookies())
    }

    fn drain(&mut self) {
        let mut signed_in = false;
        while let Some(a) = self.m.poll_action() {
            let cookie_out = self.cookie_request_out();
            self.ledger.saw(&a, cookie_out, self.m.opts.cross_tab);
            match a {
                Action::Send(id, r) => {
                    assert!(
                        !(self.examining && r.sets_cookies()),
                        "a request during the doctor's cycle"
                    );
                    self.seq += 1;
                    self.wire.push((id, r, self.seq));
                }
                Action::Settle(op, o) => {
                    if o == Outcome::Turn {
                        assert!(!self.examining, "two doctor cycles at once");
                        assert!(
                            !self.cookie_request_out(),
                            "the doctor's turn with a request out"
                        );
                        self.examining = true;
                    }
                    self.deciding.retain(|d| *d != op);
                    signed_in |= self.sign_ins.contains(&op)
                        && matches!(o, Outcome::Session(_) | Outcome::SignedUp(Some(_)));
                    if self.fetches.contains(&op) {
                        assert_eq!(o, Outcome::Decided);
                        assert!(
                            self.deciding.is_empty(),
                            "a request let go while {:?} decide the session",
                            self.deciding
                        );
                    }
                    self.settled.insert(op, o);
                }
                Action::Emit(e) => {
                    if e.source == Source::ThisTab && self.signed_out_by_app {
                        assert!(
                            !matches!(e.kind, EventKind::SignedIn | EventKind::Refreshed),
                            "{:?} after logout()",
                            e.kind
                        );
                    }
                    match e.kind {
                        EventKind::Expired => {
                            self.expired_events += 1;
                            assert_eq!(self.expired_events, 1, "expired twice");
                        }
                        EventKind::SignedIn => self.expired_events = 0,
                        _ => {}
                    }
                }
                Action::RememberLogout => self.marker = true,
                Action::ForgetLogout => self.marker = false,
                _ => {}
            }
        }
        // A sign-in ends the durable logout marker, whichever tab wrote it: left behind, it
        // would end this new session on the next page load.
        assert!(
            !(signed_in && self.marker),
            "a sign-in left the logout marker"
        );
        // No reply to a request sent before the app's latest login or logout is applied after
        // it: a token installed now was fetched by a later request (or came from another tab).
        let current = self.m.token().cloned();
        let value = current.as_ref().map(|t| t.value.expose().to_string());
        if value != self.last_token {
            if let Some(&(_, Some(seq), _)) = value.as_ref().and_then(|t| self.tokens.get(t)) {
                assert!(seq >= self.barrier, "a superseded reply was applied");
                // Applied as it arrived (not after a user look-up that outlasted it).
                if let (Some(t), true) = (&current, value == self.arriving) {
                    self.check_timing(t);
                }
            }
            self.last_token = value;
        }
        if self.m.state() != State::SignedIn {
            assert!(self.m.user().is_none());
        }
    }

    fn deliver(&mut self, i: usize, fault: Fault) {
        if self.wire.is_empty() {
            return;
        }
        let (id, request, seq) = self.wire.remove(i % self.wire.len());
        let reply = self.serve(&request, seq, fault);
        self.arriving = reply
            .as_ref()
            .ok()
            .and_then(|r| r.facts.access.as_ref())
            .map(|t| t.expose().to_string());
        self.input(Input::Reply(id, reply));
        self.arriving = None;
    }

    fn grant(&mut self, waited: bool) {
        if self.ledger.grant() {
            let waited = if waited {
                Waited::ForAnotherTab
            } else {
                Waited::No
            };
            self.input(Input::LockAcquired(waited));
        }
    }

    /// `auth.fetch` asks the gate; a request told to wait waits for the session.
    fn fetch(&mut self) {
        let now = self.now();
        match self.m.fetch_gate(now) {
            Gate::Wait => {
                let id = self.op_id();
                self.fetches.push(id);
                self.input(Input::Call(id, Call::AwaitSession));
            }
            _ => assert!(
                self.deciding.is_empty(),
                "an authorised request may leave while {:?} decide the session",
                self.deciding
            ),
        }
    }

    /// The app asked for a sign-in (`id`: a login or a sign-up): it decides the session now.
    fn sign_in_asked(&mut self, id: OpId) {
        self.deciding.push(id);
        self.sign_ins.push(id);
        self.barrier = self.seq + 1;
        self.intent = Some(Intent::Login(id));
        self.intents += 1;
        self.signed_out_by_app = false;
    }

    fn apply(&mut self, op: &Op) {
        let input = match *op {
            Op::Login(right) => {
                let id = self.op_id();
                self.sign_in_asked(id);
                let body = Secret::new(if right { "ok" } else { "wrong" }.to_string());
                Input::Call(id, Call::Login(body))
            }
            Op::SignUp(kind) => {
                let id = self.op_id();
                self.sign_in_asked(id);
                let fields = Secret::new(["new", "verify", "bad"][kind as usize].to_string());
                let login = Secret::new("ok".to_string());
                Input::Call(id, Call::SignUp { fields, login })
            }
            Op::Account(call) => Input::Call(
                self.op_id(),
                Call::Account(call, Payload::Credentials(Secret::new(String::new()))),
            ),
            Op::Logout => {
                let id = self.op_id();
                self.barrier = self.seq + 1;
                self.intent = Some(Intent::Logout);
                self.intents += 1;
                self.signed_out_by_app = true;
                Input::Call(id, Call::Logout)
            }
            Op::Refresh => Input::Call(self.op_id(), Call::Refresh),
            Op::Retry => Input::Call(self.op_id(), Call::RefreshAfter401),
            Op::Restore => {
                let id = self.op_id();
                self.deciding.push(id);
                Input::Call(id, Call::Restore(None))
            }
            Op::Fetch => return self.fetch(),
            Op::Doctor => {
                self.doctors.push(self.intents);
                Input::Call(self.op_id(), Call::Doctor)
            }
            Op::Examine => return self.examine(),
            Op::Deliver(i, f) => return self.deliver(i, f),
            Op::Grant(waited) => return self.grant(waited),
            Op::Advance(ms) => {
                self.advance(ms, true);
                Input::Timeout
            }
            Op::Sleep(ms) => {
                self.advance(ms, false);
                Input::Wake(PageState::default())
            }
            Op::SetClock(by) => {
                self.wall = (self.wall as i64 + by).max(0) as Ms;
                Input::Timeout
            }
            Op::Page(visible, online) => Input::Wake(PageState { visible, online }),
            Op::RemoteSignIn
            | Op::RemoteRefresh
            | Op::RemoteSignOut
            | Op::RemoteLogoutUnconfirmed => return self.remote(op),
            Op::Reload => return self.reload(),
        };
        self.input(input);
        self.no_timer_loop();
    }

    /// Real time passes; the monotonic clock with it unless the device sleeps.
    fn advance(&mut self, ms: u64, awake: bool) {
        self.real += ms;
        self.wall += ms;
        if awake {
            self.mono += ms;
        }
    }

    /// Lets everything in flight finish without faults.
    fn settle_down(&mut self) {
        for _ in 0..500 {
            self.grant(false);
            if self.examining {
                self.examine();
                continue;
            }
            if !self.wire.is_empty() {
                self.deliver(0, Fault::None);
                continue;
            }
            let now = self.now();
            match self.m.poll_timeout() {
                Some(t) if t <= now + 100 => {
                    self.advance(t.saturating_sub(now), true);
                    self.input(Input::Timeout);
                }
                _ if self.ledger.lock_wanted => {}
                _ => return,
            }
        }
        panic!("never settled: {:?}", self.m);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn orderings_end_as_the_app_asked_and_agree_with_the_server(
        ops in proptest::collection::vec(op(), 1..80),
        lifetime_s in 1u64..900,
        leeway in 0u64..4_000_000,
        cross_tab in proptest::bool::weighted(0.8),
        skew in prop_oneof![Just(0i64), -20_000_000i64..20_000_000],
        wall_off in prop_oneof![Just(0i64), -20_000_000i64..20_000_000],
        iat in iat_kind(),
    ) {
        let mut w = World::new(lifetime_s, leeway, cross_tab, skew, wall_off, iat);
        for op in &ops {
            w.apply(op);
        }
        w.settle_down();
        w.check_settled();
    }
}
