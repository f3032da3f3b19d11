//! The logout job: the server call of `logout()`, sent with the Bearer the cookies were issued
//! with (it gets the request past Django's CSRF check) while that token is valid long enough,
//! and its answer as [`crate::logout::next_step`] reads it: done (the view ran and deleted the
//! cookies, or not), resend without a refused Bearer, or with a fresh one from the refresh
//! cookie (or a minted CSRF cookie when none is left).

use alloc::string::String;

use super::io::Payload;
use super::job::{ExchangeStage, Job, JobId, Logout, Resend, Work};
use super::queue::Next;
use super::{Machine, Ms, Reply};
use crate::error::AuthError;
use crate::logout::{self, LogoutOutcome, LogoutStep};
use crate::outcome::Endpoint;

/// A Bearer is only sent to logout when it is valid for at least this long (an expired one
/// makes dj-rest-auth answer 401 before the view runs, and then it clears no cookies).
const LOGOUT_BEARER_MARGIN_MS: Ms = 5000;

/// A logout the server did not confirm, and why.
pub(super) fn not_confirmed(why: &str) -> LogoutOutcome {
    LogoutOutcome {
        server_confirmed: false,
        warning: Some(String::from(why)),
        cookies_cleared: false,
    }
}

impl<U: Clone> Machine<U> {
    /// The logout is at the head: its request, with the cookies' token as Bearer while it is
    /// valid long enough.
    pub(super) fn start_logout(&mut self, id: JobId, mut l: Logout, now: Ms) -> Next {
        l.exchange.bearer = self
            .jar
            .as_ref()
            .filter(|j| j.live_at(now.saturating_add(LOGOUT_BEARER_MARGIN_MS)))
            .map(|j| j.value.clone());
        self.send_logout(&mut l, false);
        Next::Stays(Job {
            id,
            work: Work::Logout(l),
        })
    }

    fn send_logout(&mut self, l: &mut Logout, mint: bool) {
        let mut request = self.request(Endpoint::Logout, Payload::Empty, l.exchange.bearer.clone());
        request.mint_csrf = mint;
        l.stage = ExchangeStage::Sent(self.send(request));
    }

    /// The answer to the logout's current request.
    pub(super) fn logout_step(
        &mut self,
        id: JobId,
        mut l: Logout,
        reply: Result<Reply<U>, AuthError>,
        now: Ms,
    ) -> Next {
        if let ExchangeStage::GettingBearer(_) = l.stage {
            return match self.bearer_answered(&mut l.exchange, &reply, now) {
                Resend::WithBearer => self.resend_logout(id, l, false),
                Resend::WithMintedCsrfCookie => self.resend_logout(id, l, true),
                Resend::GiveUp => {
                    let o = l.exchange.fallback.take().map(|(_, o)| o);
                    let o = o.unwrap_or_else(|| not_confirmed("logout failed"));
                    self.logged_out(id, o, now);
                    Next::Done
                }
            };
        }
        let r = reply.as_ref().map(|r| (r.status, &r.facts));
        match logout::next_step(r, l.exchange.bearer.is_some(), l.exchange.fresh) {
            LogoutStep::Finished(outcome) => {
                self.logged_out(id, outcome, now);
                Next::Done
            }
            LogoutStep::ResendWithoutBearer => {
                l.exchange.bearer = None;
                self.resend_logout(id, l, false)
            }
            LogoutStep::ResendWithFreshBearer {
                no_bearer,
                otherwise,
            } => {
                l.exchange.fallback = Some((no_bearer, otherwise));
                l.stage = ExchangeStage::GettingBearer(self.send_bearer_refresh());
                Next::Stays(Job {
                    id,
                    work: Work::Logout(l),
                })
            }
        }
    }

    fn resend_logout(&mut self, id: JobId, mut l: Logout, mint: bool) -> Next {
        self.send_logout(&mut l, mint);
        Next::Stays(Job {
            id,
            work: Work::Logout(l),
        })
    }
}
