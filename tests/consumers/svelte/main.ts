import { mount } from "svelte";
import App from "./App.svelte";
import { auth } from "./auth";

// `?bare`: a page that never reads $auth (a login form calling auth.login() only); the test
// drives the store through window.auth.
if (new URLSearchParams(location.search).has("bare")) {
  (window as unknown as { auth: typeof auth }).auth = auth;
  document.getElementById("app")!.textContent = "bare";
} else {
  mount(App, { target: document.getElementById("app")! });
}
