// The API has one source: the package's TypeScript declarations (pkg/tokenward.d.ts, written
// by hand beside the shell: js/tokenward.d.ts). This checks the documents against it:
// every config key of `AuthConfig` and every member of `AuthClient` is named (as `name`) in
// README.md and docs/npm-README.md, and README.md's config table names no key that is not
// declared. Run by scripts/test.sh after the build.
//   node scripts/api-check.mjs [pkg/tokenward.d.ts]
import { readFileSync } from "node:fs";

const dts = readFileSync(process.argv[2] ?? "pkg/tokenward.d.ts", "utf8");
const block = (start) => {
  const i = dts.indexOf(start);
  if (i < 0) throw new Error(`no "${start}" in the declarations`);
  let depth = 0;
  for (let j = dts.indexOf("{", i); j < dts.length; j++) {
    if (dts[j] === "{") depth++;
    if (dts[j] === "}" && --depth === 0) return dts.slice(i, j + 1);
  }
  throw new Error(`"${start}" never closes`);
};
// Top-level members only: the block's first level of indentation.
const members = (text) => {
  const indent = /\n( +)\S/.exec(text)[1];
  return [...text.matchAll(new RegExp(`^${indent}(?:readonly )?([a-zA-Z]+)\\??[(:]`, "gm"))].map((m) => m[1]);
};
const config = [...new Set(members(block("export interface AuthConfig")))];
const client = [...new Set(members(block("export class AuthClient")))].filter(
  (m) => m !== "constructor",
);

let failed = false;
for (const [doc, names] of [
  ["README.md", [...config, ...client]],
  ["docs/npm-README.md", [...config, ...client]],
]) {
  const text = readFileSync(doc, "utf8");
  const missing = names.filter((n) => !text.includes("`" + n) && !text.includes(n + "`") && !text.includes(`.${n}(`));
  if (missing.length) {
    console.error(`${doc} does not name: ${missing.join(", ")}`);
    failed = true;
  } else {
    console.log(`api-check: ${doc} names all ${names.length} config keys and members`);
  }
}
// README.md's config table: its first column, between "| key |" and the next blank line.
const readme = readFileSync("README.md", "utf8");
const table = readme.slice(readme.indexOf("| key | default | meaning |"));
const rows = table.slice(0, table.indexOf("\n\n")).split("\n").slice(2);
const documented = rows.map((r) => /^\| `([a-zA-Z]+)`/.exec(r)?.[1]).filter(Boolean);
const unknown = documented.filter((k) => !config.includes(k));
const undocumented = config.filter((k) => !documented.includes(k));
if (unknown.length || undocumented.length) {
  console.error(`README.md's config table: not declared ${unknown.join(", ") || "-"}; missing ${undocumented.join(", ") || "-"}`);
  failed = true;
}
if (failed) process.exit(1);
