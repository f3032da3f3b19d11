//! Tests of `doctor::timing`.

use super::*;
use alloc::vec::Vec;

const S: u64 = 1_700_000_000;

fn claims(iat: u64, exp: u64) -> Claims {
    Claims {
        iat: Some(iat),
        exp: Some(exp),
    }
}

fn codes(s: &Stamps) -> Vec<&'static str> {
    findings(s).map(|f| f.code).collect()
}

#[test]
fn a_copied_iat_is_a_warning_naming_the_upgrade() {
    let s = Stamps {
        login: claims(S, S + 300),
        login_received: S * 1000 + 50,
        refresh: Some(claims(S, S + 302)),
    };
    let f: Vec<Finding> = findings(&s).collect();
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].code, f[0].level), ("iat_copied", Level::Warning));
    assert!(f[0].fix.as_deref().unwrap().contains("5.5.1"));
    // 5.5.1: a fresh iat.
    let fresh = Stamps {
        refresh: Some(claims(S + 2, S + 302)),
        ..s
    };
    assert!(codes(&fresh).is_empty());
    // No refresh token to compare with, or no iat: nothing to say.
    assert!(codes(&Stamps { refresh: None, ..s }).is_empty());
}

#[test]
fn a_clock_far_off_is_information_in_minutes() {
    let behind = Stamps {
        login: claims(S, S + 300),
        login_received: S * 1000 - 10 * 60_000,
        refresh: None,
    };
    let f: Vec<Finding> = findings(&behind).collect();
    assert_eq!((f[0].code, f[0].level), ("clock_off", Level::Info));
    assert!(
        f[0].message.contains("about 10 minutes behind"),
        "{}",
        f[0].message
    );
    let ahead = Stamps {
        login_received: S * 1000 + 3 * 3_600_000,
        ..behind
    };
    let f: Vec<Finding> = findings(&ahead).collect();
    assert!(
        f[0].message.contains("about 180 minutes ahead of"),
        "{}",
        f[0].message
    );
    // Within a minute (and the second iat is truncated by): nothing.
    let close = Stamps {
        login_received: S * 1000 + 30_000,
        ..behind
    };
    assert!(codes(&close).is_empty());
    assert_eq!(decimal(0), "0");
    assert_eq!(decimal(1234567), "1234567");
}
