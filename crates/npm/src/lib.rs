//! # tokenward-npm
//!
//! The npm package's main module: links the `#[wasm_bindgen]` surface of `tokenward-js` (the
//! root crate) into a cdylib of its own. Cargo skips the release profile's LTO for a crate
//! that is both a cdylib and an rlib, and the root crate must stay an rlib for its browser
//! tests; linking here is what makes the package's `.wasm` link-time optimised (docs/size.md).
#![cfg_attr(feature = "npm", no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub use tokenward::*;
