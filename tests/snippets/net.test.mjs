// The cookie mechanics of crates/web/src/net.js, in Node with a fake document and location (the
// browser suites run on http pages, where `Secure` cannot be seen). Run by scripts/test.sh;
// by hand: node --test tests/snippets/
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { mintCookie, readCookie } from "../../crates/web/src/net.js";

let writes;
/** A page at `protocol//hostname` whose cookie jar holds `cookies` ("a=1; b=2"). */
function page(protocol, hostname, cookies = "") {
  const jar = new Map(cookies ? cookies.split("; ").map((c) => c.split("=")) : []);
  globalThis.location = { protocol, hostname };
  globalThis.document = {
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    },
    set cookie(text) {
      writes.push(text);
      const [pair, ...attrs] = text.split("; ");
      const domain = attrs.find((a) => a.startsWith("domain="));
      // A browser refuses a Secure cookie from an http page, and a domain the page is not in.
      if (attrs.includes("Secure") && protocol !== "https:") return;
      if (domain && !hostname.endsWith(domain.slice(7))) return;
      const [k, v] = pair.split("=");
      jar.set(k, v);
    },
  };
}

beforeEach(() => {
  writes = [];
});

test("a minted CSRF cookie is Secure on an https page, not on an http one", () => {
  page("https:", "app.example.com");
  assert.equal(mintCookie("csrftoken", "https://app.example.com/api/"), true);
  assert.match(writes[0], /^csrftoken=[A-Za-z0-9]{32}; path=\/; SameSite=Lax; Secure$/);
  page("http:", "127.0.0.1");
  assert.equal(mintCookie("csrftoken", "http://127.0.0.1:8001/"), true);
  assert.doesNotMatch(writes[1], /Secure/);
  assert.equal(readCookie("csrftoken").length, 32);
});

test("an existing CSRF cookie is never replaced", () => {
  page("https:", "app.example.com", "csrftoken=fromADjangoForm");
  assert.equal(mintCookie("csrftoken", "https://app.example.com/api/"), false);
  assert.deepEqual(writes, []);
  assert.equal(readCookie("csrftoken"), "fromADjangoForm");
});

test("the cookie goes to a parent domain shared with the API, never a bare TLD", () => {
  page("https:", "app.example.com");
  assert.equal(mintCookie("csrftoken", "https://api.example.com/"), true);
  assert.match(writes.at(-1), /; Secure; domain=example\.com$/);
  page("https:", "app.example.com");
  assert.equal(mintCookie("csrftoken", "https://api.other.org/"), false, "no shared parent: nothing minted");
  assert.deepEqual(writes.filter((w) => w.includes("domain=com")), []);
});
