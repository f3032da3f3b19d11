//! Requests: gloo-net builders for the API ([`AuthClient::get`] and friends) and
//! [`AuthClient::fetch`], which sends them with `auth.fetch`'s semantics through the shared
//! driver (the same code as the npm package's `auth.fetch`).

use std::future::Future;

use gloo_net::http::{Method, RequestBuilder, Response};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestCredentials;

use crate::client::AuthClient;
use crate::error::AuthError;

impl AuthClient {
    /// A gloo-net request with `method` to `path`, resolved against the base URL (an absolute
    /// URL stays as it is), with `credentials: "include"` (the npm package's `auth.fetch`
    /// default; call `.credentials(…)` on it to choose otherwise).
    ///
    /// ```no_run
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use tokenward::gloo_net::http::Method;
    /// let reply = auth.fetch(auth.request(Method::OPTIONS, "api/orders/")).await?;
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = tokenward_web::http::resolve(path, &self.driver().cfg.base);
        // An unresolvable path stays as given: building the request reports it.
        RequestBuilder::new(url.as_deref().unwrap_or(path))
            .method(method)
            .credentials(RequestCredentials::Include)
    }

    /// `GET path` (see [`AuthClient::request`]).
    ///
    /// ```no_run
    /// # #[derive(serde::Deserialize)] struct Order {}
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let orders: Vec<Order> = auth.fetch(auth.get("api/orders/")).await?.json().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    /// `POST path` (see [`AuthClient::request`]); give it a body with `.json(&value)?`.
    ///
    /// ```no_run
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = auth.post("api/orders/").json(&serde_json::json!({ "item": 7 }))?;
    /// let reply = auth.fetch(request).await?;
    /// # Ok(()) }
    /// ```
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    /// `PUT path` (see [`AuthClient::request`]).
    ///
    /// ```no_run
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let reply = auth.fetch(auth.put("api/orders/7/").json(&serde_json::json!({ "item": 8 }))?).await?;
    /// # Ok(()) }
    /// ```
    pub fn put(&self, path: &str) -> RequestBuilder {
        self.request(Method::PUT, path)
    }

    /// `PATCH path` (see [`AuthClient::request`]).
    ///
    /// ```no_run
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let reply = auth.fetch(auth.patch("api/orders/7/").json(&serde_json::json!({ "paid": true }))?).await?;
    /// # Ok(()) }
    /// ```
    pub fn patch(&self, path: &str) -> RequestBuilder {
        self.request(Method::PATCH, path)
    }

    /// `DELETE path` (see [`AuthClient::request`]).
    ///
    /// ```no_run
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// let reply = auth.fetch(auth.delete("api/orders/7/")).await?;
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.request(Method::DELETE, path)
    }

    /// Sends `request` (a builder, or a built gloo-net `Request`) as the npm package's
    /// `auth.fetch` does: the access token only to `authorized_origins`, after the session
    /// being decided (a `restore` or `login` in flight); a refused token (401, or a 403 that
    /// says `token_not_valid`) gets one refresh, shared with everyone, and one retry. Its
    /// abort signal (`.abort_signal(…)`) is honoured while waiting too. Requests that are not
    /// tokenward's to authorise go out untouched.
    ///
    /// # Errors
    /// `Aborted` (the request's signal, its reason's message in `detail`), `Timeout` (the
    /// config's `timeout_ms` until the response headers), `Network`, `Config` (a request
    /// that cannot be built).
    ///
    /// ```no_run
    /// # async fn run(auth: tokenward::AuthClient) -> Result<(), tokenward::AuthError> {
    /// use tokenward::ErrorCode;
    /// // Cancelled when the component goes away: `Aborted`, not an error to show.
    /// let controller = web_sys::AbortController::new().unwrap();
    /// let request = auth.get("api/report/").abort_signal(Some(&controller.signal()));
    /// match auth.fetch(request).await {
    ///     Ok(reply) if reply.ok() => { /* reply.json::<T>().await */ }
    ///     Ok(reply) => { /* the API's answer: 403, 404, … */ }
    ///     Err(e) if e.code == ErrorCode::Aborted => {}
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn fetch(
        &self,
        request: impl IntoRequest,
    ) -> impl Future<Output = Result<Response, AuthError>> + 'static {
        self.send(request, JsValue::UNDEFINED)
    }

    /// [`AuthClient::fetch`] with a timeout of its own until the response headers, in ms
    /// (`0`: none — an upload, a slow report).
    ///
    /// # Errors
    /// As [`AuthClient::fetch`].
    ///
    /// ```no_run
    /// # async fn run(auth: tokenward::AuthClient, file: web_sys::Blob) -> Result<(), Box<dyn std::error::Error>> {
    /// // An upload the server answers after reading it whole: no timeout.
    /// let upload = auth.post("api/uploads/").body(file)?;
    /// let reply = auth.fetch_with_timeout(upload, 0).await?;
    /// # Ok(()) }
    /// ```
    pub fn fetch_with_timeout(
        &self,
        request: impl IntoRequest,
        timeout_ms: u32,
    ) -> impl Future<Output = Result<Response, AuthError>> + 'static {
        let init = js_sys::Object::new();
        tokenward_web::set(&init, "timeoutMs", &JsValue::from(timeout_ms));
        self.send(request, init.into())
    }

    /// Sends `request` now (so that it takes its place behind what the session is deciding
    /// at this moment); the future waits for the answer.
    fn send(
        &self,
        request: impl IntoRequest,
        init: JsValue,
    ) -> impl Future<Output = Result<Response, AuthError>> + 'static {
        let promise = request
            .into_request()
            .map(|r| JsFuture::from(self.driver().fetch(&r.into(), &init)));
        async move {
            match promise?.await {
                Ok(response) => Ok(Response::from(
                    response.unchecked_into::<web_sys::Response>(),
                )),
                Err(e) => Err(AuthError::from_js(&e)),
            }
        }
    }
}

/// What [`AuthClient::fetch`] sends: a gloo-net `RequestBuilder` or `Request`, or a
/// `web_sys::Request`.
///
/// ```no_run
/// # async fn run(auth: tokenward::AuthClient) -> Result<(), Box<dyn std::error::Error>> {
/// use tokenward::gloo_net::http::Request;
/// let built = Request::get("https://api.example.com/api/me/").build()?; // absolute URL
/// let reply = auth.fetch(built).await?;
/// let raw = web_sys::Request::new_with_str("https://api.example.com/api/me/").unwrap();
/// let reply = auth.fetch(raw).await?;
/// # Ok(()) }
/// ```
pub trait IntoRequest {
    /// The request to send.
    ///
    /// # Errors
    /// `Config` when it cannot be built (an invalid URL or header).
    fn into_request(self) -> Result<web_sys::Request, AuthError>;
}

impl IntoRequest for RequestBuilder {
    fn into_request(self) -> Result<web_sys::Request, AuthError> {
        let built = self
            .build()
            .map_err(|e| AuthError::config("request", &e.to_string()))?;
        Ok(built.into())
    }
}

impl IntoRequest for gloo_net::http::Request {
    fn into_request(self) -> Result<web_sys::Request, AuthError> {
        Ok(self.into())
    }
}

impl IntoRequest for web_sys::Request {
    fn into_request(self) -> Result<web_sys::Request, AuthError> {
        Ok(self)
    }
}
