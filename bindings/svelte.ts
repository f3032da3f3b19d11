// tokenward/svelte: a readable store of the session (the store contract: `$auth` in Svelte 4
// and 5) with the client's calls beside it. No dependency on svelte itself.
import type { AuthClient, AuthFetchInit, LogoutResult, Session } from "./tokenward.js";
import { AuthStore } from "./store.js";
import type { AuthSource, AuthState } from "./store.js";

export type { AuthState, AuthStatus } from "./store.js";

export interface AuthReadable {
  /** Svelte's store contract: `run` now and on every change; the first subscriber starts the
   * client (in the browser only), the last one leaving stops it. */
  subscribe(run: (state: AuthState) => void): () => void;
  /** The client, once made. */
  readonly client: AuthClient | null;
  login(credentials: Record<string, unknown>): Promise<Session>;
  logout(): Promise<LogoutResult>;
  refresh(): Promise<Session>;
  fetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response>;
}

/** `const auth = authStore(config)`; then `$auth.status`, `$auth.user`, `auth.login(…)`. */
export function authStore(source: AuthSource): AuthReadable {
  const store = new AuthStore(source);
  const browser = typeof window !== "undefined";
  return {
    subscribe(run) {
      const off = store.subscribe(() => run(store.getSnapshot()));
      const release = browser ? store.retain() : () => {};
      run(browser ? store.getSnapshot() : store.getServerSnapshot());
      return () => {
        off();
        release();
      };
    },
    get client() {
      return store.client;
    },
    login: store.login,
    logout: store.logout,
    refresh: store.refresh,
    fetch: store.fetch,
  };
}
