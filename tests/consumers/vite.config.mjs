// One config for the three Vite apps: APP=react|vue|svelte picks the directory; relative
// asset URLs so that each build is served from wherever it lands.
import { svelte } from "@sveltejs/vite-plugin-svelte";

const app = process.env.APP;
export default {
  root: app,
  base: "./",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic" } },
  plugins: app === "svelte" ? [svelte()] : [],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
};
