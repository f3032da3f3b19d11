// The tokenward demo: every button is one call of the SDK's public API; the timeline shows the
// requests the page sends (window.fetch is observed, not changed) and the SDK's events.
import init, { AuthClient } from "./pkg/tokenward.js";

// The demo command serves configs a, b and c side by side; `?api=` points elsewhere.
const PORTS = { a: 8002, b: 8003, c: 8001 };
const params = new URLSearchParams(location.search);
const config = params.get("config") in PORTS ? params.get("config") : "c";
const API = params.get("api") || `http://127.0.0.1:${PORTS[config]}`;
const $ = (id) => document.getElementById(id);
// A server given by `?api=` is none of the three.
$("config").value = params.get("api") ? "custom" : config;
$("api").textContent = API;
$("config").addEventListener("change", (e) => {
  params.set("config", e.target.value);
  params.delete("api");
  location.search = params.toString();
});

// --- the timeline ------------------------------------------------------------------------
const started = performance.now();
function mark(kind, text) {
  const li = document.createElement("li");
  li.className = kind;
  const t = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  li.textContent = `${t}s  ${text}`;
  $("timeline").prepend(li);
  while ($("timeline").children.length > 60) $("timeline").lastChild.remove();
}

// Why the next refresh happens: set by the button, or by a 401 the page just saw.
let why = null;
const realFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  // Read, never consumed: the request goes out exactly as the SDK built it.
  const url = input instanceof Request ? input.url : String(input);
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  const request = { url, method };
  const path = new URL(url, location.href).pathname;
  const isRefresh = path.endsWith("/token/refresh/");
  const label = isRefresh ? `refresh (${why ?? "proactive, before expiry"})` : "";
  if (isRefresh) why = null;
  try {
    const response = await realFetch(input, init);
    const kind = response.status === 401 ? "bad" : isRefresh ? "refresh" : "request";
    mark(kind, `${request.method} ${path} → ${response.status} ${label}`);
    if (response.status === 401 && !isRefresh && !path.includes("/dj-rest-auth/")) {
      why = "after a 401: then one retry";
    }
    return response;
  } catch (e) {
    mark("bad", `${request.method} ${path} → failed ${label}`);
    throw e;
  }
};

await init();
const auth = new AuthClient({ baseUrl: API, debug: true });
window.auth = auth;

auth.onChange((event) => {
  mark(`event ${event.source}`, `event: ${event.type} (${event.source})${event.reason ? ` ${event.reason}` : ""}`);
  render();
});

// --- the session ---------------------------------------------------------------------------
let token = null;
let lifetime = 0;
function render() {
  $("status").textContent = auth.isAuthenticated ? "signed in" : "signed out";
  $("user").textContent = auth.user ? auth.user.username : "—";
  $("storage").textContent = auth.isAuthenticated ? "memory (this page only)" : "—";
  const at = auth.expiresAt;
  if (auth.accessToken !== token) {
    token = auth.accessToken;
    lifetime = at ? Math.max(1, at - Date.now()) : 0;
  }
  const left = at ? Math.max(0, at - Date.now()) : 0;
  $("expiry").textContent = at ? `expires in ${Math.round(left / 1000)} s` : "—";
  $("bar").style.width = lifetime ? `${Math.min(100, (100 * left) / lifetime)}%` : "0";
  for (const id of ["call", "refresh", "revoke", "logout"]) $(id).disabled = !auth.isAuthenticated;
}
setInterval(render, 250);

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
  why = "refresh() called";
  try { await auth.refresh(); show("refreshed"); } catch (e) { showError(e); }
});
$("revoke").addEventListener("click", async () => {
  const res = await realFetch(`${API}/test/revoke-access/`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: auth.accessToken }),
  }).catch(() => null);
  show(res?.ok ? "the server now refuses this access token: call the API" : "the demo server has no test hooks");
});
$("logout").addEventListener("click", async () => {
  show(await auth.logout());
});

// --- doctor() ------------------------------------------------------------------------------
$("doctor").addEventListener("click", async () => {
  $("doctor").disabled = true;
  const form = new FormData($("login-form"));
  const credentials = { username: form.get("username"), password: form.get("password") };
  why = "doctor()'s cycle";
  const report = await auth.doctor($("cycle").checked ? { credentials } : undefined);
  why = null;
  $("findings").replaceChildren(...report.findings.map((f) => {
    const li = document.createElement("li");
    li.className = f.level;
    const head = document.createElement("strong");
    head.textContent = `${f.level}: ${f.code}`;
    const message = document.createElement("p");
    message.textContent = f.message;
    li.append(head, message);
    if (f.fix) {
      const fix = document.createElement("p");
      fix.className = "fix";
      fix.textContent = `Fix: ${f.fix}`;
      li.append(fix);
    }
    return li;
  }));
  $("doctor").disabled = false;
});

why = "restore() on page load";
show((await auth.restore()) ? "session restored from the refresh cookie" : "no session: sign in");
render();
