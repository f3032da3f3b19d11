//! `auth.fetch`: the caller's request with the access token for `authorizedOrigins`; a
//! refresh first when the token has expired, and one retry after a 401, as the machine
//! decides (`Machine::wants_refresh_before_send`, `Machine::answered`). A refresh it waits for
//! is an app call like `refresh()`: it joins the one in flight.
//!
//! The common call runs no future: the machine is asked at once (refresh first? which
//! token?), the request goes out through net.js, and its promise is the caller's. It resolves
//! to the `Response` itself unless the request failed or was answered with the one status the
//! machine may retry ([`RETRIED_STATUS`]); those come back to [`Inner::answer_fetch`], and only then
//! — or when a refresh must come first — does the async path below run.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use super::client::spawn;
use super::driver::Inner;
use super::error::to_js;
use crate::core::error::AuthError;
use crate::core::session::{Attempt, Call, Delay, Retry, RETRIED_STATUS};
use crate::platform::http::{self, Extra, Prepared};
use crate::platform::reading;

impl Inner {
    /// `auth.fetch(input, init)`: the promise of the `Response` (or of an `AuthError`).
    pub(super) fn fetch(self: &Rc<Self>, input: &JsValue, init: &JsValue) -> Promise {
        let req = match http::prepare(input, init, &self.urls) {
            Ok(req) => req,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        let timeout = Delay::ms(self.cfg.timeout_ms);
        if !self.cfg.is_authorized(&req.origin)
            || self.cfg.is_auth_endpoint(&req.path)
            || req.authorization
        {
            // Not ours to authorise: sent as the caller built it, every answer theirs (no
            // status is u16::MAX, so only a failure comes back).
            let none = Extra {
                bearer: JsValue::UNDEFINED,
                csrf: None,
            };
            let answer = &self.answer;
            return http::send_fetch(&req, false, &none, timeout, u16::MAX, answer, None);
        }
        // Credentials: "include" unless the caller chose.
        let include = !req.credentials;
        if self.read(|m| m.wants_refresh_before_send(m.time_at(reading()))) {
            return self.later(req, include, Attempt::default(), None);
        }
        let (gen, bearer) = self.bearer();
        let extra = Extra {
            bearer,
            csrf: self.csrf(&req.method),
        };
        let answer = &self.answer;
        http::send_fetch(&req, include, &extra, timeout, RETRIED_STATUS, answer, gen)
    }

    /// A request `fetch` sent failed, or was answered with [`RETRIED_STATUS`]: the error, or
    /// what the machine makes of the answer. `prepared` and `include` are the request's,
    /// `gen` the generation of the token it went out with (`undefined`: none).
    pub(super) fn answer_fetch(
        self: &Rc<Self>,
        result: &JsValue,
        prepared: JsValue,
        include: bool,
        gen: &JsValue,
    ) -> Promise {
        let res = match http::answered(result) {
            Ok(res) => res,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        let mut attempt = Attempt::default();
        attempt.sending(gen.as_f64().map(|g| g as u64));
        self.later(Prepared::read(prepared), include, attempt, Some(res))
    }

    /// The async path: [`Inner::retried`] as the caller's promise.
    fn later(
        self: &Rc<Self>,
        req: Prepared,
        include: bool,
        attempt: Attempt,
        res: Option<Response>,
    ) -> Promise {
        let me = self.clone();
        spawn(async move {
            me.retried(&req, include, attempt, res)
                .await
                .map(JsValue::from)
                .map_err(JsValue::from)
        })
    }

    /// The machine's verdict on `res`, the answer to `attempt` (`None`: a refresh first, then
    /// the first send): the response for the caller, or the request resent (with the current
    /// token, or after a refresh) and judged again. Bounded: the machine answers `Retry::No` to
    /// an attempt that was already retried.
    async fn retried(
        &self,
        req: &Prepared,
        include: bool,
        mut attempt: Attempt,
        res: Option<Response>,
    ) -> Result<Response, AuthError> {
        let timeout = Delay::ms(self.cfg.timeout_ms);
        let mut res = match res {
            Some(res) => res,
            None => {
                let _ = self.refreshed(Call::Refresh).await;
                self.send_api(req, include, &mut attempt, timeout).await?
            }
        };
        loop {
            let status = res.status();
            match self.read(|m| m.answered(status, &mut attempt, m.time_at(reading()))) {
                Retry::No => return Ok(res),
                Retry::WithCurrent => self.debug("fetch: 401 for an older token; resending"),
                Retry::AfterRefresh => {
                    self.debug("fetch: 401; refreshing, then resending once");
                    if self.refreshed(Call::RefreshAfter401).await.is_err() {
                        self.debug("fetch: the refresh failed; the 401 goes to the caller");
                        return Ok(res);
                    }
                }
            }
            res = self.send_api(req, include, &mut attempt, timeout).await?;
        }
    }

    /// A refresh (`call`: before sending, or after a 401), as `refresh()`: joins the one in
    /// flight; the session or the error.
    async fn refreshed(&self, call: Call<JsValue>) -> Result<JsValue, JsValue> {
        JsFuture::from(self.call(call)).await
    }

    /// Sends a copy of `req` with the current token, recorded in `attempt`.
    async fn send_api(
        &self,
        req: &Prepared,
        include: bool,
        attempt: &mut Attempt,
        timeout: Delay,
    ) -> Result<Response, AuthError> {
        let (gen, bearer) = self.bearer();
        let extra = Extra {
            bearer,
            csrf: self.csrf(&req.method),
        };
        attempt.sending(gen);
        http::send_request(req, include, &extra, timeout).await
    }
}
