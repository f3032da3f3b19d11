// One plain entry, bundled by esbuild, Rollup and webpack 5 (scripts/consumers.sh), and loaded
// unbundled by a <script type="module"> (plain.html): createAuthClient loads the .wasm and the
// client restores (no session here: signedOut).
import { createAuthClient } from "tokenward";
import { authStore } from "tokenward/svelte";

const api = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8008";
const status = document.getElementById("status");
const client = await createAuthClient({ baseUrl: api });
window.client = client; // the test calls doctor(), whose module is a chunk of its own
authStore(client).subscribe((s) => (status.textContent = s.status));
