//! `AuthClient`: the exported class. Each method is one input to the session machine (through
//! the driver) and returns the promise the machine settles; the getters read the machine.
//!
//! Every exported method takes `&self` over an `Rc<Driver>` (an exported `&mut self` async
//! method would keep the object borrowed across `.await`, wasm-bindgen #4440), and no
//! `RefCell` borrow is held across an `.await`.

use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;

use js_sys::{Function, Object, Promise, JSON};
use wasm_bindgen::prelude::*;

use tokenward_core::account::{AccountCall, LOGIN_FROM_SIGN_UP};
use tokenward_core::error::AuthError;
use tokenward_core::outcome::Endpoint;
use tokenward_core::secret::Secret;
use tokenward_core::session::{Call, Payload, State};
use tokenward_web::codec;
use tokenward_web::config::Config;
use tokenward_web::driver::Driver;
use tokenward_web::error::to_js;
use tokenward_web::waiter::promised;
use tokenward_web::{get, http, reading, set};

/// The auth client. See the README for the API.
#[wasm_bindgen]
pub struct AuthClient {
    inner: Rc<Driver>,
}

#[wasm_bindgen]
impl AuthClient {
    /// `new AuthClient(config)`.
    ///
    /// # Errors
    /// An `AuthError` with code `config` naming the offending key.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthConfig")] config: JsValue,
    ) -> Result<AuthClient, JsValue> {
        let cfg = Config::parse(&config).map_err(|e| to_js(&e))?;
        Ok(AuthClient {
            inner: Driver::start(cfg, config),
        })
    }

    /// Signs in: POSTs `credentials` as JSON to the login endpoint. A later `login()` or
    /// `logout()` supersedes it (it then rejects with `aborted`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn login(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] credentials: JsValue,
    ) -> Promise {
        self.send(json(&credentials, "credentials").map(Call::Login))
    }

    /// Signs in through another endpoint that answers like dj-rest-auth's `LoginView` (social
    /// login such as `"dj-rest-auth/google/"`, a custom view): everything `login()` does.
    #[wasm_bindgen(js_name = loginWith, unchecked_return_type = "Promise<Session>")]
    pub fn login_with(
        &self,
        endpoint: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] body: JsValue,
    ) -> Promise {
        let url = http::resolve(endpoint, &self.inner.cfg.base)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .ok_or_else(|| AuthError::config("endpoint", "is not a valid http(s) URL"));
        self.send(url.and_then(|url| Ok(Call::LoginWith(json(&body, "body")?, url))))
    }

    /// Creates an account: POSTs `fields` to `endpoints.register`. An active account is then
    /// signed in with the same credentials (`options.credentials` when the login fields differ);
    /// the sign-up's own tokens are never kept. Superseded as `login()` is.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<SignUpResult>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] fields: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpOptions")] options: Option<Object>,
    ) -> Promise {
        let given = options
            .map(|o| get(&o, "credentials"))
            .filter(|c| !c.is_undefined());
        let login = match given {
            Some(c) => json(&c, "options.credentials"),
            None => {
                let derived = Object::new();
                for (from, to) in LOGIN_FROM_SIGN_UP {
                    let v = get(&fields, from);
                    if v.is_string() {
                        set(&derived, to, &v);
                    }
                }
                json(&derived, "fields")
            }
        };
        self.send(login.and_then(|login| {
            Ok(Call::SignUp {
                fields: json(&fields, "fields")?,
                login,
            })
        }))
    }

    /// `POST endpoints.passwordChange` with `{ old_password, new_password1, new_password2 }`
    /// (signed in).
    #[wasm_bindgen(js_name = changePassword, unchecked_return_type = "Promise<AccountResult>")]
    pub fn change_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PasswordChange")] fields: JsValue,
    ) -> Promise {
        self.account(AccountCall::ChangePassword, &fields, "fields")
    }

    /// `POST endpoints.passwordReset` with `{ email }`: the server e-mails a reset link.
    #[wasm_bindgen(js_name = requestPasswordReset, unchecked_return_type = "Promise<AccountResult>")]
    pub fn request_password_reset(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
    ) -> Promise {
        self.with_string(AccountCall::RequestReset, "email", email)
    }

    /// `POST endpoints.passwordResetConfirm` with `{ uid, token, new_password1, new_password2 }`
    /// from the link.
    #[wasm_bindgen(js_name = confirmPasswordReset, unchecked_return_type = "Promise<AccountResult>")]
    pub fn confirm_password_reset(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PasswordResetConfirm")] fields: JsValue,
    ) -> Promise {
        self.account(AccountCall::ConfirmReset, &fields, "fields")
    }

    /// `PATCH endpoints.user` with `patch` — a plain object as JSON, or a `FormData` (a
    /// profile form with a file) as multipart; the user the server sends back becomes `user`
    /// here and in the other tabs (`userUpdated`).
    #[wasm_bindgen(js_name = updateUser, unchecked_return_type = "Promise<Record<string, unknown>>")]
    pub fn update_user(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | FormData")] patch: JsValue,
    ) -> Promise {
        if self.inner.cfg.url(Endpoint::User).is_none() {
            let e = AuthError::config("endpoints.user", "is null: updateUser() needs it");
            return self.send(Err(e));
        }
        if patch.is_instance_of::<web_sys::FormData>() {
            let call = |body| Call::Account(AccountCall::UpdateUser, body);
            let (promise, waiter) = promised();
            self.inner.call_with_form(patch, call, waiter);
            return promise;
        }
        if !plain_object(&patch) {
            let e = AuthError::config("patch", "must be a plain object or a FormData");
            return self.send(Err(e));
        }
        self.account(AccountCall::UpdateUser, &patch, "patch")
    }

    /// `POST endpoints.verifyEmail` with `{ key }`, the key of the verification e-mail's link
    /// (allauth's `account-confirm-email/<key>/`). A wrong, used or expired key rejects
    /// `invalid_input` with `fields.key`.
    #[wasm_bindgen(js_name = verifyEmail, unchecked_return_type = "Promise<AccountResult>")]
    pub fn verify_email(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Promise {
        self.with_string(AccountCall::VerifyEmail, "key", key)
    }

    /// `POST endpoints.resendEmail` with `{ email }`: the server sends the verification e-mail
    /// again (it answers the same for unknown addresses).
    #[wasm_bindgen(js_name = resendVerificationEmail, unchecked_return_type = "Promise<AccountResult>")]
    pub fn resend_verification_email(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
    ) -> Promise {
        self.with_string(AccountCall::ResendEmail, "email", email)
    }

    /// On page load: reuses a stored unexpired token, else refreshes from the cookie; `null`
    /// when there is no session. Joins what is already in flight.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session | null>")]
    pub fn restore(&self) -> Promise {
        self.inner.call(Call::Restore(self.inner.load()))
    }

    /// Refreshes now; concurrent callers share one request.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn refresh(&self) -> Promise {
        self.inner.call(Call::Refresh)
    }

    /// Signs out: local state is cleared and `signedOut` emitted before this returns; the
    /// promise (which never rejects) reports what the server said.
    #[wasm_bindgen(unchecked_return_type = "Promise<LogoutResult>")]
    pub fn logout(&self) -> Promise {
        self.inner.call(Call::Logout)
    }

    /// Like `window.fetch`, with the access token for `authorizedOrigins`: it waits for a
    /// session being decided, and a refused token (401, or 403 `token_not_valid`) gets one
    /// shared refresh and one retry. Aborts reject with the signal's reason; `init.timeoutMs`
    /// overrides `timeoutMs`. Requests that are not the SDK's to authorise go to `fetch`
    /// untouched.
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInfo | URL")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AuthFetchInit")] init: Option<Object>,
    ) -> Promise {
        let init: JsValue = init.map_or(JsValue::UNDEFINED, Into::into);
        self.inner.fetch(&input, &init)
    }

    /// Probes the server and reports misconfiguration in plain words, naming the setting to
    /// change. `options.credentials` adds a throwaway login → refresh → logout cycle, after
    /// which the browser is signed out. Never rejects.
    #[wasm_bindgen(unchecked_return_type = "Promise<DoctorReport>")]
    pub fn doctor(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "DoctorOptions")] options: Option<Object>,
    ) -> Promise {
        super::doctor::doctor(&self.inner, options)
    }

    /// Subscribes to `AuthEvent`s; returns the unsubscribe function (idempotent).
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: AuthEvent) => void")] callback: Function,
    ) -> JsValue {
        codec::subscribe(&self.inner.subscribers, &callback).into()
    }

    /// The access token while it is valid.
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> Option<String> {
        self.inner.read(|m| {
            let now = m.time_at(reading());
            m.live_token(now).map(|t| t.value.expose().to_owned())
        })
    }

    /// `"signedIn"`, `"signedOut"` (the server said there is no session, or the app signed
    /// out), or `"unknown"`: not asked yet, or the server could not be asked (network, timeout,
    /// 5xx) — then the client keeps trying on its own, and a `signedIn` event (or `signedOut`
    /// with reason `"no_session"`) tells when it knows.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "\"signedIn\" | \"signedOut\" | \"unknown\""
    )]
    pub fn status(&self) -> JsValue {
        JsValue::from_str(match self.inner.read(|m| m.state()) {
            State::SignedIn => "signedIn",
            State::SignedOut => "signedOut",
            State::Unknown => "unknown",
        })
    }

    /// Whether a session is held (a transient refresh failure does not end it).
    #[wasm_bindgen(getter, js_name = isAuthenticated)]
    pub fn is_authenticated(&self) -> bool {
        self.inner.read(|m| m.token().is_some())
    }

    /// The signed-in user, or `null`.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, unknown> | null")]
    pub fn user(&self) -> JsValue {
        self.inner
            .read(|m| m.user().cloned())
            .unwrap_or(JsValue::NULL)
    }

    /// When the access token expires — an estimate by the server's clock, at most a second
    /// early — in ms since the epoch on this device's clock, or `null`.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> Option<f64> {
        self.inner
            .read(|m| m.token().and_then(|t| t.expires_at).map(|e| m.wall(e)))
            .map(|e| e as f64)
    }
}

impl AuthClient {
    /// An app call, or its argument's error.
    fn send(&self, call: Result<Call<JsValue>, AuthError>) -> Promise {
        match call {
            Ok(call) => self.inner.call(call),
            Err(e) => Promise::reject(&to_js(&e)),
        }
    }

    fn account(&self, call: AccountCall, body: &JsValue, key: &str) -> Promise {
        let body = json(body, key).map(Payload::Credentials);
        self.send(body.map(|b| Call::Account(call, b)))
    }

    /// An account call whose body is `{ [key]: value }`, `value` a string.
    fn with_string(&self, call: AccountCall, key: &str, value: JsValue) -> Promise {
        if !value.is_string() {
            return self.send(Err(AuthError::config(key, "must be a string")));
        }
        let body = Object::new();
        set(&body, key, &value);
        self.account(call, &body, key)
    }
}

impl Drop for AuthClient {
    /// `free()`: stops the timer, the listeners and the channel; calls still in flight
    /// finish and settle their promises (the timer runs on until they have).
    fn drop(&mut self) {
        self.inner.close();
    }
}

/// Whether `v` is a plain object (`{ … }` or `Object.create(null)`), not an array, a class
/// instance or a built-in such as a `Blob`.
fn plain_object(v: &JsValue) -> bool {
    if !v.is_object() || js_sys::Array::is_array(v) {
        return false;
    }
    let proto = Object::get_prototype_of(v);
    proto.is_null()
        || JsValue::from(proto) == JsValue::from(Object::get_prototype_of(&Object::new()))
}

/// An object argument as the JSON body to send; `config` naming `key` otherwise.
fn json(v: &JsValue, key: &str) -> Result<Secret, AuthError> {
    if !v.is_object() {
        return Err(AuthError::config(key, "must be an object"));
    }
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .map(Secret::new)
        .ok_or_else(|| AuthError::config(key, "cannot be sent as JSON"))
}
