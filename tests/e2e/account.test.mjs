// The account calls against the real backend (dj-rest-auth 7.2.0 + django-allauth 65.22.1):
// sign-up in config c without verification (port 8006) and in config b with mandatory
// verification (8007), loginWith() in configs a, b and c, the password calls and
// updateUser() in two tabs. E-mails are read from the backend's test outbox.
// Run by scripts/test.sh; by hand, with those backends up and the repository served on 8000:
//   node --test tests/e2e/account.test.mjs
import { before } from "node:test";
import assert from "node:assert/strict";
import { fileBrowser, openTab, hook, scenarios } from "./lib.mjs";

const OPEN = "http://127.0.0.1:8006"; // config c, REGISTRATION=none, TEST_HOOKS=1
const VERIFY = "http://127.0.0.1:8007"; // config b, REGISTRATION=mandatory, TEST_HOOKS=1
const CONFIG_A = "http://127.0.0.1:8004";
const CONFIG_B = "http://127.0.0.1:8005";
const test = scenarios("account-passed.json");
const browser = fileBrowser();

const run = Date.now().toString(36);
let serial = 0;
const fresh = () => `u${run}${serial++}`;
const PASSWORD = "correct-horse-battery-42";

before(async () => {
  for (const [api, registration] of [[OPEN, "none"], [VERIFY, "mandatory"]]) {
    const info = await hook("/test/info/", undefined, api);
    assert.equal(info.registration, registration, `${api} runs REGISTRATION=${registration}`);
  }
});

const outbox = (api) => hook("/test/outbox/", undefined, api);
const clearOutbox = (api) => hook("/test/outbox/", {}, api);

/** A tab against `api` whose client uses `config`; `window.seen` collects every response
 * body of the backend that carried a refresh token. */
async function tab(context, api, config = {}) {
  const page = await openTab(context, config, { api });
  return page;
}

/** Every place a script of the page can read: storage, cookies, the client's getters and
 * the events so far, as one string. */
const visible = (page) =>
  page.evaluate(() =>
    JSON.stringify([
      { ...localStorage }, { ...sessionStorage }, document.cookie,
      window.auth.accessToken, window.auth.user, window.events,
    ]),
  );

test("sign-up ends signed in through an HttpOnly session; a reload restores it; the body's refresh token is never visible", async () => {
  const context = await browser.newContext();
  const page = await tab(context, OPEN, { storage: "localStorage" });
  const bodies = [];
  page.on("response", async (r) => {
    if (r.url().includes("/registration/")) bodies.push(await r.json().catch(() => null));
  });
  const name = fresh();
  const result = await page.evaluate(
    (f) => window.auth.signUp(f).then((r) => ({ ...r, session: r.session && { user: r.session.user, token: r.session.accessToken } })),
    { username: name, email: `${name}@example.com`, password1: PASSWORD, password2: PASSWORD },
  );
  assert.equal(result.verificationSent, false);
  assert.equal(result.session.user.username, name);
  const leaked = bodies.find((b) => b && b.refresh)?.refresh;
  assert.ok(leaked, "the server put a refresh token in the sign-up body (what this guards against)");
  assert.notEqual(result.session.token, bodies[0].access, "the session is the login's, not the sign-up's");
  assert.ok(!(await visible(page)).includes(leaked), "the body's refresh token is nowhere a script can read");
  assert.deepEqual(await page.evaluate(() => window.events), ["signedIn:this_tab"]);
  // The session is in the HttpOnly cookie: a reload restores it from there (memory storage).
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(() => window.makeClient());
  const restored = await page.evaluate(() => window.auth.restore().then((s) => s && s.user.username));
  assert.equal(restored, name);
  const cookies = (await context.cookies(OPEN)).map((c) => c.name);
  assert.ok(cookies.includes("refresh_token"), `cookies: ${cookies}`);
  // doctor() names the exposure (this page's sign-up saw it).
  const report = await page.evaluate(() => window.auth.doctor());
  assert.equal(report.findings.some((f) => f.code === "sign_up_refresh_in_body"), false, "a reloaded page saw no sign-up");
  await context.close();
});

test("doctor() warns when a sign-up of this page answered with the refresh token in its body", async () => {
  const context = await browser.newContext();
  const page = await tab(context, OPEN);
  const name = fresh();
  await page.evaluate(
    (f) => window.auth.signUp(f),
    { username: name, email: `${name}@example.com`, password1: PASSWORD, password2: PASSWORD },
  );
  const report = await page.evaluate(() => window.auth.doctor());
  const f = report.findings.find((x) => x.code === "sign_up_refresh_in_body");
  assert.ok(f, JSON.stringify(report.findings));
  assert.equal(f.level, "warning");
  assert.match(f.fix, /get_response_data/);
  await context.close();
});

test("sign-up field errors reject invalid_input with every field's messages", async () => {
  const context = await browser.newContext();
  const page = await tab(context, OPEN);
  const e = await page.evaluate(() =>
    window.auth.signUp({ username: "demo", email: "not-an-email", password1: "password", password2: "password" })
      .then(() => null, (e) => ({ code: e.code, status: e.status, fields: e.fields, name: e.name })),
  );
  assert.equal(e.code, "invalid_input");
  assert.equal(e.status, 400);
  assert.equal(e.name, "AuthError");
  assert.ok(e.fields.email?.length >= 1, JSON.stringify(e.fields));
  assert.ok(e.fields.password1?.some((m) => /too common/.test(m)), JSON.stringify(e.fields));
  assert.equal(await page.evaluate(() => window.auth.isAuthenticated), false);
  await context.close();
});

test("sign-up with mandatory verification stays signed out; login says email_not_verified; the e-mail is sent again; verifyEmail(key) verifies; then login works", async () => {
  const context = await browser.newContext();
  const page = await tab(context, VERIFY);
  await clearOutbox(VERIFY);
  const name = fresh();
  const result = await page.evaluate(
    (f) => window.auth.signUp(f),
    { username: name, email: `${name}@example.com`, password1: PASSWORD, password2: PASSWORD },
  );
  assert.deepEqual(result, { verificationSent: true, session: null });
  assert.equal(await page.evaluate(() => window.auth.isAuthenticated), false);
  // Not verified yet: the login is refused, and says why (a wrong password does not).
  const early = await page.evaluate((u) => window.auth.login({ username: u, password: "correct-horse-battery-42" }).then(() => "ok", (e) => `${e.code}: ${e.detail}`), name);
  assert.equal(early, "email_not_verified: E-mail is not verified.");
  const wrong = await page.evaluate((u) => window.auth.login({ username: u, password: "not-the-password" }).then(() => "ok", (e) => e.code), name);
  assert.equal(wrong, "invalid_credentials");
  // The app offers to send the e-mail again.
  await clearOutbox(VERIFY);
  const resent = await page.evaluate((e) => window.auth.resendVerificationEmail(e), `${name}@example.com`);
  assert.equal(resent.detail, "ok");
  const mail = (await outbox(VERIFY)).find((m) => m.to.includes(`${name}@example.com`));
  const key = mail && /account-confirm-email\/([-:\w]+)\//.exec(mail.body)?.[1];
  assert.ok(key, "the e-mail sent again carries the key");
  // The app's verification page posts the key: a wrong one is the field's error.
  const bad = await page.evaluate(() => window.auth.verifyEmail("nope").then(() => null, (e) => ({ code: e.code, fields: e.fields })));
  assert.deepEqual(bad, { code: "invalid_input", fields: { key: ["Not found."] } });
  const verified = await page.evaluate((k) => window.auth.verifyEmail(k), key);
  assert.equal(verified.detail, "ok");
  const user = await page.evaluate((u) => window.auth.login({ username: u, password: "correct-horse-battery-42" }).then((s) => s.user.username), name);
  assert.equal(user, name);
  await context.close();
});

for (const [config, api] of [["a", CONFIG_A], ["b", CONFIG_B], ["c", OPEN]]) {
  test(`loginWith() through a provider-style view in config ${config}, also over an alive session`, async () => {
    const context = await browser.newContext();
    const page = await tab(context, api);
    const first = await page.evaluate(() => window.auth.loginWith("dj-rest-auth/demo-provider/", { access_token: "demo-provider-token" }).then((s) => s.user.username));
    assert.equal(first, "demo");
    // Again while the HttpOnly access cookie of that session is alive (b and c: CSRF-checked).
    const second = await page.evaluate(() => window.auth.loginWith("dj-rest-auth/demo-provider/", { access_token: "demo-provider-token" }).then((s) => s.user.username, (e) => `${e.code}: ${e.message}`));
    assert.equal(second, "demo");
    const refused = await page.evaluate(() => window.auth.loginWith("dj-rest-auth/demo-provider/", { access_token: "wrong" }).then(() => "ok", (e) => e.code));
    assert.equal(refused, "invalid_credentials");
    const me = await page.evaluate(async () => (await window.auth.fetch("/api/me/")).status);
    assert.equal(me, 200, "a refused login changes nothing: the session before it stays");
    await context.close();
  });
}

/** Signs up a fresh active user in a new tab of `context`; returns the tab and the name. */
async function signedUp(context, config = {}) {
  const page = await tab(context, OPEN, config);
  const name = fresh();
  await page.evaluate(
    (f) => window.auth.signUp(f),
    { username: name, email: `${name}@example.com`, password1: PASSWORD, password2: PASSWORD },
  );
  return { page, name };
}

test("changePassword: the session stays (nothing is revoked), a refresh works after it, the new password signs in", async () => {
  const context = await browser.newContext();
  const { page, name } = await signedUp(context);
  const wrong = await page.evaluate(() => window.auth.changePassword({ new_password1: "short", new_password2: "short" }).then(() => null, (e) => ({ code: e.code, fields: e.fields })));
  assert.equal(wrong.code, "invalid_input");
  assert.ok(wrong.fields.new_password2?.length >= 1, JSON.stringify(wrong.fields));
  const done = await page.evaluate(() => window.auth.changePassword({ new_password1: "a-new-password-77", new_password2: "a-new-password-77" }));
  assert.match(done.detail, /saved/);
  assert.equal(await page.evaluate(() => window.auth.isAuthenticated), true);
  const refreshed = await page.evaluate(() => window.auth.refresh().then((s) => s.user.username));
  assert.equal(refreshed, name, "the refresh cookie from before the change still works");
  await page.evaluate(() => window.auth.logout());
  const old = await page.evaluate((u) => window.auth.login({ username: u, password: "correct-horse-battery-42" }).then(() => "ok", (e) => e.code), name);
  assert.equal(old, "invalid_credentials");
  const fresh_ = await page.evaluate((u) => window.auth.login({ username: u, password: "a-new-password-77" }).then((s) => s.user.username), name);
  assert.equal(fresh_, name);
  // Signed out, it is refused before any request.
  await page.evaluate(() => window.auth.logout());
  const out = await page.evaluate(() => window.auth.changePassword({ new_password1: "x", new_password2: "x" }).then(() => "ok", (e) => e.code));
  assert.equal(out, "session_expired");
  await context.close();
});

test("password reset: request → the e-mail's link → confirm → sign in with the new password, past an alive access cookie", async () => {
  const context = await browser.newContext();
  const { page, name } = await signedUp(context);
  await clearOutbox(OPEN);
  // Still signed in: the HttpOnly access cookie rides along (CSRF-checked without a Bearer).
  const asked = await page.evaluate((e) => window.auth.requestPasswordReset(e), `${name}@example.com`);
  assert.match(asked.detail, /sent/);
  const mail = (await outbox(OPEN)).find((m) => m.to.includes(`${name}@example.com`));
  const link = mail && /\/reset\/([^/\s]+)\/([^/\s]+)\//.exec(mail.body);
  assert.ok(link, "the reset e-mail carries uid and token");
  const bad = await page.evaluate(([uid]) => window.auth.confirmPasswordReset({ uid, token: "nope", new_password1: "reset-password-88", new_password2: "reset-password-88" }).then(() => null, (e) => ({ code: e.code, fields: e.fields })), [link[1]]);
  assert.equal(bad.code, "invalid_input");
  assert.ok(bad.fields.token, JSON.stringify(bad.fields));
  // A reload (memory storage: the access token is gone from JS, the cookie is not).
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(() => window.makeClient());
  const done = await page.evaluate(([uid, token]) => window.auth.confirmPasswordReset({ uid, token, new_password1: "reset-password-88", new_password2: "reset-password-88" }), [link[1], link[2]]);
  assert.match(done.detail, /reset/);
  const user = await page.evaluate((u) => window.auth.login({ username: u, password: "reset-password-88" }).then((s) => s.user.username), name);
  assert.equal(user, name);
  await context.close();
});

test("updateUser(new FormData(form)) sends multipart; anything but a plain object or a FormData is refused", async () => {
  const context = await browser.newContext();
  const { page } = await signedUp(context);
  const patch = page.waitForRequest((r) => r.method() === "PATCH");
  const r = await page.evaluate(async () => {
    const form = new FormData();
    form.append("first_name", "Grace");
    form.append("avatar", new Blob(["not really a picture"], { type: "image/png" }), "avatar.png");
    window.events.length = 0;
    const user = await window.auth.updateUser(form);
    const refused = [];
    for (const v of [[1], "first_name=x", new Date(), null]) {
      refused.push(await window.auth.updateUser(v).then(() => "ok", (e) => e.code));
    }
    return { first: user.first_name, now: window.auth.user.first_name, events: window.events.slice(), refused };
  });
  assert.deepEqual(r, { first: "Grace", now: "Grace", events: ["userUpdated:this_tab"], refused: ["config", "config", "config", "config"] });
  assert.match((await patch).headers()["content-type"], /^multipart\/form-data; boundary=/);
  await context.close();
});

test("updateUser in one tab updates the user in the other, with a userUpdated event in each", async () => {
  const context = await browser.newContext();
  const { page: one } = await signedUp(context, { storage: "sessionStorage" });
  const two = await tab(context, OPEN, { storage: "sessionStorage" });
  await two.evaluate(() => window.auth.restore());
  await one.evaluate(() => { window.events.length = 0; });
  await two.evaluate(() => { window.events.length = 0; });
  const updated = await one.evaluate(() => window.auth.updateUser({ first_name: "Ada" }));
  assert.equal(updated.first_name, "Ada");
  await two.waitForFunction(() => window.auth.user?.first_name === "Ada");
  assert.deepEqual(await one.evaluate(() => window.events), ["userUpdated:this_tab"]);
  assert.deepEqual(await two.evaluate(() => window.events), ["userUpdated:other_tab"]);
  assert.equal(await one.evaluate(() => JSON.parse(sessionStorage.getItem("tokenward")).user.first_name), "Ada");
  assert.equal(await two.evaluate(() => JSON.parse(sessionStorage.getItem("tokenward")).user.first_name), "Ada");
  await context.close();
});
