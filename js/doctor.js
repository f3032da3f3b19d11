import { unpack } from "./unpack.js";

// doctor() on demand: its probes, judgement and texts are a module of their own (`doctor/` in
// the package), loaded the first time doctor() is called, so that pages which never call it
// do not download it. The module runs a throwaway client on the same config (memory storage,
// no cross-tab messages: it must not disturb this page's session or the other tabs).
// Never rejects: resolves to { report, signedIn, cleared }. The module carries its .wasm
// (`TOKENWARD_DOCTOR`, unpack.js) as the package's module carries the machine.
function loadDoctor(config, options, exposed) {
  return import("./doctor/tokenward.js")
    .then(async (m) => {
      if (typeof m.default === "function") {
        const packed = unpack(m.TOKENWARD_DOCTOR);
        await m.default(packed && { module_or_path: packed });
      }
      return m.runDoctor({ ...config, storage: "memory", crossTab: false }, options, exposed);
    })
    .catch((e) => ({
      report: {
        ok: false,
        findings: [
          {
            level: "error",
            code: "doctor_unavailable",
            message: "doctor() could not load its module: " + ((e && e.message) || e),
            fix: "Serve the package's doctor/ directory beside tokenward.js (bundlers copy it when they see the dynamic import).",
          },
        ],
      },
    }));
}

// doctor(): after the credentialed cycle's `turn` in the client's order (a promise; undefined
// when the check takes none), the module's probes with `exposed()` (the client's, read then),
// then `examined(result)` (the client follows what the cycle did): the promise of the report.
// Never rejects.
export function runDoctor(turn, config, options, exposed, examined) {
  return Promise.resolve(turn)
    .catch(() => {})
    .then(() => loadDoctor(config, options, exposed()))
    .then((result) => {
      examined(result);
      return result.report;
    });
}
