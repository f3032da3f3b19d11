// Builds the consumer against the package in pkg/ (as if installed from npm).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
export default defineConfig({
  root,
  base: "./",
  resolve: { alias: { tokenward: fileURLToPath(new URL("../../pkg/tokenward.js", import.meta.url)) } },
  build: { outDir: fileURLToPath(new URL("../../target/vite-app", import.meta.url)), emptyOutDir: true, target: "es2022" },
  logLevel: "warn",
});
