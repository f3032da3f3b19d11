//! Tests of `secret`.

use super::*;
use alloc::string::ToString;

#[test]
fn debug_is_redacted() {
    let s = Secret::new("eyJhbGciOi.secret.sig".to_string());
    assert_eq!(alloc::format!("{s:?}"), "Secret(..)");
    assert_eq!(s.expose(), "eyJhbGciOi.secret.sig");
}
