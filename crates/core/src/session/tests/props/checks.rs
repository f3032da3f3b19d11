//! What must hold of the machine at rest and over time: the timing of each token, no timer
//! that is due again at once, and — once everything in flight has finished — client and server
//! agreeing, every call settled, and the app's last call deciding.

use super::*;

impl World {
    /// Checks a token a reply of ours just brought: never withheld, and — when the server's
    /// `iat` can be trusted — its expiry never later than the truth by more than a second.
    pub(super) fn check_timing(&self, token: &Token) {
        let now = self.now();
        assert!(
            self.m.live_token(now).is_some(),
            "a token just issued is withheld"
        );
        let exp = self.tokens[token.value.expose()].2;
        let trusted = match self.iat {
            Iat::Fresh => true,
            Iat::Stale => self.login_seen,
            Iat::Missing => false,
        };
        if let (true, Some(at)) = (trusted, token.expires_at) {
            // When real time reaches the server's exp, as machine time.
            let left = exp as i64 - self.skew - self.real as i64;
            let truth = now as i64 + left;
            assert!(
                at as i64 <= truth + 1000,
                "expiry {at} later than the truth {truth}"
            );
        }
    }

    /// The timer never asks to fire in a loop: once it has been handled, the next due time is
    /// in the future, or something is in flight.
    pub(super) fn no_timer_loop(&mut self) {
        let now = self.now();
        if self.m.poll_timeout().is_some_and(|t| t <= now) {
            self.input(Input::Timeout);
            let idle = self.wire.is_empty() && !self.ledger.lock_wanted;
            let again = self.m.poll_timeout().is_some_and(|t| t <= self.now());
            assert!(
                !(idle && again),
                "the timer is due again at once: a refresh loop"
            );
        }
    }

    pub(super) fn check_settled(&self) {
        assert!(self.wire.is_empty() && !self.ledger.lock_wanted && !self.ledger.lock_held);
        assert_eq!(
            (self.settled.len() + self.lost.len()) as u32,
            self.ops,
            "a call never settled"
        );
        // Client and server agree.
        match self.m.token() {
            Some(t) => assert_eq!(
                Some(self.session_of(&t.value)),
                self.jar,
                "signed in to another session than the cookie's"
            ),
            // The marker: the next page load finishes the logout another tab began.
            None if self.jar.is_some() => assert!(
                self.m.state() == State::Unknown || self.m.logout_pending() || self.marker,
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
                if let Some(Outcome::Session(s) | Outcome::SignedUp(Some(s))) =
                    self.settled.get(&op)
                {
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
