// The bundler build (target/pkg-bundler, built by scripts/test.sh) under WebAssembly ES module
// integration — how webpack and other bundlers load it: the .wasm imports its glue and the JS
// snippets by path. Node implements the same integration behind --experimental-wasm-modules,
// so these run in Node (no browser APIs beyond fetch), against nothing listening:
//   node --experimental-wasm-modules --test tests/bundler/
import { test } from "node:test";
import assert from "node:assert/strict";

const pkg = new URL("../../target/pkg-bundler/", import.meta.url);
const { AuthClient, isAuthError } = await import(new URL("tokenward.js", pkg));
const UNREACHABLE = "http://127.0.0.1:9/";

test("the module links and a wrong config throws an AuthError naming the key", () => {
  let error;
  try {
    new AuthClient({ baseUrl: UNREACHABLE, timeoutMs: "soon" });
  } catch (e) {
    error = e;
  }
  assert.equal(isAuthError(error), true);
  assert.equal(error.code, "config");
  assert.match(error.message, /^timeoutMs: /);
});

test("a request goes through the net.js snippet: an unreachable server is a network error", async () => {
  const auth = new AuthClient({ baseUrl: UNREACHABLE, crossTab: false, timeoutMs: 2000 });
  const events = [];
  auth.onChange((e) => events.push(e.type));
  const error = await auth.login({ username: "demo", password: "x" }).catch((e) => e);
  assert.equal(isAuthError(error), true);
  assert.equal(error.code, "network");
  assert.equal(auth.isAuthenticated, false);
  assert.deepEqual(events, []);
  auth.free();
});

test("doctor() loads the doctor module from doctor/ beside the package's entry", async () => {
  const auth = new AuthClient({ baseUrl: UNREACHABLE, crossTab: false, timeoutMs: 2000 });
  const report = await auth.doctor();
  assert.equal(report.ok, false);
  assert.deepEqual(report.findings.map((f) => f.code), ["server_unreachable"]);
  auth.free();
});
