// Profiles auth.fetch on the no-refresh path with window.fetch stubbed (Chromium's CPU
// profiler): the top functions by self time. A development aid for the per-call figure of
// scripts/bench.sh; run with the bench's servers up:  node tests/bench/prof.mjs [calls]
import { launch, SITE, API } from "../e2e/lib.mjs";

const calls = Number(process.argv[2] || 20000);
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${SITE}/tests/bench/page.html`);
await page.evaluate(async (api) => {
  const m = await import("/pkg/tokenward.js");
  await m.default();
  window.auth = new m.AuthClient({ baseUrl: api, refreshLeewayMs: 0, crossTab: false });
  await window.auth.login({ username: "demo", password: "tokenward-demo" });
  window.fetch = () => Promise.resolve(new Response("{}", { status: 200 }));
  for (let i = 0; i < 2000; i++) await window.auth.fetch("/api/me/");
}, API);
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
await cdp.send("Profiler.start");
const ms = await page.evaluate(async (n) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await window.auth.fetch("/api/me/");
  return performance.now() - t0;
}, calls);
const { profile } = await cdp.send("Profiler.stop");
const self = new Map();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, i) => {
  const f = byId.get(id).callFrame;
  const key = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
  self.set(key, (self.get(key) || 0) + (dt[i] || 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`${calls} calls, ${((ms / calls) * 1000).toFixed(1)} µs per call (stubbed fetch)`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${(v / calls).toFixed(2).padStart(6)} µs  ${k}`);
}
await browser.close();
