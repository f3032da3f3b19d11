// doctor() against the reference backend in configs a, b, c and misconfigured variants.
// scripts/test.sh starts them: 8001 c, 8002 c with CORS_CREDENTIALS=0 and only
// http://127.0.0.1:8000 allowed, 8003 b with CSRF_TRUSTED=0, 8004 a, 8005 b, 8013 c with the
// refresh cookie narrowed to the refresh URL (JWT_AUTH_REFRESH_COOKIE_PATH), 8011 c with
// SessionAuthentication first, 8012 c with SIMPLE_JWT["AUTH_HEADER_TYPES"] = ("JWT",).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileBrowser, openTab, hook } from "./lib.mjs";

const CREDENTIALS = { username: "demo", password: "tokenward-demo" };
const browser = fileBrowser();

/** doctor() from a fresh browser profile; returns the report and whether restore() is null after. */
async function doctor(api, { credentials, site = "http://127.0.0.1:8000", initScript, config = {} } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  await page.goto(`${site}/tests/e2e/pages/tab.html?api=${encodeURIComponent(api)}`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate((c) => window.makeClient({ crossTab: false, ...c }), config);
  const report = await page.evaluate((c) => window.auth.doctor(c ? { credentials: c } : undefined), credentials);
  const after = await page.evaluate(async () => ({
    authenticated: window.auth.isAuthenticated,
    restored: await window.auth.restore().catch((e) => e.code),
  }));
  await context.close();
  return { report, codes: report.findings.map((f) => f.code), after };
}

test("config a: works, but logout revokes nothing — the blacklist app is named", async () => {
  const { report, codes, after } = await doctor("http://127.0.0.1:8004", { credentials: CREDENTIALS });
  assert.deepEqual(codes, ["logout_not_revoked"]);
  assert.equal(report.ok, true);
  const f = report.findings[0];
  assert.equal(f.level, "warning");
  assert.match(f.fix, /rest_framework_simplejwt\.token_blacklist/);
  assert.match(f.fix, /JWT_AUTH_COOKIE does not/);
  assert.deepEqual(after, { authenticated: false, restored: null }, "ends signed out");
});

test("configs b and c: clean, with a note on the CSRF detour of the access cookie", async () => {
  for (const api of ["http://127.0.0.1:8005", "http://127.0.0.1:8001"]) {
    const { report, codes, after } = await doctor(api, { credentials: CREDENTIALS });
    assert.equal(report.ok, true, api);
    assert.deepEqual(codes, ["access_cookie_csrf"], api);
    assert.equal(report.findings[0].level, "info");
    assert.deepEqual(after, { authenticated: false, restored: null }, api);
  }
});

test("a device clock 10 minutes fast is information, in minutes", async () => {
  const initScript = "{ const real = Date.now; Date.now = () => real() + 600000; }";
  const { report, codes } = await doctor("http://127.0.0.1:8001", { credentials: CREDENTIALS, initScript });
  assert.deepEqual(codes, ["access_cookie_csrf", "clock_off"]);
  assert.equal(report.ok, true);
  const f = report.findings[1];
  assert.equal(f.level, "info");
  assert.match(f.message, /about 10 minutes ahead of the server's/);
});

test("without credentials doctor only checks CORS and changes no session", async () => {
  const { report, codes, after } = await doctor("http://127.0.0.1:8001");
  assert.deepEqual(codes, ["cors_ok"]);
  assert.equal(report.ok, true);
  assert.equal(after.authenticated, false);
});

test("CORS without credentials is named: CORS_ALLOW_CREDENTIALS", async () => {
  const { report, codes } = await doctor("http://127.0.0.1:8002", { credentials: CREDENTIALS });
  assert.deepEqual(codes, ["cors_credentials_off"]);
  assert.equal(report.ok, false);
  assert.match(report.findings[0].fix, /CORS_ALLOW_CREDENTIALS = True/);
});

test("an origin CORS does not allow is named: CORS_ALLOWED_ORIGINS", async () => {
  const { report, codes } = await doctor("http://127.0.0.1:8002", { site: "http://localhost:8000" });
  // localhost and 127.0.0.1 are two sites, which is named too.
  assert.deepEqual(codes, ["cors_origin_not_allowed", "cross_site"]);
  assert.match(report.findings[0].fix, /"http:\/\/localhost:8000" to CORS_ALLOWED_ORIGINS/);
});

test("the SPA origin missing from CSRF_TRUSTED_ORIGINS is named", async () => {
  const { report, codes } = await doctor("http://127.0.0.1:8003", { credentials: CREDENTIALS });
  assert.deepEqual(codes, ["csrf_failed"]);
  assert.equal(report.ok, false);
  assert.equal(report.findings[0].fix, 'Add "http://127.0.0.1:8000" to CSRF_TRUSTED_ORIGINS.');
});

test("wrong credentials and an unreachable server", async () => {
  const wrong = await doctor("http://127.0.0.1:8001", { credentials: { username: "demo", password: "nope" } });
  assert.deepEqual(wrong.codes, ["login_failed"]);
  assert.match(wrong.report.findings[0].message, /Unable to log in with provided credentials/);
  const down = await doctor("http://127.0.0.1:9");
  assert.deepEqual(down.codes, ["server_unreachable"]);
});

test("a signed-in client is signed out by doctor(credentials): state and event, no other tab disturbed", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const other = await context.newPage();
  for (const p of [page, other]) {
    await p.goto("http://127.0.0.1:8000/tests/e2e/pages/tab.html?api=http://127.0.0.1:8005");
    await p.waitForFunction(() => window.ready === true);
    await p.evaluate(() => window.makeClient());
  }
  await page.evaluate(() => window.login());
  await other.evaluate(() => window.auth.restore());
  await other.evaluate(() => { window.events.length = 0; });
  const report = await page.evaluate((c) => window.auth.doctor({ credentials: c }), CREDENTIALS);
  assert.equal(report.ok, true);
  const state = await page.evaluate(() => ({ authenticated: window.auth.isAuthenticated, events: window.events }));
  assert.equal(state.authenticated, false);
  assert.equal(state.events.at(-1), "signedOut:this_tab");
  // The doctor's throwaway client broadcasts nothing: the other tab hears only this tab's
  // sign-out (from the doctor's result), never a sign-in.
  const heard = await other.evaluate(() => window.events);
  assert.ok(!heard.some((e) => e.startsWith("signedIn")), heard.join());
  await context.close();
});

test("doctor(credentials) takes its place when called: a login() made right after it runs after its cycle and stays", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("http://127.0.0.1:8000/tests/e2e/pages/tab.html?api=http://127.0.0.1:8005");
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(() => window.makeClient());
  const after = await page.evaluate(async (c) => {
    const report = window.auth.doctor({ credentials: c });
    const login = window.auth.login(c);
    const [r] = await Promise.all([report, login]);
    return { ok: r.ok, authenticated: window.auth.isAuthenticated };
  }, CREDENTIALS);
  assert.deepEqual(after, { ok: true, authenticated: true });
  await context.close();
});

test("doctor() whose module cannot be loaded reports doctor_unavailable instead of rejecting", async () => {
  const context = await browser.newContext();
  await context.route("**/pkg/doctor/**", (route) => route.abort());
  const page = await context.newPage();
  await page.goto("http://127.0.0.1:8000/tests/e2e/pages/tab.html?api=http://127.0.0.1:8001");
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(() => window.makeClient({ crossTab: false }));
  const report = await page.evaluate(() => window.auth.doctor());
  assert.equal(report.ok, false);
  assert.deepEqual(report.findings.map((f) => f.code), ["doctor_unavailable"]);
  assert.match(report.findings[0].fix, /doctor\//);
  // The client itself still works.
  assert.equal((await page.evaluate(() => window.login())).user.username, "demo");
  await context.close();
});

const NARROWED = "http://127.0.0.1:8013";
const MARKER = "tokenward:logout-pending";

/** Two page loads that restore: the session stays signed out and no logout is sent again. */
async function twoReloads(page) {
  await hook("/test/counters/reset/", {}, NARROWED);
  for (let i = 0; i < 2; i++) {
    await page.reload();
    await page.waitForFunction(() => window.ready === true);
    const r = await page.evaluate(async (m) => {
      window.makeClient();
      return { restored: await window.auth.restore(), marker: localStorage.getItem(m) };
    }, MARKER);
    assert.deepEqual(r, { restored: null, marker: null });
  }
  const counts = await hook("/test/counters/", undefined, NARROWED);
  assert.equal(counts["POST /dj-rest-auth/logout/"], undefined, "no logout sent again");
}

test("a refresh cookie narrowed to the refresh URL: doctor names JWT_AUTH_REFRESH_COOKIE_PATH, and its logout is not repeated", async () => {
  const context = await browser.newContext();
  const page = await openTab(context, {}, { api: NARROWED });
  const report = await page.evaluate((c) => window.auth.doctor({ credentials: c }), CREDENTIALS);
  const codes = report.findings.map((f) => f.code);
  assert.deepEqual(codes, ["access_cookie_csrf", "refresh_cookie_path"]);
  const f = report.findings[1];
  assert.equal(f.level, "warning");
  assert.match(f.message, /Refresh token was not included in cookie data/);
  assert.match(f.fix, /JWT_AUTH_REFRESH_COOKIE_PATH/);
  assert.equal(report.ok, true);
  // The view deleted the cookies: the cycle's logout is over, nothing pending.
  assert.equal(await page.evaluate((m) => localStorage.getItem(m), MARKER), null);
  await twoReloads(page);
  await context.close();
});

test("a refresh cookie narrowed to the refresh URL: sign-in, refresh and calls work; logout() answered by the view is over", async () => {
  const context = await browser.newContext();
  const page = await openTab(context, {}, { api: NARROWED });
  const r = await page.evaluate(async (m) => {
    await window.login();
    const refreshed = (await window.auth.refresh()).accessToken !== undefined;
    const status = (await window.auth.fetch("/api/me/")).status;
    const out = await window.auth.logout();
    return { refreshed, status, out, marker: localStorage.getItem(m) };
  }, MARKER);
  assert.deepEqual(r, {
    refreshed: true,
    status: 200,
    out: { serverConfirmed: false, warning: "Refresh token was not included in cookie data." },
    marker: null,
  });
  await twoReloads(page);
  await context.close();
});


test("SessionAuthentication first: a refused token is a 403, noted as information naming the class order", async () => {
  const { report, codes } = await doctor("http://127.0.0.1:8011");
  assert.deepEqual(codes, ["cors_ok", "refused_token_403"]);
  assert.equal(report.ok, true);
  assert.equal(report.findings[1].level, "info");
  assert.match(report.findings[1].fix, /DEFAULT_AUTHENTICATION_CLASSES/);
});

test("AUTH_HEADER_TYPES = (\"JWT\",): the Bearer scheme is ignored (an error naming the setting); authScheme \"JWT\" is clean", async () => {
  const bearer = await doctor("http://127.0.0.1:8012");
  assert.deepEqual(bearer.codes, ["cors_ok", "auth_scheme_ignored"]);
  assert.equal(bearer.report.ok, false);
  assert.match(bearer.report.findings[1].fix, /AUTH_HEADER_TYPES/);
  const jwt = await doctor("http://127.0.0.1:8012", { config: { authScheme: "JWT" } });
  assert.deepEqual(jwt.codes, ["cors_ok"]);
});
