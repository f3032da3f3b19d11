//! The machine's one timer, and the page waking: what is due when (a proactive refresh, a
//! retry after a transient failure, a caller's deadline), and what runs when the timer fires or
//! the page becomes visible or comes back online.

use super::job::{self, Work};
use super::{timing, Machine, Ms, PageState, Phase};

impl<U: Clone> Machine<U> {
    /// When a refresh of this tab's own is due, when none is queued: the proactive one (or its
    /// retry) of a session held, or the next try to decide a session the server could not be
    /// asked about — only while the page is visible and online.
    pub(super) fn refresh_due(&self) -> Option<Ms> {
        if !self.queue.idle() {
            return None;
        }
        match &self.phase {
            Phase::SignedIn { .. } => self.backoff.due().or_else(|| self.refresh_at()),
            Phase::Unknown {
                unreachable: Some(_),
            } if self.page.visible && self.page.online => self.backoff.due(),
            _ => None,
        }
    }

    /// The timer fired (or the page woke up): callers past their deadline give up, a grace
    /// period ends, a refresh starts when one is due.
    pub(super) fn handle_timeout(&mut self, now: Ms) {
        self.expire_waiters(now);
        if self.refresh_due().is_some_and(|at| at <= now) {
            self.backoff.trying();
            self.push(Work::Refresh(job::Refresh::new(self.gen)));
        }
        self.pump(now);
    }

    /// The page woke up (visible, online, pageshow), or went hidden or offline: a retry waiting
    /// out a failure is hurried when the page became visible or came back online, the timer's
    /// work runs, and a logout the server has not confirmed is tried again.
    pub(super) fn wake(&mut self, page: PageState, now: Ms) {
        let was = core::mem::replace(&mut self.page, page);
        let back = (page.visible && !was.visible) || (page.online && !was.online);
        if back && page.visible && page.online {
            self.backoff.hurry(now);
        }
        // Not behind a login: its cookies will replace the ones the logout was to clear. Not
        // from a page going hidden (it may be unloading: its request and lock would be cut
        // off mid-way).
        if self.logout_pending() && self.queue.idle() && page.online && page.visible {
            self.push(Work::Logout(job::Logout::new()));
        }
        self.handle_timeout(now);
    }

    /// The proactive refresh moment: `leeway` before expiry, where the leeway is capped at half
    /// the token's lifetime so that a leeway longer than the lifetime cannot loop.
    pub(super) fn refresh_at(&self) -> Option<Ms> {
        let t = self.token()?;
        timing::refresh_at(t.expires_at?, t.lifetime, self.opts.leeway)
    }
}
