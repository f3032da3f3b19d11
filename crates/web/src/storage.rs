//! Web Storage (`localStorage` / `sessionStorage`) with a memory fallback.
//!
//! Storage can be missing (some webviews), `null`, or throw on access (`SecurityError` with
//! cookies blocked, `QuotaExceededError` when full). Every such failure falls back to memory
//! (nothing persisted) and is traced with `debug: true`; none is fatal.
//!
//! The refresh token is never stored: it lives in the server's HttpOnly cookie. In `"memory"`
//! mode (the default) nothing is written at all.

use alloc::string::String;

use wasm_bindgen::prelude::*;

use super::log;

#[wasm_bindgen(module = "/src/page.js")]
extern "C" {
    /// One key of a Web Storage (page.js).
    type WebKey;
    #[wasm_bindgen(js_name = openStore)]
    fn open_store(kind: &str, key: &str) -> Option<WebKey>;
    #[wasm_bindgen(method)]
    fn get(this: &WebKey) -> JsValue;
    #[wasm_bindgen(method)]
    fn set(this: &WebKey, value: &str) -> bool;
    #[wasm_bindgen(method)]
    fn remove(this: &WebKey) -> bool;
}

/// Where the access token lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageKind {
    /// Only in this page's memory (default): gone on reload, invisible to other scripts' storage reads.
    Memory,
    /// `localStorage`: shared by the origin's tabs, survives restarts.
    Local,
    /// `sessionStorage`: this tab only, survives reloads.
    Session,
}

/// One key in Web Storage, or nothing.
pub struct Store {
    web: Option<WebKey>,
    debug: bool,
}

impl Store {
    /// Opens `kind` for `key`; falls back to memory when the storage is unavailable.
    pub fn open(kind: StorageKind, key: &str, debug: bool) -> Store {
        let name = match kind {
            StorageKind::Memory => None,
            StorageKind::Local => Some("localStorage"),
            StorageKind::Session => Some("sessionStorage"),
        };
        let web = name.and_then(|name| {
            let found = open_store(name, key);
            if found.is_none() {
                log::debug(
                    debug,
                    "Web Storage unavailable: keeping the token in memory",
                );
            }
            found
        });
        Store { web, debug }
    }

    /// A durable flag (not a token): `localStorage` when available, whatever `storage` is, so
    /// that every tab and the next page load see it.
    pub fn open_flag(key: &str, debug: bool) -> Store {
        Store::open(StorageKind::Local, key, debug)
    }

    /// Whether tokens are persisted.
    pub fn persistent(&self) -> bool {
        self.web.is_some()
    }

    /// The stored value, if any.
    pub fn get(&self) -> Option<String> {
        let value = self.web.as_ref()?.get();
        if value.is_null() {
            return None;
        }
        let text = value.as_string();
        if text.is_none() {
            log::debug(self.debug, "Web Storage read failed");
        }
        text
    }

    /// Stores `value` (a failure leaves the token in memory only).
    pub fn set(&self, value: &str) {
        if let Some(web) = &self.web {
            if !web.set(value) {
                log::debug(
                    self.debug,
                    "Web Storage write failed: token kept in memory only",
                );
            }
        }
    }

    /// Removes the stored value.
    pub fn remove(&self) {
        if let Some(web) = &self.web {
            if !web.remove() {
                log::debug(self.debug, "Web Storage remove failed");
            }
        }
    }
}
