// Server-side rendering: the package and its bindings imported in Node as a server would
// (from the installed tarball, in target/consumers/), with no window, document or storage.
// Run by scripts/consumers.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createSSRApp, defineComponent, h } from "vue";
import { renderToString as renderVue } from "vue/server-renderer";

test("every entry imports on the server without touching the browser", async () => {
  assert.equal(typeof globalThis.window, "undefined");
  for (const entry of ["tokenward", "tokenward/react", "tokenward/vue", "tokenward/svelte"]) {
    await import(entry);
  }
  const { createAuthClient, AuthClient } = await import("tokenward");
  assert.equal(typeof createAuthClient, "function");
  assert.equal(typeof AuthClient, "function");
});

test("React: a server render of <AuthProvider> shows loading and starts nothing", async () => {
  const { AuthProvider, useAuth } = await import("tokenward/react");
  const Status = () => createElement("p", null, useAuth().status);
  const html = renderToString(createElement(AuthProvider, { config: { baseUrl: "http://api.test" } }, createElement(Status)));
  assert.equal(html, "<p>loading</p>");
});

test("Vue: a server render with the plugin shows loading", async () => {
  const { createAuth, useAuth } = await import("tokenward/vue");
  const App = defineComponent(() => {
    const { status } = useAuth();
    return () => h("p", status.value);
  });
  const html = await renderVue(createSSRApp(App).use(createAuth({ baseUrl: "http://api.test" })));
  assert.equal(html, "<p>loading</p>");
});

test("Svelte: the store on the server answers loading and starts nothing", async () => {
  const { authStore } = await import("tokenward/svelte");
  const auth = authStore({ baseUrl: "http://api.test" });
  let seen;
  const off = auth.subscribe((s) => (seen = s));
  off();
  assert.equal(seen.status, "loading");
  assert.equal(auth.client, null);
  await assert.rejects(auth.login({ username: "ada" }), /in the browser only/, "a call rejects, it does not hang");
});
