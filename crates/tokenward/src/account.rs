//! The account calls of [`AuthClient`]: sign-up, the password and e-mail calls, and the
//! profile update, each one call of the session machine.

use std::future::Future;

use serde::de::DeserializeOwned;
use serde::Serialize;

use futures_channel::oneshot;

use crate::client::{body, failure, AuthClient, Pending, Waiting};
use crate::error::AuthError;
use crate::types::{AccountResult, Session, SignUpResult};
use tokenward_core::account::{AccountCall, LOGIN_FROM_SIGN_UP};
use tokenward_core::outcome::Endpoint;
use tokenward_core::session::{Call, Outcome, Payload};

impl AuthClient {
    /// Creates an account: `POST`s `fields` to the register endpoint; an active account is
    /// then signed in with `username`, `email` and `password1` of the fields (as `username`,
    /// `email`, `password`). The sign-up's own tokens are never kept.
    ///
    /// # Errors
    /// `InvalidInput` with the server's `fields`; as [`AuthClient::login`].
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// use tokenward::SignUpResult;
    /// let fields = serde_json::json!({
    ///     "username": "ada", "email": "ada@example.com",
    ///     "password1": "a long passphrase", "password2": "a long passphrase",
    /// });
    /// match auth.sign_up::<User>(&fields).await? {
    ///     SignUpResult::SignedIn(session) => { /* welcome */ }
    ///     SignUpResult::VerificationSent => { /* "check your inbox" */ }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn sign_up<U: DeserializeOwned + 'static>(
        &self,
        fields: &impl Serialize,
    ) -> impl Future<Output = Result<SignUpResult<U>, AuthError>> + 'static {
        let mut login = serde_json::Map::new();
        if let Ok(value) = serde_json::to_value(fields) {
            for (from, to) in LOGIN_FROM_SIGN_UP {
                if let Some(v) = value.get(from).filter(|v| v.is_string()) {
                    login.insert(to.into(), v.clone());
                }
            }
        }
        self.sign_up_with(fields, &login)
    }

    /// [`AuthClient::sign_up`], signing in with `credentials` when the login's fields differ
    /// from the sign-up's.
    ///
    /// # Errors
    /// As [`AuthClient::sign_up`].
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let fields = serde_json::json!({ "email": "ada@example.com", "password1": "…", "password2": "…" });
    /// let login = serde_json::json!({ "email": "ada@example.com", "password": "…" });
    /// auth.sign_up_with::<User>(&fields, &login).await?;
    /// # Ok(()) }
    /// ```
    pub fn sign_up_with<U: DeserializeOwned + 'static>(
        &self,
        fields: &impl Serialize,
        credentials: &impl Serialize,
    ) -> impl Future<Output = Result<SignUpResult<U>, AuthError>> + 'static {
        let call = body(fields, "fields").and_then(|fields| {
            let login = body(credentials, "credentials")?;
            Ok(Call::SignUp { fields, login })
        });
        let pending = call.map(|call| self.begin(call));
        async move {
            match pending?.outcome().await {
                Outcome::SignedUp(Some(s)) => Session::read(&s).map(SignUpResult::SignedIn),
                Outcome::SignedUp(None) => Ok(SignUpResult::VerificationSent),
                other => Err(failure(other)),
            }
        }
    }

    /// An account call with `body` as JSON (`key`: the argument's name, for its error).
    fn account(
        &self,
        call: AccountCall,
        body: &impl Serialize,
        key: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        let pending =
            self::body(body, key).map(|b| self.begin(Call::Account(call, Payload::Credentials(b))));
        async move {
            match pending?.outcome().await {
                Outcome::Answered(detail) => Ok(AccountResult { detail }),
                other => Err(failure(other)),
            }
        }
    }

    /// An account call whose body is `{ key: value }`.
    fn account_with(
        &self,
        call: AccountCall,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        let mut object = serde_json::Map::new();
        object.insert(key.into(), value.into());
        self.account(call, &object, key)
    }

    /// `POST`s `{ old_password, new_password1, new_password2 }` (or what the server's
    /// serializer asks) to the password-change endpoint, signed in.
    ///
    /// # Errors
    /// `InvalidInput` with the server's `fields`.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.change_password(&serde_json::json!({
    ///     "old_password": "…", "new_password1": "…", "new_password2": "…",
    /// }))
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub fn change_password(
        &self,
        fields: &impl Serialize,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account(AccountCall::ChangePassword, fields, "fields")
    }

    /// `POST`s `{ email }` to the password-reset endpoint: the server e-mails a link.
    ///
    /// # Errors
    /// `InvalidInput` for an address the server refuses.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.request_password_reset("ada@example.com").await?;
    /// # Ok(()) }
    /// ```
    pub fn request_password_reset(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account_with(AccountCall::RequestReset, "email", email)
    }

    /// `POST`s `{ uid, token, new_password1, new_password2 }` from the link.
    ///
    /// # Errors
    /// `InvalidInput` with the server's `fields` (a used or wrong token: `fields["token"]`).
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.confirm_password_reset(&serde_json::json!({
    ///     "uid": "MQ", "token": "c5y-…", "new_password1": "…", "new_password2": "…",
    /// }))
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub fn confirm_password_reset(
        &self,
        fields: &impl Serialize,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account(AccountCall::ConfirmReset, fields, "fields")
    }

    /// `POST`s `{ key }`, the key of the verification e-mail's link.
    ///
    /// # Errors
    /// `InvalidInput` with `fields["key"]` for a wrong, used or expired key.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// // The key of the link in the e-mail (allauth's `account-confirm-email/<key>/`).
    /// auth.verify_email("MQ:1u…").await?;
    /// # Ok(()) }
    /// ```
    pub fn verify_email(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account_with(AccountCall::VerifyEmail, "key", key)
    }

    /// `POST`s `{ email }`: the server sends the verification e-mail again.
    ///
    /// # Errors
    /// The transport's codes.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// auth.resend_verification_email("ada@example.com").await?;
    /// # Ok(()) }
    /// ```
    pub fn resend_verification_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<AccountResult, AuthError>> + 'static {
        self.account_with(AccountCall::ResendEmail, "email", email)
    }

    /// `PATCH`es the user endpoint with `patch` as JSON; the user the server sends back
    /// becomes `user()` here and in the other tabs (`UserUpdated`).
    ///
    /// # Errors
    /// `Config` without a user endpoint; `InvalidInput` with the server's `fields`.
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let user: User = auth.update_user(&serde_json::json!({ "first_name": "Ada" })).await?;
    /// # Ok(()) }
    /// ```
    pub fn update_user<U: DeserializeOwned + 'static>(
        &self,
        patch: &impl Serialize,
    ) -> impl Future<Output = Result<U, AuthError>> + 'static {
        let pending = self.user_endpoint().and_then(|()| {
            let body = body(patch, "patch")?;
            let call = Call::Account(AccountCall::UpdateUser, Payload::Credentials(body));
            Ok(self.begin(call))
        });
        async move { pending?.user().await }
    }

    /// [`AuthClient::update_user`] with a `FormData` (a profile form with a file), sent as
    /// multipart.
    ///
    /// # Errors
    /// As [`AuthClient::update_user`].
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct User { username: String }
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// # let form = web_sys::FormData::new().unwrap();
    /// // A profile form with an avatar, as the browser encodes it.
    /// let user: User = auth.update_user_form(&form).await?;
    /// # Ok(()) }
    /// ```
    pub fn update_user_form<U: DeserializeOwned + 'static>(
        &self,
        form: &web_sys::FormData,
    ) -> impl Future<Output = Result<U, AuthError>> + 'static {
        let pending = self.user_endpoint().map(|()| {
            let (tx, rx) = oneshot::channel();
            let call = |body| Call::Account(AccountCall::UpdateUser, body);
            self.driver()
                .call_with_form(form.into(), call, Waiting::Task(tx));
            Pending(rx)
        });
        async move { pending?.user().await }
    }

    fn user_endpoint(&self) -> Result<(), AuthError> {
        match self.driver().cfg.url(Endpoint::User) {
            Some(_) => Ok(()),
            None => Err(AuthError::config(
                "endpoints.user",
                "is None: update_user needs it",
            )),
        }
    }
}
