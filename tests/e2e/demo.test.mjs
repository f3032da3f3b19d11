// The www/ demo driven in Chromium: sign in, a protected call, reload → restored, sign out;
// the timeline (401 → refresh → retry), the doctor panel, the config switch, the sign-up form.
// Writes the README's screenshots (docs/images/). Run by scripts/test.sh (backend on 8001,
// config a on 8004, the account backend on 8006, the repository on 8000).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileBrowser, SITE } from "./lib.mjs";

const browser = fileBrowser();

const text = (page, sel) => page.textContent(sel);

/** The demo page against `api` (default: its config c, 8001), loaded; page errors collected. */
async function openDemo(api) {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${SITE}/www/${api ? `?api=${encodeURIComponent(api)}` : ""}`);
  await page.waitForFunction(() => document.querySelector("#result").textContent.length > 0);
  return { page, errors };
}

test("the demo: sign in, call the API, reload and stay signed in, sign out", async () => {
  const { page, errors } = await openDemo();
  assert.equal(await text(page, "#status"), "signed out");

  await page.click("#login");
  await page.waitForFunction(() => document.querySelector("#status").textContent === "signed in");
  assert.equal(await text(page, "#user"), "demo");
  assert.match(await text(page, "#timeline"), /event: signedIn \(this_tab\)/);

  await page.click("#call");
  await page.waitForFunction(() => document.querySelector("#result").textContent.includes('"status": 200'));
  assert.match(await text(page, "#result"), /"username": "demo"/);

  await page.reload();
  await page.waitForFunction(() => document.querySelector("#status").textContent === "signed in");
  assert.match(await text(page, "#result"), /restored/);
  assert.equal(await text(page, "#user"), "demo");

  // The server refuses the token: the timeline shows the 401, one refresh, one retry.
  await page.click("#revoke");
  await page.waitForFunction(() => document.querySelector("#result").textContent.includes("refuses"));
  await page.click("#call");
  await page.waitForFunction(() => document.querySelector("#result").textContent.includes('"status": 200'));
  const lines = await page.$$eval("#timeline li", (l) => l.map((x) => x.textContent).reverse());
  const from = lines.findIndex((l) => /GET \/api\/me\/ → 401/.test(l));
  assert.ok(from >= 0, lines.join("\n"));
  assert.match(lines[from + 1], /POST \/dj-rest-auth\/token\/refresh\/ → 200 refresh \(after a 401/);
  assert.ok(lines.slice(from + 2).some((l) => /GET \/api\/me\/ → 200/.test(l)), lines.join("\n"));
  assert.ok(lines.slice(from + 1).some((l) => /event: refreshed \(this_tab\)/.test(l)));
  // The token's bar: some time left, under the whole.
  const width = await page.$eval("#bar", (b) => parseFloat(b.style.width));
  assert.ok(width > 0 && width <= 100, `bar ${width}%`);

  mkdirSync("docs/images", { recursive: true });
  await page.screenshot({ path: "docs/images/demo-timeline.png", fullPage: true });

  await page.click("#logout");
  // Signed out at once; the server's answer follows.
  await page.waitForFunction(() => document.querySelector("#status").textContent === "signed out");
  await page.waitForFunction(() => document.querySelector("#result").textContent.includes("serverConfirmed"));
  assert.match(await text(page, "#result"), /"serverConfirmed": true/);
  assert.deepEqual(errors, []);
});

test("the demo's doctor panel renders each finding with its fix; the config switch changes the server", async () => {
  // Config a (8004): its logout revokes nothing, which the credentialed cycle finds.
  const { page, errors } = await openDemo("http://127.0.0.1:8004");
  await page.check("#cycle");
  await page.click("#doctor");
  await page.waitForFunction(() => document.querySelectorAll("#findings li").length > 0);
  const findings = await page.$$eval("#findings li", (l) => l.map((x) => ({ cls: x.className, text: x.textContent })));
  const revoked = findings.find((f) => f.text.includes("logout_not_revoked"));
  assert.ok(revoked, JSON.stringify(findings));
  assert.equal(revoked.cls, "warning");
  assert.match(revoked.text, /Fix: .*token_blacklist/);
  mkdirSync("docs/images", { recursive: true });
  await page.screenshot({ path: "docs/images/demo-doctor.png", fullPage: true });
  // The switch: config b is another server.
  await page.selectOption("#config", "b");
  await page.waitForURL(/config=b/);
  assert.equal(await text(page, "#api"), "http://127.0.0.1:8003");
  assert.deepEqual(errors, []);
});

test("the demo's sign-up form: field errors next to it, then signed up and in", async () => {
  // The account backend (registration without verification).
  const { page, errors } = await openDemo("http://127.0.0.1:8006");
  await page.click("#signup summary");
  const name = `demo${Date.now().toString(36)}`;
  await page.fill("#signup-form [name=username]", name);
  await page.fill("#signup-form [name=email]", `${name}@example.com`);
  await page.fill("#signup-form [name=password]", "password");
  await page.click("#signup-button");
  await page.waitForFunction(() => document.querySelector("#signup-errors").textContent.length > 0);
  assert.match(await text(page, "#signup-errors"), /password1: This password is too common/);
  assert.match(await text(page, "#result"), /invalid_input/);
  await page.fill("#signup-form [name=password]", "a-demo-password-93");
  await page.click("#signup-button");
  await page.waitForFunction(() => document.querySelector("#status").textContent === "signed in");
  assert.equal(await text(page, "#user"), name);
  assert.match(await text(page, "#result"), /signed up and in/);
  assert.deepEqual(errors, []);
});
