// The declarations of tokenward's module (tokenward.js): written by hand with the shell in
// js/; scripts/build.sh copies them into the package, and tests/types checks them.

/** `new AuthClient(config)`. Only `baseUrl` is required. */
export interface AuthConfig {
  /** Absolute URL of the API, without query or fragment; endpoint paths and relative `fetch` URLs resolve against it. */
  baseUrl: string;
  /** Endpoint paths or absolute URLs. Defaults: dj-rest-auth's documented paths (`register`: `dj-rest-auth/registration/`, `verifyEmail` and `resendEmail` under it as `verify-email/` and `resend-email/`, the password ones under `dj-rest-auth/password/`). `user: null` disables the user look-up and `updateUser()`. */
  endpoints?: {
    login?: string; refresh?: string; logout?: string; user?: string | null;
    register?: string; passwordChange?: string; passwordReset?: string; passwordResetConfirm?: string;
    verifyEmail?: string; resendEmail?: string;
  };
  /** Where the access token lives. Default `"memory"`. The refresh token is never stored by the SDK. */
  storage?: "memory" | "localStorage" | "sessionStorage";
  /** Web Storage key and cross-tab channel name. Default `"tokenward"`. */
  storageKey?: string;
  /** CSRF cookie and header, or `false`. Default `{ cookie: "csrftoken", header: "X-CSRFToken" }`. */
  csrf?: { cookie?: string; header?: string } | false;
  /** Refresh this long before the access token expires. Default 30000. */
  refreshLeewayMs?: number;
  /** Per-request timeout, until the response headers (`auth.fetch`: per call with `init.timeoutMs`). Default 15000. */
  timeoutMs?: number;
  /** Coordinate refresh and sign-in/out across tabs. Default `true`. */
  crossTab?: boolean;
  /** The only origins that receive the access token (at least one). Default: the origin of `baseUrl`. */
  authorizedOrigins?: string[];
  /** Response field names. */
  fields?: { access?: string; accessExpiration?: string; user?: string };
  /** The scheme of every `Authorization` header the SDK writes: the first of `SIMPLE_JWT["AUTH_HEADER_TYPES"]`. Default `"Bearer"` (`"JWT"` in djoser-era projects). */
  authScheme?: string;
  /** `console.debug` traces; never prints a token. */
  debug?: boolean;
}

/** `auth.fetch`'s `init`: `RequestInit`, and a timeout of its own. */
export interface AuthFetchInit extends RequestInit {
  /** This call's timeout until the response headers, instead of the client's `timeoutMs`; `0`: none (an upload, a slow report). Requests that are not the SDK's to authorise have none. */
  timeoutMs?: number;
}

export interface Session {
  accessToken: string;
  user: Record<string, unknown> | null;
  /** When the access token expires: an estimate (by the server's clock, at most a second early), in ms since the epoch on this device's clock; `null` when the token does not say. */
  expiresAt: number | null;
}

export interface LogoutResult {
  /** The server answered 2xx. */
  serverConfirmed: boolean;
  /** The server's detail when it revoked nothing, or why it could not be reached. */
  warning?: string;
}

/** `signUp()`: signed in, or waiting for the e-mail to be verified (then `session` is `null`). */
export type SignUpResult =
  | { verificationSent: false; session: Session }
  | { verificationSent: true; session: null };

export interface SignUpOptions {
  /** The login body after an active sign-up. Default: `username`, `email` and `password1` of the fields, as `username`, `email`, `password`. */
  credentials?: Record<string, unknown>;
}

/** The password calls: the server's message. */
export interface AccountResult {
  detail: string | null;
}

export interface PasswordChange {
  old_password?: string;
  new_password1: string;
  new_password2: string;
  [field: string]: unknown;
}

export interface PasswordResetConfirm {
  uid: string;
  token: string;
  new_password1: string;
  new_password2: string;
  [field: string]: unknown;
}

export interface AuthEvent {
  type: "signedIn" | "refreshed" | "signedOut" | "expired" | "userUpdated";
  user: Record<string, unknown> | null;
  source: "this_tab" | "other_tab";
  reason?: string;
}

/** `aborted`: a later `login()` / `logout()` superseded the call (`auth.fetch` rejects with the `AbortSignal`'s reason instead, as `fetch` does). `invalid_input`: the server refused submitted fields (see `fields`). `email_not_verified`: the login was refused because the account's e-mail address is not verified yet. */
export type AuthErrorCode =
  | "config" | "invalid_credentials" | "email_not_verified" | "session_expired" | "network" | "timeout"
  | "aborted" | "server" | "bad_response" | "storage" | "invalid_input";

export interface DoctorOptions {
  /** Credentials of a working account: adds a login → refresh → logout cycle (ends signed out). */
  credentials?: Record<string, unknown>;
}

export interface DoctorReport {
  /** No error-level finding. */
  ok: boolean;
  findings: Array<{ level: "error" | "warning" | "info"; code: string; message: string; fix?: string }>;
}

/** Every rejection of the SDK: `name === "AuthError"`. */
export interface AuthError extends Error {
  name: "AuthError";
  code: AuthErrorCode;
  status?: number;
  detail?: string;
  /** The server's field errors (`invalid_input`, `invalid_credentials`): `{ password1: ["This password is too common."] }`. */
  fields?: Record<string, string[]>;
}

/**
 * The auth client. See the README for the API.
 */
export class AuthClient {
    /**
     * `new AuthClient(config)`, after `init()`. Throws an `AuthError` with code `config`
     * naming the offending key.
     */
    constructor(config: AuthConfig);
    /**
     * Stops the client's timer, listeners and channel to the other tabs; calls still in
     * flight finish and settle their promises. Later calls throw.
     */
    free(): void;
    /**
     * `POST endpoints.passwordChange` with `{ old_password, new_password1, new_password2 }`
     * (signed in).
     */
    changePassword(fields: PasswordChange): Promise<AccountResult>;
    /**
     * `POST endpoints.passwordResetConfirm` with `{ uid, token, new_password1, new_password2 }`
     * from the link.
     */
    confirmPasswordReset(fields: PasswordResetConfirm): Promise<AccountResult>;
    /**
     * Probes the server and reports misconfiguration in plain words, naming the setting to
     * change. `options.credentials` adds a throwaway login → refresh → logout cycle, after
     * which the browser is signed out. Never rejects.
     */
    doctor(options?: DoctorOptions): Promise<DoctorReport>;
    /**
     * Like `window.fetch`, with the access token for `authorizedOrigins`: it waits for a
     * session being decided, and a refused token (401, or 403 `token_not_valid`) gets one
     * shared refresh and one retry. Aborts reject with the signal's reason; `init.timeoutMs`
     * overrides `timeoutMs`. Requests that are not the SDK's to authorise go to `fetch`
     * untouched.
     */
    fetch(input: RequestInfo | URL, init?: AuthFetchInit): Promise<Response>;
    /**
     * Signs in through another endpoint that answers like dj-rest-auth's `LoginView` (social
     * login such as `"dj-rest-auth/google/"`, a custom view): everything `login()` does.
     */
    loginWith(endpoint: string, body: Record<string, unknown>): Promise<Session>;
    /**
     * Signs in: POSTs `credentials` as JSON to the login endpoint. A later `login()` or
     * `logout()` supersedes it (it then rejects with `aborted`).
     */
    login(credentials: Record<string, unknown>): Promise<Session>;
    /**
     * Signs out: local state is cleared and `signedOut` emitted before this returns; the
     * promise (which never rejects) reports what the server said.
     */
    logout(): Promise<LogoutResult>;
    /**
     * Subscribes to `AuthEvent`s; returns the unsubscribe function (idempotent).
     */
    onChange(callback: (event: AuthEvent) => void): () => void;
    /**
     * Refreshes now; concurrent callers share one request.
     */
    refresh(): Promise<Session>;
    /**
     * `POST endpoints.passwordReset` with `{ email }`: the server e-mails a reset link.
     */
    requestPasswordReset(email: string): Promise<AccountResult>;
    /**
     * `POST endpoints.resendEmail` with `{ email }`: the server sends the verification e-mail
     * again (it answers the same for unknown addresses).
     */
    resendVerificationEmail(email: string): Promise<AccountResult>;
    /**
     * On page load: reuses a stored unexpired token, else refreshes from the cookie; `null`
     * when there is no session. Joins what is already in flight.
     */
    restore(): Promise<Session | null>;
    /**
     * Creates an account: POSTs `fields` to `endpoints.register`. An active account is then
     * signed in with the same credentials (`options.credentials` when the login fields differ);
     * the sign-up's own tokens are never kept. Superseded as `login()` is.
     */
    signUp(fields: Record<string, unknown>, options?: SignUpOptions): Promise<SignUpResult>;
    /**
     * `PATCH endpoints.user` with `patch` — a plain object as JSON, or a `FormData` (a
     * profile form with a file) as multipart; the user the server sends back becomes `user`
     * here and in the other tabs (`userUpdated`).
     */
    updateUser(patch: Record<string, unknown> | FormData): Promise<Record<string, unknown>>;
    /**
     * `POST endpoints.verifyEmail` with `{ key }`, the key of the verification e-mail's link
     * (allauth's `account-confirm-email/<key>/`). A wrong, used or expired key rejects
     * `invalid_input` with `fields.key`.
     */
    verifyEmail(key: string): Promise<AccountResult>;
    /**
     * The access token while it is valid.
     */
    readonly accessToken: string | undefined;
    /**
     * When the access token expires — an estimate by the server's clock, at most a second
     * early — in ms since the epoch on this device's clock, or `undefined`.
     */
    readonly expiresAt: number | undefined;
    /**
     * Whether a session is held (a transient refresh failure does not end it).
     */
    readonly isAuthenticated: boolean;
    /**
     * `"signedIn"`, `"signedOut"` (the server said there is no session, or the app signed
     * out), or `"unknown"`: not asked yet, or the server could not be asked (network, timeout,
     * 5xx) — then the client keeps trying on its own, and a `signedIn` event (or `signedOut`
     * with reason `"no_session"`) tells when it knows.
     */
    readonly status: "signedIn" | "signedOut" | "unknown";
    /**
     * The signed-in user, or `null`.
     */
    readonly user: Record<string, unknown> | null;
}

/**
 * `isAuthError(e)`: whether `e` is an error of this SDK (`name === "AuthError"` and a
 * `code`), for `catch (e) { if (isAuthError(e)) … }` in TypeScript.
 */
export function isAuthError(e: unknown): e is AuthError;

/** Where the module's .wasm is: a URL or request (fetched), a response, its bytes, or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export type SyncInitInput = BufferSource | WebAssembly.Module;

/** The instantiated module's exports (the session machine's byte interface). */
export interface InitOutput {
  readonly memory: WebAssembly.Memory;
}

/**
 * Loads the module from its bytes or a compiled `WebAssembly.Module`, synchronously (once).
 * Passing `SyncInitInput` directly is deprecated.
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * Instantiates the session machine (once): by default the one tokenward.js carries (no request;
 * `tokenward_bg.wasm` beside it where the browser has no `DecompressionStream`), else the one
 * from `module_or_path`. Passing `InitInput` directly is deprecated.
 */
export default function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;
