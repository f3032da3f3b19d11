// The page's life against the real backend (config c on 8001): a restore that cannot reach the
// server is "unknown" and retried on its own (on online, on becoming visible, with a backoff;
// never while offline or hidden).
// Run by scripts/test.sh; by hand, with the backend up and the repository served on 8000:
//   node --test tests/e2e/pagelife.test.mjs
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openTab, API, REFRESH, scenarios } from "./lib.mjs";

const { test, write } = scenarios("pagelife-passed.json");
const REFRESH_URL = `${API}/dj-rest-auth/token/refresh/`;
let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  write();
  await browser?.close();
});

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
