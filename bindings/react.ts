// tokenward/react: <AuthProvider> and useAuth(), on useSyncExternalStore. Thin: the session
// logic is the client's; this file only holds one store per provider and reads it.
import {
  createContext, createElement, useContext, useEffect, useMemo, useState, useSyncExternalStore,
} from "react";
import type { ReactElement, ReactNode } from "react";
import type { AuthClient, AuthConfig, AuthFetchInit, LogoutResult, Session } from "./tokenward.js";
import { AuthStore } from "./store.js";
import type { AuthState } from "./store.js";

export type { AuthState, AuthStatus } from "./store.js";

export interface AuthProviderProps {
  /** A client you made (you free it), or … */
  client?: AuthClient;
  /** … the config of one the provider makes once, in the browser, and frees on unmount. */
  config?: AuthConfig;
  children?: ReactNode;
}

export interface UseAuth extends AuthState {
  /** The client, once made (`null` while loading the module, and on the server). */
  client: AuthClient | null;
  login(credentials: Record<string, unknown>): Promise<Session>;
  logout(): Promise<LogoutResult>;
  refresh(): Promise<Session>;
  fetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response>;
}

const Store = createContext<AuthStore | null>(null);

/**
 * Provides the session to `useAuth()`. The client is made (or `client` restored) once, after
 * mount, in the browser; the server renders `status: "loading"`. StrictMode-safe: its
 * unmount-remount keeps the one client and the one restore.
 */
export function AuthProvider({ client, config, children }: AuthProviderProps): ReactElement {
  const [store] = useState(() => {
    const source = client ?? config;
    if (!source) throw new Error("<AuthProvider> needs a client or a config");
    return new AuthStore(source);
  });
  useEffect(() => store.retain(), [store]);
  return createElement(Store.Provider, { value: store }, children);
}

/** The session and the client's calls, inside an `<AuthProvider>`. */
export function useAuth(): UseAuth {
  const store = useContext(Store);
  if (!store) throw new Error("useAuth() is used outside <AuthProvider>");
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  return useMemo(
    () => ({
      ...state,
      client: store.client,
      login: store.login,
      logout: store.logout,
      refresh: store.refresh,
      fetch: store.fetch,
    }),
    [state, store],
  );
}
