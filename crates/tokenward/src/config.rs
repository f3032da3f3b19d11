//! [`Config`]: the npm package's config keys as builder methods, validated by the same reader
//! (`AuthClient::new` answers the same `Config` errors, naming the same keys).

use serde::Serialize;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

/// How a client is set up. Only the base URL is required; every other setting has the npm
/// package's default (`README.md`, "Configuration").
///
/// ```
/// use tokenward::{Config, Csrf, Endpoints, Storage};
///
/// let config = Config::new("https://api.example.com")
///     .storage(Storage::LocalStorage)
///     .storage_key("shop")
///     .endpoints(Endpoints::default().user(None))
///     .csrf(Csrf::new("csrftoken", "X-CSRFToken"))
///     .timeout_ms(10_000)
///     .authorized_origins(["https://api.example.com", "https://files.example.com"]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The npm package's config object, as JSON.
    json: Map<String, Value>,
}

/// Where the access token lives (`storage`). The refresh token is never stored by tokenward:
/// it stays in the server's HttpOnly cookie.
///
/// ```
/// use tokenward::{Config, Storage};
///
/// // Every tab shares the token, and a reload needs no refresh request.
/// let config = Config::new("https://api.example.com").storage(Storage::LocalStorage);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Storage {
    /// In memory only (the default): every page load restores the session from the cookie.
    #[default]
    Memory,
    /// `localStorage`: shared by the tabs, survives a restart of the browser.
    LocalStorage,
    /// `sessionStorage`: this tab only.
    SessionStorage,
}

/// Endpoint paths (relative to the base URL) or absolute URLs (`endpoints`); the ones not set
/// keep dj-rest-auth's documented paths.
///
/// ```
/// use tokenward::Endpoints;
///
/// let endpoints = Endpoints::default()
///     .login("api/auth/login/")
///     .user(None); // no user look-up (and no `update_user`)
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(skip_serializing_if = "Option::is_none")]
    login: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    register: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_change: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_reset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password_reset_confirm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resend_email: Option<String>,
}

macro_rules! endpoint_setters {
    ($($(#[$doc:meta])* $name:ident;)*) => {
        impl Endpoints {
            $(
                $(#[$doc])*
                pub fn $name(mut self, path: impl Into<String>) -> Self {
                    self.$name = Some(path.into());
                    self
                }
            )*
        }
    };
}

endpoint_setters! {
    /// `POST` credentials here (default `dj-rest-auth/login/`).
    login;
    /// `POST` here with the refresh cookie (default `dj-rest-auth/token/refresh/`).
    refresh;
    /// `POST` here to sign out (default `dj-rest-auth/logout/`).
    logout;
    /// `sign_up` (default `dj-rest-auth/registration/`).
    register;
    /// `change_password` (default `dj-rest-auth/password/change/`).
    password_change;
    /// `request_password_reset` (default `dj-rest-auth/password/reset/`).
    password_reset;
    /// `confirm_password_reset` (default `dj-rest-auth/password/reset/confirm/`).
    password_reset_confirm;
    /// `verify_email` (default `dj-rest-auth/registration/verify-email/`).
    verify_email;
    /// `resend_verification_email` (default `dj-rest-auth/registration/resend-email/`).
    resend_email;
}

impl Endpoints {
    /// The user look-up (default `dj-rest-auth/user/`); `None` disables it and `update_user`.
    ///
    /// ```
    /// use tokenward::Endpoints;
    ///
    /// let custom = Endpoints::default().user(Some("api/me/"));
    /// let none = Endpoints::default().user(None);
    /// ```
    pub fn user(mut self, path: Option<&str>) -> Self {
        self.user = Some(path.map(str::to_owned));
        self
    }
}

/// The CSRF cookie to read and the header to send it in (`csrf`), or none.
///
/// ```
/// use tokenward::{Config, Csrf};
///
/// let off = Config::new("https://api.example.com").csrf(Csrf::Off);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Csrf {
    /// No CSRF header.
    Off,
    /// Send the value of cookie `cookie` in header `header` (default `csrftoken`,
    /// `X-CSRFToken`: Django's).
    Names {
        /// The cookie's name.
        cookie: String,
        /// The header's name.
        header: String,
    },
}

impl Csrf {
    /// The value of cookie `cookie` in header `header`.
    ///
    /// ```
    /// use tokenward::Csrf;
    ///
    /// let csrf = Csrf::new("my_csrf", "X-My-CSRF");
    /// ```
    pub fn new(cookie: impl Into<String>, header: impl Into<String>) -> Csrf {
        Csrf::Names {
            cookie: cookie.into(),
            header: header.into(),
        }
    }
}

/// The names of the fields of the server's replies (`fields`).
///
/// ```
/// use tokenward::{Config, Fields};
///
/// // A server that answers `{ "token": …, "expires": …, "account": … }`.
/// let config = Config::new("https://api.example.com")
///     .fields(Fields::default().access("token").access_expiration("expires").user("account"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fields {
    #[serde(skip_serializing_if = "Option::is_none")]
    access: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_expiration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<String>,
}

impl Fields {
    /// The access token's field (default `access`).
    ///
    /// ```
    /// let fields = tokenward::Fields::default().access("token");
    /// ```
    pub fn access(mut self, name: impl Into<String>) -> Self {
        self.access = Some(name.into());
        self
    }

    /// The access token's expiry's field (default `access_expiration`).
    ///
    /// ```
    /// let fields = tokenward::Fields::default().access_expiration("expires");
    /// ```
    pub fn access_expiration(mut self, name: impl Into<String>) -> Self {
        self.access_expiration = Some(name.into());
        self
    }

    /// The user's field in the login reply (default `user`).
    ///
    /// ```
    /// let fields = tokenward::Fields::default().user("account");
    /// ```
    pub fn user(mut self, name: impl Into<String>) -> Self {
        self.user = Some(name.into());
        self
    }
}

impl Config {
    /// A config for the API at `base_url` (absolute, without query or fragment): endpoint
    /// paths and relative request paths resolve against it.
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com");
    /// ```
    pub fn new(base_url: impl Into<String>) -> Config {
        let mut json = Map::new();
        json.insert("baseUrl".into(), Value::String(base_url.into()));
        Config { json }
    }

    fn with(mut self, key: &str, value: impl Serialize) -> Self {
        // Every value given here is a string, a number, a bool or a struct of strings.
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.json.insert(key.into(), value);
        self
    }

    /// Endpoint paths or URLs (`endpoints`).
    ///
    /// ```
    /// use tokenward::{Config, Endpoints};
    ///
    /// let config = Config::new("https://api.example.com")
    ///     .endpoints(Endpoints::default().login("api/auth/login/").refresh("api/auth/refresh/"));
    /// ```
    pub fn endpoints(self, endpoints: Endpoints) -> Self {
        self.with("endpoints", endpoints)
    }

    /// Where the access token lives (`storage`, default [`Storage::Memory`]).
    ///
    /// ```
    /// use tokenward::{Config, Storage};
    ///
    /// let config = Config::new("https://api.example.com").storage(Storage::SessionStorage);
    /// ```
    pub fn storage(self, storage: Storage) -> Self {
        let name = match storage {
            Storage::Memory => "memory",
            Storage::LocalStorage => "localStorage",
            Storage::SessionStorage => "sessionStorage",
        };
        self.with("storage", name)
    }

    /// The Web Storage key and cross-tab channel name (`storageKey`, default `"tokenward"`).
    /// A Rust page and a JavaScript page of the same app with the same key share one session.
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com").storage_key("shop");
    /// ```
    pub fn storage_key(self, key: impl Into<String>) -> Self {
        self.with("storageKey", key.into())
    }

    /// The CSRF cookie and header (`csrf`, default Django's).
    ///
    /// ```
    /// use tokenward::{Config, Csrf};
    ///
    /// let config = Config::new("https://api.example.com").csrf(Csrf::new("csrftoken", "X-CSRFToken"));
    /// ```
    pub fn csrf(self, csrf: Csrf) -> Self {
        match csrf {
            Csrf::Off => self.with("csrf", false),
            Csrf::Names { cookie, header } => self.with(
                "csrf",
                serde_json::json!({ "cookie": cookie, "header": header }),
            ),
        }
    }

    /// Refresh this long before the access token expires (`refreshLeewayMs`, default 30000).
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com").refresh_leeway_ms(60_000);
    /// ```
    pub fn refresh_leeway_ms(self, ms: u32) -> Self {
        self.with("refreshLeewayMs", ms)
    }

    /// The timeout of each request until its response headers (`timeoutMs`, default 15000;
    /// a request of [`AuthClient::fetch_with_timeout`](crate::AuthClient::fetch_with_timeout)
    /// has its own).
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com").timeout_ms(30_000);
    /// ```
    pub fn timeout_ms(self, ms: u32) -> Self {
        self.with("timeoutMs", ms)
    }

    /// Coordinate refreshes, sign-in and sign-out with the other tabs (`crossTab`, default
    /// `true`).
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com").cross_tab(false);
    /// ```
    pub fn cross_tab(self, on: bool) -> Self {
        self.with("crossTab", on)
    }

    /// The only origins that receive the access token (`authorizedOrigins`, at least one;
    /// default the base URL's origin).
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com")
    ///     .authorized_origins(["https://api.example.com", "https://uploads.example.com"]);
    /// ```
    pub fn authorized_origins<S: Into<String>>(self, origins: impl IntoIterator<Item = S>) -> Self {
        let origins: Vec<String> = origins.into_iter().map(Into::into).collect();
        self.with("authorizedOrigins", origins)
    }

    /// The names of the reply's fields (`fields`).
    ///
    /// ```
    /// use tokenward::{Config, Fields};
    ///
    /// let config = Config::new("https://api.example.com").fields(Fields::default().access("token"));
    /// ```
    pub fn fields(self, fields: Fields) -> Self {
        self.with("fields", fields)
    }

    /// The scheme of every `Authorization` header (`authScheme`, default `"Bearer"`; `"JWT"`
    /// in djoser-era projects: the first of `SIMPLE_JWT["AUTH_HEADER_TYPES"]`).
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com").auth_scheme("JWT");
    /// ```
    pub fn auth_scheme(self, scheme: impl Into<String>) -> Self {
        self.with("authScheme", scheme.into())
    }

    /// `console.debug` traces (`debug`); never prints a token.
    ///
    /// ```
    /// let config = tokenward::Config::new("https://api.example.com").debug(cfg!(debug_assertions));
    /// ```
    pub fn debug(self, on: bool) -> Self {
        self.with("debug", on)
    }

    /// The npm package's config object.
    pub(crate) fn to_js(&self) -> JsValue {
        let text = Value::Object(self.json.clone()).to_string();
        js_sys::JSON::parse(&text).unwrap_or(JsValue::UNDEFINED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_writes_the_npm_keys() {
        let c = Config::new("https://api.example.com")
            .storage(Storage::SessionStorage)
            .csrf(Csrf::Off)
            .endpoints(Endpoints::default().login("in/").user(None))
            .fields(Fields::default().access_expiration("exp"))
            .authorized_origins(["https://a.example"]);
        let json = Value::Object(c.json);
        assert_eq!(
            json,
            serde_json::json!({
                "baseUrl": "https://api.example.com",
                "storage": "sessionStorage",
                "csrf": false,
                "endpoints": { "login": "in/", "user": null },
                "fields": { "accessExpiration": "exp" },
                "authorizedOrigins": ["https://a.example"],
            })
        );
    }
}
