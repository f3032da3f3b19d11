//! The foundation: login, fetch, refresh, logout, errors and config against the real backend.

use crate::shell::AuthClient;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::helpers::*;

#[wasm_bindgen_test]
async fn init_instantiates_the_machine_the_module_carries() {
    // A copy of the module of its own: init() without an argument unpacks the machine from
    // the module itself (no request for tokenward_bg.wasm), and its clients work.
    let module = crate::shell::fresh();
    let init: js_sys::Function = js_sys::Reflect::get(&module, &"default".into())
        .unwrap()
        .unchecked_into();
    let exports = ok(init.call0(&JsValue::NULL).unwrap().unchecked_into()).await;
    assert!(
        get(&exports, "handle").is_function(),
        "the machine's exports"
    );
    let again = ok(init.call0(&JsValue::NULL).unwrap().unchecked_into()).await;
    assert!(js_sys::Object::is(&exports, &again), "instantiated once");
    let signed_in = js_fn(
        "m, base",
        r#"const c = new m.AuthClient({ baseUrl: base, crossTab: false });
           return c.login({ username: "demo", password: "tokenward-demo" })
             .then((s) => { const ok = c.status === "signedIn" && c.accessToken === s.accessToken; c.free(); return ok; });"#,
    );
    let signed_in = signed_in
        .call2(&JsValue::NULL, &module, &BACKEND.into())
        .unwrap();
    assert_eq!(ok(signed_in.unchecked_into()).await, JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn login_keeps_the_refresh_token_out_of_reach_of_scripts() {
    let c = client();
    let session = login(&c).await;
    let token = get_str(&session, "accessToken").unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert_eq!(c.access_token().as_deref(), Some(token.as_str()));
    assert!(c.is_authenticated());
    assert_eq!(get_str(&c.user(), "username").as_deref(), Some("demo"));
    assert!(c.expires_at().unwrap() > js_sys::Date::now());
    assert!(get(&session, "expiresAt").as_f64().is_some());
    // The HttpOnly cookies are invisible to scripts...
    let cookies = document_cookie();
    assert!(!cookies.contains("refresh_token"), "{cookies}");
    assert!(!cookies.contains(&token));
    // ...and no SDK value carries a refresh token.
    assert!(get(&session, "refresh").is_undefined());
    // ...but the browser holds the refresh cookie: a client with no token refreshes from it.
    let other = client();
    let s2 = ok(other.refresh()).await;
    assert!(get_str(&s2, "accessToken").is_some());
}

#[wasm_bindgen_test]
async fn fetch_attaches_the_bearer_and_returns_the_user() {
    let c = client();
    login(&c).await;
    let res = fetch(&c, "/api/me/").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        get_str(&body(&res).await, "username").as_deref(),
        Some("demo")
    );
    let echo = body(&fetch(&c, "/test/echo/").await).await;
    assert_eq!(get(&echo, "authorization").as_bool(), Some(true));
    // An unsafe call: POST with a JSON body.
    let init = obj(
        r#"{"method":"POST","headers":{"Content-Type":"application/json"},"body":"{\"name\":\"pen\"}"}"#,
    );
    let res: web_sys::Response = ok(c.fetch("/api/items/".into(), Some(init.unchecked_into())))
        .await
        .unchecked_into();
    assert_eq!(res.status(), 201);
    assert_eq!(get_str(&body(&res).await, "name").as_deref(), Some("pen"));
}

#[wasm_bindgen_test]
async fn a_request_or_a_url_object_is_sent_and_retried_like_a_url_string() {
    let c = client();
    login(&c).await;
    let url = format!("{BACKEND}/api/items/");
    // A Request with a body: sent as a copy, so the retry after the 401 still has its body.
    let request = js_sys::eval(&format!(
        r#"new Request("{url}", {{ method: "POST", headers: {{ "Content-Type": "application/json" }}, body: '{{"name":"mug"}}' }})"#
    ))
    .unwrap();
    revoke(&c.access_token().unwrap()).await;
    reset_counters().await;
    let res: web_sys::Response = ok(c.fetch(request, None)).await.unchecked_into();
    assert_eq!(res.status(), 201);
    assert_eq!(get_str(&body(&res).await, "name").as_deref(), Some("mug"));
    assert_eq!(count("POST /api/items/ 401").await, 1);
    assert_eq!(count(REFRESH_POST).await, 1);
    // A URL object, twice (the second resolution is remembered), then a relative string.
    let me = js_sys::eval(&format!(r#"new URL("{BACKEND}/api/me/")"#)).unwrap();
    for input in [me.clone(), me, "/api/me/".into()] {
        let res: web_sys::Response = ok(c.fetch(input, None)).await.unchecked_into();
        assert_eq!(res.status(), 200);
    }
    assert_eq!(count("GET /api/me/ 200").await, 3);
}

#[wasm_bindgen_test]
async fn a_rejected_token_is_refreshed_from_the_cookie_and_the_request_retried() {
    let c = client();
    login(&c).await;
    let before = c.access_token().unwrap();
    // The server stops accepting the token the client rightly believes valid.
    revoke(&before).await;
    reset_counters().await;
    // A POST with a body, to prove the retry resends it.
    let init = obj(
        r#"{"method":"POST","headers":{"Content-Type":"application/json"},"body":"{\"name\":\"cup\"}"}"#,
    );
    let res: web_sys::Response = ok(c.fetch("/api/items/".into(), Some(init.unchecked_into())))
        .await
        .unchecked_into();
    assert_eq!(res.status(), 201);
    assert_eq!(get_str(&body(&res).await, "name").as_deref(), Some("cup"));
    assert_eq!(count(REFRESH_POST).await, 1);
    assert_eq!(count("POST /api/items/ 401").await, 1);
    assert_eq!(count("POST /api/items/ 201").await, 1);
    assert_ne!(c.access_token().unwrap(), before);
}

#[wasm_bindgen_test]
async fn an_expired_token_is_refreshed_transparently() {
    let lifetime = get(&hook("/test/info/", None).await, "accessLifetime")
        .as_f64()
        .unwrap();
    assert!(lifetime <= 10.0, "run with a short ACCESS_LIFETIME_SECONDS");
    let c = client_with(r#","refreshLeewayMs":0"#);
    let first = get_str(&login(&c).await, "accessToken").unwrap();
    sleep((lifetime * 1000.0) as u32 + 300).await;
    let res = fetch(&c, "/api/me/").await;
    assert_eq!(res.status(), 200);
    assert_ne!(c.access_token().unwrap(), first);
}

#[wasm_bindgen_test]
async fn twenty_concurrent_refresh_callers_share_one_request() {
    let c = client();
    login(&c).await;
    reset_counters().await;
    let calls: Vec<Promise> = (0..20).map(|_| c.refresh()).collect();
    let all = js_sys::Promise::all(&calls.into_iter().collect::<js_sys::Array>());
    let sessions: js_sys::Array = ok(all).await.unchecked_into();
    let first = get_str(&sessions.get(0), "accessToken");
    assert!(sessions.iter().all(|s| get_str(&s, "accessToken") == first));
    assert_eq!(count(REFRESH_POST).await, 1);
}

#[wasm_bindgen_test]
async fn logout_ends_the_session_here_and_at_the_server() {
    let c = client();
    login(&c).await;
    let events = js_sys::Array::new();
    let sink = events.clone();
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        sink.push(&get(&e, "type"));
    });
    let _unsubscribe = c.on_change(cb.as_ref().clone().unchecked_into());
    let result = c.logout();
    // Cleared and announced before the server answers.
    assert!(!c.is_authenticated());
    assert_eq!(c.access_token(), None);
    assert!(c.user().is_null());
    assert_eq!(events.get(0).as_string().as_deref(), Some("signedOut"));
    let result = ok(result).await;
    assert_eq!(get(&result, "serverConfirmed").as_bool(), Some(true));
    let warning = get_str(&result, "warning");
    if backend_config().await == "a" {
        assert!(warning
            .unwrap()
            .starts_with("Neither cookies or blacklist are enabled"));
    } else {
        assert_eq!(warning, None);
    }
    let e = err(c.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("session_expired"));
    assert!(!c.is_authenticated());
    // The server cleared the cookies: a client with a fresh state cannot refresh either.
    let fresh = client();
    let e = err(fresh.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("session_expired"));
    assert_eq!(get(&e, "status").as_f64(), Some(401.0));
    assert!(ok(fresh.restore()).await.is_null());
}

#[wasm_bindgen_test]
async fn logout_without_a_token_still_clears_the_server_cookies() {
    // After a reload with in-memory tokens the SDK holds nothing, but in configs b and c the
    // HttpOnly access cookie is alive and makes Django check CSRF on logout.
    login(&client()).await;
    let reloaded = client();
    let result = ok(reloaded.logout()).await;
    assert_eq!(
        get(&result, "serverConfirmed").as_bool(),
        Some(true),
        "{result:?}"
    );
    let e = err(client().refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("session_expired"));
}

#[wasm_bindgen_test]
async fn login_succeeds_while_an_access_cookie_is_alive() {
    login(&client()).await;
    // A second login from a fresh page: in b and c the access cookie triggers the CSRF check.
    let c = client();
    let s = login(&c).await;
    assert!(get_str(&s, "accessToken").is_some());
    assert_eq!(fetch(&c, "/api/me/").await.status(), 200);
}

#[wasm_bindgen_test]
async fn wrong_password_is_invalid_credentials_with_the_servers_detail() {
    sign_out_everywhere().await;
    let c = client();
    let e = err(c.login(obj(r#"{"username":"demo","password":"nope"}"#))).await;
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(get_str(&e, "name").as_deref(), Some("AuthError"));
    assert_eq!(get_str(&e, "code").as_deref(), Some("invalid_credentials"));
    assert_eq!(get(&e, "status").as_f64(), Some(400.0));
    assert_eq!(
        get_str(&e, "detail").as_deref(),
        Some("Unable to log in with provided credentials.")
    );
    assert!(!c.is_authenticated());
    let e = err(c.login(obj(r#"{"username":"demo"}"#))).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("invalid_credentials"));
    assert_eq!(
        get_str(&e, "detail").as_deref(),
        Some("password: This field is required.")
    );
}

#[wasm_bindgen_test]
async fn the_token_goes_only_to_authorized_origins() {
    let c = client();
    login(&c).await;
    let own = body(&fetch(&c, "/test/echo/").await).await;
    assert_eq!(get(&own, "authorization").as_bool(), Some(true));
    let foreign = body(&fetch(&c, &format!("{FOREIGN}/test/echo/")).await).await;
    assert_eq!(get(&foreign, "authorization").as_bool(), Some(false));
    // Allowing the other origin explicitly sends it there too.
    let both = client_with(&format!(
        r#","authorizedOrigins":["{BACKEND}","{FOREIGN}/"]"#
    ));
    ok(both.refresh()).await;
    let echo = body(&fetch(&both, &format!("{FOREIGN}/test/echo/")).await).await;
    assert_eq!(get(&echo, "authorization").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn config_errors_name_the_key() {
    let cases = [
        (r#"{}"#, "baseUrl"),
        (r#"{"baseUrl": "/relative"}"#, "baseUrl"),
        (r#"{"baseUrl": 5}"#, "baseUrl"),
        (r#"{"baseUrl": "http://x", "timeout": 5}"#, "timeout"),
        (r#"{"baseUrl": "http://x", "timeoutMs": "5"}"#, "timeoutMs"),
        (r#"{"baseUrl": "http://x", "timeoutMs": 0}"#, "timeoutMs"),
        (
            r#"{"baseUrl": "http://x", "refreshLeewayMs": -1}"#,
            "refreshLeewayMs",
        ),
        (
            r#"{"baseUrl": "http://x", "storage": "cookies"}"#,
            "storage",
        ),
        (r#"{"baseUrl": "http://x", "crossTab": "yes"}"#, "crossTab"),
        (
            r#"{"baseUrl": "http://x", "endpoints": {"logon": "/x/"}}"#,
            "endpoints.logon",
        ),
        (
            r#"{"baseUrl": "http://x", "endpoints": {"login": 1}}"#,
            "endpoints.login",
        ),
        (r#"{"baseUrl": "http://x", "csrf": true}"#, "csrf"),
        (
            r#"{"baseUrl": "http://x", "authorizedOrigins": "http://x"}"#,
            "authorizedOrigins",
        ),
        (
            r#"{"baseUrl": "http://x", "authorizedOrigins": ["nope"]}"#,
            "authorizedOrigins",
        ),
        (
            r#"{"baseUrl": "http://x", "fields": {"token": "t"}}"#,
            "fields.token",
        ),
        (r#"{"baseUrl": "http://x", "debug": 1}"#, "debug"),
        (r#""http://x""#, "config"),
        (r#"{"baseUrl": "http://x/api/?v=1"}"#, "baseUrl"),
        (r#"{"baseUrl": "http://x/api/#top"}"#, "baseUrl"),
        (
            r#"{"baseUrl": "http://x", "authorizedOrigins": []}"#,
            "authorizedOrigins",
        ),
        (
            r#"{"baseUrl": "http://x", "csrf": {"header": ""}}"#,
            "csrf.header",
        ),
        (
            r#"{"baseUrl": "http://x", "csrf": {"cookie": ""}}"#,
            "csrf.cookie",
        ),
    ];
    for (cfg, key) in cases {
        let e = match AuthClient::new(obj(cfg)) {
            Ok(_) => panic!("accepted {cfg}"),
            Err(e) => e,
        };
        assert!(e.is_instance_of::<js_sys::Error>(), "{cfg}");
        assert_eq!(get_str(&e, "name").as_deref(), Some("AuthError"));
        assert_eq!(get_str(&e, "code").as_deref(), Some("config"), "{cfg}");
        let message = get_str(&e, "message").unwrap();
        assert!(message.starts_with(key), "{cfg}: {message}");
    }
    // Every documented key with a valid value is accepted.
    let all = r#"{"baseUrl":"http://x/api","endpoints":{"login":"/l/","refresh":"/r/","logout":"/o/","user":null},
        "storage":"sessionStorage","storageKey":"k","csrf":{"cookie":"c","header":"h"},"refreshLeewayMs":0,
        "timeoutMs":1,"crossTab":false,"authorizedOrigins":["http://x"],"fields":{"access":"a","accessExpiration":"e","user":"u"},
        "debug":false}"#;
    assert!(AuthClient::new(obj(all)).is_ok());
    assert!(AuthClient::new(obj(
        r#"{"baseUrl":"http://x","csrf":false,"storage":"memory"}"#
    ))
    .is_ok());
}

#[wasm_bindgen_test]
async fn the_csrf_header_goes_with_unsafe_methods_when_the_cookie_is_readable() {
    let c = client();
    login(&c).await;
    // The page and the API share the host 127.0.0.1, so the page can read a csrftoken cookie.
    set_document_cookie("csrftoken=tw-test-csrf; path=/");
    let post = obj(r#"{"method":"POST"}"#);
    let echo = body(
        &ok(c.fetch("/test/echo/".into(), Some(post.unchecked_into())))
            .await
            .unchecked_into(),
    )
    .await;
    let get_echo = body(&fetch(&c, "/test/echo/").await).await;
    set_document_cookie("csrftoken=; path=/; max-age=0");
    assert_eq!(get_str(&echo, "method").as_deref(), Some("POST"));
    assert_eq!(get_str(&echo, "csrf").as_deref(), Some("tw-test-csrf"));
    assert!(get(&get_echo, "csrf").is_null(), "not on GET");
    // csrf: false sends none.
    let off = client_with(r#","csrf":false"#);
    ok(off.refresh()).await;
    set_document_cookie("csrftoken=tw-test-csrf; path=/");
    let post = obj(r#"{"method":"POST"}"#);
    let echo = body(
        &ok(off.fetch("/test/echo/".into(), Some(post.unchecked_into())))
            .await
            .unchecked_into(),
    )
    .await;
    set_document_cookie("csrftoken=; path=/; max-age=0");
    assert!(get(&echo, "csrf").is_null());
}

#[wasm_bindgen_test]
async fn a_slow_refresh_times_out_and_keeps_the_session() {
    let c = client_with(r#","timeoutMs":400"#);
    login(&c).await;
    let token = c.access_token().unwrap();
    hook(
        "/test/faults/",
        Some(r#"{"path":"/dj-rest-auth/token/refresh/","status":null,"delay_ms":1200}"#),
    )
    .await;
    let e = err(c.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("timeout"));
    assert!(c.is_authenticated());
    assert_eq!(c.access_token(), Some(token.clone()));
    // The request was not cut: with rotation the server has already replaced the refresh
    // cookie, and the late answer carries the new one. It is adopted when it arrives.
    sleep(1200).await;
    assert_ne!(c.access_token(), Some(token));
    let s = ok(c.refresh()).await;
    assert!(get_str(&s, "accessToken").is_some());
}

#[wasm_bindgen_test]
async fn a_failing_refresh_endpoint_keeps_the_session() {
    let c = client();
    login(&c).await;
    hook(
        "/test/faults/",
        Some(r#"{"path":"/dj-rest-auth/token/refresh/","status":503,"body":"<h1>down</h1>","content_type":"text/html"}"#),
    )
    .await;
    let e = err(c.refresh()).await;
    assert_eq!(get_str(&e, "code").as_deref(), Some("server"));
    assert_eq!(get(&e, "status").as_f64(), Some(503.0));
    assert!(c.is_authenticated());
    assert!(c.access_token().is_some());
    assert!(
        ok(c.refresh()).await.is_object(),
        "a later attempt succeeds"
    );
}
