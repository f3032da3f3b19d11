//! Inputs from other tabs of the same origin (cross-tab coordination).
//!
//! Tabs share one HttpOnly refresh cookie. Their cookie-setting requests are serialised by the
//! cross-tab lock; the tab whose request changed the session broadcasts the result and the
//! others follow. A refresh that gets the lock after another tab's token arrived ends without
//! a request (see `jobs`).

use super::io::Snapshot;
use super::job::Work;
use super::{EventKind, Machine, Ms, Phase, Source, State};
use crate::outcome::header_safe;

/// Two tokens issued in the same second have the same `exp` (whole seconds), but their
/// estimates, each converted from one tab's clock to wall time and into another's, differ by
/// the conversions' jitter (a millisecond or two): estimates this close are a tie.
const TIE_MS: Ms = 1000;

impl<U: Clone> Machine<U> {
    /// Another tab signed in (`signed_in`) or refreshed, and sent its token.
    ///
    /// A sign-in is always followed: the cookies now belong to that session, so this tab's
    /// refreshes (for the old one) and its logouts not yet sent (which would end the new one)
    /// are superseded. A refresh is adopted unless it expires before what this tab holds by
    /// more than [`TIE_MS`] (a tie — issued in the same second — is adopted, so that the tabs
    /// agree on one token), and this tab is not signed out.
    pub(super) fn remote_token(&mut self, snapshot: Snapshot<U>, signed_in: bool, now: Ms) {
        self.peers_seen = true;
        let snapshot = self.on_machine_clock(snapshot);
        let record = &snapshot.record;
        if !record.live_at(now) || !header_safe(record.value.expose()) {
            return;
        }
        if self.token().is_some_and(|t| t.value == record.value) {
            return;
        }
        let was = self.state();
        if signed_in {
            // A logout already on the wire goes on: its answer ends it.
            let taken = self.take_superseded(&|j| match j.work {
                Work::Refresh(_) => true,
                Work::Logout(_) => j.on_wire().is_none(),
                _ => false,
            });
            self.sign_in(snapshot.record, snapshot.user, None);
            self.persist();
            self.push_event(Source::OtherTab, EventKind::SignedIn, None);
            self.answer_taken(taken, now);
        } else {
            if was == State::SignedOut {
                return;
            }
            let ours = self.token().and_then(|t| t.expires_at);
            if ours.is_some_and(|o| {
                record
                    .expires_at
                    .is_none_or(|r| r.saturating_add(TIE_MS) < o)
            }) {
                return;
            }
            let user = snapshot.user.or_else(|| self.user().cloned());
            self.sign_in(snapshot.record, user, None);
            self.persist();
            let kind = if was == State::SignedIn {
                EventKind::Refreshed
            } else {
                EventKind::SignedIn
            };
            self.push_event(Source::OtherTab, kind, None);
        }
        self.pump(now);
    }

    /// Another tab called `logout()` (it talks to the server; this tab only forgets).
    pub(super) fn remote_signed_out(&mut self, now: Ms) {
        self.peers_seen = true;
        if self.state() == State::SignedOut {
            return;
        }
        self.follow_sign_out(EventKind::SignedOut, None, now);
    }

    /// The server refused the refresh cookie in another tab.
    pub(super) fn remote_expired(&mut self, now: Ms) {
        self.peers_seen = true;
        if self.state() != State::SignedIn {
            return;
        }
        self.follow_sign_out(EventKind::Expired, Some("refresh_rejected"), now);
    }

    fn follow_sign_out(&mut self, kind: EventKind, reason: Option<&'static str>, now: Ms) {
        let taken = self.take_superseded(&|j| j.is_refresh());
        let had_session = self.state() == State::SignedIn;
        self.clear(false);
        if had_session {
            self.push_event(Source::OtherTab, kind, reason);
        }
        self.answer_taken(taken, now);
        self.pump(now);
    }

    /// Another tab's `updateUser()` changed the user.
    pub(super) fn remote_user(&mut self, snapshot: Snapshot<U>, now: Ms) {
        self.peers_seen = true;
        if let (Some(u), Phase::SignedIn { user, .. }) = (snapshot.user, &mut self.phase) {
            *user = Some(u);
            self.persist();
            self.push_event(Source::OtherTab, EventKind::UserUpdated, None);
        }
        self.pump(now);
    }
}
