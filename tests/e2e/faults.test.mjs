// Faults and abuse, in real Chromium against the real backend (config c). Faults are injected
// by Playwright route interception. Every test ends by checking that the SDK still works
// (a panic would have killed the wasm module for the page).
//
// Test names are "<scenario> → <outcome>": CONTRIBUTING.md's fault table is generated from them
// (scripts/tables.mjs; scripts/test.sh fails when it drifts).
import assert from "node:assert/strict";
import { fileBrowser, openTab, scenarios, API, sleep } from "./lib.mjs";

// Every scenario that ran and passed, written for scripts/tables.mjs.
const test = scenarios("fault-scenarios.json");

const LOGIN = `${API}/dj-rest-auth/login/`;
const REFRESH = `${API}/dj-rest-auth/token/refresh/`;
const LOGOUT = `${API}/dj-rest-auth/logout/`;
const JSON_HEADERS = { "Access-Control-Allow-Origin": "http://127.0.0.1:8000", "Access-Control-Allow-Credentials": "true" };

const browser = fileBrowser();

/** A fresh profile with the test tab; `console` collects console.* lines. */
async function tab(config = {}, options = {}) {
  const context = await browser.newContext();
  const consoleLines = [];
  context.on("console", (m) => consoleLines.push(m.text()));
  const page = await openTab(context, { crossTab: false, timeoutMs: 1500, debug: true, ...config }, options);
  return { context, page, consoleLines };
}

const call = (page, fn, arg) => page.evaluate(fn, arg);
const login = (page) => call(page, () => window.login().then((s) => ({ ok: true, s }), (e) => ({ ok: false, code: e.code, name: e.name, message: e.message })));
const refresh = (page) => call(page, () => window.auth.refresh().then(() => ({ ok: true }), (e) => ({ ok: false, code: e.code, status: e.status })));
const state = (page) => call(page, () => ({ authenticated: window.auth.isAuthenticated, token: window.auth.accessToken ?? null, events: window.events.slice() }));

/** The SDK still works: routes removed, login and a protected call succeed. */
async function stillWorks(page) {
  await page.unrouteAll({ behavior: "ignoreErrors" });
  const l = await login(page);
  assert.equal(l.ok, true, `login after the fault: ${JSON.stringify(l)}`);
  assert.equal(await call(page, async () => (await window.auth.fetch("/api/me/")).status), 200);
}

function fulfill(body, { status = 200, contentType = "application/json" } = {}) {
  return (route) => route.fulfill({ status, body, contentType, headers: JSON_HEADERS });
}

// ---------------------------------------------------------------- server down

test("server down at login → network error, signed out", async () => {
  const { context, page } = await tab();
  await page.route(LOGIN, (r) => r.abort("connectionrefused"));
  const l = await login(page);
  assert.deepEqual([l.ok, l.code, l.name], [false, "network", "AuthError"]);
  assert.equal((await state(page)).authenticated, false);
  await stillWorks(page);
  await context.close();
});

test("server down at refresh → network error, session kept", async () => {
  const { context, page } = await tab();
  assert.equal((await login(page)).ok, true);
  const token = (await state(page)).token;
  await page.route(REFRESH, (r) => r.abort("connectionrefused"));
  assert.deepEqual(await refresh(page), { ok: false, code: "network", status: undefined });
  const s = await state(page);
  assert.equal(s.authenticated, true);
  assert.equal(s.token, token);
  await page.unrouteAll();
  assert.equal((await refresh(page)).ok, true, "a later attempt succeeds");
  await stillWorks(page);
  await context.close();
});

test("server down at logout → signed out locally, serverConfirmed false, finished on the next restore", async () => {
  const { context, page } = await tab();
  assert.equal((await login(page)).ok, true);
  await page.route(LOGOUT, (r) => r.abort("connectionrefused"));
  const result = await call(page, () => window.auth.logout());
  assert.equal(result.serverConfirmed, false);
  assert.match(result.warning, /request failed/);
  assert.equal((await state(page)).authenticated, false);
  await page.unrouteAll();
  // The cookie is still there, but restore() finishes the logout instead of reviving it.
  assert.equal(await call(page, () => window.auth.restore()), null);
  assert.equal(await call(page, async () => { window.makeClient({ crossTab: false }); return window.auth.restore(); }), null);
  await stillWorks(page);
  await context.close();
});

test("server down at restore → network error, no session, no event", async () => {
  const { context, page } = await tab();
  await page.route(REFRESH, (r) => r.abort("connectionrefused"));
  const r = await call(page, () => window.auth.restore().then((s) => ({ s }), (e) => ({ code: e.code })));
  assert.deepEqual(r, { code: "network" });
  assert.deepEqual((await state(page)).events, []);
  await stillWorks(page);
  await context.close();
});

// ---------------------------------------------------------------- 5xx and timeouts

test("refresh answers 503 → server error, session kept, a later attempt succeeds", async () => {
  const { context, page } = await tab();
  assert.equal((await login(page)).ok, true);
  await page.route(REFRESH, fulfill("<h1>503 Service Unavailable</h1>", { status: 503, contentType: "text/html" }));
  assert.deepEqual(await refresh(page), { ok: false, code: "server", status: 503 });
  assert.equal((await state(page)).authenticated, true);
  await page.unrouteAll();
  assert.equal((await refresh(page)).ok, true);
  await stillWorks(page);
  await context.close();
});

test("refresh hangs → timeout error, session kept, a later attempt succeeds", async () => {
  const { context, page } = await tab({ timeoutMs: 500 });
  assert.equal((await login(page)).ok, true);
  await page.route(REFRESH, () => {}); // never answered
  assert.deepEqual(await refresh(page), { ok: false, code: "timeout", status: undefined });
  assert.equal((await state(page)).authenticated, true);
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await sleep(2100); // the hung request is aborted at 4 × timeoutMs
  assert.equal((await refresh(page)).ok, true);
  await stillWorks(page);
  await context.close();
});

// ---------------------------------------------------------------- unusable bodies

const BODIES = [
  ["not JSON", "this is not json", "text/plain"],
  ["an HTML error page", "<!doctype html><h1>Proxy Error</h1>", "text/html"],
  ["truncated JSON", '{"access": "eyJhbGciOi', "application/json"],
  ["a 10 MB body", `{"junk": "${"x".repeat(10 * 1024 * 1024)}"}`, "application/json"],
  ["JSON without the access field", '{"token": "abc"}', "application/json"],
  ["an access token that is not a JWT", '{"access": "not-a-jwt", "user": {"username": "x"}}', "application/json"],
];

for (const [what, body, contentType] of BODIES) {
  test(`refresh answers 200 with ${what} → bad_response, session unchanged`, async () => {
    const { context, page } = await tab();
    assert.equal((await login(page)).ok, true);
    const before = await state(page);
    await page.route(REFRESH, fulfill(body, { contentType }));
    assert.deepEqual(await refresh(page), { ok: false, code: "bad_response", status: 200 });
    const afterFault = await state(page);
    assert.equal(afterFault.token, before.token);
    assert.deepEqual(afterFault.events, before.events);
    await stillWorks(page);
    await context.close();
  });
}

test("login answers 200 with an access token that is not a JWT → bad_response, signed out", async () => {
  const { context, page } = await tab();
  await page.route(LOGIN, fulfill('{"access": "nope", "refresh": ""}'));
  const l = await login(page);
  assert.deepEqual([l.ok, l.code], [false, "bad_response"]);
  assert.equal((await state(page)).authenticated, false);
  await stillWorks(page);
  await context.close();
});

test("login answers 200 with an access token that is not a valid header value → bad_response naming no token, signed out", async () => {
  const { context, page, consoleLines } = await tab();
  const payload = Buffer.from(JSON.stringify({ exp: 4102444800, iat: 1700000000 })).toString("base64url");
  const token = `eyJhbGciOiJIUzI1NiJ9.${payload}.sig\u0001nature`;
  await page.route(LOGIN, fulfill(JSON.stringify({ access: token, refresh: "" })));
  const l = await login(page);
  assert.deepEqual([l.ok, l.code], [false, "bad_response"]);
  assert.ok(!l.message.includes(payload) && !consoleLines.some((c) => c.includes(payload)), l.message);
  assert.equal((await state(page)).authenticated, false);
  await stillWorks(page);
  await context.close();
});

// ---------------------------------------------------------------- the access token's payload
// Decoded by the browser's atob and JSON.parse (net.js), judged by the core before and after
// (claims::payload_segment, claims::from_payload).

const b64url = (text) => Buffer.from(text).toString("base64url");
const withPayload = (payload) => `eyJhbGciOiJIUzI1NiJ9.${payload}.c2ln`;

const PAYLOADS = [
  ["a payload that is not base64 (one character)", "a"],
  ["a payload in standard base64", b64url('{"exp":4102444800,"a":"~~~"}').replace(/-/g, "+").replace(/_/g, "/") + "+/"],
  ["a payload that is not JSON", b64url("not json")],
  ["a payload that is a JSON array", b64url("[4102444800]")],
  ["an exp that is a string", b64url('{"exp":"4102444800"}')],
  ["a negative exp", b64url('{"exp":-1}')],
  ["an iat past year 5138", b64url('{"exp":4102444800,"iat":100000000001}')],
];

for (const [what, payload] of PAYLOADS) {
  test(`login answers 200 with ${what} → bad_response, signed out`, async () => {
    const { context, page } = await tab();
    await page.route(LOGIN, fulfill(JSON.stringify({ access: withPayload(payload), refresh: "" })));
    const l = await login(page);
    assert.deepEqual([l.ok, l.code], [false, "bad_response"], JSON.stringify(l));
    assert.equal((await state(page)).authenticated, false);
    await stillWorks(page);
    await context.close();
  });
}

test("login answers 200 with claims holding non-ASCII text, a fractional exp and an iat in exponent form → signed in until exp", async () => {
  const { context, page } = await tab();
  const exp = 4102444800; // 2100-01-01
  const payload = b64url(`{"name":"Zoë ✓ 東京","exp":${exp}.75,"iat":1.7e9}`);
  await page.route(LOGIN, fulfill(JSON.stringify({ access: withPayload(payload), refresh: "", user: { username: "x" } })));
  const l = await login(page);
  assert.equal(l.ok, true, JSON.stringify(l));
  const expiresAt = await call(page, () => window.auth.expiresAt);
  assert.ok(expiresAt > Date.now() + 50 * 365 * 86400e3, `expiresAt ${expiresAt}`);
  await stillWorks(page);
  await context.close();
});

// ---------------------------------------------------------------- definitive refusals

for (const detail of ["Token is blacklisted", "Token is expired"]) {
  test(`refresh answers 401 "${detail}" → one expired event, state cleared`, async () => {
    const { context, page } = await tab({ crossTab: true });
    assert.equal((await login(page)).ok, true);
    await page.route(REFRESH, fulfill(JSON.stringify({ detail, code: "token_not_valid" }), { status: 401 }));
    const results = await call(page, async () =>
      (await Promise.allSettled([window.auth.refresh(), window.auth.refresh(), window.auth.fetch("/api/me/")]))
        .map((r) => (r.status === "fulfilled" ? r.value.status ?? "ok" : r.reason.code)));
    assert.deepEqual(results.slice(0, 2), ["session_expired", "session_expired"]);
    const s = await state(page);
    assert.equal(s.authenticated, false);
    assert.equal(s.token, null);
    assert.deepEqual(s.events.filter((e) => e.startsWith("expired")), ["expired:this_tab"]);
    await stillWorks(page);
    await context.close();
  });
}

// ---------------------------------------------------------------- Web Storage

const STORAGE_FAULTS = [
  ["Web Storage that throws QuotaExceededError", () => {
    Storage.prototype.setItem = () => { throw new DOMException("full", "QuotaExceededError"); };
  }],
  ["Web Storage that throws SecurityError", () => {
    Object.defineProperty(window, "localStorage", { get() { throw new DOMException("denied", "SecurityError"); } });
  }],
  ["Web Storage that is null", () => {
    Object.defineProperty(window, "localStorage", { get() { return null; } });
  }],
];

for (const [what, initScript] of STORAGE_FAULTS) {
  test(`${what} → memory fallback, noted in debug output`, async () => {
    const { context, page, consoleLines } = await tab({ storage: "localStorage" }, { initScript });
    assert.equal((await login(page)).ok, true);
    assert.equal(await call(page, async () => (await window.auth.fetch("/api/me/")).status), 200);
    assert.ok(consoleLines.some((l) => l.includes("[tokenward] Web Storage")), consoleLines.join("\n"));
    await stillWorks(page);
    await context.close();
  });
}

// ---------------------------------------------------------------- races and teardown

test("logout while a refresh is in flight → signed out, the late refresh discarded", async () => {
  const { context, page } = await tab();
  assert.equal((await login(page)).ok, true);
  await page.route(REFRESH, async (route) => {
    await sleep(500); // the point: the refresh is still out when logout() comes
    await route.continue().catch(() => {});
  });
  const late = page.waitForEvent("requestfinished", { predicate: (r) => r.url() === REFRESH });
  const r = await call(page, async () => {
    const pending = window.auth.refresh().then(() => "resolved", (e) => e.code);
    const out = await window.auth.logout();
    return { refresh: await pending, out };
  });
  assert.equal(r.refresh, "session_expired");
  await late; // its answer has arrived, and was discarded
  const s = await state(page);
  assert.equal(s.authenticated, false);
  assert.equal(s.events.at(-1), "signedOut:this_tab");
  await stillWorks(page);
  await context.close();
});

test("login called twice at once → the first rejects aborted, the second signs in", async () => {
  const { context, page } = await tab();
  const r = await call(page, () => Promise.all([window.login(), window.login()].map((p) => p.then(() => "signed in", (e) => e.code))));
  assert.deepEqual(r, ["aborted", "signed in"]);
  const s = await state(page);
  assert.equal(s.authenticated, true);
  assert.deepEqual(s.events, ["signedIn:this_tab"]);
  await stillWorks(page);
  await context.close();
});

test("free() while requests are pending → they settle, nothing throws", async () => {
  const { context, page } = await tab();
  assert.equal((await login(page)).ok, true);
  await page.route("**/api/me/", async (route) => {
    await sleep(300); // the point: the request is still out when free() comes
    await route.continue().catch(() => {});
  });
  const r = await call(page, async () => {
    const pending = [window.auth.fetch("/api/me/"), window.auth.refresh()];
    window.auth.free();
    return (await Promise.allSettled(pending)).map((x) => x.status);
  });
  assert.equal(r.length, 2);
  await call(page, () => window.makeClient({ crossTab: false }));
  await stillWorks(page);
  await context.close();
});

test("Web Locks and BroadcastChannel absent → coordination off, the SDK works", async () => {
  const { context, page } = await tab({ crossTab: true }, {
    initScript: () => {
      delete Navigator.prototype.locks;
      delete window.BroadcastChannel;
    },
  });
  assert.equal((await login(page)).ok, true);
  assert.equal((await refresh(page)).ok, true);
  assert.equal((await call(page, () => window.auth.logout())).serverConfirmed, true);
  await stillWorks(page);
  await context.close();
});

test("Web Locks that refuse every request (as in an opaque origin) → the storage lease stands in, refresh works", async () => {
  const { context, page } = await tab({ crossTab: true }, {
    initScript: () => {
      LockManager.prototype.request = () => Promise.reject(new DOMException("refused", "SecurityError"));
    },
  });
  assert.equal((await login(page)).ok, true);
  assert.equal((await refresh(page)).ok, true);
  assert.equal((await refresh(page)).ok, true);
  await stillWorks(page);
  await context.close();
});

test("onChange callbacks that throw → the others still run, the SDK works", async () => {
  const { context, page } = await tab();
  const r = await call(page, async () => {
    const seen = [];
    window.auth.onChange(() => { throw new Error("bug"); });
    window.auth.onChange((e) => seen.push(e.type));
    window.auth.onChange(() => { throw "not even an Error"; });
    await window.login();
    await window.auth.refresh();
    return seen;
  });
  assert.deepEqual(r, ["signedIn", "refreshed"]);
  await stillWorks(page);
  await context.close();
});

// ---------------------------------------------------------------- security invariants

test("invariant: the refresh token is never readable by scripts", async () => {
  const { context, page, consoleLines } = await tab({ storage: "localStorage" });
  const outputs = await call(page, async () => {
    const out = [];
    out.push(await window.login());
    out.push(await window.auth.refresh());
    out.push(await window.auth.refresh().catch((e) => ({ name: e.name, code: e.code, message: e.message, detail: e.detail })));
    out.push(await window.auth.fetch("/dj-rest-auth/token/refresh/", { method: "POST" }).then((r) => r.text()));
    out.push({ events: window.events, cookie: document.cookie, local: { ...localStorage }, session: { ...sessionStorage } });
    return JSON.stringify(out);
  });
  const cookies = await context.cookies();
  const refreshCookie = cookies.find((c) => c.name === "refresh_token");
  assert.ok(refreshCookie?.httpOnly, "the server set an HttpOnly refresh cookie");
  assert.ok(!outputs.includes(refreshCookie.value), "refresh token leaked into an SDK output");
  assert.ok(!consoleLines.join("\n").includes(refreshCookie.value));
  assert.ok(!(await call(page, () => document.cookie)).includes("refresh_token"));
  await context.close();
});

test("invariant: in memory mode no token is written to localStorage or sessionStorage", async () => {
  const { context, page } = await tab({ storage: "memory" });
  await login(page);
  await refresh(page);
  const r = await call(page, () => ({
    token: window.auth.accessToken,
    stored: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  }));
  assert.ok(r.token);
  assert.ok(!r.stored.includes(r.token), r.stored);
  assert.ok(!r.stored.includes("eyJ"), "no JWT of any kind");
  await context.close();
});

test("invariant: the Bearer goes only to authorizedOrigins", async () => {
  const { context, page } = await tab();
  const seen = [];
  await page.route(/evil|example|localhost/, (route) => {
    const req = route.request();
    seen.push([req.url(), req.headers().authorization ?? null]);
    return route.fulfill({ status: 200, body: "{}", contentType: "application/json", headers: { "Access-Control-Allow-Origin": "*" } });
  });
  await login(page);
  const urls = [
    "https://evil.test/steal",
    "//evil.test/protocol-relative",
    "http://127.0.0.1.evil.test:8001/look-alike",
    "http://localhost:8001/other-origin-same-server",
    "https://api.example.com.evil.test/look-alike",
  ];
  const statuses = await call(page, async (list) => {
    const out = [];
    for (const u of list) out.push(await window.auth.fetch(u).then((r) => r.status, (e) => e.code));
    return out;
  }, urls);
  assert.equal(seen.length, urls.length, `${JSON.stringify(statuses)} ${JSON.stringify(seen)}`);
  for (const [url, authorization] of seen) assert.equal(authorization, null, url);
  // Credentials in the URL: the browser refuses to build the request at all.
  const userinfo = await call(page, () => window.auth.fetch("http://127.0.0.1:8001@evil.test/x").then((r) => r.status, (e) => e.code));
  assert.equal(userinfo, "config");
  assert.equal(seen.length, urls.length, "no request went out");
  await context.close();
});

test("invariant: no token in console output with debug: true, nor in error messages", async () => {
  const { context, page, consoleLines } = await tab({ debug: true });
  await login(page);
  const token = (await state(page)).token;
  await page.route(REFRESH, fulfill('{"access": "not-a-jwt"}'));
  const e = await refresh(page);
  assert.equal(e.code, "bad_response");
  await page.unrouteAll();
  await call(page, () => window.auth.fetch("/api/me/"));
  await call(page, () => window.auth.logout());
  const text = consoleLines.join("\n");
  assert.ok(text.includes("[tokenward]"), "debug output is on");
  assert.ok(!text.includes(token) && !text.includes("eyJ"), text);
  await context.close();
});
