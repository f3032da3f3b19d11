// The consumer apps of tests/consumers/, built from the packed package by
// scripts/consumers.sh, driven in Chromium against the backend on 8008 (config c, test hooks,
// SPA origins 8000 and 8010): sign in, call the API, reload → restored, sign out. The React
// app runs under StrictMode: one restore request per page load. The Next.js app is served by
// `next start` on 8010 and rendered on the server first.
import assert from "node:assert/strict";
import { fileBrowser, hook, SITE, scenarios } from "./lib.mjs";

const API = "http://127.0.0.1:8008";
const NEXT = "http://127.0.0.1:8010";
const REFRESH = "POST /dj-rest-auth/token/refresh/";
const test = scenarios("consumers-passed.json");
const browser = fileBrowser();

const text = (page, sel) => page.textContent(sel);
const statusIs = (page, s) => page.waitForFunction((s) => document.querySelector("#status")?.textContent === s, s);
const refreshes = async () => (await hook("/test/counters/", undefined, API))[REFRESH] ?? 0;
const resetCounters = () => hook("/test/counters/reset/", {}, API);

/** Counts the clients' BroadcastChannels (every client opens one with crossTab): opened in
 * `window.channels`, closed (the client freed) in `window.channelsClosed`. */
function countChannels() {
  const Channel = window.BroadcastChannel;
  window.channels = 0;
  window.channelsClosed = 0;
  window.BroadcastChannel = class extends Channel {
    constructor(name) {
      super(name);
      if (name.startsWith("tokenward:")) window.channels++;
    }
    close() {
      if (this.name.startsWith("tokenward:")) window.channelsClosed++;
      super.close();
    }
  };
}

const appUrl = (app, query = "") => `${SITE}/target/consumers/${app}/dist/index.html?api=${encodeURIComponent(API)}${query}`;
const clients = (page) => page.evaluate(() => ({ opened: window.channels, closed: window.channelsClosed }));

/** Signed in; then what uses the session is unmounted and mounted again: one client, no
 * restore again, still signed in. */
async function comesAndGoes(app) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(countChannels);
  await page.goto(appUrl(app));
  await statusIs(page, "signedOut");
  await page.click("#login");
  await statusIs(page, "signedIn");
  await resetCounters();
  for (let i = 0; i < 2; i++) {
    await page.click("#toggle");
    await page.waitForFunction(() => !document.querySelector("#status"));
    await page.waitForTimeout(100); // the point: a moment with nothing subscribed
    await page.click("#toggle");
    await statusIs(page, "signedIn");
  }
  assert.equal(await refreshes(), 0, "no restore again");
  assert.deepEqual(await clients(page), { opened: 1, closed: 0 });
  return { context, page };
}

test("react: what uses the session comes and goes; the provider keeps one client and its session", async () => {
  const { context } = await comesAndGoes("react");
  await context.close();
});

test("vue: what uses the session comes and goes; the app keeps one client; app.unmount() frees it", async () => {
  const { context, page } = await comesAndGoes("vue");
  await page.click("#unmount");
  await page.waitForFunction(() => window.channelsClosed === 1);
  assert.deepEqual(await clients(page), { opened: 1, closed: 1 });
  await context.close();
});

test("svelte: the session outlives its subscribers; calls work with none at all; dispose() frees the client", async () => {
  const { context, page } = await comesAndGoes("svelte");
  await context.close();
  // A login page that never reads $auth.
  const bare = await (await browser.newContext()).newPage();
  await bare.addInitScript(countChannels);
  await bare.goto(appUrl("svelte", "&bare"));
  const name = await bare.evaluate(() =>
    Promise.race([
      window.auth.login({ username: "demo", password: "tokenward-demo" }).then((s) => s.user.username),
      new Promise((r) => setTimeout(() => r("never settled"), 10_000)),
    ]),
  );
  assert.equal(name, "demo");
  assert.equal(await bare.evaluate(async () => (await window.auth.fetch("/api/me/")).status), 200);
  assert.deepEqual(await clients(bare), { opened: 1, closed: 0 });
  await bare.evaluate(() => window.auth.dispose());
  await bare.waitForFunction(() => window.channelsClosed === 1);
  await bare.context().close();
});

test("react: a restore the server cannot answer shows unknown, not signedOut; then signedIn on its own", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(appUrl("react"));
  await statusIs(page, "signedOut");
  await page.click("#login");
  await statusIs(page, "signedIn");
  const refresh = `${API}/dj-rest-auth/token/refresh/`;
  await page.route(refresh, (r) => r.abort("connectionrefused"));
  await page.reload();
  await statusIs(page, "unknown");
  await page.unroute(refresh);
  await statusIs(page, "signedIn");
  await context.close();
});

/** Sign in, call the API, reload → restored (one restore request), sign out. `who`: the app
 * asks an open view who it is at mount, in an effect that aborts on clean-up (React's
 * StrictMode runs it twice): the first call rejects AbortError, the second waits for the
 * restore and goes with its token. */
async function drive(url, { who = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Every client opens one BroadcastChannel (crossTab): count them.
  await page.addInitScript(() => {
    const Channel = window.BroadcastChannel;
    window.channels = 0;
    window.BroadcastChannel = class extends Channel {
      constructor(name) {
        super(name);
        if (name.startsWith("tokenward:")) window.channels++;
      }
    };
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The machine comes with the module: the page requests no .wasm (the bundlers still emit
  // tokenward_bg.wasm, for browsers without DecompressionStream).
  const wasm = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(r.url()));
  await resetCounters();
  await page.goto(url);
  await statusIs(page, "signedOut");
  assert.equal(await refreshes(), 1, "one restore request on load");
  const whoIs = (name) => page.waitForFunction((n) => document.querySelector("#who")?.textContent === n, name);
  if (who) {
    await whoIs("anonymous");
    assert.equal(await text(page, "#fetch-error"), "", "the aborted call is an AbortError");
  }
  assert.equal(await page.evaluate(() => window.channels), 1, "one client");
  await page.click("#login");
  await statusIs(page, "signedIn");
  assert.equal(await text(page, "#user"), "demo");
  await page.click("#call");
  await page.waitForFunction(() => document.querySelector("#me").textContent === "200");
  await resetCounters();
  await page.reload();
  await statusIs(page, "signedIn");
  assert.equal(await text(page, "#user"), "demo");
  assert.equal(await refreshes(), 1, "exactly one restore request after the reload");
  if (who) {
    await whoIs("demo"); // made at mount, while the restore was in flight
    assert.equal(await text(page, "#fetch-error"), "");
  }
  assert.equal(await page.evaluate(() => window.channels), 1, "one client after the reload");
  await page.click("#logout");
  await statusIs(page, "signedOut");
  assert.deepEqual(errors, []);
  assert.deepEqual(wasm, []);
  await context.close();
}

for (const app of ["react", "vue", "svelte"]) {
  const strict = app === "react"
    ? " (StrictMode: one client, one restore; a call at mount aborted on clean-up, then made with the restored token)"
    : "";
  test(`${app} + Vite, built from the tarball: sign in, call, reload restores, sign out${strict}`, async () => {
    await drive(`${SITE}/target/consumers/${app}/dist/index.html?api=${encodeURIComponent(API)}`, { who: app === "react" });
  });
}

test("Next.js app router: the server renders loading, the browser restores; sign in, call, reload, sign out", async () => {
  const html = await (await fetch(`${NEXT}/`)).text();
  assert.match(html, /<p id="status">loading<\/p>/, "server-rendered with status loading");
  await drive(`${NEXT}/`);
});

for (const [name, path] of [
  ["esbuild", "bundlers/dist-esbuild/index.html"],
  ["Rollup", "bundlers/dist-rollup/index.html"],
  ["webpack 5", "bundlers/dist-webpack/index.html"],
  ["a plain <script type=module> (no bundler)", "bundlers/plain.html"],
]) {
  test(`${name}: createAuthClient instantiates the machine the module carries, the client restores, doctor() loads its module (no request for a .wasm)`, async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const wasm = [];
    page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
    await page.goto(`${SITE}/target/consumers/${path}?api=${encodeURIComponent(API)}`);
    await statusIs(page, "signedOut");
    assert.deepEqual(wasm, [], "the machine comes with the module");
    const report = await page.evaluate(() => window.client.doctor());
    assert.deepEqual(wasm, [], "doctor()'s module carries its .wasm too");
    assert.deepEqual(report.findings.map((f) => f.code), ["cors_ok"]);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
}

test("a browser without DecompressionStream (before 2023): init() and doctor() load the .wasm files beside their modules instead; the client restores, signs in and out", async () => {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript(() => delete window.DecompressionStream);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const wasm = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
  await page.goto(`${SITE}/target/consumers/bundlers/plain.html?api=${encodeURIComponent(API)}`);
  await statusIs(page, "signedOut");
  assert.deepEqual(wasm, ["/target/consumers/node_modules/tokenward/tokenward_bg.wasm"]);
  const report = await page.evaluate(() => window.client.doctor());
  assert.deepEqual(report.findings.map((f) => f.code), ["cors_ok"]);
  assert.deepEqual(wasm.slice(1), ["/target/consumers/node_modules/tokenward/doctor/tokenward_bg.wasm"]);
  const signedIn = await page.evaluate(async () => {
    await window.client.login({ username: "demo", password: "tokenward-demo" });
    const inside = window.client.isAuthenticated;
    await window.client.logout();
    return [inside, window.client.isAuthenticated];
  });
  assert.deepEqual(signedIn, [true, false]);
  assert.deepEqual(errors, []);
  await page.context().close();
});
