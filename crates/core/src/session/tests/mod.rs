//! The session machine's tests, native (`cargo test -p tokenward-core`): the rules one by one
//! ([`rules`]), the orderings that went wrong when the flows lived outside the machine
//! ([`order`]), the login and logout exchanges ([`exchanges`]), the account calls
//! ([`accounts`]), the timing, clock and backoff rules, and the model-based property test
//! ([`props`]). Every test drives the machine through `handle()`, as the shell does, through the
//! fake shell below: it records what the machine asks for, holds the lock, and answers
//! requests as the tests say, checking the per-action invariants as it goes.

mod accounts;
mod backoff;
mod clock;
mod exchanges;
mod fetch;
mod io;
mod order;
mod props;
mod rules;
mod timing;

use super::*;
use crate::error::{AuthError, ErrorCode};
use crate::secret::Secret;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use base64::Engine;

use crate::outcome::{BodyFacts, Endpoint};

pub type M = Machine<&'static str>;

pub const ADA: Option<&str> = Some("ada");

/// Neither a token nor a user: not signed in.
pub fn not_signed_in(s: &Shell) {
    assert_ne!(s.m.state(), State::SignedIn);
    assert!(s.m.token().is_none() && s.m.user().is_none());
}

/// The options most tests use: a 30 s leeway, 15 s timeout, cross-tab on, a user endpoint.
pub fn opts() -> Options {
    Options {
        leeway: 30_000,
        timeout: 15_000,
        cross_tab: true,
        user_lookup: true,
        seed: 7,
        page: PageState::default(),
    }
}

/// A JWT whose payload is `{"exp", "iat", "jti"}` (seconds; `jti` makes each one unique).
pub fn jwt(iat: u64, life_s: u64, jti: &str) -> String {
    jwt_claims(iat + life_s, Some(iat), jti)
}

/// A JWT with `exp`, `iat` when given, and `jti`.
pub fn jwt_claims(exp: u64, iat: Option<u64>, jti: &str) -> String {
    let payload = match iat {
        Some(iat) => format!(r#"{{"exp":{exp},"iat":{iat},"jti":"{jti}"}}"#),
        None => format!(r#"{{"exp":{exp},"jti":"{jti}"}}"#),
    };
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload);
    format!("eyJhbGciOiJIUzI1NiJ9.{b64}.sig")
}

pub use crate::outcome::testing::{detail, token_facts};

/// The body facts of a plain JSON object.
pub fn json() -> BodyFacts {
    BodyFacts {
        json: true,
        ..BodyFacts::default()
    }
}

/// The per-action invariants every fake shell checks — the unit tests' [`Shell`] and the
/// property test's world alike: cookie-setting requests never overlap and go out only under the
/// cross-tab lock (with `crossTab`), the lock is asked for once and let go only with no such
/// request out, and every call settles at most once.
#[derive(Debug, Default)]
pub struct Ledger {
    pub lock_wanted: bool,
    pub lock_held: bool,
    settled: Vec<OpId>,
}

impl Ledger {
    /// Checks `action`, the machine's next, given whether a cookie-setting request is on the
    /// wire now; keeps the lock's state.
    pub fn saw<U>(&mut self, action: &Action<U>, cookie_out: bool, cross_tab: bool) {
        match action {
            Action::Send(_, r) if r.sets_cookies() => {
                assert!(!cookie_out, "two cookie-setting requests overlap");
                assert!(
                    self.lock_held || !cross_tab,
                    "a cookie-setting request without the lock"
                );
            }
            Action::AcquireLock(_) => {
                assert!(!self.lock_wanted && !self.lock_held, "lock asked twice");
                self.lock_wanted = true;
            }
            Action::ReleaseLock => {
                assert!(!cookie_out, "lock released with a request on the wire");
                self.lock_held = false;
            }
            Action::Settle(op, _) => {
                assert!(!self.settled.contains(op), "{op:?} settled twice");
                self.settled.push(*op);
            }
            _ => {}
        }
    }

    /// The lock is granted when it is wanted: whether it was.
    pub fn grant(&mut self) -> bool {
        let wanted = core::mem::take(&mut self.lock_wanted);
        self.lock_held |= wanted;
        wanted
    }
}

pub struct Shell {
    pub m: M,
    pub now: Ms,
    /// Requests sent and not answered yet, oldest first.
    pub wire: Vec<(ReqId, Request)>,
    /// Every request sent, in order.
    pub sent: Vec<Request>,
    pub settled: Vec<(OpId, Outcome<&'static str>)>,
    pub events: Vec<(EventKind, Source)>,
    pub broadcasts: Vec<Broadcast<&'static str>>,
    pub stored: Option<Snapshot<&'static str>>,
    pub logout_flag: bool,
    pub ledger: Ledger,
    next_op: u32,
    serial: u32,
}

impl Shell {
    pub fn new(opts: Options) -> Shell {
        Shell::with(Machine::new(opts, false, Reading::default()))
    }

    pub fn with(m: M) -> Shell {
        Shell {
            m,
            now: 1_700_000_000_000,
            wire: Vec::new(),
            sent: Vec::new(),
            settled: Vec::new(),
            events: Vec::new(),
            broadcasts: Vec::new(),
            stored: None,
            logout_flag: false,
            ledger: Ledger::default(),
            next_op: 0,
            serial: 0,
        }
    }

    /// Carries out the machine's actions.
    pub fn drain(&mut self) {
        while let Some(a) = self.m.poll_action() {
            let cookie_out = self.wire.iter().any(|(_, w)| w.sets_cookies());
            self.ledger.saw(&a, cookie_out, self.m.opts.cross_tab);
            match a {
                Action::Send(id, r) => {
                    self.sent.push(r.clone());
                    self.wire.push((id, r));
                }
                Action::Settle(op, o) => self.settled.push((op, o)),
                Action::Emit(e) => self.events.push((e.kind, e.source)),
                Action::Persist(s) => self.stored = Some(s),
                Action::ClearStorage => self.stored = None,
                Action::Broadcast(b) => self.broadcasts.push(b),
                Action::RememberLogout => self.logout_flag = true,
                Action::ForgetLogout => self.logout_flag = false,
                Action::AcquireLock(_) | Action::ReleaseLock => {}
            }
        }
    }

    /// Whether the lock is wanted, and held.
    pub fn lock_wanted(&self) -> bool {
        self.ledger.lock_wanted
    }

    pub fn lock_held(&self) -> bool {
        self.ledger.lock_held
    }

    fn op(&mut self) -> OpId {
        self.next_op += 1;
        OpId(self.next_op)
    }

    /// Both clocks at `now` (the machine's time follows them: no jump).
    pub fn reading(&self) -> Reading {
        Reading {
            wall: self.now,
            mono: self.now,
        }
    }

    /// Feeds one input through [`Machine::handle`], as the shell does, and drains.
    pub fn input(&mut self, input: Input<&'static str>) {
        let at = self.reading();
        self.m.handle(input, at);
        self.drain();
    }

    /// An app call; its id.
    pub fn call(&mut self, call: Call<&'static str>) -> OpId {
        let op = self.op();
        self.input(Input::Call(op, call));
        op
    }

    pub fn login(&mut self) -> OpId {
        let body = Secret::new(r#"{"username":"ada","password":"pw"}"#.to_string());
        self.call(Call::Login(body))
    }

    pub fn logout(&mut self) -> OpId {
        self.call(Call::Logout)
    }

    pub fn refresh(&mut self) -> OpId {
        self.call(Call::Refresh)
    }

    pub fn restore(&mut self) -> OpId {
        let stored = self.stored.clone();
        self.call(Call::Restore(stored))
    }

    /// Grants the lock when it is wanted.
    pub fn grant(&mut self, waited: bool) {
        if self.ledger.grant() {
            let waited = if waited {
                Waited::ForAnotherTab
            } else {
                Waited::No
            };
            self.input(Input::LockAcquired(waited));
        }
    }

    pub fn advance(&mut self, ms: Ms) {
        self.now += ms;
        self.input(Input::Timeout);
    }

    /// A fresh token, unique, `life_s` long, issued now by the server's clock.
    pub fn token(&mut self, life_s: u64) -> String {
        self.serial += 1;
        jwt(self.now / 1000, life_s, &format!("t{}", self.serial))
    }

    /// Whether a request to `endpoint` is on the wire.
    pub fn pending(&self, endpoint: Endpoint) -> bool {
        self.wire.iter().any(|(_, r)| r.endpoint == endpoint)
    }

    /// Answers the oldest request to `endpoint` on the wire.
    pub fn answer(
        &mut self,
        endpoint: Endpoint,
        status: u16,
        facts: BodyFacts,
        user: Option<&'static str>,
    ) {
        let i = self
            .wire
            .iter()
            .position(|(_, r)| r.endpoint == endpoint)
            .unwrap_or_else(|| panic!("no {endpoint:?} request on the wire: {:?}", self.wire));
        let (id, _) = self.wire.remove(i);
        let reply = Reply {
            status,
            facts,
            user,
        };
        self.input(Input::Reply(id, Ok(reply)));
    }

    /// Answers the oldest refresh on the wire with simplejwt's 401 refusal saying `why`.
    pub fn refuse_refresh(&mut self, why: &str) {
        self.answer(
            Endpoint::Refresh,
            401,
            detail(why, Some("token_not_valid")),
            None,
        );
    }

    /// Answers the oldest request to `endpoint` with a network failure.
    pub fn fail(&mut self, endpoint: Endpoint, e: AuthError) {
        let i = self
            .wire
            .iter()
            .position(|(_, r)| r.endpoint == endpoint)
            .expect("request on the wire");
        let (id, _) = self.wire.remove(i);
        self.input(Input::Reply(id, Err(e)));
    }

    /// Answers a login or refresh with a fresh 300 s token; returns it.
    pub fn ok(&mut self, endpoint: Endpoint, user: Option<&'static str>) -> String {
        let t = self.token(300);
        self.answer(endpoint, 200, token_facts(&t), user);
        t
    }

    /// Signs in through a login with the lock granted; returns the token.
    pub fn signed_in(&mut self) -> String {
        let op = self.login();
        self.grant(false);
        let t = self.ok(Endpoint::Login, Some("ada"));
        assert!(matches!(self.outcome(op), Some(Outcome::Session(_))));
        t
    }

    pub fn outcome(&self, op: OpId) -> Option<&Outcome<&'static str>> {
        self.settled.iter().find(|(o, _)| *o == op).map(|(_, o)| o)
    }

    /// The code of a failed call.
    pub fn code(&self, op: OpId) -> Option<&'static str> {
        match self.outcome(op) {
            Some(Outcome::Failed(e)) => Some(e.code()),
            _ => None,
        }
    }

    /// The token a call settled with.
    pub fn session_token(&self, op: OpId) -> Option<String> {
        match self.outcome(op) {
            Some(Outcome::Session(s)) => Some(s.record.value.expose().to_string()),
            _ => None,
        }
    }

    pub fn current(&self) -> Option<String> {
        self.m.token().map(|t| t.value.expose().to_string())
    }

    /// A token of another tab, `valid_ms` long from now, unique by `name`.
    pub fn their_record(&self, name: &str, valid_ms: Ms) -> TokenRecord {
        TokenRecord {
            value: Secret::new(jwt(self.now / 1000, valid_ms / 1000, name)),
            expires_at: Some(self.now + valid_ms),
            lifetime: Some(valid_ms),
        }
    }

    /// Another tab shares `record`: after a sign-in (`signed_in`) or a refresh.
    pub fn other_tab_shares(
        &mut self,
        record: TokenRecord,
        user: Option<&'static str>,
        signed_in: bool,
    ) {
        self.input(Input::RemoteToken(Snapshot { record, user }, signed_in));
    }

    pub fn take_events(&mut self) -> Vec<(EventKind, Source)> {
        core::mem::take(&mut self.events)
    }
}

impl Shell {
    /// `signUp(fields)` with the fields of `{"username":"ada",…}` and the login after it.
    pub fn sign_up(&mut self) -> OpId {
        let fields =
            Secret::new(r#"{"username":"ada","password1":"pw","password2":"pw"}"#.to_string());
        let login = Secret::new(r#"{"username":"ada","password":"pw"}"#.to_string());
        self.call(Call::SignUp { fields, login })
    }

    /// A password or profile call.
    pub fn account(&mut self, call: crate::account::AccountCall) -> OpId {
        self.call(Call::Account(
            call,
            Payload::Credentials(Secret::new("{}".to_string())),
        ))
    }

    /// The Bearer of the last request sent.
    pub fn last_bearer(&self) -> Option<String> {
        let r = self.sent.last()?;
        r.bearer.as_ref().map(|b| b.expose().to_string())
    }
}
