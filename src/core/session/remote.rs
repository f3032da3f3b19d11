//! Inputs from other tabs of the same origin (cross-tab coordination).
//!
//! Tabs share one HttpOnly refresh cookie. Refreshes are serialised across tabs by a lock in
//! the shell; the winner broadcasts its token and the others adopt it. A flight that gets the
//! lock after another tab's token arrived is finished without a request
//! ([`Machine::adopt_in_flight`]).

use super::{Action, EventKind, Machine, Ms, Phase, Source, TokenRecord};

impl<U: Clone> Machine<U> {
    /// Another tab signed in (`signed_in`) or refreshed, and sent its token.
    ///
    /// A login is always followed (it is the user's latest intent); a refresh is adopted only
    /// when it is newer than what this tab holds and this tab is not signed out.
    pub fn remote_token(&mut self, record: TokenRecord, user: Option<U>, signed_in: bool, now: Ms) {
        if record.expires_at.is_some_and(|e| e <= now) {
            return;
        }
        if self.token.as_ref().is_some_and(|t| t.value == record.value) {
            return;
        }
        if signed_in {
            // The cookies now belong to the new session: a refresh of ours would be for the old.
            self.cancel_flight();
            self.logout_pending = false;
        } else {
            if self.phase == Phase::SignedOut {
                return;
            }
            let ours = self.token.as_ref().and_then(|t| t.expires_at);
            if ours.is_some_and(|o| record.expires_at.is_none_or(|r| r <= o)) {
                return;
            }
        }
        let was = self.phase;
        self.adopt(record);
        if user.is_some() || signed_in {
            self.user = user;
        }
        self.phase = Phase::Authenticated;
        self.retry_at = None;
        self.failures = 0;
        self.actions.push_back(Action::Persist);
        let kind = if signed_in || was != Phase::Authenticated {
            EventKind::SignedIn
        } else {
            EventKind::Refreshed
        };
        self.emit_from(Source::OtherTab, kind, None);
    }

    /// Another tab called `logout()` (it talks to the server; this tab only forgets).
    pub fn remote_signed_out(&mut self) {
        if self.phase == Phase::SignedOut {
            return;
        }
        let had_session = self.phase == Phase::Authenticated;
        self.clear();
        if had_session {
            self.emit_from(Source::OtherTab, EventKind::SignedOut, None);
        }
    }

    /// The server refused the refresh cookie in another tab.
    pub fn remote_expired(&mut self) {
        if self.phase != Phase::Authenticated {
            return;
        }
        self.clear();
        self.emit_from(
            Source::OtherTab,
            EventKind::Expired,
            Some("refresh_rejected"),
        );
    }

    /// The flight `id` holds the cross-tab lock. If a token newer than the one the flight was
    /// meant to replace arrived meanwhile (from the tab that held the lock before) and it is
    /// not itself due for refresh, the flight ends here without a request.
    pub fn adopt_in_flight(&mut self, id: FlightId, now: Ms) -> bool {
        if self.flight != Some(id) {
            return false;
        }
        let fresh = self
            .token
            .as_ref()
            .is_some_and(|t| t.gen > self.flight_base)
            && self.live_token(now).is_some()
            && self.refresh_at().is_none_or(|at| at > now);
        if fresh {
            self.flight = None;
            self.retry_at = None;
            self.failures = 0;
        }
        fresh
    }
}

use super::FlightId;
