//! # tokenward
//!
//! Sessions for Rust single-page apps (Leptos, Yew, Dioxus, plain `wasm-bindgen`) whose API
//! keeps the refresh token in an **HttpOnly cookie** — the Django dj-rest-auth + simplejwt
//! pattern. The access token stays in memory (or Web Storage); login, refresh and logout go
//! out with `credentials: "include"`, so the *server* sets and clears the cookies; refreshes
//! happen ahead of expiry and after a refused token (then the request is retried once), one at
//! a time across all the tabs of the app.
//!
//! The same session machine as the npm package `tokenward` decides everything (the crate
//! `tokenward-core`), through the same browser shell (`tokenward-web`): a Rust page and a
//! JavaScript page of the same app with the same `storage_key` share one session.
//!
//! ```no_run
//! use serde::{Deserialize, Serialize};
//! use tokenward::{AuthClient, Config, ErrorCode};
//!
//! #[derive(Clone, Deserialize)]
//! struct User { pk: u64, username: String }
//!
//! #[derive(Serialize)]
//! struct Credentials { username: String, password: String }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = AuthClient::new(Config::new("https://api.example.com"))?;
//! let session = match auth.restore::<User>().await? {
//!     Some(session) => session,
//!     None => {
//!         let credentials = Credentials { username: "ada".into(), password: "…".into() };
//!         auth.login::<User>(&credentials).await?
//!     }
//! };
//! // A gloo-net request: the Bearer added for the API's origin, refreshed and retried once
//! // on a refused token.
//! let me: serde_json::Value = auth.fetch(auth.get("api/me/")).await?.json().await?;
//! let _subscription = auth.on_change(|event| println!("{:?} ({:?})", event.kind, event.source));
//! auth.logout().await;
//! # Ok(()) }
//! ```
//!
//! With the cargo feature `leptos`: [`leptos::provide_auth`], [`leptos::use_auth`] and the
//! [`leptos::Authenticated`] component.
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod account;
mod client;
mod config;
mod error;
mod events;
mod request;
mod state;
mod types;

#[cfg(feature = "leptos")]
pub mod leptos;

pub use client::AuthClient;
pub use config::{Config, Csrf, Endpoints, Fields, Storage};
pub use error::{AuthError, ErrorCode};
pub use events::Subscription;
pub use request::IntoRequest;
pub use types::{
    AccountResult, AuthEvent, DoctorReport, EventKind, Finding, Level, LogoutResult, Session,
    SignUpResult, Source, Status,
};

/// The gloo-net this crate is built with (features `http` and `json`), so that an app names
/// the same version's `RequestBuilder` and `Response`.
pub use gloo_net;
