// Shared by the Playwright tests: Chromium, the test pages, the backend's test hooks.
import { test as nodeTest, before, after } from "node:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

export const API = process.env.TOKENWARD_BACKEND || "http://127.0.0.1:8001";
export const SITE = process.env.TOKENWARD_SITE || "http://127.0.0.1:8000";

export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** The test file's Chromium: launched before its first test, closed after its last. */
export function fileBrowser() {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(() => browser?.close());
  return { newContext: (options) => browser.newContext(options) };
}

export async function hook(path, body, api = API) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(`${api}${path}`, init);
  return res.json();
}

export const counters = () => hook("/test/counters/");
export const resetCounters = () => hook("/test/counters/reset/", {});
export const REFRESH = "POST /dj-rest-auth/token/refresh/";

/** Opens the test tab in `context` with a client made from `config`, against the backend at
 * `api` (default API). */
export async function openTab(context, config = {}, { initScript, api } = {}) {
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  await page.goto(`${SITE}/tests/e2e/pages/tab.html${api ? `?api=${encodeURIComponent(api)}` : ""}`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate((c) => window.makeClient(c), config);
  return page;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `test` that records the names of the tests that passed, for the generated tables of the documents
 * (scripts/tables.mjs), saved to `artifacts/<file>` after the file's last test. */
export function scenarios(file) {
  const passed = [];
  const test = (name, fn) =>
    nodeTest(name, async (t) => {
      await fn(t);
      passed.push(name);
    });
  after(() => {
    mkdirSync("artifacts", { recursive: true });
    writeFileSync(`artifacts/${file}`, JSON.stringify(passed, null, 1));
  });
  return test;
}
