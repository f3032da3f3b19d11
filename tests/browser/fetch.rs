//! `auth.fetch` against `fetch` itself: a call made while the session is being decided waits
//! for it, aborts reject with the signal's reason at every stage (and govern the body),
//! timeouts per call and none for requests that are not the SDK's, a refused token answered
//! 403 (`SessionAuthentication` first), and another `Authorization` scheme. The last two run
//! against the backends of `SESSION_FIRST` and `JWT_SCHEME` (scripts/engines.sh starts them).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::helpers::*;

/// Runs `body`, the body of an async JS function of `auth` (the client, handed to JS) and
/// `api` (the backend's URL), and returns what it resolves to.
async fn run(c: crate::shell::AuthClient, body: &str) -> JsValue {
    let f = js_fn(
        "auth, api",
        &format!("return (async () => {{ {body} }})();"),
    );
    let auth = JsValue::from(c);
    let p = f.call2(&JsValue::NULL, &auth, &BACKEND.into()).unwrap();
    ok(p.unchecked_into()).await
}

fn has(v: &JsValue, key: &str, want: &str) -> bool {
    get_str(v, key).as_deref() == Some(want)
}

#[wasm_bindgen_test]
async fn a_fetch_made_while_the_session_is_restored_waits_and_goes_with_its_token() {
    fresh_start().await;
    login(&client()).await;
    // A page load in memory mode: no token; the app restores and calls an open view at once.
    let c = client();
    let restoring = c.restore();
    let who = body(&fetch(&c, "/api/whoami/").await).await;
    assert_eq!(get(&who, "authenticated").as_bool(), Some(true), "{who:?}");
    assert!(
        has(&who, "via", "header"),
        "the Bearer, not a cookie: {who:?}"
    );
    assert!(get_str(&ok(restoring).await, "accessToken").is_some());
    // During a login: the new session's token.
    let during = c.login(obj(r#"{"username":"demo","password":"tokenward-demo"}"#));
    let who = body(&fetch(&c, "/api/whoami/").await).await;
    let session = ok(during).await;
    assert!(has(&who, "via", "header"));
    assert_eq!(
        c.access_token(),
        get_str(&session, "accessToken"),
        "the login's token"
    );
    // An anonymous visitor's call waits for one refresh answer, no more.
    ok(c.logout()).await;
    let c = client();
    reset_counters().await;
    let restoring = c.restore();
    let who = body(&fetch(&c, "/api/whoami/").await).await;
    assert_eq!(get(&who, "authenticated").as_bool(), Some(false));
    assert!(ok(restoring).await.is_null());
    assert_eq!(count(REFRESH_POST).await, 1);
    let who = body(&fetch(&c, "/api/whoami/").await).await;
    assert_eq!(get(&who, "authenticated").as_bool(), Some(false));
    assert_eq!(count(REFRESH_POST).await, 1, "later calls wait for nothing");
}

#[wasm_bindgen_test]
async fn a_fetch_waiting_for_the_session_when_the_client_is_freed_still_goes_out_with_its_token() {
    fresh_start().await;
    login(&client()).await;
    // Without cross-tab coordination: no lock to wait for (that case is the session tests').
    let c = client_with(r#","crossTab":false"#);
    let restoring = c.restore();
    // Waits for the restore (net.js's retry), which is still on the wire at free().
    let pending = c.fetch("/api/whoami/".into(), None);
    drop(c);
    let res: web_sys::Response = ok(pending).await.unchecked_into();
    let who = body(&res).await;
    assert_eq!(get(&who, "authenticated").as_bool(), Some(true), "{who:?}");
    assert!(has(&who, "via", "header"), "the restored token: {who:?}");
    assert!(get_str(&ok(restoring).await, "accessToken").is_some());
}

#[wasm_bindgen_test]
async fn aborts_reject_with_the_signals_reason_before_the_response_and_error_the_body_after() {
    fresh_start().await;
    let c = client_with(r#","timeoutMs":5000"#);
    login(&c).await;
    let out = run(
        c,
        r#"
        const out = {};
        const reason = async (p) => { try { await p; return "resolved"; } catch (e) { return e; } };
        out.already = (await reason(auth.fetch("/api/whoami/", { signal: AbortSignal.abort() }))).name;
        const own = new AbortController();
        own.abort("mine");
        out.own = await reason(auth.fetch("/api/whoami/", { signal: own.signal }));
        out.timeout = (await reason(auth.fetch("/api/slow/?ms=3000", { signal: AbortSignal.timeout(100) }))).name;
        // In flight: at once, not when the server answers.
        const late = new AbortController();
        const t0 = performance.now();
        const pending = reason(auth.fetch("/api/slow/?ms=3000", { signal: late.signal }));
        setTimeout(() => late.abort(), 100);
        out.inFlight = (await pending).name;
        out.inFlightMs = performance.now() - t0;
        // After the response: the body errors with the reason.
        const body = new AbortController();
        const res = await auth.fetch("/api/stream/?chunks=100&ms=50", { signal: body.signal });
        const reader = res.body.getReader();
        await reader.read();
        body.abort();
        try {
          for (;;) { if ((await reader.read()).done) { out.body = "read to the end"; break; } }
        } catch (e) { out.body = e.name; }
        // The client's timeout ends with the headers: a slow body is read whole.
        const whole = await (await auth.fetch("/api/stream/?chunks=10&ms=100", { timeoutMs: 300 })).arrayBuffer();
        out.whole = whole.byteLength;
        return out;
        "#,
    )
    .await;
    assert!(has(&out, "already", "AbortError"), "{out:?}");
    assert!(
        has(&out, "own", "mine"),
        "the caller's own reason, as it is"
    );
    assert!(has(&out, "timeout", "TimeoutError"), "{out:?}");
    assert!(has(&out, "inFlight", "AbortError"), "{out:?}");
    assert!(
        get(&out, "inFlightMs").as_f64().unwrap() < 1500.0,
        "at once"
    );
    assert!(has(&out, "body", "AbortError"), "{out:?}");
    assert_eq!(get(&out, "whole").as_f64(), Some(10.0 * 1024.0));
    // The slow requests end at the server before the next test.
    sleep(3200).await;
}

#[wasm_bindgen_test]
async fn an_abort_while_waiting_for_the_session_is_at_once_and_cancels_nothing_shared() {
    fresh_start().await;
    login(&client()).await;
    // The restore's refresh is held at the server for 1.5 s.
    fault(REFRESH_PATH, None, "", 1500, 1).await;
    reset_counters().await;
    let out = run(
        client(),
        r#"
        const hook = (path, body) => fetch(api + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        const out = {};
        const restoring = auth.restore();
        let controller = new AbortController();
        const t0 = performance.now();
        let pending = auth.fetch("/api/whoami/", { signal: controller.signal }).then(() => "resolved", (e) => e.name);
        setTimeout(() => controller.abort(), 100);
        out.name = await pending;
        out.ms = performance.now() - t0;
        out.restored = (await restoring)?.accessToken !== undefined;
        // The same while waiting for the refresh after a refused token.
        await hook("/test/revoke-access/", { token: auth.accessToken });
        await hook("/test/faults/", { path: "/dj-rest-auth/token/refresh/", status: null, delay_ms: 1500, times: 1 });
        controller = new AbortController();
        pending = auth.fetch("/api/me/", { signal: controller.signal }).then(() => "resolved", (e) => e.name);
        const other = auth.fetch("/api/me/").then((r) => r.status);
        setTimeout(() => controller.abort(), 300);
        out.retryName = await pending;
        out.other = await other;
        return out;
        "#,
    )
    .await;
    assert!(has(&out, "name", "AbortError"), "{out:?}");
    assert!(
        get(&out, "ms").as_f64().unwrap() < 1000.0,
        "not when the refresh answers: {out:?}"
    );
    assert_eq!(
        get(&out, "restored").as_bool(),
        Some(true),
        "the restore went on"
    );
    assert!(has(&out, "retryName", "AbortError"), "{out:?}");
    assert_eq!(
        get(&out, "other").as_f64(),
        Some(200.0),
        "the shared refresh went on: {out:?}"
    );
    assert_eq!(
        count(REFRESH_POST).await,
        2,
        "one restore, one after the refusal"
    );
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn timeouts_per_call_and_none_for_requests_that_are_not_the_sdks() {
    fresh_start().await;
    let c = client_with(r#","timeoutMs":500"#);
    login(&c).await;
    let e = err(c.fetch("/api/slow/?ms=1500".into(), None)).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("timeout"));
    let res: web_sys::Response = ok(c.fetch(
        "/api/slow/?ms=1500".into(),
        Some(obj(r#"{"timeoutMs":0}"#).unchecked_into()),
    ))
    .await
    .unchecked_into();
    assert_eq!(res.status(), 200, "timeoutMs: 0 is none");
    let res: web_sys::Response = ok(c.fetch(
        "/api/slow/?ms=1000".into(),
        Some(obj(r#"{"timeoutMs":4000,"method":"POST","body":"x"}"#).unchecked_into()),
    ))
    .await
    .unchecked_into();
    assert_eq!(res.status(), 200, "a longer one for this call");
    // Another origin: fetch's own, with no SDK timeout, header or credentials.
    let foreign = format!("{FOREIGN}/api/slow/?ms=1500");
    let res: web_sys::Response = ok(c.fetch(foreign.as_str().into(), None))
        .await
        .unchecked_into();
    assert_eq!(res.status(), 200);
    let e = err(c.fetch(
        "/api/whoami/".into(),
        Some(obj(r#"{"timeoutMs":-1}"#).unchecked_into()),
    ))
    .await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("config"));
    sleep(1100).await; // the timed-out request ends at the server before the next test
}

#[wasm_bindgen_test]
async fn a_refused_token_answered_403_is_refreshed_and_retried_and_a_permission_403_is_not() {
    fresh_start().await;
    let api = SESSION_FIRST;
    let c = crate::shell::AuthClient::new(obj(&format!(
        r#"{{"baseUrl":"{api}","refreshLeewayMs":0}}"#
    )))
    .unwrap();
    login(&c).await;
    revoke_at(api, &c.access_token().unwrap()).await;
    hook_at(api, "/test/counters/reset/", Some("{}")).await;
    assert_eq!(fetch(&c, "/api/me/").await.status(), 200);
    assert_eq!(count_at(api, "GET /api/me/ 403").await, 1, "refused first");
    assert_eq!(count_at(api, REFRESH_POST).await, 1);
    let res = fetch(&c, "/api/forbidden/").await;
    assert_eq!(res.status(), 403, "a permission refusal is the app's");
    assert_eq!(count_at(api, REFRESH_POST).await, 1, "no refresh for it");
    ok(c.logout()).await;
}

#[wasm_bindgen_test]
async fn the_authorization_scheme_is_the_servers() {
    fresh_start().await;
    let api = JWT_SCHEME;
    let config = |extra: &str| obj(&format!(r#"{{"baseUrl":"{api}"{extra}}}"#));
    // With the default scheme the server ignores the header (doctor() says so, and says
    // nothing with "JWT": tests/e2e/doctor.test.mjs; this suite's page cannot load doctor()'s
    // module).
    let bearer = crate::shell::AuthClient::new(config("")).unwrap();
    login(&bearer).await;
    assert_eq!(fetch(&bearer, "/api/me/").await.status(), 401);
    let c = crate::shell::AuthClient::new(config(r#","authScheme":"JWT""#)).unwrap();
    login(&c).await;
    let who = body(&fetch(&c, "/api/whoami/").await).await;
    assert!(
        has(&who, "scheme", "JWT") && has(&who, "via", "header"),
        "{who:?}"
    );
    assert_eq!(fetch(&c, "/api/me/").await.status(), 200);
    revoke_at(api, &c.access_token().unwrap()).await;
    assert_eq!(
        fetch(&c, "/api/me/").await.status(),
        200,
        "refreshed on 401"
    );
    let result = ok(c.logout()).await;
    assert_eq!(get(&result, "serverConfirmed").as_bool(), Some(true));
    let e = crate::shell::AuthClient::new(config(r#","authScheme":"JWT x""#)).err();
    assert_eq!(
        e.and_then(|e| get_str(&e, "code")).as_deref(),
        Some("config")
    );
}

/// The backend at `base` stops accepting this access token.
async fn revoke_at(base: &str, token: &str) {
    hook_at(
        base,
        "/test/revoke-access/",
        Some(&format!(r#"{{"token":"{token}"}}"#)),
    )
    .await;
}
