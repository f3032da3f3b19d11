// What the client keeps in the page: onChange subscribers (for crates/web/src/codec.rs), the
// page's state and its events (crates/web/src/events.rs), Web Storage (storage.rs), the channel
// to the other tabs (channel.rs) and the cross-tab lock (locks.rs). One snippet for all: each
// snippet is a module file the page loads, and each browser API called from the .wasm costs an
// import there and a function in the glue, so the mechanics are here, one call each, and every
// decision stays in Rust. Nothing here throws.

// onChange subscribers: a JS array of entries, so that subscribing,
// unsubscribing and calling them cost one call each from the .wasm (and no closure type).

// Adds `callback` to `list`; returns its unsubscribe function (idempotent). Subscribing the
// same function twice gives two entries, each with its own unsubscribe.
export function subscribe(list, callback) {
  const entry = { callback };
  list.push(entry);
  return () => {
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
  };
}

// Calls every subscriber with { type, user, source, reason? }, over a copy of the list (a
// callback may subscribe or unsubscribe); one that throws does not stop the others. Returns
// how many threw.
export function emit(list, type, user, source, reason) {
  const event = { type, user, source };
  if (reason !== undefined) event.reason = reason;
  let threw = 0;
  for (const { callback } of list.slice()) {
    try {
      callback(event);
    } catch (_) {
      threw++;
    }
  }
  return threw;
}

// The page's state, in one call: bit 1 visible, bit 2 online.
// Without a document or navigator (a worker, a server render), both.
export function pageState() {
  const doc = globalThis.document;
  const nav = globalThis.navigator;
  const visible = !doc || doc.visibilityState !== "hidden";
  const online = !nav || nav.onLine !== false;
  return (visible ? 1 : 0) | (online ? 2 : 0);
}

// Calls `callback(event)` on each event named in `names` (space-separated) at the global
// object; returns the function that removes them all, or undefined where the global object
// takes no listeners.
export function listen(names, callback) {
  const g = globalThis;
  if (typeof EventTarget !== "function" || !(g instanceof EventTarget)) return undefined;
  const list = names.split(" ");
  for (const name of list) g.addEventListener(name, callback);
  return () => {
    for (const name of list) g.removeEventListener(name, callback);
  };
}

// One key of Web Storage: `kind` is "localStorage" or "sessionStorage". Undefined when that
// storage is missing, not a Storage, or throws on access (blocked); else { get, set, remove }:
// get() is the value, null when there is none, false when reading failed; set(value) and
// remove() say whether they succeeded (a failed write removes what was there).
export function openStore(kind, key) {
  let web;
  try {
    web = globalThis[kind];
  } catch (_) {
    return undefined;
  }
  if (typeof Storage !== "function" || !(web instanceof Storage)) return undefined;
  const remove = () => {
    try {
      web.removeItem(key);
      return true;
    } catch (_) {
      return false;
    }
  };
  return {
    get() {
      try {
        return web.getItem(key);
      } catch (_) {
        return false;
      }
    },
    set(value) {
      try {
        web.setItem(key, value);
        return true;
      } catch (_) {
        remove();
        return false;
      }
    },
    remove,
  };
}

// Messages between the tabs of one origin: a BroadcastChannel, or — where it is missing — the
// `storage` event of localStorage (the message is written and removed at once; best effort).
// `onMessage(message)` receives each message from another tab. Undefined when there is neither;
// else { post(message), close(), private }: `private` when messages are never written anywhere
// (BroadcastChannel), so that they may carry a token.
export function openChannel(name, onMessage) {
  try {
    const channel = new BroadcastChannel(name);
    channel.onmessage = (e) => onMessage(e.data);
    return {
      post(message) {
        try {
          channel.postMessage(message);
        } catch (_) {
          // not cloneable, or closed: not sent
        }
      },
      close() {
        channel.onmessage = null;
        channel.close();
      },
      private: true,
    };
  } catch (_) {
    // no BroadcastChannel: the storage event
  }
  const store = openStore("localStorage", name);
  const close =
    store &&
    listen("storage", (e) => {
      if (e.key !== name || typeof e.newValue !== "string") return;
      let message;
      try {
        message = JSON.parse(e.newValue);
      } catch (_) {
        return;
      }
      onMessage(message);
    });
  if (!close) return undefined;
  return {
    post(message) {
      let text;
      try {
        text = JSON.stringify(message);
      } catch (_) {
        return;
      }
      if (typeof text === "string" && store.set(text)) store.remove();
    },
    close,
    private: false,
  };
}

// The cross-tab lock, one call per acquisition: the Web Locks API, or —
// where it is missing (plain http pages other than localhost, older browsers, some webviews) or
// refused (opaque origins) — a lease in localStorage. The promise and callback juggling costs no
// imports or closures in the .wasm. Nothing here rejects or throws.

// A lease lasts this long unless its holder renews it, which it does every BEAT_MS while it
// holds it: a page that is gone without letting go (a crash, a killed process) blocks the
// others for about a second at most. A page that unloads lets go on pagehide.
const LEASE_MS = 1500;
const BEAT_MS = 500;

// Acquires the lock `name`: at once when it is free, else after waiting at most `waitMs`.
// Resolves to { release, waited } (call release() to let the lock go), or to
// { error: "timeout" }.
export function acquire(name, waitMs) {
  const locks = globalThis.navigator && navigator.locks;
  if (!locks || typeof locks.request !== "function") return lease(name, waitMs);
  return new Promise((resolve) => {
    let waited = false;
    // Held until release() is called; the browser also releases it when the tab closes.
    const hold = (lock) =>
      lock ? new Promise((release) => resolve({ release, waited })) : undefined;
    const fail = () => lease(name, waitMs).then(resolve);
    const wait = () => {
      waited = true;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), waitMs);
      locks
        .request(name, { signal: controller.signal }, (lock) => {
          clearTimeout(timer);
          return hold(lock);
        })
        .catch(() => resolve({ error: "timeout" }));
    };
    try {
      locks
        .request(name, { ifAvailable: true }, (lock) => (lock ? hold(lock) : wait()))
        .catch(fail);
    } catch (_) {
      fail();
    }
  });
}

// The fallback: localStorage[name] = "<owner> <until>", written when free (absent, or its
// `until` passed), then confirmed after a pause (two tabs writing at once both see the last
// writer), renewed while held, removed on release and on pagehide. Best effort: storage is not
// atomic, so a narrow race remains. Without usable storage there is nothing to coordinate
// with: granted at once.
function lease(name, waitMs) {
  let store;
  try {
    store = globalThis.localStorage;
    store.getItem(name);
  } catch (_) {
    store = undefined;
  }
  if (!store) return Promise.resolve({ release() {}, waited: false });
  const get = () => {
    try {
      return store.getItem(name) || "";
    } catch (_) {
      return "";
    }
  };
  const owner = Math.random().toString(36).slice(2);
  const mine = () => get().split(" ")[0] === owner;
  const write = () => {
    try {
      store.setItem(name, owner + " " + (Date.now() + LEASE_MS));
    } catch (_) {
      // storage full or gone: the lease lapses
    }
  };
  const start = Date.now();
  let waited = false;
  return new Promise((resolve) => {
    const hold = () => {
      const beat = setInterval(() => mine() && write(), BEAT_MS);
      const release = () => {
        clearInterval(beat);
        globalThis.removeEventListener?.("pagehide", release);
        if (mine()) {
          try {
            store.removeItem(name);
          } catch (_) {
            // nothing to remove
          }
        }
      };
      globalThis.addEventListener?.("pagehide", release);
      resolve({ release, waited });
    };
    const later = () => {
      if (Date.now() - start > waitMs) return resolve({ error: "timeout" });
      waited = true;
      setTimeout(attempt, 50);
    };
    const attempt = () => {
      const until = Number(get().split(" ")[1]);
      if (until > Date.now()) return later();
      write();
      setTimeout(() => (mine() ? hold() : later()), 30);
    };
    attempt();
  });
}
