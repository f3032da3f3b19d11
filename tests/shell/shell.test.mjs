// The package's JS shell over the session machine's module, in Node against a fake server
// (fake.mjs): every kind of input and action crosses the byte interface once. The module is
// built by scripts/build.sh (target/machine/machine.wasm; pkg/tokenward.js, the built module,
// for its init()). By hand: node --test tests/shell/
import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { initSync, AuthClient, isAuthError } from "../../js/tokenward.js";
import { API, server } from "./fake.mjs";

initSync(readFileSync(new URL("../../target/machine/machine.wasm", import.meta.url)));

let s;
beforeEach(() => {
  s = server();
  globalThis.fetch = s.fetch;
});

// Every test's clients, freed after it (a client left signed in keeps its refresh timer).
let clients = [];
afterEach(() => {
  clients.forEach((c) => c.free());
  clients = [];
});
function client(extra) {
  const c = new AuthClient({ baseUrl: API, crossTab: false, ...extra });
  clients.push(c);
  return c;
}
// What `p` rejects with (a test failure when it resolves).
const rejection = (p) => p.then((v) => assert.fail(`resolved with ${JSON.stringify(v)}`), (e) => e);

test("a wrong config throws an AuthError naming the key", () => {
  let error;
  try {
    new AuthClient({ baseUrl: API, timeoutMs: "soon" });
  } catch (e) {
    error = e;
  }
  assert.equal(isAuthError(error), true);
  assert.equal(error.code, "config");
  assert.match(error.message, /^timeoutMs: /);
});

test("login → session, getters and a signedIn event; logout → signed out", async () => {
  const auth = client();
  const events = [];
  auth.onChange((e) => events.push(e.type + ":" + e.source));
  assert.equal(auth.status, "unknown");
  const session = await auth.login({ username: "ann", password: "pw" });
  assert.equal(session.user.username, "ann");
  assert.equal(auth.accessToken, session.accessToken);
  assert.equal(auth.isAuthenticated, true);
  assert.equal(auth.status, "signedIn");
  assert.equal(auth.user, session.user, "one user object");
  assert.ok(Math.abs(auth.expiresAt - (Date.now() + 300_000)) < 2000);
  const login = s.requests[0];
  assert.equal(login.method, "POST");
  assert.equal(login.credentials, "include");
  assert.deepEqual(JSON.parse(login.body), { username: "ann", password: "pw" });
  const result = await auth.logout();
  assert.deepEqual(result, { serverConfirmed: true });
  assert.equal(auth.status, "signedOut");
  assert.equal(auth.accessToken, undefined);
  assert.equal(auth.user, null);
  assert.deepEqual(events, ["signedIn:this_tab", "signedOut:this_tab"]);
  auth.free();
});

test("wrong credentials reject with the server's words", async () => {
  const auth = client();
  const error = await rejection(auth.login({ username: "ann", password: "no" }));
  assert.equal(isAuthError(error), true);
  assert.equal(error.code, "invalid_credentials");
  assert.equal(error.status, 400);
  assert.equal(error.detail, "Unable to log in with provided credentials.");
  auth.free();
});

test("restore without a cookie is null; with one it refreshes and looks the user up", async () => {
  const auth = client();
  assert.equal(await auth.restore(), null);
  assert.equal(auth.status, "signedOut");
  s.cookie = true;
  const again = client();
  const session = await again.restore();
  assert.equal(session.user.username, "ann");
  assert.deepEqual(
    s.requests.map((r) => r.path),
    ["/dj-rest-auth/token/refresh/", "/dj-rest-auth/token/refresh/", "/dj-rest-auth/user/"],
  );
  auth.free();
  again.free();
});

test("auth.fetch sends the token, and after a refused one refreshes once and resends", async () => {
  const auth = client();
  await auth.login({ username: "ann", password: "pw" });
  const res = await auth.fetch("api/me/");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { me: "ann" });
  assert.match(s.requests.at(-1).auth, /^Bearer eyJ/);
  s.valid.clear(); // the server forgets the token
  const retried = await auth.fetch("api/me/");
  assert.equal(retried.status, 200);
  assert.deepEqual(
    s.requests.slice(-3).map((r) => r.path),
    ["/api/me/", "/dj-rest-auth/token/refresh/", "/api/me/"],
  );
  // Not ours to authorise: untouched.
  await auth.fetch("http://elsewhere.test/x");
  assert.equal(s.requests.at(-1).auth, null);
  auth.free();
});

test("a fetch made during restore() waits for it and goes out with the restored token", async () => {
  s.cookie = true;
  const auth = client({ endpoints: { user: null } });
  const restoring = auth.restore();
  const res = await auth.fetch("api/me/");
  assert.equal(res.status, 200);
  await restoring;
  assert.deepEqual(s.requests.map((r) => r.path), ["/dj-rest-auth/token/refresh/", "/api/me/"]);
  auth.free();
});

test("account calls: a field error is invalid_input with fields; updateUser changes the user", async () => {
  s.routes.set("/dj-rest-auth/password/change/", () =>
    Response.json({ new_password2: ["The two password fields didn’t match."] }, { status: 400 }),
  );
  s.routes.set("/dj-rest-auth/user/", (req, body) => {
    if (req.method === "PATCH") s.user = { ...s.user, ...JSON.parse(body) };
    return Response.json(s.user);
  });
  const auth = client();
  await auth.login({ username: "ann", password: "pw" });
  const error = await rejection(
    auth.changePassword({ old_password: "pw", new_password1: "a", new_password2: "b" }),
  );
  assert.equal(error.code, "invalid_input");
  assert.deepEqual(error.fields, { new_password2: ["The two password fields didn’t match."] });
  const user = await auth.updateUser({ email: "new@example.com" });
  assert.equal(user.email, "new@example.com");
  assert.equal(auth.user.email, "new@example.com");
  const bad = await rejection(auth.verifyEmail(42));
  assert.equal(bad.code, "config");
  auth.free();
});

test("an unreachable server is a network error; a freed client throws", async () => {
  globalThis.fetch = () => Promise.reject(new TypeError("Failed to fetch"));
  const auth = client();
  const error = await rejection(auth.login({ username: "ann", password: "pw" }));
  assert.equal(error.code, "network");
  auth.free();
  assert.throws(() => auth.status, /freed/);
});

test("another tab's sign-in and sign-out arrive over the channel, with the token and user", async () => {
  const key = "shell-" + Math.random().toString(36).slice(2);
  const a = client({ crossTab: true, storageKey: key });
  const b = client({ crossTab: true, storageKey: key });
  const heard = new Promise((resolve) => b.onChange((e) => resolve(e)));
  const session = await a.login({ username: "ann", password: "pw" });
  const event = await heard;
  assert.deepEqual([event.type, event.source], ["signedIn", "other_tab"]);
  assert.equal(event.user.username, "ann");
  assert.equal(b.accessToken, session.accessToken);
  assert.equal(b.status, "signedIn");
  const out = new Promise((resolve) => b.onChange((e) => e.type === "signedOut" && resolve(e)));
  await a.logout();
  assert.equal((await out).source, "other_tab");
  assert.equal(b.accessToken, undefined);
});

test("the built module instantiates the machine it carries (base64 decoded by atob where there is no Uint8Array.fromBase64)", async () => {
  // pkg/tokenward.js (scripts/build.sh): a module instance of its own, not yet initialised.
  const built = await import("../../pkg/tokenward.js");
  const requests = s.requests.length;
  const exports = await built.default();
  assert.equal(typeof exports.handle, "function");
  assert.equal(await built.default(), exports, "instantiated once");
  const auth = new built.AuthClient({ baseUrl: API, crossTab: false });
  try {
    const session = await auth.login({ username: "ann", password: "pw" });
    assert.equal(auth.accessToken, session.accessToken);
  } finally {
    auth.free();
  }
  assert.equal(s.requests.length, requests + 1, "the login only: nothing fetched for the machine");
});
