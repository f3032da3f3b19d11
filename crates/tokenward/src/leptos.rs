//! The Leptos integration (cargo feature `leptos`): one client for the app, its state as a
//! signal, actions for login and logout, and an [`Authenticated`] component.
//!
//! ```no_run
//! use leptos::prelude::*;
//! use tokenward::leptos::{provide_auth, use_auth, AuthState, Authenticated};
//! use tokenward::Config;
//!
//! #[derive(Clone, serde::Deserialize)]
//! struct User { username: String }
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     // In the root component: one client, one restore.
//!     provide_auth::<User>(Config::new("https://api.example.com")).expect("a valid config");
//!     view! {
//!         <Authenticated fallback=|| view! { <Login/> }>
//!             <Dashboard/>
//!         </Authenticated>
//!     }
//! }
//!
//! #[component]
//! fn Dashboard() -> impl IntoView {
//!     let auth = use_auth::<User>();
//!     let logout = auth.logout_action();
//!     let name = move || match auth.state().get() {
//!         AuthState::SignedIn(s) => s.user.map(|u| u.username).unwrap_or_default(),
//!         _ => String::new(),
//!     };
//!     view! { <p>{name}</p> <button on:click=move |_| { logout.dispatch(()); }>"Sign out"</button> }
//! }
//! # #[component] fn Login() -> impl IntoView {}
//! ```
//!
//! Client-side rendering: on the server (a target other than `wasm32`) `provide_auth` makes no
//! client, the state stays [`AuthState::Loading`] and [`Auth::client`] is `None`, so an app
//! that also renders on the server builds and renders its loading view there.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{AuthClient, AuthError, Config, LogoutResult, Session, Status, Subscription};

/// What the app shows.
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use tokenward::leptos::*;
/// # #[derive(Clone, serde::Deserialize)]
/// # struct User { username: String }
/// # fn f() -> impl IntoView {
/// let auth = use_auth::<User>();
/// move || match auth.state().get() {
///     AuthState::Loading | AuthState::Unknown => "…".to_owned(),
///     AuthState::SignedIn(s) => s.user.map(|u| u.username).unwrap_or_default(),
///     AuthState::SignedOut => "signed out".to_owned(),
/// }
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum AuthState<U> {
    /// The first `restore` has not answered yet.
    Loading,
    /// The server could not be asked (network, timeout, 5xx): the cookie may well be fine,
    /// and the client keeps trying on its own. Not a reason to show the login page.
    Unknown,
    /// Signed in.
    SignedIn(Session<U>),
    /// No session: show the login page.
    SignedOut,
}

impl<U> AuthState<U> {
    /// Whether this is [`AuthState::SignedIn`].
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use tokenward::leptos::*;
    /// # #[derive(Clone, serde::Deserialize)]
    /// # struct User { username: String }
    /// let auth = use_auth::<User>();
    /// let show_menu = move || auth.state().with(AuthState::is_signed_in);
    /// ```
    pub fn is_signed_in(&self) -> bool {
        matches!(self, AuthState::SignedIn(_))
    }
}

/// What [`Authenticated`] needs, whatever the app's user type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Known {
    Loading,
    SignedIn,
    SignedOut,
}

/// The handle of [`use_auth`]: the state as a signal, the client, and actions. `Copy`.
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use tokenward::leptos::*;
/// # #[derive(Clone, serde::Deserialize)]
/// # struct User { username: String }
/// let auth = use_auth::<User>();
/// let in_a_closure = move || auth.state().get(); // Copy: no clone needed
/// ```
pub struct Auth<U: Send + Sync + 'static> {
    state: RwSignal<AuthState<U>>,
    client: StoredValue<Option<AuthClient>, LocalStorage>,
}

impl<U: Send + Sync + 'static> Clone for Auth<U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<U: Send + Sync + 'static> Copy for Auth<U> {}

/// The app's user type's bounds.
///
/// ```no_run
/// # use tokenward::leptos::use_auth;
/// // Any Clone + Deserialize type with no borrowed fields:
/// #[derive(Clone, serde::Deserialize)]
/// struct Me { pk: u64, username: String, email: String }
/// let auth = use_auth::<Me>();
/// ```
pub trait User: Clone + DeserializeOwned + Send + Sync + 'static {}
impl<U: Clone + DeserializeOwned + Send + Sync + 'static> User for U {}

impl<U: User> Auth<U> {
    /// The session's state, reactive.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use tokenward::leptos::*;
    /// # #[derive(Clone, serde::Deserialize)]
    /// # struct User { username: String }
    /// let auth = use_auth::<User>();
    /// Effect::new(move || leptos::logging::log!("signed in: {}", auth.state().get().is_signed_in()));
    /// ```
    pub fn state(&self) -> Signal<AuthState<U>> {
        self.state.into()
    }

    /// The client (clones share its session); `None` on the server.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use tokenward::leptos::*;
    /// # #[derive(Clone, serde::Deserialize)]
    /// # struct User { username: String }
    /// let auth = use_auth::<User>();
    /// let load = Action::new_local(move |_: &()| {
    ///     let client = auth.client();
    ///     async move {
    ///         let client = client?;
    ///         let reply = client.fetch(client.get("api/orders/")).await.ok()?;
    ///         reply.text().await.ok()
    ///     }
    /// });
    /// ```
    pub fn client(&self) -> Option<AuthClient> {
        self.client.get_value()
    }

    /// An action that signs in with its input as the credentials; its value is the call's
    /// result (the state follows on its own).
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use tokenward::leptos::*;
    /// # #[derive(Clone, serde::Deserialize)]
    /// # struct User { username: String }
    /// #[derive(serde::Serialize)]
    /// struct Credentials { username: String, password: String }
    /// # let (username, password) = (String::new(), String::new());
    /// let login = use_auth::<User>().login_action::<Credentials>();
    /// login.dispatch(Credentials { username, password });
    /// let error = move || login.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    /// ```
    pub fn login_action<C: Serialize + 'static>(&self) -> Action<C, Result<Session<U>, AuthError>> {
        let client = self.client;
        Action::new_local(move |credentials: &C| {
            let client = client.get_value();
            let body = serde_json::to_value(credentials);
            async move {
                let client = client.ok_or_else(no_client)?;
                let body =
                    body.map_err(|_| AuthError::config("credentials", "not serializable as JSON"))?;
                client.login::<U>(&body).await
            }
        })
    }

    /// An action that signs out; its value says what the server did.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use tokenward::leptos::*;
    /// # #[derive(Clone, serde::Deserialize)]
    /// # struct User { username: String }
    /// # fn f() -> impl IntoView {
    /// let logout = use_auth::<User>().logout_action();
    /// view! { <button on:click=move |_| { logout.dispatch(()); }>"Sign out"</button> }
    /// # }
    /// ```
    pub fn logout_action(&self) -> Action<(), LogoutResult> {
        let client = self.client;
        Action::new_local(move |_: &()| {
            let client = client.get_value();
            async move {
                match client {
                    Some(client) => client.logout().await,
                    None => LogoutResult::default(),
                }
            }
        })
    }
}

fn no_client() -> AuthError {
    AuthError::config("credentials", "no client here (rendering on the server)")
}

/// Makes the app's client for `config` and provides it to the components below (call it once,
/// in the root component): restores the session at once, and keeps [`Auth::state`] in step
/// with every event of this tab and the others. Returns the handle [`use_auth`] gives.
///
/// # Errors
/// `Config` naming the offending setting, as [`AuthClient::new`].
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use tokenward::leptos::*;
/// # #[derive(Clone, serde::Deserialize)]
/// # struct User { username: String }
/// # use tokenward::Config;
/// # #[component] fn Routes() -> impl IntoView {}
/// #[component]
/// fn App() -> impl IntoView {
///     if let Err(e) = provide_auth::<User>(Config::new("https://api.example.com")) {
///         return view! { <p>{e.to_string()}</p> }.into_any();
///     }
///     view! { <Routes/> }.into_any()
/// }
/// ```
pub fn provide_auth<U: User>(config: Config) -> Result<Auth<U>, AuthError> {
    let state = RwSignal::new(AuthState::Loading);
    let known = RwSignal::new(Known::Loading);
    // On the server nothing runs: no client, the state stays `Loading`.
    let client = match cfg!(target_arch = "wasm32") {
        true => Some(start(config, state, known)?),
        false => None,
    };
    let auth = Auth {
        state,
        client: StoredValue::new_local(client),
    };
    provide_context(auth);
    provide_context(Phase(known.read_only()));
    Ok(auth)
}

/// The client, its restore, and the subscription that keeps `state` current (dropped with
/// the owner of the component that called `provide_auth`).
fn start<U: User>(
    config: Config,
    state: RwSignal<AuthState<U>>,
    known: RwSignal<Known>,
) -> Result<AuthClient, AuthError> {
    let client = AuthClient::new(config)?;
    let follow = {
        let client = client.clone();
        move || {
            let (now, phase) = current::<U>(&client);
            state.set(now);
            known.set(phase);
        }
    };
    let subscription: Subscription = client.on_change({
        let follow = follow.clone();
        move |_| follow()
    });
    StoredValue::new_local(subscription);
    let restoring = client.clone();
    leptos::task::spawn_local(async move {
        // Success and failure both leave the machine's state to read: a failed restore is
        // `Unknown` (transient) or `SignedOut`.
        let _ = restoring.restore::<U>().await;
        follow();
    });
    Ok(client)
}

/// The state the client is in now.
fn current<U: User>(client: &AuthClient) -> (AuthState<U>, Known) {
    match (client.status(), client.session::<U>()) {
        (Status::SignedIn, Some(session)) => (AuthState::SignedIn(session), Known::SignedIn),
        (Status::SignedOut, _) => (AuthState::SignedOut, Known::SignedOut),
        _ => (AuthState::Unknown, Known::Loading),
    }
}

/// The app's handle, from [`provide_auth`] above this component.
///
/// Without `provide_auth` (or with another user type) this returns a handle whose state stays
/// [`AuthState::Loading`] and whose client is `None`, and logs why to the console.
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use tokenward::leptos::*;
/// # #[derive(Clone, serde::Deserialize)]
/// # struct User { username: String }
/// let auth = use_auth::<User>();
/// let signed_in = move || auth.state().get().is_signed_in();
/// ```
pub fn use_auth<U: User>() -> Auth<U> {
    use_context::<Auth<U>>().unwrap_or_else(|| {
        leptos::logging::warn!(
            "tokenward: use_auth() found no provide_auth() with this user type above it"
        );
        Auth {
            state: RwSignal::new(AuthState::Loading),
            client: StoredValue::new_local(None),
        }
    })
}

/// What [`Authenticated`] reads, for any user type.
#[derive(Clone, Copy)]
struct Phase(ReadSignal<Known>);

/// Shows `children` when signed in, `fallback` when signed out, and `loading` (default:
/// nothing) while the session is not known yet — the first restore, or a server that could
/// not be asked (the client keeps trying).
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use tokenward::leptos::*;
/// # #[derive(Clone, serde::Deserialize)]
/// # struct User { username: String }
/// # #[component] fn Login() -> impl IntoView {}
/// # #[component] fn Spinner() -> impl IntoView {}
/// # #[component] fn Dashboard() -> impl IntoView {}
/// # fn f() -> impl IntoView {
/// view! {
///     <Authenticated
///         fallback=|| view! { <Login/> }
///         loading=|| view! { <Spinner/> }
///     >
///         <Dashboard/>
///     </Authenticated>
/// }
/// # }
/// ```
#[component]
pub fn Authenticated(
    /// Shown signed out (the login page).
    #[prop(into)]
    fallback: ViewFn,
    /// Shown while the session is not known.
    #[prop(optional, into)]
    loading: ViewFn,
    /// Shown signed in.
    children: ChildrenFn,
) -> impl IntoView {
    let phase = use_context::<Phase>().map(|p| p.0);
    if phase.is_none() {
        leptos::logging::warn!("tokenward: <Authenticated> found no provide_auth() above it");
    }
    move || match phase.map(|p| p.get()) {
        Some(Known::SignedIn) => children().into_any(),
        Some(Known::Loading) => loading.run(),
        Some(Known::SignedOut) | None => fallback.run(),
    }
}
