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

#[test]
fn every_event_kind_and_source_reads_back_from_its_name() {
    for kind in EventKind::ALL {
        assert_eq!(EventKind::named(kind.as_str()), Some(kind));
    }
    for source in [Source::ThisTab, Source::OtherTab] {
        assert_eq!(Source::named(source.as_str()), Some(source));
    }
    assert_eq!(EventKind::named("signed_in"), None);
    assert_eq!(Source::named("thisTab"), None);
}
