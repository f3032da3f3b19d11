// The objects the app sees and the ones tokenward stores or tells the other tabs, built from
// what the machine wrote (machine.js's Reader), and read back. Reading is total: anything
// malformed is undefined, never a throw.

// An AuthError: a real Error with name, code, status and detail (undefined when there are
// none) and, when the server named fields, `fields`.
export function authError(code, message, status, detail, fields) {
  const e = new Error(message);
  e.name = "AuthError";
  e.code = code;
  e.status = status;
  e.detail = detail;
  if (fields) e.fields = fields;
  return e;
}

// Whether `e` is an error of this SDK (`name === "AuthError"` and a `code`).
export function isAuthError(e) {
  return e instanceof Error && e.name === "AuthError" && typeof e.code === "string";
}

// A `config` error naming `key`.
export const configError = (key, what) => authError("config", key + ": " + what);

// An error as the machine wrote it (protocol::error_out).
export function readError(r) {
  const code = r.str();
  const message = r.str();
  const status = r.u32() || undefined;
  const detail = r.opt();
  let fields;
  for (let n = r.u32(); n > 0; n--) {
    const name = r.str();
    const list = [];
    for (let k = r.u32(); k > 0; k--) list.push(r.str());
    if (name !== "__proto__") (fields ??= {})[name] = list;
  }
  return authError(code, message, status, detail, fields);
}

// A snapshot as the machine wrote it: [token, expiresAt, lifetime, user handle].
export const readSnapshot = (r) => [r.str(), r.ms(), r.ms(), r.u32()];

// The `Session` of a snapshot, its user found by `user(handle)`.
export const session = ([token, expiresAt, , handle], user) => ({
  accessToken: token,
  user: user(handle),
  expiresAt,
});

// The record storage and the channel carry ({ v: 1, token, expiresAt, lifetime, user }).
export const record = ([token, expiresAt, lifetime, handle], user) => ({
  v: 1,
  token,
  expiresAt,
  lifetime,
  user: user(handle),
});

// A record read back: [token, expiresAt, lifetime, user object], or undefined.
export function readRecord(v) {
  if (!v || typeof v !== "object" || v.v !== 1) return undefined;
  const { token, user } = v;
  if (typeof token !== "string" || !token) return undefined;
  const num = (n) => (typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : null);
  return [token, num(v.expiresAt), num(v.lifetime), user];
}

// A user object: a plain JSON object, not an array.
export const isUser = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
