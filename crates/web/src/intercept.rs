//! `auth.fetch`: the caller's request with the access token for `authorizedOrigins`, as the
//! machine decides (`core::session::fetch`): it waits for the session being decided, refreshes
//! first when the token has expired, and after a refused token (a 401, or a 403 that says
//! `token_not_valid`) resends once. A refresh it waits for is an app call like `refresh()`: it
//! joins the one in flight. A request that is not the SDK's to authorise goes to `fetch` as
//! the caller made it.
//!
//! The common call runs no future: the machine is asked at once ([`Machine::fetch_gate`]),
//! the request goes out through net.js, and its promise is the caller's. It resolves to the
//! `Response` itself unless the request failed or was answered with a status the machine may
//! retry (`CONSULTED`); those come back to [`Driver::answer_fetch`], and only then — or when
//! the session or a refresh must come first — does the async path below run.
//!
//! The caller's `AbortSignal` is honoured as `fetch` does: an abort before the `Response`
//! (also while waiting for the session or a refresh, which go on for everyone else) rejects
//! with the signal's reason, and after it the signal still governs the body (net.js).
//!
//! [`Machine::fetch_gate`]: tokenward_core::session::Machine::fetch_gate

use alloc::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::driver::Driver;
use crate::error::to_js;
use crate::fetch::{self, Failed, Prepared};
use crate::http::Extra;
use crate::waiter::Waiter;
use crate::{reading, spawn};
use tokenward_core::session::{consult, Attempt, Call, Consult, Delay, Gate, Retry};

impl<W: Waiter> Driver<W> {
    /// `auth.fetch(input, init)`: the promise of the `Response` (or of why there is none).
    pub fn fetch(self: &Rc<Self>, input: &JsValue, init: &JsValue) -> Promise {
        let req = match fetch::prepare(input, init, &self.urls) {
            Ok(req) => req,
            Err(e) => return Promise::reject(&to_js(&e)),
        };
        if !self.cfg.is_authorized(&req.origin)
            || self.cfg.is_auth_endpoint(&req.path)
            || req.authorization
        {
            // Not ours to authorise: fetch's, untouched.
            return fetch::pass_through(input, init, &req);
        }
        // Credentials: "include" unless the caller chose.
        let include = !req.credentials;
        if self.read(|m| m.fetch_gate(m.time_at(reading()))) != Gate::Send {
            return self.later(req, include, Attempt::default(), None);
        }
        let (gen, bearer) = self.bearer();
        let extra = Extra {
            bearer,
            csrf: self.csrf(&req.method),
        };
        let timeout = self.timeout_of(&req);
        let (consulted, answer) = (&self.consulted, &self.answer);
        fetch::send_fetch(&req, include, &extra, timeout, consulted, answer, gen)
    }

    /// A request `fetch` sent failed, or was answered with a status of `CONSULTED`: why, or
    /// what the machine makes of the answer. `prepared` and `include` are the request's, `gen`
    /// the generation of the token it went out with (`undefined`: none).
    pub(crate) fn answer_fetch(
        self: &Rc<Self>,
        result: &JsValue,
        prepared: JsValue,
        include: bool,
        gen: &JsValue,
    ) -> Promise {
        let res = match fetch::answered(result) {
            Ok(res) => res,
            Err(e) => return Promise::reject(&e.into_js()),
        };
        let mut attempt = Attempt::default();
        attempt.sending(gen.as_f64().map(|g| g as u64));
        self.later(Prepared::read(prepared), include, attempt, Some(res))
    }

    /// The timeout of `req`: its `init.timeoutMs`, else the client's (`Delay` 0: none).
    fn timeout_of(&self, req: &Prepared) -> Delay {
        Delay::ms(req.timeout.unwrap_or(self.cfg.timeout_ms))
    }

    /// The async path: [`Driver::retried`] as the caller's promise.
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
                .map_err(Failed::into_js)
        })
    }

    /// The machine's verdict on `res`, the answer to `attempt` (`None`: not sent yet — the
    /// session or a refresh comes first): the response for the caller, or the request resent
    /// (with the current token, or after a refresh) and judged again. Bounded: the machine
    /// answers `Retry::No` to an attempt that was already retried.
    async fn retried(
        &self,
        req: &Prepared,
        include: bool,
        mut attempt: Attempt,
        res: Option<Response>,
    ) -> Result<Response, Failed> {
        let mut res = match res {
            Some(res) => res,
            None => {
                self.gate(req).await?;
                self.send_api(req, include, &mut attempt).await?
            }
        };
        loop {
            let status = res.status();
            let code = match consult(status) {
                Consult::Body => fetch::body_code(&res).await,
                _ => None,
            };
            let verdict = self
                .read(|m| m.answered(status, code.as_deref(), &mut attempt, m.time_at(reading())));
            match verdict {
                Retry::No => return Ok(res),
                Retry::WithCurrent => self.debug("fetch: token refused, an older one; resending"),
                Retry::AfterRefresh => {
                    self.debug("fetch: token refused; refreshing, then resending once");
                    if !self.wait_for(req, Call::RefreshAfter401).await? {
                        self.debug("fetch: the refresh failed; the refusal goes to the caller");
                        return Ok(res);
                    }
                }
            }
            res = self.send_api(req, include, &mut attempt).await?;
        }
    }

    /// Waits until the machine lets `req` go: for the session being decided (as often as a new
    /// decision starts meanwhile), then for one refresh when its token has expired (a failed
    /// refresh lets it go with what there is: the server decides).
    async fn gate(&self, req: &Prepared) -> Result<(), Failed> {
        let mut refreshed = false;
        loop {
            match self.read(|m| m.fetch_gate(m.time_at(reading()))) {
                Gate::Send => return Ok(()),
                Gate::Wait => {
                    self.debug("fetch: waiting for the session being decided");
                    self.wait_for(req, Call::AwaitSession).await?;
                }
                Gate::RefreshFirst if !refreshed => {
                    refreshed = true;
                    self.wait_for(req, Call::Refresh).await?;
                }
                Gate::RefreshFirst => return Ok(()),
            }
        }
    }

    /// An app call made for `req` (the session, a refresh), given up at once when `req`'s
    /// signal aborts (the call goes on for everyone else): whether it resolved.
    ///
    /// # Errors
    /// The caller's abort.
    async fn wait_for(&self, req: &Prepared, call: Call<JsValue>) -> Result<bool, Failed> {
        let signal = req.signal.as_ref();
        match JsFuture::from(fetch::abortable(&self.call(call), signal)).await {
            Ok(_) => Ok(true),
            Err(_) => match signal {
                Some(s) if s.aborted() => Err(Failed::Aborted(s.reason())),
                _ => Ok(false),
            },
        }
    }

    /// Sends a copy of `req` with the current token, recorded in `attempt`.
    async fn send_api(
        &self,
        req: &Prepared,
        include: bool,
        attempt: &mut Attempt,
    ) -> Result<Response, Failed> {
        let (gen, bearer) = self.bearer();
        let extra = Extra {
            bearer,
            csrf: self.csrf(&req.method),
        };
        attempt.sending(gen);
        fetch::send_request(req, include, &extra, self.timeout_of(req)).await
    }
}
