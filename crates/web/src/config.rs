//! `new AuthClient(config)`: the config object is read and validated in one JS call
//! (config.js; no serde in the npm build, and reading it key by key through `Reflect` cost
//! 10 KB of wasm: docs/size.md), into the plain data kept here. An unknown key or a wrong type
//! is a `config` error that names the key.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::get;
use crate::storage::StorageKind;
use tokenward_core::error::AuthError;
use tokenward_core::outcome::Endpoint;
use tokenward_core::reply::FieldNames;

/// The validated configuration.
pub struct Config {
    /// `baseUrl`, as an absolute href ending in `/`.
    pub base: String,
    /// The absolute URL of each endpoint, by [`Endpoint::slot`]; `None` only for `user: null`
    /// (no look-up, no `updateUser()`). See [`Config::url`].
    urls: [Option<String>; 10],
    /// Where the access token lives.
    pub storage: StorageKind,
    /// Web Storage key and cross-tab channel name.
    pub storage_key: String,
    /// (cookie, header) for CSRF, or `None`.
    pub csrf: Option<(String, String)>,
    /// `refreshLeewayMs`.
    pub leeway_ms: u64,
    /// `timeoutMs`.
    pub timeout_ms: u64,
    /// `crossTab`.
    pub cross_tab: bool,
    /// Origins that receive the Bearer token.
    pub authorized: Vec<String>,
    /// login, refresh and logout without query and fragment: never intercepted.
    auth_paths: Vec<String>,
    /// Response field names.
    pub fields: FieldNames,
    /// `debug`.
    pub debug: bool,
    /// `authScheme`: the scheme of every `Authorization` header the SDK writes.
    pub auth_scheme: String,
}

#[wasm_bindgen(module = "/src/config.js")]
extern "C" {
    /// See config.js.
    #[wasm_bindgen(js_name = readConfig)]
    fn read_config(config: &JsValue, endpoints: &str) -> Read;

    /// What config.js answers, read through getters.
    type Read;
    #[wasm_bindgen(method, getter)]
    fn error(this: &Read) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn message(this: &Read) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn base(this: &Read) -> String;
    #[wasm_bindgen(method, getter)]
    fn urls(this: &Read) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = authPaths)]
    fn auth_paths(this: &Read) -> Array;
    #[wasm_bindgen(method, getter)]
    fn storage(this: &Read) -> String;
    #[wasm_bindgen(method, getter, js_name = storageKey)]
    fn storage_key(this: &Read) -> String;
    #[wasm_bindgen(method, getter)]
    fn csrf(this: &Read) -> Option<Array>;
    #[wasm_bindgen(method, getter)]
    fn leeway(this: &Read) -> f64;
    #[wasm_bindgen(method, getter)]
    fn timeout(this: &Read) -> f64;
    #[wasm_bindgen(method, getter, js_name = crossTab)]
    fn cross_tab(this: &Read) -> bool;
    #[wasm_bindgen(method, getter)]
    fn authorized(this: &Read) -> Array;
    #[wasm_bindgen(method, getter)]
    fn fields(this: &Read) -> Array;
    #[wasm_bindgen(method, getter)]
    fn debug(this: &Read) -> bool;
    #[wasm_bindgen(method, getter, js_name = authScheme)]
    fn auth_scheme(this: &Read) -> String;
}

/// The strings of a JS array.
fn strings(a: &Array) -> Vec<String> {
    a.iter().filter_map(|v| v.as_string()).collect()
}

impl Config {
    /// Validates a config object.
    ///
    /// # Errors
    /// `config`, naming the offending key (`"endpoints.login"` for nested keys).
    pub fn parse(value: &JsValue) -> Result<Config, AuthError> {
        let r = read_config(value, Endpoint::TABLE);
        if let Some(key) = r.error() {
            return Err(AuthError::config(&key, &r.message().unwrap_or_default()));
        }
        let urls = r.urls();
        let [access, access_expiration, user] = [0, 1, 2].map(|i| r.fields().get(i).as_string());
        Ok(Config {
            base: r.base(),
            urls: Endpoint::CONFIGURED.map(|e| get(&urls, e.key()).as_string()),
            storage: match r.storage().as_str() {
                "localStorage" => StorageKind::Local,
                "sessionStorage" => StorageKind::Session,
                _ => StorageKind::Memory,
            },
            storage_key: r.storage_key(),
            csrf: r.csrf().map(|c| {
                let [cookie, header] = [0, 1].map(|i| c.get(i).as_string().unwrap_or_default());
                (cookie, header)
            }),
            leeway_ms: r.leeway() as u64,
            timeout_ms: r.timeout() as u64,
            cross_tab: r.cross_tab(),
            authorized: strings(&r.authorized()),
            auth_paths: strings(&r.auth_paths()),
            fields: FieldNames {
                access: access.unwrap_or_default(),
                access_expiration: access_expiration.unwrap_or_default(),
                user: user.unwrap_or_default(),
            },
            debug: r.debug(),
            auth_scheme: r.auth_scheme(),
        })
    }

    /// The URL of `endpoint` (`None`: `endpoints.user` is `null`).
    pub fn url(&self, endpoint: Endpoint) -> Option<&str> {
        self.urls[endpoint.slot()].as_deref()
    }

    /// Whether a request to `origin` may carry the access token.
    pub fn is_authorized(&self, origin: &str) -> bool {
        self.authorized.iter().any(|o| o == origin)
    }

    /// Whether `path` (a URL without query and fragment) is one of the SDK's own auth
    /// endpoints (never intercepted).
    pub fn is_auth_endpoint(&self, path: &str) -> bool {
        self.auth_paths.iter().any(|p| p == path)
    }
}
