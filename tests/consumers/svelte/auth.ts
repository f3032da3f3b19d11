// The app's one auth store, as Svelte apps keep it: a module.
import { authStore } from "tokenward/svelte";

const api = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:8008";
export const auth = authStore({ baseUrl: api });
