// The bundler build's tokenward_bg.js: the shell, and the imports of the .wasm, which
// tokenward.js links (WebAssembly ES module integration: the .wasm imports this file).
export { now_wall, now_mono, payload, link } from "./machine.js";
export { AuthClient } from "./client.js";
export { isAuthError } from "./objects.js";
