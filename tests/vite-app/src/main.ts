// A minimal consumer, as in the package README: import, init, sign in, call the API.
import init, { AuthClient, isAuthError } from "tokenward";

const api = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8001";
const status = document.getElementById("status")!;
const user = document.getElementById("user")!;

await init();
const auth = new AuthClient({ baseUrl: api });
// For the test: doctor() from the bundle (its module is a separate chunk Vite emits).
(globalThis as unknown as { auth: AuthClient }).auth = auth;
try {
  const session = (await auth.restore()) ?? (await auth.login({ username: "demo", password: "tokenward-demo" }));
  const me = (await (await auth.fetch("/api/me/")).json()) as { username: string };
  user.textContent = me.username;
  status.textContent = session.accessToken ? "signed in" : "no token";
} catch (e) {
  status.textContent = isAuthError(e) ? `error: ${e.code}` : "error";
}
