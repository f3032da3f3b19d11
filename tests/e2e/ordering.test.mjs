// The order of operations, in real Chromium against the real backend (config c: rotation and
// blacklist): what the app calls while something else is in flight, with requests slowed by
// the backend's fault hook (the server receives the request, waits, then answers) or answered
// by Playwright routes. Also: an anonymous restore's request count, a throttled logout, the
// largest timeoutMs, and when a CSRF cookie may be minted.
//
// Test names are "<what the app does> → <outcome>": docs/guide.md's ordering table is generated
// from them (scripts/tables.mjs; scripts/test.sh fails when it drifts). By hand, with the
// backend on 8001 and the repository served on 8000:
//   node --test tests/e2e/ordering.test.mjs
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { fileBrowser, openTab, scenarios, hook, API, SITE } from "./lib.mjs";

const test = scenarios("ordering-scenarios.json");

const LOGIN = `${API}/dj-rest-auth/login/`;
const REFRESH = `${API}/dj-rest-auth/token/refresh/`;
const LOGOUT = `${API}/dj-rest-auth/logout/`;
const CORS = { "Access-Control-Allow-Origin": SITE, "Access-Control-Allow-Credentials": "true" };
const DEMO = { username: "demo", password: "tokenward-demo" };
const ADA = { username: "ada", password: "tokenward-ada" };

const browser = fileBrowser();
before(async () => {
  assert.equal((await hook("/test/info/")).config, "c", "the ordering tests need backend config c");
});
after(async () => {
  await hook("/test/faults/", []);
});

/** A fresh profile with the test tab; `wire` lists the SDK's auth requests and answers in the
 * order the browser saw them: "→ login", "← 200 login", ... (preflights left out). */
async function tab(config = {}) {
  const context = await browser.newContext();
  const page = await openTab(context, { crossTab: true, timeoutMs: 5000, ...config });
  const wire = watch(page);
  return { context, page, wire };
}

function watch(page) {
  const wire = [];
  const name = (url) => ["login", "refresh", "logout", "user"].find((n) => url.includes(`/${n === "refresh" ? "token/refresh" : n}/`));
  page.on("request", (r) => {
    const n = name(r.url());
    if (n && r.method() !== "OPTIONS" && r.url().includes("/dj-rest-auth/")) wire.push(`→ ${n}`);
  });
  page.on("response", (r) => {
    const n = name(r.url());
    if (n && r.request().method() !== "OPTIONS" && r.url().includes("/dj-rest-auth/")) wire.push(`← ${r.status()} ${n}`);
  });
  return wire;
}

/** The next request to `path` reaches the server, which waits `ms` before handling it. */
const slowServer = (path, ms) => hook("/test/faults/", { path, status: null, delay_ms: ms, times: 1 });

const call = (page, fn, arg) => page.evaluate(fn, arg);
const signIn = (page, who = DEMO) => call(page, (c) => window.auth.login(c).then((s) => s.user.username), who);
const me = (page) => call(page, async () => (await (await window.auth.fetch("/api/me/")).json()).username);

/** Index of the n-th (0-based) occurrence of `entry` in `wire`. */
function at(wire, entry, n = 0) {
  let seen = -1;
  const i = wire.findIndex((e) => e === entry && ++seen === n);
  assert.ok(i >= 0, `${entry} #${n} not in ${wire.join(", ")}`);
  return i;
}

/** No two cookie-setting requests of this tab were ever in flight at once. */
function neverOverlapping(wire) {
  let open = 0;
  for (const e of wire) {
    if (e.startsWith("→") && !e.endsWith("user")) open++;
    if (e.startsWith("←") && !e.endsWith("user")) open--;
    assert.ok(open <= 1, `overlapping cookie-setting requests: ${wire.join(", ")}`);
  }
}

test("logout() not awaited, then login(other) while the logout is slow → the logout's answer comes first; signed in as the other user, and the next refresh works", async () => {
  const { context, page, wire } = await tab();
  assert.equal(await signIn(page), "demo");
  await slowServer("/dj-rest-auth/logout/", 800);
  const r = await call(page, async (ada) => {
    const out = window.auth.logout();
    const user = (await window.auth.login(ada)).user.username;
    return { user, out: await out };
  }, ADA);
  assert.equal(r.user, "ada");
  assert.equal(r.out.serverConfirmed, true);
  assert.ok(at(wire, "← 200 logout") < at(wire, "→ login", 1), wire.join(", "));
  neverOverlapping(wire);
  const refreshed = await call(page, () => window.auth.refresh().then((s) => s.user.username, (e) => e.code));
  assert.equal(refreshed, "ada");
  assert.equal(await me(page), "ada");
  await context.close();
});

test("logout() while login() is in flight → login rejects aborted; signed out; the logout reaches the server after the login's cookies exist, so a reload restores nothing", async () => {
  const { context, page, wire } = await tab();
  await slowServer("/dj-rest-auth/login/", 600);
  const r = await call(page, async (demo) => {
    const login = window.auth.login(demo).then(() => "resolved", (e) => e.code);
    await new Promise((res) => setTimeout(res, 150)); // the login is on the wire
    const out = await window.auth.logout();
    return { login: await login, out, authenticated: window.auth.isAuthenticated, token: window.auth.accessToken ?? null, events: window.events.slice() };
  }, DEMO);
  assert.equal(r.login, "aborted");
  assert.deepEqual([r.authenticated, r.token], [false, null]);
  assert.equal(r.out.serverConfirmed, true, JSON.stringify(r.out));
  assert.ok(!r.events.some((e) => e.startsWith("signedIn")), r.events.join());
  assert.ok(at(wire, "← 200 login") < at(wire, "→ logout"), wire.join(", "));
  neverOverlapping(wire);
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  await call(page, () => window.makeClient({ crossTab: true }));
  assert.equal(await call(page, () => window.auth.restore()), null);
  await context.close();
});

test("login(other) while a refresh is in flight (rotation) → the refresh rejects aborted and its late reply is dropped; the login goes after it; the next refresh returns the new user's token", async () => {
  const { context, page, wire } = await tab();
  assert.equal(await signIn(page), "demo");
  await slowServer("/dj-rest-auth/token/refresh/", 600);
  const r = await call(page, async (ada) => {
    const refresh = window.auth.refresh().then(() => "resolved", (e) => e.code);
    await new Promise((res) => setTimeout(res, 100)); // the refresh is on the wire
    const user = (await window.auth.login(ada)).user.username;
    return { refresh: await refresh, user, now: window.auth.user.username };
  }, ADA);
  assert.deepEqual(r, { refresh: "aborted", user: "ada", now: "ada" });
  assert.ok(at(wire, "← 200 refresh") < at(wire, "→ login", 1), wire.join(", "));
  neverOverlapping(wire);
  assert.equal(await call(page, () => window.auth.refresh().then((s) => s.user.username)), "ada");
  assert.equal(await me(page), "ada", "the cookie belongs to the new user's session");
  await context.close();
});

test("restore() while another tab refreshes during its user look-up → the other tab's token is adopted and stays stored; no extra refresh", async () => {
  const context = await browser.newContext();
  const config = { crossTab: true, storage: "localStorage" };
  const b = await openTab(context, config);
  assert.equal(await signIn(b), "demo");
  // A stored record without its user (the look-up failed when it was stored).
  await call(b, () => {
    const r = JSON.parse(localStorage.getItem("tokenward"));
    r.user = null;
    localStorage.setItem("tokenward", JSON.stringify(r));
  });
  const a = await openTab(context, config);
  const wireA = watch(a);
  const wireB = watch(b);
  await hook("/test/faults/", { path: "/dj-rest-auth/user/", status: null, delay_ms: 700, times: 1 });
  const lookingUp = a.waitForRequest((r) => r.url().endsWith("/dj-rest-auth/user/"));
  const restoring = call(a, () => window.auth.restore().then((s) => s && s.accessToken));
  await lookingUp;
  const fresh = await call(b, () => window.auth.refresh().then((s) => s.accessToken));
  const restored = await restoring;
  await a.waitForFunction((t) => window.auth.accessToken === t, fresh);
  assert.ok(restored, "restore() resolved with a session");
  assert.equal(await call(a, () => JSON.parse(localStorage.getItem("tokenward")).token), fresh, "the other tab's token is still stored");
  const refreshes = [...wireA, ...wireB].filter((e) => e === "→ refresh").length;
  assert.equal(refreshes, 1, [...wireA, ...wireB].join(", "));
  await context.close();
});

test("restore() with no session (anonymous visitor) → null after exactly one refresh request", async () => {
  const { context, page, wire } = await tab();
  const events = await call(page, async () => {
    const s = await window.auth.restore();
    return { s, events: window.events.slice() };
  });
  assert.deepEqual(events, { s: null, events: [] });
  assert.deepEqual(wire, ["→ refresh", "← 401 refresh"]);
  await context.close();
});

test("logout() answered 429 (throttled) → serverConfirmed false, the logout stays pending: a reload restores nothing and finishes the logout", async () => {
  const { context, page, wire } = await tab();
  assert.equal(await signIn(page), "demo");
  await page.route(LOGOUT, (route) => route.fulfill({
    status: 429, contentType: "application/json", headers: CORS,
    body: JSON.stringify({ detail: "Request was throttled. Expected available in 60 seconds." }),
  }));
  const out = await call(page, () => window.auth.logout());
  assert.equal(out.serverConfirmed, false);
  assert.match(out.warning, /throttled/);
  assert.equal(await call(page, () => localStorage.getItem("tokenward:logout-pending")), "1");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  await call(page, () => window.makeClient({ crossTab: true }));
  assert.equal(await call(page, () => window.auth.restore()), null);
  // After the reload: the logout again (past Django's CSRF check with a Bearer from the
  // refresh cookie), never a session from the cookie.
  assert.equal(wire.at(-1), "← 200 logout", wire.join(", "));
  assert.deepEqual(await call(page, () => window.events.slice()), []);
  assert.equal(await call(page, () => localStorage.getItem("tokenward:logout-pending")), null);
  // The cookies are gone at the server now.
  await call(page, () => window.makeClient({ crossTab: true }));
  assert.equal(await call(page, () => window.auth.refresh().then(() => "resolved", (e) => e.code)), "session_expired");
  await context.close();
});

test("timeoutMs 2147483647 (the largest accepted) → login, refresh, restore and fetch work; no timer fires at once", async () => {
  const { context, page } = await tab({ timeoutMs: 2147483647 });
  assert.equal(await signIn(page), "demo");
  const r = await call(page, async () => {
    const refreshed = await window.auth.refresh().then(() => "ok", (e) => e.code);
    const restored = await window.auth.restore().then((s) => (s ? "ok" : "null"), (e) => e.code);
    const status = (await window.auth.fetch("/api/me/")).status;
    return { refreshed, restored, status };
  });
  assert.deepEqual(r, { refreshed: "ok", restored: "ok", status: 200 });
  await context.close();
});

test("a CSRF refusal \"Origin checking failed\" with no refresh cookie → no CSRF cookie minted (it cannot help)", async () => {
  const { context, page, wire } = await tab();
  const origin = `CSRF Failed: Origin checking failed - ${SITE} does not match any trusted origins.`;
  await page.route(LOGIN, (route) => route.fulfill({ status: 403, contentType: "application/json", headers: CORS, body: JSON.stringify({ detail: origin }) }));
  const r = await call(page, (demo) => window.auth.login(demo).then(() => "resolved", (e) => `${e.code}: ${e.detail}`), DEMO);
  assert.equal(r, `server: ${origin}`);
  assert.equal(await call(page, () => document.cookie.includes("csrftoken")), false);
  assert.equal(wire.filter((e) => e === "→ login").length, 1, wire.join(", "));
  await context.close();
});

test("a CSRF refusal \"CSRF cookie not set\" with a csrftoken cookie already present → the existing cookie is kept, never replaced", async () => {
  const { context, page } = await tab();
  await call(page, () => { document.cookie = "csrftoken=KeptByADjangoForm0123456789abcdef; path=/"; });
  await page.route(LOGIN, (route) => route.fulfill({ status: 403, contentType: "application/json", headers: CORS, body: JSON.stringify({ detail: "CSRF Failed: CSRF cookie not set." }) }));
  await page.route(REFRESH, (route) => route.fulfill({ status: 401, contentType: "application/json", headers: CORS, body: JSON.stringify({ detail: "No valid refresh token found.", code: "token_not_valid" }) }));
  const r = await call(page, (demo) => window.auth.login(demo).then(() => "resolved", (e) => e.code), DEMO);
  assert.equal(r, "server");
  assert.equal(await call(page, () => document.cookie), "csrftoken=KeptByADjangoForm0123456789abcdef");
  await call(page, () => { document.cookie = "csrftoken=; path=/; max-age=0"; });
  await context.close();
});
