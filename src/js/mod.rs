//! The `#[wasm_bindgen]` surface over `tokenward_web`'s driver: [`AuthClient`] (`client`),
//! `doctor()` (`doctor`), `isAuthError`, and the TypeScript declarations.

mod client;
mod doctor;

pub use client::AuthClient;

/// `isAuthError(e)`: whether `e` is an error of this SDK (`name === "AuthError"` and a
/// `code`), for `catch (e) { if (isAuthError(e)) … }` in TypeScript.
#[wasm_bindgen(js_name = isAuthError, unchecked_return_type = "e is AuthError")]
pub fn is_auth_error(#[wasm_bindgen(unchecked_param_type = "unknown")] e: &JsValue) -> bool {
    e.is_instance_of::<js_sys::Error>() && tokenward_web::error::code_of(e).is_some() && {
        let name = js_sys::Reflect::get(e, &JsValue::from_str("name")).ok();
        name.and_then(|n| n.as_string()).as_deref() == Some("AuthError")
    }
}

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
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
"#;
