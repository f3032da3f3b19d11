//! Tests of `doctor::account`.

use super::*;

#[test]
fn a_sign_up_that_exposed_the_refresh_token_is_a_warning() {
    assert!(findings(&Probes::default()).is_empty());
    let p = Probes {
        sign_up_refresh_in_body: true,
        ..Probes::default()
    };
    let f = findings(&p);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].level, f[0].code),
        (Level::Warning, "sign_up_refresh_in_body")
    );
    assert!(f[0]
        .fix
        .as_deref()
        .is_some_and(|x| x.contains("get_response_data")));
}
