//! `new AuthClient(config)`: reads and validates the config object with `Reflect` (no serde in
//! the npm build, see docs/decisions.md). An unknown key or a wrong type is a `config`
//! error that names the key.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::storage::StorageKind;
use crate::{get, http};
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

const KEYS: &[&str] = &[
    "baseUrl",
    "endpoints",
    "storage",
    "storageKey",
    "csrf",
    "refreshLeewayMs",
    "timeoutMs",
    "crossTab",
    "authorizedOrigins",
    "fields",
    "authScheme",
    "debug",
];

/// Largest accepted millisecond value: `setTimeout`'s limit (about 24.8 days).
const MAX_MS: f64 = 2_147_483_647.0;

impl Config {
    /// Validates a config object.
    ///
    /// # Errors
    /// `config`, naming the offending key (`"endpoints.login"` for nested keys).
    pub fn parse(value: &JsValue) -> Result<Config, AuthError> {
        // Built with the defaults first and filled in place: every early `?` then drops one
        // value (a chain of locals would need its own drop code at each exit).
        let obj = as_object(value, "config")?;
        check_keys(obj, KEYS, "")?;
        let mut cfg = Config {
            base: String::new(),
            urls: Default::default(),
            storage: StorageKind::Memory,
            storage_key: String::from("tokenward"),
            csrf: Some((String::from("csrftoken"), String::from("X-CSRFToken"))),
            leeway_ms: 0,
            timeout_ms: 0,
            cross_tab: true,
            authorized: Vec::new(),
            auth_paths: Vec::new(),
            fields: FieldNames::default(),
            debug: false,
            auth_scheme: String::from("Bearer"),
        };
        cfg.base = string(obj, "baseUrl")?
            .ok_or_else(|| AuthError::config("baseUrl", "is required"))
            .map(|b| http::resolve(&b, &b))?
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .ok_or_else(|| AuthError::config("baseUrl", "must be an absolute http(s) URL"))?;
        // Endpoint paths resolve against the base: a query or fragment would be dropped from
        // them, and silently so from relative `fetch` URLs.
        if cfg.base.bytes().any(|b| b == b'?' || b == b'#') {
            return Err(AuthError::config(
                "baseUrl",
                "must not have a query or fragment",
            ));
        }
        cfg.leeway_ms = millis(obj, "refreshLeewayMs", 30_000, false)?;
        cfg.timeout_ms = millis(obj, "timeoutMs", 15_000, true)?;
        cfg.cross_tab = boolean(obj, "crossTab", true)?;
        cfg.debug = boolean(obj, "debug", false)?;
        if !cfg.base.ends_with('/') {
            cfg.base.push('/');
        }

        if let Some(scheme) = string(obj, "authScheme")? {
            // A header token (RFC 9110): what `Headers` accepts before the space.
            let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            if scheme.is_empty() || !scheme.bytes().all(tchar) {
                return Err(AuthError::config(
                    "authScheme",
                    "must be a scheme name such as \"Bearer\" or \"JWT\"",
                ));
            }
            cfg.auth_scheme = scheme;
        }

        let endpoints = get(obj, "endpoints");
        if !endpoints.is_undefined() {
            let e = as_object(&endpoints, "endpoints")?;
            check_keys(e, &Endpoint::CONFIGURED.map(Endpoint::key), "endpoints.")?;
        }
        for endpoint in Endpoint::CONFIGURED {
            let key = endpoint.key();
            let v = get(&endpoints, key);
            let path = if v.is_undefined() {
                String::from(endpoint.default_path())
            } else if v.is_null() && endpoint == Endpoint::User {
                continue;
            } else {
                v.as_string().ok_or_else(|| {
                    AuthError::config(&prefixed("endpoints.", key), "must be a string")
                })?
            };
            let url = http::resolve(&path, &cfg.base).ok_or_else(|| {
                AuthError::config(&prefixed("endpoints.", key), "is not a valid URL")
            })?;
            if endpoint.sets_session_cookies() {
                cfg.auth_paths
                    .push(http::without_query(&url).unwrap_or_default());
            }
            cfg.urls[endpoint.slot()] = Some(url);
        }

        cfg.storage = match string(obj, "storage")?.as_deref() {
            None | Some("memory") => StorageKind::Memory,
            Some("localStorage") => StorageKind::Local,
            Some("sessionStorage") => StorageKind::Session,
            Some(_) => {
                return Err(AuthError::config(
                    "storage",
                    "must be \"memory\", \"localStorage\" or \"sessionStorage\"",
                ))
            }
        };
        if let Some(key) = string(obj, "storageKey")? {
            if key.is_empty() {
                return Err(AuthError::config("storageKey", "must not be empty"));
            }
            cfg.storage_key = key;
        }

        let csrf = get(obj, "csrf");
        if csrf.as_bool() == Some(false) {
            cfg.csrf = None;
        } else if !csrf.is_undefined() {
            let c = as_object(&csrf, "csrf")
                .map_err(|_| AuthError::config("csrf", "must be { cookie, header } or false"))?;
            check_keys(c, &["cookie", "header"], "csrf.")?;
            if let Some((cookie, header)) = &mut cfg.csrf {
                for (key, slot) in [("csrf.cookie", cookie), ("csrf.header", header)] {
                    if let Some(v) = string(c, &key[5..]).map_err(|_| bad_string(key))? {
                        if v.is_empty() {
                            return Err(AuthError::config(key, "must not be empty"));
                        }
                        *slot = v;
                    }
                }
            }
        }

        let ao = get(obj, "authorizedOrigins");
        if ao.is_undefined() {
            cfg.authorized
                .push(http::origin_of(&cfg.base).unwrap_or_default());
        } else {
            let arr = ao.dyn_ref::<Array>().ok_or_else(|| {
                AuthError::config("authorizedOrigins", "must be an array of URLs")
            })?;
            if arr.length() == 0 {
                // An empty list would send the token nowhere, not even to the API.
                return Err(AuthError::config(
                    "authorizedOrigins",
                    "must name at least one origin",
                ));
            }
            for v in arr.iter() {
                let origin = v
                    .as_string()
                    .and_then(|s| http::origin_of(&s))
                    .filter(|o| o != "null")
                    .ok_or_else(|| {
                        AuthError::config("authorizedOrigins", "must contain absolute URLs")
                    })?;
                cfg.authorized.push(origin);
            }
        }

        let f = get(obj, "fields");
        if !f.is_undefined() {
            let fo = as_object(&f, "fields")?;
            check_keys(fo, &["access", "accessExpiration", "user"], "fields.")?;
            let slots = [
                ("access", &mut cfg.fields.access),
                ("accessExpiration", &mut cfg.fields.access_expiration),
                ("user", &mut cfg.fields.user),
            ];
            for (key, slot) in slots {
                let v = get(&f, key);
                if v.is_undefined() {
                    continue;
                }
                *slot = v.as_string().filter(|s| !s.is_empty()).ok_or_else(|| {
                    AuthError::config(&prefixed("fields.", key), "must be a non-empty string")
                })?;
            }
        }
        Ok(cfg)
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

fn bad_string(key: &str) -> AuthError {
    AuthError::config(key, "must be a string")
}

fn prefixed(prefix: &str, key: &str) -> String {
    let mut s = String::from(prefix);
    s.push_str(key);
    s
}

fn as_object<'a>(v: &'a JsValue, key: &str) -> Result<&'a Object, AuthError> {
    if v.is_object() && !Array::is_array(v) && !v.is_function() {
        Ok(v.unchecked_ref())
    } else {
        Err(AuthError::config(key, "must be an object"))
    }
}

fn check_keys(obj: &Object, allowed: &[&str], prefix: &str) -> Result<(), AuthError> {
    for k in Object::keys(obj).iter() {
        let k = k.as_string().unwrap_or_default();
        if !allowed.contains(&k.as_str()) {
            return Err(AuthError::config(
                &prefixed(prefix, &k),
                "is not a known option",
            ));
        }
    }
    Ok(())
}

fn string(obj: &Object, key: &str) -> Result<Option<String>, AuthError> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| bad_string(key))
}

fn boolean(obj: &Object, key: &str, default: bool) -> Result<bool, AuthError> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(default);
    }
    v.as_bool()
        .ok_or_else(|| AuthError::config(key, "must be a boolean"))
}

fn millis(obj: &Object, key: &str, default: u64, positive: bool) -> Result<u64, AuthError> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(n) if (0.0..=MAX_MS).contains(&n) && (!positive || n > 0.0) => Ok(n as u64),
        _ => Err(AuthError::config(
            key,
            if positive {
                "must be a number of milliseconds greater than 0 (at most 2147483647)"
            } else {
                "must be a number of milliseconds, 0 or more (at most 2147483647)"
            },
        )),
    }
}
