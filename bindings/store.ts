// The framework bindings' one piece of state: a client (made on first use, in the browser
// only) and what the UI shows of it — `loading` until `restore()` has answered, then
// `signedIn`, `signedOut` or `unknown`, updated by the client's events. No session logic lives
// here: the client decides, the store only reads it after each event.
import { AuthClient } from "./tokenward.js";
import type { AuthConfig, AuthError, AuthFetchInit, Session } from "./tokenward.js";
import { createAuthClient } from "./index.js";

/**
 * What to show:
 * - `"loading"`: the first restore has not answered yet (and always on the server): a
 *   placeholder, not the sign-in page.
 * - `"signedIn"`: the app.
 * - `"signedOut"`: the server said there is no session (or the user signed out): the sign-in page.
 * - `"unknown"`: the server could not be asked (offline, a timeout, a 5xx; `error` says which).
 *   The session may well be fine: show the app's "can't reach the server" state, not the sign-in
 *   page. The client keeps trying on its own (when the browser comes back online, when the page
 *   becomes visible, and with a capped backoff) and the status moves on when it can tell.
 */
export type AuthStatus = "loading" | "signedIn" | "signedOut" | "unknown";

export interface AuthState {
  status: AuthStatus;
  user: Record<string, unknown> | null;
  session: Session | null;
  /** With `"unknown"`: why the server could not be asked; `null` otherwise (a client that could
   * not be made — a config error, the .wasm not loaded — is `"signedOut"` with its error). */
  error: AuthError | null;
}

const LOADING: AuthState = Object.freeze({ status: "loading", user: null, session: null, error: null });

/** What the bindings take: a client you made, or the config of one they make. */
export type AuthSource = AuthClient | AuthConfig;

export class AuthStore {
  #ready!: Promise<AuthClient>;
  #resolve!: (c: AuthClient) => void;
  /** Counts starts: a start that an end overtook drops what it made. */
  #run = 0;
  #source: AuthSource;
  #client: AuthClient | null = null;
  #state: AuthState = LOADING;
  #listeners = new Set<() => void>();
  #holds = 0;
  #started = false;
  #restored = false;
  #error: AuthError | null = null;
  #off: (() => void) | null = null;
  #stop: ReturnType<typeof setTimeout> | undefined;

  /** Cheap and free of side effects: nothing starts until `retain()`. */
  constructor(source: AuthSource) {
    this.#source = source;
    this.#reset();
  }

  /** Resolves with the client once it exists (and the module is initialised). */
  get ready(): Promise<AuthClient> {
    return this.#ready;
  }

  #reset(): void {
    this.#ready = new Promise((r) => (this.#resolve = r));
  }

  /** The client, once made. */
  get client(): AuthClient | null {
    return this.#client;
  }

  getSnapshot = (): AuthState => this.#state;

  /** What a server render shows: loading (the session is restored in the browser). */
  getServerSnapshot = (): AuthState => LOADING;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  /**
   * Starts the store (once: makes the client, subscribes, restores) and holds it; the returned
   * function lets go. The last hold let go stops it a moment later, unless it is held again
   * meanwhile — as React's StrictMode does at once — so a remount neither makes a second
   * client nor restores twice.
   */
  retain(): () => void {
    this.#holds++;
    clearTimeout(this.#stop);
    if (!this.#started) {
      this.#started = true;
      void this.#start();
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.#holds === 0) this.#stop = setTimeout(() => this.#end(), 0);
    };
  }

  async #start(): Promise<void> {
    const run = ++this.#run;
    const source = this.#source;
    let client: AuthClient;
    try {
      client = source instanceof AuthClient ? source : await createAuthClient(source);
    } catch (e) {
      // A config error, or the .wasm could not be loaded: nothing to restore.
      this.#error = e as AuthError;
      this.#restored = true;
      this.#set({ status: "signedOut", user: null, session: null, error: this.#error });
      return;
    }
    if (run !== this.#run) {
      if (!(source instanceof AuthClient)) client.free();
      return;
    }
    this.#client = client;
    this.#off = client.onChange(() => this.#update());
    this.#resolve(client);
    try {
      await client.restore();
      this.#error = null;
    } catch (e) {
      this.#error = e as AuthError;
    }
    if (run !== this.#run) return;
    this.#restored = true;
    this.#update();
  }

  #end(): void {
    if (this.#holds > 0) return;
    this.#run++;
    this.#reset();
    this.#off?.();
    this.#off = null;
    // A client this store made is its to free; one handed in is the app's.
    if (this.#client && !(this.#source instanceof AuthClient)) this.#client.free();
    this.#client = null;
    this.#started = false;
    this.#restored = false;
    this.#error = null;
    this.#set(LOADING);
  }

  #update(): void {
    const c = this.#client;
    if (!c) return;
    const token = c.accessToken;
    let next: AuthState;
    if (c.isAuthenticated) {
      const user = c.user;
      const session = token === undefined ? null : { accessToken: token, user, expiresAt: c.expiresAt ?? null };
      next = { status: "signedIn", user, session, error: null };
    } else if (!this.#restored) {
      next = { status: "loading", user: null, session: null, error: null };
    } else if (c.status === "unknown") {
      next = { status: "unknown", user: null, session: null, error: this.#error };
    } else {
      next = { status: "signedOut", user: null, session: null, error: null };
    }
    const s = this.#state;
    const same = s.status === next.status && s.user === next.user && s.error === next.error
      && s.session?.accessToken === next.session?.accessToken;
    if (!same) this.#set(next);
  }

  #set(state: AuthState): void {
    this.#state = state;
    for (const l of [...this.#listeners]) l();
  }

  // The client's calls, usable before the client exists (they wait for it).
  login = async (credentials: Record<string, unknown>): Promise<Session> => (await this.ready).login(credentials);
  logout = async () => (await this.ready).logout();
  refresh = async (): Promise<Session> => (await this.ready).refresh();
  fetch = async (input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response> => (await this.ready).fetch(input, init);
}
