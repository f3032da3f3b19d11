//! `new AuthClient(config)`: reads and validates the config object with `Reflect` (no serde in
//! the npm build, see the README's size policy). An unknown key or a wrong type is a `config`
//! error that names the key.

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::error::AuthError;
use crate::core::reply::FieldNames;
use crate::platform::storage::StorageKind;
use crate::platform::{get, http};

/// The validated configuration.
pub struct Config {
    /// `baseUrl`, as an absolute href ending in `/`.
    pub base: String,
    /// Absolute endpoint URLs.
    pub login: String,
    /// Refresh endpoint.
    pub refresh: String,
    /// Logout endpoint.
    pub logout: String,
    /// User endpoint; `None` disables the look-up.
    pub user: Option<String>,
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
    /// Response field names.
    pub fields: FieldNames,
    /// `debug`.
    pub debug: bool,
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
    "debug",
];

/// The documented dj-rest-auth paths, relative to `baseUrl` (so a base with a path prefix,
/// `https://x/api/`, gives `https://x/api/dj-rest-auth/login/`).
const DEFAULT_ENDPOINTS: [(&str, &str); 4] = [
    ("login", "dj-rest-auth/login/"),
    ("refresh", "dj-rest-auth/token/refresh/"),
    ("logout", "dj-rest-auth/logout/"),
    ("user", "dj-rest-auth/user/"),
];

/// Largest accepted millisecond value: `setTimeout`'s limit (about 24.8 days).
const MAX_MS: f64 = 2_147_483_647.0;

impl Config {
    /// Validates a config object.
    ///
    /// # Errors
    /// `config`, naming the offending key (`"endpoints.login"` for nested keys).
    pub fn parse(value: &JsValue) -> Result<Config, AuthError> {
        let obj = as_object(value, "config")?;
        check_keys(obj, KEYS, "")?;

        let base_raw =
            string(obj, "baseUrl")?.ok_or_else(|| AuthError::config("baseUrl", "is required"))?;
        let base = http::resolve(&base_raw, &base_raw)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .ok_or_else(|| AuthError::config("baseUrl", "must be an absolute http(s) URL"))?;
        let base = if base.ends_with('/') {
            base
        } else {
            let mut b = base;
            b.push('/');
            b
        };

        let endpoints = get(obj, "endpoints");
        let mut urls: [Option<String>; 4] = Default::default();
        if !endpoints.is_undefined() {
            let e = as_object(&endpoints, "endpoints")?;
            check_keys(e, &["login", "refresh", "logout", "user"], "endpoints.")?;
        }
        for (slot, (name, default)) in urls.iter_mut().zip(DEFAULT_ENDPOINTS) {
            let v = get(&endpoints, name);
            let path = if v.is_undefined() {
                Some(String::from(default))
            } else if v.is_null() && name == "user" {
                None
            } else {
                Some(v.as_string().ok_or_else(|| {
                    AuthError::config(&prefixed("endpoints.", name), "must be a string")
                })?)
            };
            *slot = match path {
                Some(p) => Some(http::resolve(&p, &base).ok_or_else(|| {
                    AuthError::config(&prefixed("endpoints.", name), "is not a valid URL")
                })?),
                None => None,
            };
        }
        let [login, refresh, logout, user] = urls;

        let storage = match string(obj, "storage")?.as_deref() {
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
        let storage_key = string(obj, "storageKey")?.unwrap_or_else(|| String::from("tokenward"));
        if storage_key.is_empty() {
            return Err(AuthError::config("storageKey", "must not be empty"));
        }

        let csrf_v = get(obj, "csrf");
        let csrf = if csrf_v.is_undefined() {
            Some((String::from("csrftoken"), String::from("X-CSRFToken")))
        } else if csrf_v.as_bool() == Some(false) {
            None
        } else {
            let c = as_object(&csrf_v, "csrf")
                .map_err(|_| AuthError::config("csrf", "must be { cookie, header } or false"))?;
            check_keys(c, &["cookie", "header"], "csrf.")?;
            let cookie = string(c, "cookie")
                .map_err(|_| AuthError::config("csrf.cookie", "must be a string"))?
                .unwrap_or_else(|| String::from("csrftoken"));
            let header = string(c, "header")
                .map_err(|_| AuthError::config("csrf.header", "must be a string"))?
                .unwrap_or_else(|| String::from("X-CSRFToken"));
            Some((cookie, header))
        };

        let leeway_ms = millis(obj, "refreshLeewayMs", 30_000, false)?;
        let timeout_ms = millis(obj, "timeoutMs", 15_000, true)?;
        let cross_tab = boolean(obj, "crossTab", true)?;
        let debug = boolean(obj, "debug", false)?;

        let ao = get(obj, "authorizedOrigins");
        let authorized = if ao.is_undefined() {
            vec![http::origin_of(&base).unwrap_or_default()]
        } else {
            let arr = ao.dyn_ref::<Array>().ok_or_else(|| {
                AuthError::config("authorizedOrigins", "must be an array of URLs")
            })?;
            let mut out = Vec::new();
            for v in arr.iter() {
                let origin = v
                    .as_string()
                    .and_then(|s| http::origin_of(&s))
                    .filter(|o| o != "null")
                    .ok_or_else(|| {
                        AuthError::config("authorizedOrigins", "must contain absolute URLs")
                    })?;
                out.push(origin);
            }
            out
        };

        let f = get(obj, "fields");
        if !f.is_undefined() {
            let fo = as_object(&f, "fields")?;
            check_keys(fo, &["access", "accessExpiration", "user"], "fields.")?;
        }
        let fname = |key: &str, default: &str| -> Result<String, AuthError> {
            let v = get(&f, key);
            if v.is_undefined() {
                Ok(String::from(default))
            } else {
                v.as_string().filter(|s| !s.is_empty()).ok_or_else(|| {
                    AuthError::config(&prefixed("fields.", key), "must be a non-empty string")
                })
            }
        };
        let fields = FieldNames {
            access: fname("access", "access")?,
            access_expiration: fname("accessExpiration", "access_expiration")?,
            user: fname("user", "user")?,
        };

        Ok(Config {
            base,
            login: login.unwrap_or_default(),
            refresh: refresh.unwrap_or_default(),
            logout: logout.unwrap_or_default(),
            user,
            storage,
            storage_key,
            csrf,
            leeway_ms,
            timeout_ms,
            cross_tab,
            authorized,
            fields,
            debug,
        })
    }

    /// Whether `url` (absolute) goes to an origin that may receive the access token.
    pub fn is_authorized(&self, url: &str) -> bool {
        http::origin_of(url).is_some_and(|o| self.authorized.contains(&o))
    }

    /// Whether `url` (absolute) is one of the SDK's own auth endpoints (never intercepted).
    pub fn is_auth_endpoint(&self, url: &str) -> bool {
        let Some(u) = http::without_query(url) else {
            return false;
        };
        [&self.login, &self.refresh, &self.logout]
            .iter()
            .any(|e| http::without_query(e).is_some_and(|e| e == u))
    }
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
    v.as_string()
        .map(Some)
        .ok_or_else(|| AuthError::config(key, "must be a string"))
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
