// A Vue app: app.use(createAuth(config)), useAuth() refs in a component (render function,
// so the build needs no SFC compiler).
import { createApp, defineComponent, h, ref } from "vue";
import { createAuth, useAuth } from "tokenward/vue";

const api = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8008";

const App = defineComponent(() => {
  const { status, user, login, logout, fetch } = useAuth();
  const me = ref("");
  return () =>
    h("main", [
      h("p", { id: "status" }, status.value),
      h("p", { id: "user" }, typeof user.value?.username === "string" ? user.value.username : ""),
      h("button", { id: "login", onClick: () => void login({ username: "demo", password: "tokenward-demo" }) }, "Sign in"),
      h("button", { id: "call", onClick: async () => (me.value = String((await fetch("/api/me/")).status)) }, "Call the API"),
      h("p", { id: "me" }, me.value),
      h("button", { id: "logout", onClick: () => void logout() }, "Sign out"),
    ]);
});

/** The plugin stays; what uses the session comes and goes (a route change); the app itself can
 * be unmounted (its client is freed). */
const Root = defineComponent(() => {
  const shown = ref(true);
  return () =>
    h("div", [
      h("button", { id: "toggle", onClick: () => (shown.value = !shown.value) }, "Toggle"),
      h("button", { id: "unmount", onClick: () => app.unmount() }, "Unmount the app"),
      shown.value ? h(App) : null,
    ]);
});

const app = createApp(Root).use(createAuth({ baseUrl: api }));
app.mount("#app");
