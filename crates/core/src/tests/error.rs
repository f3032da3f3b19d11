//! Tests of `error`.

use super::*;

#[test]
fn config_error_names_the_key() {
    let e = AuthError::config("timeoutMs", "must be a positive number");
    assert_eq!(e.code(), "config");
    assert_eq!(e.message, "timeoutMs: must be a positive number");
}

#[test]
fn codes_are_the_documented_strings() {
    let all = [
        (ErrorCode::Config, "config"),
        (ErrorCode::InvalidCredentials, "invalid_credentials"),
        (ErrorCode::EmailNotVerified, "email_not_verified"),
        (ErrorCode::SessionExpired, "session_expired"),
        (ErrorCode::Network, "network"),
        (ErrorCode::Timeout, "timeout"),
        (ErrorCode::Aborted, "aborted"),
        (ErrorCode::Server, "server"),
        (ErrorCode::BadResponse, "bad_response"),
        (ErrorCode::Storage, "storage"),
        (ErrorCode::InvalidInput, "invalid_input"),
    ];
    for (code, s) in all {
        assert_eq!(code.as_str(), s);
    }
    assert_eq!(ErrorCode::ALL, all.map(|(code, _)| code));
    assert!(ErrorCode::Network.is_transient());
    assert!(!ErrorCode::SessionExpired.is_transient());
}

#[test]
fn every_code_reads_back_from_its_name() {
    for code in ErrorCode::ALL {
        assert_eq!(ErrorCode::named(code.as_str()), Some(code));
    }
    assert_eq!(ErrorCode::named("Config"), None);
    assert_eq!(ErrorCode::named("nonsense"), None);
}
