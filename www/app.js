// The tokenward demo: every button is one call of the SDK's public API.
import init, { AuthClient } from "./pkg/tokenward.js";

const API = new URLSearchParams(location.search).get("api") || "http://127.0.0.1:8001";
const $ = (id) => document.getElementById(id);

await init();
const auth = new AuthClient({ baseUrl: API, debug: true });

auth.onChange((event) => {
  const li = document.createElement("li");
  li.textContent = `${new Date().toLocaleTimeString()}  ${event.type}  (${event.source})` +
    (event.reason ? `  ${event.reason}` : "");
  $("log").prepend(li);
  render();
});

function render() {
  $("status").textContent = auth.isAuthenticated ? "signed in" : "signed out";
  $("user").textContent = auth.user ? auth.user.username : "—";
  $("storage").textContent = auth.isAuthenticated ? "memory (this page only)" : "—";
  const at = auth.expiresAt;
  $("expiry").textContent = at ? `${Math.max(0, Math.round((at - Date.now()) / 1000))} s` : "—";
  for (const id of ["call", "refresh", "logout"]) $(id).disabled = !auth.isAuthenticated;
}
setInterval(render, 1000);

function show(value) {
  $("result").textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
}
function showError(e) {
  show(`${e.name} ${e.code}${e.status ? ` (${e.status})` : ""}: ${e.detail || e.message}`);
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  try {
    const session = await auth.login({ username: form.get("username"), password: form.get("password") });
    show(`signed in as ${session.user?.username}`);
  } catch (e) { showError(e); }
});
// Sign-up: the server's field errors (AuthError.fields) next to the form.
$("signup-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const password = form.get("password");
  $("signup-errors").replaceChildren();
  try {
    const result = await auth.signUp({
      username: form.get("username"), email: form.get("email"), password1: password, password2: password,
    });
    show(result.verificationSent ? "check your e-mail to verify the account" : `signed up and in as ${result.session.user?.username}`);
  } catch (e) {
    for (const [field, messages] of Object.entries(e.fields ?? {})) {
      for (const m of messages) {
        const li = document.createElement("li");
        li.textContent = `${field}: ${m}`;
        $("signup-errors").append(li);
      }
    }
    showError(e);
  }
});
$("call").addEventListener("click", async () => {
  try {
    const res = await auth.fetch("/api/me/");
    show({ status: res.status, body: await res.json() });
  } catch (e) { showError(e); }
});
$("refresh").addEventListener("click", async () => {
  try { await auth.refresh(); show("refreshed"); } catch (e) { showError(e); }
});
$("logout").addEventListener("click", async () => {
  show(await auth.logout());
});

show((await auth.restore()) ? "session restored from the refresh cookie" : "no session: sign in");
render();
