// The www/ demo driven in Chromium: sign in, a protected call, reload → restored, sign out.
// Saves artifacts/demo.png. Run by scripts/test.sh (backend on 8001, repository on 8000).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { launch, SITE } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const text = (page, sel) => page.textContent(sel);

test("the demo: sign in, call the API, reload and stay signed in, sign out", async () => {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${SITE}/www/`);
  await page.waitForFunction(() => document.querySelector("#result").textContent.length > 0);
  assert.equal(await text(page, "#status"), "signed out");

  await page.click("#login");
  await page.waitForFunction(() => document.querySelector("#status").textContent === "signed in");
  assert.equal(await text(page, "#user"), "demo");
  assert.match(await text(page, "#log"), /signedIn\s+\(this_tab\)/);

  await page.click("#call");
  await page.waitForFunction(() => document.querySelector("#result").textContent.includes('"status": 200'));
  assert.match(await text(page, "#result"), /"username": "demo"/);

  await page.reload();
  await page.waitForFunction(() => document.querySelector("#status").textContent === "signed in");
  assert.match(await text(page, "#result"), /restored/);
  assert.equal(await text(page, "#user"), "demo");

  mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: "artifacts/demo.png", fullPage: true });

  await page.click("#logout");
  // Signed out at once; the server's answer follows.
  await page.waitForFunction(() => document.querySelector("#status").textContent === "signed out");
  await page.waitForFunction(() => document.querySelector("#result").textContent.includes("serverConfirmed"));
  assert.match(await text(page, "#result"), /"serverConfirmed": true/);
  assert.deepEqual(errors, []);
});

test("the demo's sign-up form: field errors next to it, then signed up and in", async () => {
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // The account backend (registration without verification).
  await page.goto(`${SITE}/www/?api=${encodeURIComponent("http://127.0.0.1:8006")}`);
  await page.waitForFunction(() => document.querySelector("#result").textContent.length > 0);
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
