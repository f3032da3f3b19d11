// Type-checked with the React app (tsc --strict, scripts/consumers.sh): the main entry's
// createAuthClient and the Vue and Svelte bindings' types, as a consumer imports them.
import { createAuthClient, isAuthError } from "tokenward";
import type { AuthClient, Session, SignUpResult } from "tokenward";
import { createAuth, useAuth } from "tokenward/vue";
import { authStore } from "tokenward/svelte";
import type { AuthState, AuthStatus } from "tokenward/svelte";

export async function typed(): Promise<void> {
  const client: AuthClient = await createAuthClient({ baseUrl: "https://api.example.com" });
  const session: Session | null = await client.restore();
  const up: SignUpResult = await client.signUp({ username: "a", password1: "p", password2: "p" });
  const plugin: { install(app: import("vue").App): void } = createAuth(client);
  const vue = useAuth();
  const status: AuthStatus = vue.status.value;
  const store = authStore({ baseUrl: "https://api.example.com" });
  const off: () => void = store.subscribe((s: AuthState) => console.log(s.status, s.user, s.session?.accessToken));
  try {
    await store.login({ username: "a", password: "p" });
  } catch (e) {
    if (isAuthError(e)) console.log(e.code, e.fields);
  }
  off();
  console.log(session, up, plugin, status);
}
