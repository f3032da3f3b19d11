// fetch and cookies for crates/web/src/http.rs, one call each. Each web-sys call costs an import
// in the .wasm and a function in the JS glue, so the mechanics of a request (abort timer, the
// caller's AbortSignal, headers, reading the body) and of document.cookie live here, and every
// decision stays in Rust.
// Nothing here rejects or throws: results are plain objects.

// A client's URL resolver: its base URL, and the string inputs already resolved against it
// (apps fetch the same few URLs again and again, and resolving one costs more than the rest of
// a call). Bounded: cleared when full.
export function resolver(base) {
  return { base, known: new Map() };
}

// `fetch(input, init)` resolved against `urls` (a resolver), with what Rust decides on:
// { request, href, origin, path, method, signal, authorization, credentials, timeout } or
// { error, message }. `request` is what send() sends: the URL's href when `input` is not a
// Request and `init` is absent (the common call, which builds nothing more here), else a
// Request built now (the browser's checks of `init`), copied for each send. `path` is the URL
// without query and fragment; `timeout` is `init.timeoutMs` (undefined when not given).
export function prepare(input, init, urls) {
  const plain = init == null && typeof input === "string";
  const known = plain && urls.known.get(input);
  if (known) return known;
  try {
    const timeout = init == null ? undefined : init.timeoutMs;
    if (timeout !== undefined && !(typeof timeout === "number" && timeout >= 0 && timeout <= 2147483647)) {
      throw new TypeError("init.timeoutMs must be a number of milliseconds, 0 (none) or more");
    }
    const own = input instanceof Request;
    let request = own ? input : new URL(String(input), urls.base);
    if (!own && (request.username || request.password)) {
      throw new TypeError("a URL with credentials cannot be fetched");
    }
    if (own || init != null) request = new Request(own ? input : request.href, init);
    const url = own || init != null ? new URL(request.url) : request;
    const built = request instanceof Request;
    const prepared = {
      request: built ? request : url.href,
      href: url.href,
      origin: url.origin,
      path: url.origin + url.pathname,
      method: built ? request.method : "GET",
      // The caller's own signal (a Request's follows it, but is another object).
      signal: init != null && "signal" in init ? init.signal ?? undefined : own ? input.signal : undefined,
      authorization: built && request.headers.has("Authorization"),
      credentials: own || (init != null && "credentials" in init),
      timeout,
    };
    if (plain) {
      if (urls.known.size >= 256) urls.known.clear();
      urls.known.set(input, prepared);
    }
    return prepared;
  } catch (e) {
    return { error: "invalid", message: "invalid fetch input: " + ((e && e.message) || e) };
  }
}

// A request that is not the SDK's to authorise, handed to fetch as the caller made it: the
// caller's `input` itself when it is a Request or a URL, else the string resolved against the
// base URL; `init` untouched (fetch ignores `timeoutMs`).
export function passThrough(input, init, prepared) {
  return fetch(typeof input === "string" ? prepared.href : input, init);
}

// `promise`, or the rejection with `signal.reason` as soon as `signal` aborts (at once when it
// already has): a wait the caller may give up without cancelling what others share.
function abortable(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    const off = () => signal.removeEventListener("abort", stop);
    promise.then(
      (v) => (off(), resolve(v)),
      (e) => (off(), reject(e)),
    );
  });
}

// The timeouts of the requests in flight, on one timer: entries { at, expire } sorted by
// deadline (one client's requests arrive in deadline order, so an insertion looks one step
// back), the timer set for the first. A finished request leaves the queue at once.
const queue = [];
let armedFor = Infinity;
function fire() {
  armedFor = Infinity;
  const now = performance.now();
  let due = 0;
  while (due < queue.length && queue[due].at <= now) due++;
  for (const entry of queue.splice(0, due)) entry.expire();
  arm();
}
function arm() {
  if (queue.length && queue[0].at < armedFor) {
    armedFor = queue[0].at;
    setTimeout(fire, Math.max(0, armedFor - performance.now()));
  }
}
function watch(entry) {
  let i = queue.length;
  while (i > 0 && queue[i - 1].at > entry.at) i--;
  queue.splice(i, 0, entry);
  arm();
}
function unwatch(entry) {
  const i = queue.indexOf(entry);
  if (i >= 0) queue.splice(i, 1);
}

// Sends `input` (a URL, or a Request, copied so that it stays usable for a retry) with `init`
// (never modified), `credentials: "include"` when `include`, the header `Authorization:
// bearer` when `bearer` is given and the header pairs of `headers` ([name, value, …]) set,
// under `timeoutMs` (0: none) and the caller's `signal`. Resolves to { status, json } when
// `read` (the body parsed as JSON, undefined when it is not JSON; read under the same timeout),
// else to { status, response }; or to { error } with error "timeout", "aborted" (then with
// the signal's `reason`), "network" or "invalid" (then with a message).
// As with fetch, the caller's signal governs the request and then the response's body: once
// the headers are in, the timeout is over, but aborting still errors the body with the reason.
export function send(input, init, include, bearer, headers, timeoutMs, signal, read) {
  if (signal && signal.aborted) return Promise.resolve({ error: "aborted", reason: signal.reason });
  const controller = new AbortController();
  let timedOut = false;
  const entry = {
    at: performance.now() + timeoutMs,
    expire() {
      timedOut = true;
      controller.abort();
    },
  };
  const abort = () => controller.abort(signal.reason);
  const done = (result) => {
    unwatch(entry);
    return result;
  };
  const failed = () => {
    if (signal) signal.removeEventListener("abort", abort);
    if (timedOut) return done({ error: "timeout" });
    if (signal && signal.aborted) return done({ error: "aborted", reason: signal.reason });
    return done({ error: "network" });
  };
  // A Request is sent as a copy; a URL goes to fetch with the options, and fetch builds the
  // one Request (the values Rust adds were checked there).
  const own = input instanceof Request;
  let options;
  let copy;
  try {
    const plain = !own && (init == null || init.headers == null);
    const h = plain ? {} : new Headers(own ? input.headers : init.headers);
    const put = plain ? (k, v) => (h[k] = v) : (k, v) => h.set(k, v);
    if (bearer !== undefined) put("Authorization", bearer);
    for (let i = 0; i + 1 < headers.length; i += 2) put(headers[i], headers[i + 1]);
    options = own ? {} : Object.assign({}, init);
    options.headers = h;
    options.signal = controller.signal;
    if (include) options.credentials = "include";
    if (own) copy = new Request(input.clone(), options);
  } catch (e) {
    return Promise.resolve({ error: "invalid", message: String((e && e.message) || e) });
  }
  if (signal) signal.addEventListener("abort", abort, { once: true });
  if (timeoutMs > 0) watch(entry);
  return (own ? fetch(copy) : fetch(input, options)).then(
    (response) => {
      const status = response.status;
      if (!read) return done({ status, response });
      return response.text().then((text) => {
        let json;
        try {
          json = JSON.parse(text);
        } catch (_) {
          // not JSON: json stays undefined
        }
        return done({ status, json });
      }, failed);
    },
    failed,
  );
}

// Calls `done` with what `promise` resolves to (undefined if it rejects): how the SDK's own
// requests and the cross-tab lock answer the .wasm, which then runs no future.
export function deliver(promise, done) {
  promise.then(done, () => done(undefined));
}

// `auth.fetch`'s request (`prepared` from prepare()) through send(): the promise resolves to
// the Response itself, unless the answer is a failure or has a status of `consult` (those
// the machine may retry); those go to retry(), whose promise it becomes.
export function sendFetch(prepared, include, bearer, headers, timeoutMs, consult, ask, gen) {
  const { request, signal } = prepared;
  return send(request, undefined, include, bearer, headers, timeoutMs, signal, false).then((r) =>
    r.error === undefined && !consult.includes(r.status) ? r.response : retry(ask, prepared, include, gen, r),
  );
}

// The steps of retry(), answered by `ask(step, …)` (crates/web/src/intercept.rs, `steps`, has
// the same numbers and says what each returns).
const HOLD = 0, GATE = 1, CALL = 2, GEN = 3, SEND = 4, CONSULT = 5, VERDICT = 6, FAILURE = 7, DEBUG = 8;

// `auth.fetch`'s slow path: the request `prepared` waits for the session or a refresh first
// (`res` undefined), or its answer `res` (send()'s result of it sent with the token of
// generation `gen`) may be retried. Every step is one synchronous `ask` of the client's
// driver, which asks the machine or starts something: this function only awaits (the .wasm
// runs no future). Resolves to the caller's Response; rejects with an AuthError, or with the
// caller's abort reason.
export async function retry(ask, prepared, include, gen, res) {
  if (!ask(HOLD, true)) {
    // The client is gone (freed): the answer as it is.
    if (res.error !== undefined) throw ask(FAILURE, res);
    return res.response;
  }
  try {
    const signal = prepared.signal;
    // An app call made for this request (0 the session, 1 a refresh, 2 a refresh after a
    // refused token), given up at once when its signal aborts (the call goes on for everyone
    // else): whether it resolved.
    const wait = (call) =>
      abortable(ask(CALL, call), signal).then(
        () => true,
        () => {
          if (signal && signal.aborted) throw signal.reason;
          return false;
        },
      );
    const sendNow = () => {
      gen = ask(GEN);
      return ask(SEND, prepared, include);
    };
    if (res === undefined) {
      // The gate: 0 go, 1 wait for the session (as often as a new decision starts), 2 refresh
      // first (once; after it the request goes with what there is).
      for (let gate, refreshed = false; (gate = ask(GATE, refreshed)) !== 0; ) {
        if (gate === 1) ask(DEBUG, 0);
        else refreshed = true;
        await wait(gate === 1 ? 0 : 1);
      }
      res = await sendNow();
    }
    for (let resent = false; ; resent = true) {
      if (res.error !== undefined) throw ask(FAILURE, res);
      const response = res.response;
      const status = response.status;
      const code = ask(CONSULT, status) ? await bodyCode(response) : undefined;
      // 0 the answer is the caller's, 1 resend with the current token, 2 refresh, then resend.
      const verdict = ask(VERDICT, status, code, gen, resent);
      if (verdict === 0) return response;
      ask(DEBUG, verdict);
      if (verdict === 2 && !(await wait(2))) {
        ask(DEBUG, 3);
        return response;
      }
      res = await sendNow();
    }
  } finally {
    ask(HOLD, false);
  }
}

// The `code` member of a response's JSON body (read from a copy: the caller still gets the
// whole body), or undefined.
function bodyCode(response) {
  return response
    .clone()
    .json()
    .then(
      (j) => (j && typeof j.code === "string" ? j.code : undefined),
      () => undefined,
    );
}

// The payload segment of an access token (its form checked by tokenward_core::claims, which
// also judges what comes back), decoded with the browser's own base64 and JSON parsers:
// the parsed value, or undefined.
export function jwtPayload(segment) {
  try {
    return JSON.parse(atob(segment.replace(/-/g, "+").replace(/_/g, "/")));
  } catch (_) {
    return undefined;
  }
}

// The value of this document's cookie `name`, or undefined (also without a document, or when
// reading cookies throws, as in a sandboxed frame).
export function readCookie(name) {
  try {
    for (const pair of String(document.cookie).split(";")) {
      const p = pair.trim();
      const i = p.indexOf("=");
      if (i > 0 && p.slice(0, i) === name && i + 1 < p.length) return p.slice(i + 1);
    }
  } catch (_) {
    // no readable cookies
  }
}

// Mints cookie `name` with 32 random [A-Za-z0-9] characters (the form Django expects of a
// CSRF secret) where the API at `apiUrl` receives it: on this host when the API shares it,
// else on a parent domain of this page (never a bare TLD) that contains the API's host;
// `Secure` on https pages. Never replaces an existing cookie of that name (Django-rendered
// forms in other tabs hold its value). Returns whether one was minted. See mint_csrf_cookie
// in http.rs.
export function mintCookie(name, apiUrl) {
  try {
    if (readCookie(name) !== undefined) return false;
    const secure = location.protocol === "https:" ? "; Secure" : "";
    const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const token = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => abc[b % 62]).join("");
    const page = location.hostname;
    const api = new URL(apiUrl).hostname;
    const domains = page === api ? [""] : [];
    for (let rest = page, i; (i = rest.indexOf(".")) >= 0; ) {
      rest = rest.slice(i + 1);
      if (rest.includes(".") && (api === rest || api.endsWith("." + rest))) {
        domains.push("; domain=" + rest);
      }
    }
    for (const domain of domains) {
      document.cookie = name + "=" + token + "; path=/; SameSite=Lax" + secure + domain;
      if (readCookie(name) === token) return true;
    }
  } catch (_) {
    // no document, location or crypto: nothing minted
  }
  return false;
}
