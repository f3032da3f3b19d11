// Cross-tab sessions against the backend in config c (rotation + blacklist), short access
// lifetime. Run by scripts/test.sh; by hand, with the backend on 8001 and the repository
// served on 8000:
//   node --test tests/e2e/crosstab.test.mjs
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { fileBrowser, openTab, hook, counters, resetCounters, REFRESH } from "./lib.mjs";

const CYCLES = 5;
const PAGES = 3;
const FETCHES = 5;
const browser = fileBrowser();

before(async () => {
  const info = await hook("/test/info/");
  assert.equal(info.config, "c", "the cross-tab tests need backend config c");
});
/** Waits until `check()` (async) is true, at most `ms`. */
async function until(check, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every tab holds the same token (adoptions and broadcasts are over). */
const agree = (pages) =>
  until(async () => {
    const tokens = await Promise.all(pages.map((p) => p.evaluate(() => window.auth.accessToken ?? null)));
    return tokens.every((t) => t !== null && t === tokens[0]);
  }, "the tabs agree on one token");

/** Every tab is signed in (`true`) or out. */
const allSignedIn = (pages, yes) =>
  Promise.all(pages.map((p) => p.waitForFunction((y) => window.auth.isAuthenticated === y, yes)));

/** Fires FETCHES concurrent auth.fetch calls in every page at the moment the tokens expire
 * (as the SDK sees it), CYCLES times. Returns per-cycle refresh counts and all statuses. */
async function expiryStorms(pages) {
  const cycles = [];
  for (let i = 0; i < CYCLES; i++) {
    await resetCounters();
    const expiries = await Promise.all(pages.map((p) => p.evaluate(() => window.auth.expiresAt)));
    const at = Math.max(...expiries.map((e) => e ?? 0));
    const statuses = (await Promise.all(pages.map((p) => p.evaluate(([t, n]) => window.stormAt(t, n), [at, FETCHES])))).flat();
    await agree(pages);
    const c = await counters();
    cycles.push({ refreshes: c[REFRESH] ?? 0, rejected: c[`${REFRESH} 401`] ?? 0, statuses });
  }
  return cycles;
}

async function events(pages) {
  return Promise.all(pages.map((p) => p.evaluate(() => window.events.slice())));
}

test("tabs share one refresh per expiry, through 5 rotations", async () => {
  const context = await browser.newContext();
  const pages = [];
  for (let i = 0; i < PAGES; i++) pages.push(await openTab(context));
  await pages[0].evaluate(() => window.login());
  await allSignedIn(pages, true);
  // The login reached every tab.
  for (const p of pages.slice(1)) {
    assert.equal(await p.evaluate(() => window.auth.isAuthenticated), true);
    assert.deepEqual(await p.evaluate(() => window.events), ["signedIn:other_tab"]);
  }
  const cycles = await expiryStorms(pages);
  for (const [i, c] of cycles.entries()) {
    assert.deepEqual(c.statuses, Array(PAGES * FETCHES).fill(200), `cycle ${i}: every fetch succeeds`);
    assert.equal(c.refreshes, 1, `cycle ${i}: exactly one refresh POST across ${PAGES} tabs`);
  }
  for (const list of await events(pages)) {
    assert.ok(!list.some((e) => e.startsWith("signedOut") || e.startsWith("expired")), list.join());
    assert.ok(list.some((e) => e.startsWith("refreshed")), list.join());
  }
  // The chain was neither forked nor blacklisted: a new tab restores from the cookie.
  const late = await openTab(context, { crossTab: false });
  const session = await late.evaluate(() => window.auth.restore());
  assert.ok(session?.accessToken, "a new tab restores the session");
  assert.equal(await late.evaluate(async () => (await window.auth.fetch("/api/me/")).status), 200);
  await context.close();
});

test("logout in one tab signs every tab out; login in one signs the others in", async () => {
  const context = await browser.newContext();
  const pages = [];
  for (let i = 0; i < PAGES; i++) pages.push(await openTab(context));
  await pages[0].evaluate(() => window.login());
  await allSignedIn(pages, true);
  const result = await pages[1].evaluate(() => window.auth.logout());
  assert.equal(result.serverConfirmed, true);
  await allSignedIn(pages, false);
  for (const [i, p] of pages.entries()) {
    assert.equal(await p.evaluate(() => window.auth.isAuthenticated), false, `tab ${i}`);
    const list = await p.evaluate(() => window.events);
    assert.equal(list.at(-1), i === 1 ? "signedOut:this_tab" : "signedOut:other_tab");
  }
  // Signed out for good: the cookie was cleared, so no tab can restore.
  assert.equal(await pages[2].evaluate(() => window.auth.restore()), null);
  await pages[2].evaluate(() => window.login());
  await allSignedIn(pages, true);
  for (const [i, p] of pages.entries()) {
    assert.equal(await p.evaluate(() => window.auth.isAuthenticated), true, `tab ${i}`);
    const list = await p.evaluate(() => window.events);
    assert.equal(list.at(-1), i === 2 ? "signedIn:this_tab" : "signedIn:other_tab");
  }
  assert.equal(await pages[0].evaluate(async () => (await window.auth.fetch("/api/me/")).status), 200);
  await context.close();
});

test("without Web Locks and BroadcastChannel: a lease and storage events, never a crash", async () => {
  const context = await browser.newContext();
  const initScript = () => {
    delete Navigator.prototype.locks;
    delete window.BroadcastChannel;
  };
  const pages = [];
  for (let i = 0; i < 2; i++) {
    pages.push(await openTab(context, { storage: "localStorage", storageKey: "tw-fallback" }, { initScript }));
  }
  assert.equal(await pages[0].evaluate(() => "locks" in navigator || "BroadcastChannel" in window), false);
  await pages[0].evaluate(() => window.login());
  await allSignedIn(pages, true);
  // Signed in through the storage event, the token read from localStorage.
  assert.deepEqual(await pages[1].evaluate(() => window.events), ["signedIn:other_tab"]);
  const cycles = await expiryStorms(pages.map((p) => p));
  for (const [i, c] of cycles.entries()) {
    assert.deepEqual(c.statuses, Array(2 * FETCHES).fill(200), `cycle ${i}`);
  }
  await pages[0].evaluate(() => window.auth.logout());
  await allSignedIn(pages, false);
  assert.equal(await pages[1].evaluate(() => window.auth.isAuthenticated), false);
  assert.equal((await pages[1].evaluate(() => window.events)).at(-1), "signedOut:other_tab");
  await context.close();
});
