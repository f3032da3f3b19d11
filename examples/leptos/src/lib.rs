//! A Leptos app signed in with tokenward: the session restored at load, a login form, a call
//! to the API with the access token, the session's events, and sign-out. The API's URL is
//! `?api=` (default the reference backend on 127.0.0.1:8001).
//!
//! Built by `scripts/example.sh` (cargo and the wasm-bindgen CLI) into
//! `target/examples/leptos/`, and driven by `tests/e2e/rust.test.mjs`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tokenward::leptos::{provide_auth, use_auth, AuthState, Authenticated};
use tokenward::{Config, EventKind, Source};
use wasm_bindgen::prelude::*;

/// dj-rest-auth's user.
#[derive(Clone, Debug, Deserialize)]
struct User {
    username: String,
    email: String,
}

#[derive(Clone, Serialize)]
struct Credentials {
    username: String,
    password: String,
}

#[wasm_bindgen(start)]
pub fn main() {
    leptos::mount::mount_to_body(App);
}

/// `?api=`, or the reference backend.
fn api() -> String {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get("api"))
        .unwrap_or_else(|| "http://127.0.0.1:8001".into())
}

#[component]
fn App() -> impl IntoView {
    let auth = match provide_auth::<User>(Config::new(api())) {
        Ok(auth) => auth,
        Err(e) => return view! { <p id="error">{e.to_string()}</p> }.into_any(),
    };
    // The session's events, this tab's and the other tabs' (Rust or JavaScript).
    let events = RwSignal::new(Vec::<String>::new());
    if let Some(client) = auth.client() {
        let subscription = client.on_change(move |e| {
            let kind = match e.kind {
                EventKind::SignedIn => "signedIn",
                EventKind::Refreshed => "refreshed",
                EventKind::SignedOut => "signedOut",
                EventKind::Expired => "expired",
                EventKind::UserUpdated => "userUpdated",
            };
            let source = match e.source {
                Source::ThisTab => "this_tab",
                Source::OtherTab => "other_tab",
            };
            events.update(|list| list.push(format!("{kind}:{source}")));
        });
        // Kept as long as the app: dropped (unsubscribed) with it.
        StoredValue::new_local(subscription);
    }
    let status = move || match auth.state().get() {
        AuthState::Loading => "loading".to_string(),
        AuthState::Unknown => "the server cannot be reached; trying again".to_string(),
        AuthState::SignedIn(_) => "signed in".to_string(),
        AuthState::SignedOut => "signed out".to_string(),
    };
    view! {
        <h1>"tokenward × Leptos"</h1>
        <p id="status">{status}</p>
        <Authenticated
            fallback=|| view! { <Login/> }
            loading=|| view! { <p>"Restoring the session…"</p> }
        >
            <Dashboard/>
        </Authenticated>
        <h2>"Events"</h2>
        <ul id="events">
            {move || events.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Login() -> impl IntoView {
    let login = use_auth::<User>().login_action::<Credentials>();
    let username = RwSignal::new(String::from("demo"));
    let password = RwSignal::new(String::new());
    let error = move || {
        let result = login.value().get()?;
        result.err().map(|e| e.to_string())
    };
    view! {
        <form on:submit=move |ev| {
            ev.prevent_default();
            login.dispatch(Credentials { username: username.get(), password: password.get() });
        }>
            <label>"Username " <input id="username" bind:value=username/></label>
            <label>"Password " <input id="password" type="password" bind:value=password/></label>
            <button id="login" type="submit" disabled=move || login.pending().get()>"Sign in"</button>
            <p id="error">{error}</p>
        </form>
    }
}

#[component]
fn Dashboard() -> impl IntoView {
    let auth = use_auth::<User>();
    let logout = auth.logout_action();
    let result = RwSignal::new(String::new());
    let call = move |_| {
        let Some(client) = auth.client() else { return };
        // A gloo-net request: the Bearer added, refreshed and retried once if refused.
        let reply = client.fetch(client.get("api/me/"));
        leptos::task::spawn_local(async move {
            let text = match reply.await {
                Ok(reply) => match reply.json::<User>().await {
                    Ok(me) => format!("the API says: {} <{}>", me.username, me.email),
                    Err(e) => format!("unreadable reply: {e}"),
                },
                Err(e) => format!("failed: {e}"),
            };
            result.set(text);
        });
    };
    let session = move || match auth.state().get() {
        AuthState::SignedIn(s) => Some(s),
        _ => None,
    };
    let user = move || session().and_then(|s| s.user).map(|u| u.username);
    let expires = move || session().and_then(|s| s.expires_at).map(|e| e.to_string());
    view! {
        <p>"Signed in as " <b id="user">{user}</b></p>
        <p id="expires" data-expires=expires>"The access token is refreshed before it expires."</p>
        <button id="call" on:click=call>"Call the API"</button>
        <p id="result">{move || result.get()}</p>
        <button id="logout" on:click=move |_| {
            logout.dispatch(());
        }>"Sign out"</button>
    }
}
