// A React app as users write it: <AuthProvider config> under StrictMode, useAuth() in a
// component. Type-checked with tsc --strict (scripts/consumers.sh).
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { AuthProvider, useAuth } from "tokenward/react";
import type { AuthStatus } from "tokenward/react";

const api = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8008";

/** Asks an open view who the caller is at mount, as apps fetch in effects: aborted on clean-up
 * (StrictMode's development build mounts twice), with the usual AbortError check. */
function Who() {
  const { fetch } = useAuth();
  const [who, setWho] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    const controller = new AbortController();
    fetch("/api/whoami/", { signal: controller.signal })
      .then((r) => r.json())
      .then((w: { username: string | null }) => setWho(w.username ?? "anonymous"))
      .catch((e: Error) => {
        if (e.name === "AbortError") return;
        setError(`${e.name}: ${e.message}`);
      });
    return () => controller.abort();
  }, [fetch]);
  return (
    <>
      <p id="who">{who}</p>
      <p id="fetch-error">{error}</p>
    </>
  );
}

function App() {
  const { status, user, login, logout, fetch } = useAuth();
  const [me, setMe] = useState("");
  const shown: AuthStatus = status;
  return (
    <main>
      <p id="status">{shown}</p>
      <p id="user">{typeof user?.username === "string" ? user.username : ""}</p>
      <button id="login" onClick={() => void login({ username: "demo", password: "tokenward-demo" })}>Sign in</button>
      <button id="call" onClick={async () => setMe(String((await fetch("/api/me/")).status))}>Call the API</button>
      <p id="me">{me}</p>
      <button id="logout" onClick={() => void logout()}>Sign out</button>
      <Who />
    </main>
  );
}

/** The provider stays; what uses the session comes and goes (a route change). */
function Root() {
  const [shown, setShown] = useState(true);
  return (
    <>
      <button id="toggle" onClick={() => setShown((s) => !s)}>Toggle</button>
      {shown && <App />}
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AuthProvider config={{ baseUrl: api }}>
      <Root />
    </AuthProvider>
  </StrictMode>,
);
