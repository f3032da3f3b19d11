//! The pure core: no `web-sys`, no `js-sys`, no clock, no I/O. Every decision the SDK makes
//! lives here and is tested natively (`cargo test`).

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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz;
