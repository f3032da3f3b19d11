// Shortens the names the .wasm imports from and exports to its JS glue, in the .wasm and in
// the glue alike. wasm-bindgen names each import `__wbg_<name>_<16 hex digits>` and each
// closure export after its full Rust type; those hashes do not compress, and every name is
// stored twice (in the .wasm and in the glue). With the web target the glue hands the imports
// over as one object keyed by module name (`"./tokenward_bg.js"`, a snippet's path), which
// the .wasm stores once per import: those keys become one letter too. (The bundler target's
// .wasm imports those modules by path: they stay.)
//   node scripts/minify-names.mjs OUT_DIR
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const wasmPath = join(dir, "tokenward_bg.wasm");
const bytes = readFileSync(wasmPath);

function leb(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, pos];
  }
}
function encodeLeb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}
function readName(buf, pos) {
  const [len, start] = leb(buf, pos);
  return [buf.toString("utf8", start, start + len), start + len];
}
function encodeName(s) {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([encodeLeb(b.length), b]);
}
// Skips one import description (function, table, memory, global, tag).
function skipDesc(buf, pos) {
  const kind = buf[pos++];
  const limits = (p) => {
    const flags = buf[p++];
    [, p] = leb(buf, p);
    if (flags & 1) [, p] = leb(buf, p);
    return p;
  };
  if (kind === 0) return leb(buf, pos)[1];
  if (kind === 1) return limits(pos + 1);
  if (kind === 2) return limits(pos);
  if (kind === 3) return pos + 2;
  if (kind === 4) return leb(buf, pos + 1)[1];
  throw new Error(`unknown import kind ${kind}`);
}

// Short names that cannot collide with anything in the glue: `$0`, `$1`, …
let counter = 0;
const fresh = () => `$${(counter++).toString(36)}`;
const renamed = new Map(); // old -> new, for imports
const renamedExports = new Map();
const keepExport = (name) => name === "memory";

// The web target's import object: `"<module>": importN` in the glue.
const glues = readdirSync(dir).filter((f) => f.endsWith(".js"));
const keyed = new Set();
for (const file of glues) {
  for (const m of readFileSync(join(dir, file), "utf8").matchAll(/"([^"]+)": import\d+,/g)) keyed.add(m[1]);
}
const renamedModules = new Map();
const moduleName = (module) => {
  if (!keyed.has(module)) return module;
  if (!renamedModules.has(module)) renamedModules.set(module, String.fromCharCode(97 + renamedModules.size));
  return renamedModules.get(module);
};

const out = [bytes.subarray(0, 8)];
let pos = 8;
while (pos < bytes.length) {
  const id = bytes[pos];
  const [size, start] = leb(bytes, pos + 1);
  const end = start + size;
  if (id === 2 || id === 7) {
    let [count, p] = leb(bytes, start);
    const parts = [encodeLeb(count)];
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        const [module, p1] = readName(bytes, p);
        const [field, p2] = readName(bytes, p1);
        const p3 = skipDesc(bytes, p2);
        let name = field;
        if (/^__wb/.test(field)) {
          if (!renamed.has(field)) renamed.set(field, fresh());
          name = renamed.get(field);
        }
        parts.push(encodeName(moduleName(module)), encodeName(name), bytes.subarray(p2, p3));
        p = p3;
      } else {
        const [field, p1] = readName(bytes, p);
        const [, p2] = leb(bytes, p1 + 1);
        let name = field;
        if (!keepExport(field)) {
          name = fresh();
          renamedExports.set(field, name);
        }
        parts.push(encodeName(name), bytes.subarray(p1, p2));
        p = p2;
      }
    }
    const body = Buffer.concat(parts);
    out.push(Buffer.from([id]), encodeLeb(body.length), body);
  } else {
    out.push(bytes.subarray(pos, end));
  }
  pos = end;
}

const escape = (s) => s.replace(/[$]/g, "\\$");
let files = 0;
for (const file of readdirSync(dir)) {
  if (!/\.(js|d\.ts)$/.test(file)) continue;
  const path = join(dir, file);
  let text = readFileSync(path, "utf8");
  const before = text;
  for (const [old, name] of renamed) {
    text = text.replace(new RegExp(`(?<![\\w$])${escape(old)}(?![\\w$])`, "g"), name);
  }
  for (const [old, name] of renamedExports) {
    // Exports are reached only as `wasm.<name>` (and typed as `readonly <name>:`); the same
    // word elsewhere is a public name and stays.
    text = text
      .replace(new RegExp(`(?<=\\bwasm\\.)${escape(old)}(?![\\w$])`, "g"), name)
      .replace(new RegExp(`(?<=readonly |export const )${escape(old)}(?=:)`, "g"), name);
  }
  for (const [old, name] of renamedModules) {
    text = text.split(`"${old}": import`).join(`"${name}": import`);
  }
  if (text !== before) {
    writeFileSync(path, text);
    files++;
  }
}
// Every old name must be gone from the glue, or the module would fail to link.
for (const file of readdirSync(dir)) {
  if (!/\.js$/.test(file)) continue;
  const text = readFileSync(join(dir, file), "utf8");
  for (const old of renamed.keys()) {
    if (new RegExp(`(?<![\\w$])${escape(old)}(?![\\w$])`).test(text)) {
      throw new Error(`${file} still names ${old}`);
    }
  }
  for (const old of renamedExports.keys()) {
    if (text.includes(`wasm.${old}`) && new RegExp(`\\bwasm\\.${escape(old)}(?![\\w$])`).test(text)) {
      throw new Error(`${file} still names export ${old}`);
    }
  }
  for (const old of renamedModules.keys()) {
    if (text.includes(`"${old}": import`)) throw new Error(`${file} still keys imports by ${old}`);
  }
}
writeFileSync(wasmPath, Buffer.concat(out));
console.log(
  `minify-names: ${renamed.size} imports, ${renamedExports.size} exports, ${renamedModules.size} import modules renamed in ${files} files`,
);
