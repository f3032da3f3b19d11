// The Rust API in a real app: the Leptos example (examples/leptos, built by scripts/example.sh)
// against the backend in config c, and beside a JavaScript page of the npm package on the same
// origin with the same storageKey (one session: one refresh per expiry, sign-out everywhere).
// Run by scripts/test.sh; by hand, with the backend on 8001 and the repository served on 8000:
//   scripts/example.sh && node --test tests/e2e/rust.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileBrowser, openTab, SITE, API, counters, resetCounters, REFRESH } from "./lib.mjs";

const EXAMPLE = `${SITE}/target/examples/leptos/index.html?api=${encodeURIComponent(API)}`;
const browser = fileBrowser();

async function openExample(context) {
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await page.goto(EXAMPLE);
  return page;
}

const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
const waitText = (page, selector, want) =>
  page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent?.includes(w), [selector, want]);
const rustEvents = (page) => page.evaluate(() => [...document.querySelectorAll("#events li")].map((li) => li.textContent));

async function signIn(page) {
  await waitText(page, "#status", "signed out");
  await page.fill("#password", "tokenward-demo");
  await page.click("#login");
  await waitText(page, "#user", "demo");
}

test("the Leptos example: sign in, call the API, reload → restored, sign out", async () => {
  const context = await browser.newContext();
  const page = await openExample(context);
  await page.fill("#password", "wrong");
  await waitText(page, "#status", "signed out");
  await page.click("#login");
  await waitText(page, "#error", "invalid_credentials");
  await signIn(page);
  assert.deepEqual(await rustEvents(page), ["signedIn:this_tab"]);
  await page.click("#call");
  await waitText(page, "#result", "the API says: demo");
  // A reload (memory storage: no token) restores the session from the HttpOnly cookie.
  await page.reload();
  await waitText(page, "#status", "signed in");
  assert.equal(await text(page, "#user"), "demo");
  await page.click("#call");
  await waitText(page, "#result", "the API says: demo");
  await page.click("#logout");
  await waitText(page, "#status", "signed out");
  // The server cleared the cookies: a reload stays signed out.
  await page.reload();
  await waitText(page, "#status", "signed out");
  await context.close();
});

test("a Rust page and a JavaScript page of one app share one session", async () => {
  const context = await browser.newContext();
  const rust = await openExample(context);
  const js = await openTab(context);
  await signIn(rust);
  // The sign-in reached the JavaScript tab.
  await js.waitForFunction(() => window.auth.isAuthenticated === true);
  assert.deepEqual(await js.evaluate(() => window.events), ["signedIn:other_tab"]);

  // Two expiries: each refresh is made by one tab and adopted by the other.
  await resetCounters();
  await js.waitForFunction(() => window.events.filter((e) => e.startsWith("refreshed")).length >= 2, null, {
    timeout: 30000,
  });
  await rust.waitForFunction(
    () => [...document.querySelectorAll("#events li")].filter((li) => li.textContent.startsWith("refreshed")).length >= 2,
  );
  const jsList = await js.evaluate(() => window.events);
  const rustList = await rustEvents(rust);
  const n = (list, e) => list.filter((x) => x === e).length;
  const made = n(jsList, "refreshed:this_tab") + n(rustList, "refreshed:this_tab");
  assert.equal(n(rustList, "refreshed:other_tab"), n(jsList, "refreshed:this_tab"), `${rustList} / ${jsList}`);
  assert.equal(n(jsList, "refreshed:other_tab"), n(rustList, "refreshed:this_tab"), `${rustList} / ${jsList}`);
  assert.equal((await counters())[REFRESH] ?? 0, made, "one refresh POST per refresh, across both tabs");
  // Both hold the same token.
  const rustExpiry = Number(await rust.evaluate(() => document.querySelector("#expires").dataset.expires));
  assert.equal(await js.evaluate(() => window.auth.expiresAt), rustExpiry);

  // Signing out in the JavaScript tab signs the Rust page out.
  await js.evaluate(() => window.auth.logout());
  await waitText(rust, "#status", "signed out");
  assert.equal((await rustEvents(rust)).at(-1), "signedOut:other_tab");
  await context.close();
});
