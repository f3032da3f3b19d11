// The config reader of crates/web/src/config.js, in Node (the browser suite checks every error
// through the class; this checks the data it hands to Rust). Run by scripts/test.sh; by hand:
// node --test tests/snippets/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readConfig } from "../../crates/web/src/config.js";

const TABLE = "login dj-rest-auth/login/ refresh dj-rest-auth/token/refresh/ logout dj-rest-auth/logout/ user dj-rest-auth/user/";

test("defaults, resolved against the base (a path prefix kept)", () => {
  const c = readConfig({ baseUrl: "https://api.example.com/v1" }, TABLE);
  assert.equal(c.error, undefined);
  assert.equal(c.base, "https://api.example.com/v1/");
  assert.equal(c.urls.login, "https://api.example.com/v1/dj-rest-auth/login/");
  assert.deepEqual(c.authPaths.length, 3);
  assert.deepEqual([c.storage, c.storageKey, c.leeway, c.timeout, c.crossTab, c.debug, c.authScheme],
    ["memory", "tokenward", 30000, 15000, true, false, "Bearer"]);
  assert.deepEqual(c.csrf, ["csrftoken", "X-CSRFToken"]);
  assert.deepEqual(c.authorized, ["https://api.example.com"]);
  assert.deepEqual(c.fields, ["access", "access_expiration", "user"]);
});

test("every key given", () => {
  const c = readConfig({
    baseUrl: "https://api.example.com/", endpoints: { login: "/auth/login/", user: null },
    storage: "localStorage", storageKey: "app", csrf: false, refreshLeewayMs: 0, timeoutMs: 1.5,
    crossTab: false, authorizedOrigins: ["https://a.example.com/x"], fields: { access: "token" },
    authScheme: "JWT", debug: true,
  }, TABLE);
  assert.equal(c.urls.login, "https://api.example.com/auth/login/");
  assert.equal("user" in c.urls, false, "user: null is no user endpoint");
  assert.deepEqual([c.storage, c.storageKey, c.csrf, c.leeway, c.timeout, c.crossTab, c.debug, c.authScheme],
    ["localStorage", "app", null, 0, 1, false, true, "JWT"]);
  assert.deepEqual(c.authorized, ["https://a.example.com"]);
  assert.deepEqual(c.fields, ["token", "access_expiration", "user"]);
});

test("the first wrong key, named; a throwing getter too; never a throw", () => {
  const cases = [
    [{ baseUrl: "https://x", endpoints: { login: 1 } }, "endpoints.login", "must be a string"],
    [{ baseUrl: "https://x", endpoints: { logon: "x" } }, "endpoints.logon", "is not a known option"],
    [{ baseUrl: "https://x", csrf: { cookie: "" } }, "csrf.cookie", "must not be empty"],
    [{ baseUrl: "https://x", fields: { user: "" } }, "fields.user", "must be a non-empty string"],
    [{ baseUrl: "https://x", timeoutMs: 0 }, "timeoutMs", "must be a number of milliseconds greater than 0 (at most 2147483647)"],
    [{ baseUrl: "https://x", authScheme: "JWT x" }, "authScheme", 'must be a scheme name such as "Bearer" or "JWT"'],
    [{ baseUrl: "ftp://x" }, "baseUrl", "must be an absolute http(s) URL"],
    [[], "config", "must be an object"],
    [{ get baseUrl() { throw new Error("nope"); } }, "baseUrl", "cannot be read: nope"],
  ];
  for (const [config, key, message] of cases) {
    assert.deepEqual(readConfig(config, TABLE), { error: key, message }, key);
  }
});
