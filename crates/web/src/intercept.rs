//! `auth.fetch`: the caller's request with the access token for `authorizedOrigins`, as the
//! machine decides (`core::session::fetch`): it waits for the session being decided, refreshes
//! first when the token has expired, and after a refused token (a 401, or a 403 that says
//! `token_not_valid`) resends once. A refresh it waits for is an app call like `refresh()`: it
//! joins the one in flight. A request that is not the SDK's to authorise goes to `fetch` as
//! the caller made it.
//!
//! The common call is decided here at once ([`Machine::fetch_gate`]), goes out through net.js,
//! and its promise is the caller's. It resolves to the `Response` itself unless the request
//! failed or was answered with a status the machine may retry (`CONSULTED`); those — and the
//! requests that must wait for the session or a refresh first — go to net.js's `retry`, which
//! only awaits: every step of it is one synchronous call back into [`Driver::step`], which
//! asks the machine or starts something. The .wasm runs no future.
//!
//! The caller's `AbortSignal` is honoured as `fetch` does: an abort before the `Response`
//! (also while waiting for the session or a refresh, which go on for everyone else) rejects
//! with the signal's reason, and after it the signal still governs the body (net.js).
//!
//! [`Machine::fetch_gate`]: tokenward_core::session::Machine::fetch_gate

use alloc::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::driver::Driver;
use crate::error::to_js;
use crate::fetch::{self, Prepared};
use crate::http::Extra;
use crate::reading;
use crate::waiter::Waiter;
use tokenward_core::session::{consult, Attempt, Call, Consult, Delay, Gate, Retry};

/// The steps net.js's `retry` asks for (`ask(step, a, b, c, d)`; the same numbers there).
mod steps {
    /// `ask(HOLD, true)` keeps the client for the request's slow path (whether there is one
    /// still), `ask(HOLD, false)` lets it go.
    pub const HOLD: u32 = 0;
    /// `ask(GATE, refreshed)`: 0 send, 1 wait for the session, 2 refresh first.
    pub const GATE: u32 = 1;
    /// `ask(CALL, n)`: the promise of an app call (0 the session, 1 a refresh, 2 a refresh
    /// after a refused token).
    pub const CALL: u32 = 2;
    /// `ask(GEN)`: the generation of the token [`SEND`] sends now (undefined: none).
    pub const GEN: u32 = 3;
    /// `ask(SEND, prepared, include)`: the request sent with the current token: the promise of
    /// net.js's result.
    pub const SEND: u32 = 4;
    /// `ask(CONSULT, status)`: whether the verdict needs the `code` of the body.
    pub const CONSULT: u32 = 5;
    /// `ask(VERDICT, status, code, gen, resent)`: 0 the answer is the caller's, 1 resend with
    /// the current token, 2 refresh, then resend.
    pub const VERDICT: u32 = 6;
    /// `ask(FAILURE, result)`: what the caller's promise rejects with.
    pub const FAILURE: u32 = 7;
    /// `ask(DEBUG, n)`: a trace.
    pub const DEBUG: u32 = 8;
}

/// The traces of `retry` (`ask(DEBUG, n)`).
const TRACES: [&str; 4] = [
    "fetch: waiting for the session being decided",
    "fetch: token refused, an older one; resending",
    "fetch: token refused; refreshing, then resending once",
    "fetch: the refresh failed; the refusal goes to the caller",
];

/// `ask` for net.js's `retry` (made once per client, owned by JS: it holds the client weakly,
/// and only while a request's slow path runs strongly).
pub(crate) fn asker<W: Waiter>(me: alloc::rc::Weak<Driver<W>>) -> JsValue {
    let ask = move |step: u32, a: JsValue, b: JsValue, c: JsValue, d: JsValue| match step {
        // Needs no client.
        steps::FAILURE => match fetch::answered(&a) {
            Ok(_) => JsValue::UNDEFINED,
            Err(e) => e.into_js(),
        },
        _ => match me.upgrade() {
            Some(driver) => driver.step(step, [a, b, c, d]),
            None => JsValue::FALSE,
        },
    };
    Closure::<dyn FnMut(u32, JsValue, JsValue, JsValue, JsValue) -> JsValue>::new(ask)
        .into_js_value()
}

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
            return fetch::retry(&self.ask, &req, include);
        }
        let (gen, bearer) = self.bearer();
        let extra = Extra {
            bearer,
            csrf: self.csrf(&req.method),
        };
        let timeout = self.timeout_of(&req);
        fetch::send_fetch(
            &req,
            include,
            &extra,
            timeout,
            &self.consulted,
            &self.ask,
            gen,
        )
    }

    /// The timeout of `req`: its `init.timeoutMs`, else the client's (`Delay` 0: none).
    fn timeout_of(&self, req: &Prepared) -> Delay {
        Delay::ms(req.timeout.unwrap_or(self.cfg.timeout_ms))
    }

    /// One step of net.js's `retry` (see [`steps`]).
    fn step(self: &Rc<Self>, step: u32, [a, b, c, d]: [JsValue; 4]) -> JsValue {
        let number = |v: &JsValue| v.as_f64().map(|n| n as u64);
        match step {
            steps::HOLD => {
                let mut held = self.held.borrow_mut();
                match a.is_truthy() {
                    true => held.push(Rc::clone(self)),
                    false => drop(held.pop()),
                }
                JsValue::TRUE
            }
            steps::GATE => {
                // After one refresh the request goes with what there is: the server decides.
                JsValue::from(match self.read(|m| m.fetch_gate(m.time_at(reading()))) {
                    Gate::Send => 0,
                    Gate::Wait => 1,
                    Gate::RefreshFirst if a.is_truthy() => 0,
                    Gate::RefreshFirst => 2,
                })
            }
            steps::CALL => self
                .call(match number(&a) {
                    Some(0) => Call::AwaitSession,
                    Some(1) => Call::Refresh,
                    _ => Call::RefreshAfter401,
                })
                .into(),
            steps::GEN => self
                .bearer()
                .0
                .map_or(JsValue::UNDEFINED, |g| JsValue::from_f64(g as f64)),
            steps::SEND => {
                let req = Prepared::read(a);
                let (_, bearer) = self.bearer();
                let extra = Extra {
                    bearer,
                    csrf: self.csrf(&req.method),
                };
                fetch::send_request(&req, b.is_truthy(), &extra, self.timeout_of(&req)).into()
            }
            steps::CONSULT => JsValue::from_bool(match a.as_f64() {
                Some(s) => consult(s as u16) == Consult::Body,
                None => false,
            }),
            steps::VERDICT => {
                let status = a.as_f64().map_or(0, |s| s as u16);
                let code = b.as_string();
                let mut attempt = Attempt::resumed(number(&c), d.is_truthy());
                let verdict = self.read(|m| {
                    m.answered(status, code.as_deref(), &mut attempt, m.time_at(reading()))
                });
                JsValue::from(match verdict {
                    Retry::No => 0,
                    Retry::WithCurrent => 1,
                    Retry::AfterRefresh => 2,
                })
            }
            steps::DEBUG => {
                if let Some(trace) = number(&a).and_then(|n| TRACES.get(n as usize)) {
                    self.debug(trace);
                }
                JsValue::UNDEFINED
            }
            _ => JsValue::UNDEFINED,
        }
    }
}
