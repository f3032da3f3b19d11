// The package's main entry: everything of the wasm module, and `createAuthClient`, which
// initialises the module once. Importing it does nothing else: no window, document or storage
// is touched until a client is made (server-side rendering imports it safely).
import init, { AuthClient } from "./tokenward.js";
import type { AuthConfig, InitInput } from "./tokenward.js";

export * from "./tokenward.js";
export { default } from "./tokenward.js";

let ready: Promise<unknown> | undefined;

/**
 * Initialises the module (once, however often it is called) and makes a client. The one way to
 * start for bundler users; `init()` and `new AuthClient()` stay for explicit control.
 * `wasm`: where the .wasm is, when not beside this module.
 */
export function createAuthClient(config: AuthConfig, wasm?: InitInput): Promise<AuthClient> {
  ready ??= init(wasm === undefined ? undefined : { module_or_path: wasm }).catch((e: unknown) => {
    ready = undefined; // a failed fetch may be retried
    throw e;
  });
  return ready.then(() => new AuthClient(config));
}
