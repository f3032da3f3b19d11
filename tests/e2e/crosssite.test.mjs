// A cross-site deployment on one machine: the page on http://localhost:8000, the API on
// http://127.0.0.1 — two sites. With dj-rest-auth's default SameSite=Lax (8001) the login
// works but its refresh cookie is never stored, so a reload cannot restore; doctor() names the
// cause. With SameSite=None; Secure (8009) it works where third-party cookies are allowed,
// and not where Chromium blocks them — the profile preference `profile.cookie_controls_mode`
// (0 allows, 1 blocks; Playwright's default, off-the-record contexts block them already; the
// `--test-third-party-cookie-phaseout` switch changes nothing in this Chromium).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, launch, scenarios } from "./lib.mjs";

const PAGE = "http://localhost:8000/tests/e2e/pages/tab.html";
const LAX = "http://127.0.0.1:8001";
const NONE = "http://127.0.0.1:8009";
const test = scenarios("crosssite-passed.json");

/** A Chromium context whose profile allows (`0`) or blocks (`1`) third-party cookies. */
async function profile(mode) {
  const dir = mkdtempSync("/tmp/tokenward-profile-");
  mkdirSync(`${dir}/Default`);
  writeFileSync(`${dir}/Default/Preferences`, JSON.stringify({ profile: { cookie_controls_mode: mode } }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true,
  });
  return { context, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function offTheRecord() {
  const browser = await launch();
  return { context: await browser.newContext(), close: () => browser.close() };
}

/** Signs in on the cross-site page against `api`, reloads, restores: the user or null; and
 * doctor()'s findings (its cycle signs in and out). */
async function signInReloadRestore({ context, close }, api) {
  try {
    const page = await context.newPage();
    const start = async () => {
      await page.goto(`${PAGE}?api=${encodeURIComponent(api)}`);
      await page.waitForFunction(() => window.ready === true);
      await page.evaluate(() => window.makeClient());
    };
    await start();
    const user = await page.evaluate(() => window.login().then((s) => s.user.username));
    await start();
    const restored = await page.evaluate(() => window.auth.restore().then((s) => s && s.user.username));
    const report = await page.evaluate(() =>
      window.auth.doctor({ credentials: { username: "demo", password: "tokenward-demo" } }));
    return { user, restored, findings: report.findings, codes: report.findings.map((f) => f.code) };
  } finally {
    await close();
  }
}

test("page on localhost, API on 127.0.0.1 with SameSite=Lax: login works, a reload cannot restore, doctor() names the cross-site cause", async () => {
  const r = await signInReloadRestore(await profile(0), LAX);
  assert.equal(r.user, "demo");
  assert.equal(r.restored, null);
  const f = r.findings.find((x) => x.code === "cross_site");
  assert.ok(f, r.codes.join());
  assert.match(f.message, /site localhost\) and the API \(site 127\.0\.0\.1\)/);
  assert.match(f.fix, /under the page's site/);
  assert.ok(r.codes.includes("refresh_cookie_not_sent"), r.codes.join());
});

test("the same with SameSite=None; Secure: a reload restores where third-party cookies are allowed", async () => {
  const r = await signInReloadRestore(await profile(0), NONE);
  assert.equal(r.user, "demo");
  assert.equal(r.restored, "demo");
  assert.ok(r.codes.includes("cross_site"), "named even while it works");
  assert.ok(!r.codes.includes("refresh_cookie_not_sent"), r.codes.join());
});

test("SameSite=None with Chromium blocking third-party cookies: a reload cannot restore, doctor() names the cross-site cause", async () => {
  for (const blocked of [await profile(1), await offTheRecord()]) {
    const r = await signInReloadRestore(blocked, NONE);
    assert.equal(r.user, "demo");
    assert.equal(r.restored, null);
    assert.ok(r.codes.includes("cross_site") && r.codes.includes("refresh_cookie_not_sent"), r.codes.join());
  }
});
