//! Property tests: random interleavings of app calls, replies (in any order, with faults),
//! lock grants, time and other tabs, against a model of the server and the browser's cookie
//! jar. Run with the other native tests (`cargo test`); set `PROPTEST_CASES` for a longer run.
//!
//! Checked after every step: cookie-setting requests never overlap and go out only under the
//! lock (in `harness`-style asserts here), every call settles at most once, no reply to a
//! request sent before the app's latest login or logout is applied after it, `expired` comes
//! once per session. Checked once everything in flight has finished: every call settled; the
//! state is the intent of the app's last login or logout; and client and server agree — a
//! signed-in client holds a token of the session the cookie belongs to, and a cookie the
//! client does not use is one its pending logout will clear.

use super::harness::{detail, jwt, token_facts};
use super::*;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use proptest::prelude::*;

use crate::core::outcome::{BodyFacts, Endpoint};

#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    /// 503: nothing happened at the server.
    Server,
    /// The request never arrived (or timed out before it did).
    Network,
    /// 429 (dj-rest-auth's throttled logout view; any endpoint can be throttled).
    Throttled,
}

#[derive(Clone, Debug)]
enum Op {
    /// `login()` with right (`true`) or wrong credentials.
    Login(bool),
    Logout,
    /// `refresh()`, or a refresh `auth.fetch` waits for.
    Refresh,
    Restore,
    /// The request at this index (of those on the wire) is answered.
    Deliver(usize, Fault),
    /// The cross-tab lock is granted (after another tab held it: `true`).
    Grant(bool),
    /// The clock moves (the timer fires, or the page wakes up).
    Advance(u64),
    Wake,
    /// Another tab signs in (a new session in the cookie jar), refreshes, signs out.
    RemoteSignIn,
    RemoteRefresh,
    RemoteSignOut,
}

fn op() -> impl Strategy<Value = Op> {
    let fault = prop_oneof![
        6 => Just(Fault::None),
        1 => Just(Fault::Server),
        1 => Just(Fault::Network),
        1 => Just(Fault::Throttled),
    ];
    prop_oneof![
        3 => any::<bool>().prop_map(Op::Login),
        2 => Just(Op::Logout),
        2 => Just(Op::Refresh),
        2 => Just(Op::Restore),
        8 => (any::<usize>(), fault).prop_map(|(i, f)| Op::Deliver(i, f)),
        4 => any::<bool>().prop_map(Op::Grant),
        3 => prop_oneof![0u64..100, 0u64..20_000, 0u64..2_000_000].prop_map(Op::Advance),
        1 => Just(Op::Wake),
        1 => Just(Op::RemoteSignIn),
        1 => Just(Op::RemoteRefresh),
        1 => Just(Op::RemoteSignOut),
    ]
}

/// The app's last login or logout, while no other tab has acted since.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Intent {
    Login(OpId),
    Logout,
}

struct World {
    m: Machine<u32>,
    now: Ms,
    lifetime_s: u64,
    /// On the wire: id, request, and its sequence number.
    wire: Vec<(ReqId, Request, u64)>,
    seq: u64,
    /// The session the browser's cookies belong to.
    jar: Option<u32>,
    sessions: u32,
    /// Every token issued: its session, and the request that fetched it (`None`: another tab).
    tokens: BTreeMap<String, (u32, Option<u64>)>,
    lock_wanted: bool,
    lock_held: bool,
    ops: u32,
    settled: BTreeMap<OpId, Outcome<u32>>,
    /// The sequence number of the first request sent after the app's latest login/logout.
    barrier: u64,
    last_token: Option<String>,
    intent: Option<Intent>,
    /// No `signedIn`/`refreshed` of this tab since the app's logout (until a sign-in).
    signed_out_by_app: bool,
    expired_events: u32,
}

impl World {
    fn new(lifetime_s: u64, leeway: Ms, cross_tab: bool) -> World {
        let opts = Options {
            leeway,
            timeout: 15_000,
            cross_tab,
            user_lookup: true,
        };
        World {
            m: Machine::new(opts, false),
            now: 1_700_000_000_000,
            lifetime_s,
            wire: Vec::new(),
            seq: 0,
            jar: None,
            sessions: 0,
            tokens: BTreeMap::new(),
            lock_wanted: false,
            lock_held: false,
            ops: 0,
            settled: BTreeMap::new(),
            barrier: 0,
            last_token: None,
            intent: None,
            signed_out_by_app: false,
            expired_events: 0,
        }
    }

    fn op_id(&mut self) -> OpId {
        self.ops += 1;
        OpId(self.ops)
    }

    fn issue(&mut self, session: u32, by: Option<u64>) -> String {
        let t = jwt(
            self.now / 1000,
            self.lifetime_s,
            &format!("s{session}-{}", self.tokens.len()),
        );
        self.tokens.insert(t.clone(), (session, by));
        t
    }

    fn session_of(&self, token: &Secret) -> u32 {
        self.tokens[token.expose()].0
    }

    fn cookie_request_out(&self) -> bool {
        self.wire.iter().any(|(_, r, _)| r.sets_cookies())
    }

    fn drain(&mut self) {
        while let Some(a) = self.m.poll_action() {
            match a {
                Action::Send(id, r) => {
                    if r.sets_cookies() {
                        assert!(
                            !self.cookie_request_out(),
                            "cookie-setting requests overlap"
                        );
                        assert!(
                            self.lock_held || !self.m.opts.cross_tab,
                            "sent without the lock"
                        );
                    }
                    self.seq += 1;
                    self.wire.push((id, r, self.seq));
                }
                Action::AcquireLock(_) => {
                    assert!(!self.lock_wanted && !self.lock_held, "lock asked twice");
                    self.lock_wanted = true;
                }
                Action::ReleaseLock => {
                    assert!(!self.cookie_request_out(), "lock let go mid-request");
                    self.lock_held = false;
                }
                Action::Settle(op, o) => {
                    assert!(self.settled.insert(op, o).is_none(), "{op:?} settled twice");
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
                _ => {}
            }
        }
        // No reply to a request sent before the app's latest login or logout is applied after
        // it: a token installed now was fetched by a later request (or came from another tab).
        let current = self.m.token().map(|t| t.value.expose().to_string());
        if current != self.last_token {
            if let Some(&(_, Some(seq))) = current.as_ref().and_then(|t| self.tokens.get(t)) {
                assert!(seq >= self.barrier, "a superseded reply was applied");
            }
            self.last_token = current;
        }
        if self.m.state() != State::SignedIn {
            assert!(self.m.user().is_none());
        }
    }

    /// The server answers `request` as a real one would, given the cookie jar.
    fn serve(
        &mut self,
        request: &Request,
        seq: u64,
        fault: Fault,
    ) -> Result<Reply<u32>, AuthError> {
        let status = match fault {
            Fault::Network => return Err(AuthError::new(ErrorCode::Network, "down")),
            Fault::Server => Some(503),
            Fault::Throttled => Some(429),
            Fault::None => None,
        };
        if let Some(status) = status {
            return Ok(Reply {
                status,
                facts: detail("unavailable", None),
                user: None,
            });
        }
        let reply = |status, facts, user| {
            Ok(Reply {
                status,
                facts,
                user,
            })
        };
        match (request.endpoint, &request.payload) {
            (Endpoint::Login, Payload::Credentials(c)) if c.expose() == "ok" => {
                self.sessions += 1;
                let s = self.sessions;
                self.jar = Some(s);
                let t = self.issue(s, Some(seq));
                reply(200, token_facts(&t), Some(s))
            }
            (Endpoint::Login, _) => reply(400, detail("Unable to log in.", None), None),
            (Endpoint::Refresh, _) => match self.jar {
                Some(s) => {
                    let t = self.issue(s, Some(seq));
                    reply(200, token_facts(&t), None)
                }
                None => reply(
                    401,
                    detail("No valid refresh token found.", Some("token_not_valid")),
                    None,
                ),
            },
            (Endpoint::Logout, _) => {
                self.jar = None;
                reply(200, detail("Successfully logged out.", None), None)
            }
            (Endpoint::User, _) => {
                let s = request.bearer.as_ref().map(|b| self.session_of(b));
                reply(
                    200,
                    BodyFacts {
                        json: true,
                        ..BodyFacts::default()
                    },
                    s,
                )
            }
        }
    }

    fn deliver(&mut self, i: usize, fault: Fault) {
        if self.wire.is_empty() {
            return;
        }
        let (id, request, seq) = self.wire.remove(i % self.wire.len());
        let reply = self.serve(&request, seq, fault);
        self.m.reply(id, reply, self.now);
        self.drain();
    }

    fn grant(&mut self, waited: bool) {
        if self.lock_wanted {
            self.lock_wanted = false;
            self.lock_held = true;
            self.m.lock_acquired(waited, self.now);
            self.drain();
        }
    }

    /// Another tab acts: only while this tab is not holding the lock (the other tab's request
    /// needs it), and only with `crossTab` (without it no message arrives).
    fn remote(&mut self, op: &Op) {
        if self.lock_held || !self.m.opts.cross_tab {
            return;
        }
        self.intent = None;
        self.signed_out_by_app = false;
        match op {
            Op::RemoteSignIn => {
                self.sessions += 1;
                let s = self.sessions;
                self.jar = Some(s);
                let t = self.issue(s, None);
                let snapshot = self.remote_snapshot(t, Some(s));
                self.m.remote_token(snapshot, true, self.now);
            }
            Op::RemoteRefresh => {
                let Some(s) = self.jar else { return };
                let t = self.issue(s, None);
                let snapshot = self.remote_snapshot(t, None);
                self.m.remote_token(snapshot, false, self.now);
            }
            _ => {
                self.jar = None;
                self.m.remote_signed_out(self.now);
            }
        }
        self.drain();
    }

    fn remote_snapshot(&self, t: String, user: Option<u32>) -> Snapshot<u32> {
        let life = self.lifetime_s * 1000;
        Snapshot {
            record: TokenRecord {
                value: Secret::new(t),
                expires_at: Some(self.now + life),
                lifetime: Some(life),
            },
            user,
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Login(right) => {
                let id = self.op_id();
                self.barrier = self.seq + 1;
                self.intent = Some(Intent::Login(id));
                self.signed_out_by_app = false;
                let body = Secret::new(if right { "ok" } else { "wrong" }.to_string());
                self.m.login(id, body, self.now);
            }
            Op::Logout => {
                let id = self.op_id();
                self.barrier = self.seq + 1;
                self.intent = Some(Intent::Logout);
                self.signed_out_by_app = true;
                self.m.logout(id, self.now);
            }
            Op::Refresh => {
                let id = self.op_id();
                self.m.refresh(id, self.now);
            }
            Op::Restore => {
                let id = self.op_id();
                self.m.restore(id, None, self.now);
            }
            Op::Deliver(i, f) => return self.deliver(i, f),
            Op::Grant(waited) => return self.grant(waited),
            Op::Advance(ms) => {
                self.now += ms;
                self.m.handle_timeout(self.now);
            }
            Op::Wake => self.m.wake(self.now),
            Op::RemoteSignIn | Op::RemoteRefresh | Op::RemoteSignOut => return self.remote(op),
        }
        self.drain();
    }

    /// Lets everything in flight finish without faults.
    fn settle_down(&mut self) {
        for _ in 0..500 {
            self.grant(false);
            if !self.wire.is_empty() {
                self.deliver(0, Fault::None);
                continue;
            }
            match self.m.poll_timeout() {
                Some(t) if t <= self.now + 100 => {
                    self.now = self.now.max(t);
                    self.m.handle_timeout(self.now);
                    self.drain();
                }
                _ if self.lock_wanted => {}
                _ => return,
            }
        }
        panic!("never settled: {:?}", self.m);
    }

    fn check_settled(&self) {
        assert!(self.wire.is_empty() && !self.lock_wanted && !self.lock_held);
        assert_eq!(self.settled.len() as u32, self.ops, "a call never settled");
        // Client and server agree.
        match self.m.token() {
            Some(t) => assert_eq!(
                Some(self.session_of(&t.value)),
                self.jar,
                "signed in to another session than the cookie's"
            ),
            None if self.jar.is_some() => assert!(
                self.m.state() == State::Unknown || self.m.logout_pending(),
                "a session the client neither uses nor is logging out"
            ),
            None => {}
        }
        // The app's last call decided.
        match self.intent {
            Some(Intent::Logout) => {
                assert_eq!(self.m.state(), State::SignedOut);
                assert!(self.jar.is_none() || self.m.logout_pending());
            }
            Some(Intent::Login(op)) => {
                if let Some(Outcome::Session(s)) = self.settled.get(&op) {
                    let mine = self.tokens[s.record.value.expose()].0;
                    assert_eq!(
                        self.m.token().map(|t| self.session_of(&t.value)),
                        Some(mine)
                    );
                    assert_eq!(self.jar, Some(mine));
                }
            }
            None => {}
        }
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
    ) {
        let mut w = World::new(lifetime_s, leeway, cross_tab);
        for op in &ops {
            w.apply(op);
        }
        w.settle_down();
        w.check_settled();
    }
}
