"use client";
// The app router page: rendered on the server with status "loading" (no window, no storage
// there), then restored in the browser.
import { useState } from "react";
import { AuthProvider, useAuth } from "tokenward/react";

const api = process.env.NEXT_PUBLIC_TOKENWARD_API ?? "http://127.0.0.1:8008";

function Session() {
  const { status, user, login, logout, fetch } = useAuth();
  const [me, setMe] = useState("");
  return (
    <main>
      <p id="status">{status}</p>
      <p id="user">{typeof user?.username === "string" ? user.username : ""}</p>
      <button id="login" onClick={() => void login({ username: "demo", password: "tokenward-demo" })}>Sign in</button>
      <button id="call" onClick={async () => setMe(String((await fetch("/api/me/")).status))}>Call the API</button>
      <p id="me">{me}</p>
      <button id="logout" onClick={() => void logout()}>Sign out</button>
    </main>
  );
}

export default function Page() {
  return (
    <AuthProvider config={{ baseUrl: api }}>
      <Session />
    </AuthProvider>
  );
}
