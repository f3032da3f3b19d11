// fetch and cookies for src/platform/http.rs, one call each. Each web-sys call costs an import
// in the .wasm and a function in the JS glue, so the mechanics of a request (abort timer, the
// caller's AbortSignal, headers, reading the body) and of document.cookie live here, and every
// decision stays in Rust.
// Nothing here rejects or throws: results are plain objects.

// `fetch(input, init)` resolved against `base`, as a Request, with what Rust decides on:
// { request, url, method, signal, authorization, credentials } or { error, message }.
export function prepare(input, init, base) {
  try {
    const own = input instanceof Request;
    const request = new Request(own ? input : new URL(String(input), base).href, init);
    return {
      request,
      url: request.url,
      method: request.method,
      signal: request.signal,
      authorization: request.headers.has("Authorization"),
      credentials: own || (init != null && "credentials" in init),
    };
  } catch (e) {
    return { error: "invalid", message: "invalid fetch input: " + ((e && e.message) || e) };
  }
}

// Sends a copy of `input` (a URL or a Request, which stays usable for a retry) with `init`, the
// header pairs of `headers` ([name, value, …]) set, under `timeoutMs` and the caller's `signal`.
// Resolves to { status, json } when `read` (the body parsed as JSON, undefined when it is not
// JSON; read under the same timeout), else to { status, response }; or to { error } with error
// "timeout", "aborted", "network" or "invalid" (then with a message).
export function send(input, init, headers, timeoutMs, signal, read) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const abort = () => controller.abort();
  const done = (result) => {
    clearTimeout(timer);
    if (signal) signal.removeEventListener("abort", abort);
    return result;
  };
  const failed = () =>
    done({ error: timedOut ? "timeout" : signal && signal.aborted ? "aborted" : "network" });
  if (signal) {
    if (signal.aborted) return Promise.resolve(done({ error: "aborted" }));
    signal.addEventListener("abort", abort);
  }
  let request;
  try {
    const own = input instanceof Request;
    const h = new Headers(own ? input.headers : undefined);
    for (let i = 0; i + 1 < headers.length; i += 2) h.set(headers[i], headers[i + 1]);
    init.headers = h;
    init.signal = controller.signal;
    request = new Request(own ? input.clone() : input, init);
  } catch (e) {
    return Promise.resolve(done({ error: "invalid", message: String((e && e.message) || e) }));
  }
  return fetch(request).then((response) => {
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
  }, failed);
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
