//! A token that cannot leak through `Debug`.

use alloc::string::String;
use core::fmt;

/// An access token. `Debug` prints `Secret(..)`, never the value, so a token cannot reach a
/// log through a derived `Debug` of a type that holds one.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token.
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The token itself: for the `Authorization` header, storage and the JS getters only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[cfg(test)]
#[path = "tests/secret.rs"]
mod tests;
