// Type-checked with `tsc --noEmit --strict` by scripts/test.sh: a consumer using the whole
// public API of the npm package. It is compiled, never run.
import init, { AuthClient, isAuthError } from "../../pkg/tokenward.js";
import type {
  AuthConfig, AuthEvent, LogoutResult, Session, AuthErrorCode, DoctorReport,
  SignUpResult, AccountResult,
} from "../../pkg/tokenward.js";

export async function main(): Promise<void> {
  await init();
  const config: AuthConfig = {
    baseUrl: "https://api.example.com",
    endpoints: {
      login: "/auth/login/", user: null, register: "/auth/registration/",
      passwordChange: "/auth/password/change/", passwordReset: "/auth/password/reset/",
      passwordResetConfirm: "/auth/password/reset/confirm/",
    },
    storage: "sessionStorage",
    storageKey: "app",
    csrf: { cookie: "csrftoken", header: "X-CSRFToken" },
    refreshLeewayMs: 30_000,
    timeoutMs: 10_000,
    crossTab: true,
    authorizedOrigins: ["https://api.example.com"],
    fields: { access: "access", accessExpiration: "access_expiration", user: "user" },
    authScheme: "JWT",
    debug: false,
  };
  const auth = new AuthClient(config);
  const off: () => void = auth.onChange((e: AuthEvent) => {
    const kind: "signedIn" | "refreshed" | "signedOut" | "expired" | "userUpdated" = e.type;
    const source: "this_tab" | "other_tab" = e.source;
    console.log(kind, source, e.user, e.reason);
  });
  const restored: Session | null = await auth.restore();
  const session: Session = restored ?? (await auth.login({ username: "ada", password: "pw" }));
  const token: string = session.accessToken;
  const expires: number | null = session.expiresAt;
  const res: Response = await auth.fetch("/api/me/", { method: "GET" });
  await auth.fetch(new URL("https://api.example.com/api/items/"));
  await auth.fetch("/api/upload/", { method: "POST", body: "x", timeoutMs: 0, signal: AbortSignal.timeout(60_000) });
  await auth.refresh();
  const out: LogoutResult = await auth.logout();
  const confirmed: boolean = out.serverConfirmed;
  const warning: string | undefined = out.warning;
  const maybeToken: string | undefined = auth.accessToken;
  const signedIn: boolean = auth.isAuthenticated;
  const expiry: number | null | undefined = auth.expiresAt;
  try {
    await auth.login({ username: "ada", password: "wrong" });
  } catch (e) {
    if (isAuthError(e)) {
      const code: AuthErrorCode = e.code;
      const status: number | undefined = e.status;
      const detail: string | undefined = e.detail;
      console.log(code, status, detail, e.message);
    }
  }
  const report: DoctorReport = await auth.doctor({ credentials: { username: "ada", password: "pw" } });
  for (const f of report.findings) {
    const level: "error" | "warning" | "info" = f.level;
    console.log(level, f.code, f.message, f.fix ?? "");
  }
  await auth.doctor();
  const up: SignUpResult = await auth.signUp(
    { username: "ada", email: "ada@example.com", password1: "pw", password2: "pw" },
    { credentials: { email: "ada@example.com", password: "pw" } },
  );
  const upSession: Session | null = up.verificationSent ? null : up.session;
  const social: Session = await auth.loginWith("dj-rest-auth/google/", { access_token: "t" });
  const changed: AccountResult = await auth.changePassword({ new_password1: "a", new_password2: "a" });
  const said: string | null = changed.detail;
  await auth.requestPasswordReset("ada@example.com");
  await auth.confirmPasswordReset({ uid: "u", token: "t", new_password1: "a", new_password2: "a" });
  const user: Record<string, unknown> = await auth.updateUser({ first_name: "Ada" });
  await auth.updateUser(new FormData());
  const verified: AccountResult = await auth.verifyEmail("key-from-the-link");
  await auth.resendVerificationEmail("ada@example.com");
  console.log(verified.detail);
  try {
    await auth.signUp({ username: "ada" });
  } catch (e) {
    if (isAuthError(e) && e.code === "invalid_input") {
      const fields: Record<string, string[]> | undefined = e.fields;
      console.log(fields?.password1?.[0]);
    }
  }
  console.log(upSession, social, said, user);
  off();
  auth.free();
  console.log(token, expires, res.status, confirmed, warning, maybeToken, signedIn, expiry);
}
