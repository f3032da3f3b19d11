//! Logout against the real backend: it clears at once and for good (a late refresh brings
//! nothing back), recovers from a refused bearer, passes the CSRF check after a reload, is
//! remembered when unreachable and finished later; login and logout pass the CSRF check without
//! a refresh cookie; and a client freed with a call in flight still settles it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::helpers::*;

/// One logout reached the server, and the refresh cookie no longer works there.
async fn assert_the_server_ended_the_session() {
    assert_eq!(count("POST /dj-rest-auth/logout/ 200").await, 1);
    let e = err(client().refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("session_expired"));
}

#[wasm_bindgen_test]
async fn logout_clears_at_once_and_a_late_refresh_does_not_bring_the_session_back() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    let rec = Recorder::on(&c);
    fault(REFRESH_PATH, None, "", 800, 1).await;
    let refreshing = c.refresh();
    sleep(100).await;
    let result = c.logout();
    assert!(!c.is_authenticated());
    assert_eq!(rec.list(), ["signedOut:this_tab"]);
    let e = err(refreshing).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("session_expired"));
    ok(result).await;
    sleep(900).await;
    assert!(!c.is_authenticated());
    assert_eq!(c.access_token(), None);
    assert_eq!(
        rec.list(),
        ["signedOut:this_tab"],
        "no event after signedOut"
    );
}

#[wasm_bindgen_test]
async fn logout_recovers_from_a_bearer_the_server_refuses() {
    // The client believes its token valid; the server no longer does.
    let c = signed_in_with_a_revoked_token().await;
    let result = ok(c.logout()).await;
    assert_eq!(
        get(&result, "serverConfirmed").as_bool(),
        Some(true),
        "{result:?}"
    );
    assert_the_server_ended_the_session().await;
}

#[wasm_bindgen_test]
async fn logout_after_a_reload_passes_the_csrf_check_and_clears_the_cookies() {
    fresh_start().await;
    login(&client()).await;
    reset_counters().await;
    let reloaded = client(); // memory storage: no token after a reload
    let result = ok(reloaded.logout()).await;
    assert_eq!(get(&result, "serverConfirmed").as_bool(), Some(true));
    let config = backend_config().await;
    let csrf_failures = count("POST /dj-rest-auth/logout/ 403").await;
    if config == "a" {
        assert_eq!(csrf_failures, 0, "no access cookie in config a");
    } else {
        // The alive HttpOnly access cookie made Django check CSRF; a Bearer from the refresh
        // cookie got the logout through.
        assert_eq!(csrf_failures, 1);
        assert_eq!(count(REFRESH_POST).await, 1);
    }
    assert_the_server_ended_the_session().await;
}

#[wasm_bindgen_test]
async fn an_unreachable_logout_is_remembered_and_finished_later() {
    fresh_start().await;
    let key = r#","storageKey":"tw-durable""#;
    let c = client_with(key);
    login(&c).await;
    fault(LOGOUT_PATH, Some(503), "<h1>maintenance</h1>", 0, 1).await;
    let result = ok(c.logout()).await;
    assert_eq!(get(&result, "serverConfirmed").as_bool(), Some(false));
    assert!(get_str(&result, "warning").is_some());
    // The server did not clear the cookie: the session *could* come back...
    reset_counters().await;
    let reloaded = client_with(key);
    // ...but restore() finishes the logout instead.
    assert!(ok(reloaded.restore()).await.is_null());
    assert!(!reloaded.is_authenticated());
    assert_the_server_ended_the_session().await;
    // Once confirmed, it is forgotten: a new login and restore work normally.
    login(&client_with(key)).await;
    assert!(ok(client_with(key).restore()).await.is_object());
}

#[wasm_bindgen_test]
async fn login_and_logout_pass_the_csrf_check_even_without_a_refresh_cookie() {
    fresh_start().await;
    if backend_config().await != "c" {
        return; // only config c can revoke refresh tokens
    }
    login(&client()).await;
    // Signed out everywhere at the server: the refresh cookie is dead, the HttpOnly access
    // cookie still alive, so Django checks CSRF and no Bearer can be had.
    hook("/test/blacklist-refresh/", Some("{}")).await;
    reset_counters().await;
    let c = client();
    let s = login(&c).await;
    assert!(get_str(&s, "accessToken").is_some());
    assert_eq!(count("POST /dj-rest-auth/login/ 403").await, 1);
    assert_eq!(count("POST /dj-rest-auth/login/ 200").await, 1);
    // The same for logout: it gets past the CSRF check to the view, which deletes the cookies
    // and says why it revoked nothing.
    hook("/test/blacklist-refresh/", Some("{}")).await;
    set_document_cookie("csrftoken=; path=/; max-age=0");
    reset_counters().await;
    let result = ok(client().logout()).await;
    assert_eq!(get(&result, "serverConfirmed").as_bool(), Some(false));
    assert_eq!(
        get_str(&result, "warning").as_deref(),
        Some("Token is blacklisted")
    );
    assert_eq!(count("POST /dj-rest-auth/logout/ 403").await, 1);
    assert_eq!(count("POST /dj-rest-auth/logout/ 401").await, 1);
    // The access cookie is gone: a login needs no CSRF detour any more.
    set_document_cookie("csrftoken=; path=/; max-age=0");
    reset_counters().await;
    login(&client()).await;
    assert_eq!(count("POST /dj-rest-auth/login/ 403").await, 0);
    set_document_cookie("csrftoken=; path=/; max-age=0");
}

#[wasm_bindgen_test]
async fn a_restore_waiting_for_another_tabs_lock_when_the_client_is_freed_still_settles() {
    fresh_start().await;
    login(&client()).await;
    // Another tab holds the refresh lock (held here by hand): the restore waits for it, and
    // after it for a grace period on the machine's timer, which free() must not cut short.
    let hold = js_fn(
        "name",
        "if (!navigator.locks) return Promise.resolve(() => {});
         return new Promise((held) => navigator.locks.request(name, () =>
           new Promise((release) => held(release))));",
    );
    let held = hold.call1(&JsValue::NULL, &"tokenward:tokenward:refresh".into());
    let release: js_sys::Function = ok(held.unwrap().unchecked_into()).await.unchecked_into();
    let c = client();
    let restoring = c.restore();
    drop(c);
    sleep(50).await;
    release.call0(&JsValue::NULL).unwrap();
    let session = ok(restoring).await;
    assert!(get_str(&session, "accessToken").is_some(), "{session:?}");
}

#[wasm_bindgen_test]
async fn a_request_in_flight_when_the_client_is_freed_still_settles() {
    fresh_start().await;
    let c = client();
    login(&c).await;
    // A 401 arriving after free(): handed over as it is (no refresh for a client that is
    // gone), not a JS error.
    fault("/api/me/", Some(401), r#"{"detail":"no"}"#, 300, 1).await;
    let pending = c.fetch("/api/me/".into(), None);
    drop(c);
    let res: web_sys::Response = ok(pending).await.unchecked_into();
    assert_eq!(res.status(), 401);
    // A failure after free(): its AuthError.
    let c = client_with(r#","timeoutMs":200"#);
    login(&c).await;
    fault("/api/me/", None, "", 1000, 1).await;
    let pending = c.fetch("/api/me/".into(), None);
    drop(c);
    let e = err(pending).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("timeout"));
    sleep(1000).await; // the held request ends at the server before the next test
    clear_faults().await;
}
