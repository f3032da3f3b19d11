// `new AuthClient(config)`: the config object read and validated in one call, for
// crates/web/src/config.rs — the first wrong key as { error: key, message }, else the plain data
// the client keeps (URLs resolved, defaults filled in). `endpoints` is the core's table of
// endpoint keys and default paths ("key path key path …", tokenward_core::outcome::Endpoint).
// Nothing here throws: a throwing getter on the config object is the key's error.

const MAX_MS = 2147483647;
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function readConfig(config, endpoints) {
  let key = "config";
  const fail = (message) => {
    throw { key, message };
  };
  const at = (k) => ((key = k), k);
  const object = (v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? v : fail("must be an object"));
  const only = (obj, keys, prefix) => {
    for (const k of Object.keys(obj)) if (!keys.includes(k)) (at(prefix + k), fail("is not a known option"));
  };
  const string = (v) => (v === undefined || typeof v === "string" ? v : fail("must be a string"));
  const boolean = (v, d) => (v === undefined ? d : typeof v === "boolean" ? v : fail("must be a boolean"));
  const millis = (v, d, positive) =>
    v === undefined
      ? d
      : typeof v === "number" && v >= 0 && v <= MAX_MS && (!positive || v > 0)
        ? Math.floor(v)
        : fail(`must be a number of milliseconds${positive ? " greater than 0" : ", 0 or more"} (at most ${MAX_MS})`);
  const url = (path, base) => {
    try {
      return new URL(path, base);
    } catch (_) {
      return undefined;
    }
  };
  try {
    const c = object(config);
    only(c, ["baseUrl", "endpoints", "storage", "storageKey", "csrf", "refreshLeewayMs", "timeoutMs",
      "crossTab", "authorizedOrigins", "fields", "authScheme", "debug"], "");
    const given = string(c[at("baseUrl")]);
    if (given === undefined) fail("is required");
    const b = url(given, given);
    if (!b || (b.protocol !== "http:" && b.protocol !== "https:")) fail("must be an absolute http(s) URL");
    // Endpoint paths resolve against the base: a query or fragment would be dropped from
    // them, and silently so from relative `fetch` URLs.
    if (b.href.includes("?") || b.href.includes("#")) fail("must not have a query or fragment");
    const base = b.href.endsWith("/") ? b.href : b.href + "/";
    const out = {
      base,
      leeway: millis(c[at("refreshLeewayMs")], 30000, false),
      timeout: millis(c[at("timeoutMs")], 15000, true),
      crossTab: boolean(c[at("crossTab")], true),
      debug: boolean(c[at("debug")], false),
      authScheme: string(c[at("authScheme")]) ?? "Bearer",
      urls: {},
      authPaths: [],
      storage: string(c[at("storage")]) ?? "memory",
      storageKey: string(c[at("storageKey")]) ?? "tokenward",
      csrf: ["csrftoken", "X-CSRFToken"],
      authorized: [],
      fields: ["access", "access_expiration", "user"],
    };
    // A header token (RFC 9110): what `Headers` accepts before the space.
    if (!TCHAR.test(out.authScheme)) (at("authScheme"), fail('must be a scheme name such as "Bearer" or "JWT"'));
    if (!["memory", "localStorage", "sessionStorage"].includes(out.storage)) {
      at("storage");
      fail('must be "memory", "localStorage" or "sessionStorage"');
    }
    if (!out.storageKey) (at("storageKey"), fail("must not be empty"));
    const table = endpoints.split(" ");
    const names = table.filter((_, i) => i % 2 === 0);
    const e = c[at("endpoints")];
    if (e !== undefined) only(object(e), names, "endpoints.");
    for (let i = 0; i < table.length; i += 2) {
      const name = table[i];
      at("endpoints." + name);
      const v = e === undefined ? undefined : e[name];
      if (v === null && name === "user") continue;
      const u = url(string(v) ?? table[i + 1], base);
      if (!u) fail("is not a valid URL");
      out.urls[name] = u.href;
      if (name === "login" || name === "refresh" || name === "logout") out.authPaths.push(u.origin + u.pathname);
    }
    const csrf = c[at("csrf")];
    if (csrf === false) out.csrf = null;
    else if (csrf !== undefined) {
      if (csrf === null || typeof csrf !== "object" || Array.isArray(csrf)) fail("must be { cookie, header } or false");
      only(csrf, ["cookie", "header"], "csrf.");
      ["cookie", "header"].forEach((k, i) => {
        at("csrf." + k);
        const v = string(csrf[k]);
        if (v === "") fail("must not be empty");
        if (v !== undefined) out.csrf[i] = v;
      });
    }
    const origins = c[at("authorizedOrigins")];
    if (origins === undefined) out.authorized.push(b.origin);
    else {
      if (!Array.isArray(origins)) fail("must be an array of URLs");
      // An empty list would send the token nowhere, not even to the API.
      if (!origins.length) fail("must name at least one origin");
      for (const o of origins) {
        const u = typeof o === "string" ? url(o) : undefined;
        if (!u || u.origin === "null") fail("must contain absolute URLs");
        out.authorized.push(u.origin);
      }
    }
    const f = c[at("fields")];
    if (f !== undefined) {
      only(object(f), ["access", "accessExpiration", "user"], "fields.");
      ["access", "accessExpiration", "user"].forEach((k, i) => {
        at("fields." + k);
        const v = f[k];
        if (v === undefined) return;
        if (typeof v !== "string" || !v) fail("must be a non-empty string");
        out.fields[i] = v;
      });
    }
    return out;
  } catch (e) {
    return { error: key, message: e && e.key ? e.message : "cannot be read: " + ((e && e.message) || e) };
  }
}
