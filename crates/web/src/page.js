// The page's state for crates/web/src/events.rs, in one call: bit 1 visible, bit 2 online.
// Without a document or navigator (a worker, a server render), both.
export function pageState() {
  const doc = globalThis.document;
  const nav = globalThis.navigator;
  const visible = !doc || doc.visibilityState !== "hidden";
  const online = !nav || nav.onLine !== false;
  return (visible ? 1 : 0) | (online ? 2 : 0);
}
