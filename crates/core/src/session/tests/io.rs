//! What crosses to the shell (`io`).

use crate::session::*;

#[test]
fn every_delay_fits_a_browser_timer() {
    assert_eq!(Delay::ms(15_000).get(), 15_000);
    // timeoutMs at its documented maximum, times the refresh's factor of 4: clamped, so
    // the timer does not fire at once.
    assert_eq!(Delay::ms(4 * 2_147_483_647), Delay::MAX);
    assert_eq!(Delay::ms(u64::MAX).get(), 2_147_483_647);
    assert_eq!(Delay::until(10, 20).get(), 0);
    assert_eq!(Delay::until(u64::MAX, 0), Delay::MAX);
}
