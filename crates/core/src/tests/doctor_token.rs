//! Tests of `doctor::token`.

use super::*;
use crate::outcome::testing::detail;
use alloc::string::ToString;

fn probed(status: u16, code: Option<&str>) -> Vec<Finding> {
    let d = if code.is_some() {
        "Given token not valid for any token type"
    } else {
        "Authentication credentials were not provided."
    };
    findings(&Probes {
        refused_token: Some(("Bearer".to_string(), Some((status, detail(d, code))))),
        ..Probes::default()
    })
}

#[test]
fn a_403_for_a_refused_token_is_information_naming_the_class_order() {
    let f = probed(403, Some("token_not_valid"));
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].level, f[0].code), (Level::Info, "refused_token_403"));
    assert!(f[0].message.contains("SessionAuthentication"));
    assert!(f[0]
        .fix
        .as_deref()
        .is_some_and(|x| x.contains("DEFAULT_AUTHENTICATION_CLASSES")));
    assert!(
        probed(401, Some("token_not_valid")).is_empty(),
        "as it should be"
    );
}

#[test]
fn a_header_the_server_ignores_names_auth_header_types() {
    for status in [401, 403] {
        let f = probed(status, None);
        assert_eq!(f.len(), 1, "{status}");
        assert_eq!(
            (f[0].level, f[0].code),
            (Level::Error, "auth_scheme_ignored")
        );
        assert!(f[0].fix.as_deref().unwrap().contains("AUTH_HEADER_TYPES"));
    }
}

#[test]
fn no_probe_or_no_answer_or_another_status_is_no_finding() {
    assert!(findings(&Probes::default()).is_empty());
    assert!(findings(&Probes {
        refused_token: Some(("Bearer".to_string(), None)),
        ..Probes::default()
    })
    .is_empty());
    assert!(probed(404, None).is_empty());
    assert!(probed(200, None).is_empty());
}
