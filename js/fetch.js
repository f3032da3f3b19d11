// auth.fetch: the caller's request with the access token for `authorizedOrigins`, as the
// machine decides (its gate, and its verdict on a refused token). The common call is decided
// at once and goes out through net.js; a request that must wait for the session or a refresh,
// or whose answer the machine may retry, goes to net.js's retry(), whose every step is one
// synchronous ask() below. A request that is not the SDK's to authorise goes to fetch as the
// caller made it.
import * as m from "./machine.js";
import { prepare, passThrough, sendFetch, retry, send, resolver } from "../crates/web/src/net.js";
import { authError, readError } from "./objects.js";
import { AWAIT_SESSION, REFRESH, REFRESH_AFTER_401 } from "./driver.js";

// The steps of retry() (net.js; the same numbers there).
const HOLD = 0, GATE = 1, CALL = 2, GEN = 3, SEND = 4, CONSULT = 5, VERDICT = 6, FAILURE = 7, DEBUG = 8;

// The traces of retry() (ask(DEBUG, n)).
const TRACES = [
  "fetch: waiting for the session being decided",
  "fetch: token refused, an older one; resending",
  "fetch: token refused; refreshing, then resending once",
  "fetch: the refresh failed; the refusal goes to the caller",
];

let consulted;

// What a failed net.js result rejects with: the caller's abort reason, else the AuthError.
function failure(res) {
  if (res.error === "aborted") return res.reason;
  return readError(m.failed({ timeout: 0, invalid: 3 }[res.error] ?? 2, res.message));
}

// The fetch of driver `d`: `auth.fetch(input, init)`.
export function fetcher(d) {
  const cfg = d.cfg;
  const urls = resolver(cfg.base);
  consulted ??= m.consulted();
  // The token's generation and Authorization value, as the gate says now.
  const gate = (refreshed) => {
    const [g, out] = m.gate(d.id, d.bearer[0], refreshed);
    const gen = out.f64();
    if (gen < 0) d.bearer = [-1, undefined];
    else if (gen !== d.bearer[0]) d.bearer = [gen, d.authorization(out.str())];
    return g;
  };
  const timeout = (p) => p.timeout ?? cfg.timeout;
  const ask = (step, a, b, c, e) => {
    switch (step) {
      case HOLD:
        if (!d.id) return false;
        d.hold(a ? 1 : -1);
        return true;
      case GATE:
        return gate(a);
      case CALL:
        return d.call(a === 0 ? AWAIT_SESSION : a === 1 ? REFRESH : REFRESH_AFTER_401);
      case GEN:
        gate(true);
        return d.bearer[0] < 0 ? undefined : d.bearer[0];
      case SEND:
        return send(a.request, undefined, b, d.bearer[1], d.csrf(a.method), timeout(a), a.signal, false);
      case CONSULT:
        return m.consult(a);
      case VERDICT:
        return m.answered(d.id, a, b, c, e);
      case FAILURE:
        return failure(a);
      case DEBUG:
        d.debug(TRACES[a]);
    }
  };
  return (input, init) => {
    const p = prepare(input, init, urls);
    if (p.error !== undefined) return Promise.reject(authError("config", p.message));
    if (!cfg.authorized.includes(p.origin) || cfg.authPaths.includes(p.path) || p.authorization) {
      // Not ours to authorise: fetch's, untouched.
      return passThrough(input, init, p);
    }
    // Credentials: "include" unless the caller chose.
    const include = !p.credentials;
    if (gate(false) !== 0) return retry(ask, p, include);
    const gen = d.bearer[0] < 0 ? undefined : d.bearer[0];
    return sendFetch(p, include, d.bearer[1], d.csrf(p.method), timeout(p), consulted, ask, gen);
  };
}
