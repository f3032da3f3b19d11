//! The session state machine: every decision about tokens, refreshes and events, with no I/O
//! and no clock of its own (sans-IO, in the manner of quinn-proto).
//!
//! The shell feeds it what happened, with the current time in ms on the local wall clock, and
//! carries out the [`Action`]s it queues ([`Machine::poll_action`]); it arms one timer for
//! [`Machine::poll_timeout`]. `U` is the user object (a `JsValue` in the browser).
//!
//! # Invariants
//! - At most one refresh is in flight ([`Machine::begin_refresh`] hands out one [`FlightId`]
//!   and makes every other caller join it).
//! - A flight's result is applied only while it is *current*: a login or logout after it
//!   started makes it stale, so a late refresh never resurrects a signed-out session.
//! - After a logout or a definitive rejection no refresh starts until the next login.
//! - Expiry is judged on the local clock from the token's *lifetime* (`exp − iat`, both by the
//!   server's clock) counted from receipt, so a client clock that is hours off does not matter.

use alloc::collections::VecDeque;

use super::claims::Claims;
use super::outcome::Grant;
use super::secret::Secret;

/// Milliseconds since the epoch, on the local wall clock (`Date.now()`).
pub type Ms = u64;

/// The server truncates `iat` and `exp` to whole seconds, so a token may expire up to this long
/// before `receipt + (exp − iat)`. Applied as a margin (at most a quarter of the lifetime).
const TRUNCATION_MARGIN_MS: Ms = 1000;

/// First and longest wait before a proactive refresh is retried after a transient failure.
const RETRY_MIN_MS: Ms = 1000;
const RETRY_MAX_MS: Ms = 60_000;

/// A Bearer is only sent to logout when it is valid for at least this long (an expired one
/// makes dj-rest-auth answer 401 before the view runs, and then it clears no cookies).
const LOGOUT_BEARER_MARGIN_MS: Ms = 5000;

/// Identifies one refresh request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlightId(pub u64);

/// The access token the session holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The token itself (redacted in `Debug`).
    pub value: Secret,
    /// Increases with every new token; a request remembers the generation it was sent with.
    pub gen: u64,
    /// When it expires, on the local clock; `None` when the token says nothing.
    pub expires_at: Option<Ms>,
    /// Its lifetime as issued, when known.
    pub lifetime: Option<Ms>,
}

/// What can be persisted and later restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// The token.
    pub value: Secret,
    /// Local-clock expiry (computed at receipt, so it is valid across reloads on this client).
    pub expires_at: Option<Ms>,
    /// The issued lifetime, for the leeway rule.
    pub lifetime: Option<Ms>,
}

/// Where the session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Fresh page: a refresh cookie may or may not exist. Refreshing is allowed.
    Unknown,
    /// A token is held.
    Authenticated,
    /// Signed out (by `logout()` or by the server refusing the refresh cookie): no refresh
    /// starts until the next login.
    SignedOut,
}

/// `AuthEvent.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A login succeeded, or a session was restored.
    SignedIn,
    /// A refresh produced a new access token.
    Refreshed,
    /// `logout()` ended the session.
    SignedOut,
    /// The server refused the refresh cookie: the session is over.
    Expired,
}

impl EventKind {
    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignedIn => "signedIn",
            EventKind::Refreshed => "refreshed",
            EventKind::SignedOut => "signedOut",
            EventKind::Expired => "expired",
        }
    }
}

/// `AuthEvent.source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// This tab did it.
    ThisTab,
    /// Another tab did it.
    OtherTab,
}

impl Source {
    /// The JS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ThisTab => "this_tab",
            Source::OtherTab => "other_tab",
        }
    }
}

/// An event for `onChange` subscribers.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<U> {
    /// What happened.
    pub kind: EventKind,
    /// The user after the change.
    pub user: Option<U>,
    /// Which tab caused it.
    pub source: Source,
    /// Why, when it helps (`"restored"`, the refresh endpoint's refusal, ...).
    pub reason: Option<&'static str>,
}

/// Effects for the shell to carry out, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Action<U> {
    /// Tell subscribers.
    Emit(Event<U>),
    /// Write the current token and user to storage.
    Persist,
    /// Remove the stored token.
    ClearStorage,
    /// Send a refresh request for this flight (the proactive timer fired).
    StartRefresh(FlightId),
}

/// The answer to "I want a fresh token".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ticket {
    /// Send the request for this new flight.
    Start(FlightId),
    /// A request is already in flight: wait for it.
    Join(FlightId),
    /// Signed out: there is nothing to refresh until the next login.
    Refused,
}

/// How a refresh ended, as far as the session is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 400/401 from the refresh endpoint: the cookie is gone, expired or revoked.
    Rejected,
    /// Network, timeout, 5xx, 403, an unusable body: try again later; the session stays.
    Transient,
}

/// Whether a flight's result was applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// It was the current flight.
    Yes,
    /// A login or logout happened meanwhile: the result was dropped.
    Stale,
}

/// What to do about a 401 from the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// The request went out with an older token than the current one: resend with the current.
    WithCurrent,
    /// Refresh (or join the refresh in flight), then resend.
    AfterRefresh,
    /// Signed out: hand the 401 to the caller.
    No,
}

/// The session state machine. See the module docs.
#[derive(Debug)]
pub struct Machine<U> {
    phase: Phase,
    token: Option<Token>,
    user: Option<U>,
    gen: u64,
    flight: Option<FlightId>,
    next_flight: u64,
    leeway: Ms,
    /// Set after a transient failure: when the proactive refresh is tried again.
    retry_at: Option<Ms>,
    failures: u32,
    actions: VecDeque<Action<U>>,
}

impl<U: Clone> Machine<U> {
    /// A machine for a fresh page. `leeway` is `refreshLeewayMs`.
    pub fn new(leeway: Ms) -> Self {
        Machine {
            phase: Phase::Unknown,
            token: None,
            user: None,
            gen: 0,
            flight: None,
            next_flight: 0,
            leeway,
            retry_at: None,
            failures: 0,
            actions: VecDeque::new(),
        }
    }

    /// Where the session stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The current token, whatever its expiry.
    pub fn token(&self) -> Option<&Token> {
        self.token.as_ref()
    }

    /// The current token if it is unexpired at `now` (tokens without `exp` count as unexpired).
    pub fn live_token(&self, now: Ms) -> Option<&Token> {
        self.token
            .as_ref()
            .filter(|t| t.expires_at.is_none_or(|e| e > now))
    }

    /// The signed-in user.
    pub fn user(&self) -> Option<&U> {
        self.user.as_ref()
    }

    /// Sets the user (fetched from the user endpoint after the token arrived).
    pub fn set_user(&mut self, user: Option<U>) {
        if self.phase == Phase::Authenticated {
            self.user = user;
            self.actions.push_back(Action::Persist);
        }
    }

    /// The record to persist, when signed in.
    pub fn record(&self) -> Option<TokenRecord> {
        self.token.as_ref().map(|t| TokenRecord {
            value: t.value.clone(),
            expires_at: t.expires_at,
            lifetime: t.lifetime,
        })
    }

    /// The refresh in flight, if any.
    pub fn flight(&self) -> Option<FlightId> {
        self.flight
    }

    /// The next queued effect.
    pub fn poll_action(&mut self) -> Option<Action<U>> {
        self.actions.pop_front()
    }

    /// When [`Machine::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<Ms> {
        if self.phase != Phase::Authenticated || self.flight.is_some() {
            return None;
        }
        self.retry_at.or_else(|| self.refresh_at())
    }

    /// The proactive refresh moment: `leeway` before expiry, where the leeway is capped at half
    /// the token's lifetime so that a leeway longer than the lifetime cannot loop.
    fn refresh_at(&self) -> Option<Ms> {
        let t = self.token.as_ref()?;
        let expires = t.expires_at?;
        let leeway = match t.lifetime {
            Some(life) => self.leeway.min(life / 2),
            None => self.leeway,
        };
        Some(expires.saturating_sub(leeway))
    }

    /// The timer fired (or the page woke up: visible, online, pageshow). Starts a proactive
    /// refresh when one is due.
    pub fn handle_timeout(&mut self, now: Ms) {
        if let Some(due) = self.poll_timeout() {
            if due <= now {
                if let Ticket::Start(id) = self.begin_refresh() {
                    self.actions.push_back(Action::StartRefresh(id));
                }
            }
        }
    }

    /// Whether a request should wait for a refresh before it goes out: the token is expired
    /// (or about to be) by the local clock.
    pub fn wants_refresh_before_send(&self, now: Ms) -> bool {
        self.phase == Phase::Authenticated && self.live_token(now).is_none()
    }

    /// Someone wants a fresh token: start a flight, join the one in flight, or refuse.
    pub fn begin_refresh(&mut self) -> Ticket {
        if let Some(id) = self.flight {
            return Ticket::Join(id);
        }
        if self.phase == Phase::SignedOut {
            return Ticket::Refused;
        }
        self.next_flight += 1;
        let id = FlightId(self.next_flight);
        self.flight = Some(id);
        Ticket::Start(id)
    }

    /// A login succeeded.
    pub fn login_succeeded(&mut self, grant: &Grant, user: Option<U>, now: Ms) {
        // Any refresh in flight was for the old session.
        self.flight = None;
        self.install(grant, now);
        self.user = user;
        self.phase = Phase::Authenticated;
        self.actions.push_back(Action::Persist);
        self.emit(EventKind::SignedIn, None);
    }

    /// A stored record was found at start-up. Adopted when still unexpired at `now`.
    ///
    /// Returns whether it was adopted.
    pub fn restore_record(&mut self, record: TokenRecord, user: Option<U>, now: Ms) -> bool {
        if self.phase != Phase::Unknown || record.expires_at.is_some_and(|e| e <= now) {
            return false;
        }
        self.gen += 1;
        self.token = Some(Token {
            value: record.value,
            gen: self.gen,
            expires_at: record.expires_at,
            lifetime: record.lifetime,
        });
        self.user = user;
        self.phase = Phase::Authenticated;
        self.emit(EventKind::SignedIn, Some("restored"));
        true
    }

    /// The flight `id` returned a token. `user`, when given, replaces the user (the shell
    /// looks the user up before reporting when the session had none).
    pub fn refresh_succeeded(
        &mut self,
        id: FlightId,
        grant: &Grant,
        user: Option<U>,
        now: Ms,
    ) -> Applied {
        if self.flight != Some(id) {
            return Applied::Stale;
        }
        if user.is_some() {
            self.user = user;
        }
        self.flight = None;
        self.retry_at = None;
        self.failures = 0;
        let was = self.phase;
        self.install(grant, now);
        self.phase = Phase::Authenticated;
        self.actions.push_back(Action::Persist);
        if was == Phase::Authenticated {
            self.emit(EventKind::Refreshed, None);
        } else {
            self.emit(EventKind::SignedIn, Some("restored"));
        }
        Applied::Yes
    }

    /// The flight `id` failed.
    pub fn refresh_failed(&mut self, id: FlightId, failure: Failure, now: Ms) -> Applied {
        if self.flight != Some(id) {
            return Applied::Stale;
        }
        self.flight = None;
        match failure {
            Failure::Transient => {
                let wait = RETRY_MIN_MS
                    .saturating_mul(1 << self.failures.min(16))
                    .min(RETRY_MAX_MS);
                self.failures = self.failures.saturating_add(1);
                self.retry_at = Some(now.saturating_add(wait));
            }
            Failure::Rejected => {
                let had_session = self.phase == Phase::Authenticated;
                self.clear();
                if had_session {
                    self.emit(EventKind::Expired, Some("refresh_rejected"));
                }
            }
        }
        Applied::Yes
    }

    /// The API answered 401 to a request sent with generation `sent_with` (`None`: no token).
    pub fn unauthorized(&self, sent_with: Option<u64>) -> Retry {
        match (&self.token, sent_with) {
            (Some(t), Some(g)) if t.gen > g => Retry::WithCurrent,
            (Some(_), None) => Retry::WithCurrent,
            _ if self.phase == Phase::SignedOut => Retry::No,
            _ => Retry::AfterRefresh,
        }
    }

    /// `logout()`: clears everything at once and emits `signedOut` (when there was a session).
    ///
    /// Returns the Bearer to send to the logout endpoint: the token if it is still valid for a
    /// while, else `None` (a stale Bearer would make the server refuse before clearing cookies).
    pub fn logout(&mut self, now: Ms) -> Option<Secret> {
        let bearer = self
            .live_token(now.saturating_add(LOGOUT_BEARER_MARGIN_MS))
            .map(|t| t.value.clone());
        let had_session = self.phase == Phase::Authenticated;
        self.clear();
        if had_session {
            self.emit(EventKind::SignedOut, None);
        }
        bearer
    }

    fn clear(&mut self) {
        self.phase = Phase::SignedOut;
        self.token = None;
        self.user = None;
        self.flight = None;
        self.retry_at = None;
        self.failures = 0;
        self.actions.push_back(Action::ClearStorage);
    }

    fn install(&mut self, grant: &Grant, now: Ms) {
        self.gen += 1;
        let (expires_at, lifetime) = expiry(&grant.claims, grant.expiration_ms, now);
        self.token = Some(Token {
            value: grant.token.clone(),
            gen: self.gen,
            expires_at,
            lifetime,
        });
    }

    fn emit(&mut self, kind: EventKind, reason: Option<&'static str>) {
        self.actions.push_back(Action::Emit(Event {
            kind,
            user: self.user.clone(),
            source: Source::ThisTab,
            reason,
        }));
    }
}

/// Local-clock expiry and lifetime of a token received at `now`.
///
/// With `iat`, the lifetime is counted from receipt (server-clock differences cancel out);
/// without it the SDK has only the client clock to compare `exp` with.
pub fn expiry(claims: &Claims, expiration_ms: Option<Ms>, now: Ms) -> (Option<Ms>, Option<Ms>) {
    let iat_ms = claims.iat.map(|s| s * 1000);
    let server_expiry = expiration_ms.or(claims.exp.map(|s| s * 1000));
    match (server_expiry, iat_ms) {
        (Some(exp), Some(iat)) => {
            let life = exp.saturating_sub(iat);
            let margin = TRUNCATION_MARGIN_MS.min(life / 4);
            (Some(now.saturating_add(life - margin)), Some(life))
        }
        (Some(exp), None) => (Some(exp), Some(exp.saturating_sub(now))),
        (None, _) => (None, None),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
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
        assert_eq!(m.unauthorized(Some(1)), Retry::No);
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
        assert_eq!(kinds(&drain(&mut m)), [EventKind::SignedOut]);
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
        assert_eq!(m.unauthorized(Some(1)), Retry::WithCurrent);
        assert_eq!(m.unauthorized(Some(2)), Retry::AfterRefresh);
        assert_eq!(m.unauthorized(None), Retry::WithCurrent);
        let fresh: Machine<&str> = Machine::new(0);
        assert_eq!(fresh.unauthorized(None), Retry::AfterRefresh);
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
}
