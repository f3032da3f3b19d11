// The driver of one client: carries out what its machine asks for, and feeds it what happened.
// Every input goes through input(), which always carries out the machine's actions afterwards
// and re-arms its one timer. The driver keeps no record of a flight: only the app's promises
// (by op), the FormData of calls in flight, the lock while held, and the user objects the
// machine holds by handle. Every decision is the machine's (crates/machine).
import * as m from "./machine.js";
import { send, deliver, mintCookie, readCookie } from "../crates/web/src/net.js";
import { emit, pageState, listen, openStore, openChannel, acquire } from "../crates/web/src/page.js";
import { readError, readSnapshot, session, record, readRecord, isUser } from "./objects.js";

// The inputs (protocol::input) and the calls (protocol::call).
const CALL = 0, REPLY = 1, LOCKED = 2, NO_LOCK = 3, TIMER = 4, WAKE = 5;
const REMOTE_TOKEN = 6, REMOTE_SIGNED_OUT = 7, REMOTE_EXPIRED = 8, REMOTE_USER = 9, EXAMINED = 10;
export const LOGIN = 0, LOGIN_WITH = 1, SIGN_UP = 2, ACCOUNT = 3, LOGOUT = 4, REFRESH = 5;
export const REFRESH_AFTER_401 = 6, RESTORE = 7, AWAIT_SESSION = 8, DOCTOR = 9;

// `console.debug` traces (with `debug: true`); never a token.
export function trace(on, message) {
  if (on) console.debug("[tokenward]", message);
}

// The endpoints' table, "key path key path …", and their keys in slot order
// (crates/machine: protocol::endpoints).
let table;
export function endpoints() {
  if (!table) {
    const text = m.endpoints();
    table = { text, keys: text.split(" ").filter((_, i) => i % 2 === 0) };
  }
  return table;
}

export class Driver {
  // The shell for `cfg` (config.js's plain data; `config`: the object it was read from):
  // storage opened, listeners and the channel to the other tabs set up.
  constructor(cfg, config) {
    this.cfg = cfg;
    this.config = config;
    this.pending = new Map(); // op → [resolve, reject]
    this.forms = new Map(); // op → FormData
    this.op = 0;
    this.subscribers = [];
    this.outs = []; // the outputs whose actions are being carried out, in order
    this.delay = -1;
    this.busy = 0; // requests and lock requests in flight, and auth.fetch's slow paths
    this.users = new Map([[0, null]]); // handle → user object
    this.handles = new Map(); // its JSON → handle
    this.bearer = [-1, undefined]; // the generation and Authorization value of the token
    const debug = cfg.debug;
    if (cfg.storage !== "memory") {
      this.store = openStore(cfg.storage, cfg.storageKey);
      if (!this.store) trace(debug, "Web Storage unavailable: keeping the token in memory");
    }
    this.flag = openStore("localStorage", cfg.storageKey + ":logout-pending");
    const flagged = this.flag ? this.flag.get() : null;
    this.lockName = "tokenward:" + cfg.storageKey + ":refresh";
    m.f64(cfg.leeway);
    m.f64(cfg.timeout);
    m.flag(cfg.crossTab);
    m.flag(cfg.urls.user !== undefined);
    m.f64(Math.floor(Math.random() * 9007199254740992));
    m.u8(pageState());
    m.flag(typeof flagged === "string");
    cfg.fields.forEach(m.str);
    this.id = m.create();
    this.unlisten = listen("visibilitychange online offline pageshow", () => {
      m.u8(WAKE);
      m.u8(pageState());
      this.input();
    });
    if (cfg.crossTab) {
      this.channel = openChannel("tokenward:" + cfg.storageKey, (message) => this.remote(message));
      if (!this.channel) trace(debug, "no BroadcastChannel or localStorage: tabs are not coordinated");
    }
  }

  debug(message) {
    trace(this.cfg.debug, message);
  }

  // `free()`: stops the listeners and the channel. Calls in flight finish and settle their
  // promises (the timer runs on until they have); then the machine goes.
  close() {
    if (this.closed) return;
    this.closed = true;
    this.unlisten?.();
    this.channel?.close();
    this.channel = undefined;
    this.arm();
  }

  // The handle of a user object (0: none), the same for equal objects.
  user(v) {
    if (!isUser(v)) return 0;
    let text;
    try {
      text = JSON.stringify(v);
    } catch (_) {
      // not JSON: a handle of its own
    }
    let h = text === undefined ? undefined : this.handles.get(text);
    if (h === undefined) {
      h = this.users.size;
      this.users.set(h, v);
      if (text !== undefined) this.handles.set(text, h);
    }
    return h;
  }

  userOf = (h) => this.users.get(h) ?? null;

  // Writes a snapshot ([token, expiresAt, lifetime, user object]).
  snapshot([token, expiresAt, lifetime, user]) {
    m.str(token);
    m.ms(expiresAt);
    m.ms(lifetime);
    m.u32(this.user(user));
  }

  // Feeds the machine the input written before this call, then carries out everything it asks
  // for (after what earlier inputs asked for, when this one came from a subscriber).
  input() {
    const [delay, out] = m.handle(this.id);
    this.delay = delay;
    // auth.fetch reads the token again after any input: none is kept past its session.
    this.bearer = [-1, undefined];
    if (out.flag()) this.debug("the device's clock jumped (asleep, or set): timing follows the monotonic clock");
    this.outs.push(out);
    if (this.outs.length > 1) return;
    try {
      while (this.outs.length) {
        const r = this.outs[0];
        if (r.done) this.outs.shift();
        else this.act(r);
      }
    } finally {
      this.outs.length = 0;
      this.arm();
    }
  }

  // An app call (`kind`, its values written by `write`): its promise, settled by the machine.
  call(kind, write, form) {
    const op = this.op++ >>> 0;
    if (form !== undefined) this.forms.set(op, form);
    return new Promise((resolve, reject) => {
      this.pending.set(op, [resolve, reject]);
      m.u8(CALL);
      m.u32(op);
      m.u8(kind);
      write?.(op);
      this.input();
    });
  }

  // One action (protocol::action).
  act(r) {
    switch (r.u8()) {
      case 0:
        return this.send(r);
      case 1:
        return this.acquire(r.u32());
      case 2:
        this.lock?.release();
        this.lock = undefined;
        return;
      case 3:
        return this.settle(r.u32(), r);
      case 4: {
        const type = r.str();
        const user = this.userOf(r.u32());
        const source = r.str();
        const reason = r.opt();
        this.debug(type);
        if (emit(this.subscribers, type, user, source, reason) > 0) {
          this.debug("an onChange callback threw; the others still run");
        }
        return;
      }
      case 5:
        return this.persist(readSnapshot(r));
      case 6:
        if (this.store && !this.store.remove()) this.debug("Web Storage remove failed");
        return;
      case 7:
        return this.broadcast(r);
      case 8:
        this.flag?.set("1");
        return;
      default:
        this.flag?.remove();
    }
  }

  settle(op, r) {
    const promise = this.pending.get(op);
    this.pending.delete(op);
    this.forms.delete(op);
    const kind = r.u8();
    let value;
    switch (kind) {
      case 0:
        value = session(readSnapshot(r), this.userOf);
        break;
      case 1:
        value = null;
        break;
      case 2: {
        value = { serverConfirmed: r.flag() };
        const warning = r.opt();
        if (warning !== undefined) value.warning = warning;
        break;
      }
      case 3:
        value = readError(r);
        break;
      case 5: {
        const signedIn = r.flag();
        value = { verificationSent: !signedIn, session: signedIn ? session(readSnapshot(r), this.userOf) : null };
        break;
      }
      case 6:
        value = { detail: r.opt() ?? null };
        break;
      case 7:
        value = this.userOf(r.u32());
        break;
      // 4 the doctor's turn, 8 decided: undefined
    }
    promise?.[kind === 3 ? 1 : 0](value);
  }

  // Arms the machine's timer for its next deadline. After `free()` it runs only while app
  // calls wait (the machine may need it to finish them); when nothing is left, the machine
  // goes.
  arm() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed && !this.pending.size) {
      if (!this.busy && this.id) {
        // Nothing of the machine's is left to finish: it goes, and a lock it held with it.
        m.destroy(this.id);
        this.id = 0;
        this.lock?.release();
        this.lock = undefined;
      }
      return;
    }
    if (this.delay >= 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        m.u8(TIMER);
        this.input();
      }, this.delay);
    }
  }

  // Something of this client is in flight (`n` 1) or done (-1): the machine stays until
  // nothing is, after `free()`.
  hold(n) {
    this.busy += n;
    if (this.closed && !this.pending.size) this.arm();
  }

  // Asks for the cross-tab lock; what page.js answers comes back as an input. A lock granted
  // after the machine went is released at once.
  acquire(waitMs) {
    this.hold(1);
    deliver(acquire(this.lockName, waitMs), (got) => {
      if (got && typeof got.release === "function") {
        this.lock = got;
        m.u8(LOCKED);
        m.flag(got.waited);
      } else m.u8(NO_LOCK);
      this.input();
      this.hold(-1);
    });
  }

  // Starts one of the SDK's requests (protocol::action, "send"); its reply comes back as an
  // input.
  send(r) {
    const id = r.u32();
    const key = endpoints().keys[r.u8()];
    const method = r.str();
    const userAt = r.u8();
    const url = r.opt() ?? this.cfg.urls[key];
    const init = { method, headers: { Accept: "application/json" } };
    const payload = r.u8();
    if (payload === 1 || payload === 2) {
      init.headers["Content-Type"] = "application/json";
      init.body = payload === 1 ? "{}" : r.str();
    } else if (payload === 3) init.body = this.forms.get(r.u32());
    const token = r.opt();
    const mint = r.flag();
    const timeout = r.u32();
    const cfg = this.cfg;
    if (mint && cfg.csrf && cfg.urls.login) {
      this.debug("no refresh cookie for a Bearer: minting a CSRF cookie");
      mintCookie(cfg.csrf[0], cfg.urls.login);
    }
    const sent =
      url === undefined
        ? Promise.resolve({ error: "invalid", message: "endpoints.user: is null" })
        : send(url, init, true, this.authorization(token), this.csrf(method), timeout, undefined, true);
    this.hold(1);
    deliver(sent, (res) => {
      m.u8(REPLY);
      m.u32(id);
      const error = res ? res.error : "network";
      if (error === undefined) {
        m.u8(0);
        m.u32(res.status);
        m.body(res.json);
        const json = res.json;
        m.u32(this.user(userAt === 1 ? json : userAt === 2 && isUser(json) ? json[cfg.fields[2]] : undefined));
      } else {
        m.u8(1);
        m.u8({ timeout: 0, aborted: 1, invalid: 3 }[error] ?? 2);
        if (error === "invalid") m.str(res.message ?? "");
      }
      this.input();
      this.hold(-1);
    });
  }

  // The `Authorization` value for `token` (undefined: none): `<authScheme> <token>`.
  authorization(token) {
    return token === undefined ? undefined : this.cfg.authScheme + " " + token;
  }

  // The CSRF header of a request with `method` ([name, value], or none): for a method Django
  // checks, when the configured cookie is readable and can be a header.
  csrf(method) {
    const csrf = this.cfg.csrf;
    if (!csrf || /^(GET|HEAD|OPTIONS|TRACE)$/i.test(method)) return [];
    const value = readCookie(csrf[0]);
    return value !== undefined && /^[\x21-\x7e]+$/.test(value) ? [csrf[1], value] : [];
  }

  persist(snapshot) {
    if (!this.store) return;
    let text;
    try {
      text = JSON.stringify(record(snapshot, this.userOf));
    } catch (_) {
      this.debug("the user object cannot be stored as JSON");
      return this.store.remove();
    }
    if (!this.store.set(text)) this.debug("Web Storage write failed: token kept in memory only");
  }

  // What storage holds for restore() (nothing in memory mode): a record, or undefined.
  load() {
    const text = this.store ? this.store.get() : null;
    if (text === false) this.debug("Web Storage read failed");
    if (typeof text !== "string") return undefined;
    try {
      return readRecord(JSON.parse(text));
    } catch (_) {
      return undefined;
    }
  }

  broadcast(r) {
    const kind = r.u8();
    const channel = this.channel;
    let message = {};
    if (kind === 0 || kind === 3) {
      const snapshot = readSnapshot(r);
      if (channel && channel.private) message = record(snapshot, this.userOf);
      if (kind === 0) message.signedIn = r.flag();
    }
    message.v = 1;
    message.kind = ["token", "signedOut", "expired", "user"][kind];
    channel?.post(message);
  }

  // A message from another tab. Anything malformed is ignored; the storage-event fallback
  // carries no token: it is read from Web Storage.
  remote(message) {
    if (this.closed || !message || typeof message !== "object") return;
    const kind = message.kind;
    if (kind === "token" || kind === "user") {
      const snapshot = readRecord(message) ?? this.load();
      if (!snapshot) return;
      m.u8(kind === "token" ? REMOTE_TOKEN : REMOTE_USER);
      this.snapshot(snapshot);
      if (kind === "token") m.flag(message.signedIn === true);
    } else if (kind === "signedOut") m.u8(REMOTE_SIGNED_OUT);
    else if (kind === "expired") m.u8(REMOTE_EXPIRED);
    else return;
    this.input();
  }

  // What the getters read: [state (0 unknown, 1 signed in, 2 signed out), whether a token is
  // held, the token while it is valid, when it expires, the user, whether a sign-up answered
  // with the refresh token in its body] (protocol::state).
  state() {
    const r = m.state(this.id);
    return [r.u8() ?? 0, r.flag(), r.opt(), r.ms(), this.userOf(r.u32()), r.flag()];
  }

  // doctor()'s credentialed cycle is over: this client follows what it did.
  examined(signedIn, cleared) {
    m.u8(EXAMINED);
    m.flag(signedIn);
    m.flag(cleared);
    this.input();
  }
}
