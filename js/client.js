// AuthClient: each method is one input to the session machine (through the driver) and
// returns the promise the machine settles; the getters read the machine.
import * as m from "./machine.js";
import { readConfig } from "../crates/web/src/config.js";
import { subscribe } from "../crates/web/src/page.js";
import { Driver, endpoints, LOGIN, LOGIN_WITH, SIGN_UP, ACCOUNT, LOGOUT, REFRESH, RESTORE, DOCTOR } from "./driver.js";
import { fetcher } from "./fetch.js";
import { configError } from "./objects.js";
import { runDoctor } from "./doctor.js";

// The account calls (protocol::account) and their payloads (protocol::payload).
const CHANGE_PASSWORD = 1, REQUEST_RESET = 2, CONFIRM_RESET = 3, UPDATE_USER = 4;
const VERIFY_EMAIL = 5, RESEND_EMAIL = 6;
const CREDENTIALS = 2, FORM = 3;

// signUp()'s login body when the app gives none: these sign-up fields, renamed.
const LOGIN_FROM_SIGN_UP = [["username", "username"], ["email", "email"], ["password1", "password"]];

const drivers = new WeakMap();
// The driver of `client`; a freed client's methods throw as the module's did.
function driver(client) {
  const d = drivers.get(client);
  if (!d || d.closed) throw new Error("tokenward: this AuthClient was freed");
  return d;
}

// An object argument as the JSON body to send, or a `config` error naming `key`.
function json(v, key) {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) throw configError(key, "must be an object");
  let text;
  try {
    text = JSON.stringify(v);
  } catch (_) {
    // below
  }
  if (typeof text !== "string") throw configError(key, "cannot be sent as JSON");
  return text;
}

// Whether `v` is a plain object ({ … } or Object.create(null)).
function plain(v) {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

// `f()`'s promise, or the rejection with what it threw.
function attempt(f) {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e);
  }
}

export class AuthClient {
  // `new AuthClient(config)`: throws an AuthError `config` naming the offending key.
  constructor(config) {
    if (!m.linked()) throw new Error("tokenward: call init() before new AuthClient()");
    const cfg = readConfig(config, endpoints().text);
    if (cfg.error !== undefined) throw configError(cfg.error, cfg.message);
    const d = new Driver(cfg, config);
    d.fetch = fetcher(d);
    drivers.set(this, d);
  }

  login(credentials) {
    return attempt(() => {
      const body = json(credentials, "credentials");
      return driver(this).call(LOGIN, () => m.str(body));
    });
  }

  loginWith(endpoint, body) {
    return attempt(() => {
      const d = driver(this);
      let url;
      try {
        url = typeof endpoint === "string" ? new URL(endpoint, d.cfg.base) : undefined;
      } catch (_) {
        // below
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
        throw configError("endpoint", "is not a valid http(s) URL");
      }
      const text = json(body, "body");
      return d.call(LOGIN_WITH, () => (m.str(text), m.str(url.href)));
    });
  }

  signUp(fields, options) {
    return attempt(() => {
      const d = driver(this);
      const given = options == null ? undefined : options.credentials;
      let login;
      if (given !== undefined) login = json(given, "options.credentials");
      else {
        const derived = {};
        for (const [from, to] of LOGIN_FROM_SIGN_UP) {
          const v = fields != null && typeof fields === "object" ? fields[from] : undefined;
          if (typeof v === "string") derived[to] = v;
        }
        login = json(derived, "fields");
      }
      const body = json(fields, "fields");
      return d.call(SIGN_UP, () => (m.str(body), m.str(login)));
    });
  }

  // An account call with a JSON body.
  #account(call, body, key) {
    return attempt(() => {
      const d = driver(this);
      const text = json(body, key);
      return d.call(ACCOUNT, () => (m.u8(call), m.u8(CREDENTIALS), m.str(text)));
    });
  }

  // An account call whose body is `{ [key]: value }`, `value` a string.
  #withString(call, key, value) {
    if (typeof value !== "string") return Promise.reject(configError(key, "must be a string"));
    return this.#account(call, { [key]: value }, key);
  }

  changePassword(fields) {
    return this.#account(CHANGE_PASSWORD, fields, "fields");
  }

  requestPasswordReset(email) {
    return this.#withString(REQUEST_RESET, "email", email);
  }

  confirmPasswordReset(fields) {
    return this.#account(CONFIRM_RESET, fields, "fields");
  }

  updateUser(patch) {
    return attempt(() => {
      const d = driver(this);
      if (d.cfg.urls.user === undefined) throw configError("endpoints.user", "is null: updateUser() needs it");
      if (typeof FormData === "function" && patch instanceof FormData) {
        return d.call(ACCOUNT, (op) => (m.u8(UPDATE_USER), m.u8(FORM), m.u32(op)), patch);
      }
      if (!plain(patch)) throw configError("patch", "must be a plain object or a FormData");
      return this.#account(UPDATE_USER, patch, "patch");
    });
  }

  verifyEmail(key) {
    return this.#withString(VERIFY_EMAIL, "key", key);
  }

  resendVerificationEmail(email) {
    return this.#withString(RESEND_EMAIL, "email", email);
  }

  restore() {
    return attempt(() => {
      const d = driver(this);
      const stored = d.load();
      return d.call(RESTORE, () => {
        m.flag(stored !== undefined);
        if (stored) d.snapshot(stored);
      });
    });
  }

  refresh() {
    return attempt(() => driver(this).call(REFRESH));
  }

  logout() {
    return attempt(() => driver(this).call(LOGOUT));
  }

  fetch(input, init) {
    return attempt(() => driver(this).fetch(input, init));
  }

  // doctor(options?): a credentialed check takes its turn in this client's queue now; the
  // module's probes run when it comes, and this client follows what the cycle did.
  doctor(options) {
    return attempt(() => {
      const d = driver(this);
      const credentialed = options != null && options.credentials !== null && typeof options.credentials === "object";
      const turn = credentialed ? d.call(DOCTOR) : undefined;
      const exposed = () => d.state()[5];
      const examined = (result) => {
        if (credentialed) d.examined(!!(result && result.signedIn), !!(result && result.cleared));
      };
      return runDoctor(turn, d.config, options, exposed, examined);
    });
  }

  onChange(callback) {
    return subscribe(driver(this).subscribers, callback);
  }

  #state() {
    return driver(this).state();
  }

  get accessToken() {
    return this.#state()[2];
  }

  get status() {
    return ["unknown", "signedIn", "signedOut"][this.#state()[0]];
  }

  get isAuthenticated() {
    return this.#state()[1];
  }

  get user() {
    return this.#state()[4];
  }

  get expiresAt() {
    return this.#state()[3] ?? undefined;
  }

  // Stops the timer, the listeners and the channel; calls still in flight finish and settle
  // their promises.
  free() {
    drivers.get(this)?.close();
  }

  [Symbol.dispose]() {
    this.free();
  }
}
