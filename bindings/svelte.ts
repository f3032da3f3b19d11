// tokenward/svelte: a readable store of the session (the store contract: `$auth` in Svelte 4
// and 5) with the client's calls beside it. No dependency on svelte itself.
import type { AuthClient, AuthFetchInit, LogoutResult, Session } from "./tokenward.js";
import { AuthStore } from "./store.js";
import type { AuthSource, AuthState } from "./store.js";

export type { AuthState, AuthStatus } from "./store.js";

export interface AuthReadable {
  /** Svelte's store contract: `run` now and on every change. The first use — a subscriber or a
   * call — starts the client (in the browser only: one client, one restore); subscribers
   * coming and going do not stop it. */
  subscribe(run: (state: AuthState) => void): () => void;
  /** The client, once made. */
  readonly client: AuthClient | null;
  login(credentials: Record<string, unknown>): Promise<Session>;
  logout(): Promise<LogoutResult>;
  refresh(): Promise<Session>;
  fetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response>;
  /** Ends the store's session here: frees a client the store made (one you passed in stays
   * yours) and goes back to `loading`; a later use starts a new one. */
  dispose(): void;
}

/**
 * `export const auth = authStore(config)` (in a module, once per app); then `$auth.status`,
 * `$auth.user`, `auth.login(…)`. The session lives as long as the store, not as long as its
 * subscribers: a route without `$auth` keeps it, and a login page may call `auth.login()`
 * without reading `$auth` at all.
 */
export function authStore(source: AuthSource): AuthReadable {
  const store = new AuthStore(source);
  const browser = typeof window !== "undefined";
  let release: (() => void) | null = null;
  const start = (): void => {
    if (browser && !release) release = store.retain();
  };
  // A call on the server has no client to wait for.
  const started = async (): Promise<void> => {
    if (!browser) throw new Error("tokenward/svelte: the client runs in the browser only");
    start();
  };
  return {
    subscribe(run) {
      start();
      const off = store.subscribe(() => run(store.getSnapshot()));
      run(browser ? store.getSnapshot() : store.getServerSnapshot());
      return off;
    },
    get client() {
      return store.client;
    },
    login: async (credentials) => (await started(), store.login(credentials)),
    logout: async () => (await started(), store.logout()),
    refresh: async () => (await started(), store.refresh()),
    fetch: async (input, init) => (await started(), store.fetch(input, init)),
    dispose() {
      const r = release;
      release = null;
      r?.();
    },
  };
}
