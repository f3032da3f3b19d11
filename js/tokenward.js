// The package's module: `init()` (instantiates the session machine), `AuthClient` and
// `isAuthError`. The shell is this JavaScript; the machine in the .wasm decides.
import { imports, link, linked } from "./machine.js";
import { unpack } from "./unpack.js";

export { AuthClient } from "./client.js";
export { isAuthError } from "./objects.js";

let exports;

// The machine the built module carries: the `const TOKENWARD_MACHINE` that scripts/build.sh
// appends (unpack.js); none in the sources, where init() loads tokenward_bg.wasm beside them.
/* global TOKENWARD_MACHINE */
const unpacked = () => unpack(typeof TOKENWARD_MACHINE === "string" ? TOKENWARD_MACHINE : undefined);

async function instantiate(source) {
  if (typeof Response === "function" && source instanceof Response) {
    if (typeof WebAssembly.instantiateStreaming === "function") {
      try {
        return (await WebAssembly.instantiateStreaming(source, imports)).instance;
      } catch (e) {
        // A server that does not say application/wasm: read the bytes instead.
        if (!source.ok || source.headers.get("Content-Type") === "application/wasm") throw e;
      }
    }
    source = await source.arrayBuffer();
  }
  const made = await WebAssembly.instantiate(source, imports);
  return made instanceof WebAssembly.Instance ? made : made.instance;
}

function use(instance) {
  if (!linked()) {
    exports = instance.exports;
    link(exports);
  }
  return exports;
}

// Instantiates the machine (once): the one this module carries by default, or the one from
// `{ module_or_path }` (a URL, a Request, a Response, bytes or a WebAssembly.Module).
export default async function init(input) {
  if (linked()) return exports;
  if (input !== null && typeof input === "object" && "module_or_path" in input) input = input.module_or_path;
  let source = (await input) ?? unpacked() ?? new URL("tokenward_bg.wasm", import.meta.url);
  if (typeof source === "string" || source instanceof URL || (typeof Request === "function" && source instanceof Request)) {
    source = await fetch(source);
  }
  return use(await instantiate(source));
}

// Loads the module from its bytes or a WebAssembly.Module, synchronously.
export function initSync(module) {
  if (linked()) return exports;
  if (module !== null && typeof module === "object" && "module" in module) module = module.module;
  if (!(module instanceof WebAssembly.Module)) module = new WebAssembly.Module(module);
  return use(new WebAssembly.Instance(module, imports));
}
