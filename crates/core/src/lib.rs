//! # tokenward-core
//!
//! The decisions of tokenward, an auth SDK for single-page apps whose API keeps the refresh
//! token in an HttpOnly cookie (dj-rest-auth + simplejwt): the session state machine, JWT
//! claims, what each reply of the server means, the login, logout and account exchanges, and
//! `doctor()`'s judgement. No `web-sys`, no `js-sys`, no clock, no I/O (sans-IO, in the manner
//! of quinn-proto): the shells — the npm package (`tokenward-machine` under its JavaScript
//! shell) and the Rust API (`tokenward`) — feed it what happened and carry out what it asks. `no_std` + `alloc`; every
//! decision is tested natively (`cargo test -p tokenward-core`).
//!
//! ```
//! use tokenward_core::session::{Call, Input, Machine, OpId, Options, PageState, Reading};
//!
//! let opts = Options {
//!     leeway: 30_000,
//!     timeout: 15_000,
//!     cross_tab: false,
//!     user_lookup: false,
//!     seed: 1,
//!     page: PageState::default(),
//! };
//! let at = Reading { wall: 1_700_000_000_000, mono: 0 };
//! let mut m: Machine<()> = Machine::new(opts, false, at);
//! m.handle(Input::Call(OpId(1), Call::Restore(None)), at);
//! // The machine asks for a refresh from the cookie: the shell sends it and feeds the reply.
//! assert!(core::iter::from_fn(|| m.poll_action()).any(|a| matches!(a, tokenward_core::session::Action::Send(..))));
//! ```
#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod account;
pub mod claims;
pub mod doctor;
pub mod error;
pub mod login;
pub mod logout;
pub mod outcome;
pub mod reply;
pub mod secret;
pub mod session;

#[cfg(test)]
#[path = "tests/fuzz.rs"]
mod fuzz;

pub use error::{AuthError, ErrorCode};
