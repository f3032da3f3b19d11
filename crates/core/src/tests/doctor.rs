//! Tests of `doctor`.

use super::*;
use alloc::string::ToString;

const ORIGIN: &str = "http://127.0.0.1:8000";
const API: &str = "http://127.0.0.1:8001/";

fn said(d: &str) -> BodyFacts {
    BodyFacts {
        json: true,
        detail: Some(d.to_string()),
        ..BodyFacts::default()
    }
}

fn login_ok() -> BodyFacts {
    crate::outcome::testing::token_facts("a.b.c")
}

fn codes(p: &Probes) -> Vec<&'static str> {
    diagnose(p, ORIGIN, API).iter().map(|f| f.code).collect()
}

fn cycle(logout_cookie_only: Answer, logout_bearer: Option<Answer>) -> Probes {
    Probes {
        reach: Some(Reach::Readable(405)),
        login: Some(Some((200, login_ok()))),
        refresh: Some(Some((200, login_ok()))),
        logout_cookie_only: Some(logout_cookie_only),
        logout_bearer,
        stamps: None,
        sign_up_refresh_in_body: false,
        refused_token: None,
    }
}

#[test]
fn without_credentials_only_cors_is_checked() {
    let p = Probes {
        reach: Some(Reach::Readable(405)),
        ..Probes::default()
    };
    assert_eq!(codes(&p), ["cors_ok"]);
    assert!(ok(&diagnose(&p, ORIGIN, API)));
}

#[test]
fn cors_problems_name_the_setting() {
    for (reach, code, setting) in [
        (
            Reach::CredentialsRefused,
            "cors_credentials_off",
            "CORS_ALLOW_CREDENTIALS = True",
        ),
        (
            Reach::OriginRefused,
            "cors_origin_not_allowed",
            "CORS_ALLOWED_ORIGINS",
        ),
        (Reach::Unreachable, "server_unreachable", "baseUrl"),
    ] {
        let f = diagnose(
            &Probes {
                reach: Some(reach),
                ..Probes::default()
            },
            ORIGIN,
            API,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, code);
        assert_eq!(f[0].level, Level::Error);
        assert!(f[0].fix.as_deref().unwrap().contains(setting), "{code}");
    }
}

#[test]
fn config_a_warns_that_nothing_was_revoked_and_names_the_blacklist() {
    let f = diagnose(&cycle(Some((200, said("Neither cookies or blacklist are enabled, so the token has not been deleted server side. Please make sure the token is deleted client side."))), None), ORIGIN, API);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "logout_not_revoked");
    assert_eq!(f[0].level, Level::Warning);
    let fix = f[0].fix.as_deref().unwrap();
    assert!(fix.contains("rest_framework_simplejwt.token_blacklist"));
    assert!(fix.contains("JWT_AUTH_COOKIE does not"));
    assert!(ok(&f));
}

#[test]
fn configs_b_and_c_note_the_csrf_detour() {
    let f = diagnose(
        &cycle(
            Some((403, said("CSRF Failed: CSRF cookie not set."))),
            Some(Some((200, said("Successfully logged out.")))),
        ),
        ORIGIN,
        API,
    );
    assert_eq!(
        f.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["access_cookie_csrf"]
    );
    assert!(ok(&f));
}

#[test]
fn an_untrusted_origin_fails_the_csrf_check() {
    let f = diagnose(
        &cycle(
            Some((403, said("CSRF Failed: Origin checking failed - http://127.0.0.1:8000 does not match any trusted origins."))),
            Some(Some((200, said("Successfully logged out.")))),
        ),
        ORIGIN,
        API,
    );
    assert_eq!(f[0].code, "csrf_failed");
    assert_eq!(
        f[0].fix.as_deref(),
        Some("Add \"http://127.0.0.1:8000\" to CSRF_TRUSTED_ORIGINS.")
    );
    assert!(!ok(&f));
}

#[test]
fn login_problems() {
    let mut p = cycle(Some((200, said("Successfully logged out."))), None);
    let mut body = login_ok();
    body.refresh_in_body = true;
    p.login = Some(Some((200, body)));
    assert_eq!(codes(&p), ["refresh_token_in_body"]);
    p.login = Some(Some((
        400,
        said("Unable to log in with provided credentials."),
    )));
    let f = diagnose(&p, ORIGIN, API);
    assert_eq!(f[0].code, "login_failed");
    assert!(f[0].message.contains("Unable to log in"));
    p.login = Some(Some((403, said("CSRF Failed: Origin checking failed - x"))));
    assert_eq!(codes(&p), ["csrf_failed"]);
}

#[test]
fn a_refresh_cookie_narrowed_to_the_refresh_url_cannot_reach_logout() {
    let missing = "Refresh token was not included in cookie data.";
    let p = cycle(
        Some((403, said("CSRF Failed: CSRF cookie not set."))),
        Some(Some((401, said(missing)))),
    );
    let f = diagnose(&p, ORIGIN, API);
    let found: Vec<_> = f.iter().map(|f| f.code).collect();
    assert_eq!(found, ["access_cookie_csrf", "refresh_cookie_path"]);
    let found = &f[1];
    assert_eq!(found.level, Level::Warning);
    assert!(found.message.contains("revokes nothing"));
    assert!(found
        .fix
        .as_deref()
        .unwrap()
        .contains("JWT_AUTH_REFRESH_COOKIE_PATH"));
    assert!(ok(&f), "a warning: sign-out still works in this browser");
    // Without a refresh that carried the cookie, the 401 says nothing about its path.
    let mut p = cycle(Some((401, said(missing))), None);
    p.refresh = Some(Some((401, said("No valid refresh token found."))));
    let found = codes(&p);
    assert!(!found.contains(&"refresh_cookie_path"), "{found:?}");
    // Another 401 of the view is still a failed logout.
    let p = cycle(Some((401, said("Token is blacklisted"))), None);
    assert_eq!(codes(&p), ["logout_failed"]);
}

#[test]
fn a_refresh_cookie_that_does_not_come_back() {
    let mut p = cycle(Some((200, said("Successfully logged out."))), None);
    p.refresh = Some(Some((401, said("No valid refresh token found."))));
    let f = diagnose(&p, ORIGIN, API);
    assert_eq!(f[0].code, "refresh_cookie_not_sent");
    let fix = f[0].fix.as_deref().unwrap();
    assert!(fix.contains("JWT_AUTH_SAMESITE = \"None\" must also be Secure"));
    assert!(fix.contains("JWT_AUTH_SECURE = True"));
}
