// Events: the SDK's (onChange subscribers, for crates/web/src/codec.rs) and the page's (its
// state, for crates/web/src/events.rs). One snippet for both: each is a module file the page
// loads.

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
