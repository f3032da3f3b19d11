//! # tokenward-machine
//!
//! The session machine (`tokenward_core::session`) as a `.wasm` of its own behind a byte
//! interface, for a shell written in JavaScript (`js/machine.js`): the shell writes one input
//! into a buffer, calls `handle`, and reads back the actions the machine asks for; the
//! getters, `auth.fetch`'s gate and its verdict on an answer are one call each. No
//! wasm-bindgen: the exports take and return numbers, and the bytes are laid out by
//! [`protocol`] over [`wire`]. A user object and a reply's body stay in JS; the machine holds
//! a user's handle and reads a body as the members the shell wrote.
//!
//! The machine decides everything; the shell carries out: it sends the requests, keeps the
//! promises, storage, the timer, the lock and the channel to the other tabs.
#![cfg_attr(feature = "npm", no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod protocol;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod abi;

#[cfg(test)]
mod tests;
