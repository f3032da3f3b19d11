//! The machine's clock: monotonic durations, and the wall clock only where it must be.
//!
//! The shell reads two clocks at every input: the wall clock (`Date.now()`, what `exp` and
//! `iat` are compared with, and what the app sees in `expiresAt`) and a monotonic one
//! (`performance.now()`). The machine's time advances with the monotonic clock, so that a wall
//! clock set back (by the user, or NTP stepping it) changes no deadline. The monotonic clock of
//! most platforms stands still while the device sleeps, though, and a sleeping laptop is the
//! common reason a token expires unseen: when the wall clock runs ahead of the monotonic one
//! by more than [`JUMP_MS`], the machine takes the wall clock's step. A wall clock set forward
//! looks the same and is taken as sleep too; the token timing recovers from it (see `timing`).
//!
//! Times inside the machine are machine time; times that leave it (stored and broadcast
//! records, `expiresAt`) are wall time, converted here.

use super::Ms;

/// A gap between the two clocks larger than this is a jump, not jitter.
pub const JUMP_MS: Ms = 2000;

/// The shell's clocks at one moment, in whole milliseconds: `Date.now()` and
/// `performance.now()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// Wall clock, ms since the epoch.
    pub wall: Ms,
    /// Monotonic clock, ms since an arbitrary start.
    pub mono: Ms,
}

/// The machine's clock: the last reading and the machine time it gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    last: Reading,
    now: Ms,
    /// How many wall-clock jumps were seen (either way).
    jumps: u32,
}

impl Clock {
    /// Machine time starts at the wall clock's reading.
    pub fn start(at: Reading) -> Clock {
        Clock {
            last: at,
            now: at.wall,
            jumps: 0,
        }
    }

    /// The machine time at `at`, without recording it.
    pub fn at(&self, at: Reading) -> Ms {
        let mono = at.mono.saturating_sub(self.last.mono);
        match at.wall.checked_sub(self.last.wall) {
            Some(wall) if wall > mono.saturating_add(JUMP_MS) => self.now.saturating_add(wall),
            _ => self.now.saturating_add(mono),
        }
    }

    /// Records `at`; returns the machine time.
    pub fn tick(&mut self, at: Reading) -> Ms {
        let now = self.at(at);
        let wall = at.wall as i128 - self.last.wall as i128;
        let mono = at.mono.saturating_sub(self.last.mono) as i128;
        if (wall - mono).abs() > JUMP_MS as i128 {
            self.jumps = self.jumps.saturating_add(1);
        }
        self.last = at;
        self.now = now;
        now
    }

    /// How many wall-clock jumps were seen.
    pub fn jumps(&self) -> u32 {
        self.jumps
    }

    /// Machine time `t` on the wall clock (as of the last reading).
    pub fn to_wall(&self, t: Ms) -> Ms {
        shift(t, self.last.wall, self.now)
    }

    /// Wall time `w` in machine time.
    pub fn from_wall(&self, w: Ms) -> Ms {
        shift(w, self.now, self.last.wall)
    }
}

/// `t + to − from`, saturating.
fn shift(t: Ms, to: Ms, from: Ms) -> Ms {
    if to >= from {
        t.saturating_add(to - from)
    } else {
        t.saturating_sub(from - to)
    }
}
