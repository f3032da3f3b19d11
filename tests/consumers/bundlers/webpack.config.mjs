// webpack 5 emits the .wasm that `new URL("tokenward_bg.wasm", import.meta.url)` names as an
// asset, and splits doctor()'s module into a chunk of its own.
import { resolve } from "node:path";

export default {
  mode: "production",
  entry: "./bundlers/main.js",
  experiments: { topLevelAwait: true, outputModule: true },
  output: { path: resolve("bundlers/dist-webpack"), filename: "main.js", module: true, publicPath: "auto" },
};
