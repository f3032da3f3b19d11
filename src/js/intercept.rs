//! `auth.fetch`: the caller's request with the access token for `authorizedOrigins`; a
//! refresh first when the token has expired, and one retry after a 401, as the machine
//! decides (`Machine::wants_refresh_before_send`, `Machine::answered`). A refresh it waits for
//! is an app call like `refresh()`: it joins the one in flight.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use super::driver::Inner;
use crate::core::error::AuthError;
use crate::core::session::{Attempt, Call, Delay, Retry};
use crate::platform::http::{self, Extra, Prepared};
use crate::platform::reading;

impl Inner {
    /// `auth.fetch(input, init)`.
    pub(super) async fn fetch(
        self: Rc<Self>,
        input: JsValue,
        init: Option<Object>,
    ) -> Result<Response, AuthError> {
        let init: JsValue = init.map_or(JsValue::UNDEFINED, Into::into);
        let req = http::prepare(&input, &init, &self.urls)?;
        let timeout = Delay::ms(self.cfg.timeout_ms);
        if !self.cfg.is_authorized(&req.origin)
            || self.cfg.is_auth_endpoint(&req.path)
            || req.authorization
        {
            // Not ours to authorise: sent as the caller built it.
            let none = Extra {
                bearer: JsValue::UNDEFINED,
                csrf: None,
            };
            return http::send_request(&req, false, &none, timeout).await;
        }
        // Credentials: "include" unless the caller chose.
        let include = !req.credentials;
        if self.read(|m| m.wants_refresh_before_send(m.time_at(reading()))) {
            let _ = self.refreshed(Call::Refresh).await;
        }
        // Bounded: the machine answers `Retry::No` to an attempt that was already retried.
        let mut attempt = Attempt::default();
        loop {
            let res = self.send_api(&req, include, &mut attempt, timeout).await?;
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
