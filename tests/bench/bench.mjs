// The benchmark (not a pass/fail test): size, per-request overhead, refresh storm, init time.
// Run through scripts/bench.sh, which builds the package, bundles the comparison libraries,
// starts the backend (config c) and serves the repository on 127.0.0.1:8000.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { launch, hook, resetCounters, counters, REFRESH, SITE, API } from "../e2e/lib.mjs";

const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const raw = (path) => readFileSync(path).length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = [];
const row = (what, value, target, note = "") => rows.push({ what, value, target, note });

// ---- size
const wasm = "pkg/tokenward_bg.wasm";
const glue = "pkg/tokenward.js";
const total = gz(wasm) + gz(glue);
row("size: .wasm", `${kb(raw(wasm))} raw, ${kb(gz(wasm))} gz`, "", "");
row("size: JS glue", `${kb(raw(glue))} raw, ${kb(gz(glue))} gz`, "", "esbuild-minified, snippets bundled in");
row("size: total (gzip -9), what a page loads", kb(total), "≤ 25 KB (stretch ≤ 17 KB)", total <= 25 * 1024 ? "met" : `missed by ${kb(total - 25 * 1024)}`);
const doctorTotal = gz("pkg/doctor/tokenward_bg.wasm") + gz("pkg/doctor/tokenward.js");
row("size: doctor module (loaded by the first doctor() call only)", `${kb(doctorTotal)} gz`, "", "not loaded by pages that never call doctor()");

const browser = await launch();
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${SITE}/tests/bench/page.html`);
await page.evaluate(async (api) => {
  const m = await import("/pkg/tokenward.js");
  await m.default();
  window.tw = m;
  window.api = api;
  window.auth = new m.AuthClient({ baseUrl: api, refreshLeewayMs: 0, crossTab: false });
  await window.auth.login({ username: "demo", password: "tokenward-demo" });
}, API);

// ---- per-request overhead: auth.fetch vs window.fetch with the same Bearer, interleaved
const overhead = await page.evaluate(async (n) => {
  const pairs = [];
  for (let i = 0; i < n; i++) {
    const token = window.auth.accessToken;
    const t0 = performance.now();
    await (await window.auth.fetch("/api/me/")).json();
    const t1 = performance.now();
    await (await fetch(`${window.api}/api/me/`, {
      headers: { Authorization: `Bearer ${token}` }, credentials: "include",
    })).json();
    const t2 = performance.now();
    pairs.push([t1 - t0, t2 - t1]);
  }
  return pairs;
}, 500);
const sdk = overhead.map((p) => p[0]);
const plain = overhead.map((p) => p[1]);
const ratio = median(sdk) / median(plain);
row("per-request: auth.fetch / fetch (500 interleaved GET /api/me/)",
  `${ratio.toFixed(3)} (medians ${median(sdk).toFixed(2)} / ${median(plain).toFixed(2)} ms)`,
  "≤ 1.03", ratio <= 1.03 ? "met" : `missed by ${(ratio - 1.03).toFixed(3)}`);

// ---- per-call CPU: window.fetch stubbed to answer at once, so only the library's own work is
// timed. 1,000 sequential calls per batch, ABBA-interleaved with 1,000 direct fetch calls
// carrying the same header; the figure is (library − direct) / call, median of 4 batches.
await page.addScriptTag({ url: "/target/bench/axios.js" });
await page.waitForFunction(() => window.axiosBundle);
const perCall = await page.evaluate(async ({ n, rounds }) => {
  const real = window.fetch;
  window.fetch = () => Promise.resolve(new Response("{}", { status: 200 }));
  const token = window.auth.accessToken;
  const url = `${window.api}/api/me/`;
  const { axios, ky } = window.axiosBundle;
  const ax = axios.create({ baseURL: window.api, adapter: "fetch", withCredentials: true });
  ax.interceptors.request.use((config) => {
    config.headers.Authorization = `Bearer ${token}`;
    return config;
  });
  const kc = ky.create({
    prefix: window.api, credentials: "include", retry: 0,
    hooks: { beforeRequest: [({ request }) => { request.headers.set("Authorization", `Bearer ${token}`); }] },
  });
  const libs = {
    tokenward: () => window.auth.fetch("/api/me/"),
    "axios (fetch adapter) + interceptor": () => ax.get("/api/me/"),
    "ky + beforeRequest hook": () => kc.get("api/me/"),
  };
  const direct = () => fetch(url, { headers: { Authorization: `Bearer ${token}` }, credentials: "include" });
  const batch = async (call) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await call();
    return performance.now() - t0;
  };
  const out = {};
  for (const [name, call] of Object.entries(libs)) {
    await batch(call); // warm-up
    const extra = [];
    for (let r = 0; r < rounds; r++) {
      const a1 = await batch(call), b1 = await batch(direct), b2 = await batch(direct), a2 = await batch(call);
      extra.push(((a1 + a2 - b1 - b2) / 2 / n) * 1000);
    }
    extra.sort((x, y) => x - y);
    out[name] = extra;
  }
  window.fetch = real;
  return out;
}, { n: 1000, rounds: 4 });
for (const [name, extra] of Object.entries(perCall)) {
  const m = median(extra);
  const target = name === "tokenward" ? "≤ 20 µs" : "";
  const verdict = name === "tokenward" ? (m <= 20 ? "met" : `missed by ${(m - 20).toFixed(0)} µs`) : "for comparison";
  row(`per-call CPU, fetch stubbed: ${name}`, `+${m.toFixed(1)} µs (batches ${extra.map((x) => x.toFixed(0)).join(", ")})`, target, verdict);
}

// ---- refresh storm: 50 concurrent requests with a token the server rejects
async function stormTokenward() {
  const token = await page.evaluate(() => window.auth.accessToken);
  await hook("/test/revoke-access/", { token });
  await resetCounters();
  const statuses = await page.evaluate(async () => {
    const rs = await Promise.all(Array.from({ length: 50 }, () => window.auth.fetch("/api/me/")));
    return rs.map((r) => r.status);
  });
  return { refreshes: (await counters())[REFRESH] ?? 0, ok: statuses.filter((s) => s === 200).length };
}
async function stormAxios() {
  const token = await page.evaluate(async () => {
    const { axios, createAuthRefreshInterceptor } = window.axiosBundle;
    const client = axios.create({ baseURL: window.api, withCredentials: true });
    const login = await client.post("/dj-rest-auth/login/", { username: "demo", password: "tokenward-demo" });
    window.axiosToken = login.data.access;
    client.interceptors.request.use((config) => {
      config.headers.Authorization = `Bearer ${window.axiosToken}`;
      return config;
    });
    createAuthRefreshInterceptor(client, async (failed) => {
      const r = await axios.post(`${window.api}/dj-rest-auth/token/refresh/`, {}, { withCredentials: true });
      window.axiosToken = r.data.access;
      failed.response.config.headers.Authorization = `Bearer ${window.axiosToken}`;
    }, { skipWhileRefreshing: false }); // its documented setting for concurrent 401s
    window.axiosClient = client;
    return window.axiosToken;
  });
  await hook("/test/revoke-access/", { token });
  await resetCounters();
  const statuses = await page.evaluate(async () => {
    const rs = await Promise.allSettled(Array.from({ length: 50 }, () => window.axiosClient.get("/api/me/")));
    return rs.map((r) => (r.status === "fulfilled" ? r.value.status : r.reason?.response?.status ?? String(r.reason)));
  });
  if (process.env.BENCH_DEBUG) console.log(statuses, await counters());
  return { refreshes: (await counters())[REFRESH] ?? 0, ok: statuses.filter((s) => s === 200).length };
}
const tw = await stormTokenward();
row("refresh storm: 50 concurrent requests, rejected token (tokenward)", `${tw.refreshes} refresh POST, ${tw.ok}/50 ok`, "1", tw.refreshes === 1 ? "met" : "missed");
await page.evaluate(() => window.auth.logout()); // the server clears tokenward's cookies
const ax = await stormAxios();
row("refresh storm: the same through axios + axios-auth-refresh (skipWhileRefreshing: false)", `${ax.refreshes} refresh POST, ${ax.ok}/50 ok`, "", "for comparison");

// ---- init: module import → constructed client, median of 20 fresh pages, alternating
async function initTime(kind) {
  const p = await context.newPage();
  await p.goto(`${SITE}/tests/bench/page.html`);
  const ms = await p.evaluate(async ([kind, api]) => {
    const t0 = performance.now();
    if (kind === "tokenward") {
      const m = await import("/pkg/tokenward.js");
      await m.default();
      new m.AuthClient({ baseUrl: api });
    } else {
      const m = await import("/target/bench/supabase.js");
      new m.GoTrueClient({ url: api, autoRefreshToken: false, persistSession: false });
    }
    return performance.now() - t0;
  }, [kind, API]);
  await p.close();
  return ms;
}
const inits = { tokenward: [], supabase: [] };
for (let i = 0; i < 20; i++) {
  inits.tokenward.push(await initTime("tokenward"));
  inits.supabase.push(await initTime("supabase"));
}
const initRatio = median(inits.tokenward) / median(inits.supabase);
row("init: import → new AuthClient, tokenward / supabase auth-js (median of 20 pages)",
  `${initRatio.toFixed(2)} (${median(inits.tokenward).toFixed(1)} / ${median(inits.supabase).toFixed(1)} ms)`,
  "≤ 1.0 (stretch ≤ 0.8)", initRatio <= 1.0 ? "met" : `missed by ${(initRatio - 1).toFixed(2)}`);

await browser.close();

const date = new Date().toISOString().slice(0, 10);
const table = [
  `| measure | result | target | |`,
  `|---|---|---|---|`,
  ...rows.map((r) => `| ${r.what} | ${r.value} | ${r.target} | ${r.note} |`),
].join("\n");
console.log(`\nBenchmark, ${date} (headless Chromium, reference backend on loopback)\n\n${table}\n`);
mkdirSync("artifacts", { recursive: true });
writeFileSync("artifacts/bench.md", `Benchmark, ${date}\n\n${table}\n`);
