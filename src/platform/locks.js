// The Web Locks half of src/platform/locks.rs: one call per acquisition, so that the promise
// and callback juggling of navigator.locks costs no imports or closures in the .wasm.
// Nothing here rejects or throws.

// Acquires the lock `name`: at once when it is free, else after waiting at most `waitMs`.
// Resolves to { release, waited } (call release() to let the lock go), to null when this
// browser has no Web Locks, to { error: "failed" } when it refuses them (locks.rs then falls
// back to a lease in both cases), or to { error: "timeout" }.
export function acquire(name, waitMs) {
  const locks = globalThis.navigator && navigator.locks;
  if (!locks || typeof locks.request !== "function") return Promise.resolve(null);
  return new Promise((resolve) => {
    let waited = false;
    // Held until release() is called; the browser also releases it when the tab closes.
    const hold = (lock) =>
      lock ? new Promise((release) => resolve({ release, waited })) : undefined;
    const fail = () => resolve({ error: "failed" });
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
