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

mod event;
mod remote;

pub use event::{Action, Broadcast, Event, EventKind, Source};

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

/// One API request, as the retry rule sees it: the token generation it went out with, and
/// whether it was already retried (at most once).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attempt {
    sent_with: Option<u64>,
    retried: bool,
}

impl Attempt {
    /// Records the generation of the token the request is being sent with (`None`: none).
    pub fn sending(&mut self, gen: Option<u64>) {
        self.sent_with = gen;
    }

    /// Whether the request was already retried.
    pub fn retried(&self) -> bool {
        self.retried
    }
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
    /// The token generation when the flight started: a newer one arriving from another tab
    /// while the flight waits for the cross-tab lock makes the request unnecessary.
    flight_base: u64,
    next_flight: u64,
    leeway: Ms,
    /// Set after a transient failure: when the proactive refresh is tried again.
    retry_at: Option<Ms>,
    /// `logout()` has not been confirmed by the server yet (durable: mirrored in storage).
    logout_pending: bool,
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
            flight_base: 0,
            next_flight: 0,
            leeway,
            retry_at: None,
            logout_pending: false,
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
        self.flight_base = self.gen;
        Ticket::Start(id)
    }

    /// A login succeeded.
    pub fn login_succeeded(&mut self, grant: &Grant, user: Option<U>, now: Ms) {
        // Any refresh in flight, and any logout not yet confirmed, was for the old session.
        self.cancel_flight();
        if self.logout_pending {
            self.logout_pending = false;
            self.actions.push_back(Action::ForgetLogout);
        }
        self.install(grant, now);
        self.user = user;
        self.phase = Phase::Authenticated;
        self.actions.push_back(Action::Persist);
        self.actions
            .push_back(Action::Broadcast(Broadcast::Token { signed_in: true }));
        self.emit(EventKind::SignedIn, None);
    }

    /// A stored record was found at start-up. Adopted when still unexpired at `now`.
    ///
    /// Returns whether it was adopted.
    pub fn restore_record(&mut self, record: TokenRecord, user: Option<U>, now: Ms) -> bool {
        if self.phase != Phase::Unknown || record.expires_at.is_some_and(|e| e <= now) {
            return false;
        }
        self.adopt(record);
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
        self.actions
            .push_back(Action::Broadcast(Broadcast::Token { signed_in: false }));
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
                    self.actions
                        .push_back(Action::Broadcast(Broadcast::Expired));
                    self.emit(EventKind::Expired, Some("refresh_rejected"));
                }
            }
        }
        Applied::Yes
    }

    /// The API answered 401 to `attempt`. Each request is retried at most once.
    pub fn unauthorized(&self, attempt: &mut Attempt) -> Retry {
        if attempt.retried {
            return Retry::No;
        }
        let decision = match (&self.token, attempt.sent_with) {
            (Some(t), Some(g)) if t.gen > g => Retry::WithCurrent,
            (Some(_), None) => Retry::WithCurrent,
            _ if self.phase == Phase::SignedOut => Retry::No,
            _ => Retry::AfterRefresh,
        };
        attempt.retried = decision != Retry::No;
        decision
    }

    /// Whether a `logout()` still waits for the server's confirmation. While it does, the
    /// session cannot come back from the (still present) cookie: `restore()` finds nothing.
    pub fn logout_pending(&self) -> bool {
        self.logout_pending
    }

    /// At start-up: storage says an earlier `logout()` never reached the server.
    pub fn logout_pending_found(&mut self) {
        if self.phase == Phase::Unknown {
            self.phase = Phase::SignedOut;
            self.logout_pending = true;
        }
    }

    /// The server confirmed the logout (2xx) or answered that there was nothing to clear.
    pub fn server_logout_done(&mut self) {
        if self.logout_pending {
            self.logout_pending = false;
            self.actions.push_back(Action::ForgetLogout);
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
        // Remembered before the request goes out, so that closing the page mid-request is
        // covered too; forgotten when the server confirms.
        self.logout_pending = true;
        self.actions.push_back(Action::RememberLogout);
        self.actions
            .push_back(Action::Broadcast(Broadcast::SignedOut));
        if had_session {
            self.emit(EventKind::SignedOut, None);
        }
        bearer
    }

    /// Drops the flight in flight and asks the shell to abort its request: its answer would
    /// set the old session's cookies again (a logout's deletions, a login's new cookies).
    fn cancel_flight(&mut self) {
        if let Some(id) = self.flight.take() {
            self.actions.push_back(Action::CancelRefresh(id));
        }
    }

    fn clear(&mut self) {
        self.phase = Phase::SignedOut;
        self.token = None;
        self.user = None;
        self.cancel_flight();
        self.retry_at = None;
        self.failures = 0;
        self.actions.push_back(Action::ClearStorage);
    }

    /// A token received at `now` becomes the current one.
    fn install(&mut self, grant: &Grant, now: Ms) {
        let (expires_at, lifetime) = expiry(&grant.claims, grant.expiration_ms, now);
        self.adopt(TokenRecord {
            value: grant.token.clone(),
            expires_at,
            lifetime,
        });
    }

    /// `record` becomes the current token, one generation newer.
    fn adopt(&mut self, record: TokenRecord) {
        self.gen += 1;
        self.token = Some(Token {
            value: record.value,
            gen: self.gen,
            expires_at: record.expires_at,
            lifetime: record.lifetime,
        });
    }

    fn emit(&mut self, kind: EventKind, reason: Option<&'static str>) {
        self.emit_from(Source::ThisTab, kind, reason);
    }

    fn emit_from(&mut self, source: Source, kind: EventKind, reason: Option<&'static str>) {
        self.actions.push_back(Action::Emit(Event {
            kind,
            user: self.user.clone(),
            source,
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
mod props;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
