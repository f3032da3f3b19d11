// tokenward/vue: a plugin and the useAuth() composable with refs. Thin: the session logic is
// the client's; the plugin holds one store per app and mirrors it into a shallow ref.
import { computed, inject, shallowRef } from "vue";
import type { App, ComputedRef, InjectionKey, ShallowRef } from "vue";
import type { AuthClient, AuthFetchInit, LogoutResult, Session } from "./tokenward.js";
import { AuthStore } from "./store.js";
import type { AuthSource, AuthState, AuthStatus } from "./store.js";

export type { AuthState, AuthStatus } from "./store.js";

export interface UseAuth {
  state: Readonly<ShallowRef<AuthState>>;
  status: ComputedRef<AuthStatus>;
  user: ComputedRef<Record<string, unknown> | null>;
  session: ComputedRef<Session | null>;
  /** The client, once made (`null` while loading the module, and on the server). */
  client: () => AuthClient | null;
  login(credentials: Record<string, unknown>): Promise<Session>;
  logout(): Promise<LogoutResult>;
  refresh(): Promise<Session>;
  fetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response>;
}

const KEY: InjectionKey<UseAuth> = Symbol("tokenward");

/**
 * `app.use(createAuth(config))` (or a client you made). In the browser the client is made and
 * restored once, when the app is installed; on the server nothing starts (`status` stays
 * `"loading"`). `app.unmount()` frees a client the plugin made.
 */
export function createAuth(source: AuthSource) {
  return {
    install(app: App): void {
      const store = new AuthStore(source);
      const state = shallowRef(store.getSnapshot());
      const auth: UseAuth = {
        state,
        status: computed(() => state.value.status),
        user: computed(() => state.value.user),
        session: computed(() => state.value.session),
        client: () => store.client,
        login: store.login,
        logout: store.logout,
        refresh: store.refresh,
        fetch: store.fetch,
      };
      app.provide(KEY, auth);
      if (typeof window === "undefined") return;
      const off = store.subscribe(() => (state.value = store.getSnapshot()));
      const release = store.retain();
      app.onUnmount?.(() => {
        off();
        release();
      });
    },
  };
}

/** The session as refs, and the client's calls (inside an app that uses `createAuth`). */
export function useAuth(): UseAuth {
  const auth = inject(KEY, null);
  if (!auth) throw new Error("useAuth() needs app.use(createAuth(config))");
  return auth;
}
