// A fake dj-rest-auth + simplejwt server as `fetch`, for the shell's tests in Node: login,
// refresh (with the refresh cookie as a flag), logout, the user, and one API view. Every
// request is recorded.
export const API = "http://api.test/";

// A JWT whose payload says `exp` (seconds from now) and `iat`.
export function jwt(seconds = 300, n = 0) {
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(JSON.stringify({ exp: now + seconds, iat: now, n })).toString("base64url");
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.sig${n}`;
}

export function server() {
  const s = {
    requests: [],
    cookie: false,
    tokens: 0,
    valid: new Set(),
    user: { pk: 1, username: "ann", email: "ann@example.com" },
    // Overrides: path → (request, body) => Response.
    routes: new Map(),
  };
  const json = (status, body) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  const issue = () => {
    const t = jwt(300, ++s.tokens);
    s.valid.add(t);
    return t;
  };
  s.fetch = async (input, init) => {
    const req = new Request(input, init);
    const path = new URL(req.url).pathname;
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.text();
    s.requests.push({ path, method: req.method, auth: req.headers.get("Authorization"), body, credentials: init?.credentials });
    const route = s.routes.get(path);
    if (route) return route(req, body);
    switch (path) {
      case "/dj-rest-auth/login/": {
        const c = JSON.parse(body);
        if (c.password !== "pw") return json(400, { non_field_errors: ["Unable to log in with provided credentials."] });
        s.cookie = true;
        return json(200, { access: issue(), user: s.user });
      }
      case "/dj-rest-auth/token/refresh/":
        if (!s.cookie) return json(401, { detail: "Token is invalid or expired", code: "token_not_valid" });
        return json(200, { access: issue() });
      case "/dj-rest-auth/logout/":
        s.cookie = false;
        return json(200, { detail: "Successfully logged out." });
      case "/dj-rest-auth/user/":
        if (!s.valid.has((req.headers.get("Authorization") ?? "").split(" ")[1])) return json(401, { detail: "no" });
        return json(200, s.user);
      case "/api/me/":
        if (!s.valid.has((req.headers.get("Authorization") ?? "").split(" ")[1])) {
          return json(401, { detail: "Given token not valid for any token type", code: "token_not_valid" });
        }
        return json(200, { me: s.user.username });
      default:
        return json(404, { detail: "Not found." });
    }
  };
  return s;
}
