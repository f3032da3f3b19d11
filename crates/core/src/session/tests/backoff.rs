//! Retries after transient failures (`backoff`): doubling, jittered, capped, never a storm.

use crate::session::backoff::*;

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
