//! Trying again after a transient failure (network, timeout, 5xx): a refresh of a session
//! that is kept, or the restore of a session that could not be decided.
//!
//! The wait doubles from [`RETRY_MIN_MS`] to at most [`RETRY_MAX_MS`] and is jittered (a random
//! point in its upper half), so that the tabs and devices a server outage failed together do
//! not come back together. A retry "at once" (the page became visible, or the browser came
//! back online) is still never sooner than [`RETRY_MIN_MS`] after the last try: a burst of
//! such events is one request.

use super::Ms;

/// The first wait, and the least time between two tries.
pub const RETRY_MIN_MS: Ms = 1000;
/// The longest wait.
pub const RETRY_MAX_MS: Ms = 60_000;

/// When to try again, and what the failures so far make the next wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The next try, when one is planned.
    at: Option<Ms>,
    /// Consecutive failures.
    failures: u32,
    /// When the last failure was seen.
    last: Option<Ms>,
    /// A xorshift64 state, seeded by the shell (the machine has no randomness of its own).
    rng: u64,
}

impl Backoff {
    /// No failure yet; `seed` drives the jitter (any value; 0 is replaced).
    pub fn new(seed: u64) -> Backoff {
        Backoff {
            at: None,
            failures: 0,
            last: None,
            rng: seed | 1,
        }
    }

    /// The next planned try.
    pub fn due(&self) -> Option<Ms> {
        self.at
    }

    /// Whether a failure is being waited out.
    pub fn waiting(&self) -> bool {
        self.failures > 0
    }

    /// A try failed at `now`: plans the next one, jittered in the upper half of the wait.
    pub fn failed(&mut self, now: Ms) {
        let wait = RETRY_MIN_MS
            .saturating_mul(1 << self.failures.min(16))
            .min(RETRY_MAX_MS);
        let half = wait / 2;
        let wait = half + self.next_random() % (wait - half + 1);
        self.failures = self.failures.saturating_add(1);
        self.last = Some(now);
        self.at = Some(now.saturating_add(wait));
    }

    /// Something says a try could succeed now (visible, online): plan it at once, or as soon
    /// as [`RETRY_MIN_MS`] has passed since the last failure. Only while waiting one out.
    pub fn hurry(&mut self, now: Ms) {
        if !self.waiting() {
            return;
        }
        let soonest = self.last.map_or(now, |l| l.saturating_add(RETRY_MIN_MS));
        self.at = Some(self.at.map_or(soonest, |a| a.min(soonest.max(now))));
    }

    /// A try started: nothing planned until it ends.
    pub fn trying(&mut self) {
        self.at = None;
    }

    /// It worked, or there is nothing to retry any more.
    pub fn reset(&mut self) {
        self.at = None;
        self.failures = 0;
        self.last = None;
    }

    fn next_random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }
}
