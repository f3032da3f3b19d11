//! The Rust API in a browser, against the reference backend (scripts/engines.sh runs it in
//! each engine and configuration, as the npm package's suite): typed sessions, gloo-net
//! requests with the Bearer, a refused token refreshed once and retried, reload → restore,
//! logout clearing the cookies, typed errors, events as a guard, the wait for the session
//! being decided, and doctor().
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use tokenward::gloo_net::http::Request;
use tokenward::{AuthClient, Config, ErrorCode, EventKind, Source, Status};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BACKEND: &str = match option_env!("TOKENWARD_BACKEND") {
    Some(b) => b,
    None => "http://127.0.0.1:8001",
};
const REFRESH_POST: &str = "POST /dj-rest-auth/token/refresh/";

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct User {
    pk: u64,
    username: String,
    email: String,
}

#[derive(Serialize)]
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
}

const DEMO: Credentials = Credentials {
    username: "demo",
    password: "tokenward-demo",
};

#[derive(Deserialize)]
struct WhoAmI {
    authenticated: bool,
    via: Option<String>,
}

fn config() -> Config {
    Config::new(BACKEND).refresh_leeway_ms(0)
}

/// A hook of the backend (`/test/...`), by gloo-net directly (no token).
async fn hook(path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
    let url = format!("{BACKEND}{path}");
    let reply = match body {
        Some(b) => Request::post(&url).json(&b).unwrap().send().await,
        None => Request::get(&url).send().await,
    };
    reply.expect("backend reachable").json().await.unwrap()
}

async fn count(key: &str) -> u64 {
    hook("/test/counters/", None).await[key]
        .as_u64()
        .unwrap_or(0)
}

/// Signs the browser out at the server, whatever state the cookies are in.
async fn signed_out_everywhere() {
    let c = AuthClient::new(config()).unwrap();
    c.logout().await;
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let global: web_sys::Window = js_sys::global().unchecked_into();
        global
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_typed_login_a_call_with_the_bearer_and_a_logout_that_clears_the_cookies() {
    signed_out_everywhere().await;
    let auth = AuthClient::new(config()).unwrap();
    assert_eq!(auth.restore::<User>().await.unwrap(), None);
    assert_eq!(auth.status(), Status::SignedOut);

    let session = auth.login::<User>(&DEMO).await.unwrap();
    let user = session.user.clone().expect("the login reply has the user");
    assert_eq!(user.username, "demo");
    assert!(!session.access_token.is_empty());
    assert!(session.expires_at.unwrap() > js_sys::Date::now());
    assert_eq!(auth.user::<User>(), Some(user.clone()));
    assert_eq!(auth.access_token(), Some(session.access_token.clone()));
    assert!(
        !format!("{session:?}").contains(&session.access_token),
        "Debug hides the token"
    );

    let me: User = auth
        .fetch(auth.get("api/me/"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, user);
    let who: WhoAmI = auth
        .fetch(auth.get("/api/whoami/"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(who.via.as_deref(), Some("header"), "the Bearer did it");
    // A body and another method, through the same builder.
    let made = auth
        .post("api/items/")
        .json(&serde_json::json!({ "name": "pen" }))
        .unwrap();
    let made = auth.fetch(made).await.unwrap();
    assert_eq!(made.status(), 201);

    let result = auth.logout().await;
    assert!(result.server_confirmed, "{result:?}");
    assert_eq!(auth.status(), Status::SignedOut);
    assert_eq!(auth.access_token(), None);
    drop(auth);
    // The server cleared the cookies: a new page has nothing to restore.
    let next = AuthClient::new(config()).unwrap();
    assert_eq!(next.restore::<User>().await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_refused_token_gets_one_refresh_and_the_request_one_retry() {
    signed_out_everywhere().await;
    let auth = AuthClient::new(config()).unwrap();
    let first = auth.login::<User>(&DEMO).await.unwrap().access_token;
    hook(
        "/test/revoke-access/",
        Some(serde_json::json!({ "token": first })),
    )
    .await;
    hook("/test/counters/reset/", Some(serde_json::json!({}))).await;

    let reply = auth.fetch(auth.get("api/me/")).await.unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(count(REFRESH_POST).await, 1);
    assert_ne!(auth.access_token().as_deref(), Some(first.as_str()));
    auth.logout().await;
}

#[wasm_bindgen_test]
async fn a_reload_restores_the_session_from_the_cookie() {
    signed_out_everywhere().await;
    let page = AuthClient::new(config()).unwrap();
    let signed_in = page.login::<User>(&DEMO).await.unwrap();
    drop(page);
    // The next page (memory storage: no token) restores from the HttpOnly cookie.
    let next = AuthClient::new(config()).unwrap();
    let restored = next.restore::<User>().await.unwrap().expect("a session");
    assert_eq!(restored.user, signed_in.user);
    assert_eq!(next.session::<User>().unwrap().user, signed_in.user);
    next.logout().await;
}

#[wasm_bindgen_test]
async fn errors_carry_the_npm_codes() {
    signed_out_everywhere().await;
    let auth = AuthClient::new(config()).unwrap();
    let wrong = Credentials {
        username: "demo",
        password: "wrong",
    };
    let e = auth.login::<User>(&wrong).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidCredentials, "{e}");
    assert!(e.status.is_some());
    assert!(e.to_string().starts_with("invalid_credentials: "), "{e}");

    let e = AuthClient::new(Config::new("not a url")).err().unwrap();
    assert_eq!(e.code, ErrorCode::Config);
    assert!(e.message.starts_with("baseUrl"), "{e}");
    let e = AuthClient::new(config().timeout_ms(0)).err().unwrap();
    assert!(e.message.starts_with("timeoutMs"), "{e}");
    // Not a JSON object: refused before anything is sent.
    let e = auth.login::<User>(&"demo").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Config);
    // The server's user does not have the app's shape.
    #[derive(Debug, Deserialize)]
    struct Other {
        #[allow(dead_code)]
        pk: String,
    }
    let e = auth.login::<Other>(&DEMO).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::BadResponse, "{e}");
    assert!(auth.is_authenticated(), "the session itself is kept");
    auth.logout().await;
}

#[wasm_bindgen_test]
async fn events_arrive_until_the_subscription_is_dropped() {
    signed_out_everywhere().await;
    let auth = AuthClient::new(config()).unwrap();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let subscription = auth.on_change({
        let seen = seen.clone();
        move |e| seen.borrow_mut().push((e.kind, e.source))
    });
    auth.login::<User>(&DEMO).await.unwrap();
    auth.refresh::<User>().await.unwrap();
    assert_eq!(
        *seen.borrow(),
        [
            (EventKind::SignedIn, Source::ThisTab),
            (EventKind::Refreshed, Source::ThisTab)
        ]
    );
    drop(subscription);
    auth.logout().await;
    assert_eq!(
        seen.borrow().len(),
        2,
        "no event after the guard is dropped"
    );
}

#[wasm_bindgen_test]
async fn a_call_made_while_the_session_is_restored_waits_and_goes_with_its_token() {
    signed_out_everywhere().await;
    AuthClient::new(config())
        .unwrap()
        .login::<User>(&DEMO)
        .await
        .unwrap();
    // A page load: no token yet; the app restores and calls an open view at once. A call
    // starts when it is made: the restore is under way before its future is polled.
    let auth = AuthClient::new(config()).unwrap();
    let restoring = auth.restore::<User>();
    let reply = auth.fetch(auth.get("api/whoami/")).await.unwrap();
    let who: WhoAmI = reply.json().await.unwrap();
    assert!(who.authenticated);
    assert_eq!(who.via.as_deref(), Some("header"));
    assert!(restoring.await.unwrap().is_some());
    auth.logout().await;
}

#[wasm_bindgen_test]
async fn an_abort_and_a_timeout_are_typed() {
    signed_out_everywhere().await;
    let auth = AuthClient::new(config()).unwrap();
    auth.login::<User>(&DEMO).await.unwrap();
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let aborted = auth.get("api/me/").abort_signal(Some(&controller.signal()));
    let e = auth.fetch(aborted).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Aborted, "{e}");
    // The backend's slow view answers after 1.5 s: a call of its own with 200 ms times out.
    let e = auth
        .fetch_with_timeout(auth.get("api/slow/?ms=1500"), 200)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Timeout, "{e}");
    auth.logout().await;
}

#[wasm_bindgen_test]
async fn clones_share_one_session_and_a_key_has_one_client() {
    signed_out_everywhere().await;
    let auth = AuthClient::new(config()).unwrap();
    let again = AuthClient::new(config()).unwrap();
    let clone = auth.clone();
    auth.login::<User>(&DEMO).await.unwrap();
    assert!(again.is_authenticated() && clone.is_authenticated());
    let e = AuthClient::new(config().timeout_ms(5000)).err().unwrap();
    assert_eq!(e.code, ErrorCode::Config);
    assert!(e.message.starts_with("storageKey"), "{e}");
    // Another key is another session.
    let other = AuthClient::new(config().storage_key("other")).unwrap();
    assert!(!other.is_authenticated());
    auth.logout().await;
    sleep(0).await;
}

#[wasm_bindgen_test]
async fn doctor_finds_the_server_sound_and_its_cycle_takes_its_place_when_called() {
    signed_out_everywhere().await;
    let auth = AuthClient::new(config()).unwrap();
    auth.login::<User>(&DEMO).await.unwrap();
    let probes = auth.doctor(None::<&()>).await;
    assert!(probes.ok, "{:?}", probes.findings);
    assert!(
        auth.is_authenticated(),
        "probes without credentials change no session"
    );
    // A credentialed cycle signs the browser out; it starts when made, so a login made right
    // after it comes after its cycle and stays.
    let cycle = auth.doctor(Some(&DEMO));
    let login = auth.login::<User>(&DEMO);
    let report = cycle.await;
    assert!(report.ok, "{:?}", report.findings);
    login.await.unwrap();
    assert!(auth.is_authenticated());
    auth.logout().await;
}
