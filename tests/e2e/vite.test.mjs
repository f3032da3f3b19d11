// A real consumer: the Vite app in tests/vite-app, built against pkg/ by scripts/test.sh into
// target/vite-app, loaded in Chromium, signs in against the backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, SITE } from "./lib.mjs";

test("a Vite-built app imports tokenward, loads the wasm, signs in and runs doctor()", async () => {
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${SITE}/target/vite-app/index.html`);
    await page.waitForFunction(() => document.querySelector("#status").textContent !== "loading");
    assert.equal(await page.textContent("#status"), "signed in");
    assert.equal(await page.textContent("#user"), "demo");
    // doctor()'s module is a chunk of its own in the Vite build, loaded on the first call.
    const report = await page.evaluate(() => window.auth.doctor());
    assert.deepEqual(report.findings.map((f) => f.code), ["cors_ok"]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
