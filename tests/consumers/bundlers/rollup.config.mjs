import { nodeResolve } from "@rollup/plugin-node-resolve";

// doctor()'s module stays a file of its own, beside the bundle (its .wasm has the same name as
// the SDK's): the glue's `import("./doctor/tokenward.js")` is kept as written.
const doctorBeside = {
  name: "doctor-beside",
  resolveId: (id) => (id === "./doctor/tokenward.js" ? { id, external: true } : null),
};

export default {
  input: "bundlers/main.js",
  output: { dir: "bundlers/dist-rollup", format: "es" },
  plugins: [doctorBeside, nodeResolve({ browser: true })],
};
