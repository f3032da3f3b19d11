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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_jittered_in_its_upper_half_and_is_capped() {
        for seed in [0, 1, 42, u64::MAX] {
            let mut b = Backoff::new(seed);
            let mut wait = RETRY_MIN_MS;
            for _ in 0..12 {
                b.failed(0);
                let at = b.due().unwrap();
                assert!(at >= wait / 2 && at <= wait, "{seed}: {at} for {wait}");
                wait = (wait * 2).min(RETRY_MAX_MS);
            }
            assert!(b.due().unwrap() >= RETRY_MAX_MS / 2);
        }
        // Two seeds, two schedules: tabs do not come back together.
        let (mut a, mut b) = (Backoff::new(7), Backoff::new(8));
        let mut differ = false;
        for _ in 0..6 {
            a.failed(0);
            b.failed(0);
            differ |= a.due() != b.due();
        }
        assert!(differ);
    }

    #[test]
    fn hurrying_is_never_sooner_than_the_least_gap_and_only_after_a_failure() {
        let mut b = Backoff::new(3);
        b.hurry(100);
        assert_eq!(b.due(), None, "nothing failed");
        for _ in 0..5 {
            b.failed(10_000);
        }
        assert!(b.due().unwrap() > 20_000);
        b.hurry(10_200);
        assert_eq!(
            b.due(),
            Some(10_000 + RETRY_MIN_MS),
            "a second after the failure"
        );
        b.hurry(30_000);
        assert_eq!(
            b.due(),
            Some(10_000 + RETRY_MIN_MS),
            "never later than planned"
        );
        b.trying();
        assert_eq!(b.due(), None);
        b.reset();
        assert!(!b.waiting());
    }
}
