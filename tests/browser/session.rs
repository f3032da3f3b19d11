//! The session engine against the real backend (short access lifetime): single flight, clock
//! skew, catch-up after sleep, restore, failure classes, events. Logout and a freed client:
//! `logout.rs`; `auth.fetch` against `fetch` itself: `fetch.rs`.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::helpers::*;

async fn all_ok(promises: Vec<Promise>) -> Vec<web_sys::Response> {
    let all: Array = ok(Promise::all(&promises.into_iter().collect::<Array>()))
        .await
        .unchecked_into();
    all.iter().map(|r| r.unchecked_into()).collect()
}

#[wasm_bindgen_test]
async fn twenty_concurrent_fetches_with_a_rejected_token_make_one_refresh() {
    let c = signed_in_with_a_revoked_token().await;
    let responses = all_ok((0..20).map(|_| c.fetch("/api/me/".into(), None)).collect()).await;
    assert!(responses.iter().all(|r| r.status() == 200));
    assert_eq!(count(REFRESH_POST).await, 1);
    assert_eq!(count("GET /api/me/ 200").await, 20);
}

#[wasm_bindgen_test]
async fn twenty_concurrent_fetches_at_expiry_make_one_refresh() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    let token = c.access_token().unwrap();
    // The laptop slept past the token's expiry: the clock jumped, the timer has not fired.
    skew_clock(f64::from(access_lifetime_ms().await) + 60_000.0);
    reset_counters().await;
    let responses = all_ok((0..20).map(|_| c.fetch("/api/me/".into(), None)).collect()).await;
    skew_clock(0.0);
    assert!(responses.iter().all(|r| r.status() == 200));
    assert_eq!(count(REFRESH_POST).await, 1);
    assert_eq!(
        count("GET /api/me/ 401").await,
        0,
        "refreshed before sending"
    );
    assert_ne!(c.access_token(), Some(token));
}

#[wasm_bindgen_test]
async fn a_401_for_an_older_token_is_retried_with_the_current_one_without_a_refresh() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    // The first /api/me/ is slow and then refused, as if its token had been replaced meanwhile.
    fault(
        "/api/me/",
        Some(401),
        r#"{"detail":"Given token not valid for any token type","code":"token_not_valid"}"#,
        600,
        1,
    )
    .await;
    let slow = c.fetch("/api/me/".into(), None);
    sleep(100).await;
    ok(c.refresh()).await; // a new token (generation 2) while the request is out
    reset_counters().await;
    let res: web_sys::Response = ok(slow).await.unchecked_into();
    assert_eq!(res.status(), 200);
    assert_eq!(count(REFRESH_POST).await, 0, "no second refresh");
}

#[wasm_bindgen_test]
async fn the_auth_endpoints_are_never_intercepted() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    reset_counters().await;
    let init =
        obj(r#"{"method":"POST","body":"{}","headers":{"Content-Type":"application/json"}}"#);
    fault(
        REFRESH_PATH,
        Some(401),
        r#"{"detail":"Token is invalid","code":"token_not_valid"}"#,
        0,
        1,
    )
    .await;
    let res: web_sys::Response = ok(c.fetch(REFRESH_PATH.into(), Some(init.unchecked_into())))
        .await
        .unchecked_into();
    assert_eq!(res.status(), 401);
    assert_eq!(count(REFRESH_POST).await, 1, "no refresh-on-401 loop");
    assert!(
        c.is_authenticated(),
        "a caller's own request does not end the session"
    );
}

#[wasm_bindgen_test]
async fn a_skewed_client_clock_neither_refreshes_early_nor_uses_a_stale_token() {
    fresh_start().await;
    let lifetime = access_lifetime_ms().await;
    for offset in [5.0 * 3600e3, -5.0 * 3600e3] {
        skew_clock(offset);
        let c = client_with(r#","refreshLeewayMs":2000"#);
        let before = js_sys::Date::now();
        let s = login(&c).await;
        let expires = get(&s, "expiresAt").as_f64().unwrap();
        let now = js_sys::Date::now();
        // Judged from the token's lifetime, not from `exp` against this clock.
        assert!(
            expires > now && expires <= now + f64::from(lifetime),
            "{offset}"
        );
        reset_counters().await;
        assert_eq!(fetch(&c, "/api/me/").await.status(), 200);
        assert_eq!(
            count(REFRESH_POST).await,
            0,
            "fresh token treated as expired ({offset})"
        );
        // The proactive refresh still comes, a leeway before the real expiry (the token was
        // issued after `before`, so it expires after `before + lifetime`).
        let n = count_by(REFRESH_POST, 1, before + f64::from(lifetime)).await;
        assert_eq!(n, 1, "proactive refresh ({offset})");
        assert_eq!(count("GET /api/me/ 401").await, 0);
    }
    skew_clock(0.0);
}

#[wasm_bindgen_test]
async fn a_leeway_longer_than_the_lifetime_does_not_loop() {
    fresh_start().await;
    let lifetime = access_lifetime_ms().await;
    let c = client_with(r#","refreshLeewayMs":3600000"#);
    login(&c).await;
    reset_counters().await;
    sleep(lifetime).await;
    let n = count(REFRESH_POST).await;
    // One refresh per half lifetime: two in a lifetime, never a loop.
    assert!((1..=3).contains(&n), "{n} refreshes in one lifetime");
    assert!(c.is_authenticated());
}

#[wasm_bindgen_test]
async fn waking_up_catches_up_instead_of_trusting_throttled_timers() {
    fresh_start().await;
    let lifetime = f64::from(access_lifetime_ms().await);
    for (event, on_window) in [
        ("visibilitychange", false),
        ("online", true),
        ("pageshow", true),
    ] {
        skew_clock(0.0);
        let c = client();
        login(&c).await;
        let before = c.access_token().unwrap();
        reset_counters().await;
        // Asleep past the expiry: the clock jumps; no timer has fired.
        skew_clock(lifetime + 5_000.0);
        dispatch(event, on_window);
        sleep(300).await;
        assert_eq!(count(REFRESH_POST).await, 1, "{event}");
        assert_ne!(c.access_token().unwrap(), before, "{event}");
    }
    skew_clock(0.0);
}

#[wasm_bindgen_test]
async fn restore_reuses_a_stored_token_else_refreshes_once_else_is_null() {
    fresh_start().await;
    // Stored, unexpired: reused without a request.
    let c = client_with(r#","storage":"sessionStorage","storageKey":"tw-restore""#);
    login(&c).await;
    let token = c.access_token().unwrap();
    reset_counters().await;
    let reloaded = client_with(r#","storage":"sessionStorage","storageKey":"tw-restore""#);
    let s = ok(reloaded.restore()).await;
    assert_eq!(get_str(&s, "accessToken"), Some(token.clone()));
    assert_eq!(
        get_str(&get(&s, "user"), "username").as_deref(),
        Some("demo")
    );
    assert_eq!(count(REFRESH_POST).await, 0);
    // In memory: one refresh from the cookie, and the user looked up.
    let memory = client();
    let s = ok(memory.restore()).await;
    assert_ne!(get_str(&s, "accessToken"), Some(token));
    assert_eq!(
        get_str(&get(&s, "user"), "username").as_deref(),
        Some("demo")
    );
    assert_eq!(get_str(&memory.user(), "username").as_deref(), Some("demo"));
    assert_eq!(count(REFRESH_POST).await, 1);
    assert_eq!(count("GET /dj-rest-auth/user/ 200").await, 1);
    // A second restore reuses the session.
    ok(memory.restore()).await;
    assert_eq!(count(REFRESH_POST).await, 1);
    ok(reloaded.logout()).await;
    // No session: null, and no event.
    let none = client();
    let rec = Recorder::on(&none);
    assert!(ok(none.restore()).await.is_null());
    assert!(rec.list().is_empty());
}

#[wasm_bindgen_test]
async fn a_rejected_refresh_ends_the_session_with_one_expired_event() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    let rec = Recorder::on(&c);
    fault(
        REFRESH_PATH,
        Some(401),
        r#"{"detail":"Token is blacklisted","code":"token_not_valid"}"#,
        0,
        1,
    )
    .await;
    let (a, b) = (c.refresh(), c.refresh());
    let (ea, eb) = (err(a).await, err(b).await);
    for e in [&ea, &eb] {
        assert_eq!(get_str(e, "code").as_deref(), Some("session_expired"));
        assert_eq!(
            get_str(e, "detail").as_deref(),
            Some("Token is blacklisted")
        );
    }
    assert!(!c.is_authenticated());
    assert_eq!(rec.list(), ["expired:this_tab"]);
    // No further refresh attempt until the next login. (In configs b and c the HttpOnly
    // access cookie, still alive at the server, may authenticate the call by itself.)
    reset_counters().await;
    let status = fetch(&c, "/api/me/").await.status();
    if backend_config().await == "a" {
        assert_eq!(status, 401);
    }
    assert!(err(c.refresh()).await.is_object());
    assert_eq!(count(REFRESH_POST).await, 0);
    login(&c).await;
    assert_eq!(fetch(&c, "/api/me/").await.status(), 200);
}

#[wasm_bindgen_test]
async fn transient_refresh_failures_keep_the_session() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    let rec = Recorder::on(&c);
    // A CSRF failure is the server's configuration, not the end of the session.
    fault(
        REFRESH_PATH,
        Some(403),
        r#"{"detail":"CSRF Failed: Origin checking failed - http://x does not match any trusted origins."}"#,
        0,
        1,
    )
    .await;
    let e = err(c.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("server"));
    assert_eq!(get(&e, "status").as_f64(), Some(403.0));
    // Not JSON, or without a token: bad_response.
    fault(REFRESH_PATH, Some(200), "<html>ok</html>", 0, 1).await;
    let e = err(c.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("bad_response"));
    // The server unreachable (a reloaded page whose stored token is still valid).
    let stored = r#","storage":"sessionStorage","storageKey":"tw-offline""#;
    login(&client_with(stored)).await;
    let mut cfg = String::from(stored);
    cfg.push_str(r#","endpoints":{"refresh":"http://127.0.0.1:9/refresh/"}"#);
    let offline = client_with(&cfg);
    assert!(ok(offline.restore()).await.is_object());
    let e = err(offline.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("network"));
    assert!(offline.is_authenticated());
    assert!(c.is_authenticated() && c.access_token().is_some());
    assert!(rec.list().is_empty(), "{:?}", rec.list());
    ok(c.refresh()).await;
    assert_eq!(rec.list(), ["refreshed:this_tab"]);
}

#[wasm_bindgen_test]
async fn events_arrive_in_order_and_a_throwing_subscriber_disturbs_no_one() {
    fresh_start().await;
    let c = client();
    let thrower = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {
        wasm_bindgen::throw_str("subscriber bug");
    });
    let _ = c.on_change(thrower.as_ref().clone().unchecked_into());
    let rec = Recorder::on(&c);
    let gone = Recorder::on(&c);
    let unsubscribe = gone.unsubscribe.clone();
    login(&c).await;
    unsubscribe.call0(&JsValue::NULL).unwrap();
    unsubscribe.call0(&JsValue::NULL).unwrap(); // idempotent
    ok(c.refresh()).await;
    ok(c.logout()).await;
    assert_eq!(
        rec.list(),
        [
            "signedIn:this_tab",
            "refreshed:this_tab",
            "signedOut:this_tab"
        ]
    );
    assert_eq!(gone.list(), ["signedIn:this_tab"]);
}

#[wasm_bindgen_test]
async fn a_request_is_retried_once_at_most() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    let refused =
        r#"{"detail":"Given token not valid for any token type","code":"token_not_valid"}"#;
    fault("/api/me/", Some(401), refused, 0, 2).await;
    reset_counters().await;
    let res = fetch(&c, "/api/me/").await;
    assert_eq!(res.status(), 401, "the second 401 goes to the caller");
    assert_eq!(count("GET /api/me/").await, 2);
    assert_eq!(count(REFRESH_POST).await, 1);
    assert!(
        c.is_authenticated(),
        "a 401 from the API does not end the session"
    );
    assert_eq!(fetch(&c, "/api/me/").await.status(), 200);
}
