// The page's life against the real backend (config c on 8001): a restore that cannot reach the
// server is "unknown" and retried on its own (on online, on becoming visible, with a backoff;
// never while offline or hidden).
// Run by scripts/test.sh; by hand, with the backend up and the repository served on 8000:
//   node --test tests/e2e/pagelife.test.mjs
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { fileBrowser, openTab, hook, API, SITE, CHROMIUM_ARGS, scenarios } from "./lib.mjs";

const test = scenarios("pagelife-passed.json");
const REFRESH_URL = `${API}/dj-rest-auth/token/refresh/`;
const browser = fileBrowser();

/** A signed-in browser profile, reloaded: the next client restores from the cookie. */
async function signedInThenReloaded() {
  const context = await browser.newContext();
  const page = await openTab(context);
  await page.evaluate(() => window.login());
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  const attempts = [];
  page.on("request", (r) => {
    if (r.url() === REFRESH_URL && r.method() === "POST") attempts.push(Date.now());
  });
  return { context, page, attempts };
}

/** restore() on a new client: its code when it rejects, and the client's status. */
const restoreOnLoad = (page) =>
  page.evaluate(async () => {
    window.makeClient();
    const code = await window.auth.restore().then(() => "restored", (e) => e.code);
    return { code, status: window.auth.status };
  });

const statusIs = (page, s, timeout = 10_000) =>
  page.waitForFunction((s) => window.auth.status === s, s, { timeout });

test("a restore that cannot reach the server is unknown, not signed out; offline nothing is tried; back online it signs in at once", async () => {
  const { context, page, attempts } = await signedInThenReloaded();
  await page.route(REFRESH_URL, (r) => r.abort("connectionrefused"));
  assert.deepEqual(await restoreOnLoad(page), { code: "network", status: "unknown" });
  await context.setOffline(true);
  const before = attempts.length;
  await page.waitForTimeout(3000); // the point: time passes, and nothing is sent
  assert.equal(attempts.length, before, "no request while offline");
  await page.unroute(REFRESH_URL);
  const t0 = Date.now();
  await context.setOffline(false);
  await statusIs(page, "signedIn");
  assert.ok(Date.now() - t0 < 1500, "at once when the browser is back online");
  assert.ok((await page.evaluate(() => window.events)).includes("signedIn:this_tab"));
  assert.equal((await page.evaluate(async () => (await window.auth.fetch("/api/me/")).status)), 200);
  await context.close();
});

test("a server answering 503 at load is retried with a backoff until it answers", async () => {
  const { context, page, attempts } = await signedInThenReloaded();
  let refused = 0;
  await page.route(REFRESH_URL, (r) =>
    refused++ < 3
      ? r.fulfill({ status: 503, body: "{}", contentType: "application/json", headers: { "Access-Control-Allow-Origin": "http://127.0.0.1:8000", "Access-Control-Allow-Credentials": "true" } })
      : r.continue(),
  );
  assert.deepEqual(await restoreOnLoad(page), { code: "server", status: "unknown" });
  await statusIs(page, "signedIn", 15_000);
  assert.equal(attempts.length, 4, "three refused, then the one that worked");
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
  assert.ok(gaps.every((g) => g >= 400), `never a storm: ${gaps}`);
  await context.close();
});

test("hidden, the retries wait; visible again, one at once; a refusal then is signed out with an event", async () => {
  const { context, page, attempts } = await signedInThenReloaded();
  await page.route(REFRESH_URL, (r) => r.abort("timedout"));
  assert.equal((await restoreOnLoad(page)).status, "unknown");
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, "visibilityState", { value: h ? "hidden" : "visible", configurable: true });
      document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    }, hidden);
  await setHidden(true);
  const before = attempts.length;
  await page.waitForTimeout(3000); // the point: time passes, and nothing is sent
  assert.equal(attempts.length, before, "no timed retry while hidden");
  // Meanwhile the session ended at the server.
  await page.unroute(REFRESH_URL);
  await context.clearCookies();
  await setHidden(false);
  await statusIs(page, "signedOut");
  assert.equal(attempts.length, before + 1);
  assert.ok((await page.evaluate(() => window.events)).includes("signedOut:this_tab"));
  await context.close();
});

test("a logout another tab could not confirm before it closed does not end a later session", async () => {
  const context = await browser.newContext();
  const a = await openTab(context);
  const b = await openTab(context);
  await a.evaluate(() => window.login());
  await b.waitForFunction(() => window.auth.isAuthenticated);
  // Tab A signs out while the server cannot be reached, and closes.
  await a.route(`${API}/dj-rest-auth/logout/`, (r) => r.abort("connectionrefused"));
  const out = await a.evaluate(() => window.auth.logout());
  assert.equal(out.serverConfirmed, false);
  assert.equal(await a.evaluate(() => localStorage.getItem("tokenward:logout-pending")), "1");
  await a.close();
  await b.waitForFunction(() => !window.auth.isAuthenticated);
  // The user signs in again in tab B; B reloads.
  await b.evaluate(() => window.login());
  assert.equal(await b.evaluate(() => localStorage.getItem("tokenward:logout-pending")), null);
  await b.reload();
  await b.waitForFunction(() => window.ready === true);
  const restored = await b.evaluate(async () => {
    window.makeClient();
    return (await window.auth.restore())?.user?.username ?? null;
  });
  assert.equal(restored, "demo", "the new session survives the reload");
  await context.close();
});

// ---------------------------------------------------------------- without Web Locks

/** Pages without navigator.locks (as on a plain http page other than localhost): the lock is
 * the localStorage lease. */
const NO_WEB_LOCKS = () => Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined, configurable: true });
const LEASE = "tokenward:tokenward:refresh";

/** Reloads `page` while the request to `path` is held 2 s at the server (after 0.4 s), then
 * times the next page's `restore()`. */
async function reloadMidRequest(page, path, start) {
  await hook("/test/faults/", { path, status: null, delay_ms: 2000, times: 1 });
  const held = page.evaluate(start).catch(() => "page gone");
  await page.waitForTimeout(400); // the point: the reload comes while the request is held
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  await held;
  const r = await page.evaluate(async (key) => {
    const lease = localStorage.getItem(key);
    window.makeClient();
    const t0 = performance.now();
    const s = await window.auth.restore().catch((e) => ({ code: e.code }));
    return { lease, ms: performance.now() - t0, user: s?.user?.username ?? s?.code ?? null };
  }, LEASE);
  await hook("/test/faults/", []);
  return r;
}

async function withoutWebLocks() {
  const context = await browser.newContext();
  await context.addInitScript(NO_WEB_LOCKS);
  const page = await openTab(context);
  assert.equal(await page.evaluate(() => navigator.locks), undefined);
  return { context, page };
}

test("without Web Locks, a reload during the restore's refresh leaves no lease: the next page restores at once", async () => {
  const { context, page } = await withoutWebLocks();
  await page.evaluate(() => window.login());
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  const r = await reloadMidRequest(page, "/dj-rest-auth/token/refresh/", () => {
    window.makeClient();
    return window.auth.restore();
  });
  assert.equal(r.lease, null, "let go on pagehide");
  assert.equal(r.user, "demo");
  assert.ok(r.ms < 1500, `waited ${Math.round(r.ms)} ms`);
  await context.close();
});

test("without Web Locks, a reload during the user look-up leaves no lease", async () => {
  const { context, page } = await withoutWebLocks();
  await page.evaluate(() => window.login());
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  const r = await reloadMidRequest(page, "/dj-rest-auth/user/", () => {
    window.makeClient();
    return window.auth.restore();
  });
  assert.equal(r.lease, null);
  assert.equal(r.user, "demo");
  assert.ok(r.ms < 1500, `waited ${Math.round(r.ms)} ms`);
  await context.close();
});

test("without Web Locks, a reload during a logout leaves no lease: the next page finishes it at once", async () => {
  const { context, page } = await withoutWebLocks();
  await page.evaluate(() => window.login());
  const r = await reloadMidRequest(page, "/dj-rest-auth/logout/", () => window.auth.logout());
  assert.equal(r.lease, null);
  assert.equal(r.user, null, "signed out");
  assert.ok(r.ms < 1500, `waited ${Math.round(r.ms)} ms`);
  await context.close();
});

test("without Web Locks, a lease whose page is gone without pagehide holds no one for more than about a second", async () => {
  const { context, page } = await withoutWebLocks();
  await page.evaluate(() => window.login());
  // A crashed tab's lease: written, never renewed, never removed.
  await page.evaluate((key) => localStorage.setItem(key, `gone ${Date.now() + 1500}`), LEASE);
  const r = await page.evaluate(async () => {
    window.makeClient();
    const t0 = performance.now();
    const s = await window.auth.refresh();
    return { ms: performance.now() - t0, ok: s.accessToken !== undefined };
  });
  assert.equal(r.ok, true);
  assert.ok(r.ms >= 1000 && r.ms < 2500, `waited ${Math.round(r.ms)} ms`);
  await context.close();
});

// ---------------------------------------------------------------- back/forward cache

test("back/forward cache: a page restored after its token expired refreshes before use, and hears other tabs again", async () => {
  // Playwright turns the back/forward cache off by default; this browser has it on.
  const bf = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ["--disable-back-forward-cache"],
  });
  const context = await bf.newContext();
  await context.addInitScript(() =>
    addEventListener("pageshow", (e) => (window.restoredFromCache = e.persisted)),
  );
  const a = await openTab(context);
  await a.evaluate(() => window.login());
  const lifetime = (await hook("/test/info/")).accessLifetime * 1000;
  await a.evaluate(() => (window.beforeLeaving = true));
  await a.goto(`${SITE}/README.md`);
  await a.waitForTimeout(lifetime + 1000); // the point: the token expires while the page is frozen
  await hook("/test/counters/reset/", {});
  await a.goBack({ waitUntil: "commit" });
  await a.waitForFunction(() => window.restoredFromCache !== undefined);
  assert.deepEqual(await a.evaluate(() => [window.restoredFromCache, window.beforeLeaving]), [true, true], "restored from the cache, not reloaded");
  assert.equal(await a.evaluate(async () => (await window.auth.fetch("/api/me/")).status), 200);
  const counts = await hook("/test/counters/");
  assert.equal(counts["GET /api/me/ 401"], undefined, "refreshed before use, not after a refusal");
  assert.equal(counts["POST /dj-rest-auth/token/refresh/ 200"], 1);
  // Another tab signs out: the restored page hears it.
  await a.evaluate(() => (window.events.length = 0));
  const b = await openTab(context);
  await b.evaluate(async () => {
    await window.auth.restore();
    await window.auth.logout();
  });
  await a.waitForFunction(() => window.events.includes("signedOut:other_tab"), null, { timeout: 5000 });
  await bf.close();
});
