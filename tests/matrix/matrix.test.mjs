// The version matrix: a smoke of the SDK against every row of tests/backend/rows/ (Django,
// dj-rest-auth, simplejwt, …) in configurations a, b and c, all at once, in real Chromium; and
// token timing without `iat` with a client clock 10 minutes fast, and right.
//
// scripts/test.sh starts the backends (5-second access tokens) and writes their plan to
// artifacts/matrix-plan.json: { rows: [{ row, config, port }], noIat: port }. The rows that
// pass are written to artifacts/matrix-rows.json, from which scripts/tables.mjs generates the
// README's compatibility table.
//   node --test tests/matrix/
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { launch, openTab, hook } from "../e2e/lib.mjs";

const plan = JSON.parse(readFileSync("artifacts/matrix-plan.json", "utf8"));
const DEMO = { username: "demo", password: "tokenward-demo" };
const STEADY_MS = 16_000;
const passed = [];
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  mkdirSync("artifacts", { recursive: true });
  writeFileSync("artifacts/matrix-rows.json", JSON.stringify(table(), null, 1));
});

/** The row's pinned versions, from its requirements file. */
function versions(row) {
  const pins = {};
  for (const line of readFileSync(`tests/backend/rows/${row}.txt`, "utf8").split("\n")) {
    const m = line.match(/^([A-Za-z0-9_.-]+)==(\S+)/);
    if (m) pins[m[1].toLowerCase()] = m[2];
  }
  return pins;
}

/** The compatibility table: one line per row, with the configurations that passed. */
function table() {
  const rows = [...new Set(plan.rows.map((r) => r.row))].flatMap((row) => {
    const mine = passed.filter((p) => p.row === row);
    if (mine.length === 0) return [];
    const v = versions(row);
    const configs = mine.map((p) => p.config).sort().join(", ");
    const iat = mine.some((p) => p.iatCopied) ? "copied from the refresh token" : "fresh";
    return [[v.django, v.djangorestframework, v["dj-rest-auth"], v["djangorestframework-simplejwt"], v.pyjwt, configs, iat]];
  });
  const oldest = (i) => rows.map((r) => r[i]).sort((a, b) => a.localeCompare(b, "en", { numeric: true }))[0];
  return {
    head: ["Django", "DRF", "dj-rest-auth", "simplejwt", "PyJWT", "configs passed", "refreshed tokens' iat"],
    rows,
    note: rows.length
      ? `Oldest versions tested and supported: Django ${oldest(0)}, dj-rest-auth ${oldest(2)}, djangorestframework-simplejwt ${oldest(3)}.`
      : "",
  };
}

const call = (page, fn, arg) => page.evaluate(fn, arg);

/** Calls /api/me/ every 300 ms for STEADY_MS: statuses, the largest gap between `expiresAt` and
 * the token's own `exp` (signed), and the refreshes seen. */
function steadyCalls(page) {
  return call(page, async (ms) => {
    const claims = (t) => JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const out = { statuses: [], drift: 0, refreshes: 0 };
    const off = window.auth.onChange((e) => { if (e.type === "refreshed") out.refreshes++; });
    const end = Date.now() + ms;
    while (Date.now() < end) {
      out.statuses.push((await window.auth.fetch("/api/me/")).status);
      const t = window.auth.accessToken;
      if (t) {
        const c = claims(t);
        const d = c.exp && window.auth.expiresAt ? window.auth.expiresAt - c.exp * 1000 : 0;
        if (Math.abs(d) > Math.abs(out.drift)) out.drift = d;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    off();
    return out;
  }, STEADY_MS);
}

/** Network log of a page: "STATUS METHOD path" of every response from `api`. */
function watch(page, api) {
  const log = [];
  page.on("response", (r) => {
    if (r.url().startsWith(api) && r.request().method() !== "OPTIONS") log.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return log;
}

async function smoke({ row, config, port }) {
  const api = `http://127.0.0.1:${port}`;
  const context = await browser.newContext();
  try {
    const page = await openTab(context, { crossTab: false, refreshLeewayMs: 30000 }, { api });
    const log = watch(page, api);
    // Login, and the Bearer on an API call.
    assert.equal(await call(page, (d) => window.auth.login(d).then((s) => s.user.username), DEMO), "demo");
    const echo = await call(page, async () => (await (await window.auth.fetch("/test/echo/")).json()).authorization);
    assert.equal(echo, true, "Bearer sent");
    // Expiry → refresh, for three lifetimes: no 401, expiresAt within 1.5 s of exp.
    const s = await steadyCalls(page);
    assert.ok(s.statuses.every((x) => x === 200), `statuses ${s.statuses}`);
    assert.ok(!log.includes("401 GET /api/me/"), `no 401 while the token is refreshed in time: ${log.join(", ")}`);
    assert.ok(Math.abs(s.drift) <= 1500, `expiresAt ${s.drift} ms from exp`);
    assert.ok(s.refreshes >= 2, `${s.refreshes} refreshes in ${STEADY_MS} ms`);
    // 401 → refresh → retry: the server stops accepting the token (right after a refresh, so
    // that the next proactive one does not replace it first).
    const token = await call(page, () => new Promise((resolve) => {
      const off = window.auth.onChange((e) => {
        if (e.type === "refreshed") {
          off();
          resolve(window.auth.accessToken);
        }
      });
    }));
    await hook("/test/revoke-access/", { token }, api);
    assert.equal(await call(page, async () => (await window.auth.fetch("/api/me/")).status), 200, log.slice(-8).join(", "));
    assert.ok(log.includes("401 GET /api/me/"), "the revoked token was refused, then replaced");
    // Reload → restore.
    await page.reload();
    await page.waitForFunction(() => window.ready === true);
    await call(page, () => window.makeClient({ crossTab: false, refreshLeewayMs: 30000 }));
    assert.equal(await call(page, () => window.auth.restore().then((x) => x?.user?.username)), "demo");
    // Logout: cookies cleared; the refresh token revoked where the config revokes (c).
    const cookie = (await context.cookies(api)).find((c) => c.name === "refresh_token")?.value;
    assert.ok(cookie, "a refresh cookie before logout");
    const out = await call(page, () => window.auth.logout());
    assert.equal(out.serverConfirmed, true, JSON.stringify(out));
    assert.equal(await call(page, () => window.auth.refresh().then(() => "ok", (e) => e.code)), "session_expired");
    const reuse = await fetch(`${api}/dj-rest-auth/token/refresh/`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh: cookie }),
    });
    assert.equal(reuse.status, config === "c" ? 401 : 200, `the old refresh token after logout (config ${config})`);
    // Login again.
    assert.equal(await call(page, (d) => window.auth.login(d).then((s) => s.user.username), DEMO), "demo");
    assert.equal(await call(page, async () => (await window.auth.fetch("/api/me/")).status), 200);
    // doctor() measures whether refreshed tokens carry a copied iat: simplejwt ≤ 5.5.0 copies it
    // (SERVER notes; simplejwt PR #888). It ends signed out.
    const report = await call(page, (d) => window.auth.doctor({ credentials: d }), DEMO);
    const codes = report.findings.map((f) => f.code);
    const iatCopied = codes.includes("iat_copied");
    const sjwt = versions(row)["djangorestframework-simplejwt"];
    assert.equal(iatCopied, sjwt.localeCompare("5.5.1", "en", { numeric: true }) < 0, `${row}: ${codes}`);
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    passed.push({ row, config, iatCopied });
  } finally {
    await context.close();
  }
}

/** Tokens without `iat`: with the client clock `skewMs` off, steady calls. */
async function withoutIat(skewMs) {
  const api = `http://127.0.0.1:${plan.noIat}`;
  const context = await browser.newContext();
  try {
    const initScript = skewMs
      ? `{ const real = Date.now; Date.now = () => real() + ${skewMs}; }`
      : undefined;
    const page = await openTab(context, { crossTab: false, refreshLeewayMs: 30000 }, { api, initScript });
    const log = watch(page, api);
    assert.equal(await call(page, (d) => window.auth.login(d).then((s) => s.user.username), DEMO), "demo");
    const s = await steadyCalls(page);
    return { statuses: s.statuses, log };
  } finally {
    await context.close();
  }
}

describe("version matrix", { concurrency: 4 }, () => {
  for (const entry of plan.rows) {
    it(`${entry.row}, config ${entry.config}`, () => smoke(entry));
  }
  it("tokens without iat, client clock 10 minutes fast: calls succeed, no refresh storm", async () => {
    const { statuses, log } = await withoutIat(600_000);
    assert.ok(statuses.every((x) => x === 200), `statuses ${statuses}`);
    const refreshes = log.filter((l) => l.endsWith("POST /dj-rest-auth/token/refresh/")).length;
    // One refresh per 5-second lifetime, after a 401 (the lifetime is unknown): not a storm.
    assert.ok(refreshes <= Math.ceil(STEADY_MS / 5000) + 1, `${refreshes} refreshes: ${log.join(", ")}`);
  });
  it("tokens without iat, client clock right: refreshed in time, no 401", async () => {
    const { statuses, log } = await withoutIat(0);
    assert.ok(statuses.every((x) => x === 200), `statuses ${statuses}`);
    assert.ok(!log.includes("401 GET /api/me/"), log.join(", "));
  });
});
