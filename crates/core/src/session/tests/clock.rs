//! The machine's clock (`clock`): monotonic, with the wall clock's steps after sleep.

use crate::session::clock::*;
use crate::session::*;

const T0: Ms = 1_700_000_000_000;

fn r(wall: Ms, mono: Ms) -> Reading {
    Reading { wall, mono }
}

#[test]
fn time_follows_the_monotonic_clock() {
    let mut c = Clock::start(r(T0, 0));
    assert_eq!(c.tick(r(T0 + 1000, 1000)), T0 + 1000);
    // Jitter between the clocks is not a jump.
    assert_eq!(c.tick(r(T0 + 1500, 1501)), T0 + 1501);
    assert_eq!(c.jumps(), 0);
}

#[test]
fn a_wall_clock_set_back_moves_no_deadline() {
    let mut c = Clock::start(r(T0, 0));
    assert_eq!(c.tick(r(T0 - 3_600_000, 1000)), T0 + 1000);
    assert_eq!(c.jumps(), 1);
    // What leaves the machine follows the wall clock.
    assert_eq!(c.to_wall(T0 + 1000), T0 - 3_600_000);
    assert_eq!(c.from_wall(T0 - 3_600_000 + 60_000), T0 + 61_000);
}

#[test]
fn sleep_advances_time_by_the_wall_clock() {
    let mut c = Clock::start(r(T0, 0));
    // Asleep for an hour: the monotonic clock stood still.
    assert_eq!(c.tick(r(T0 + 3_600_000, 10)), T0 + 3_600_000);
    assert_eq!(c.jumps(), 1);
    // A platform whose monotonic clock counts sleep: the same.
    let mut c = Clock::start(r(T0, 0));
    assert_eq!(c.tick(r(T0 + 3_600_000, 3_600_000)), T0 + 3_600_000);
    assert_eq!(c.jumps(), 0);
}

#[test]
fn at_does_not_record() {
    let c = Clock::start(r(T0, 500));
    assert_eq!(c.at(r(T0 + 10, 510)), T0 + 10);
    assert_eq!(c.to_wall(T0 + 10), T0 + 10);
}
